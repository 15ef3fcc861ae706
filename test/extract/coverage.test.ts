import { describe, expect, it } from 'vitest';
import type {
  BarrierKind, BugLevel, GapReason, JumpKind, ListAction, LockAction, LockClass, MemoryOrder, Op, OpKind, PageRefAction,
} from '../../src/model/program.js';
import { changePatch, extractTexts, newFilePatch } from './annotated.js';

/**
 * Every operation kind and every variant of program.ts comes out of the extractor for some C. The
 * tables below are typed as complete records, so adding a kind or a variant to the IR fails the type
 * check here until a line of C producing it is added. The other files of this folder pin lines and
 * fields; this one only proves that nothing in the IR is unreachable.
 */
const OP_KINDS = {
  lock: 0, list: 0, load: 0, store: 0, assign: 0, alloc: 0, free: 0, pageref: 0, barrier: 0, call: 0, spawn: 0, bug: 0,
  branch: 0, jump: 0, return: 0, gap: 0, nop: 0,
} satisfies Record<OpKind, 0>;
const LOCK_ACTIONS = { acquire: 0, release: 0, try: 0, init: 0 } satisfies Record<LockAction, 0>;
const LOCK_CLASSES = { mutex: 0, spinlock: 0, rwlock: 0, page: 0, rcu: 0, semaphore: 0 } satisfies Record<LockClass, 0>;
const LIST_ACTIONS = {
  add: 0, add_tail: 0, del: 0, del_init: 0, move: 0, move_tail: 0, empty: 0, first_entry: 0, splice: 0, init: 0, iter_first: 0, iter_next: 0,
} satisfies Record<ListAction, 0>;
const ORDERS = { plain: 0, once: 0, acquire: 0, release: 0 } satisfies Record<MemoryOrder, 0>;
const BARRIERS = { full: 0, write: 0, read: 0, compiler: 0 } satisfies Record<BarrierKind, 0>;
const PAGEREFS = { get: 0, put: 0, get_unless_zero: 0, count: 0 } satisfies Record<PageRefAction, 0>;
const JUMPS = { goto: 0, break: 0, continue: 0 } satisfies Record<JumpKind, 0>;
const BUGS = { bug: 0, warn: 0 } satisfies Record<BugLevel, 0>;
/** `unparsed` is in the IR but the rebuild never writes it (lower-expr maps it to `between-hunks`). */
const GAPS = { 'before-hunk': 0, 'between-hunks': 0, 'after-hunk': 0 } satisfies Record<Exclude<GapReason, 'unparsed'>, 0>;

const keys = (record: object): string[] => Object.keys(record).sort();
const seen = (ops: Op[], pick: (op: Op) => string | undefined): string[] => [...new Set(ops.map(pick).filter((x): x is string => x !== undefined))].sort();

describe('coverage of the operation IR', () => {
  it('produces every operation kind and variant from C', async () => {
    const everything = newFilePatch('drivers/misc/everything.c', `
      static DEFINE_MUTEX(big_lock);
      static int big_count;
      static int worker(void *data);
      static int everything(struct dev *d, struct page *page, int n)
      {
      	struct page *pos, *tmp;
      	void *buf = kmalloc(32, GFP_KERNEL);
      	struct page *p = alloc_page(GFP_ATOMIC);
      	int v = 0;

      	mutex_init(&d->lock);
      	mutex_lock(&big_lock);
      	if (mutex_trylock(&d->lock))
      		mutex_unlock(&d->lock);
      	spin_lock(&d->s); spin_unlock(&d->s);
      	read_lock(&d->rw); read_unlock(&d->rw);
      	down(&d->sem); up(&d->sem);
      	lock_page(page); unlock_page(page);
      	rcu_read_lock(); rcu_read_unlock();
      	list_add(&page->lru, &d->l); list_add_tail(&page->lru, &d->l);
      	list_del(&page->lru); list_del_init(&page->lru);
      	list_move(&page->lru, &d->l); list_move_tail(&page->lru, &d->l);
      	if (list_empty(&d->l))
      		v = 1;
      	pos = list_first_entry(&d->l, struct page, lru);
      	list_splice(&d->l, &d->m); INIT_LIST_HEAD(&d->l);
      	list_for_each_entry_safe(pos, tmp, &d->l, lru) {
      		v++;
      	}
      	v = READ_ONCE(d->x) + smp_load_acquire(&d->y);
      	WRITE_ONCE(d->x, v); smp_store_release(&d->y, v);
      	d->z = v;
      	big_count = v;
      	tell(d);
      	mb(); wmb(); rmb(); barrier();
      	get_page(page); put_page(page);
      	if (get_page_unless_zero(page) && page_count(page) > 1)
      		v = 2;
      	kfree(buf);
      	__free_page(p);
      	d->ops->run(d);
      	kthread_run(worker, d, "w");
      	if (WARN_ON(!d))
      		goto out;
      	BUG_ON(v < 0);
      	for (; n > 0; n--) {
      		if (n == 2)
      			continue;
      		if (n == 3)
      			break;
      	}
      	mutex_unlock(&big_lock);
      out:
      	return v;
      }
    `);
    const gaps = changePatch('drivers/misc/gaps.c', `
      @@ 10 10 @@ static void gaps(struct dev *d)
       	d->a = 1;
      +	d->b = 2;
      @@ 20 21 @@ static void gaps(struct dev *d)
       	d->c = 3;
    `);
    const program = await extractTexts([everything.text, gaps.text]);
    const ops = program.patches.flatMap((p) => p.files.filter((f) => f.side === 'new').flatMap((f) => f.functions.flatMap((fn) => fn.ops)));
    expect(program.patches.flatMap((p) => p.files.flatMap((f) => f.notes))).toEqual([]);

    expect(seen(ops, (op) => op.kind)).toEqual(keys(OP_KINDS));
    expect(seen(ops, (op) => (op.kind === 'lock' ? op.action : undefined))).toEqual(keys(LOCK_ACTIONS));
    expect(seen(ops, (op) => (op.kind === 'lock' ? op.lockClass : undefined))).toEqual(keys(LOCK_CLASSES));
    expect(seen(ops, (op) => (op.kind === 'list' ? op.action : undefined))).toEqual(keys(LIST_ACTIONS));
    expect(seen(ops, (op) => (op.kind === 'load' || op.kind === 'store' ? op.order : undefined))).toEqual(keys(ORDERS));
    expect(seen(ops, (op) => (op.kind === 'barrier' ? op.barrier : undefined))).toEqual(keys(BARRIERS));
    expect(seen(ops, (op) => (op.kind === 'pageref' ? op.action : undefined))).toEqual(keys(PAGEREFS));
    expect(seen(ops, (op) => (op.kind === 'jump' ? op.jump : undefined))).toEqual(keys(JUMPS));
    expect(seen(ops, (op) => (op.kind === 'bug' ? op.level : undefined))).toEqual(keys(BUGS));
    expect(seen(ops, (op) => (op.kind === 'gap' ? op.reason : undefined))).toEqual(keys(GAPS));
    expect(seen(ops, (op) => (op.kind === 'alloc' ? `${op.what} ${op.sleeps ? 'sleeps' : 'atomic'}` : undefined))).toEqual(['object sleeps', 'page atomic']);
    expect(seen(ops, (op) => (op.kind === 'free' ? op.what : undefined))).toEqual(['object', 'page']);
    expect(seen(ops, (op) => (op.kind === 'call' ? (op.callee === undefined ? 'indirect' : 'direct') : undefined))).toEqual(['direct', 'indirect']);
    expect(seen(ops, (op) => (op.kind === 'store' ? (op.global ? 'global' : 'pointer') : undefined))).toEqual(['global', 'pointer']);
  });
});
