import { describe, expect, it } from 'vitest';
import { ignoredRules } from '../../src/cli/inline-ignore.js';
import { formatMailDate, formatMboxDate } from '../../src/cli/mail-date.js';
import { stableJson } from '../../src/cli/stable-json.js';
import { didYouMean } from '../../src/cli/suggest.js';

describe('ignoredRules', () => {
  it.each([
    ['x = 1; /* kreview: ignore nonstatic-global */', ['nonstatic-global']],
    ['x = 1; // kreview: ignore nonstatic-global', ['nonstatic-global']],
    ['/* KReview:ignore  a-rule, other-rule */', ['a-rule', 'other-rule']],
    ['/* kreview: ignore a-rule */ y; // kreview: ignore b-rule', ['a-rule', 'b-rule']],
    ['kreview: ignore nonstatic-global', []],
    ['/* kreview: ignore */', []],
  ])('%s', (text, rules) => {
    expect(ignoredRules(text)).toEqual(rules);
  });
});

describe('mail dates', () => {
  it('formats an mbox separator date in UTC, asctime style', () => {
    expect(formatMboxDate(new Date('Tue, 05 Mar 2024 09:30:00 +0100'))).toBe('Tue Mar  5 08:30:00 2024');
  });

  it('formats RFC 2822 that reads back as the same instant', () => {
    const when = new Date(Date.UTC(2024, 2, 5, 8, 30, 7));
    const text = formatMailDate(when);
    expect(text).toMatch(/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} 2024 \d\d:\d\d:07 [+-]\d{4}$/);
    expect(new Date(text).getTime()).toBe(when.getTime());
  });
});

describe('stableJson', () => {
  it('sorts keys at every depth and leaves arrays in order', () => {
    expect(stableJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{\n  "a": [\n    {\n      "c": 2,\n      "d": 1\n    }\n  ],\n  "b": 1\n}\n');
  });
});

describe('didYouMean', () => {
  it('names the close ids, closest first, or nothing', () => {
    expect(didYouMean('nonstatic-globl', ['nonstatic-global', 'global-in-header'])).toBe(' (did you mean nonstatic-global?)');
    expect(didYouMean('zzz', ['nonstatic-global'])).toBe('');
  });
});
