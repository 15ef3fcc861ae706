import libmime from 'libmime';
import type { Finding } from '../model/finding.js';
import type { FileDiff, Hunk, Patch, SeriesPosition } from '../model/patch.js';
import { condenseTrace, renderTrace } from './format-trace.js';
import { diffLines, diffPrefix, locateFinding } from './locate-line.js';
import { sortFindings } from './sort-findings.js';
import { wrapParagraphs } from './wrap-words.js';

export interface ReplyOptions {
  /** The reviewer, as `Name <address>`; kreview at a reserved domain when not given. */
  from?: string;
  /** RFC 5322 date of the reply, passed in so that the same review gives the same bytes. */
  date: string;
  /** Message-ID of the reply itself, when the caller mints one. */
  messageId?: string;
  /** The commit message, quoted above the diff: the model's Patch keeps only the diff. */
  commitMessage?: string;
}

/** What the body is made of before it becomes lines; runs of `elided` print as one `[...]`. */
type Segment = { kind: 'quote'; text: string } | { kind: 'elided' } | { kind: 'comment'; lines: string[] };

/** `.invalid` is reserved (RFC 2606): a reply nobody configured cannot be mistaken for a real sender. */
const DEFAULT_FROM = 'kreview <kreview@kreview.invalid>';
/** Prose is wrapped where mailing-list readers expect it. */
const WIDTH = 72;
/** Lines of the patch kept above each comment, so the reader sees where it is. */
const CONTEXT = 3;
/** RFC 5322 2.1.1: a line is at most 998 octets without its line break. */
const MAX_LINE_OCTETS = 998;
const HEADER_WIDTH = 76;
const ELIDED = '[...]';

/**
 * Headers are folded at spaces; lines end in LF, as `git format-patch` and mail clients write message
 * files, and the transport turns them into CRLF.
 */
function header(name: string, value: string): string {
  return libmime.foldLines(`${name}: ${value}`, HEADER_WIDTH).replace(/\r\n/g, '\n');
}

function splitMailbox(value: string): { name?: string; address: string } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (!match) return { address: value.trim() };
  const name = (match[1] ?? '').replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  return name ? { name, address: match[2] ?? '' } : { address: match[2] ?? '' };
}

/** A display name goes out as an RFC 2047 word when it is not ASCII, quoted when it has specials. */
function encodeMailbox(value: string): string {
  const { name, address } = splitMailbox(value);
  if (!name) return address;
  if (/[^\x20-\x7e]/.test(name)) return `${libmime.encodeWord(name, 'Q', 52)} <${address}>`;
  if (/[()<>[\]:;@\\,."]/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${name} <${address}>`;
}

function angle(id: string): string {
  return `<${id.trim().replace(/^<|>$/g, '')}>`;
}

function seriesTag(series: SeriesPosition): string {
  const version = series.version > 1 ? ` v${series.version}` : '';
  const part = series.total > 1 ? ` ${series.index}/${series.total}` : '';
  return `[PATCH${version}${part}]`;
}

/** The subject the patch went out with: the series tag is put back if the parser kept it apart. */
function replySubject(patch: Patch): string {
  const original = patch.series && !patch.subject.startsWith('[') ? `${seriesTag(patch.series)} ${patch.subject}` : patch.subject;
  return /^re:/i.test(original) ? original : `Re: ${original}`;
}

function headers(patch: Patch, options: ReplyOptions): string[] {
  const references = [...new Set([...(patch.references ?? []), ...(patch.messageId ? [patch.messageId] : [])].map(angle))];
  return [
    header('From', encodeMailbox(options.from ?? DEFAULT_FROM)),
    ...(patch.from ? [header('To', encodeMailbox(patch.from))] : []),
    header('Subject', libmime.encodeWords(replySubject(patch), 'Q', 52)),
    header('Date', options.date),
    ...(options.messageId ? [header('Message-ID', angle(options.messageId))] : []),
    ...(patch.messageId ? [header('In-Reply-To', angle(patch.messageId))] : []),
    ...(references.length > 0 ? [header('References', references.join(' '))] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
}

/** `On <date>, <name> wrote:`, with the address standing in for a missing name. */
function attribution(patch: Patch): string {
  const mailbox = patch.from ? splitMailbox(patch.from) : undefined;
  const author = mailbox ? (mailbox.name ?? mailbox.address) : 'You';
  return patch.date ? `On ${patch.date}, ${author} wrote:` : `${author} wrote:`;
}

/** What the maintainer writes under the line: the problem, the fix direction, then the interleaving. */
function commentLines(finding: Finding): string[] {
  const lines = wrapParagraphs(finding.message, WIDTH);
  if (finding.fix.trim() !== '') lines.push('', ...wrapParagraphs(finding.fix, WIDTH));
  if (finding.trace && finding.trace.length > 0) {
    const trace = renderTrace(condenseTrace(finding.trace), { width: WIDTH, indent: 4 });
    lines.push('', ...trace.header, ...trace.rows);
  }
  return lines;
}

/** For findings no quoted line can carry: say where they are before what they are. */
function unplacedComment(finding: Finding): string[] {
  const where = `${finding.file}:${finding.line}${finding.function ? ` (${finding.function})` : ''}`;
  return [`In ${where}:`, '', ...commentLines(finding)];
}

function hunkHeader(hunk: Hunk): string {
  const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  const context = hunk.context ? ` ${hunk.context}` : '';
  return `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@${context}`;
}

function fileHeader(file: FileDiff): string[] {
  const a = file.oldPath === '/dev/null' ? file.newPath : file.oldPath;
  const b = file.newPath === '/dev/null' ? file.oldPath : file.newPath;
  return [
    `diff --git a/${a} b/${b}`,
    `--- ${file.oldPath === '/dev/null' ? '/dev/null' : `a/${file.oldPath}`}`,
    `+++ ${file.newPath === '/dev/null' ? '/dev/null' : `b/${file.newPath}`}`,
  ];
}

/** A hunk with comments: its header, a few lines above each comment, the comments, `[...]` between. */
function hunkSegments(hunk: Hunk, placed: ReadonlyMap<number, Finding[]>): Segment[] {
  const marked = hunk.lines.map((line, i) => (placed.has(line.patchLine) ? i : -1)).filter((i) => i >= 0);
  if (marked.length === 0) return [{ kind: 'elided' }];
  const keep = new Set(marked.flatMap((m) => Array.from({ length: CONTEXT + 1 }, (_, k) => m - k)));
  const segments: Segment[] = [{ kind: 'quote', text: hunkHeader(hunk) }];
  hunk.lines.forEach((line, i) => {
    if (!keep.has(i)) {
      segments.push({ kind: 'elided' });
      return;
    }
    segments.push({ kind: 'quote', text: diffPrefix(line.kind) + line.text });
    for (const finding of placed.get(line.patchLine) ?? []) segments.push({ kind: 'comment', lines: commentLines(finding) });
  });
  return segments;
}

function diffSegments(patch: Patch, placed: ReadonlyMap<number, Finding[]>): Segment[] {
  return patch.files.flatMap((file): Segment[] => {
    const touched = file.hunks.some((hunk) => hunk.lines.some((line) => placed.has(line.patchLine)));
    if (!touched) return [{ kind: 'elided' }];
    return [
      ...fileHeader(file).map((text): Segment => ({ kind: 'quote', text })),
      ...file.hunks.flatMap((hunk) => hunkSegments(hunk, placed)),
    ];
  });
}

/** The commit message as sent, without the `---` and diffstat that follow it in a patch mail. */
function messageSegments(commitMessage: string | undefined): Segment[] {
  if (!commitMessage) return [];
  const lines = commitMessage.replace(/\r\n/g, '\n').split('\n');
  const end = lines.indexOf('---');
  const kept = (end >= 0 ? lines.slice(0, end) : lines).map((l) => l.trimEnd());
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  while (kept.length > 0 && kept[0] === '') kept.shift();
  if (kept.length === 0) return [];
  return [...kept, ''].map((text): Segment => ({ kind: 'quote', text }));
}

/** Segments to lines: runs of elisions print once, comments stand between blank lines. */
function renderSegments(segments: readonly Segment[]): string[] {
  const lines: string[] = [];
  const blank = () => {
    if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  };
  for (const [i, segment] of segments.entries()) {
    if (segment.kind === 'quote') {
      // A blank context line quotes as a bare `>`, as mail clients do, rather than with trailing blanks.
      lines.push(segment.text.trim() === '' ? '>' : `> ${segment.text}`);
    } else if (segment.kind === 'elided') {
      if (segments[i - 1]?.kind !== 'elided') lines.push(ELIDED);
    } else {
      blank();
      lines.push(...segment.lines, '');
    }
  }
  return lines;
}

/** Cuts a line over the RFC limit at code point boundaries; quoted lines stay quoted. */
function limitOctets(line: string): string[] {
  if (Buffer.byteLength(line) <= MAX_LINE_OCTETS) return [line];
  const prefix = line.startsWith('>') ? '> ' : '';
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char) > MAX_LINE_OCTETS) {
      parts.push(current);
      current = prefix;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/**
 * A review as a reply to the patch mail, laid out the way mm and virtio maintainers answer: the patch
 * quoted, each comment right under the line it is about with a few lines of context above it, what
 * nobody needs to re-read trimmed to `[...]`, and a race shown as a short two-column interleaving.
 */
export function formatReply(patch: Patch, findings: readonly Finding[], options: ReplyOptions): string {
  const lines = diffLines(patch);
  const placed = new Map<number, Finding[]>();
  const unplaced: Finding[] = [];
  for (const finding of sortFindings(findings)) {
    const located = locateFinding(lines, finding);
    if (!located) {
      unplaced.push(finding);
      continue;
    }
    placed.set(located.line.patchLine, [...(placed.get(located.line.patchLine) ?? []), finding]);
  }
  const segments = [...messageSegments(options.commitMessage), ...diffSegments(patch, placed)];
  while (segments.length > 0 && segments[segments.length - 1]?.kind === 'elided') segments.pop();
  for (const finding of unplaced) segments.push({ kind: 'comment', lines: unplacedComment(finding) });

  const body = [attribution(patch), ...renderSegments(segments)];
  while (body.length > 1 && body[body.length - 1] === '') body.pop();
  return `${[...headers(patch, options), '', ...body.flatMap(limitOctets)].join('\n')}\n`;
}
