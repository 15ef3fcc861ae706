/** Edit distance between two names: how many single-character changes turn one into the other. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known names a mistyped one was probably meant to be: those a few edits away, or containing it
 * (`kreview explain global` lists every `*-global` rule), closest first.
 */
function closeNames(name: string, known: readonly string[]): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return known
    .map((candidate) => ({ candidate, cost: distance(wanted, candidate) }))
    .filter(({ candidate, cost }) => cost <= limit || (wanted.length >= 3 && candidate.includes(wanted)))
    .sort((a, b) => a.cost - b.cost || (a.candidate < b.candidate ? -1 : 1))
    .map(({ candidate }) => candidate);
}

/** ` (did you mean a or b?)`, or nothing when no name is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const close = closeNames(name, known).slice(0, 3);
  if (close.length === 0) return '';
  const listed = close.length === 1 ? close[0] : `${close.slice(0, -1).join(', ')} or ${close.at(-1)}`;
  return ` (did you mean ${listed}?)`;
}
