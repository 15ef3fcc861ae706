import { getHeapStatistics } from 'node:v8';

/** What V8 on 64-bit keeps of its heap limit for the young generation (three 16 MB semi-spaces): not room for what a search keeps. */
const YOUNG_GENERATION = 48 * 2 ** 20;

/**
 * Whether this thread's JavaScript heap is close to its limit: a search stops there and says what
 * it covered, where it would otherwise end in V8's out-of-memory abort.
 */
export function memoryLow(): boolean {
  const heap = getHeapStatistics();
  return heap.used_heap_size > (heap.heap_size_limit - YOUNG_GENERATION) * 0.85;
}
