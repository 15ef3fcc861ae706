import type { Diagnostic } from '../model/diagnostic.js';

/**
 * The C litmus-test format of the Linux-kernel memory model (`tools/memory-model/litmus-tests/`, as
 * herd7 reads it): a `C NAME` line, an optional `(* comment *)`, an initial-state block `{ ... }`,
 * processes `P0(int *x, ...) { body }` kept as C text for the extractor, and a final condition
 * (`exists`, `~exists` or `forall`) over registers (`1:r0=1`) and memory (`x=2`).
 */

export interface LitmusParam {
  name: string;
  /** `int *`, `spinlock_t *`. */
  type: string;
}

export interface LitmusProcess {
  /** The `n` of `Pn`: the thread number registers in the condition are qualified with. */
  index: number;
  name: string;
  params: LitmusParam[];
  /** The process as written, from its name to its closing brace: C once given a return type. */
  text: string;
  /** 1-based line of the process name. */
  line: number;
}

/** One initial value: `x=1;`, `int y = 2;`, `int *p = &x;` (a value `@name` is the address of `name`). */
export interface LitmusInit {
  name: string;
  /** A decimal integer, or `@name` for the address of shared variable `name`. */
  value: string;
  line: number;
}

export type LitmusProp =
  | { k: 'and' | 'or'; left: LitmusProp; right: LitmusProp }
  | { k: 'not'; arg: LitmusProp }
  | { k: 'const'; value: boolean }
  /** `1:r0=1`: register `r0` of process 1 at the end. */
  | { k: 'register'; thread: number; register: string; value: string }
  /** `x=2`: the final value of shared variable `x`. */
  | { k: 'memory'; location: string; value: string };

export type LitmusQuantifier = 'exists' | 'not exists' | 'forall';

export interface LitmusCondition {
  quantifier: LitmusQuantifier;
  prop: LitmusProp;
  /** The condition as written, on one line. */
  text: string;
  line: number;
}

export interface LitmusTest {
  file: string;
  name: string;
  /** The first `(* ... *)` comment, trimmed. */
  comment?: string;
  init: LitmusInit[];
  processes: LitmusProcess[];
  condition: LitmusCondition;
}

export interface ParsedLitmus {
  /** Absent when an error diagnostic says why. */
  test?: LitmusTest;
  diagnostics: Diagnostic[];
}

/** A problem at a line: thrown inside the parser, turned into one diagnostic at its edge. */
class LitmusSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly code = 'litmus-syntax') {
    super(message);
  }
}

const IDENT = /^[A-Za-z_]\w*$/;
const INTEGER = /^(-?)(0[xX][0-9a-fA-F]+|\d+)$/;

/** Reads a position's 1-based line. */
class Cursor {
  pos = 0;
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  lineAt(pos: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  get line(): number {
    return this.lineAt(this.pos);
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** Skips white space and `(* ... *)` comments (which nest, as in OCaml); returns the comments. */
  skipBlank(): string[] {
    const comments: string[] = [];
    for (;;) {
      while (!this.done && /\s/.test(this.text[this.pos]!)) this.pos += 1;
      if (!this.startsWith('(*')) return comments;
      const start = this.pos;
      let depth = 0;
      do {
        if (this.startsWith('(*')) {
          depth += 1;
          this.pos += 2;
        } else if (this.startsWith('*)')) {
          depth -= 1;
          this.pos += 2;
        } else {
          this.pos += 1;
        }
      } while (depth > 0 && !this.done);
      if (depth > 0) throw new LitmusSyntaxError('comment `(*` is never closed', this.lineAt(start));
      comments.push(this.text.slice(start + 2, this.pos - 2));
    }
  }

  /** The index just past the bracket that closes the one at `open`, skipping C comments and literals. */
  matching(open: number, opener: string, closer: string): number {
    let depth = 0;
    let i = open;
    const text = this.text;
    while (i < text.length) {
      const ch = text[i]!;
      if (text.startsWith('/*', i)) {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) break;
        i = end + 2;
        continue;
      }
      if (text.startsWith('//', i)) {
        const end = text.indexOf('\n', i);
        i = end < 0 ? text.length : end;
        continue;
      }
      if (ch === '"' || ch === '\'') {
        i += 1;
        while (i < text.length && text[i] !== ch && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
        i += 1;
        continue;
      }
      if (ch === opener) depth += 1;
      if (ch === closer) {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
      i += 1;
    }
    throw new LitmusSyntaxError(`\`${opener}\` is never closed`, this.lineAt(open));
  }
}

/** Parses one litmus test; never throws on bad input: what is wrong comes back as diagnostics. */
export function parseLitmus(file: string, input: string): ParsedLitmus {
  const diagnostics: Diagnostic[] = [];
  try {
    return { test: readTest(file, input.replace(/\r\n?/g, '\n')), diagnostics };
  } catch (error) {
    if (!(error instanceof LitmusSyntaxError)) throw error;
    diagnostics.push({ level: 'error', input: file, patchLine: error.line, code: error.code, message: error.message });
    return { diagnostics };
  }
}

function readTest(file: string, text: string): LitmusTest {
  const cursor = new Cursor(text);
  cursor.skipBlank();
  const header = /^(\S+)[ \t]+(\S+)[^\n]*/.exec(text.slice(cursor.pos));
  if (!header) throw new LitmusSyntaxError('expected `C NAME` on the first line', cursor.line);
  if (header[1] !== 'C') {
    throw new LitmusSyntaxError(`only C litmus tests are supported, not \`${header[1]}\``, cursor.line, 'litmus-unsupported');
  }
  const name = header[2]!;
  cursor.pos += header[0].length;

  const comments = cursor.skipBlank();
  const test: Omit<LitmusTest, 'condition'> = { file, name, init: [], processes: [] };
  const comment = comments[0]?.split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trimEnd()).join('\n').trim();
  if (comment) test.comment = comment;

  if (!cursor.startsWith('{')) throw new LitmusSyntaxError('expected the initial-state block `{ ... }` after the name', cursor.line);
  const initEnd = cursor.matching(cursor.pos, '{', '}');
  test.init = readInit(cursor, cursor.pos + 1, initEnd - 1);
  cursor.pos = initEnd;

  for (;;) {
    cursor.skipBlank();
    if (cursor.done) throw new LitmusSyntaxError('no final condition (`exists`, `~exists` or `forall`)', cursor.line);
    const rest = text.slice(cursor.pos);
    const process = /^P(\d+)\s*\(/.exec(rest);
    if (process) {
      test.processes.push(readProcess(cursor, Number(process[1])));
      continue;
    }
    const locations = /^locations\s*\[/.exec(rest);
    if (locations) {
      // Extra locations herd7 should print: nothing to check.
      cursor.pos = cursor.matching(cursor.pos + locations[0].length - 1, '[', ']');
      continue;
    }
    if (/^filter\b/.test(rest)) throw new LitmusSyntaxError('`filter` clauses are not supported', cursor.line, 'litmus-unsupported');
    const quantifier = /^(~\s*exists|exists|forall)\b/.exec(rest);
    if (quantifier) {
      checkProcesses(test.processes, cursor.line);
      return { ...test, condition: readCondition(cursor, quantifier[1]!, quantifier[0].length) };
    }
    throw new LitmusSyntaxError(`unexpected \`${rest.split(/\s/)[0]}\`: expected a process \`Pn(...)\` or the final condition`, cursor.line);
  }
}

function readInit(cursor: Cursor, from: number, to: number): LitmusInit[] {
  const init: LitmusInit[] = [];
  let start = from;
  for (const piece of cursor.text.slice(from, to).split(';')) {
    const line = cursor.lineAt(start + piece.length - piece.trimStart().length);
    start += piece.length + 1;
    const item = piece.replace(/\/\*[\s\S]*?\*\//g, ' ').trim();
    if (item === '') continue;
    const register = /^(\d+)\s*:\s*([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(item);
    if (register) {
      // Registers start at zero anyway; another start value would need seeding the thread's frame.
      if (parseValue(register[3]!.trim()) !== '0') {
        throw new LitmusSyntaxError(`initial register value \`${item}\` is not supported`, line, 'litmus-unsupported');
      }
      continue;
    }
    const declaration = /^((?:[A-Za-z_]\w*\s+)*?)(\**)\s*([A-Za-z_]\w*)\s*(?:=\s*(.+))?$/.exec(item);
    if (!declaration) throw new LitmusSyntaxError(`cannot read initial value \`${item}\``, line);
    const raw = declaration[4]?.trim();
    if (raw === undefined) continue;
    const value = parseValue(raw.replace(/^&\s*/, '&'));
    if (value === undefined) throw new LitmusSyntaxError(`cannot read initial value \`${raw}\` of ${declaration[3]}`, line);
    if (value !== '0') init.push({ name: declaration[3]!, value, line });
  }
  return init;
}

/** An integer as decimal, or `@name` for an address (`&x`, or `x` as herd7 also writes it). */
function parseValue(raw: string): string | undefined {
  const integer = INTEGER.exec(raw);
  if (integer) {
    const magnitude = Number(integer[2]);
    return String(integer[1] && magnitude !== 0 ? -magnitude : magnitude);
  }
  const name = raw.startsWith('&') ? raw.slice(1).trim() : raw;
  return IDENT.test(name) ? `@${name}` : undefined;
}

function readProcess(cursor: Cursor, index: number): LitmusProcess {
  const start = cursor.pos;
  const line = cursor.line;
  const open = cursor.text.indexOf('(', start);
  const close = cursor.matching(open, '(', ')');
  const params: LitmusParam[] = [];
  for (const raw of cursor.text.slice(open + 1, close - 1).split(',')) {
    const param = raw.trim();
    if (param === '' || param === 'void') continue;
    const m = /^(.*?)\s*(\**)\s*([A-Za-z_]\w*)$/.exec(param);
    if (!m || m[1] === '') throw new LitmusSyntaxError(`cannot read parameter \`${param}\` of P${index}`, line);
    params.push({ name: m[3]!, type: `${m[1]!}${m[2] ? ` ${m[2]}` : ''}` });
  }
  cursor.pos = close;
  cursor.skipBlank();
  if (!cursor.startsWith('{')) throw new LitmusSyntaxError(`expected \`{\` to open the body of P${index}`, cursor.line);
  const end = cursor.matching(cursor.pos, '{', '}');
  cursor.pos = end;
  return { index, name: `P${index}`, params, text: cursor.text.slice(start, end), line };
}

function checkProcesses(processes: readonly LitmusProcess[], line: number): void {
  if (processes.length === 0) throw new LitmusSyntaxError('no processes `P0(...) { ... }`', line);
  processes.forEach((process, i) => {
    if (process.index !== i) {
      throw new LitmusSyntaxError(`processes must be numbered P0, P1, ... in order; found ${process.name} where P${i} belongs`, process.line);
    }
  });
}

// ---- the final condition ------------------------------------------------------------------------

interface Token {
  text: string;
  line: number;
}

function tokenize(cursor: Cursor, from: number): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|\(\*[\s\S]*?\*\)|\/\\|\\\/|[()~]|==?|!=|\d+\s*:\s*[A-Za-z_]\w*|-?0[xX][0-9a-fA-F]+|-?\d+|[A-Za-z_]\w*|&|\S/gy;
  pattern.lastIndex = from;
  for (let m = pattern.exec(cursor.text); m; m = pattern.exec(cursor.text)) {
    const text = m[0];
    if (/^\s/.test(text) || text.startsWith('(*')) continue;
    tokens.push({ text: text.replace(/\s+/g, ''), line: cursor.lineAt(m.index) });
  }
  return tokens;
}

function readCondition(cursor: Cursor, keyword: string, length: number): LitmusCondition {
  const line = cursor.line;
  const quantifier: LitmusQuantifier = keyword.startsWith('~') ? 'not exists' : keyword === 'forall' ? 'forall' : 'exists';
  const tokens = tokenize(cursor, cursor.pos + length);
  let at = 0;
  const lastLine = tokens[tokens.length - 1]?.line ?? line;
  const peek = (): Token | undefined => tokens[at];
  const take = (): Token => {
    const token = tokens[at];
    if (!token) throw new LitmusSyntaxError('the condition ends too early', lastLine);
    at += 1;
    return token;
  };

  const disjunction = (): LitmusProp => {
    let left = conjunction();
    while (peek()?.text === '\\/') {
      take();
      left = { k: 'or', left, right: conjunction() };
    }
    return left;
  };
  const conjunction = (): LitmusProp => {
    let left = unary();
    while (peek()?.text === '/\\') {
      take();
      left = { k: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): LitmusProp => {
    const token = take();
    if (token.text === '~') return { k: 'not', arg: unary() };
    if (token.text === '(') {
      const inner = disjunction();
      const close = take();
      if (close.text !== ')') throw new LitmusSyntaxError(`expected \`)\`, found \`${close.text}\``, close.line);
      return inner;
    }
    if (token.text === 'true' || token.text === 'false') return { k: 'const', value: token.text === 'true' };
    if (token.text === ')' || token.text === '/\\' || token.text === '\\/') {
      throw new LitmusSyntaxError(`expected \`N:register=value\`, \`variable=value\` or \`(\`, found \`${token.text}\``, token.line);
    }
    const equals = take();
    if (equals.text !== '=' && equals.text !== '==') {
      throw new LitmusSyntaxError(`expected \`=\` after \`${token.text}\`, found \`${equals.text}\``, equals.line);
    }
    let valueToken = take();
    if (valueToken.text === '&') valueToken = { text: `&${take().text}`, line: valueToken.line };
    const value = parseValue(valueToken.text);
    if (value === undefined) throw new LitmusSyntaxError(`cannot read value \`${valueToken.text}\``, valueToken.line);
    const register = /^(\d+):([A-Za-z_]\w*)$/.exec(token.text);
    if (register) return { k: 'register', thread: Number(register[1]), register: register[2]!, value };
    if (IDENT.test(token.text)) return { k: 'memory', location: token.text, value };
    throw new LitmusSyntaxError(`expected \`N:register\` or a variable, found \`${token.text}\``, token.line);
  };

  const prop = disjunction();
  const extra = peek();
  if (extra) throw new LitmusSyntaxError(`unexpected \`${extra.text}\` after the condition`, extra.line);
  const written = cursor.text.slice(cursor.pos).replace(/\(\*[\s\S]*?\*\)/g, ' ').replace(/\s+/g, ' ').trim();
  return { quantifier, prop, text: written, line };
}
