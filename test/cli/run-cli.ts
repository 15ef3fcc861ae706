import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(ROOT, 'fixtures/patches');

export interface RunOptions {
  cwd?: string;
  stdin?: string;
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
  /** A terminal's status line, where progress goes. */
  status?: (text: string) => void;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `main` in-process with a fake Io and collects what it printed. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => Buffer.from(options.stdin ?? ''),
    cwd: options.cwd ?? ROOT,
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    ...(options.status ? { status: options.status } : {}),
  };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

/**
 * A scratch directory holding a copy of the fixtures at `fixtures/patches/`, so that tests name inputs
 * as users do and no `.kreview.json` above the repository can reach them. Returns it and its remover.
 */
export function makeWorkDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(FIXTURES, path.join(dir, 'fixtures/patches'), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
