import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../model/errors.js';
import type { Severity } from '../model/finding.js';
import type { Io } from './io.js';
import { unknownRuleMessage } from './rule-selection.js';

/**
 * `.kreview.json`: the settings a project keeps next to its code, found by walking up from the
 * working directory as git finds `.git`. Flags on the command line win over it.
 */
const CONFIG_NAME = '.kreview.json';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'checkpatch', 'checkpatch-terse'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const FAIL_LEVELS: readonly Severity[] = ['error', 'warning', 'info'];

export interface KreviewConfig {
  disable: string[];
  enable: string[];
  failOn?: Severity;
  format?: OutputFormat;
  maxStates?: number;
}

const KEYS = ['disable', 'enable', 'failOn', 'format', 'maxStates'];

/** The nearest `.kreview.json` at or above `io.cwd`, read and checked; no file is an empty config. */
export async function loadConfig(io: Pick<Io, 'cwd'>): Promise<KreviewConfig> {
  const found = await findConfig(path.resolve(io.cwd));
  if (found === undefined) return { disable: [], enable: [] };
  // Named as the user would name it from where they are, like the inputs.
  const file = path.relative(io.cwd, found) || CONFIG_NAME;
  let text: string;
  try {
    text = await readFile(found, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`, file);
  }
  return checkConfig(value, file);
}

async function findConfig(from: string): Promise<string | undefined> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_NAME);
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Every key is checked, so that a typo in a setting is an error rather than a setting silently ignored. */
function checkConfig(value: unknown, file: string): KreviewConfig {
  const fail = (message: string): never => {
    throw new InputError(message, file);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KEYS.includes(key)) fail(`unknown setting "${key}" (known: ${KEYS.join(', ')})`);
  }
  const config: KreviewConfig = { disable: ruleList(record, 'disable', fail), enable: ruleList(record, 'enable', fail) };
  if (record.failOn !== undefined) config.failOn = oneOf(record.failOn, FAIL_LEVELS, 'failOn', fail);
  if (record.format !== undefined) config.format = oneOf(record.format, OUTPUT_FORMATS, 'format', fail);
  if (record.maxStates !== undefined) {
    const n = record.maxStates;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail('"maxStates" must be a positive integer');
    config.maxStates = n as number;
  }
  return config;
}

function ruleList(record: Record<string, unknown>, key: 'disable' | 'enable', fail: (message: string) => never): string[] {
  const list = record[key];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((id): id is string => typeof id === 'string')) {
    return fail(`"${key}" must be an array of rule ids`);
  }
  for (const id of list) {
    const problem = unknownRuleMessage(id);
    if (problem) fail(`"${key}": ${problem}`);
  }
  return list;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, fail: (message: string) => never): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  return fail(`"${key}" must be one of ${allowed.join(', ')}`);
}
