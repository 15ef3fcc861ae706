import type { Diagnostic } from '../model/diagnostic.js';
import type { FileDiff, HunkLine } from '../model/patch.js';

/**
 * Applies one file's hunks to its pre-image in memory, for `--tree`. Lines are compared with
 * whitespace collapsed, since mail archives strip it; a hunk whose lines are not where its header
 * says is searched for nearby, as `patch` does with an offset.
 */
export interface Applied {
  text?: string;
  /** For each line of `text`, the patch line it came from, when the patch shows it. */
  fromPatch?: (HunkLine | undefined)[];
  diagnostics: Diagnostic[];
}

const MAX_OFFSET = 200;

const same = (a: string, b: string): boolean => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

export function applyFileDiff(oldText: string, file: FileDiff, input: string): Applied {
  const oldLines = oldText.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  const fromPatch: (HunkLine | undefined)[] = [];
  let cursor = 0;
  for (const hunk of file.hunks) {
    const expected = hunk.lines.filter((l) => l.kind !== 'add').map((l) => l.text);
    const want = Math.max(0, hunk.oldStart - 1);
    const at = findHunk(oldLines, expected, want, cursor);
    if (at === undefined) {
      return {
        diagnostics: [{
          level: 'warning', input, patchLine: hunk.patchLine, code: 'tree-mismatch',
          message: `hunk does not apply to ${file.oldPath} in --tree; analysing this file from the patch alone`,
        }],
      };
    }
    for (const line of oldLines.slice(cursor, at)) {
      out.push(line);
      fromPatch.push(undefined);
    }
    let index = at;
    for (const line of hunk.lines) {
      if (line.kind === 'add') {
        out.push(line.text);
        fromPatch.push(line);
      } else {
        if (line.kind === 'ctx') {
          out.push(oldLines[index]!);
          fromPatch.push(line);
        }
        index += 1;
      }
    }
    cursor = index;
  }
  for (const line of oldLines.slice(cursor)) {
    out.push(line);
    fromPatch.push(undefined);
  }
  return { text: `${out.join('\n')}\n`, fromPatch, diagnostics: [] };
}

function matchesAt(lines: readonly string[], expected: readonly string[], at: number): boolean {
  if (at < 0 || at + expected.length > lines.length) return false;
  return expected.every((text, i) => same(lines[at + i]!, text));
}

function findHunk(lines: readonly string[], expected: readonly string[], want: number, floor: number): number | undefined {
  for (let offset = 0; offset <= MAX_OFFSET; offset += 1) {
    if (want - offset >= floor && matchesAt(lines, expected, want - offset)) return want - offset;
    if (matchesAt(lines, expected, want + offset)) return want + offset;
  }
  return undefined;
}
