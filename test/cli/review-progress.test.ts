import { describe, expect, it } from 'vitest';
import { reviewProgress } from '../../src/cli/review-progress.js';
import { runCli } from './run-cli.js';

describe('review progress', () => {
  it('says nothing in the first second, then at most ten times a second', () => {
    let clock = 0;
    const shown: string[] = [];
    const progress = reviewProgress((text) => shown.push(`${clock}: ${text}`), () => clock);
    progress.unit(0, 3, '[PATCH 1/3] mm: balloon page migration');
    progress.states('deflate vs compaction', 1);
    clock = 900;
    progress.states('deflate vs compaction', 1025);
    clock = 1000;
    progress.states('deflate vs compaction', 2049);
    clock = 1050;
    progress.states('deflate vs compaction', 3073);
    clock = 1100;
    progress.unit(1, 3, '[PATCH 2/3] virtio_balloon: migration');
    clock = 1250;
    progress.states('inflate vs compaction', 12345);
    expect(shown).toEqual([
      '1000: 1/3 [PATCH 1/3] mm: balloon page migration | deflate vs compaction: 2,049 states',
      '1100: 2/3 [PATCH 2/3] virtio_balloon: migration',
      '1250: 2/3 [PATCH 2/3] virtio_balloon: migration | inflate vs compaction: 12,345 states',
    ]);
  });

  it('names no unit when the input is one', () => {
    let clock = 0;
    const shown: string[] = [];
    const progress = reviewProgress((text) => shown.push(text), () => clock);
    progress.unit(0, 1, '[PATCH] virtio_balloon: migration');
    clock = 2000;
    progress.states('second device', 4096);
    expect(shown).toEqual(['second device: 4,096 states']);
  });

  // A search that runs for its whole two-second budget, however fast kreview gets: the status line
  // says which and how far, and the verdict still goes to stdout.
  it('is what kreview sim shows on a terminal while it explores', async () => {
    const shown: string[] = [];
    const { status, stdout } = await runCli(
      ['sim', 'fixtures/patches/sim-v38-kthread.patch', '--threads', 'inflate,deflate,compaction,compaction,unload', '--no-store-reordering', '--pages', '3',
        '--max-states', '5000000', '--time-budget', '2'],
      { status: (text) => shown.push(text) },
    );
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ {2}status: incomplete: stopped by the time budget/m);
    expect(shown.length).toBeGreaterThan(0);
    for (const text of shown) expect(text).toMatch(/^kreview: inflate, deflate, compaction, compaction, unload: [\d,]+ states$/);
  });
});
