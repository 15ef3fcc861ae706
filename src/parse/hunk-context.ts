/**
 * What the text after a hunk's second `@@` says about where the hunk starts. Git copies the last line
 * before the hunk that starts with a letter, `_` or `$`: usually a function's signature, but it may be
 * a struct, an initialised object, a label or a truncated multi-line signature.
 */
export type HunkContext =
  | { kind: 'function'; name: string; signature: string }
  | { kind: 'aggregate'; opener: string }
  | { kind: 'label'; name: string }
  | { kind: 'none' };

const CONTROL_WORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'do', 'else', 'case']);

export function classifyHunkContext(context: string): HunkContext {
  const text = context.trim();
  if (text === '' || text.startsWith('#')) return { kind: 'none' };
  const label = /^([A-Za-z_]\w*):\s*(\/[/*].*)?$/.exec(text);
  if (label) return { kind: 'label', name: label[1]! };
  const call = /^([^=;(]*?)\b([A-Za-z_]\w*)\s*\(/.exec(text);
  if (call && !CONTROL_WORDS.has(call[2]!) && !text.endsWith(';') && !/=/.test(call[1]!)) {
    return { kind: 'function', name: call[2]!, signature: completeSignature(text) };
  }
  if (/^(static\s+|const\s+)*(struct|union|enum)\b[^;(]*$/.test(text)) {
    return { kind: 'aggregate', opener: text.replace(/\{\s*$/, '').trim() };
  }
  return { kind: 'none' };
}

/** Makes a possibly truncated signature line parse as a complete declarator. */
function completeSignature(text: string): string {
  let sig = text.replace(/\{\s*$/, '').replace(/\/\*.*$/, '').trimEnd();
  let depth = 0;
  for (const ch of sig) {
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
  }
  if (depth > 0) {
    sig = sig.replace(/,\s*$/, '');
    sig += sig.endsWith('(') ? 'void' : ', ...';
    sig += ')'.repeat(depth);
  }
  // A signature whose return type sits on the line before starts with the name itself.
  if (/^[A-Za-z_]\w*\s*\(/.test(sig)) sig = `int ${sig}`;
  return sig;
}
