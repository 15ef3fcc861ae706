import type { Finding } from '../model/finding.js';
import type { FileDiff, Hunk, HunkLine, LineKind, Patch } from '../model/patch.js';
import type { Anchor } from '../model/program.js';

/** One line of a diff with the file and hunk it sits in. */
export interface LocatedLine {
  file: FileDiff;
  hunk: Hunk;
  line: HunkLine;
}

const DIFF_PREFIX: Record<LineKind, string> = { add: '+', del: '-', ctx: ' ' };

/** The character a unified diff puts before a line of this kind. */
export function diffPrefix(kind: LineKind): string {
  return DIFF_PREFIX[kind];
}

/** The source line an anchor names: the new-file line, or the old-file line for removed code. */
export function anchorLine(anchor: Anchor): number | undefined {
  return anchor.newLine ?? anchor.oldLine;
}

/** Every diff line of a patch, in patch order. */
export function diffLines(patch: Patch): LocatedLine[] {
  return patch.files.flatMap((file) => file.hunks.flatMap((hunk) => hunk.lines.map((line) => ({ file, hunk, line }))));
}

/**
 * The diff line a finding concerns. The patch line is exact; the file and line are the fallback for
 * findings made without one (a finding from `--tree` context, say). A finding's `line` is a new-file
 * line unless the code was removed, so added and context lines are tried before removed ones.
 */
export function locateFinding(lines: readonly LocatedLine[], finding: Finding): LocatedLine | undefined {
  if (finding.patchLine !== undefined) {
    const exact = lines.find((l) => l.line.patchLine === finding.patchLine);
    if (exact) return exact;
  }
  const inFile = lines.filter((l) => l.file.newPath === finding.file || l.file.oldPath === finding.file);
  return (
    inFile.find((l) => l.line.kind !== 'del' && l.line.newLine === finding.line) ??
    inFile.find((l) => l.line.kind === 'del' && l.line.oldLine === finding.line)
  );
}

/**
 * The same lookup across a series: only patches read from the finding's input can hold its patch
 * line, and when several do (an mbox), the one with the finding's subject is searched first.
 */
export function locateInPatches(patches: readonly Patch[], finding: Finding): LocatedLine | undefined {
  const fromInput = patches.filter((p) => p.input === finding.input);
  const ordered = [...fromInput.filter((p) => p.subject === finding.subject), ...fromInput.filter((p) => p.subject !== finding.subject)];
  for (const patch of ordered) {
    const found = locateFinding(diffLines(patch), finding);
    if (found) return found;
  }
  return undefined;
}
