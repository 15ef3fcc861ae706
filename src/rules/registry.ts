import { danglingPointer } from './dangling-pointer.js';
import { globalInHeader } from './global-in-header.js';
import { multiDeviceGlobal } from './multi-device-global.js';
import { nonstaticGlobal } from './nonstatic-global.js';
import { publishBeforeInit } from './publish-before-init.js';
import type { Rule } from './rule.js';
import { uapiKernelOnly } from './uapi-kernel-only.js';

/**
 * Every rule kreview has, sorted by id. Adding a rule is one import and one row; a test checks the
 * order, that each id is its module's file name, and that each rule has a doc page.
 */
export const RULES: readonly Rule[] = [
  danglingPointer,
  globalInHeader,
  multiDeviceGlobal,
  nonstaticGlobal,
  publishBeforeInit,
  uapiKernelOnly,
];

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
