import { describe, expect, it } from 'vitest';
import { parseMail } from '../../src/parse/mail.js';
import { codesOf, lineWithText, onlyPatch, parseFixture } from './fixture-files.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseMail', () => {
  it('keeps the header fields a patch needs, decoding encoded words and folded lines', async () => {
    const mail = await parseMail('inline.eml', encode([
      'From: =?UTF-8?q?J=C3=B6rg_M=C3=BCller?= <jm@example.org>',
      'Subject: [PATCH v3 2/5] mm/demo: a subject long enough that git folds it onto',
      ' a second line',
      'Date: Tue, 5 Mar 2024 11:02:13 +0100',
      'Message-Id: <20240305.2@example.org>',
      'In-Reply-To: <20240305.0@example.org>',
      'References: <20240305.0@example.org>',
      ' <20240305.1@example.org>',
      '',
      'body',
      '',
    ].join('\n')), 1);
    expect(mail.header).toEqual({
      subject: '[PATCH v3 2/5] mm/demo: a subject long enough that git folds it onto a second line',
      from: 'Jörg Müller <jm@example.org>',
      date: 'Tue, 5 Mar 2024 11:02:13 +0100',
      messageId: '<20240305.2@example.org>',
      inReplyTo: '<20240305.0@example.org>',
      references: ['<20240305.0@example.org>', '<20240305.1@example.org>'],
    });
    expect(mail.body.lines).toEqual(['body']);
    expect(mail.body.lineOf(0)).toBe(10);
  });

  it('numbers body lines from the line the message starts on', async () => {
    const mail = await parseMail('inline.mbox', encode('Subject: x\n\nfirst\nsecond\n'), 40);
    expect([mail.body.lineOf(0), mail.body.lineOf(1)]).toEqual([42, 43]);
  });

  it('reads a message with no body and a message with no header', async () => {
    expect((await parseMail('a.eml', encode('Subject: only a header\n'), 1)).body.lines).toEqual([]);
    const bare = await parseMail('b.eml', encode('\nbody only\n'), 1);
    expect([bare.header.subject, bare.body.lines, bare.body.lineOf(0)]).toEqual(['', ['body only'], 2]);
  });
});

describe('mail fixtures', () => {
  it('maps a quoted-printable body to exact input lines, soft breaks included', async () => {
    const patch = onlyPatch(await parseFixture('input-qp-mail.eml'));
    expect(patch.subject).toBe('[PATCH v2 1/3] demo_dev: protect the users count with a spinlock');
    expect(patch.files[0]?.patchLine).toBe(20);
    const hunk = patch.files[0]?.hunks[0];
    // The header is split over lines 24-25 by a soft break; the decoded line starts on 24.
    expect(hunk).toMatchObject({ patchLine: 24, context: 'static int demo_open(struct inode *inode, struct file *file)' });
    expect(lineWithText(hunk, '\tstruct demo_dev *dev = container_of(inode->i_cdev, struct demo_dev, cdev);'))
      .toMatchObject({ kind: 'ctx', patchLine: 27, newLine: 13 });
    expect(lineWithText(hunk, '\tspin_lock(&dev->lock);')).toMatchObject({ patchLine: 30, newLine: 15 });
    expect(patch.diagnostics).toEqual([]);
  });

  it('points every line of a base64 body at the first body line and says so', async () => {
    const patch = onlyPatch(await parseFixture('input-base64-mail.eml'));
    expect(patch.series).toEqual({ version: 2, index: 2, total: 3 });
    expect(codesOf(patch.diagnostics)).toEqual(['mime-decoded@11']);
    expect(patch.diagnostics[0]?.message).toBe('body is base64; its lines all point at the first body line 11');
    const hunk = patch.files[0]?.hunks[0];
    expect(hunk).toMatchObject({ oldStart: 19, newStart: 19, newLines: 20, patchLine: 11 });
    expect(lineWithText(hunk, '\t.release\t= demo_release,')).toMatchObject({ kind: 'add', patchLine: 11, newLine: 35 });
  });

  it('decodes an 8bit Latin-1 body by its charset, keeping exact lines', async () => {
    const patch = onlyPatch(await parseFixture('input-latin1-mail.eml'));
    expect(patch.from).toBe('José Müller <jose@example.org>');
    expect(lineWithText(patch.files[0]?.hunks[0], '\tspinlock_t lock;\t/* protège users (déjà comptés) */'))
      .toMatchObject({ kind: 'add', patchLine: 27, newLine: 10 });
    expect(patch.diagnostics).toEqual([]);
  });

  it('takes the attached text part holding the diff from a multipart mail, at its exact lines', async () => {
    const patch = onlyPatch(await parseFixture('input-multipart-mail.eml'));
    expect(patch.subject).toBe('[PATCH] mm/demo_pool: free the pages already allocated on failure');
    expect(patch.files.map((file) => [file.newPath, file.patchLine])).toEqual([['mm/demo_pool.c', 34]]);
    expect(lineWithText(patch.files[0]?.hunks[1], '\tkvfree(pool->pages);')).toMatchObject({ patchLine: 60, newLine: 31 });
    expect(patch.diagnostics).toEqual([]);
  });
});
