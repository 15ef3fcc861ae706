import { danglingPointer } from '../../src/rules/dangling-pointer.js';
import { SEED, testRule, V7_1, V7_2, V7_4 } from './rule-tester.js';

const CACHE = 'drivers/misc/foo_cache.c';
const DRIVER = 'drivers/virtio/virtio_balloon.c';

testRule(danglingPointer, {
  valid: [
    {
      name: 'freed then cleared, a local freed, a static pointer nobody else reads',
      inputs: [{ fixture: 'rule-dangling-pointer-good.patch' }],
    },
    { name: 'v7 1/4 and 4/4 free no globals', inputs: [{ shared: V7_1 }, { shared: V7_4 }] },
  ],
  invalid: [
    {
      name: 'a free left dangling on an error path, and one at teardown of a non-static pointer',
      inputs: [{ fixture: 'rule-dangling-pointer-bad.patch' }],
      findings: [
        {
          file: CACHE, line: 27, patchLine: 42, function: 'foo_cache_resize', related: [13],
          message: /^`kfree\(foo_cache\)` leaves `foo_cache` pointing at freed memory.*`foo_cache_read\(\)` still reads it/,
        },
        { file: CACHE, line: 37, patchLine: 52, function: 'foo_teardown', related: [], message: /`foo_table`.*external linkage/ },
      ],
    },
    {
      name: 'the seed review: "No need to set it to NULL?" and "Neither here?"',
      inputs: [{ shared: SEED }],
      findings: [
        {
          file: DRIVER, line: 496, patchLine: 322, function: 'virtballoon_probe', related: [156],
          message: /`kfree\(balloon_mapping\)`.*`fill_balloon\(\)` still reads it/,
        },
        { file: DRIVER, line: 521, patchLine: 335, function: 'virtballoon_remove', related: [156, 470] },
      ],
    },
    {
      name: 'v7 1/4 and 2/4 as one series: mm.h reads the pointer too',
      inputs: [{ shared: V7_1 }, { shared: V7_2 }],
      findings: [
        {
          file: DRIVER, line: 496, patchLine: 287, function: 'virtballoon_probe', related: [1673, 156],
          message: /`movable_balloon_page\(\)` and `fill_balloon\(\)` still read it/,
        },
        { file: DRIVER, line: 521, patchLine: 295, function: 'virtballoon_remove' },
      ],
    },
  ],
});
