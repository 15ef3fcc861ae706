import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/format-json.js';
import { runCli } from './run-cli.js';
import { CLEAN_DRIVER, makeSandbox, must, withHelper, withSharedCounter, type Sandbox } from '../hooks/git-sandbox.js';

/**
 * `kreview lint --git RANGE` on a real repository: git format-patch writes the range's commits and
 * each finding names its commit as well as its file and line. In-process, with real git.
 */
const DRIVER = 'drivers/misc/kr_demo.c';
let box: Sandbox;
const sha: Record<string, string> = {};

beforeAll(() => {
  box = makeSandbox('lint-git');
  box.write(DRIVER, CLEAN_DRIVER);
  sha.base = box.commit('kr_demo: add a demo driver');
  box.write(DRIVER, withSharedCounter(CLEAN_DRIVER));
  sha.counter = box.commit('kr_demo: count probes');
  box.write(DRIVER, withHelper(withSharedCounter(CLEAN_DRIVER), 'kr_demo_put'));
  sha.helper = box.commit('kr_demo: add a put helper');
  box.write('Documentation/misc-devices/kr_demo.rst', 'kr_demo\n=======\n\nA demo driver.\n');
  sha.docs = box.commit('Documentation: describe kr_demo');
  box.write('drivers/misc/kr_demo.bin', '\x00\x01\x02binary\x00\xff');
  sha.blob = box.commit('kr_demo: add a firmware blob');
  // A merge commit whose only new commit is itself: its first parent is the tip, its second the one before.
  const tree = must(box.git(['rev-parse', 'HEAD^{tree}'])).stdout.trim();
  sha.merge = must(box.git(['commit-tree', tree, '-p', 'HEAD', '-p', 'HEAD~1', '-m', "Merge branch 'kr-demo-fixes'"])).stdout.trim();
  must(box.git(['update-ref', 'refs/heads/merged', sha.merge]));
});

afterAll(() => box.remove());

describe('kreview lint --git', () => {
  it('reviews the commits of a range and names the commit of each finding', async () => {
    const { status, stdout, stderr } = await box.kreviewInProcess(['lint', '--git', `${sha.base}..${sha.helper}`]);
    expect(stdout.split('\n').slice(0, 2)).toEqual([
      `In commit ${sha.counter!.slice(0, 12)} ("kr_demo: count probes"):`,
      expect.stringMatching(/^drivers\/misc\/kr_demo\.c:7: warning: `kr_demo_probes` is defined without `static`.* \[nonstatic-global\]$/),
    ]);
    expect(stdout).toMatch(/1 finding \(0 errors, 1 warning\) in 2 patches\n$/);
    expect([status, stderr]).toEqual([1, '']);
  });

  it('puts the commit, subject and format-patch file name in the JSON findings', async () => {
    const { stdout } = await box.kreviewInProcess(['lint', '--git', '-4', '--format', 'json']);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.findings.map((f) => [f.input, f.commit, f.subject, f.file, f.line])).toEqual([
      ['0001-kr_demo-count-probes.patch', sha.counter, '[PATCH 1/4] kr_demo: count probes', DRIVER, 7],
    ]);
    expect(report.summary.patches).toBe(4);
  });

  it('says which patches it could not review: one that touches no C, a binary file', async () => {
    const { status, stdout } = await box.kreviewInProcess(['lint', '--git', `${sha.helper}..${sha.blob}`]);
    expect(stdout).toBe([
      '0002-kr_demo-add-a-firmware-blob.patch:11: note: binary diff of drivers/misc/kr_demo.bin is not reviewed [binary-diff]',
      '0001-Documentation-describe-kr_demo.patch: note: changes no C source or header (.c, .h): nothing in it for kreview to review',
      '',
      '0 findings (0 errors, 0 warnings) in 2 patches',
      '',
    ].join('\n'));
    expect(status).toBe(0);
  });

  it('notes a merge commit in the range, which has no patch, and reviews the rest', async () => {
    const { status, stdout } = await box.kreviewInProcess(['lint', '--git', `${sha.docs}..merged`]);
    expect(stdout).toContain(`git:${sha.docs}..merged: note: merge commit ${sha.merge!.slice(0, 12)} ("Merge branch 'kr-demo-fixes'") is not reviewed: git format-patch leaves merges out\n`);
    expect(stdout).toMatch(/in 1 patch\n$/);
    expect(status).toBe(0);
  });

  it('reads a format-patch directory with its cover letter, which has no diff, without calling that an error', async () => {
    must(box.git(['format-patch', '-q', '--cover-letter', '-o', '../outgoing', `${sha.base}..${sha.helper}`]));
    const { status, stderr, stdout } = await box.kreviewInProcess(['lint', '../outgoing']);
    expect([status, stderr]).toEqual([1, '']);
    expect(stdout).toMatch(/1 finding \(0 errors, 1 warning\) in 2 patches\n$/);
  });

  it('exits 2 with one line for a range with no commits, or only a merge', async () => {
    expect(await box.kreviewInProcess(['lint', '--git', 'HEAD..HEAD'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: git:HEAD..HEAD: holds no commits; nothing to review\n',
    });
    expect(await box.kreviewInProcess(['lint', '--git', 'master..merged'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: git:master..merged: holds only merge commits, which git format-patch leaves out (1); nothing to review\n',
    });
  });

  it('exits 2 for a bad range, an option in its place, inputs beside it, and outside a repository', async () => {
    expect(await box.kreviewInProcess(['lint', '--git', 'nosuch..HEAD'])).toMatchObject({ status: 2, stderr: "kreview: git format-patch failed: bad revision 'nosuch..HEAD'\n" });
    expect(await box.kreviewInProcess(['lint', '--git', '--output-directory=/tmp'])).toMatchObject({
      status: 2, stderr: "kreview: --git: '--output-directory=/tmp' is not a revision range; give one such as origin/master..HEAD or -3\n",
    });
    expect(await box.kreviewInProcess(['lint', 'a.patch', '--git', '-1'])).toMatchObject({ status: 2, stderr: 'kreview: give either inputs or --git, not both (inputs: a.patch)\n' });
    expect(await box.kreviewInProcess(['lint'])).toMatchObject({ status: 2, stderr: 'kreview: no inputs given: name patch files, directories or - for stdin, or a commit range with --git\n' });
    expect(await runCli(['lint', '--git', '-1'], { cwd: box.dir, env: box.env })).toEqual({
      status: 2, stdout: '', stderr: `kreview: not a git repository: ${box.dir}\n`,
    });
  });
});
