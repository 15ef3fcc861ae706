import type { Finding } from '../model/finding.js';
import type { Anchor, FunctionDecl, ObjectDecl } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import { spellingOf } from './c-spelling.js';
import { byLocation, findingAt } from './finding-at.js';
import { exportEvidence, KERNEL_GUARD } from './header-exposure.js';
import { isAdded, postImages } from './program-query.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * uapi-kernel-only: a kernel-internal declaration added to a header that userspace includes, outside
 * `#ifdef __KERNEL__`. Exported headers describe an ABI (types and constants); an object or a kernel
 * function there breaks `make headers_install` users or leaks kernel internals into the ABI.
 *
 * Confidence: high under include/uapi/ or with a Kbuild `header-y`; medium when the evidence is the
 * header's shape (packed structures, `__le32` fields) in an include/linux header before 3.7.
 * Known false positives: a pre-3.7 include/linux header with packed structures that is not exported.
 */

const meta: RuleMeta = {
  id: 'uapi-kernel-only',
  severity: 'warning',
  source: 'file',
  summary: 'A kernel-only declaration is added outside `#ifdef __KERNEL__` in a header exported to userspace.',
  fix: 'Put it under `#ifdef __KERNEL__`, or in a kernel-only header.',
};

interface KernelOnly {
  anchor: Anchor;
  /** "`x`, a kernel object, is defined". */
  subject: string;
}

const verbOf = (definition: boolean): string => (definition ? 'defined' : 'declared');

/** Userspace headers declare no objects, and no functions but `static inline` helpers. */
function kernelOnly(objects: readonly ObjectDecl[], functions: readonly FunctionDecl[]): KernelOnly[] {
  return [
    ...objects.map((o) => ({ decl: o, subject: `${spellingOf(o)}, a kernel object, is ${verbOf(o.definition)}` })),
    ...functions
      .filter((f) => !(f.definition && f.storage === 'static'))
      .map((f) => ({ decl: f, subject: `\`${f.name}()\`, a kernel function, is ${verbOf(f.definition)}` })),
  ]
    .filter(({ decl }) => isAdded(decl.anchor) && !decl.conditions.some((c) => KERNEL_GUARD.test(c)))
    .map(({ decl, subject }) => ({ anchor: decl.anchor, subject }));
}

function check(context: RuleContext): Finding[] {
  const findings = postImages(context.program)
    .filter((f) => f.facts.isHeader)
    .flatMap((f) => {
      const found = kernelOnly(f.facts.objects, f.facts.functions);
      if (found.length === 0) return [];
      const diff = context.patch.files.find((d) => d.newPath === f.file);
      const evidence = exportEvidence(f.facts, diff, context.tree);
      if (evidence === undefined) return [];
      return found.map(({ anchor, subject }) => findingAt(context, meta, anchor, {
        message: `${subject} outside \`#ifdef __KERNEL__\` in \`${f.file}\`, a header exported to userspace: ${evidence}.`,
      }));
    });
  return byLocation(findings);
}

export const uapiKernelOnly: Rule = { meta, check };
