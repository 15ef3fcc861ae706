import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';

const MP = 'fixtures/litmus/MP+poonceonces.litmus';
const MP_BARRIERS = 'fixtures/litmus/MP+wmbonceonce+rmbonceonce.litmus';
const Z6 = 'fixtures/litmus/Z6.0+pooncelock+pooncelock+pombonce.litmus';
const EXPECTED = 'fixtures/litmus/expected.json';
const BEYOND = 'beyond model: lock ordering that is not propagated to a third CPU (non-multicopy-atomic)';

const scratch = mkdtempSync(path.join(tmpdir(), 'kreview-litmus-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeScratch(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

describe('kreview litmus', () => {
  it('prints NAME: Never|Sometimes (states N) per test', async () => {
    const { status, stdout, stderr } = await runCli(['litmus', MP, MP_BARRIERS]);
    expect(stdout).toMatch(/^MP\+poonceonces: Sometimes \(states \d+\)\nMP\+wmbonceonce\+rmbonceonce: Never \(states \d+\)\n$/);
    expect([status, stderr]).toEqual([0, '']);
  });

  it('says which construct is beyond the model even without expected answers', async () => {
    const { stdout } = await runCli(['litmus', Z6]);
    expect(stdout).toMatch(/^Z6\.0\+pooncelock\+pooncelock\+pombonce: Never \(states \d+\) {2}note: beyond the model: lock ordering that is not propagated to a third CPU \(non-multicopy-atomic\)\n$/);
  });

  it('with --expected adds the expected answer and ok or beyond model, and exits 0 when only declared constructs disagree', async () => {
    const { status, stdout, stderr } = await runCli(['litmus', MP, Z6, '--expected', EXPECTED]);
    const rows = stdout.split('\n').map((line) => line.split(/ {2,}/));
    expect(rows[0]).toEqual([expect.stringMatching(/^MP\+poonceonces: Sometimes \(states \d+\)$/), 'expected Sometimes', 'ok']);
    expect(rows[1]).toEqual([expect.stringMatching(/^Z6\.0\+pooncelock\+pooncelock\+pombonce: Never \(states \d+\)$/), 'expected Sometimes', BEYOND]);
    expect(stdout.endsWith('\n\n2 tests: 1 ok, 1 beyond the model, 0 mismatches\n')).toBe(true);
    expect([status, stderr]).toEqual([0, '']);
  });

  it('runs every .litmus file of a directory, in name order, and agrees with every fixture', async () => {
    const { status, stdout } = await runCli(['litmus', 'fixtures/litmus', '--expected', EXPECTED]);
    expect(stdout).toContain('22 tests: 21 ok, 1 beyond the model, 0 mismatches\n');
    expect(stdout.split('\n')[0]).toMatch(/^CoRR\+poonceonce\+Once: Never/);
    expect(status).toBe(0);
  });

  it('exits 1 on an undeclared mismatch', async () => {
    const expected = writeScratch('wrong.json', JSON.stringify([{ file: 'MP+poonceonces.litmus', expected: 'Never' }]));
    const { status, stdout } = await runCli(['litmus', MP, '--expected', expected]);
    expect(stdout).toMatch(/expected Never {2}MISMATCH\n/);
    expect(status).toBe(1);
  });

  it('exits 1 when a budget leaves an answer unproven, and says so', async () => {
    const { status, stdout } = await runCli(['litmus', MP_BARRIERS, '--expected', EXPECTED, '--max-states', '10']);
    expect(stdout).toMatch(/^MP\+wmbonceonce\+rmbonceonce: incomplete \(states \d+, stopped by the state budget \(--max-states\); Never is not proven\) {2}expected Never {2}INCOMPLETE\n/);
    expect(status).toBe(1);
  });

  it('prints JSON with --json', async () => {
    const { status, stdout } = await runCli(['litmus', Z6, '--expected', EXPECTED, '--json']);
    const { tests } = JSON.parse(stdout) as { tests: Record<string, unknown>[] };
    expect(tests).toEqual([expect.objectContaining({
      file: Z6, name: 'Z6.0+pooncelock+pooncelock+pombonce', answer: 'Never', expected: 'Sometimes', witnesses: 0,
      judgement: {
        status: 'beyond-model',
        note: 'Never (expected Sometimes: beyond the model: lock ordering that is not propagated to a third CPU (non-multicopy-atomic))',
      },
    })]);
    expect(status).toBe(0);
  });

  it('exits 2 on a test it cannot read, naming the line, and still runs the others', async () => {
    const bad = writeScratch('bad.litmus', 'C Bad\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\nexists (0:r0=1 /\\ )\n');
    const { status, stdout, stderr } = await runCli(['litmus', bad, MP]);
    expect(stderr).toBe(`${bad}:7: error: expected \`N:register=value\`, \`variable=value\` or \`(\`, found \`)\` [litmus-syntax]\n`);
    expect(stdout).toMatch(/^MP\+poonceonces: Sometimes/);
    expect(status).toBe(2);
  });

  it('exits 2 on a missing file or an unreadable expected.json', async () => {
    expect(await runCli(['litmus', 'fixtures/litmus/none.litmus'])).toEqual({
      status: 2, stdout: '', stderr: 'kreview: fixtures/litmus/none.litmus: cannot read: no such file or directory\n',
    });
    const notJson = writeScratch('expected.txt', 'Never');
    expect((await runCli(['litmus', MP, '--expected', notJson])).status).toBe(2);
    const wrongShape = writeScratch('shape.json', JSON.stringify([{ file: 'MP+poonceonces.litmus', expected: 'Maybe' }]));
    expect(await runCli(['litmus', MP, '--expected', wrongShape])).toEqual({
      status: 2, stdout: '', stderr: `kreview: ${wrongShape}: entry 1 needs a "file" and an "expected" of "Never" or "Sometimes"\n`,
    });
  });
});

describe('bin/kreview.js litmus', () => {
  it('runs as a process: stdout, no stderr, exit 0', () => {
    if (!existsSync(path.join(ROOT, 'dist/bundle/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/kreview.js'), 'litmus', MP_BARRIERS, '--expected', EXPECTED], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/^MP\+wmbonceonce\+rmbonceonce: Never \(states \d+\) {2}expected Never {2}ok\n\n1 test: 1 ok, 0 beyond the model, 0 mismatches\n$/);
    expect([result.status, result.stderr]).toEqual([0, '']);
  });
});
