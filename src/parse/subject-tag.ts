import type { SeriesPosition } from '../model/patch.js';

/**
 * The `[PATCH vN M/K]` tag of a subject, in the spellings kernel mail uses: `[PATCH v7 2/4]`,
 * `[RFC PATCH v2 3/5]`, `[PATCH net-next v3 05/12]`, `[PATCHv2 1/3]`, `[PATCH 2/4]`, behind any number
 * of `Re:` or `Fwd:`.
 */
const TAG = /\[([^\]]*)\]/g;
const VERSION = /(?:^|[^a-z0-9])v(\d+)(?![a-z0-9])/i;
const PART = /(?:^|\s)(\d+)\/(\d+)(?!\S)/;
const REPLY_PREFIX = /^\s*(?:(?:re|fwd?|aw)\s*:\s*)+/i;

/** The series position of a `[PATCH ... M/K]` subject; undefined for a lone patch. */
export function readSeriesPosition(subject: string): SeriesPosition | undefined {
  for (const [, tag = ''] of subject.matchAll(TAG)) {
    if (!/patch|rfc/i.test(tag)) continue;
    const part = PART.exec(tag);
    if (!part) return undefined;
    const version = VERSION.exec(tag.replace(/patch/gi, ' '));
    return { version: version ? Number(version[1]) : 1, index: Number(part[1]), total: Number(part[2]) };
  }
  return undefined;
}

export function isReplySubject(subject: string): boolean {
  return REPLY_PREFIX.test(subject);
}

/** `Re: [PATCH v7 2/4] x` as the patch itself was called: `[PATCH v7 2/4] x`. */
export function stripReplyPrefix(subject: string): string {
  return subject.replace(REPLY_PREFIX, '');
}
