#!/usr/bin/env node
// Simulator benchmark: states explored per second, the same scenarios with and without the
// reductions (invisible-step merging, lockset protection, thread-private accesses; then sleep sets
// on top, which cut transitions: each a step run and a state copied and hashed; and ample sets in
// sequentially consistent scenarios, which cut states), and the
// Promela models of bench/promela/ checked by Debian's spin, all in the same run.
//
//   npm run bench:sim            (needs ../shared for the v7 series; spin is optional)
//
// Figures are printed, never asserted: tests do not time anything.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseInput } from '../dist/parse/parse-input.js';
import { extractSeries } from '../dist/extract/extract-patch.js';
import { buildScenarios, buildThreadScenario } from '../dist/sim/build-scenarios.js';
import { explore } from '../dist/sim/explore.js';
import { runSpin, SCENARIOS } from './spin.mjs';
import { measure } from './measure.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared');
const maxStates = Number(process.env.KREVIEW_BENCH_MAX_STATES ?? 300_000);

async function seriesOf(files) {
  const patches = [];
  for (const file of files) patches.push(...(await parseInput(file, readFileSync(file))).patches);
  return extractSeries({ patches, missing: [], duplicates: [], diagnostics: [] });
}

function run(scenario, reduce, maxMillis = 120_000, sleepSets = reduce, ampleSets = reduce) {
  const start = performance.now();
  const { verdict } = explore(scenario, { maxStates, reduce, sleepSets, ampleSets, maxMillis, now: () => performance.now() });
  const seconds = (performance.now() - start) / 1000;
  return { states: verdict.coverage.states, transitions: verdict.coverage.transitions, status: verdict.status, violations: verdict.violations.length, seconds };
}

const row = (cells) => console.log(cells.map((c, i) => String(c).padEnd(i === 0 ? 34 : 16)).join(''));
const mark = (result) => (result.status === 'complete' ? '' : '+');

if (!existsSync(shared)) {
  console.log('skipped: ../shared (the v7 series) is not present');
} else {
  const inputs = [
    ['seed (v7 2/4 from the review)', [join(shared, 'seed/review-virtio-balloon-v7-2of4.txt')]],
    ['v7 1/4 + 2/4', [join(shared, 'corpus/series-v7/v7-1of4-mm-compaction-migration.patch'), join(shared, 'corpus/series-v7/v7-2of4-virtio-balloon-migration.patch')]],
  ];
  for (const [title, files] of inputs) {
    console.log(`\n${title}`);
    console.log('states/transitions explored with every reduction, without ample sets (used in sequentially consistent scenarios only), without sleep sets, and without any');
    row(['scenario', 'all', 'no ample sets', 'no sleep sets', 'no reduction', 'reduction', 'seconds', 'states/s']);
    const scenarios = buildScenarios(await seriesOf(files), { pages: 2, secondDevice: true, relaxedStores: true });
    for (const scenario of scenarios) {
      const reduced = run(scenario, true);
      const noAmple = run(scenario, true, 120_000, true, false);
      const noSleep = run(scenario, true, 120_000, false, true);
      const plain = run(scenario, false);
      const factor = plain.status === 'complete' ? (plain.states / reduced.states).toFixed(1) + 'x' : `>${(plain.states / reduced.states).toFixed(1)}x`;
      const cell = (r) => `${r.states}/${r.transitions}${mark(r)}`;
      row([scenario.name, cell(reduced), cell(noAmple), cell(noSleep), cell(plain), factor, reduced.seconds.toFixed(2), Math.round(reduced.states / reduced.seconds)]);
    }
  }
}

// The actors of bench/promela/balloon-3.8-{four,five}.pml, all at once, on a driver written against
// the 3.8 balloon_compaction API (the built-in 3.8 model is the mm side). Sequentially consistent,
// as spin's models are. As there, inflate and deflate take turns on the driver's one kernel thread
// and unload stops that thread first: kreview reads both off the driver (kthread_run of the function
// that calls fill and leak; kthread_stop in remove).
const threadBudget = Number(process.env.KREVIEW_BENCH_THREAD_SECONDS ?? 60) * 1000;
const v38 = join(root, 'fixtures/patches/sim-v38-kthread.patch');
console.log(`\n3.8 balloon_compaction, every actor at once (${v38.slice(root.length + 1)}, budget ${threadBudget / 1000} s each)`);
row(['scenario', 'states', 'status', 'violations', 'seconds', 'states/s', 'no ample sets', 'seconds', 'no reduction', 'reduction']);
const program = await seriesOf([v38]);
for (const threads of [['inflate', 'deflate', 'compaction', 'unload'], ['inflate', 'deflate', 'compaction', 'compaction', 'unload']]) {
  const scenario = buildThreadScenario(program, { pages: 3, secondDevice: false, relaxedStores: false }, threads);
  const result = run(scenario, true, threadBudget);
  const noAmple = run(scenario, true, threadBudget, true, false);
  // Plain enumeration only where the reduced search completes: a lower bound (+) when it stops too.
  const plain = result.status === 'complete' ? run(scenario, false, threadBudget) : undefined;
  const factor = plain ? `${plain.status === 'complete' ? '' : '>'}${(plain.states / result.states).toFixed(1)}x` : '-';
  row([`${threads.length} actors`, result.states, result.status, result.violations, result.seconds.toFixed(1), Math.round(result.states / result.seconds),
    `${noAmple.states}${mark(noAmple)}`, noAmple.seconds.toFixed(1), plain ? `${plain.states}${mark(plain)}` : '-', factor]);
}

console.log('\nspin on the same protocols (bench/promela)');
const spinSeconds = new Map();
for (const scenario of SCENARIOS) {
  const result = runSpin(scenario.path, scenario.options);
  if (!result) break;
  spinSeconds.set(scenario.actors, result.compileSeconds + result.runSeconds);
  row([scenario.title, result.states, `compile ${result.compileSeconds.toFixed(1)} s`, `run ${result.runSeconds.toFixed(2)} s`, `${result.errors} errors`]);
}

// End to end, as a user runs each: the built CLI from process start (parse, extract, explore, print)
// against spin's generate + compile + run. A budget long enough for the five-actor search to finish
// (about 200 s on a 2-core machine), so both columns are complete runs.
const endToEndBudget = Number(process.env.KREVIEW_BENCH_E2E_SECONDS ?? 400);
console.log(`\nend to end: kreview sim --threads ... --no-store-reordering --pages 3 (time budget ${endToEndBudget} s) against spin`);
row(['actors', 'kreview', 'peak RSS', 'spin', 'spin / kreview']);
for (const threads of ['inflate,deflate,compaction,unload', 'inflate,deflate,compaction,compaction,unload']) {
  const actors = threads.split(',').length;
  const cli = measure([join(root, 'bin/kreview.js'), 'sim', v38, '--threads', threads, '--no-store-reordering', '--pages', '3',
    '--max-states', '5000000', '--time-budget', String(endToEndBudget), '--json'], { stdout: true });
  const verdict = JSON.parse(cli.stdout)[0];
  const spin = spinSeconds.get(actors);
  const finished = verdict?.status === 'complete';
  row([actors, `${cli.wall.toFixed(1)} s${finished ? '' : ' (incomplete)'}`, `${(cli.rss / 1024).toFixed(0)} MiB`, spin ? `${spin.toFixed(1)} s` : '-',
    spin && finished ? `${(spin / cli.wall).toFixed(2)}x` : '-']);
}
