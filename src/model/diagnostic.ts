/**
 * Problems found while reading or analysing input. A diagnostic never stops the rest of a series from
 * being reviewed: the stage that hits it records it and carries on with what it can still use.
 */
export type DiagnosticLevel = 'error' | 'warning' | 'note';

export interface Diagnostic {
  level: DiagnosticLevel;
  /** The input as the user named it (a path, `-` for stdin, `git:RANGE`). */
  input: string;
  /** 1-based line in that input, when the problem has one. */
  patchLine?: number;
  /** Stable code users can grep for, such as `hunk-count` or `binary-diff`. */
  code: string;
  message: string;
}
