import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runCli, type RunResult } from '../cli/run-cli.js';

/**
 * Real git in a scratch directory: a HOME of its own, no system config, a fixed identity and dates,
 * so that nothing of the machine's git setup reaches the tests and every commit hash is the same on
 * every run. The built CLI is spawned as users and git run it (`npm test` builds first).
 */
export const BIN = path.join(ROOT, 'bin/kreview.js');

function gitExecPath(): string {
  const result = spawnSync('git', ['--exec-path'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

/** Debian's git-email package: git send-email, a Perl script in git's exec path. */
export const hasSendEmail = (() => {
  const exec = gitExecPath();
  return exec !== '' && existsSync(path.join(exec, 'git-send-email')) && spawnSync('perl', ['-e', '1']).status === 0;
})();

export interface Sandbox {
  dir: string;
  /** The repository's working tree. */
  repo: string;
  env: Record<string, string>;
  git: (args: string[], options?: { input?: string; cwd?: string }) => { status: number | null; stdout: string; stderr: string };
  /** The built CLI, spawned in the repository. */
  kreview: (args: string[], options?: { input?: string }) => { status: number | null; stdout: string; stderr: string };
  /** `main` in-process, in the repository, with the sandbox's environment. */
  kreviewInProcess: (args: string[], options?: { stdin?: string }) => Promise<RunResult>;
  write: (file: string, text: string, mode?: number) => void;
  commit: (message: string) => string;
  remove: () => void;
}

export function makeSandbox(prefix: string): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), `kreview-${prefix}-`));
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  mkdirSync(home);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_DATE: '2024-03-05T09:30:00+0100',
    GIT_COMMITTER_DATE: '2024-03-05T09:30:00+0100',
    LC_ALL: 'C',
    NO_COLOR: '1',
    TMPDIR: dir,
  };
  const run = (command: string, args: string[], options: SpawnSyncOptions & { input?: string } = {}) => {
    const result = spawnSync(command, args, { cwd: repo, env, encoding: 'utf8', ...options });
    if (result.error) throw result.error;
    return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  const git: Sandbox['git'] = (args, options = {}) => run('git', args, { ...(options.input !== undefined ? { input: options.input } : {}), cwd: options.cwd ?? repo });
  const sandbox: Sandbox = {
    dir,
    repo,
    env,
    git,
    kreview: (args, options = {}) => run(process.execPath, [BIN, ...args], options.input !== undefined ? { input: options.input } : {}),
    kreviewInProcess: (args, options = {}) => runCli(args, { cwd: repo, env, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) }),
    write: (file, text, mode) => {
      const where = path.join(repo, file);
      mkdirSync(path.dirname(where), { recursive: true });
      writeFileSync(where, text);
      if (mode !== undefined) chmodSync(where, mode);
    },
    commit: (message) => {
      must(git(['add', '-A']));
      must(git(['commit', '-q', '--no-verify', '-m', message]));
      return must(git(['rev-parse', 'HEAD'])).stdout.trim();
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  must(run('git', ['init', '-q', '-b', 'master', repo], { cwd: dir }));
  must(git(['config', 'user.name', 'Dana Okafor']));
  must(git(['config', 'user.email', 'dana@example.org']));
  return sandbox;
}

export function must<T extends { status: number | null; stderr: string }>(result: T): T {
  if (result.status !== 0) throw new Error(`command failed (${String(result.status)}): ${result.stderr}`);
  return result;
}

/** A small kernel driver that kreview has nothing to say about. */
export const CLEAN_DRIVER = `// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(kr_demo_lock);
static unsigned int kr_demo_users;

static int kr_demo_get(void)
{
	mutex_lock(&kr_demo_lock);
	kr_demo_users++;
	mutex_unlock(&kr_demo_lock);
	return 0;
}

static int __init kr_demo_init(void)
{
	return kr_demo_get();
}
module_init(kr_demo_init);

MODULE_LICENSE("GPL");
`;

/**
 * The patch kreview refuses: a counter every probe shares, defined without `static` and declared in
 * no header (nonstatic-global, a warning, the default --fail-on).
 */
export function withSharedCounter(source: string): string {
  return source.replace('static unsigned int kr_demo_users;\n', 'static unsigned int kr_demo_users;\nunsigned int kr_demo_probes;\n');
}

/** A clean follow-up: one more static helper. */
export function withHelper(source: string, name: string): string {
  return `${source}\nstatic int ${name}(void)\n{\n\treturn kr_demo_get();\n}\n`;
}
