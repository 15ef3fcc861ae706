import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding, Related, Severity } from '../model/finding.js';
import type { Origin } from '../model/program.js';
import type { AnalysisNote, IncompleteAnalysis, ReviewResult } from '../model/report.js';
import type { Coverage, TraceStep } from '../model/verdict.js';
import { countSeverities } from './count-severities.js';
import { anchorLine } from './locate-line.js';
import { sortFindings } from './sort-findings.js';

/**
 * The machine-readable report, documented by docs/json-schema/kreview-findings-v1.json. Every key is
 * always present (null when unknown) so that scripts can index without guarding; a change that breaks
 * a consumer bumps `schemaVersion`.
 */
export const JSON_SCHEMA_VERSION = 1;

export interface JsonOptions {
  toolVersion: string;
}

interface JsonTraceStep {
  thread: number;
  actor: string;
  function: string;
  text: string;
  file: string;
  line: number | null;
  patchLine: number | null;
  origin: Origin;
  note: string | null;
  commit: boolean;
}

interface JsonRelated {
  file: string;
  line: number | null;
  patchLine: number | null;
  message: string;
}

interface JsonFinding {
  rule: string;
  severity: Severity;
  input: string;
  subject: string;
  commit: string | null;
  file: string;
  line: number;
  patchLine: number | null;
  function: string | null;
  message: string;
  fix: string;
  trace: JsonTraceStep[];
  related: JsonRelated[];
}

interface JsonIncomplete {
  input: string;
  scenario: string;
  states: number;
  transitions: number;
  maxDepth: number;
  stoppedBy: NonNullable<Coverage['stoppedBy']> | null;
}

interface JsonNote {
  input: string;
  file: string | null;
  function: string | null;
  message: string;
}

interface JsonDiagnostic {
  level: Diagnostic['level'];
  input: string;
  patchLine: number | null;
  code: string;
  message: string;
}

export interface JsonReport {
  schemaVersion: typeof JSON_SCHEMA_VERSION;
  tool: { name: 'kreview'; version: string };
  summary: { patches: number; findings: number; errors: number; warnings: number; info: number };
  findings: JsonFinding[];
  incomplete: JsonIncomplete[];
  notes: JsonNote[];
  diagnostics: JsonDiagnostic[];
}

function toStep(step: TraceStep): JsonTraceStep {
  return {
    thread: step.thread,
    actor: step.actor,
    function: step.function,
    text: step.text,
    file: step.anchor.file,
    line: anchorLine(step.anchor) ?? null,
    patchLine: step.anchor.patchLine ?? null,
    origin: step.anchor.origin,
    note: step.note ?? null,
    commit: step.commit ?? false,
  };
}

function toRelated(related: Related): JsonRelated {
  return { file: related.file, line: related.line ?? null, patchLine: related.patchLine ?? null, message: related.message };
}

function toFinding(finding: Finding): JsonFinding {
  return {
    rule: finding.rule,
    severity: finding.severity,
    input: finding.input,
    subject: finding.subject,
    commit: finding.commit ?? null,
    file: finding.file,
    line: finding.line,
    patchLine: finding.patchLine ?? null,
    function: finding.function ?? null,
    message: finding.message,
    fix: finding.fix,
    trace: (finding.trace ?? []).map(toStep),
    related: (finding.related ?? []).map(toRelated),
  };
}

function toIncomplete(incomplete: IncompleteAnalysis): JsonIncomplete {
  const { states, transitions, maxDepth, stoppedBy } = incomplete.coverage;
  return { input: incomplete.input, scenario: incomplete.scenario, states, transitions, maxDepth, stoppedBy: stoppedBy ?? null };
}

function toNote(note: AnalysisNote): JsonNote {
  return { input: note.input, file: note.file ?? null, function: note.function ?? null, message: note.message };
}

function toDiagnostic(diagnostic: Diagnostic): JsonDiagnostic {
  const { level, input, code, message } = diagnostic;
  return { level, input, patchLine: diagnostic.patchLine ?? null, code, message };
}

function buildJsonReport(result: ReviewResult, options: JsonOptions): JsonReport {
  const counts = countSeverities(result.findings);
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'kreview', version: options.toolVersion },
    summary: {
      patches: result.patches,
      findings: result.findings.length,
      errors: counts.error,
      warnings: counts.warning,
      info: counts.info,
    },
    findings: sortFindings(result.findings).map(toFinding),
    incomplete: result.incomplete.map(toIncomplete),
    notes: result.notes.map(toNote),
    diagnostics: result.diagnostics.map(toDiagnostic),
  };
}

export function formatJson(result: ReviewResult, options: JsonOptions): string {
  return `${JSON.stringify(buildJsonReport(result, options), null, 2)}\n`;
}
