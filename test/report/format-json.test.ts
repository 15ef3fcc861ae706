import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatJson, JSON_SCHEMA_VERSION, type JsonReport } from '../../src/report/format-json.js';
import { headerFinding, raceFinding, reviewResult } from './fixtures.js';

const schemaPath = path.resolve(import.meta.dirname, '../../docs/json-schema/kreview-findings-v1.json');
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

describe('formatJson', () => {
  const text = formatJson(reviewResult(), { toolVersion: '0.1.0' });
  const report = JSON.parse(text) as JsonReport;

  it('validates against the documented schema', () => {
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('is versioned and names the tool', () => {
    expect(report.schemaVersion).toBe(JSON_SCHEMA_VERSION);
    expect(report.tool).toEqual({ name: 'kreview', version: '0.1.0' });
    expect(report.summary).toEqual({ patches: 1, findings: 2, errors: 1, warnings: 1, info: 0 });
  });

  it('keeps every key, with null for what is not known', () => {
    const [race, header] = report.findings;
    expect(race).toMatchObject({ rule: 'balloon-page-isolation', file: 'drivers/virtio/virtio_balloon.c', line: 191, patchLine: 49 });
    expect(header).toMatchObject({ rule: 'header-definition', patchLine: null, function: null, commit: null, trace: [], related: [] });
    expect(race?.trace[3]).toMatchObject({ thread: 0, actor: 'deflate', line: 191, commit: true, note: null, origin: 'added' });
    expect(report.incomplete).toEqual([
      { input: 'v7-2of4.patch', scenario: 'deflate-vs-migration', states: 100000, transitions: 250000, maxDepth: 41, stoppedBy: 'states' },
    ]);
    expect(report.diagnostics[0]).toEqual({ level: 'warning', input: 'v7-2of4.patch', patchLine: 3, code: 'hunk-count', message: 'hunk header counts 7 lines, body has 6' });
  });

  it('is byte-identical whatever order the findings arrive in', () => {
    expect(formatJson(reviewResult([headerFinding(), raceFinding()]), { toolVersion: '0.1.0' })).toBe(text);
  });

  it('has a schema strict enough to catch a missing key or a stray one', () => {
    const { trace: _dropped, ...withoutTrace } = report.findings[0]!;
    expect(validate({ ...report, findings: [withoutTrace] })).toBe(false);
    expect(validate({ ...report, extra: true })).toBe(false);
  });
});
