#!/usr/bin/env node
// What the sendemail-validate hook costs a developer sending a series.
//
//   npm run build && node bench/hook.mjs            20 patches, 3 rounds, a table
//   node bench/hook.mjs --patches 40 --rounds 5     other sizes
//   node bench/hook.mjs --json                      the figures as JSON
//
// In a scratch repository under os.tmpdir() it commits a clean 20-patch series (static helpers
// added to four small drivers), formats it, and times real `git send-email` runs whose SMTP server
// is a script that stores each mail in a file:
//   - without a hook;
//   - with `kreview hook install` (the hook reviews the series once and passes the other mails);
//   - with a naive hook that starts kreview once per mail (`kreview lint "$1"`), for comparison;
// and the start-up of one kreview process (`--version`) and of one review of one patch.
// Needs Debian's git-email. The scratch directory is removed afterwards.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const BIN = fileURLToPath(new URL('../bin/kreview.js', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const PATCHES = option('--patches', 20);
const ROUNDS = option('--rounds', 3);
const JSON_OUT = args.includes('--json');

const dir = mkdtempSync(join(tmpdir(), 'kreview-bench-hook-'));
const repo = join(dir, 'repo');
const mails = join(dir, 'mails');
const env = {
  PATH: process.env.PATH,
  HOME: join(dir, 'home'),
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
  NO_COLOR: '1',
  TMPDIR: dir,
  BENCH_MAILS: mails,
};

function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { cwd: repo, env, encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  return result;
}

function must(result) {
  if (result.status !== 0) throw new Error(`${result.stderr || result.stdout}`);
  return result;
}

function timed(fn) {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function driver(name) {
  return `// SPDX-License-Identifier: GPL-2.0\n#include <linux/module.h>\n#include <linux/mutex.h>\n\nstatic DEFINE_MUTEX(${name}_lock);\nstatic unsigned int ${name}_users;\n\nstatic int ${name}_get(void)\n{\n\tmutex_lock(&${name}_lock);\n\t${name}_users++;\n\tmutex_unlock(&${name}_lock);\n\treturn 0;\n}\n\nstatic int __init ${name}_init(void)\n{\n\treturn ${name}_get();\n}\nmodule_init(${name}_init);\n\nMODULE_LICENSE("GPL");\n`;
}

function setUp() {
  mkdirSync(env.HOME);
  mkdirSync(mails);
  must(run('git', ['init', '-q', '-b', 'master', repo], { cwd: dir }));
  must(run('git', ['config', 'user.name', 'Bench Mark']));
  must(run('git', ['config', 'user.email', 'bench@example.org']));
  const names = ['kr_alpha', 'kr_beta', 'kr_gamma', 'kr_delta'];
  const sources = Object.fromEntries(names.map((name) => [name, driver(name)]));
  mkdirSync(join(repo, 'drivers/misc'), { recursive: true });
  for (const name of names) writeFileSync(join(repo, `drivers/misc/${name}.c`), sources[name]);
  must(run('git', ['add', '-A']));
  must(run('git', ['commit', '-q', '-m', 'misc: add four demo drivers']));
  for (let i = 1; i <= PATCHES; i++) {
    const name = names[i % names.length];
    sources[name] += `\nstatic int ${name}_helper${i}(void)\n{\n\treturn ${name}_get();\n}\n`;
    writeFileSync(join(repo, `drivers/misc/${name}.c`), sources[name]);
    must(run('git', ['commit', '-q', '-a', '-m', `${name}: add helper ${i}`]));
  }
  must(run('git', ['format-patch', '-q', '-o', join(dir, 'series'), `-${PATCHES}`]));
  writeFileSync(join(dir, 'smtp.sh'), '#!/bin/sh\nn=$(ls "$BENCH_MAILS" | wc -l)\ncat > "$BENCH_MAILS/mail-$(printf %04d "$n").eml"\n', { mode: 0o755 });
}

function send() {
  for (const name of readdirSync(mails)) rmSync(join(mails, name));
  const files = readdirSync(join(dir, 'series')).sort().map((name) => join(dir, 'series', name));
  const { ms, result } = timed(() => run('git', ['send-email', `--smtp-server=${join(dir, 'smtp.sh')}`, '--to=list@example.org', '--confirm=never', '--quiet', ...files]));
  if (result.status !== 0 || readdirSync(mails).length !== PATCHES) throw new Error(`send failed: ${result.stderr}`);
  return ms;
}

function sendRounds() {
  send(); // warm the page cache and git's own start-up
  return median(Array.from({ length: ROUNDS }, send));
}

const hookPath = () => join(repo, '.git/hooks/sendemail-validate');

function main() {
  const execPath = spawnSync('git', ['--exec-path'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const hasSendEmail = execPath !== '' && existsSync(join(execPath, 'git-send-email'));
  if (!hasSendEmail) {
    console.error('bench/hook.mjs: git send-email is not installed (Debian: apt-get install git-email)');
    process.exitCode = 2;
    return;
  }
  setUp();
  const gitVersion = must(run('git', ['--version'])).stdout.trim();
  const startup = median(Array.from({ length: ROUNDS + 2 }, () => timed(() => must(run(process.execPath, [BIN, '--version']))).ms));
  const onePatch = readdirSync(join(dir, 'series')).sort().map((name) => join(dir, 'series', name))[0];
  const reviewOne = median(Array.from({ length: ROUNDS }, () => timed(() => must(run(process.execPath, [BIN, 'lint', onePatch]))).ms));
  const reviewSeries = median(Array.from({ length: ROUNDS }, () => timed(() => must(run(process.execPath, [BIN, 'lint', join(dir, 'series')]))).ms));

  const without = sendRounds();
  must(run(process.execPath, [BIN, 'hook', 'install']));
  const withHook = sendRounds();
  must(run(process.execPath, [BIN, 'hook', 'uninstall']));
  writeFileSync(hookPath(), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' lint "$1" >/dev/null\n`);
  chmodSync(hookPath(), 0o755);
  const perMail = sendRounds();
  rmSync(hookPath());

  const figures = {
    git: gitVersion,
    patches: PATCHES,
    rounds: ROUNDS,
    kreviewStartMs: Math.round(startup),
    reviewOnePatchMs: Math.round(reviewOne),
    reviewSeriesOneProcessMs: Math.round(reviewSeries),
    sendWithoutHookMs: Math.round(without),
    sendWithKreviewHookMs: Math.round(withHook),
    sendWithPerMailHookMs: Math.round(perMail),
  };
  if (JSON_OUT) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  const row = (label, ms, note = '') => `${label.padEnd(52)}${String(ms).padStart(7)} ms${note ? `  ${note}` : ''}`;
  console.log(`${gitVersion}, node ${process.version}; ${PATCHES} patches, median of ${ROUNDS} rounds\n`);
  console.log(row('kreview process start (--version)', figures.kreviewStartMs));
  console.log(row('kreview lint, one patch', figures.reviewOnePatchMs));
  console.log(row(`kreview lint, the ${PATCHES}-patch series in one process`, figures.reviewSeriesOneProcessMs));
  console.log(row(`git send-email, ${PATCHES} patches, no hook`, figures.sendWithoutHookMs));
  console.log(row(`  with kreview hook install (sendemail-validate)`, figures.sendWithKreviewHookMs, `+${figures.sendWithKreviewHookMs - figures.sendWithoutHookMs} ms`));
  console.log(row(`  with a naive hook: one kreview per mail`, figures.sendWithPerMailHookMs, `+${figures.sendWithPerMailHookMs - figures.sendWithoutHookMs} ms`));
}

try {
  main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
