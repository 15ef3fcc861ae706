import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/registry.js';
import { makeWorkDir, ROOT, runCli } from './run-cli.js';

const work = makeWorkDir('kreview-commands-');
afterAll(() => work.remove());
const run = (argv: string[], stdin?: string) => runCli(argv, { cwd: work.dir, ...(stdin === undefined ? {} : { stdin }) });

const NONSTATIC_BAD = 'fixtures/patches/rule-nonstatic-global-bad.patch';
const DEMO = 'fixtures/patches/demo-balloon-race.patch';

describe('kreview rules', () => {
  it('lists every rule on a line: id, severity, source, summary', async () => {
    const { status, stdout, stderr } = await run(['rules']);
    const rows = stdout.trimEnd().split('\n').map((line) => line.split(/ {2,}/));
    expect(rows).toEqual(RULES.map(({ meta }) => [meta.id, meta.severity, meta.source, meta.summary]));
    expect([status, stderr]).toEqual([0, '']);
  });
});

describe('kreview explain', () => {
  it('prints the rule\'s documentation page from the package, wherever it is run from', async () => {
    const page = readFileSync(path.join(ROOT, 'docs/rules/nonstatic-global.md'), 'utf8');
    expect(await run(['explain', 'nonstatic-global'])).toEqual({ status: 0, stdout: page, stderr: '' });
  });

  it('is a usage error for an unknown rule, suggesting close ids', async () => {
    expect(await run(['explain', 'dangling-pointers'])).toEqual({
      status: 2, stdout: '', stderr: "kreview: unknown rule 'dangling-pointers' (did you mean dangling-pointer?)\n",
    });
    expect((await run(['explain', 'global'])).stderr).toBe(
      "kreview: unknown rule 'global' (did you mean global-in-header, nonstatic-global or multi-device-global?)\n");
  });
});

describe('kreview extract', () => {
  it('prints the operation program of each function the patch shows', async () => {
    const { status, stdout, stderr } = await run(['extract', NONSTATIC_BAD]);
    expect(stdout.startsWith('# [PATCH] foo_ctl: let other drivers set the mode\n\n')).toBe(true);
    expect(stdout).toContain([
      'foo_ctl_set_mode  drivers/misc/foo_ctl.c:21  [post-image, complete]',
      '    0    21+ nop     foo_ctl_set_mode()',
      '    1    23+ lock    mutex_lock(&foo_ctl_lock)',
    ].join('\n'));
    expect(stdout).toContain('drivers/misc/foo_ctl.c:12: defines DEFINE_MUTEX foo_ctl_lock\n');
    expect([status, stderr]).toEqual([0, '']);
  });

  it('--json prints the series program with sorted keys and its diagnostics', async () => {
    const { status, stdout } = await run(['extract', '--json', 'fixtures/patches/input-wrong-hunk-count.diff']);
    const program = JSON.parse(stdout) as { diagnostics: { code: string; patchLine: number }[]; patches: { files: { file: string; side: string }[] }[] };
    expect(Object.keys(program)).toEqual(['diagnostics', 'patches']);
    expect(program.diagnostics.map((d) => [d.code, d.patchLine])).toEqual([['hunk-count', 5], ['hunk-count', 45]]);
    expect(program.patches[0]?.files.map((f) => `${f.file} ${f.side}`)).toEqual([
      'drivers/misc/demo_dev.c new', 'drivers/misc/demo_dev.c old', 'include/linux/demo_dev.h new', 'include/linux/demo_dev.h old',
    ]);
    expect(status).toBe(0);
    expect((await run(['extract', '--json', 'fixtures/patches/input-wrong-hunk-count.diff'])).stdout).toBe(stdout);
  });

  it('sends diagnostics to stderr as input:line: level: message [code]', async () => {
    const { status, stderr } = await run(['extract', 'fixtures/patches/input-wrong-hunk-count.diff']);
    expect(stderr).toBe([
      'fixtures/patches/input-wrong-hunk-count.diff:5: warning: hunk @@ -12,14 +12,28 @@ has 14 old and 27 new lines [hunk-count]',
      'fixtures/patches/input-wrong-hunk-count.diff:45: warning: hunk @@ -7,6 +7,6 @@ has 6 old and 7 new lines [hunk-count]',
      '',
    ].join('\n'));
    expect(status).toBe(0);
  });

  it('exits 2 when no patch can be read at all, and 0 when part of one can', async () => {
    expect(await run(['extract', 'fixtures/patches/input-empty.patch'])).toEqual({
      status: 2, stdout: '', stderr: 'fixtures/patches/input-empty.patch:1: error: the input is empty [empty-input]\n',
    });
    const truncated = await run(['extract', 'fixtures/patches/input-truncated-hunk.diff']);
    expect(truncated.stderr).toMatch(/^fixtures\/patches\/input-truncated-hunk\.diff:5: error: hunk .* \[hunk-truncated\]\n$/);
    expect(truncated.status).toBe(0);
  });
});

describe('kreview sim', () => {
  it('prints each scenario with its actors, status, coverage and violations, then a summary', async () => {
    const { status, stdout, stderr } = await run(['sim', DEMO, '--max-states', '2000']);
    const blocks = stdout.trimEnd().split(/\n\n(?=scenario: |\d+ scenarios? \()/);
    const summary = blocks.pop() ?? '';
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(block).toMatch(/^scenario: .+\n {2}actors: .+\n {2}status: (complete|incomplete: stopped by .+)\n {2}explored: \d+ states?, \d+ transitions?, depth \d+\n {2}violations: \d+/);
    }
    expect(summary).toMatch(new RegExp(`^${blocks.length} scenarios? \\(\\d+ complete, \\d+ incomplete\\), \\d+ violations?$`));
    expect([status, stderr]).toEqual([0, '']);
  });

  it('--json prints the verdicts', async () => {
    const { status, stdout } = await run(['sim', DEMO, '--json', '--max-states', '500', '--second-device']);
    const verdicts = JSON.parse(stdout) as { scenario: string; status: string; coverage: { states: number } }[];
    expect(verdicts.length).toBeGreaterThan(0);
    for (const verdict of verdicts) {
      expect(['complete', 'incomplete']).toContain(verdict.status);
      expect(verdict.coverage.states).toBeLessThanOrEqual(600);
    }
    expect(status).toBe(0);
  });

  it('--threads runs just those actors together: deflate and compaction meet the 3.8 dequeue race', async () => {
    const { status, stdout, stderr } = await run(['sim', 'fixtures/patches/sim-v38-driver.patch', '--threads', 'deflate,compaction', '--pages', '3']);
    expect(stdout).toMatch(/^scenario: deflate, compaction\n {2}actors: probe, deflate, compaction\n {2}status: complete\n/);
    expect(stdout).toMatch(/^ {2}model:mm-3\.8\.c:36: list-corruption in balloon_page_delete\(\): list_del of page\d+->lru, which is not on any list \(deleted twice\)$/m);
    expect(stdout).toMatch(/^1 scenario \(1 complete, 0 incomplete\), \d+ violations$/m);
    expect([status, stderr]).toEqual([0, '']);
  });

  it('--threads on a driver whose kernel thread runs inflate and deflate: they take turns, and unload stops the thread first', async () => {
    const args = ['--threads', 'inflate,deflate,unload', '--pages', '3', '--json'];
    type Verdicts = { status: string; notes: string[]; violations: { kind: string; message: string }[] }[];
    const withThread = JSON.parse((await run(['sim', 'fixtures/patches/sim-v38-kthread.patch', ...args])).stdout) as Verdicts;
    expect(withThread.map((v) => [v.status, v.violations.length])).toEqual([['complete', 0]]);
    expect(withThread[0]!.notes).toContain("inflate and deflate run on the driver's thread tb_thread(), one at a time; unload stops it first");
    // The same driver without the thread: nothing keeps remove from freeing what fill and leak still use.
    const without = JSON.parse((await run(['sim', 'fixtures/patches/sim-v38-driver.patch', ...args])).stdout) as Verdicts;
    expect(without[0]!.notes.filter((note) => note.includes('one at a time'))).toEqual([]);
    expect(without[0]!.violations.map((v) => v.message)).toContain('tb_fill runs after the module was unloaded: its code is gone');
  });

  it('--no-store-reordering explores interleavings only: the same races, none that needs a reordering, fewer states', async () => {
    type Verdicts = { status: string; coverage: { states: number }; violations: { kind: string; function: string; reordered: boolean }[] }[];
    const args = ['sim', 'fixtures/patches/sim-v38-driver.patch', '--threads', 'deflate,compaction', '--pages', '3', '--json'];
    const [relaxed] = JSON.parse((await run(args)).stdout) as Verdicts;
    const [ordered] = JSON.parse((await run([...args, '--no-store-reordering'])).stdout) as Verdicts;
    expect([relaxed!.status, ordered!.status]).toEqual(['complete', 'complete']);
    expect(relaxed!.violations.some((v) => v.reordered)).toBe(true);
    expect(ordered!.violations.map((v) => [v.kind, v.function, v.reordered])).toEqual(
      relaxed!.violations.filter((v) => !v.reordered).map((v) => [v.kind, v.function, false]));
    expect(ordered!.coverage.states).toBeLessThan(relaxed!.coverage.states);
  });

  it('--threads: an unknown role, or one the series has no function for, is a usage error', async () => {
    expect(await run(['sim', DEMO, '--threads', 'deflate,gc'])).toEqual({
      status: 2, stdout: '',
      stderr: 'kreview: option \'--threads <roles>\' argument \'deflate,gc\' is invalid. Expected two or more of inflate, deflate, compaction, unload, second-probe, separated by commas (not gc).\n',
    });
    const missing = await run(['sim', 'fixtures/patches/sim-deflate-race.patch', '--threads', 'deflate,unload']);
    expect(missing).toEqual({
      status: 2, stdout: '',
      stderr: 'kreview: --threads: no function of the series plays unload (kreview finds roles by how the driver registers and uses its functions)\n',
    });
  });

  it('says what it cannot model (an unknown lock API, recursion, a loop it cannot bound) and still simulates the rest', async () => {
    const { status, stdout, stderr } = await run(['sim', 'fixtures/patches/sim-not-modelled.patch']);
    expect(stdout).toMatch(/^scenario: walker_step alone\n {2}actors: walker_step\n {2}status: complete\n/);
    expect(stdout).toContain('  note: not modelled: walker_step calls down_trylock_custom(), a lock API kreview does not know; it runs as nothing, so nothing it would exclude is excluded\n');
    expect(stdout).toContain('  note: not modelled: walk -> walk is recursive; calls deeper than 24 frames run as nothing\n');
    expect(stdout).toMatch(/^scenario: walker_sum alone\n {2}actors: walker_sum\n {2}status: complete\n/m);
    expect(stdout).toContain('  note: not modelled: walker_sum ran 400 operations without touching shared memory, at drivers/misc/walker.c:34: a loop the model cannot bound; the step is cut there and the loop goes on in the next\n');
    expect(stdout).toMatch(/^2 scenarios \(2 complete, 0 incomplete\), 1 violation$/m);
    expect([status, stderr]).toEqual([0, '']);
  });

  it('exits 2 when there is nothing to simulate', async () => {
    expect(await run(['sim', '-'], '')).toEqual({ status: 2, stdout: '', stderr: '-:1: error: the input is empty [empty-input]\n' });
  });
});

describe('kreview', () => {
  it('needs a command', async () => {
    expect(await run([])).toEqual({ status: 2, stdout: '', stderr: 'kreview: no command given; try `kreview --help`\n' });
  });

  it('suggests a command for a mistyped one', async () => {
    expect(await run(['lnt', 'x.patch'])).toEqual({ status: 2, stdout: '', stderr: "kreview: unknown command 'lnt' (did you mean lint?)\n" });
  });

  it('prints its version and help, exiting 0', async () => {
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(await run(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    const help = await run(['lint', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--fail-on <severity>');
  });
});
