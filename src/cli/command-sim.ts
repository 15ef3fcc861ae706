import { InvalidArgumentError, type Command } from 'commander';
import { THREAD_ROLES, type ThreadRole } from '../sim/build-scenarios.js';
import type { Verdict, Violation } from '../model/verdict.js';
import { extractSeries } from '../extract/extract-patch.js';
import { budgetName } from '../report/budget.js';
import { renderTrace } from '../report/format-trace.js';
import { anchorLine } from '../report/locate-line.js';
import { simulateSeries } from '../rules/review-series.js';
import { loadConfig } from './config-file.js';
import { EXIT_CLEAN, EXIT_ERROR } from './exit.js';
import { describeDiagnostic, hasReadablePatch, seriesDiagnostics } from './input-problems.js';
import type { Io } from './io.js';
import { readInputs } from './read-inputs.js';
import { addSimulationOptions, reviewOptionsOf, type SimulationFlags } from './review-options.js';
import { stableJson } from './stable-json.js';

interface SimFlags extends SimulationFlags {
  json?: boolean;
  threads?: ThreadRole[];
  /** False with `--no-store-reordering`. */
  storeReordering: boolean;
}

function parseThreads(value: string): ThreadRole[] {
  const names = value.split(',').map((n) => n.trim());
  const unknown = names.find((n) => !(THREAD_ROLES as readonly string[]).includes(n));
  if (unknown !== undefined || names.length < 2) {
    throw new InvalidArgumentError(`Expected two or more of ${THREAD_ROLES.join(', ')}, separated by commas${unknown !== undefined ? ` (not ${unknown || 'an empty name'})` : ''}.`);
  }
  return names as ThreadRole[];
}

/** Wide enough for two columns of `function:line  statement` side by side. */
const TRACE_WIDTH = 120;
const INDENT = 4;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function statusOf(verdict: Verdict): string {
  if (verdict.status === 'complete') return 'complete';
  const { stoppedBy } = verdict.coverage;
  return `incomplete: stopped by ${budgetName(stoppedBy, true)}; races beyond it are not ruled out`;
}

function formatViolation(violation: Violation): string[] {
  const line = anchorLine(violation.anchor);
  const where = line === undefined ? violation.anchor.file : `${violation.anchor.file}:${line}`;
  const reordered = violation.reordered ? ' (needs a reordering)' : '';
  const [first = '', ...rest] = violation.message.split('\n');
  const lines = [`  ${where}: ${violation.kind} in ${violation.function}(): ${first}${reordered}`, ...rest.map((l) => `      ${l}`)];
  if (violation.trace.length > 0) {
    const trace = renderTrace(violation.trace, { width: TRACE_WIDTH, indent: INDENT });
    lines.push('', ...trace.header, ...trace.rows);
  }
  return lines;
}

/** One block per scenario: who runs, how far the search went, and each violation as an interleaving. */
function formatVerdicts(verdicts: readonly Verdict[]): string {
  const blocks = verdicts.map((verdict) => {
    const { states, transitions, maxDepth } = verdict.coverage;
    const lines = [
      `scenario: ${verdict.scenario}`,
      `  actors: ${verdict.actors.join(', ')}`,
      `  status: ${statusOf(verdict)}`,
      `  explored: ${plural(states, 'state')}, ${plural(transitions, 'transition')}, depth ${maxDepth}`,
      `  violations: ${verdict.violations.length}`,
      ...verdict.notes.map((note) => `  note: ${note}`),
    ];
    for (const violation of verdict.violations) lines.push('', ...formatViolation(violation));
    return lines.join('\n');
  });
  const complete = verdicts.filter((v) => v.status === 'complete').length;
  const violations = verdicts.reduce((n, v) => n + v.violations.length, 0);
  const summary = `${plural(verdicts.length, 'scenario')} (${complete} complete, ${verdicts.length - complete} incomplete), ${plural(violations, 'violation')}`;
  return `${[...blocks, summary].join('\n\n')}\n`;
}

/**
 * `kreview sim`: the simulator's verdicts without the rules, to see which scenarios ran, how far each
 * search went and every interleaving it found.
 */
async function runSim(inputs: string[], flags: SimFlags, io: Io): Promise<number> {
  const config = await loadConfig(io);
  const series = await readInputs(inputs, io);
  const parsed = seriesDiagnostics(series);
  for (const diagnostic of parsed) io.stderr(`${describeDiagnostic(diagnostic)}\n`);
  if (!hasReadablePatch(series)) return EXIT_ERROR;
  const options = await reviewOptionsOf(flags, config, series, io);
  const program = extractSeries(series, options.tree);
  for (const diagnostic of program.diagnostics) io.stderr(`${describeDiagnostic(diagnostic)}\n`);
  const verdicts = await simulateSeries(program, {
    ...options, ...(flags.threads ? { threads: flags.threads } : {}), ...(flags.storeReordering ? {} : { sequentiallyConsistent: true }),
  });
  io.stdout(flags.json ? stableJson(verdicts) : formatVerdicts(verdicts));
  return EXIT_CLEAN;
}

export function registerSim(program: Command, io: Io, exit: (status: number) => void): void {
  const command = program
    .command('sim')
    .description('run the simulator and print each scenario\'s verdict and interleavings')
    .argument('<inputs...>', 'patch files, mboxes, saved mails, directories of them, or - for stdin')
    .option('--json', 'print the verdicts as JSON')
    .option('--threads <roles>', `run just these threads at once, e.g. inflate,deflate,compaction,unload (of: ${THREAD_ROLES.join(', ')})`, parseThreads)
    .option('--no-store-reordering', 'interleavings only: every CPU sees stores in program order, as in spin\'s models');
  addSimulationOptions(command, 'on-request').action(async (inputs: string[], flags: SimFlags) => {
    exit(await runSim(inputs, flags, io));
  });
}
