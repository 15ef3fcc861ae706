import { describe, expect, it } from 'vitest';
import { formatCheckpatch, formatCheckpatchTerse } from '../../src/report/format-checkpatch.js';
import { balloonPatch, headerFinding, raceFinding, reviewResult } from './fixtures.js';

describe('formatCheckpatch', () => {
  it('prints checkpatch --show-types reports and its total line', () => {
    const output = formatCheckpatch(reviewResult([headerFinding(), raceFinding()]), { patches: [balloonPatch()] });
    expect(output).toBe(
      [
        'ERROR:BALLOON_PAGE_ISOLATION: Compaction tests page->mapping without pages_lock, so it can pick this page ' +
          'after deflate has cleared the mapping and unlinked it; the second list_del() then corrupts the list.',
        '#49: FILE: drivers/virtio/virtio_balloon.c:191:',
        '+\t\tpage->mapping = NULL;',
        '',
        'WARNING:HEADER_DEFINITION: Anyone including this header gets a different copy of balloon_mapping.',
        '#69: FILE: include/linux/virtio_balloon.h:60:',
        '+struct address_space *balloon_mapping;',
        '',
        'total: 1 errors, 1 warnings, 24 lines checked',
        '',
      ].join('\n'),
    );
  });

  it('maps info to CHECK, counts checks, and prints what it has when the line is not in the patch', () => {
    const stray = { ...headerFinding(), severity: 'info' as const, rule: 'lock/order', file: 'mm/compaction.c', line: 7 };
    const output = formatCheckpatch(reviewResult([stray]), { patches: [balloonPatch()] });
    expect(output).toBe(
      [
        'CHECK:LOCK_ORDER: Anyone including this header gets a different copy of balloon_mapping.',
        'FILE: mm/compaction.c:7:',
        '',
        'total: 0 errors, 0 warnings, 1 checks, 24 lines checked',
        '',
      ].join('\n'),
    );
  });

  it('--terse: one line per finding, file:line first, and nothing at all for a clean patch', () => {
    expect(formatCheckpatchTerse(reviewResult([headerFinding(), raceFinding()])).split('\n')).toEqual([
      expect.stringMatching(/^drivers\/virtio\/virtio_balloon\.c:191: ERROR:BALLOON_PAGE_ISOLATION: Compaction tests page->mapping/),
      'include/linux/virtio_balloon.h:60: WARNING:HEADER_DEFINITION: Anyone including this header gets a different copy of balloon_mapping.',
      '',
    ]);
    expect(formatCheckpatchTerse(reviewResult([]))).toBe('');
  });
});
