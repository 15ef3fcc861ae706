import type { SimState } from './state.js';

/**
 * What one transition read and wrote of the shared world, recorded as it runs: the input of the
 * sleep sets (and, with its lock names, of the ample sets). Two transitions of different threads
 * whose footprints do not conflict commute: run in either order they give the same state, and
 * neither enables or disables the other.
 *
 * Keys name concrete things of one state, so pages and objects are told apart:
 *   `3.mapping` a memory location (`3.*` every field of object 3), `O:3` whether object 3 is live,
 *   `W:3` who owns object 3, `T:3` its type, `A` the allocator's free slots and frames,
 *   `K:3.PG_locked` a lock, `L:5.lru` which list an entry is on, `H:8.pages` a list head's entries,
 *   `D:8.pages` a list head's device, `P:5` a page's device, `B:1:5.mapping` thread 1's buffered
 *   stores to a location, `S:1` whether thread 1 is done, `M` the module, `R` the path's observed
 *   reordering, `*` everything.
 */

export interface Footprint {
  reads: Set<string>;
  writes: Set<string>;
  /**
   * Locks taken or released by the name the source gives them (`->pages_lock`, `balloon_lock`,
   * `page` for a page lock): what the ample sets compare with other threads' futures. Sleep sets
   * need no such thing: `K:` keys already tell two pages' locks apart.
   */
  locks: Set<string>;
}

export const EVERYTHING = '*';

export function emptyFootprint(): Footprint {
  return { reads: new Set(), writes: new Set(), locks: new Set() };
}

/** Where a state a transition is building keeps the footprint being recorded; copies share their source's. */
export const RECORDER: unique symbol = Symbol('recorder');

/** Starts recording what the transition building `state` touches. */
export function recordInto(state: SimState, footprint: Footprint): void {
  state[RECORDER] = footprint;
}

/** The transition that built `state` is over: later work on it records nothing. */
export function stopRecording(state: SimState): void {
  state[RECORDER] = undefined;
}

export function noteRead(state: SimState, key: string): void {
  state[RECORDER]?.reads.add(key);
}

export function noteWrite(state: SimState, key: string): void {
  state[RECORDER]?.writes.add(key);
}

export function noteLock(state: SimState, name: string): void {
  state[RECORDER]?.locks.add(name);
}

/** The whole-object key a location key falls under: `3.mapping` under `3.*`. */
function wholeObject(key: string): string | undefined {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return undefined;
  const dot = key.indexOf('.');
  return dot < 0 ? undefined : `${key.slice(0, dot)}.*`;
}

function touches(f: Footprint, key: string): boolean {
  return f.writes.has(key) || f.reads.has(key);
}

/** Whether `write`, written by one transition, meets anything the other touched. */
function writeMeets(write: string, other: Footprint): boolean {
  if (touches(other, write)) return true;
  const whole = wholeObject(write);
  if (whole !== undefined && touches(other, whole)) return true;
  if (write.endsWith('.*')) {
    const prefix = write.slice(0, -1);
    for (const k of other.reads) if (k.startsWith(prefix)) return true;
    for (const k of other.writes) if (k.startsWith(prefix)) return true;
  }
  return false;
}

/** Whether two transitions of different threads may not commute. */
export function conflicts(a: Footprint, b: Footprint): boolean {
  if (a.writes.has(EVERYTHING) || b.writes.has(EVERYTHING)) return true;
  for (const w of a.writes) if (writeMeets(w, b)) return true;
  for (const w of b.writes) if (writeMeets(w, a)) return true;
  return false;
}
