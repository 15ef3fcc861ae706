import type { Anchor } from './program.js';

/** What the simulator proves about a scenario. */
export type ViolationKind =
  | 'list-corruption'
  | 'use-after-free'
  | 'null-deref'
  | 'lock-leak'
  | 'bad-unlock'
  | 'deadlock'
  | 'sleep-in-atomic'
  | 'stale-mapping'
  | 'lost-page'
  | 'accounting'
  | 'wrong-device'
  | 'bug'
  | 'warn';

/** One step of an interleaving: which thread did what, at which line. */
export interface TraceStep {
  thread: number;
  /** The actor's role, e.g. `deflate`, `compaction`, `unload`. */
  actor: string;
  function: string;
  text: string;
  anchor: Anchor;
  /** What this step means for the state when that is not evident from the text. */
  note?: string;
  /** A store leaving a store buffer, rather than an instruction being executed. */
  commit?: boolean;
  /** The memory location the step read or wrote, as the simulator names it (`page1->mapping`). */
  location?: string;
  access?: 'read' | 'write';
  /** The step decided a branch. */
  decision?: boolean;
}

export interface Violation {
  kind: ViolationKind;
  message: string;
  /** Where the violation shows: the step that breaks the property. */
  anchor: Anchor;
  function: string;
  /** The actors whose steps make up the trace. */
  actors: string[];
  /** True when the trace needs a store or load to be reordered. */
  reordered: boolean;
  /** For a reordered trace: the older store that became visible late, the younger one that overtook it, and the read that saw the difference. */
  reordering?: { older: Anchor; younger: Anchor; reader: Anchor; readerFunction: string; location: string };
  trace: TraceStep[];
  /** Keys rules use to match, e.g. the operations whose order or atomicity matters. */
  involves: Anchor[];
}

export type VerdictStatus = 'complete' | 'incomplete';

export interface Coverage {
  states: number;
  transitions: number;
  maxDepth: number;
  /** Why an incomplete search stopped. */
  stoppedBy?: 'states' | 'time' | 'memory';
}

export interface Verdict {
  scenario: string;
  actors: string[];
  status: VerdictStatus;
  coverage: Coverage;
  violations: Violation[];
  /** What the simulator could not model and how it treated it ("not modelled: ..."). */
  notes: string[];
}
