import { describe, expect, it } from 'vitest';
import { decodeText, findInvalidUtf8 } from '../../src/parse/decode-text.js';

describe('findInvalidUtf8', () => {
  it.each([
    [[0x61, 0xc3, 0xa9, 0x62], -1],
    [[0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
    [[0x61, 0xe9, 0x62], 1],
    [[0xc0, 0xaf], 0],
    [[0xed, 0xa0, 0x80], 0],
    [[0x61, 0xe2, 0x82], 1],
    [[0xf5, 0x80, 0x80, 0x80], 0],
  ])('%j -> %i', (bytes, offset) => {
    expect(findInvalidUtf8(new Uint8Array(bytes))).toBe(offset);
  });
});

describe('decodeText', () => {
  it('reads UTF-8 without a diagnostic', () => {
    expect(decodeText(new TextEncoder().encode('déjà\n'), 'x.diff', 1)).toEqual({ text: 'déjà\n', diagnostics: [] });
  });

  it('falls back to Latin-1 and names the first bad line counted from the first line given', () => {
    const decoded = decodeText(new Uint8Array([0x61, 0x0a, 0x62, 0x0a, 0xe9, 0x0a]), 'x.mbox', 40);
    expect(decoded.text).toBe('a\nb\né\n');
    expect(decoded.diagnostics).toEqual([{
      level: 'warning', input: 'x.mbox', patchLine: 42, code: 'encoding', message: 'not valid UTF-8 (first bad byte on line 42); read as Latin-1',
    }]);
  });

  it('uses a declared charset and warns about an unknown one', () => {
    expect(decodeText(new Uint8Array([0xe9]), 'x.eml', 1, 'ISO-8859-1').text).toBe('é');
    expect(decodeText(new Uint8Array([0x61]), 'x.eml', 1, '"us-ascii"').diagnostics).toEqual([]);
    expect(decodeText(new Uint8Array([0x61]), 'x.eml', 3, 'x-klingon').diagnostics).toEqual([{
      level: 'warning', input: 'x.eml', patchLine: 3, code: 'encoding', message: 'unknown charset "x-klingon"; read as UTF-8',
    }]);
  });
});
