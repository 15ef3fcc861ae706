import type { Finding, Severity } from '../model/finding.js';
import type { Patch } from '../model/patch.js';
import type { ReviewResult } from '../model/report.js';
import { countSeverities } from './count-severities.js';
import { diffPrefix, locateInPatches } from './locate-line.js';
import { sortFindingsByPatchLine } from './sort-findings.js';

export interface CheckpatchOptions {
  /** The patches reviewed: the source of the quoted line under each report and of the line count. */
  patches: readonly Patch[];
}

const LEVEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', info: 'CHECK' };

/** checkpatch's type ids are upper snake case (`LOCK_LEAK`); kreview's rule ids are kebab case. */
function checkpatchType(rule: string): string {
  return rule.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toUpperCase();
}

/**
 * checkpatch counts the lines of the hunks it read; kreview reads the same lines, so the total is
 * comparable when both run on one patch.
 */
function linesChecked(patches: readonly Patch[]): number {
  return patches.reduce((sum, p) => sum + p.files.reduce((n, f) => n + f.hunks.reduce((m, h) => m + h.lines.length, 0), 0), 0);
}

/** `#PATCHLINE: FILE: path:line:` then the diff line itself, as checkpatch's `$herecurr` prints them. */
function here(finding: Finding, patches: readonly Patch[]): string[] {
  const where = `FILE: ${finding.file}:${finding.line}:`;
  const located = locateInPatches(patches, finding);
  const patchLine = located?.line.patchLine ?? finding.patchLine;
  const lines = [patchLine === undefined ? where : `#${patchLine}: ${where}`];
  if (located) lines.push(diffPrefix(located.line.kind) + located.line.text);
  return lines;
}

/**
 * The shape scripts, b4 and CI gates already parse from `checkpatch.pl --show-types`: one report per
 * finding, a blank line after each, and the `total:` line last. Checks are counted only when there
 * are any, as checkpatch counts them only under `--strict`.
 */
export function formatCheckpatch(result: ReviewResult, options: CheckpatchOptions): string {
  const lines: string[] = [];
  for (const finding of sortFindingsByPatchLine(result.findings)) {
    const message = finding.message.replace(/\s+/g, ' ').trim();
    lines.push(`${LEVEL[finding.severity]}:${checkpatchType(finding.rule)}: ${message}`, ...here(finding, options.patches), '');
  }
  const counts = countSeverities(result.findings);
  const checks = counts.info > 0 ? `${counts.info} checks, ` : '';
  lines.push(`total: ${counts.error} errors, ${counts.warning} warnings, ${checks}${linesChecked(options.patches)} lines checked`);
  return `${lines.join('\n')}\n`;
}

/**
 * `checkpatch.pl --terse --showfile --show-types --no-summary --mailback`: one line per finding,
 * `file:line: LEVEL:TYPE: message`, and nothing at all for a clean patch. b4's per-patch check
 * (`b4.prep-perpatch-check-cmd`) reads each line of output as one problem, so there is no total line.
 */
export function formatCheckpatchTerse(result: ReviewResult): string {
  return sortFindingsByPatchLine(result.findings)
    .map((finding) => `${finding.file}:${finding.line}: ${LEVEL[finding.severity]}:${checkpatchType(finding.rule)}: ${finding.message.replace(/\s+/g, ' ').trim()}\n`)
    .join('');
}
