import type { Anchor } from '../model/program.js';
import { InternalError } from '../model/errors.js';
import type { Coverage, TraceStep, Verdict, Violation } from '../model/verdict.js';
import { actorName, createArguments, MAX_OPS_PER_STEP, mayRun, type Outcome, stepThread, waitsFor } from './machine.js';
import { computeLiveness } from './liveness.js';
import { commutesWithFutures } from './ample.js';
import { conflicts, type Footprint } from './footprint.js';
import { FutureAccess } from './future-access.js';
import { computeProtection } from './locksets.js';
import type { Scenario } from './scenario.js';
import { SearchTree } from './search-tree.js';
import { type HeapObject, initialSimState, NULL, type SimState, StateKeys } from './state.js';
import { anchorOfOp, outcomesOf, privateCommit, threadOfTransition, threadTransitions, type Transition, transitionsOf } from './transitions.js';
import { LIST_LOCATION, type WorldContext } from './world.js';

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
 * reordered, ample sets (ample.ts) also cut states: see {@link ampleTransitions}; where they are, a
 * buffered store nobody else will touch commits alone (transitions.ts, privateCommit). The search
 * keeps how it reached each state (search-tree.ts), and runs a path again for a state it dropped or a
 * violation's trace.
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
  /**
   * Asked every 1,024 states expanded: true stops the search (`memory`). A search given millions of
   * states would otherwise end in the runtime's out-of-memory abort, with nothing said of what it covered.
   */
  memoryLow?: () => boolean;
  /** Told the scenario and the states numbered so far when the search starts and every 1,024 states it expands: for a progress line. */
  progress?: (scenario: string, states: number) => void;
}

export interface Exploration {
  verdict: Verdict;
  /** Final states of runs where every thread finished (litmus tests read them). */
  finals: SimState[];
}

/** The state before anything ran, and the world it runs in. */
export function initialState(scenario: Scenario): { state: SimState; ctx: WorldContext } {
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

/** Sleeping transitions by id, with the footprint each had when it ran. */
type SleepSet = ReadonlyMap<string, Footprint>;

const NO_SLEEP: SleepSet = new Map();

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

function stuck(state: SimState, ctx: WorldContext): boolean {
  const unfinished = state.threads.some((t) => t.status !== 'done');
  return unfinished && state.threads.every((_, i) => !mayRun(state, i, ctx) || stepThread(state, i, ctx).length === 0);
}

function violationKey(v: { kind: string; anchor: Anchor; message: string; key?: string }, reordered: boolean): string {
  const where = v.key ?? `${v.anchor.file}|${v.anchor.newLine ?? v.anchor.oldLine}|${v.message.replace(/\d+/g, 'N')}`;
  return `${v.kind}|${where}|${reordered}`;
}

/**
 * Every state at a depth that is a multiple of this is kept once expanded, so reaching any state
 * again (to run what slept there) runs at most this many transitions less one.
 */
const KEEP_EVERY = 4;

export function explore(scenario: Scenario, options: ExploreOptions): Exploration {
  const { state: init, ctx } = initialState(scenario);
  const reduce = options.reduce ?? true;
  ctx.reduce = reduce;
  const keyOf = (s: SimState): string => ctx.keys.ofFinal(s);
  const visited = new Map<string, number>([[keyOf(init), 0]]);
  const tree = new SearchTree();
  /** The states queued and not yet expanded, and those kept (see KEEP_EVERY): the rest are run again when needed. */
  const states: (SimState | undefined)[] = [init];
  const reached = (from: SimState, index: number): Outcome => {
    const outcome = outcomesOf(from, tree.via(index), ctx)[tree.outcome(index)];
    if (!outcome) throw new InternalError(`running ${tree.via(index)} again did not reach state ${index} of ${scenario.name}`);
    return outcome;
  };
  /** Runs again, from `state`, the transitions that reached `indices` in turn; their steps go to `steps`. */
  const runDown = (state: SimState, indices: readonly number[], steps?: TraceStep[]): SimState => {
    for (const i of indices) {
      const outcome = reached(state, i);
      steps?.push(...outcome.steps);
      state = outcome.state;
    }
    return state;
  };
  const stateAt = (index: number): SimState => {
    const down: number[] = [];
    let i = index;
    for (; states[i] === undefined; i = tree.parent(i)) down.push(i);
    return runDown(states[i]!, down.reverse());
  };
  const stepsTo = (index: number): TraceStep[] => {
    const steps: TraceStep[] = [];
    runDown(init, tree.path(index), steps);
    return steps;
  };
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
    const trace = [...stepsTo(index), ...outcome.steps].filter((s) => !(scenario.setup && s.thread === 0));
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
  const queue: { index: number; only?: ReadonlySet<string>; sleep?: SleepSet }[] = [{ index: 0 }];

  const arrive = (parent: number, via: string, k: number, outcome: Outcome, sleep: SleepSet): void => {
    const key = keyOf(outcome.state);
    const known = visited.get(key);
    if (known === undefined) {
      const index = tree.add(parent, via, k);
      visited.set(key, index);
      if (sleep.size > 0) sleepOf.set(index, sleep);
      queue.push({ index });
      states[index] = outcome.state;
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
  };

  while (head < queue.length) {
    if (tree.size > options.maxStates) {
      stoppedBy = 'states';
      break;
    }
    if (options.maxMillis !== undefined && options.now && options.now() - started > options.maxMillis) {
      stoppedBy = 'time';
      break;
    }
    if ((head & 1023) === 0) {
      options.progress?.(scenario.name, tree.size);
      if (options.memoryLow?.()) {
        stoppedBy = 'memory';
        break;
      }
    }
    const item = queue[head]!;
    head += 1;
    const index = item.index;
    const state = stateAt(index);
    const sleep = item.sleep ?? sleepOf.get(index) ?? NO_SLEEP;
    const only = item.only;
    const first = !expanded.has(index);
    expanded.add(index);
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
      transition.outcomes.forEach((outcome, k) => {
        transitions += 1;
        if (outcome.unbounded) {
          const { function: fn, anchor } = outcome.unbounded;
          unbounded.add(`not modelled: ${fn} ran ${MAX_OPS_PER_STEP} operations without touching shared memory, at ${anchor.file}:${anchor.newLine ?? anchor.oldLine ?? '?'}: a loop the model cannot bound; the step is cut there and the loop goes on in the next`);
        }
        if (outcome.pruned) return;
        if (outcome.violation) record(index, outcome);
        else arrive(index, transition.id, k, outcome, after);
      });
    });
    if (tree.depth(index) % KEEP_EVERY !== 0) states[index] = undefined;
  }

  const coverage: Coverage = { states: visited.size, transitions, maxDepth: tree.maxDepth() };
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
