import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/model/finding.js';
import type { IncompleteAnalysis } from '../../src/model/report.js';
import { readPatches } from '../../src/parse/parse-input.js';
import { orderSeries } from '../../src/parse/series.js';
import { reviewSeries, type ReviewOptions } from '../../src/rules/review-series.js';
import type { Rule } from '../../src/rules/rule.js';
import { type ExpectedFinding, hasShared, ROOT, SHARED, type Source } from './rule-tester.js';

/**
 * The RuleTester of the simulator rules. Their findings come from the whole pipeline — parse,
 * extract, simulate every scenario, apply the rules — as `kreview lint` runs it, so each case reviews
 * its inputs with lint's defaults and keeps the findings of the rule under test.
 *
 * A review of one fixture costs seconds, of the v7 driver ten or more, and each rule's test file
 * asks for the same reviews; vitest gives every file a fresh module graph, so a module-level cache
 * alone would repeat them eight times. Reviews are therefore also kept on disk, keyed by the bytes
 * of the inputs, the options and every source file of `src/` (and the lockfile): any change to the
 * code under test is a different key. The pipeline is deterministic, so a hit is the same result a
 * new review would give. `KREVIEW_TEST_CACHE=off` turns the disk cache off.
 */

/** `kreview lint`'s defaults (src/cli/review-options.ts). */
const LINT_OPTIONS: ReviewOptions = { maxStates: 200_000, pages: 2, secondDevice: true };

/** What a review keeps for the tests: every rule's findings, and which scenarios a budget stopped. */
interface Review {
  findings: Finding[];
  incomplete: IncompleteAnalysis[];
}

/** An input as the pipeline names it: relative to the project, POSIX separators. */
function inputName(source: Source): string {
  const file = 'fixture' in source ? path.join(ROOT, 'fixtures', 'patches', source.fixture) : path.join(SHARED, source.shared);
  return path.relative(ROOT, file).split(path.sep).join('/');
}

const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'kreview-test-reviews');
/** Bump when what is cached changes shape. */
const CACHE_FORMAT = 1;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

let codeFingerprint: string | undefined;

/** A hash of everything a review's result can depend on besides its inputs and options. */
function fingerprintOfCode(): string {
  if (codeFingerprint === undefined) {
    const hash = createHash('sha256');
    for (const file of [...filesUnder(path.join(ROOT, 'src')), path.join(ROOT, 'package-lock.json')]) {
      hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
    codeFingerprint = hash.digest('hex');
  }
  return codeFingerprint;
}

type Text = { name: string; bytes: Uint8Array };

async function review(texts: readonly Text[]): Promise<Review> {
  const read = await Promise.all(texts.map(({ name, bytes }) => readPatches(name, bytes)));
  const series = orderSeries(read.flatMap((r) => r.patches), read.flatMap((r) => r.diagnostics));
  const { result } = await reviewSeries(series, LINT_OPTIONS);
  return { findings: result.findings, incomplete: result.incomplete };
}

const reviews = new Map<string, Promise<Review>>();

/** The review of `inputs` as one series: from this file's memory, the disk cache, or a new run. */
export function reviewOf(inputs: readonly Source[]): Promise<Review> {
  const texts = inputs.map((source) => {
    const name = inputName(source);
    return { name, bytes: new Uint8Array(readFileSync(path.join(ROOT, name))) };
  });
  const key = createHash('sha256')
    .update(JSON.stringify({ format: CACHE_FORMAT, options: LINT_OPTIONS, code: fingerprintOfCode() }))
    .update(JSON.stringify(texts.map((t) => [t.name, createHash('sha256').update(t.bytes).digest('hex')])))
    .digest('hex');
  let pending = reviews.get(key);
  if (!pending) {
    pending = cachedReview(key, texts);
    reviews.set(key, pending);
  }
  return pending;
}

async function cachedReview(key: string, texts: readonly Text[]): Promise<Review> {
  if (process.env['KREVIEW_TEST_CACHE'] === 'off') return review(texts);
  const file = path.join(CACHE_DIR, `${key}.json`);
  const cached = await readFile(file, 'utf8').then((text) => JSON.parse(text) as Review, () => undefined);
  if (cached) return cached;
  const fresh = await review(texts);
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written aside and renamed, so that a test file running at the same time never reads half of it.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(fresh));
  renameSync(partial, file);
  return fresh;
}

/** The findings of one rule in the review of `inputs`. */
export async function simFindingsOf(rule: Rule, inputs: readonly Source[]): Promise<Finding[]> {
  return (await reviewOf(inputs)).findings.filter((f) => f.rule === rule.meta.id);
}

/** A pinned finding of a simulator rule: severity only when it is not the rule's own (lock-leak's `info`). */
export interface SimExpectedFinding extends ExpectedFinding {
  severity?: Severity;
}

export interface SimCase {
  name: string;
  inputs: Source[];
}

interface SimInvalidCase extends SimCase {
  findings: SimExpectedFinding[];
}

/** The part of a finding a case pins, shaped like the expectation so that `toEqual` compares them. */
export function pinnedSim(finding: Finding, expected: SimExpectedFinding | undefined): SimExpectedFinding {
  const out: SimExpectedFinding = { file: finding.file, line: finding.line, patchLine: finding.patchLine ?? -1 };
  if (finding.function !== undefined) out.function = finding.function;
  if (expected?.severity) out.severity = finding.severity;
  if (expected?.message) out.message = expected.message;
  if (expected?.related) out.related = (finding.related ?? []).map((r) => r.line ?? -1);
  return out;
}

/** What holds of every finding of a simulator rule: located, quotable, and with its interleaving. */
function expectWellFormed(rule: Rule, finding: Finding, expected: SimExpectedFinding | undefined, inputs: readonly Source[]): void {
  expect(finding.rule).toBe(rule.meta.id);
  expect(finding.severity).toBe(expected?.severity ?? rule.meta.severity);
  expect(inputs.map(inputName)).toContain(finding.input);
  expect(finding.line).toBeGreaterThanOrEqual(1);
  expect(finding.message).toMatch(/\.$/);
  expect(finding.fix).not.toBe('');
  if (inputs.every((s) => 'fixture' in s)) expect(finding.commit).toMatch(/^[0-9a-f]{40}$/);
}

const needsShared = (c: SimCase): boolean => c.inputs.some((s) => 'shared' in s);
export const caseTitle = (c: SimCase): string => (needsShared(c) ? `${c.name} (needs ../shared)` : c.name);
export const skipCase = (c: SimCase): boolean => needsShared(c) && !hasShared;

/**
 * A table of valid and invalid inputs for a simulator rule, run through the whole pipeline. Every
 * review must be complete: a scenario stopped by the state budget proves nothing about a valid case.
 */
export function testSimulatorRule(rule: Rule, cases: { valid: SimCase[]; invalid: SimInvalidCase[] }): void {
  describe(rule.meta.id, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        it.skipIf(skipCase(c))(caseTitle(c), async () => {
          const { findings, incomplete } = await reviewOf(c.inputs);
          expect(incomplete).toEqual([]);
          expect(findings.filter((f) => f.rule === rule.meta.id)).toEqual([]);
        });
      }
    });
    // A rule whose invalid inputs need more than exact pins is checked by hand beside the table.
    if (cases.invalid.length === 0) return;
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it.skipIf(skipCase(c))(caseTitle(c), async () => {
          const { findings: all, incomplete } = await reviewOf(c.inputs);
          expect(incomplete).toEqual([]);
          const findings = all.filter((f) => f.rule === rule.meta.id);
          for (const [i, finding] of findings.entries()) expectWellFormed(rule, finding, c.findings[i], c.inputs);
          expect(findings.map((f, i) => pinnedSim(f, c.findings[i]))).toEqual(c.findings);
          for (const [i, expected] of c.findings.entries()) {
            if (expected.message) expect(findings[i]?.message).toMatch(expected.message);
          }
        });
      }
    });
  });
}

/**
 * `sim-renamed-race.patch` is `sim-deflate-race.patch` with every identifier of the driver renamed
 * (its functions, globals, locals, struct and fields; `balloon_mapping` too) and none of the
 * kernel's. New name to old, for the names that can appear in what a finding says.
 */
const RENAMED: Readonly<Record<string, string>> = {
  squeeze_dev: 'toy_balloon', sq_grow: 'tb_fill', sq_shrink: 'tb_leak', sq_move: 'tb_migratepage', sq_take: 'tb_isolatepage',
  sq_give_back: 'tb_putbackpage', sq_space_ops: 'tb_aops', sq_attach: 'tb_probe', sq_detach: 'tb_remove', sq_changed: 'tb_config_changed',
  sq_notify: 'tb_tell_host', sq_push_pfn: 'tb_send_pfn', sq_wanted: 'tb_read_target', sq_list_lock: 'tb_pages_lock',
  sq_space: 'balloon_mapping', sq_ids: 'tb_id_table', sq_drv: 'tb_driver', sq: 'tb', vd: 'vdev', pg: 'page', fresh: 'newpage',
};
/** Fields of the driver's struct: renamed only after `->`. */
const RENAMED_FIELDS: Readonly<Record<string, string>> = { mtx: 'lock', held: 'pages', nr_held: 'num_pages', vd: 'vdev' };

/** A text about the renamed fixture, told with the original names. */
export function originalNames(text: string): string {
  return text.replace(/(->)?\b([A-Za-z_]\w*)\b/g, (whole, arrow: string | undefined, name: string) =>
    (arrow ? `->${RENAMED_FIELDS[name] ?? name}` : RENAMED[name] ?? whole));
}

/** What a finding says and where, without what names its input: the parts renaming must not change. */
export function placeAndWords(finding: Finding): Record<string, unknown> {
  return {
    rule: finding.rule, severity: finding.severity, file: finding.file, line: finding.line, patchLine: finding.patchLine,
    function: finding.function, message: finding.message, fix: finding.fix,
    related: (finding.related ?? []).map((r) => ({ line: r.line, patchLine: r.patchLine, message: r.message })),
  };
}
