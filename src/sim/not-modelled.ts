import type { FunctionProgram } from '../model/program.js';
import { LOCK_APIS } from '../extract/kernel-api.js';
import { MAX_CALL_DEPTH } from './machine.js';

/** A call that looks like taking or dropping a lock, by the kernel's naming, to an API the tables do not know. */
const LOCK_LIKE = /(^|_)(lock|unlock|trylock)(_|$)|^(down|up)(_read|_write|_interruptible|_killable|_trylock|_timeout)?$/;

/**
 * What the simulator cannot follow in these programs, said up front: a lock API it does not know
 * runs as nothing (no mutual exclusion), and recursion is cut at the simulator's call depth.
 */
export function notModelled(functions: ReadonlyMap<string, FunctionProgram>, roots?: readonly string[]): string[] {
  const notes: string[] = [];
  const reached = roots ? reachableFrom(functions, roots) : new Set(functions.keys());
  for (const fn of [...functions.values()].filter((f) => reached.has(f.name))) {
    const unknownLocks = new Set(fn.ops.flatMap((op) => (op.kind === 'call' && op.callee && !functions.has(op.callee)
      && LOCK_LIKE.test(op.callee) && !(op.callee in LOCK_APIS) ? [op.callee] : [])));
    for (const api of unknownLocks) {
      notes.push(`not modelled: ${fn.name} calls ${api}(), a lock API kreview does not know; it runs as nothing, so nothing it would exclude is excluded`);
    }
  }
  for (const cycle of callCycles(functions).filter((c) => reached.has(c[0]!))) {
    notes.push(`not modelled: ${cycle.join(' -> ')} is recursive; calls deeper than ${MAX_CALL_DEPTH} frames run as nothing`);
  }
  return notes;
}

function reachableFrom(functions: ReadonlyMap<string, FunctionProgram>, roots: readonly string[]): Set<string> {
  const reached = new Set<string>();
  const work = [...roots];
  while (work.length > 0) {
    const name = work.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const op of functions.get(name)?.ops ?? []) if (op.kind === 'call' && op.callee && functions.has(op.callee)) work.push(op.callee);
  }
  return reached;
}

/** Each cycle of direct calls once, from its first function in program order. */
function callCycles(functions: ReadonlyMap<string, FunctionProgram>): string[][] {
  const callees = (name: string): string[] => [...new Set((functions.get(name)?.ops ?? [])
    .flatMap((op) => (op.kind === 'call' && op.callee && functions.has(op.callee) ? [op.callee] : [])))];
  const cycles: string[][] = [];
  const inCycle = new Set<string>();
  for (const start of functions.keys()) {
    if (inCycle.has(start)) continue;
    const path: string[] = [];
    const visited = new Set<string>();
    const visit = (name: string): boolean => {
      if (name === start && path.length > 0) return true;
      if (visited.has(name)) return false;
      visited.add(name);
      path.push(name);
      for (const next of callees(name)) {
        if (visit(next)) return true;
      }
      path.pop();
      return false;
    };
    if (visit(start)) {
      cycles.push([...path, start]);
      path.forEach((n) => inCycle.add(n));
    }
  }
  return cycles;
}
