import type { Diagnostic } from '../model/diagnostic.js';

/**
 * Bytes to text. Kernel mail is UTF-8 or plain ASCII nearly always; old mail and some editors still
 * write Latin-1. A patch with a bad byte in a comment is still worth reviewing, so undecodable UTF-8 is
 * read as Latin-1 (one character per byte, so no line moves) with a warning naming the first bad line.
 */
export interface DecodedText {
  text: string;
  diagnostics: Diagnostic[];
}

/** Labels that mean "UTF-8 or a subset of it"; WHATWG maps `us-ascii` to windows-1252, which we do not want. */
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'unicode-1-1-utf-8']);

/**
 * Decodes `bytes`, whose first line is input line `firstLine`, as `charset` (from a Content-Type, or
 * UTF-8 when absent).
 */
export function decodeText(bytes: Uint8Array, input: string, firstLine: number, charset?: string): DecodedText {
  const label = charset?.trim().replace(/^"|"$/g, '').toLowerCase();
  const diagnostics: Diagnostic[] = [];
  if (label !== undefined && !UTF8_LABELS.has(label)) {
    const decoder = createDecoder(label);
    if (decoder) return { text: decoder.decode(bytes), diagnostics };
    diagnostics.push({
      level: 'warning', input, patchLine: firstLine, code: 'encoding',
      message: `unknown charset "${charset}"; read as UTF-8`,
    });
  }
  const bad = findInvalidUtf8(bytes);
  if (bad < 0) return { text: new TextDecoder('utf-8').decode(bytes), diagnostics };
  const patchLine = firstLine + countNewlines(bytes, bad);
  diagnostics.push({
    level: 'warning', input, patchLine, code: 'encoding',
    message: `not valid UTF-8 (first bad byte on line ${patchLine}); read as Latin-1`,
  });
  return { text: new TextDecoder('latin1').decode(bytes), diagnostics };
}

function createDecoder(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1] as number;
    // The second byte's range is narrower after E0, ED, F0 and F4: overlong forms and surrogates.
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k] as number;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0 && at < end; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}
