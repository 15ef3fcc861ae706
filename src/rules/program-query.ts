import type { Anchor, Expr, FileProgram, FunctionProgram, Op, OpOf, PatchProgram } from '../model/program.js';
import type { SeriesProgram } from '../extract/extract-patch.js';
import { exprText } from '../extract/expr-text.js';

/**
 * Questions the program-level rules ask of an operation program: where a temporary came from, which
 * global a store writes, what runs after an operation. Pure functions over the extractor's output.
 */

/** Temporaries by the operation that produced them. */
export type Producers = ReadonlyMap<number, Op>;

export const isAdded = (anchor: Anchor): boolean => anchor.origin === 'added';

/** The post-image files of one patch: what the code looks like once the patch is applied. */
export function postImages(program: PatchProgram): FileProgram[] {
  return program.files.filter((f) => f.side === 'new');
}

/** The pre-image of `file` in the same patch, when the patch modifies rather than adds it. */
export function preImageOf(program: PatchProgram, file: string): FileProgram | undefined {
  return program.files.find((f) => f.side === 'old' && f.file === file);
}

/** The post-image files of every patch of the series, in series order. */
export function seriesPostImages(series: SeriesProgram): FileProgram[] {
  return series.patches.flatMap(postImages);
}

export function producersOf(fn: FunctionProgram): Producers {
  const producers = new Map<number, Op>();
  for (const op of fn.ops) {
    if ('dest' in op && op.dest !== undefined) producers.set(op.dest, op);
  }
  return producers;
}

/** `*&x` is `x`: the shape `smp_store_release(&x, v)` and `WRITE_ONCE` lower to. */
function simplified(e: Expr): Expr {
  if (e.k === 'deref' && e.arg.k === 'addr') return simplified(e.arg.arg);
  if (e.k === 'addr' && e.arg.k === 'deref') return simplified(e.arg.arg);
  return e;
}

/** A location as text, the same for every spelling of it; what compares two stores' targets. */
export const locationText = (e: Expr): string => exprText(simplified(e));

/** The global a store writes when it writes the global itself or a member of it (not through a pointer). */
export function storedGlobal(location: Expr): string | undefined {
  const target = simplified(location);
  switch (target.k) {
    case 'name':
      return target.scope === 'global' ? target.name : undefined;
    case 'field':
      return target.arrow ? undefined : storedGlobal(target.base);
    case 'index':
      return storedGlobal(target.base);
    default:
      return undefined;
  }
}

/** The global whose value `value` is: the name itself, or a temporary loaded from it. */
export function loadedGlobal(value: Expr, producers: Producers): string | undefined {
  if (value.k === 'name') return value.scope === 'global' ? value.name : undefined;
  if (value.k !== 'temp') return undefined;
  const op = producers.get(value.id);
  return op?.kind === 'load' ? storedGlobal(op.source) : undefined;
}

/** The pointer whose object an access touches: `p` in `p->f`, `&p->f.g`, `p->a[i]`. */
export function objectBase(access: Expr): Expr | undefined {
  switch (access.k) {
    case 'addr':
      return objectBase(access.arg);
    case 'field':
      return access.arrow ? access.base : objectBase(access.base);
    case 'index':
      return objectBase(access.base);
    case 'deref':
      return access.arg;
    default:
      return undefined;
  }
}

/** Every name and temporary an expression reads, outermost first. */
export function operandsOf(e: Expr): Expr[] {
  switch (e.k) {
    case 'name':
    case 'temp':
      return [e];
    case 'field':
      return operandsOf(e.base);
    case 'index':
      return [...operandsOf(e.base), ...operandsOf(e.index)];
    case 'addr':
    case 'deref':
    case 'unary':
      return operandsOf(e.arg);
    case 'binary':
      return [...operandsOf(e.left), ...operandsOf(e.right)];
    case 'ternary':
      return [...operandsOf(e.test), ...operandsOf(e.then), ...operandsOf(e.else)];
    default:
      return [];
  }
}

export function opsOfKind<K extends Op['kind']>(fn: FunctionProgram, kind: K): OpOf<K>[] {
  return fn.ops.filter((op): op is OpOf<K> => op.kind === kind);
}

/**
 * The operations that can run after `from`, in breadth-first order; `blocks` operations are
 * reached but not gone through (a store that overwrites what the search follows, say).
 */
export function reachableAfter(fn: FunctionProgram, from: Op, blocks: (op: Op) => boolean): Op[] {
  const seen = new Set<number>();
  const queue = [...from.succ];
  const reached: Op[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const op = fn.ops[id];
    if (!op) continue;
    reached.push(op);
    if (!blocks(op)) queue.push(...op.succ);
  }
  return reached;
}

/** Whether some path from `from` leaves the function without going through an operation that `blocks`. */
export function escapesWithout(fn: FunctionProgram, from: Op, blocks: (op: Op) => boolean): boolean {
  return reachableAfter(fn, from, blocks).some((op) => op.succ.length === 0 && !blocks(op));
}

/** The first load by which `fn` reads `global` for its value, not only to free it. */
export function firstReadOf(fn: FunctionProgram, global: string): Op | undefined {
  const freed = new Set(fn.ops.flatMap((op) => (op.kind === 'free' && op.target.k === 'temp' ? [op.target.id] : [])));
  return fn.ops.find((op) => op.kind === 'load' && storedGlobal(op.source) === global && !freed.has(op.dest));
}

/** Functions of the series that read `global`, other than `except`. */
export function readersOf(files: readonly FileProgram[], global: string, except: FunctionProgram): FunctionProgram[] {
  return files.flatMap((file) => file.functions).filter((fn) => fn !== except && firstReadOf(fn, global) !== undefined);
}
