import type { Finding } from '../model/finding.js';
import type { ObjectDecl } from '../model/program.js';
import type { RuleMeta } from '../model/rule-meta.js';
import { externDeclaration, spellingOf } from './c-spelling.js';
import { byLocation, findingAt } from './finding-at.js';
import { isAdded, postImages } from './program-query.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * global-in-header: an object defined, rather than declared, in a header. Every file that includes
 * the header defines it again: a multiple-definition link error with -fno-common (GCC 10 and later),
 * or, with `static`, a private copy per file that silently diverges.
 *
 * Confidence: high. Known false positives: a `static` non-const table that is meant to be per file.
 */

const meta: RuleMeta = {
  id: 'global-in-header',
  severity: 'error',
  source: 'file',
  summary: 'An object is defined in a header, so every file that includes it gets its own copy.',
  fix: 'Declare it `extern` in the header and define it once in a .c file.',
};

/** `static const` tables in headers are a common, harmless idiom: read-only, so copies cannot diverge. */
const definesPerIncluder = (o: ObjectDecl): boolean =>
  o.definition && o.storage !== 'extern' && !(o.storage === 'static' && o.isConst);

function messageFor(o: ObjectDecl): string {
  const spelled = spellingOf(o);
  return o.storage === 'static'
    ? `${spelled} is defined \`static\` in a header: every file that includes it gets its own copy, `
      + 'and a write in one file is not seen by the others.'
    : `${spelled} is defined in a header: every file that includes it gets its own copy (or a multiple-definition link error).`;
}

function check(context: RuleContext): Finding[] {
  const findings = postImages(context.program)
    .filter((f) => f.facts.isHeader)
    .flatMap((f) => f.facts.objects)
    .filter((o) => isAdded(o.anchor) && definesPerIncluder(o))
    .map((o) => findingAt(context, meta, o.anchor, {
      message: messageFor(o),
      fix: o.storage === 'static'
        ? `Make \`${o.name}\` \`extern\` in the header and define it once in a .c file, or move it into the one .c file that uses it.`
        : `Write \`${externDeclaration(o)}\` in the header and define \`${o.name}\` once in a .c file.`,
    }));
  return byLocation(findings);
}

export const globalInHeader: Rule = { meta, check };
