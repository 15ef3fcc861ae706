import { describe, expect, it } from 'vitest';
import { reviewOf } from './sim-rule-tester.js';

/**
 * `corrected-virtio-balloon.mbox` is v7 2/4 (virtio_balloon: balloon pages movable by compaction)
 * as it should have been sent, on the balloon_compaction API the series moved to in v8: 1/2 fixes
 * mm/balloon_compaction.c (the 1/2 of sim-v38-corrected.mbox), 2/2 is the driver against Linux 3.6
 * (it applies to ../shared/corpus/tree-3.6). Every defect the LKML review of v7 names is fixed —
 * state per device, page->mapping and page->lru changed together under the locks the mm side tests
 * them under, the mapping initialised before it is reachable and freed with its device, nothing
 * defined in a header — and so is the lock fill_balloon() leaked on its early return.
 */
const CORRECTED = [{ fixture: 'corrected-virtio-balloon.mbox' }];

/** The rules of what the review of v7 2/4 names (and the lock leak), other than the three below. */
const REVIEW_RULES = [
  'check-then-act', 'dangling-pointer', 'deadlock', 'global-in-header', 'lock-leak', 'multi-device-global',
  'nonstatic-global', 'publish-before-init', 'stale-mapping', 'uapi-kernel-only', 'wrong-device',
];

// A full review with lint's budget takes a minute or more before the disk cache holds it.
const REVIEW_TIMEOUT = 300_000;

describe('v7 2/4 corrected (corrected-virtio-balloon.mbox)', () => {
  it('has none of the defects the review of v7 names', async () => {
    const { findings } = await reviewOf(CORRECTED);
    expect(findings.filter((f) => REVIEW_RULES.includes(f.rule))).toEqual([]);
  }, REVIEW_TIMEOUT);

  // Every scenario explores to the end: the counts the driver defines (`VIRTIO_BALLOON_PAGES_PER_PAGE`,
  // `ARRAY_SIZE(vb->pfns)`) have their values, `min()` bounds the leak loop, and kthread_run()'s
  // task is never an error pointer, so the probe that runs is one that succeeded.
  it('gives no finding, and every scenario completes', async () => {
    const { findings, incomplete } = await reviewOf(CORRECTED);
    expect(findings).toEqual([]);
    expect(incomplete).toEqual([]);
  }, REVIEW_TIMEOUT);
});
