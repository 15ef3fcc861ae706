import { createRequire } from 'node:module';
import type Parser from 'tree-sitter';
import type CGrammar from 'tree-sitter-c';
import { ANNOTATION_MACROS, LIST_ITERATORS } from './kernel-api.js';

// tree-sitter and its grammar are CommonJS. An `import` of them has Node scan the 26 KB index.js for
// export names, and V8 then optimises that scanner on a background thread: about 100 ms of CPU and
// 12 MiB of memory per run, more than extracting a patch costs. `require` loads them without the scan.
const require = createRequire(import.meta.url);
const TreeSitterParser = require('tree-sitter') as typeof Parser;
const cGrammar = require('tree-sitter-c') as typeof CGrammar;

export type SyntaxNode = Parser.SyntaxNode;
export type SyntaxTree = Parser.Tree;

let parser: Parser | undefined;

/** One parser for the process: creating it loads the grammar, which costs more than a parse. */
function cParser(): Parser {
  if (!parser) {
    parser = new TreeSitterParser();
    // Given the grammar's node types, the binding compiles a class per named type (with eval) when the
    // language is set, for typed field getters kreview does not use: 10 to 20 ms at every start.
    // Without them every node is a plain SyntaxNode, with the same type, fields and children.
    parser.setLanguage({ ...cGrammar, nodeTypeInfo: [] } as unknown as Parser.Language);
  }
  return parser;
}

const ANNOTATIONS = new RegExp(`\\b(${ANNOTATION_MACROS.join('|')})\\b`, 'g');
const ITERATOR_START = new RegExp(`^([ \\t]*)(${Object.keys(LIST_ITERATORS).join('|')})\\s*\\(`, 'gm');

/** Index of the `)` closing the `(` at `open`, skipping string and character literals; -1 if the text ends first. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quote !== undefined) {
      if (ch === '\\') i += 1;
      else if (ch === quote || ch === '\n') quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '(') {
      depth += 1;
    } else if (ch === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * A list iterator is a loop header only after preprocessing: tree-sitter reads it as a call and, when
 * the body is a single update or assignment, glues both into one expression (`CALL n++`). Written as
 * `while (list_for_each_entry(...))` it parses as a loop around its body, on the same rows.
 */
function iteratorsAsLoops(text: string): string {
  let out = '';
  let from = 0;
  for (const match of text.matchAll(ITERATOR_START)) {
    const start = match.index + match[1]!.length;
    const close = closingParen(text, match.index + match[0].length - 1);
    if (start < from || close < 0) continue;
    out += `${text.slice(from, start)}while (${text.slice(start, close + 1)})`;
    from = close + 1;
  }
  return out + text.slice(from);
}

/**
 * Parses C with tree-sitter, which tolerates fragments. Kernel attribute macros are blanked first and
 * list iterators written as loops, keeping every row where it was, so nodes still map to their lines.
 */
export function parseC(text: string): SyntaxTree {
  const prepared = iteratorsAsLoops(text.replace(ANNOTATIONS, (m) => ' '.repeat(m.length)));
  // The binding's default buffer is 32 KiB; a whole kernel file needs more.
  return cParser().parse(prepared, undefined, { bufferSize: Math.max(32 * 1024, prepared.length * 2 + 1024) });
}

/**
 * Whether tree-sitter had to recover from an error inside `node`. An ERROR right inside a call's
 * arguments is not one: kernel macros take types there (`list_first_entry(head, struct page, lru)`),
 * and the parentheses keep the recovery inside that argument.
 */
export function hasParseError(node: SyntaxNode): boolean {
  if (node.isMissing) return true;
  if (!node.hasError || (node.type === 'ERROR' && node.parent?.type === 'argument_list')) return false;
  return node.type === 'ERROR' || node.children.some(hasParseError);
}

/** A node's text with whitespace runs collapsed, for traces and reports. */
export function flatText(node: SyntaxNode, max = 120): string {
  const text = node.text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
