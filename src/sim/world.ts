import type { ViolationKind } from '../model/verdict.js';
import type { FutureAccess } from './future-access.js';
import type { Liveness } from './liveness.js';
import type { Protection } from './locksets.js';
import type { Scenario } from './scenario.js';
import { noteRead, noteWrite } from './footprint.js';
import { type HeapObject, mutableObject, mutableRecord, NULL, type SimState, type StateKeys, UNKNOWN, type Value } from './state.js';

/**
 * The simulated world's memory: objects, page frames, lists, and how values are read and written,
 * with each thread's store buffer in between when stores may be reordered.
 */

export interface WorldContext {
  scenario: Scenario;
  /** Struct globals (locks, ops tables) to their object ids. */
  globalObjects: ReadonlyMap<string, number>;
  pageIds: readonly number[];
  /** Whether every operation of a module function must be a separate step (an unload actor exists). */
  moduleSteps: boolean;
  /** Off only to measure what the reductions save: then every operation is its own step. */
  reduce: boolean;
  /** Abstract locations to the locks that protect every concurrent access to them. */
  protection: Protection;
  /** Registers live before each operation, per function. */
  liveness: ReadonlyMap<string, Liveness>;
  /** Per thread: the threads that run concurrently with it (not the setup, which runs alone). */
  concurrent: readonly (readonly number[])[];
  /** What each thread may still read and write from where it stands. */
  future: FutureAccess;
  /** Canonical state identities, interned for this search. */
  keys: StateKeys;
  /** The objects unknown pointer arguments of script calls point to, by `thread:step:argument`. */
  arguments: Map<string, Value>;
}

export interface Fault {
  kind: ViolationKind;
  message: string;
  /** Faults with the same key are one violation, wherever they are hit (e.g. every line of an unloaded function). */
  key?: string;
  /** The memory location the faulting step touched. */
  location?: string;
}

/**
 * Thrown to abandon the operation that broke a property. Not an `Error`: the search throws and
 * catches these on hot paths, and capturing a stack each time would dominate its cost.
 */
export class ViolationError {
  constructor(readonly fault: Fault) {}
}

export function fault(kind: ViolationKind, message: string, key?: string, location?: string): never {
  const f: Fault = { kind, message };
  if (key !== undefined) f.key = key;
  if (location !== undefined) f.location = location;
  throw new ViolationError(f);
}

/** The list location every list operation of a thread is buffered under: they stay in order. */
export const LIST_LOCATION = 'lists';

export function objectIdOf(location: string): number {
  const dot = location.indexOf('.');
  return Number(dot < 0 ? location : location.slice(0, dot));
}

/** A human name for an object: `page1`, `virtio_balloon#5`. */
function objectName(state: SimState, id: number): string {
  const object = state.objects[id];
  if (!object) return `#${id}`;
  if (object.kind === 'globals') return '';
  if (object.kind === 'page') return `page${id}`;
  if (object.name) return object.name;
  const type = object.type.replace(/^struct\s+/, '') || 'object';
  return `${type}#${id}`;
}

/** `3.mapping` as `page3->mapping`; `0.vb_ptr` as `vb_ptr`. */
export function locationName(state: SimState, location: string): string {
  if (location === LIST_LOCATION) return 'list links';
  const dot = location.indexOf('.');
  const object = objectName(state, Number(dot < 0 ? location : location.slice(0, dot)));
  const path = dot < 0 ? '' : location.slice(dot + 1);
  if (!object) return path;
  if (path === '' || path === '*' || path.startsWith('*.')) return object;
  return `${object}->${path}`;
}

function defaultField(object: HeapObject, field: string): Value {
  if (object.kind === 'page') return field === 'mapping' || field === '_count' || field === 'private' ? NULL : UNKNOWN;
  return object.zeroed ? NULL : UNKNOWN;
}

/** The value a thread sees at a location: its own newest buffered store, else memory. */
export function readMemory(state: SimState, thread: number, location: string): Value {
  noteRead(state, location);
  const buffer = state.threads[thread]!.buffer;
  for (let i = buffer.length - 1; i >= 0; i -= 1) {
    if (buffer[i]!.loc === location) return buffer[i]!.value;
  }
  return committedValue(state, location);
}

export function committedValue(state: SimState, location: string): Value {
  noteRead(state, location);
  const dot = location.indexOf('.');
  const object = state.objects[Number(location.slice(0, dot < 0 ? undefined : dot))];
  if (!object) return UNKNOWN;
  const field = dot < 0 ? '*' : location.slice(dot + 1);
  return object.fields[field] ?? defaultField(object, field);
}

export function writeCommitted(state: SimState, location: string, value: Value): void {
  const dot = location.indexOf('.');
  const id = Number(location.slice(0, dot < 0 ? undefined : dot));
  if (!state.objects[id]) return;
  noteWrite(state, location);
  mutableObject(state, id).fields[dot < 0 ? '*' : location.slice(dot + 1)] = value;
}

/** Faults when memory at `location` is gone: a freed object, or a page frame back in the allocator. */
export function checkLive(state: SimState, location: string, access: 'read' | 'write' | 'list'): void {
  if (location === LIST_LOCATION) return;
  const id = objectIdOf(location);
  const object = state.objects[id];
  if (!object || object.kind === 'globals') return;
  if (object.kind === 'page') {
    if (access !== 'read') noteRead(state, `${id}._state`);
    if (access !== 'read' && object.fields['_state'] === 'free') {
      fault('use-after-free', `${access === 'list' ? 'list operation on' : 'write to'} ${locationName(state, location)} after the page was freed`);
    }
    return;
  }
  noteRead(state, `O:${id}`);
  if (!object.live) fault('use-after-free', `${access === 'read' ? 'read of' : 'write to'} ${locationName(state, location)} after it was freed`, undefined, locationName(state, location));
}

// ---- lists -------------------------------------------------------------------------------------

export type ListChange = { op: 'add'; entry: string; head: string; tail: boolean } | { op: 'del'; entry: string };

export function encodeListChange(change: ListChange): Value {
  return change.op === 'add' ? `add ${change.entry} ${change.head} ${change.tail ? 'tail' : 'head'}` : `del ${change.entry}`;
}

export function decodeListChange(value: Value): ListChange {
  const [op, entry, head, end] = value.split(' ');
  return op === 'add' ? { op: 'add', entry: entry!, head: head!, tail: end === 'tail' } : { op: 'del', entry: entry! };
}

/** The list a list entry is on, if any. */
export function listOf(lists: Record<string, string[]>, entry: string): string | undefined {
  for (const [head, entries] of Object.entries(lists)) {
    if (entries.includes(entry)) return head;
  }
  return undefined;
}

/**
 * Applies a list change to `lists`, faulting on corruption as `CONFIG_DEBUG_LIST` would, and gives
 * the head whose entries changed. `lists` may be a thread's view rather than memory: the caller that
 * changes memory notes the write.
 */
export function applyListChange(state: SimState, lists: Record<string, string[]>, change: ListChange): string {
  noteRead(state, `L:${change.entry}`);
  const current = listOf(lists, change.entry);
  if (change.op === 'add') {
    if (current !== undefined) {
      fault('list-corruption', `list_add of ${locationName(state, change.entry)}, which is still on ${locationName(state, current)}`, undefined, locationName(state, change.entry));
    }
    const entries = lists[change.head] ?? [];
    lists[change.head] = change.tail ? [...entries, change.entry] : [change.entry, ...entries];
    return change.head;
  }
  if (current === undefined) {
    fault('list-corruption', `list_del of ${locationName(state, change.entry)}, which is not on any list (deleted twice)`, undefined, locationName(state, change.entry));
  }
  lists[current] = lists[current]!.filter((e) => e !== change.entry);
  return current;
}

/** Applies a list change to memory. */
export function changeLists(state: SimState, change: ListChange): void {
  const head = applyListChange(state, mutableRecord(state, 'lists'), change);
  noteWrite(state, `L:${change.entry}`);
  noteWrite(state, `H:${head}`);
}

/** The lists as a thread sees them: memory plus its own buffered list operations. */
export function listView(state: SimState, thread: number): Record<string, string[]> {
  const pending = state.threads[thread]!.buffer.filter((p) => p.loc === LIST_LOCATION);
  if (pending.length === 0) return state.lists;
  // Shallow: a list change replaces a head's array, never changes it.
  const view = { ...state.lists };
  for (const entry of pending) {
    try {
      applyListChange(state, view, decodeListChange(entry.value));
    } catch {
      // The fault shows when the buffered change commits; the view just skips it.
    }
  }
  return view;
}

/** Object that contains a list entry: `3.lru` is in object 3. */
export function containerOf(entry: string): Value {
  return `@${objectIdOf(entry)}`;
}

// ---- values ------------------------------------------------------------------------------------

const MAX_INT = 64;

export function toInt(v: Value): number | undefined {
  if (v === UNKNOWN || v.startsWith('@') || v.startsWith('&')) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function fromInt(n: number): Value {
  return Math.abs(n) > MAX_INT || !Number.isInteger(n) ? UNKNOWN : String(n);
}
