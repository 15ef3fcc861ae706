import type { Finding, Related } from '../model/finding.js';
import type { Anchor } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { RuleContext } from './rule.js';

/** What a rule says about one place; the rest of a finding comes from the rule and the patch. */
interface FindingDetails {
  message: string;
  /** Refines `meta.fix` for this finding; the rule's default when absent. */
  fix?: string;
  function?: string;
  related?: Related[];
}

/** Lines are new-file lines; a finding always points somewhere, so an anchor without one clamps to 1. */
export function lineOf(anchor: Anchor): number {
  return Math.max(1, anchor.newLine ?? anchor.oldLine ?? 1);
}

/** A finding of `meta`'s rule at `anchor`, in `context`'s patch. */
export function findingAt(context: RuleContext, meta: RuleMeta, anchor: Anchor, details: FindingDetails): Finding {
  const finding: Finding = {
    rule: meta.id,
    severity: meta.severity,
    input: context.patch.input,
    subject: context.patch.subject,
    file: anchor.file,
    line: lineOf(anchor),
    message: details.message,
    fix: details.fix ?? meta.fix,
  };
  if (context.patch.commit !== undefined) finding.commit = context.patch.commit;
  if (anchor.patchLine !== undefined) finding.patchLine = anchor.patchLine;
  if (details.function !== undefined) finding.function = details.function;
  if (details.related !== undefined && details.related.length > 0) finding.related = details.related;
  return finding;
}

/** A related location at `anchor`, such as the store a finding at a definition is about. */
export function relatedAt(anchor: Anchor, message: string): Related {
  const related: Related = { file: anchor.file, line: lineOf(anchor), message };
  if (anchor.patchLine !== undefined) related.patchLine = anchor.patchLine;
  return related;
}

/** Code-unit order, not `localeCompare`: the same findings come out in the same order everywhere. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order every rule returns its findings in: file, line, rule, then patch line and message. */
export function byLocation(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    compareText(a.file, b.file) ||
    a.line - b.line ||
    compareText(a.rule, b.rule) ||
    (a.patchLine ?? 0) - (b.patchLine ?? 0) ||
    compareText(a.message, b.message));
}
