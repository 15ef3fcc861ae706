import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { multiDeviceGlobal } from '../../src/rules/multi-device-global.js';
import { findingsOf, hasShared, SEED, SHARED, testRule, V7_1, V7_2 } from './rule-tester.js';

const DRIVER = 'drivers/virtio/virtio_balloon.c';

testRule(multiDeviceGlobal, {
  valid: [
    {
      name: 'state kept in the device, a counter, a flag, a single-instance probe, and a store outside probe',
      inputs: [{ fixture: 'rule-multi-device-global-good.patch' }],
    },
    { name: 'v7 1/4 has no driver', inputs: [{ shared: V7_1 }] },
  ],
  invalid: [
    {
      name: 'a value derived from the device (probe found by .probe), a local tied to the device and an allocation, '
        + 'and a local the probe sets up after hidden lines (probes found by signature)',
      inputs: [{ fixture: 'rule-multi-device-global-bad.patch' }],
      findings: [
        {
          file: 'drivers/bus/bar_bus.c', line: 10, patchLine: 23, function: 'bar_attach',
          message: /^`bar_attach\(\)` stores a value derived from `bdev` in the file-scope global `bar_regs`/,
        },
        {
          file: 'drivers/char/foo_pci.c', line: 13, patchLine: 41, related: [31],
          message: /^`foo_active` keeps per-device state.*`foo_probe\(\)` stores `priv` in it at line 31 \(`priv->pdev = pdev` at line 28/,
        },
        {
          file: 'drivers/char/foo_pci.c', line: 14, patchLine: 42, related: [32],
          message: /^`foo_counters`.*the object kcalloc\(\) returns in it at line 32/,
        },
        {
          file: 'drivers/virtio/virtio_qux.c', line: 13, patchLine: 65, related: [34],
          message: /^`qux_current`.*stores `qx` in it at line 34 \(the state this probe sets up for the device from line 32\)/,
        },
      ],
    },
    {
      name: 'the seed review: "What if there is more than one balloon device?"',
      inputs: [{ shared: SEED }],
      findings: [
        {
          file: DRIVER, line: 382, patchLine: 211, related: [466],
          message: /^`vb_ptr` keeps per-device state.*`virtballoon_probe\(\)` stores `vb` in it at line 466/,
        },
        {
          file: DRIVER, line: 469, patchLine: 301, function: 'virtballoon_probe', related: [60],
          message: /the object kmalloc\(\) returns in the file-scope global `balloon_mapping`/,
        },
      ],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [
        { file: DRIVER, line: 382, patchLine: 188, related: [466] },
        { file: DRIVER, line: 469, patchLine: 270, function: 'virtballoon_probe' },
      ],
    },
  ],
});

describe('multi-device-global with --tree', () => {
  it.skipIf(!hasShared)('finds the probe by `.probe =` and the allocation of vb in the full file (needs ../shared)', async () => {
    const files = ['drivers/virtio/virtio_balloon.c', 'include/linux/virtio_balloon.h'];
    const texts = await Promise.all(files.map((f) => readFile(path.join(SHARED, 'corpus', 'tree-3.6', f), 'utf8')));
    const tree = new Map(files.map((f, i) => [f, texts[i]!]));
    const findings = await findingsOf(multiDeviceGlobal, [{ shared: V7_2 }], tree);
    expect(findings.map((f) => [f.file, f.line, f.patchLine])).toEqual([[DRIVER, 382, 188], [DRIVER, 469, 270]]);
    expect(findings[0]!.message).toMatch(/stores `vb` in it at line 466 \(allocated by kmalloc\(\) at line 453\)/);
  });
});
