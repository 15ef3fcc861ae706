import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSeries } from '../../src/extract/extract-patch.js';
import type { Verdict } from '../../src/model/verdict.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { buildScenarios, buildThreadScenario, type ThreadRole } from '../../src/sim/build-scenarios.js';
import { explore } from '../../src/sim/explore.js';
import { conflicts, type Footprint } from '../../src/sim/footprint.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function footprint(reads: string[], writes: string[]): Footprint {
  return { reads: new Set(reads), writes: new Set(writes), locks: new Set() };
}

describe('footprints', () => {
  it('lets reads of one location commute, and a write meet a read or a write of it', () => {
    expect(conflicts(footprint(['5.mapping'], []), footprint(['5.mapping'], []))).toBe(false);
    expect(conflicts(footprint(['5.mapping'], []), footprint([], ['5.mapping']))).toBe(true);
    expect(conflicts(footprint([], ['5.mapping']), footprint([], ['5.mapping']))).toBe(true);
  });

  it('tells two pages apart, and a whole object from each of its fields', () => {
    expect(conflicts(footprint([], ['5.mapping']), footprint(['6.mapping'], ['6.mapping']))).toBe(false);
    expect(conflicts(footprint([], ['5.*']), footprint(['5.mapping'], []))).toBe(true);
    expect(conflicts(footprint(['5.mapping'], []), footprint([], ['5.*']))).toBe(true);
    expect(conflicts(footprint([], ['5.*']), footprint(['50.mapping'], []))).toBe(false);
  });

  it('has one key that meets everything', () => {
    expect(conflicts(footprint([], ['*']), footprint(['K:3'], []))).toBe(true);
    expect(conflicts(footprint([], []), footprint([], ['*']))).toBe(true);
  });
});

async function verdictsOf(fixture: string, sleepSets: boolean): Promise<Verdict[]> {
  const file = path.join(ROOT, 'fixtures/patches', fixture);
  const series = extractSeries(await parseInput(file, readFileSync(file)));
  return buildScenarios(series, { pages: 2, secondDevice: true, relaxedStores: true })
    .map((scenario) => explore(scenario, { maxStates: 100_000, sleepSets }).verdict);
}

const violationsOf = (verdict: Verdict): string[] =>
  verdict.violations.map((v) => `${v.kind} ${v.anchor.file}:${v.anchor.newLine} ${v.reordered ? 'reordered ' : ''}${v.message}`).sort();

describe('sleep sets', () => {
  // The reduction may only skip orders of commuting steps: every violation, with and without store
  // reordering, must still be found, and every scenario explored to the end.
  it.each(['sim-unload.patch', 'sim-deflate-wmb.patch', 'sim-second-device.patch'])('keep every violation of %s and run fewer transitions', async (fixture) => {
    const [reduced, plain] = await Promise.all([verdictsOf(fixture, true), verdictsOf(fixture, false)]);
    expect(reduced.map((v) => v.scenario)).toEqual(plain.map((v) => v.scenario));
    reduced.forEach((verdict, i) => {
      const other = plain[i]!;
      expect(verdict.status).toBe('complete');
      expect(other.status).toBe('complete');
      expect(violationsOf(verdict)).toEqual(violationsOf(other));
      if (other.coverage.transitions > 100) expect(verdict.coverage.transitions).toBeLessThan(other.coverage.transitions);
    });
    expect(plain.flatMap(violationsOf).length).toBeGreaterThan(0);
  });
});

async function threadVerdict(fixture: string, threads: ThreadRole[], ampleSets: boolean): Promise<Verdict> {
  const file = path.join(ROOT, 'fixtures/patches', fixture);
  const series = extractSeries(await parseInput(file, readFileSync(file)));
  const scenario = buildThreadScenario(series, { pages: 3, secondDevice: false, relaxedStores: false }, threads);
  if ('missing' in scenario) throw new Error(`no ${scenario.missing}`);
  return explore(scenario, { maxStates: 100_000, ampleSets }).verdict;
}

describe('ample sets', () => {
  // Sequentially consistent scenarios only: with a thread's steps alone where they commute with the
  // others' futures, every violation must still be found, in fewer states.
  it.each([
    ['sim-unload.patch', 'compaction vs unload'],
    ['sim-second-device.patch', 'second device'],
  ])('keep every violation of %s (%s) and visit fewer states', async (fixture, name) => {
    const file = path.join(ROOT, 'fixtures/patches', fixture);
    const series = extractSeries(await parseInput(file, readFileSync(file)));
    const scenario = buildScenarios(series, { pages: 2, secondDevice: true, relaxedStores: true }).find((s) => s.name === name)!;
    expect(scenario.relaxedStores).toBe(false);
    const [ample, full] = [explore(scenario, { maxStates: 100_000 }).verdict, explore(scenario, { maxStates: 100_000, ampleSets: false }).verdict];
    expect([ample.status, full.status]).toEqual(['complete', 'complete']);
    expect(violationsOf(ample)).toEqual(violationsOf(full));
    expect(ample.coverage.states).toBeLessThan(full.coverage.states);
  });

  it('keep the 3.8 races of four actors on a driver with a balloon thread', async () => {
    const threads: ThreadRole[] = ['inflate', 'deflate', 'compaction', 'unload'];
    const [ample, full] = await Promise.all([threadVerdict('sim-v38-kthread.patch', threads, true), threadVerdict('sim-v38-kthread.patch', threads, false)]);
    expect([ample.status, full.status]).toEqual(['complete', 'complete']);
    expect(violationsOf(ample)).toEqual(violationsOf(full));
    expect(new Set(ample.violations.map((v) => `${v.kind} ${v.function}`))).toEqual(new Set([
      'list-corruption balloon_page_delete', 'list-corruption compact_zone', 'bug balloon_page_enqueue', 'use-after-free mapping_balloon',
    ]));
    expect(ample.coverage.states).toBeLessThan(full.coverage.states);
  });
});
