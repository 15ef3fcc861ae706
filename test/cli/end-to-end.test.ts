import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/format-json.js';
import { ROOT, runCli } from './run-cli.js';

/**
 * The built CLI as users run it: `npm test` builds first. These cases check what only a real process
 * shows (the bin script, stdin, exit status, stdout and stderr kept apart); the rest run in-process.
 */
const BIN = path.join(ROOT, 'bin/kreview.js');
const QUICK = ['--max-states', '200'];

function kreview(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/bundle/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
});

describe('bin/kreview.js', () => {
  it('the 3.8 protocol with its later mm fixes explores every scenario to the end without a violation, and lint exits 0', () => {
    const sim = kreview(['sim', 'fixtures/patches/sim-v38-corrected.mbox', '--second-device']);
    expect(sim.status).toBe(0);
    expect(sim.stdout).toMatch(/^scenario: second device$/m);
    expect(sim.stdout).toMatch(/^10 scenarios \(10 complete, 0 incomplete\), 0 violations$/m);
    const lint = kreview(['lint', 'fixtures/patches/sim-v38-corrected.mbox']);
    expect(lint.stderr).toBe('');
    expect(lint.stdout).toMatch(/^0 findings \(0 errors, 0 warnings\) in 2 patches$/m);
    expect(lint.status).toBe(0);
  });

  it('lint exits 1 on the demo patch and prints each finding as file:line: severity: message [rule]', () => {
    const { status, stdout, stderr } = kreview(['lint', 'fixtures/patches/demo-balloon-race.patch', ...QUICK]);
    const located = [...stdout.matchAll(/^(\S+):(\d+): (error|warning): .* \[([a-z-]+)\]$/gm)].map((m) => `${m[4]} ${m[1]}:${m[2]}`);
    expect(located).toEqual(expect.arrayContaining([
      'nonstatic-global drivers/misc/fakeballoon.c:18',
      'nonstatic-global drivers/misc/fakeballoon.c:20',
      'multi-device-global drivers/misc/fakeballoon.c:20',
      'publish-before-init drivers/misc/fakeballoon.c:81',
    ]));
    expect(stdout).not.toContain('\x1b[');
    expect([status, stderr]).toEqual([1, '']);
  });

  it('lint exits 0 on a clean patch', () => {
    expect(kreview(['lint', 'fixtures/patches/rule-dangling-pointer-good.patch', ...QUICK])).toEqual({
      status: 0, stdout: '0 findings (0 errors, 0 warnings) in 1 patch\n', stderr: '',
    });
  });

  // `kreview lint ... | head`: the reader is gone before the report is written.
  it.each([
    ['fixtures/patches/demo-balloon-race.patch', 1],
    ['fixtures/patches/rule-dangling-pointer-good.patch', 0],
  ])('lint %s into a closed pipe exits %i, quietly', async (fixture, expected) => {
    const child = spawn(process.execPath, [BIN, 'lint', fixture, ...QUICK], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const status = await new Promise<number | null>((done) => child.on('close', done));
    expect([status, stderr]).toEqual([expected, '']);
  });

  // Millions of states allowed, a heap of 64 MB: the search must stop and say so, not abort.
  it('sim stops a search for memory before V8 runs out, and says what it covered', () => {
    const result = spawnSync(process.execPath, ['--max-old-space-size=64', BIN, 'sim', 'fixtures/patches/sim-v38-kthread.patch',
      '--threads', 'inflate,deflate,compaction,compaction,unload', '--no-store-reordering', '--pages', '3', '--max-states', '5000000', '--time-budget', '100'],
    { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout).toMatch(/^ {2}status: incomplete: stopped by the memory it may use \(the JavaScript heap\); races beyond it are not ruled out$/m);
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  it('lint --format sarif prints a SARIF log', () => {
    const { status, stdout } = kreview(['lint', 'fixtures/patches/rule-global-in-header-bad.patch', '--format', 'sarif', ...QUICK]);
    const log = JSON.parse(stdout) as Log;
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results?.map((r) => r.ruleId)).toContain('global-in-header');
    expect(status).toBe(1);
  });

  it('lint --format checkpatch prints checkpatch\'s shape', () => {
    const { status, stdout } = kreview(['lint', 'fixtures/patches/rule-nonstatic-global-bad.patch', '--format', 'checkpatch', ...QUICK]);
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^WARNING:NONSTATIC_GLOBAL: `DEFINE_MUTEX\(foo_ctl_lock\)` is defined without `static`/),
      '#21: FILE: drivers/misc/foo_ctl.c:12:',
      '+DEFINE_MUTEX(foo_ctl_lock);',
    ]);
    expect(stdout).toMatch(/\ntotal: 0 errors, 3 warnings, 22 lines checked\n$/);
    expect(status).toBe(1);
  });

  it('lint - reads the patch from stdin', () => {
    const patch = readFileSync(path.join(ROOT, 'fixtures/patches/rule-publish-before-init-bad.patch'), 'utf8');
    const { status, stdout } = kreview(['lint', '-', '--format', 'json', ...QUICK], patch);
    expect((JSON.parse(stdout) as JsonReport).findings.map((f) => [f.input, f.rule, f.file, f.line, f.patchLine])).toEqual([
      ['-', 'publish-before-init', 'drivers/misc/foo_cfg.c', 19, 23],
      ['-', 'publish-before-init', 'drivers/misc/foo_cfg.c', 29, 33],
    ]);
    expect(status).toBe(1);
  });

  it('exits 2 with one line, no stack trace, for an empty input, a truncated hunk and an unknown option', () => {
    expect(kreview(['lint', 'fixtures/patches/input-empty.patch'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: fixtures/patches/input-empty.patch:1: the input is empty [empty-input]\n',
    });
    const truncated = kreview(['lint', 'fixtures/patches/input-truncated-hunk.diff', ...QUICK]);
    expect([truncated.status, truncated.stderr]).toEqual([2,
      'kreview: fixtures/patches/input-truncated-hunk.diff:5: hunk @@ -12,7 +12,9 @@ is cut off at the end of the input after 3 old and 4 new lines [hunk-truncated]\n']);
    expect(kreview(['lint', '--no-such-option', 'x.patch'])).toEqual({ status: 2, stdout: '', stderr: "kreview: unknown option '--no-such-option'\n" });
    expect(kreview(['lint', 'missing.patch'])).toEqual({ status: 2, stdout: '', stderr: 'kreview: missing.patch: cannot read: no such file or directory\n' });
  });
});

const SHARED = path.resolve(import.meta.dirname, '../../..', 'shared');
const SEED = path.join(SHARED, 'seed/review-virtio-balloon-v7-2of4.txt');
const hasShared = existsSync(SEED);

describe('the seed review', () => {
  it.skipIf(!hasShared)('lint --format json reports the file-level problems the maintainer raised (needs ../shared)', async () => {
    const input = path.relative(ROOT, SEED);
    const { status, stdout } = await runCli(['lint', input, '--format', 'json', ...QUICK]);
    const findings = (JSON.parse(stdout) as JsonReport).findings.map((f) => `${f.rule} ${f.file}:${f.line} #${f.patchLine}`);
    expect(findings).toEqual(expect.arrayContaining([
      'global-in-header include/linux/virtio_balloon.h:60 #351',
      'uapi-kernel-only include/linux/virtio_balloon.h:60 #351',
      'nonstatic-global drivers/virtio/virtio_balloon.c:40 #47',
      'nonstatic-global drivers/virtio/virtio_balloon.c:43 #50',
      'nonstatic-global drivers/virtio/virtio_balloon.c:382 #211',
      'multi-device-global drivers/virtio/virtio_balloon.c:382 #211',
      'publish-before-init drivers/virtio/virtio_balloon.c:469 #301',
      'dangling-pointer drivers/virtio/virtio_balloon.c:496 #322',
      'dangling-pointer drivers/virtio/virtio_balloon.c:521 #335',
    ]));
    expect(status).toBe(1);
  });
});
