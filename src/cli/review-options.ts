import { InvalidArgumentError, type Command } from 'commander';
import type { Series } from '../model/patch.js';
import type { ReviewOptions } from '../rules/review-series.js';
import type { KreviewConfig } from './config-file.js';
import type { Io } from './io.js';
import { readTree } from './read-tree.js';

/** How far the simulator searches by default: enough for the v7 balloon series' scenarios. */
const DEFAULT_MAX_STATES = 200_000;
/** Balloon pages each scenario starts with: enough for a list with a middle entry to unlink. */
const DEFAULT_PAGES = 3;

/** The flags every command that simulates shares, as commander parses them. */
export interface SimulationFlags {
  tree?: string;
  maxStates?: number;
  timeBudget?: number;
  pages: number;
  /** Absent for `sim` unless `--second-device` is given. */
  secondDevice?: boolean;
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
    .option('--time-budget <seconds>', 'wall-clock time each scenario may take', parseSeconds)
    .option('--pages <n>', 'balloon pages each scenario starts with', parseCount, DEFAULT_PAGES);
  if (secondDevice === 'by-default') command.option('--no-second-device', 'do not simulate a second device probing');
  else command.option('--second-device', 'also simulate a second device probing');
  return command;
}

/** The review's options: flags first, then the config file, then the defaults. */
export async function reviewOptionsOf(
  flags: SimulationFlags,
  config: Pick<KreviewConfig, 'maxStates'>,
  series: Series,
  io: Pick<Io, 'cwd'>,
): Promise<ReviewOptions> {
  const options: ReviewOptions = {
    maxStates: flags.maxStates ?? config.maxStates ?? DEFAULT_MAX_STATES,
    pages: flags.pages,
    secondDevice: flags.secondDevice ?? false,
  };
  if (flags.tree !== undefined) options.tree = await readTree(flags.tree, series, io);
  if (flags.timeBudget !== undefined) {
    options.maxMillis = flags.timeBudget * 1000;
    options.now = () => performance.now();
  }
  return options;
}
