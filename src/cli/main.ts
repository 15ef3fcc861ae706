import { Command, CommanderError } from 'commander';
import { UsageError } from '../model/errors.js';
import { registerExplain } from './command-explain.js';
import { registerExtract } from './command-extract.js';
import { registerHook } from './command-hook.js';
import { registerLint } from './command-lint.js';
import { registerLitmus } from './command-litmus.js';
import { registerReply } from './command-reply.js';
import { registerRules } from './command-rules.js';
import { registerSim } from './command-sim.js';
import { EXIT_CLEAN, EXIT_ERROR, reportError } from './exit.js';
import type { Io } from './io.js';
import { toolVersion } from './package-info.js';

/** Commander's messages on one line: `kreview: unknown option '--frmat' (did you mean --format?)`. */
function oneLine(text: string): string {
  const message = text
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
  return `kreview: ${message}\n`;
}

/** Runs kreview with `argv` (without `node` and the script) and returns the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  let status = EXIT_CLEAN;
  const exit = (code: number): void => {
    status = code;
  };
  const program = new Command('kreview')
    .description('Review Linux kernel patches for races, lock leaks and lifetime bugs.')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(oneLine(text)),
    })
    .showSuggestionAfterError();
  registerLint(program, io, exit);
  registerExtract(program, io, exit);
  registerReply(program, io, exit);
  registerRules(program, io, exit);
  registerExplain(program, io, exit);
  registerSim(program, io, exit);
  registerHook(program, io, exit);
  registerLitmus(program, io, exit);

  try {
    if (argv.length === 0) throw new UsageError('no command given; try `kreview --help`');
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CLEAN : EXIT_ERROR;
    }
    status = reportError(error, io);
  }
  return status;
}
