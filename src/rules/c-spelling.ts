import type { FunctionProgram, ObjectDecl } from '../model/program.js';
import { LOCK_MACRO_TYPES } from './kernel-types.js';

/** How findings spell C back to the author: the object as written, and the declarations a fix needs. */

/** `name`, or `DEFINE_MUTEX(name)` for an object a lock macro defines. */
export function spellingOf(o: ObjectDecl): string {
  return o.lockClass ? `\`${o.type}(${o.name})\`` : `\`${o.name}\``;
}

/** `type name` with the pointer star against the name, as kernel style writes it. */
function declarator(type: string, name: string): string {
  return `${type}${type.endsWith('*') ? '' : ' '}${name}`;
}

export function externDeclaration(o: ObjectDecl): string {
  return `extern ${declarator(LOCK_MACRO_TYPES[o.type] ?? o.type, o.name)};`;
}

export function prototypeOf(fn: FunctionProgram): string {
  const params = fn.params.length === 0 ? 'void' : fn.params.map((p) => declarator(p.type, p.name)).join(', ');
  return `${declarator(fn.returnType, fn.name)}(${params});`;
}
