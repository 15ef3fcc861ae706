import type { Finding } from '../model/finding.js';
import type { Expr, FileProgram, FunctionProgram, Op } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import { byLocation, findingAt, relatedAt } from './finding-at.js';
import {
  escapesWithout, firstReadOf, isAdded, locationText, opsOfKind, postImages, producersOf, type Producers, readersOf,
  seriesPostImages, storedGlobal,
} from './program-query.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * dangling-pointer: a global pointer is freed and left pointing at the freed memory on some path out
 * of the function, while other code can still read it. The next allocation may reuse the memory, and
 * code that compares or dereferences the global then works on someone else's object.
 *
 * Paths through lines the patch does not show are assumed to clear the pointer.
 *
 * Confidence: high. Known false positives: a pointer whose every reader is provably gone by the time
 * of the free (module exit after all users are unregistered).
 */

const meta: RuleMeta = {
  id: 'dangling-pointer',
  severity: 'warning',
  source: 'program',
  summary: 'A global pointer is freed but not set to NULL, and other code can still read it.',
  fix: 'Set the pointer to NULL right after freeing it, on every path, and make its readers cope with NULL.',
};

/** The global location a free releases: `g` or `g.member`, read by the load that feeds the free. */
function freedLocation(producers: Producers, target: Expr): Expr | undefined {
  const load = target.k === 'temp' ? producers.get(target.id) : undefined;
  const source = target.k !== 'temp' ? target : load?.kind === 'load' ? load.source : undefined;
  return source && storedGlobal(source) !== undefined ? source : undefined;
}

/** "`a()`", "`a()` and `b()`", "`a()`, `b()` and `c()`". */
function namesText(fns: readonly FunctionProgram[]): string {
  const names = fns.map((f) => `\`${f.name}()\``);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

interface Reach {
  words: string;
  readers: FunctionProgram[];
}

/** Why other code still reaches the global: the functions that read it, or its external linkage. */
function reachers(series: readonly FileProgram[], global: string, fn: FunctionProgram): Reach | undefined {
  const readers = readersOf(series, global, fn);
  if (readers.length > 0) return { words: `${namesText(readers)} still read${readers.length === 1 ? 's' : ''} it`, readers };
  const external = series.some((file) => file.facts.objects.some((o) => o.name === global && o.storage !== 'static'));
  return external ? { words: 'it has external linkage, so other files can still read it', readers } : undefined;
}

function check(context: RuleContext): Finding[] {
  const series = seriesPostImages(context.series);
  const findings = postImages(context.program).flatMap((file) => file.functions).flatMap((fn) => {
    const producers = producersOf(fn);
    return opsOfKind(fn, 'free').filter((free) => isAdded(free.anchor)).flatMap((free) => {
      const location = freedLocation(producers, free.target);
      if (!location) return [];
      const spelled = locationText(location);
      // Any store to the location ends the danger, NULL or a new object; hidden lines may hold one.
      const clears = (op: Op): boolean => op.kind === 'gap' || (op.kind === 'store' && locationText(op.target) === spelled);
      if (!escapesWithout(fn, free, clears)) return [];
      const global = storedGlobal(location)!;
      const reach = reachers(series, global, fn);
      if (!reach) return [];
      const call = `\`${free.api}(${spelled})\``;
      return [findingAt(context, meta, free.anchor, {
        message: `${call} leaves \`${spelled}\` pointing at freed memory when \`${fn.name}()\` returns, and ${reach.words}.`,
        fix: `Set \`${spelled} = NULL;\` right after ${call} on every path, and make its readers cope with NULL.`,
        function: fn.name,
        related: reach.readers.flatMap((r) => {
          const load = firstReadOf(r, global);
          return load ? [relatedAt(load.anchor, `\`${r.name}()\` reads \`${global}\` here`)] : [];
        }),
      })];
    });
  });
  return byLocation(findings);
}

export const danglingPointer: Rule = { meta, check };
