import type { Diagnostic } from '../model/diagnostic.js';
import type { FileDiff, Series } from '../model/patch.js';
import type { FileFacts, FileProgram, FunctionProgram, ImageSide, PatchProgram } from '../model/program.js';
import { applyFileDiff } from '../parse/apply-patch.js';
import { type CSource, rebuildFromHunks, rebuildFromText } from '../parse/rebuild-c.js';
import { CfgBuilder } from './cfg-builder.js';
import { parseC, type SyntaxNode, type SyntaxTree } from './c-syntax.js';
import { extractFileFacts } from './file-facts.js';
import { lowerFunction, type Scope } from './lower-function.js';

/** Pre-images of files from `--tree`, by path; absent files are analysed from the patch alone. */
export type TreeFiles = ReadonlyMap<string, string>;

export interface SeriesProgram {
  patches: PatchProgram[];
  diagnostics: Diagnostic[];
}

interface ParsedSide {
  source: CSource;
  tree: SyntaxTree;
  facts: FileFacts;
}

const isC = (path: string): boolean => /\.(c|h)$/.test(path);

function sourceOf(file: FileDiff, side: ImageSide, tree: TreeFiles | undefined, input: string, diagnostics: Diagnostic[]): CSource {
  return { ...rebuildSide(file, side, tree, input, diagnostics), input };
}

function rebuildSide(file: FileDiff, side: ImageSide, tree: TreeFiles | undefined, input: string, diagnostics: Diagnostic[]): CSource {
  const pre = tree?.get(file.oldPath);
  if (pre !== undefined) {
    if (side === 'old') return rebuildFromText(file, 'old', pre);
    const applied = applyFileDiff(pre, file, input);
    diagnostics.push(...applied.diagnostics);
    if (applied.text !== undefined) return rebuildFromText(file, 'new', applied.text, applied.fromPatch);
  }
  return rebuildFromHunks(file, side);
}

function parseSide(source: CSource): ParsedSide {
  const tree = parseC(source.text);
  const anchoring = new CfgBuilder(source, { resolve: () => 'global' });
  return { source, tree, facts: extractFileFacts(tree.rootNode, source, anchoring) };
}

function lowerAll(side: ParsedSide, scope: Scope, onlyChanged: boolean): FunctionProgram[] {
  return side.tree.rootNode.descendantsOfType('function_definition')
    // Told apart before lowering: the context functions of an old side were lowered only to be dropped.
    .filter((node) => !onlyChanged || touchesChange(side.source, node))
    .map((node) => lowerFunction(node, side.source, scope))
    .filter((fn): fn is FunctionProgram => fn !== undefined);
}

/** Whether a line the patch adds or removes lies within the node (as a function's `changed` says). */
function touchesChange(source: CSource, node: SyntaxNode): boolean {
  const rows = source.lines;
  for (let row = node.startPosition.row; row <= node.endPosition.row && row < rows.length; row += 1) {
    const origin = rows[row]!.origin;
    if (origin === 'added' || origin === 'removed') return true;
  }
  return false;
}

/**
 * Extracts the operation programs of a series. Names resolve across the whole series, so a global
 * defined in one patch's header is a global in another patch's driver.
 */
export function extractSeries(series: Series, tree?: TreeFiles): SeriesProgram {
  const diagnostics: Diagnostic[] = [];
  const parsed = series.patches.map((patch) => ({
    patch,
    files: patch.files
      .filter((f) => f.status !== 'binary' && isC(f.newPath === '/dev/null' ? f.oldPath : f.newPath))
      .map((file) => ({
        file,
        newSide: file.newPath === '/dev/null' ? undefined : parseSide(sourceOf(file, 'new', tree, patch.input, diagnostics)),
        oldSide: file.oldPath === '/dev/null' ? undefined : parseSide(sourceOf(file, 'old', tree, patch.input, diagnostics)),
      })),
  }));

  const globals = new Set<string>();
  const functions = new Set<string>();
  for (const { files } of parsed) {
    for (const { newSide, oldSide } of files) {
      for (const facts of [newSide?.facts, oldSide?.facts]) {
        facts?.objects.forEach((o) => globals.add(o.name));
        facts?.functions.forEach((f) => functions.add(f.name));
      }
    }
  }
  const scope: Scope = { globals, functions };

  return {
    diagnostics,
    patches: parsed.map(({ patch, files }) => ({
      input: patch.input,
      subject: patch.subject,
      files: files.flatMap(({ newSide, oldSide }): FileProgram[] => [
        ...(newSide ? [programOf(newSide, scope, false)] : []),
        ...(oldSide ? [programOf(oldSide, scope, true)] : []),
      ]),
    })),
  };
}

function programOf(side: ParsedSide, scope: Scope, onlyChanged: boolean): FileProgram {
  const functions = lowerAll(side, scope, onlyChanged);
  for (const fn of functions) {
    const decl = side.facts.functions.find((d) => d.definition && d.name === fn.name && d.anchor.newLine === fn.anchor.newLine && d.anchor.oldLine === fn.anchor.oldLine);
    if (decl && decl.conditions.length > 0) fn.conditions = decl.conditions;
  }
  return {
    file: side.source.file,
    side: side.source.side,
    functions,
    facts: side.facts,
    notes: functions.flatMap((f) => f.notes.map((n) => `${f.name}: ${n}`)),
  };
}
