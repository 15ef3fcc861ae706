import { uapiKernelOnly } from '../../src/rules/uapi-kernel-only.js';
import { SEED, testRule, V7_1, V7_2 } from './rule-tester.js';

const WIRE = 'include/linux/bar_wire.h';
const UAPI = 'include/uapi/linux/foo_dev.h';
const BAD = [{ fixture: 'rule-uapi-kernel-only-bad.patch' }];

/** The pre-image of bar_wire.h in the bad fixture, as `--tree` would give it. */
const BAR_WIRE_BEFORE = [
  '#ifndef _LINUX_BAR_WIRE_H',
  '#define _LINUX_BAR_WIRE_H',
  '/* This header is BSD licensed so anyone can use the definitions. */',
  '#include <linux/types.h>',
  '',
  'struct bar_wire_config {',
  '\t__le32 queues;',
  '\t__le32 mtu;',
  '};',
  '',
  'struct bar_wire_event {',
  '\t__u16 type;',
  '\t__u64 value;',
  '} __attribute__((packed));',
  '',
  '#endif /* _LINUX_BAR_WIRE_H */',
  '',
].join('\n');

testRule(uapiKernelOnly, {
  valid: [
    {
      name: 'a static inline helper in a uapi header, kernel declarations under #ifdef __KERNEL__, and a header with no sign of export',
      inputs: [{ fixture: 'rule-uapi-kernel-only-good.patch' }],
    },
    { name: 'v7 1/4 adds to mm.h inside #ifdef __KERNEL__', inputs: [{ shared: V7_1 }] },
  ],
  invalid: [
    {
      name: 'an object and a prototype in a uapi header and in an include/linux header with packed __u64 layouts',
      inputs: BAD,
      findings: [
        { file: WIRE, line: 16, patchLine: 22, message: /`bar_wire_netdev`.*packed `struct bar_wire_event` \(line 14\) and `__u64` fields \(line 13\)/ },
        { file: WIRE, line: 17, patchLine: 23, message: /`bar_wire_kick\(\)`, a kernel function, is declared/ },
        { file: UAPI, line: 14, patchLine: 34, message: /`foo_dev_count`.*under `include\/uapi\/`/ },
        { file: UAPI, line: 15, patchLine: 35, message: /`foo_dev_reset\(\)`/ },
      ],
    },
    {
      name: 'a Kbuild header-y line is the evidence when --tree has one',
      inputs: BAD,
      tree: { 'include/linux/Kbuild': 'header-y += bar_wire.h foo_dev.h\n' },
      findings: [
        { file: WIRE, line: 16, patchLine: 22, message: /`include\/linux\/Kbuild` exports it with `header-y`/ },
        { file: WIRE, line: 17, patchLine: 23, message: /`include\/linux\/Kbuild` exports it/ },
        { file: UAPI, line: 14, patchLine: 34 },
        { file: UAPI, line: 15, patchLine: 35 },
      ],
    },
    {
      name: 'with the whole header from --tree the wire layout the hunks do not show is evidence too',
      inputs: BAD,
      tree: { [WIRE]: BAR_WIRE_BEFORE },
      findings: [
        { file: WIRE, line: 16, patchLine: 22, message: /packed `struct bar_wire_event` \(line 14\) and the wire layout `struct bar_wire_config` and `__u64` fields/ },
        { file: WIRE, line: 17, patchLine: 23 },
        { file: UAPI, line: 14, patchLine: 34 },
        { file: UAPI, line: 15, patchLine: 35 },
      ],
    },
    {
      name: 'a Kbuild that does not list the include/linux header outweighs its shape; include/uapi needs no Kbuild',
      inputs: BAD,
      tree: { 'include/linux/Kbuild': 'header-y += virtio_ids.h\nheader-y += virtio_config.h\n' },
      findings: [
        { file: UAPI, line: 14, patchLine: 34 },
        { file: UAPI, line: 15, patchLine: 35 },
      ],
    },
    {
      name: 'the seed review: "need to be ifdef KERNEL"',
      inputs: [{ shared: SEED }],
      findings: [{
        file: 'include/linux/virtio_balloon.h', line: 60, patchLine: 351,
        message: /`balloon_mapping`, a kernel object, is defined outside `#ifdef __KERNEL__`.*packed `struct virtio_balloon_stat` \(line 57\)/,
      }],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [{ file: 'include/linux/virtio_balloon.h', line: 60, patchLine: 308 }],
    },
  ],
});
