import { Option, type Command } from 'commander';
import { SEVERITY_ORDER, type Severity } from '../model/finding.js';
import type { Series } from '../model/patch.js';
import type { ReviewResult } from '../model/report.js';
import { formatCheckpatch } from '../report/format-checkpatch.js';
import { formatJson } from '../report/format-json.js';
import { formatSarif } from '../report/format-sarif.js';
import { formatText } from '../report/format-text.js';
import { RULES } from '../rules/registry.js';
import { reviewSeries } from '../rules/review-series.js';
import { FAIL_LEVELS, loadConfig, OUTPUT_FORMATS, type OutputFormat } from './config-file.js';
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS } from './exit.js';
import { applyInlineIgnores } from './inline-ignore.js';
import { hasReadablePatch, reportInputErrors, seriesDiagnostics } from './input-problems.js';
import type { Io } from './io.js';
import { toolVersion } from './package-info.js';
import { readInputs } from './read-inputs.js';
import { addSimulationOptions, reviewOptionsOf, type SimulationFlags } from './review-options.js';
import { addRuleOptions, checkRuleFlags, type RuleFlags, selectRules } from './rule-selection.js';

interface LintFlags extends SimulationFlags, RuleFlags {
  format?: OutputFormat;
  failOn?: Severity;
}

/** Colour only for a person at a terminal who has not asked for none (https://no-color.org). */
function wantsColor(io: Pick<Io, 'isTTY' | 'env'>): boolean {
  return io.isTTY && !io.env.NO_COLOR;
}

function render(format: OutputFormat, result: ReviewResult, series: Series, io: Io): string {
  if (format === 'json') return formatJson(result, { toolVersion: toolVersion() });
  if (format === 'sarif') return formatSarif(result, { rules: RULES.map((rule) => rule.meta), toolVersion: toolVersion() });
  if (format === 'checkpatch') return formatCheckpatch(result, { patches: series.patches });
  return formatText(result, { color: wantsColor(io) });
}

/** `kreview lint`: review a series and report its findings; the exit status says whether any matter. */
async function runLint(inputs: string[], flags: LintFlags, io: Io): Promise<number> {
  const ruleFlags = checkRuleFlags(flags);
  const config = await loadConfig(io);
  const format = flags.format ?? config.format ?? 'text';
  const failOn = flags.failOn ?? config.failOn ?? 'warning';
  const rules = selectRules(config, ruleFlags);

  const series = await readInputs(inputs, io);
  if (!hasReadablePatch(series)) {
    reportInputErrors(seriesDiagnostics(series), io);
    return EXIT_ERROR;
  }
  const options = await reviewOptionsOf(flags, config, series, io);
  const { result } = reviewSeries(series, { ...options, rules });
  const reported: ReviewResult = { ...result, findings: applyInlineIgnores(series, result.findings).kept };

  io.stdout(render(format, reported, series, io));
  // A series with one unreadable patch is still reviewed, but the run is not a clean bill.
  if (reportInputErrors(reported.diagnostics, io)) return EXIT_ERROR;
  const threshold = SEVERITY_ORDER[failOn];
  return reported.findings.some((finding) => SEVERITY_ORDER[finding.severity] >= threshold) ? EXIT_FINDINGS : EXIT_CLEAN;
}

export function registerLint(program: Command, io: Io, exit: (status: number) => void): void {
  const command = program
    .command('lint')
    .description('review patches and report findings (exit 1 when one is at or above --fail-on)')
    .argument('<inputs...>', 'patch files, mboxes, saved mails, directories of them, or - for stdin')
    .addOption(new Option('--format <format>', 'output format (default: text)').choices(OUTPUT_FORMATS))
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit status 1 (default: warning)').choices(FAIL_LEVELS));
  addSimulationOptions(addRuleOptions(command), 'by-default').action(async (inputs: string[], flags: LintFlags) => {
    exit(await runLint(inputs, flags, io));
  });
}
