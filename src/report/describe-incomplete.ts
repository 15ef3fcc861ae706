import type { IncompleteAnalysis } from '../model/report.js';
import { budgetName } from './budget.js';


function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Says what a stopped search covered, and that its silence proves nothing beyond that. */
export function describeIncomplete(incomplete: IncompleteAnalysis): string {
  const { states, transitions, maxDepth, stoppedBy } = incomplete.coverage;
  return (
    `analysis of scenario '${incomplete.scenario}' is incomplete: stopped by ${budgetName(stoppedBy, false)} ` +
    `after ${count(states, 'state')}, ${count(transitions, 'transition')}, depth ${maxDepth}; ` +
    'races beyond that are not ruled out'
  );
}
