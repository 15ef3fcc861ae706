import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Verdict } from '../model/verdict.js';
import type { ExploreOptions } from '../sim/explore.js';
import type { Scenario } from '../sim/scenario.js';
import { runInSequence, type ScenarioRunner } from '../rules/review-series.js';

/**
 * Scenarios on several cores: this thread and `jobs - 1` worker threads take the next unexplored
 * scenario from a shared counter until none is left, so a long scenario does not hold up the rest.
 * Verdicts come back in scenario order, whoever explored them: the review is the same as in sequence.
 * Workers start on the first run that has two scenarios or more, and are reused by later runs (a
 * mbox of lone patches runs once per patch); they hold the process open only while a run is going.
 */

export interface PoolJob {
  id: number;
  scenarios: readonly Scenario[];
  /** Without `now`, a function: each worker reads its own clock. */
  options: Omit<ExploreOptions, 'now' | 'progress' | 'memoryLow'>;
  /** `next[0]`: index of the next scenario to claim. */
  next: Int32Array;
}

export type PoolReply =
  | { job: number; index: number; verdict: Verdict }
  | { job: number; failed: string }
  | { job: number; done: true };

interface Run {
  verdicts: (Verdict | undefined)[];
  /** Workers that have not said they are done with this run. */
  waiting: Set<Worker>;
  finish: () => void;
}

/**
 * Threads to explore on by default. One search keeps about one and a half cores busy, V8's
 * concurrent garbage collection and compilation taking the rest: on two cores a second search made
 * the seed review slower (2.1-2.3 s alone, 2.3-2.5 s with a worker) and used 40 MB more.
 */
export function defaultJobs(cores = availableParallelism()): number {
  return Math.max(1, Math.floor((cores * 2) / 3));
}

export interface ScenarioPool {
  run: ScenarioRunner;
  /** Scenarios the worker threads explored so far (the rest ran on this thread). */
  exploredByWorkers(): number;
}

/** `worker`: the worker's module, beside this one once built. */
export function scenarioPool(jobs = defaultJobs(), worker = new URL('./scenario-worker.js', import.meta.url)): ScenarioPool {
  if (jobs < 2) return { run: runInSequence, exploredByWorkers: () => 0 };
  const workers: Worker[] = [];
  let byWorkers = 0;
  const runs = new Map<number, Run>();
  let jobCount = 0;

  const settle = (run: Run, worker: Worker): void => {
    run.waiting.delete(worker);
    if (run.waiting.size === 0) run.finish();
  };

  // A worker that dies leaves what it claimed unexplored: the run explores that here.
  const lose = (worker: Worker): void => {
    const at = workers.indexOf(worker);
    if (at >= 0) workers.splice(at, 1);
    for (const run of runs.values()) settle(run, worker);
  };

  let starting: Promise<void> | undefined;
  const start = async (): Promise<void> => {
    // Loaded only here: a run on one core need not pay for it at start-up.
    const { Worker } = await import('node:worker_threads');
    for (let i = 1; i < jobs; i += 1) {
      const thread = new Worker(worker);
      thread.unref();
      thread.on('message', (reply: PoolReply) => {
        const run = runs.get(reply.job);
        if (!run) return;
        if ('verdict' in reply) {
          run.verdicts[reply.index] = reply.verdict;
          byWorkers += 1;
        }
        if ('done' in reply) settle(run, thread);
      });
      thread.on('error', () => lose(thread));
      thread.on('exit', () => lose(thread));
      workers.push(thread);
    }
  };

  const run: ScenarioRunner = async (scenarios, options) => {
    if (scenarios.length < 2) return runInSequence(scenarios, options);
    // Runs that overlap while the workers start wait for the same ones.
    if (workers.length === 0) await (starting ??= start().finally(() => {
      starting = undefined;
    }));
    // Functions do not cross to a worker: it reads its own clock and heap, and tells no progress.
    const { now, progress, memoryLow, ...portable } = options;
    const job: PoolJob = { id: (jobCount += 1), scenarios, options: portable, next: new Int32Array(new SharedArrayBuffer(4)) };
    const done = new Promise<void>((finish) => {
      runs.set(job.id, { verdicts: Array.from({ length: scenarios.length }, () => undefined), waiting: new Set(workers), finish });
    });
    if (workers.length === 0) runs.get(job.id)!.finish();
    for (const thread of workers) {
      thread.ref();
      thread.postMessage(job);
    }
    const { verdicts } = runs.get(job.id)!;
    // This thread takes its share too, while the workers start up.
    for (let index = Atomics.add(job.next, 0, 1); index < scenarios.length; index = Atomics.add(job.next, 0, 1)) {
      verdicts[index] = (await runInSequence([scenarios[index]!], options))[0];
    }
    await done;
    runs.delete(job.id);
    for (const thread of workers) thread.unref();
    const missing = verdicts.flatMap((verdict, index) => (verdict ? [] : [index]));
    const redone = await runInSequence(missing.map((index) => scenarios[index]!), options);
    missing.forEach((index, i) => {
      verdicts[index] = redone[i];
    });
    return verdicts as Verdict[];
  };
  return { run, exploredByWorkers: () => byWorkers };
}
