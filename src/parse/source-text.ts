/**
 * Text cut from an input, line by line, with the input line each line came from. Decoding MIME or
 * stripping quotes changes the text but not where a finding must point, so every stage after this one
 * asks `lineOf` instead of counting lines itself.
 */
export interface SourceText {
  /** The input as the user named it. */
  input: string;
  lines: readonly string[];
  /** 1-based input line of `lines[index]`. */
  lineOf: (index: number) => number;
}

/** Lines that sit one after another in the input, the first at `firstLine`. */
export function contiguousText(input: string, lines: readonly string[], firstLine: number): SourceText {
  return { input, lines, lineOf: (index) => firstLine + index };
}

/** Lines whose input position is lost (a base64 body): all of them point at `line`. */
export function collapsedText(input: string, lines: readonly string[], line: number): SourceText {
  return { input, lines, lineOf: () => line };
}

/** Lines gathered from scattered places of the input, such as the quoted lines of a reply. */
export function mappedText(input: string, lines: readonly string[], inputLines: readonly number[]): SourceText {
  const last = inputLines.at(-1) ?? 1;
  return { input, lines, lineOf: (index) => inputLines[index] ?? last };
}

/**
 * Splits text into lines, dropping a final `\r` on each so CRLF input reads like LF input; the input
 * reports CRLF once, where it is read. A trailing newline does not make an extra empty line.
 */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return lines;
}
