import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import type { Finding, Severity } from '../model/finding.js';
import type { Series } from '../model/patch.js';
import type { AnalysisNote, ReviewResult } from '../model/report.js';
import { formatText } from '../report/format-text.js';
import { readPatches } from '../parse/parse-input.js';
import { wantsColor } from './command-lint.js';
import { loadConfig, type KreviewConfig } from './config-file.js';
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS } from './exit.js';
import { outputLines, requireRepository, runGit } from './git.js';
import { formatPatches, isZeroHash, mergeNotes } from './git-series.js';
import type { HookType } from './hook-script.js';
import { describeDiagnostic, hasReadablePatch } from './input-problems.js';
import type { Io } from './io.js';
import { readFiles, readInputFile, type InputFile } from './read-inputs.js';
import type { SimulationFlags } from './review-options.js';
import { blockingFindings, reviewForReport } from './review-run.js';

/**
 * `kreview hook run TYPE`: what an installed hook asks of kreview, following git's contract for
 * each hook. The status is 0 to let the change through, 1 to stop it (a finding at or above the
 * threshold), 2 when kreview could not review it; the hook script decides what 2 means.
 */
export interface HookRunFlags extends SimulationFlags {
  failOn?: Severity;
  /** sendemail-validate: the directory for one-use passes (see hook-script.ts). */
  cache?: string;
}

/** What every part of one hook run shares: the flags, the config file and the threshold they give. */
interface HookContext {
  flags: HookRunFlags;
  config: KreviewConfig;
  failOn: Severity;
  io: Io;
}

/** A hook's review: what to print, and the findings that decide. */
interface HookReview {
  result: ReviewResult;
  /** The findings this invocation answers for (one mail's, or all). */
  decisive: Finding[];
  /** The input whose diagnostics make the review unusable, when only one input is being judged. */
  judged?: string;
  /** Printed when the hook stops the change: what was stopped, in the user's words. */
  scope: string;
}

/** Commits past this many, in one push, are reviewed as the newest this many; a note says so. */
const MAX_PUSH_COMMITS = 100;
/** The name a staged change goes by in notes and diagnostics. */
const STAGED = 'staged changes';
const SIBLING_EXTENSIONS = new Set(['.patch', '.diff', '.eml', '.mbox', '.mbx', '.txt']);
const MAX_SIBLING_BYTES = 8 * 1024 * 1024;
const BYPASS: Record<HookType, { action: string; bypass: string }> = {
  'sendemail-validate': { action: 'send', bypass: 'git send-email --no-validate' },
  'pre-commit': { action: 'commit', bypass: 'git commit --no-verify' },
  'pre-push': { action: 'push', bypass: 'git push --no-verify' },
};

export async function runHook(type: HookType, args: readonly string[], flags: HookRunFlags, io: Io): Promise<number> {
  const config = await loadConfig(io);
  const failOn = flags.failOn ?? config.failOn ?? 'warning';
  const context: HookContext = { flags, config, failOn, io };
  const review = type === 'sendemail-validate' ? await reviewMail(args, context) : type === 'pre-commit' ? await reviewStaged(context) : await reviewPush(args, context);
  if (!review) return EXIT_CLEAN;
  const { result, decisive } = review;
  const blocking = blockingFindings(decisive, failOn);
  const unusable = result.diagnostics.filter((d) => d.level === 'error' && (review.judged === undefined || d.input === review.judged));

  if (blocking.length > 0) {
    io.stdout(formatText(result, { color: wantsColor(io) }));
    const { action, bypass } = BYPASS[type];
    const count = blocking.length === 1 ? '1 finding' : `${blocking.length} findings`;
    io.stderr(`kreview: stopping the ${action}: ${count} at or above ${failOn} in ${review.scope} (bypass once with: ${bypass})\n`);
    return EXIT_FINDINGS;
  }
  // A change that passes is quiet unless there is something to say about it: a finding below the
  // threshold, a note (binary file, no C), a problem reading it.
  const own = review.judged === undefined ? result : onlyInput(result, review.judged);
  if (own.findings.length > 0 || own.notes.length > 0 || own.diagnostics.length > 0) io.stdout(formatText(own, { color: wantsColor(io) }));
  for (const diagnostic of unusable) io.stderr(`kreview: ${describeDiagnostic(diagnostic)}\n`);
  return unusable.length > 0 ? EXIT_ERROR : EXIT_CLEAN;
}

/** The part of a review that concerns one input; the parts it is sent without are not missing from it. */
function onlyInput(result: ReviewResult, input: string): ReviewResult {
  return {
    ...result,
    findings: result.findings.filter((f) => f.input === input),
    notes: result.notes.filter((n) => n.input === input),
    diagnostics: result.diagnostics.filter((d) => d.input === input && d.code !== 'series-missing'),
    incomplete: result.incomplete.filter((i) => i.input === input),
    patches: 1,
  };
}

function review(series: Series, context: HookContext, notes: readonly AnalysisNote[] = []): Promise<ReviewResult> {
  return reviewForReport(series, context.flags, context.config, context.io, notes);
}

/**
 * sendemail-validate: git passes one mail (and, from 2.42, a file of its SMTP headers). The series
 * is the mail and the other parts of the same `[PATCH vN M/K]` series beside it, as `git
 * format-patch -o` and git send-email's own range mode leave them; each part is judged on its own
 * findings, seen with the rest of its series. The parts that pass get a one-use pass in the cache, so
 * the hook need not start kreview again for them in this send.
 */
async function reviewMail(args: readonly string[], context: HookContext): Promise<HookReview | undefined> {
  const { io } = context;
  const [mail] = args;
  if (mail === undefined) throw new UsageError('sendemail-validate: no mail given (git passes the mail file as the first argument)');
  const mailPath = path.resolve(io.cwd, mail);
  const own: InputFile = { name: path.basename(mailPath), bytes: await readInputFile(mailPath, mail) };
  const siblings = await seriesSiblings(mailPath, own);
  const series = await readFiles([own, ...siblings.map((s) => s.file)]);
  if (!hasReadablePatch(series)) {
    io.stderr(`kreview: note: ${own.name} has no diff: nothing to review\n`);
    return undefined;
  }
  const result = await review(series, context);
  if (context.flags.cache !== undefined) await leavePasses(context.flags.cache, result, siblings, context);
  return { result, decisive: result.findings.filter((f) => f.input === own.name), judged: own.name, scope: own.name };
}

interface Sibling {
  file: InputFile;
  path: string;
}

/** The other parts of the mail's series in its directory: same version, same part count. */
async function seriesSiblings(mailPath: string, own: InputFile): Promise<Sibling[]> {
  const position = (await readPatches(own.name, own.bytes)).patches[0]?.patch.series;
  if (!position || position.total < 2) return [];
  const dir = path.dirname(mailPath);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((entry) => entry.isFile() && entry.name !== own.name && SIBLING_EXTENSIONS.has(path.extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const siblings: Sibling[] = [];
  for (const name of names) {
    const where = path.join(dir, name);
    const size = (await stat(where).catch(() => undefined))?.size ?? Infinity;
    if (size > MAX_SIBLING_BYTES) continue;
    const bytes = await readFile(where).catch(() => undefined);
    if (!bytes) continue;
    const other = (await readPatches(name, bytes)).patches[0]?.patch.series;
    if (other?.version === position.version && other.total === position.total) siblings.push({ file: { name, bytes }, path: where });
  }
  return siblings;
}

/**
 * A pass for each sibling with no finding at or above the threshold and nothing unreadable, named
 * by the mail's git blob hash and the `--fail-on` the hook passed, as the hook script looks them up.
 * The passes of an earlier run go first.
 */
async function leavePasses(dir: string, result: ReviewResult, siblings: readonly Sibling[], context: HookContext): Promise<void> {
  const cache = path.resolve(context.io.cwd, dir);
  await mkdir(cache, { recursive: true });
  for (const entry of await readdir(cache)) if (entry.endsWith('.ok')) await rm(path.join(cache, entry), { force: true });
  const cleared = siblings.filter(({ file }) =>
    blockingFindings(result.findings.filter((f) => f.input === file.name), context.failOn).length === 0 &&
    !result.diagnostics.some((d) => d.input === file.name && d.level === 'error'));
  if (cleared.length === 0) return;
  const hashes = outputLines(await runGit(['hash-object', '--no-filters', '--', ...cleared.map((s) => s.path)], context.io));
  for (const hash of hashes) await writeFile(path.join(cache, `${hash}.${context.flags.failOn ?? ''}.ok`), '');
}

/** pre-commit: the staged change, as `git diff --cached` shows it, is one patch. Nothing staged, nothing to say. */
async function reviewStaged(context: HookContext): Promise<HookReview | undefined> {
  const { io } = context;
  await requireRepository(io);
  const diff = await runGit(['diff', '--cached', '--binary', '--no-color', '--no-ext-diff', '--no-textconv', '--no-relative', '--src-prefix=a/', '--dst-prefix=b/'], io);
  if (diff.stdout.length === 0) return undefined;
  const series = await readFiles([{ name: STAGED, bytes: diff.stdout }]);
  if (!hasReadablePatch(series)) return undefined;
  const result = await review(series, context);
  return { result, decisive: result.findings, scope: 'the staged changes' };
}

/**
 * pre-push: git passes the remote's name and URL, and on stdin one line per ref pushed:
 * `<local ref> <local sha> <remote ref> <remote sha>`. The commits pushed are those the remote side
 * does not have yet: `remote..local`, or, for a new branch, those on no remote-tracking branch of
 * that remote. Deletions push nothing.
 */
async function reviewPush(args: readonly string[], context: HookContext): Promise<HookReview | undefined> {
  const { io } = context;
  await requireRepository(io);
  const remote = args[0] ?? '';
  const lines = (await io.readStdin()).toString('utf8').split('\n').map((line) => line.trim()).filter(Boolean);
  const pushes = lines.map((line) => line.split(/\s+/)).filter((parts) => parts.length === 4 && !isZeroHash(parts[1] ?? '0'));
  const files: InputFile[] = [];
  const notes: AnalysisNote[] = [];
  const seen = new Set<string>();
  for (const [localRef = '', localSha = '', , remoteSha = ''] of pushes) {
    const revisions = [localSha, '--not', ...(await remoteBase(remoteSha, remote, io))];
    const label = `git:${localRef}`;
    const count = Number(outputLines(await runGit(['rev-list', '--count', '--no-merges', ...revisions, '--'], io))[0] ?? 0);
    if (count > MAX_PUSH_COMMITS) {
      notes.push({ input: label, message: `${count} commits are new to ${remote || 'the remote'}; only the newest ${MAX_PUSH_COMMITS} are reviewed (review the rest with kreview lint --git)` });
    }
    notes.push(...(await mergeNotes(revisions, io, label)));
    const prefix = pushes.length > 1 ? `${localRef.replace(/^refs\/(heads|tags)\//, '')}:` : '';
    for (const file of await formatPatches([`--max-count=${MAX_PUSH_COMMITS}`, ...revisions], io, prefix)) {
      const commit = /^From ([0-9a-f]{40,64}) /.exec(Buffer.from(file.bytes.subarray(0, 100)).toString('latin1'))?.[1] ?? file.name;
      if (seen.has(commit)) continue;
      seen.add(commit);
      files.push(file);
    }
  }
  if (files.length === 0) {
    // Only merges, or nothing new: nothing to review, but a merge is still worth a word.
    for (const note of notes) io.stderr(`kreview: note: ${note.input}: ${note.message}\n`);
    return undefined;
  }
  const series = await readFiles(files);
  const result = await review(series, context, notes);
  return { result, decisive: result.findings, scope: 'the commits being pushed' };
}

/** What the remote already has: its old tip when this repository knows it, else its remote-tracking branches. */
async function remoteBase(remoteSha: string, remote: string, io: Io): Promise<string[]> {
  if (!isZeroHash(remoteSha)) {
    const known = await runGit(['cat-file', '-e', `${remoteSha}^{commit}`], io, { allowStatus: [1, 128] });
    if (known.status === 0) return [remoteSha];
  }
  return [`--remotes=${remote}`];
}
