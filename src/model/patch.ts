import type { Diagnostic } from './diagnostic.js';

/**
 * A patch as read from whatever the developer had in hand. Every line keeps the 1-based line of the
 * input it came from (`patchLine`), so a finding can point back into the mail or file the user opened.
 */
export type LineKind = 'add' | 'del' | 'ctx';

export interface HunkLine {
  kind: LineKind;
  /** The line's text without the leading `+`, `-` or space. */
  text: string;
  patchLine: number;
  /** Line in the pre-image (for `del` and `ctx`). */
  oldLine?: number;
  /** Line in the post-image (for `add` and `ctx`). */
  newLine?: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second `@@`: git's guess at the enclosing function or struct. */
  context: string;
  /** Patch line of the `@@` header. */
  patchLine: number;
  lines: HunkLine[];
}

export type FileStatus = 'modified' | 'added' | 'deleted' | 'renamed' | 'copied' | 'binary';

export interface FileDiff {
  /** Path without the `a/` prefix; `/dev/null` for an added file. */
  oldPath: string;
  /** Path without the `b/` prefix; `/dev/null` for a deleted file. */
  newPath: string;
  status: FileStatus;
  /** Git's `similarity index` of a rename or copy, in percent. */
  similarity?: number;
  /** Patch line of the `diff --git` (or `---`) line that starts this file. */
  patchLine: number;
  hunks: Hunk[];
}

/** A reviewer's words inside a quoted reply, placed after the patch line they follow. */
export interface ReviewComment {
  afterPatchLine: number;
  file?: string;
  newLine?: number;
  text: string;
}

export interface SeriesPosition {
  version: number;
  index: number;
  total: number;
}

export interface Patch {
  /** The input as the user named it. */
  input: string;
  /** First input line of this patch's message (1 for a plain diff). */
  startLine: number;
  subject: string;
  from?: string;
  date?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  /** From `[PATCH vN M/K]`; absent for a lone patch. */
  series?: SeriesPosition;
  /** Commit hash of a `git format-patch` `From <sha>` line, when present. */
  commit?: string;
  /** The commit message: the body above the `---` line (or the diff), when the patch has one. */
  message?: string;
  files: FileDiff[];
  /** Non-empty only when the patch was recovered from a quoted reply. */
  comments: ReviewComment[];
  diagnostics: Diagnostic[];
}

export interface Series {
  patches: Patch[];
  /** Part numbers announced by `M/K` subjects but absent. */
  missing: number[];
  /** Part numbers seen more than once; the first one read is kept. */
  duplicates: number[];
  diagnostics: Diagnostic[];
}
