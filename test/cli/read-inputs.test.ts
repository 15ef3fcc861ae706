import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputs } from '../../src/cli/read-inputs.js';
import { InputError } from '../../src/model/errors.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/patches');
const work = mkdtempSync(path.join(tmpdir(), 'kreview-read-inputs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(stdin = ''): { cwd: string; readStdin: () => Promise<Buffer> } {
  return { cwd: work, readStdin: async () => Buffer.from(stdin) };
}

/** A directory holding the named fixtures, plus files that must be left out. */
function makeSeriesDir(name: string): void {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'nested'), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'input-series-missing-part.mbox'), path.join(dir, 'b-parts.mbox'));
  copyFileSync(path.join(FIXTURES, 'input-quoted-reply.txt'), path.join(dir, 'a-review.txt'));
  copyFileSync(path.join(FIXTURES, 'input-no-diff.txt'), path.join(dir, 'c-chat.txt'));
  writeFileSync(path.join(dir, 'README.md'), '# not a patch\n');
  copyFileSync(path.join(FIXTURES, 'input-plain-diff.diff'), path.join(dir, 'nested', 'deeper.diff'));
}

describe('readInputs', () => {
  it('reads a directory\'s patch files in name order, .txt only with a diff, without descending', async () => {
    makeSeriesDir('series');
    const series = await readInputs(['series'], io());
    // The quoted reply supplies 3/3 too, but the author's own 3/3 from the mbox wins.
    expect(series.patches.map((patch) => [patch.series?.index, patch.input])).toEqual([
      [1, path.join('series', 'b-parts.mbox')],
      [3, path.join('series', 'b-parts.mbox')],
    ]);
    expect(series.missing).toEqual([2]);
    expect(series.duplicates).toEqual([3]);
    expect(series.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.input, diagnostic.patchLine])).toEqual([
      ['series-duplicate', path.join('series', 'a-review.txt'), 1],
      ['series-missing', path.join('series', 'b-parts.mbox'), 1],
    ]);
  });

  it('reads `-` from stdin and combines it with the other inputs', async () => {
    const part2 = 'Subject: [PATCH v2 2/3] demo_dev: x\n\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n';
    const series = await readInputs([path.join(FIXTURES, 'input-series-missing-part.mbox'), '-'], io(part2));
    expect(series.patches.map((patch) => [patch.series?.index, path.basename(patch.input)])).toEqual([
      [1, 'input-series-missing-part.mbox'],
      [2, '-'],
      [3, 'input-series-missing-part.mbox'],
    ]);
    expect(series.missing).toEqual([]);
  });

  it('turns a file that cannot be read into an InputError with a one-line message', async () => {
    const error = await readInputs(['missing.patch'], io()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ message: 'cannot read: no such file or directory', input: 'missing.patch' });
  });

  it('refuses a directory with no patch files', async () => {
    mkdirSync(path.join(work, 'empty-dir'));
    const error = await readInputs(['empty-dir'], io()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'empty-dir' });
    expect((error as Error).message).not.toContain('\n');
  });
});
