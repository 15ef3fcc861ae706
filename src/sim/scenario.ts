import type { FunctionProgram } from '../model/program.js';
import type { ViolationKind } from '../model/verdict.js';
import type { Value } from './state.js';

/**
 * A scenario: which programs run as which threads, against which initial world. Built by
 * `build-scenarios.ts` from how the patch registers its functions; explored by `explore.ts`.
 */

/** How a script step obtains an argument. */
export type ArgSpec =
  /** The device's own state object of this type, made by its probe (a fresh one if probe made none). */
  | { kind: 'device-object'; device: number; type: string }
  /** The bus device handed to probe and remove. */
  | { kind: 'device-core'; device: number }
  | { kind: 'value'; value: Value }
  | { kind: 'unknown' };

export type ScriptStep =
  /**
   * `mustSucceed`: a nonzero return (a failed probe) ends the run: nothing after it happens.
   * `exclusive`: calls with the same value never overlap, whichever actor makes them (two roles of
   * one kernel thread, such as inflate and deflate on the balloon thread).
   */
  | { do: 'call'; fn: string; args: ArgSpec[]; mustSucceed?: boolean; exclusive?: string }
  /** Wait until these actors (indices into `actors`) are done, as `kthread_stop()` waits for its thread. */
  | { do: 'join'; actors: number[] }
  /** Module unload finished: the module's text and data are gone. */
  | { do: 'unload' };

export interface Actor {
  /** Role as a reviewer names it: `probe`, `inflate`, `deflate`, `compaction`, `unload`, `second probe`. */
  name: string;
  /** Device the actor works for (objects it allocates belong to it); -1 for none. */
  device: number;
  script: ScriptStep[];
}

export interface GlobalInit {
  name: string;
  /** Struct globals (locks, ops tables) get an object; pointers and scalars a value. */
  isObject: boolean;
  type: string;
  /** Designated initialisers of an ops table: field to function name. */
  fields?: Record<string, string>;
  lockClass?: string;
}

export interface Scenario {
  name: string;
  description: string;
  functions: ReadonlyMap<string, FunctionProgram>;
  /** Functions whose code is the module's: running or returning into them after unload is a violation. */
  moduleFunctions: ReadonlySet<string>;
  globals: readonly GlobalInit[];
  /** Runs alone, to completion, before the other actors start. */
  setup?: Actor;
  actors: Actor[];
  devices: number;
  pages: number;
  /** Stores may stay in a store buffer (and become visible out of order) until a barrier or release. */
  relaxedStores: boolean;
  /** Loads may be satisfied late, after younger accesses (litmus tests). */
  deferLoads: boolean;
  /**
   * Allocations may fail. Race scenarios assume they succeed while memory lasts and drop a path that
   * runs out (its failure handling is often in lines the patch does not show); solo runs try both.
   */
  allocationsMayFail: boolean;
  /** Keep every register (litmus tests read them in the final state) instead of dropping dead ones. */
  keepRegisters?: boolean;
  /** Notes on what the scenario could not model. */
  notes: string[];
  /** Values of the object-like macros the series defines (and the kernel constants they use). */
  constants?: ReadonlyMap<string, number>;
  /** Only these violations count (solo runs look at lock balance only); all when absent. */
  checks?: readonly ViolationKind[];
}
