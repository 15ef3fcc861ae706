#!/usr/bin/env node
// Benchmark of `kreview extract`: whole-process wall time and peak memory, as a user pays them.
//
//   npm run bench:extract                 build, then the table below
//   node bench/extract.mjs --runs 5       more runs per input (the median is printed)
//   node bench/extract.mjs --sizes 100,1000
//   node bench/extract.mjs --no-gnu-time  measure peak RSS in the child, as where /usr/bin/time is absent
//
// Each measurement spawns `node bin/kreview.js extract <input> --json` with stdout sent to /dev/null,
// so Node's start-up, module loading, tree-sitter's grammar and the JSON output are all counted.
// Peak RSS comes from GNU `/usr/bin/time -v` when it is there; otherwise the child is run through a
// small in-process wrapper that reports `process.resourceUsage().maxRSS` on exit. Wall time is measured
// here with a monotonic clock around the spawn in both cases. CPU time (user + system) is printed too:
// on a busy machine it is steadier than wall time.
//
// Inputs: the seed review (../shared; skipped with a note when absent) and generated mboxes of N
// patches, copies of fixtures/patches/demo-balloon-race.patch with their own subject, part number and
// file name. They are written under os.tmpdir() and removed afterwards; nothing lands in the repository.
//
// Targets (issue "read patches, rebuild C, extract operation programs"): the seed in under 0.3 s wall
// including Node start-up, and a cost that grows linearly with input size: the per-patch cost of the
// mboxes (after start-up) should stay flat from 100 to 1,000 patches.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bench, benchSeed, BIN, fmt, generateMbox, mib, option, requireBuild, ROOT, SEED, USE_GNU_TIME } from './measure.mjs';

const TEMPLATE = path.join(ROOT, 'fixtures/patches/demo-balloon-race.patch');
const SEED_TARGET_S = 0.3;
const RUNS = Number(option('--runs', '3'));
const SIZES = option('--sizes', '100,300,1000').split(',').map(Number);

requireBuild('bench:extract');

console.log(`kreview extract benchmark: ${RUNS} runs per input, median shown; node ${process.version}; peak RSS from ${USE_GNU_TIME ? '/usr/bin/time -v' : 'process.resourceUsage() in the child'}`);
console.log('');
const baseline = bench([]);
console.log(`node -e 0 (bare start-up)        wall ${fmt(baseline.wall)}  cpu ${fmt(baseline.cpu)}  peak RSS ${mib(baseline.rss)}`);

benchSeed('seed review (1 patch, 2 files)   ', [BIN, 'extract', SEED, '--json'], SEED_TARGET_S);

const dir = mkdtempSync(path.join(tmpdir(), 'kreview-bench-extract-'));
try {
  const rows = [];
  for (const size of SIZES) {
    const file = generateMbox(dir, size, TEMPLATE);
    const result = bench([BIN, 'extract', file, '--json']);
    rows.push({ size, ...result });
    const perPatch = (result.wall - baseline.wall) / size;
    console.log(`mbox of ${String(size).padStart(5)} patches          wall ${fmt(result.wall)}  cpu ${fmt(result.cpu)}  peak RSS ${mib(result.rss)}  per patch ${(perPatch * 1000).toFixed(2)} ms after start-up  [runs ${result.walls.map((w) => w.toFixed(3)).join(', ')}]`);
  }
  // Linearity: the marginal cost of a patch between consecutive sizes should match the average.
  if (rows.length > 1) {
    console.log('');
    for (let i = 1; i < rows.length; i += 1) {
      const a = rows[i - 1];
      const b = rows[i];
      const marginal = (b.wall - a.wall) / (b.size - a.size);
      const cpu = (b.cpu - a.cpu) / (b.size - a.size);
      const memory = (b.rss - a.rss) / (b.size - a.size);
      console.log(`marginal cost ${String(a.size).padStart(5)} -> ${String(b.size).padStart(5)} patches: ${(marginal * 1000).toFixed(2)} ms wall, ${(cpu * 1000).toFixed(2)} ms cpu, ${memory.toFixed(1)} KiB peak RSS per patch`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
