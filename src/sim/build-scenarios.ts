import type { FunctionProgram, ObjectDecl } from '../model/program.js';
import type { SeriesProgram } from '../extract/extract-patch.js';
import { holdsInFullConfig } from '../extract/config-condition.js';
import { extractModel, type ModelProgram } from '../extract/extract-model.js';
import { macroValues } from '../extract/constant-expr.js';
import { BUS_DEVICE_TYPES, DRIVER_ROLE_FIELDS, KERNEL_CONSTANTS, THREAD_STOP_APIS } from '../extract/kernel-api.js';
import { notModelled } from './not-modelled.js';
import { V38_MM_MODEL, V38_MM_MODEL_FILE } from './models/v38-mm.js';
import { MODEL_MAPPING_GLOBAL, V7_MM_MODEL, V7_MM_MODEL_FILE } from './models/v7-mm.js';
import type { Actor, ArgSpec, GlobalInit, Scenario, ScriptStep } from './scenario.js';

/**
 * Finds what each function of the patch is for — from how the code registers it (driver structs,
 * ops tables, kthreads) and from what it does (allocate pages onto a list, take pages off it) but
 * never from its name — and builds the scenarios a reviewer would want raced.
 */

export interface ScenarioOptions {
  pages: number;
  secondDevice: boolean;
  relaxedStores: boolean;
}

export interface Roles {
  probe?: FunctionProgram;
  remove?: FunctionProgram;
  inflate?: FunctionProgram;
  deflate?: FunctionProgram;
  /** The kernel thread the driver starts that runs both inflate and deflate: they never overlap. */
  thread?: FunctionProgram;
  /** Remove stops that thread (and waits for it) before it does anything else that races. */
  removeStopsThread?: boolean;
  /** Functions an ops table points to: the mm side calls them through it. */
  callbacks: FunctionProgram[];
}

const CORE_PATH = /^(mm|kernel|lib|arch|init|block|include)\//;

const baseType = (type: string): string => type.replace(/\*/g, '').replace(/\bconst\b/g, '').replace(/\s+/g, ' ').trim();

function takesBusDevice(fn: FunctionProgram): boolean {
  return fn.params.length === 1 && BUS_DEVICE_TYPES.has(baseType(fn.params[0]!.type)) && fn.params[0]!.type.includes('*');
}

type OpTest = (op: FunctionProgram['ops'][number]) => boolean;

/** Whether `fn`, or a function it calls, does what `test` looks for: a 3.8 driver allocates its pages through the API. */
function reaches(fn: FunctionProgram, test: OpTest, callees: ReadonlyMap<string, FunctionProgram>, seen = new Set<string>()): boolean {
  if (seen.has(fn.name)) return false;
  seen.add(fn.name);
  return fn.ops.some((op) => {
    if (test(op)) return true;
    const callee = op.kind === 'call' && op.callee ? callees.get(op.callee) : undefined;
    return callee !== undefined && reaches(callee, test, callees, seen);
  });
}

function findRoles(functions: FunctionProgram[], objects: ObjectDecl[], callees: ReadonlyMap<string, FunctionProgram>): Roles {
  const has = (fn: FunctionProgram, test: OpTest): boolean => reaches(fn, test, callees);
  const byName = new Map(functions.map((f) => [f.name, f]));
  const registered = new Map<string, 'probe' | 'remove'>();
  const callbacks = new Set<string>();
  for (const object of objects) {
    for (const [field, target] of Object.entries(object.fields ?? {})) {
      const role = DRIVER_ROLE_FIELDS[field];
      if (role) registered.set(target, role);
      else if (byName.has(target)) callbacks.add(target);
    }
  }
  const module = functions.filter((f) => !CORE_PATH.test(f.file));
  const roleOf = (fn: FunctionProgram): 'probe' | 'remove' | undefined => {
    const explicit = registered.get(fn.name);
    if (explicit) return explicit;
    if (!takesBusDevice(fn)) return undefined;
    if (fn.returnType.trim() === 'int' && has(fn, (op) => op.kind === 'alloc' || (op.kind === 'list' && op.action === 'init'))) return 'probe';
    if (fn.returnType.trim() === 'void' && has(fn, (op) => op.kind === 'free')) return 'remove';
    return undefined;
  };
  const probe = module.find((f) => roleOf(f) === 'probe');
  const remove = module.find((f) => roleOf(f) === 'remove');
  // A function the driver runs as a kernel thread is where inflate and deflate are called from, not either of them.
  const spawned = new Set(functions.flatMap((f) => f.ops.flatMap((op) => (op.kind === 'spawn' && op.fn.k === 'name' ? [op.fn.name] : []))));
  const workers = module.filter((f) => f.changed && f !== probe && f !== remove && !callbacks.has(f.name) && !spawned.has(f.name));
  const inflate = workers.find((f) => has(f, (op) => op.kind === 'alloc' && op.what === 'page') && has(f, (op) => op.kind === 'list' && (op.action === 'add' || op.action === 'add_tail')));
  const deflate = workers.find((f) => f !== inflate && has(f, (op) => op.kind === 'list' && (op.action === 'first_entry' || op.action === 'del' || op.action === 'del_init')));
  const roles: Roles = { callbacks: module.filter((f) => callbacks.has(f.name)) };
  if (probe) roles.probe = probe;
  if (remove) roles.remove = remove;
  if (inflate) roles.inflate = inflate;
  if (deflate) roles.deflate = deflate;
  const calls = (fn: FunctionProgram, target: FunctionProgram): boolean => has(fn, (op) => op.kind === 'call' && op.callee === target.name);
  const thread = inflate && deflate ? module.find((f) => spawned.has(f.name) && calls(f, inflate) && calls(f, deflate)) : undefined;
  if (thread) {
    roles.thread = thread;
    if (remove && has(remove, (op) => op.kind === 'call' && op.callee !== undefined && THREAD_STOP_APIS.has(op.callee))) roles.removeStopsThread = true;
  }
  return roles;
}

/**
 * The model names the mm-side global that identifies balloon pages the way the v7 hooks do. A driver
 * that calls it something else is bound by type instead: its one global `struct address_space *`.
 */
function bindModelGlobals(model: string, objects: readonly ObjectDecl[]): string {
  if (objects.some((o) => o.name === MODEL_MAPPING_GLOBAL)) return model;
  const candidates = [...new Set(objects.filter((o) => o.isPointer && baseType(o.type) === 'struct address_space').map((o) => o.name))];
  return candidates.length === 1 ? model.replace(new RegExp(`\\b${MODEL_MAPPING_GLOBAL}\\b`, 'g'), candidates[0]!) : model;
}

/** The 3.8 API's entry points: the model's functions that are not `static`, read off its text (lowering the whole model to find out costs a parse). */
const V38_API: ReadonlySet<string> = new Set([...V38_MM_MODEL.matchAll(/^(?!static\b)[a-z][\w\s]*?\**\b(\w+)\(/gm)].map((m) => m[1]!));

/**
 * The mm side the driver was written against: the era whose API it calls (3.8's
 * `balloon_page_enqueue()` and friends), else the v7 hooks, which call the driver and are called
 * by nothing in it.
 */
function chooseModel(seriesFunctions: ReadonlyMap<string, FunctionProgram>, objects: readonly ObjectDecl[]): ModelProgram {
  const scope = { globals: new Set(objects.map((o) => o.name)), functions: new Set(seriesFunctions.keys()) };
  const called = [...seriesFunctions.values()].flatMap((fn) => fn.ops.flatMap((op) => (op.kind === 'call' && op.callee ? [op.callee] : [])));
  if (called.some((name) => V38_API.has(name))) return extractModel(V38_MM_MODEL_FILE, V38_MM_MODEL, scope);
  return extractModel(V7_MM_MODEL_FILE, bindModelGlobals(V7_MM_MODEL, objects), scope);
}

/**
 * The balloon moves by every page the scenario has: how many pages to take or give is the one
 * number inflate and deflate are asked for, and leaving it unknown would have the model run a
 * loop bounded by it past the bound the driver itself checked.
 */
function argsFor(fn: FunctionProgram, device: number, roles: Roles, pages: number): ArgSpec[] {
  return fn.params.map((p): ArgSpec => {
    if (fn === roles.probe || fn === roles.remove) return { kind: 'device-core', device };
    if (p.type.includes('*')) return { kind: 'device-object', device, type: baseType(p.type) };
    if ((fn === roles.inflate || fn === roles.deflate) && INTEGER_TYPE.test(p.type)) return { kind: 'value', value: String(pages) };
    return { kind: 'unknown' };
  });
}

const INTEGER_TYPE = /\b(int|long|size_t|unsigned|u8|u16|u32|u64|s32|s64)\b/;

function globalsOf(objects: ObjectDecl[]): GlobalInit[] {
  const seen = new Map<string, GlobalInit>();
  for (const o of objects) {
    if (o.anchor.origin === 'removed') continue;
    const isObject = !o.isPointer && (o.lockClass !== undefined || o.fields !== undefined || /^(struct|union)\b/.test(o.type));
    const init: GlobalInit = { name: o.name, isObject, type: baseType(o.type) };
    if (o.fields) init.fields = o.fields;
    if (o.lockClass) init.lockClass = o.lockClass;
    if (!seen.has(o.name) || o.definition) seen.set(o.name, init);
  }
  return [...seen.values()];
}

type CallStep = Extract<ScriptStep, { do: 'call' }>;

/** What every scenario of a series is made of: its programs, globals, roles and actors. */
interface Parts {
  roles: Roles;
  base: (name: string, description: string, setup: ScriptStep[], actors: Actor[], devices?: number, relaxed?: boolean) => Scenario;
  call: (fn: FunctionProgram, device: number, count: number) => CallStep;
  compaction: Actor;
}

function partsOf(series: SeriesProgram, options: ScenarioOptions): Parts {
  const newFiles = series.patches.flatMap((p) => p.files.filter((f) => f.side === 'new'));
  const seriesFunctions = new Map<string, FunctionProgram>();
  const notes: string[] = [];
  for (const file of newFiles) {
    for (const fn of file.functions) {
      const earlier = seriesFunctions.get(fn.name);
      // A later patch that shows only part of a function an earlier one showed whole would put a gap
      // where the earlier patch showed the code (its locks too): the whole one runs, and that is said.
      if (earlier?.complete && !fn.complete && earlier.file === fn.file) {
        if (fn.changed) notes.push(`${fn.name}: a later patch shows only part of it; it runs as an earlier patch of the series shows it whole, without the later changes`);
        continue;
      }
      // Of `#if FEATURE ... #else stub #endif`, the feature's definition is the one under review.
      if ((fn.conditions ?? []).every(holdsInFullConfig) || !earlier) seriesFunctions.set(fn.name, fn);
    }
  }
  const objects = newFiles.flatMap((f) => f.facts.objects);

  const model = chooseModel(seriesFunctions, objects);
  const functions = new Map<string, FunctionProgram>(model.functions.map((f) => [f.name, f]));
  for (const fn of seriesFunctions.values()) {
    const builtin = functions.get(fn.name);
    if (builtin && !fn.complete) {
      notes.push(`${fn.name}: the patch shows only part of it; the built-in model of it runs instead`);
      continue;
    }
    functions.set(fn.name, fn);
  }
  notes.push(...notModelled(functions));
  const moduleFunctions = new Set([...seriesFunctions.values()].filter((f) => !CORE_PATH.test(f.file)).map((f) => f.name));
  const globals = globalsOf([...model.facts.objects, ...objects]);
  const constants = macroValues(new Map(newFiles.flatMap((f) => [...Object.entries(f.facts.macros), ...Object.entries(f.facts.arrays)])), KERNEL_CONSTANTS);
  const roles = findRoles([...seriesFunctions.values()], objects, functions);
  return {
    roles,
    base: (name, description, setup, actors, devices = 1, relaxed = options.relaxedStores) => ({
      name, description, functions, moduleFunctions, globals, actors, devices, pages: options.pages,
      relaxedStores: relaxed, deferLoads: false, allocationsMayFail: false, notes: [...notes], constants,
      ...(setup.length > 0 ? { setup: { name: 'probe', device: 0, script: setup } } : {}),
    }),
    call: (fn, device, count) =>
      ({ do: 'call', fn: fn.name, args: argsFor(fn, device, roles, count), ...(fn === roles.probe ? { mustSucceed: true } : {}) }),
    compaction: { name: 'compaction', device: -1, script: [{ do: 'call', fn: 'compact_zone', args: [{ kind: 'unknown' }] }] },
  };
}

/** Every scenario worth racing for this series. */
export function buildScenarios(series: SeriesProgram, options: ScenarioOptions): Scenario[] {
  const { roles, base, call, compaction } = partsOf(series, options);
  const scenarios: Scenario[] = [];
  const setup: ScriptStep[] = [
    ...(roles.probe ? [call(roles.probe, 0, options.pages)] : []),
    ...(roles.inflate ? [call(roles.inflate, 0, options.pages)] : []),
  ];
  if (roles.deflate) {
    scenarios.push(base('deflate vs compaction', 'the balloon deflates while compaction isolates, migrates or puts back a balloon page',
      setup, [{ name: 'deflate', device: 0, script: [call(roles.deflate, 0, options.pages)] }, compaction]));
  }
  if (roles.inflate) {
    scenarios.push(base('inflate vs compaction', 'the balloon inflates while compaction migrates a balloon page',
      roles.probe ? [call(roles.probe, 0, options.pages)] : [], [{ name: 'inflate', device: 0, script: [call(roles.inflate, 0, options.pages)] }, compaction]));
  }
  if (roles.remove) {
    scenarios.push(base('compaction vs unload', 'the module is unloaded while compaction holds an isolated balloon page',
      setup, [compaction, { name: 'unload', device: 0, script: [call(roles.remove, 0, options.pages), { do: 'unload' }] }], 1, false));
  }
  if (roles.probe && options.secondDevice) {
    scenarios.push(base('second device', 'a second balloon device is probed while compaction works on the first one\'s pages',
      setup, [compaction, { name: 'second probe', device: 1, script: [call(roles.probe, 1, options.pages)] }], 2, false));
  }
  return scenarios;
}

/** The actors `kreview sim --threads` can put together. */
export const THREAD_ROLES = ['inflate', 'deflate', 'compaction', 'unload', 'second-probe'] as const;
export type ThreadRole = (typeof THREAD_ROLES)[number];

/**
 * One scenario with exactly the given threads, all at once, as a model checker would run them: the
 * device is probed and holds one page, and inflate and deflate move one page each (the other
 * frames are free for inflate and for migration targets). A role the series has no function for
 * is named in the error.
 */
export function buildThreadScenario(series: SeriesProgram, options: ScenarioOptions, threads: readonly ThreadRole[]): Scenario | { missing: ThreadRole } {
  const { roles, base, call, compaction } = partsOf(series, options);
  const actors: Actor[] = [];
  const compactions = threads.filter((t) => t === 'compaction').length;
  const playedBy: Record<Exclude<ThreadRole, 'compaction'>, FunctionProgram | undefined> = {
    inflate: roles.inflate, deflate: roles.deflate, unload: roles.remove, 'second-probe': roles.probe,
  };
  // Inflate and deflate of a driver that runs both from its kernel thread take turns on it; its
  // remove, stopping that thread first, starts once both are over.
  const onThread = (role: ThreadRole): boolean => roles.thread !== undefined && (role === 'inflate' || role === 'deflate');
  const threadActors = threads.flatMap((role, i) => (onThread(role) ? [i] : []));
  for (const role of threads) {
    if (role === 'compaction') {
      const nth = actors.filter((a) => a.script === compaction.script).length + 1;
      actors.push({ ...compaction, name: compactions > 1 ? `compaction ${nth}` : 'compaction' });
      continue;
    }
    const fn = playedBy[role];
    if (!fn) return { missing: role };
    const device = role === 'second-probe' ? 1 : 0;
    const step = call(fn, device, 1);
    const script: ScriptStep[] = [onThread(role) ? { ...step, exclusive: roles.thread!.name } : step];
    if (role === 'unload') {
      if (roles.removeStopsThread && threadActors.length > 0) script.unshift({ do: 'join', actors: threadActors });
      script.push({ do: 'unload' });
    }
    actors.push({ name: role.replace('-', ' '), device, script });
  }
  const setup: ScriptStep[] = [
    ...(roles.probe ? [call(roles.probe, 0, 1)] : []),
    ...(roles.inflate ? [call(roles.inflate, 0, 1)] : []),
  ];
  const scenario = base(threads.join(', '), `${threads.join(', ')}, all at once`, setup, actors, threads.includes('second-probe') ? 2 : 1);
  if (threadActors.length > 0) {
    const stops = roles.removeStopsThread && threads.includes('unload') ? '; unload stops it first' : '';
    scenario.notes.push(`${threadActors.map((i) => threads[i]).join(' and ')} run on the driver's thread ${roles.thread!.name}(), one at a time${stops}`);
  }
  return scenario;
}

/** One scenario per function that takes a lock: the function alone, every path, for lock balance. */
export function buildSoloScenarios(series: SeriesProgram, functions: ReadonlyMap<string, FunctionProgram>): Scenario[] {
  const changed = series.patches.flatMap((p) => p.files.filter((f) => f.side === 'new').flatMap((f) => f.functions))
    .filter((f) => f.changed && f.ops.some((op) => op.kind === 'lock' && op.action !== 'init'));
  return changed.map((fn) => ({
    name: `${fn.name} alone`,
    description: `every path through ${fn.name}`,
    functions,
    moduleFunctions: new Set<string>(),
    globals: [],
    actors: [{ name: fn.name, device: 0, script: [{ do: 'call' as const, fn: fn.name, args: fn.params.map((): ArgSpec => ({ kind: 'unknown' })) }] }],
    devices: 1,
    pages: 1,
    relaxedStores: false,
    deferLoads: false,
    allocationsMayFail: true,
    notes: notModelled(functions, [fn.name]),
    checks: ['lock-leak', 'bad-unlock', 'deadlock', 'sleep-in-atomic'],
  }));
}
