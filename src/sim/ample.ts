import { EVERYTHING, type Footprint } from './footprint.js';
import { type Access, FUTURE_ALLOC, FUTURE_JOIN, FUTURE_LOCK, FUTURE_UNLOAD } from './future-access.js';
import { FREES_OBJECTS } from './locksets.js';

/**
 * Ample sets (persistent sets): in a state where one thread's transitions commute with everything
 * the other threads may still do, running only that thread's transitions loses no state the others
 * could reach and no violation: whatever they do next, they do as well after it. Where sleep sets
 * cut the orders in which the search reaches a state, this cuts states.
 *
 * The other threads' futures are abstract (field names, global names, lock names, the allocator; see
 * future-access.ts) and a transition's footprint concrete (this page's `mapping`, that list head), so
 * a concrete key is compared with the abstract key it falls under. Only for sequentially consistent
 * scenarios: a store buffer makes every load depend on the order of other CPUs' commits.
 */

function has(access: Access, key: string): boolean {
  return access.reads.has(key) || access.writes.has(key);
}

function touchesObjects(access: Access): boolean {
  for (const key of access.reads) if (key.startsWith('->') || key === '*') return true;
  for (const key of access.writes) if (key.startsWith('->') || key === '*' || key === FREES_OBJECTS || key === FUTURE_ALLOC) return true;
  return false;
}

/** Whether an access to memory location `key` (`0.vb_ptr`, `5.mapping`, `5.*`) may not commute with `other`. */
function memoryMeets(key: string, write: boolean, other: Access): boolean {
  const dot = key.indexOf('.');
  const object = dot < 0 ? key : key.slice(0, dot);
  const field = dot < 0 ? '*' : key.slice(dot + 1);
  if (field === '*') return touchesObjects(other) || has(other, '*');
  const abstract = object === '0' ? field : `->${field}`;
  const written = other.writes.has(abstract) || other.writes.has('*');
  if (write ? written || other.reads.has(abstract) || other.reads.has('*') : written) return true;
  if (object === '0') return false;
  // An object another thread may free, or a page frame the allocator may hand out or take back.
  return other.writes.has(FREES_OBJECTS) || (field === '_state' && other.writes.has(FUTURE_ALLOC));
}

/** Whether one concrete key of a transition may not commute with a thread that may still do `other`. */
function keyMeets(key: string, write: boolean, other: Access): boolean {
  if (key === EVERYTHING) return true;
  const c = key.charCodeAt(0);
  if (c >= 48 && c <= 57) return memoryMeets(key, write, other);
  switch (key.slice(0, 2)) {
    case 'L:':
    case 'H:':
    case 'D:':
    case 'P:':
      return has(other, 'list');
    case 'O:':
      // Reading that an object is live: only a free changes that (an allocation takes a freed slot).
      return write ? touchesObjects(other) : other.writes.has(FREES_OBJECTS);
    case 'S:':
      // Waiting for a thread is only enabled once it is done: nothing it does can change that.
      return write && other.reads.has(FUTURE_JOIN);
    case 'K:':
      // Compared by name, below.
      return false;
    case 'W:':
      // Who owns an object: another thread can neither reach an object this one owns nor claim one it shares.
      return false;
    case 'T:':
      return write;
    case 'B:':
      // Another CPU's store buffer: always empty when stores are not buffered.
      return write;
    default:
      break;
  }
  if (key === 'A') return other.writes.has(FUTURE_ALLOC) || other.writes.has(FREES_OBJECTS);
  // The module: running module code meets an unload to come; unloading meets anything still running.
  if (key === 'M') return write || other.writes.has(FUTURE_UNLOAD);
  // A reordering observed: none in a sequentially consistent scenario, where nothing writes it.
  if (key === 'R') return write;
  return true;
}

function lockMeets(name: string, other: Access): boolean {
  if (other.writes.has(`${FUTURE_LOCK}?`)) return true;
  if (name !== '?') return other.writes.has(`${FUTURE_LOCK}${name}`);
  for (const key of other.writes) if (key.startsWith(FUTURE_LOCK)) return true;
  return false;
}

/** Whether transitions with these footprints commute with everything the other threads may still do. */
export function commutesWithFutures(footprints: readonly Footprint[], others: readonly Access[]): boolean {
  for (const footprint of footprints) {
    for (const other of others) {
      for (const key of footprint.writes) if (keyMeets(key, true, other)) return false;
      for (const key of footprint.reads) if (keyMeets(key, false, other)) return false;
      for (const name of footprint.locks) if (lockMeets(name, other)) return false;
    }
  }
  return true;
}
