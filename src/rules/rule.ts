import type { Finding } from '../model/finding.js';
import type { Patch } from '../model/patch.js';
import type { PatchProgram } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import type { Verdict } from '../model/verdict.js';
import type { SeriesProgram, TreeFiles } from '../extract/extract-patch.js';

/** What a rule sees: one patch, its programs, the whole series' programs and the simulator's verdicts. */
export interface RuleContext {
  patch: Patch;
  program: PatchProgram;
  series: SeriesProgram;
  /** Verdicts of every scenario simulated for the series; a rule keeps the violations anchored in `patch`. */
  verdicts: readonly Verdict[];
  /** The `--tree` files the series was extracted with, by path: build files such as `Kbuild` that say what a header is. */
  tree?: TreeFiles;
}

/** A rule: metadata plus a pure function from facts and verdicts to findings. Never walks syntax, never formats. */
export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): Finding[];
}
