import { describe, expect, it } from 'vitest';
import type { Patch, Series } from '../../src/model/patch.js';
import { patchOfLine } from '../../src/rules/review-series.js';

function patch(input: string, startLine: number): Patch {
  return { input, startLine, subject: `${input}@${startLine}`, files: [], comments: [], diagnostics: [] };
}

// Inputs in the order a mbox lists them, and a second input whose patches came in out of line order.
const series: Series = {
  patches: [patch('a.mbox', 1), patch('a.mbox', 40), patch('a.mbox', 95), patch('b.mbox', 60), patch('b.mbox', 1)],
  missing: [], duplicates: [], diagnostics: [],
};

describe('patchOfLine', () => {
  it('gives the patch of the input whose message the line falls in', () => {
    expect(patchOfLine(series, 'a.mbox', 1)?.subject).toBe('a.mbox@1');
    expect(patchOfLine(series, 'a.mbox', 39)?.subject).toBe('a.mbox@1');
    expect(patchOfLine(series, 'a.mbox', 40)?.subject).toBe('a.mbox@40');
    expect(patchOfLine(series, 'a.mbox', 94)?.subject).toBe('a.mbox@40');
    expect(patchOfLine(series, 'a.mbox', 5000)?.subject).toBe('a.mbox@95');
    expect(patchOfLine(series, 'b.mbox', 59)?.subject).toBe('b.mbox@1');
    expect(patchOfLine(series, 'b.mbox', 60)?.subject).toBe('b.mbox@60');
  });

  it('gives nothing for a line before the first patch or an input not in the series', () => {
    expect(patchOfLine({ ...series, patches: [patch('c.mbox', 10)] }, 'c.mbox', 3)).toBeUndefined();
    expect(patchOfLine(series, 'z.mbox', 10)).toBeUndefined();
  });

  it('without a line, gives the input’s first patch as listed', () => {
    expect(patchOfLine(series, 'b.mbox', undefined)?.subject).toBe('b.mbox@60');
  });
});
