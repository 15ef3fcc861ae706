import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Rule, RuleContext } from './rule.js';
import { checkThenAct, inPatch, placeOf, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * check-then-act: a thread decides on state it read without the lock that the state's writers hold,
 * then acts; another CPU changes the state in between. No barrier fixes this: the interleaving needs
 * no reordering at all.
 */
const meta: RuleMeta = {
  id: 'check-then-act',
  severity: 'error',
  source: 'simulator',
  summary: 'A decision taken on state read without its lock is acted on after another CPU changed that state.',
  fix: 'Re-test the state under the lock its writers hold before acting on it, or make test and act one atomic step (the page lock plus a reference, as the 3.8 balloon_compaction design does).',
};

function check(context: RuleContext): Finding[] {
  const violations = violationsOf(context, ['list-corruption', 'null-deref', 'use-after-free', 'stale-mapping', 'bug', 'warn'])
    .filter((v) => !v.reordered);
  return simulatorFindings(context, meta, violations, (v) => {
    const shape = checkThenAct(v);
    if (!shape) return undefined;
    const here = [shape.conflict, shape.interference, shape.act, shape.check].find((s) => inPatch(s.anchor, context));
    if (!here) return undefined;
    return {
      anchor: here.anchor,
      function: here.function,
      related: [shape.check, shape.interference, shape.conflict, shape.act],
      message: `${shape.act.actor} tests ${shape.check.location} without a lock in ${placeOf(shape.check)}; `
        + `${shape.interference.actor} changes it (\`${shape.interference.text}\`)${here === shape.conflict && shape.conflict !== shape.interference ? ` and then \`${shape.conflict.text}\`` : ''}, `
        + `and ${shape.act.actor} still goes on to \`${shape.act.text}\` in ${placeOf(shape.act)}: ${v.message}.`,
    };
  });
}

export const checkThenActRule: Rule = { meta, check };
