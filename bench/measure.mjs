// Whole-process measurements for the benchmarks: wall time around the spawn, peak RSS and CPU time
// of the child (GNU `/usr/bin/time -v` when it is there, else the child's own resourceUsage()), and
// generated mboxes. Imported by bench/extract.mjs and bench/lint.mjs.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin/kreview.js');
export const SEED = path.resolve(ROOT, '..', 'shared', 'seed', 'review-virtio-balloon-v7-2of4.txt');
const GNU_TIME = '/usr/bin/time';

export function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
const RUNS = Number(option('--runs', '3'));

/** Whether GNU time with `-v` works here (busybox and BSD `time` lack it). */
function hasGnuTime() {
  if (!existsSync(GNU_TIME)) return false;
  const probe = spawnSync(GNU_TIME, ['-v', process.execPath, '-e', '0'], { encoding: 'utf8' });
  return probe.status === 0 && /Maximum resident set size/.test(probe.stderr);
}
export const USE_GNU_TIME = !process.argv.includes('--no-gnu-time') && hasGnuTime();

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
export function measure(argv, { stdout = false } = {}) {
  const command = USE_GNU_TIME ? GNU_TIME : process.execPath;
  const nodeArgs = argv.length > 0 ? argv : ['-e', '0'];
  const wrapped = argv.length > 0 ? ['--input-type=module', '-e', WRAPPER, ...argv] : ['--input-type=module', '-e', WRAPPER.replace(/^const \[bin[\s\S]*$/m, '')];
  const args = USE_GNU_TIME ? ['-v', process.execPath, ...nodeArgs] : wrapped;
  const start = process.hrtime.bigint();
  const child = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const rss = USE_GNU_TIME
    ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr)?.[1])
    : Number(/KREVIEW_BENCH_MAXRSS_KB=(\d+)/.exec(child.stderr)?.[1]);
  const cpu = USE_GNU_TIME
    ? Number(/User time \(seconds\): ([\d.]+)/.exec(child.stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(child.stderr)?.[1])
    : Number(/KREVIEW_BENCH_CPU_US=(\d+)/.exec(child.stderr)?.[1]) / 1e6;
  const status = USE_GNU_TIME ? Number(/Exit status: (\d+)/.exec(child.stderr)?.[1] ?? child.status) : child.status;
  return { wall, rss, cpu, status, stdout: child.stdout ?? '' };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** The median wall time and peak RSS of `--runs` runs; fails loudly if kreview exited with another status than `ok`. */
export function bench(argv, ok = [0]) {
  const runs = Array.from({ length: RUNS }, () => measure(argv));
  const failed = runs.find((r) => !ok.includes(r.status));
  if (failed) throw new Error(`${argv.join(' ')} exited ${failed.status}`);
  return { wall: median(runs.map((r) => r.wall)), rss: median(runs.map((r) => r.rss)), cpu: median(runs.map((r) => r.cpu)), walls: runs.map((r) => r.wall) };
}

/**
 * An mbox of `count` copies of `template`, each with its own subject and file: the parts of one
 * series, or (`lone`) patches that are reviewed each on its own.
 */
export function generateMbox(dir, count, template, { lone = false } = {}) {
  const text = readFileSync(template, 'utf8');
  const file = path.basename(template).replace(/\.patch$/, '');
  const parts = [];
  for (let n = 1; n <= count; n += 1) {
    parts.push(text
      .replace(/^Subject: \[PATCH\] (.*)$/m, lone ? 'Subject: [PATCH] $1 (copy ' + n + ')' : `Subject: [PATCH ${n}/${count}] $1 (part ${n})`)
      .replace(/(drivers\/\w+\/\w+)\.c/g, `$1_${n}.c`)
      .replace(/\n*$/, '\n\n'));
  }
  const out = path.join(dir, `${file}-${count}.mbox`);
  writeFileSync(out, parts.join(''));
  return out;
}

export const fmt = (s) => `${s.toFixed(3)} s`;
export const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`;

/** Exits with a message when the build is missing: the benchmarks run the shipped entry point. */
export function requireBuild(script) {
  if (!existsSync(path.join(ROOT, 'dist/bundle/main.js'))) {
    console.error(`dist/ is missing: run \`npm run build\` first (\`npm run ${script}\` does)`);
    process.exit(2);
  }
}

/**
 * The seed review's row: `node argv` timed against a target in seconds, or why it was skipped.
 * `label` is padded by the caller to line up with its other rows.
 */
export function benchSeed(label, argv, targetSeconds, ok = [0]) {
  if (!existsSync(SEED)) {
    console.log(`seed review: skipped (${path.relative(ROOT, SEED)} not found; the shared data sits beside the repository)`);
    return;
  }
  const seed = bench(argv, ok);
  const verdict = seed.wall <= targetSeconds ? 'within' : 'OVER';
  const runs = seed.walls.map((w) => w.toFixed(2)).join(', ');
  console.log(`${label}wall ${fmt(seed.wall)}  cpu ${fmt(seed.cpu)}  peak RSS ${mib(seed.rss)}  [${verdict} the ${targetSeconds} s target; runs ${runs}]`);
}
