import { InvalidArgumentError, type Command } from 'commander';
import type { Series } from '../model/patch.js';
import type { ReviewOptions } from '../rules/review-series.js';
import type { KreviewConfig } from './config-file.js';
import { memoryLow } from './heap.js';
import type { Io } from './io.js';
import { readTree } from './read-tree.js';
import { reviewProgress } from './review-progress.js';
import { scenarioPool } from './scenario-pool.js';

/** How far the simulator searches by default: the v7 balloon scenarios need under 10,000 each. */
const DEFAULT_MAX_STATES = 50_000;
/**
 * Wall-clock seconds each scenario may take by default, so a pre-submit hook never hangs: a search
 * stopped by it says "incomplete" and what it covered, never "no race".
 */
const DEFAULT_TIME_BUDGET = 20;
/** Page frames in each scenario: two balloon pages are enough for every race kreview models, and each more costs a multiple. */
const DEFAULT_PAGES = 2;

/** The flags every command that simulates shares, as commander parses them. */
export interface SimulationFlags {
  tree?: string;
  maxStates?: number;
  timeBudget?: number;
  pages: number;
  /** Absent for `sim` unless `--second-device` is given. */
  secondDevice?: boolean;
  /** Threads exploring scenarios at once; two for every three cores when absent. */
  jobs?: number;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return Number(value);
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('Expected a positive number of seconds.');
  return seconds;
}

/**
 * Adds `--tree`, `--max-states`, `--time-budget`, `--pages` and the second-device switch. `lint`
 * simulates a second device unless told not to; `sim`, a tool for looking at one scenario at a
 * time, only when asked.
 */
export function addSimulationOptions(command: Command, secondDevice: 'by-default' | 'on-request'): Command {
  command
    .option('--tree <dir>', 'kernel source checkout to read the pre-image of each touched file from')
    .option('--max-states <n>', `states each scenario may explore (default: ${DEFAULT_MAX_STATES})`, parseCount)
    .option('--time-budget <seconds>', `wall-clock time each scenario may take (default: ${DEFAULT_TIME_BUDGET})`, parseSeconds)
    .option('--pages <n>', 'balloon pages each scenario starts with', parseCount, DEFAULT_PAGES)
    .option('-j, --jobs <n>', 'scenarios explored at once, each on a thread of its own (default: two for every three cores)', parseCount);
  if (secondDevice === 'by-default') command.option('--no-second-device', 'do not simulate a second device probing');
  else command.option('--second-device', 'also simulate a second device probing');
  return command;
}

/** The review's options: flags first, then the config file, then the defaults. */
export async function reviewOptionsOf(
  flags: SimulationFlags,
  config: Pick<KreviewConfig, 'maxStates'>,
  series: Series,
  io: Pick<Io, 'cwd' | 'status'>,
): Promise<ReviewOptions> {
  const options: ReviewOptions = {
    maxStates: flags.maxStates ?? config.maxStates ?? DEFAULT_MAX_STATES,
    pages: flags.pages,
    secondDevice: flags.secondDevice ?? false,
  };
  if (flags.tree !== undefined) options.tree = await readTree(flags.tree, series, io);
  options.maxMillis = (flags.timeBudget ?? DEFAULT_TIME_BUDGET) * 1000;
  const now = (): number => performance.now();
  options.now = now;
  options.memoryLow = memoryLow;
  options.runScenarios = scenarioPool(flags.jobs).run;
  const { status } = io;
  if (status) options.progress = reviewProgress((text) => status(`kreview: ${text}`), now);
  return options;
}
