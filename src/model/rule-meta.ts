import type { Severity } from './finding.js';

/** What every rule declares about itself; the registry, `kreview rules`, docs and SARIF read it. */
export interface RuleMeta {
  /** Stable id, equal to the rule's file name; users suppress and grep by it. */
  id: string;
  severity: Severity;
  /** Where the rule's evidence comes from. */
  source: 'simulator' | 'file' | 'program';
  /** One line, for `kreview rules` and SARIF `shortDescription`. */
  summary: string;
  /** The default fix direction, refined per finding. */
  fix: string;
}
