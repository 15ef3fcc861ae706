/**
 * Splits an mbox into messages. A `git format-patch` file is a one-message mbox and several of them
 * concatenated are an mbox, so this is also how a series saved as files is read.
 *
 * The split works on bytes: each message keeps its own charset until its Content-Type is known, and a
 * 100 MB mbox is walked once with native `indexOf`, its messages being views into the input rather than
 * copies (a copy is made only for a message with `>From ` lines to unescape).
 */
export interface MboxMessage {
  /** The message after its `From ` line, `>From ` lines unescaped. */
  bytes: Uint8Array;
  /** Input line where the message starts: its `From ` line when it has one. */
  startLine: number;
  /** Input line of the first line of `bytes`. */
  firstLine: number;
  /** The `From ` separator line, without its line end. */
  separator?: string;
}

/**
 * A separator needs the sender and a weekday and time after `From `, as every mbox writer (and
 * `git format-patch`'s `From <sha> Mon Sep 17 00:00:00 2001`) produces; git does not escape `From ` in
 * commit messages, so a bare `From ` prefix would cut a patch whose message starts a line with "From".
 */
const SEPARATOR = /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d\d/;
const FROM_SPACE = [0x46, 0x72, 0x6f, 0x6d, 0x20];
const GT = 0x3e;
const NEWLINE = 0x0a;
/** Long enough for any separator; the rest of an overlong `From ` line cannot change the answer. */
const SEPARATOR_MAX = 256;

interface Separator {
  start: number;
  bodyStart: number;
  line: number;
  text: string;
}

export function isMboxSeparator(line: string): boolean {
  return SEPARATOR.test(line);
}

export function splitMbox(bytes: Uint8Array): MboxMessage[] {
  const latin1 = new TextDecoder('latin1');
  const separators: Separator[] = [];
  const escapes: number[] = [];
  let line = 1;
  for (let at = 0; at < bytes.length; line++) {
    const newline = bytes.indexOf(NEWLINE, at);
    const next = newline < 0 ? bytes.length : newline + 1;
    if (hasFromAt(bytes, at)) {
      const text = latin1.decode(bytes.subarray(at, Math.min(next, at + SEPARATOR_MAX))).replace(/\r?\n$/, '');
      if (isMboxSeparator(text)) separators.push({ start: at, bodyStart: next, line, text });
    } else if (bytes[at] === GT) {
      let q = at;
      while (bytes[q] === GT) q++;
      if (hasFromAt(bytes, q)) escapes.push(at);
    }
    at = next;
  }

  const messages: MboxMessage[] = [];
  const firstStart = separators[0]?.start ?? bytes.length;
  if (!isBlank(bytes.subarray(0, firstStart))) {
    messages.push({ bytes: unescape(bytes, 0, firstStart, escapes), startLine: 1, firstLine: 1 });
  }
  separators.forEach((separator, k) => {
    const end = separators[k + 1]?.start ?? bytes.length;
    messages.push({
      bytes: unescape(bytes, separator.bodyStart, end, escapes),
      startLine: separator.line,
      firstLine: separator.line + 1,
      separator: separator.text,
    });
  });
  return messages;
}

function hasFromAt(bytes: Uint8Array, at: number): boolean {
  return FROM_SPACE.every((byte, k) => bytes[at + k] === byte);
}

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === NEWLINE);
}

/** The bytes of [start, end) without the first `>` of each escaped `>From ` line inside it. */
function unescape(bytes: Uint8Array, start: number, end: number, escapes: readonly number[]): Uint8Array {
  const inside = escapes.slice(lowerBound(escapes, start), lowerBound(escapes, end));
  if (inside.length === 0) return bytes.subarray(start, end);
  const out = new Uint8Array(end - start - inside.length);
  let from = start;
  let to = 0;
  for (const drop of inside) {
    out.set(bytes.subarray(from, drop), to);
    to += drop - from;
    from = drop + 1;
  }
  out.set(bytes.subarray(from, end), to);
  return out;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
