import type { FunctionProgram, Op } from '../model/program.js';
import type { Anchor } from '../model/program.js';
import type { Coverage, TraceStep, Verdict, Violation } from '../model/verdict.js';
import { actorName, commit, committable, createArguments, MAX_OPS_PER_STEP, mayRun, type Outcome, performDeferred, stepThread, waitsFor } from './machine.js';
import { computeLiveness } from './liveness.js';
import { commutesWithFutures } from './ample.js';
import { conflicts, emptyFootprint, type Footprint, recordInto, stopRecording } from './footprint.js';
import { FutureAccess } from './future-access.js';
import { computeProtection } from './locksets.js';
import type { Scenario } from './scenario.js';
import { cloneState, type HeapObject, initialSimState, NULL, type SimState, StateKeys } from './state.js';
import { decodeListChange, locationName, LIST_LOCATION, ViolationError, type WorldContext } from './world.js';

/**
 * Breadth-first search over interleavings and store commits with visited-state hashing, so the first
 * trace found to a violation is a shortest one the search took. Deterministic: threads, commits and
 * forks are expanded in a fixed order. Budgets stop the search with an `incomplete` verdict saying
 * what it covered.
 *
 * Sleep sets (Godefroid) cut the transitions: after a state ran transition `a`, its successor through
 * a later sibling `b` that commutes with `a` (their footprints do not conflict) need not run `a`
 * again, since `b a` ends where `a b` does. With a visited set this needs care: a state reached again
 * with a smaller sleep set runs the transitions it skipped the first time. Where stores are not
 * reordered, ample sets (ample.ts) also cut states: see {@link ampleTransitions}.
 */

export interface ExploreOptions {
  maxStates: number;
  /** Milliseconds; needs `now`. The core reads no clock of its own. */
  maxMillis?: number;
  now?: () => number;
  /** Merge operations on registers into the neighbouring visible step (the reduction); on by default. */
  reduce?: boolean;
  /** Sleep sets over commuting transitions; on with `reduce` by default. */
  sleepSets?: boolean;
  /** Ample sets where one thread commutes with the others' futures (sequentially consistent scenarios); on with `reduce` by default. */
  ampleSets?: boolean;
}

export interface Exploration {
  verdict: Verdict;
  /** Final states of runs where every thread finished (litmus tests read them). */
  finals: SimState[];
}

interface Node {
  parent: number;
  steps: TraceStep[];
}

function initialState(scenario: Scenario): { state: SimState; ctx: WorldContext } {
  const objects: HeapObject[] = [{ kind: 'globals', type: '', live: true, fields: {}, device: -1, zeroed: true, owner: -1 }];
  const globalObjects = new Map<string, number>();
  for (const global of scenario.globals) {
    if (!global.isObject) continue;
    const fields: Record<string, string> = {};
    for (const [field, fn] of Object.entries(global.fields ?? {})) fields[field] = `&${fn}`;
    objects.push({ kind: 'object', name: global.name, type: global.type, live: true, fields, device: -1, zeroed: true, owner: -1 });
    globalObjects.set(global.name, objects.length - 1);
  }
  for (let d = 0; d < scenario.devices; d += 1) {
    objects.push({ kind: 'device', type: 'device', live: true, fields: {}, device: d, zeroed: false, owner: -1 });
  }
  const pageIds: number[] = [];
  for (let p = 0; p < scenario.pages; p += 1) {
    objects.push({ kind: 'page', type: 'struct page', live: true, fields: { _state: 'free', _count: '0', mapping: NULL }, device: -1, zeroed: true, owner: -1 });
    pageIds.push(objects.length - 1);
  }
  const actors = (scenario.setup ? 1 : 0) + scenario.actors.length;
  const state = initialSimState(actors, objects);
  const moduleSteps = scenario.actors.some((a) => a.script.some((s) => s.do === 'unload'));
  const roots = [
    ...scenario.actors.flatMap((a) => a.script.flatMap((s) => (s.do === 'call' ? [s.fn] : []))),
    ...scenario.globals.flatMap((g) => Object.values(g.fields ?? {})),
  ];
  const protection = computeProtection(scenario.functions, roots);
  const indirect = scenario.globals.flatMap((g) => Object.values(g.fields ?? {}));
  const threadActors = [...(scenario.setup ? [scenario.setup] : []), ...scenario.actors];
  const concurrent = threadActors.map((_, i) => threadActors.map((__, j) => j).filter((j) => j !== i && !(scenario.setup && (i === 0 || j === 0))));
  const future = new FutureAccess(scenario.functions, indirect, threadActors.map((a) => a.script), LIST_LOCATION);
  const liveness = new Map([...scenario.functions.values()].map((fn) => [fn.name, computeLiveness(fn)]));
  const ctx: WorldContext = { scenario, globalObjects, pageIds, moduleSteps, reduce: true, protection, liveness, concurrent, future, keys: new StateKeys(), arguments: new Map() };
  createArguments(state, ctx);
  return { state, ctx };
}

/** One transition of a state: a step of a thread, a commit of one buffered store, or a late load landing. */
interface Transition {
  id: string;
  thread: number;
  outcomes: Outcome[];
  footprint: Footprint;
}

/** Sleeping transitions by id, with the footprint each had when it ran. */
type SleepSet = ReadonlyMap<string, Footprint>;

const NO_SLEEP: SleepSet = new Map();

function threadOfTransition(id: string): number {
  return Number(id.slice(1, id.indexOf(':')));
}

/**
 * The transitions of a state in a fixed order, each run to all its outcomes, except those `skip`
 * rules out (asleep, or already run): they are not even run.
 */
function transitionsOf(state: SimState, ctx: WorldContext, skip: (id: string) => boolean): Transition[] {
  return state.threads.flatMap((_, t) => threadTransitions(state, t, ctx, skip));
}

/** The transitions of thread `t`: its step, a commit of each committable store, each late load landing. */
function threadTransitions(state: SimState, t: number, ctx: WorldContext, skip: (id: string) => boolean): Transition[] {
  const out: Transition[] = [];
  const thread = state.threads[t]!;
  const stepId = `s${t}:`;
  if (!skip(stepId)) {
    const footprint = emptyFootprint();
    const outcomes = stepThread(state, t, ctx, footprint);
    if (outcomes.length > 0) out.push({ id: stepId, thread: t, outcomes, footprint });
  }
  for (const index of committable(state, t)) {
    const id = commitId(t, thread.buffer[index]!.loc);
    if (!skip(id)) out.push(commitTransition(state, t, index, ctx, id));
  }
  for (const d of thread.deferred) {
    const id = `d${t}:${d.reg}`;
    if (skip(id)) continue;
    const footprint = emptyFootprint();
    const next = cloneState(state, t);
    recordInto(next, footprint);
    performDeferred(next, t, d.reg);
    const outcome = { state: next, steps: [{ thread: t, actor: actorName(ctx, t), function: d.op.split('#')[0] ?? '', text: '(load satisfied)', anchor: anchorOfOp(ctx, d.op) }] };
    out.push({ id, thread: t, outcomes: [outcome], footprint });
  }
  for (const transition of out) endRecording(transition);
  return out;
}

function endRecording(transition: Transition): void {
  for (const outcome of transition.outcomes) {
    stopRecording(outcome.state);
    // Whether a violation counts as one seen under reordering depends on the path's reordering.
    if (outcome.violation) transition.footprint.reads.add('R');
  }
}

function commitId(thread: number, location: string): string {
  return `c${thread}:${location}`;
}

/** Buffered entry `index` of thread `t` becoming visible to the other CPUs. */
function commitTransition(state: SimState, t: number, index: number, ctx: WorldContext, id: string): Transition {
  const entry = state.threads[t]!.buffer[index]!;
  const footprint = emptyFootprint();
  const next = cloneState(state, t);
  recordInto(next, footprint);
  const step: TraceStep = {
    thread: t, actor: actorName(ctx, t), function: entry.op.split('#')[0] ?? '', text: opOf(ctx, entry.op)?.text ?? '(store)',
    anchor: anchorOfOp(ctx, entry.op), commit: true, note: 'becomes visible to the other CPUs',
    location: entry.loc === LIST_LOCATION ? locationName(next, decodeListChange(entry.value).entry) : locationName(next, entry.loc), access: 'write',
  };
  let outcome: Outcome;
  try {
    commit(next, t, index);
    outcome = { state: next, steps: [step] };
  } catch (error) {
    if (!(error instanceof ViolationError)) throw error;
    outcome = { state: next, steps: [step], violation: { ...error.fault, anchor: step.anchor, function: step.function } };
  }
  return { id, thread: t, outcomes: [outcome], footprint };
}

/**
 * Under store reordering, the oldest buffered store of a thread that no other thread may still
 * touch: when it becomes visible is nobody else's business, so committing it is the one transition
 * this state needs (a persistent set of one). Without this every order of a thread's commits among
 * its own later steps, once the others are past the location, was a state of its own. Its key in
 * the footprint, `B:`, only matters to a thread that reads the location, which no other will.
 */
function privateCommit(state: SimState, ctx: WorldContext, skip: (id: string) => boolean): Transition | undefined {
  for (let t = 0; t < state.threads.length; t += 1) {
    const entry = state.threads[t]!.buffer[0];
    if (entry === undefined || entry.loc === '|') continue;
    const id = commitId(t, entry.loc);
    if (skip(id)) continue;
    const transition = commitTransition(state, t, 0, ctx, id);
    endRecording(transition);
    const { reads, writes, locks } = transition.footprint;
    const own = { reads, writes: new Set([...writes].filter((key) => !key.startsWith('B:'))), locks };
    if (commutesWithFutures([own], ctx.future.ofAll(state.threads, ctx.concurrent[t]!))) return transition;
  }
  return undefined;
}

/** What may sleep after `siblings[at]` ran: the sleepers and earlier siblings that commute with it. */
function sleepAfter(siblings: readonly Transition[], at: number, sleeping: SleepSet): SleepSet {
  const ran = siblings[at]!;
  let next: Map<string, Footprint> | undefined;
  for (const [id, footprint] of sleeping) {
    if (threadOfTransition(id) !== ran.thread && !conflicts(footprint, ran.footprint)) (next ??= new Map()).set(id, footprint);
  }
  for (let i = 0; i < at; i += 1) {
    const sibling = siblings[i]!;
    if (sibling.thread !== ran.thread && !conflicts(sibling.footprint, ran.footprint)) (next ??= new Map()).set(sibling.id, sibling.footprint);
  }
  return next ?? NO_SLEEP;
}

/**
 * The transitions of the first thread whose transitions (those run here, and those asleep) commute
 * with what every other thread may still do, when none of their successors has been seen yet: its
 * transitions alone are enough here. Else every thread's. Threads after the one chosen are not run
 * at all. The cycle proviso (a successor already seen) keeps a thread from being put off forever
 * around a loop of states.
 */
function ampleTransitions(
  state: SimState, ctx: WorldContext, skip: (id: string) => boolean, sleep: SleepSet, seen: (s: SimState) => boolean,
): Transition[] {
  const ran: Transition[][] = [];
  const asleep: Footprint[][] = state.threads.map(() => []);
  for (const [id, footprint] of sleep) asleep[threadOfTransition(id)]?.push(footprint);
  const running = state.threads.flatMap((thread, j) => (thread.status === 'done' ? [] : [j]));
  for (let t = 0; t < state.threads.length; t += 1) {
    const own = threadTransitions(state, t, ctx, skip);
    ran.push(own);
    if (own.length + asleep[t]!.length === 0) continue;
    const others = running.flatMap((j) => (j === t || waitsFor(state, ctx, j, t) ? [] : [ctx.future.of(state.threads[j]!, j)]));
    if (!commutesWithFutures([...own.map((x) => x.footprint), ...asleep[t]!], others)) continue;
    if (own.some((x) => x.outcomes.some((o) => !o.violation && !o.pruned && seen(o.state)))) continue;
    return own;
  }
  return ran.flat();
}

function intersect(a: SleepSet, b: SleepSet): SleepSet {
  if (a.size === 0) return a;
  const both = new Map<string, Footprint>();
  for (const [id, footprint] of a) if (b.has(id)) both.set(id, footprint);
  return both;
}

function opOf(ctx: WorldContext, ref: string): Op | undefined {
  const [fn, id] = ref.split('#');
  const program: FunctionProgram | undefined = ctx.scenario.functions.get(fn ?? '');
  return program?.ops[Number(id)];
}

function anchorOfOp(ctx: WorldContext, ref: string): Anchor {
  return opOf(ctx, ref)?.anchor ?? { file: '?', origin: 'model' };
}

function stuck(state: SimState, ctx: WorldContext): boolean {
  const unfinished = state.threads.some((t) => t.status !== 'done');
  return unfinished && state.threads.every((_, i) => !mayRun(state, i, ctx) || stepThread(state, i, ctx).length === 0);
}

function violationKey(v: { kind: string; anchor: Anchor; message: string; key?: string }, reordered: boolean): string {
  const where = v.key ?? `${v.anchor.file}|${v.anchor.newLine ?? v.anchor.oldLine}|${v.message.replace(/\d+/g, 'N')}`;
  return `${v.kind}|${where}|${reordered}`;
}

function traceOf(nodes: Node[], index: number, last: TraceStep[]): TraceStep[] {
  const chunks: TraceStep[][] = [last];
  for (let i = index; i > 0; i = nodes[i]!.parent) chunks.push(nodes[i]!.steps);
  return chunks.reverse().flat();
}

export function explore(scenario: Scenario, options: ExploreOptions): Exploration {
  const { state: init, ctx } = initialState(scenario);
  const reduce = options.reduce ?? true;
  ctx.reduce = reduce;
  const keyOf = (s: SimState): string => ctx.keys.ofFinal(s);
  const visited = new Map<string, number>([[keyOf(init), 0]]);
  const nodes: Node[] = [{ parent: -1, steps: [] }];
  const states: (SimState | undefined)[] = [init];
  const violations = new Map<string, Violation>();
  const finals: SimState[] = [];
  const started = options.now?.() ?? 0;
  let transitions = 0;
  const unbounded = new Set<string>();
  let stoppedBy: Coverage['stoppedBy'];
  let head = 0;

  const record = (index: number, outcome: Outcome): void => {
    const v = outcome.violation!;
    if (scenario.checks && !scenario.checks.includes(v.kind)) return;
    // The setup runs one function after another, alone: what breaks there is each function's own
    // business, which its solo run reports with the path; here it only ends this path.
    if (scenario.setup && outcome.steps[outcome.steps.length - 1]?.thread === 0) return;
    const reordering = outcome.state.reordering;
    const key = violationKey(v, reordering !== undefined);
    if (violations.has(key)) return;
    // The setup ran alone before anything raced: its steps explain nothing about the interleaving.
    const trace = traceOf(nodes, index, outcome.steps).filter((s) => !(scenario.setup && s.thread === 0));
    // In the scenario's order, not the trace's: a shorter interleaving found another day names them alike.
    const actors = [...new Set([...trace].sort((a, b) => a.thread - b.thread).map((s) => s.actor))];
    const violation: Violation = {
      kind: v.kind, message: v.message, anchor: v.anchor, function: v.function, actors, reordered: reordering !== undefined, trace,
      involves: [...new Map(trace.map((s) => [`${s.anchor.file}:${s.anchor.newLine}`, s.anchor])).values()],
    };
    if (reordering) {
      violation.reordering = {
        older: anchorOfOp(ctx, reordering.older), younger: anchorOfOp(ctx, reordering.younger),
        reader: anchorOfOp(ctx, reordering.reader), readerFunction: reordering.reader.split('#')[0] ?? '', location: reordering.location,
      };
    }
    violations.set(key, violation);
  };

  const sleepSets = options.sleepSets ?? reduce;
  const ampleSets = (options.ampleSets ?? reduce) && !scenario.relaxedStores && !scenario.deferLoads;
  /** Per state: the sleep set it is (or was) expanded with; what a later, smaller one must still run. */
  const sleepOf = new Map<number, SleepSet>();
  const expanded = new Set<number>();
  /** Runs of a state still queued: the state is kept until the last. */
  const queuedRuns = new Map<number, number>();
  const queue: { index: number; only?: ReadonlySet<string>; sleep?: SleepSet }[] = [{ index: 0 }];

  const arrive = (parent: number, outcome: Outcome, sleep: SleepSet): void => {
    const key = keyOf(outcome.state);
    const known = visited.get(key);
    if (known === undefined) {
      visited.set(key, nodes.length);
      if (sleep.size > 0) sleepOf.set(nodes.length, sleep);
      queue.push({ index: nodes.length });
      states.push(outcome.state);
      nodes.push({ parent, steps: outcome.steps });
      return;
    }
    const before = sleepOf.get(known);
    if (!before) return;
    const after = intersect(before, sleep);
    if (after.size > 0) sleepOf.set(known, after);
    else sleepOf.delete(known);
    if (!expanded.has(known) || after.size === before.size) return;
    // Reached again with less asleep: what slept the first time has not been run from here yet.
    queue.push({ index: known, only: new Set([...before.keys()].filter((id) => !sleep.has(id))), sleep });
    queuedRuns.set(known, (queuedRuns.get(known) ?? 0) + 1);
  };

  while (head < queue.length) {
    if (nodes.length > options.maxStates) {
      stoppedBy = 'states';
      break;
    }
    if (options.maxMillis !== undefined && options.now && options.now() - started > options.maxMillis) {
      stoppedBy = 'time';
      break;
    }
    const item = queue[head]!;
    head += 1;
    const index = item.index;
    const state = states[index]!;
    const sleep = item.sleep ?? sleepOf.get(index) ?? NO_SLEEP;
    const only = item.only;
    const first = !expanded.has(index);
    expanded.add(index);
    if (!first) queuedRuns.set(index, queuedRuns.get(index)! - 1);
    const skip = only ? (id: string): boolean => !only.has(id) : (id: string): boolean => sleep.has(id);
    const alone = scenario.relaxedStores && reduce && first ? privateCommit(state, ctx, skip) : undefined;
    const next = alone ? [alone]
      : ampleSets && first ? ampleTransitions(state, ctx, skip, sleep, (s) => visited.has(keyOf(s)))
      : transitionsOf(state, ctx, skip);
    if (first && next.length === 0 && sleep.size === 0) {
      if (stuck(state, ctx)) {
        const blocked = state.threads.map((t, i) => (t.status !== 'done' ? actorName(ctx, i) : undefined)).filter((x) => x);
        const waiting = state.threads.flatMap((t, i) => {
          const frame = t.frames[t.frames.length - 1];
          const fn = frame ? ctx.scenario.functions.get(frame.fn) : undefined;
          const op = fn?.ops[frame!.pc];
          return op ? [{ thread: i, actor: actorName(ctx, i), function: fn!.name, text: op.text, anchor: op.anchor, note: 'waits' }] : [];
        });
        const anchor = waiting[0]?.anchor ?? { file: '?', origin: 'model' as const };
        record(index, { state, steps: waiting, violation: { kind: 'deadlock', message: `${blocked.join(' and ')} wait forever`, anchor, function: waiting[0]?.function ?? '' } });
      } else {
        finals.push(state);
      }
    }
    next.forEach((transition, i) => {
      const after = sleepSets ? sleepAfter(next, i, sleep) : NO_SLEEP;
      for (const outcome of transition.outcomes) {
        transitions += 1;
        if (outcome.unbounded) {
          const { function: fn, anchor } = outcome.unbounded;
          unbounded.add(`not modelled: ${fn} ran ${MAX_OPS_PER_STEP} operations without touching shared memory, at ${anchor.file}:${anchor.newLine ?? anchor.oldLine ?? '?'}: a loop the model cannot bound; the step is cut there and the loop goes on in the next`);
        }
        if (outcome.pruned) continue;
        if (outcome.violation) {
          record(index, outcome);
          continue;
        }
        arrive(index, outcome, after);
      }
    });
    // Keep memory bounded: a state is only needed again if something slept in it, for its parent links otherwise.
    if (!sleepOf.has(index) && !queuedRuns.get(index)) states[index] = undefined;
  }

  const coverage: Coverage = { states: visited.size, transitions, maxDepth: depthOf(nodes) };
  if (stoppedBy) coverage.stoppedBy = stoppedBy;
  const actors = [...(scenario.setup ? [scenario.setup.name] : []), ...scenario.actors.map((a) => a.name)];
  return {
    verdict: {
      scenario: scenario.name,
      actors,
      status: stoppedBy ? 'incomplete' : 'complete',
      coverage,
      violations: [...violations.values()],
      notes: [...scenario.notes, ...unbounded],
    },
    finals,
  };
}

function depthOf(nodes: Node[]): number {
  let max = 0;
  const depth: number[] = [0];
  for (let i = 1; i < nodes.length; i += 1) {
    depth[i] = depth[nodes[i]!.parent]! + 1;
    if (depth[i]! > max) max = depth[i]!;
  }
  return max;
}
