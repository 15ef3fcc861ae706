import { expect, it } from 'vitest';
import { checkThenActRule } from '../../src/rules/check-then-act.js';
import { SEED, V7_2 } from './rule-tester.js';
import { originalNames, placeAndWords, simFindingsOf, testSimulatorRule } from './sim-rule-tester.js';

const DRIVER = 'drivers/virtio/toy_balloon.c';
const V7 = 'drivers/virtio/virtio_balloon.c';

/** The deflate path's list_del() against compaction's lockless test and the isolate callback's list_del(). */
const DOUBLE_UNLINK = (mappingNull: string, listDel: string, callback: string): RegExp =>
  new RegExp(`^compaction tests page\\d+->mapping without a lock .*; deflate changes it \\(\`${mappingNull}\`\\) and then \`${listDel}\`, `
    + `and compaction still goes on to \`${listDel}\` in ${callback}\\(\\) .*deleted twice\\)\\.$`);
/** The deflate path's `page->mapping = NULL` between compaction's re-test and its `->a_ops` read. */
const NULL_A_OPS = (mappingNull: string): RegExp =>
  new RegExp(`^compaction tests page\\d+->mapping without a lock in movable_balloon_page\\(\\) .*; deflate changes it \\(\`${mappingNull}\`\\), `
    + 'and compaction still goes on to `page->mapping->a_ops` in __isolate_balloon_page\\(\\) .*: ->a_ops through a NULL pointer\\.$');

testSimulatorRule(checkThenActRule, {
  valid: [
    {
      name: 'the leak path takes the page lock compaction holds (the 3.8 protocol), with a goto-out unlock',
      inputs: [{ fixture: 'sim-lock-leak-fixed.patch' }],
    },
    { name: 'the callbacks find the device through a global: wrong, but no check-then-act', inputs: [{ fixture: 'sim-second-device.patch' }] },
  ],
  invalid: [
    {
      name: 'v7 shape: the leak path clears page->mapping and unlinks under the list lock only',
      inputs: [{ fixture: 'sim-deflate-race.patch' }],
      findings: [
        { file: DRIVER, line: 64, patchLine: 77, function: 'tb_leak', message: NULL_A_OPS('page->mapping = NULL'), related: [] },
        {
          file: DRIVER, line: 65, patchLine: 78, function: 'tb_leak', related: [64, 90],
          message: DOUBLE_UNLINK('page->mapping = NULL', 'list_del\\(&page->lru\\)', 'tb_isolatepage'),
        },
      ],
    },
    {
      // The review's wmb() orders the two stores; this interleaving needs no reordering, so it stays.
      name: 'a wmb() between clearing page->mapping and list_del() narrows the window but does not close it',
      inputs: [{ fixture: 'sim-deflate-wmb.patch' }],
      findings: [
        { file: DRIVER, line: 64, patchLine: 85, function: 'tb_leak', message: NULL_A_OPS('page->mapping = NULL') },
        {
          file: DRIVER, line: 67, patchLine: 88, function: 'tb_leak', related: [64, 92],
          message: DOUBLE_UNLINK('page->mapping = NULL', 'list_del\\(&page->lru\\)', 'tb_isolatepage'),
        },
      ],
    },
    {
      // The re-test under the list lock removes the double unlink, but the callback returns void:
      // compaction goes on to migrate a page the leak path has released, and reads its NULL mapping.
      // The re-test compares with the global balloon_mapping, which a second probe replaces.
      name: 'the isolate callback re-tests page->mapping under the list lock: what still breaks',
      inputs: [{ fixture: 'sim-isolate-retest.patch' }],
      findings: [
        {
          file: DRIVER, line: 64, patchLine: 87, function: 'tb_leak',
          message: /deflate changes it \(`page->mapping = NULL`\), and compaction still goes on to `mapping->a_ops` in migrate_isolated_page\(\) .*NULL pointer\.$/,
        },
        { file: DRIVER, line: 64, patchLine: 87, function: 'tb_leak', message: NULL_A_OPS('page->mapping = NULL') },
        {
          file: DRIVER, line: 145, patchLine: 160, function: 'tb_probe',
          message: /^compaction tests balloon_mapping without a lock .*; second probe changes it \(`balloon_mapping = mapping`\), and compaction still goes on to `list_add\(&page->lru, &cc->migratepages\)`.*which is still on toy_balloon#\d+->pages\.$/,
        },
      ],
    },
    {
      name: 'the v7 race with every driver identifier renamed',
      inputs: [{ fixture: 'sim-renamed-race.patch' }],
      findings: [
        { file: DRIVER, line: 64, patchLine: 77, function: 'sq_shrink', message: NULL_A_OPS('pg->mapping = NULL') },
        {
          file: DRIVER, line: 65, patchLine: 78, function: 'sq_shrink', related: [64, 90],
          message: DOUBLE_UNLINK('pg->mapping = NULL', 'list_del\\(&pg->lru\\)', 'sq_take'),
        },
      ],
    },
    {
      name: 'the seed review: leak_balloon() against compaction',
      inputs: [{ shared: SEED }],
      findings: [
        { file: V7, line: 199, patchLine: 119, function: 'leak_balloon', message: NULL_A_OPS('page->mapping = NULL') },
        {
          file: V7, line: 200, patchLine: 129, function: 'leak_balloon', related: [199, 427],
          message: DOUBLE_UNLINK('page->mapping = NULL', 'list_del\\(&page->lru\\)', 'virtballoon_isolatepage'),
        },
      ],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [
        { file: V7, line: 199, patchLine: 112, function: 'leak_balloon' },
        { file: V7, line: 200, patchLine: 113, function: 'leak_balloon', related: [199, 427] },
      ],
    },
  ],
});

it('says the same, at the same lines, of the v7 race with every driver identifier renamed', async () => {
  const original = await simFindingsOf(checkThenActRule, [{ fixture: 'sim-deflate-race.patch' }]);
  const renamed = await simFindingsOf(checkThenActRule, [{ fixture: 'sim-renamed-race.patch' }]);
  expect(renamed.map((f) => JSON.parse(originalNames(JSON.stringify(placeAndWords(f)))) as unknown)).toEqual(original.map((f) => placeAndWords(f)));
  expect(renamed.map((f) => f.message).join(' ')).not.toMatch(/\b(tb_leak|tb_isolatepage|balloon_mapping|tb_pages_lock)\b/);
});
