import type { FileDiff, ReviewComment } from '../model/patch.js';
import { DEV_NULL } from './diff-paths.js';
import type { CommentRun } from './quoted-reply.js';

/**
 * Anchors a reviewer's comments to the last quoted diff line before them: its file, and its post-image
 * line when it is a context or added line (a removed line has none). A closing remark after the quoted
 * signature goes to the patch's last diff line; one on the commit message keeps its quoted line alone.
 */
export function placeComments(runs: readonly CommentRun[], files: readonly FileDiff[]): ReviewComment[] {
  const newLines = new Map<number, number>();
  for (const file of files) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.newLine !== undefined) newLines.set(line.patchLine, line.newLine);
      }
    }
  }
  return runs.map((run) => {
    const file = files.filter((candidate) => candidate.patchLine <= run.afterLine).at(-1);
    if (!file) return { afterPatchLine: run.afterLine, text: run.text };
    const afterPatchLine = Math.min(run.afterLine, lastLineOf(file));
    const comment: ReviewComment = { afterPatchLine, file: file.newPath === DEV_NULL ? file.oldPath : file.newPath, text: run.text };
    const newLine = newLines.get(afterPatchLine);
    if (newLine !== undefined) comment.newLine = newLine;
    return comment;
  });
}

function lastLineOf(file: FileDiff): number {
  const lastHunk = file.hunks.at(-1);
  return lastHunk?.lines.at(-1)?.patchLine ?? lastHunk?.patchLine ?? file.patchLine;
}
