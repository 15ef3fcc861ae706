import type { Finding } from '../model/finding.js';
import type { Anchor } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { TraceStep, Violation } from '../model/verdict.js';
import { byLocation, findingAt } from './finding-at.js';
import type { RuleContext } from './rule.js';
import { relatedSteps } from './sim-evidence.js';

/** What a simulator rule says about one violation: where in the patch, and in which words. */
export interface Verdiction {
  anchor: Anchor;
  message: string;
  fix?: string;
  function?: string;
  /** The steps worth pointing at besides the finding's own line. */
  related?: readonly (TraceStep | undefined)[];
  /** Findings with the same key are said once (default: place and message). */
  key?: string;
}

/**
 * The common shape of the simulator rules: each violation the rule understands becomes at most one
 * finding in this patch, with the interleaving attached; the same place and message is said once.
 */
export function simulatorFindings(
  context: RuleContext, meta: RuleMeta, violations: readonly Violation[],
  describe: (v: Violation) => Verdiction | undefined,
): Finding[] {
  const findings = new Map<string, Finding>();
  for (const v of violations) {
    const said = describe(v);
    if (!said) continue;
    const key = said.key ?? `${said.anchor.file}:${said.anchor.newLine}:${said.message}`;
    if (findings.has(key)) continue;
    const finding = findingAt(context, meta, said.anchor, {
      message: said.message,
      ...(said.fix ? { fix: said.fix } : {}),
      ...(said.function ? { function: said.function } : {}),
      related: relatedSteps(said.related ?? [], context, said.anchor),
    });
    finding.trace = v.trace;
    findings.set(key, finding);
  }
  return byLocation([...findings.values()]);
}
