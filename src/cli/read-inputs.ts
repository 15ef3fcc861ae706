import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { InputError } from '../model/errors.js';
import type { Series } from '../model/patch.js';
import { containsDiff } from '../parse/input-kind.js';
import { readPatches } from '../parse/parse-input.js';
import { orderSeries, type ReadPatch } from '../parse/series.js';
import type { Io } from './io.js';

/**
 * Reads the inputs named on the command line (files, directories, `-` for stdin) and puts all their
 * patches in one series. A directory contributes, in name order and without descending, its patch-like
 * files, and the `.txt` files that hold a diff (saved replies). What cannot be read is an InputError.
 */
export interface InputFile {
  /** The name diagnostics use: as the user typed it, or joined with the directory they named. */
  name: string;
  bytes: Uint8Array;
}

const PATCH_EXTENSIONS = new Set(['.patch', '.diff', '.mbox', '.eml', '.mbx']);
const TEXT_EXTENSION = '.txt';
const STDIN = '-';
/** Plain words for the file errors a user can fix; anything else keeps its own first line. */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/** All inputs, read in the order named, as one series. */
export async function readInputs(names: readonly string[], io: Pick<Io, 'cwd' | 'readStdin'>): Promise<Series> {
  const files: InputFile[] = [];
  for (const name of names) files.push(...(await listInputFiles(name, io)));
  return readFiles(files);
}

/** Files already in hand (from git, or a mail a hook was given), read as one series in the order given. */
export async function readFiles(files: readonly InputFile[]): Promise<Series> {
  const patches: ReadPatch[] = [];
  const diagnostics: Diagnostic[] = [];
  const coverOnly = new Set<string>();
  for (const file of files) {
    const read = await readPatches(file.name, file.bytes);
    patches.push(...read.patches);
    diagnostics.push(...read.diagnostics);
    if (read.patches.length > 0 && read.patches.every(({ patch }) => patch.series?.index === 0 && patch.files.length === 0)) coverOnly.add(file.name);
  }
  const series = orderSeries(patches, diagnostics);
  if (!series.patches.some((patch) => patch.files.length > 0)) return series;
  // `git format-patch --cover-letter` writes the cover letter to a file of its own: beside the
  // patches it introduces, that file having no diff is what a cover letter is, not an input error.
  const forgiven = (d: Diagnostic): boolean => d.code === 'no-diff' && d.level === 'error' && coverOnly.has(d.input);
  return { ...series, diagnostics: series.diagnostics.filter((d) => !forgiven(d)) };
}

/** The files one named input stands for, read. */
async function listInputFiles(name: string, io: Pick<Io, 'cwd' | 'readStdin'>): Promise<InputFile[]> {
  if (name === STDIN) return [{ name, bytes: await attempt(name, () => io.readStdin()) }];
  const where = path.resolve(io.cwd, name);
  const info = await attempt(name, () => stat(where));
  if (!info.isDirectory()) return [{ name, bytes: await attempt(name, () => readFile(where)) }];

  const entries = (await attempt(name, () => readdir(where, { withFileTypes: true })))
    .filter((entry) => !entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: InputFile[] = [];
  for (const entry of entries) {
    const extension = path.extname(entry).toLowerCase();
    if (!PATCH_EXTENSIONS.has(extension) && extension !== TEXT_EXTENSION) continue;
    const entryName = path.join(name, entry);
    const bytes = await attempt(entryName, () => readFile(path.join(where, entry)));
    if (extension !== TEXT_EXTENSION || containsDiff(bytes)) files.push({ name: entryName, bytes });
  }
  if (files.length === 0) {
    throw new InputError(`no patch files (${[...PATCH_EXTENSIONS].map((ext) => `*${ext}`).join(', ')}, or *.txt with a diff) in this directory`, name);
  }
  return files;
}

/** One file's bytes, or an InputError naming it in the user's words. */
export async function readInputFile(where: string, name: string): Promise<Buffer> {
  return attempt(name, () => readFile(where));
}

async function attempt<T>(name: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new InputError(`cannot read: ${describeReadError(error)}`, name);
  }
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && READ_ERRORS[code]) return READ_ERRORS[code];
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
