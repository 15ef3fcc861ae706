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

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/kreview.js');
const SEED = path.resolve(ROOT, '..', 'shared', 'seed', 'review-virtio-balloon-v7-2of4.txt');
const TEMPLATE = path.join(ROOT, 'fixtures/patches/demo-balloon-race.patch');
const GNU_TIME = '/usr/bin/time';
const SEED_TARGET_S = 0.3;

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
const RUNS = Number(option('--runs', '3'));
const SIZES = option('--sizes', '100,300,1000').split(',').map(Number);

/** Whether GNU time with `-v` works here (busybox and BSD `time` lack it). */
function hasGnuTime() {
  if (!existsSync(GNU_TIME)) return false;
  const probe = spawnSync(GNU_TIME, ['-v', process.execPath, '-e', '0'], { encoding: 'utf8' });
  return probe.status === 0 && /Maximum resident set size/.test(probe.stderr);
}
const USE_GNU_TIME = !process.argv.includes('--no-gnu-time') && hasGnuTime();

// Runs the CLI in this child process and reports its own peak RSS on exit, for systems without GNU time.
const WRAPPER = `
import { writeSync } from 'node:fs';
process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(2, '\\nKREVIEW_BENCH_MAXRSS_KB=' + usage.maxRSS + ' KREVIEW_BENCH_CPU_US=' + (usage.userCPUTime + usage.systemCPUTime) + '\\n');
});
const [bin, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], bin, ...args];
await import(new URL('file://' + bin).href);
`;

/** One process, `node ...argv` (bare `node -e 0` when argv is empty): wall seconds, peak RSS in KiB, exit status. */
function measure(argv) {
  const command = USE_GNU_TIME ? GNU_TIME : process.execPath;
  const nodeArgs = argv.length > 0 ? argv : ['-e', '0'];
  const wrapped = argv.length > 0 ? ['--input-type=module', '-e', WRAPPER, ...argv] : ['--input-type=module', '-e', WRAPPER.replace(/^const \[bin[\s\S]*$/m, '')];
  const args = USE_GNU_TIME ? ['-v', process.execPath, ...nodeArgs] : wrapped;
  const start = process.hrtime.bigint();
  const child = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const rss = USE_GNU_TIME
    ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr)?.[1])
    : Number(/KREVIEW_BENCH_MAXRSS_KB=(\d+)/.exec(child.stderr)?.[1]);
  const cpu = USE_GNU_TIME
    ? Number(/User time \(seconds\): ([\d.]+)/.exec(child.stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(child.stderr)?.[1])
    : Number(/KREVIEW_BENCH_CPU_US=(\d+)/.exec(child.stderr)?.[1]) / 1e6;
  const status = USE_GNU_TIME ? Number(/Exit status: (\d+)/.exec(child.stderr)?.[1] ?? child.status) : child.status;
  return { wall, rss, cpu, status };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** The median wall time and peak RSS of RUNS runs; fails loudly if kreview did not exit 0. */
function bench(argv) {
  const runs = Array.from({ length: RUNS }, () => measure(argv));
  const failed = runs.find((r) => r.status !== 0);
  if (failed) throw new Error(`${argv.join(' ')} exited ${failed.status}`);
  return { wall: median(runs.map((r) => r.wall)), rss: median(runs.map((r) => r.rss)), cpu: median(runs.map((r) => r.cpu)), walls: runs.map((r) => r.wall) };
}

/** An mbox of `count` copies of the template, each a part of one series with its own subject and file. */
function generateMbox(dir, count) {
  const template = readFileSync(TEMPLATE, 'utf8');
  const parts = [];
  for (let n = 1; n <= count; n += 1) {
    parts.push(template
      .replace(/^Subject: \[PATCH\] (.*)$/m, `Subject: [PATCH ${n}/${count}] $1 (part ${n})`)
      .replace(/drivers\/misc\/fakeballoon\.c/g, `drivers/misc/fakeballoon${n}.c`)
      .replace(/\n*$/, '\n\n'));
  }
  const file = path.join(dir, `extract-bench-${count}.mbox`);
  writeFileSync(file, parts.join(''));
  return file;
}

const fmt = (s) => `${s.toFixed(3)} s`;
const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`;

if (!existsSync(path.join(ROOT, 'dist/bundle/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (`npm run bench:extract` does)');
  process.exit(2);
}

console.log(`kreview extract benchmark: ${RUNS} runs per input, median shown; node ${process.version}; peak RSS from ${USE_GNU_TIME ? '/usr/bin/time -v' : 'process.resourceUsage() in the child'}`);
console.log('');
const baseline = bench([]);
console.log(`node -e 0 (bare start-up)        wall ${fmt(baseline.wall)}  cpu ${fmt(baseline.cpu)}  peak RSS ${mib(baseline.rss)}`);

if (existsSync(SEED)) {
  const seed = bench([BIN, 'extract', SEED, '--json']);
  const verdict = seed.wall <= SEED_TARGET_S ? 'within' : 'OVER';
  console.log(`seed review (1 patch, 2 files)   wall ${fmt(seed.wall)}  cpu ${fmt(seed.cpu)}  peak RSS ${mib(seed.rss)}  [${verdict} the ${SEED_TARGET_S} s target; runs ${seed.walls.map((w) => w.toFixed(3)).join(', ')}]`);
} else {
  console.log(`seed review: skipped (${path.relative(ROOT, SEED)} not found; the shared data sits beside the repository)`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'kreview-bench-extract-'));
try {
  const rows = [];
  for (const size of SIZES) {
    const file = generateMbox(dir, size);
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
