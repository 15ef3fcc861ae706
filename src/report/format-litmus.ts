import type { ExpectedAnswer, LitmusJudgement, LitmusResult } from '../sim/litmus.js';
import { budgetName } from './budget.js';

/** One litmus test's line: the model's answer and, when known, herd7's answer and how they compare. */
export interface LitmusRow {
  /** The test file as the user named it. */
  file: string;
  result: LitmusResult;
  expected?: ExpectedAnswer;
  judgement?: LitmusJudgement;
}


function answerOf(result: LitmusResult): string {
  if (result.answer !== 'incomplete') return `${result.answer} (states ${result.states})`;
  const by = budgetName(result.stoppedBy, true);
  return `incomplete (states ${result.states}, stopped by ${by}; Never is not proven)`;
}

function statusOf(row: LitmusRow): string {
  if (!row.expected || !row.judgement) return 'no expected answer';
  switch (row.judgement.status) {
    case 'ok':
      return 'ok';
    case 'mismatch':
      return 'MISMATCH';
    case 'incomplete':
      return 'INCOMPLETE';
    case 'beyond-model':
      return `beyond model: ${row.result.beyondModel.join('; ')}`;
  }
}

/**
 * `NAME: Never (states N)` per test. With expected answers, two more columns: herd7's answer and
 * `ok`, `MISMATCH`, `INCOMPLETE` or `beyond model: ...`; then a one-line tally.
 */
export function formatLitmus(rows: readonly LitmusRow[], withExpected: boolean): string {
  const heads = rows.map((row) => `${row.result.name}: ${answerOf(row.result)}`);
  if (!withExpected) {
    const lines = rows.map((row, i) => {
      const limits = row.result.beyondModel;
      return limits.length > 0 ? `${heads[i]!}  note: beyond the model: ${limits.join('; ')}` : heads[i]!;
    });
    return `${lines.join('\n')}\n`;
  }
  const width = Math.max(0, ...heads.map((head) => head.length));
  const expectedWidth = Math.max(0, ...rows.map((row) => `expected ${row.expected ?? '?'}`.length));
  const lines = rows.map((row, i) => `${heads[i]!.padEnd(width)}  ${`expected ${row.expected ?? '?'}`.padEnd(expectedWidth)}  ${statusOf(row)}`);
  const count = (status: LitmusJudgement['status']): number => rows.filter((row) => row.judgement?.status === status).length;
  const unknown = rows.filter((row) => !row.judgement).length;
  const tally = [
    `${rows.length} test${rows.length === 1 ? '' : 's'}: ${count('ok')} ok`,
    `${count('beyond-model')} beyond the model`,
    `${count('mismatch')} mismatch${count('mismatch') === 1 ? '' : 'es'}`,
    ...(count('incomplete') > 0 ? [`${count('incomplete')} incomplete`] : []),
    ...(unknown > 0 ? [`${unknown} without an expected answer`] : []),
  ].join(', ');
  return `${[...lines, '', tally].join('\n')}\n`;
}
