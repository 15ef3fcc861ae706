import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../src/parse/unified-diff.js';
import { codesOf, fixtureInput, inlineText, lineWithText, onlyPatch, parseFixture } from './fixture-files.js';

describe('parseUnifiedDiff on fixtures', () => {
  it('reads a plain git diff with exact patch, old and new lines', async () => {
    const patch = onlyPatch(await parseFixture('input-plain-diff.diff'));
    expect(patch.subject).toBe('');
    expect(patch.startLine).toBe(1);
    expect(patch.files.map((file) => [file.status, file.oldPath, file.newPath, file.patchLine])).toEqual([
      ['modified', 'drivers/misc/demo_dev.c', 'drivers/misc/demo_dev.c', 1],
      ['modified', 'include/linux/demo_dev.h', 'include/linux/demo_dev.h', 41],
    ]);
    const [open, init] = patch.files[0]?.hunks ?? [];
    expect(open).toMatchObject({ oldStart: 12, oldLines: 14, newStart: 12, newLines: 27, patchLine: 5,
      context: 'static int demo_open(struct inode *inode, struct file *file)' });
    expect(lineWithText(open, '\tspin_lock(&dev->lock);')).toEqual({ kind: 'add', text: '\tspin_lock(&dev->lock);', patchLine: 9, newLine: 15 });
    expect(lineWithText(open, '\tdev->users++;')).toEqual({ kind: 'ctx', text: '\tdev->users++;', patchLine: 10, oldLine: 15, newLine: 16 });
    expect(lineWithText(open, '')).toEqual({ kind: 'ctx', text: '', patchLine: 8, oldLine: 14, newLine: 14 });
    expect(init).toMatchObject({ oldStart: 29, newStart: 42, patchLine: 33 });
    expect(lineWithText(init, '\tspin_lock_init(&dev->lock);')).toMatchObject({ patchLine: 37, newLine: 45 });
    expect(patch.diagnostics).toEqual([]);
  });

  it('reports hunks whose lines disagree with their header and keeps reading', async () => {
    const patch = onlyPatch(await parseFixture('input-wrong-hunk-count.diff'));
    expect(codesOf(patch.diagnostics)).toEqual(['hunk-count@5', 'hunk-count@45']);
    expect(patch.diagnostics[0]).toMatchObject({ level: 'warning', input: fixtureInput('input-wrong-hunk-count.diff'),
      message: 'hunk @@ -12,14 +12,28 @@ has 14 old and 27 new lines' });
    // Both hunks of the first file and the header file are still there, with their lines.
    expect(patch.files.map((file) => file.hunks.map((hunk) => [hunk.patchLine, hunk.lines.length]))).toEqual([
      [[5, 27], [33, 7]],
      [[45, 7]],
    ]);
  });

  it('reports a hunk cut off at the end of the input and keeps what it has', async () => {
    const patch = onlyPatch(await parseFixture('input-truncated-hunk.diff'));
    expect(codesOf(patch.diagnostics)).toEqual(['hunk-truncated@5']);
    expect(patch.diagnostics[0]?.level).toBe('error');
    expect(patch.files[0]?.hunks[0]?.lines.at(-1)).toEqual({ kind: 'add', text: '\tspin_lock(&dev->lock);', patchLine: 9, newLine: 15 });
  });

  it('records a binary diff with no hunks and reads the text file after it', async () => {
    const patch = onlyPatch(await parseFixture('input-binary.diff'));
    expect(patch.files.map((file) => [file.status, file.newPath, file.patchLine, file.hunks.length])).toEqual([
      ['binary', 'firmware/demo.bin', 1, 0],
      ['modified', 'drivers/misc/demo_dev.c', 10, 1],
    ]);
    expect(codesOf(patch.diagnostics)).toEqual(['binary-diff@1']);
    expect(lineWithText(patch.files[1]?.hunks[0], 'MODULE_FIRMWARE("demo.bin");')).toMatchObject({ patchLine: 18, newLine: 52 });
  });

  it('reads renames and copies with their similarity and hunks', async () => {
    const patch = onlyPatch(await parseFixture('input-rename.diff'));
    expect(patch.files.map((file) => [file.status, file.oldPath, file.newPath, file.similarity, file.hunks.length])).toEqual([
      ['copied', 'include/linux/demo_dev.h', 'include/linux/demo_dev_compat.h', 65, 2],
      ['renamed', 'mm/demo_pool.c', 'mm/demo_page_pool.c', 87, 1],
    ]);
    const renamed = patch.files[1]?.hunks[0];
    expect(lineWithText(renamed, 'int demo_page_pool_fill(struct device *dev, struct demo_pool *pool, unsigned int nr)'))
      .toMatchObject({ kind: 'add', patchLine: 35, newLine: 11 });
  });

  it('reads CRLF input like LF input and notes it once', async () => {
    const crlf = onlyPatch(await parseFixture('input-crlf.patch'));
    const series = await parseFixture('input-crlf.patch');
    expect(codesOf(series.diagnostics.filter((d) => d.code === 'crlf'))).toEqual(['crlf@1']);
    expect(crlf.subject).toBe('[PATCH v2 1/3] demo_dev: protect the users count with a spinlock');
    const hunk = crlf.files[0]?.hunks[0];
    expect(hunk?.context).toBe('static int demo_open(struct inode *inode, struct file *file)');
    expect(lineWithText(hunk, '\tspin_lock(&dev->lock);')).toMatchObject({ patchLine: 26, newLine: 15 });
    expect(crlf.files.flatMap((file) => file.hunks.flatMap((h) => h.lines)).some((line) => line.text.includes('\r'))).toBe(false);
    expect(crlf.diagnostics).toEqual([]);
  });

  it('reads bytes that are not UTF-8 as Latin-1 and names the first bad line', async () => {
    const patch = onlyPatch(await parseFixture('input-non-utf8.diff'));
    expect(codesOf(patch.diagnostics)).toEqual(['encoding@9']);
    expect(patch.diagnostics[0]?.message).toBe('not valid UTF-8 (first bad byte on line 9); read as Latin-1');
    expect(patch.files[0]?.hunks[0]?.lines[3]).toEqual({ kind: 'add', text: '\tspinlock_t lock;\t/* protège users */', patchLine: 9, newLine: 10 });
  });

  it('stops at the format-patch signature', async () => {
    const patch = onlyPatch(await parseFixture('input-format-patch.patch'));
    const last = patch.files[0]?.hunks.at(-1);
    expect(last?.lines.at(-1)).toEqual({ kind: 'ctx', text: '}', patchLine: 43, oldLine: 27, newLine: 33 });
    expect(patch.diagnostics).toEqual([]);
  });
});

describe('parseUnifiedDiff on inline diffs', () => {
  it('reads diff -u and quilt headers, dates and /dev/null', () => {
    const read = parseUnifiedDiff(inlineText([
      '--- linux-6.8.orig/mm/demo.c\t2024-03-04 10:00:00.000000000 +0100',
      '+++ linux-6.8/mm/demo.c\t2024-03-04 10:05:00.000000000 +0100',
      '@@ -1 +1 @@',
      '-int a;',
      '+int b;',
      '--- /dev/null',
      '+++ b/mm/new.c',
      '@@ -0,0 +1,2 @@',
      '+// SPDX-License-Identifier: GPL-2.0',
      '+int c;',
    ].join('\n')));
    expect(read.files.map((file) => [file.status, file.oldPath, file.newPath, file.patchLine])).toEqual([
      ['modified', 'mm/demo.c', 'mm/demo.c', 1],
      ['added', '/dev/null', 'mm/new.c', 6],
    ]);
    expect(read.files[1]?.hunks[0]?.lines[1]).toEqual({ kind: 'add', text: 'int c;', patchLine: 10, newLine: 2 });
    expect(read.diagnostics).toEqual([]);
  });

  it('reads git new, deleted and "Binary files differ" headers', () => {
    const read = parseUnifiedDiff(inlineText([
      'diff --git a/mm/old.c b/mm/old.c',
      'deleted file mode 100644',
      'index 1111111..0000000',
      '--- a/mm/old.c',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-int old;',
      'diff --git a/logo.png b/logo.png',
      'new file mode 100644',
      'index 0000000..2222222',
      'Binary files /dev/null and b/logo.png differ',
    ].join('\n')));
    expect(read.files.map((file) => [file.status, file.oldPath, file.newPath])).toEqual([
      ['deleted', 'mm/old.c', '/dev/null'],
      ['binary', '/dev/null', 'logo.png'],
    ]);
    expect(codesOf(read.diagnostics)).toEqual(['binary-diff@8']);
  });

  it('skips the "no newline" marker without counting it', () => {
    const read = parseUnifiedDiff(inlineText('--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n int a;\n-int b;\n\\ No newline at end of file\n+int c;\n\\ No newline at end of file\n'));
    expect(read.files[0]?.hunks[0]?.lines.map((line) => [line.kind, line.patchLine])).toEqual([['ctx', 4], ['del', 5], ['add', 7]]);
    expect(read.diagnostics).toEqual([]);
  });

  it('keeps surplus lines of an undercounting hunk and says so', () => {
    const read = parseUnifiedDiff(inlineText('--- a/x.c\n+++ b/x.c\n@@ -1,1 +1,1 @@\n-int a;\n+int b;\n+int c;\n'));
    expect(read.files[0]?.hunks[0]?.lines).toHaveLength(3);
    expect(codesOf(read.diagnostics)).toEqual(['hunk-count@3']);
  });

  it('keeps a hunk that has no file header', () => {
    const read = parseUnifiedDiff(inlineText('Look at this:\n@@ -5,2 +5,2 @@ static int f(void)\n-\treturn 0;\n+\treturn 1;\n }\n'));
    expect(read.files.map((file) => [file.oldPath, file.hunks.length])).toEqual([['', 1]]);
    expect(codesOf(read.diagnostics)).toEqual(['no-file-header@2']);
  });

  it('reads C-quoted and spaced paths', () => {
    const read = parseUnifiedDiff(inlineText([
      'diff --git "a/docs/caf\\303\\251.txt" "b/docs/caf\\303\\251.txt"',
      'index 1111111..2222222 100644',
      'diff --git a/docs/my notes.txt b/docs/my notes.txt',
      'index 1111111..2222222 100644',
    ].join('\n')));
    expect(read.files.map((file) => file.newPath)).toEqual(['docs/café.txt', 'docs/my notes.txt']);
  });

  it('treats a removed line reading "- " inside a hunk as a line, not the signature', () => {
    const read = parseUnifiedDiff(inlineText('--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,1 @@\n-- \n int a;\n-- \n2.39.5\n'));
    expect(read.files[0]?.hunks[0]?.lines.map((line) => [line.kind, line.text])).toEqual([['del', '- '], ['ctx', 'int a;']]);
    expect(read.diagnostics).toEqual([]);
  });

  it('never throws on garbage', () => {
    const garbage = ['@@ nonsense @@', '+++', '---', 'diff --git', 'diff --git a', '@@ -x +y @@', '\\', 'rename from', ''].join('\n');
    const read = parseUnifiedDiff(inlineText(garbage));
    expect(read.files.map((file) => [file.oldPath, file.newPath, file.hunks.length])).toEqual([['', '', 0]]);
  });
});
