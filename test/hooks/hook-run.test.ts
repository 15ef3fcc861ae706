import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TYPES, isKreviewHook, isUnedited, renderHook, shQuote } from '../../src/cli/hook-script.js';
import { CLEAN_DRIVER, makeSandbox, must, withHelper, withSharedCounter, type Sandbox } from './git-sandbox.js';

/**
 * `kreview hook run` in-process, for the inputs a hook meets that a full git round trip need not
 * prove: a mail without a diff, a patch without C, nothing staged, a push that only deletes; and the
 * hook files themselves.
 */
let box: Sandbox;
let series: string;
const sha: Record<string, string> = {};

beforeAll(() => {
  box = makeSandbox('hook-run');
  box.write('drivers/misc/kr_demo.c', CLEAN_DRIVER);
  sha.base = box.commit('kr_demo: add a demo driver');
  box.write('drivers/misc/kr_demo.c', withSharedCounter(CLEAN_DRIVER));
  sha.bad = box.commit('kr_demo: count probes');
  box.write('drivers/misc/kr_demo.c', withHelper(withSharedCounter(CLEAN_DRIVER), 'kr_demo_put'));
  sha.clean = box.commit('kr_demo: add a put helper');
  box.write('Documentation/misc-devices/kr_demo.rst', 'kr_demo\n=======\n');
  sha.docs = box.commit('Documentation: describe kr_demo');
  series = path.join(box.dir, 'series');
  must(box.git(['format-patch', '-q', '-o', series, '-3']));
});

afterAll(() => box.remove());

describe('kreview hook run sendemail-validate', () => {
  const mail = (name: string): string => path.join(series, readdirSync(series).find((file) => file.startsWith(name))!);

  it('judges each mail on its own findings, seen with its series, and leaves passes for the others', async () => {
    const cache = path.join(box.dir, 'cache');
    const first = await box.kreviewInProcess(['hook', 'run', 'sendemail-validate', '--cache', cache, '--', mail('0001')]);
    expect(first).toMatchObject({ status: 1, stderr: 'kreview: stopping the send: 1 finding at or above warning in 0001-kr_demo-count-probes.patch (bypass once with: git send-email --no-validate)\n' });
    // Mail 2 is clean, mail 3 touches no C: both cleared for this send, named by their blob hashes.
    const hashes = must(box.git(['hash-object', '--no-filters', '--', mail('0002'), mail('0003')])).stdout.trim().split('\n');
    expect(readdirSync(cache).sort()).toEqual(hashes.map((hash) => `${hash}..ok`).sort());

    const third = await box.kreviewInProcess(['hook', 'run', 'sendemail-validate', '--fail-on', 'error', '--cache', cache, '--', mail('0003')]);
    expect(third).toEqual({
      status: 0, stderr: '',
      stdout: '0003-Documentation-describe-kr_demo.patch: note: changes no C source or header (.c, .h): nothing in it for kreview to review\n\n0 findings (0 errors, 0 warnings) in 1 patch\n',
    });
    // Under --fail-on error, mail 1's warning does not stop it: mails 1 and 2 are cleared this time.
    const cleared = must(box.git(['hash-object', '--no-filters', '--', mail('0001'), mail('0002')])).stdout.trim().split('\n');
    expect(readdirSync(cache).sort()).toEqual(cleared.map((hash) => `${hash}.error.ok`).sort());
  });

  it('lets a mail without a diff through (a cover letter, a plain mail), and needs the mail named', async () => {
    const plain = path.join(box.dir, 'note.eml');
    writeFileSync(plain, 'From: Dana Okafor <dana@example.org>\nSubject: kr_demo: ping\n\nAny comments on this series?\n');
    expect(await box.kreviewInProcess(['hook', 'run', 'sendemail-validate', plain])).toEqual({ status: 0, stdout: '', stderr: 'kreview: note: note.eml has no diff: nothing to review\n' });
    expect(await box.kreviewInProcess(['hook', 'run', 'sendemail-validate'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: sendemail-validate: no mail given (git passes the mail file as the first argument)\n',
    });
    expect(await box.kreviewInProcess(['hook', 'run', 'sendemail-validate', path.join(box.dir, 'gone.patch')])).toEqual({ status: 2, stdout: '', stderr: `kreview: ${path.join(box.dir, 'gone.patch')}: cannot read: no such file or directory\n` });
  });
});

describe('kreview hook run pre-commit and pre-push', () => {
  it('says nothing and passes when nothing is staged, or a push only deletes a branch', async () => {
    expect(await box.kreviewInProcess(['hook', 'run', 'pre-commit'])).toEqual({ status: 0, stdout: '', stderr: '' });
    const deletion = `(delete) ${'0'.repeat(40)} refs/heads/old ${sha.base}\n`;
    expect(await box.kreviewInProcess(['hook', 'run', 'pre-push', 'origin', 'url'], { stdin: deletion })).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('reviews what a push sends: remote..local', async () => {
    const line = `refs/heads/master ${sha.clean} refs/heads/master ${sha.base}\n`;
    const pushed = await box.kreviewInProcess(['hook', 'run', 'pre-push', 'origin', 'url'], { stdin: line });
    expect(pushed.status).toBe(1);
    expect(pushed.stdout).toMatch(/1 finding \(0 errors, 1 warning\) in 2 patches\n$/);
  });
});

describe('the hook files', () => {
  const settings = { node: '/usr/bin/node', bin: "/opt/it's here/bin/kreview.js", strict: false };

  it('are POSIX sh that dash parses, with paths quoted', () => {
    for (const type of HOOK_TYPES) {
      const text = renderHook({ ...settings, type });
      const where = path.join(box.dir, `hook-${type}`);
      writeFileSync(where, text);
      expect(spawnSync('sh', ['-n', where]).status).toBe(0);
      expect(text).toContain(`kreview_bin=${shQuote(settings.bin)}\n`);
    }
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('know their own bytes: an edited hook is still kreview\'s, but no longer unedited', () => {
    const text = renderHook({ ...settings, type: 'pre-commit' });
    expect([isKreviewHook(text), isUnedited(text)]).toEqual([true, true]);
    const edited = text.replace('exit 0 ;;', 'exit 0;;');
    expect([isKreviewHook(edited), isUnedited(edited)]).toEqual([true, false]);
    expect(isKreviewHook('#!/bin/sh\nexec checkpatch.pl\n')).toBe(false);
  });
});
