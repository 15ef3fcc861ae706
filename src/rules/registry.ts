import { checkThenActRule } from './check-then-act.js';
import { danglingPointer } from './dangling-pointer.js';
import { deadlock } from './deadlock.js';
import { globalInHeader } from './global-in-header.js';
import { listCorruption } from './list-corruption.js';
import { lockLeak } from './lock-leak.js';
import { missingBarrier } from './missing-barrier.js';
import { multiDeviceGlobal } from './multi-device-global.js';
import { nonstaticGlobal } from './nonstatic-global.js';
import { publishBeforeInit } from './publish-before-init.js';
import type { Rule } from './rule.js';
import { staleMapping } from './stale-mapping.js';
import { uapiKernelOnly } from './uapi-kernel-only.js';
import { useAfterFree } from './use-after-free.js';
import { wrongDevice } from './wrong-device.js';

/**
 * Every rule kreview has, sorted by id. Adding a rule is one import and one row; a test checks the
 * order, that each id is its module's file name, and that each rule has a doc page.
 */
export const RULES: readonly Rule[] = [
  checkThenActRule,
  danglingPointer,
  deadlock,
  globalInHeader,
  listCorruption,
  lockLeak,
  missingBarrier,
  multiDeviceGlobal,
  nonstaticGlobal,
  publishBeforeInit,
  staleMapping,
  uapiKernelOnly,
  useAfterFree,
  wrongDevice,
];

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}
