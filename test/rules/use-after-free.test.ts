import { useAfterFree } from '../../src/rules/use-after-free.js';
import { SEED, V7_1, V7_2, V7_4 } from './rule-tester.js';
import { testSimulatorRule } from './sim-rule-tester.js';

const DRIVER = 'drivers/virtio/toy_balloon.c';
const V7 = 'drivers/virtio/virtio_balloon.c';

/** A callback of the module that compaction is inside of, or calls, after the module is gone. */
const AFTER_UNLOAD = (fn: string): RegExp =>
  new RegExp(`^${fn} runs after the module was unloaded: its code is gone: compaction is inside or calling ${fn}\\(\\) while unload removes the device and frees the module; `
    + 'nothing outside the module keeps its code alive until the callback returns\\.$');
/** remove frees the mapping that the pages compaction holds still point to. */
const MAPPING_FREED = /^After `kfree\(balloon_mapping\)`, compaction still reaches the object in __isolate_balloon_page\(\) \(kreview's model of mm-v7\.c\): read of \S+->a_ops after it was freed\.$/;

testSimulatorRule(useAfterFree, {
  valid: [
    // The patch does not touch remove, so there is no unload to race: nothing to say.
    { name: 'the v7 race, with remove untouched by the patch', inputs: [{ fixture: 'sim-deflate-race.patch' }] },
    { name: 'the leak path takes the page lock compaction holds', inputs: [{ fixture: 'sim-lock-leak-fixed.patch' }] },
    {
      name: 'the 3.8 API whose lockless test no longer dereferences page->mapping (the series fixes the mm side)',
      inputs: [{ fixture: 'sim-v38-corrected.mbox' }],
    },
  ],
  invalid: [
    {
      name: 'the address_space callbacks live in the module, and remove frees the mapping',
      inputs: [{ fixture: 'sim-unload.patch' }],
      findings: [
        { file: DRIVER, line: 80, patchLine: 97, function: 'tb_migratepage', message: AFTER_UNLOAD('tb_migratepage') },
        { file: DRIVER, line: 91, patchLine: 108, function: 'tb_isolatepage', message: AFTER_UNLOAD('tb_isolatepage') },
        { file: DRIVER, line: 99, patchLine: 116, function: 'tb_putbackpage', message: AFTER_UNLOAD('tb_putbackpage') },
        { file: DRIVER, line: 152, patchLine: 160, function: 'tb_remove', message: MAPPING_FREED },
      ],
    },
    {
      // 3.8's lockless balloon_page_movable() reads mapping->flags holding neither a reference nor
      // the page lock; remove deflates everything and frees the mapping in between.
      name: 'a driver on the 3.8 balloon_compaction API: remove frees the mapping under compaction\'s lockless test',
      inputs: [{ fixture: 'sim-v38-driver.patch' }],
      findings: [{
        file: DRIVER, line: 127, patchLine: 148, function: 'tb_remove',
        message: /^After `balloon_mapping_free\(tb->dev_info->mapping\)`, compaction still reaches the object in mapping_balloon\(\) \(kreview's model of mm-3\.8\.c\): read of address_space#\d+->balloon_map after it was freed\.$/,
      }],
    },
    {
      name: 'the seed review: "module goes away between here and when the function returns", and kfree(balloon_mapping) in remove',
      inputs: [{ shared: SEED }],
      findings: [
        { file: V7, line: 400, patchLine: 229, function: 'virtballoon_migratepage', message: AFTER_UNLOAD('virtballoon_migratepage') },
        { file: V7, line: 426, patchLine: 255, function: 'virtballoon_isolatepage', message: AFTER_UNLOAD('virtballoon_isolatepage') },
        { file: V7, line: 437, patchLine: 266, function: 'virtballoon_putbackpage', message: AFTER_UNLOAD('virtballoon_putbackpage') },
        { file: V7, line: 521, patchLine: 335, function: 'virtballoon_remove', message: MAPPING_FREED },
      ],
    },
    {
      // 4/4 shows only the middle of virtballoon_migratepage(): 2/4's whole function runs (with its
      // mutex_lock), so the unload race stays where 2/4 put it; 1/4's compaction code meets the freed mapping.
      name: 'the v7 series as posted: 1/4, 2/4 and 4/4 together',
      inputs: [{ shared: V7_1 }, { shared: V7_2 }, { shared: V7_4 }],
      findings: [
        { file: 'mm/compaction.c', line: 46, patchLine: 87, function: '__isolate_balloon_page' },
        { file: 'mm/compaction.c', line: 51, patchLine: 92, function: '__putback_balloon_page' },
        { file: V7, line: 400, patchLine: 206, function: 'virtballoon_migratepage' },
        { file: V7, line: 426, patchLine: 232, function: 'virtballoon_isolatepage' },
        { file: V7, line: 437, patchLine: 243, function: 'virtballoon_putbackpage' },
        { file: V7, line: 521, patchLine: 295, function: 'virtballoon_remove' },
      ],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [
        { file: V7, line: 400, patchLine: 206, function: 'virtballoon_migratepage' },
        { file: V7, line: 426, patchLine: 232, function: 'virtballoon_isolatepage' },
        { file: V7, line: 437, patchLine: 243, function: 'virtballoon_putbackpage' },
        { file: V7, line: 521, patchLine: 295, function: 'virtballoon_remove' },
      ],
    },
  ],
});
