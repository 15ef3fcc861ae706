import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLEAN_DRIVER, makeSandbox, must, withHelper, withSharedCounter, type Sandbox } from './git-sandbox.js';

/**
 * Installing and removing hooks: where they go (core.hooksPath), what happens to a hook already
 * there, what kreview refuses to touch, and what a hook does when kreview itself fails.
 */
let box: Sandbox;
const hooks = (): string => path.join(box.repo, '.git/hooks');
const kreviewFiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.includes('kreview')).sort();

beforeEach(() => {
  box = makeSandbox('install');
  rmSync(hooks(), { recursive: true, force: true });
  box.write('drivers/misc/kr_demo.c', CLEAN_DRIVER);
  box.commit('kr_demo: add a demo driver');
});

afterEach(() => box.remove());

describe('kreview hook install and uninstall', () => {
  it('installs into core.hooksPath, where git runs it, and removes only what it wrote', async () => {
    must(box.git(['config', 'core.hooksPath', 'tools/hooks']));
    box.write('tools/hooks/pre-commit', '#!/bin/sh\necho "team hook" >&2\n', 0o755);
    expect(await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit', '--fail-on', 'error'])).toEqual({
      status: 0, stderr: '',
      stdout: 'kreview: installed the pre-commit hook at tools/hooks/pre-commit (core.hooksPath); the hook that was there is kept as pre-commit.kreview-chained and runs first\n',
    });
    expect(readFileSync(path.join(box.repo, 'tools/hooks/pre-commit'), 'utf8')).toContain("\nkreview_fail_on='error'\n");
    expect(existsSync(hooks())).toBe(false);

    // fail-on error: the warning kreview finds is printed, and the commit goes ahead.
    box.write('drivers/misc/kr_demo.c', withSharedCounter(CLEAN_DRIVER));
    must(box.git(['add', '-A']));
    const commit = box.git(['commit', '-q', '-m', 'kr_demo: count probes']);
    expect(commit.status).toBe(0);
    expect(commit.stderr).toContain('team hook\n');
    expect(commit.stdout + commit.stderr).toContain('[nonstatic-global]');

    expect((await box.kreviewInProcess(['hook', 'uninstall'])).stdout).toBe(
      'kreview: removed the pre-commit hook at tools/hooks/pre-commit and put back the hook it chained to\n');
    expect(readFileSync(path.join(box.repo, 'tools/hooks/pre-commit'), 'utf8')).toBe('#!/bin/sh\necho "team hook" >&2\n');
    expect(kreviewFiles(path.join(box.repo, 'tools/hooks'))).toEqual([]);
  });

  it('chains to a hook that is a symbolic link by moving the link itself, and puts the link back', async () => {
    box.write('scripts/check-commit.sh', '#!/bin/sh\nexit 0\n', 0o755);
    mkdirSync(hooks(), { recursive: true });
    symlinkSync('../../scripts/check-commit.sh', path.join(hooks(), 'pre-commit'));
    expect((await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit'])).status).toBe(0);
    expect(readlinkSync(path.join(hooks(), 'pre-commit.kreview-chained'))).toBe('../../scripts/check-commit.sh');
    expect((await box.kreviewInProcess(['hook', 'uninstall', '--type', 'pre-commit'])).status).toBe(0);
    expect(lstatSync(path.join(hooks(), 'pre-commit')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(hooks(), 'pre-commit'))).toBe('../../scripts/check-commit.sh');
  });

  it('updates its own hook in place and keeps the chained one; uninstall with nothing installed says so', async () => {
    box.write('.git/hooks/pre-push', '#!/bin/sh\nexit 0\n', 0o700);
    expect((await box.kreviewInProcess(['hook', 'install', '--type', 'pre-push'])).status).toBe(0);
    expect(await box.kreviewInProcess(['hook', 'install', '--type', 'pre-push', '--strict'])).toEqual({
      status: 0, stderr: '',
      stdout: 'kreview: updated the pre-push hook at .git/hooks/pre-push (it still runs pre-push.kreview-chained first)\n',
    });
    expect(readFileSync(path.join(hooks(), 'pre-push'), 'utf8')).toContain('\nkreview_strict=yes\n');
    expect((await box.kreviewInProcess(['hook', 'uninstall'])).status).toBe(0);
    expect(statSync(path.join(hooks(), 'pre-push')).mode & 0o777).toBe(0o700);
    expect(await box.kreviewInProcess(['hook', 'uninstall'])).toEqual({ status: 0, stderr: '', stdout: 'kreview: no kreview hook in .git/hooks; nothing to remove\n' });
  });

  it('refuses, changing nothing, where it cannot chain: a directory, a kept hook already there, outside a repository', async () => {
    mkdirSync(path.join(hooks(), 'pre-commit'), { recursive: true });
    expect(await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit'])).toEqual({
      status: 2, stdout: '',
      stderr: 'kreview: will not install the pre-commit hook at .git/hooks/pre-commit: it is a directory, not a hook file kreview can chain to\n',
    });
    box.write('.git/hooks/pre-push', '#!/bin/sh\n', 0o755);
    box.write('.git/hooks/pre-push.kreview-chained', '#!/bin/sh\n', 0o755);
    expect(await box.kreviewInProcess(['hook', 'install', '--type', 'pre-push'])).toMatchObject({
      status: 2,
      stderr: 'kreview: will not install the pre-push hook at .git/hooks/pre-push: pre-push.kreview-chained already exists beside it, so the hook there now has nowhere to be kept\n',
    });
    expect(readFileSync(path.join(hooks(), 'pre-push'), 'utf8')).toBe('#!/bin/sh\n');
    // A hooks directory of the project itself: its files are everyone's, not this clone's.
    must(box.git(['config', 'core.hooksPath', '.githooks']));
    box.write('.githooks/pre-commit', '#!/bin/sh\nexit 0\n', 0o755);
    box.commit('githooks: add the team pre-commit hook');
    expect(await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit'])).toMatchObject({
      status: 2, stderr: expect.stringMatching(/^kreview: will not install the pre-commit hook at \.githooks\/pre-commit: it is a file of the project, tracked by git/),
    });
    expect(must(box.git(['status', '--porcelain'])).stdout).toBe('');
    must(box.git(['config', '--unset', 'core.hooksPath']));
    expect(await box.kreviewInProcess(['hook', 'install', '--type', 'pre-pull'])).toMatchObject({ status: 2, stderr: expect.stringContaining("argument 'pre-pull' is invalid") });
    const outside = path.join(box.dir, 'home');
    const { runCli } = await import('../cli/run-cli.js');
    expect(await runCli(['hook', 'install'], { cwd: outside, env: box.env })).toEqual({ status: 2, stdout: '', stderr: `kreview: not a git repository: ${outside}\n` });
  });
});

describe('an installed hook when kreview itself fails', () => {
  /** Points the installed hook at another kreview, as if the package had broken or gone. */
  function replaceKreview(hook: string, bin: string): void {
    const where = path.join(hooks(), hook);
    writeFileSync(where, readFileSync(where, 'utf8').replace(/^kreview_bin=.*$/m, `kreview_bin='${bin}'`));
  }

  function stage(): void {
    box.write('drivers/misc/kr_demo.c', withHelper(CLEAN_DRIVER, 'kr_demo_put'));
    must(box.git(['add', '-A']));
  }

  it('lets the commit through with a warning when kreview crashes or is gone, and stops it under --strict', async () => {
    const crash = path.join(box.dir, 'crash.js');
    writeFileSync(crash, "throw new Error('simulated crash');\n");
    expect((await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit'])).status).toBe(0);
    replaceKreview('pre-commit', crash);
    stage();
    const crashed = box.git(['commit', '-q', '-m', 'kr_demo: add a put helper']);
    expect(crashed.status).toBe(0);
    expect(crashed.stderr).toContain('simulated crash');
    expect(crashed.stderr).toContain('kreview: warning: kreview stopped unexpectedly (exit status 1); the commit goes ahead unreviewed (a hook installed with --strict would stop it)\n');

    replaceKreview('pre-commit', path.join(box.dir, 'gone/bin/kreview.js'));
    box.write('drivers/misc/kr_demo.c', withHelper(withHelper(CLEAN_DRIVER, 'kr_demo_put'), 'kr_demo_reset'));
    must(box.git(['add', '-A']));
    expect(box.git(['commit', '-q', '-m', 'kr_demo: add a reset helper']).stderr).toBe(
      `kreview: warning: kreview is no longer at ${path.join(box.dir, 'gone/bin/kreview.js')} (run kreview hook install again); the commit goes ahead unreviewed (a hook installed with --strict would stop it)\n`);

    rmSync(path.join(hooks(), 'pre-commit'));
    expect((await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit', '--strict'])).status).toBe(0);
    replaceKreview('pre-commit', crash);
    box.write('drivers/misc/kr_demo.c', CLEAN_DRIVER);
    must(box.git(['add', '-A']));
    const head = must(box.git(['rev-parse', 'HEAD'])).stdout;
    const strict = box.git(['commit', '-q', '-m', 'kr_demo: drop the helpers']);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('kreview: kreview stopped unexpectedly (exit status 1); stopping the commit: this hook was installed with --strict (bypass once: git commit --no-verify)\n');
    expect(must(box.git(['rev-parse', 'HEAD'])).stdout).toBe(head);
  });

  it('lets the commit through, saying why, when kreview cannot review it (a broken .kreview.json)', async () => {
    expect((await box.kreviewInProcess(['hook', 'install', '--type', 'pre-commit'])).status).toBe(0);
    writeFileSync(path.join(box.repo, '.kreview.json'), '{ "failOn": ');
    stage();
    const commit = box.git(['commit', '-q', '-m', 'kr_demo: add a put helper']);
    expect(commit.status).toBe(0);
    expect(commit.stderr).toMatch(/^kreview: \.kreview\.json: invalid JSON: .*\n/);
    expect(commit.stderr).toContain('kreview: warning: it could not review this commit (see above); the commit goes ahead unreviewed');
  });
});
