import type { Expr, FunctionProgram, Op } from '../model/program.js';
import { accessKeys, FREES_OBJECTS, lockName } from './locksets.js';
import type { ScriptStep } from './scenario.js';
import type { ThreadState } from './state.js';

/**
 * What a thread may still read and write from where it stands: the rest of the function it is in,
 * the rest of each caller, and the script steps it has yet to start, plus the stores in its buffer
 * and its late loads. An access no other thread will touch again commutes with everything they do
 * from now on, so it need not be a step of its own; as threads move on, they touch less, and more
 * of the others' accesses merge into their neighbours. Abstract locations are access keys (field
 * names, global names), as for the locksets.
 */

export interface Access {
  reads: ReadonlySet<string>;
  writes: ReadonlySet<string>;
}

const NOTHING: Access = { reads: new Set(), writes: new Set() };

/**
 * Keys for what is not memory, as the ample sets need them; `#` keeps them apart from field and
 * global names. A lock by the name the source gives it (`#lock:page` for page locks, `#lock:?` when
 * it has none), the allocator (allocations and frees of pages and objects, and whatever a call
 * may allocate on its way in), module unload, and waiting for another actor.
 */
export const FUTURE_LOCK = '#lock:';
export const FUTURE_ALLOC = '#alloc';
export const FUTURE_UNLOAD = '#unload';
export const FUTURE_JOIN = '#join';
/** A page's reference count: page refcount operations read and write it. */
export const REFCOUNT = '->_count';

/** Which lists a list operation may touch, by the field (or global) of its head and entry: `list:pages`, `list:lru`; `list:*` for one it cannot name. */
export const LIST_FIELD = 'list:';

const TRAVERSALS: ReadonlySet<string> = new Set(['empty', 'first_entry', 'iter_first', 'iter_next', 'init']);

function listKeyOf(e: Expr | undefined): string {
  const target = e?.k === 'addr' ? e.arg : undefined;
  if (target?.k === 'field') return `${LIST_FIELD}${target.field}`;
  if (target?.k === 'name' && target.scope === 'global') return `${LIST_FIELD}${target.name}`;
  return `${LIST_FIELD}*`;
}

/** The list keys of a list operation: its head's, and its entry's unless it only walks the head's list. */
export function listKeys(op: Op & { kind: 'list' }): string[] {
  const keys = op.head ? [listKeyOf(op.head)] : [];
  if (op.entry && !TRAVERSALS.has(op.action)) keys.push(listKeyOf(op.entry));
  return keys;
}

/** Whether a thread that may still do `access` may take a lock of this name (`?`: a lock the source does not name). */
export function mayTakeLock(access: Access, name: string): boolean {
  if (access.writes.has(`${FUTURE_LOCK}?`)) return true;
  if (name !== '?') return access.writes.has(`${FUTURE_LOCK}${name}`);
  for (const key of access.writes) if (key.startsWith(FUTURE_LOCK)) return true;
  return false;
}

/** The name an ample set compares a lock by. */
export function futureLockName(op: Op & { kind: 'lock' }): string {
  return op.lockClass === 'page' ? 'page' : lockName(op.lock) ?? '?';
}

interface MutableAccess {
  reads: Set<string>;
  writes: Set<string>;
}

function add(into: MutableAccess, from: Access): boolean {
  const before = into.reads.size + into.writes.size;
  for (const k of from.reads) into.reads.add(k);
  for (const k of from.writes) into.writes.add(k);
  return into.reads.size + into.writes.size !== before;
}

/** The abstract location of a concrete one in a store buffer: `0.vb_ptr` is the global, `7.mapping` the field. */
function keyOfLocation(location: string, listLocation: string): string | undefined {
  if (location === listLocation) return 'list';
  if (location === '|') return undefined;
  const dot = location.indexOf('.');
  if (dot < 0) return '*';
  const field = location.slice(dot + 1);
  return location.slice(0, dot) === '0' ? field : field === '*' ? '*' : `->${field}`;
}

export class FutureAccess {
  private readonly totals = new Map<string, Access>();
  private readonly fromPc = new WeakMap<FunctionProgram, Access[]>();
  private readonly ofThreads = new WeakMap<ThreadState, Access>();
  private last: { among: readonly number[]; threads: ThreadState[]; result: Access[] } | undefined;
  private readonly families = new Map<string, Set<string>>();
  private added: Map<string, Set<string>> | undefined;

  constructor(
    private readonly functions: ReadonlyMap<string, FunctionProgram>,
    /** What an indirect call may reach: every function an ops table points to. */
    private readonly indirectTargets: readonly string[],
    /** Each thread's script, by thread index. */
    private readonly scripts: readonly (readonly ScriptStep[])[],
    private readonly listLocation: string,
  ) {}

  /**
   * What each thread of `among` may still touch. A step asks this once per operation about the same
   * other threads (only its own moves), so the last answer is kept.
   */
  ofAll(threads: readonly ThreadState[], among: readonly number[]): Access[] {
    const last = this.last;
    if (last?.among === among && among.every((j, i) => last.threads[i] === threads[j])) return last.result;
    const result = among.map((j) => this.of(threads[j]!, j));
    this.last = { among, threads: among.map((j) => threads[j]!), result };
    return result;
  }

  /** What `thread` (at index `index`) may still touch. Threads are shared between states and never change, so this is computed once per thread object. */
  of(thread: ThreadState, index: number): Access {
    const known = this.ofThreads.get(thread);
    if (known) return known;
    const access: MutableAccess = { reads: new Set(), writes: new Set() };
    if (thread.status !== 'done') {
      for (const frame of thread.frames) {
        const fn = this.functions.get(frame.fn);
        const at = fn ? this.accessFrom(fn)[frame.pc] : undefined;
        if (at) add(access, at);
      }
      for (const step of this.scripts[index]?.slice(thread.step) ?? []) {
        if (step.do === 'call') {
          add(access, this.total(step.fn));
          // Binding its arguments may allocate the objects they point to.
          access.writes.add(FUTURE_ALLOC);
          if (step.exclusive !== undefined) access.writes.add(`${FUTURE_LOCK}exclusive:${step.exclusive}`);
        }
        if (step.do === 'unload') access.writes.add(FUTURE_UNLOAD);
        if (step.do === 'join') access.reads.add(FUTURE_JOIN);
      }
    }
    for (const entry of thread.buffer) {
      const key = keyOfLocation(entry.loc, this.listLocation);
      if (key) access.writes.add(key);
      // A buffered list change is not told apart by list: it may be on any.
      if (key === 'list') access.writes.add(`${LIST_FIELD}*`);
    }
    for (const late of thread.deferred) {
      const key = keyOfLocation(late.loc, this.listLocation);
      if (key) access.reads.add(key);
    }
    const result = access.reads.size + access.writes.size === 0 ? NOTHING : access;
    this.ofThreads.set(thread, result);
    return result;
  }

  /**
   * The list keys whose operations can touch a list with head key `head`: its own, and the entry
   * keys of whatever is ever added to such a head (their deletions and moves take entries off it).
   */
  listFamily(head: string): ReadonlySet<string> {
    let family = this.families.get(head);
    if (family) return family;
    const added = this.additions();
    // Transitively: a spliced list's head is an entry key here, and its own entries come along.
    family = new Set([head]);
    for (const key of family) for (const entry of added.get(key) ?? []) family.add(entry);
    this.families.set(head, family);
    return family;
  }

  /** Per head key, the entry keys some operation adds to (or moves onto, or splices onto) such a head. */
  private additions(): ReadonlyMap<string, ReadonlySet<string>> {
    if (this.added) return this.added;
    const added = new Map<string, Set<string>>();
    for (const fn of this.functions.values()) {
      for (const op of fn.ops) {
        if (op.kind !== 'list' || !op.head || !op.entry || TRAVERSALS.has(op.action)) continue;
        const to = listKeyOf(op.head);
        added.set(to, (added.get(to) ?? new Set()).add(listKeyOf(op.entry)));
      }
    }
    this.added = added;
    return added;
  }

  /** One operation's own accesses, a call's being all its callee may do. */
  private opAccess(op: Op, into: MutableAccess): void {
    const keys = accessKeys(op);
    const writes = op.kind === 'store' || op.kind === 'list';
    for (const key of keys) (writes ? into.writes : into.reads).add(key);
    if (op.kind === 'list') {
      into.reads.add('list');
      for (const key of listKeys(op)) into.writes.add(key);
    }
    if (op.kind === 'free' && op.what === 'object') into.writes.add(FREES_OBJECTS);
    if (op.kind === 'lock' && op.action !== 'init' && op.lockClass !== 'rcu') into.writes.add(`${FUTURE_LOCK}${futureLockName(op)}`);
    if (op.kind === 'alloc' || op.kind === 'spawn' || op.kind === 'free' || op.kind === 'gap') into.writes.add(FUTURE_ALLOC);
    if (op.kind === 'pageref') {
      (op.action === 'count' ? into.reads : into.writes).add(REFCOUNT);
      if (op.action === 'put') into.writes.add(FUTURE_ALLOC);
    }
    if (op.kind === 'free' && op.what === 'page') into.writes.add(REFCOUNT);
    if (op.kind === 'call') {
      for (const callee of op.callee !== undefined ? [op.callee] : this.indirectTargets) add(into, this.total(callee));
    }
  }

  /** Everything a call of `name` may touch. */
  private total(name: string): Access {
    const known = this.totals.get(name);
    if (known) return known;
    const access: MutableAccess = { reads: new Set(), writes: new Set() };
    // Placed first, so that recursion sees what is found so far instead of looping.
    this.totals.set(name, access);
    const fn = this.functions.get(name);
    for (const op of fn?.ops ?? []) this.opAccess(op, access);
    return access;
  }

  /** Per operation of `fn`: what running from it to the end of `fn` may touch (a fixpoint over loops). */
  private accessFrom(fn: FunctionProgram): Access[] {
    const known = this.fromPc.get(fn);
    if (known) return known;
    const own = fn.ops.map((op) => {
      const access: MutableAccess = { reads: new Set(), writes: new Set() };
      this.opAccess(op, access);
      return access;
    });
    const from: MutableAccess[] = own.map((a) => ({ reads: new Set(a.reads), writes: new Set(a.writes) }));
    let changed = true;
    while (changed) {
      changed = false;
      for (let pc = fn.ops.length - 1; pc >= 0; pc -= 1) {
        for (const next of fn.ops[pc]!.succ) {
          if (next >= 0 && from[next] && add(from[pc]!, from[next]!)) changed = true;
        }
      }
    }
    this.fromPc.set(fn, from);
    return from;
  }
}
