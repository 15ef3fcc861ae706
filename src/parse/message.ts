import type { Diagnostic } from '../model/diagnostic.js';
import type { Patch } from '../model/patch.js';
import type { SourceText } from './source-text.js';

/**
 * One message as the parse stage sees it, whatever it came from (an mbox entry, an .eml, a web-archive
 * page, a bare diff): the header fields a Patch keeps, and the body as lines of the input.
 */
export type MessageHeader = Pick<Patch, 'subject' | 'from' | 'date' | 'messageId' | 'inReplyTo' | 'references'>;

export interface Message {
  header: MessageHeader;
  /** Input line where the message starts. */
  startLine: number;
  /** From git's `From <sha>` separator line. */
  commit?: string;
  body: SourceText;
  diagnostics: Diagnostic[];
}
