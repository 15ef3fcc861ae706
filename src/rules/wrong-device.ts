import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Rule, RuleContext } from './rule.js';
import { inPatch, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * wrong-device: with a second device probed, a page that belongs to one device's balloon ends up on
 * the other device's list — what per-device state kept in a global does once there are two.
 */
const meta: RuleMeta = {
  id: 'wrong-device',
  severity: 'error',
  source: 'simulator',
  summary: 'With two devices, a page of one device is put on the other device\'s balloon list.',
  fix: 'Reach the device from the page (page->mapping->private_data or the like) instead of a global set at probe time.',
};

function check(context: RuleContext): Finding[] {
  return simulatorFindings(context, meta, violationsOf(context, ['wrong-device']).filter((v) => !v.reordered), (v) => {
    const here = [...v.trace].reverse().find((s) => inPatch(s.anchor, context));
    const anchor = inPatch(v.anchor, context) ? v.anchor : here?.anchor;
    if (!anchor) return undefined;
    const act = v.trace[v.trace.length - 1];
    const globalWrites = v.trace.filter((s) => s.actor === 'second probe' && inPatch(s.anchor, context) && s.access === 'write' && /^[A-Za-z_]\w*$/.test(s.location ?? ''));
    // The global that matters is the one the misled thread read after the probe wrote it.
    const readAfter = (write: (typeof globalWrites)[number]): boolean =>
      v.trace.slice(v.trace.indexOf(write) + 1).some((s) => s.thread === act?.thread && s.access === 'read' && s.location === write.location);
    const probe = globalWrites.find(readAfter) ?? globalWrites[0];
    return {
      anchor,
      function: v.function,
      message: `${v.message}${probe ? `: the second probe overwrote ${probe.location} (\`${probe.text}\`, line ${probe.anchor.newLine})` : ''}.`,
    };
  });
}

export const wrongDevice: Rule = { meta, check };
