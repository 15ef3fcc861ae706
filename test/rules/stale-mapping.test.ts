import { expect, it } from 'vitest';
import { staleMapping } from '../../src/rules/stale-mapping.js';
import { SEED, V7_2 } from './rule-tester.js';
import { pinnedSim, reviewOf, simFindingsOf, testSimulatorRule } from './sim-rule-tester.js';

const DRIVER = 'drivers/virtio/toy_balloon.c';
const STILL_SET = /^page\d+ is freed with page->mapping still set\.$/;
const STALE = { fixture: 'sim-stale-mapping.patch' };

testSimulatorRule(staleMapping, {
  valid: [
    { name: 'the leak path clears page->mapping under the page lock and the list lock', inputs: [{ fixture: 'sim-lock-leak-fixed.patch' }] },
    { name: 'the v7 race clears page->mapping before the free', inputs: [{ fixture: 'sim-deflate-race.patch' }] },
    { name: 'the seed review', inputs: [{ shared: SEED }] },
    { name: 'v7 2/4 as sent', inputs: [{ shared: V7_2 }] },
  ],
  // The invalid fixture is checked below: the rule says one thing too many about it.
  invalid: [],
});

it('reports the leak path that frees pages without clearing page->mapping, at its free', async () => {
  const { incomplete } = await reviewOf([STALE]);
  expect(incomplete).toEqual([]);
  const findings = await simFindingsOf(staleMapping, [STALE]);
  const expected = { file: DRIVER, line: 70, patchLine: 87, function: 'tb_leak', message: STILL_SET };
  expect(findings.map((f) => pinnedSim(f, expected))).toContainEqual(expected);
  const atFree = findings.find((f) => f.line === 70)!;
  expect(atFree.message).toMatch(STILL_SET);
  expect(atFree.severity).toBe('error');
  expect(atFree.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(atFree.trace?.length).toBeGreaterThan(0);
});

// Compaction may drop the last reference (its put_page() in kreview's model of
// isolate_balloon_page()): that free is the leak path's doing too, and is said once, at its free.
it('reports the stale mapping once, at the free in the leak path', async () => {
  const findings = await simFindingsOf(staleMapping, [STALE]);
  expect(findings.map((f) => [f.line, f.function])).toEqual([[70, 'tb_leak']]);
});
