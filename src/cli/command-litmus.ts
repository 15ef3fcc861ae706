import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { InputError } from '../model/errors.js';
import { parseLitmus, type LitmusTest } from '../parse/litmus.js';
import { type ExpectedAnswer, judgeLitmus, runLitmus } from '../sim/litmus.js';
import { formatLitmus, type LitmusRow } from '../report/format-litmus.js';
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS } from './exit.js';
import { describeDiagnostic } from './input-problems.js';
import type { Io } from './io.js';
import { stableJson } from './stable-json.js';

interface LitmusFlags {
  expected?: string;
  json?: boolean;
  maxStates: number;
}

/** Far more than any test of `tools/memory-model/litmus-tests` with four threads needs (IRIW: ~11,000). */
const DEFAULT_MAX_STATES = 1_000_000;
const EXTENSION = '.litmus';

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return Number(value);
}

async function attempt<T>(name: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const reason = code === 'ENOENT' ? 'no such file or directory' : error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`cannot read: ${reason}`, name);
  }
}

/** The test files a named input stands for: itself, or a directory's `*.litmus` files in name order. */
async function listTests(name: string, cwd: string): Promise<string[]> {
  const where = path.resolve(cwd, name);
  const info = await attempt(name, () => stat(where));
  if (!info.isDirectory()) return [name];
  const entries = (await attempt(name, () => readdir(where))).filter((entry) => entry.endsWith(EXTENSION)).sort();
  if (entries.length === 0) throw new InputError(`no *${EXTENSION} files in this directory`, name);
  return entries.map((entry) => path.join(name, entry));
}

/** `expected.json` as `tools/memory-model` answers are kept: `[{ "file": "X.litmus", "expected": "Never" }, ...]`. */
async function readExpected(name: string, cwd: string): Promise<Map<string, ExpectedAnswer>> {
  const text = await attempt(name, () => readFile(path.resolve(cwd, name), 'utf8'));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`, name);
  }
  if (!Array.isArray(data)) throw new InputError('expected a JSON array of { "file", "expected" } entries', name);
  const answers = new Map<string, ExpectedAnswer>();
  data.forEach((entry: unknown, i) => {
    const { file, expected } = (entry ?? {}) as { file?: unknown; expected?: unknown };
    if (typeof file !== 'string' || (expected !== 'Never' && expected !== 'Sometimes')) {
      throw new InputError(`entry ${i + 1} needs a "file" and an "expected" of "Never" or "Sometimes"`, name);
    }
    answers.set(file, expected);
  });
  return answers;
}

/**
 * `kreview litmus`: runs Linux-kernel-memory-model litmus tests through the simulator's memory model
 * and prints `Never` or `Sometimes` for each, so the model can be held to herd7's answers.
 */
async function runLitmusCommand(inputs: string[], flags: LitmusFlags, io: Io): Promise<number> {
  const expected = flags.expected === undefined ? undefined : await readExpected(flags.expected, io.cwd);
  const files = (await Promise.all(inputs.map((input) => listTests(input, io.cwd)))).flat();
  let badInput = false;
  const rows: LitmusRow[] = [];
  for (const file of files) {
    const text = await attempt(file, () => readFile(path.resolve(io.cwd, file), 'utf8'));
    const parsed = parseLitmus(file, text);
    for (const diagnostic of parsed.diagnostics) io.stderr(`${describeDiagnostic(diagnostic)}\n`);
    if (!parsed.test) {
      badInput = true;
      continue;
    }
    rows.push(check(file, parsed.test, flags, expected));
  }
  if (flags.json) {
    io.stdout(stableJson({ tests: rows.map(({ file, result, expected: answer, judgement }) => ({ file, ...result, expected: answer, judgement })) }));
  } else if (rows.length > 0) {
    io.stdout(formatLitmus(rows, expected !== undefined));
  }
  if (badInput) return EXIT_ERROR;
  const failed = rows.some((row) => row.judgement?.status === 'mismatch' || row.judgement?.status === 'incomplete');
  return failed ? EXIT_FINDINGS : EXIT_CLEAN;
}

function check(file: string, test: LitmusTest, flags: LitmusFlags, expected: Map<string, ExpectedAnswer> | undefined): LitmusRow {
  const result = runLitmus(test, { maxStates: flags.maxStates });
  const row: LitmusRow = { file, result };
  const answer = expected?.get(path.basename(file)) ?? expected?.get(`${test.name}${EXTENSION}`);
  if (answer) {
    row.expected = answer;
    row.judgement = judgeLitmus(result, answer);
  }
  return row;
}

export function registerLitmus(program: Command, io: Io, exit: (status: number) => void): void {
  program
    .command('litmus')
    .description('run Linux-kernel-memory-model litmus tests through the simulator and print Never or Sometimes for each')
    .argument('<files...>', '.litmus files, or directories of them')
    .option('--expected <file>', 'expected.json with herd7\'s answers: adds a column comparing them (exit 1 on an undeclared mismatch)')
    .option('--json', 'print the results as JSON')
    .option('--max-states <n>', `states each test may explore (default: ${DEFAULT_MAX_STATES})`, parseCount, DEFAULT_MAX_STATES)
    .action(async (files: string[], flags: LitmusFlags) => {
      exit(await runLitmusCommand(files, flags, io));
    });
}
