import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSeries } from '../../src/extract/extract-patch.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { describeIncomplete } from '../../src/report/describe-incomplete.js';
import { buildScenarios } from '../../src/sim/build-scenarios.js';
import { explore } from '../../src/sim/explore.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the memory budget', () => {
  it('stops a search when memory runs low and says what it covered, never that nothing breaks', async () => {
    const file = path.join(ROOT, 'fixtures/patches/sim-deflate-race.patch');
    const series = extractSeries(await parseInput(file, readFileSync(file)));
    const [scenario] = buildScenarios(series, { pages: 2, secondDevice: false, relaxedStores: true });
    const full = explore(scenario!, { maxStates: 1_000_000 }).verdict;
    expect(full.coverage.states).toBeGreaterThan(2048);
    let asked = 0;
    const stopped = explore(scenario!, { maxStates: 1_000_000, memoryLow: () => (asked += 1) > 2 }).verdict;
    expect(stopped.status).toBe('incomplete');
    expect(stopped.coverage.stoppedBy).toBe('memory');
    expect(stopped.coverage.states).toBeLessThan(full.coverage.states);
    expect(asked).toBe(3);
    expect(describeIncomplete({ input: 'x.patch', scenario: stopped.scenario, coverage: stopped.coverage }))
      .toMatch(/^analysis of scenario '.+' is incomplete: stopped by the memory it may use after \d+ states, /);
  });
});
