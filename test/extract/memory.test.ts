import { describe, expect, it } from 'vitest';
import { extractAnnotated, findOp, functionOf, newFilePatch, where } from './annotated.js';

describe('shared memory: loads, stores and assignments', () => {
  it('loads every pointer on a chain, stores through the last, and keeps locals in assignments', async () => {
    const built = newFilePatch('drivers/misc/mem.c', `
      struct address_space *balloon_mapping;
      static int counter;
      static void mem(struct dev *d, struct page *page)
      //= nop mem()
      {
      	struct address_space *x;
      	int n = 3;
      	//= assign n := 3
      	struct { int a; } local;

      	x = page->mapping;
      	//= load t1 = page->mapping
      	//= assign x := t1
      	d->a->b->c = n;
      	//= load t2 = d->a
      	//= load t3 = t2->b
      	//= store t3->c = n
      	page->mapping = balloon_mapping;
      	//= load t4 = balloon_mapping
      	//= store page->mapping = t4
      	page->mapping = NULL;
      	//= store page->mapping = 0
      	balloon_mapping = x;
      	//= store balloon_mapping = x global
      	counter++;
      	//= load t5 = counter
      	//= store counter = (t5 + 1) global
      	local.a = counter;
      	//= load t6 = counter
      	//= assign local.a := t6
      	n += d->count;
      	//= load t7 = d->count
      	//= assign n := (n + t7)
      }
      //= return
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);

    const fn = functionOf(program, 'mem');
    // `page->mapping = NULL` is a store of 0 through the parameter, at its own line.
    const clear = findOp(fn, (op) => op.kind === 'store' && op.value.k === 'int');
    expect(where(clear)).toEqual({ newLine: 12, patchLine: 18, origin: 'added' });
    expect(clear).toMatchObject({ target: { k: 'field', field: 'mapping', arrow: true, base: { k: 'name', name: 'page', scope: 'param' } }, global: false, order: 'plain' });
    // A store to a file-scope object names it as a global.
    expect(findOp(fn, (op) => op.kind === 'store' && op.global)).toMatchObject({ target: { k: 'name', name: 'balloon_mapping', scope: 'global' } });
    expect(fn.locals.map((l) => l.name)).toEqual(['x', 'n', 'local']);
  });

  it('gives READ_ONCE, WRITE_ONCE, smp_load_acquire and smp_store_release their memory order', async () => {
    const built = newFilePatch('drivers/misc/order.c', `
      static int ready;
      static int order(struct dev *d)
      //= nop order()
      {
      	int v;

      	v = READ_ONCE(d->flag);
      	//= load t1 = d->flag once
      	//= assign v := t1
      	WRITE_ONCE(d->flag, 1);
      	//= store d->flag = 1 once
      	WRITE_ONCE(ready, 1);
      	//= store ready = 1 once global
      	v = smp_load_acquire(&d->flag);
      	//= load t2 = *&d->flag acquire
      	//= assign v := t2
      	smp_store_release(&d->flag, 0);
      	//= store *&d->flag = 0 release
      	return READ_ONCE(ready);
      	//= load t3 = ready once
      	//= return t3
      }
    `);
    const { rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
  });

  it('lowers barriers with their kind and whether they are smp_ forms', async () => {
    const built = newFilePatch('drivers/misc/barriers.c', `
      static void barriers(void)
      //= nop barriers()
      {
      	wmb();
      	//= barrier wmb write
      	rmb();
      	//= barrier rmb read
      	mb();
      	//= barrier mb full
      	smp_wmb();
      	//= barrier smp_wmb write smp
      	smp_rmb();
      	//= barrier smp_rmb read smp
      	smp_mb();
      	//= barrier smp_mb full smp
      	smp_mb__after_atomic();
      	//= barrier smp_mb__after_atomic full smp
      	barrier();
      	//= barrier barrier compiler
      }
      //= return
    `);
    const { rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
  });
});

describe('allocation, freeing and page references', () => {
  it('lowers allocations with their gfp flags and whether they sleep, frees, and page reference calls', async () => {
    const built = newFilePatch('drivers/misc/alloc.c', `
      static int alloc(struct dev *d, struct page *page)
      //= nop alloc()
      {
      	void *buf = kmalloc(64, GFP_KERNEL);
      	//= alloc t1 = kmalloc object GFP_KERNEL sleeps
      	//= assign buf := t1
      	struct dev *z = kzalloc(sizeof(*z), GFP_ATOMIC);
      	//= alloc t2 = kzalloc object GFP_ATOMIC
      	//= assign z := t2
      	struct page *p = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
      	//= alloc t3 = alloc_page page GFP_HIGHUSER_MOVABLE|__GFP_NOWARN sleeps
      	//= assign p := t3
      	int ok = 0;
      	//= assign ok := 0

      	kfree(buf);
      	//= free kfree object buf
      	__free_page(p);
      	//= free __free_page page p
      	kfree(d->priv);
      	//= load t4 = d->priv
      	//= free kfree object t4
      	get_page(page);
      	//= pageref get_page get page
      	put_page(page);
      	//= pageref put_page put page
      	if (get_page_unless_zero(page) && page_count(page) == 2)
      	//= pageref t5 = get_page_unless_zero get_unless_zero page
      	//= branch t5 -> 13:pageref | 15:return
      	//= pageref t6 = page_count count page
      	//= branch (t6 == 2) -> 14:assign | 15:return
      		ok = 1;
      		//= assign ok := 1
      	return ok;
      	//= return ok
      }
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
    const fn = functionOf(program, 'alloc');
    expect(where(findOp(fn, (op) => op.kind === 'alloc' && op.what === 'page'))).toEqual({ newLine: 5, patchLine: 11, origin: 'added' });
  });
});
