import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Rule, RuleContext } from './rule.js';
import { checkThenAct, inPatch, patchStepOf, placeOf, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * list-corruption: the simulator deleted a list entry twice, deleted one that was on another list,
 * added one still on a list, or freed a page still linked — what CONFIG_DEBUG_LIST would catch at
 * run time, found here with the interleaving that leads to it.
 */
const meta: RuleMeta = {
  id: 'list-corruption',
  severity: 'error',
  source: 'simulator',
  summary: 'An interleaving corrupts a list: an entry deleted twice, added while on a list, or freed while linked.',
  fix: 'Make every list operation on the entry happen under the one lock that protects the list, and re-check membership under that lock.',
};

function check(context: RuleContext): Finding[] {
  return simulatorFindings(context, meta, violationsOf(context, ['list-corruption']).filter((v) => !v.reordered), (v) => {
    const act = v.trace[v.trace.length - 1];
    const shape = checkThenAct(v);
    const here = [act, shape?.conflict].find((s) => s && inPatch(s.anchor, context));
    const others = [...new Set(v.actors)].join(' and ');
    if (here) return { anchor: here.anchor, function: here.function, related: [shape?.conflict, shape?.check], message: `With ${others} running at once: ${v.message}.` };
    const caller = act ? patchStepOf(act, v.trace, context) : undefined;
    if (!caller || !act) return undefined;
    return {
      anchor: caller.anchor, function: caller.function, related: [shape?.conflict, shape?.check],
      // Every scenario that runs this call meets the same race: say it once.
      key: `${caller.anchor.file}:${caller.anchor.newLine}:${v.message}`,
      message: `With ${others} running at once, \`${caller.text}\` leads to ${placeOf(act)}: ${v.message}.`,
    };
  });
}

export const listCorruption: Rule = { meta, check };
