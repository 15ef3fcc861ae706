import type { TraceStep } from './verdict.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface Related {
  file: string;
  line?: number;
  patchLine?: number;
  message: string;
}

/** A review comment as data: what the formatters render and what users suppress by rule id. */
export interface Finding {
  rule: string;
  severity: Severity;
  /** The input the patch was read from. */
  input: string;
  /** Subject of the patch the finding belongs to. */
  subject: string;
  commit?: string;
  file: string;
  /** New-file line (old-file line for code the patch removes). */
  line: number;
  patchLine?: number;
  function?: string;
  message: string;
  fix: string;
  trace?: TraceStep[];
  related?: Related[];
}
