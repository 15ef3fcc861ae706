import { Command, CommanderError } from 'commander';
import { UsageError } from '../model/errors.js';
import { EXIT_CLEAN, EXIT_ERROR, reportError } from './exit.js';
import type { Io } from './io.js';
import { toolVersion } from './package-info.js';

type Register = (program: Command, io: Io, exit: (status: number) => void) => void;

/**
 * Each command's module, loaded only when needed: a hook or b4 runs `kreview lint` for every patch,
 * and loading every command (tree-sitter, the simulator, the mail libraries) costs more than the run.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  lint: async () => (await import('./command-lint.js')).registerLint,
  extract: async () => (await import('./command-extract.js')).registerExtract,
  reply: async () => (await import('./command-reply.js')).registerReply,
  rules: async () => (await import('./command-rules.js')).registerRules,
  explain: async () => (await import('./command-explain.js')).registerExplain,
  sim: async () => (await import('./command-sim.js')).registerSim,
  hook: async () => (await import('./command-hook.js')).registerHook,
  litmus: async () => (await import('./command-litmus.js')).registerLitmus,
};

/** The commands to register: the one named, or all of them for help and suggestions. */
async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const named = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  return Promise.all(named ? [named()] : Object.values(COMMANDS).map((load) => load()));
}

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
  for (const register of await commandsFor(argv)) register(program, io, exit);

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
