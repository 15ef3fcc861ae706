import { expect, it } from 'vitest';
import { wrongDevice } from '../../src/rules/wrong-device.js';
import { SEED, V7_2 } from './rule-tester.js';
import { simFindingsOf, testSimulatorRule } from './sim-rule-tester.js';

const DRIVER = 'drivers/virtio/toy_balloon.c';
const V7 = 'drivers/virtio/virtio_balloon.c';
const OTHER_LIST = /^page\d+ of device 0 is put on the balloon list of device 1: the second probe overwrote /;

testSimulatorRule(wrongDevice, {
  valid: [
    // The callbacks reach the device through page->mapping->private_data.
    { name: 'the callbacks find the device from the page', inputs: [{ fixture: 'sim-lock-leak-fixed.patch' }] },
    { name: 'the v7 race, with the device found from the page', inputs: [{ fixture: 'sim-deflate-race.patch' }] },
  ],
  invalid: [
    {
      name: 'the putback callback finds the device through a global that probe sets',
      inputs: [{ fixture: 'sim-second-device.patch' }],
      findings: [{ file: DRIVER, line: 101, patchLine: 118, function: 'tb_putbackpage', related: [], message: OTHER_LIST }],
    },
    {
      name: 'the seed review: "What if there is more than one balloon device?"',
      inputs: [{ shared: SEED }],
      findings: [{
        file: V7, line: 438, patchLine: 267, function: 'virtballoon_putbackpage',
        message: /^page\d+ of device 0 is put on the balloon list of device 1: the second probe overwrote vb_ptr \(`vb_ptr = vb`, line 466\)\.$/,
      }],
    },
    {
      name: 'v7 2/4 as sent',
      inputs: [{ shared: V7_2 }],
      findings: [{ file: V7, line: 438, patchLine: 244, function: 'virtballoon_putbackpage' }],
    },
  ],
});

// The probe stores balloon_mapping (line 141) before tb_dev (line 142); the message names the global
// the putback callback read after the store, not the first one the probe wrote.
it('names the global the putback callback read, tb_dev, as the one the second probe overwrote', async () => {
  const [finding] = await simFindingsOf(wrongDevice, [{ fixture: 'sim-second-device.patch' }]);
  expect(finding?.message).toMatch(/the second probe overwrote tb_dev \(`tb_dev = tb`, line 142\)\.$/);
});
