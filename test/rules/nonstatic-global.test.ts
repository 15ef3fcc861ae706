import { nonstaticGlobal } from '../../src/rules/nonstatic-global.js';
import { SEED, testRule, V7_1, V7_2, V7_4 } from './rule-tester.js';

const CTL = 'drivers/misc/foo_ctl.c';
const DRIVER = 'drivers/virtio/virtio_balloon.c';

testRule(nonstaticGlobal, {
  valid: [
    {
      name: 'static definitions, a symbol declared in a header of the patch, an exported one, a prototype in the file, a module_init target',
      inputs: [{ fixture: 'rule-nonstatic-global-good.patch' }],
    },
    { name: 'v7 1/4: compaction.c defines balloon_mapping, which mm.h declares and EXPORT_SYMBOL_GPL exports', inputs: [{ shared: V7_1 }] },
    { name: 'v7 4/4', inputs: [{ shared: V7_4 }] },
  ],
  invalid: [
    {
      name: 'a lock, an object and a function without static',
      inputs: [{ fixture: 'rule-nonstatic-global-bad.patch' }],
      findings: [
        { file: CTL, line: 12, patchLine: 21, message: /^`DEFINE_MUTEX\(foo_ctl_lock\)` is defined without `static`/ },
        { file: CTL, line: 13, patchLine: 22, message: /^`foo_ctl_max_users`/ },
        { file: CTL, line: 21, patchLine: 30, function: 'foo_ctl_set_mode', message: /`symbol 'foo_ctl_set_mode' was not declared\. Should it be static\?`/ },
      ],
    },
    {
      name: 'the seed review: two locks, the device pointer and the three address_space callbacks',
      inputs: [{ shared: SEED }],
      findings: [
        { file: DRIVER, line: 40, patchLine: 47, message: /`DEFINE_MUTEX\(balloon_lock\)`/ },
        { file: DRIVER, line: 43, patchLine: 50, message: /`DEFINE_SPINLOCK\(pages_lock\)`/ },
        { file: DRIVER, line: 382, patchLine: 211, message: /^`vb_ptr`/ },
        { file: DRIVER, line: 397, patchLine: 226, function: 'virtballoon_migratepage', message: /`\.migratepage` of `virtio_balloon_aops`/ },
        { file: DRIVER, line: 424, patchLine: 253, function: 'virtballoon_isolatepage', message: /`\.invalidatepage` of `virtio_balloon_aops`/ },
        { file: DRIVER, line: 435, patchLine: 264, function: 'virtballoon_putbackpage', message: /`\.freepage` of `virtio_balloon_aops`/ },
      ],
    },
    {
      name: 'v7 1/4 and 2/4 as one series: only the driver\'s symbols',
      inputs: [{ shared: V7_1 }, { shared: V7_2 }],
      findings: [
        { file: DRIVER, line: 40, patchLine: 45 },
        { file: DRIVER, line: 43, patchLine: 48 },
        { file: DRIVER, line: 382, patchLine: 188 },
        { file: DRIVER, line: 397, patchLine: 203, function: 'virtballoon_migratepage' },
        { file: DRIVER, line: 424, patchLine: 230, function: 'virtballoon_isolatepage' },
        { file: DRIVER, line: 435, patchLine: 241, function: 'virtballoon_putbackpage' },
      ],
    },
  ],
});
