import { describe, expect, it } from 'vitest';
import type { PatchProgram } from '../../src/model/program.js';
import { extractFile } from './annotated.js';

/**
 * Every input form the parse stage reads (test/parse covers the reading) reaches the extractor with its
 * post-image lines and the input's own lines: each row is `file function@firstLine: api@new/patch ...`
 * for the lock, list, alloc and free operations, patches in series order.
 */
function outline(patches: PatchProgram[]): string[] {
  return patches.flatMap((patch) => patch.files.filter((f) => f.side === 'new').flatMap((file) => file.functions.map((fn) => {
    const ops = fn.ops
      .filter((op) => op.kind === 'lock' || op.kind === 'list' || op.kind === 'alloc' || op.kind === 'free')
      .map((op) => `${'api' in op ? op.api : ''}@${op.anchor.newLine}/${op.anchor.patchLine}`);
    return `${file.file} ${fn.name}@${fn.anchor.newLine}${ops.length > 0 ? `: ${ops.join(' ')}` : ''}`;
  })));
}

const DEMO_OPEN = 'drivers/misc/demo_dev.c demo_open@12';
const DEMO_POOL = 'mm/demo_pool.c demo_pool_fill@12';

describe('extraction from every input form', () => {
  it.each([
    ['input-plain-diff.diff', [
      `${DEMO_OPEN}: spin_lock@15/9 spin_unlock@17/11`,
      'drivers/misc/demo_dev.c demo_release@22: spin_lock@26/20 spin_unlock@28/22',
      'drivers/misc/demo_dev.c demo_init@42: kzalloc@42/34 spin_lock_init@45/37',
    ]],
    ['input-crlf.patch', [`${DEMO_OPEN}: spin_lock@15/26 spin_unlock@17/28`, 'drivers/misc/demo_dev.c demo_init@31: kzalloc@31/33 spin_lock_init@34/36']],
    ['input-format-patch.patch', [`${DEMO_POOL}: alloc_page@21/30 __free_page@30/40 kvfree@31/41`]],
    ['input-qp-mail.eml', [`${DEMO_OPEN}: spin_lock@15/30 spin_unlock@17/32`, 'drivers/misc/demo_dev.c demo_init@31: kzalloc@31/37 spin_lock_init@34/40']],
    // A base64 body has no line per input line: every line points at the first encoded line, 11.
    ['input-base64-mail.eml', ['drivers/misc/demo_dev.c demo_open@19', 'drivers/misc/demo_dev.c demo_release@22: spin_lock@26/11 spin_unlock@28/11']],
    ['input-multipart-mail.eml', [`${DEMO_POOL}: alloc_page@21/49 __free_page@30/59 kvfree@31/60`]],
    ['input-quoted-reply-mail.eml', [`${DEMO_OPEN}: spin_lock@15/29 spin_unlock@17/31`, 'drivers/misc/demo_dev.c demo_init@31: kzalloc@31/39 spin_lock_init@34/42']],
    ['input-quoted-reply.txt', [`${DEMO_POOL}: alloc_page@21/36 __free_page@30/46 kvfree@31/51`]],
    ['input-rename.diff', ['mm/demo_page_pool.c demo_page_pool_fill@11']],
    ['input-series-3-parts.mbox', [
      `${DEMO_OPEN}: spin_lock@15/92 spin_unlock@17/94`,
      'drivers/misc/demo_dev.c demo_init@31: kzalloc@31/99 spin_lock_init@34/102',
      'drivers/misc/demo_dev.c demo_open@19',
      'drivers/misc/demo_dev.c demo_release@22: spin_lock@26/51 spin_unlock@28/53',
      `${DEMO_POOL}: alloc_page@21/154 __free_page@30/164 kvfree@31/165`,
    ]],
    ['input-series-missing-part.mbox', [
      `${DEMO_OPEN}: spin_lock@15/26 spin_unlock@17/28`,
      'drivers/misc/demo_dev.c demo_init@31: kzalloc@31/33 spin_lock_init@34/36',
      `${DEMO_POOL}: alloc_page@21/88 __free_page@30/98 kvfree@31/99`,
    ]],
    ['input-truncated-hunk.diff', [`${DEMO_OPEN}: spin_lock@15/9`]],
    // Files with no function the patch shows: a header, a binary diff beside a C file.
    ['input-latin1-mail.eml', []],
    ['input-non-utf8.diff', []],
    ['input-binary.diff', []],
  ])('%s', async (fixture, expected) => {
    const program = await extractFile(`fixtures/patches/${fixture}`);
    expect(outline(program.patches)).toEqual(expected);
  });
});
