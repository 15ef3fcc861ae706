import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, UsageError } from '../model/errors.js';
import type { Series } from '../model/patch.js';
import type { AnalysisNote } from '../model/report.js';
import { outputLines, requireRepository, runGit } from './git.js';
import type { Io } from './io.js';
import { readFiles, type InputFile } from './read-inputs.js';

/**
 * A series taken from git: `git format-patch` writes the commits into a temporary directory and each
 * file is one input, named as format-patch names it (`0002-mm-fix-the-race.patch`), so findings point
 * at the commit and its patch. Merge commits have no patch; they are named in a note.
 */
interface GitSeries {
  series: Series;
  notes: AnalysisNote[];
  /** Commits format-patch wrote, in order. */
  commits: number;
}

/**
 * What a user's configuration must not change about the patches kreview reads: no cover letter,
 * colour or custom prefixes (`diff.noprefix`, `diff.mnemonicPrefix`).
 */
const FORMAT_PATCH = ['format-patch', '--no-color', '--no-cover-letter', '--src-prefix=a/', '--dst-prefix=b/'];
const ZERO = /^0+$/;

/**
 * `RANGE` as `git format-patch` takes it: `A..B`, `A...B`, `-N`, or one revision meaning "since".
 * Anything else that starts with `-` would be an option to git, so it is refused here.
 */
function checkRange(range: string): void {
  if (range.trim() === '') throw new UsageError('--git: the range is empty; give one such as origin/master..HEAD or -3');
  if (range.startsWith('-') && !/^-\d+$/.test(range)) throw new UsageError(`--git: '${range}' is not a revision range; give one such as origin/master..HEAD or -3`);
  if (/\s/.test(range)) throw new UsageError(`--git: '${range}' holds a space; give one range such as origin/master..HEAD`);
}

/** `kreview lint --git RANGE`: the range's commits as a series; no commits at all is an input error. */
export async function readGitRange(range: string, io: Pick<Io, 'cwd' | 'env'>): Promise<GitSeries> {
  checkRange(range);
  await requireRepository(io);
  const label = `git:${range}`;
  const files = await formatPatches([range], io, '');
  const merges = await mergeNotes(mergeRevisions(range), io, label);
  if (files.length === 0) {
    const why = merges.length > 0 ? `holds only merge commits, which git format-patch leaves out (${merges.length})` : 'holds no commits';
    throw new InputError(`${why}; nothing to review`, label);
  }
  return { series: await readFiles(files), notes: merges, commits: files.length };
}

/**
 * The revisions whose merges format-patch skips: a range as given; `-N` counts only non-merge
 * commits, so none is skipped; a single revision means "since", as format-patch reads it.
 */
function mergeRevisions(range: string): string[] {
  if (/^-\d+$/.test(range)) return [];
  if (range.includes('..') || range.startsWith('^')) return [range];
  return [`${range}..HEAD`];
}

/** One note per merge commit in the revisions, oldest first, naming it as the kernel does: `sha ("subject")`. */
export async function mergeNotes(revisions: readonly string[], io: Pick<Io, 'cwd' | 'env'>, input: string): Promise<AnalysisNote[]> {
  if (revisions.length === 0) return [];
  const result = await runGit(['rev-list', '--merges', '--reverse', '--format=%H %s', ...revisions, '--'], io);
  return outputLines(result)
    .filter((line) => !line.startsWith('commit '))
    .map((line) => {
      const [hash = '', ...subject] = line.split(' ');
      return { input, message: `merge commit ${hash.slice(0, 12)} ("${subject.join(' ')}") is not reviewed: git format-patch leaves merges out` };
    });
}

/**
 * Runs `git format-patch` on the revisions into a temporary directory and reads back what it wrote,
 * named `prefix` + format-patch's file name. The directory is removed whatever happens.
 */
export async function formatPatches(revisions: readonly string[], io: Pick<Io, 'cwd' | 'env'>, prefix: string): Promise<InputFile[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kreview-git-'));
  try {
    const written = outputLines(await runGit([...FORMAT_PATCH, '-o', dir, ...revisions, '--'], io));
    const files: InputFile[] = [];
    for (const file of written) {
      files.push({ name: prefix + path.basename(file), bytes: await readFile(path.resolve(io.cwd, file)) });
    }
    return files;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether a hash is git's "no object" (a ref being created or deleted in a push). */
export function isZeroHash(hash: string): boolean {
  return ZERO.test(hash);
}
