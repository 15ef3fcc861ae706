import type { FunctionProgram, PatchProgram } from '../model/program.js';
import { opText } from '../extract/expr-text.js';

/** The extract stage's output for people: one block per function, one line per operation. */
export function formatFunctionProgram(fn: FunctionProgram): string {
  const where = `${fn.file}:${fn.anchor.newLine ?? fn.anchor.oldLine ?? '?'}`;
  const gaps = fn.ops.filter((op) => op.kind === 'gap').length;
  const status = fn.complete ? 'complete' : `partial: ${gaps} hidden region${gaps === 1 ? '' : 's'}`;
  const lines = [`${fn.name}  ${where}  [${fn.side === 'new' ? 'post-image' : 'pre-image'}, ${status}]`];
  for (const op of fn.ops) {
    const line = fn.side === 'new' ? op.anchor.newLine : op.anchor.oldLine;
    const mark = op.anchor.origin === 'added' ? '+' : op.anchor.origin === 'removed' ? '-' : op.anchor.origin === 'synthetic' ? '~' : ' ';
    const succ = op.succ.length === 0 ? '' : op.kind === 'branch' ? ` -> ${op.succ[0]} | ${op.succ[1]}` : op.succ[0] === op.id + 1 ? '' : ` -> ${op.succ[0]}`;
    lines.push(`  ${String(op.id).padStart(3)} ${String(line ?? '').padStart(5)}${mark} ${op.kind.padEnd(7)} ${opText(op)}${succ}`);
  }
  for (const note of fn.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

export function formatPatchProgram(program: PatchProgram): string {
  const blocks = [`# ${program.subject || program.input}`];
  for (const file of program.files) {
    for (const fn of file.functions) blocks.push(formatFunctionProgram(fn));
    for (const object of file.facts.objects) {
      if (object.anchor.origin === 'synthetic') continue;
      const where = `${file.file}:${object.anchor.newLine ?? object.anchor.oldLine ?? '?'}`;
      const kind = object.definition ? 'defines' : 'declares';
      const conditions = object.conditions.length > 0 ? ` under #if ${object.conditions.join(' && ')}` : '';
      if (file.side === 'new') blocks.push(`${where}: ${kind} ${object.storage === 'none' ? '' : `${object.storage} `}${object.type} ${object.name}${conditions}`);
    }
  }
  return `${blocks.join('\n\n')}\n`;
}
