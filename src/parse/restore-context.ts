import { HUNK_HEADER } from './read-hunk.js';

/**
 * Puts back the leading space of context lines that a mail archive stripped. Web archives (the seed
 * is one) trim and squeeze the whitespace of each quoted line, so a context line arrives as
 * `#include <x>`, as a bare comment end or as nothing, while added and removed lines keep their sign.
 *
 * A context line whose own text starts with `+` or `-` (a continued expression such as `-ENOMEM);`)
 * then looks added or removed. The hunk header's counts decide: the hunk ends where the counts are met
 * reading as few `+`/`-` lines as context as possible (none, for every hunk of the seed), and those are
 * preferably lines with text right after the sign, as a real change keeps a space for its indent.
 */
export interface RestoredDiff {
  lines: string[];
  /** Indices of `+`/`-` lines that the counts forced to be read as context. */
  reread: number[];
}

type LineClass = 'ctx' | 'add' | 'del' | 'marker';

interface HunkEnd {
  /** Number of lines after the header that belong to the hunk. */
  length: number;
  /** Indices (relative to the first line after the header) of `+`/`-` lines read as context. */
  reread: number[];
}

/** Restores the context lines of every hunk in `lines` (one quote level already removed). */
export function restoreStrippedContext(lines: readonly string[]): RestoredDiff {
  const out: string[] = [];
  const reread: number[] = [];
  for (let at = 0; at < lines.length; ) {
    const header = HUNK_HEADER.exec(lines[at] as string);
    out.push(lines[at] as string);
    at++;
    if (!header) continue;
    const body = lines.slice(at, findHunkBoundary(lines, at));
    const end = findHunkEnd(body, header[2] === undefined ? 1 : Number(header[2]), header[4] === undefined ? 1 : Number(header[4]));
    const flipped = new Set(end.reread);
    for (let k = 0; k < end.length; k++) {
      const line = body[k] as string;
      if (flipped.has(k)) reread.push(at + k);
      out.push(flipped.has(k) || classify(line) === 'ctx' && !line.startsWith(' ') ? ` ${line}` : line);
    }
    at += end.length;
  }
  return { lines: out, reread };
}

/** A hunk cannot reach past the next hunk or file header. */
function findHunkBoundary(lines: readonly string[], from: number): number {
  let at = from;
  while (at < lines.length && !HUNK_HEADER.test(lines[at] as string) && !(lines[at] as string).startsWith('diff ')) at++;
  return at;
}

function classify(line: string): LineClass {
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith('\\')) return 'marker';
  return 'ctx';
}

/**
 * The shortest prefix of `body` that meets the counts with the fewest `+`/`-` lines read as context.
 * When none does (the reviewer cut the hunk short), the whole body is the hunk and the diff reader
 * reports the count.
 */
function findHunkEnd(body: readonly string[], oldLines: number, newLines: number): HunkEnd {
  let context = 0;
  let added = 0;
  let removed = 0;
  let best: { length: number; fromAdded: number; fromRemoved: number } | undefined;
  for (let k = 0; k < body.length; k++) {
    const kind = classify(body[k] as string);
    if (kind === 'ctx') context++;
    else if (kind === 'add') added++;
    else if (kind === 'del') removed++;
    // Reading an added line as context adds one old line; reading a removed one adds one new line.
    const fromAdded = oldLines - context - removed;
    const fromRemoved = newLines - context - added;
    if (fromAdded < 0 || fromRemoved < 0) break;
    if (fromAdded <= added && fromRemoved <= removed && (!best || fromAdded + fromRemoved < best.fromAdded + best.fromRemoved)) {
      best = { length: k + 1, fromAdded, fromRemoved };
      if (fromAdded + fromRemoved === 0) break;
    }
  }
  if (!best) return { length: body.length, reread: [] };
  let length = best.length;
  while (length < body.length && classify(body[length] as string) === 'marker') length++;
  const prefix = body.slice(0, best.length);
  return {
    length,
    reread: [...pickRereads(prefix, '+', best.fromAdded), ...pickRereads(prefix, '-', best.fromRemoved)].sort((a, b) => a - b),
  };
}

/**
 * The `count` lines starting with `sign` most likely to be context: text right after the sign first,
 * as a bare `+` (an added blank line) or `+ x` (an indented one) is what real changes look like.
 */
function pickRereads(lines: readonly string[], sign: string, count: number): number[] {
  if (count === 0) return [];
  const candidates = lines.flatMap((line, k) => (line.startsWith(sign) ? [k] : []));
  const unspaced = candidates.filter((k) => /^.\S/.test(lines[k] as string));
  const others = candidates.filter((k) => !/^.\S/.test(lines[k] as string));
  return [...unspaced, ...others].slice(0, count);
}
