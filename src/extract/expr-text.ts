import type { Expr, Op } from '../model/program.js';

/** C-like text for an expression of the operation program; temporaries print as `tN`. */
export function exprText(e: Expr): string {
  switch (e.k) {
    case 'name':
      return e.name;
    case 'int':
      return String(e.value);
    case 'string':
      return e.value;
    case 'temp':
      return `t${e.id}`;
    case 'field':
      return `${exprText(e.base)}${e.arrow ? '->' : '.'}${e.field}`;
    case 'index':
      return `${exprText(e.base)}[${exprText(e.index)}]`;
    case 'addr':
      return `&${exprText(e.arg)}`;
    case 'deref':
      return `*${exprText(e.arg)}`;
    case 'unary':
      return `${e.op}${exprText(e.arg)}`;
    case 'binary':
      return `(${exprText(e.left)} ${e.op} ${exprText(e.right)})`;
    case 'ternary':
      return `(${exprText(e.test)} ? ${exprText(e.then)} : ${exprText(e.else)})`;
    case 'opaque':
      return `«${e.text}»`;
  }
}

const dest = (d: number | undefined): string => (d === undefined ? '' : `t${d} = `);

/** One line describing what an operation does, in terms of the program's own values. */
export function opText(op: Op): string {
  switch (op.kind) {
    case 'lock':
      return `${dest(op.dest)}${op.api}(${exprText(op.lock)})`;
    case 'list':
      return `${dest(op.dest)}${op.action}(${[op.entry, op.head].filter((x) => x).map((x) => exprText(x!)).join(', ')})`;
    case 'load':
      return `t${op.dest} = ${op.order === 'plain' ? '' : `${op.order} `}load ${exprText(op.source)}`;
    case 'store':
      return `${op.order === 'plain' ? '' : `${op.order} `}store ${exprText(op.target)} = ${exprText(op.value)}`;
    case 'assign':
      return `${op.local} := ${exprText(op.value)}`;
    case 'alloc':
      return `t${op.dest} = ${op.api}(${op.flags.join('|')})`;
    case 'free':
      return `${op.api}(${exprText(op.target)})`;
    case 'pageref':
      return `${dest(op.dest)}${op.api}(${exprText(op.page)})`;
    case 'barrier':
      return `${op.api}()`;
    case 'call':
      return `${dest(op.dest)}${op.callee ?? `(*${op.target ? exprText(op.target) : '?'})`}(${op.args.map(exprText).join(', ')})`;
    case 'spawn':
      return `${dest(op.dest)}${op.api}(${exprText(op.fn)}${op.arg ? `, ${exprText(op.arg)}` : ''})`;
    case 'bug':
      return `${op.api} reached`;
    case 'branch':
      return `if ${exprText(op.cond)}`;
    case 'jump':
      return `${op.jump}${op.label ? ` ${op.label}` : ''}`;
    case 'return':
      return `return${op.value ? ` ${exprText(op.value)}` : ''}`;
    case 'gap':
      return `hidden lines${op.newFrom !== undefined ? ` ${op.newFrom}-${op.newTo}` : op.oldFrom !== undefined ? ` old ${op.oldFrom}-${op.oldTo}` : ''}`;
    case 'nop':
      return op.text;
  }
}
