import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { UsageError } from '../model/errors.js';
import type { Finding } from '../model/finding.js';
import type { Patch } from '../model/patch.js';
import { formatReply } from '../report/format-reply.js';
import { reviewSeries } from '../rules/review-series.js';
import { loadConfig } from './config-file.js';
import { EXIT_CLEAN, EXIT_ERROR } from './exit.js';
import { ownerOf } from './finding-owner.js';
import { applyInlineIgnores } from './inline-ignore.js';
import { hasReadablePatch, reportInputErrors, seriesDiagnostics } from './input-problems.js';
import type { Io } from './io.js';
import { formatMailDate, formatMboxDate } from './mail-date.js';
import { readInputs } from './read-inputs.js';
import { addSimulationOptions, reviewOptionsOf, type SimulationFlags } from './review-options.js';
import { addRuleOptions, checkRuleFlags, type RuleFlags, selectRules } from './rule-selection.js';

interface ReplyFlags extends SimulationFlags, RuleFlags {
  from?: string;
  date?: string;
}

/** Where a reply without `--from` claims to come from: a reserved domain nobody can mistake for a person. */
const DEFAULT_DOMAIN = 'kreview.invalid';

/**
 * A Message-ID for the reply that is the same for the same patch, reviewer and date, so that
 * re-running the review does not make a second thread entry.
 */
function replyMessageId(patch: Patch, from: string | undefined, date: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from ?? '')?.[1] ?? DEFAULT_DOMAIN;
  const key = [patch.messageId ?? `${patch.input}:${patch.startLine}`, from ?? '', date].join('\0');
  return `kreview.${createHash('sha256').update(key).digest('hex').slice(0, 16)}@${domain}`;
}

/** mboxrd: a body line that would read as a separator gets one more `>`, and readers take it off again. */
function mboxEntry(message: string, date: Date): string {
  const body = message.replace(/^(>*From )/gm, '>$1');
  return `From kreview ${formatMboxDate(date)}\n${body}\n`;
}

/**
 * `kreview reply`: the review as a reply to each patch mail, ready for `git send-email` or a mail
 * client. Several patches come out as an mbox, one reply per patch.
 */
async function runReply(input: string, flags: ReplyFlags, io: Io): Promise<number> {
  const ruleFlags = checkRuleFlags(flags);
  const date = flags.date ?? formatMailDate(new Date());
  const when = new Date(date);
  if (Number.isNaN(when.getTime())) throw new UsageError(`--date: cannot read '${date}' as a date; give RFC 2822, e.g. 'Tue, 05 Mar 2024 09:30:00 +0100'`);
  const config = await loadConfig(io);

  const series = await readInputs([input], io);
  if (!hasReadablePatch(series)) {
    reportInputErrors(seriesDiagnostics(series), io);
    return EXIT_ERROR;
  }
  const options = await reviewOptionsOf(flags, config, series, io);
  const { result } = await reviewSeries(series, { ...options, rules: selectRules(config, ruleFlags) });
  const findings = applyInlineIgnores(series, result.findings).kept;

  const patches = series.patches.filter((patch) => patch.files.length > 0);
  const byPatch = new Map<Patch | undefined, Finding[]>();
  for (const finding of findings) {
    const owner = ownerOf(series, finding);
    const owned = byPatch.get(owner);
    if (owned) owned.push(finding);
    else byPatch.set(owner, [finding]);
  }
  const replies = patches.map((patch) => formatReply(patch, byPatch.get(patch) ?? [], {
    date,
    messageId: replyMessageId(patch, flags.from, date),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(patch.message !== undefined ? { commitMessage: patch.message } : {}),
  }));
  io.stdout(replies.length === 1 ? (replies[0] ?? '') : replies.map((reply) => mboxEntry(reply, when)).join(''));
  return reportInputErrors(result.diagnostics, io) ? EXIT_ERROR : EXIT_CLEAN;
}

export function registerReply(program: Command, io: Io, exit: (status: number) => void): void {
  const command = program
    .command('reply')
    .description('print the review as a reply mail to each patch (an mbox for several)')
    .argument('<patch>', 'a patch file, mbox or saved mail, or - for stdin')
    .option('--from <mailbox>', 'the reviewer, as "Name <address>"')
    .option('--date <date>', 'date of the reply, RFC 2822 (default: now)');
  addSimulationOptions(addRuleOptions(command), 'by-default').action(async (input: string, flags: ReplyFlags) => {
    exit(await runReply(input, flags, io));
  });
}
