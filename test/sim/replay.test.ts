import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSeries } from '../../src/extract/extract-patch.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { buildScenarios } from '../../src/sim/build-scenarios.js';
import { initialState } from '../../src/sim/explore.js';
import { SearchTree } from '../../src/sim/search-tree.js';
import type { SimState } from '../../src/sim/state.js';
import { outcomesOf, transitionsOf } from '../../src/sim/transitions.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { parseLitmus } from '../../src/parse/litmus.js';
import { buildLitmusScenario } from '../../src/sim/litmus.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('search tree', () => {
  it('gives the path from the initial state and the depth of every state it numbered', () => {
    const tree = new SearchTree();
    const a = tree.add(0, 's1:', 0);
    const b = tree.add(a, 'c2:7.mapping', 0);
    const c = tree.add(a, 's2:', 1);
    const d = tree.add(c, 'd1:t4', 0);
    expect([tree.path(b), tree.path(d), tree.path(0)]).toEqual([[a, b], [a, c, d], []]);
    expect([tree.depth(b), tree.depth(d), tree.maxDepth(), tree.size]).toEqual([2, 3, 3, 5]);
    expect([tree.via(c), tree.outcome(c), tree.parent(d)]).toEqual(['s2:', 1, c]);
  });
});

/** Runs every transition of every state `depth` levels deep and checks that running it again from the same state gives the same outcomes. */
function replayAll(scenario: Scenario, depth: number): Set<string> {
  const { state: init, ctx } = initialState(scenario);
  let level: SimState[] = [init];
  const seen = new Set<string>();
  const kinds = new Set<string>();
  let compared = 0;
  for (let d = 0; d < depth && compared < 3000; d += 1) {
    const next: SimState[] = [];
    for (const state of level) {
      for (const transition of transitionsOf(state, ctx, () => false)) {
        const again = outcomesOf(state, transition.id, ctx);
        expect(again.length).toBe(transition.outcomes.length);
        transition.outcomes.forEach((outcome, k) => {
          expect(ctx.keys.of(again[k]!.state)).toBe(ctx.keys.of(outcome.state));
          expect(again[k]!.steps).toEqual(outcome.steps);
          compared += 1;
          kinds.add(transition.id[0]!);
          const key = ctx.keys.ofFinal(outcome.state);
          if (!outcome.violation && !outcome.pruned && !seen.has(key)) {
            seen.add(key);
            next.push(outcome.state);
          }
        });
      }
    }
    level = next;
  }
  expect(compared).toBeGreaterThan(50);
  return kinds;
}

describe('running a transition again', () => {
  // The search keeps only how it reached a state (transition id and outcome); a state it dropped is
  // reached again by running the same transitions from one it kept. That must give the same state.
  it('reaches the same states as the search did: steps with forks, and store commits', async () => {
    const file = path.join(ROOT, 'fixtures/patches/sim-deflate-wmb.patch');
    const series = extractSeries(await parseInput(file, readFileSync(file)));
    const [scenario] = buildScenarios(series, { pages: 2, secondDevice: false, relaxedStores: true });
    expect([...replayAll(scenario!, 12)].sort()).toEqual(['c', 's']);
  });

  it('and late loads landing', () => {
    const text = readFileSync(path.join(ROOT, 'fixtures/litmus/MP+poonceonces.litmus'), 'utf8');
    const { test } = parseLitmus('MP+poonceonces.litmus', text);
    expect([...replayAll(buildLitmusScenario(test!).scenario, 10)].sort()).toEqual(['c', 'd', 's']);
  });
});
