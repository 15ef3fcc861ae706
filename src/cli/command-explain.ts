import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InternalError, UsageError } from '../model/errors.js';
import { ruleById } from '../rules/registry.js';
import { EXIT_CLEAN } from './exit.js';
import type { Io } from './io.js';
import { PACKAGE_ROOT } from './package-info.js';
import { unknownRuleMessage } from './rule-selection.js';

/** `kreview explain RULE`: the rule's documentation page, as shipped in the package. */
async function runExplain(id: string, io: Pick<Io, 'stdout'>): Promise<number> {
  if (!ruleById(id)) throw new UsageError(unknownRuleMessage(id) ?? `unknown rule '${id}'`);
  const page = path.join(PACKAGE_ROOT, 'docs', 'rules', `${id}.md`);
  const text = await readFile(page, 'utf8').catch(() => {
    throw new InternalError(`the documentation of rule '${id}' is missing (${page})`);
  });
  io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT_CLEAN;
}

export function registerExplain(program: Command, io: Io, exit: (status: number) => void): void {
  program
    .command('explain')
    .description('print the documentation of a rule')
    .argument('<rule>', 'rule id, as `kreview rules` lists them')
    .action(async (id: string) => {
      exit(await runExplain(id, io));
    });
}
