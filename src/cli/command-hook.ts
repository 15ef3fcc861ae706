import { writeSync } from 'node:fs';
import path from 'node:path';
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import type { Severity } from '../model/finding.js';
import { FAIL_LEVELS } from './config-file.js';
import { EXIT_CLEAN, EXIT_FINDINGS, reportError } from './exit.js';
import { installHook, uninstallHooks } from './hook-install.js';
import { runHook } from './hook-run.js';
import { HOOK_TYPES, type HookType } from './hook-script.js';
import type { Io } from './io.js';
import { PACKAGE_ROOT } from './package-info.js';
import { addSimulationOptions, type SimulationFlags } from './review-options.js';

interface InstallFlags {
  type: HookType;
  failOn?: Severity;
  strict?: boolean;
}

interface RunFlags extends SimulationFlags {
  failOn?: Severity;
  cache?: string;
  verdictFd?: number;
}

/** This kreview, as an installed hook must start it: the node running now and the package's bin. */
function thisKreview(): { node: string; bin: string } {
  return { node: process.execPath, bin: path.join(PACKAGE_ROOT, 'bin', 'kreview.js') };
}

function parseFd(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 3) throw new InvalidArgumentError('Expected a file descriptor number, 3 or more.');
  return Number(value);
}

/**
 * Tells the hook script the verdict on its descriptor: `pass`, `stop` or `error`. The script reads
 * nothing there when kreview crashed, and so never mistakes a crash for a stop.
 */
function writeVerdict(fd: number | undefined, status: number): void {
  if (fd === undefined) return;
  const verdict = status === EXIT_CLEAN ? 'pass' : status === EXIT_FINDINGS ? 'stop' : 'error';
  try {
    writeSync(fd, verdict);
  } catch {
    // Run by hand without the descriptor: the exit status says the same.
  }
}

export function registerHook(program: Command, io: Io, exit: (status: number) => void): void {
  const hook = program
    .command('hook')
    .description('install kreview as a git hook (sendemail-validate, pre-commit, pre-push), or remove it');
  const failOn = (): Option =>
    new Option('--fail-on <severity>', 'lowest severity that stops the change (default: .kreview.json failOn, else warning)').choices(FAIL_LEVELS);

  hook
    .command('install')
    .description('install a hook in this repository; a hook already there is kept and run first')
    .addOption(new Option('--type <hook>', 'which hook').choices(HOOK_TYPES).default('sendemail-validate'))
    .addOption(failOn())
    .option('--strict', 'also stop the change when kreview itself fails (by default it goes ahead, with a warning)')
    .action(async (flags: InstallFlags) => {
      const settings = { type: flags.type, ...thisKreview(), strict: flags.strict ?? false, ...(flags.failOn ? { failOn: flags.failOn } : {}) };
      exit(await installHook(settings, io));
    });

  hook
    .command('uninstall')
    .description('remove kreview\'s hooks and put back the hooks they chained to, unchanged')
    .addOption(new Option('--type <hook>', 'only this hook (default: every kreview hook)').choices(HOOK_TYPES))
    .action(async (flags: { type?: HookType }) => {
      exit(await uninstallHooks(flags.type ? [flags.type] : undefined, io));
    });

  const run = hook
    .command('run')
    .description('what an installed hook runs: review as git\'s contract for that hook says (exit 0 pass, 1 stop, 2 could not review)')
    .addArgument(new Argument('<hook>', 'the hook git is running').choices(HOOK_TYPES))
    .argument('[args...]', 'the arguments git gave the hook')
    .addOption(failOn())
    .option('--cache <dir>', 'sendemail-validate: where passes for the other mails of the send are left')
    .addOption(new Option('--verdict-fd <fd>', 'also write pass, stop or error on this descriptor').argParser(parseFd).hideHelp());
  addSimulationOptions(run, 'by-default').action(async (type: HookType, args: string[], flags: RunFlags) => {
    let status: number;
    try {
      status = await runHook(type, args, flags, io);
    } catch (error) {
      status = reportError(error, io);
    }
    writeVerdict(flags.verdictFd, status);
    exit(status);
  });
}
