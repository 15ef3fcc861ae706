import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { explore } from '../sim/explore.js';
import { memoryLow } from './heap.js';
import type { PoolJob, PoolReply } from './scenario-pool.js';

/**
 * A worker of the scenario pool: for each job, explores the scenarios it claims from the job's shared
 * counter until none is left, replying with each verdict, then says it is done.
 */
const port = parentPort!;
port.on('message', (job: PoolJob) => {
  const reply = (message: PoolReply): void => port.postMessage(message);
  try {
    const options = { ...job.options, now: () => performance.now(), memoryLow };
    for (let index = Atomics.add(job.next, 0, 1); index < job.scenarios.length; index = Atomics.add(job.next, 0, 1)) {
      reply({ job: job.id, index, verdict: explore(job.scenarios[index]!, options).verdict });
    }
  } catch (error) {
    reply({ job: job.id, failed: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
  reply({ job: job.id, done: true });
});
