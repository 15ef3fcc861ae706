import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Rule, RuleContext } from './rule.js';
import { inPatch, objectOfLocation, patchFreeOf, placeOf, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * use-after-free: memory or code reached after it is gone — an object read through a pointer that
 * was freed, a page written after it went back to the allocator, or a callback of a module that is
 * being unloaded still running (or being returned into) once the module's text is freed.
 */
const meta: RuleMeta = {
  id: 'use-after-free',
  severity: 'error',
  source: 'simulator',
  summary: 'Memory or module code is used after it is freed: a stale pointer, or a callback running while its module unloads.',
  fix: 'Keep the object (or the module) alive while anyone can reach it: take a reference, clear the pointer under the lock its readers use, or have the core call back only into code it pins.',
};

function check(context: RuleContext): Finding[] {
  return simulatorFindings(context, meta, violationsOf(context, ['use-after-free']).filter((v) => !v.reordered), (v) => {
    const act = v.trace[v.trace.length - 1]!;
    if (/module was unloaded/.test(v.message)) {
      const inCallback = [...v.trace].reverse().find((s) => s.function === v.function && inPatch(s.anchor, context));
      const anchor = inPatch(v.anchor, context) ? v.anchor : inCallback?.anchor;
      if (!anchor) return undefined;
      const unload = v.trace.find((s) => s.actor === 'unload');
      return {
        anchor,
        function: v.function,
        message: `${v.message}: ${act.actor} is inside or calling ${v.function}() while ${unload ? unload.actor : 'module unload'} removes the device and frees the module; `
          + 'nothing outside the module keeps its code alive until the callback returns.',
      };
    }
    const victim = objectOfLocation(act.location) ?? objectOfLocation(/of (\S+?)->/.exec(v.message)?.[1]);
    const free = patchFreeOf(v, victim, context);
    const anchor = free?.anchor ?? (inPatch(act.anchor, context) ? act.anchor : undefined);
    if (!anchor) return undefined;
    return {
      anchor,
      key: `${anchor.file}:${anchor.newLine}`,
      related: [act],
      ...(free ? { function: free.function } : { function: v.function }),
      message: free
        ? `After \`${free.text}\`, ${act.actor} still reaches the object in ${placeOf(act)}: ${v.message}.`
        : `${v.message}.`,
    };
  });
}

export const useAfterFree: Rule = { meta, check };
