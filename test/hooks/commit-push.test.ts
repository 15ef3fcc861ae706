import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_DRIVER, makeSandbox, must, withHelper, withSharedCounter, type Sandbox } from './git-sandbox.js';

/** The pre-commit and pre-push hooks under real `git commit` and `git push` to a local bare repository. */
const DRIVER = 'drivers/misc/kr_demo.c';
let box: Sandbox;
let remote: string;

const head = (): string => must(box.git(['rev-parse', 'HEAD'])).stdout.trim();
const remoteHead = (): string => box.git(['rev-parse', '--verify', '-q', 'refs/heads/master'], { cwd: remote }).stdout.trim();

beforeAll(() => {
  box = makeSandbox('commit-push');
  remote = path.join(box.dir, 'remote.git');
  must(box.git(['init', '-q', '--bare', remote], { cwd: box.dir }));
  must(box.git(['remote', 'add', 'origin', remote]));
  box.write(DRIVER, CLEAN_DRIVER);
  box.commit('kr_demo: add a demo driver');
  must(box.git(['push', '-q', 'origin', 'master']));
  must(box.git(['fetch', '-q', 'origin']));
});

afterAll(() => box.remove());

describe('the pre-commit hook under git commit', () => {
  const original = '#!/bin/sh\necho "lint: ok" >&2\n';

  it('chains to the pre-commit hook that was there, refuses the staged patch kreview refuses, lets a clean one through', async () => {
    box.write('.git/hooks/pre-commit', original, 0o750);
    expect((await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit'])).status).toBe(0);

    box.write(DRIVER, withSharedCounter(CLEAN_DRIVER));
    must(box.git(['add', DRIVER]));
    const before = head();
    const refused = box.git(['commit', '-q', '-m', 'kr_demo: count probes']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('lint: ok\n');
    expect(refused.stdout + refused.stderr).toMatch(/drivers\/misc\/kr_demo\.c:7: warning: `kr_demo_probes` is defined without `static`.*\[nonstatic-global\]/);
    expect(refused.stderr).toContain('kreview: stopping the commit: 1 finding at or above warning in the staged changes (bypass once with: git commit --no-verify)\n');
    expect(head()).toBe(before);

    box.write(DRIVER, withHelper(CLEAN_DRIVER, 'kr_demo_put'));
    must(box.git(['add', DRIVER]));
    const clean = box.git(['commit', '-q', '-m', 'kr_demo: add a put helper']);
    expect([clean.status, clean.stderr]).toEqual([0, 'lint: ok\n']);
    expect(head()).not.toBe(before);
  });

  it('says so, and lets the commit through, when the staged change has no C', () => {
    box.write('Documentation/misc-devices/kr_demo.rst', 'kr_demo\n=======\n');
    must(box.git(['add', '-A']));
    const docs = box.git(['commit', '-q', '-m', 'Documentation: describe kr_demo']);
    expect(docs.status).toBe(0);
    expect(docs.stdout + docs.stderr).toContain('staged changes: note: changes no C source or header (.c, .h): nothing in it for kreview to review\n');
  });

  it('puts the original hook back, bytes and mode, on uninstall', async () => {
    expect(await box.kreviewInProcess(['hook', 'uninstall', '--type', 'pre-commit'])).toMatchObject({ status: 0 });
    const hook = path.join(box.repo, '.git/hooks/pre-commit');
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(statSync(hook).mode & 0o777).toBe(0o750);
  });
});

describe('the pre-push hook under git push', () => {
  const seen = (): string => readFileSync(path.join(box.dir, 'pre-push.stdin'), 'utf8');

  it('refuses to push the commit kreview refuses, and pushes a clean branch; the old hook gets the same stdin', async () => {
    box.write('.git/hooks/pre-push', '#!/bin/sh\necho "$1 $2" > "$KREVIEW_TEST_DIR/pre-push.args"\ncat > "$KREVIEW_TEST_DIR/pre-push.stdin"\n', 0o755);
    box.env.KREVIEW_TEST_DIR = box.dir;
    expect((await box.kreviewInProcess(['hook', 'install', '--type', 'pre-push'])).status).toBe(0);

    const pushed = remoteHead();
    const local = head();
    const clean = box.git(['push', '-q', 'origin', 'master']);
    expect(clean.status).toBe(0);
    // Git shows what a pre-push hook prints on stdout or stderr depending on its version.
    expect(clean.stdout + clean.stderr).toContain('0002-Documentation-describe-kr_demo.patch: note: changes no C source or header (.c, .h)');
    expect(remoteHead()).toBe(local);
    expect(seen()).toBe(`refs/heads/master ${local} refs/heads/master ${pushed}\n`);
    expect(readFileSync(path.join(box.dir, 'pre-push.args'), 'utf8')).toBe(`origin ${remote}\n`);

    box.write(DRIVER, withSharedCounter(withHelper(CLEAN_DRIVER, 'kr_demo_put')));
    const bad = box.commit('kr_demo: count probes');
    const refused = box.git(['push', '-q', 'origin', 'master']);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(`In commit ${bad.slice(0, 12)} ("kr_demo: count probes"):\n`);
    expect(refused.stderr).toContain('kreview: stopping the push: 1 finding at or above warning in the commits being pushed (bypass once with: git push --no-verify)\n');
    expect(remoteHead()).toBe(local);
    expect(seen()).toBe(`refs/heads/master ${bad} refs/heads/master ${local}\n`);
  });

  it('reviews a new branch against the remote-tracking branches, and notes a merge it cannot review', () => {
    must(box.git(['checkout', '-q', '-b', 'topic', 'origin/master']));
    box.write('drivers/misc/kr_other.c', withHelper(CLEAN_DRIVER.replace(/kr_demo/g, 'kr_other'), 'kr_other_put'));
    box.commit('kr_other: add a second demo driver');
    const tree = must(box.git(['rev-parse', 'HEAD^{tree}'])).stdout.trim();
    const merge = must(box.git(['commit-tree', tree, '-p', 'HEAD', '-p', 'origin/master', '-m', 'Merge origin/master into topic'])).stdout.trim();
    must(box.git(['reset', '-q', '--hard', merge]));
    const pushed = box.git(['push', '-q', 'origin', 'topic']);
    expect(pushed.status).toBe(0);
    expect(pushed.stdout + pushed.stderr).toContain(`git:refs/heads/topic: note: merge commit ${merge.slice(0, 12)} ("Merge origin/master into topic") is not reviewed: git format-patch leaves merges out\n`);
    expect(pushed.stdout + pushed.stderr).toMatch(/0 findings \(0 errors, 0 warnings\) in 1 patch\n/);
    writeFileSync(path.join(box.dir, 'pre-push.stdin'), '');
    must(box.git(['checkout', '-q', 'master']));
  });
});
