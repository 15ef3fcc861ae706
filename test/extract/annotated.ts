import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { extractSeries, type SeriesProgram, type TreeFiles } from '../../src/extract/extract-patch.js';
import { exprText } from '../../src/extract/expr-text.js';
import type { FileProgram, FunctionProgram, ImageSide, Op, PatchProgram } from '../../src/model/program.js';
import { parseInput } from '../../src/parse/parse-input.js';

/**
 * Extraction tests write C as patches and annotate it with the operations expected under each line:
 *
 *     static void f(struct page *page)
 *     //= nop f()
 *     {
 *         spin_lock(&pages_lock);
 *         //= lock spin_lock acquire spinlock &pages_lock
 *
 * `//=` lines are not part of the C: each names one operation of the line above it, in the order the
 * extractor emits them, as `summarise` writes operations. The helpers build a valid unified diff
 * (counts, new-file and patch lines computed here, independently of the parser) and return the table
 * `[newLine, patchLine, summary]` the annotations promise, to compare with `realOps` of the program.
 */

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The team's shared data (seed review, v7 series) sits beside the repository when present. */
export const SHARED = path.resolve(import.meta.dirname, '../../..', 'shared');
export const hasShared = existsSync(SHARED);

type Row = [newLine: number | undefined, patchLine: number | undefined, summary: string];

interface BuiltPatch {
  /** The patch text. */
  text: string;
  /** What the `//=` annotations promise, in line order. */
  expected: Row[];
  /** New-file line and patch line of the first C line whose text contains `needle`. */
  at(needle: string): { newLine: number | undefined; oldLine: number | undefined; patchLine: number };
}

const ANNOTATION = /^\s*\/\/=\s?(.*)$/;

interface Line {
  marker: ' ' | '+' | '-';
  text: string;
  notes: string[];
}

interface HunkSpec {
  oldStart: number;
  newStart: number;
  context: string;
  lines: Line[];
}

/** Strips a leading blank line and the common indentation of a template literal's non-empty lines. */
function dedent(text: string): string[] {
  const rows = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indents = rows.filter((r) => r.trim() !== '').map((r) => /^ */.exec(r)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return rows.map((r) => r.slice(Math.min(cut, /^ */.exec(r)![0].length)));
}

function attach(lines: Line[], row: string): boolean {
  const note = ANNOTATION.exec(row);
  if (!note) return false;
  const last = lines[lines.length - 1];
  if (!last) throw new Error(`annotation before any line: ${row}`);
  last.notes.push(note[1]!.trim());
  return true;
}

function header(file: string, created: boolean): string[] {
  return created
    ? [`diff --git a/${file} b/${file}`, 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', `+++ b/${file}`]
    : [`diff --git a/${file} b/${file}`, 'index 1111111..2222222 100644', `--- a/${file}`, `+++ b/${file}`];
}

function render(file: string, hunks: HunkSpec[], created: boolean): BuiltPatch {
  const out = header(file, created);
  const expected: Row[] = [];
  const located: { text: string; newLine: number | undefined; oldLine: number | undefined; patchLine: number }[] = [];
  for (const hunk of hunks) {
    const oldCount = hunk.lines.filter((l) => l.marker !== '+').length;
    const newCount = hunk.lines.filter((l) => l.marker !== '-').length;
    out.push(`@@ -${hunk.oldStart}${created ? ',0' : `,${oldCount}`} +${hunk.newStart},${newCount} @@${hunk.context ? ` ${hunk.context}` : ''}`);
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const line of hunk.lines) {
      out.push(`${line.marker}${line.text}`);
      const patchLine = out.length;
      const n = line.marker === '-' ? undefined : newLine;
      const o = line.marker === '+' ? undefined : oldLine;
      located.push({ text: line.text, newLine: n, oldLine: o, patchLine });
      for (const note of line.notes) expected.push([n, patchLine, note]);
      if (line.marker !== '-') newLine += 1;
      if (line.marker !== '+') oldLine += 1;
    }
  }
  return {
    text: `${out.join('\n')}\n`,
    expected,
    at(needle: string) {
      const hit = located.find((l) => l.text.includes(needle));
      if (!hit) throw new Error(`no line contains ${needle}`);
      return { newLine: hit.newLine, oldLine: hit.oldLine, patchLine: hit.patchLine };
    },
  };
}

/** A patch creating `file` whose lines are the annotated C `snippet`; new line k is snippet line k. */
export function newFilePatch(file: string, snippet: string): BuiltPatch {
  const lines: Line[] = [];
  for (const row of dedent(snippet)) if (!attach(lines, row)) lines.push({ marker: '+', text: row, notes: [] });
  return render(file, [{ oldStart: 0, newStart: 1, context: '', lines }], true);
}

/**
 * A patch modifying `file`, written as hunks: a header `@@ OLD NEW @@ context` giving only the start
 * lines (counts are computed), then lines with their diff marker (` `, `+`, `-`) and annotations.
 */
export function changePatch(file: string, body: string): BuiltPatch {
  const hunks: HunkSpec[] = [];
  for (const row of dedent(body)) {
    const head = /^@@ (\d+) (\d+) @@ ?(.*)$/.exec(row);
    if (head) {
      hunks.push({ oldStart: Number(head[1]), newStart: Number(head[2]), context: head[3] ?? '', lines: [] });
      continue;
    }
    const hunk = hunks[hunks.length - 1];
    if (!hunk) throw new Error(`line before the first @@: ${row}`);
    if (attach(hunk.lines, row)) continue;
    const marker = row[0] ?? ' ';
    if (marker !== ' ' && marker !== '+' && marker !== '-') throw new Error(`line without a diff marker: ${row}`);
    hunk.lines.push({ marker: marker as Line['marker'], text: row.slice(1), notes: [] });
  }
  return render(file, hunks, false);
}

/** Parses and extracts patch texts as one series, each named `inline-N.patch`. */
export async function extractTexts(texts: readonly string[], tree?: TreeFiles): Promise<SeriesProgram> {
  const inputs = await Promise.all(texts.map((text, i) => parseInput(`inline-${i + 1}.patch`, new TextEncoder().encode(text))));
  const series = { patches: inputs.flatMap((s) => s.patches), missing: [], duplicates: [], diagnostics: inputs.flatMap((s) => s.diagnostics) };
  return extractSeries(series, tree);
}

/** The program of one patch text. */
export async function extractText(text: string, tree?: TreeFiles): Promise<PatchProgram> {
  const program = await extractTexts([text], tree);
  if (program.patches.length !== 1) throw new Error(`expected one patch, got ${program.patches.length}`);
  return program.patches[0]!;
}

/** Parses and extracts a file of the shared data or the fixtures, named relative to the repository. */
export async function extractFile(file: string): Promise<SeriesProgram> {
  const absolute = path.resolve(ROOT, file);
  const name = path.relative(ROOT, absolute).split(path.sep).join('/');
  const series = await parseInput(name, new Uint8Array(readFileSync(absolute)));
  return extractSeries(series);
}

export function fileOf(program: PatchProgram, file: string, side: ImageSide = 'new'): FileProgram {
  const found = program.files.find((f) => f.file === file && f.side === side);
  if (!found) throw new Error(`no ${side} side of ${file}; have ${program.files.map((f) => `${f.file}:${f.side}`).join(', ')}`);
  return found;
}

export function functionOf(program: PatchProgram | FileProgram, name: string, side: ImageSide = 'new'): FunctionProgram {
  const files = 'files' in program ? program.files.filter((f) => f.side === side) : [program];
  const found = files.flatMap((f) => f.functions).find((fn) => fn.name === name);
  if (!found) throw new Error(`no function ${name} on the ${side} side`);
  return found;
}

/** Where the operation `target` leads: `LINE:kind`, `~:kind` for a synthetic one, `end` for none. */
function targetText(fn: FunctionProgram, target: number | undefined): string {
  const op = target === undefined ? undefined : fn.ops[target];
  if (!op) return `?${target}`;
  const line = fn.side === 'new' ? op.anchor.newLine : op.anchor.oldLine;
  return `${op.anchor.origin === 'synthetic' || line === undefined ? '~' : line}:${op.kind}`;
}

const t = (dest: number | undefined): string => (dest === undefined ? '' : `t${dest} = `);

/** One operation with the fields tests pin, in a fixed order; see the examples in the tests. */
export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'lock':
      return [`lock ${t(op.dest)}${op.api} ${op.action} ${op.lockClass}`, op.mode, op.irq, exprText(op.lock), op.sleeps ? 'sleeps' : undefined]
        .filter((x) => x !== undefined).join(' ');
    case 'list':
      return [`list ${t(op.dest)}${op.api} ${op.action}`, op.entry ? `entry=${exprText(op.entry)}` : undefined, op.head ? `head=${exprText(op.head)}` : undefined]
        .filter((x) => x !== undefined).join(' ');
    case 'load':
      return `load t${op.dest} = ${exprText(op.source)}${op.order === 'plain' ? '' : ` ${op.order}`}`;
    case 'store':
      return `store ${exprText(op.target)} = ${exprText(op.value)}${op.order === 'plain' ? '' : ` ${op.order}`}${op.global ? ' global' : ''}`;
    case 'assign':
      return `assign ${op.local} := ${exprText(op.value)}`;
    case 'alloc':
      return `alloc t${op.dest} = ${op.api} ${op.what} ${op.flags.join('|') || '-'}${op.sleeps ? ' sleeps' : ''}`;
    case 'free':
      return `free ${op.api} ${op.what} ${exprText(op.target)}`;
    case 'pageref':
      return `pageref ${t(op.dest)}${op.api} ${op.action} ${exprText(op.page)}`;
    case 'barrier':
      return `barrier ${op.api} ${op.barrier}${op.smp ? ' smp' : ''}`;
    case 'call':
      return `call ${t(op.dest)}${op.callee ?? `(*${op.target ? exprText(op.target) : '?'})`}(${op.args.map(exprText).join(', ')})`;
    case 'spawn':
      return `spawn ${t(op.dest)}${op.api} fn=${exprText(op.fn)}${op.arg ? ` arg=${exprText(op.arg)}` : ''}`;
    case 'bug':
      return `bug ${op.api} ${op.level}`;
    case 'branch':
      return `branch ${exprText(op.cond)}${op.loop ? ' loop' : ''}`;
    case 'jump':
      return `jump ${op.jump}${op.label ? ` ${op.label}` : ''}`;
    case 'return':
      return `return${op.value ? ` ${exprText(op.value)}` : ''}`;
    case 'gap': {
      const span = op.newFrom !== undefined ? ` ${op.newFrom}-${op.newTo}` : op.oldFrom !== undefined ? ` old ${op.oldFrom}-${op.oldTo}` : '';
      return `gap ${op.reason}${span}${op.exitsOnly ? ' exits-only' : op.exits ? ' exits' : ''}`;
    }
    case 'nop':
      return `nop ${op.text}`;
  }
}

/**
 * An operation and where it goes: a branch names both successors, any other operation its successor
 * when that is not the next operation (a back edge, a jump, a merge), a terminator `end`.
 */
function summarise(fn: FunctionProgram, op: Op): string {
  const text = describeOp(op);
  if (op.kind === 'branch') return `${text} -> ${targetText(fn, op.succ[0])} | ${targetText(fn, op.succ[1])}`;
  if (op.succ.length === 0) return op.kind === 'return' ? text : `${text} -> end`;
  return op.succ[0] === op.id + 1 ? text : `${text} -> ${targetText(fn, op.succ[0])}`;
}

function lineOf(fn: FunctionProgram, op: Op): number | undefined {
  return fn.side === 'new' ? op.anchor.newLine : op.anchor.oldLine;
}

/** The operations of real lines, sorted by line (emission order within a line), as annotation rows. */
function realOps(functions: readonly FunctionProgram[]): Row[] {
  const rows = functions.flatMap((fn) => fn.ops.filter((op) => op.anchor.origin !== 'synthetic').map((op) => ({ line: lineOf(fn, op), row: [lineOf(fn, op), op.anchor.patchLine, summarise(fn, op)] as Row })));
  return rows.map((r, i) => ({ ...r, i })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.i - b.i).map((r) => r.row);
}

/** The synthetic operations (glue the rebuilt C needed), in program order. */
export function syntheticOps(fn: FunctionProgram): string[] {
  return fn.ops.filter((op) => op.anchor.origin === 'synthetic').map((op) => summarise(fn, op));
}

/** The whole program, one summary per operation, in program order. */
export function allOps(fn: FunctionProgram): string[] {
  return fn.ops.map((op) => `${op.id} ${lineOf(fn, op) ?? '~'} ${summarise(fn, op)}`);
}

/**
 * Whether an operation matching `to` can be reached from operation `from` along successor edges
 * without passing through an operation matching `avoid`.
 */
export function reaches(fn: FunctionProgram, from: number, to: (op: Op) => boolean, avoid: (op: Op) => boolean = () => false): boolean {
  const seen = new Set<number>();
  const work = [...(fn.ops[from]?.succ ?? [])];
  while (work.length > 0) {
    const id = work.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const op = fn.ops[id];
    if (!op) continue;
    if (to(op)) return true;
    if (avoid(op)) continue;
    work.push(...op.succ);
  }
  return false;
}

/** The first operation matching `match`, or an error naming what the program has. */
export function findOp(fn: FunctionProgram, match: (op: Op) => boolean): Op {
  const op = fn.ops.find(match);
  if (!op) throw new Error(`no such operation in ${fn.name}:\n${allOps(fn).join('\n')}`);
  return op;
}

export const isApi = (api: string) => (op: Op): boolean => 'api' in op && op.api === api;

/** Where an operation is: the fields of its anchor that tests pin. */
export function where(op: Op): { newLine: number | undefined; patchLine: number | undefined; origin: string } {
  return { newLine: op.anchor.newLine, patchLine: op.anchor.patchLine, origin: op.anchor.origin };
}

/** Extracts an annotated patch: the program, and the real-line operations of its new side as rows. */
export async function extractAnnotated(built: BuiltPatch): Promise<{ program: PatchProgram; rows: Row[] }> {
  const program = await extractText(built.text);
  return { program, rows: realOps(program.files.filter((f) => f.side === 'new').flatMap((f) => f.functions)) };
}
