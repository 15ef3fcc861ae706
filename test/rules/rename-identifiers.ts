import {
  ALLOC_APIS, ANNOTATION_MACROS, BARRIER_APIS, BUG_APIS, BUS_DEVICE_TYPES, DRIVER_ROLE_FIELDS, ENTRY_OF_APIS, FREE_APIS,
  IDENTITY_WRAPPERS, LIST_APIS, LIST_ITERATORS, LOCK_APIS, LOCK_DEFINITIONS, ORDERED_ACCESS_APIS, PAGEREF_APIS,
  REGISTRATION_MACROS, SLEEPING_CALLS, SPAWN_APIS, UNEVALUATED_MACROS,
} from '../../src/extract/kernel-api.js';
import { FIELD_INIT_CALLS, LINKAGE_NAMES, LOCK_MACRO_TYPES, PROBE_ID_TYPES } from '../../src/rules/kernel-types.js';

/**
 * Renames every identifier the code of a patch uses, consistently, to check that findings come from
 * the analysis and not from names: rules may know the kernel's vocabulary (the API tables), never
 * the driver's. Only hunk lines and the `@@` function context change, and never their number, so
 * hunk counts stay right. Comments and string literals are left alone.
 */

const C_WORDS = [
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern',
  'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed',
  'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while', '_Bool',
  'bool', 'true', 'false', 'NULL', 'define', 'defined', 'include', 'ifdef', 'ifndef', 'endif', 'elif', 'undef',
  '__attribute__', 'packed', '__packed', '__KERNEL__',
];

const IDENTIFIER = /[A-Za-z_]\w*/g;
const identifiersIn = (text: string): string[] => text.match(IDENTIFIER) ?? [];

/** The kernel's vocabulary as the extractor and the rules know it: every name in their tables. */
export function kernelVocabulary(): Set<string> {
  const keys = [
    ALLOC_APIS, BARRIER_APIS, BUG_APIS, DRIVER_ROLE_FIELDS, FREE_APIS, LIST_APIS, LIST_ITERATORS, LOCK_APIS,
    LOCK_DEFINITIONS, ORDERED_ACCESS_APIS, PAGEREF_APIS, REGISTRATION_MACROS, SPAWN_APIS, LOCK_MACRO_TYPES,
  ].flatMap((table) => Object.keys(table));
  const sets = [ENTRY_OF_APIS, IDENTITY_WRAPPERS, SLEEPING_CALLS, UNEVALUATED_MACROS, FIELD_INIT_CALLS, LINKAGE_NAMES]
    .flatMap((set) => [...set]);
  const types = [...BUS_DEVICE_TYPES, ...PROBE_ID_TYPES, ...Object.values(LOCK_MACRO_TYPES)].flatMap(identifiersIn);
  const fixedWidth = ['8', '16', '32', '64'].flatMap((n) => [`u${n}`, `s${n}`, `__u${n}`, `__s${n}`, `__le${n}`, `__be${n}`]);
  return new Set([...C_WORDS, ...keys, ...sets, ...types, ...ANNOTATION_MACROS, ...fixedWidth]);
}

export interface Renaming {
  text: string;
  /** Original name to new name. */
  names: ReadonlyMap<string, string>;
}

/** A new name of the same shape: upper-case names stay constants to the extractor, lower-case ones not. */
function freshName(name: string, index: number): string {
  const prefix = /^_*/.exec(name)![0];
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? `${prefix}REN_${index}` : `${prefix}ren_${index}`;
}

/** Renames code in one line, keeping comments (tracked across lines) and literals. */
class CodeRenamer {
  private inComment = false;
  readonly names = new Map<string, string>();

  constructor(private readonly keep: ReadonlySet<string>) {}

  rename(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (this.inComment) {
        const end = text.indexOf('*/', i);
        const stop = end < 0 ? text.length : end + 2;
        out += text.slice(i, stop);
        if (end >= 0) this.inComment = false;
        i = stop;
        continue;
      }
      const rest = text.slice(i);
      if (rest.startsWith('/*')) {
        this.inComment = true;
        out += '/*';
        i += 2;
      } else if (rest.startsWith('//')) {
        return out + rest;
      } else if (rest[0] === '"' || rest[0] === "'") {
        const literal = new RegExp(`^${rest[0]}(?:\\\\.|[^\\\\${rest[0]}])*${rest[0]}?`).exec(rest)![0];
        out += literal;
        i += literal.length;
      } else {
        const word = /^(?:\d\w*|[A-Za-z_]\w*)/.exec(rest)?.[0];
        if (word === undefined) {
          out += rest[0];
          i += 1;
        } else {
          out += /^\d/.test(word) || this.keep.has(word) ? word : this.nameFor(word);
          i += word.length;
        }
      }
    }
    return out;
  }

  private nameFor(word: string): string {
    let name = this.names.get(word);
    if (name === undefined) {
      name = freshName(word, this.names.size + 1);
      this.names.set(word, name);
    }
    return name;
  }
}

const HUNK_HEADER = /^(@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@)(.*)$/;

export function renameIdentifiers(patch: string, keep: ReadonlySet<string>): Renaming {
  const renamer = new CodeRenamer(keep);
  let oldLeft = 0;
  let newLeft = 0;
  const lines = patch.split('\n').map((line) => {
    if (oldLeft > 0 || newLeft > 0) {
      const kind = line[0];
      if (kind === '\\') return line;
      if (kind !== '+') oldLeft -= 1;
      if (kind !== '-') newLeft -= 1;
      return (kind ?? '') + renamer.rename(line.slice(1));
    }
    const header = HUNK_HEADER.exec(line);
    if (!header) return line;
    oldLeft = Number(header[2] ?? 1);
    newLeft = Number(header[3] ?? 1);
    return header[1] + renamer.rename(header[4]!);
  });
  return { text: lines.join('\n'), names: renamer.names };
}

/** Puts the original names back into text that speaks of renamed code: exact, as no fresh name is a word. */
export function restoreNames(text: string, names: ReadonlyMap<string, string>): string {
  const original = new Map([...names].map(([from, to]) => [to, from]));
  return text.replace(/\b_*(?:ren|REN)_\d+\b/g, (word) => original.get(word) ?? word);
}
