import type { Anchor, FunctionProgram, Op, OpOf } from '../model/program.js';
import type { TraceStep } from '../model/verdict.js';
import { BOUND_MACROS, ERROR_POINTER_APIS, SLEEPING_CALLS } from '../extract/kernel-api.js';
import { evaluate, locationOf, refine } from './evaluate.js';
import { EVERYTHING, type Footprint, noteLock, noteRead, noteWrite, recordInto } from './footprint.js';
import { type Access, FUTURE_UNLOAD, futureLockName, LIST_FIELD, listKeys, mayTakeLock } from './future-access.js';
import { accessKeys, FREES_OBJECTS, lockName } from './locksets.js';
import type { ArgSpec } from './scenario.js';
import {
  cloneState, type DeferredLoad, finishedThread, type Frame, newFrame, NULL, objectOf, ownFrame, pointerTo, popFrame, type SimState, truth, UNKNOWN, type Value, mutableObject, mutableRecord, NONZERO, placeObject,
} from './state.js';
import {
  applyListChange, changeLists, checkLive, toInt, committedValue, containerOf, decodeListChange, encodeListChange, fault, type Fault,
  LIST_LOCATION, type ListChange, listOf, listView, locationName, objectIdOf, readMemory, ViolationError,
  type WorldContext, writeCommitted,
} from './world.js';

/**
 * What one thread does in one step: it runs operations until it has done one that another thread
 * could tell apart (a visible operation: memory, locks, lists, allocation), then stops before the
 * next visible one. Operations on registers alone commute with everything, so interleaving them
 * separately would only multiply states: this is the reduction that merges invisible steps.
 */

export interface Outcome {
  state: SimState;
  steps: TraceStep[];
  /** The path assumed something the scenario rules out (memory ran out): drop it. */
  pruned?: boolean;
  violation?: Fault & { anchor: Anchor; function: string };
  /** The step ran out of operations without touching shared memory: a loop the model cannot bound. */
  unbounded?: { function: string; anchor: Anchor };
}

/** Intrinsics the built-in models use to ask for nondeterminism. */
const ANY_PAGE = '__kreview_any_page';

/** Operations one step may run without touching shared memory before the step is cut (explore says so). */
export const MAX_OPS_PER_STEP = 400;

/** Frames a thread may stack: recursion deeper than this runs as an unknown call (build-scenarios says so). */
export const MAX_CALL_DEPTH = 24;

/** A step's trace so far, newest first: forks share what they did before they split. */
interface StepChain {
  step: TraceStep;
  before: StepChain | undefined;
}

function chainToSteps(chain: StepChain | undefined): TraceStep[] {
  const steps: TraceStep[] = [];
  for (let c = chain; c; c = c.before) steps.push(c.step);
  return steps.reverse();
}

interface Work {
  state: SimState;
  steps: StepChain | undefined;
  visibleDone: boolean;
  count: number;
}

function currentOp(state: SimState, thread: number, ctx: WorldContext): { fn: FunctionProgram; op: Op; frame: Frame } | undefined {
  const frames = state.threads[thread]!.frames;
  const frame = frames[frames.length - 1];
  if (!frame) return undefined;
  const fn = ctx.scenario.functions.get(frame.fn)!;
  return { fn, op: fn.ops[frame.pc]!, frame };
}

const VISIBLE_KINDS = new Set(['load', 'store', 'list', 'lock', 'alloc', 'free', 'pageref', 'barrier', 'bug', 'spawn']);

/** What the threads running alongside `thread` may still touch, each from where it stands. */
function othersFuture(state: SimState, thread: number, ctx: WorldContext): Access[] {
  return ctx.future.ofAll(state.threads, ctx.concurrent[thread]!);
}

/** A field access another thread may race with by freeing the object under it. */
function mayBeFreed(keys: readonly string[], others: readonly Access[]): boolean {
  return others.some((o) => o.writes.has(FREES_OBJECTS)) && keys.some((key) => key.startsWith('->') || key === '*');
}

function lockedByAny(locks: ReadonlySet<string> | undefined, held: readonly string[]): boolean {
  if (!locks) return false;
  for (const lock of locks) if (held.includes(lock)) return true;
  return false;
}

/** An access to memory that a lock this thread holds protects everywhere: nobody else can see it. */
function isProtected(op: Op, held: readonly string[], thread: number, state: SimState, ctx: WorldContext, others = othersFuture(state, thread, ctx)): boolean {
  const keys = accessKeys(op);
  if (keys.length === 0 || mayBeFreed(keys, others)) return false;
  return keys.every((key) => lockedByAny(ctx.protection.get(key), held));
}

/** An access no other thread will interfere with from here on: a read nobody will write, a write nobody will touch. */
function isPrivate(op: Op, thread: number, state: SimState, ctx: WorldContext, others = othersFuture(state, thread, ctx)): boolean {
  if (op.kind !== 'load' && op.kind !== 'store') return false;
  const keys = accessKeys(op);
  if (keys.length === 0 || keys.includes('*')) return false;
  if (mayBeFreed(keys, others)) return false;
  return keys.every((key) => others.every((o) => !o.writes.has(key) && (op.kind === 'load' || !o.reads.has(key))));
}

/**
 * Initialising a lock or a list head nobody else will touch: no other thread may still take a lock
 * of that name, or work on a list that head's entries can be on (see FutureAccess.listFamily), or
 * free an object under it. Such an init commutes with everything the others do from here on.
 */
function isPrivateInit(op: Op, others: readonly Access[], ctx: WorldContext): boolean {
  if ((op.kind !== 'lock' && op.kind !== 'list') || op.action !== 'init') return false;
  if (others.some((o) => o.writes.has(FREES_OBJECTS))) return false;
  if (op.kind === 'lock') {
    const name = futureLockName(op);
    return !others.some((o) => mayTakeLock(o, name));
  }
  const [head] = listKeys(op);
  if (head === undefined || head === `${LIST_FIELD}*`) return false;
  const family = ctx.future.listFamily(head);
  return !others.some((o) => o.writes.has(`${LIST_FIELD}*`) || [...family].some((key) => o.writes.has(key)));
}

/** The object a load or store touches, when it is one only this thread can reach yet. */
function touchesOwnObject(op: Op, state: SimState, thread: number, frame: Frame, ctx: WorldContext): boolean {
  if (op.kind !== 'load' && op.kind !== 'store') return false;
  const e = op.kind === 'load' ? op.source : op.target;
  // Only the common shape is worth a look here: a field through a pointer register.
  if (e.k !== 'field' || !e.arrow || (e.base.k !== 'temp' && e.base.k !== 'name')) return false;
  const base = e.base.k === 'temp' ? frame.regs[`t${e.base.id}`] : frame.regs[e.base.name];
  const location = base?.startsWith('@') ? base.slice(1) : undefined;
  if (location === undefined) return false;
  return state.objects[objectIdOf(location)]?.owner === thread;
}

/** Whether thread `j` waits, at a join, for thread `t` to finish: until then it can do nothing at all. */
export function waitsFor(state: SimState, ctx: WorldContext, j: number, t: number): boolean {
  const offset = ctx.scenario.setup ? 1 : 0;
  const actor = j === 0 && ctx.scenario.setup ? ctx.scenario.setup : ctx.scenario.actors[j - offset];
  const thread = state.threads[j]!;
  const next = actor?.script[thread.step];
  return thread.frames.length === 0 && next?.do === 'join' && next.actors.some((a) => a + offset === t);
}

/**
 * Whether the module may go away under this thread while it runs module code: another thread will
 * unload it, and is not waiting for this one to finish first (as `kthread_stop()` waits). Only then
 * is every operation of module code a point where the unload may come in between.
 */
function unloadMayInterleave(state: SimState, thread: number, ctx: WorldContext): boolean {
  return ctx.concurrent[thread]!.some((j) => !waitsFor(state, ctx, j, thread) && ctx.future.of(state.threads[j]!, j).writes.has(FUTURE_UNLOAD));
}

function isVisible(op: Op, fn: FunctionProgram, ctx: WorldContext, held: readonly string[], thread: number, state: SimState, frame: Frame): boolean {
  if (!ctx.reduce) return op.kind !== 'nop';
  // The setup runs alone: nothing can interleave with it.
  if (ctx.scenario.setup && thread === 0) return false;
  if (touchesOwnObject(op, state, thread, frame, ctx)) return false;
  if (VISIBLE_KINDS.has(op.kind)) {
    const others = othersFuture(state, thread, ctx);
    if (!isProtected(op, held, thread, state, ctx, others) && !isPrivate(op, thread, state, ctx, others) && !isPrivateInit(op, others, ctx)) return true;
  }
  return ctx.moduleSteps && ctx.scenario.moduleFunctions.has(fn.name) && op.kind !== 'nop' && unloadMayInterleave(state, thread, ctx);
}

export function actorName(ctx: WorldContext, thread: number): string {
  const actors = ctx.scenario.setup ? [ctx.scenario.setup, ...ctx.scenario.actors] : ctx.scenario.actors;
  return actors[thread]?.name ?? `thread${thread}`;
}

function scriptOf(ctx: WorldContext, thread: number) {
  const actors = ctx.scenario.setup ? [ctx.scenario.setup, ...ctx.scenario.actors] : ctx.scenario.actors;
  return actors[thread]!;
}

/** Whether `thread` may run at all: others wait until the setup actor is done. */
export function mayRun(state: SimState, thread: number, ctx: WorldContext): boolean {
  const t = state.threads[thread]!;
  if (t.status === 'done') return false;
  return !ctx.scenario.setup || thread === 0 || state.threads[0]!.status === 'done';
}

/** All outcomes of one step of `thread` from `state`; empty when the thread cannot move. */
export function stepThread(state: SimState, thread: number, ctx: WorldContext, footprint?: Footprint): Outcome[] {
  if (!mayRun(state, thread, ctx)) return [];
  const first = currentOp(state, thread, ctx);
  if (first && !enabled(state, thread, first.op, first.fn, ctx)) return [];
  const start = cloneState(state, thread);
  if (footprint) recordInto(start, footprint);
  const results: Outcome[] = [];
  const finish = (w: { state: SimState; steps: StepChain | undefined }, extra: Partial<Outcome> = {}): void => {
    pruneDead(w.state, thread, ctx);
    results.push({ state: w.state, steps: chainToSteps(w.steps), ...extra });
  };
  const work: Work[] = [{ state: start, steps: undefined, visibleDone: false, count: 0 }];
  const joined = new Set<string>();
  // Until a fork, there is one path: nothing to merge, and no key worth computing.
  let forked = false;
  while (work.length > 0) {
    const w = work.pop()!;
    const t = w.state.threads[thread]!;
    if (t.frames.length === 0) {
      const started = startNextStep(w, thread, ctx);
      if (started === 'waits') {
        if (w.count > 0) finish(w);
        continue;
      }
      if (started === 'over') {
        if (w.count > 0 || t.status === 'done') finish(w);
        continue;
      }
      if (w.state.threads[thread]!.frames.length === 0) {
        w.visibleDone = true;
        if (t.status === 'done') {
          finish(w);
          continue;
        }
      }
      w.count += 1;
      work.push(w);
      continue;
    }
    const current = currentOp(w.state, thread, ctx)!;
    if (forked && w.count > 0 && joinPoints(current.fn).has(current.frame.pc)) {
      // Paths forked on conditions the model cannot decide meet again here, often in one state:
      // continuing each would repeat the same work once per path.
      pruneDead(w.state, thread, ctx);
      const key = `${w.visibleDone ? 'v' : '-'}${ctx.keys.of(w.state)}`;
      if (joined.has(key)) continue;
      joined.add(key);
    }
    const visible = isVisible(current.op, current.fn, ctx, t.held, thread, w.state, current.frame);
    if (w.count >= MAX_OPS_PER_STEP) {
      finish(w, { unbounded: { function: current.fn.name, anchor: current.op.anchor } });
      continue;
    }
    if (w.visibleDone && visible) {
      finish(w);
      continue;
    }
    if (!enabled(w.state, thread, current.op, current.fn, ctx)) {
      if (w.count > 0) finish(w);
      continue;
    }
    let forks: Fork[];
    try {
      forks = execute(w.state, thread, current, ctx);
    } catch (error) {
      if (!(error instanceof ViolationError)) throw error;
      const step = traceStep(thread, current.fn, current.op, ctx, error.fault.message, error.fault.location ? { location: error.fault.location } : {});
      finish({ state: w.state, steps: { step, before: w.steps } }, { violation: { ...error.fault, anchor: current.op.anchor, function: current.fn.name } });
      continue;
    }
    if (forks.length === 0) {
      results.push({ state: w.state, steps: [], pruned: true });
      continue;
    }
    if (forks.length > 1) forked = true;
    for (const fork of forks) {
      const steps = fork.step ? { step: fork.step, before: w.steps } : w.steps;
      if (fork.violation) {
        finish({ state: fork.state, steps }, { violation: { ...fork.violation, anchor: current.op.anchor, function: current.fn.name } });
        continue;
      }
      work.push({ state: fork.state, steps, visibleDone: w.visibleDone || visible, count: w.count + 1 });
    }
  }
  return results;
}

const joinPointCache = new WeakMap<FunctionProgram, ReadonlySet<number>>();

/** Operations more than one path leads to. */
function joinPoints(fn: FunctionProgram): ReadonlySet<number> {
  let joins = joinPointCache.get(fn);
  if (!joins) {
    const incoming = new Map<number, number>([[fn.entry, 1]]);
    for (const op of fn.ops) for (const s of op.succ) incoming.set(s, (incoming.get(s) ?? 0) + 1);
    joins = new Set([...incoming].filter(([, n]) => n > 1).map(([pc]) => pc));
    joinPointCache.set(fn, joins);
  }
  return joins;
}

/** Drops registers no operation will read again, so equal futures make equal states. */
function pruneDead(state: SimState, thread: number, ctx: WorldContext): void {
  if (ctx.scenario.keepRegisters) return;
  const t = state.threads[thread]!;
  t.frames.forEach((frame, i) => {
    const live = ctx.liveness.get(frame.fn)?.[frame.pc];
    if (!live) return;
    const dead = Object.keys(frame.regs).filter((reg) => frame.regs[reg] !== undefined && !live.has(reg));
    if (dead.length === 0) return;
    const own = ownFrame(t, i);
    // Unset rather than deleted: deleting would turn the registers into a slow dictionary, and JSON
    // leaves undefined out, so the state's key is the same.
    for (const reg of dead) own.regs[reg] = undefined;
  });
}

/** The lock an `exclusive` call step holds from its start to its return. */
const exclusiveKey = (token: string): string => `exclusive:${token}`;

/** Takes or releases it: the footprint records that as it does for any lock. */
function touchExclusive(state: SimState, token: string): string {
  const key = exclusiveKey(token);
  noteWrite(state, `K:${key}`);
  noteLock(state, key);
  return key;
}

/**
 * Starts the actor's next script step: `over` when the script is, `waits` when the step cannot start
 * in this transition (another actor holds its exclusive lock, or one it joins is not done yet).
 */
function startNextStep(w: Work, thread: number, ctx: WorldContext): 'started' | 'over' | 'waits' {
  const t = w.state.threads[thread]!;
  const actor = scriptOf(ctx, thread);
  const finished = actor.script[t.step - 1];
  if (finished?.do === 'call' && finished.exclusive !== undefined && w.state.locks[exclusiveKey(finished.exclusive)] === thread) {
    delete mutableRecord(w.state, 'locks')[touchExclusive(w.state, finished.exclusive)];
  }
  const step = actor.script[t.step];
  if (!step) {
    t.status = 'done';
    noteWrite(w.state, `S:${thread}`);
    return 'over';
  }
  if (step.do === 'join') {
    const offset = ctx.scenario.setup ? 1 : 0;
    for (const actorIndex of step.actors) noteRead(w.state, `S:${actorIndex + offset}`);
    if (step.actors.some((actorIndex) => w.state.threads[actorIndex + offset]?.status !== 'done')) return 'waits';
    t.step += 1;
    return 'started';
  }
  if (step.do === 'call' && step.exclusive !== undefined) {
    const key = touchExclusive(w.state, step.exclusive);
    const holder = w.state.locks[key];
    if (holder !== undefined && holder !== thread) return 'waits';
    mutableRecord(w.state, 'locks')[key] = thread;
  }
  // The module goes away in a transition of its own: whatever else ran in this one (freeing the
  // device, say) leaves a window before it in which other threads still run module code.
  if (step.do === 'unload' && w.count > 0) return 'waits';
  t.step += 1;
  if (step.do === 'unload') {
    w.state.module = 'gone';
    noteWrite(w.state, 'M');
    w.steps = {
      step: {
        thread, actor: actor.name, function: 'module unload', text: 'module text and data freed',
        anchor: { file: 'kernel/module.c', origin: 'model' }, note: 'every function of the module is gone from here on',
      },
      before: w.steps,
    };
    return 'started';
  }
  const fn = ctx.scenario.functions.get(step.fn);
  if (!fn) return 'started';
  const frame = newFrame(fn.name, fn.entry);
  fn.params.forEach((param, i) => {
    frame.regs[param.name] = bindArg(w.state, step.args[i], ctx, argumentKey(thread, t.step - 1, i));
  });
  t.frames.push(frame);
  return 'started';
}

/** Where createArguments keeps the object of argument `i` of step `step` of `thread`. */
const argumentKey = (thread: number, step: number, i: number): string => `${thread}:${step}:${i}`;

/**
 * Makes, in a state before anything runs, the object each unknown pointer argument of a script call
 * points to (the caller's own, say compaction's `struct compact_control`). Made when the call starts,
 * their ids would depend on which thread allocated first, and every interleaving of two threads'
 * allocations would be a state of its own, alike but for the numbering.
 */
export function createArguments(state: SimState, ctx: WorldContext): void {
  const actors = ctx.scenario.setup ? [ctx.scenario.setup, ...ctx.scenario.actors] : ctx.scenario.actors;
  actors.forEach((actor, thread) => {
    actor.script.forEach((step, index) => {
      if (step.do !== 'call') return;
      ctx.scenario.functions.get(step.fn)?.params.forEach((param, i) => {
        if (step.args[i]?.kind !== 'unknown' || !param.type.includes('*')) return;
        ctx.arguments.set(argumentKey(thread, index, i), newObject(state, baseType(param.type), actor.device, false, thread, false));
      });
    });
  });
}

function bindArg(state: SimState, spec: ArgSpec | undefined, ctx: WorldContext, at: string): Value {
  if (!spec) return UNKNOWN;
  switch (spec.kind) {
    case 'value':
      return spec.value;
    case 'unknown':
      return ctx.arguments.get(at) ?? UNKNOWN;
    case 'device-core': {
      const found = state.objects.findIndex((o) => o.kind === 'device' && o.device === spec.device);
      return found >= 0 ? pointerTo(found) : UNKNOWN;
    }
    case 'device-object': {
      noteRead(state, 'A');
      const found = state.objects.findIndex((o, i) => i > 0 && o.kind === 'object' && o.device === spec.device && o.type === spec.type && o.live);
      return found >= 0 ? pointerTo(found) : newObject(state, spec.type, spec.device, false, -1, false);
    }
  }
}

const baseType = (type: string): string => type.replace(/\*/g, '').replace(/\bconst\b/g, '').trim();

/**
 * A fresh object. An allocation takes a freed object's slot first, as an allocator would; a stand-in
 * for an object the model knows nothing of (what hidden lines assigned, a device's state no probe
 * made) takes a new one, since nothing says it is the freed one.
 */
function newObject(state: SimState, type: string, device: number, zeroed: boolean, owner: number, allocated = true): Value {
  const reuse = allocated ? state.objects.findIndex((o) => o.kind === 'object' && !o.live) : -1;
  const object = { kind: 'object' as const, type, live: true, fields: {}, device, zeroed, owner };
  const id = placeObject(state, object, reuse >= 0 ? reuse : undefined);
  noteWrite(state, 'A');
  noteWrite(state, `O:${id}`);
  noteWrite(state, `${id}.*`);
  return pointerTo(id);
}

/** A local the hidden lines assigned: a pointer, or a struct of this frame, gets a fresh object of its type. */
function materializer(state: SimState, thread: number, fn: FunctionProgram, ctx: WorldContext): (name: string) => Value {
  return (name) => {
    const declared = [...fn.locals, ...fn.params].find((l) => l.name === name);
    if (!declared) return UNKNOWN;
    const localStruct = declared.type.startsWith('struct') && fn.locals.some((l) => l.name === name);
    if (!declared.type.includes('*') && !localStruct) return UNKNOWN;
    return newObject(state, baseType(declared.type), scriptOf(ctx, thread).device, false, thread, false);
  };
}

/** Whether the operation can run now; a lock held by another thread, or an unflushed buffer before a release, waits. */
function enabled(state: SimState, thread: number, op: Op, fn: FunctionProgram, ctx: WorldContext): boolean {
  const t = state.threads[thread]!;
  const frame = t.frames[t.frames.length - 1]!;
  const materialize = (): Value => UNKNOWN;
  if (op.kind === 'lock') {
    // An unlock is a release: everything this CPU did before it is visible first.
    if (op.action === 'release' && (t.buffer.length > 0 || t.deferred.length > 0)) return false;
    if (op.action === 'acquire' && op.lockClass !== 'rcu') {
      const key = lockKey(op, frame, ctx, materialize);
      if (key !== undefined) noteRead(state, `K:${key}`);
      noteLock(state, futureLockName(op));
      const holder = key !== undefined ? state.locks[key] : undefined;
      if (holder !== undefined && holder !== thread) return false;
      if (t.deferred.length > 0) return false;
    }
  }
  // rmb orders loads only: it waits for late loads, not for the store buffer; mb waits for both.
  if (op.kind === 'barrier' && op.barrier === 'full' && (t.buffer.length > 0 || t.deferred.length > 0)) return false;
  if (op.kind === 'barrier' && op.barrier === 'read' && t.deferred.length > 0) return false;
  if (op.kind === 'store' && op.order === 'release' && (t.buffer.length > 0 || t.deferred.length > 0)) return false;
  // An acquire load waits for nothing: it orders what follows it, so older late loads may stay late.
  // Late loads land in the frame that issued them, and a frame's registers go at its return.
  if ((op.kind === 'return' || op.kind === 'call') && t.deferred.length > 0) return false;
  // Value-returning atomics on the refcount (get_page_unless_zero, put_page_testzero) are full barriers.
  if ((op.kind === 'pageref' && op.action !== 'count') || (op.kind === 'free' && op.what === 'page')) {
    if (t.buffer.length > 0 || t.deferred.length > 0) return false;
  }
  if (t.deferred.length > 0 && !movedDeferred(op, t.deferred, fn, ctx) && usesDeferred(op, t.deferred.map((d) => d.reg))) return false;
  return true;
}

/** Whether the operation reads or overwrites a register a late load has yet to fill: temps and locals alike. */
function usesDeferred(op: Op, regs: string[]): boolean {
  const text = JSON.stringify(op);
  return regs.some((r) => {
    if (op.kind === 'assign' && op.local === r) return true;
    const temp = /^t(\d+)$/.exec(r);
    if (temp && text.includes(`"k":"temp","id":${temp[1]}}`)) return true;
    return text.includes(`"k":"name","name":${JSON.stringify(r)},"scope":"local"`);
  });
}

/**
 * `r0 = t1` where `t1` is a late load's temp that dies here only renames the register the load will
 * fill: the load stays late. Without this the copy every `r0 = READ_ONCE(*x)` lowers to would force
 * each load at once and no load could ever be satisfied after a younger access.
 */
function movedDeferred(op: Op, deferred: readonly DeferredLoad[], fn: FunctionProgram, ctx: WorldContext): DeferredLoad | undefined {
  if (op.kind !== 'assign') return undefined;
  const source = op.value.k === 'temp' ? `t${op.value.id}` : op.value.k === 'name' && op.value.scope === 'local' ? op.value.name : undefined;
  const load = deferred.find((d) => d.reg === source);
  if (!load || deferred.some((d) => d.reg === op.local)) return undefined;
  const liveAfter = ctx.liveness.get(fn.name)?.[op.succ[0] ?? -1];
  return liveAfter && !liveAfter.has(source!) ? load : undefined;
}

function lockKey(op: OpOf<'lock'>, frame: Frame, ctx: WorldContext, materialize: (name: string) => Value): string | undefined {
  if (op.lockClass === 'rcu') return 'rcu';
  const value = evaluate(op.lock, frame, ctx, materialize);
  if (!value.startsWith('@')) return undefined;
  return op.lockClass === 'page' ? `${value.slice(1)}.PG_locked` : value.slice(1);
}

interface Fork {
  state: SimState;
  step?: TraceStep;
  violation?: Fault;
}

function traceStep(thread: number, fn: FunctionProgram, op: Op, ctx: WorldContext, note?: string, extra: Partial<TraceStep> = {}): TraceStep {
  const step: TraceStep = { thread, actor: actorName(ctx, thread), function: fn.name, text: op.text, anchor: op.anchor, ...extra };
  if (note) step.note = note;
  return step;
}

const TRACED = new Set(['load', 'store', 'list', 'lock', 'alloc', 'free', 'pageref', 'barrier', 'bug', 'branch', 'call', 'return', 'gap', 'spawn']);

const UNSIGNED = /\bunsigned\b|\bsize_t\b|\bu(8|16|32|64)\b/;

/** Executes the operation; may fork the state for nondeterministic outcomes. */
function execute(state: SimState, thread: number, current: { fn: FunctionProgram; op: Op; frame: Frame }, ctx: WorldContext): Fork[] {
  const { fn, op, frame } = current;
  const t = state.threads[thread]!;
  const materialize = materializer(state, thread, fn, ctx);
  const value = (e: Parameters<typeof evaluate>[0]): Value => evaluate(e, frame, ctx, materialize);
  const next = (s: SimState, target = op.succ[0]): void => {
    const f = s.threads[thread]!.frames[s.threads[thread]!.frames.length - 1]!;
    f.pc = target ?? f.pc;
  };
  const step = (extra: Partial<TraceStep> = {}, note?: string): TraceStep | undefined =>
    TRACED.has(op.kind) ? traceStep(thread, fn, op, ctx, note, extra) : undefined;
  const single = (extra: Partial<TraceStep> = {}, note?: string): Fork[] => {
    next(state);
    const s = step(extra, note);
    return [s ? { state, step: s } : { state }];
  };

  // A no-op is the control-flow graph's own (a function's entry, a join): the first statement that
  // runs in freed module text is where a reader looks for the problem.
  if (op.kind !== 'nop' && ctx.scenario.moduleFunctions.has(fn.name)) {
    noteRead(state, 'M');
    if (state.module === 'gone') fault('use-after-free', `${fn.name} runs after the module was unloaded: its code is gone`, `module-code ${fn.name}`);
  }

  switch (op.kind) {
    case 'nop':
    case 'jump':
      return single();
    case 'gap': {
      frame.hidden = true;
      if (!op.exits) return single({}, 'lines the patch does not show: treated as code with no synchronisation');
      const leaves = cloneState(state, thread);
      const lt = leaves.threads[thread]!;
      const leaving = popFrame(lt);
      const caller = lt.frames[lt.frames.length - 1];
      if (caller && leaving.dest) caller.regs[leaving.dest] = UNKNOWN;
      const note = 'lines the patch does not show, ending at a label: they may return';
      const leave = { state: leaves, step: traceStep(thread, fn, op, ctx, `${note}; this path does (lock state there unknown)`) };
      if (op.exitsOnly) return [leave];
      return [...single({}, note), { state: leaves, step: traceStep(thread, fn, op, ctx, `${note}; this path does (lock state there unknown)`) }];
    }
    case 'assign': {
      const moved = movedDeferred(op, t.deferred, fn, ctx);
      if (moved) {
        // States share deferred entries (a shallow copy): replace the entry, never change it.
        t.deferred[t.deferred.indexOf(moved)] = { ...moved, reg: op.local };
        return single();
      }
      const v = value(op.value);
      frame.regs[op.local] = v;
      const declared = fn.locals.find((l) => l.name === op.local);
      const target = objectOf(v);
      if (declared && target !== undefined && state.objects[target]?.kind === 'object' && state.objects[target]!.type === '') {
        noteWrite(state, `T:${target}`);
        mutableObject(state, target).type = baseType(declared.type);
      }
      return single();
    }
    case 'branch': {
      const v = value(op.cond);
      const taken = truth(v);
      if (taken !== undefined) {
        next(state, op.succ[taken ? 0 : 1]);
        return [{ state, step: traceStep(thread, fn, op, ctx, undefined, { decision: taken }) }];
      }
      // A BUG() behind a condition the model cannot decide is no evidence of anything: only the other way is taken.
      const isBug = (target: number | undefined): boolean => {
        const t = target !== undefined ? fn.ops[target] : undefined;
        return t?.kind === 'bug' && t.level === 'bug';
      };
      if (isBug(op.succ[0]) || isBug(op.succ[1])) {
        const taken = isBug(op.succ[0]) ? 1 : 0;
        next(state, op.succ[taken]);
        return [{ state, step: traceStep(thread, fn, op, ctx, undefined, { decision: taken === 0 }) }];
      }
      const other = cloneState(state, thread);
      const isUnsigned = (register: string): boolean =>
        UNSIGNED.test([...fn.locals, ...fn.params].find((l) => l.name === register)?.type ?? '');
      Object.assign(frame.regs, refine(op.cond, true, frame, isUnsigned));
      const otherFrame = other.threads[thread]!.frames[other.threads[thread]!.frames.length - 1]!;
      Object.assign(otherFrame.regs, refine(op.cond, false, otherFrame, isUnsigned));
      next(state, op.succ[0]);
      next(other, op.succ[1]);
      return [
        { state, step: traceStep(thread, fn, op, ctx, undefined, { decision: true }) },
        { state: other, step: traceStep(thread, fn, op, ctx, undefined, { decision: false }) },
      ];
    }
    case 'load': {
      const location = locationOf(op.source, frame, ctx, materialize);
      if (location === undefined) {
        frame.regs[`t${op.dest}`] = UNKNOWN;
        return single();
      }
      checkLive(state, location, 'read');
      noteObservation(state, thread, location, op);
      // Same-location loads stay in order (read-read coherence), whether this one is late or not.
      for (const d of t.deferred.filter((x) => x.loc === location)) performDeferred(state, thread, d.reg);
      const forks: Fork[] = [];
      if (ctx.scenario.deferLoads && op.order !== 'acquire') {
        const deferred = cloneState(state, thread);
        const dt = deferred.threads[thread]!;
        dt.deferred.push({ reg: `t${op.dest}`, loc: location, op: `${fn.name}#${op.id}` });
        next(deferred);
        forks.push({ state: deferred, step: traceStep(thread, fn, op, ctx, 'load issued, satisfied later', { location: locationName(state, location), access: 'read' }) });
      }
      const v = readMemory(state, thread, location);
      frame.regs[`t${op.dest}`] = v;
      next(state);
      forks.unshift({ state, step: traceStep(thread, fn, op, ctx, undefined, { location: locationName(state, location), access: 'read' }) });
      return forks;
    }
    case 'store': {
      const v = value(op.value);
      const location = locationOf(op.target, frame, ctx, materialize);
      if (location === undefined) return single();
      checkLive(state, location, 'write');
      for (const d of t.deferred.filter((x) => x.loc === location)) performDeferred(state, thread, d.reg);
      store(state, thread, location, v, `${fn.name}#${op.id}`, ctx, isProtected(op, t.held, thread, state, ctx) || isPrivate(op, thread, state, ctx));
      return single({ location: locationName(state, location), access: 'write' });
    }
    case 'barrier': {
      if (op.barrier === 'write' && t.buffer.length > 0) {
        t.buffer.push({ loc: '|', value: '', op: `${fn.name}#${op.id}` });
      }
      if (op.barrier === 'read' || op.barrier === 'full') {
        for (const d of [...t.deferred]) performDeferred(state, thread, d.reg);
      }
      return single();
    }
    case 'lock':
      return executeLock(state, thread, fn, op, frame, ctx, materialize, single);
    case 'list':
      return executeList(state, thread, fn, op, frame, ctx, materialize, single, value);
    case 'alloc':
      return executeAlloc(state, thread, fn, op, frame, ctx, next, step);
    case 'free': {
      const target = value(op.target);
      freeValue(state, target, thread);
      return single({ location: target.startsWith('@') ? locationName(state, target.slice(1)) : undefined, access: 'write' });
    }
    case 'pageref':
      return executePageRef(state, thread, op, frame, value, single);
    case 'bug':
      if (op.level === 'bug') fault('bug', `${op.api} reached`);
      return single({}, `${op.api} fires`);
    case 'spawn':
      // The new task: a pointer like any other, never an error pointer (the scenario's allocations succeed).
      frame.regs[`t${op.dest}`] = newObject(state, 'struct task_struct', scriptOf(ctx, thread).device, false, -1);
      return single();
    case 'call':
      return executeCall(state, thread, fn, op, frame, ctx, value, next, single);
    case 'return':
      return executeReturn(state, thread, fn, op, frame, ctx, value);
  }
}

/** A read that misses an older store another CPU made while a younger one is visible: the reordering is observed. */
function noteObservation(state: SimState, thread: number, location: string, op: Op): void {
  noteRead(state, 'R');
  if (state.reordering) return;
  const t = state.threads[thread]!;
  const reader = `${t.frames[t.frames.length - 1]?.fn ?? ''}#${op.id}`;
  state.threads.forEach((other, i) => {
    if (i === thread || state.reordering) return;
    noteRead(state, `B:${i}:${location}`);
    const stale = other.buffer.find((p) => p.loc === location && p.overtakenBy !== undefined);
    if (stale) {
      state.reordering = { older: stale.op, younger: stale.overtakenBy!, reader, location: locationName(state, location) };
      noteWrite(state, 'R');
    }
  });
}

/** Whether this thread's stores may sit in a store buffer: not the setup, which runs alone. */
function buffers(thread: number, ctx: WorldContext): boolean {
  return ctx.scenario.relaxedStores && !(ctx.scenario.setup && thread === 0);
}

/** A pointer stored where others can read it makes its object (and what it points to) shared. */
function publish(state: SimState, value: Value): void {
  const work = [value];
  while (work.length > 0) {
    const id = objectOf(work.pop()!);
    const object = id !== undefined ? state.objects[id] : undefined;
    if (!object || object.owner < 0) continue;
    noteWrite(state, `W:${id!}`);
    mutableObject(state, id!).owner = -1;
    work.push(...Object.values(object.fields));
  }
}

function store(state: SimState, thread: number, location: string, v: Value, opRef: string, ctx: WorldContext, hidden: boolean): void {
  const target = state.objects[objectIdOf(location)];
  noteRead(state, `W:${objectIdOf(location)}`);
  if (target?.owner !== thread) publish(state, v);
  if (target?.owner === thread) {
    writeCommitted(state, location, v);
    return;
  }
  if (buffers(thread, ctx) && !hidden) {
    // No footprint key: the other CPUs read memory, and a buffered entry only shows in what they
    // see once a younger store overtakes it, which its commit records.
    state.threads[thread]!.buffer.push({ loc: location, value: v, op: opRef });
    return;
  }
  writeCommitted(state, location, v);
}

export function performDeferred(state: SimState, thread: number, reg: string): void {
  const t = state.threads[thread]!;
  const index = t.deferred.findIndex((d) => d.reg === reg);
  if (index < 0) return;
  const [d] = t.deferred.splice(index, 1);
  const frame = t.frames[t.frames.length - 1];
  if (frame) frame.regs[d!.reg] = readMemory(state, thread, d!.loc);
}

/** Buffered entries of `thread` that may become visible now: the oldest per location, none past a fence. */
export function committable(state: SimState, thread: number): number[] {
  const buffer = state.threads[thread]!.buffer;
  const seen = new Set<string>();
  const result: number[] = [];
  for (let i = 0; i < buffer.length; i += 1) {
    const entry = buffer[i]!;
    if (entry.loc === '|') break;
    if (!seen.has(entry.loc)) result.push(i);
    seen.add(entry.loc);
  }
  return result;
}

/** Makes buffered entry `index` of `thread` visible to every CPU. */
export function commit(state: SimState, thread: number, index: number): { location: string; op: string } {
  const t = state.threads[thread]!;
  const [entry] = t.buffer.splice(index, 1);
  noteWrite(state, `B:${thread}:${entry!.loc}`);
  for (let i = 0; i < index; i += 1) {
    const older = t.buffer[i]!;
    if (older.loc !== '|' && older.loc !== entry!.loc && older.overtakenBy === undefined) {
      // States share buffer entries (a thread's copy copies the array only): replace, never change.
      t.buffer[i] = { ...older, overtakenBy: entry!.op };
      noteWrite(state, `B:${thread}:${older.loc}`);
    }
  }
  while (t.buffer[0]?.loc === '|') t.buffer.shift();
  if (entry!.loc === LIST_LOCATION) {
    changeLists(state, decodeListChange(entry!.value));
  } else {
    writeCommitted(state, entry!.loc, entry!.value);
  }
  return { location: entry!.loc, op: entry!.op };
}

function executeLock(
  state: SimState, thread: number, fn: FunctionProgram, op: OpOf<'lock'>, frame: Frame, ctx: WorldContext,
  materialize: (name: string) => Value, single: (extra?: Partial<TraceStep>, note?: string) => Fork[],
): Fork[] {
  const key = lockKey(op, frame, ctx, materialize);
  const t = state.threads[thread]!;
  if (op.sleeps && holdsSpinlock(state, thread)) {
    fault('sleep-in-atomic', `${op.api} may sleep, but ${heldSpinlocks(state, thread)} is held`);
  }
  if (key === undefined || op.action === 'init') {
    if (op.dest !== undefined) frame.regs[`t${op.dest}`] = '1';
    return single();
  }
  if (op.lockClass === 'rcu') {
    if (op.action === 'acquire') frame.taken.push(key);
    else frame.taken.splice(frame.taken.lastIndexOf(key), 1);
    return single();
  }
  const lockLabel = locationName(state, key.replace(/\.PG_locked$/, '')) + (key.endsWith('.PG_locked') ? ' page lock' : '');
  const staticName = lockName(op.lock) ?? key;
  const holder = state.locks[key];
  noteWrite(state, `K:${key}`);
  noteLock(state, futureLockName(op));
  const take = (): void => {
    mutableRecord(state, 'locks')[key] = thread;
    mutableRecord(state, 'lockKinds')[key] = op.lockClass;
    frame.taken.push(key);
    t.held.push(staticName);
  };
  if (op.action === 'acquire') {
    if (holder === thread) fault('deadlock', `${op.api} of ${lockLabel}, which this thread already holds: it waits for itself`);
    take();
    return single({ location: lockLabel });
  }
  if (op.action === 'try') {
    const free = holder === undefined;
    if (free) take();
    frame.regs[`t${op.dest}`] = free ? '1' : '0';
    return single({ location: lockLabel }, free ? 'acquired' : 'busy');
  }
  if (holder !== thread && frame.hidden) {
    // Unknown, not wrong: the lines the patch does not show may have taken it. If another thread
    // holds it, they would still be waiting for it: this path cannot happen.
    if (holder !== undefined) return [];
    return single({ location: lockLabel }, 'not taken in the lines the patch shows: the hidden lines may have');
  }
  if (holder !== thread) {
    fault('bad-unlock', holder === undefined ? `${op.api} of ${lockLabel}, which is not locked` : `${op.api} of ${lockLabel}, held by another thread`);
  }
  delete mutableRecord(state, 'locks')[key];
  const heldAt = t.held.lastIndexOf(staticName);
  if (heldAt >= 0) t.held.splice(heldAt, 1);
  const index = frame.taken.lastIndexOf(key);
  if (index >= 0) frame.taken.splice(index, 1);
  else {
    const at = t.frames.findIndex((f) => f.taken.includes(key));
    if (at >= 0) {
      const owner = ownFrame(t, at);
      owner.taken.splice(owner.taken.lastIndexOf(key), 1);
    }
  }
  return single({ location: lockLabel });
}

function holdsSpinlock(state: SimState, thread: number): boolean {
  return Object.entries(state.locks).some(([key, holder]) => holder === thread && (state.lockKinds[key] === 'spinlock' || state.lockKinds[key] === 'rwlock'));
}

function heldSpinlocks(state: SimState, thread: number): string {
  return Object.entries(state.locks)
    .filter(([key, holder]) => holder === thread && (state.lockKinds[key] === 'spinlock' || state.lockKinds[key] === 'rwlock'))
    .map(([key]) => locationName(state, key)).join(', ');
}

function executeList(
  state: SimState, thread: number, fn: FunctionProgram, op: OpOf<'list'>, frame: Frame, ctx: WorldContext,
  materialize: (name: string) => Value, single: (extra?: Partial<TraceStep>, note?: string) => Fork[], value: (e: Parameters<typeof evaluate>[0]) => Value,
): Fork[] {
  const entryValue = op.entry ? value(op.entry) : UNKNOWN;
  const headValue = op.head ? value(op.head) : UNKNOWN;
  const entry = entryValue.startsWith('@') ? entryValue.slice(1) : undefined;
  const head = headValue.startsWith('@') ? headValue.slice(1) : undefined;
  const view = listView(state, thread);
  const setDest = (v: Value): void => {
    if (op.dest !== undefined) frame.regs[`t${op.dest}`] = v;
  };
  switch (op.action) {
    case 'init':
      if (head !== undefined) {
        checkLive(state, head, 'list');
        noteWrite(state, `H:${head}`);
        noteWrite(state, `D:${head}`);
        for (const entry of state.lists[head] ?? []) noteWrite(state, `L:${entry}`);
        mutableRecord(state, 'lists')[head] = [];
        const device = scriptOf(ctx, thread).device;
        if (device >= 0 && /probe/.test(scriptOf(ctx, thread).name)) mutableRecord(state, 'deviceLists')[head] = device;
      }
      return single({ location: head ? locationName(state, head) : undefined, access: 'write' });
    case 'empty':
      if (head !== undefined) noteRead(state, `H:${head}`);
      setDest(head === undefined ? UNKNOWN : (view[head]?.length ?? 0) === 0 ? '1' : '0');
      return single({ location: head ? locationName(state, head) : undefined, access: 'read' });
    case 'first_entry':
    case 'iter_first': {
      if (head !== undefined) noteRead(state, `H:${head}`);
      const first = head !== undefined ? view[head]?.[0] : undefined;
      setDest(first !== undefined ? containerOf(first) : head === undefined ? UNKNOWN : NULL);
      if (head !== undefined) noteObservation(state, thread, LIST_LOCATION, op);
      return single({ location: head ? locationName(state, head) : undefined, access: 'read' });
    }
    case 'iter_next': {
      if (head !== undefined) noteRead(state, `H:${head}`);
      const entries = head !== undefined ? view[head] ?? [] : [];
      const at = entry !== undefined ? entries.findIndex((e) => objectIdOf(e) === objectIdOf(entry)) : -1;
      const following = at >= 0 ? entries[at + 1] : undefined;
      setDest(following !== undefined ? containerOf(following) : NULL);
      return single({ access: 'read' });
    }
    case 'splice':
      return single();
    default:
      break;
  }
  if (entry === undefined) return single();
  checkLive(state, entry, 'list');
  if (op.action === 'add' || op.action === 'add_tail' || op.action === 'move' || op.action === 'move_tail') {
    if (head === undefined) return single();
    if (op.action === 'move' || op.action === 'move_tail') listChange(state, thread, { op: 'del', entry }, view, ctx, op);
    checkOwner(state, entry, head);
    listChange(state, thread, { op: 'add', entry, head, tail: op.action.endsWith('tail') }, listView(state, thread), ctx, op);
    return single({ location: `${locationName(state, entry)} (onto ${locationName(state, head)})`, access: 'write' });
  }
  noteObservation(state, thread, LIST_LOCATION, op);
  noteRead(state, `L:${entry}`);
  const from = listOf(view, entry);
  listChange(state, thread, { op: 'del', entry }, view, ctx, op);
  return single({ location: `${locationName(state, entry)}${from ? ` (off ${locationName(state, from)})` : ''}`, access: 'write' });
}

/** A page of one device put on another device's balloon list. */
function checkOwner(state: SimState, entry: string, head: string): void {
  noteRead(state, `D:${head}`);
  const device = state.deviceLists[head];
  if (device === undefined) return;
  const page = String(objectIdOf(entry));
  noteWrite(state, `P:${page}`);
  const owner = state.pageOwner[page];
  if (owner === undefined) {
    mutableRecord(state, 'pageOwner')[page] = device;
    return;
  }
  if (owner !== device) {
    fault('wrong-device', `${locationName(state, page)} of device ${owner} is put on the balloon list of device ${device}`);
  }
}

function listChange(state: SimState, thread: number, change: ListChange, view: Record<string, string[]>, ctx: WorldContext, op: Op): void {
  // Check against what this CPU sees now, as CONFIG_DEBUG_LIST would at the call; on a shallow copy,
  // as a change replaces a head's array and never changes one.
  applyListChange(state, { ...view }, change);
  const t = state.threads[thread]!;
  if (buffers(thread, ctx) && !isProtected(op, t.held, thread, state, ctx)) {
    const fn = t.frames[t.frames.length - 1]!.fn;
    t.buffer.push({ loc: LIST_LOCATION, value: encodeListChange(change), op: `${fn}#${op.id}` });
  } else {
    changeLists(state, change);
  }
}

function executeAlloc(
  state: SimState, thread: number, fn: FunctionProgram, op: OpOf<'alloc'>, frame: Frame, ctx: WorldContext,
  next: (s: SimState, target?: number) => void, step: (extra?: Partial<TraceStep>, note?: string) => TraceStep | undefined,
): Fork[] {
  if (op.sleeps && holdsSpinlock(state, thread)) {
    fault('sleep-in-atomic', `${op.api} with ${op.flags.join('|') || 'sleeping flags'} may sleep, but ${heldSpinlocks(state, thread)} is held`);
  }
  const forks: Fork[] = [];
  if (ctx.scenario.allocationsMayFail) {
    const failed = cloneState(state, thread);
    failed.threads[thread]!.frames[failed.threads[thread]!.frames.length - 1]!.regs[`t${op.dest}`] = NULL;
    next(failed);
    forks.push({ state: failed, step: traceStep(thread, fn, op, ctx, 'allocation fails') });
  }
  if (op.what === 'page') {
    noteRead(state, 'A');
    const page = ctx.pageIds.find((id) => state.objects[id]!.fields['_state'] === 'free');
    if (page === undefined) return forks;
    noteWrite(state, 'A');
    noteWrite(state, `${page}.*`);
    mutableObject(state, page).fields = { _state: 'used', _count: '1', mapping: NULL };
    frame.regs[`t${op.dest}`] = pointerTo(page);
  } else {
    frame.regs[`t${op.dest}`] = newObject(state, '', scriptOf(ctx, thread).device, op.api.includes('z'), thread);
  }
  next(state);
  const s = step({}, undefined);
  forks.unshift(s ? { state, step: s } : { state });
  return forks;
}

function freeValue(state: SimState, target: Value, thread: number): void {
  const id = objectOf(target);
  if (id === undefined) return;
  const object = state.objects[id]!;
  if (object.kind === 'page') {
    dropPageRef(state, id, thread);
    return;
  }
  if (object.kind !== 'object') return;
  noteWrite(state, `O:${id}`);
  noteWrite(state, 'A');
  if (!object.live) fault('use-after-free', `${locationName(state, String(id))} is freed twice`);
  mutableObject(state, id).live = false;
}

function dropPageRef(state: SimState, page: number, thread?: number): void {
  noteWrite(state, `${page}._count`);
  noteRead(state, `${page}._state`);
  const object = mutableObject(state, page);
  if (object.fields['_state'] === 'free') fault('use-after-free', `${locationName(state, String(page))} is freed again after it went back to the allocator`);
  const count = Number(object.fields['_count'] ?? '1') - 1;
  object.fields['_count'] = String(Math.max(0, count));
  if (count > 0) return;
  noteRead(state, `L:${page}.lru`);
  noteWrite(state, `${page}.*`);
  noteWrite(state, 'A');
  noteWrite(state, `P:${page}`);
  const onList = listOf(thread === undefined ? state.lists : listView(state, thread), `${page}.lru`);
  if (onList !== undefined) fault('list-corruption', `${locationName(state, String(page))} is freed while still on ${locationName(state, onList)}`);
  const mapping = committedValue(state, `${page}.mapping`);
  if (mapping !== NULL && mapping !== UNKNOWN) fault('stale-mapping', `${locationName(state, String(page))} is freed with page->mapping still set`);
  object.fields = { _state: 'free', _count: '0', mapping: NULL };
  delete mutableRecord(state, 'pageOwner')[String(page)];
}

function executePageRef(
  state: SimState, thread: number, op: OpOf<'pageref'>, frame: Frame, value: (e: Parameters<typeof evaluate>[0]) => Value,
  single: (extra?: Partial<TraceStep>, note?: string) => Fork[],
): Fork[] {
  const page = objectOf(value(op.page));
  const object = page !== undefined ? state.objects[page] : undefined;
  if (page === undefined || object?.kind !== 'page') {
    if (op.dest !== undefined) frame.regs[`t${op.dest}`] = UNKNOWN;
    return single();
  }
  const count = Number(object.fields['_count'] ?? '0');
  if (op.action === 'count') noteRead(state, `${page}._count`);
  else if (op.action !== 'put') noteWrite(state, `${page}._count`);
  switch (op.action) {
    case 'count':
      frame.regs[`t${op.dest}`] = String(count);
      return single({ location: `${locationName(state, String(page))} refcount`, access: 'read' });
    case 'get':
      mutableObject(state, page).fields['_count'] = String(count + 1);
      return single({ location: `${locationName(state, String(page))} refcount`, access: 'write' });
    case 'get_unless_zero':
      if (count > 0) mutableObject(state, page).fields['_count'] = String(count + 1);
      frame.regs[`t${op.dest}`] = count > 0 ? '1' : '0';
      return single({ location: `${locationName(state, String(page))} refcount`, access: 'write' });
    case 'put':
      dropPageRef(state, page, thread);
      return single({ location: `${locationName(state, String(page))} refcount`, access: 'write' });
  }
}

/**
 * An error pointer is the (negative) errno itself: no object lives there, so a pointer to one never
 * is an error, and allocations that the scenario lets succeed never take the error path.
 */
function errorPointerResult(api: (typeof ERROR_POINTER_APIS)[string], v: Value): Value {
  const isPointer = v.startsWith('@') || v.startsWith('&');
  // Not zero may be a pointer as well as an errno: only whether it is NULL is known.
  const undecided = v === UNKNOWN || v === NONZERO;
  switch (api) {
    case 'make':
    case 'errno':
      return isPointer ? NULL : v;
    case 'is-error':
      return undecided ? UNKNOWN : isPointer || v === NULL ? '0' : '1';
    case 'is-error-or-null':
      return undecided ? UNKNOWN : isPointer ? '0' : '1';
  }
}

/** `min(a, b)` and friends, when every operand is known. */
function boundOf(bound: (typeof BOUND_MACROS)[string], args: readonly Value[]): Value {
  const values = bound.operands.map((i) => toInt(args[i] ?? UNKNOWN));
  if (values.some((v) => v === undefined)) return UNKNOWN;
  const numbers = values as number[];
  return String(bound.pick === 'min' ? Math.min(...numbers) : Math.max(...numbers));
}

function executeCall(
  state: SimState, thread: number, fn: FunctionProgram, op: OpOf<'call'>, frame: Frame, ctx: WorldContext,
  value: (e: Parameters<typeof evaluate>[0]) => Value, next: (s: SimState, target?: number) => void,
  single: (extra?: Partial<TraceStep>, note?: string) => Fork[],
): Fork[] {
  const args = op.args.map(value);
  const target = op.callee ?? (op.target ? value(op.target) : UNKNOWN);
  const name = target.startsWith('&') ? target.slice(1) : op.callee;
  if (name === ANY_PAGE && op.dest !== undefined) {
    return ctx.pageIds.map((page, i) => {
      const s = i === ctx.pageIds.length - 1 ? state : cloneState(state, thread);
      const f = s.threads[thread]!.frames[s.threads[thread]!.frames.length - 1]!;
      f.regs[`t${op.dest}`] = pointerTo(page);
      next(s);
      return { state: s, step: traceStep(thread, fn, op, ctx, `picks page${page}`) };
    });
  }
  const bound = name ? BOUND_MACROS[name] : undefined;
  if (bound) {
    if (op.dest !== undefined) frame.regs[`t${op.dest}`] = boundOf(bound, args);
    return single();
  }
  const errorPointer = name ? ERROR_POINTER_APIS[name] : undefined;
  if (errorPointer) {
    if (op.dest !== undefined) frame.regs[`t${op.dest}`] = errorPointerResult(errorPointer, args[0] ?? UNKNOWN);
    return single();
  }
  if (name && SLEEPING_CALLS.has(name) && holdsSpinlock(state, thread)) {
    fault('sleep-in-atomic', `${name} may sleep, but ${heldSpinlocks(state, thread)} is held`);
  }
  const tooDeep = state.threads[thread]!.frames.length >= MAX_CALL_DEPTH;
  const callee = name && !tooDeep ? ctx.scenario.functions.get(name) : undefined;
  if (!callee) {
    if (op.dest !== undefined) frame.regs[`t${op.dest}`] = UNKNOWN;
    return single();
  }
  const calleeFrame = newFrame(callee.name, callee.entry, op.dest !== undefined ? `t${op.dest}` : undefined);
  callee.params.forEach((param, i) => {
    calleeFrame.regs[param.name] = args[i] ?? UNKNOWN;
  });
  next(state);
  state.threads[thread]!.frames.push(calleeFrame);
  return [{ state, step: traceStep(thread, fn, op, ctx, `calls ${callee.name}`) }];
}

/**
 * A held lock as the source spells it (`tb->lock`), when this function takes exactly one lock of its
 * class; otherwise as the simulator names the object.
 */
function heldLockName(state: SimState, fn: FunctionProgram, key: string): string {
  const spelled = new Set(fn.ops
    .filter((op): op is Op & OpOf<'lock'> => op.kind === 'lock' && (op.action === 'acquire' || op.action === 'try') && op.lockClass === state.lockKinds[key])
    .map((op) => /\(\s*&?\s*([^,)]+)/.exec(op.text)?.[1]?.trim())
    .filter((text): text is string => text !== undefined));
  return spelled.size === 1 ? [...spelled][0]! : locationName(state, key.replace(/\.PG_locked$/, ''));
}

function executeReturn(
  state: SimState, thread: number, fn: FunctionProgram, op: OpOf<'return'>, frame: Frame, ctx: WorldContext,
  value: (e: Parameters<typeof evaluate>[0]) => Value,
): Fork[] {
  const result = op.value ? value(op.value) : UNKNOWN;
  const t = state.threads[thread]!;
  if (frame.taken.length > 0) {
    const held = frame.taken.filter((k) => k !== 'rcu').map((k) => heldLockName(state, fn, k));
    fault('lock-leak', `${fn.name} returns with ${held.length > 0 ? held.join(', ') : 'rcu_read_lock'} held`);
  }
  popFrame(t);
  const caller = t.frames[t.frames.length - 1];
  if (caller && frame.dest) caller.regs[frame.dest] = result;
  if (!caller) {
    if (ctx.scenario.keepRegisters) t.vars = { ...frame.regs };
    const started = scriptOf(ctx, thread).script[t.step - 1];
    if (started?.do === 'call' && started.mustSucceed && result !== NULL && result !== UNKNOWN) {
      // A failed probe: the device never comes up, so nothing the scenario races can happen. The
      // other threads are shared with other states (copy on write): replace them, never change them.
      noteWrite(state, EVERYTHING);
      state.threads = state.threads.map((other, i) => finishedThread(other, scriptOf(ctx, i).script.length));
    }
  }
  return [{ state, step: traceStep(thread, fn, op, ctx, undefined) }];
}
