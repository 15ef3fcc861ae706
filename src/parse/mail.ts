import type PostalMime from 'postal-mime';
import type { Email, Header } from 'postal-mime';
import type { Diagnostic } from '../model/diagnostic.js';
import { decodeText } from './decode-text.js';
import type { MessageHeader } from './message.js';
import { collapsedText, contiguousText, mappedText, splitLines, type SourceText } from './source-text.js';

/**
 * One RFC 5322 message, read with postal-mime (headers, encoded words, transfer encodings, charsets,
 * multipart). Where the body ends up in the input matters as much as what it says:
 *  - a plain 7bit/8bit body (what `git send-email` writes) is decoded from the input bytes, so every
 *    line keeps its exact input line;
 *  - a quoted-printable body keeps exact lines too: each decoded line starts on the input line after
 *    the previous hard line break, soft breaks (`=` at the end) joining lines;
 *  - in a multipart message the text/plain part holding the diff is looked up verbatim in the input;
 *  - otherwise (base64, or a part that does not appear verbatim) every line points at the first body
 *    line, and a `mime-decoded` note says so.
 */
export interface Mail {
  header: MessageHeader;
  body: SourceText;
  diagnostics: Diagnostic[];
}

const RAW_ENCODINGS = new Set(['', '7bit', '8bit', 'binary']);
const DIFF_LINE = /^(?:diff --git |--- \S|@@ -\d)/m;
const QUOTED_DIFF_LINE = /^> ?(?:diff --git |@@ -\d)/m;
const NEWLINE = 0x0a;

/** Parses `bytes`, a message without mbox `From ` line, whose first line is input line `firstLine`. */
export async function parseMail(input: string, bytes: Uint8Array, firstLine: number): Promise<Mail> {
  const { offset, index } = findBody(bytes);
  const bodyLine = firstLine + index;
  const diagnostics: Diagnostic[] = [];
  // Loaded here rather than at the top: plain-text inputs (a patch saved from a web archive) never get
  // this far, and loading postal-mime's ten modules is a measurable part of a short run's start-up.
  const { default: postalMime, decodeWords } = await import('postal-mime');
  const headerMail = await parseWithPostalMime(postalMime, bytes.subarray(0, offset), input, firstLine, diagnostics);
  const headers = headerMail?.headers ?? [];
  const header = readHeader(headers, headerMail?.subject, decodeWords);
  const contentType = headerValue(headers, 'content-type').toLowerCase();
  const encoding = headerValue(headers, 'content-transfer-encoding').trim().toLowerCase();
  const bodyBytes = bytes.subarray(offset);
  const multipart = contentType.startsWith('multipart/');

  const mail = headerMail && (multipart || !RAW_ENCODINGS.has(encoding))
    ? await parseWithPostalMime(postalMime, bytes, input, firstLine, diagnostics)
    : undefined;
  if (!mail) {
    const decoded = decodeText(bodyBytes, input, bodyLine, readCharset(contentType));
    diagnostics.push(...decoded.diagnostics);
    return { header, body: contiguousText(input, splitLines(decoded.text), bodyLine), diagnostics };
  }

  const lines = splitLines(pickDiffText(mail, input, bodyLine, diagnostics));
  const rawLines = splitLines(new TextDecoder('latin1').decode(bodyBytes));
  const located = multipart
    ? locateVerbatim(rawLines, lines)
    : encoding === 'quoted-printable' ? mapQuotedPrintable(rawLines, lines.length) : undefined;
  if (located) return { header, body: mappedText(input, lines, located.map((k) => bodyLine + k)), diagnostics };
  diagnostics.push({
    level: 'note', input, patchLine: bodyLine, code: 'mime-decoded',
    message: `body is ${multipart ? contentType.split(';')[0] : encoding}; its lines all point at the first body line ${bodyLine}`,
  });
  return { header, body: collapsedText(input, lines, bodyLine), diagnostics };
}

/** Byte offset of the body and its line index within the message (after the first empty line). */
function findBody(bytes: Uint8Array): { offset: number; index: number } {
  let index = 0;
  for (let at = 0; at < bytes.length; index++) {
    const newline = bytes.indexOf(NEWLINE, at);
    const next = newline < 0 ? bytes.length : newline + 1;
    const length = next - at - (newline < 0 ? 0 : 1);
    if (length === 0 || (length === 1 && bytes[at] === 0x0d)) return { offset: next, index: index + 1 };
    at = next;
  }
  return { offset: bytes.length, index };
}

async function parseWithPostalMime(postalMime: typeof PostalMime, bytes: Uint8Array, input: string, patchLine: number, diagnostics: Diagnostic[]): Promise<Email | undefined> {
  try {
    return await postalMime.parse(bytes);
  } catch (error) {
    diagnostics.push({
      level: 'error', input, patchLine, code: 'mail-parse',
      message: `cannot parse the mail (${error instanceof Error ? error.message : String(error)}); its body is read as plain text`,
    });
    return undefined;
  }
}

function readHeader(headers: readonly Header[], subject: string | undefined, decodeWords: (text: string) => string): MessageHeader {
  const header: MessageHeader = { subject: subject?.trim() ?? '' };
  const from = headerValue(headers, 'from').trim();
  const date = headerValue(headers, 'date').trim();
  const messageId = headerValue(headers, 'message-id').trim();
  const inReplyTo = headerValue(headers, 'in-reply-to').trim();
  const references = headerValue(headers, 'references').split(/\s+/).filter(Boolean);
  if (from) header.from = decodeWords(from);
  if (date) header.date = date;
  if (messageId) header.messageId = messageId;
  if (inReplyTo) header.inReplyTo = inReplyTo;
  if (references.length > 0) header.references = references;
  return header;
}

function headerValue(headers: readonly Header[], key: string): string {
  return headers.find((header) => header.key === key)?.value ?? '';
}

function readCharset(contentType: string): string | undefined {
  return /charset\s*=\s*"?([^";\s]+)/.exec(contentType)?.[1];
}

/** The inline text when it holds a diff, else the first text attachment that does (`--attach`). */
function pickDiffText(mail: Email, input: string, bodyLine: number, diagnostics: Diagnostic[]): string {
  const inline = mail.text ?? '';
  if (DIFF_LINE.test(inline)) return inline;
  for (const attachment of mail.attachments) {
    if (!/^text\/|x-patch|x-diff/.test(attachment.mimeType) || typeof attachment.content === 'string') continue;
    const decoded = decodeText(new Uint8Array(attachment.content), input, bodyLine);
    if (DIFF_LINE.test(decoded.text) || QUOTED_DIFF_LINE.test(decoded.text)) {
      diagnostics.push(...decoded.diagnostics);
      return decoded.text;
    }
  }
  return inline;
}

/** Body line index of each decoded line when the decoded lines appear, in a row, among the raw lines. */
function locateVerbatim(rawLines: readonly string[], lines: readonly string[]): number[] | undefined {
  if (lines.length === 0) return undefined;
  const wanted = lines.map(toLatin1View);
  for (let start = 0; start + wanted.length <= rawLines.length; start++) {
    if (rawLines[start] !== wanted[0]) continue;
    if (wanted.every((line, k) => rawLines[start + k] === line)) return wanted.map((_, k) => start + k);
  }
  return undefined;
}

/** How a decoded UTF-8 line looks in the raw body when that is read byte by byte as Latin-1. */
function toLatin1View(line: string): string {
  return /^[\x00-\x7f]*$/.test(line) ? line : new TextDecoder('latin1').decode(new TextEncoder().encode(line));
}

/** Body line index where each decoded quoted-printable line starts, if the line counts agree. */
function mapQuotedPrintable(rawLines: readonly string[], decodedCount: number): number[] | undefined {
  const starts: number[] = [];
  let continued = false;
  rawLines.forEach((line, k) => {
    if (!continued) starts.push(k);
    continued = /=[ \t]*$/.test(line);
  });
  return starts.length === decodedCount ? starts : undefined;
}
