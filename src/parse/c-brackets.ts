/**
 * Bracket structure of a run of C lines, ignoring comments, strings, character literals and
 * preprocessor lines. Hunks start and stop anywhere, so the scan reports both the openers a run needs
 * before it (closers it meets with nothing open) and the openers it leaves open at its end.
 */
export type Bracket = '{' | '(' | '[';

export interface LineScan {
  /** Whether the line starts inside a block comment. */
  inComment: boolean;
  /** Brace depth relative to the start of the run, before the line's first token. */
  depthBefore: number;
  /** Whether the line starts a statement or declaration rather than continuing an expression. */
  startsToken: boolean;
  /** Whether the line is a preprocessor directive or a continuation of one. */
  preprocessor: boolean;
  /** Leading whitespace width (tab = 1 level, 8 spaces = 1 level), or undefined for an empty line. */
  indent?: number;
}

export interface BracketScan {
  /** Openers the run needs before its start, outermost first. */
  needed: Bracket[];
  /** Openers still open at the end of the run, outermost first. */
  open: Bracket[];
  /** Whether the run ends inside a block comment. */
  endsInComment: boolean;
  /** Whether the closer of the outermost needed `(` is followed by `{`: the run starts in a control header (`if (a &&`). */
  neededParenOpensBlock: boolean;
  /** `#endif`s with no `#if` in the run, outermost first, each with the comment that names its condition. */
  conditionalsNeeded: string[];
  /** `#if`s still open at the end of the run. */
  conditionalsOpen: number;
  lines: LineScan[];
}

const CLOSER_OF: Record<string, Bracket> = { '}': '{', ')': '(', ']': '[' };

function indentOf(line: string): number | undefined {
  if (line.trim() === '') return undefined;
  let width = 0;
  for (const ch of line) {
    if (ch === '\t') width += 8;
    else if (ch === ' ') width += 1;
    else break;
  }
  return Math.floor(width / 8);
}

/** Scans `lines` starting in a block comment or not. */
export function scanBrackets(lines: readonly string[], startInComment: boolean): BracketScan {
  const stack: Bracket[] = [];
  const needed: Bracket[] = [];
  const scans: LineScan[] = [];
  let inComment = startInComment;
  let continued = false;
  let lastSignificant = ';';
  const conditionalsNeeded: string[] = [];
  let conditionalsOpen = 0;
  let afterNeededParen = false;
  let neededParenOpensBlock = false;
  const need = (opener: Bracket): void => {
    needed.unshift(opener);
    if (opener === '(') {
      afterNeededParen = true;
      neededParenOpensBlock = false;
    }
  };

  for (const line of lines) {
    const braceDepth = stack.filter((b) => b === '{').length - needed.filter((b) => b === '{').length;
    const trimmed = line.trim();
    const parenOpen = stack.some((b) => b !== '{');
    scans.push({
      inComment,
      depthBefore: braceDepth,
      startsToken: !inComment && !parenOpen && /[;{}:]$/.test(lastSignificant),
      preprocessor: !inComment && (continued || trimmed.startsWith('#')),
      indent: indentOf(line),
    });
    if (!inComment && (continued || trimmed.startsWith('#'))) {
      if (!continued) {
        const directive = /^#\s*(if|ifdef|ifndef|endif)\b(.*)$/.exec(trimmed);
        if (directive?.[1]?.startsWith('if')) conditionalsOpen += 1;
        else if (directive && conditionalsOpen > 0) conditionalsOpen -= 1;
        else if (directive) conditionalsNeeded.unshift(/\/\*\s*(.*?)\s*\*\//.exec(directive[2] ?? '')?.[1] ?? '');
      }
      continued = trimmed.endsWith('\\');
      continue;
    }
    let i = 0;
    while (i < line.length) {
      const ch = line[i]!;
      const next = line[i + 1];
      if (inComment) {
        if (ch === '*' && next === '/') {
          inComment = false;
          i += 2;
        } else i += 1;
        continue;
      }
      if (ch === '/' && next === '*') {
        inComment = true;
        i += 2;
        continue;
      }
      if (ch === '/' && next === '/') break;
      if (afterNeededParen && ch.trim() !== '') {
        neededParenOpensBlock = ch === '{';
        afterNeededParen = false;
      }
      if (ch === '"' || ch === "'") {
        i = skipQuoted(line, i);
        lastSignificant = ch;
        continue;
      }
      if (ch === '{' || ch === '(' || ch === '[') stack.push(ch);
      const opener = CLOSER_OF[ch];
      if (opener && !isStrayCloser(stack, opener)) {
        if (stack.length > 0 && stack[stack.length - 1] === opener) stack.pop();
        else if (stack.length === 0) need(opener);
        else {
          // Mismatched closer: drop openers until it matches, as a compiler's recovery would.
          while (stack.length > 0 && stack[stack.length - 1] !== opener) stack.pop();
          if (stack.length > 0) stack.pop();
          else need(opener);
        }
      }
      if (ch.trim() !== '') lastSignificant = ch;
      i += 1;
    }
  }
  return { needed, open: stack, endsInComment: inComment, neededParenOpensBlock, conditionalsNeeded, conditionalsOpen, lines: scans };
}

/**
 * A `)` or `]` with nothing to close inside the innermost open block is a typo in one statement: a
 * block opened in the run cannot end inside parentheses opened before it, so the closer closes nothing.
 */
function isStrayCloser(stack: readonly Bracket[], opener: Bracket): boolean {
  return opener !== '{' && stack.lastIndexOf('{') > stack.lastIndexOf(opener);
}

function skipQuoted(line: string, start: number): number {
  const quote = line[start];
  let i = start + 1;
  while (i < line.length) {
    if (line[i] === '\\') i += 2;
    else if (line[i] === quote) return i + 1;
    else i += 1;
  }
  return i;
}

/**
 * Whether a hunk's lines start inside a block comment: a `*` continuation line first, or a `*` `/`
 * closer met before any opener.
 */
export function startsInComment(lines: readonly string[]): boolean {
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined) return false;
  const t = first.trim();
  if (t.startsWith('*/') || (t.startsWith('*') && !/^\*+\s*\w+\s*(=|->|\[|\))/.test(t))) return true;
  const asCode = scanBrackets(lines, false);
  const closesEarly = lines.join('\n').search(/\*\//);
  const opensEarly = lines.join('\n').search(/\/\*/);
  return !asCode.endsInComment && closesEarly >= 0 && (opensEarly < 0 || closesEarly < opensEarly);
}
