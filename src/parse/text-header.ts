import type { MessageHeader } from './message.js';

/**
 * The header of a message saved as plain text rather than as mail, as web archives render it: the
 * subject on the first line, then `From:` and `Date:` lines, with no RFC 5322 header block. A bare diff
 * has none of this and gets an empty subject.
 */
const PSEUDO_HEADER = /^(from|date|subject|message-id|in-reply-to|to|cc):\s*(.*)$/i;
const DIFF_START = /^(?:diff |--- |\+\+\+ |@@ |Index: )/;
/** The header, if any, is at the very top; a subject-like line further down is body text. */
const HEADER_SCAN_LINES = 20;

export function readTextHeader(lines: readonly string[]): MessageHeader {
  const header: MessageHeader = { subject: '' };
  const limit = Math.min(lines.length, HEADER_SCAN_LINES);
  const first = lines.findIndex((line) => line.trim() !== '');
  for (let at = 0; at < limit; at++) {
    const line = (lines[at] as string).trim();
    if (line === '') continue;
    const field = PSEUDO_HEADER.exec(line);
    if (field) {
      setField(header, (field[1] as string).toLowerCase(), (field[2] as string).trim());
    } else if (header.subject === '' && at === first && !DIFF_START.test(line)) {
      header.subject = line;
    } else {
      break;
    }
  }
  return header;
}

function setField(header: MessageHeader, name: string, value: string): void {
  if (value === '') return;
  if (name === 'subject') header.subject = value;
  else if (name === 'from') header.from = value;
  else if (name === 'date') header.date = value;
  else if (name === 'message-id') header.messageId = value;
  else if (name === 'in-reply-to') header.inReplyTo = value;
}
