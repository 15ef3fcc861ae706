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

/** Model texts seen lately, each with the words it uses and its lowerings by file and the part of the scope it names; few differ in a run. */
const models = new Map<string, { words: ReadonlySet<string>; lowered: Map<string, ModelProgram> }>();
const KEPT = 16;

/** `map[key]`, made by `make` when absent; the oldest entry goes when `KEPT` are there. */
function kept<V>(map: Map<string, V>, key: string, make: () => V): V {
  const known = map.get(key);
  if (known) return known;
  if (map.size >= KEPT) map.delete(map.keys().next().value!);
  const made = make();
  map.set(key, made);
  return made;
}

/**
 * Lowers a built-in model: kernel code the patch does not show, written as C and read by the same
 * extractor as the patch, so the simulator runs both the same way. Lines are the model's own.
 * Every unit of a mbox asks for its era's model; lowering it again each time was half the cost of a
 * lone patch. Only the names of the scope that the model's text uses can change how it lowers.
 */
export function extractModel(file: string, text: string, scope: Scope): ModelProgram {
  // The text is read for its words once, not once per unit.
  const { words, lowered } = kept(models, text, () => ({ words: new Set(text.match(/\w+/g)), lowered: new Map<string, ModelProgram>() }));
  const named = (names: ReadonlySet<string>): string => [...names].filter((name) => words.has(name)).sort().join(',');
  return kept(lowered, `${file}\0${named(scope.globals)}\0${named(scope.functions)}`, () => lowerModel(file, text, scope));
}

function lowerModel(file: string, text: string, scope: Scope): ModelProgram {
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
