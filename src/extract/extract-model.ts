import type { FileFacts, FunctionProgram } from '../model/program.js';
import type { CSource } from '../parse/rebuild-c.js';
import { CfgBuilder } from './cfg-builder.js';
import { parseC } from './c-syntax.js';
import { extractFileFacts } from './file-facts.js';
import { lowerFunction, type Scope } from './lower-function.js';

export interface ModelProgram {
  functions: FunctionProgram[];
  facts: FileFacts;
}

/**
 * Lowers a built-in model: kernel code the patch does not show, written as C and read by the same
 * extractor as the patch, so the simulator runs both the same way. Lines are the model's own.
 */
export function extractModel(file: string, text: string, scope: Scope): ModelProgram {
  const rows = text.replace(/\n$/, '').split('\n');
  const source: CSource = { file, side: 'new', text, lines: rows.map((_, i) => ({ origin: 'model' as const, newLine: i + 1 })), gaps: [] };
  const tree = parseC(text);
  const facts = extractFileFacts(tree.rootNode, source, new CfgBuilder(source, { resolve: () => 'global' }));
  const globals = new Set([...scope.globals, ...facts.objects.map((o) => o.name)]);
  const functions = new Set([...scope.functions, ...facts.functions.map((f) => f.name)]);
  return {
    facts,
    functions: tree.rootNode.descendantsOfType('function_definition')
      .map((node) => lowerFunction(node, source, { globals, functions }))
      .filter((f): f is FunctionProgram => f !== undefined),
  };
}
