import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared');
const hasShared = existsSync(SHARED);
const BIN = path.join(ROOT, 'bin', 'kreview.js');

interface JsonFinding { rule: string; severity: string; file: string; line: number; patchLine: number | null; message: string }
interface JsonReport { findings: JsonFinding[]; incomplete: { scenario: string }[] }

function lint(args: string[]): { status: number | null; report: JsonReport } {
  const result = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json', ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, report: JSON.parse(result.stdout) as JsonReport };
}

describe('kreview lint --tree: whole functions instead of hunks', () => {
  it.skipIf(!hasShared)('finds the lock leak hidden between the hunks of stats_handle_request, which the patch alone only flags as unknown (needs ../shared)', () => {
    const seed = path.join(SHARED, 'seed/review-virtio-balloon-v7-2of4.txt');
    const alone = lint([seed, '--time-budget', '1']);
    const hidden = alone.report.findings.filter((f) => f.rule === 'lock-leak' && f.message.includes('stats_handle_request'));
    expect(hidden.map((f) => [f.severity, f.line, f.patchLine])).toEqual([['info', 279, 161]]);

    const whole = lint([seed, '--tree', path.join(SHARED, 'corpus/tree-3.6'), '--time-budget', '1']);
    expect(whole.status).toBe(1);
    const leaks = whole.report.findings.filter((f) => f.rule === 'lock-leak').map((f) => [f.severity, f.file, f.line, f.patchLine]);
    expect(leaks).toEqual([
      ['error', 'drivers/virtio/virtio_balloon.c', 162, 95],
      ['error', 'drivers/virtio/virtio_balloon.c', 277, null],
    ]);
    // The race scenarios over whole functions outgrow a one-second budget: they say so.
    expect(whole.report.incomplete.length).toBeGreaterThan(0);
  }, 120_000);

  it.skipIf(!hasShared)('the corrected v7 2/4 gives no finding over whole functions either, every scenario complete (needs ../shared)', () => {
    const corrected = lint([path.join(ROOT, 'fixtures/patches/corrected-virtio-balloon.mbox'), '--tree', path.join(SHARED, 'corpus/tree-3.6')]);
    expect(corrected.report.findings).toEqual([]);
    expect(corrected.report.incomplete).toEqual([]);
    expect(corrected.status).toBe(0);
  }, 120_000);
});
