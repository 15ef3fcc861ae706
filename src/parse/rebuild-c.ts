import type { FileDiff, Hunk, HunkLine } from '../model/patch.js';
import type { GapReason, ImageSide, Origin } from '../model/program.js';
import { type Bracket, type BracketScan, scanBrackets, startsInComment } from './c-brackets.js';
import { classifyHunkContext, type HunkContext } from './hunk-context.js';

/**
 * The C of one file side (post-image or pre-image) as far as a patch shows it, made parseable.
 *
 * Hunks are joined in order; what lies between them is a gap. Gaps are written as calls to
 * `__kreview_gap(N)` placed where the hidden code runs, brackets left open by one hunk are closed
 * and brackets the next hunk needs are reopened, and a hunk that starts inside a function the patch
 * does not show gets that function's signature from its `@@` line. Every line of the text maps back to
 * the patch line, new-file line and old-file line it came from; glue lines are `synthetic`.
 */
export interface SourceLine {
  origin: Origin;
  patchLine?: number;
  newLine?: number;
  oldLine?: number;
}

export interface GapSpan {
  id: number;
  reason: GapReason;
  /** The hidden lines end where a label starts: they may leave the function instead of falling through. */
  exits?: boolean;
  /** There are no more hidden lines than braces they must close: each is a `}` line (kernel style). */
  closesOnly?: boolean;
  /** ... and the label starts an unwind ladder (it frees or unregisters): code above it does not fall into it. */
  exitsOnly?: boolean;
  newFrom?: number;
  newTo?: number;
  oldFrom?: number;
  oldTo?: number;
}

export interface CSource {
  /** The input (patch file or mail) the lines come from. */
  input?: string;
  file: string;
  side: ImageSide;
  text: string;
  /** One entry per line of `text`. */
  lines: SourceLine[];
  gaps: GapSpan[];
}

/** Markers the extract stage recognises in rebuilt C. */
export const GAP_CALL = '__kreview_gap';
export const UNKNOWN_CALL = '__kreview_unknown';
/** Condition written for an `#if` the patch does not show and no `#endif` comment names. */
export const HIDDEN_CONDITION = '__kreview_hidden_condition';

interface Visible {
  hunk: Hunk;
  lines: HunkLine[];
  texts: string[];
  context: HunkContext;
  scan: BracketScan;
}

interface Cursor {
  /** Open brackets at the end of what was emitted, outermost first. */
  open: Bracket[];
  /** The function the cursor is in, by name; undefined at file scope or in an aggregate. */
  fn?: string;
}

/** Lines of a hunk that exist on `side`. */
function sideLines(hunk: Hunk, side: ImageSide): HunkLine[] {
  return hunk.lines.filter((l) => l.kind === 'ctx' || l.kind === (side === 'new' ? 'add' : 'del'));
}

function lineNumberOf(line: HunkLine, side: ImageSide): number | undefined {
  return side === 'new' ? line.newLine : line.oldLine;
}

function originOf(line: HunkLine): Origin {
  return line.kind === 'add' ? 'added' : line.kind === 'del' ? 'removed' : 'context';
}

/** Whether lines carry real indentation (archives often strip it). */
function hasIndentation(file: FileDiff): boolean {
  return file.hunks.some((h) => h.lines.some((l) => /^(\t| {8})/.test(l.text)));
}

const TOP_LEVEL_START = /^(#|static\b|extern\b|typedef\b|EXPORT_SYMBOL|module_|MODULE_|DEFINE_|late_initcall|subsys_initcall|core_initcall|(struct|union|enum)\s+\w+\s*\{?\s*$)/;
const STATEMENT_START = /^(if|for|while|do|switch|return|goto|break|continue|case|default)\b|^[{}]|^[A-Za-z_][\w.>\-[\]]*\s*(=|\+=|-=|\+\+|--|\()/;

function firstCode(v: Visible): string {
  const first = firstCodeIndex(v);
  return first >= 0 ? v.texts[first]!.trim() : '';
}

function firstCodeIndex(v: Visible): number {
  return v.scan.lines.findIndex((s, i) => {
    const t = v.texts[i]!.trim();
    return !s.inComment && t !== '' && !t.startsWith('/*') && !t.startsWith('//');
  });
}

/** Brace depth at which a hunk starts, given where git says it is and what its text needs. */
function startDepth(v: Visible, indented: boolean, prev: Cursor, nextSameFunction: boolean): number {
  const neededBraces = v.scan.needed.filter((b) => b === '{').length;
  const endRelative = v.scan.open.filter((b) => b === '{').length - neededBraces;
  const first = firstCodeIndex(v);
  const firstText = first >= 0 ? v.texts[first]!.trim() : '';
  let inside = false;
  if (v.context.kind === 'function') {
    // A hunk that starts at the function's own `{` (its signature is the line git put in the context).
    if (firstText === '{' && neededBraces === 0) return 0;
    inside = neededBraces > 0 || first < 0 || !(TOP_LEVEL_START.test(firstText) || isDefinitionStart(v, first));
  } else if (v.context.kind === 'aggregate') {
    inside = neededBraces > 0 || (first >= 0 && !TOP_LEVEL_START.test(firstText) && /;\s*$/.test(firstText) && !firstText.includes('('));
  } else {
    inside = neededBraces > 0 || (prev.fn !== undefined && first >= 0 && STATEMENT_START.test(firstText));
  }
  if (!inside) return neededBraces;
  let depth = Math.max(1, neededBraces, statementDepth(v));
  if (indented) {
    const fromIndent = v.scan.lines
      .map((s, i) => {
        const text = v.texts[i]!.trim();
        if (!s.startsToken || s.inComment || s.preprocessor || s.indent === undefined || /^(\w+:|case\b)/.test(text)) return Number.POSITIVE_INFINITY;
        // A line that opens with `}` is indented like the block around the one it closes.
        return s.indent - s.depthBefore + (text.startsWith('}') ? 1 : 0);
      })
      .reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    if (Number.isFinite(fromIndent)) depth = Math.max(depth, fromIndent);
  }
  if (nextSameFunction) depth = Math.max(depth, 1 - endRelative);
  return depth;
}

/** Code that cannot stand at file scope: a control keyword, an assignment or an update (a call may be a file-scope macro). */
const STATEMENT_ONLY = /^(if|for|while|do|switch|return|goto|break|continue|case|default|else)\b|^[A-Za-z_][\w.>\-[\]]*\s*(=[^=]|\+=|-=|\+\+|--)/;

/**
 * The least start depth that keeps every statement of the hunk inside a function body. A hunk that
 * opens by closing blocks (`}`) may still be inside the function afterwards; only its statements tell.
 */
function statementDepth(v: Visible): number {
  return v.scan.lines.reduce((depth, s, i) => {
    if (!s.startsToken || s.inComment || s.preprocessor) return depth;
    const text = v.texts[i]!.trim();
    const closers = /^[}\s]*/.exec(text)![0];
    const rest = text.slice(closers.length);
    if (!STATEMENT_ONLY.test(rest)) return depth;
    return Math.max(depth, 1 - (s.depthBefore - closers.replace(/\s/g, '').length));
  }, 0);
}

/** A function definition begins at `index`: a declarator line followed by a line opening a brace. */
function isDefinitionStart(v: Visible, index: number): boolean {
  const text = v.texts[index]!.trim();
  if (!/^[A-Za-z_][\w\s*]*\b[A-Za-z_]\w*\s*\(/.test(text) || STATEMENT_START.test(text.replace(/^\w+\s+/, ''))) {
    return /^(static|extern|inline)\b/.test(text) && text.includes('(') && !text.endsWith(';');
  }
  if (text.endsWith(';')) return false;
  const next = v.texts.slice(index + 1).find((t) => t.trim() !== '');
  return text.endsWith('{') || next?.trim() === '{' || (!text.endsWith(')') && text.includes('('));
}

class Emitter {
  readonly out: string[] = [];
  readonly lines: SourceLine[] = [];
  readonly gaps: GapSpan[] = [];
  cursor: Cursor = { open: [] };
  /** `#if`s open in what was emitted. */
  conditionals = 0;
  private lastCode = '';

  constructor(private readonly side: ImageSide) {}

  synthetic(text: string, anchor: SourceLine | undefined): void {
    this.out.push(text);
    if (text !== '*/') this.lastCode = text;
    this.lines.push({ ...(anchor ?? {}), origin: 'synthetic' });
  }

  real(text: string, line: HunkLine): void {
    this.out.push(text);
    const trimmed = text.trim();
    if (trimmed !== '' && !trimmed.startsWith('/*') && !trimmed.startsWith('*') && !trimmed.startsWith('//')) {
      this.lastCode = trimmed;
    }
    const source: SourceLine = { origin: originOf(line), patchLine: line.patchLine };
    if (line.newLine !== undefined) source.newLine = line.newLine;
    if (line.oldLine !== undefined) source.oldLine = line.oldLine;
    this.lines.push(source);
  }

  newGap(reason: GapReason, from: number | undefined, to: number | undefined): number {
    const id = this.gaps.length;
    const gap: GapSpan = { id, reason };
    if (from !== undefined && to !== undefined && to >= from) {
      if (this.side === 'new') {
        gap.newFrom = from;
        gap.newTo = to;
      } else {
        gap.oldFrom = from;
        gap.oldTo = to;
      }
    }
    this.gaps.push(gap);
    return id;
  }

  /** Ends a dangling file-scope declarator (a function signature whose body is hidden). */
  terminateDeclaration(anchor: SourceLine | undefined): void {
    if (this.cursor.open.length === 0 && this.lastCode !== '' && !/([;}]|\*\/)$/.test(this.lastCode) && !this.lastCode.startsWith('#')) {
      this.synthetic(';', anchor);
    }
    this.lastCode = '';
  }

  braceDepth(): number {
    return this.cursor.open.filter((b) => b === '{').length;
  }

  /** Closes brackets until only `depth` braces stay open, running the hidden code `gap` first. */
  closeTo(depth: number, gap: number | undefined, anchor: SourceLine | undefined): void {
    const open = this.cursor.open;
    // A control header whose statement is hidden (`if (err)` then the gap): the gap's first
    // statement is its body, and the rest of the gap runs after it either way.
    if (gap !== undefined && this.cursor.fn !== undefined && /^(}\s*)?(if|while|for|else\s+if)\b.*\)$|^(}\s*)?else$|^do$/.test(this.lastCode)) {
      this.synthetic(`${GAP_CALL}(${gap});`, anchor);
    }
    const trailing: Bracket[] = [];
    while (open.length > 0 && open[open.length - 1] !== '{') trailing.unshift(open.pop()!);
    if (trailing.length > 0) {
      const closers = trailing.reverse().map((b) => (b === '(' ? ')' : ']')).join('');
      this.synthetic(`${gap !== undefined ? `${GAP_CALL}(${gap})` : '0'}${closers};`, anchor);
    } else if (gap !== undefined && open.length > 0 && this.cursor.fn !== undefined) {
      this.synthetic(`${GAP_CALL}(${gap});`, anchor);
    }
    while (this.braceDepth() > depth) {
      while (open.length > 0 && open[open.length - 1] !== '{') open.pop();
      open.pop();
      this.synthetic(open.length === 0 && this.cursor.fn === undefined ? '};' : '}', anchor);
    }
    if (open.length === 0) delete this.cursor.fn;
  }

  openTo(depth: number, gap: number, anchor: SourceLine | undefined): void {
    while (this.braceDepth() < depth) {
      // A loop, not an `if`: the hidden header may be a `for`, and `break`/`continue` need a target.
      this.synthetic(`while (${UNKNOWN_CALL}(${gap})) {`, anchor);
      this.cursor.open.push('{');
    }
  }
}

/** Rebuilds one side of one file from its hunks alone. */
export function rebuildFromHunks(file: FileDiff, side: ImageSide): CSource {
  const path = side === 'new' ? file.newPath : file.oldPath;
  const emitter = new Emitter(side);
  const indented = hasIndentation(file);
  const visible: Visible[] = file.hunks.map((hunk) => {
    const lines = sideLines(hunk, side);
    const texts = lines.map((l) => l.text);
    return { hunk, lines, texts, context: classifyHunkContext(hunk.context), scan: scanBrackets(texts, startsInComment(texts)) };
  });

  let previousEnd: number | undefined;
  visible.forEach((v, index) => {
    const start = side === 'new' ? v.hunk.newStart : v.hunk.oldStart;
    const next = visible[index + 1];
    const fnName = v.context.kind === 'function' ? v.context.name : emitter.cursor.fn;
    const nextSameFunction = next !== undefined && fnName !== undefined
      && (next.context.kind === 'function' ? next.context.name === fnName : next.context.kind === 'label');
    const anchor: SourceLine = { origin: 'synthetic', patchLine: v.hunk.patchLine };
    const adjacent = previousEnd !== undefined && previousEnd + 1 === start;
    const hiddenFrom = previousEnd === undefined ? 1 : previousEnd + 1;
    const hasHidden = !adjacent && start > 1;

    let sameFunction = false;
    if (!adjacent) {
      const depth = startDepth(v, indented, emitter.cursor, nextSameFunction);
      sameFunction = depth > 0 && emitter.cursor.fn !== undefined
        && (v.context.kind !== 'function' || v.context.name === emitter.cursor.fn);
      if (sameFunction) {
        const gap = emitter.newGap('between-hunks', hiddenFrom, start - 1);
        const before = emitter.braceDepth();
        emitter.closeTo(Math.min(depth, before), gap, anchor);
        const afterClose = emitter.braceDepth();
        emitter.openTo(depth, gap, anchor);
        // Nothing reopened, and no more hidden lines than braces closed: they can only be those `}`s.
        if (emitter.braceDepth() === afterClose && start - hiddenFrom <= before - afterClose) emitter.gaps[gap]!.closesOnly = true;
      } else {
        if (emitter.cursor.open.length > 0) emitter.closeTo(0, emitter.newGap('after-hunk', hiddenFrom, start - 1), anchor);
        emitter.terminateDeclaration(anchor);
        emitConditionals(emitter, v, anchor);
        if (depth > 0 && v.context.kind === 'function') {
          emitter.synthetic(`${v.context.signature} {`, anchor);
          emitter.cursor = { open: ['{'], fn: v.context.name };
          const gap = emitter.newGap('before-hunk', hiddenFrom, start - 1);
          emitter.synthetic(`${GAP_CALL}(${gap});`, anchor);
          emitter.openTo(depth, gap, anchor);
        } else if (depth > 0 && v.context.kind === 'aggregate') {
          emitter.synthetic(`${v.context.opener} {`, anchor);
          emitter.cursor = { open: ['{'] };
          for (let d = 1; d < depth; d += 1) {
            emitter.synthetic('{', anchor);
            emitter.cursor.open.push('{');
          }
        } else if (v.context.kind === 'function' && firstCode(v) === '{') {
          if (hasHidden) emitter.newGap('between-hunks', hiddenFrom, start - 1);
          emitter.synthetic(v.context.signature, anchor);
        } else if (hasHidden) {
          emitter.newGap(previousEnd === undefined ? 'before-hunk' : 'between-hunks', hiddenFrom, start - 1);
        }
      }
      if (sameFunction) emitConditionals(emitter, v, anchor);
      if (hasHidden && emitter.cursor.fn !== undefined && startsAtLabel(v)) {
        const gap = emitter.gaps[emitter.gaps.length - 1]!;
        gap.exits = true;
        if (v.texts.some((t) => UNWIND.test(t))) gap.exitsOnly = true;
      }
      if (v.context.kind === 'label' && emitter.cursor.fn !== undefined) emitter.synthetic(`${v.context.name}:`, anchor);
      emitNeededParens(emitter, v, anchor);
      if (hasHidden && emitter.cursor.fn !== undefined) guardJumpAfterGap(v, emitter.gaps.length - 1);
    }
    emitHunk(emitter, v);
    const last = v.lines[v.lines.length - 1];
    previousEnd = last ? lineNumberOf(last, side) ?? start + v.lines.length - 1 : start - 1;
  });

  if (emitter.cursor.open.length > 0) {
    emitter.closeTo(0, emitter.newGap('after-hunk', (previousEnd ?? 0) + 1, undefined), undefined);
  }
  emitter.terminateDeclaration(undefined);
  for (; emitter.conditionals > 0; emitter.conditionals -= 1) emitter.synthetic('#endif', undefined);
  return { file: path, side, text: emitter.out.join('\n') + '\n', lines: emitter.lines, gaps: emitter.gaps };
}

function emitNeededParens(emitter: Emitter, v: Visible, anchor: SourceLine): void {
  const lastBrace = v.scan.needed.lastIndexOf('{');
  const parens = v.scan.needed.slice(lastBrace + 1);
  if (parens.length === 0) return;
  const gap = emitter.gaps.length > 0 ? emitter.gaps.length - 1 : emitter.newGap('before-hunk', undefined, undefined);
  const openers = parens.map((b) => (b === '(' ? `${GAP_CALL}(${gap}, ` : `${GAP_CALL}[`));
  // The hunk starts inside a condition whose block it shows (`    page_count(page) == 2)) {`): the
  // outer `(` is an `if`'s, and the hidden start of the condition decides whether the block runs.
  if (v.scan.neededParenOpensBlock && parens[0] === '(' && emitter.cursor.fn !== undefined) openers[0] = `if (${GAP_CALL}(${gap}) && `;
  emitter.synthetic(openers.join(''), anchor);
  emitter.cursor.open.push(...parens);
}

/** Calls that undo what a function set up: the code of an error-unwinding label. */
const UNWIND = /\b(kfree|vfree|kvfree|free_\w+|\w+_free|put_\w+|\w+_put|\w+_del\w*|del_\w+|\w*unregister\w*|\w+_destroy|destroy_\w+)\s*\(/;

/** Code right after a label is reached by a jump; the hidden code before it usually does not fall into it. */
function startsAtLabel(v: Visible): boolean {
  if (v.context.kind === 'label') return true;
  const first = firstCodeIndex(v);
  return first >= 0 && /^[A-Za-z_]\w*:(?!:)/.test(v.texts[first]!.trim()) && !/^default:/.test(v.texts[first]!.trim());
}

const JUMP = /^(return\b[^;]*;|break\s*;|continue\s*;|goto\s+\w+\s*;)\s*$/;

/**
 * A jump right after hidden lines, followed by more statements at its own depth, cannot be
 * unconditional (the statements after it would be dead): the hidden lines end in its `if`.
 */
function guardJumpAfterGap(v: Visible, gap: number): void {
  const first = firstCodeIndex(v);
  if (first < 0 || !JUMP.test(v.texts[first]!.trim())) return;
  const depth = v.scan.lines[first]!.depthBefore;
  const follower = v.scan.lines.findIndex((s, i) => i > first && !s.inComment && v.texts[i]!.trim() !== ''
    && !v.texts[i]!.trim().startsWith('/*') && !v.texts[i]!.trim().startsWith('//'));
  if (follower < 0) return;
  const followText = v.texts[follower]!.trim();
  if (followText.startsWith('}') || /^\w+:/.test(followText) || v.scan.lines[follower]!.depthBefore !== depth) return;
  v.texts[first] = `if (${UNKNOWN_CALL}(${gap})) ${v.texts[first]}`;
}

function emitConditionals(emitter: Emitter, v: Visible, anchor: SourceLine): void {
  for (const name of v.scan.conditionalsNeeded) emitter.synthetic(`#if ${conditionFromComment(name)}`, anchor);
}

/** The condition an `#endif /* NAME *\/` closes, when its comment names one. */
function conditionFromComment(comment: string): string {
  const name = /^(!?)\s*(?:defined\s*\(?\s*)?([A-Za-z_]\w*)\)?$/.exec(comment.trim());
  return name ? `${name[1]}defined(${name[2]})` : HIDDEN_CONDITION;
}

const DEFINITION_NAME = /^(?:[A-Za-z_][\w\s*]*?\s\**)?\**([A-Za-z_]\w*)\s*\(/;

function emitHunk(emitter: Emitter, v: Visible): void {
  const startDepth = emitter.braceDepth();
  let definedHere: string | undefined;
  v.scan.lines.forEach((scan, i) => {
    const text = v.texts[i]!.trim();
    const name = DEFINITION_NAME.exec(text)?.[1];
    if (startDepth + scan.depthBefore === 0 && !scan.inComment && name && !text.endsWith(';') && !/^(if|for|while|switch|return|sizeof)$/.test(name)) {
      definedHere = name;
    }
  });
  emitter.conditionals += v.scan.conditionalsNeeded.length;
  const prefix = v.scan.lines[0]?.inComment ? '/*' : '';
  v.lines.forEach((line, i) => emitter.real(i === 0 ? prefix + v.texts[i]! : v.texts[i]!, line));
  const scan = v.scan;
  const open = emitter.cursor.open;
  for (const needed of [...scan.needed].reverse()) {
    const at = open.lastIndexOf(needed);
    if (at >= 0) open.splice(at, 1);
  }
  open.push(...scan.open);
  emitter.conditionals = Math.max(0, emitter.conditionals - v.scan.conditionalsNeeded.length) + v.scan.conditionalsOpen;
  if (scan.endsInComment) emitter.synthetic('*/', undefined);
  if (emitter.braceDepth() === 0) delete emitter.cursor.fn;
  else if (definedHere !== undefined) emitter.cursor.fn = definedHere;
  else if (emitter.cursor.fn === undefined && v.context.kind === 'function') emitter.cursor.fn = v.context.name;
}

/**
 * Rebuilds one side of a file whose full text is known (from `--tree`), anchoring the lines the patch
 * shows. `fromPatch` says which patch line each row came from when the patch applied at an offset;
 * without it, rows are matched by the hunks' line numbers.
 */
export function rebuildFromText(file: FileDiff, side: ImageSide, text: string, fromPatch?: readonly (HunkLine | undefined)[]): CSource {
  const path = side === 'new' ? file.newPath : file.oldPath;
  const rows = text.replace(/\n$/, '').split('\n');
  const byLine = new Map<number, HunkLine>();
  for (const hunk of fromPatch ? [] : file.hunks) {
    for (const line of sideLines(hunk, side)) {
      const n = lineNumberOf(line, side);
      if (n !== undefined) byLine.set(n, line);
    }
  }
  const lines = rows.map((_, i): SourceLine => {
    const hunkLine = fromPatch ? fromPatch[i] : byLine.get(i + 1);
    if (!hunkLine) return side === 'new' ? { origin: 'tree', newLine: i + 1 } : { origin: 'tree', oldLine: i + 1 };
    const source: SourceLine = { origin: originOf(hunkLine), patchLine: hunkLine.patchLine };
    if (hunkLine.newLine !== undefined) source.newLine = hunkLine.newLine;
    if (hunkLine.oldLine !== undefined) source.oldLine = hunkLine.oldLine;
    return source;
  });
  return { file: path, side, text: rows.join('\n') + '\n', lines, gaps: [] };
}
