import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_DRIVER, hasSendEmail, makeSandbox, must, withHelper, withSharedCounter, type Sandbox } from './git-sandbox.js';
import { TOY_BALLOON_C, TOY_BALLOON_DRIVER, TOY_BALLOON_H, TOY_BALLOON_HEADER } from './racy-driver.js';

/**
 * The sendemail-validate hook under real `git send-email` (Debian's git-email). The SMTP server is a
 * script that stores each mail in a file, so "nothing was sent" and "every mail arrived intact" are
 * files to look at.
 */
const DRIVER = 'drivers/misc/kr_demo.c';
let box: Sandbox;
let mails: string;
let runs: string;
let chainedLog: string;

/** The body of a mail: everything after the header's blank line. */
function body(text: string): string {
  return text.slice(text.indexOf('\n\n') + 2);
}

function stored(): string[] {
  return readdirSync(mails).sort().map((name) => readFileSync(path.join(mails, name), 'utf8'));
}

function clearMail(): void {
  for (const file of [runs, chainedLog]) writeFileSync(file, '');
  for (const name of readdirSync(mails)) rmSync(path.join(mails, name));
}

function sendEmail(files: string[]): { status: number | null; stdout: string; stderr: string } {
  const smtp = path.join(box.dir, 'smtp-to-file.sh');
  return box.git(['send-email', `--smtp-server=${smtp}`, '--to=kr-demo@lists.example.org', '--confirm=never', '--quiet', ...files]);
}

beforeAll(() => {
  if (!hasSendEmail) return;
  box = makeSandbox('send-email');
  mails = path.join(box.dir, 'mails');
  runs = path.join(box.dir, 'kreview-runs.log');
  chainedLog = path.join(box.dir, 'chained.log');
  mkdirSync(mails);
  box.env.KREVIEW_TEST_MAILS = mails;
  box.env.KREVIEW_TEST_RUNS = runs;
  box.env.KREVIEW_TEST_CHAINED = chainedLog;
  // A sendmail-like program: git send-email pipes each mail to it; it keeps the mail in a file.
  writeFileSync(path.join(box.dir, 'smtp-to-file.sh'), '#!/bin/sh\nn=$(ls "$KREVIEW_TEST_MAILS" | wc -l)\ncat > "$KREVIEW_TEST_MAILS/mail-$(printf %03d "$n").eml"\n', { mode: 0o755 });
  // The developer's own hook, there before kreview: it must still run, once per mail, first.
  box.write('.git/hooks/sendemail-validate', '#!/bin/sh\nbasename "$1" >> "$KREVIEW_TEST_CHAINED"\n', 0o755);

  box.write(DRIVER, CLEAN_DRIVER);
  box.commit('kr_demo: add a demo driver');
  box.write(DRIVER, withHelper(CLEAN_DRIVER, 'kr_demo_put'));
  box.commit('kr_demo: add a put helper');
  box.write(DRIVER, withHelper(withHelper(CLEAN_DRIVER, 'kr_demo_put'), 'kr_demo_reset'));
  box.commit('kr_demo: add a reset helper');
});

afterAll(() => box?.remove());

describe('the sendemail-validate hook under git send-email', () => {
  it.skipIf(!hasSendEmail)('installs beside the existing hook and counts its own runs (needs git-email)', async () => {
    const installed = await box.kreviewInProcess(['hook', 'install']);
    expect(installed).toEqual({
      status: 0, stderr: '',
      stdout: 'kreview: installed the sendemail-validate hook at .git/hooks/sendemail-validate; the hook that was there is kept as sendemail-validate.kreview-chained and runs first\n',
    });
    // Count kreview processes: node, as the hook starts it, is this wrapper.
    const counter = path.join(box.dir, 'node-counting.sh');
    writeFileSync(counter, `#!/bin/sh\necho run >> "$KREVIEW_TEST_RUNS"\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    const hook = path.join(box.repo, '.git/hooks/sendemail-validate');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^kreview_node=.*$/m, `kreview_node='${counter}'`));
  });

  it.skipIf(!hasSendEmail)('sends a clean series, cover letter included, with every mail intact and one kreview run (needs git-email)', () => {
    clearMail();
    const out = path.join(box.dir, 'clean');
    must(box.git(['format-patch', '-q', '--cover-letter', '-o', out, '-3']));
    const files = readdirSync(out).sort().map((name) => path.join(out, name));
    const cover = files[0]!;
    writeFileSync(cover, readFileSync(cover, 'utf8').replace('*** SUBJECT HERE ***', 'kr_demo: helpers').replace('*** BLURB HERE ***', 'Two helpers.'));

    const result = sendEmail(files);
    expect(result.stderr).not.toContain('kreview');
    expect(result.status).toBe(0);
    const sent = stored();
    expect(sent).toHaveLength(4);
    files.forEach((file, index) => expect(body(sent[index]!)).toBe(body(readFileSync(file, 'utf8'))));
    expect(readFileSync(chainedLog, 'utf8').trim().split('\n')).toEqual(files.map((file) => path.basename(file)));
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toEqual(['run']);
  });

  it.skipIf(!hasSendEmail)('refuses a series with the patch kreview refuses, and sends nothing (needs git-email)', () => {
    clearMail();
    box.write(DRIVER, withSharedCounter(withHelper(withHelper(CLEAN_DRIVER, 'kr_demo_put'), 'kr_demo_reset')));
    const bad = box.commit('kr_demo: count probes');
    box.write(DRIVER, withHelper(withSharedCounter(withHelper(withHelper(CLEAN_DRIVER, 'kr_demo_put'), 'kr_demo_reset')), 'kr_demo_last'));
    box.commit('kr_demo: add a last helper');
    const out = path.join(box.dir, 'bad');
    must(box.git(['format-patch', '-q', '-o', out, '-3']));
    const files = readdirSync(out).sort().map((name) => path.join(out, name));

    const result = sendEmail(files);
    expect(result.status).not.toBe(0);
    // git hook run sends a hook's stdout to stderr, with the rest of what the hook says.
    expect(result.stderr).toContain(`In commit ${bad.slice(0, 12)} ("kr_demo: count probes"):\n`);
    expect(result.stderr).toMatch(/drivers\/misc\/kr_demo\.c:\d+: warning: `kr_demo_probes` is defined without `static`/);
    expect(result.stderr).toContain('kreview: stopping the send: 1 finding at or above warning in 0002-kr_demo-count-probes.patch (bypass once with: git send-email --no-validate)\n');
    expect(result.stderr).toContain('no patches were sent');
    expect(stored()).toEqual([]);
    // The first mail's run cleared mail 3 and left mail 2 to be judged on its own: two runs, not three.
    expect(readFileSync(runs, 'utf8').trim().split('\n')).toEqual(['run', 'run']);
  });

  it.skipIf(!hasSendEmail)('refuses a series whose patch races with compaction, and sends nothing (needs git-email)', async () => {
    // A repository of its own, so that the race is the only thing kreview has to say.
    const racy = makeSandbox('send-email-race');
    try {
      const racyMails = path.join(racy.dir, 'mails');
      mkdirSync(racyMails);
      racy.env.KREVIEW_TEST_MAILS = racyMails;
      const smtp = path.join(racy.dir, 'smtp-to-file.sh');
      writeFileSync(smtp, '#!/bin/sh\nn=$(ls "$KREVIEW_TEST_MAILS" | wc -l)\ncat > "$KREVIEW_TEST_MAILS/mail-$(printf %03d "$n").eml"\n', { mode: 0o755 });
      expect(await racy.kreviewInProcess(['hook', 'install'])).toMatchObject({ status: 0, stderr: '' });

      racy.write('README', 'Toy balloon: lends guest pages to the host.\n');
      racy.commit('Add a README');
      racy.write(TOY_BALLOON_H, TOY_BALLOON_HEADER);
      racy.write(TOY_BALLOON_C, TOY_BALLOON_DRIVER);
      const bad = racy.commit('toy_balloon: let compaction migrate balloon pages');
      const out = path.join(racy.dir, 'racy');
      must(racy.git(['format-patch', '-q', '-o', out, '-1']));
      const files = readdirSync(out).sort().map((name) => path.join(out, name));

      const result = racy.git(['send-email', `--smtp-server=${smtp}`, '--to=kr-demo@lists.example.org', '--confirm=never', '--quiet', ...files]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`In commit ${bad.slice(0, 12)} ("toy_balloon: let compaction migrate balloon pages"):\n`);
      expect(result.stderr).toMatch(/^drivers\/virtio\/toy_balloon\.c:\d+: error: .*\[check-then-act\]$/m);
      expect(result.stderr).toMatch(/^drivers\/virtio\/toy_balloon\.c:\d+: error: .*\[list-corruption\]$/m);
      expect(result.stderr).toMatch(/kreview: stopping the send: \d+ findings at or above warning in 0001-toy_balloon-let-compaction-migrate-balloon-pages\.patch \(bypass once with: git send-email --no-validate\)\n/);
      expect(result.stderr).toContain('no patches were sent');
      expect(readdirSync(racyMails)).toEqual([]);
    } finally {
      racy.remove();
    }
  });

  it.skipIf(!hasSendEmail)('puts the developer\'s hook back byte for byte on uninstall (needs git-email)', async () => {
    const before = '#!/bin/sh\nbasename "$1" >> "$KREVIEW_TEST_CHAINED"\n';
    // The test edited kreview's hook (the counting node), so uninstall rightly refuses it first.
    expect(await box.kreviewInProcess(['hook', 'uninstall'])).toMatchObject({
      status: 2, stderr: 'kreview: will not remove the sendemail-validate hook at .git/hooks/sendemail-validate: it was edited after kreview installed it; remove it by hand\n',
    });
    // Removed by hand, as it says; uninstall still puts back the hook kreview had parked.
    rmSync(path.join(box.repo, '.git/hooks/sendemail-validate'));
    expect(await box.kreviewInProcess(['hook', 'uninstall'])).toEqual({
      status: 0, stderr: '',
      stdout: "kreview: put back the sendemail-validate hook that kreview's (removed by hand) had chained to, at .git/hooks/sendemail-validate\n",
    });
    expect(readFileSync(path.join(box.repo, '.git/hooks/sendemail-validate'), 'utf8')).toBe(before);
    expect(readdirSync(path.join(box.repo, '.git/hooks')).filter((name) => name.includes('kreview'))).toEqual([]);
  });
});
