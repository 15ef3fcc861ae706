import type { FunctionProgram } from '../model/program.js';
import type { Coverage } from '../model/verdict.js';
import type { LitmusProp, LitmusTest } from '../parse/litmus.js';
import { extractModel } from '../extract/extract-model.js';
import { explore, type ExploreOptions } from './explore.js';
import type { Actor, Scenario } from './scenario.js';
import type { SimState, Value } from './state.js';
import { committedValue } from './world.js';

/**
 * Runs a litmus test of the Linux-kernel memory model through the simulator's own memory model: each
 * process is lowered by the extractor that reads patches, runs as a thread with a store buffer and
 * late loads, and the condition is checked over every final state. This is how the model is held to
 * the answers herd7 gives for the same tests.
 */

/** herd7's observation for the condition's proposition; `incomplete` when a budget stopped the search first. */
export type LitmusAnswer = 'Sometimes' | 'Never' | 'incomplete';

export interface LitmusResult {
  name: string;
  answer: LitmusAnswer;
  /** States explored. */
  states: number;
  /** Final states (every thread finished, every store visible, every load satisfied). */
  finals: number;
  /** Final states that satisfy the proposition. */
  witnesses: number;
  stoppedBy?: NonNullable<Coverage['stoppedBy']>;
  /**
   * Constructs of the test the model cannot reproduce, so that its `Never` may be wrong (or any answer,
   * for primitives it does not know). Empty when the answer can be trusted.
   */
  beyondModel: string[];
}

export type ExpectedAnswer = 'Sometimes' | 'Never';

export type LitmusJudgement =
  | { status: 'ok' }
  | { status: 'mismatch' }
  /** A disagreement the result declared in advance: a construct beyond the model. */
  | { status: 'beyond-model'; note: string }
  | { status: 'incomplete' };

/** The function name the initial-state block becomes; no litmus process can be called this. */
const INIT_FUNCTION = 'litmus_init_state';

/** Why a test that locks and orders a third CPU with `smp_mb()` can be `Sometimes` in the LKMM but not here. */
export const NON_MCA_LOCKING = 'lock ordering that is not propagated to a third CPU (non-multicopy-atomic)';

/**
 * The processes as one C translation unit whose lines are the litmus file's lines, so operations point
 * at the test's own lines. A process gets the `void` return type C needs; the initial values become a
 * function of their own after the last line.
 */
function translationUnit(test: LitmusTest): string {
  const lines: string[] = [];
  for (const process of test.processes) {
    const rows = process.text.split('\n');
    rows.forEach((row, i) => {
      lines[process.line - 1 + i] = i === 0 ? `void ${row}` : row;
    });
  }
  // Lines outside processes (name, comments, condition) stay empty.
  const text = Array.from(lines, (line) => line ?? '');
  if (test.init.length > 0) {
    const names = [...new Set(test.init.flatMap((init) => [init.name, ...(init.value.startsWith('@') ? [init.value.slice(1)] : [])]))];
    const params = names.map((name) => `int *${name}`).join(', ');
    const body = test.init.map((init) => `*${init.name} = ${init.value.startsWith('@') ? init.value.slice(1) : init.value};`).join(' ');
    text.push(`void ${INIT_FUNCTION}(${params}) { ${body} }`);
  }
  return `${text.join('\n')}\n`;
}

/** An actor that runs `fn` once, each pointer parameter bound to the shared variable of its name. */
function actorFor(fn: FunctionProgram, name: string): Actor {
  return {
    name,
    device: -1,
    script: [{ do: 'call', fn: fn.name, args: fn.params.map((param) => ({ kind: 'value' as const, value: `@0.${param.name}` })) }],
  };
}

export interface LitmusScenario {
  scenario: Scenario;
  /** Thread number of process 0 (1 when the initial values run first as the setup thread). */
  offset: number;
}

/** The scenario for a test: one thread per process, shared variables as fields of the globals object. */
export function buildLitmusScenario(test: LitmusTest): LitmusScenario {
  const model = extractModel(test.file, translationUnit(test), { globals: new Set(), functions: new Set() });
  const byName = new Map(model.functions.map((fn) => [fn.name, fn]));
  const notes = model.functions.flatMap((fn) => fn.notes.map((note) => `${fn.name}: ${note}`));
  const actors = test.processes.map((process): Actor => {
    const fn = byName.get(process.name);
    if (fn) return actorFor(fn, process.name);
    notes.push(`${process.name}: not read as a C function, so it runs as nothing`);
    return { name: process.name, device: -1, script: [] };
  });
  const init = byName.get(INIT_FUNCTION);
  const scenario: Scenario = {
    name: test.name,
    description: `litmus test ${test.name}`,
    functions: byName,
    moduleFunctions: new Set(),
    globals: [],
    actors,
    devices: 0,
    pages: 0,
    relaxedStores: true,
    deferLoads: true,
    keepRegisters: true,
    allocationsMayFail: false,
    notes,
  };
  if (init) scenario.setup = actorFor(init, 'initial state');
  return { scenario, offset: init ? 1 : 0 };
}

/**
 * What the test uses that the model cannot reproduce, read from the lowered operations:
 * - calls (`xchg`, `atomic_inc`, `smp_mb__after_spinlock`...): the extractor knows no row for them, so
 *   they run as nothing;
 * - locking plus a third CPU that orders itself with `smp_mb()` alone: the LKMM lets lock ordering
 *   reach such a CPU late (locks are not multicopy-atomic there); this model's memory is.
 */
function constructsBeyondModel(scenario: Scenario, processes: readonly string[]): string[] {
  const programs = processes.flatMap((name) => scenario.functions.get(name) ?? []);
  const found = new Set<string>();
  for (const fn of programs) {
    for (const op of fn.ops) {
      if (op.kind === 'call') found.add(`${op.callee ?? op.text}() is not modelled (runs as nothing)`);
      if (op.kind === 'lock' && op.lockClass !== 'spinlock' && op.lockClass !== 'mutex') found.add(`${op.api}() is not modelled as the LKMM does`);
    }
  }
  const locks = (fn: FunctionProgram): boolean => fn.ops.some((op) => op.kind === 'lock' && op.action === 'acquire');
  const fullBarrier = (fn: FunctionProgram): boolean => fn.ops.some((op) => op.kind === 'barrier' && op.barrier === 'full');
  if (programs.length >= 3 && programs.some(locks) && programs.some((fn) => !locks(fn) && fullBarrier(fn))) found.add(NON_MCA_LOCKING);
  return [...found];
}

/** A proposition over one final state: registers from each thread's saved registers, memory from what is visible. */
function holds(prop: LitmusProp, state: SimState, offset: number): boolean {
  switch (prop.k) {
    case 'const':
      return prop.value;
    case 'not':
      return !holds(prop.arg, state, offset);
    case 'and':
      return holds(prop.left, state, offset) && holds(prop.right, state, offset);
    case 'or':
      return holds(prop.left, state, offset) || holds(prop.right, state, offset);
    case 'register': {
      // A register no path assigned holds its initial zero, as in herd7.
      const value: Value = state.threads[prop.thread + offset]?.vars[prop.register] ?? '0';
      return value === sharedValue(prop.value);
    }
    case 'memory':
      return committedValue(state, `0.${prop.location}`) === sharedValue(prop.value);
  }
}

/** The parser's `@x` (address of `x`) as the simulator writes that address. */
const sharedValue = (value: string): Value => (value.startsWith('@') ? `@0.${value.slice(1)}` : value);

/** Runs the test: `Sometimes` when some final state satisfies the proposition, `Never` when the search proved none does. */
export function runLitmus(test: LitmusTest, options: ExploreOptions): LitmusResult {
  const { scenario, offset } = buildLitmusScenario(test);
  const { verdict, finals } = explore(scenario, options);
  const witnesses = finals.filter((state) => holds(test.condition.prop, state, offset)).length;
  const complete = verdict.status === 'complete';
  const answer: LitmusAnswer = witnesses > 0 ? 'Sometimes' : complete ? 'Never' : 'incomplete';
  const beyondModel = constructsBeyondModel(scenario, test.processes.map((p) => p.name))
    // Non-multicopy-atomic behaviour only adds outcomes: it can only make a `Never` wrong.
    .filter((construct) => construct !== NON_MCA_LOCKING || answer === 'Never');
  const result: LitmusResult = {
    name: test.name, answer, states: verdict.coverage.states, finals: finals.length, witnesses,
    beyondModel: [...scenario.notes, ...beyondModel],
  };
  // A Never over no final state at all says nothing about the condition.
  if (complete && finals.length === 0) result.beyondModel.push('no run of the test finishes (a process loops or waits forever)');
  if (verdict.coverage.stoppedBy) result.stoppedBy = verdict.coverage.stoppedBy;
  return result;
}

/** Compares a result with herd7's answer; a disagreement is excused only by a construct the result declared beyond the model. */
export function judgeLitmus(result: LitmusResult, expected: ExpectedAnswer): LitmusJudgement {
  if (result.answer === expected) return { status: 'ok' };
  if (result.answer === 'incomplete') return { status: 'incomplete' };
  if (result.beyondModel.length > 0) {
    return { status: 'beyond-model', note: `${result.answer} (expected ${expected}: beyond the model: ${result.beyondModel.join('; ')})` };
  }
  return { status: 'mismatch' };
}
