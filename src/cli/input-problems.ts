import type { Diagnostic } from '../model/diagnostic.js';
import type { Series } from '../model/patch.js';
import type { Io } from './io.js';

/** Whether any input gave a patch with a diff: with none there is nothing to review. */
export function hasReadablePatch(series: Series): boolean {
  return series.patches.some((patch) => patch.files.length > 0);
}

/** The parse stage's diagnostics: the series' own and every patch's. */
export function seriesDiagnostics(series: Series): Diagnostic[] {
  return [...series.diagnostics, ...series.patches.flatMap((patch) => patch.diagnostics)];
}

function place(diagnostic: Diagnostic): string {
  return diagnostic.patchLine === undefined ? diagnostic.input : `${diagnostic.input}:${diagnostic.patchLine}`;
}

/** `input:line: level: message [code]`, the way compilers report a problem. */
export function describeDiagnostic(diagnostic: Diagnostic): string {
  return `${place(diagnostic)}: ${diagnostic.level}: ${diagnostic.message} [${diagnostic.code}]`;
}

/**
 * Says on stderr, one line each, why an input was unusable: the reason for exit status 2. Returns
 * true when it printed a line.
 */
export function reportInputErrors(diagnostics: readonly Diagnostic[], io: Pick<Io, 'stderr'>): boolean {
  const errors = diagnostics.filter((diagnostic) => diagnostic.level === 'error');
  for (const error of errors) io.stderr(`kreview: ${place(error)}: ${error.message} [${error.code}]\n`);
  return errors.length > 0;
}
