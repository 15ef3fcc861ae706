import type { Related } from '../model/finding.js';
import type { Anchor } from '../model/program.js';
import type { TraceStep, Violation, ViolationKind } from '../model/verdict.js';
import { relatedAt } from './finding-at.js';
import type { RuleContext } from './rule.js';

/**
 * Reading the simulator's verdicts for a rule: which violations concern this patch, and what a
 * trace shows — the lockless check, the other CPU's write that invalidates it, and the act.
 */

/** Whether a line belongs to the patch under review (the series may hold other patches and models). */
export function inPatch(anchor: Anchor, context: RuleContext): boolean {
  if (anchor.patchLine === undefined || anchor.input !== context.patch.input) return false;
  return context.patch.files.some((f) => f.hunks.some((h) => h.lines.some((l) => l.patchLine === anchor.patchLine)));
}

/** A line of a file this patch touches: shown by the patch, or read from `--tree` around it. */
export function inPatchOrTree(anchor: Anchor, context: RuleContext): boolean {
  if (inPatch(anchor, context)) return true;
  return anchor.origin === 'tree' && context.patch.files.some((f) => f.newPath === anchor.file);
}

/**
 * The patch's line behind a step: the step itself, or, for a step inside a built-in model of the
 * kernel, the last line of the patch its thread ran before it (the call into that API). A driver
 * written against a racy API is where a reviewer of the driver needs to hear of the race.
 */
export function patchStepOf(step: TraceStep, trace: readonly TraceStep[], context: RuleContext): TraceStep | undefined {
  if (inPatch(step.anchor, context)) return step;
  if (step.anchor.origin !== 'model') return undefined;
  const at = trace.indexOf(step);
  return trace.slice(0, at < 0 ? trace.length : at).reverse().find((s) => s.thread === step.thread && inPatch(s.anchor, context));
}

const FREEING = /\b(kfree|vfree|kvfree|__free_page|__free_pages|put_page|kmem_cache_free)\s*\(/;

/**
 * The patch's line that freed `victim` (an object name like `page5`; any object when undefined): the
 * free itself, or the driver's call into kernel code that freed it. A free by kernel code no patch
 * line led to (compaction dropping its reference) is not the patch's.
 */
export function patchFreeOf(v: Violation, victim: string | undefined, context: RuleContext): TraceStep | undefined {
  const freeing = [...v.trace].reverse().find((s) => FREEING.test(s.text) && s.location !== undefined
    && (victim === undefined || objectOfLocation(s.location) === victim) && patchStepOf(s, v.trace, context) !== undefined);
  return freeing ? patchStepOf(freeing, v.trace, context) : undefined;
}

export function violationsOf(context: RuleContext, kinds: readonly ViolationKind[]): Violation[] {
  return context.verdicts.flatMap((v) => v.violations).filter((v) => kinds.includes(v.kind));
}

/** `page5->lru (off vb->pages)` and `page5->mapping` are about the same object, `page5`. */
export function objectOfLocation(location: string | undefined): string | undefined {
  return location?.split(/->| /)[0];
}

export interface CheckThenAct {
  /** The violating thread's lockless read that its later decision rests on. */
  check: TraceStep;
  /** Another CPU's write to the same location between the check and the act. */
  interference: TraceStep;
  /** The other CPU's step on the object the act then trips over (may be the interference itself). */
  conflict: TraceStep;
  act: TraceStep;
}

const writes = (s: TraceStep): boolean => s.access === 'write';

/** Finds the check-then-act shape in a violation's trace, if it has one. */
export function checkThenAct(v: Violation): CheckThenAct | undefined {
  const trace = v.trace;
  const act = trace[trace.length - 1];
  if (!act) return undefined;
  const actObject = objectOfLocation(act.location) ?? objectOfLocation(trace.slice(0, -1).reverse().find((s) => s.thread === act.thread && s.location)?.location);
  for (let i = trace.length - 2; i >= 0; i -= 1) {
    const check = trace[i]!;
    if (check.thread !== act.thread || check.access !== 'read' || !check.location) continue;
    const between = trace.slice(i + 1, -1);
    const interference = between.find((s) => s.thread !== act.thread && writes(s) && s.location === check.location);
    if (!interference) continue;
    const conflict = [...between].reverse().find((s) => s.thread !== act.thread && writes(s) && objectOfLocation(s.location) === actObject && s !== interference && s.location !== interference.location)
      ?? interference;
    return { check, interference, conflict, act };
  }
  return undefined;
}

/** `fill_balloon:162` for a step; model lines say which model. */
export function placeOf(step: TraceStep | (Anchor & { function?: string })): string {
  const anchor = 'anchor' in step ? step.anchor : step;
  const fn = 'function' in step && step.function ? `${step.function}()` : anchor.file;
  return anchor.origin === 'model' ? `${fn} (kreview's model of ${anchor.file.replace(/^model:/, '')})` : `${fn} at ${anchor.file}:${anchor.newLine ?? anchor.oldLine ?? '?'}`;
}

/** The given steps that lie in this patch (other than the finding's own line), as related locations. */
export function relatedSteps(steps: readonly (TraceStep | undefined)[], context: RuleContext, except: Anchor): Related[] {
  const seen = new Set<string>([`${except.file}:${except.newLine}`]);
  const related: Related[] = [];
  for (const step of steps) {
    if (!step) continue;
    const key = `${step.anchor.file}:${step.anchor.newLine}`;
    if (seen.has(key) || !inPatch(step.anchor, context)) continue;
    seen.add(key);
    related.push(relatedAt(step.anchor, `${step.actor}: \`${step.text}\``));
  }
  return related;
}
