import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSeries } from '../../src/extract/extract-patch.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { buildScenarios, buildThreadScenario } from '../../src/sim/build-scenarios.js';
import { explore } from '../../src/sim/explore.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function seriesOf(fixture: string) {
  const file = path.join(ROOT, 'fixtures/patches', fixture);
  return extractSeries(await parseInput(file, readFileSync(file)));
}

// Compaction's `struct compact_control` is the caller's own (on its stack in the kernel): the model
// makes it before anything runs. Made when compaction started, it took the slot of whatever the
// driver had freed by then, and a dangling `page->mapping` read the compaction's control block.
describe("the objects a script call's unknown pointer arguments point to", () => {
  it('never stand where a freed object was: a stale pointer still reads the freed object', async () => {
    const series = await seriesOf('sim-v38-driver.patch');
    const scenario = buildThreadScenario(series, { pages: 3, secondDevice: false, relaxedStores: false }, ['inflate', 'compaction', 'unload']);
    if ('missing' in scenario) throw new Error(`no scenario: ${scenario.missing}`);
    const verdict = explore(scenario, { maxStates: 200_000 }).verdict;
    expect(verdict.status).toBe('complete');
    const text = verdict.violations.flatMap((v) => [v.message, ...v.trace.map((s) => s.location ?? '')]).join('\n');
    const fields = new Set([...text.matchAll(/compact_control#\d+->(\w+)/g)].map((m) => m[1]));
    expect([...fields].filter((field) => field !== 'migratepages')).toEqual([]);
    expect(verdict.violations.map((v) => v.message)).toContainEqual(expect.stringMatching(/^read of address_space#\d+->balloon_map after it was freed$/));
  });

  it('keep the numbering of objects the same whichever thread allocates first', async () => {
    const series = await seriesOf('sim-second-device.patch');
    const scenario = buildScenarios(series, { pages: 2, secondDevice: true, relaxedStores: false }).find((s) => s.name === 'second device')!;
    const result = explore(scenario, { maxStates: 200_000 });
    expect(result.verdict.status).toBe('complete');
    const controls = new Set(result.finals.map((state) => state.objects.findIndex((o) => o.type === 'struct compact_control')));
    expect(controls.size).toBe(1);
    expect([...controls][0]).toBeGreaterThan(0);
  });
});
