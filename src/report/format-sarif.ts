import { createHash } from 'node:crypto';
import type {
  ArtifactLocation,
  CodeFlow,
  Location,
  Log,
  Notification,
  ReportingDescriptor,
  Result,
  ThreadFlowLocation,
} from 'sarif';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding, Severity } from '../model/finding.js';
import type { AnalysisNote, IncompleteAnalysis, ReviewResult } from '../model/report.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { TraceStep } from '../model/verdict.js';
import { describeIncomplete } from './describe-incomplete.js';
import { stepPlace, stepText, threadLabel, traceThreads } from './format-trace.js';
import { anchorLine } from './locate-line.js';
import { compareStrings, sortFindings } from './sort-findings.js';

export interface SarifOptions {
  /** Every rule the run could report, for `tool.driver.rules`. */
  rules: readonly RuleMeta[];
  toolVersion: string;
  /**
   * Absolute URI the rule pages live under, e.g. `https://example.org/kreview/docs/rules/`; each
   * rule's `helpUri` is this plus `<id>.md`. SARIF requires `helpUri` to be absolute, so without a
   * base the rule's page is named in `help` as the path inside the kreview package instead.
   */
  rulesDocBase?: string;
}

/** Viewers resolve relative artifact URIs against the checkout the user points them at. */
const SRCROOT = '%SRCROOT%';
const SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT_KEY = 'kreviewFinding/v1';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

/** A relative POSIX URI for a tree path; an absolute path becomes a `file:` URI of its own. */
function artifactLocation(path: string): ArtifactLocation {
  const posix = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const encoded = posix.split('/').map(encodeURIComponent).join('/');
  return posix.startsWith('/') ? { uri: `file://${encoded}` } : { uri: encoded, uriBaseId: SRCROOT };
}

/** SARIF lines start at 1; a finding on line 0 (a file-level one) still needs a valid region. */
function physical(file: string, line: number | undefined): Location['physicalLocation'] {
  const location = { artifactLocation: artifactLocation(file) };
  return line === undefined ? location : { ...location, region: { startLine: Math.max(1, line) } };
}

function ruleDescriptor(rule: RuleMeta, docBase: string | undefined): ReportingDescriptor {
  const page = `docs/rules/${rule.id}.md`;
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    ...(docBase
      ? { helpUri: `${docBase}${rule.id}.md`, help: { text: rule.fix } }
      : { help: { text: `${rule.fix}\n\nDocumentation: ${page} in the kreview package.` } }),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: [rule.source] },
  };
}

/**
 * The driver's rules: every declared rule, plus any id a finding carries that the registry did not
 * declare, so that every result can point at its rule by index.
 */
function collectRules(options: SarifOptions, findings: readonly Finding[]): ReportingDescriptor[] {
  const byId = new Map<string, ReportingDescriptor>();
  for (const rule of options.rules) byId.set(rule.id, ruleDescriptor(rule, options.rulesDocBase));
  for (const finding of findings) if (!byId.has(finding.rule)) byId.set(finding.rule, { id: finding.rule });
  return [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
}

/**
 * Stable across re-reviews of a rebased patch: the line is left out and digits are dropped from the
 * message, so a finding that only moved keeps its identity and code scanning does not reopen it.
 */
function fingerprint(finding: Finding): string {
  const message = finding.message.replace(/\d+/g, '#');
  const key = [finding.rule, finding.file, finding.function ?? '', message].join('\0');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function flowLocation(step: TraceStep, order: number): ThreadFlowLocation {
  return {
    location: {
      physicalLocation: physical(step.anchor.file, anchorLine(step.anchor)),
      message: { text: `${stepPlace(step)}: ${stepText(step)}${!step.commit && step.note ? ` (${step.note})` : ''}` },
    },
    executionOrder: order,
    ...(step.commit ? { kinds: ['memory'] } : {}),
  };
}

/**
 * An interleaving is one code flow with a thread flow per CPU; `executionOrder` numbers the steps
 * across threads, so a viewer can replay the global order the simulator found.
 */
function codeFlow(trace: readonly TraceStep[]): CodeFlow {
  const ordered = trace.map((step, index) => ({ step, order: index + 1 }));
  return {
    message: { text: traceThreads(trace).map((t) => threadLabel(t.thread, t.actor)).join(' vs ') },
    threadFlows: traceThreads(trace).map(({ thread, actor }) => ({
      id: `CPU${thread}`,
      message: { text: threadLabel(thread, actor) },
      locations: ordered.filter(({ step }) => step.thread === thread).map(({ step, order }) => flowLocation(step, order)),
    })),
  };
}

function toResult(finding: Finding, ruleIndex: number): Result {
  const location: Location = { physicalLocation: physical(finding.file, finding.line) };
  if (finding.function) location.logicalLocations = [{ name: finding.function, kind: 'function' }];
  const result: Result = {
    ruleId: finding.rule,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.fix ? `${finding.message}\n\nFix: ${finding.fix}` : finding.message },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding) },
    properties: {
      input: finding.input,
      subject: finding.subject,
      ...(finding.patchLine === undefined ? {} : { patchLine: finding.patchLine }),
      ...(finding.commit ? { commit: finding.commit } : {}),
    },
  };
  if (finding.trace && finding.trace.length > 0) result.codeFlows = [codeFlow(finding.trace)];
  if (finding.related && finding.related.length > 0) {
    result.relatedLocations = finding.related.map((related, index) => ({
      id: index + 1,
      physicalLocation: physical(related.file, related.line),
      message: { text: related.message },
    }));
  }
  return result;
}

function diagnosticNotification(diagnostic: Diagnostic): Notification {
  return {
    level: diagnostic.level,
    message: { text: diagnostic.message },
    descriptor: { id: diagnostic.code },
    properties: { input: diagnostic.input, ...(diagnostic.patchLine === undefined ? {} : { patchLine: diagnostic.patchLine }) },
  };
}

function incompleteNotification(incomplete: IncompleteAnalysis): Notification {
  return {
    level: 'warning',
    message: { text: describeIncomplete(incomplete) },
    descriptor: { id: 'incomplete-analysis' },
    properties: { input: incomplete.input, scenario: incomplete.scenario },
  };
}

function noteNotification(note: AnalysisNote): Notification {
  return {
    level: 'note',
    message: { text: note.message },
    descriptor: { id: 'not-modelled' },
    ...(note.file ? { locations: [{ physicalLocation: physical(note.file, undefined) }] } : {}),
    properties: { input: note.input, ...(note.function ? { function: note.function } : {}) },
  };
}

/**
 * SARIF 2.1.0 for code scanning and IDE viewers. Input problems, unmodelled constructs and stopped
 * searches are tool notifications, not results: they are about the run, not about the code.
 */
export function formatSarif(result: ReviewResult, options: SarifOptions): string {
  const rules = collectRules(options, result.findings);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const log: Log = {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kreview', version: options.toolVersion, rules } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...result.diagnostics.map(diagnosticNotification),
              ...result.incomplete.map(incompleteNotification),
              ...result.notes.map(noteNotification),
            ],
          },
        ],
        results: sortFindings(result.findings).map((finding) => toResult(finding, index.get(finding.rule) ?? -1)),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
