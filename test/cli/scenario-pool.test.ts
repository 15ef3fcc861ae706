import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultJobs, scenarioPool } from '../../src/cli/scenario-pool.js';
import { extractSeries } from '../../src/extract/extract-patch.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { runInSequence } from '../../src/rules/review-series.js';
import { buildScenarios, buildSoloScenarios } from '../../src/sim/build-scenarios.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The worker as `npm test` builds it before running the tests. */
const BUILT_WORKER = pathToFileURL(path.join(ROOT, 'dist/cli/scenario-worker.js'));

async function scenariosOf(fixture: string) {
  const file = path.join(ROOT, 'fixtures/patches', fixture);
  const program = extractSeries(await parseInput(file, readFileSync(file)));
  const races = buildScenarios(program, { pages: 1, secondDevice: true, relaxedStores: true });
  return [...races, ...buildSoloScenarios(program, races[0]!.functions)];
}

const OPTIONS = { maxStates: 20_000 };

describe('scenario pool', () => {
  it('gives the verdicts of a run in sequence, in scenario order, with worker threads taking a share', async () => {
    const scenarios = await scenariosOf('sim-unload.patch');
    expect(scenarios.length).toBeGreaterThan(3);
    const pool = scenarioPool(2, BUILT_WORKER);
    const [parallel, sequential] = [await pool.run(scenarios, OPTIONS), await runInSequence(scenarios, OPTIONS)];
    expect(parallel).toEqual(sequential);
    // A second run reuses the workers.
    expect(await pool.run(scenarios, OPTIONS)).toEqual(sequential);
    expect(pool.exploredByWorkers()).toBeGreaterThan(0);
  });

  it('explores on this thread what a worker that cannot start leaves behind', async () => {
    const scenarios = await scenariosOf('sim-deflate-wmb.patch');
    const pool = scenarioPool(3, pathToFileURL(path.join(ROOT, 'dist/cli/no-such-worker.js')));
    expect(await pool.run(scenarios, OPTIONS)).toEqual(await runInSequence(scenarios, OPTIONS));
    expect(pool.exploredByWorkers()).toBe(0);
  });

  it('runs in sequence for one job', async () => {
    const scenarios = await scenariosOf('sim-deflate-wmb.patch');
    const pool = scenarioPool(1, BUILT_WORKER);
    expect(await pool.run(scenarios, OPTIONS)).toEqual(await runInSequence(scenarios, OPTIONS));
    expect(pool.exploredByWorkers()).toBe(0);
  });
});

describe('default jobs', () => {
  it('leaves a third of the cores to V8, and never goes below one', () => {
    expect([1, 2, 3, 4, 8, 16].map((cores) => defaultJobs(cores))).toEqual([1, 1, 2, 2, 5, 10]);
  });
});
