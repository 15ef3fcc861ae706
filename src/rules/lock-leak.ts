import type { Finding } from '../model/finding.js';
import type { FunctionProgram, OpOf } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import { exprText } from '../extract/expr-text.js';
import { lockName } from '../sim/locksets.js';
import { byLocation, findingAt } from './finding-at.js';
import type { Rule, RuleContext } from './rule.js';
import { inPatch, inPatchOrTree, violationsOf } from './sim-evidence.js';
import { simulatorFindings } from './sim-rule.js';

/**
 * lock-leak: a path returns with a lock it took still held, or unlocks what it does not hold. The
 * simulator walks every path of each function that takes a lock. Where the patch hides lines while a
 * lock is held, the lock state across them is unknown: the rule says so (severity info) rather than
 * stay silent or guess; `--tree` shows those lines and settles it.
 */
const meta: RuleMeta = {
  id: 'lock-leak',
  severity: 'error',
  source: 'simulator',
  summary: 'A path returns with a lock still held, or releases a lock it does not hold.',
  fix: 'Release the lock on every path out of the function: turn early returns into `goto out` to a single unlock.',
};

/** Locks that may be held before each operation (union over paths). */
function mayHold(fn: FunctionProgram): Set<string>[] {
  const held: Set<string>[] = fn.ops.map(() => new Set());
  const work = [fn.entry];
  const seen = new Set<number>();
  while (work.length > 0) {
    const id = work.pop()!;
    const op = fn.ops[id]!;
    const out = new Set(held[id]);
    if (op.kind === 'lock' && (op.action === 'acquire' || op.action === 'try')) out.add(lockName(op.lock) ?? op.api);
    if (op.kind === 'lock' && op.action === 'release') out.delete(lockName(op.lock) ?? op.api);
    for (const next of op.succ) {
      if (next < 0) continue;
      const before = held[next]!;
      const grown = [...out].some((l) => !before.has(l));
      if (grown || !seen.has(next)) {
        out.forEach((l) => before.add(l));
        seen.add(next);
        work.push(next);
      }
    }
  }
  return held;
}

/** How the source spells each lock `mayHold` tracks by its static name: `g->lock` for `->lock`. */
function spellings(fn: FunctionProgram): Map<string, string> {
  const spelled = new Map<string, string>();
  for (const op of fn.ops) {
    if (op.kind !== 'lock' || op.action === 'init') continue;
    const name = lockName(op.lock) ?? op.api;
    if (!spelled.has(name)) spelled.set(name, exprText(op.lock.k === 'addr' ? op.lock.arg : op.lock));
  }
  return spelled;
}

function hiddenWhileLocked(context: RuleContext, definite: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  for (const file of context.program.files.filter((f) => f.side === 'new')) {
    for (const fn of file.functions.filter((f) => f.changed && !definite.has(f.name))) {
      const held = mayHold(fn);
      const spelled = spellings(fn);
      for (const op of fn.ops.filter((o): o is OpOf<'gap'> & typeof o => o.kind === 'gap')) {
        const locks = [...held[op.id]!].sort().map((name) => spelled.get(name) ?? name);
        // Hidden lines that can only be the `}`s the shown code needs hold no return.
        if (locks.length === 0 || op.newFrom === undefined || op.closesOnly) continue;
        const at = fn.ops.slice(op.id + 1).find((o) => o.anchor.newLine !== undefined && inPatch(o.anchor, context))?.anchor
          ?? fn.ops.slice(0, op.id).reverse().find((o) => o.anchor.newLine !== undefined && inPatch(o.anchor, context))?.anchor;
        if (!at) continue;
        const finding = findingAt(context, meta, at, {
          function: fn.name,
          message: `Lines ${op.newFrom}-${op.newTo} of ${fn.name}() are not in the patch and run with ${locks.join(', ')} held: `
            + 'if they return, the lock leaks. The lock state across them is unknown; review with --tree to settle it.',
          fix: 'Check the hidden lines for early returns, or run kreview with --tree on a kernel checkout.',
        });
        finding.severity = 'info';
        findings.push(finding);
      }
    }
  }
  return findings;
}

function check(context: RuleContext): Finding[] {
  const leaks = simulatorFindings(context, meta, violationsOf(context, ['lock-leak', 'bad-unlock']), (v) => {
    // With --tree the leaking return may be a line the patch does not show: it is still this patch's doing.
    if (!inPatchOrTree(v.anchor, context)) return undefined;
    return { anchor: v.anchor, function: v.function, message: `${v.message} on this path.` };
  });
  const definite = new Set(leaks.map((f) => f.function ?? ''));
  return byLocation([...leaks, ...hiddenWhileLocked(context, definite)]);
}

export const lockLeak: Rule = { meta, check };
