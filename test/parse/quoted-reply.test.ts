import { describe, expect, it } from 'vitest';
import type { Patch } from '../../src/model/patch.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { readQuotedReply } from '../../src/parse/quoted-reply.js';
import { restoreStrippedContext } from '../../src/parse/restore-context.js';
import { codesOf, hasShared, inlineText, lineWithText, onlyPatch, parseFixture, readShared } from './fixture-files.js';

const SEED = 'seed/review-virtio-balloon-v7-2of4.txt';
const SEED_PATCH = 'corpus/series-v7/v7-2of4-virtio-balloon-migration.patch';

describe('restoreStrippedContext', () => {
  it('gives stripped context lines their space back and leaves the text around hunks alone', () => {
    const restored = restoreStrippedContext(['---', '@@ -1,3 +1,3 @@', '{', '- a = 1;', '+ a = 2;', '}', '--', '2.39.5']);
    expect(restored.lines).toEqual(['---', '@@ -1,3 +1,3 @@', ' {', '- a = 1;', '+ a = 2;', ' }', '--', '2.39.5']);
    expect(restored.reread).toEqual([]);
  });

  it('reads a +/- line as context when the counts need it, preferring one with no space after the sign', () => {
    // Old and new both have 3 lines, so one of the two "-" lines is a context line that lost its indent.
    const restored = restoreStrippedContext(['@@ -10,3 +10,3 @@', '- ret = f(a,', '+ ret = g(a,', '-EINVAL);', '}']);
    expect(restored.lines).toEqual(['@@ -10,3 +10,3 @@', '- ret = f(a,', '+ ret = g(a,', ' -EINVAL);', ' }']);
    expect(restored.reread).toEqual([3]);
  });

  it('leaves a hunk whose counts cannot be met for the diff reader to report', () => {
    const restored = restoreStrippedContext(['@@ -1,5 +1,5 @@', 'a', 'b']);
    expect(restored.lines).toEqual(['@@ -1,5 +1,5 @@', ' a', ' b']);
  });
});

describe('readQuotedReply', () => {
  it('keeps comments between quoted lines and reads the attribution', () => {
    const reply = readQuotedReply(inlineText([
      'Hi,',
      '',
      'On Mon, Mar 04, 2024 at 10:15:00AM +0100, Ada Lindqvist',
      'wrote:',
      '> @@ -1,2 +1,2 @@',
      '> -a',
      '',
      'Why?',
      '',
      '> +b',
      '> c',
      '-- ',
      'Bruno',
    ].join('\n')));
    expect(reply).toMatchObject({ author: 'Ada Lindqvist', date: 'Mon, Mar 04, 2024 at 10:15:00AM +0100' });
    expect(reply.comments).toEqual([{ text: 'Why?', afterLine: 6 }]);
    expect(reply.diff.lines).toEqual(['@@ -1,2 +1,2 @@', '-a', '+b', ' c']);
    expect([0, 1, 2, 3].map(reply.diff.lineOf)).toEqual([5, 6, 10, 11]);
  });
  it('does not take a snip mark for a comment', () => {
    const reply = readQuotedReply(inlineText('> @@ -1,3 +1,3 @@\n> a\n\n[...]\n\n> -b\n> +c\n\n<snip>\nNice.\n'));
    expect(reply.comments).toEqual([{ text: '<snip>\nNice.', afterLine: 7 }]);
  });
});

describe('quoted reply fixtures', () => {
  it('recovers the patch from an archive page with stripped whitespace', async () => {
    const patch = onlyPatch(await parseFixture('input-quoted-reply.txt'));
    expect(patch).toMatchObject({
      subject: '[PATCH v2 3/3] mm/demo_pool: free the pages already allocated on failure',
      from: 'Ada Lindqvist',
      date: 'Mon, Mar 04, 2024 at 10:15:00AM +0100',
      series: { version: 2, index: 3, total: 3 },
    });
    expect(patch.files.map((file) => [file.newPath, file.patchLine, file.hunks.map((hunk) => hunk.patchLine)])).toEqual([
      ['mm/demo_pool.c', 17, [21, 34]],
    ]);
    const [first, second] = patch.files[0]?.hunks ?? [];
    // `-ENOMEM, "no page array\n");` is a context line whose indent the archive stripped.
    expect(lineWithText(first, '-ENOMEM, "no page array\\n");')).toEqual({
      kind: 'ctx', text: '-ENOMEM, "no page array\\n");', patchLine: 33, oldLine: 18, newLine: 18,
    });
    expect(lineWithText(second, ' goto err_free;')).toEqual({ kind: 'add', text: ' goto err_free;', patchLine: 39, newLine: 23 });
    expect(codesOf(patch.diagnostics)).toEqual(['quoted-reply@1', 'quote-ambiguous@33']);
    expect(patch.diagnostics[0]?.message).toBe('patch recovered from a quoted reply by Bruno Keller on Tue Mar 05 2024 - 08:12:44 EST with 3 reviewer comment(s)');
    expect(patch.comments).toEqual([
      { afterPatchLine: 26, file: 'mm/demo_pool.c', newLine: 15,
        text: 'kvcalloc() memory must be released with kvfree(); the error\npath below does that, good.' },
      { afterPatchLine: 46, file: 'mm/demo_pool.c', newLine: 30,
        text: 'This walks back over the pages allocated so far, but pool->nr is\nnot reset. Is a second demo_pool_fill() on the same pool safe?' },
      { afterPatchLine: 53, file: 'mm/demo_pool.c', newLine: 33, text: 'Thanks,\nBruno' },
    ]);
  });

  it('recovers the patch from a real reply mail that kept the whitespace', async () => {
    const patch = onlyPatch(await parseFixture('input-quoted-reply-mail.eml'));
    expect(patch).toMatchObject({
      subject: '[PATCH v2 1/3] demo_dev: protect the users count with a spinlock',
      messageId: '<f6cf079aaaec90da92eae14cb2a5e771916ca30b.1795769155.git.ada@example.org>',
      from: 'Ada Lindqvist',
    });
    expect(patch.files.map((file) => [file.newPath, file.hunks.map((hunk) => hunk.patchLine)])).toEqual([
      ['drivers/misc/demo_dev.c', [25, 38]],
      ['include/linux/demo_dev.h', [54]],
    ]);
    expect(lineWithText(patch.files[0]?.hunks[0], '\tspin_unlock(&dev->lock);')).toMatchObject({ patchLine: 31, newLine: 17 });
    expect(patch.comments.map((comment) => [comment.afterPatchLine, comment.file, comment.newLine])).toEqual([
      [31, 'drivers/misc/demo_dev.c', 17],
      [42, 'drivers/misc/demo_dev.c', 34],
    ]);
    expect(codesOf(patch.diagnostics)).toEqual(['quoted-reply@1']);
  });
});

describe.skipIf(!hasShared)('the seed review (needs ../shared)', () => {
  const readSeed = (): Promise<Patch> => parseInput(SEED, readShared(SEED)).then(onlyPatch);

  it('recovers both files and every hunk with counts that validate', async () => {
    const patch = await readSeed();
    expect(patch.subject).toBe('[PATCH v7 2/4] virtio_balloon: introduce migration primitives toballoon pages');
    expect(patch.series).toEqual({ version: 7, index: 2, total: 4 });
    expect(patch.files.map((file) => [file.newPath, file.patchLine, file.hunks.length])).toEqual([
      ['drivers/virtio/virtio_balloon.c', 30, 15],
      ['include/linux/virtio_balloon.h', 342, 1],
    ]);
    expect(codesOf(patch.diagnostics)).toEqual(['quoted-reply@1']);
  });

  it('places the added lines at their new-file and reply-file lines', async () => {
    const patch = await readSeed();
    const fill = patch.files[0]?.hunks.find((hunk) => hunk.context.startsWith('static void fill_balloon('));
    expect(fill).toMatchObject({ oldStart: 125, newStart: 133, patchLine: 63 });
    expect(lineWithText(fill, ' mutex_lock(&balloon_lock);')).toEqual({ kind: 'add', text: ' mutex_lock(&balloon_lock);', patchLine: 67, newLine: 136 });
    expect(lineWithText(patch.files[1]?.hunks[0], 'struct address_space *balloon_mapping;'))
      .toEqual({ kind: 'add', text: 'struct address_space *balloon_mapping;', patchLine: 351, newLine: 60 });
  });

  it('keeps the reviewer comments after the lines they discuss', async () => {
    const patch = await readSeed();
    expect(patch.comments.map((comment) => [comment.afterPatchLine, comment.file, comment.newLine])).toEqual([
      [83, 'drivers/virtio/virtio_balloon.c', 155],
      [119, 'drivers/virtio/virtio_balloon.c', 199],
      [129, 'drivers/virtio/virtio_balloon.c', 200],
      [207, 'drivers/virtio/virtio_balloon.c', 381],
      [268, 'drivers/virtio/virtio_balloon.c', 439],
      [305, 'drivers/virtio/virtio_balloon.c', 473],
      [322, 'drivers/virtio/virtio_balloon.c', 496],
      [335, 'drivers/virtio/virtio_balloon.c', 521],
      [353, 'include/linux/virtio_balloon.h', 62],
    ]);
    const afterListDel = patch.comments.find((comment) => comment.afterPatchLine === 129);
    expect(afterListDel?.text).toBe('I wonder why changing page->lru here is safe against\nraces with unmap_and_move in the previous patch.');
    expect(patch.comments[1]?.text.split('\n')).toEqual([
      'Unlike the case above, here',
      'if = NULL write above is reordered with list_del below,',
      'then isolate_page can run on a page that is not',
      'on lru.',
      '',
      'So I think this needs a wmb().',
      'And maybe a comment above explaining why it is safe?',
    ]);
  });

  it('recovers the same hunks as the format-patch the reviewer quoted', async () => {
    const recovered = await readSeed();
    const original = onlyPatch(await parseInput(SEED_PATCH, readShared(SEED_PATCH)));
    const shape = (patch: Patch) => patch.files.map((file) => file.hunks.map((hunk) => ({
      header: [hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines],
      lines: hunk.lines.map((line) => [line.kind, line.oldLine, line.newLine, line.text.replace(/\s+/g, ' ').trim()]),
    })));
    expect(shape(recovered)).toEqual(shape(original));
  });

  it('parses in a few milliseconds', async () => {
    await readSeed();
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      await readSeed();
      times.push(performance.now() - start);
    }
    expect(times.sort((a, b) => a - b)[2]).toBeLessThan(50);
  });
});
