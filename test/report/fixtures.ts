import type { Finding } from '../../src/model/finding.js';
import type { Hunk, LineKind, Patch } from '../../src/model/patch.js';
import type { ReviewResult } from '../../src/model/report.js';
import type { RuleMeta } from '../../src/model/rule-meta.js';
import type { TraceStep } from '../../src/model/verdict.js';

/** A hunk from its rows; patch, old and new line numbers are counted the way a diff counts them. */
export function hunk(patchLine: number, oldStart: number, newStart: number, context: string, rows: [LineKind, string][]): Hunk {
  let oldLine = oldStart;
  let newLine = newStart;
  const lines = rows.map(([kind, text], i) => {
    const line = { kind, text, patchLine: patchLine + 1 + i } as Hunk['lines'][number];
    if (kind !== 'add') line.oldLine = oldLine++;
    if (kind !== 'del') line.newLine = newLine++;
    return line;
  });
  return {
    oldStart,
    oldLines: rows.filter(([k]) => k !== 'add').length,
    newStart,
    newLines: rows.filter(([k]) => k !== 'del').length,
    context,
    patchLine,
    lines,
  };
}

export const INPUT = 'v7-2of4.patch';
export const SUBJECT = 'virtio_balloon: introduce migration primitives to balloon pages';
export const COMMIT_MESSAGE = [
  'Besides making balloon pages movable at allocation time, this patch',
  'introduces pages_lock to protect the balloon page list.',
  '',
  'Signed-off-by: Rafael Aquini <aquini@redhat.com>',
  '---',
  ' drivers/virtio/virtio_balloon.c | 138 +++++++++++++++++++++++++++++++++++++---',
  ' 1 file changed, 134 insertions(+), 8 deletions(-)',
].join('\n');

const C_FILE = 'drivers/virtio/virtio_balloon.c';
const H_FILE = 'include/linux/virtio_balloon.h';

export function balloonPatch(): Patch {
  return {
    input: INPUT,
    startLine: 1,
    subject: SUBJECT,
    from: 'Rafael Aquini <aquini@redhat.com>',
    date: 'Fri, 10 Aug 2012 14:55:15 -0300',
    messageId: '<1344621315-2of4-aquini@redhat.com>',
    references: ['<1344621315-0of4-aquini@redhat.com>'],
    series: { version: 7, index: 2, total: 4 },
    files: [
      {
        oldPath: C_FILE,
        newPath: C_FILE,
        status: 'modified',
        patchLine: 30,
        hunks: [
          hunk(34, 27, 27, '', [
            ['ctx', '#include <linux/slab.h>'],
            ['ctx', '#include <linux/module.h>'],
            ['add', '#include <linux/fs.h>'],
            ['ctx', ''],
          ]),
          hunk(40, 169, 183, 'static void leak_balloon(struct virtio_balloon *vb, size_t num)', [
            ['ctx', '\t/* We can only do one array worth at a time. */'],
            ['ctx', '\tnum = min(num, ARRAY_SIZE(vb->pfns));'],
            ['ctx', ''],
            ['add', '\tmutex_lock(&balloon_lock);'],
            ['ctx', '\tfor (vb->num_pfns = 0; vb->num_pfns < num;'],
            ['ctx', '\t     vb->num_pfns += VIRTIO_BALLOON_PAGES_PER_PAGE) {'],
            ['add', '\t\tspin_lock(&pages_lock);'],
            ['ctx', '\t\tpage = list_first_entry(&vb->pages, struct page, lru);'],
            ['add', '\t\tpage->mapping = NULL;'],
            ['ctx', '\t\tlist_del(&page->lru);'],
            ['add', '\t\tspin_unlock(&pages_lock);'],
            ['del', '\t\ttotalram_pages++;'],
            ['ctx', '\t\tvb->num_pages -= VIRTIO_BALLOON_PAGES_PER_PAGE;'],
            ['ctx', '\t}'],
          ]),
        ],
      },
      {
        oldPath: H_FILE,
        newPath: H_FILE,
        status: 'modified',
        patchLine: 60,
        hunks: [
          hunk(64, 56, 56, 'struct virtio_balloon_stat {', [
            ['ctx', '\tu64 val;'],
            ['ctx', '} __attribute__((packed));'],
            ['ctx', ''],
            ['add', '#if !defined(CONFIG_COMPACTION)'],
            ['add', 'struct address_space *balloon_mapping;'],
            ['add', '#endif'],
          ]),
        ],
      },
    ],
    comments: [],
    diagnostics: [],
  };
}

function step(thread: number, actor: string, fn: string, file: string, line: number, text: string, extra: Partial<TraceStep> = {}): TraceStep {
  return { thread, actor, function: fn, text, anchor: { file, newLine: line, origin: 'added' }, ...extra };
}

/** Deflate clears `mapping` and unlinks the page while compaction's lockless test still sees it. */
export function raceTrace(): TraceStep[] {
  return [
    step(0, 'deflate', 'leak_balloon', C_FILE, 191, 'page->mapping = NULL'),
    step(1, 'compaction', 'isolate_migratepages', 'mm/compaction.c', 412, 'if (page->mapping == balloon_mapping)', {
      note: 'still sees the balloon mapping',
    }),
    step(0, 'deflate', 'leak_balloon', C_FILE, 192, 'list_del(&page->lru)'),
    step(0, 'deflate', 'leak_balloon', C_FILE, 191, 'page->mapping = NULL', { commit: true }),
    step(1, 'compaction', 'virtballoon_isolatepage', C_FILE, 430, 'list_del(&page->lru)', {
      note: 'page is on no list: list corruption',
    }),
  ];
}

/** An error with a trace, placed by patch line, in `leak_balloon`. */
export function raceFinding(): Finding {
  return {
    rule: 'balloon-page-isolation',
    severity: 'error',
    input: INPUT,
    subject: SUBJECT,
    file: C_FILE,
    line: 191,
    patchLine: 49,
    function: 'leak_balloon',
    message:
      'Compaction tests page->mapping without pages_lock, so it can pick this page after deflate has ' +
      'cleared the mapping and unlinked it; the second list_del() then corrupts the list.',
    fix: 'Re-test page->mapping under pages_lock in the isolate callback, and let the callback fail.',
    trace: raceTrace(),
  };
}

/** A warning without a patch line: the reply has to find it by file and line. */
export function headerFinding(): Finding {
  return {
    rule: 'header-definition',
    severity: 'warning',
    input: INPUT,
    subject: SUBJECT,
    file: H_FILE,
    line: 60,
    message: 'Anyone including this header gets a different copy of balloon_mapping.',
    fix: 'Declare it extern here and define it in one .c file.',
  };
}

export const RULES: RuleMeta[] = [
  {
    id: 'header-definition',
    severity: 'warning',
    source: 'file',
    summary: 'A header defines an object instead of declaring it.',
    fix: 'Declare it extern in the header and define it once.',
  },
  {
    id: 'balloon-page-isolation',
    severity: 'error',
    source: 'simulator',
    summary: 'A balloon page can be isolated while the driver releases it.',
    fix: 'Re-test the page under the list lock before isolating it.',
  },
];

export function reviewResult(findings: Finding[] = [raceFinding(), headerFinding()]): ReviewResult {
  return {
    findings,
    diagnostics: [{ level: 'warning', input: INPUT, patchLine: 3, code: 'hunk-count', message: 'hunk header counts 7 lines, body has 6' }],
    notes: [{ input: INPUT, file: C_FILE, function: 'tell_host', message: 'not modelled: virtqueue_kick, treated as a no-op' }],
    incomplete: [{ input: INPUT, scenario: 'deflate-vs-migration', coverage: { states: 100000, transitions: 250000, maxDepth: 41, stoppedBy: 'states' } }],
    patches: 1,
  };
}
