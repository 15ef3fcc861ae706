import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import type { Series } from '../model/patch.js';
import type { TreeFiles } from '../extract/extract-patch.js';
import type { Io } from './io.js';

const NO_FILE = '/dev/null';
/** Build files beside a touched file that say what it is (`header-y` in a Kbuild exports a header). */
const BUILD_FILES = ['Kbuild'];

/**
 * The files of a kernel checkout the series needs: the pre-image of every file it touches, and the
 * build files of their directories. A file the checkout lacks is left out; the patch alone is then
 * analysed for it. Paths that would leave the checkout (`../`) are never read.
 */
export async function readTree(dir: string, series: Series, io: Pick<Io, 'cwd'>): Promise<TreeFiles> {
  const root = path.resolve(io.cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--tree ${dir}: not a directory`);

  const wanted = new Set<string>();
  for (const file of series.patches.flatMap((patch) => patch.files)) {
    if (file.oldPath !== NO_FILE) wanted.add(file.oldPath);
    for (const touched of [file.oldPath, file.newPath]) {
      if (touched === NO_FILE) continue;
      const parent = path.posix.dirname(touched);
      for (const build of BUILD_FILES) wanted.add(parent === '.' ? build : `${parent}/${build}`);
    }
  }

  const tree = new Map<string, string>();
  const decoder = new TextDecoder('utf-8');
  for (const relative of [...wanted].sort()) {
    const where = path.resolve(root, relative);
    if (where !== root && !where.startsWith(root + path.sep)) continue;
    const bytes = await readFile(where).catch(() => undefined);
    if (bytes !== undefined) tree.set(relative, decoder.decode(bytes));
  }
  return tree;
}
