import { describe, expect, it } from 'vitest';
import { allOps, extractFile, extractText, fileOf, functionOf, newFilePatch } from './annotated.js';

/** Input extraction must survive: every other function still gets its program, and what failed is said. */
describe('bad input for extraction', () => {
  it('extracts the functions around C that tree-sitter cannot parse, with a note naming the line', async () => {
    const program = await extractFile('fixtures/patches/extract-garbage-c.patch');
    const patch = program.patches[0]!;
    const file = fileOf(patch, 'drivers/misc/garbage.c');
    expect(file.functions.map((f) => f.name)).toEqual(['garbage_first', 'garbage_broken', 'garbage_last']);
    // The conflict marker is new line 22, patch line 28.
    expect(file.notes).toEqual(['garbage_broken: C that tree-sitter cannot parse at line 22: =======']);
    expect(allOps(functionOf(patch, 'garbage_first'))).toEqual([
      '0 ~ nop garbage_first()',
      '1 ~ gap before-hunk 1-9',
      '2 10 store g->count = 0',
      '3 11 lock mutex_lock acquire mutex &g->lock sleeps',
      '4 12 store g->ready = 1',
      '5 13 lock mutex_unlock release mutex &g->lock',
      '6 14 return',
    ]);
    // In the broken function itself, the statements around the bad line are still there.
    const broken = functionOf(patch, 'garbage_broken');
    expect(broken.ops.filter((op) => op.kind === 'lock' || op.kind === 'list').map((op) => [op.anchor.newLine, op.anchor.patchLine, op.kind])).toEqual([
      [21, 27, 'lock'], [23, 29, 'list'], [25, 31, 'lock'],
    ]);
    expect(allOps(functionOf(patch, 'garbage_last')).slice(2)).toEqual([
      '2 33 store g->count = 1',
      '3 34 load t1 = g->buf',
      '4 34 free kfree object t1',
      '5 35 store g->buf = 0',
      '6 36 call t2 = synchronize_rcu()',
      '7 37 return',
    ]);
    expect(program.diagnostics).toEqual([]);
  });

  it('skips binary diffs and files that are not C, and extracts the C file among them', async () => {
    const program = await extractFile('fixtures/patches/extract-mixed-files.patch');
    const patch = program.patches[0]!;
    expect(patch.files.map((f) => [f.file, f.side])).toEqual([['drivers/misc/mixed.c', 'new'], ['drivers/misc/mixed.c', 'old']]);
    expect(allOps(functionOf(patch, 'mixed_reset')).slice(2)).toEqual([
      '2 20 store m->count = 0',
      '3 21 lock spin_lock acquire spinlock &m->lock',
      '4 22 lock spin_unlock release spinlock &m->lock',
      '5 23 return',
    ]);
    // The parse fixture with a binary diff first: nothing but the C file's facts.
    const binary = (await extractFile('fixtures/patches/input-binary.diff')).patches[0]!;
    expect(binary.files.map((f) => [f.file, f.side, f.functions.length])).toEqual([['drivers/misc/demo_dev.c', 'new', 0], ['drivers/misc/demo_dev.c', 'old', 0]]);
    expect(fileOf(binary, 'drivers/misc/demo_dev.c').facts.registrations.map((r) => [r.api, r.target, r.anchor.newLine, r.anchor.patchLine])).toEqual([
      ['module_init', 'demo_init', 49, 15],
    ]);
  });

  it('extracts what it can from hunks whose header counts are wrong', async () => {
    const text = [
      'diff --git a/drivers/misc/wc.c b/drivers/misc/wc.c',
      'index 1111111..2222222 100644',
      '--- a/drivers/misc/wc.c',
      '+++ b/drivers/misc/wc.c',
      // Says 3 and 3; has 5 old and 7 new lines.
      '@@ -10,3 +10,3 @@ static void first(struct dev *d)',
      ' \td->a = 1;',
      '+\tspin_lock(&d->lock);',
      ' \td->b = 2;',
      '+\tspin_unlock(&d->lock);',
      ' }',
      ' ',
      ' static void second(struct dev *d)',
      '@@ -30,2 +32,3 @@ static void third(struct dev *d)',
      ' \td->c = 3;',
      '+\tkfree(d);',
      ' }',
      '',
    ].join('\n');
    const program = await extractText(text);
    expect(fileOf(program, 'drivers/misc/wc.c').functions.map((f) => f.name)).toEqual(['first', 'third']);
    expect(allOps(functionOf(program, 'first')).slice(2)).toEqual([
      '2 10 store d->a = 1',
      '3 11 lock spin_lock acquire spinlock &d->lock',
      '4 12 store d->b = 2',
      '5 13 lock spin_unlock release spinlock &d->lock',
      '6 14 return',
    ]);
    expect(allOps(functionOf(program, 'third')).slice(1)).toEqual([
      '1 ~ gap before-hunk 17-31',
      '2 32 store d->c = 3',
      '3 33 free kfree object d',
      '4 34 return',
    ]);
    // The parse fixture with wrong counts: every function of it still has a program.
    const fixture = (await extractFile('fixtures/patches/input-wrong-hunk-count.diff')).patches[0]!;
    expect(fixture.files.filter((f) => f.side === 'new').flatMap((f) => f.functions.map((fn) => fn.name))).toEqual(['demo_open', 'demo_release', 'demo_init']);
  });

  // Regression (src/parse/c-brackets.ts scanBrackets): a stray closer in one function (`)` or `]` with a
  // `{` open) was recovered by popping the `{` and recording `(` as needed before the hunk, so the
  // rebuilt file started with `__kreview_gap[__kreview_gap(0, ` and the whole file became one
  // unparsable call: no function, no fact and no note for any function of it.
  it('keeps the other functions of a file when one line has an unbalanced closer', async () => {
    const built = newFilePatch('drivers/misc/closer.c', `
      static void good_one(struct dev *d)
      {
      	mutex_lock(&d->lock);
      	mutex_unlock(&d->lock);
      }

      static void broken(struct dev *d)
      {
      	d->x = ) ] 3;
      }

      static void good_two(struct dev *d)
      {
      	kfree(d);
      }
    `);
    const file = fileOf(await extractText(built.text), 'drivers/misc/closer.c');
    expect(file.functions.map((f) => f.name)).toEqual(['good_one', 'broken', 'good_two']);
    expect(file.notes).toEqual([expect.stringMatching(/^broken: .*line 9/)]);
  });

  // Regression (src/extract/lower-stmt.ts lowerStatement, lower-expr.ts): only an ERROR node that was a
  // whole statement got a note. Errors inside a statement (tree-sitter's ERROR under an expression, or
  // MISSING nodes) were lowered silently from its recovery: a mail that was not quoted-printable
  // decoded, `if (vb->num_pfns =3D=3D 0)`, became `store vb->num_pfns = 3` and `branch 3`.
  it('notes a parse error inside a statement instead of lowering the recovery', async () => {
    const built = newFilePatch('drivers/misc/qp.c', `
      static void qp(struct vb *vb)
      {
      	if (vb->num_pfns =3D=3D 0)
      		return;
      	tell_host(vb);
      }
    `);
    const file = fileOf(await extractText(built.text), 'drivers/misc/qp.c');
    expect(file.notes).toEqual([expect.stringMatching(/line 3/)]);
    expect(functionOf(file, 'qp').ops.some((op) => op.kind === 'store')).toBe(false);
  });

  it('keeps a `return` with a parse error as a return without its guessed value', async () => {
    const built = newFilePatch('drivers/misc/ret.c', `
      static int ret(void)
      {
      	return return 1;
      }
    `);
    const file = fileOf(await extractText(built.text), 'drivers/misc/ret.c');
    expect(file.notes).toEqual(['ret: C that tree-sitter cannot parse at line 3: return return 1;']);
    expect(allOps(functionOf(file, 'ret'))).toEqual(['0 1 nop ret()', '1 3 return']);
  });

  it('reads a kernel macro\'s type argument as an argument, not a parse error', async () => {
    const built = newFilePatch('drivers/misc/first.c', `
      static struct page *first(struct dev *d)
      {
      	return list_first_entry(&d->pages, struct page, lru);
      }
    `);
    const file = fileOf(await extractText(built.text), 'drivers/misc/first.c');
    expect(file.notes).toEqual([]);
    expect(allOps(functionOf(file, 'first')).slice(1)).toEqual(['1 3 list t1 = list_first_entry first_entry head=&d->pages', '2 3 return t1']);
  });
});
