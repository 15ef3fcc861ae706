import { describe, expect, it } from 'vitest';
import { containsDiff, detectInputKind } from '../../src/parse/input-kind.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { fixtureInput, hasShared, parseFixture, readFixture, readShared } from './fixture-files.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('detectInputKind', () => {
  it.each([
    ['input-empty.patch', 'empty'],
    ['input-plain-diff.diff', 'text'],
    ['input-format-patch.patch', 'mbox'],
    ['input-series-3-parts.mbox', 'mbox'],
    ['input-qp-mail.eml', 'mail'],
    ['input-quoted-reply-mail.eml', 'mail'],
    ['input-quoted-reply.txt', 'text'],
    ['input-crlf.patch', 'mbox'],
  ])('%s is %s', (name, kind) => {
    expect(detectInputKind(readFixture(name))).toBe(kind);
  });

  it('does not take the web-archive "Re: [PATCH ...]" first line for a mail header', () => {
    expect(detectInputKind(encode('Re: [PATCH v7 2/4] x\n\nFrom: Michael\n'))).toBe('text');
    expect(detectInputKind(encode(' \n\t\r\n'))).toBe('empty');
  });
});

describe('containsDiff', () => {
  it('finds plain and quoted diffs only', () => {
    expect(containsDiff(readFixture('input-quoted-reply.txt'))).toBe(true);
    expect(containsDiff(readFixture('input-plain-diff.diff'))).toBe(true);
    expect(containsDiff(readFixture('input-no-diff.txt'))).toBe(false);
  });
});

describe('parseInput', () => {
  it('reports an empty input as an error and nothing else', async () => {
    expect(await parseFixture('input-empty.patch')).toEqual({
      patches: [], missing: [], duplicates: [],
      diagnostics: [{ level: 'error', input: fixtureInput('input-empty.patch'), patchLine: 1, code: 'empty-input', message: 'the input is empty' }],
    });
  });

  it('reports an input with no diff, without taking a reply to the cover letter for the cover letter', async () => {
    expect(await parseFixture('input-no-diff.txt')).toEqual({
      patches: [], missing: [], duplicates: [],
      diagnostics: [{ level: 'error', input: fixtureInput('input-no-diff.txt'), patchLine: 1, code: 'no-diff', message: 'no diff found' }],
    });
  });

  it('skips a discussion message inside an mbox with a note', async () => {
    const mbox = [
      'From a@b Mon Mar  4 10:15:00 2024',
      'Subject: Re: question about demo_pool',
      '',
      'Is anyone working on this?',
      'From a@b Mon Mar  4 10:16:00 2024',
      'Subject: [PATCH] demo: fix',
      '',
      '--- a/x.c',
      '+++ b/x.c',
      '@@ -1 +1 @@',
      '-a',
      '+b',
    ].join('\n');
    const series = await parseInput('thread.mbox', encode(mbox));
    expect(series.patches.map((patch) => patch.subject)).toEqual(['[PATCH] demo: fix']);
    expect(series.diagnostics).toEqual([{
      level: 'note', input: 'thread.mbox', patchLine: 1, code: 'no-diff', message: 'message "Re: question about demo_pool" has no diff and is skipped',
    }]);
  });

  it('reads a format-patch behind a UTF-8 byte order mark as an mbox', async () => {
    const bytes = readFixture('input-format-patch.patch');
    const series = await parseInput('bom.patch', new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]));
    expect(series.patches.map((patch) => [patch.subject, patch.commit?.slice(0, 7), patch.files[0]?.patchLine])).toEqual([
      ['[PATCH] mm/demo_pool: free the pages already allocated on failure', '03d8a61', 15],
    ]);
  });

  it('never throws on binary junk', async () => {
    const junk = new Uint8Array(4096).map((_, k) => (k * 7919) % 256);
    const series = await parseInput('junk.bin', junk);
    expect(series.patches).toEqual([]);
    expect(series.diagnostics.map((diagnostic) => diagnostic.code)).toContain('no-diff');
  });

  it('names the input in every diagnostic and gives each a line', async () => {
    for (const name of ['input-wrong-hunk-count.diff', 'input-truncated-hunk.diff', 'input-base64-mail.eml', 'input-series-missing-part.mbox']) {
      const series = await parseFixture(name);
      const all = [...series.diagnostics, ...series.patches.flatMap((patch) => patch.diagnostics)];
      expect(all.length).toBeGreaterThan(0);
      for (const diagnostic of all) {
        expect(diagnostic.input).toBe(fixtureInput(name));
        expect(diagnostic.patchLine).toBeGreaterThanOrEqual(1);
      }
    }
  });
});

describe.skipIf(!hasShared)('parseInput on the shared corpus (needs ../shared)', () => {
  it('reads a lone format-patch of the series as part 2 of 4', async () => {
    const series = await parseInput('2of4.patch', readShared('corpus/series-v7/v7-2of4-virtio-balloon-migration.patch'));
    expect(series.patches[0]).toMatchObject({
      subject: '[PATCH v7 2/4] virtio_balloon: introduce migration primitives to balloon pages',
      from: 'Rafael Aquini <aquini@redhat.com>',
      date: 'Fri, 10 Aug 2012 14:55:15 -0300',
      startLine: 1,
    });
    // git's --zero-commit hash says nothing, so it is not kept.
    expect(series.patches[0]?.commit).toBeUndefined();
    expect(series.missing).toEqual([1, 3, 4]);
  });
});
