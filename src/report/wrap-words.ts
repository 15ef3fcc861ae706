/**
 * Greedy word wrap. Runs of whitespace collapse to one space; a word longer than the width is cut so
 * that no line ever exceeds it (a long C expression must not push a trace column out of line).
 */
export function wrapWords(text: string, width: number): string[] {
  const limit = Math.max(1, width);
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word;
    if (current !== '' && current.length + 1 + rest.length <= limit) {
      current += ` ${rest}`;
      continue;
    }
    if (current !== '') lines.push(current);
    while (rest.length > limit) {
      lines.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    current = rest;
  }
  if (current !== '' || lines.length === 0) lines.push(current);
  return lines;
}

/** Wraps each paragraph (separated by blank lines) and keeps one blank line between them. */
export function wrapParagraphs(text: string, width: number): string[] {
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '');
  const lines: string[] = [];
  for (const paragraph of paragraphs) {
    if (lines.length > 0) lines.push('');
    lines.push(...wrapWords(paragraph, width));
  }
  return lines;
}
