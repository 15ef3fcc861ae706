import type { Finding } from '../model/finding.js';
import type { Patch, Series } from '../model/patch.js';
import { patchOfLine } from '../rules/review-series.js';

/**
 * The patch of the series a finding is about: the one its patch line falls in, or, for a finding
 * without one, the patch of its input with its subject.
 */
export function ownerOf(series: Series, finding: Finding): Patch | undefined {
  if (finding.patchLine !== undefined) return patchOfLine(series, finding.input, finding.patchLine);
  return series.patches.find((patch) => patch.input === finding.input && patch.subject === finding.subject)
    ?? patchOfLine(series, finding.input, undefined);
}
