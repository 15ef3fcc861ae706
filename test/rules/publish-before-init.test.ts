import { publishBeforeInit } from '../../src/rules/publish-before-init.js';
import { SEED, testRule, V7_1, V7_2 } from './rule-tester.js';

const CFG = 'drivers/misc/foo_cfg.c';
const DRIVER = 'drivers/virtio/virtio_balloon.c';

testRule(publishBeforeInit, {
  valid: [
    {
      name: 'initialised through a local and published last, with smp_store_release() and a plain store',
      inputs: [{ fixture: 'rule-publish-before-init-good.patch' }],
    },
    { name: 'v7 1/4 allocates nothing it publishes', inputs: [{ shared: V7_1 }] },
  ],
  invalid: [
    {
      name: 'published straight from the allocation, and through a local',
      inputs: [{ fixture: 'rule-publish-before-init-bad.patch' }],
      findings: [
        {
          file: CFG, line: 19, patchLine: 23, function: 'foo_cfg_init', related: [22, 23, 24],
          message: /^`foo_cfg` points at the object kzalloc\(\) returns before its fields are initialised \(lines 22-24\)/,
        },
        { file: CFG, line: 29, patchLine: 33, function: 'foo_cfg_init', related: [30], message: /^`foo_shadow`.*\(line 30\)/ },
      ],
    },
    {
      name: 'the seed review: "Can balloon_mapping be dereferenced at this point?"',
      inputs: [{ shared: SEED }],
      findings: [
        {
          file: DRIVER, line: 469, patchLine: 301, function: 'virtballoon_probe', related: [475, 476, 477, 478],
          message: /^`balloon_mapping` points at the object kmalloc\(\) returns.*\(lines 475-478\)/,
        },
      ],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [{ file: DRIVER, line: 469, patchLine: 270, function: 'virtballoon_probe', related: [475, 476, 477, 478] }],
    },
  ],
});
