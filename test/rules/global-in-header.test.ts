import { globalInHeader } from '../../src/rules/global-in-header.js';
import { SEED, testRule, V7_1, V7_2 } from './rule-tester.js';

const HEADER = 'include/linux/foo_stats.h';

testRule(globalInHeader, {
  valid: [
    {
      name: 'extern declarations, a static const table and an inline helper in the header, definitions in the .c file',
      inputs: [{ fixture: 'rule-global-in-header-good.patch' }],
    },
    { name: 'v7 1/4 declares balloon_mapping extern in mm.h', inputs: [{ shared: V7_1 }] },
  ],
  invalid: [
    {
      name: 'a pointer, an initialised object, a static object and a lock defined in a header',
      inputs: [{ fixture: 'rule-global-in-header-bad.patch' }],
      findings: [
        { file: HEADER, line: 14, patchLine: 22, message: /^`foo_current_stats` is defined in a header/ },
        { file: HEADER, line: 15, patchLine: 23, message: /^`foo_stats_period` is defined in a header/ },
        { file: HEADER, line: 16, patchLine: 24, message: /^`foo_stats_resets` is defined `static` in a header/ },
        { file: HEADER, line: 17, patchLine: 25, message: /^`DEFINE_SPINLOCK\(foo_stats_lock\)` is defined in a header/ },
      ],
    },
    {
      name: 'the seed review: balloon_mapping in virtio_balloon.h',
      inputs: [{ shared: SEED }],
      findings: [{ file: 'include/linux/virtio_balloon.h', line: 60, patchLine: 351, message: /`balloon_mapping`.*its own copy/ }],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [{ file: 'include/linux/virtio_balloon.h', line: 60, patchLine: 308 }],
    },
  ],
});
