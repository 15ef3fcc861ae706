import { KERNEL_CONSTANTS } from '../extract/kernel-api.js';
import type { Expr } from '../model/program.js';
import { type Frame, NONZERO, NULL, UNKNOWN, type Value } from './state.js';
import { fault, fromInt, toInt, type WorldContext } from './world.js';

/**
 * Pure evaluation of the program's expressions over a frame's registers. Memory is never read
 * here: the extractor lowered every shared read to a `load` operation of its own.
 */

/** Reads a register; a local that was never assigned (its assignment is hidden) gets `materialize`. */
function readRegister(frame: Frame, name: string, materialize: (name: string) => Value): Value {
  const value = frame.regs[name];
  if (value !== undefined) return value;
  const made = materialize(name);
  frame.regs[name] = made;
  return made;
}

/** The memory location an lvalue-shaped expression denotes, or undefined when unknown. */
export function locationOf(e: Expr, frame: Frame, ctx: WorldContext, materialize: (name: string) => Value): string | undefined {
  switch (e.k) {
    case 'name': {
      if (e.scope !== 'global') return undefined;
      const object = ctx.globalObjects.get(e.name);
      return object !== undefined ? String(object) : `0.${e.name}`;
    }
    case 'field': {
      if (e.arrow) {
        const base = evaluate(e.base, frame, ctx, materialize);
        if (base === NULL) fault('null-deref', `->${e.field} through a NULL pointer`);
        return base.startsWith('@') ? `${base.slice(1)}.${e.field}` : undefined;
      }
      const base = locationOf(e.base, frame, ctx, materialize);
      return base !== undefined ? `${base}.${e.field}` : undefined;
    }
    case 'deref': {
      const pointer = evaluate(e.arg, frame, ctx, materialize);
      if (!pointer.startsWith('@')) return undefined;
      return pointer.includes('.') ? pointer.slice(1) : `${pointer.slice(1)}.*`;
    }
    case 'index': {
      const base = locationOf(e.base, frame, ctx, materialize);
      return base !== undefined ? `${base}[]` : undefined;
    }
    default:
      return undefined;
  }
}

function compare(op: string, a: Value, b: Value): Value {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  // All that is known of it is that it is not zero: only a comparison with zero is decided.
  if (a === NONZERO || b === NONZERO) {
    const other = a === NONZERO ? b : a;
    if ((op === '==' || op === '!=') && other === NULL) return op === '!=' ? '1' : '0';
    return UNKNOWN;
  }
  const x = toInt(a);
  const y = toInt(b);
  if (op === '==' || op === '!=') {
    if ((a.startsWith('&') || a.startsWith('@')) !== (b.startsWith('&') || b.startsWith('@')) && x === undefined && y === undefined) return UNKNOWN;
    const equal = a === b;
    return (op === '==') === equal ? '1' : '0';
  }
  if (x === undefined || y === undefined) return UNKNOWN;
  const result = op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  return result ? '1' : '0';
}

function arithmetic(op: string, a: Value, b: Value): Value {
  const x = toInt(a);
  const y = toInt(b);
  if (x === undefined || y === undefined) return UNKNOWN;
  switch (op) {
    case '+': return fromInt(x + y);
    case '-': return fromInt(x - y);
    case '*': return fromInt(x * y);
    case '/': return y === 0 ? UNKNOWN : fromInt(Math.trunc(x / y));
    case '%': return y === 0 ? UNKNOWN : fromInt(x % y);
    case '&': return fromInt(x & y);
    case '|': return fromInt(x | y);
    case '^': return fromInt(x ^ y);
    case '<<': return fromInt(x << y);
    case '>>': return fromInt(x >> y);
    default: return UNKNOWN;
  }
}

export function evaluate(e: Expr, frame: Frame, ctx: WorldContext, materialize: (name: string) => Value): Value {
  switch (e.k) {
    case 'int':
      return fromInt(e.value);
    case 'string':
      return UNKNOWN;
    case 'temp':
      return frame.regs[`t${e.id}`] ?? UNKNOWN;
    case 'name':
      if (e.scope === 'function') return `&${e.name}`;
      // An errno is some positive number: `-ENOMEM` must read as a failure, not as unknown.
      if (e.scope === 'constant') {
        // A constant is one value, however large: the cap on computed values (see fromInt) is there to
        // stop counters from making ever new states, and a constant makes none.
        const known = ctx.scenario.constants?.get(e.name) ?? KERNEL_CONSTANTS[e.name];
        if (known !== undefined) return String(known);
        return /^E[A-Z0-9]+$/.test(e.name) ? '12' : UNKNOWN;
      }
      if (e.scope === 'global') return UNKNOWN;
      return readRegister(frame, e.name, materialize);
    case 'addr': {
      if (e.arg.k === 'name' && e.arg.scope === 'function') return `&${e.arg.name}`;
      const location = locationOf(e.arg, frame, ctx, materialize);
      return location === undefined ? UNKNOWN : `@${location.replace(/\.\*$/, '')}`;
    }
    case 'field':
    case 'index':
      // Only thread-private aggregates reach here; their members are not tracked.
      return UNKNOWN;
    case 'deref':
      return UNKNOWN;
    case 'unary': {
      const v = evaluate(e.arg, frame, ctx, materialize);
      if (e.op === '!') return v === UNKNOWN ? UNKNOWN : v === NULL ? '1' : '0';
      const n = toInt(v);
      if (n === undefined) return UNKNOWN;
      return e.op === '-' ? fromInt(-n) : e.op === '~' ? fromInt(~n) : fromInt(n);
    }
    case 'binary': {
      const a = evaluate(e.left, frame, ctx, materialize);
      const b = evaluate(e.right, frame, ctx, materialize);
      if (e.op === '&&') return a === NULL || b === NULL ? '0' : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : '1';
      if (e.op === '||') return (a !== NULL && a !== UNKNOWN) || (b !== NULL && b !== UNKNOWN) ? '1' : a === UNKNOWN || b === UNKNOWN ? UNKNOWN : '0';
      if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) return compare(e.op, a, b);
      return arithmetic(e.op, a, b);
    }
    case 'ternary': {
      const test = evaluate(e.test, frame, ctx, materialize);
      if (test === UNKNOWN) return UNKNOWN;
      return evaluate(test !== NULL ? e.then : e.else, frame, ctx, materialize);
    }
    case 'opaque':
      return UNKNOWN;
  }
}

/** The register an expression reads, when it is a plain register. */
function registerOf(e: Expr): string | undefined {
  if (e.k === 'temp') return `t${e.id}`;
  if (e.k === 'name' && (e.scope === 'local' || e.scope === 'param')) return e.name;
  return undefined;
}

/**
 * What taking one way of an undecided branch pins down: `!p` taken says p is NULL, `if (err)` taken
 * says err is not zero (a failed probe is then known to fail), `x == 3` says x is 3, and an unsigned
 * `x > 0` not taken says x is 0. Without it a path that just learnt `num <= 0` would still run a
 * loop `i < num`, and a driver that bounds its request by what it has would be blamed for asking for
 * more. Only exact values and "not zero" are kept: nothing else is representable.
 */
export function refine(cond: Expr, taken: boolean, frame: Frame, isUnsigned: (register: string) => boolean): Record<string, Value> {
  const known = (e: Expr): number | undefined => {
    if (e.k === 'int') return e.value;
    const register = registerOf(e);
    return register !== undefined ? toInt(frame.regs[register] ?? UNKNOWN) : undefined;
  };
  // A register the hidden lines assigned has no value yet: it gets an object when read (see
  // readRegister), and pinning it here would take that away.
  const unknownRegister = (e: Expr): string | undefined => {
    const register = registerOf(e);
    return register !== undefined && frame.regs[register] === UNKNOWN ? register : undefined;
  };
  if (cond.k === 'unary' && cond.op === '!') return refine(cond.arg, !taken, frame, isUnsigned);
  const register = unknownRegister(cond);
  if (register !== undefined) return { [register]: taken ? NONZERO : NULL };
  if (cond.k !== 'binary') return {};
  const sides: [Expr, Expr, string][] = [[cond.left, cond.right, cond.op], [cond.right, cond.left, MIRRORED[cond.op] ?? '']];
  for (const [variable, bound, op] of sides) {
    const name = unknownRegister(variable);
    const value = known(bound);
    if (name === undefined || value === undefined) continue;
    const equal = (op === '==' && taken) || (op === '!=' && !taken);
    if (value === 0 && ((op === '!=' && taken) || (op === '==' && !taken))) return { [name]: NONZERO };
    const atMostZero = value === 0 && ((op === '>' && !taken) || (op === '<=' && taken)) && isUnsigned(name);
    if (equal || atMostZero) return { [name]: fromInt(value) };
  }
  return {};
}

const MIRRORED: Readonly<Record<string, string>> = { '==': '==', '!=': '!=', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
