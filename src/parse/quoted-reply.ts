import { isSignature } from './read-hunk.js';
import { restoreStrippedContext } from './restore-context.js';
import { mappedText, type SourceText } from './source-text.js';

/**
 * A reviewer's reply that quotes the patch. The quoted lines, one `>` level removed and their stripped
 * context spaces put back, form a diff whose lines are lines of the reply itself; the reviewer's own
 * paragraphs between them are kept with the reply line of the quoted line they follow.
 */
export interface QuotedReply {
  diff: SourceText;
  comments: CommentRun[];
  /** The patch author and date, from the attribution line `On <date>, <author> wrote:`. */
  author?: string;
  date?: string;
  /** Reply lines of `+`/`-` lines that the hunk counts forced to read as context. */
  rereadLines: number[];
}

export interface CommentRun {
  text: string;
  /** Reply line of the last quoted line before the comment. */
  afterLine: number;
}

const QUOTED_DIFF = /^> ?(?:diff --git |@@ -\d+(?:,\d+)? \+\d+)/;
const ATTRIBUTION = /(?:^|\s)On (.+), (.+?) wrote:\s*$/;
const BARE_ATTRIBUTION = /^(.+?) wrote:\s*$/;
/** A reviewer's mark for quoted text left out: not a comment. */
const SNIP = /^\s*(?:\[\s*(?:\.\.\.|…|snip(?:ped)?)\s*\]|<\s*snip(?:ped)?\s*>|\.\.\.|…)\s*$/i;

export function hasQuotedDiff(body: SourceText): boolean {
  return body.lines.some((line) => QUOTED_DIFF.test(line));
}

export function readQuotedReply(body: SourceText): QuotedReply {
  const quoted: string[] = [];
  const quotedLines: number[] = [];
  const comments: CommentRun[] = [];
  const preamble: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    const text = trimBlankLines(run);
    const afterLine = quotedLines.at(-1);
    if (text && !SNIP.test(text) && afterLine !== undefined) comments.push({ text, afterLine });
    run = [];
  };
  for (let at = 0; at < body.lines.length; at++) {
    const line = body.lines[at] as string;
    if (line.startsWith('>')) {
      flush();
      quoted.push(line.startsWith('> ') ? line.slice(2) : line.slice(1));
      quotedLines.push(body.lineOf(at));
    } else if (quoted.length === 0) {
      preamble.push(line);
    } else if (isSignature(line)) {
      break;
    } else {
      run.push(line);
    }
  }
  flush();
  const restored = restoreStrippedContext(quoted);
  const reply: QuotedReply = {
    diff: mappedText(body.input, restored.lines, quotedLines),
    comments,
    rereadLines: restored.reread.map((index) => quotedLines[index] as number),
  };
  return { ...reply, ...readAttribution(preamble) };
}

/** The run's text without the blank lines around it; '' when nothing is left. */
function trimBlankLines(lines: readonly string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] as string).trim() === '') start++;
  while (end > start && (lines[end - 1] as string).trim() === '') end--;
  return lines.slice(start, end).join('\n');
}

/** Reads the last paragraph before the quote, which mailers may wrap over two lines. */
function readAttribution(preamble: readonly string[]): { author?: string; date?: string } {
  const paragraph = trimBlankLines(preamble).split(/\n\s*\n/).at(-1)?.replace(/\s*\n\s*/g, ' ') ?? '';
  const dated = ATTRIBUTION.exec(paragraph);
  if (dated) return { date: dated[1] as string, author: dated[2] as string };
  const bare = BARE_ATTRIBUTION.exec(paragraph);
  return bare ? { author: bare[1] as string } : {};
}
