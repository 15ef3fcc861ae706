import type { Expr, FunctionProgram, Op } from '../model/program.js';

/**
 * Registers live before each operation. Dead registers are dropped from states so that two states
 * differing only in a value nobody will read again are one state.
 */
export type Liveness = readonly ReadonlySet<string>[];

function exprUses(e: Expr | undefined, out: Set<string>): void {
  if (!e) return;
  switch (e.k) {
    case 'temp':
      out.add(`t${e.id}`);
      return;
    case 'name':
      if (e.scope === 'local' || e.scope === 'param') out.add(e.name);
      return;
    case 'field':
      exprUses(e.base, out);
      return;
    case 'index':
      exprUses(e.base, out);
      exprUses(e.index, out);
      return;
    case 'addr':
    case 'deref':
    case 'unary':
      exprUses(e.arg, out);
      return;
    case 'binary':
      exprUses(e.left, out);
      exprUses(e.right, out);
      return;
    case 'ternary':
      exprUses(e.test, out);
      exprUses(e.then, out);
      exprUses(e.else, out);
      return;
    default:
      return;
  }
}

function usesOf(op: Op): Set<string> {
  const out = new Set<string>();
  switch (op.kind) {
    case 'lock': exprUses(op.lock, out); break;
    case 'list': exprUses(op.entry, out); exprUses(op.head, out); break;
    case 'load': exprUses(op.source, out); break;
    case 'store': exprUses(op.target, out); exprUses(op.value, out); break;
    case 'assign': exprUses(op.value, out); break;
    case 'free': exprUses(op.target, out); break;
    case 'pageref': exprUses(op.page, out); break;
    case 'call': exprUses(op.target, out); op.args.forEach((a) => exprUses(a, out)); break;
    case 'spawn': exprUses(op.fn, out); exprUses(op.arg, out); break;
    case 'branch': exprUses(op.cond, out); break;
    case 'return': exprUses(op.value, out); break;
    default: break;
  }
  return out;
}

function defOf(op: Op): string | undefined {
  if (op.kind === 'assign') return op.local;
  if ('dest' in op && typeof op.dest === 'number') return `t${op.dest}`;
  return undefined;
}

export function computeLiveness(fn: FunctionProgram): Liveness {
  const live: Set<string>[] = fn.ops.map(() => new Set());
  const uses = fn.ops.map(usesOf);
  const defs = fn.ops.map(defOf);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = fn.ops.length - 1; i >= 0; i -= 1) {
      const out = new Set<string>();
      for (const s of fn.ops[i]!.succ) if (s >= 0) for (const r of live[s]!) out.add(r);
      const def = defs[i];
      if (def !== undefined) out.delete(def);
      for (const r of uses[i]!) out.add(r);
      if (out.size !== live[i]!.size) {
        live[i] = out;
        changed = true;
      }
    }
  }
  return live;
}
