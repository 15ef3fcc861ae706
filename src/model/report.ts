import type { Diagnostic } from './diagnostic.js';
import type { Finding } from './finding.js';
import type { Coverage } from './verdict.js';

/**
 * Something an analysis could not model and how it treated it ("not modelled: ..."). Reported beside
 * the findings so that silence about a construct is never mistaken for a clean bill.
 */
export interface AnalysisNote {
  /** The input as the user named it. */
  input: string;
  file?: string;
  function?: string;
  message: string;
}

/** A scenario whose search stopped on a budget: its lack of findings proves nothing. */
export interface IncompleteAnalysis {
  input: string;
  scenario: string;
  coverage: Coverage;
}

/** Everything one run has to say; each formatter turns it into a string. */
export interface ReviewResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
  notes: AnalysisNote[];
  incomplete: IncompleteAnalysis[];
  /** How many patches were reviewed, for summaries ("3 findings in 4 patches"). */
  patches: number;
}
