import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import { ANNOTATION_MACROS } from './kernel-api.js';

export type SyntaxNode = Parser.SyntaxNode;
export type SyntaxTree = Parser.Tree;

let parser: Parser | undefined;

/** One parser for the process: creating it loads the grammar, which costs more than a parse. */
function cParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(C as unknown as Parser.Language);
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
