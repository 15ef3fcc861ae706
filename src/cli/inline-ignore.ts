import type { Finding } from '../model/finding.js';
import type { Series } from '../model/patch.js';
import { ownerOf } from './finding-owner.js';

/**
 * `/* kreview: ignore RULE *\/` or `// kreview: ignore RULE` in the patch's C, on the line a finding
 * is reported at or on the line above it, silences that finding. Several ids may be listed,
 * separated by commas or spaces.
 */
const MARKER = /(?:\/\*|\/\/)\s*kreview:\s*ignore\s+([a-z0-9][a-z0-9-]*(?:[\s,]+[a-z0-9][a-z0-9-]*)*)/gi;

/** The rule ids a line's markers name. */
export function ignoredRules(text: string): string[] {
  return [...text.matchAll(MARKER)].flatMap((match) => (match[1] ?? '').split(/[\s,]+/).filter(Boolean).map((id) => id.toLowerCase()));
}

/** Whether the finding's patch carries a marker for its rule at its line or the line above. */
function isIgnored(series: Series, finding: Finding): boolean {
  const patch = ownerOf(series, finding);
  if (!patch) return false;
  const lines = patch.files
    .filter((file) => file.newPath === finding.file)
    .flatMap((file) => file.hunks.flatMap((hunk) => hunk.lines))
    .filter((line) => line.kind !== 'del' && (line.newLine === finding.line || line.newLine === finding.line - 1));
  return lines.some((line) => ignoredRules(line.text).includes(finding.rule));
}

/** Splits findings into those still reported and those an inline marker silences. */
export function applyInlineIgnores(series: Series, findings: readonly Finding[]): { kept: Finding[]; ignored: Finding[] } {
  const kept: Finding[] = [];
  const ignored: Finding[] = [];
  for (const finding of findings) (isIgnored(series, finding) ? ignored : kept).push(finding);
  return { kept, ignored };
}
