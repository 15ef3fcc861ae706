import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Rule, RuleContext } from './rule.js';
import { inPatch, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * deadlock: every unfinished thread waits (a cycle of lock waits), a thread takes a lock it already
 * holds, or a thread sleeps while holding a spinlock.
 */
const meta: RuleMeta = {
  id: 'deadlock',
  severity: 'error',
  source: 'simulator',
  summary: 'Threads wait for each other forever, a lock is taken by its holder, or code sleeps under a spinlock.',
  fix: 'Take locks in one global order, never call code that can sleep (or re-enter the driver) while holding a spinlock or the lock it takes.',
};

function check(context: RuleContext): Finding[] {
  return simulatorFindings(context, meta, violationsOf(context, ['deadlock', 'sleep-in-atomic']).filter((v) => !v.reordered), (v) => {
    const here = [...v.trace].reverse().find((s) => inPatch(s.anchor, context));
    const anchor = inPatch(v.anchor, context) ? v.anchor : here?.anchor;
    if (!anchor) return undefined;
    return { anchor, function: v.function, message: v.kind === 'sleep-in-atomic' ? `Sleeping under a spinlock: ${v.message}.` : `${v.message}.` };
  });
}

export const deadlock: Rule = { meta, check };
