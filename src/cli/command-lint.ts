import { Option, type Command } from 'commander';
import { UsageError } from '../model/errors.js';
import type { Severity } from '../model/finding.js';
import type { Series } from '../model/patch.js';
import type { AnalysisNote, ReviewResult } from '../model/report.js';
import { formatCheckpatch, formatCheckpatchTerse } from '../report/format-checkpatch.js';
import { formatJson } from '../report/format-json.js';
import { formatText } from '../report/format-text.js';
import { RULES } from '../rules/registry.js';
import { FAIL_LEVELS, loadConfig, OUTPUT_FORMATS, type OutputFormat } from './config-file.js';
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS } from './exit.js';
import { readGitRange } from './git-series.js';
import { hasReadablePatch, reportInputErrors, seriesDiagnostics } from './input-problems.js';
import type { Io } from './io.js';
import { toolVersion } from './package-info.js';
import { readInputs } from './read-inputs.js';
import { addSimulationOptions, type SimulationFlags } from './review-options.js';
import { blockingFindings, reviewForReport } from './review-run.js';
import { addRuleOptions, checkRuleFlags, type RuleFlags } from './rule-selection.js';

interface LintFlags extends SimulationFlags, RuleFlags {
  format?: OutputFormat;
  failOn?: Severity;
  git?: string;
}

/** Colour only for a person at a terminal who has not asked for none (https://no-color.org). */
export function wantsColor(io: Pick<Io, 'isTTY' | 'env'>): boolean {
  return io.isTTY && !io.env.NO_COLOR;
}

async function render(format: OutputFormat, result: ReviewResult, series: Series, io: Io): Promise<string> {
  if (format === 'json') return formatJson(result, { toolVersion: toolVersion() });
  if (format === 'sarif') {
    // Loaded only here: with it comes node:crypto, ~10 ms of every other run's start-up.
    const { formatSarif } = await import('../report/format-sarif.js');
    return formatSarif(result, { rules: RULES.map((rule) => rule.meta), toolVersion: toolVersion() });
  }
  if (format === 'checkpatch') return formatCheckpatch(result, { patches: series.patches });
  if (format === 'checkpatch-terse') return formatCheckpatchTerse(result);
  return formatText(result, { color: wantsColor(io) });
}

/** The series the command line names: its inputs, or the commits of `--git RANGE`. */
async function readSeries(inputs: string[], flags: LintFlags, io: Io): Promise<{ series: Series; notes: AnalysisNote[] }> {
  if (flags.git !== undefined) {
    if (inputs.length > 0) throw new UsageError(`give either inputs or --git, not both (inputs: ${inputs.join(' ')})`);
    return readGitRange(flags.git, io);
  }
  if (inputs.length === 0) throw new UsageError('no inputs given: name patch files, directories or - for stdin, or a commit range with --git');
  return { series: await readInputs(inputs, io), notes: [] };
}

/** `kreview lint`: review a series and report its findings; the exit status says whether any matter. */
async function runLint(inputs: string[], flags: LintFlags, io: Io): Promise<number> {
  checkRuleFlags(flags);
  const config = await loadConfig(io);
  const format = flags.format ?? config.format ?? 'text';
  const failOn = flags.failOn ?? config.failOn ?? 'warning';

  const { series, notes } = await readSeries(inputs, flags, io);
  if (!hasReadablePatch(series)) {
    reportInputErrors(seriesDiagnostics(series), io);
    return EXIT_ERROR;
  }
  const reported = await reviewForReport(series, flags, config, io, notes);

  io.stdout(await render(format, reported, series, io));
  // A series with one unreadable patch is still reviewed, but the run is not a clean bill.
  if (reportInputErrors(reported.diagnostics, io)) return EXIT_ERROR;
  return blockingFindings(reported.findings, failOn).length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

export function registerLint(program: Command, io: Io, exit: (status: number) => void): void {
  const command = program
    .command('lint')
    .description('review patches and report findings (exit 1 when one is at or above --fail-on)')
    .argument('[inputs...]', 'patch files, mboxes, saved mails, directories of them, or - for stdin')
    .option('--git <range>', 'review the commits of a git range instead (origin/master..HEAD, -3), via git format-patch')
    .addOption(new Option('--format <format>', 'output format (default: text)').choices(OUTPUT_FORMATS))
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit status 1 (default: warning)').choices(FAIL_LEVELS));
  addSimulationOptions(addRuleOptions(command), 'by-default').action(async (inputs: string[], flags: LintFlags) => {
    exit(await runLint(inputs, flags, io));
  });
}
