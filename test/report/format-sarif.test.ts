import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/format-sarif.js';
import { headerFinding, raceFinding, reviewResult, RULES } from './fixtures.js';

const schema: object = JSON.parse(readFileSync(path.join(import.meta.dirname, 'schema/sarif-schema-2.1.0.json'), 'utf8'));
// Valid draft-07, but not written for Ajv's strict mode (`required` in `anyOf` branches without `properties`).
const ajv = new Ajv({ allErrors: true, strict: false });
formats.default(ajv);
const validate = ajv.compile(schema);

function sarif(findings = [raceFinding(), headerFinding()], rulesDocBase?: string): Log {
  return JSON.parse(formatSarif(reviewResult(findings), { rules: RULES, toolVersion: '0.1.0', rulesDocBase })) as Log;
}

describe('formatSarif', () => {
  const log = sarif();
  const run = log.runs[0]!;

  it('validates against the official SARIF 2.1.0 schema', () => {
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(sarif(undefined, 'https://example.org/kreview/docs/rules/')), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(log);
    broken.runs[0]!.results![0]!.locations![0]!.physicalLocation!.region!.startLine = 0;
    expect(validate(broken)).toBe(false);
  });

  it('describes every rule, sorted by id, with a help URI when given a base', () => {
    expect(run.tool.driver.rules?.map((r) => r.id)).toEqual(['balloon-page-isolation', 'header-definition']);
    expect(run.tool.driver.rules?.[0]).toMatchObject({
      shortDescription: { text: 'A balloon page can be isolated while the driver releases it.' },
      defaultConfiguration: { level: 'error' },
    });
    expect(run.tool.driver.rules?.[0]?.helpUri).toBeUndefined();
    const withBase = sarif(undefined, 'https://example.org/kreview/docs/rules/').runs[0]!;
    expect(withBase.tool.driver.rules?.[1]?.helpUri).toBe('https://example.org/kreview/docs/rules/header-definition.md');
  });

  it('sorts results and points at relative POSIX URIs, with lines of at least 1', () => {
    expect(run.results?.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['balloon-page-isolation', 0, 'error'],
      ['header-definition', 1, 'warning'],
    ]);
    const location = run.results?.[0]?.locations?.[0];
    expect(location?.physicalLocation?.artifactLocation).toEqual({ uri: 'drivers/virtio/virtio_balloon.c', uriBaseId: '%SRCROOT%' });
    expect(location?.logicalLocations).toEqual([{ name: 'leak_balloon', kind: 'function' }]);
    const fileLevel = sarif([{ ...headerFinding(), line: 0, file: './include\\linux/virtio balloon.h' }]).runs[0]!.results![0]!;
    expect(fileLevel.locations?.[0]?.physicalLocation?.region?.startLine).toBe(1);
    expect(fileLevel.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('include/linux/virtio%20balloon.h');
  });

  it('gives an interleaving one thread flow per CPU, ordered across threads by executionOrder', () => {
    const flow = run.results?.[0]?.codeFlows?.[0];
    expect(flow?.threadFlows.map((t) => [t.id, t.message?.text])).toEqual([
      ['CPU0', 'CPU0 (deflate)'],
      ['CPU1', 'CPU1 (compaction)'],
    ]);
    const steps = flow?.threadFlows.flatMap((t) => t.locations.map((l) => [t.id, l.executionOrder, l.location?.message?.text]));
    expect(steps).toEqual([
      ['CPU0', 1, 'leak_balloon:191: page->mapping = NULL'],
      ['CPU0', 3, 'leak_balloon:192: list_del(&page->lru)'],
      ['CPU0', 4, 'leak_balloon:191: (store to page->mapping becomes visible)'],
      ['CPU1', 2, 'isolate_migratepages:412: if (page->mapping == balloon_mapping) (still sees the balloon mapping)'],
      ['CPU1', 5, 'virtballoon_isolatepage:430: list_del(&page->lru) (page is on no list: list corruption)'],
    ]);
  });

  it('keeps fingerprints stable when a finding only moves', () => {
    const moved = sarif([{ ...raceFinding(), line: 250, patchLine: 120 }]).runs[0]!.results![0]!;
    expect(moved.partialFingerprints).toEqual(run.results?.[0]?.partialFingerprints);
    expect(run.results?.[1]?.partialFingerprints).not.toEqual(run.results?.[0]?.partialFingerprints);
  });

  it('reports input problems, stopped searches and unmodelled code as tool notifications', () => {
    const notifications = run.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(notifications.map((n) => [n.level, n.descriptor?.id])).toEqual([
      ['warning', 'hunk-count'],
      ['warning', 'incomplete-analysis'],
      ['note', 'not-modelled'],
    ]);
  });

  it('is byte-identical whatever order the findings arrive in', () => {
    const options = { rules: RULES, toolVersion: '0.1.0' };
    expect(formatSarif(reviewResult([headerFinding(), raceFinding()]), options)).toBe(formatSarif(reviewResult(), options));
  });
});
