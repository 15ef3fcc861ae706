import { SEVERITY_ORDER, type Finding } from '../model/finding.js';

/**
 * Code-unit order, not `localeCompare`: the same findings must print in the same order on every
 * machine, whatever its locale.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Absent numbers sort after present ones, so located findings come first. */
function compareOptional(a: number | undefined, b: number | undefined): number {
  return (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER);
}

/** The tie-breakers every order ends with: most severe first, then rule, message and function. */
function compareRest(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.function ?? '', b.function ?? '')
  );
}

/** Source order, as compilers print: input, file, line. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareStrings(a.input, b.input) ||
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      compareOptional(a.patchLine, b.patchLine) ||
      compareRest(a, b),
  );
}

/** Patch order, as checkpatch prints: input, then the line of the input the finding points at. */
export function sortFindingsByPatchLine(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareStrings(a.input, b.input) ||
      compareOptional(a.patchLine, b.patchLine) ||
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      compareRest(a, b),
  );
}
