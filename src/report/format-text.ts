import pc from 'picocolors';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Finding, Severity } from '../model/finding.js';
import type { AnalysisNote, IncompleteAnalysis, ReviewResult } from '../model/report.js';
import { countSeverities } from './count-severities.js';
import { describeIncomplete } from './describe-incomplete.js';
import { condenseTrace, renderTrace } from './format-trace.js';
import { sortFindings } from './sort-findings.js';

export interface TextOptions {
  /** The CLI decides (a TTY and no NO_COLOR); the formatter only obeys. */
  color: boolean;
  /** Columns a trace table may use; wider steps wrap inside their column. */
  width?: number;
}

type Colors = ReturnType<typeof pc.createColors>;
type Level = Severity | Diagnostic['level'];

/** Two columns of typical kernel lines (`function:line  statement`) fit one row per step at 120. */
const DEFAULT_WIDTH = 120;
const INDENT = 4;

function paint(level: Level, colors: Colors): (text: string) => string {
  if (level === 'error') return (t) => colors.bold(colors.red(t));
  if (level === 'warning') return (t) => colors.bold(colors.yellow(t));
  return (t) => colors.bold(colors.cyan(t));
}

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

function indentBlock(text: string): string[] {
  return text.split('\n').map((line) => (line === '' ? '' : ' '.repeat(INDENT) + line));
}

/** One finding the way gcc and checkpatch users expect it, then the fix and the interleaving. */
function formatFinding(finding: Finding, colors: Colors, width: number): string[] {
  const where = colors.bold(`${finding.file}:${finding.line}:`);
  const [first = '', ...rest] = finding.message.split('\n');
  const lines = [
    `${where} ${paint(finding.severity, colors)(`${finding.severity}:`)} ${first} ${colors.dim(`[${finding.rule}]`)}`,
    ...rest.flatMap(indentBlock),
    ...indentBlock(`fix: ${finding.fix}`),
  ];
  for (const related of finding.related ?? []) {
    const at = related.line === undefined ? related.file : `${related.file}:${related.line}`;
    lines.push(`${colors.bold(`${at}:`)} ${paint('note', colors)('note:')} ${related.message}`);
  }
  if (finding.trace && finding.trace.length > 0) {
    const trace = renderTrace(condenseTrace(finding.trace), { width, indent: INDENT });
    lines.push('', ...trace.header.map((l) => colors.bold(l)), ...trace.rows);
  }
  return lines;
}

/** Kernel developers name a commit by 12 hex digits and its subject, as in a `Fixes:` tag. */
const SHORT_HASH = 12;

/**
 * `In commit 0123456789ab ("subject"):` before the first finding of each commit, when the patch came
 * from git and so has one; the subject is the commit's, without the mail's `[PATCH v2 3/5]` tag.
 * The `file: In function` heading under it is repeated for the new commit.
 */
function commitHeading(previous: Finding | undefined, finding: Finding, colors: Colors): string[] {
  if (!finding.commit || (previous?.commit === finding.commit && previous.input === finding.input)) return [];
  const subject = finding.subject.replace(/^\s*(?:\[[^\]]*\]\s*)+/, '');
  return [`In commit ${colors.bold(finding.commit.slice(0, SHORT_HASH))} ("${subject}"):`];
}

/** `file: In function 'f':` before the first finding of each function, as gcc groups them. */
function functionHeading(previous: Finding | undefined, finding: Finding, colors: Colors): string[] {
  if (!finding.function) return [];
  if (previous && previous.file === finding.file && previous.function === finding.function) return [];
  return [`${colors.bold(`${finding.file}:`)} In function '${finding.function}':`];
}

function formatDiagnostic(diagnostic: Diagnostic, colors: Colors): string {
  const where = diagnostic.patchLine === undefined ? diagnostic.input : `${diagnostic.input}:${diagnostic.patchLine}`;
  const level = paint(diagnostic.level, colors)(`${diagnostic.level}:`);
  return `${colors.bold(`${where}:`)} ${level} ${diagnostic.message} ${colors.dim(`[${diagnostic.code}]`)}`;
}

function formatNote(note: AnalysisNote, colors: Colors): string {
  const scope = [note.file, note.function ? `${note.function}()` : undefined].filter(Boolean).join(', ');
  const suffix = scope ? ` (${scope})` : '';
  return `${colors.bold(`${note.input}:`)} ${paint('note', colors)('note:')} ${note.message}${suffix}`;
}

function formatIncomplete(incomplete: IncompleteAnalysis, colors: Colors): string {
  return `${colors.bold(`${incomplete.input}:`)} ${paint('warning', colors)('warning:')} ${describeIncomplete(incomplete)}`;
}

function summaryLine(result: ReviewResult): string {
  const counts = countSeverities(result.findings);
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  if (counts.info > 0) parts.push(`${counts.info} info`);
  return `${plural(result.findings.length, 'finding')} (${parts.join(', ')}) in ${plural(result.patches, 'patch', 'patches')}`;
}

/**
 * The terminal report: one block per finding in source order, then what kept the analysis from being
 * complete, then a one-line summary.
 */
export function formatText(result: ReviewResult, options: TextOptions): string {
  const colors = pc.createColors(options.color);
  const width = options.width ?? DEFAULT_WIDTH;
  const lines: string[] = [];
  let previous: Finding | undefined;
  for (const finding of sortFindings(result.findings)) {
    const commit = commitHeading(previous, finding, colors);
    lines.push(...commit, ...functionHeading(commit.length > 0 ? undefined : previous, finding, colors), ...formatFinding(finding, colors, width), '');
    previous = finding;
  }
  const trailer = [
    ...result.diagnostics.map((d) => formatDiagnostic(d, colors)),
    ...result.incomplete.map((i) => formatIncomplete(i, colors)),
    ...result.notes.map((n) => formatNote(n, colors)),
  ];
  if (trailer.length > 0) lines.push(...trailer, '');
  lines.push(summaryLine(result));
  return `${lines.join('\n')}\n`;
}
