import type { Finding } from '../model/finding.js';
import type { Expr, FileProgram, FunctionProgram, ObjectDecl, OpOf } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import { BUS_DEVICE_TYPES, DRIVER_ROLE_FIELDS } from '../extract/kernel-api.js';
import { byLocation, findingAt, lineOf, relatedAt } from './finding-at.js';
import { PROBE_ID_TYPES } from './kernel-types.js';
import {
  isAdded, loadedGlobal, objectBase, operandsOf, opsOfKind, postImages, producersOf, type Producers,
  seriesPostImages, storedGlobal,
} from './program-query.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * multi-device-global: a probe function keeps per-device state in a file-scope global. Probe runs
 * once per device the driver binds; the second device overwrites the first one's pointer, and every
 * callback that reads the global then works on the wrong device (or on freed memory after the first
 * device goes away).
 *
 * A probe is found by its registration (`.probe = f` in a driver structure) or, when the patch does
 * not show one, by its signature: `int f(struct virtio_device *)` or another bus device type of the
 * extractor's table, plus the id-table argument some buses pass. A value is per-device when the
 * probe allocated it, derived it from the device, or treats it as the device's private state
 * (writes the device into it, or initialises its fields).
 *
 * Confidence: high. Known false positives: drivers that support one device by design and refuse a
 * second one elsewhere than in the probe itself.
 */

const meta: RuleMeta = {
  id: 'multi-device-global',
  severity: 'error',
  source: 'program',
  summary: 'A probe function keeps per-device state in a file-scope global that a second device overwrites.',
  fix: 'Keep per-device state in the device (`vdev->priv`, `dev_set_drvdata()`) and reach it through the callbacks\' arguments.',
};

/** `const struct pci_dev *` is a pointer to `struct pci_dev` as far as matching a bus goes. */
function pointee(type: string): string | undefined {
  const plain = type.replace(/\b(?:const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.endsWith('*') ? plain.slice(0, -1).trim() : undefined;
}

/** `int f(struct virtio_device *)`, `int f(struct pci_dev *, const struct pci_device_id *)`, ... */
function hasProbeSignature(fn: FunctionProgram): boolean {
  if (fn.returnType.trim() !== 'int') return false;
  const [device, ...rest] = fn.params.map((p) => pointee(p.type));
  return device !== undefined && BUS_DEVICE_TYPES.has(device)
    && (rest.length === 0 || (rest.length === 1 && rest[0] !== undefined && PROBE_ID_TYPES.has(rest[0])));
}

/** Functions a driver structure of the file registers as its probe. */
function registeredProbes(file: FileProgram): Set<string> {
  return new Set(file.facts.objects.flatMap((o) => Object.entries(o.fields ?? {})
    .filter(([field]) => DRIVER_ROLE_FIELDS[field] === 'probe').map(([, target]) => target)));
}

function probesOf(file: FileProgram): FunctionProgram[] {
  const registered = registeredProbes(file);
  return file.functions.filter((fn) => registered.has(fn.name) || hasProbeSignature(fn));
}

/** The device parameter: the first parameter of a probe. */
const deviceOf = (fn: FunctionProgram): string | undefined => fn.params[0]?.name;

/** What a per-device value is, and why it is the device's own when that is not evident. */
interface Reason {
  what: string;
  why?: string;
}

interface Probe {
  fn: FunctionProgram;
  device: string;
  producers: Producers;
}

function derivesFromDevice(probe: Probe, e: Expr, seen = new Set<number>()): boolean {
  return operandsOf(e).some((operand) => {
    if (operand.k === 'name') return operand.scope === 'param' && operand.name === probe.device;
    if (operand.k !== 'temp' || seen.has(operand.id)) return false;
    seen.add(operand.id);
    const op = probe.producers.get(operand.id);
    if (op?.kind === 'load') return derivesFromDevice(probe, op.source, seen);
    if (op?.kind === 'call') return op.args.some((a) => derivesFromDevice(probe, a, seen));
    return false;
  });
}

function reasonForTemp(probe: Probe, id: number): Reason | undefined {
  const op = probe.producers.get(id);
  if (op?.kind === 'alloc') return { what: `the object ${op.api}() returns`, why: `allocated at line ${lineOf(op.anchor)}` };
  if (op && derivesFromDevice(probe, { k: 'temp', id })) {
    return { what: `a value derived from \`${probe.device}\``, why: `read at line ${lineOf(op.anchor)}` };
  }
  return undefined;
}

/** Why a local is per-device: allocated here, given the device, or initialised here as private state. */
function reasonForLocal(probe: Probe, local: string): Reason | undefined {
  const what = `\`${local}\``;
  const assigns = opsOfKind(probe.fn, 'assign').filter((a) => a.local === local);
  for (const a of assigns) {
    const op = a.value.k === 'temp' ? probe.producers.get(a.value.id) : undefined;
    if (op?.kind === 'alloc') return { what, why: `allocated by ${op.api}() at line ${lineOf(op.anchor)}` };
    if (op && derivesFromDevice(probe, a.value)) return { what, why: `derived from \`${probe.device}\` at line ${lineOf(op.anchor)}` };
  }
  const fieldStores = opsOfKind(probe.fn, 'store').filter((s) => {
    const base = objectBase(s.target);
    return base?.k === 'name' && base.name === local;
  });
  const given = fieldStores.find((s) => derivesFromDevice(probe, s.value));
  if (given) return { what, why: `\`${given.text}\` at line ${lineOf(given.anchor)} ties it to the device` };
  // A local whose origin is in lines the patch hides, but whose fields this function fills in, is
  // the state it sets up for the device.
  const first = fieldStores[0];
  if (assigns.length === 0 && first) return { what, why: `the state this probe sets up for the device from line ${lineOf(first.anchor)}` };
  return undefined;
}

function perDeviceReason(probe: Probe, value: Expr): Reason | undefined {
  if (value.k === 'temp') return reasonForTemp(probe, value.id);
  if (value.k === 'name' && value.scope === 'local') return reasonForLocal(probe, value.name);
  if (value.k === 'name' && value.scope === 'param' && value.name === probe.device) return { what: `the device \`${value.name}\` itself` };
  return undefined;
}

/** A probe that tests the global before storing it refuses a second device: single-instance by design. */
function refusesSecondDevice(probe: Probe, global: string, store: OpOf<'store'>): boolean {
  return opsOfKind(probe.fn, 'branch').some((b) => b.id < store.id
    && operandsOf(b.cond).some((o) => loadedGlobal(o, probe.producers) === global));
}

interface Hit {
  global: string;
  store: OpOf<'store'>;
  fn: FunctionProgram;
  reason: Reason;
}

function hitsIn(fn: FunctionProgram): Hit[] {
  const device = deviceOf(fn);
  if (device === undefined) return [];
  const probe: Probe = { fn, device, producers: producersOf(fn) };
  return opsOfKind(fn, 'store').flatMap((store) => {
    const global = storedGlobal(store.target);
    if (global === undefined || !isAdded(store.anchor) || refusesSecondDevice(probe, global, store)) return [];
    const reason = perDeviceReason(probe, store.value);
    return reason ? [{ global, store, fn, reason }] : [];
  });
}

/** Where the series defines `global`, preferring a definition to an `extern`. */
function definitionOf(series: readonly FileProgram[], global: string): ObjectDecl | undefined {
  const decls = series.flatMap((file) => file.facts.objects).filter((o) => o.name === global && o.anchor.origin !== 'synthetic');
  return decls.find((o) => o.definition) ?? decls[0];
}

/** "`probe()` stores `vb` in it at line 466 (why)"; the line only when the finding is elsewhere. */
function storeWords(hit: Hit, where: string, withLine: boolean): string {
  const at = lineOf(hit.store.anchor);
  const why = hit.reason.why === undefined || hit.reason.why.endsWith(`line ${at}`) ? '' : ` (${hit.reason.why})`;
  return `\`${hit.fn.name}()\` stores ${hit.reason.what} in ${where}${withLine ? ` at line ${at}` : ''}${why}`;
}

/** The global is the patch's own, beside the probe: one finding at its definition, the stores related. */
function atDefinition(context: RuleContext, own: ObjectDecl, hits: readonly Hit[]): Finding {
  const stores = hits.map((h) => storeWords(h, 'it', true)).join('; ');
  return findingAt(context, meta, own.anchor, {
    message: `\`${own.name}\` keeps per-device state in a file-scope global: ${stores}, so a second device overwrites the first one's.`,
    related: hits.map((h) => relatedAt(h.store.anchor, `\`${h.fn.name}()\` stores per-device state in \`${own.name}\` here`)),
  });
}

/** The global is someone else's: a finding at each store, its definition related when the series shows it. */
function atStores(context: RuleContext, definition: ObjectDecl | undefined, hits: readonly Hit[]): Finding[] {
  return hits.map((hit) => {
    const defined = definition?.definition ? 'defined' : 'declared';
    const related = definition ? [relatedAt(definition.anchor, `\`${hit.global}\` is ${defined} here, once for all devices`)] : [];
    return findingAt(context, meta, hit.store.anchor, {
      message: `${storeWords(hit, `the file-scope global \`${hit.global}\``, false)}: a second device's probe overwrites the first one's.`,
      function: hit.fn.name,
      related,
    });
  });
}

function check(context: RuleContext): Finding[] {
  const series = seriesPostImages(context.series);
  const findings = postImages(context.program).filter((f) => !f.facts.isHeader).flatMap((file) => {
    const hits = probesOf(file).flatMap(hitsIn);
    return [...new Set(hits.map((h) => h.global))].flatMap((global) => {
      const mine = hits.filter((h) => h.global === global);
      // The reviewer's question "what if there is more than one device?" belongs at the definition
      // when the patch adds it beside the probe; a global owned elsewhere is reported at each store.
      const own = file.facts.objects.find((o) => o.name === global && o.definition && isAdded(o.anchor));
      return own ? [atDefinition(context, own, mine)] : atStores(context, definitionOf(series, global), mine);
    });
  });
  return byLocation(findings);
}

export const multiDeviceGlobal: Rule = { meta, check };
