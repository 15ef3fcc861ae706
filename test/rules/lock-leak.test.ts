import { expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { lockLeak } from '../../src/rules/lock-leak.js';
import { findingsOfTexts, SEED, V7_2 } from './rule-tester.js';
import { caseTitle, pinnedSim, reviewOf, simFindingsOf, skipCase, type SimCase, type SimExpectedFinding, testSimulatorRule } from './sim-rule-tester.js';

const DRIVER = 'drivers/virtio/toy_balloon.c';
const V7 = 'drivers/virtio/virtio_balloon.c';
const LEAK = { fixture: 'sim-lock-leak.patch' };

testSimulatorRule(lockLeak, {
  valid: [
    { name: 'the early exit is a goto to the unlock', inputs: [{ fixture: 'sim-lock-leak-fixed.patch' }] },
    { name: 'the v7 race: every lock is released on every path', inputs: [{ fixture: 'sim-deflate-race.patch' }] },
  ],
  // The invalid inputs are checked below: on each, the rule says something too many.
  invalid: [],
});

it('reports the early return of tb_fill() with tb->lock held', async () => {
  const { incomplete } = await reviewOf([LEAK]);
  expect(incomplete).toEqual([]);
  const findings = await simFindingsOf(lockLeak, [LEAK]);
  expect(findings.length).toBeGreaterThan(0);
  for (const finding of findings) {
    expect(pinnedSim(finding, undefined)).toEqual({ file: DRIVER, line: 50, patchLine: 69, function: 'tb_fill' });
    expect(finding.severity).toBe('error');
    expect(finding.message).toMatch(/^tb_fill returns with \S+->lock held on this path\.$/);
    expect(finding.commit).toMatch(/^[0-9a-f]{40}$/);
  }
});

// Known bug: the lock is a field of the device (`tb->lock`), and the message names it by the
// simulator's object (`toy_balloon#3->lock`, `#6`, `#7`): one name per scenario, so the one leak is
// reported three times at line 50, two of them with an empty trace (found in a scenario's setup).
// Remove `.fails` when the message names the lock as the source does and the leak is said once.
it('reports the leak once, naming tb->lock', async () => {
  const findings = await simFindingsOf(lockLeak, [LEAK]);
  expect(findings.map((f) => f.message)).toEqual(['tb_fill returns with tb->lock held on this path.']);
});

/** The seed and v7 2/4: fill_balloon()'s early return, and lines the patch hides with the lock held. */
const v7Cases: (SimCase & { error: SimExpectedFinding; hidden: SimExpectedFinding })[] = [
  {
    name: 'the seed review: fill_balloon() returns early with balloon_lock held',
    inputs: [{ shared: SEED }],
    error: { file: V7, line: 162, patchLine: 95, function: 'fill_balloon', message: /^fill_balloon returns with balloon_lock held on this path\.$/ },
    hidden: {
      file: V7, line: 279, patchLine: 161, function: 'stats_handle_request', severity: 'info',
      message: /^Lines 275-278 of stats_handle_request\(\) are not in the patch and run with balloon_lock held: if they return, the lock leaks\./,
    },
  },
  {
    name: 'v7 2/4 as sent',
    inputs: [{ shared: V7_2 }],
    error: { file: V7, line: 162, patchLine: 88, function: 'fill_balloon' },
    hidden: { file: V7, line: 279, patchLine: 141, function: 'stats_handle_request', severity: 'info' },
  },
];

for (const c of v7Cases) {
  it.skipIf(skipCase(c))(caseTitle(c), async () => {
    const { incomplete } = await reviewOf(c.inputs);
    expect(incomplete).toEqual([]);
    const findings = await simFindingsOf(lockLeak, c.inputs);
    const errors = findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => pinnedSim(f, c.error))).toEqual([c.error]);
    if (c.error.message) expect(errors[0]!.message).toMatch(c.error.message);
    const infos = findings.filter((f) => f.severity === 'info');
    expect(infos.map((f) => pinnedSim(f, c.hidden))).toContainEqual(c.hidden);
    if (c.hidden.message) expect(infos.find((f) => f.line === c.hidden.line)!.message).toMatch(c.hidden.message);
  });

  // Noise: besides stats_handle_request(), the rule says lines 205-207 of leak_balloon() may leak
  // balloon_lock. Those lines are a blank line and the opening of a comment whose continuation is the
  // next line the patch shows (` * virtio_has_feature(vdev, ...);`); a maintainer reads that as noise.
  // Remove `.fails` if the rule learns that a gap ending inside a comment holds no return (or if the
  // finding is judged worth keeping: then pin line 211 above).
  it.skipIf(skipCase(c)).fails(`${caseTitle(c)}: no hidden-lines note for leak_balloon()'s comment`, async () => {
    const infos = (await simFindingsOf(lockLeak, c.inputs)).filter((f) => f.severity === 'info');
    expect(infos.map((f) => f.line)).toEqual([279]);
  });
}

/** A loop in gap_drain() with one line hidden between the hunks: it can only be the loop's closing brace. */
const ONE_LINE_GAP = [
  'diff --git a/drivers/misc/gap.c b/drivers/misc/gap.c',
  '--- a/drivers/misc/gap.c',
  '+++ b/drivers/misc/gap.c',
  '@@ -10,6 +10,7 @@ static void gap_drain(struct gap *g, int n)',
  ' \tmutex_lock(&g->lock);',
  ' \tfor (i = 0; i < n; i++) {',
  ' \t\tg->count--;',
  '+\t\tg->drained++;',
  ' \t\tgap_kick(g);',
  ' \t\tgap_put(g);',
  ' \t\tgap_wait(g);',
  '@@ -17,2 +18,3 @@ static void gap_drain(struct gap *g, int n)',
  ' \tmutex_unlock(&g->lock);',
  '+\tg->done = true;',
  ' }',
  '',
].join('\n');

const hiddenLinesNotes = async (patch: string): Promise<Finding[]> =>
  findingsOfTexts(lockLeak, [{ name: 'gap.diff', bytes: new TextEncoder().encode(patch) }]);

// The hunks leave the `for` loop open and line 17 is the only hidden line: it is the loop's `}` (the
// rebuild closes one brace there), and cannot hold a return.
it('no hidden-lines note for a one-line gap that can only close the open loop', async () => {
  expect(await hiddenLinesNotes(ONE_LINE_GAP)).toEqual([]);
});

// The note names the lock as the source spells it, not by the static name the analysis keys it by.
it('names a lock reached through a parameter as the source does', async () => {
  const threeLineGap = ONE_LINE_GAP.replace('@@ -17,2 +18,3 @@', '@@ -19,2 +20,3 @@');
  const notes = await hiddenLinesNotes(threeLineGap);
  expect(notes.map((f) => f.message)).toEqual([expect.stringContaining('run with g->lock held')]);
});
