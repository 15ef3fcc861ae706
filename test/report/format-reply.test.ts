import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import type { Patch } from '../../src/model/patch.js';
import { formatReply } from '../../src/report/format-reply.js';
import { balloonPatch, COMMIT_MESSAGE, headerFinding, hunk, raceFinding } from './fixtures.js';

const DATE = 'Mon, 13 Aug 2012 11:40:32 +0300';
const options = { date: DATE, from: 'Michael S. Tsirkin <mst@redhat.com>', commitMessage: COMMIT_MESSAGE };

function bodyLines(raw: string): string[] {
  return raw.slice(raw.indexOf('\n\n') + 2).split('\n');
}

/** The lines after `quoted`, up to the next quoted line or elision: the comment placed under it. */
function commentUnder(lines: readonly string[], quoted: string): string[] {
  const at = lines.indexOf(quoted);
  expect(at, `quoted line ${JSON.stringify(quoted)}`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => l.startsWith('>') || l === '[...]');
  return end < 0 ? rest : rest.slice(0, end);
}

describe('formatReply', () => {
  const raw = formatReply(balloonPatch(), [headerFinding(), raceFinding()], options);

  it('is a reply a mail parser threads under the patch', async () => {
    const email = await PostalMime.parse(raw);
    expect(email.subject).toBe('Re: [PATCH v7 2/4] virtio_balloon: introduce migration primitives to balloon pages');
    expect(email.inReplyTo).toBe('<1344621315-2of4-aquini@redhat.com>');
    expect(email.references?.split(/\s+/)).toEqual(['<1344621315-0of4-aquini@redhat.com>', '<1344621315-2of4-aquini@redhat.com>']);
    expect(email.from?.address).toBe('mst@redhat.com');
    expect(email.to?.[0]?.address).toBe('aquini@redhat.com');
    expect(email.headers.find((h) => h.key === 'date')?.value).toBe(DATE);
    expect(email.headers.find((h) => h.key === 'content-type')?.value).toBe('text/plain; charset=utf-8');
    expect(email.headers.find((h) => h.key === 'content-transfer-encoding')?.value).toBe('8bit');
  });

  it('opens with the attribution and quotes the commit message without the diffstat', () => {
    const lines = bodyLines(raw);
    expect(lines[0]).toBe('On Fri, 10 Aug 2012 14:55:15 -0300, Rafael Aquini wrote:');
    expect(lines[1]).toBe('> Besides making balloon pages movable at allocation time, this patch');
    expect(lines).toContain('> Signed-off-by: Rafael Aquini <aquini@redhat.com>');
    expect(raw).not.toContain('insertions(+)');
  });

  it('puts each finding right under the quoted line it concerns, by patch line or by file and line', () => {
    const lines = bodyLines(raw);
    const race = commentUnder(lines, '> +\t\tpage->mapping = NULL;');
    expect(race.slice(0, 5)).toEqual([
      '',
      'Compaction tests page->mapping without pages_lock, so it can pick this',
      'page after deflate has cleared the mapping and unlinked it; the second',
      'list_del() then corrupts the list.',
      '',
    ]);
    expect(race).toContain('Re-test page->mapping under pages_lock in the isolate callback, and let');
    const header = commentUnder(lines, '> +struct address_space *balloon_mapping;');
    expect(header.slice(0, 4)).toEqual([
      '',
      'Anyone including this header gets a different copy of balloon_mapping.',
      '',
      'Declare it extern here and define it in one .c file.',
    ]);
  });

  it('draws the race as a two-column interleaving within 72 columns', () => {
    const race = commentUnder(bodyLines(raw), '> +\t\tpage->mapping = NULL;');
    expect(race.find((l) => l.includes('CPU0'))).toMatch(/^ {4}CPU0 \(deflate\) +CPU1 \(compaction\)$/);
    expect(race).toContain('      (store to page->mapping');
    for (const line of race) expect(line.length).toBeLessThanOrEqual(72);
  });

  it('trims what has no comment to [...], keeping the hunk header and three lines above each comment', () => {
    const lines = bodyLines(raw);
    const hunkAt = lines.indexOf('> @@ -169,10 +183,13 @@ static void leak_balloon(struct virtio_balloon *vb, size_t num)');
    expect(hunkAt).toBeGreaterThan(0);
    expect(lines.slice(hunkAt + 1, hunkAt + 6)).toEqual([
      '[...]',
      '>  \t     vb->num_pfns += VIRTIO_BALLOON_PAGES_PER_PAGE) {',
      '> +\t\tspin_lock(&pages_lock);',
      '>  \t\tpage = list_first_entry(&vb->pages, struct page, lru);',
      '> +\t\tpage->mapping = NULL;',
    ]);
    expect(raw).not.toContain('#include <linux/fs.h>');
    expect(raw).not.toContain('mutex_lock(&balloon_lock)');
    expect(lines.filter((l) => l === '[...]').length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-2)).toBe('Declare it extern here and define it in one .c file.');
  });

  it('says where a finding is when no quoted line can carry it', () => {
    const stray = { ...headerFinding(), file: 'mm/compaction.c', line: 7, function: 'isolate_migratepages' };
    const lines = bodyLines(formatReply(balloonPatch(), [stray], options));
    const at = lines.indexOf('In mm/compaction.c:7 (isolate_migratepages):');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 2]).toBe('Anyone including this header gets a different copy of balloon_mapping.');
  });

  it('encodes a non-ASCII subject and names per RFC 2047 and keeps every line within 998 octets', async () => {
    const patch: Patch = {
      ...balloonPatch(),
      subject: '[PATCH] iommu: réparer la fuite de référence dans le chemin d’erreur',
      from: 'Jörg Rödel <joro@8bytes.org>',
      series: undefined,
    };
    const long = `\t${'x'.repeat(2000)};`;
    patch.files = [{ ...patch.files[0]!, hunks: [hunk(40, 10, 10, '', [['add', long], ['add', 'y = 1;']])] }];
    const finding = { ...raceFinding(), patchLine: 42, line: 11 };
    const mail = formatReply(patch, [finding], { date: DATE });
    const head = mail.slice(0, mail.indexOf('\n\n'));
    expect(head.replace(/\n /g, ' ')).toMatch(/^Subject: Re: \[PATCH\] iommu: =\?UTF-8\?Q\?/m);
    expect(head).not.toMatch(/[^\x00-\x7f]/);
    for (const line of mail.split('\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
    const email = await PostalMime.parse(mail);
    expect(email.subject).toBe('Re: [PATCH] iommu: réparer la fuite de référence dans le chemin d’erreur');
    expect(email.to?.[0]?.name).toBe('Jörg Rödel');
    expect(email.from?.address).toBe('kreview@kreview.invalid');
    expect(email.text?.split('\n')[0]).toBe('On Fri, 10 Aug 2012 14:55:15 -0300, Jörg Rödel wrote:');
  });

  it('gives the same bytes for the same review', () => {
    expect(formatReply(balloonPatch(), [raceFinding(), headerFinding()], options)).toBe(raw);
  });
});
