import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSeries, type TreeFiles } from '../../src/extract/extract-patch.js';
import type { Finding } from '../../src/model/finding.js';
import { readPatches } from '../../src/parse/parse-input.js';
import { orderSeries } from '../../src/parse/series.js';
import type { Rule } from '../../src/rules/rule.js';

/**
 * A small RuleTester in ESLint's manner: a rule, a table of valid and invalid inputs, and the exact
 * findings each invalid input must give. Inputs run the real pipeline (parse, extract, check) with
 * no verdicts, as the file-level rules need none.
 */

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The team's shared data (the LKML seed review, the v7 series), beside the project when present. */
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const hasShared = existsSync(SHARED);

/** The seed review and the v7 series, relative to SHARED. */
export const SEED = 'seed/review-virtio-balloon-v7-2of4.txt';
export const V7_1 = 'corpus/series-v7/v7-1of4-mm-compaction-migration.patch';
export const V7_2 = 'corpus/series-v7/v7-2of4-virtio-balloon-migration.patch';
export const V7_4 = 'corpus/series-v7/v7-4of4-vm-event-counters.patch';

/** An input by where it lives: one of the project's fixtures, or a file of the shared data. */
export type Source = { fixture: string } | { shared: string };

/** What a test pins of a finding: where it is, and optionally what it names and points to. */
export interface ExpectedFinding {
  file: string;
  line: number;
  patchLine: number;
  function?: string;
  /** Matched against the message: the identifiers a reviewer would name. */
  message?: RegExp;
  /** New-file lines of `related`, in order. */
  related?: number[];
}

export interface ValidCase {
  name: string;
  inputs: Source[];
  tree?: Record<string, string>;
}

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
}

/** An input file as the pipeline names it: relative to the project, POSIX separators. */
function locate(source: Source): { name: string; file: string } {
  const file = 'fixture' in source ? path.join(ROOT, 'fixtures', 'patches', source.fixture) : path.join(SHARED, source.shared);
  return { name: path.relative(ROOT, file).split(path.sep).join('/'), file };
}

/** Parses inputs as one series and runs `rule` on every patch of it. */
export async function findingsOf(rule: Rule, inputs: readonly Source[], tree?: TreeFiles): Promise<Finding[]> {
  const texts = await Promise.all(inputs.map(async (source) => {
    const { name, file } = locate(source);
    return { name, bytes: new Uint8Array(await readFile(file)) };
  }));
  return findingsOfTexts(rule, texts, tree);
}

/** The same for inputs already in memory, such as a renamed copy of a patch. */
export async function findingsOfTexts(rule: Rule, texts: readonly { name: string; bytes: Uint8Array }[], tree?: TreeFiles): Promise<Finding[]> {
  const read = await Promise.all(texts.map(({ name, bytes }) => readPatches(name, bytes)));
  const series = orderSeries(read.flatMap((r) => r.patches), read.flatMap((r) => r.diagnostics));
  const program = extractSeries(series, tree);
  return series.patches.flatMap((patch, i) => rule.check({
    patch, program: program.patches[i]!, series: program, verdicts: [], ...(tree ? { tree } : {}),
  }));
}

/** The part of a finding a case pins, shaped like the expectation so that `toEqual` compares them. */
function pinned(finding: Finding, expected: ExpectedFinding | undefined): ExpectedFinding {
  const out: ExpectedFinding = { file: finding.file, line: finding.line, patchLine: finding.patchLine ?? -1 };
  if (finding.function !== undefined) out.function = finding.function;
  if (expected?.message) out.message = expected.message;
  if (expected?.related) out.related = (finding.related ?? []).map((r) => r.line ?? -1);
  return out;
}

/** What holds of every finding of every rule: its own id and severity, a located, quotable message. */
function expectWellFormed(rule: Rule, finding: Finding, inputs: readonly Source[]): void {
  expect(finding.rule).toBe(rule.meta.id);
  expect(finding.severity).toBe(rule.meta.severity);
  expect(inputs.map((s) => locate(s).name)).toContain(finding.input);
  expect(finding.subject).not.toBe('');
  expect(finding.line).toBeGreaterThanOrEqual(1);
  expect(finding.message).toMatch(/`[^`]+`.*\.$/);
  expect(finding.fix).not.toBe('');
  // `git format-patch` fixtures carry their commit, and findings pass it on for `--format=email` replies.
  if (inputs.every((s) => 'fixture' in s)) expect(finding.commit).toMatch(/^[0-9a-f]{40}$/);
}

const needsShared = (c: ValidCase): boolean => c.inputs.some((s) => 'shared' in s);
const title = (c: ValidCase): string => (needsShared(c) ? `${c.name} (needs ../shared)` : c.name);
const treeOf = (c: ValidCase): TreeFiles | undefined => (c.tree ? new Map(Object.entries(c.tree)) : undefined);

export function testRule(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        it.skipIf(needsShared(c) && !hasShared)(title(c), async () => {
          expect(await findingsOf(rule, c.inputs, treeOf(c))).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it.skipIf(needsShared(c) && !hasShared)(title(c), async () => {
          const findings = await findingsOf(rule, c.inputs, treeOf(c));
          for (const finding of findings) expectWellFormed(rule, finding, c.inputs);
          expect(findings.map((f, i) => pinned(f, c.findings[i]))).toEqual(c.findings);
          for (const [i, expected] of c.findings.entries()) {
            if (expected.message) expect(findings[i]?.message).toMatch(expected.message);
          }
        });
      }
    });
  });
}
