import { describe, expect, it } from 'vitest';
import { formatText } from '../../src/report/format-text.js';
import { headerFinding, raceFinding, reviewResult } from './fixtures.js';

describe('formatText', () => {
  const text = formatText(reviewResult(), { color: false });
  const lines = text.split('\n');

  it('prints each finding as file:line: severity: message [rule], gcc style, with the fix indented', () => {
    expect(lines[0]).toBe("drivers/virtio/virtio_balloon.c: In function 'leak_balloon':");
    expect(lines[1]).toMatch(/^drivers\/virtio\/virtio_balloon\.c:191: error: Compaction tests .* \[balloon-page-isolation\]$/);
    expect(lines[2]).toBe('    fix: Re-test page->mapping under pages_lock in the isolate callback, and let the callback fail.');
    expect(lines).toContain(
      'include/linux/virtio_balloon.h:60: warning: Anyone including this header gets a different copy of balloon_mapping. [header-definition]',
    );
  });

  it('shows the interleaving as one column per CPU under the finding', () => {
    const header = lines.find((l) => l.includes('CPU0 (deflate)'));
    expect(header).toMatch(/^ {4}CPU0 \(deflate\) +CPU1 \(compaction\)$/);
    expect(lines).toContain('    leak_balloon:192  list_del(&page->lru)');
    expect(lines).toContain('      (store to page->mapping becomes visible)');
  });

  it('reports input problems, stopped searches and unmodelled code before the summary', () => {
    expect(lines).toContain('v7-2of4.patch:3: warning: hunk header counts 7 lines, body has 6 [hunk-count]');
    expect(text).toContain("v7-2of4.patch: warning: analysis of scenario 'deflate-vs-migration' is incomplete: stopped by the state budget");
    expect(lines).toContain(
      'v7-2of4.patch: note: not modelled: virtqueue_kick, treated as a no-op (drivers/virtio/virtio_balloon.c, tell_host())',
    );
    expect(lines.at(-2)).toBe('2 findings (1 error, 1 warning) in 1 patch');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('colours only when told to', () => {
    expect(text).not.toMatch(/\x1b\[/);
    expect(formatText(reviewResult(), { color: true })).toMatch(/\x1b\[31m/);
  });

  it('gives the same bytes whatever order the findings arrive in', () => {
    expect(formatText(reviewResult([headerFinding(), raceFinding()]), { color: false })).toBe(text);
  });

  it('counts info findings and plurals in the summary', () => {
    const info = { ...headerFinding(), severity: 'info' as const };
    const result = { ...reviewResult([info, info]), diagnostics: [], notes: [], incomplete: [], patches: 3 };
    expect(formatText(result, { color: false }).trimEnd().split('\n').at(-1)).toBe('2 findings (0 errors, 0 warnings, 2 info) in 3 patches');
  });

  it('names the commit of each finding, once per commit, as a Fixes: tag would, when the patch came from git', () => {
    const first = { ...raceFinding(), commit: '0123456789abcdef0123456789abcdef01234567', subject: '[PATCH v7 2/4] virtio_balloon: migrate pages' };
    const second = { ...headerFinding(), commit: 'fedcba9876543210fedcba9876543210fedcba98', subject: '[PATCH v7 2/4] virtio_balloon: export the mapping' };
    const output = formatText(reviewResult([first, second]), { color: false }).split('\n');
    expect(output[0]).toBe('In commit 0123456789ab ("virtio_balloon: migrate pages"):');
    expect(output[1]).toBe("drivers/virtio/virtio_balloon.c: In function 'leak_balloon':");
    expect(output.filter((line) => line.startsWith('In commit '))).toEqual([
      'In commit 0123456789ab ("virtio_balloon: migrate pages"):',
      'In commit fedcba987654 ("virtio_balloon: export the mapping"):',
    ]);
  });
});
