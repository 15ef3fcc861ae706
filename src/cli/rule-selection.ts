import type { Command } from 'commander';
import { UsageError } from '../model/errors.js';
import { RULES, ruleById } from '../rules/registry.js';
import { didYouMean } from './suggest.js';

/** Rules turned off and back on, by one source of settings (the config file or the command line). */
interface RuleChoice {
  disable: readonly string[];
  enable: readonly string[];
}

const allIds = (): string[] => RULES.map((rule) => rule.meta.id);

/** Why `id` names no rule, with the ids it was probably meant to be; undefined when it is a rule. */
export function unknownRuleMessage(id: string): string | undefined {
  return ruleById(id) ? undefined : `unknown rule '${id}'${didYouMean(id, allIds())}`;
}

/** Rejects an unknown rule id given on the command line with `option`. */
function checkRuleFlag(option: string, id: string): void {
  const problem = unknownRuleMessage(id);
  if (problem) throw new UsageError(`${option}: ${problem}`);
}

/**
 * The rules to run, in registry order: all of them, less what the config disables, plus what it
 * enables; then the command line's `--disable` and `--enable` on top, so flags win over the file.
 */
export function selectRules(config: RuleChoice, flags: RuleChoice): string[] {
  const on = new Set(allIds());
  for (const choice of [config, flags]) {
    for (const id of choice.disable) on.delete(id);
    for (const id of choice.enable) on.add(id);
  }
  return allIds().filter((id) => on.has(id));
}

/** `--disable` and `--enable` as commander parses them: absent until given. */
export interface RuleFlags {
  disable?: string[];
  enable?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `--disable RULE` and `--enable RULE`, each repeatable. */
export function addRuleOptions(command: Command): Command {
  return command
    .option('--disable <rule>', 'do not run this rule (repeatable)', collect)
    .option('--enable <rule>', 'run this rule even if the config file disables it (repeatable)', collect);
}

/** The rule flags with unknown ids rejected, before any input is read. */
export function checkRuleFlags(flags: RuleFlags): RuleChoice {
  const choice = { disable: flags.disable ?? [], enable: flags.enable ?? [] };
  for (const id of choice.disable) checkRuleFlag('--disable', id);
  for (const id of choice.enable) checkRuleFlag('--enable', id);
  return choice;
}
