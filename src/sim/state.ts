import { type Footprint, RECORDER } from './footprint.js';

/**
 * The simulator's state: plain JSON-able data, so canonical strings of its parts make its identity
 * for the visited set ({@link StateKeys}). Copies share what they do not change (see {@link cloneState}).
 *
 * Values are strings, which keeps them hashable and readable in traces:
 *   `0` null or zero, `5` a small integer, `?` unknown, `!0` unknown but not zero (an error code a
 *   branch found set), `@3` object 3, `@3.lru` the address of field `lru` of object 3, `&name` a function.
 */
export type Value = string;

export const NULL: Value = '0';
export const UNKNOWN: Value = '?';
export const NONZERO: Value = '!0';

export type ObjectKind = 'globals' | 'page' | 'object' | 'device';

/** Where a part of a state that no state will change again keeps its number ({@link StateKeys}). */
const PART: unique symbol = Symbol('part');

/** A part of a state that {@link StateKeys} numbers. A copy never takes its source's number. */
interface Numbered {
  [PART]?: number;
}

export interface HeapObject extends Numbered {
  kind: ObjectKind;
  /** The global's name, for a struct global (a lock, an ops table). */
  name?: string;
  /** The C type it was allocated or declared as, e.g. `struct virtio_balloon`. */
  type: string;
  live: boolean;
  fields: Record<string, Value>;
  /** The device (probe call) that created it; -1 for none. */
  device: number;
  /** Whether unset fields read as zero (kzalloc, page frames) or as unknown. */
  zeroed: boolean;
  /** The thread that made it and, until a pointer to it reaches shared memory, alone can reach it; -1 once shared. */
  owner: number;
}

export interface Frame extends Numbered {
  fn: string;
  pc: number;
  regs: Record<string, Value | undefined>;
  /** Register of the caller that receives the return value. */
  dest?: string;
  /** Locks taken in this frame and not yet released: a return with any is a lock leak. */
  taken: string[];
  /** Lines the patch does not show have run in this frame: they may have taken a lock it releases. */
  hidden?: true;
}

/** A store (or list operation) executed but not yet visible to other CPUs. */
export interface PendingStore {
  loc: string;
  value: Value;
  /** Operation that issued it: `function#op`. */
  op: string;
  /** Set when a younger store to another location became visible first. */
  overtakenBy?: string;
}

export interface DeferredLoad {
  reg: string;
  loc: string;
  op: string;
}

export type ThreadStatus = 'running' | 'done';

export interface ThreadState extends Numbered {
  status: ThreadStatus;
  /** Index of the next step of the actor's script. */
  step: number;
  frames: Frame[];
  buffer: PendingStore[];
  deferred: DeferredLoad[];
  /** Registers that live across script steps (results of calls the script saves). */
  vars: Record<string, Value | undefined>;
  /** Static names of the locks held (see locksets.ts), innermost last. */
  held: string[];
}

export interface SimState {
  threads: ThreadState[];
  objects: HeapObject[];
  /** List heads (as locations `obj.field`) to the entries on them, first entry first. */
  lists: Record<string, string[]>;
  /** Lock (a location or page object) to the thread holding it. */
  locks: Record<string, number>;
  /** Lock to its class, so sleeping under a spinlock can be told from sleeping under a mutex. */
  lockKinds: Record<string, string>;
  /** `gone` once module unload finished: running or returning into module code is then a violation. */
  module: 'loaded' | 'gone';
  /** List heads that belong to a device (initialised during its probe) to that device. */
  deviceLists: Record<string, number>;
  /** Page objects to the device whose balloon list first took them. */
  pageOwner: Record<string, number>;
  /** The first observed reordering on this path: a read that missed an older store while a younger one was visible. */
  reordering?: { older: string; younger: string; reader: string; location: string };
  /** Bookkeeping of the search, not part of the state's identity (symbol keys: no key or copy sees them). */
  [OWNED]?: Ownership;
  [RECORDER]?: Footprint;
  [KEY]?: string;
}

/** Object id a pointer value points into, or undefined. */
export function objectOf(v: Value): number | undefined {
  if (!v.startsWith('@')) return undefined;
  const dot = v.indexOf('.');
  return Number(dot < 0 ? v.slice(1) : v.slice(1, dot));
}

export function pointerTo(object: number, field?: string): Value {
  return field ? `@${object}.${field}` : `@${object}`;
}

/** Truth of a value: undefined when unknown. */
export function truth(v: Value): boolean | undefined {
  if (v === UNKNOWN) return undefined;
  return v !== NULL;
}

/**
 * A frame, every field present from the start in one order: frames share one shape, and copies
 * serialise as the original does (absent fields are undefined, which JSON leaves out).
 */
export function newFrame(fn: string, pc: number, dest?: string): Frame {
  return { fn, pc, regs: {}, taken: [], dest, hidden: undefined, [PART]: undefined };
}

function copyFrame(f: Frame): Frame {
  return { fn: f.fn, pc: f.pc, regs: { ...f.regs }, taken: f.taken.slice(), dest: f.dest, hidden: f.hidden, [PART]: undefined };
}

/**
 * Frame `index` of thread `t`, copied first unless it is the top one. Only the top frame of a
 * thread a state owns is its own: the frames under it are shared with other states, which is what
 * makes copying a thread cheap when calls nest deep.
 */
export function ownFrame(t: ThreadState, index: number): Frame {
  if (index === t.frames.length - 1) return t.frames[index]!;
  const copy = copyFrame(t.frames[index]!);
  t.frames[index] = copy;
  return copy;
}

/** Returns from the top frame: the caller's frame becomes the top one, and this state's own. */
export function popFrame(t: ThreadState): Frame {
  const popped = t.frames.pop()!;
  const top = t.frames.length - 1;
  if (top >= 0) t.frames[top] = copyFrame(t.frames[top]!);
  return popped;
}

function cloneThread(t: ThreadState): ThreadState {
  const frames = t.frames.slice();
  if (frames.length > 0) frames[frames.length - 1] = copyFrame(frames[frames.length - 1]!);
  return {
    status: t.status,
    step: t.step,
    frames,
    buffer: t.buffer.slice(),
    deferred: t.deferred.slice(),
    vars: { ...t.vars },
    held: t.held.slice(),
    [PART]: undefined,
  };
}

/**
 * A state before anything ran: `threads` threads at the start of their scripts, and `objects`.
 * Built with every field a copy has, so that all states share one shape.
 */
export function initialSimState(threads: number, objects: HeapObject[]): SimState {
  return {
    threads: Array.from({ length: threads }, () => ({ status: 'running', step: 0, frames: [], buffer: [], deferred: [], vars: {}, held: [], [PART]: undefined })),
    objects,
    lists: {},
    locks: {},
    lockKinds: {},
    module: 'loaded',
    deviceLists: {},
    pageOwner: {},
    reordering: undefined,
    [OWNED]: undefined,
    [RECORDER]: undefined,
    [KEY]: undefined,
  };
}

/** A copy of `t` that is done, its script over at `step`. */
export function finishedThread(t: ThreadState, step: number): ThreadState {
  return { status: 'done', step, frames: [], buffer: t.buffer, deferred: t.deferred, vars: t.vars, held: t.held, [PART]: undefined };
}

/**
 * Which parts of a state are its own copies, free to change in place. Everything else is shared
 * with the state it was copied from and must be copied before a change ({@link mutableObject}).
 * Kept under a symbol, so it is never part of the state's identity.
 */
interface Ownership {
  thread: number;
  /** Few per state: arrays are cheaper to make than sets, and as quick to search at that size. */
  objects: number[];
  records: SharedRecord[];
}

/** The parts of a state that map names to values and change in place: shared until written, like heap objects. */
export type SharedRecord = 'lists' | 'locks' | 'lockKinds' | 'deviceLists' | 'pageOwner';

/** The records a state's identity includes: not `lockKinds`, which only says what class a lock already held is. */
const KEYED_RECORDS: readonly SharedRecord[] = ['lists', 'locks', 'deviceLists', 'pageOwner'];

/** Where a state no transition will change again keeps its key ({@link StateKeys.ofFinal}). */
const KEY: unique symbol = Symbol('key');

/** Where a state keeps its {@link Ownership}. */
const OWNED: unique symbol = Symbol('owned');

/**
 * A copy of `s` in which `thread` may change. The search copies a state per transition, so this is
 * its hot path: the other threads and the heap objects stay shared until written. Both copies lose
 * their claim on shared objects, so neither can change what the other sees.
 */
export function cloneState(s: SimState, thread: number): SimState {
  const copy: SimState = {
    threads: s.threads.map((t, i) => (i === thread ? cloneThread(t) : t)),
    objects: s.objects.slice(),
    lists: s.lists,
    locks: s.locks,
    lockKinds: s.lockKinds,
    module: s.module,
    deviceLists: s.deviceLists,
    pageOwner: s.pageOwner,
    reordering: s.reordering,
    [OWNED]: { thread, objects: [], records: [] },
    // A copy made while a transition runs records into the same footprint: the transition is all its outcomes.
    [RECORDER]: s[RECORDER],
    [KEY]: undefined,
  };
  const source = s[OWNED];
  if (source) {
    source.objects.length = 0;
    source.records.length = 0;
    if (source.thread !== thread) source.thread = -1;
  }
  return copy;
}

/**
 * Record `field` of `s`, copied first if `s` shares it with another state. Shallow: a list change
 * replaces a head's array, never changes it.
 */
export function mutableRecord<K extends SharedRecord>(s: SimState, field: K): SimState[K] {
  const owned = s[OWNED];
  if (!owned || owned.records.includes(field)) return s[field];
  const copy = { ...s[field] };
  s[field] = copy;
  owned.records.push(field);
  return copy;
}

/** Object `id` of `s`, copied first if `s` shares it with another state. */
export function mutableObject(s: SimState, id: number): HeapObject {
  const owned = s[OWNED];
  const object = s.objects[id]!;
  if (!owned || owned.objects.includes(id)) return object;
  const copy = { ...object, fields: { ...object.fields }, [PART]: undefined };
  s.objects[id] = copy;
  owned.objects.push(id);
  return copy;
}

/** Adds an object that only `s` has. */
export function placeObject(s: SimState, object: HeapObject, slot?: number): number {
  const id = slot ?? s.objects.length;
  s.objects[id] = object;
  s[OWNED]?.objects.push(id);
  return id;
}

/**
 * Canonical identities of states for the visited set, built from interned parts: each thread, heap
 * object and record of a state is numbered once by its canonical JSON, and a state's key is the
 * string of its part numbers. Parts a state shares with the one it was copied from never change, so
 * their numbers are kept (on a thread, frame or object under a symbol; for a record, which maps
 * names to values, beside it) and the string of a shared part is never built twice. The key
 * is exact (no hashing) and short: a few code units per part.
 */
export class StateKeys {
  private readonly ids = new Map<string, number>();
  private readonly recordIds = new WeakMap<object, number>();

  /**
   * The key of `s`: equal exactly for states that are the same in everything that can change. Built
   * as one flat string from the part numbers: a string grown by `+=` is a tree of pieces that the
   * visited set would keep, a piece per part (a quarter of the search's memory).
   */
  of(s: SimState): string {
    const owned = s[OWNED];
    const codes: number[] = [];
    for (let i = 0; i < s.threads.length; i += 1) {
      const t = s.threads[i]!;
      pack(codes, owned?.thread === i ? this.id(this.threadKey(t)) : (t[PART] ??= this.id(this.threadKey(t))));
    }
    for (let i = 0; i < s.objects.length; i += 1) {
      const o = s.objects[i]!;
      pack(codes, owned?.objects.includes(i) ? this.id(objectKey(o)) : (o[PART] ??= this.id(objectKey(o))));
    }
    for (const field of KEYED_RECORDS) {
      const record = s[field];
      if (owned?.records.includes(field)) {
        pack(codes, this.id(JSON.stringify(record)));
        continue;
      }
      let id = this.recordIds.get(record);
      if (id === undefined) this.recordIds.set(record, (id = this.id(JSON.stringify(record))));
      pack(codes, id);
    }
    // Which reordering a path saw only explains the violations below it, and the search keeps the first
    // path to a state (the shortest): whether it saw one is what tells the reported violations apart.
    pack(codes, this.id(s.reordering ? `${s.module}|reordered` : s.module));
    return String.fromCharCode(...codes);
  }

  /** The key of a state no transition will change again (a transition's outcome): computed once. */
  ofFinal(s: SimState): string {
    return (s[KEY] ??= this.of(s));
  }

  private id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) this.ids.set(text, (id = this.ids.size));
    return id;
  }

  /** A thread's part. Frames under the top one never change (see {@link ownFrame}), so their numbers are kept. */
  private threadKey(t: ThreadState): string {
    const top = t.frames.length - 1;
    const under: number[] = [];
    for (let i = 0; i < top; i += 1) {
      const f = t.frames[i]!;
      under.push((f[PART] ??= this.id(JSON.stringify(f))));
    }
    // One JSON text, flat like the key (see `of`), for the interned parts it is kept as.
    return JSON.stringify([t.status, t.step, under, top >= 0 ? t.frames[top] : null, t.buffer, t.deferred, t.vars, t.held]);
  }
}

/** A part number as two UTF-16 code units: keys stay a few bytes a part. */
function pack(codes: number[], id: number): void {
  codes.push(id & 0xffff, id >>> 16);
}

function objectKey(o: HeapObject): string {
  return JSON.stringify(o.kind === 'page' || o.kind === 'object' ? [o.live, o.owner, o.type, o.fields] : o.fields);
}
