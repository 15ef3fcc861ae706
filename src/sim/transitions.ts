import type { Anchor, FunctionProgram, Op } from '../model/program.js';
import type { TraceStep } from '../model/verdict.js';
import { commutesWithFutures } from './ample.js';
import { emptyFootprint, type Footprint, recordInto, stopRecording } from './footprint.js';
import { actorName, commit, committable, type Outcome, performDeferred, stepThread } from './machine.js';
import { cloneState, type SimState } from './state.js';
import { decodeListChange, locationName, LIST_LOCATION, ViolationError, type WorldContext } from './world.js';

/*
 * The transitions of a state, each named by an id that says which it is in any state
 * (`s1:` thread 1's step, `c1:7.mapping` its oldest buffered store to that location becoming
 * visible, `d1:t4` its late load into t4 landing): the search remembers how it reached a state by
 * these ids alone, and {@link outcomesOf} runs the same transition again from the same state.
 */

/** One transition of a state: a step of a thread, a commit of one buffered store, or a late load landing. */
export interface Transition {
  id: string;
  thread: number;
  outcomes: Outcome[];
  footprint: Footprint;
}

export function threadOfTransition(id: string): number {
  return Number(id.slice(1, id.indexOf(':')));
}

/**
 * The transitions of a state in a fixed order, each run to all its outcomes, except those `skip`
 * rules out (asleep, or already run): they are not even run.
 */
export function transitionsOf(state: SimState, ctx: WorldContext, skip: (id: string) => boolean): Transition[] {
  return state.threads.flatMap((_, t) => threadTransitions(state, t, ctx, skip));
}

/** The transitions of thread `t`: its step, a commit of each committable store, each late load landing. */
export function threadTransitions(state: SimState, t: number, ctx: WorldContext, skip: (id: string) => boolean): Transition[] {
  const out: Transition[] = [];
  const thread = state.threads[t]!;
  const stepId = `s${t}:`;
  if (!skip(stepId)) {
    const footprint = emptyFootprint();
    const outcomes = stepThread(state, t, ctx, footprint);
    if (outcomes.length > 0) out.push(ended({ id: stepId, thread: t, outcomes, footprint }));
  }
  for (const index of committable(state, t)) {
    const id = commitId(t, thread.buffer[index]!.loc);
    if (!skip(id)) out.push(commitTransition(state, t, index, ctx, id));
  }
  for (const d of thread.deferred) {
    const id = `d${t}:${d.reg}`;
    if (!skip(id)) out.push(deferredTransition(state, t, d.reg, ctx, id));
  }
  return out;
}

/** The transition with its recording over: its outcomes record nothing more. */
function ended(transition: Transition): Transition {
  for (const outcome of transition.outcomes) {
    stopRecording(outcome.state);
    // Whether a violation counts as one seen under reordering depends on the path's reordering.
    if (outcome.violation) transition.footprint.reads.add('R');
  }
  return transition;
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
  return ended({ id, thread: t, outcomes: [outcome], footprint });
}

/** Thread `t`'s late load into `reg` landing. */
function deferredTransition(state: SimState, t: number, reg: string, ctx: WorldContext, id: string): Transition {
  const d = state.threads[t]!.deferred.find((x) => x.reg === reg)!;
  const footprint = emptyFootprint();
  const next = cloneState(state, t);
  recordInto(next, footprint);
  performDeferred(next, t, reg);
  const outcome = { state: next, steps: [{ thread: t, actor: actorName(ctx, t), function: d.op.split('#')[0] ?? '', text: '(load satisfied)', anchor: anchorOfOp(ctx, d.op) }] };
  return ended({ id, thread: t, outcomes: [outcome], footprint });
}

/**
 * The outcomes of the transition `id` of `state`, in the order the search saw them: how a state is
 * reached again from one the search kept, and how a violation's trace is told.
 */
export function outcomesOf(state: SimState, id: string, ctx: WorldContext): Outcome[] {
  const t = threadOfTransition(id);
  const what = id.slice(id.indexOf(':') + 1);
  switch (id[0]) {
    case 's':
      return stepThread(state, t, ctx);
    case 'c': {
      // The search names a commit only for the oldest entry of its location (committable), so the first one is it.
      const index = state.threads[t]!.buffer.findIndex((entry) => entry.loc === what);
      return index < 0 ? [] : commitTransition(state, t, index, ctx, id).outcomes;
    }
    default:
      return deferredTransition(state, t, what, ctx, id).outcomes;
  }
}

/**
 * Under store reordering, the oldest buffered store of a thread that no other thread may still
 * touch: when it becomes visible is nobody else's business, so committing it is the one transition
 * this state needs (a persistent set of one). Without this every order of a thread's commits among
 * its own later steps, once the others are past the location, was a state of its own.
 */
export function privateCommit(state: SimState, ctx: WorldContext, skip: (id: string) => boolean): Transition | undefined {
  for (let t = 0; t < state.threads.length; t += 1) {
    const entry = state.threads[t]!.buffer[0];
    if (entry === undefined || entry.loc === '|') continue;
    const id = commitId(t, entry.loc);
    if (skip(id)) continue;
    const transition = commitTransition(state, t, 0, ctx, id);
    // A commit that breaks something ends its path: what the others may break while the store is
    // still buffered would never be run.
    if (transition.outcomes.some((outcome) => outcome.violation)) continue;
    if (commutesWithFutures([transition.footprint], ctx.future.ofAll(state.threads, ctx.concurrent[t]!))) return transition;
  }
  return undefined;
}

function opOf(ctx: WorldContext, ref: string): Op | undefined {
  const [fn, id] = ref.split('#');
  const program: FunctionProgram | undefined = ctx.scenario.functions.get(fn ?? '');
  return program?.ops[Number(id)];
}

export function anchorOfOp(ctx: WorldContext, ref: string): Anchor {
  return opOf(ctx, ref)?.anchor ?? { file: '?', origin: 'model' };
}

