import { expect, it } from 'vitest';
import { missingBarrier } from '../../src/rules/missing-barrier.js';
import { SEED, V7_2 } from './rule-tester.js';
import { originalNames, placeAndWords, simFindingsOf, testSimulatorRule } from './sim-rule-tester.js';

const DRIVER = 'drivers/virtio/toy_balloon.c';
const V7 = 'drivers/virtio/virtio_balloon.c';

/** `page->mapping = NULL` overtaken by `list_del()`; the same failure also happens in order. */
const REORDERED = (mappingNull: string, listDel: string, younger: number): RegExp =>
  new RegExp(`^\`${mappingNull}\` can become visible after \`${listDel}\` \\(line ${younger}\\); movable_balloon_page\\(\\) .* reads page\\d+->mapping without the lock `
    + 'and sees the second store without the first: .*A barrier alone does not close this: the same failure happens with no reordering at all \\(see check-then-act\\)\\.$');

testSimulatorRule(missingBarrier, {
  valid: [
    {
      name: 'a wmb() between clearing page->mapping and list_del() (check-then-act still reports the race)',
      inputs: [{ fixture: 'sim-deflate-wmb.patch' }],
    },
    { name: 'the wmb() and a re-test in the isolate callback', inputs: [{ fixture: 'sim-isolate-retest.patch' }] },
    { name: 'the leak path takes the page lock compaction holds', inputs: [{ fixture: 'sim-lock-leak-fixed.patch' }] },
  ],
  invalid: [
    {
      name: 'v7 shape: page->mapping = NULL and list_del() in the leak path with no barrier between',
      inputs: [{ fixture: 'sim-deflate-race.patch' }],
      findings: [{
        file: DRIVER, line: 64, patchLine: 77, function: 'tb_leak', related: [65],
        message: REORDERED('page->mapping = NULL', 'list_del\\(&page->lru\\)', 65),
      }],
    },
    {
      name: 'the v7 race with every driver identifier renamed',
      inputs: [{ fixture: 'sim-renamed-race.patch' }],
      findings: [{
        file: DRIVER, line: 64, patchLine: 77, function: 'sq_shrink', related: [65],
        message: REORDERED('pg->mapping = NULL', 'list_del\\(&pg->lru\\)', 65),
      }],
    },
    {
      name: 'the seed review: "So I think this needs a wmb()"',
      inputs: [{ shared: SEED }],
      findings: [{
        file: V7, line: 199, patchLine: 119, function: 'leak_balloon', related: [200],
        message: REORDERED('page->mapping = NULL', 'list_del\\(&page->lru\\)', 200),
      }],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [{ file: V7, line: 199, patchLine: 112, function: 'leak_balloon', related: [200] }],
    },
  ],
});

it('points the fix at both sides of the pairing', async () => {
  const [finding] = await simFindingsOf(missingBarrier, [{ fixture: 'sim-deflate-race.patch' }]);
  expect(finding?.fix).toMatch(/^Add smp_wmb\(\) between line 64 and line 65, paired with smp_rmb\(\) on the reader side in movable_balloon_page\(\)/);
});

it('says the same, at the same lines, of the v7 race with every driver identifier renamed', async () => {
  const original = await simFindingsOf(missingBarrier, [{ fixture: 'sim-deflate-race.patch' }]);
  const renamed = await simFindingsOf(missingBarrier, [{ fixture: 'sim-renamed-race.patch' }]);
  expect(renamed.map((f) => JSON.parse(originalNames(JSON.stringify(placeAndWords(f)))) as unknown)).toEqual(original.map((f) => placeAndWords(f)));
});
