import { describe, expect, it } from 'vitest';
import { extractAnnotated, findOp, functionOf, newFilePatch, reaches, where } from './annotated.js';

describe('list operations', () => {
  it('lowers each list call to a list operation with its entry and head', async () => {
    const built = newFilePatch('drivers/misc/lists.c', `
      static void lists(struct dev *d, struct page *page, struct page *first)
      //= nop lists()
      {
      	list_add(&page->lru, &d->pages);
      	//= list list_add add entry=&page->lru head=&d->pages
      	list_add_tail(&page->lru, &d->pages);
      	//= list list_add_tail add_tail entry=&page->lru head=&d->pages
      	list_del(&page->lru);
      	//= list list_del del entry=&page->lru
      	list_del_init(&page->lru);
      	//= list list_del_init del_init entry=&page->lru
      	list_move(&page->lru, &d->pages);
      	//= list list_move move entry=&page->lru head=&d->pages
      	list_move_tail(&page->lru, &d->pages);
      	//= list list_move_tail move_tail entry=&page->lru head=&d->pages
      	if (list_empty(&d->pages))
      	//= list t1 = list_empty empty head=&d->pages
      	//= branch t1 -> 10:return | 11:list
      		return;
      		//= return
      	first = list_first_entry(&d->pages, struct page, lru);
      	//= list t2 = list_first_entry first_entry head=&d->pages
      	//= assign first := t2
      	list_splice(&d->pages, &d->spare);
      	//= list list_splice splice entry=&d->pages head=&d->spare
      	INIT_LIST_HEAD(&d->pages);
      	//= list INIT_LIST_HEAD init head=&d->pages
      }
      //= return
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
    const fn = functionOf(program, 'lists');
    expect(where(findOp(fn, (op) => op.kind === 'list' && op.action === 'del'))).toEqual({ newLine: 5, patchLine: 11, origin: 'added' });
    expect(findOp(fn, (op) => op.kind === 'list' && op.action === 'del')).toMatchObject({
      entry: { k: 'addr', arg: { k: 'field', field: 'lru', arrow: true, base: { k: 'name', name: 'page', scope: 'param' } } },
    });
  });

  it('lowers list_for_each_entry to iter_first, a test, the body and iter_next back to the test', async () => {
    const built = newFilePatch('drivers/misc/walk.c', `
      static void walk(struct dev *d)
      //= nop walk()
      {
      	struct page *page, *next;

      	list_for_each_entry(page, &d->pages, lru)
      	//= list t1 = list_for_each_entry iter_first head=&d->pages
      	//= assign page := t1
      	//= nop list_for_each_entry (next entry)
      	//= branch (page != 0) loop -> 6:pageref | 7:list
      	//= list t2 = list_for_each_entry iter_next entry=page head=&d->pages
      	//= assign page := t2 -> 5:nop
      		put_page(page);
      		//= pageref put_page put page
      	list_for_each_entry_safe(page, next, &d->pages, lru) {
      	//= list t3 = list_for_each_entry_safe iter_first head=&d->pages
      	//= assign page := t3
      	//= nop list_for_each_entry_safe (next entry)
      	//= branch (page != 0) loop -> 7:list | 12:return
      	//= list t4 = list_for_each_entry_safe iter_next entry=page head=&d->pages
      	//= assign next := t4
      	//= assign page := next -> 7:nop
      		list_del(&page->lru);
      		//= list list_del del entry=&page->lru
      		if (d->stop)
      		//= load t5 = d->stop
      		//= branch t5 -> 10:jump | 7:assign
      			break;
      			//= jump break -> 12:return
      	}
      }
      //= return
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);

    const fn = functionOf(program, 'walk');
    // The safe form loads the next entry before the body runs, so the body may delete the current one.
    const ops = fn.ops.filter((op) => op.anchor.newLine === 7 || op.anchor.newLine === 8).map((op) => (op.kind === 'list' ? op.action : op.kind));
    expect(ops).toEqual(['iter_first', 'assign', 'nop', 'branch', 'iter_next', 'assign', 'del', 'assign']);
    // The body of each loop is reached again from itself: the back edge exists.
    const del = findOp(fn, (op) => op.kind === 'list' && op.action === 'del');
    expect(reaches(fn, del.id, (op) => op.id === del.id)).toBe(true);
  });

  // Regression (src/extract/c-syntax.ts parseC, lower-stmt.ts): the iterator macro was only seen when
  // tree-sitter made it a statement of its own. With a one-statement body that is an update or an
  // assignment, `list_for_each_entry(pos, head, lru)\n\t\tcount++;` parsed as one expression `CALL ++`
  // (the `count` in an ERROR node): no loop, a plain call, `lru` loaded as a global, a store to the
  // call's result. parseC now writes the iterator as the condition of a `while`.
  it('lowers list_for_each_entry whose body is a single update or assignment as a loop', async () => {
    const built = newFilePatch('drivers/misc/count.c', `
      static int count_pages(struct dev *d)
      {
      	struct page *page;
      	int n = 0;

      	list_for_each_entry(page, &d->pages, lru)
      		n++;
      	list_for_each_entry_reverse(page,
      				    &d->pages, lru)
      		d->last = page;
      	return n;
      }
    `);
    const { program } = await extractAnnotated(built);
    const fn = functionOf(program, 'count_pages');
    expect(fn.ops.filter((op) => op.kind === 'list').map((op) => op.kind === 'list' && op.action)).toEqual(['iter_first', 'iter_next', 'iter_first', 'iter_next']);
    expect(fn.notes).toEqual([]);
    // Each body is inside its loop: reached again from itself.
    const count = findOp(fn, (op) => op.kind === 'assign' && op.local === 'n' && op.anchor.newLine === 7);
    expect(reaches(fn, count.id, (op) => op.id === count.id)).toBe(true);
    const store = findOp(fn, (op) => op.kind === 'store');
    expect(store).toMatchObject({ anchor: { newLine: 10 }, target: { k: 'field', field: 'last' } });
    expect(reaches(fn, store.id, (op) => op.id === store.id)).toBe(true);
  });
});
