import type { Command } from 'commander';
import { RULES } from '../rules/registry.js';
import { EXIT_CLEAN } from './exit.js';
import type { Io } from './io.js';

/** `kreview rules`: every rule, one per line, in columns a script can also split on runs of spaces. */
function runRules(io: Pick<Io, 'stdout'>): number {
  const metas = RULES.map((rule) => rule.meta);
  const idWidth = Math.max(...metas.map((meta) => meta.id.length));
  const severityWidth = Math.max(...metas.map((meta) => meta.severity.length));
  const sourceWidth = Math.max(...metas.map((meta) => meta.source.length));
  const lines = metas.map((meta) =>
    `${meta.id.padEnd(idWidth)}  ${meta.severity.padEnd(severityWidth)}  ${meta.source.padEnd(sourceWidth)}  ${meta.summary}`);
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_CLEAN;
}

export function registerRules(program: Command, io: Io, exit: (status: number) => void): void {
  program
    .command('rules')
    .description('list the rules: id, severity, source of evidence, summary')
    .action(() => {
      exit(runRules(io));
    });
}
