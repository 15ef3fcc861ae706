import { execFile } from 'node:child_process';
import { InputError } from '../model/errors.js';
import type { Io } from './io.js';

/**
 * Runs git as the user would in `io.cwd` with `io.env`: inside a hook that environment carries
 * GIT_DIR and GIT_INDEX_FILE, which must reach git unchanged. The one place kreview starts git.
 */
export interface GitResult {
  stdout: Buffer;
  stderr: string;
}

export interface GitOptions {
  input?: string;
  /** The exit statuses that are answers rather than failures (`git config` says 1 for "unset"). */
  allowStatus?: readonly number[];
}

/** Output bigger than this is a series nobody reviews before sending; git is stopped rather than buffered forever. */
const MAX_OUTPUT = 512 * 1024 * 1024;

class GitFailure extends InputError {
  override name = 'GitFailure';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export async function runGit(args: readonly string[], io: Pick<Io, 'cwd' | 'env'>, options: GitOptions = {}): Promise<GitResult & { status: number }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      { cwd: io.cwd, env: gitEnv(io.env), encoding: 'buffer', maxBuffer: MAX_OUTPUT },
      (error, stdout, stderr) => {
        const status = error ? exitStatus(error) : 0;
        const text = stderr.toString('utf8');
        if (error && (status === undefined || !options.allowStatus?.includes(status))) {
          reject(describeFailure(args, error, text, status));
          return;
        }
        resolve({ stdout, stderr: text, status: status ?? 0 });
      },
    );
    // git may exit without reading its input (a bad revision); the status above says what happened.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

/** git's first `fatal:` or `error:` line, which says what was wrong in git's own words. */
function describeFailure(args: readonly string[], error: Error, stderr: string, status: number | undefined): GitFailure {
  if ((error as { code?: unknown }).code === 'ENOENT') return new GitFailure('git is not installed or not on PATH', undefined);
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const reason = lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? error.message.split('\n')[0] ?? 'failed';
  return new GitFailure(`git ${args[0] ?? ''} failed: ${reason.replace(/^(fatal|error):\s*/, '')}`, status);
}

function exitStatus(error: Error): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Pagers, prompts and translated messages are for people; kreview reads git's output. */
function gitEnv(env: Io['env']): NodeJS.ProcessEnv {
  return { ...env, GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

/** The lines of git's output, without the empty last one. */
export function outputLines(result: GitResult): string[] {
  return result.stdout.toString('utf8').split('\n').filter((line) => line !== '');
}

/** Says "not a git repository" in kreview's words rather than git's, before anything else is tried. */
export async function requireRepository(io: Pick<Io, 'cwd' | 'env'>): Promise<void> {
  try {
    await runGit(['rev-parse', '--git-dir'], io);
  } catch (error) {
    if (error instanceof GitFailure && error.status !== undefined) throw new InputError(`not a git repository: ${io.cwd}`);
    throw error;
  }
}
