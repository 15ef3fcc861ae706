import type { Finding } from '../model/finding.js';
import type { Expr, FunctionProgram, Op, OpOf } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import { byLocation, findingAt, lineOf, relatedAt } from './finding-at.js';
import { FIELD_INIT_CALLS } from './kernel-types.js';
import {
  isAdded, loadedGlobal, locationText, objectBase, opsOfKind, postImages, producersOf, type Producers, reachableAfter,
  storedGlobal,
} from './program-query.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * publish-before-init: a freshly allocated object is stored where other threads find it (a global,
 * or a member of an object a global points to) before its fields are initialised. A reader on
 * another CPU that loads the pointer in between dereferences a half-initialised object: garbage
 * function pointers, an uninitialised lock, an empty-looking list with wild pointers.
 *
 * Confidence: high. Known false positives: publication and initialisation both under a lock that
 * every reader takes.
 */

const meta: RuleMeta = {
  id: 'publish-before-init',
  severity: 'error',
  source: 'program',
  summary: 'A new object is made reachable through a global before its fields are initialised.',
  fix: 'Initialise the object through a local pointer and publish it last, with `smp_store_release()` or '
    + '`rcu_assign_pointer()` if readers take no lock.',
};

/** Where a store makes its value visible to other threads: the global it writes, directly or through one. */
function sharedTarget(target: Expr, producers: Producers): string | undefined {
  const base = objectBase(target);
  return storedGlobal(target) ?? (base ? loadedGlobal(base, producers) : undefined);
}

/** The allocation a stored value is: its temporary, or a local every visible assignment gives that temporary. */
function allocationOf(fn: FunctionProgram, producers: Producers, value: Expr): OpOf<'alloc'> | undefined {
  if (value.k === 'temp') {
    const op = producers.get(value.id);
    return op?.kind === 'alloc' ? op : undefined;
  }
  if (value.k !== 'name' || value.scope !== 'local') return undefined;
  const sources = opsOfKind(fn, 'assign').filter((a) => a.local === value.name)
    .map((a) => (a.value.k === 'temp' ? producers.get(a.value.id) : undefined));
  const first = sources[0];
  return first?.kind === 'alloc' && sources.every((s) => s === first) ? first : undefined;
}

/** The expression whose object an initialising operation writes. */
function initialised(op: Op): Expr | undefined {
  switch (op.kind) {
    case 'store':
      return objectBase(op.target);
    case 'list':
      return op.action === 'init' && op.head ? objectBase(op.head) ?? op.head : undefined;
    case 'lock':
      return op.action === 'init' ? objectBase(op.lock) ?? op.lock : undefined;
    case 'call': {
      const first = op.args[0];
      return op.callee !== undefined && FIELD_INIT_CALLS.has(op.callee) && first ? objectBase(first) ?? first : undefined;
    }
    default:
      return undefined;
  }
}

/** "line 475" or "lines 475-478" or "lines 470, 475-478". */
function linesText(lines: readonly number[]): string {
  const ranges: [number, number][] = [];
  for (const line of lines) {
    const last = ranges.at(-1);
    if (last && line === last[1] + 1) last[1] = line;
    else ranges.push([line, line]);
  }
  const text = ranges.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(', ');
  return `line${lines.length === 1 ? '' : 's'} ${text}`;
}

/**
 * The operations after `store` that initialise the object it published. Until the location is
 * stored again or a new object allocated, loads of the published location and the locals that held
 * the allocation all name this object.
 */
function initialisationsAfter(fn: FunctionProgram, store: OpOf<'store'>, alloc: OpOf<'alloc'>): Op[] {
  const published = locationText(store.target);
  const overwrites = (op: Op): boolean => op.id === alloc.id || (op.kind === 'store' && locationText(op.target) === published);
  const after = reachableAfter(fn, store, overwrites);
  const reloads = after.flatMap((op) => (op.kind === 'load' && locationText(op.source) === published ? [op.dest] : []));
  const temps = new Set([alloc.dest, ...reloads]);
  const locals = new Set(opsOfKind(fn, 'assign').filter((a) => a.value.k === 'temp' && a.value.id === alloc.dest).map((a) => a.local));
  const isObject = (e: Expr | undefined): boolean =>
    (e?.k === 'temp' && temps.has(e.id)) || (e?.k === 'name' && e.scope === 'local' && locals.has(e.name));
  return after.filter((op) => isObject(initialised(op))).sort((a, b) => lineOf(a.anchor) - lineOf(b.anchor) || a.id - b.id);
}

function findingsIn(context: RuleContext, fn: FunctionProgram): Finding[] {
  const producers = producersOf(fn);
  return opsOfKind(fn, 'store').filter((store) => isAdded(store.anchor)).flatMap((store) => {
    const alloc = sharedTarget(store.target, producers) === undefined ? undefined : allocationOf(fn, producers, store.value);
    const inits = alloc ? initialisationsAfter(fn, store, alloc) : [];
    if (!alloc || inits.length === 0) return [];
    const published = locationText(store.target);
    const lines = [...new Set(inits.map((op) => lineOf(op.anchor)))];
    return [findingAt(context, meta, store.anchor, {
      message: `\`${published}\` points at the object ${alloc.api}() returns before its fields are initialised (${linesText(lines)}): `
        + `another CPU that reads \`${published}\` in between dereferences a half-initialised object.`,
      fix: `Initialise the object through a local pointer and store it in \`${published}\` last, `
        + 'with `smp_store_release()` or `rcu_assign_pointer()` if readers take no lock.',
      function: fn.name,
      related: inits.map((op) => relatedAt(op.anchor, `initialises the object after it was published: \`${op.text}\``)),
    })];
  });
}

function check(context: RuleContext): Finding[] {
  return byLocation(postImages(context.program).flatMap((file) => file.functions).flatMap((fn) => findingsIn(context, fn)));
}

export const publishBeforeInit: Rule = { meta, check };
