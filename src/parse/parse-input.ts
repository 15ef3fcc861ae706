import type { Diagnostic } from '../model/diagnostic.js';
import type { Patch, Series } from '../model/patch.js';
import { decodeText } from './decode-text.js';
import { detectInputKind, type InputKind } from './input-kind.js';
import { parseMail } from './mail.js';
import { splitMbox, type MboxMessage } from './mbox.js';
import type { Message } from './message.js';
import { buildPatch } from './message-patch.js';
import { orderSeries, type ReadPatch } from './series.js';
import { contiguousText, splitLines } from './source-text.js';
import { isReplySubject } from './subject-tag.js';
import { readTextHeader } from './text-header.js';

/**
 * The parse stage's entry: one input's bytes to patches. Nothing here throws on bad input; what is
 * wrong is said in diagnostics and every other message is still read.
 */
export interface InputPatches {
  /** Every message with a diff, and series parts without one (cover letters too, for their `K`). */
  patches: ReadPatch[];
  /** Problems of the input as a whole, and of messages that were dropped for having no diff. */
  diagnostics: Diagnostic[];
}

/** `git format-patch` writes this when the commit is unknown (`--zero-commit`). */
const ZERO_COMMIT = /^0+$/;

/** Reads one input and puts its patches in series order. */
export async function parseInput(input: string, bytes: Uint8Array): Promise<Series> {
  const read = await readPatches(input, bytes);
  return orderSeries(read.patches, read.diagnostics);
}

/** Reads one input's messages into patches, in input order; `orderSeries` combines several inputs. */
export async function readPatches(input: string, data: Uint8Array): Promise<InputPatches> {
  const bytes = hasUtf8Bom(data) ? data.subarray(3) : data;
  const kind = detectInputKind(bytes);
  if (kind === 'empty') {
    return { patches: [], diagnostics: [{ level: 'error', input, patchLine: 1, code: 'empty-input', message: 'the input is empty' }] };
  }
  const diagnostics = noteCrlf(input, bytes);
  const patches: ReadPatch[] = [];
  const skipped: Patch[] = [];
  let count = 0;
  for await (const message of readMessages(input, bytes, kind)) {
    count++;
    const read = buildPatch(message);
    const { patch } = read;
    if (patch.files.length > 0) {
      patches.push(read);
    } else if (patch.series && !isReplySubject(patch.subject)) {
      // A cover letter is kept for the part count it announces; an empty part for its place in the order.
      if (patch.series.index > 0) patch.diagnostics.push(noDiff(input, patch.startLine, 'note', `part ${patch.series.index}/${patch.series.total} has no diff`));
      patches.push(read);
    } else {
      skipped.push(patch);
    }
  }
  for (const patch of skipped) {
    // In a lone message the `no-diff` error below says it all.
    if (count > 1) diagnostics.push(noDiff(input, patch.startLine, 'note', `message "${patch.subject}" has no diff and is skipped`));
    diagnostics.push(...patch.diagnostics);
  }
  if (!patches.some((read) => read.patch.files.length > 0)) diagnostics.push(noDiff(input, 1, 'error', 'no diff found'));
  return { patches, diagnostics };
}

/** One message at a time, so a large mbox's bodies need not all be held at once. */
async function* readMessages(input: string, bytes: Uint8Array, kind: Exclude<InputKind, 'empty'>): AsyncGenerator<Message> {
  if (kind === 'mail') yield await readMail(input, bytes);
  else if (kind === 'text') yield readText(input, bytes);
  else for (const entry of splitMbox(bytes)) yield await readMboxEntry(input, entry);
}

async function readMboxEntry(input: string, entry: MboxMessage): Promise<Message> {
  const mail = await parseMail(input, entry.bytes, entry.firstLine);
  const commit = /^From ([0-9a-f]{40}) /.exec(entry.separator ?? '')?.[1];
  const message: Message = { ...mail, startLine: entry.startLine };
  if (commit && !ZERO_COMMIT.test(commit)) message.commit = commit;
  return message;
}

async function readMail(input: string, bytes: Uint8Array): Promise<Message> {
  return { ...(await parseMail(input, bytes, 1)), startLine: 1 };
}

function readText(input: string, bytes: Uint8Array): Message {
  const decoded = decodeText(bytes, input, 1);
  const lines = splitLines(decoded.text);
  return { header: readTextHeader(lines), startLine: 1, body: contiguousText(input, lines, 1), diagnostics: decoded.diagnostics };
}

function noteCrlf(input: string, bytes: Uint8Array): Diagnostic[] {
  let at = bytes.indexOf(0x0d);
  while (at >= 0 && bytes[at + 1] !== 0x0a) at = bytes.indexOf(0x0d, at + 1);
  if (at < 0) return [];
  let patchLine = 1;
  for (let newline = bytes.indexOf(0x0a); newline >= 0 && newline < at; newline = bytes.indexOf(0x0a, newline + 1)) patchLine++;
  return [{ level: 'note', input, patchLine, code: 'crlf', message: 'CRLF line endings; read as LF' }];
}

function noDiff(input: string, patchLine: number, level: Diagnostic['level'], message: string): Diagnostic {
  return { level, input, patchLine, code: 'no-diff', message };
}

/** A byte order mark moves no line; dropping it lets the first line be seen as an mbox separator. */
function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
