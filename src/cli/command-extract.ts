import type { Command } from 'commander';
import { extractSeries } from '../extract/extract-patch.js';
import { formatPatchProgram } from '../report/format-program.js';
import { EXIT_CLEAN, EXIT_ERROR } from './exit.js';
import { describeDiagnostic, hasReadablePatch, seriesDiagnostics } from './input-problems.js';
import type { Io } from './io.js';
import { readInputs } from './read-inputs.js';
import { readTree } from './read-tree.js';
import { stableJson } from './stable-json.js';

interface ExtractFlags {
  json?: boolean;
  tree?: string;
}

/**
 * `kreview extract`: the operation programs the simulator would run, for checking what kreview made
 * of a patch. Diagnostics go to stderr so that stdout stays the program alone.
 */
async function runExtract(inputs: string[], flags: ExtractFlags, io: Io): Promise<number> {
  const series = await readInputs(inputs, io);
  const parsed = seriesDiagnostics(series);
  if (!hasReadablePatch(series)) {
    for (const diagnostic of parsed) io.stderr(`${describeDiagnostic(diagnostic)}\n`);
    return EXIT_ERROR;
  }
  const tree = flags.tree === undefined ? undefined : await readTree(flags.tree, series, io);
  const program = extractSeries(series, tree);
  const diagnostics = [...parsed, ...program.diagnostics];
  for (const diagnostic of diagnostics) io.stderr(`${describeDiagnostic(diagnostic)}\n`);
  if (flags.json) io.stdout(stableJson({ patches: program.patches, diagnostics }));
  else io.stdout(program.patches.map(formatPatchProgram).join('\n'));
  return EXIT_CLEAN;
}

export function registerExtract(program: Command, io: Io, exit: (status: number) => void): void {
  program
    .command('extract')
    .description('print the operation program extracted from each patch')
    .argument('<inputs...>', 'patch files, mboxes, saved mails, directories of them, or - for stdin')
    .option('--json', 'print the programs and diagnostics as JSON')
    .option('--tree <dir>', 'kernel source checkout to read the pre-image of each touched file from')
    .action(async (inputs: string[], flags: ExtractFlags) => {
      exit(await runExtract(inputs, flags, io));
    });
}
