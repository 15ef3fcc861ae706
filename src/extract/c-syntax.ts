import { createRequire } from 'node:module';
import type Parser from 'tree-sitter';
import type CGrammar from 'tree-sitter-c';
import { ANNOTATION_MACROS } from './kernel-api.js';

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

/**
 * Parses C with tree-sitter, which tolerates fragments. Kernel attribute macros are blanked first,
 * keeping every row and column where it was, so nodes still map to their lines.
 */
export function parseC(text: string): SyntaxTree {
  const blanked = text.replace(ANNOTATIONS, (m) => ' '.repeat(m.length));
  // The binding's default buffer is 32 KiB; a whole kernel file needs more.
  return cParser().parse(blanked, undefined, { bufferSize: Math.max(32 * 1024, blanked.length * 2 + 1024) });
}

/** A node's text with whitespace runs collapsed, for traces and reports. */
export function flatText(node: SyntaxNode, max = 120): string {
  const text = node.text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
