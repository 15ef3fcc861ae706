import type { Diagnostic } from '../model/diagnostic.js';
import type { Patch } from '../model/patch.js';
import type { Message } from './message.js';
import { hasQuotedDiff, readQuotedReply } from './quoted-reply.js';
import { placeComments } from './review-comments.js';
import type { ReadPatch } from './series.js';
import { readSeriesPosition, stripReplyPrefix } from './subject-tag.js';
import { parseUnifiedDiff } from './unified-diff.js';

/**
 * The patch a message carries: its own diff, or, when it has none but quotes one, the diff recovered
 * from the quote with the reviewer's comments.
 *
 * A recovered patch describes the quoted patch, not the reply: its subject loses `Re:`, `from` and
 * `date` come from the attribution line (`On <date>, <author> wrote:`), `messageId` is the reply's
 * In-Reply-To. Who replied and when is said in the `quoted-reply` note.
 */
export function buildPatch(message: Message): ReadPatch {
  const direct = parseUnifiedDiff(message.body);
  if (direct.files.length > 0 || !hasQuotedDiff(message.body)) {
    const { header } = message;
    const patch = startPatch(message, header.subject);
    if (header.from !== undefined) patch.from = header.from;
    if (header.date !== undefined) patch.date = header.date;
    if (header.messageId !== undefined) patch.messageId = header.messageId;
    if (header.inReplyTo !== undefined) patch.inReplyTo = header.inReplyTo;
    if (header.references !== undefined) patch.references = header.references;
    const commitMessage = readCommitMessage(message);
    if (commitMessage !== undefined) patch.message = commitMessage;
    patch.files = direct.files;
    patch.diagnostics.push(...direct.diagnostics);
    return { patch, fromReply: false };
  }
  return { patch: buildRecoveredPatch(message), fromReply: true };
}

/** Where a format-patch body's message ends: git's `---` line, or the diff itself when there is none. */
const MESSAGE_END = /^(?:---\s*$|diff --git |Index: |--- \S)/;
/**
 * Lines above the message proper: a plain-text save's pseudo-header, and the in-body `From:` and
 * `Date:` that `git am` takes as the author rather than as part of the message.
 */
const LEADING_HEADER = /^(?:from|date|subject|message-id|in-reply-to|to|cc):/i;

/** The commit message a patch mail carries above its diff, trimmed of blank lines at either end. */
function readCommitMessage(message: Message): string | undefined {
  const { lines } = message.body;
  const end = lines.findIndex((line) => MESSAGE_END.test(line));
  const kept = (end < 0 ? [...lines] : lines.slice(0, end)).map((line) => line.trimEnd());
  let start = 0;
  while (start < kept.length && (kept[start] === '' || kept[start] === message.header.subject || LEADING_HEADER.test(kept[start] ?? ''))) start++;
  while (kept.length > start && kept[kept.length - 1] === '') kept.pop();
  return kept.length > start ? kept.slice(start).join('\n') : undefined;
}

function buildRecoveredPatch(message: Message): Patch {
  const { header, body } = message;
  const reply = readQuotedReply(body);
  const diff = parseUnifiedDiff(reply.diff);
  const patch = startPatch(message, stripReplyPrefix(header.subject));
  if (reply.author) patch.from = reply.author;
  if (reply.date) patch.date = reply.date;
  if (header.inReplyTo) patch.messageId = header.inReplyTo;
  patch.files = diff.files;
  patch.comments = placeComments(reply.comments, diff.files);
  const by = [header.from && `by ${header.from}`, header.date && `on ${header.date}`].filter(Boolean).join(' ');
  patch.diagnostics.push({
    level: 'note', input: body.input, patchLine: message.startLine, code: 'quoted-reply',
    message: `patch recovered from a quoted reply${by ? ` ${by}` : ''} with ${patch.comments.length} reviewer comment(s)`,
  });
  patch.diagnostics.push(...reply.rereadLines.map((patchLine): Diagnostic => ({
    level: 'note', input: body.input, patchLine, code: 'quote-ambiguous',
    message: 'a quoted line starting with +/- was read as context (its leading space stripped) to match the hunk counts',
  })));
  patch.diagnostics.push(...diff.diagnostics);
  return patch;
}

function startPatch(message: Message, subject: string): Patch {
  const patch: Patch = {
    input: message.body.input,
    startLine: message.startLine,
    subject,
    files: [],
    comments: [],
    diagnostics: [...message.diagnostics],
  };
  const series = readSeriesPosition(subject);
  if (series) patch.series = series;
  if (message.commit) patch.commit = message.commit;
  return patch;
}
