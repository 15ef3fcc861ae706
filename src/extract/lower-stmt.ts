import type { Exit } from './cfg-builder.js';
import { CfgBuilder } from './cfg-builder.js';
import { flatText, type SyntaxNode } from './c-syntax.js';
import { LIST_ITERATORS } from './kernel-api.js';
import { callArgs, lowerCondition, lowerLocation, lowerValue, nameExpr, writeLocation } from './lower-expr.js';

/** Statements to the operation graph: structured control flow becomes branches and edges. */

const SKIPPED = new Set(['comment', ';', '{', '}', 'type_definition', 'struct_specifier', 'preproc_def', 'preproc_function_def', 'preproc_call', 'preproc_include']);

export function declaratorName(node: SyntaxNode | null): string | undefined {
  let current = node;
  while (current) {
    if (current.type === 'identifier') return current.text;
    current = current.childForFieldName('declarator') ?? current.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ?? null;
  }
  return undefined;
}

/** Statements made of expressions only: an error among their own tokens leaves nothing in them to trust. */
const SIMPLE_STATEMENTS = new Set(['expression_statement', 'declaration', 'return_statement']);

export function lowerStatement(b: CfgBuilder, node: SyntaxNode): void {
  if (SIMPLE_STATEMENTS.has(node.type) && node.children.some((c) => c.type === 'ERROR' || c.isMissing)) {
    b.noteUnparsed(node);
    // A `return` still leaves the function; only the value tree-sitter guessed for it is dropped.
    if (node.type === 'return_statement') b.emit({ kind: 'return' }, node);
    return;
  }
  switch (node.type) {
    case 'compound_statement':
      lowerStatements(b, node.namedChildren);
      return;
    case 'expression_statement':
      if (node.namedChildren[0]) lowerValue(b, node.namedChildren[0]);
      return;
    case 'declaration':
      lowerDeclaration(b, node);
      return;
    case 'if_statement':
      lowerIf(b, node);
      return;
    case 'while_statement':
      lowerWhile(b, node);
      return;
    case 'for_statement':
      lowerFor(b, node);
      return;
    case 'do_statement':
      lowerDo(b, node);
      return;
    case 'switch_statement':
      lowerSwitch(b, node);
      return;
    case 'return_statement': {
      const valueNode = node.namedChildren.find((c) => c.type !== 'comment');
      const value = valueNode ? lowerValue(b, valueNode) : undefined;
      b.emit({ kind: 'return', ...(value ? { value } : {}) }, node);
      return;
    }
    case 'break_statement':
    case 'continue_statement': {
      const kind = node.type === 'break_statement' ? 'break' : 'continue';
      const id = b.emit({ kind: 'jump', jump: kind }, node);
      b.ops[id]!.succ = [-1];
      if (!b.addLoopExit(kind, { op: id, slot: 0 })) {
        b.notes.push(`${kind} outside a loop at line ${b.lineOf(node)}: treated as leaving the function`);
        b.ops[id]!.succ = [];
      }
      return;
    }
    case 'goto_statement': {
      const label = node.childForFieldName('label')?.text ?? '?';
      const id = b.emit({ kind: 'jump', jump: 'goto', label }, node);
      b.ops[id]!.succ = [-1];
      b.gotos.push({ op: id, label });
      return;
    }
    case 'labeled_statement': {
      const label = node.childForFieldName('label')?.text ?? '?';
      b.labels.set(label, b.head(node, `${label}:`));
      lowerStatements(b, node.namedChildren.filter((c) => c.type !== 'statement_identifier'));
      return;
    }
    case 'preproc_if':
    case 'preproc_ifdef':
    case 'preproc_else':
    case 'preproc_elif':
      lowerConditionalBlock(b, node);
      return;
    case 'ERROR':
      b.noteUnparsed(node);
      lowerStatements(b, node.namedChildren.filter((c) => /statement|declaration|expression/.test(c.type)));
      return;
    default:
      if (SKIPPED.has(node.type)) return;
      if (node.type.endsWith('_expression')) {
        lowerValue(b, node);
        return;
      }
      b.notes.push(`not modelled: ${node.type} at line ${b.lineOf(node)}`);
  }
}

function lowerStatements(b: CfgBuilder, nodes: readonly SyntaxNode[]): void {
  for (const node of nodes) lowerStatement(b, node);
}

function lowerDeclaration(b: CfgBuilder, node: SyntaxNode): void {
  for (const declarator of node.childrenForFieldName('declarator')) {
    if (declarator.type !== 'init_declarator') continue;
    const name = declaratorName(declarator.childForFieldName('declarator'));
    const valueNode = declarator.childForFieldName('value');
    if (!name || !valueNode || valueNode.type === 'initializer_list') continue;
    const value = lowerValue(b, valueNode);
    b.emit({ kind: 'assign', local: name, value }, declarator);
  }
}

function lowerIf(b: CfgBuilder, node: SyntaxNode): void {
  const exits = lowerCondition(b, node.childForFieldName('condition')!);
  b.pending = exits.t;
  lowerStatement(b, node.childForFieldName('consequence')!);
  const afterThen = b.pending;
  b.pending = exits.f;
  const alternative = node.childForFieldName('alternative');
  const elseBody = alternative?.type === 'else_clause' ? alternative.namedChildren[0] : alternative;
  if (elseBody) lowerStatement(b, elseBody);
  b.pending = [...afterThen, ...b.pending];
}

/** Lowers a loop body; `closeLoop` runs the continue path (an update, the next entry) back to the head. */
function loopBody(b: CfgBuilder, body: SyntaxNode | null, closeLoop: () => void): Exit[] {
  b.pushLoop(false);
  if (body) lowerStatement(b, body);
  const frame = b.popLoop();
  b.pending = [...b.pending, ...frame.continues];
  closeLoop();
  b.pending = [];
  return frame.breaks;
}

function lowerWhile(b: CfgBuilder, node: SyntaxNode): void {
  const condition = node.childForFieldName('condition')!;
  // parseC writes a list iterator as the condition of a `while`.
  const call = condition.namedChildren[0];
  const name = call?.type === 'call_expression' ? call.childForFieldName('function')?.text : undefined;
  if (call && name && LIST_ITERATORS[name]) {
    lowerListLoop(b, call, name, node.childForFieldName('body'));
    return;
  }
  const head = b.head(node, `while ${flatText(condition)}`);
  const exits = lowerCondition(b, condition, true);
  b.pending = exits.t;
  const breaks = loopBody(b, node.childForFieldName('body'), () => b.link(b.pending, head));
  b.pending = [...exits.f, ...breaks];
}

function lowerFor(b: CfgBuilder, node: SyntaxNode): void {
  const init = node.childForFieldName('initializer');
  if (init?.type === 'declaration') lowerDeclaration(b, init);
  else if (init) lowerValue(b, init);
  const condition = node.childForFieldName('condition');
  const head = b.head(node, `for (${condition ? flatText(condition) : ';;'})`);
  const exits = condition ? lowerCondition(b, condition, true) : { t: b.pending, f: [] as Exit[] };
  b.pending = exits.t;
  const update = node.childForFieldName('update');
  const breaks = loopBody(b, node.childForFieldName('body'), () => {
    if (update) lowerValue(b, update);
    b.link(b.pending, head);
  });
  b.pending = [...exits.f, ...breaks];
}

function lowerDo(b: CfgBuilder, node: SyntaxNode): void {
  const head = b.head(node, 'do');
  b.pushLoop(false);
  const body = node.childForFieldName('body');
  if (body) lowerStatement(b, body);
  const frame = b.popLoop();
  b.pending = [...b.pending, ...frame.continues];
  const exits = lowerCondition(b, node.childForFieldName('condition')!, true);
  b.link(exits.t, head);
  b.pending = [...exits.f, ...frame.breaks];
}

function lowerSwitch(b: CfgBuilder, node: SyntaxNode): void {
  const value = lowerValue(b, node.childForFieldName('condition')!);
  const body = node.childForFieldName('body');
  b.pushLoop(true);
  let tests = b.pending;
  let fallthrough: Exit[] = [];
  let defaultStart: number | undefined;
  for (const item of body?.namedChildren ?? []) {
    if (item.type !== 'case_statement') {
      b.pending = fallthrough;
      lowerStatement(b, item);
      fallthrough = b.pending;
      continue;
    }
    const caseValue = item.childForFieldName('value');
    if (caseValue) {
      b.pending = tests;
      const right = lowerValue(b, caseValue);
      const exits = b.branch({ k: 'binary', op: '==', left: value, right }, item, false, `case ${flatText(caseValue)}`);
      tests = exits.f;
      b.pending = [...exits.t, ...fallthrough];
    } else {
      b.pending = fallthrough;
      defaultStart = b.head(item, 'default:');
    }
    lowerStatements(b, item.namedChildren.filter((c) => c !== caseValue));
    fallthrough = b.pending;
  }
  const frame = b.popLoop();
  if (defaultStart !== undefined) {
    b.link(tests, defaultStart);
    tests = [];
  }
  b.pending = [...fallthrough, ...frame.breaks, ...tests];
}

/** `list_for_each_entry(pos, head, member) body`: a loop that visits each entry of the list. */
function lowerListLoop(b: CfgBuilder, call: SyntaxNode, name: string, body: SyntaxNode | null): void {
  const iterator = LIST_ITERATORS[name]!;
  const args = callArgs(call);
  const posNode = args[iterator.posArg];
  const headNode = args[iterator.headArg];
  if (!posNode || !headNode) {
    b.notes.push(`not modelled: ${name} with unexpected arguments`);
    return;
  }
  const pos = lowerLocation(b, posNode);
  const head = lowerValue(b, headNode);
  const first = b.newTemp();
  b.emit({ kind: 'list', api: name, action: 'iter_first', head, dest: first }, call);
  writeLocation(b, pos, { k: 'temp', id: first }, call);
  const loopHead = b.head(call, `${name} (next entry)`);
  const exits = b.branch({ k: 'binary', op: '!=', left: pos.k === 'name' ? pos : nameExpr(b, posNode.text), right: { k: 'int', value: 0 } }, call, true);
  b.pending = exits.t;
  const nextNode = iterator.nextArg !== undefined ? args[iterator.nextArg] : undefined;
  const advance = (from: typeof pos): void => {
    const next = b.newTemp();
    b.emit({ kind: 'list', api: name, action: 'iter_next', entry: from, head, dest: next }, call);
    writeLocation(b, nextNode ? lowerLocation(b, nextNode) : pos, { k: 'temp', id: next }, call);
  };
  if (nextNode) advance(pos);
  const breaks = loopBody(b, body, () => {
    if (nextNode) b.emit({ kind: 'assign', local: posNode.text, value: lowerValue(b, nextNode) }, call);
    else advance(pos);
    b.link(b.pending, loopHead);
  });
  b.pending = [...exits.f, ...breaks];
}

/** `#if` inside a function: either branch may be compiled in, so both are paths. */
function lowerConditionalBlock(b: CfgBuilder, node: SyntaxNode): void {
  const condition = node.childForFieldName('condition') ?? node.childForFieldName('name');
  const alternative = node.childForFieldName('alternative');
  const body = node.namedChildren.filter((c) => c !== condition && c !== alternative);
  if (node.type === 'preproc_else') {
    lowerStatements(b, body);
    return;
  }
  const exits = b.branch({ k: 'opaque', text: `#if ${condition ? flatText(condition) : '?'}` }, node, false, `#if ${condition ? flatText(condition) : ''}`);
  b.pending = exits.t;
  lowerStatements(b, body);
  const afterThen = b.pending;
  b.pending = exits.f;
  if (alternative) lowerStatement(b, alternative);
  b.pending = [...afterThen, ...b.pending];
}
