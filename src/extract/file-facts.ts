import type { FileFacts, FunctionDecl, ObjectDecl, Registration, StorageClass } from '../model/program.js';
import type { CSource } from '../parse/rebuild-c.js';
import { arraySizeName } from './constant-expr.js';
import { HIDDEN_CONDITION } from '../parse/rebuild-c.js';
import type { CfgBuilder } from './cfg-builder.js';
import { flatText, type SyntaxNode } from './c-syntax.js';
import { LOCK_DEFINITIONS, REGISTRATION_MACROS } from './kernel-api.js';
import { declaratorName } from './lower-stmt.js';

/**
 * File-scope facts: what a file defines and declares, with storage class and the `#if` conditions
 * around it, which functions sit in ops tables, and how the module registers itself.
 */

type Anchoring = Pick<CfgBuilder, 'anchorOf'>;

const PREPROC_CONDITIONAL = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_else']);

function storageOf(node: SyntaxNode): StorageClass {
  const classes = node.namedChildren.filter((c) => c.type === 'storage_class_specifier').map((c) => c.text);
  return classes.includes('static') ? 'static' : classes.includes('extern') ? 'extern' : 'none';
}

function conditionText(node: SyntaxNode): string {
  if (node.type === 'preproc_ifdef') {
    const name = node.childForFieldName('name')?.text ?? '?';
    return node.children[0]?.type === '#ifndef' ? `!defined(${name})` : `defined(${name})`;
  }
  const condition = node.childForFieldName('condition');
  return condition ? flatText(condition, 400).replace(/\\\s*/g, '').replace(/\s+/g, ' ').trim() : '?';
}

/** Designated initialisers `.field = function` of an ops-table style object. */
function initialiserFields(value: SyntaxNode | null): Record<string, string> | undefined {
  if (value?.type !== 'initializer_list') return undefined;
  const fields: Record<string, string> = {};
  for (const pair of value.namedChildren.filter((c) => c.type === 'initializer_pair')) {
    const designators = pair.childrenForFieldName('designator').map((d) => d.text.replace(/^\./, ''));
    const target = pair.childForFieldName('value');
    const inner = target?.type === 'parenthesized_expression' ? target.namedChildren[0] : target;
    if (designators.length > 0 && inner?.type === 'identifier') fields[designators.join('.')] = inner.text;
    if (designators.length > 0 && inner?.type === 'pointer_expression' && inner.children[0]?.type === '&') {
      fields[designators.join('.')] = inner.childForFieldName('argument')?.text ?? '';
    }
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

export function extractFileFacts(root: SyntaxNode, source: CSource, anchoring: Anchoring): FileFacts {
  const facts: FileFacts = {
    file: source.file,
    isHeader: source.file.endsWith('.h'),
    objects: [],
    functions: [],
    registrations: [],
    includes: [],
    kernelGuardLines: [],
    macros: {},
    arrays: {},
  };

  const visit = (node: SyntaxNode, conditions: string[]): void => {
    for (const child of node.namedChildren) {
      if (PREPROC_CONDITIONAL.has(child.type)) {
        // An alternative is visited from inside its `#if`, whose condition is the last one: it
        // replaces that condition by its negation (and, for `#elif`, adds its own).
        const negated = [...conditions.slice(0, -1), `!(${conditions[conditions.length - 1] ?? '?'})`];
        const own = child.type === 'preproc_else' ? negated
          : child.type === 'preproc_elif' ? [...negated, conditionText(child)]
          : [...conditions, conditionText(child)];
        if (own.some((c) => /\b__KERNEL__\b/.test(c) && !c.startsWith('!'))) {
          const anchor = anchoring.anchorOf(child);
          if (anchor.newLine !== undefined) facts.kernelGuardLines.push(anchor.newLine);
        }
        visit(child, own);
        continue;
      }
      switch (child.type) {
        case 'preproc_include':
          facts.includes.push(child.childForFieldName('path')?.text ?? '');
          break;
        case 'preproc_def': {
          const name = child.childForFieldName('name')?.text;
          const body = child.childForFieldName('value')?.text;
          if (name && body) facts.macros[name] = body;
          break;
        }
        case 'function_definition':
          addFunction(facts, child, conditions, true, anchoring);
          break;
        case 'declaration':
          addDeclaration(facts, child, conditions, anchoring);
          break;
        case 'expression_statement':
          addMacroStatement(facts, child, conditions, anchoring);
          break;
        case 'ERROR':
          visit(child, conditions);
          break;
        default:
          break;
      }
    }
  };
  visit(root, []);
  for (const field of root.descendantsOfType('field_declaration')) {
    const declarator = field.childForFieldName('declarator');
    const name = declarator?.type === 'array_declarator' ? declarator.childForFieldName('declarator')?.text : undefined;
    const size = declarator?.childForFieldName('size')?.text;
    if (name && size) facts.arrays[arraySizeName(name, true)] = size;
  }
  return facts;
}

function visibleConditions(conditions: string[]): string[] {
  return conditions.filter((c) => !c.includes(HIDDEN_CONDITION));
}

function addFunction(facts: FileFacts, node: SyntaxNode, conditions: string[], definition: boolean, anchoring: Anchoring): void {
  const name = declaratorName(node.childForFieldName('declarator'));
  if (!name) return;
  const decl: FunctionDecl = {
    name,
    storage: storageOf(node),
    definition,
    isInline: node.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'inline'),
    conditions: visibleConditions(conditions),
    anchor: anchoring.anchorOf(node),
  };
  facts.functions.push(decl);
}

function isFunctionDeclarator(node: SyntaxNode): boolean {
  let current: SyntaxNode | null = node;
  while (current) {
    if (current.type === 'function_declarator') return true;
    if (current.type === 'init_declarator') return false;
    current = current.childForFieldName('declarator');
  }
  return false;
}

function addDeclaration(facts: FileFacts, node: SyntaxNode, conditions: string[], anchoring: Anchoring): void {
  const storage = storageOf(node);
  const typeNode = node.childForFieldName('type');
  const lockClass = typeNode ? LOCK_DEFINITIONS[typeNode.text] : undefined;
  const isConst = node.namedChildren.some((c) => c.type === 'type_qualifier' && c.text === 'const');
  for (const declarator of node.childrenForFieldName('declarator')) {
    const name = declaratorName(declarator);
    if (!name) continue;
    if (isFunctionDeclarator(declarator)) {
      facts.functions.push({
        name, storage, definition: false, isInline: false, conditions: visibleConditions(conditions), anchor: anchoring.anchorOf(declarator),
      });
      continue;
    }
    const object: ObjectDecl = {
      name,
      type: lockClass ? typeNode!.text : `${typeNode?.text ?? ''}${declarator.text.trimStart().startsWith('*') ? ' *' : ''}`,
      storage,
      definition: storage !== 'extern',
      isConst,
      isPointer: /^\s*\*/.test(declarator.type === 'init_declarator' ? declarator.childForFieldName('declarator')?.text ?? '' : declarator.text),
      conditions: visibleConditions(conditions),
      anchor: anchoring.anchorOf(declarator),
    };
    if (lockClass) object.lockClass = lockClass;
    const fields = declarator.type === 'init_declarator' ? initialiserFields(declarator.childForFieldName('value')) : undefined;
    if (fields) object.fields = fields;
    facts.objects.push(object);
  }
}

/** `DEFINE_MUTEX(x);`, `module_init(f);`, `EXPORT_SYMBOL(x);` parse as calls at file scope. */
function addMacroStatement(facts: FileFacts, node: SyntaxNode, conditions: string[], anchoring: Anchoring): void {
  const call = node.namedChildren[0];
  if (call?.type !== 'call_expression') return;
  const macro = call.childForFieldName('function')?.text ?? '';
  const arg = call.childForFieldName('arguments')?.namedChildren[0]?.text;
  if (!arg) return;
  const lockClass = LOCK_DEFINITIONS[macro];
  if (lockClass) {
    facts.objects.push({
      name: arg, type: macro, storage: 'none', definition: true, isConst: false, isPointer: false, lockClass,
      conditions: visibleConditions(conditions), anchor: anchoring.anchorOf(node),
    });
    return;
  }
  const role = REGISTRATION_MACROS[macro];
  if (role) {
    const registration: Registration = { api: macro, role, target: arg, anchor: anchoring.anchorOf(node) };
    facts.registrations.push(registration);
  }
}
