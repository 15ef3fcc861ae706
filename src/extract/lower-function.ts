import type { FunctionProgram, NameScope, Param } from '../model/program.js';
import type { CSource } from '../parse/rebuild-c.js';
import { GAP_CALL } from '../parse/rebuild-c.js';
import { CfgBuilder } from './cfg-builder.js';
import type { SyntaxNode } from './c-syntax.js';
import { declaratorName, lowerStatement } from './lower-stmt.js';

/** What the whole series declares at file scope, so a function's names resolve across files. */
export interface Scope {
  globals: ReadonlySet<string>;
  functions: ReadonlySet<string>;
}

const CONSTANT_NAME = /^[A-Z_][A-Z0-9_]*$/;

function functionDeclarator(node: SyntaxNode | null): SyntaxNode | undefined {
  let current = node;
  while (current) {
    if (current.type === 'function_declarator') return current;
    current = current.childForFieldName('declarator');
  }
  return undefined;
}

function paramsOf(declarator: SyntaxNode | undefined): Param[] {
  const list = declarator?.childForFieldName('parameters');
  return (list?.namedChildren ?? [])
    .filter((p) => p.type === 'parameter_declaration')
    .flatMap((p) => {
      const name = declaratorName(p.childForFieldName('declarator'));
      if (!name) return [];
      const declaratorText = p.childForFieldName('declarator')?.text ?? '';
      const stars = declaratorText.match(/^\**/)?.[0] ?? '';
      return [{ name, type: `${p.childForFieldName('type')?.text ?? ''}${stars ? ` ${stars}` : ''}`.trim() }];
    });
}

function localsOf(body: SyntaxNode): Param[] {
  return body.descendantsOfType('declaration').flatMap((decl) =>
    decl.childrenForFieldName('declarator').flatMap((d) => {
      const name = declaratorName(d);
      const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      const stars = inner?.text.match(/^\**/)?.[0] ?? '';
      return name ? [{ name, type: `${decl.childForFieldName('type')?.text ?? ''}${stars ? ` ${stars}` : ''}` }] : [];
    }));
}

/** Lowers one `function_definition` of a rebuilt source. */
export function lowerFunction(node: SyntaxNode, source: CSource, scope: Scope): FunctionProgram | undefined {
  const declarator = functionDeclarator(node.childForFieldName('declarator'));
  const name = declaratorName(declarator?.childForFieldName('declarator') ?? null);
  const body = node.childForFieldName('body');
  if (!declarator || !name || !body) return undefined;

  const params = paramsOf(declarator);
  const locals = localsOf(body);
  const hasGaps = body.text.includes(GAP_CALL);
  const own = new Set([...params.map((p) => p.name), ...locals.map((l) => l.name)]);
  const names = {
    resolve(id: string): NameScope {
      if (own.has(id) || id.startsWith('#')) return own.has(id) && params.some((p) => p.name === id) ? 'param' : 'local';
      if (scope.globals.has(id)) return 'global';
      if (scope.functions.has(id)) return 'function';
      if (CONSTANT_NAME.test(id)) return 'constant';
      // A name declared nowhere the patch shows: in a function with hidden lines it is most likely a
      // local declared there; in a complete function it can only be a global of another file.
      return hasGaps ? 'local' : 'global';
    },
  };

  const b = new CfgBuilder(source, names);
  b.head(node, `${name}()`);
  lowerStatement(b, body);
  if (b.pending.length > 0) {
    const closing = body.lastChild ?? body;
    b.emit({ kind: 'return' }, closing, '}');
  }
  for (const jump of b.gotos) {
    const target = b.labels.get(jump.label);
    if (target !== undefined) {
      b.ops[jump.op]!.succ = [target];
      continue;
    }
    b.pending = [{ op: jump.op, slot: 0 }];
    b.emit({ kind: 'gap', reason: 'between-hunks' }, node, `${jump.label}: (label in lines the patch does not show)`);
    b.emit({ kind: 'return' }, node, 'return (hidden)');
  }

  const storage = node.namedChildren.filter((c) => c.type === 'storage_class_specifier').map((c) => c.text);
  const startRow = node.startPosition.row;
  const endRow = node.endPosition.row;
  const rows = source.lines.slice(startRow, endRow + 1);
  const typeText = node.childForFieldName('type')?.text ?? '';
  const stars = (node.childForFieldName('declarator')?.text.match(/^\**/)?.[0]) ?? '';
  const anchor = b.anchorOf(node);
  const firstReal = rows.find((r) => r.origin !== 'synthetic');
  if (anchor.origin === 'synthetic' && firstReal) {
    if (firstReal.newLine !== undefined) anchor.newLine = firstReal.newLine;
    if (firstReal.oldLine !== undefined) anchor.oldLine = firstReal.oldLine;
  }
  return {
    name,
    file: source.file,
    side: source.side,
    anchor,
    returnType: `${typeText}${stars ? ` ${stars}` : ''}`,
    params,
    locals,
    isStatic: storage.includes('static'),
    isInline: storage.includes('inline') || node.text.slice(0, node.text.indexOf(name)).includes('inline'),
    complete: !hasGaps && rows[0]?.origin !== 'synthetic',
    changed: rows.some((r) => r.origin === 'added' || r.origin === 'removed'),
    entry: 0,
    ops: b.ops,
    notes: b.notes,
  };
}
