import { expect, it } from 'vitest';
import { listCorruption } from '../../src/rules/list-corruption.js';
import { SEED, V7_2 } from './rule-tester.js';
import { originalNames, placeAndWords, simFindingsOf, testSimulatorRule } from './sim-rule-tester.js';

const DRIVER = 'drivers/virtio/toy_balloon.c';
const V7 = 'drivers/virtio/virtio_balloon.c';
const DELETED_TWICE = /^With deflate and compaction running at once: list_del of page\d+->lru, which is not on any list \(deleted twice\)\.$/;

testSimulatorRule(listCorruption, {
  valid: [
    {
      name: 'the leak path takes the page lock compaction holds (the 3.8 protocol)',
      inputs: [{ fixture: 'sim-lock-leak-fixed.patch' }],
    },
    { name: 'module unload races the callbacks, not the lists', inputs: [{ fixture: 'sim-unload.patch' }] },
    {
      name: 'the 3.8 balloon_compaction API with the dequeue walk under pages_lock (the series fixes the mm side)',
      inputs: [{ fixture: 'sim-v38-corrected.mbox' }],
    },
  ],
  invalid: [
    {
      name: 'v7 shape: the isolate callback unlinks a page the leak path unlinked already',
      inputs: [{ fixture: 'sim-deflate-race.patch' }],
      findings: [{ file: DRIVER, line: 90, patchLine: 103, function: 'tb_isolatepage', related: [65], message: DELETED_TWICE }],
    },
    {
      name: 'a wmb() in the leak path does not stop the double unlink',
      inputs: [{ fixture: 'sim-deflate-wmb.patch' }],
      findings: [{ file: DRIVER, line: 92, patchLine: 113, function: 'tb_isolatepage', related: [67], message: DELETED_TWICE }],
    },
    {
      // The double unlink is gone from the isolate callback. What is left: the callback re-tests
      // against the global balloon_mapping, which a second device's probe replaces under
      // compaction's feet; the callback then leaves the page on the balloon list, returns void,
      // and compaction adds the page to its migrate list while it is still on the balloon's.
      name: 'the isolate callback re-tests page->mapping under the list lock: a second probe still corrupts the list',
      inputs: [{ fixture: 'sim-isolate-retest.patch' }],
      findings: [{
        file: DRIVER, line: 145, patchLine: 160, function: 'tb_probe', related: [],
        message: /^With compaction and second probe running at once: list_add of page\d+->lru, which is still on toy_balloon#\d+->pages\.$/,
      }],
    },
    {
      // Compaction still takes the page for a balloon page and isolates it a second time.
      name: 'the leak path frees pages with page->mapping still set',
      inputs: [{ fixture: 'sim-stale-mapping.patch' }],
      findings: [{ file: DRIVER, line: 91, patchLine: 108, function: 'tb_isolatepage', message: DELETED_TWICE }],
    },
    {
      // 3.8's balloon_page_dequeue() picks a page off the list and takes pages_lock only after
      // trylock_page(): compaction isolates the page in between. The race is in the built-in model
      // of the mm side; the driver's call into it is the line the finding can stand on.
      name: 'a driver on the 3.8 balloon_compaction API: dequeue unlinks a page compaction isolated',
      inputs: [{ fixture: 'sim-v38-driver.patch' }],
      findings: [{
        file: DRIVER, line: 48, patchLine: 69, function: 'tb_leak',
        message: /^With deflate and compaction running at once, `balloon_page_dequeue\(tb->dev_info\)` leads to balloon_page_delete\(\) \(kreview's model of mm-3\.8\.c\): list_del of page\d+->lru, which is not on any list \(deleted twice\)\.$/,
      }],
    },
    {
      name: 'the v7 race with every driver identifier renamed',
      inputs: [{ fixture: 'sim-renamed-race.patch' }],
      findings: [{ file: DRIVER, line: 90, patchLine: 103, function: 'sq_take', related: [65], message: DELETED_TWICE }],
    },
    {
      name: 'the seed review: virtballoon_isolatepage() unlinks a page leak_balloon() unlinked',
      inputs: [{ shared: SEED }],
      findings: [{ file: V7, line: 427, patchLine: 256, function: 'virtballoon_isolatepage', related: [200], message: DELETED_TWICE }],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [{ file: V7, line: 427, patchLine: 233, function: 'virtballoon_isolatepage', related: [200] }],
    },
  ],
});

it('says the same, at the same lines, of the v7 race with every driver identifier renamed', async () => {
  const original = await simFindingsOf(listCorruption, [{ fixture: 'sim-deflate-race.patch' }]);
  const renamed = await simFindingsOf(listCorruption, [{ fixture: 'sim-renamed-race.patch' }]);
  expect(renamed.map((f) => JSON.parse(originalNames(JSON.stringify(placeAndWords(f)))) as unknown)).toEqual(original.map((f) => placeAndWords(f)));
});
