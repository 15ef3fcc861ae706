import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_DRIVER, makeSandbox, must, withHelper, withSharedCounter, type Sandbox } from './git-sandbox.js';

/**
 * b4 0.14 and later run `b4.prep-perpatch-check-cmd` once per patch of a series: the patch on
 * stdin, in the top of the tree, and each line of stdout is one problem (a "fail" when it says
 * `ERROR:`, else a "warning"); every stderr line is a "fail"; no output at all is a pass, unless the
 * status is non-zero. Debian's b4 is 0.12, without that setting, so the contract is tested here.
 */
let box: Sandbox;

/** What b4's LoreMessage.run_local_check makes of a check's output. */
function asB4Reads(stdout: string, stderr: string, status: number | null): Array<[string, string]> {
  const report: Array<[string, string]> = [];
  for (const line of stdout.trim() ? stdout.trim().split('\n') : []) report.push([line.includes('ERROR:') ? 'fail' : 'warning', line]);
  for (const line of stderr.trim() ? stderr.trim().split('\n') : []) report.push(['fail', line]);
  if (report.length === 0) report.push(status ? ['fail', `exited with ${String(status)}`] : ['success', 'passed all checks']);
  return report;
}

beforeAll(() => {
  box = makeSandbox('b4');
  box.write('drivers/misc/kr_demo.c', CLEAN_DRIVER);
  box.commit('kr_demo: add a demo driver');
  box.write('drivers/misc/kr_demo.c', withSharedCounter(CLEAN_DRIVER));
  box.commit('kr_demo: count probes');
  box.write('drivers/misc/kr_demo.c', withHelper(withSharedCounter(CLEAN_DRIVER), 'kr_demo_put'));
  box.commit('kr_demo: add a put helper');
});

afterAll(() => box.remove());

describe('kreview as b4\'s per-patch check command', () => {
  const check = ['lint', '--format', 'checkpatch-terse', '-'];

  it('prints one checkpatch --terse line per finding for the patch kreview refuses, and exits 1', () => {
    const patch = must(box.git(['format-patch', '--stdout', '-1', 'HEAD~1'])).stdout;
    const { status, stdout, stderr } = box.kreview(check, { input: patch });
    expect(asB4Reads(stdout, stderr, status)).toEqual([
      ['warning', expect.stringMatching(/^drivers\/misc\/kr_demo\.c:7: WARNING:NONSTATIC_GLOBAL: `kr_demo_probes` is defined without `static`/)],
    ]);
    expect(status).toBe(1);
  });

  it('prints nothing at all for a clean patch, and exits 0', async () => {
    const patch = must(box.git(['format-patch', '--stdout', '-1', 'HEAD'])).stdout;
    const { status, stdout, stderr } = await box.kreviewInProcess(check, { stdin: patch });
    expect(asB4Reads(stdout, stderr, status)).toEqual([['success', 'passed all checks']]);
  });
});
