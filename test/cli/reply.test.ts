import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkDir, runCli } from './run-cli.js';

const work = makeWorkDir('kreview-reply-');
afterAll(() => work.remove());

const QUICK = ['--max-states', '200'];
const DATE = 'Tue, 05 Mar 2024 09:30:00 +0100';
const FROM = 'Maria Reviewer <maria@example.org>';
const MESSAGE_ID = '<20240304091500.4711-1-kai@example.org>';

/** The nonstatic-global fixture as it went out by mail, with a Message-Id to reply to. */
function mailedPatch(): string {
  const lines = readFileSync(path.join(work.dir, 'fixtures/patches/rule-nonstatic-global-bad.patch'), 'utf8').split('\n');
  lines.splice(1, 0, `Message-Id: ${MESSAGE_ID}`);
  writeFileSync(path.join(work.dir, 'mailed.patch'), lines.join('\n'));
  return 'mailed.patch';
}

const reply = (args: string[]) => runCli(['reply', ...args, ...QUICK], { cwd: work.dir });

describe('kreview reply', () => {
  it('prints a reply that threads under the patch and quotes the commit message and the lines it comments on', async () => {
    const { status, stdout, stderr } = await reply([mailedPatch(), '--from', FROM, '--date', DATE]);
    expect([status, stderr]).toEqual([0, '']);
    const email = await PostalMime.parse(stdout);
    expect(email.inReplyTo).toBe(MESSAGE_ID);
    expect(email.references).toBe(MESSAGE_ID);
    expect(email.subject).toBe('Re: [PATCH] foo_ctl: let other drivers set the mode');
    expect(email.from?.address).toBe('maria@example.org');
    expect(email.to?.[0]?.address).toBe('kai@example.org');
    expect(email.messageId).toMatch(/^<kreview\.[0-9a-f]{16}@example\.org>$/);
    expect(email.headers.find((h) => h.key === 'date')?.value).toBe(DATE);
    const body = (email.text ?? '').split('\n');
    expect(body.slice(0, 3)).toEqual(['On Mon, 4 Mar 2024 10:15:00 +0100, Kai Reviewer wrote:', '> Other drivers need to switch the controller mode.', '>']);
    const quoted = body.indexOf('> +DEFINE_MUTEX(foo_ctl_lock);');
    expect(quoted).toBeGreaterThan(0);
    expect(body.slice(quoted + 1, quoted + 3).join(' ')).toMatch(/^ `DEFINE_MUTEX\(foo_ctl_lock\)` is defined without/);
  });

  it('gives the same bytes for the same patch, reviewer and date', async () => {
    const args = [mailedPatch(), '--from', FROM, '--date', DATE];
    expect((await reply(args)).stdout).toBe((await reply(args)).stdout);
  });

  it('dates the reply now, in RFC 2822, without --date', async () => {
    const email = await PostalMime.parse((await reply([mailedPatch()])).stdout);
    expect(email.headers.find((h) => h.key === 'date')?.value).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
    expect(email.from?.address).toBe('kreview@kreview.invalid');
  });

  it('answers each patch of an mbox in an mbox of replies', async () => {
    const { status, stdout } = await reply(['fixtures/patches/input-series-3-parts.mbox', '--date', DATE]);
    expect(status).toBe(0);
    expect(stdout.startsWith('From kreview Tue Mar  5 08:30:00 2024\n')).toBe(true);
    const entries = stdout.split(/^From kreview .*\n/m).filter((entry) => entry !== '');
    const parsed = await Promise.all(entries.map((entry) => PostalMime.parse(entry)));
    expect(parsed.map((email) => [email.subject, email.inReplyTo])).toEqual([
      ['Re: [PATCH v2 1/3] demo_dev: protect the users count with a spinlock', '<f6cf079aaaec90da92eae14cb2a5e771916ca30b.1795769155.git.ada@example.org>'],
      ['Re: [PATCH v2 2/3] demo_dev: drop the users count on release', '<2f3e646c8ff8f6ac89c6bd6ed1a259e344211894.1795769155.git.ada@example.org>'],
      ['Re: [PATCH v2 3/3] mm/demo_pool: free the pages already allocated on failure', '<03d8a61f2fcabb2df0aef08fcb0035ccb027b048.1795769155.git.ada@example.org>'],
    ]);
  });

  it('is a usage error for a date it cannot read', async () => {
    expect(await reply([mailedPatch(), '--date', 'yesterday'])).toEqual({
      status: 2, stdout: '', stderr: "kreview: --date: cannot read 'yesterday' as a date; give RFC 2822, e.g. 'Tue, 05 Mar 2024 09:30:00 +0100'\n",
    });
  });

  it('exits 2 for an input without a patch', async () => {
    expect(await reply(['fixtures/patches/input-no-diff.txt'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: fixtures/patches/input-no-diff.txt:1: no diff found [no-diff]\n',
    });
  });
});
