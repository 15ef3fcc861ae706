import { createHash } from 'node:crypto';
import type { Severity } from '../model/finding.js';

/**
 * The git hooks kreview writes: POSIX sh, one file per hook, with the paths of node and kreview
 * fixed at install time (hooks run with whatever PATH git has, often not the user's). Each file
 * carries a checksum of itself, so `kreview hook uninstall` removes only a hook it wrote and nobody
 * edited since, whatever kreview version wrote it.
 */
export const HOOK_TYPES = ['sendemail-validate', 'pre-commit', 'pre-push'] as const;
export type HookType = (typeof HOOK_TYPES)[number];

export interface HookSettings {
  type: HookType;
  /** Absolute path of the node that runs kreview. */
  node: string;
  /** Absolute path of kreview's `bin/kreview.js`. */
  bin: string;
  /** Absent: `.kreview.json`'s `failOn`, else warning, decides when the hook runs. */
  failOn?: Severity;
  /** Stop the change when kreview itself fails, rather than let it through with a warning. */
  strict: boolean;
}

/** Where a hook that was in place before kreview's is kept, beside it, and run first. */
export const CHAINED_SUFFIX = '.kreview-chained';
/** Where a sendemail-validate hook keeps the verdicts of one send (a directory under the git dir). */
export const SENDEMAIL_CACHE = 'kreview-sendemail';

const CHECKSUM_LINE = /^# kreview-hook: sha256=([0-9a-f]*)$/m;

interface HookText {
  /** What the hook reviews and stops, for its comment, one line each. */
  what: string[];
  /** The word for what is stopped: the send, the commit, the push. */
  action: string;
  bypass: string;
}

const TEXT: Record<HookType, HookText> = {
  'sendemail-validate': {
    what: [
      'reviews each mail git send-email is about to send, with the other parts of its series beside',
      'it, and stops the whole send, before any mail goes out, on a finding at or above the threshold.',
    ],
    action: 'send',
    bypass: 'git send-email --no-validate',
  },
  'pre-commit': {
    what: ['reviews the staged change as a patch and stops the commit on a finding at or above the threshold.'],
    action: 'commit',
    bypass: 'git commit --no-verify',
  },
  'pre-push': {
    what: ['reviews the commits a push sends and stops the push on a finding at or above the threshold.'],
    action: 'push',
    bypass: 'git push --no-verify',
  },
};

/** A word for sh in single quotes, which keep everything literal but a single quote. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function checksum(text: string): string {
  return createHash('sha256').update(text.replace(CHECKSUM_LINE, '# kreview-hook: sha256=')).digest('hex');
}

/** The hook file for these settings, checksum included. */
export function renderHook(settings: HookSettings): string {
  const text = TEXT[settings.type];
  const chained = `${settings.type}${CHAINED_SUFFIX}`;
  const lines = [
    '#!/bin/sh',
    '# kreview-hook: sha256=',
    `# The kreview ${settings.type} hook:`,
    ...text.what.map((line) => `# ${line}`),
    `# Bypass it once with: ${text.bypass}`,
    `# Written by \`kreview hook install\`. \`kreview hook uninstall\` removes it and puts back the hook that`,
    `# was here before, which is kept beside it as ${chained} and run first.`,
    '# The checksum above lets uninstall tell this file from an edited copy, which it leaves alone.',
    '',
    `kreview_node=${shQuote(settings.node)}`,
    `kreview_bin=${shQuote(settings.bin)}`,
    `kreview_fail_on=${shQuote(settings.failOn ?? '')}`,
    `kreview_strict=${settings.strict ? 'yes' : 'no'}`,
    `kreview_action=${text.action}`,
    `kreview_bypass=${shQuote(text.bypass)}`,
    '',
    '# kreview could not review: let the change through with a warning, or stop it under --strict.',
    'kreview_unreviewed() {',
    '\tif [ "$kreview_strict" = yes ]; then',
    '\t\techo "kreview: $1; stopping the $kreview_action: this hook was installed with --strict (bypass once: $kreview_bypass)" >&2',
    '\t\texit 1',
    '\tfi',
    '\techo "kreview: warning: $1; the $kreview_action goes ahead unreviewed (a hook installed with --strict would stop it)" >&2',
    '\texit 0',
    '}',
    '',
    ...typeSpecific(settings.type),
    '',
    '[ -f "$kreview_bin" ] || kreview_unreviewed "kreview is no longer at $kreview_bin (run kreview hook install again)"',
    '[ -x "$kreview_node" ] || kreview_unreviewed "node is no longer at $kreview_node (run kreview hook install again)"',
    '',
    '# kreview writes its verdict (pass, stop or error) on descriptor 3 and its report on the hook\'s own',
    '# stdout; a kreview that crashed writes no verdict, so its exit status is never taken for a stop.',
    `{ kreview_verdict=$(${runCommand(settings.type)} 3>&1 1>&4 4>&-); kreview_status=$?; } 4>&1`,
    'case $kreview_status:$kreview_verdict in',
    '0:pass) exit 0 ;;',
    '1:stop) exit 1 ;;',
    '130:* | 143:*) exit "$kreview_status" ;;',
    '2:error) kreview_unreviewed "it could not review this $kreview_action (see above)" ;;',
    '*) kreview_unreviewed "kreview stopped unexpectedly (exit status $kreview_status)" ;;',
    'esac',
    '',
  ];
  const body = lines.join('\n');
  return body.replace(CHECKSUM_LINE, `# kreview-hook: sha256=${checksum(body)}`);
}

/** The chained hook first, with the same arguments and input; then, for sendemail-validate, the cache. */
function typeSpecific(type: HookType): string[] {
  const runChained = `"$0${CHAINED_SUFFIX}" "$@" || exit $?`;
  if (type === 'pre-push') {
    return [
      '# git gives pre-push the refs being pushed on stdin: read it once, byte for byte, for both readers.',
      'kreview_refs=$(cat; echo .)',
      'kreview_refs=${kreview_refs%.}',
      `if [ -x "$0${CHAINED_SUFFIX}" ]; then`,
      `\tprintf '%s' "$kreview_refs" | ${runChained}`,
      'fi',
    ];
  }
  const chain = [`# The hook that was here before kreview's runs first, as git would run it; if it fails, so does this one.`, `if [ -x "$0${CHAINED_SUFFIX}" ]; then`, `\t${runChained}`, 'fi'];
  if (type !== 'sendemail-validate') return chain;
  return [
    ...chain,
    '',
    '# git calls this hook once per mail. The first kreview run of a send reviews the whole series found',
    '# beside the mail and leaves a one-use pass for each other mail it cleared, so that a 20-patch',
    '# series costs one kreview run, not twenty.',
    `kreview_cache=$(git rev-parse --git-path ${SENDEMAIL_CACHE} 2>/dev/null) || kreview_cache=`,
    'if [ -n "$kreview_cache" ]; then',
    '\t# git 2.42 and later number the mails of a send: the first one starts afresh.',
    '\tif [ "${GIT_SENDEMAIL_FILE_COUNTER:-}" = 1 ]; then rm -f "$kreview_cache"/*.ok; fi',
    '\tkreview_key=$(git hash-object --no-filters -- "$1" 2>/dev/null) || kreview_key=',
    '\tif [ -n "$kreview_key" ] && [ -f "$kreview_cache/$kreview_key.$kreview_fail_on.ok" ]; then',
    '\t\trm -f "$kreview_cache/$kreview_key.$kreview_fail_on.ok"',
    '\t\texit 0',
    '\tfi',
    'fi',
  ];
}

function runCommand(type: HookType): string {
  const failOn = '${kreview_fail_on:+--fail-on} ${kreview_fail_on:+"$kreview_fail_on"}';
  const kreview = `"$kreview_node" "$kreview_bin" hook run ${type} ${failOn} --verdict-fd 3`;
  if (type === 'pre-push') return `printf '%s' "$kreview_refs" | ${kreview} -- "$@"`;
  if (type === 'sendemail-validate') return `${kreview} \${kreview_cache:+--cache} \${kreview_cache:+"$kreview_cache"} -- "$@"`;
  return `${kreview} -- "$@"`;
}

/** Whether a hook file is one kreview wrote (it may have been edited since). */
export function isKreviewHook(text: string): boolean {
  return text.startsWith('#!/bin/sh\n') && CHECKSUM_LINE.test(text);
}

/** Whether a hook kreview wrote is still byte for byte what it wrote. */
export function isUnedited(text: string): boolean {
  const recorded = CHECKSUM_LINE.exec(text)?.[1];
  return recorded !== undefined && recorded === checksum(text);
}
