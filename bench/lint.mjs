#!/usr/bin/env node
// Benchmark of `kreview lint`: whole-process wall time and peak memory, as a user pays them.
//
//   npm run bench:lint                  build, then the table below
//   node bench/lint.mjs --runs 5        more runs per input (the median is printed)
//   node bench/lint.mjs --sizes 100,1000
//
// Each measurement spawns `node bin/kreview.js lint <input>` with stdout sent to /dev/null: start-up,
// parsing, extraction, every simulator scenario and the rules are counted (bench/measure.mjs says how
// time and memory are taken). Exit status 1 (findings) is expected.
//
// Inputs: the seed review (../shared; skipped with a note when absent), generated mboxes of N lone
// patches (copies of fixtures/patches/rule-nonstatic-global-bad.patch: file-level findings, no race
// to simulate) for the cost per patch at scale, and 20 copies of fixtures/patches/sim-lock-leak.patch,
// each simulated, for the cost of a patch the simulator has work on. Generated files go under
// os.tmpdir() and are removed afterwards.
//
// Target (issue "kreview lint and kreview reply"): the seed in under 0.5 s wall including start-up.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bench, benchSeed, BIN, fmt, generateMbox, mib, option, requireBuild, ROOT, SEED, USE_GNU_TIME } from './measure.mjs';

const FILE_LEVEL = path.join(ROOT, 'fixtures/patches/rule-nonstatic-global-bad.patch');
const SIMULATED = path.join(ROOT, 'fixtures/patches/sim-lock-leak.patch');
const SEED_TARGET_S = 0.5;
const RUNS = Number(option('--runs', '3'));
const SIZES = option('--sizes', '100,1000').split(',').map(Number);
const FINDINGS = [0, 1];

requireBuild('bench:lint');

const runs = (r) => r.walls.map((w) => w.toFixed(2)).join(', ');
console.log(`kreview lint benchmark: ${RUNS} runs per input, median shown; node ${process.version}; peak RSS from ${USE_GNU_TIME ? '/usr/bin/time -v' : 'process.resourceUsage() in the child'}`);
console.log('');
const baseline = bench([]);
console.log(`node -e 0 (bare start-up)              wall ${fmt(baseline.wall)}  peak RSS ${mib(baseline.rss)}`);

benchSeed('seed review (4 race scenarios)         ', [BIN, 'lint', SEED], SEED_TARGET_S, FINDINGS);

const dir = mkdtempSync(path.join(tmpdir(), 'kreview-bench-lint-'));
try {
  const rows = [];
  for (const size of SIZES) {
    const result = bench([BIN, 'lint', generateMbox(dir, size, FILE_LEVEL, { lone: true })], FINDINGS);
    rows.push({ size, ...result });
    const perPatch = (result.wall - baseline.wall) / size;
    console.log(`mbox of ${String(size).padStart(5)} lone patches (no race)  wall ${fmt(result.wall)}  cpu ${fmt(result.cpu)}  peak RSS ${mib(result.rss)}  per patch ${(perPatch * 1000).toFixed(2)} ms  [runs ${runs(result)}]`);
  }
  for (let i = 1; i < rows.length; i += 1) {
    const [a, b] = [rows[i - 1], rows[i]];
    console.log(`  marginal cost ${a.size} -> ${b.size}: ${(((b.wall - a.wall) / (b.size - a.size)) * 1000).toFixed(2)} ms wall per patch`);
  }
  const simulated = bench([BIN, 'lint', generateMbox(dir, 20, SIMULATED, { lone: true })], FINDINGS);
  console.log(`mbox of    20 lone patches, simulated  wall ${fmt(simulated.wall)}  cpu ${fmt(simulated.cpu)}  peak RSS ${mib(simulated.rss)}  per patch ${(((simulated.wall - baseline.wall) / 20) * 1000).toFixed(0)} ms  [runs ${runs(simulated)}]`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
