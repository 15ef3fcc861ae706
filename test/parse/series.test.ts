import { describe, expect, it } from 'vitest';
import type { Patch } from '../../src/model/patch.js';
import { parseInput, readPatches } from '../../src/parse/parse-input.js';
import { orderSeries, type ReadPatch } from '../../src/parse/series.js';
import { readSeriesPosition, stripReplyPrefix } from '../../src/parse/subject-tag.js';
import { codesOf, fixtureInput, hasShared, parseFixture, readShared } from './fixture-files.js';

describe('readSeriesPosition', () => {
  it.each([
    ['[PATCH v7 2/4] virtio_balloon: introduce migration primitives', { version: 7, index: 2, total: 4 }],
    ['[RFC PATCH v2 3/5] mm: x', { version: 2, index: 3, total: 5 }],
    ['[PATCH 2/4] mm: x', { version: 1, index: 2, total: 4 }],
    ['[PATCH net-next v3 05/12] net: x', { version: 3, index: 5, total: 12 }],
    ['[PATCHv2 1/3] x', { version: 2, index: 1, total: 3 }],
    ['[PATCH V4 0/2] cover', { version: 4, index: 0, total: 2 }],
    ['Re: [PATCH v7 2/4] virtio_balloon: x', { version: 7, index: 2, total: 4 }],
    ['[dm-devel] [PATCH 1/2] dm: x', { version: 1, index: 1, total: 2 }],
  ])('reads %s', (subject, position) => {
    expect(readSeriesPosition(subject)).toEqual(position);
  });

  it.each(['[PATCH] mm: x', '[PATCH v2] mm: x', 'mm: fix 1/2 of the bug', '[GIT PULL] 6.8 fixes'])('finds no position in %s', (subject) => {
    expect(readSeriesPosition(subject)).toBeUndefined();
  });

  it('strips reply prefixes', () => {
    expect(stripReplyPrefix('Re: RE: Fwd: [PATCH v7 2/4] x')).toBe('[PATCH v7 2/4] x');
  });
});

function readPatch(subject: string, startLine: number, extra: Partial<Patch> = {}, fromReply = false): ReadPatch {
  const patch: Patch = { input: 'test.mbox', startLine, subject, files: [], comments: [], diagnostics: [], ...extra };
  const series = readSeriesPosition(subject);
  if (series) patch.series = series;
  return { patch, fromReply };
}

describe('orderSeries', () => {
  it('orders parts by number, drops the cover letter and takes the part count from it', () => {
    const series = orderSeries([
      readPatch('[PATCH 0/4] cover', 1),
      readPatch('[PATCH 3/4] c', 20),
      readPatch('[PATCH 1/4] a', 40),
    ]);
    expect(series.patches.map((patch) => patch.subject)).toEqual(['[PATCH 1/4] a', '[PATCH 3/4] c']);
    expect(series.missing).toEqual([2, 4]);
    expect(codesOf(series.diagnostics)).toEqual(['series-missing@40', 'series-missing@20']);
  });

  it('reviews the newest version and notes the older one', () => {
    const series = orderSeries([
      readPatch('[PATCH v1 1/2] a', 1),
      readPatch('[PATCH v1 2/2] b', 10),
      readPatch('[PATCH v2 2/2] b', 20),
      readPatch('[PATCH v2 1/2] a', 30),
    ]);
    expect(series.patches.map((patch) => patch.startLine)).toEqual([30, 20]);
    expect(series.diagnostics).toEqual([
      { level: 'note', input: 'test.mbox', patchLine: 1, code: 'series-version', message: 'v1 (2 message(s)) is ignored; v2 is reviewed' },
    ]);
  });

  it('prefers the author\'s patch to a reply quoting it, then the first one read', () => {
    const series = orderSeries([
      readPatch('[PATCH 1/1] a', 1, {}, true),
      readPatch('[PATCH 1/1] a', 10),
      readPatch('[PATCH 1/1] a', 20),
    ]);
    expect(series.patches.map((patch) => patch.startLine)).toEqual([10]);
    expect(series.duplicates).toEqual([1]);
    expect(codesOf(series.diagnostics)).toEqual(['series-duplicate@20', 'series-duplicate@1']);
  });

  it('keeps patches without a part number after the series, in reading order', () => {
    const series = orderSeries([readPatch('[PATCH] lone', 1), readPatch('[PATCH 1/1] part', 10), readPatch('no tag', 20)]);
    expect(series.patches.map((patch) => patch.startLine)).toEqual([10, 1, 20]);
    expect(series.missing).toEqual([]);
  });

  it('warns about a part that does not fit the announced count', () => {
    const series = orderSeries([readPatch('[PATCH 1/2] a', 1), readPatch('[PATCH 2/3] b', 10)]);
    expect(codesOf(series.diagnostics)).toEqual(['series-total@1', 'series-missing@10']);
    expect(series.missing).toEqual([3]);
  });
});

describe('series fixtures', () => {
  it('orders a 3-part mbox with a cover letter', async () => {
    const series = await parseFixture('input-series-3-parts.mbox');
    expect(series.patches.map((patch) => [patch.series?.index, patch.startLine, patch.commit?.slice(0, 7)])).toEqual([
      [1, 67, 'f6cf079'],
      [2, 26, '2f3e646'],
      [3, 121, '03d8a61'],
    ]);
    expect([series.missing, series.duplicates, series.diagnostics]).toEqual([[], [], []]);
    expect(series.patches[2]?.files[0]).toMatchObject({ newPath: 'mm/demo_pool.c', patchLine: 139 });
  });

  it('reports the missing part', async () => {
    const series = await parseFixture('input-series-missing-part.mbox');
    expect(series.patches.map((patch) => patch.series?.index)).toEqual([1, 3]);
    expect(series.missing).toEqual([2]);
    expect(series.diagnostics).toEqual([{
      level: 'warning', input: fixtureInput('input-series-missing-part.mbox'), patchLine: 1, code: 'series-missing', message: 'part 2/3 of v2 is missing',
    }]);
  });

  it('reports the duplicate part and keeps the first', async () => {
    const series = await parseFixture('input-series-duplicate-part.mbox');
    expect(series.patches.map((patch) => [patch.series?.index, patch.startLine])).toEqual([[1, 1], [2, 55], [3, 137]]);
    expect(series.duplicates).toEqual([2]);
    expect(codesOf(series.diagnostics)).toEqual(['series-duplicate@96']);
  });

  it('notes a series part without a diff and keeps it in place', async () => {
    const mbox = [
      'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001',
      'Subject: [PATCH 1/2] docs: describe the demo device',
      '',
      'Only words here.',
      'From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001',
      'Subject: [PATCH 2/2] demo: x',
      '',
      '--- a/x.c',
      '+++ b/x.c',
      '@@ -1 +1 @@',
      '-a',
      '+b',
    ].join('\n');
    const series = await parseInput('two.mbox', new TextEncoder().encode(mbox));
    expect(series.patches.map((patch) => [patch.series?.index, patch.files.length, codesOf(patch.diagnostics)])).toEqual([
      [1, 0, ['no-diff@1']],
      [2, 1, []],
    ]);
    expect(series.patches[0]?.diagnostics[0]?.level).toBe('note');
  });

  it('combines the inputs of one series given as several files', async () => {
    const first = await readPatches('1.patch', new TextEncoder().encode('Subject: [PATCH 2/2] b\n\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n'));
    const second = await readPatches('2.patch', new TextEncoder().encode('Subject: [PATCH 1/2] a\n\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n'));
    const series = orderSeries([...first.patches, ...second.patches]);
    expect(series.patches.map((patch) => patch.input)).toEqual(['2.patch', '1.patch']);
  });
});

describe.skipIf(!hasShared)('series-v7 corpus (needs ../shared)', () => {
  const files = ['v7-4of4-vm-event-counters.patch', 'v7-1of4-mm-compaction-migration.patch', 'v7-2of4-virtio-balloon-migration.patch'];

  it('orders 1/4, 2/4, 4/4 from separate files and reports 3/4 missing', async () => {
    const reads = await Promise.all(files.map((file) => readPatches(file, readShared(`corpus/series-v7/${file}`))));
    const series = orderSeries(reads.flatMap((read) => read.patches), reads.flatMap((read) => read.diagnostics));
    expect(series.patches.map((patch) => [patch.series?.index, patch.input])).toEqual([
      [1, 'v7-1of4-mm-compaction-migration.patch'],
      [2, 'v7-2of4-virtio-balloon-migration.patch'],
      [4, 'v7-4of4-vm-event-counters.patch'],
    ]);
    expect(series.patches.map((patch) => patch.series?.version)).toEqual([7, 7, 7]);
    expect(series.missing).toEqual([3]);
    expect(series.diagnostics).toEqual([{
      level: 'warning', input: 'v7-2of4-virtio-balloon-migration.patch', patchLine: 1, code: 'series-missing', message: 'part 3/4 of v7 is missing',
    }]);
    expect(series.patches.flatMap((patch) => patch.diagnostics)).toEqual([]);
  });

  it('reads the same series concatenated into one mbox', async () => {
    const mbox = Buffer.concat(files.map((file) => readShared(`corpus/series-v7/${file}`)));
    const series = await parseInput('series.mbox', mbox);
    expect(series.patches.map((patch) => [patch.series?.index, patch.startLine, patch.files.length])).toEqual([[1, 105, 3], [2, 368, 2], [4, 1, 5]]);
    expect(series.missing).toEqual([3]);
  });
});
