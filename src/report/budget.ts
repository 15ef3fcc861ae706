import type { Coverage } from '../model/verdict.js';

const BUDGETS: Record<NonNullable<Coverage['stoppedBy']>, { name: string; more: string }> = {
  states: { name: 'the state budget', more: '--max-states' },
  time: { name: 'the time budget', more: '--time-budget' },
  memory: { name: 'the memory it may use', more: 'the JavaScript heap' },
};

/** What stopped a search, in words: with what gives it more where the reader is at a command line. */
export function budgetName(stoppedBy: Coverage['stoppedBy'], withMore: boolean): string {
  if (!stoppedBy) return 'a budget';
  const { name, more } = BUDGETS[stoppedBy];
  return withMore ? `${name} (${more})` : name;
}
