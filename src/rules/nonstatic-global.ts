import type { Finding } from '../model/finding.js';
import type { Anchor, FileProgram, ObjectDecl } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import { externDeclaration, prototypeOf, spellingOf } from './c-spelling.js';
import { byLocation, findingAt } from './finding-at.js';
import { LINKAGE_NAMES } from './kernel-types.js';
import { isAdded, postImages, preImageOf, seriesPostImages } from './program-query.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * nonstatic-global: a file-scope object or function a .c file defines without `static`, that no
 * header of the series declares, no `EXPORT_SYMBOL` exports and no registration macro names. Sparse
 * says "symbol 'x' was not declared. Should it be static?": the symbol pollutes the kernel's global
 * namespace, can clash with another file's, and hides from the compiler that nothing else uses it.
 *
 * Confidence: medium. Known false positives: a symbol declared in a header the patch does not touch
 * (the rule sees only the series' headers); symbols found by name through `__weak` overrides.
 */

const meta: RuleMeta = {
  id: 'nonstatic-global',
  severity: 'warning',
  source: 'file',
  summary: 'A file-scope symbol is defined without `static` and no header declares it.',
  fix: 'Make it `static`, or declare it in a header if another file needs it.',
};

interface Candidate {
  name: string;
  anchor: Anchor;
  /** How the message names it: `x`, `f()`, `DEFINE_MUTEX(x)`. */
  spelled: string;
  /** What a header would say to share it. */
  declaration: string;
  isFunction: boolean;
}

/** Names that have a declaration somewhere the definition's file can see, or a role that needs linkage. */
function declaredNames(series: readonly FileProgram[]): Set<string> {
  const names = new Set<string>(LINKAGE_NAMES);
  for (const file of series) {
    const facts = file.facts;
    facts.registrations.forEach((r) => names.add(r.target));
    if (!facts.isHeader) continue;
    facts.objects.forEach((o) => names.add(o.name));
    facts.functions.forEach((f) => names.add(f.name));
  }
  return names;
}

/** A prototype or `extern` earlier in the same file also counts as a declaration for sparse. */
function declaredInFile(file: FileProgram): Set<string> {
  return new Set([
    ...file.facts.functions.filter((f) => !f.definition).map((f) => f.name),
    ...file.facts.objects.filter((o) => o.storage === 'extern').map((o) => o.name),
  ]);
}

/** Symbols the pre-image already defined with external linkage: the patch did not introduce them. */
function definedBefore(pre: FileProgram | undefined): Set<string> {
  if (!pre) return new Set();
  const facts = pre.facts;
  return new Set([...facts.objects, ...facts.functions].filter((d) => d.definition && d.storage === 'none').map((d) => d.name));
}

function candidatesOf(file: FileProgram): Candidate[] {
  const objects = file.facts.objects
    .filter((o: ObjectDecl) => o.definition && o.storage === 'none')
    .map((o) => ({ name: o.name, anchor: o.anchor, spelled: spellingOf(o), declaration: externDeclaration(o), isFunction: false }));
  const functions = file.facts.functions
    .filter((f) => f.definition && f.storage === 'none')
    .map((f) => {
      const program = file.functions.find((p) => p.name === f.name);
      const declaration = program ? prototypeOf(program) : `a prototype of ${f.name}()`;
      return { name: f.name, anchor: f.anchor, spelled: `\`${f.name}()\``, declaration, isFunction: true };
    });
  return [...objects, ...functions].filter((c) => isAdded(c.anchor));
}

/** The ops tables of the file that point at `name`: why a callback needs no external linkage. */
function tablesUsing(file: FileProgram, name: string): string[] {
  return file.facts.objects.flatMap((o) => Object.entries(o.fields ?? {})
    .filter(([, target]) => target === name)
    .map(([field]) => `\`.${field}\` of \`${o.name}\``));
}

function messageFor(file: FileProgram, c: Candidate): string {
  const sparse = `sparse warns \`symbol '${c.name}' was not declared. Should it be static?\``;
  const tables = c.isFunction ? tablesUsing(file, c.name) : [];
  const use = tables.length > 0 ? `; it is only needed as ${tables.join(' and ')}, which works as well with \`static\`` : '';
  return `${c.spelled} is defined without \`static\` and no header of the series declares it: ${sparse}${use}.`;
}

function check(context: RuleContext): Finding[] {
  const declared = declaredNames(seriesPostImages(context.series));
  const findings = postImages(context.program)
    .filter((f) => !f.facts.isHeader)
    .flatMap((file) => {
      const excluded = new Set([...declaredInFile(file), ...definedBefore(preImageOf(context.program, file.file))]);
      return candidatesOf(file)
        .filter((c) => !declared.has(c.name) && !excluded.has(c.name))
        .map((c) => findingAt(context, meta, c.anchor, {
          message: messageFor(file, c),
          fix: `Make ${c.spelled} \`static\`; if another file needs it, declare it in a header: \`${c.declaration}\`.`,
          ...(c.isFunction ? { function: c.name } : {}),
        }));
    });
  return byLocation(findings);
}

export const nonstaticGlobal: Rule = { meta, check };
