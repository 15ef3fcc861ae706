/**
 * How the search reached each state it numbered: the state it came from, and which transition of
 * that state (by id, see transitions.ts) and which of its outcomes led here. That is enough to run
 * the same path again, so the search keeps neither every state it has expanded nor the trace steps of
 * every path: a violation's trace is told by running its path once more.
 */
export class SearchTree {
  private readonly parents: number[] = [-1];
  private readonly vias: string[] = [''];
  private readonly outcomes: number[] = [0];
  private readonly depths: number[] = [0];
  private deepest = 0;

  /** Numbered states, the initial one (0) included. */
  get size(): number {
    return this.parents.length;
  }

  /** Numbers a state reached from `parent` through outcome `outcome` of transition `via`. */
  add(parent: number, via: string, outcome: number): number {
    const depth = this.depths[parent]! + 1;
    if (depth > this.deepest) this.deepest = depth;
    this.parents.push(parent);
    this.vias.push(via);
    this.outcomes.push(outcome);
    this.depths.push(depth);
    return this.parents.length - 1;
  }

  parent(index: number): number {
    return this.parents[index]!;
  }

  via(index: number): string {
    return this.vias[index]!;
  }

  outcome(index: number): number {
    return this.outcomes[index]!;
  }

  depth(index: number): number {
    return this.depths[index]!;
  }

  maxDepth(): number {
    return this.deepest;
  }

  /** The states from the initial one's successor down to `index`, in order. */
  path(index: number): number[] {
    const down: number[] = [];
    for (let i = index; i > 0; i = this.parents[i]!) down.push(i);
    return down.reverse();
  }
}
