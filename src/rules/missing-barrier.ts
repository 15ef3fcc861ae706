import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Rule, RuleContext } from './rule.js';
import { inPatch, placeOf, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * missing-barrier: two stores of one CPU to different locations become visible in the opposite
 * order, a lockless reader on another CPU sees the difference, and something breaks. The simulator
 * finds the trace with a store buffer; a barrier between the stores forbids it. Whether the barrier
 * is enough is answered by the same model: if the failure also happens with no reordering at all,
 * the message says so (see check-then-act).
 */
const meta: RuleMeta = {
  id: 'missing-barrier',
  severity: 'error',
  source: 'simulator',
  summary: 'Two stores that a lockless reader depends on can become visible out of order, and nothing forbids it.',
  fix: 'Put smp_wmb() between the two stores and pair it with smp_rmb() between the reader\'s two loads (or use smp_store_release()/smp_load_acquire()).',
};

function check(context: RuleContext): Finding[] {
  const all = violationsOf(context, ['list-corruption', 'null-deref', 'use-after-free', 'stale-mapping', 'wrong-device', 'bug', 'warn']);
  const inOrder = new Set(all.filter((v) => !v.reordered).map((v) => `${v.kind}|${v.anchor.file}|${v.anchor.newLine}`));
  return simulatorFindings(context, meta, all.filter((v) => v.reordering), (v) => {
    const r = v.reordering!;
    if (!inPatch(r.older, context) || !inPatch(r.younger, context)) return undefined;
    if (r.older.file !== r.younger.file) return undefined;
    const olderStep = v.trace.find((s) => s.anchor.newLine === r.older.newLine && s.anchor.file === r.older.file && !s.commit);
    const youngerStep = v.trace.find((s) => s.anchor.newLine === r.younger.newLine && s.anchor.file === r.younger.file && !s.commit);
    const olderText = olderStep?.text ?? `line ${r.older.newLine}`;
    const youngerText = youngerStep?.text ?? `line ${r.younger.newLine}`;
    const stillBreaks = inOrder.has(`${v.kind}|${v.anchor.file}|${v.anchor.newLine}`)
      ? ' A barrier alone does not close this: the same failure happens with no reordering at all (see check-then-act).'
      : '';
    const reader = { ...r.reader, function: r.readerFunction };
    return {
      anchor: r.older,
      key: `${r.older.file}:${r.older.newLine}:${r.younger.newLine}`,
      related: [youngerStep],
      ...(olderStep ? { function: olderStep.function } : {}),
      message: `\`${olderText}\` can become visible after \`${youngerText}\` (line ${r.younger.newLine}); `
        + `${placeOf(reader)} reads ${r.location} without the lock and sees the second store without the first: ${v.message}.${stillBreaks}`,
      fix: `Add smp_wmb() between line ${r.older.newLine} and line ${r.younger.newLine}, paired with smp_rmb() on the reader side in ${placeOf(reader)}; and re-test under the lock if the failure also happens without reordering.`,
    };
  });
}

export const missingBarrier: Rule = { meta, check };
