import type { BinaryOp, Expr } from '../model/program.js';
import { GAP_CALL, UNKNOWN_CALL } from '../parse/rebuild-c.js';
import type { BranchExits, CfgBuilder, OpBody } from './cfg-builder.js';
import { flatText, hasParseError, type SyntaxNode } from './c-syntax.js';
import { arraySizeName } from './constant-expr.js';
import {
  ALLOC_APIS, ATOMIC_GFP_FLAGS, BARRIER_APIS, BUG_APIS, ENTRY_OF_APIS, FREE_APIS, IDENTITY_WRAPPERS,
  LIST_APIS, LOCK_APIS, ORDERED_ACCESS_APIS, PAGEREF_APIS, SPAWN_APIS, UNEVALUATED_MACROS,
} from './kernel-api.js';

/**
 * Expressions to operations, in C's evaluation order: every call and every read of shared memory
 * (a field through a pointer, a global, a dereference) becomes an operation of its own; what stays
 * an `Expr` is arithmetic over locals, constants and the temporaries those operations produced.
 */

const BINARY_OPS = new Set<string>(['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '==', '!=', '<', '<=', '>', '>=']);
const COMPOUND_ASSIGN: Record<string, BinaryOp> = {
  '+=': '+', '-=': '-', '*=': '*', '/=': '/', '%=': '%', '<<=': '<<', '>>=': '>>', '&=': '&', '|=': '|', '^=': '^',
};

const opaque = (node: SyntaxNode): Expr => ({ k: 'opaque', text: flatText(node) });

/** An expression tree-sitter could only recover from an error: noted, and its value unknown. */
function unparsed(b: CfgBuilder, node: SyntaxNode): Expr {
  b.noteUnparsed(node);
  return opaque(node);
}

function calleeName(call: SyntaxNode): string | undefined {
  const fn = call.childForFieldName('function');
  return fn?.type === 'identifier' ? fn.text : undefined;
}

export function callArgs(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((n) => n.type !== 'comment') ?? [];
}

function parseNumber(text: string): number {
  const clean = text.replace(/[uUlL]+$/, '');
  const value = clean.startsWith('0x') || clean.startsWith('0X') ? parseInt(clean, 16) : parseInt(clean, 10);
  return Number.isFinite(value) ? value : 0;
}

/** Whether a location is thread-private: rooted at a local and reached without a pointer. */
function isLocalLocation(loc: Expr): boolean {
  switch (loc.k) {
    case 'name':
      return loc.scope === 'local' || loc.scope === 'param';
    case 'field':
      return !loc.arrow && isLocalLocation(loc.base);
    case 'index':
      return isLocalLocation(loc.base);
    default:
      return false;
  }
}

function rootIsGlobal(loc: Expr): boolean {
  return loc.k === 'name' && loc.scope === 'global';
}

function localName(loc: Expr): string {
  switch (loc.k) {
    case 'name':
      return loc.name;
    case 'field':
      return `${localName(loc.base)}.${loc.field}`;
    case 'index':
      return `${localName(loc.base)}[]`;
    default:
      return '?';
  }
}

export function nameExpr(b: CfgBuilder, name: string): Expr {
  if (name === 'NULL') return { k: 'int', value: 0 };
  if (name === 'true') return { k: 'int', value: 1 };
  if (name === 'false') return { k: 'int', value: 0 };
  return { k: 'name', name, scope: b.names.resolve(name) };
}

/** The location an lvalue denotes; pointers on the way are loaded, the location itself is not. */
export function lowerLocation(b: CfgBuilder, node: SyntaxNode): Expr {
  if (hasParseError(node)) return unparsed(b, node);
  switch (node.type) {
    case 'identifier':
      return nameExpr(b, node.text);
    case 'parenthesized_expression':
      return node.namedChildren[0] ? lowerLocation(b, node.namedChildren[0]) : opaque(node);
    case 'cast_expression':
      return lowerLocation(b, node.childForFieldName('value')!);
    case 'field_expression': {
      const argument = node.childForFieldName('argument')!;
      const field = node.childForFieldName('field')?.text ?? '?';
      const arrow = node.children.some((c) => c.type === '->');
      const base = arrow ? lowerValue(b, argument) : lowerLocation(b, argument);
      return { k: 'field', base, field, arrow };
    }
    case 'pointer_expression':
      if (node.children[0]?.type === '*') return { k: 'deref', arg: lowerValue(b, node.childForFieldName('argument')!) };
      return opaque(node);
    case 'subscript_expression': {
      const argument = node.childForFieldName('argument')!;
      const base = argument.type === 'identifier' || argument.type === 'field_expression'
        ? lowerLocation(b, argument) : lowerValue(b, argument);
      return { k: 'index', base, index: lowerValue(b, node.childForFieldName('index')!) };
    }
    default:
      return lowerValue(b, node);
  }
}

/** Reads a location: a register for thread-private ones, a load operation for shared memory. */
function readLocation(b: CfgBuilder, loc: Expr, node: SyntaxNode, order: 'plain' | 'once' | 'acquire' = 'plain'): Expr {
  if (loc.k === 'name' && loc.scope !== 'global') return loc;
  if (loc.k === 'opaque' || loc.k === 'temp' || loc.k === 'int') return loc;
  if (isLocalLocation(loc)) return loc;
  return b.load(loc, node, order);
}

/** Writes a location: an `assign` for thread-private ones, a `store` for shared memory. */
export function writeLocation(b: CfgBuilder, loc: Expr, value: Expr, node: SyntaxNode, order: 'plain' | 'once' | 'release' = 'plain'): void {
  if (isLocalLocation(loc)) {
    b.emit({ kind: 'assign', local: localName(loc), value }, node);
  } else {
    b.emit({ kind: 'store', target: loc, value, order, global: rootIsGlobal(loc) }, node);
  }
}

/** Evaluates an expression for its value. */
export function lowerValue(b: CfgBuilder, node: SyntaxNode): Expr {
  if (hasParseError(node)) return unparsed(b, node);
  switch (node.type) {
    case 'identifier': {
      const loc = nameExpr(b, node.text);
      return readLocation(b, loc, node);
    }
    case 'number_literal':
      return { k: 'int', value: parseNumber(node.text) };
    case 'char_literal':
      return { k: 'int', value: node.text.charCodeAt(1) || 0 };
    case 'true':
      return { k: 'int', value: 1 };
    case 'false':
    case 'null':
      return { k: 'int', value: 0 };
    case 'string_literal':
    case 'concatenated_string':
      return { k: 'string', value: node.text };
    case 'parenthesized_expression':
      return node.namedChildren[0] ? lowerValue(b, node.namedChildren[0]) : opaque(node);
    case 'cast_expression':
      return lowerValue(b, node.childForFieldName('value')!);
    case 'field_expression':
    case 'subscript_expression':
      return readLocation(b, lowerLocation(b, node), node);
    case 'pointer_expression': {
      const argument = node.childForFieldName('argument')!;
      if (node.children[0]?.type === '&') return { k: 'addr', arg: lowerLocation(b, argument) };
      return readLocation(b, { k: 'deref', arg: lowerValue(b, argument) }, node);
    }
    case 'unary_expression': {
      const op = node.children[0]?.type;
      const arg = lowerValue(b, node.childForFieldName('argument')!);
      return op === '!' || op === '-' || op === '~' || op === '+' ? { k: 'unary', op, arg } : arg;
    }
    case 'binary_expression': {
      const op = node.childForFieldName('operator')?.type ?? node.children[1]?.type ?? '';
      if (op === '&&' || op === '||') return valueOfCondition(b, node);
      const left = lowerValue(b, node.childForFieldName('left')!);
      const right = lowerValue(b, node.childForFieldName('right')!);
      return BINARY_OPS.has(op) ? { k: 'binary', op: op as BinaryOp, left, right } : { k: 'opaque', text: flatText(node) };
    }
    case 'conditional_expression':
      return valueOfChoice(b, node);
    case 'assignment_expression':
      return lowerAssignment(b, node);
    case 'update_expression':
      return lowerUpdate(b, node);
    case 'comma_expression':
      lowerValue(b, node.childForFieldName('left')!);
      return lowerValue(b, node.childForFieldName('right')!);
    case 'call_expression':
      return lowerCall(b, node);
    default:
      return opaque(node);
  }
}

function lowerAssignment(b: CfgBuilder, node: SyntaxNode): Expr {
  const op = node.childForFieldName('operator')?.type ?? node.children[1]?.type ?? '=';
  const leftNode = node.childForFieldName('left')!;
  const loc = lowerLocation(b, leftNode);
  let value = lowerValue(b, node.childForFieldName('right')!);
  const compound = COMPOUND_ASSIGN[op];
  if (compound) value = { k: 'binary', op: compound, left: readLocation(b, loc, leftNode), right: value };
  writeLocation(b, loc, value, node);
  return value;
}

function lowerUpdate(b: CfgBuilder, node: SyntaxNode): Expr {
  const argument = node.childForFieldName('argument')!;
  const increment = node.children.some((c) => c.type === '++');
  const prefix = node.children[0]?.type === '++' || node.children[0]?.type === '--';
  const loc = lowerLocation(b, argument);
  const old = readLocation(b, loc, argument);
  const updated: Expr = { k: 'binary', op: increment ? '+' : '-', left: old, right: { k: 'int', value: 1 } };
  writeLocation(b, loc, updated, node);
  return prefix ? updated : old;
}

/** A short-circuit or conditional value: branches that set a temporary on each path. */
function valueOfCondition(b: CfgBuilder, node: SyntaxNode): Expr {
  const temp = `#${b.newTemp()}`;
  const exits = lowerCondition(b, node);
  b.pending = exits.t;
  b.emit({ kind: 'assign', local: temp, value: { k: 'int', value: 1 } }, node, `${temp} = 1`);
  const fromTrue = b.pending;
  b.pending = exits.f;
  b.emit({ kind: 'assign', local: temp, value: { k: 'int', value: 0 } }, node, `${temp} = 0`);
  b.pending = [...fromTrue, ...b.pending];
  return { k: 'name', name: temp, scope: 'local' };
}

function valueOfChoice(b: CfgBuilder, node: SyntaxNode): Expr {
  const temp = `#${b.newTemp()}`;
  const exits = lowerCondition(b, node.childForFieldName('condition')!);
  b.pending = exits.t;
  const consequence = node.childForFieldName('consequence');
  b.emit({ kind: 'assign', local: temp, value: consequence ? lowerValue(b, consequence) : { k: 'int', value: 1 } }, node);
  const fromTrue = b.pending;
  b.pending = exits.f;
  b.emit({ kind: 'assign', local: temp, value: lowerValue(b, node.childForFieldName('alternative')!) }, node);
  b.pending = [...fromTrue, ...b.pending];
  return { k: 'name', name: temp, scope: 'local' };
}

/** Lowers a condition into branches, keeping C's short-circuit order; `loop` marks the test of a loop. */
export function lowerCondition(b: CfgBuilder, node: SyntaxNode, loop = false): BranchExits {
  if (hasParseError(node)) return b.branch(unparsed(b, node), node, loop);
  switch (node.type) {
    case 'parenthesized_expression':
      return node.namedChildren[0] ? lowerCondition(b, node.namedChildren[0], loop) : b.branch(opaque(node), node, loop);
    case 'unary_expression':
      if (node.children[0]?.type === '!') {
        const inner = lowerCondition(b, node.childForFieldName('argument')!, loop);
        return { t: inner.f, f: inner.t };
      }
      break;
    case 'binary_expression': {
      const op = node.childForFieldName('operator')?.type ?? node.children[1]?.type;
      if (op === '&&' || op === '||') {
        const left = lowerCondition(b, node.childForFieldName('left')!, loop);
        b.pending = op === '&&' ? left.t : left.f;
        const right = lowerCondition(b, node.childForFieldName('right')!, loop);
        return op === '&&' ? { t: right.t, f: [...left.f, ...right.f] } : { t: [...left.t, ...right.t], f: right.f };
      }
      break;
    }
    case 'number_literal': {
      const taken = parseNumber(node.text) !== 0;
      const exits = b.pending;
      b.pending = [];
      return taken ? { t: exits, f: [] } : { t: [], f: exits };
    }
    case 'call_expression': {
      const name = calleeName(node);
      const args = callArgs(node);
      if (name && IDENTITY_WRAPPERS.has(name) && args[0]) return lowerCondition(b, args[0], loop);
      if (name === UNKNOWN_CALL) return b.branch({ k: 'opaque', text: 'hidden condition' }, node, loop, 'condition in lines the patch does not show');
      const bug = name ? BUG_APIS[name] : undefined;
      if (name && bug?.returnsCondition && args[0]) {
        const inner = lowerCondition(b, args[0], loop);
        b.pending = inner.t;
        b.emit({ kind: 'bug', api: name, level: bug.level }, node);
        const t = b.pending;
        b.pending = [];
        return { t, f: inner.f };
      }
      break;
    }
    default:
      break;
  }
  return b.branch(lowerValue(b, node), node, loop);
}

function lowerCall(b: CfgBuilder, node: SyntaxNode): Expr {
  const name = calleeName(node);
  const args = callArgs(node);
  if (name === undefined) {
    const target = lowerValue(b, node.childForFieldName('function')!);
    const values = args.map((a) => lowerValue(b, a));
    const dest = b.newTemp();
    b.emit({ kind: 'call', target, args: values, dest }, node);
    return { k: 'temp', id: dest };
  }
  if (name === GAP_CALL) {
    args.slice(1).forEach((a) => lowerValue(b, a));
    b.emit({ kind: 'gap', ...gapSpan(b, args[0]) }, node, 'lines the patch does not show');
    return { k: 'opaque', text: 'hidden value' };
  }
  if (name === UNKNOWN_CALL) return { k: 'opaque', text: 'hidden condition' };
  if (name === 'ARRAY_SIZE' && args.length === 1) {
    const array = args[0]!;
    const field = array.type === 'field_expression' ? array.childForFieldName('field')?.text : undefined;
    if (field) return { k: 'name', name: arraySizeName(field, true), scope: 'constant' };
    if (array.type === 'identifier') return { k: 'name', name: arraySizeName(array.text, false), scope: 'constant' };
  }
  if (UNEVALUATED_MACROS.has(name)) return opaque(node);
  if (IDENTITY_WRAPPERS.has(name) || ENTRY_OF_APIS.has(name)) return args[0] ? lowerValue(b, args[0]) : opaque(node);
  return lowerApiCall(b, node, name, args) ?? lowerPlainCall(b, node, name, args);
}

function gapSpan(b: CfgBuilder, idNode: SyntaxNode | undefined): { reason: 'between-hunks' | 'before-hunk' | 'after-hunk'; newFrom?: number; newTo?: number; oldFrom?: number; oldTo?: number; exits?: boolean; exitsOnly?: boolean; closesOnly?: boolean } {
  const gap = b.source.gaps[idNode ? parseNumber(idNode.text) : -1];
  if (!gap) return { reason: 'between-hunks' };
  const { id: _id, reason, ...span } = gap;
  return { reason: reason === 'unparsed' ? 'between-hunks' : reason, ...span };
}

function lowerPlainCall(b: CfgBuilder, node: SyntaxNode, name: string, args: SyntaxNode[]): Expr {
  const values = args.map((a) => (a.type === 'identifier' && b.names.resolve(a.text) === 'function'
    ? { k: 'name', name: a.text, scope: 'function' } as Expr : lowerValue(b, a)));
  const dest = b.newTemp();
  b.emit({ kind: 'call', callee: name, args: values, dest }, node);
  return { k: 'temp', id: dest };
}

function gfpFlags(node: SyntaxNode | undefined): string[] {
  return node ? node.text.split(/[|()\s]+/).filter((f) => /^_*[A-Z][A-Z0-9_]*$/.test(f)) : [];
}

/**
 * An acquire that a signal can cut short: either it takes the lock and yields 0, or it yields -errno
 * without the lock. Both are paths, so the caller's error path is reachable and holds nothing.
 */
function lowerInterruptibleAcquire(b: CfgBuilder, node: SyntaxNode, acquire: Extract<OpBody, { kind: 'lock' }>, errno: string): Expr {
  const result = `#${b.newTemp()}`;
  const exits = b.branch({ k: 'opaque', text: `${acquire.api} interrupted` }, node, false, `${acquire.api} may be interrupted by a signal`);
  b.pending = exits.f;
  b.emit(acquire, node);
  b.emit({ kind: 'assign', local: result, value: { k: 'int', value: 0 } }, node, `${result} = 0`);
  const acquired = b.pending;
  b.pending = exits.t;
  const failure: Expr = { k: 'unary', op: '-', arg: { k: 'name', name: errno, scope: 'constant' } };
  b.emit({ kind: 'assign', local: result, value: failure }, node, `${result} = -${errno}`);
  b.pending = [...acquired, ...b.pending];
  return { k: 'name', name: result, scope: 'local' };
}

/** Calls the kernel API tables know; undefined for any other call. */
function lowerApiCall(b: CfgBuilder, node: SyntaxNode, name: string, args: SyntaxNode[]): Expr | undefined {
  const lockApi = LOCK_APIS[name];
  if (lockApi) {
    const lockArg = lockApi.lockArg >= 0 ? args[lockApi.lockArg] : undefined;
    const lock: Expr = lockArg ? lowerValue(b, lockArg) : { k: 'name', name: 'rcu', scope: 'global' };
    const { lockArg: _arg, interruptedWith, ...rest } = lockApi;
    if (interruptedWith !== undefined) return lowerInterruptibleAcquire(b, node, { kind: 'lock', api: name, ...rest, lock }, interruptedWith);
    const dest = lockApi.action === 'try' ? b.newTemp() : undefined;
    b.emit({ kind: 'lock', api: name, ...rest, lock, ...(dest !== undefined ? { dest } : {}) }, node);
    return dest !== undefined ? { k: 'temp', id: dest } : { k: 'int', value: 0 };
  }
  const listApi = LIST_APIS[name];
  if (listApi) {
    const entry = listApi.entryArg !== undefined && args[listApi.entryArg] ? lowerValue(b, args[listApi.entryArg]!) : undefined;
    const head = listApi.headArg !== undefined && args[listApi.headArg] ? lowerValue(b, args[listApi.headArg]!) : undefined;
    const dest = listApi.returns ? b.newTemp() : undefined;
    b.emit({ kind: 'list', api: name, action: listApi.action, ...(entry ? { entry } : {}), ...(head ? { head } : {}), ...(dest !== undefined ? { dest } : {}) }, node);
    return dest !== undefined ? { k: 'temp', id: dest } : { k: 'int', value: 0 };
  }
  const alloc = ALLOC_APIS[name];
  if (alloc) {
    const flagsNode = alloc.flagsArg >= 0 ? args[alloc.flagsArg] : undefined;
    const flags = gfpFlags(flagsNode);
    const dest = b.newTemp();
    b.emit({ kind: 'alloc', api: name, what: alloc.what, dest, flags, sleeps: !flags.some((f) => ATOMIC_GFP_FLAGS.has(f)) }, node);
    return { k: 'temp', id: dest };
  }
  const free = FREE_APIS[name];
  if (free) {
    const target = args[free.arg] ? lowerValue(b, args[free.arg]!) : opaque(node);
    b.emit({ kind: 'free', api: name, what: free.what, target }, node);
    return { k: 'int', value: 0 };
  }
  const pageRef = PAGEREF_APIS[name];
  if (pageRef) {
    const page = args[0] ? lowerValue(b, args[0]) : opaque(node);
    const dest = pageRef.returns ? b.newTemp() : undefined;
    b.emit({ kind: 'pageref', api: name, action: pageRef.action, page, ...(dest !== undefined ? { dest } : {}) }, node);
    return dest !== undefined ? { k: 'temp', id: dest } : { k: 'int', value: 0 };
  }
  const barrier = BARRIER_APIS[name];
  if (barrier) {
    b.emit({ kind: 'barrier', api: name, ...barrier }, node);
    return { k: 'int', value: 0 };
  }
  const access = ORDERED_ACCESS_APIS[name];
  if (access && args[0]) {
    const loc = access.deref ? { k: 'deref', arg: lowerValue(b, args[0]) } as Expr : lowerLocation(b, args[0]);
    if (access.access === 'load') {
      if (isLocalLocation(loc)) return loc;
      return b.load(loc, node, access.order === 'release' ? 'plain' : access.order);
    }
    const value = args[1] ? lowerValue(b, args[1]) : { k: 'int', value: 0 } as Expr;
    writeLocation(b, loc, value, node, access.order === 'acquire' ? 'plain' : access.order);
    return value;
  }
  const bug = BUG_APIS[name];
  if (bug) {
    if (!bug.hasCondition || !args[0]) {
      b.emit({ kind: 'bug', api: name, level: bug.level }, node);
      return { k: 'int', value: 0 };
    }
    if (bug.returnsCondition) {
      const exits = lowerCondition(b, node);
      b.pending = [...exits.t, ...exits.f];
      return { k: 'opaque', text: flatText(args[0]) };
    }
    const exits = lowerCondition(b, args[0]);
    b.pending = exits.t;
    b.emit({ kind: 'bug', api: name, level: bug.level }, node);
    b.pending = exits.f;
    return { k: 'int', value: 0 };
  }
  const spawn = SPAWN_APIS[name];
  if (spawn) {
    const fnNode = args[spawn.fnArg];
    const fn: Expr = fnNode?.type === 'identifier' ? { k: 'name', name: fnNode.text, scope: 'function' } : fnNode ? lowerValue(b, fnNode) : opaque(node);
    const arg = args[spawn.dataArg] ? lowerValue(b, args[spawn.dataArg]!) : undefined;
    const dest = b.newTemp();
    b.emit({ kind: 'spawn', api: name, fn, ...(arg ? { arg } : {}), dest }, node);
    return { k: 'temp', id: dest };
  }
  return undefined;
}
