import { Command, CommanderError } from 'commander';
import { UsageError } from '../model/errors.js';
import { EXIT_CLEAN, EXIT_ERROR, reportError } from './exit.js';
import type { Io } from './io.js';

export const VERSION = '0.1.0';

/** Runs kreview with `argv` (without `node` and the script) and returns the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  let status = EXIT_CLEAN;
  const program = new Command('kreview')
    .description('Review Linux kernel patches for races, lock leaks and lifetime bugs.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(`kreview: ${text.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError();

  program.action(() => {
    throw new UsageError('no command given; try `kreview --help`');
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CLEAN : EXIT_ERROR;
    }
    status = reportError(error, io);
  }
  return status;
}
