/**
 * File names in diff headers. Git writes `a/` and `b/` prefixes and C-quotes names with unusual bytes;
 * `diff -u` and quilt write `--- linux.orig/mm/x.c<TAB>date`. Both are read as if applied with `-p1`.
 */
export const DEV_NULL = '/dev/null';

export interface DiffPaths {
  oldPath: string;
  newPath: string;
}

/** Paths of `diff --git a/X b/Y` (the text after `diff --git `). */
export function parseGitDiffPaths(rest: string): DiffPaths | undefined {
  if (rest.startsWith('"')) {
    const first = readQuoted(rest, 0);
    if (!first) return undefined;
    const tail = rest.slice(first.end).trimStart();
    const second = tail.startsWith('"') ? readQuoted(tail, 0)?.text : tail;
    return second === undefined ? undefined : { oldPath: stripComponent(first.text), newPath: stripComponent(second) };
  }
  // Unquoted names may hold spaces, so ` b/` alone is ambiguous; an unrenamed file's two halves match.
  const middle = (rest.length - 1) / 2;
  if (Number.isInteger(middle) && rest[middle] === ' ' && stripComponent(rest.slice(0, middle)) === stripComponent(rest.slice(middle + 1))) {
    const path = stripComponent(rest.slice(0, middle));
    return { oldPath: path, newPath: path };
  }
  const split = rest.lastIndexOf(' b/');
  if (split < 0) return undefined;
  return { oldPath: stripComponent(rest.slice(0, split)), newPath: stripComponent(rest.slice(split + 1)) };
}

/** The path of a `--- X` or `+++ X` line, without a trailing date and the first component. */
export function parseHeaderPath(line: string): string {
  let name = line.slice(4);
  if (name.startsWith('"')) name = readQuoted(name, 0)?.text ?? name;
  name = name.replace(/\t.*$/, '').replace(/\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4}$/, '').trimEnd();
  return stripComponent(name);
}

/** The path after a keyword line such as `rename from X`, which git writes without a prefix. */
export function parseBarePath(text: string): string {
  return text.startsWith('"') ? (readQuoted(text, 0)?.text ?? text) : text;
}

function stripComponent(path: string): string {
  if (path === DEV_NULL) return path;
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Reads a git C-quoted string starting at `text[start] === '"'`; octal escapes are UTF-8 bytes. */
function readQuoted(text: string, start: number): { text: string; end: number } | undefined {
  const bytes: number[] = [];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') return { text: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
    if (c !== '\\') {
      bytes.push(...new TextEncoder().encode(c));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      const next = text[i + 1] ?? '';
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return undefined;
}
