import { SEVERITY_ORDER, type Finding, type Severity } from '../model/finding.js';
import type { Patch, Series } from '../model/patch.js';
import type { AnalysisNote, ReviewResult } from '../model/report.js';
import { reviewSeries } from '../rules/review-series.js';
import type { KreviewConfig } from './config-file.js';
import { applyInlineIgnores } from './inline-ignore.js';
import type { Io } from './io.js';
import { reviewOptionsOf, type SimulationFlags } from './review-options.js';
import { selectRules, type RuleFlags } from './rule-selection.js';

/**
 * The review `lint` and the hooks share: the series through the pipeline, inline `kreview: ignore`
 * markers applied, and a note for each patch that has nothing kreview reads, so that a clean result
 * for a documentation patch is not mistaken for a reviewed one.
 */
export async function reviewForReport(
  series: Series,
  flags: SimulationFlags & RuleFlags,
  config: KreviewConfig,
  io: Pick<Io, 'cwd' | 'status'>,
  extraNotes: readonly AnalysisNote[] = [],
): Promise<ReviewResult> {
  const rules = selectRules(config, { disable: flags.disable ?? [], enable: flags.enable ?? [] });
  const options = await reviewOptionsOf(flags, config, series, io);
  const { result } = await reviewSeries(series, { ...options, rules });
  return {
    ...result,
    findings: applyInlineIgnores(series, result.findings).kept,
    notes: [...result.notes, ...extraNotes, ...series.patches.flatMap(noCodeNote)],
  };
}

const C_SOURCE = /\.[ch]$/;

/** A patch whose diffs touch no `.c` or `.h` file; a patch of only binary files already has its own note. */
function noCodeNote(patch: Patch): AnalysisNote[] {
  if (patch.files.length === 0) return [];
  if (patch.files.some((file) => C_SOURCE.test(file.newPath) || C_SOURCE.test(file.oldPath))) return [];
  if (patch.files.every((file) => file.status === 'binary')) return [];
  return [{ input: patch.input, message: 'changes no C source or header (.c, .h): nothing in it for kreview to review' }];
}

/** The findings at or above the threshold: the ones that make `lint` exit 1 and a hook stop. */
export function blockingFindings(findings: readonly Finding[], failOn: Severity): Finding[] {
  const threshold = SEVERITY_ORDER[failOn];
  return findings.filter((finding) => SEVERITY_ORDER[finding.severity] >= threshold);
}
