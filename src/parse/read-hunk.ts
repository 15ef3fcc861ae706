import type { Diagnostic } from '../model/diagnostic.js';
import type { Hunk, HunkLine } from '../model/patch.js';
import type { SourceText } from './source-text.js';

/**
 * One hunk, read strictly: the header's counts say where it ends. A hunk that stops short or runs long
 * is still kept whole (its lines are what the author wrote) with a diagnostic, because the review of
 * the rest of the patch is worth more than refusing it.
 */
export interface HunkRead {
  hunk: Hunk;
  /** Index of the first line after the hunk. */
  next: number;
  diagnostics: Diagnostic[];
}

export const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** Reads the hunk whose header is `source.lines[start]`, which must match HUNK_HEADER. */
export function readHunk(source: SourceText, start: number): HunkRead {
  const { lines } = source;
  const header = lines[start] as string;
  const match = HUNK_HEADER.exec(header) as RegExpExecArray;
  const hunk: Hunk = {
    oldStart: Number(match[1]),
    oldLines: match[2] === undefined ? 1 : Number(match[2]),
    newStart: Number(match[3]),
    newLines: match[4] === undefined ? 1 : Number(match[4]),
    context: match[5] ?? '',
    patchLine: source.lineOf(start),
    lines: [],
  };
  let oldSeen = 0;
  let newSeen = 0;
  let at = start + 1;
  for (; at < lines.length; at++) {
    const line = lines[at] as string;
    const open = oldSeen < hunk.oldLines || newSeen < hunk.newLines;
    if (line.startsWith('\\')) continue;
    if (open ? !isHunkLine(line) || isSignatureAt(lines, at) : !isSurplusLine(lines, at)) break;
    const kind = line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
    const hunkLine: HunkLine = { kind, text: line.slice(1), patchLine: source.lineOf(at) };
    if (kind !== 'add') hunkLine.oldLine = hunk.oldStart + oldSeen++;
    if (kind !== 'del') hunkLine.newLine = hunk.newStart + newSeen++;
    hunk.lines.push(hunkLine);
  }
  return { hunk, next: at, diagnostics: checkCounts(source, hunk, oldSeen, newSeen, at >= lines.length || isSignatureAt(lines, at)) };
}

function checkCounts(source: SourceText, hunk: Hunk, oldSeen: number, newSeen: number, atEnd: boolean): Diagnostic[] {
  if (oldSeen === hunk.oldLines && newSeen === hunk.newLines) return [];
  const header = `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
  const short = oldSeen <= hunk.oldLines && newSeen <= hunk.newLines;
  if (atEnd && short) {
    return [{
      level: 'error', input: source.input, patchLine: hunk.patchLine, code: 'hunk-truncated',
      message: `hunk ${header} is cut off at the end of the input after ${oldSeen} old and ${newSeen} new lines`,
    }];
  }
  return [{
    level: 'warning', input: source.input, patchLine: hunk.patchLine, code: 'hunk-count',
    message: `hunk ${header} has ${oldSeen} old and ${newSeen} new lines`,
  }];
}

/** Inside a hunk an empty line is a context line whose trailing space a mailer stripped. */
function isHunkLine(line: string): boolean {
  return line === '' || line.startsWith(' ') || line.startsWith('+') || line.startsWith('-');
}

/** A diff line right after a complete hunk means the header undercounts; anything else ends the hunk. */
function isSurplusLine(lines: readonly string[], at: number): boolean {
  const line = lines[at] as string;
  if (line === '' || !isHunkLine(line)) return false;
  return !isSignature(line) && !isFileHeaderPair(lines, at);
}

/** The `-- ` line git puts before its version at the end of a format-patch mail. */
export function isSignature(line: string): boolean {
  return line === '-- ' || line === '--';
}

/**
 * Inside a hunk `-- ` can be a removed line reading `- `, so it ends the hunk only when what follows is
 * git's version (`2.34.1`) or nothing.
 */
function isSignatureAt(lines: readonly string[], at: number): boolean {
  if (lines[at] !== '-- ') return false;
  const next = lines[at + 1];
  return next === undefined || /^\d+(\.\d+)+/.test(next);
}

export function isFileHeaderPair(lines: readonly string[], at: number): boolean {
  return (lines[at] ?? '').startsWith('--- ') && (lines[at + 1] ?? '').startsWith('+++ ');
}
