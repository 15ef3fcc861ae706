import { EVERYTHING, type Footprint } from './footprint.js';
import { type Access, FUTURE_ALLOC, FUTURE_JOIN, FUTURE_UNLOAD, mayTakeLock } from './future-access.js';
import { FREES_OBJECTS } from './locksets.js';
import { LIST_LOCATION } from './world.js';

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

/**
 * What a concrete key asks of another thread's future, as a short code: `r:` or `w:` and the
 * abstract location for memory (`g` a global, `o` an object's field, `p` a page frame's state),
 * `*` a whole object written, `L` lists, `F` an object read as live, `G` an object freed, `J` a
 * thread finishing, `A` the allocator, `m`/`M` the module run/unloaded, `!` anything, and `-` nothing.
 */
type Check = string;

function memoryCheck(key: string, write: boolean): Check {
  const dot = key.indexOf('.');
  const object = dot < 0 ? key : key.slice(0, dot);
  const field = dot < 0 ? '*' : key.slice(dot + 1);
  if (field === '*') return write ? '*' : 'r:o:*';
  const rw = write ? 'w' : 'r';
  if (object === '0') return `${rw}:g:${field}`;
  return `${rw}:${field === '_state' ? 'p' : 'o'}:->${field}`;
}

function checkOf(key: string, write: boolean): Check {
  if (key === EVERYTHING) return '!';
  const c = key.charCodeAt(0);
  if (c >= 48 && c <= 57) return memoryCheck(key, write);
  switch (key.slice(0, 2)) {
    case 'L:':
    case 'H:':
    case 'D:':
    case 'P:':
      return 'L';
    case 'O:':
      // Reading that an object is live: only a free changes that (an allocation takes a freed slot).
      return write ? 'G' : 'F';
    case 'S:':
      // Waiting for a thread is only enabled once it is done: nothing it does can change that.
      return write ? 'J' : '-';
    // A lock is compared by name (footprint locks against mayTakeLock). Who owns an object: another
    // thread can neither reach an object this one owns nor claim one it shares.
    case 'K:':
    case 'W:':
      return '-';
    // A CPU's store buffer changed (a commit): it shows only in what other CPUs' loads of that
    // location see, so it asks what a write of the location asks. Reading other buffers is part of
    // every load, which its location's own key covers.
    case 'B:': {
      if (!write) return '-';
      const location = key.slice(key.indexOf(':', 2) + 1);
      return location === LIST_LOCATION ? 'L' : memoryCheck(location, true);
    }
    // An object's type.
    case 'T:':
      return write ? '!' : '-';
    default:
      break;
  }
  if (key === 'A') return 'A';
  if (key === 'M') return write ? 'M' : 'm';
  // A reordering observed: none in a sequentially consistent scenario, where nothing writes it.
  if (key === 'R') return write ? '!' : '-';
  return '!';
}

const readChecks = new Map<string, Check>();
const writeChecks = new Map<string, Check>();

function memoCheck(key: string, write: boolean): Check {
  const memo = write ? writeChecks : readChecks;
  let check = memo.get(key);
  if (check === undefined) memo.set(key, (check = checkOf(key, write)));
  return check;
}

function has(access: Access, key: string): boolean {
  return access.reads.has(key) || access.writes.has(key);
}

function touchesObjects(access: Access): boolean {
  for (const key of access.reads) if (key.startsWith('->') || key === '*') return true;
  for (const key of access.writes) if (key.startsWith('->') || key === '*' || key === FREES_OBJECTS || key === FUTURE_ALLOC) return true;
  return false;
}

/** Whether a transition with this check may not commute with a thread that may still do `other`. */
function meets(check: Check, other: Access): boolean {
  switch (check[0]) {
    case '-':
      return false;
    case '!':
      return true;
    case '*':
      return touchesObjects(other) || has(other, '*');
    case 'L':
      return has(other, 'list');
    case 'F':
      return other.writes.has(FREES_OBJECTS);
    case 'G':
      return touchesObjects(other);
    case 'J':
      return other.reads.has(FUTURE_JOIN);
    case 'A':
      return other.writes.has(FUTURE_ALLOC) || other.writes.has(FREES_OBJECTS);
    case 'm':
      return other.writes.has(FUTURE_UNLOAD);
    case 'M':
      return true;
    default:
      break;
  }
  const write = check[0] === 'w';
  const kind = check[2];
  const abstract = check.slice(4);
  if (abstract === '->*') return touchesObjects(other) || has(other, '*');
  const written = other.writes.has(abstract) || other.writes.has('*');
  if (write ? written || other.reads.has(abstract) || other.reads.has('*') : written) return true;
  if (kind === 'g') return false;
  // An object another thread may free, or a page frame the allocator may hand out or take back.
  return other.writes.has(FREES_OBJECTS) || (kind === 'p' && other.writes.has(FUTURE_ALLOC));
}

/** Whether transitions with these footprints commute with everything the other threads may still do. */
export function commutesWithFutures(footprints: readonly Footprint[], others: readonly Access[]): boolean {
  if (others.length === 0) return true;
  const needs = new Set<Check>();
  const locks = new Set<string>();
  for (const footprint of footprints) {
    for (const key of footprint.writes) needs.add(memoCheck(key, true));
    for (const key of footprint.reads) needs.add(memoCheck(key, false));
    for (const name of footprint.locks) locks.add(name);
  }
  needs.delete('-');
  if (needs.has('!')) return false;
  for (const other of others) {
    for (const check of needs) if (meets(check, other)) return false;
    for (const name of locks) if (mayTakeLock(other, name)) return false;
  }
  return true;
}
