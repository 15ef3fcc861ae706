import { describe, expect, it } from 'vitest';
import { isMboxSeparator, splitMbox } from '../../src/parse/mbox.js';
import { parseInput } from '../../src/parse/parse-input.js';
import { readFixture } from './fixture-files.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('isMboxSeparator', () => {
  it.each([
    'From 292b1b52e863a05b299f94bda69a61371011ac19 Mon Sep 17 00:00:00 2001',
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    'From aquini@redhat.com Fri Aug 10 14:55:14 2012',
  ])('accepts %s', (line) => expect(isMboxSeparator(line)).toBe(true));

  it.each(['From the locking documentation: take the lock first.', 'From: Ada <ada@example.org>', 'from x Mon Sep 17 00:00:00 2001'])(
    'rejects %s', (line) => expect(isMboxSeparator(line)).toBe(false));
});

describe('splitMbox', () => {
  it('keeps each message\'s start line, separator and first body line', () => {
    const messages = splitMbox(readFixture('input-series-3-parts.mbox'));
    expect(messages.map((message) => [message.startLine, message.firstLine, message.separator?.slice(0, 12)])).toEqual([
      [1, 2, 'From 03d8a61'],
      [26, 27, 'From 2f3e646'],
      [67, 68, 'From f6cf079'],
      [121, 122, 'From 03d8a61'],
    ]);
    expect(decode(messages[1]?.bytes ?? new Uint8Array()).split('\n')[0]).toBe('Message-Id: <2f3e646c8ff8f6ac89c6bd6ed1a259e344211894.1795769155.git.ada@example.org>');
  });

  it('does not split at a commit-message line starting with "From "', () => {
    const messages = splitMbox(encode('From a@b Mon Mar  4 10:15:00 2024\nSubject: x\n\nFrom the docs:\nFrom here on.\n'));
    expect(messages).toHaveLength(1);
  });

  it('unescapes >From lines by one level and keeps line numbers', () => {
    const mbox = 'From a@b Mon Mar  4 10:15:00 2024\nSubject: x\n\n>From the docs\n>>From quoted\n> From a reply\nend\n';
    const [message] = splitMbox(encode(mbox));
    expect(decode(message?.bytes ?? new Uint8Array())).toBe('Subject: x\n\nFrom the docs\n>From quoted\n> From a reply\nend\n');
  });

  it('returns views into the input rather than copies', () => {
    const bytes = readFixture('input-series-3-parts.mbox');
    expect(splitMbox(bytes).every((message) => message.bytes.buffer === bytes.buffer)).toBe(true);
  });

  it('keeps text before the first separator as a message of its own', () => {
    const messages = splitMbox(encode('stray text\nFrom a@b Mon Mar  4 10:15:00 2024\nSubject: x\n'));
    expect(messages.map((message) => [message.startLine, message.separator])).toEqual([
      [1, undefined],
      [2, 'From a@b Mon Mar  4 10:15:00 2024'],
    ]);
  });

  it('reads a 1,000-patch mbox with each patch at its own line', async () => {
    const message = (n: number): string => [
      `From ${String(n).padStart(40, '0')} Mon Sep 17 00:00:00 2001`,
      'From: Ada Lindqvist <ada@example.org>',
      `Subject: [PATCH ${n}/1000] demo: change ${n}`,
      '',
      '---',
      `diff --git a/drivers/demo/d${n}.c b/drivers/demo/d${n}.c`,
      '--- a/drivers/demo/d.c',
      '+++ b/drivers/demo/d.c',
      '@@ -1,3 +1,3 @@',
      ' static int demo(void)',
      '-{ return 0; }',
      `+{ return ${n}; }`,
      ' ',
      '-- ',
      '2.39.5',
      '',
    ].join('\n');
    const mbox = Array.from({ length: 1000 }, (_, k) => message(1000 - k)).join('');
    const series = await parseInput('big.mbox', encode(mbox));
    expect(series.patches).toHaveLength(1000);
    expect(series.patches.map((patch) => patch.series?.index)).toEqual(Array.from({ length: 1000 }, (_, k) => k + 1));
    // Part 1 was written last: its message starts 999 messages of 15 lines in.
    expect(series.patches[0]?.startLine).toBe(999 * 15 + 1);
    expect(series.patches[0]?.files[0]?.hunks[0]?.lines[2]).toMatchObject({ kind: 'add', text: '{ return 1; }', patchLine: 999 * 15 + 12 });
    expect(series.diagnostics).toEqual([]);
  });
});
