import { describe, expect, it } from 'vitest';
import { renderTrace, stepText } from '../../src/report/format-trace.js';
import { raceTrace } from './fixtures.js';

describe('renderTrace', () => {
  it('puts each thread in its own column and each step on its own row, in global order', () => {
    const { header, rows } = renderTrace(raceTrace(), { width: 140, indent: 2 });
    expect(header[0]).toMatch(/^ {2}CPU0 \(deflate\) +CPU1 \(compaction\)$/);
    expect(header[1]).toMatch(/^ {2}-+ {3}-+$/);
    const column = header[0]!.indexOf('CPU1');
    const left = (row: string) => row.slice(0, column).trimEnd();
    const right = (row: string) => row.slice(column);
    expect(rows.map((r) => [left(r), right(r)])).toEqual([
      ['  leak_balloon:191  page->mapping = NULL', ''],
      ['', 'isolate_migratepages:412  if (page->mapping == balloon_mapping)'],
      ['', '  (still sees the balloon mapping)'],
      ['  leak_balloon:192  list_del(&page->lru)', ''],
      ['  leak_balloon:191  (store to page->mapping becomes visible)', ''],
      ['', 'virtballoon_isolatepage:430  list_del(&page->lru)'],
      ['', '  (page is on no list: list corruption)'],
    ]);
  });

  it('wraps steps inside their column when the width is short, never past it', () => {
    const { header, rows } = renderTrace(raceTrace(), { width: 60, indent: 4 });
    for (const line of [...header, ...rows]) expect(line.length).toBeLessThanOrEqual(60);
    const column = header[0]!.indexOf('CPU1');
    const compaction = rows.filter((r) => r.slice(0, column).trim() === '').map((r) => r.slice(column));
    expect(compaction).toContain('isolate_migratepages:412');
    expect(compaction.join(' ').replace(/\s+/g, ' ')).toContain('(still sees the balloon mapping)');
    expect(rows.every((r) => r === r.trimEnd())).toBe(true);
  });

  it('says what a store commit makes visible, from the note when there is one', () => {
    const [first] = raceTrace();
    expect(stepText({ ...first!, commit: true, note: 'mapping = NULL reaches CPU1' })).toBe('(mapping = NULL reaches CPU1)');
    expect(stepText({ ...first!, commit: true, text: 'WRITE_ONCE(x, 1)' })).toBe('(store becomes visible: WRITE_ONCE(x, 1))');
  });
});
