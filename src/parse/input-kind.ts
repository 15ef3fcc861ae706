import { isMboxSeparator } from './mbox.js';

/**
 * What the user handed in, told from its first lines. A plain diff and a web-archive reply are both
 * `text`: whether the body holds a diff or quotes one is decided when the body is read.
 */
export type InputKind = 'empty' | 'mbox' | 'mail' | 'text';

const HEADER_FIELD = /^[!-9;-~]+:/;
const CONTINUATION = /^[ \t]/;
/** A mail's header block is short; past this a file is not mail even if its lines look like fields. */
const HEADER_SCAN_BYTES = 256 * 1024;
const DIFF_ANYWHERE = /^(?:> ?)?(?:diff --git |@@ -\d+(?:,\d+)? \+\d+|--- \S.*\n(?:> ?)?\+\+\+ )/m;

export function detectInputKind(bytes: Uint8Array): InputKind {
  if (isBlankBytes(bytes)) return 'empty';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, HEADER_SCAN_BYTES));
  const lines = head.split('\n').map((line) => line.replace(/\r$/, ''));
  if (isMboxSeparator(lines[0] ?? '')) return 'mbox';
  return isHeaderBlock(lines) ? 'mail' : 'text';
}

/** Whether text in `bytes` holds a diff, quoted or not; for telling patch `.txt` files from others. */
export function containsDiff(bytes: Uint8Array): boolean {
  return DIFF_ANYWHERE.test(new TextDecoder('latin1').decode(bytes).replace(/\r\n/g, '\n'));
}

/** Header fields up to an empty line, with a From or Subject among them: the seed's `Re: ...` is not. */
function isHeaderBlock(lines: readonly string[]): boolean {
  const names = new Set<string>();
  for (const [at, line] of lines.entries()) {
    if (line === '') return names.has('from') || names.has('subject');
    if (at > 0 && CONTINUATION.test(line)) continue;
    if (!HEADER_FIELD.test(line)) return false;
    names.add(line.slice(0, line.indexOf(':')).toLowerCase());
  }
  return false;
}

function isBlankBytes(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a);
}
