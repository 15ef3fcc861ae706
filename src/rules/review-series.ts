import type { Finding } from '../model/finding.js';
import type { Patch, Series } from '../model/patch.js';
import type { AnalysisNote, IncompleteAnalysis, ReviewResult } from '../model/report.js';
import type { Verdict } from '../model/verdict.js';
import { extractSeries, type SeriesProgram, type TreeFiles } from '../extract/extract-patch.js';
import { UsageError } from '../model/errors.js';
import { buildScenarios, buildSoloScenarios, buildThreadScenario, type ThreadRole } from '../sim/build-scenarios.js';
import { explore, type ExploreOptions } from '../sim/explore.js';
import type { Scenario } from '../sim/scenario.js';
import { RULES } from './registry.js';
import type { Rule } from './rule.js';

/**
 * Explores scenarios and gives their verdicts in the same order. Scenarios are independent of each
 * other, so the CLI may run them on several cores; the result is the same either way.
 */
export type ScenarioRunner = (scenarios: readonly Scenario[], options: ExploreOptions) => Promise<Verdict[]>;

/** One after the other, on this thread. */
export const runInSequence: ScenarioRunner = (scenarios, options) => Promise.resolve(scenarios.map((scenario) => explore(scenario, options).verdict));

/** What a long review tells as it goes: the CLI shows it on a terminal. */
export interface ReviewProgress {
  /** Unit `index` (from 0) of `total` starts: a series, or a lone patch, named by its first patch's subject. */
  unit(index: number, total: number, subject: string): void;
  /** The scenario being explored, and the states it has numbered so far. */
  states(scenario: string, count: number): void;
}

/** Everything between reading a series and formatting the review: extract, simulate, apply rules. */
export interface ReviewOptions {
  tree?: TreeFiles;
  /** Rule ids to run; all registered rules when absent. */
  rules?: readonly string[];
  maxStates: number;
  maxMillis?: number;
  now?: () => number;
  /** Whether a search must stop for memory (see ExploreOptions). */
  memoryLow?: () => boolean;
  pages: number;
  secondDevice: boolean;
  /** Run just these threads together (`kreview sim --threads`) instead of the usual scenarios. */
  threads?: readonly ThreadRole[];
  /** How scenarios are explored; {@link runInSequence} when absent. */
  runScenarios?: ScenarioRunner;
  /** Stores become visible in program order (interleavings only, as spin's models have it): `kreview sim --no-store-reordering`. */
  sequentiallyConsistent?: boolean;
  progress?: ReviewProgress;
}

/** What a review keeps: the result alone, so a mbox of thousands of patches does not keep every unit's programs. */
export interface SeriesReview {
  result: ReviewResult;
}

/** Runs every scenario the series calls for; each verdict says whether it is complete. */
export function simulateSeries(program: SeriesProgram, options: ReviewOptions): Promise<Verdict[]> {
  const { progress } = options;
  const exploreOptions: ExploreOptions = {
    maxStates: options.maxStates,
    ...(options.maxMillis !== undefined ? { maxMillis: options.maxMillis } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.memoryLow ? { memoryLow: options.memoryLow } : {}),
    ...(progress ? { progress: (scenario: string, count: number) => progress.states(scenario, count) } : {}),
  };
  const run = options.runScenarios ?? runInSequence;
  if (options.threads) {
    const scenario = buildThreadScenario(program, { pages: options.pages, secondDevice: false, relaxedStores: !options.sequentiallyConsistent }, options.threads);
    if ('missing' in scenario) {
      throw new UsageError(`--threads: no function of the series plays ${scenario.missing} (kreview finds roles by how the driver registers and uses its functions)`);
    }
    return run([scenario], exploreOptions);
  }
  const scenarios = buildScenarios(program, { pages: options.pages, secondDevice: options.secondDevice, relaxedStores: !options.sequentiallyConsistent });
  const functions = scenarios[0]?.functions ?? new Map(program.patches.flatMap((p) => p.files.flatMap((f) => f.functions.map((fn) => [fn.name, fn] as const))));
  const all = [...scenarios, ...buildSoloScenarios(program, functions)];
  return run(all, exploreOptions);
}

/** Per series: each input's patches in input order, by start line (a mbox of thousands asks once per finding). */
const patchesByInput = new WeakMap<Series, Map<string | undefined, Patch[]>>();

/** Which patch of the series an input line belongs to. */
export function patchOfLine(series: Series, input: string | undefined, patchLine: number | undefined): Patch | undefined {
  let byInput = patchesByInput.get(series);
  if (!byInput) {
    byInput = new Map();
    for (const patch of series.patches) {
      const patches = byInput.get(patch.input);
      if (patches) patches.push(patch);
      else byInput.set(patch.input, [patch]);
    }
    for (const patches of byInput.values()) patches.sort((a, b) => a.startLine - b.startLine);
    patchesByInput.set(series, byInput);
  }
  if (patchLine === undefined) return series.patches.find((p) => p.input === input);
  const candidates = byInput.get(input) ?? [];
  // The last patch starting at or before the line.
  let low = 0;
  let high = candidates.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (candidates[mid]!.startLine <= patchLine) low = mid + 1;
    else high = mid;
  }
  return candidates[low - 1];
}

/**
 * The patches that run together: the parts of one `[PATCH vN M/K]` series, and each lone patch on its
 * own, so that two unrelated drivers given on one command line are not simulated as one module.
 */
export function reviewUnits(series: Series): Series[] {
  const groups = new Map<string, Series['patches']>();
  series.patches.forEach((patch, index) => {
    const key = patch.series ? `series v${patch.series.version} of ${patch.series.total}` : `lone ${index}`;
    groups.set(key, [...(groups.get(key) ?? []), patch]);
  });
  const units = [...groups.values()].map((patches, i) => ({
    patches, missing: i === 0 ? series.missing : [], duplicates: i === 0 ? series.duplicates : [], diagnostics: i === 0 ? series.diagnostics : [],
  }));
  return units.length > 0 ? units : [series];
}

/** Reviews each unit of the input on its own and puts the results together, in input order. */
export async function reviewSeries(series: Series, options: ReviewOptions): Promise<SeriesReview> {
  const reviews: SeriesReview[] = [];
  const units = reviewUnits(series);
  for (const [index, unit] of units.entries()) {
    options.progress?.unit(index, units.length, unit.patches[0]?.subject ?? '');
    reviews.push(await reviewUnit(unit, options));
    // tree-sitter frees a parsed tree in a finalizer that Node runs on a later turn of the event
    // loop, and V8 is not told of the tree's memory: without a turn here, a mbox kept every tree
    // until the end (1,000 lone patches: 440 MiB peak, 137 MiB with it).
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (reviews.length === 1) return reviews[0]!;
  return {
    result: {
      findings: reviews.flatMap((r) => r.result.findings),
      diagnostics: reviews.flatMap((r) => r.result.diagnostics),
      notes: reviews.flatMap((r) => r.result.notes),
      incomplete: reviews.flatMap((r) => r.result.incomplete),
      patches: series.patches.length,
    },
  };
}

async function reviewUnit(series: Series, options: ReviewOptions): Promise<SeriesReview> {
  const program = extractSeries(series, options.tree);
  const verdicts = await simulateSeries(program, options);
  const rules: readonly Rule[] = options.rules ? RULES.filter((r) => options.rules!.includes(r.meta.id)) : RULES;
  const findings: Finding[] = [];
  series.patches.forEach((patch, index) => {
    const patchProgram = program.patches[index]!;
    for (const rule of rules) {
      findings.push(...rule.check({ patch, program: patchProgram, series: program, verdicts, ...(options.tree ? { tree: options.tree } : {}) }));
    }
  });
  const notes: AnalysisNote[] = program.patches.flatMap((p) => p.files.flatMap((f) => f.notes.map((message) => ({ input: p.input, file: f.file, message }))));
  for (const verdict of verdicts) {
    for (const message of verdict.notes) notes.push({ input: series.patches[0]?.input ?? '-', message: `${verdict.scenario}: ${message}` });
  }
  const incomplete: IncompleteAnalysis[] = verdicts
    .filter((v) => v.status === 'incomplete')
    .map((v) => ({ input: series.patches[0]?.input ?? '-', scenario: v.scenario, coverage: v.coverage }));
  return {
    result: {
      findings: dedupe(findings),
      diagnostics: [...series.diagnostics, ...series.patches.flatMap((p) => p.diagnostics), ...program.diagnostics],
      notes: [...new Map(notes.map((n) => [`${n.file}|${n.message}`, n])).values()],
      incomplete,
      patches: series.patches.length,
    },
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.rule}|${f.input}|${f.file}|${f.line}|${f.message}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()];
}
