#!/usr/bin/env node
// Peer tool for the simulator benchmark: the same balloon scenarios written in Promela
// (bench/promela/) and checked with Debian's `spin`, timed in the same run as kreview.
//
//   node bench/spin.mjs              the three benchmark scenarios, as a table
//   node bench/spin.mjs --variants   also the fix/barrier variants of each model
//   node bench/spin.mjs --json       the results as JSON instead of a table
//
// bench/sim.mjs imports runSpin() and SCENARIOS.  Each run works in a fresh directory
// under os.tmpdir(): spin -a writes pan.c there, gcc builds pan there, pan runs there,
// and the directory is removed afterwards.  Nothing is written into the repository.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const PROMELA_DIR = fileURLToPath(new URL('./promela/', import.meta.url));

// The scenarios of the benchmark; `path` is the model file, for runSpin(path, options).
// `full` explores the whole state space and counts every violation (pan -c0, with the
// models' never claim cutting the search below each one); otherwise pan stops at the
// first violation and the never claim is compiled out (-DNOCLAIM) so that the reported
// depth counts thread steps only.
export const SCENARIOS = withPaths([
  {
    id: 'v7-2',
    title: 'v7: deflate vs compaction',
    model: 'v7-deflate-vs-compaction.pml',
    actors: 2,
    options: { full: false },
  },
  {
    id: '3.8-4',
    title: '3.8: inflate, deflate, compaction, unload',
    model: 'balloon-3.8-four.pml',
    actors: 4,
    options: { full: true },
  },
  {
    id: '3.8-5',
    title: '3.8: ... + a second compaction',
    model: 'balloon-3.8-five.pml',
    actors: 5,
    options: { full: true, hashBits: 25 },
  },
]);

// Variants: the same models under the switches their headers describe.
const VARIANTS = withPaths([
  { id: 'v7-2+wmb', title: 'v7 with the review\'s wmb()', model: 'v7-deflate-vs-compaction.pml', actors: 2,
    options: { full: false, defines: ['WMB'] } },
  { id: '3.8-4+fixes', title: '3.8 four, later dequeue/release fixes', model: 'balloon-3.8-four.pml', actors: 4,
    options: { full: true, defines: ['LATER_FIXES'] } },
  { id: '3.8-5+fixes', title: '3.8 five, later dequeue/release fixes', model: 'balloon-3.8-five.pml', actors: 5,
    options: { full: true, hashBits: 25, defines: ['LATER_FIXES'] } },
]);

function withPaths(scenarios) {
  return scenarios.map((s) => ({ ...s, path: join(PROMELA_DIR, s.model) }));
}

const TOOLS = [
  { cmd: 'spin', args: ['-V'], hint: 'skipped: spin not installed (apt-get install spin)' },
  { cmd: 'gcc', args: ['--version'], hint: 'skipped: gcc not installed (apt-get install gcc)' },
];

/** The first missing tool's message, or null when spin and gcc are both there. */
function missingTool() {
  for (const tool of TOOLS) {
    const probe = spawnSync(tool.cmd, tool.args, { stdio: 'ignore' });
    if (probe.error) return tool.hint;
  }
  return null;
}

function seconds(start) {
  return (performance.now() - start) / 1000;
}

function run(cmd, args, cwd, outFile) {
  const fd = openSync(outFile, 'w');
  try {
    const res = spawnSync(cmd, args, { cwd, stdio: ['ignore', fd, fd] });
    if (res.error) throw res.error;
    return res.status;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads pan's report.  Error lines look like
 *   pan:3: assertion violated ((pg_list[page]==1)||list_del_not_on_list) (at depth 31)
 * and the models name the violated property as the last operand (bench/promela/check.pml).
 * pan prints an error line only when its text differs from the previous one, so the
 * property list is complete but per-property counts are not available.
 */
function parsePan(text) {
  const num = (re) => {
    const m = text.match(re);
    return m ? Number(m[1]) : null;
  };
  const properties = [];
  let firstErrorDepth = null;
  for (const m of text.matchAll(/^pan:\d+: (.*?) \(at depth (\d+)\)$/gm)) {
    if (firstErrorDepth === null) firstErrorDepth = Number(m[2]);
    const named = m[1].match(/\|\|(\w+)\)$/);
    const property = named ? named[1] : m[1];
    if (!properties.includes(property)) properties.push(property);
  }
  return {
    states: num(/^\s*(\d+) states, stored/m),
    transitions: num(/^\s*(\d+) transitions \(/m),
    depth: num(/depth reached (\d+)/),
    errors: num(/errors: (\d+)/),
    firstErrorDepth,
    properties: properties.sort(),
    stateVectorBytes: num(/State-vector (\d+) byte/),
    memoryMB: num(/^\s*([\d.]+)\s+total actual memory usage/m),
    panSeconds: num(/pan: elapsed time ([\d.e+-]+) seconds/),
    complete: !/Search not completed/.test(text),
    depthTooSmall: /max search depth too small/.test(text),
    outOfMemory: /pan: out of memory/.test(text),
  };
}

/**
 * Generate, compile and run the spin verifier for one Promela model.
 *
 * modelPath  the model file; every .pml file beside it is copied too (for #include)
 * options    full          explore everything and count violations (pan -c0), else stop
 *                          at the first violation and compile the never claim out
 *            defines       names passed to spin's preprocessor as -DNAME
 *            maxDepth      pan -m (default 100000)
 *            hashBits      pan -w (default 24)
 *            memLimitMB    -DMEMLIM for pan (default 8000): pan stops instead of swapping
 *            collapse      compile pan with -DCOLLAPSE (less memory, slower)
 *            keep          keep the work directory and return its path as workDir
 *
 * Returns null when spin or gcc is not installed (after printing why), else
 *   { states, depth, errors, compileSeconds, runSeconds,
 *     firstErrorDepth, properties, transitions, stateVectorBytes, memoryMB, panSeconds,
 *     complete, depthTooSmall, outOfMemory, model, defines, full, spinCommand }
 * states: states stored; depth: deepest point of the search ("depth reached");
 * firstErrorDepth: depth of the first violation found (null if none); properties: names
 * of the violated properties (bench/promela/check.pml); compileSeconds: spin -a + gcc;
 * runSeconds: pan, wall clock (panSeconds is pan's own figure).
 */
export function runSpin(modelPath, options = {}) {
  const missing = missingTool();
  if (missing) {
    console.log(missing);
    return null;
  }
  const {
    full = false,
    defines = [],
    maxDepth = 100000,
    hashBits = 24,
    memLimitMB = 8000,
    collapse = false,
    keep = false,
  } = options;

  const source = resolve(modelPath);
  const model = basename(source);
  const work = mkdtempSync(join(tmpdir(), 'kreview-spin-'));
  try {
    for (const name of readdirSync(dirname(source))) {
      if (name.endsWith('.pml')) copyFileSync(join(dirname(source), name), join(work, name));
    }

    const log = join(work, 'build.log');
    const compileStart = performance.now();
    const spinArgs = [...defines.map((d) => `-D${d}`), '-a', model];
    if (run('spin', spinArgs, work, log) !== 0) {
      throw new Error(`spin -a ${model} failed:\n${readFileSync(log, 'utf8')}`);
    }
    const cflags = ['-O2', '-w', '-DSAFETY', `-DMEMLIM=${memLimitMB}`];
    if (!full) cflags.push('-DNOCLAIM');
    if (collapse) cflags.push('-DCOLLAPSE');
    if (run('gcc', [...cflags, '-o', 'pan', 'pan.c'], work, log) !== 0) {
      throw new Error(`gcc pan.c for ${model} failed:\n${readFileSync(log, 'utf8')}`);
    }
    const compileSeconds = seconds(compileStart);

    const out = join(work, 'pan.out');
    const panArgs = [`-m${maxDepth}`, `-w${hashBits}`, '-n', full ? '-c0' : '-c1'];
    const runStart = performance.now();
    run(join(work, 'pan'), panArgs, work, out);
    const runSeconds = seconds(runStart);

    const report = parsePan(readFileSync(out, 'utf8'));
    if (report.states === null) {
      throw new Error(`no pan report for ${model}:\n${readFileSync(out, 'utf8').slice(0, 2000)}`);
    }
    return {
      model,
      defines,
      full,
      ...report,
      compileSeconds,
      runSeconds,
      spinCommand: `spin ${spinArgs.join(' ')} && gcc ${cflags.join(' ')} -o pan pan.c && ./pan ${panArgs.join(' ')}`,
      ...(keep ? { workDir: work } : {}),
    };
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

function fmtSeconds(s) {
  return s < 10 ? s.toFixed(2) : s.toFixed(1);
}

function fmtCount(n) {
  return n === null ? '-' : n.toLocaleString('en-US');
}

function verdict(r) {
  if (r.outOfMemory) return 'OUT OF MEMORY';
  if (r.depthTooSmall) return 'DEPTH LIMIT';
  if (r.errors === 0) return r.complete ? 'no violation' : 'incomplete';
  if (!r.full) return `violation at depth ${r.firstErrorDepth}`;
  return `${r.properties.length} properties violated (${fmtCount(r.errors)} errors), first at depth ${r.firstErrorDepth}`;
}

/** A plain-text table of scenario results (rows of { scenario, result }). */
function formatTable(rows) {
  const head = ['scenario', 'actors', 'verdict', 'states', 'max depth', 'compile s', 'run s'];
  const body = rows.map(({ scenario, result }) => [
    scenario.id,
    String(scenario.actors),
    verdict(result),
    fmtCount(result.states),
    fmtCount(result.depth),
    fmtSeconds(result.compileSeconds),
    fmtSeconds(result.runSeconds),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const { scenario, result } of rows) {
    if (result.properties.length > 0) out.push(`${scenario.id}: ${result.properties.join(', ')}`);
  }
  out.push(
    'errors: pan -c0 counts every violating step it reaches (the search is cut below each one);',
    'depth: pan steps; in full runs the never claim takes a step after every thread step.',
  );
  return out.join('\n');
}

function main(argv) {
  const json = argv.includes('--json');
  const scenarios = argv.includes('--variants') ? [...SCENARIOS, ...VARIANTS] : SCENARIOS;
  const rows = [];
  for (const scenario of scenarios) {
    if (!json) process.stdout.write(`spin: ${scenario.title} (${scenario.model}) ...\n`);
    const result = runSpin(scenario.path, scenario.options);
    if (result === null) return 0;
    rows.push({ scenario, result });
  }
  if (json) {
    console.log(JSON.stringify(rows.map(({ scenario, result }) => ({ id: scenario.id, ...result })), null, 2));
  } else {
    console.log(`\n${formatTable(rows)}`);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
