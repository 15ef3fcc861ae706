import type { Expr, FunctionProgram, Op } from '../model/program.js';

/**
 * Which memory is consistently protected by which lock, over the functions a scenario runs
 * concurrently (Eraser's lockset intersection, by field name). An access to such memory while its
 * lock is held cannot be observed by another thread before the unlock, so the simulator neither
 * interleaves at it nor buffers it: the reduction that keeps lock-protected code cheap.
 */

export type Protection = ReadonlyMap<string, ReadonlySet<string>>;

/** Static name of a lock expression: a global's name, or `->field` for a lock inside an object. */
export function lockName(e: Expr): string | undefined {
  const target = e.k === 'addr' ? e.arg : e;
  if (target.k === 'name') return target.name;
  if (target.k === 'field') return `->${target.field}`;
  return undefined;
}

const accessKeyCache = new WeakMap<Op, readonly string[]>();

/** The abstract locations (field names, global names) an operation touches. */
export function accessKeys(op: Op): readonly string[] {
  let keys = accessKeyCache.get(op);
  if (!keys) accessKeyCache.set(op, (keys = computeAccessKeys(op)));
  return keys;
}

function computeAccessKeys(op: Op): string[] {
  const keyOf = (e: Expr | undefined): string | undefined => {
    if (!e) return undefined;
    if (e.k === 'addr') return keyOf(e.arg);
    if (e.k === 'field') return `->${e.field}`;
    if (e.k === 'name' && e.scope === 'global') return e.name;
    if (e.k === 'deref') return '*';
    return undefined;
  };
  switch (op.kind) {
    case 'load':
      return [keyOf(op.source)].filter((k): k is string => k !== undefined);
    case 'store':
      return [keyOf(op.target)].filter((k): k is string => k !== undefined);
    case 'list':
      return ['list'];
    default:
      return [];
  }
}

/** Locks held before each operation of `fn`, given the locks held at its entry (must-analysis). */
function heldBefore(fn: FunctionProgram, atEntry: ReadonlySet<string>): (Set<string> | undefined)[] {
  const held: (Set<string> | undefined)[] = fn.ops.map(() => undefined);
  held[fn.entry] = new Set(atEntry);
  const work = [fn.entry];
  while (work.length > 0) {
    const id = work.pop()!;
    const op = fn.ops[id]!;
    const out = new Set(held[id]!);
    if (op.kind === 'lock' && op.action === 'acquire') {
      const name = lockName(op.lock);
      if (name) out.add(name);
    }
    if (op.kind === 'lock' && op.action === 'release') {
      const name = lockName(op.lock);
      if (name) out.delete(name);
    }
    for (const next of op.succ) {
      if (next < 0) continue;
      const before = held[next];
      const merged = before === undefined ? out : new Set([...before].filter((l) => out.has(l)));
      if (before === undefined || merged.size !== before.size) {
        held[next] = merged;
        work.push(next);
      }
    }
  }
  return held;
}

/**
 * Locks protecting each abstract location across `roots` and the functions they call directly. Roots
 * are where threads start and what function pointers lead to; a root starts with no lock held.
 */
export function computeProtection(functions: ReadonlyMap<string, FunctionProgram>, roots: readonly string[]): Protection {
  const entryLocks = new Map<string, Set<string>>();
  const queue: string[] = [];
  for (const name of roots) {
    entryLocks.set(name, new Set());
    queue.push(name);
  }
  const protection = new Map<string, Set<string>>();
  const analysed = new Map<string, string>();
  while (queue.length > 0) {
    const name = queue.shift()!;
    const fn = functions.get(name);
    if (!fn) continue;
    const atEntry = entryLocks.get(name)!;
    const signature = [...atEntry].sort().join(',');
    if (analysed.get(name) === signature) continue;
    analysed.set(name, signature);
    const held = heldBefore(fn, atEntry);
    fn.ops.forEach((op, i) => {
      const locks = held[i];
      if (!locks) return;
      for (const key of accessKeys(op)) {
        const current = protection.get(key);
        protection.set(key, current === undefined ? new Set(locks) : new Set([...current].filter((l) => locks.has(l))));
      }
      if (op.kind === 'call') {
        for (const callee of op.callee !== undefined ? [op.callee] : []) {
          if (!functions.has(callee)) continue;
          const previous = entryLocks.get(callee);
          const merged = previous === undefined ? new Set(locks) : new Set([...previous].filter((l) => locks.has(l)));
          if (previous === undefined || merged.size !== previous.size) {
            entryLocks.set(callee, merged);
          }
          queue.push(callee);
        }
      }
    });
  }
  return protection;
}

/**
 * What an actor that kfree()s writes: every field of the freed object at once. Field names say
 * nothing about which object a field belongs to, so an access through a pointer is then never
 * private to another thread, nor protected by a lock the freeing thread need not take.
 */
export const FREES_OBJECTS = '(kfree)';
