import type { ReviewProgress } from '../rules/review-series.js';

/** A run over this soon shows no progress at all. */
const QUIET_MS = 1000;
/** The line changes at most this often. */
const EVERY_MS = 100;

/**
 * A review's progress as one status line: which unit of how many (for a mbox or a series of
 * several), which scenario, how many states. Nothing for a run that is over within a second (most
 * runs on one patch); after that, a new line at most ten times a second.
 */
export function reviewProgress(show: (text: string) => void, now: () => number): ReviewProgress {
  const started = now();
  let shownAt = -Infinity;
  let unit = '';
  const offer = (text: string): void => {
    const at = now();
    if (at - started < QUIET_MS || at - shownAt < EVERY_MS) return;
    shownAt = at;
    show(text);
  };
  return {
    unit(index, total, subject) {
      unit = total > 1 ? `${index + 1}/${total} ${subject}` : '';
      if (unit) offer(unit);
    },
    states(scenario, count) {
      offer(`${unit ? `${unit} | ` : ''}${scenario}: ${count.toLocaleString('en-US')} states`);
    },
  };
}
