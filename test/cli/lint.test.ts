import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { Log } from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/format-json.js';
import { RULES } from '../../src/rules/registry.js';
import { makeWorkDir, ROOT, runCli } from './run-cli.js';

/** The simulator's results do not matter here; a small budget keeps each review quick. */
const QUICK = ['--max-states', '200'];
const NONSTATIC_BAD = 'fixtures/patches/rule-nonstatic-global-bad.patch';
const NONSTATIC_GOOD = 'fixtures/patches/rule-nonstatic-global-good.patch';
const CTL = 'drivers/misc/foo_ctl.c';

const work = makeWorkDir('kreview-lint-');
afterAll(() => work.remove());
const lint = (args: string[], options: { cwd?: string; stdin?: string; env?: Record<string, string>; isTTY?: boolean } = {}) =>
  runCli(['lint', ...args, ...QUICK], { cwd: work.dir, ...options });

/** The `file:line: severity: ... [rule]` lines of a text report, as tuples. */
function findingLines(stdout: string): [string, number, string, string][] {
  return [...stdout.matchAll(/^(\S+):(\d+): (error|warning|info): .* \[([a-z-]+)\]$/gm)].map((m) => [m[1]!, Number(m[2]), m[3]!, m[4]!]);
}

function jsonFindings(stdout: string): [string, string, number, number | null][] {
  return (JSON.parse(stdout) as JsonReport).findings.map((f) => [f.rule, f.file, f.line, f.patchLine]);
}

const validateJson = new Ajv({ allErrors: true, allowUnionTypes: true })
  .compile(JSON.parse(readFileSync(path.join(ROOT, 'docs/json-schema/kreview-findings-v1.json'), 'utf8')));

describe('kreview lint', () => {
  it('reports each finding as file:line: severity: message [rule] and exits 1', async () => {
    const { status, stdout, stderr } = await lint([NONSTATIC_BAD]);
    expect(findingLines(stdout)).toEqual([
      [CTL, 12, 'warning', 'nonstatic-global'],
      [CTL, 13, 'warning', 'nonstatic-global'],
      [CTL, 21, 'warning', 'nonstatic-global'],
    ]);
    expect(stdout).toContain(`${CTL}: In function 'foo_ctl_set_mode':\n`);
    expect(stdout.endsWith('\n3 findings (0 errors, 3 warnings) in 1 patch\n')).toBe(true);
    expect([status, stderr]).toEqual([1, '']);
  });

  it('exits 0 with a clean summary when nothing is found', async () => {
    expect(await lint([NONSTATIC_GOOD])).toEqual({ status: 0, stdout: '0 findings (0 errors, 0 warnings) in 1 patch\n', stderr: '' });
  });

  it('--format json follows the documented schema and places each finding on its new-file and patch line', async () => {
    const { status, stdout, stderr } = await lint([NONSTATIC_BAD, '--format', 'json']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(validateJson(report), JSON.stringify(validateJson.errors)).toBe(true);
    expect(report.tool).toEqual({ name: 'kreview', version: JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version });
    expect(jsonFindings(stdout)).toEqual([
      ['nonstatic-global', CTL, 12, 21],
      ['nonstatic-global', CTL, 13, 22],
      ['nonstatic-global', CTL, 21, 30],
    ]);
    expect(report.findings[2]).toMatchObject({ input: NONSTATIC_BAD, function: 'foo_ctl_set_mode', severity: 'warning' });
    expect([status, stderr]).toEqual([1, '']);
  });

  it('--format sarif lists every rule and one result per finding', async () => {
    const { status, stdout } = await lint([NONSTATIC_BAD, '--format', 'sarif']);
    const log = JSON.parse(stdout) as Log;
    const run = log.runs[0]!;
    expect(run.tool.driver.rules?.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.meta.id));
    expect(run.results?.map((r) => [r.ruleId, r.locations?.[0]?.physicalLocation?.region?.startLine])).toEqual([
      ['nonstatic-global', 12], ['nonstatic-global', 13], ['nonstatic-global', 21],
    ]);
    expect(status).toBe(1);
  });

  it('--format checkpatch prints checkpatch\'s TYPE, #patchline and total lines', async () => {
    const { status, stdout } = await lint([NONSTATIC_BAD, '--format', 'checkpatch']);
    const lines = stdout.split('\n');
    expect(lines.filter((l) => /^(WARNING|ERROR|CHECK):/.test(l)).map((l) => l.split(': ')[0])).toEqual(Array(3).fill('WARNING:NONSTATIC_GLOBAL'));
    expect(lines.filter((l) => l.startsWith('#'))).toEqual([`#21: FILE: ${CTL}:12:`, `#22: FILE: ${CTL}:13:`, `#30: FILE: ${CTL}:21:`]);
    expect(lines).toContain('+DEFINE_MUTEX(foo_ctl_lock);');
    expect(stdout.endsWith('total: 0 errors, 3 warnings, 22 lines checked\n')).toBe(true);
    expect(status).toBe(1);
  });

  it('reads `-` from stdin and names it `-`', async () => {
    const stdin = readFileSync(path.join(work.dir, NONSTATIC_BAD), 'utf8');
    const { status, stdout } = await lint(['-', '--format', 'json'], { stdin });
    expect((JSON.parse(stdout) as JsonReport).findings.map((f) => [f.input, f.line])).toEqual([['-', 12], ['-', 13], ['-', 21]]);
    expect(status).toBe(1);
  });

  it('--fail-on sets the severity that fails the run', async () => {
    expect((await lint([NONSTATIC_BAD, '--fail-on', 'error'])).status).toBe(0);
    expect((await lint([NONSTATIC_BAD, '--fail-on', 'info'])).status).toBe(1);
    expect((await lint(['fixtures/patches/rule-global-in-header-bad.patch', '--fail-on', 'error'])).status).toBe(1);
  });

  it('--disable leaves a rule out; an unknown id is a usage error with the ids it is close to', async () => {
    expect((await lint([NONSTATIC_BAD, '--disable', 'nonstatic-global'])).status).toBe(0);
    expect(await lint([NONSTATIC_BAD, '--disable', 'nonstatic-globals'])).toEqual({
      status: 2, stdout: '', stderr: "kreview: --disable: unknown rule 'nonstatic-globals' (did you mean nonstatic-global?)\n",
    });
    expect((await lint([NONSTATIC_BAD, '--enable', 'no-such-rule'])).stderr).toBe("kreview: --enable: unknown rule 'no-such-rule'\n");
  });

  it('colours only a terminal without NO_COLOR', async () => {
    expect((await lint([NONSTATIC_BAD], { isTTY: true })).stdout).toContain('\x1b[');
    expect((await lint([NONSTATIC_BAD], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await lint([NONSTATIC_BAD], { isTTY: false })).stdout).not.toContain('\x1b[');
  });

  it('gives the same review with the scenarios on one thread (-j 1) or several (--jobs 3)', async () => {
    const race = 'fixtures/patches/sim-unload.patch';
    const [one, three] = await Promise.all([
      runCli(['lint', race, '--pages', '1', '--format', 'json', '-j', '1'], { cwd: work.dir }),
      runCli(['lint', race, '--pages', '1', '--format', 'json', '--jobs', '3'], { cwd: work.dir }),
    ]);
    expect(one.status).toBe(1);
    expect(jsonFindings(one.stdout).map(([rule]) => rule)).toContain('use-after-free');
    expect(three).toEqual(one);
    expect((await runCli(['lint', race, '--jobs', '0'], { cwd: work.dir })).stderr)
      .toBe("kreview: option '-j, --jobs <n>' argument '0' is invalid. Expected a positive integer.\n");
  });

  it('takes --time-budget, --pages and --no-second-device', async () => {
    const { status, stdout } = await lint([NONSTATIC_BAD, '--time-budget', '0.5', '--pages', '2', '--no-second-device', '--format', 'json']);
    expect([status, jsonFindings(stdout).length]).toEqual([1, 3]);
  });
});

describe('kreview lint on bad input', () => {
  it('exits 2 with one line naming the input line when a file is empty', async () => {
    expect(await lint(['fixtures/patches/input-empty.patch'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: fixtures/patches/input-empty.patch:1: the input is empty [empty-input]\n',
    });
  });

  it('exits 2 for input with no diff', async () => {
    expect(await lint(['fixtures/patches/input-no-diff.txt'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: fixtures/patches/input-no-diff.txt:1: no diff found [no-diff]\n',
    });
  });

  it('exits 2 for a truncated hunk, naming the hunk\'s patch line, and still reports what it could read', async () => {
    const { status, stdout, stderr } = await lint(['fixtures/patches/input-truncated-hunk.diff']);
    expect(stderr).toBe('kreview: fixtures/patches/input-truncated-hunk.diff:5: hunk @@ -12,7 +12,9 @@ is cut off at the end of the input after 3 old and 4 new lines [hunk-truncated]\n');
    expect(stdout).toContain('fixtures/patches/input-truncated-hunk.diff:5: error: hunk @@ -12,7 +12,9 @@ is cut off');
    expect(status).toBe(2);
  });

  it('reviews the other patches of a series when one is unusable, and still exits 2', async () => {
    const { status, stdout, stderr } = await lint(['fixtures/patches/input-empty.patch', NONSTATIC_BAD, '--format', 'json']);
    expect(jsonFindings(stdout).map(([rule, file, line]) => [rule, file, line])).toEqual([
      ['nonstatic-global', CTL, 12], ['nonstatic-global', CTL, 13], ['nonstatic-global', CTL, 21],
    ]);
    expect((JSON.parse(stdout) as JsonReport).diagnostics).toContainEqual({
      level: 'error', input: 'fixtures/patches/input-empty.patch', patchLine: 1, code: 'empty-input', message: 'the input is empty',
    });
    expect([status, stderr]).toEqual([2, 'kreview: fixtures/patches/input-empty.patch:1: the input is empty [empty-input]\n']);
  });

  it('exits 2 for a file that does not exist', async () => {
    expect(await lint(['nope.patch'])).toEqual({ status: 2, stdout: '', stderr: 'kreview: nope.patch: cannot read: no such file or directory\n' });
  });

  it('exits 2 for an unknown option or a bad value, on one line', async () => {
    expect(await lint([NONSTATIC_BAD, '--frmat', 'json'])).toEqual({
      status: 2, stdout: '', stderr: "kreview: unknown option '--frmat' (did you mean --format?)\n",
    });
    expect(await lint([NONSTATIC_BAD, '--format', 'xml'])).toEqual({
      status: 2, stdout: '', stderr: "kreview: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif, checkpatch, checkpatch-terse.\n",
    });
    expect((await runCli(['lint', NONSTATIC_BAD, '--max-states', '0'], { cwd: work.dir })).stderr)
      .toBe("kreview: option '--max-states <n>' argument '0' is invalid. Expected a positive integer.\n");
  });
});

describe('kreview lint with .kreview.json', () => {
  /** A project directory with a config and the bad fixture under `patches/`, then a run in `sub/`. */
  function project(name: string, config: string): string {
    const dir = path.join(work.dir, name);
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, '.kreview.json'), config);
    writeFileSync(path.join(dir, 'bad.patch'), readFileSync(path.join(work.dir, NONSTATIC_BAD)));
    return path.join(dir, 'sub');
  }

  it('is found above the working directory and applies its settings', async () => {
    const cwd = project('quiet', JSON.stringify({ disable: ['nonstatic-global'] }));
    expect(await lint(['../bad.patch'], { cwd })).toEqual({ status: 0, stdout: '0 findings (0 errors, 0 warnings) in 1 patch\n', stderr: '' });
  });

  it('gives way to flags on the command line', async () => {
    const cwd = project('flags-win', JSON.stringify({ disable: ['nonstatic-global'], failOn: 'error', format: 'json', maxStates: 50 }));
    const { status, stdout } = await lint(['../bad.patch', '--enable', 'nonstatic-global', '--fail-on', 'warning'], { cwd });
    expect(jsonFindings(stdout).map(([rule, , line]) => [rule, line])).toEqual([['nonstatic-global', 12], ['nonstatic-global', 13], ['nonstatic-global', 21]]);
    expect(status).toBe(1);
    const text = await lint(['../bad.patch', '--enable', 'nonstatic-global', '--format', 'text'], { cwd });
    expect([text.status, findingLines(text.stdout).length]).toEqual([0, 3]);
  });

  it('is an error naming the file when it is not valid JSON or has an unknown setting', async () => {
    const broken = await lint(['../bad.patch'], { cwd: project('broken', '{ "disable": [ }') });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^kreview: \.\.\/\.kreview\.json: invalid JSON: .+\n$/);
    expect(await lint(['../bad.patch'], { cwd: project('typo', '{ "failOnn": "error" }') })).toEqual({
      status: 2, stdout: '', stderr: 'kreview: ../.kreview.json: unknown setting "failOnn" (known: disable, enable, failOn, format, maxStates)\n',
    });
    expect((await lint(['../bad.patch'], { cwd: project('rule', '{ "disable": ["nonstatic"] }') })).stderr)
      .toBe('kreview: ../.kreview.json: "disable": unknown rule \'nonstatic\' (did you mean nonstatic-global?)\n');
  });
});

describe('kreview lint with inline markers', () => {
  const diff = [
    'diff --git a/drivers/misc/foo_ctl.c b/drivers/misc/foo_ctl.c',
    '--- a/drivers/misc/foo_ctl.c',
    '+++ b/drivers/misc/foo_ctl.c',
    '@@ -9,3 +9,9 @@ struct foo_ctl {',
    ' };',
    ' ',
    ' static struct foo_ctl *foo_ctl_dev;',
    '+/* kreview: ignore nonstatic-global */',
    '+unsigned int foo_ctl_max_users = 4;',
    '+unsigned int foo_ctl_users;',
    '+unsigned int foo_ctl_min_users = 1; // kreview: ignore nonstatic-global',
    '+',
    '+unsigned int foo_ctl_resets; /* kreview: ignore global-in-header, dangling-pointer */',
    '',
  ].join('\n');

  it('silence the finding on their line or the line below, for the rules they name only', async () => {
    writeFileSync(path.join(work.dir, 'marked.diff'), diff);
    const { status, stdout } = await lint(['marked.diff', '--format', 'json']);
    expect(jsonFindings(stdout)).toEqual([
      ['nonstatic-global', CTL, 14, 10],
      ['nonstatic-global', CTL, 17, 13],
    ]);
    expect(status).toBe(1);
  });

  it('leave findings alone without a marker', async () => {
    writeFileSync(path.join(work.dir, 'unmarked.diff'), diff.replace(/kreview: ignore/g, 'kreview ignores'));
    const { stdout } = await lint(['unmarked.diff', '--format', 'json']);
    expect(jsonFindings(stdout).map(([, , line]) => line)).toEqual([13, 14, 15, 17]);
  });
});

describe('kreview lint --tree', () => {
  it('reads build files from the checkout: a Kbuild that does not export a header clears its uapi findings', async () => {
    const input = 'fixtures/patches/rule-uapi-kernel-only-bad.patch';
    const uapiLines = (stdout: string) => jsonFindings(stdout).filter(([rule]) => rule === 'uapi-kernel-only').map(([, file, line]) => `${file}:${line}`);
    const without = await lint([input, '--format', 'json']);
    expect(uapiLines(without.stdout)).toEqual([
      'include/linux/bar_wire.h:16', 'include/linux/bar_wire.h:17', 'include/uapi/linux/foo_dev.h:14', 'include/uapi/linux/foo_dev.h:15',
    ]);
    mkdirSync(path.join(work.dir, 'linux/include/linux'), { recursive: true });
    writeFileSync(path.join(work.dir, 'linux/include/linux/Kbuild'), 'header-y += virtio_ids.h\n');
    const withTree = await lint([input, '--format', 'json', '--tree', 'linux']);
    expect(uapiLines(withTree.stdout)).toEqual(['include/uapi/linux/foo_dev.h:14', 'include/uapi/linux/foo_dev.h:15']);
  });

  it('is a usage error when the directory does not exist', async () => {
    expect(await lint([NONSTATIC_BAD, '--tree', 'no-such-dir'])).toEqual({ status: 2, stdout: '', stderr: 'kreview: --tree no-such-dir: not a directory\n' });
  });
});
