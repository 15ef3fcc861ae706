import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Rule, RuleContext } from './rule.js';
import { inPatch, patchFreeOf, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * stale-mapping: `page->mapping` says the wrong thing about a page — freed with it still set, on a
 * balloon list without it, or a mapping object used after it was freed or before it is initialised.
 */
const meta: RuleMeta = {
  id: 'stale-mapping',
  severity: 'error',
  source: 'simulator',
  summary: 'A page\'s mapping is stale: a page freed or taken off the balloon with it still set, or a freed mapping still matched.',
  fix: 'Set and clear page->mapping under the same lock (and page lock) that moves the page on and off the balloon list, and never free the mapping while pages point to it.',
};

function check(context: RuleContext): Finding[] {
  return simulatorFindings(context, meta, violationsOf(context, ['stale-mapping']).filter((v) => !v.reordered), (v) => {
    if (inPatch(v.anchor, context)) return { anchor: v.anchor, function: v.function, message: `${v.message}.` };
    // The last reference may go in kernel code (compaction's put_page()): the page was freed, with
    // its mapping set, where the patch freed it.
    const page = /^(page\d+) /.exec(v.message)?.[1];
    const here = (page ? patchFreeOf(v, page, context) : undefined) ?? [...v.trace].reverse().find((s) => inPatch(s.anchor, context));
    if (!here) return undefined;
    return { anchor: here.anchor, function: here.function, message: `${v.message}.` };
  });
}

export const staleMapping: Rule = { meta, check };
