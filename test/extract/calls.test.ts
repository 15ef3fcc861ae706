import { describe, expect, it } from 'vitest';
import { extractAnnotated, findOp, functionOf, newFilePatch, where } from './annotated.js';

describe('calls, threads and assertions', () => {
  it('lowers direct calls, calls through function pointers and kthread_run', async () => {
    const built = newFilePatch('mm/calls.c', `
      static int worker(void *data);
      static void calls(struct dev *d, struct page *page)
      //= nop calls()
      {
      	struct task_struct *t;

      	page->mapping->a_ops->invalidatepage(page, 0);
      	//= load t1 = page->mapping
      	//= load t2 = t1->a_ops
      	//= load t3 = t2->invalidatepage
      	//= call t4 = (*t3)(page, 0)
      	tell_host(d, d->inflate_vq);
      	//= load t5 = d->inflate_vq
      	//= call t6 = tell_host(d, t5)
      	register_cb(d, worker);
      	//= call t7 = register_cb(d, worker)
      	t = kthread_run(worker, d, "balloon");
      	//= spawn t8 = kthread_run fn=worker arg=d
      	//= assign t := t8
      }
      //= return
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);

    const fn = functionOf(program, 'calls');
    const indirect = findOp(fn, (op) => op.kind === 'call' && op.callee === undefined);
    expect(where(indirect)).toEqual({ newLine: 6, patchLine: 12, origin: 'added' });
    expect(indirect).toMatchObject({ target: { k: 'temp', id: 3 }, args: [{ k: 'name', name: 'page', scope: 'param' }, { k: 'int', value: 0 }] });
    // The loaded pointer is `invalidatepage` of what `a_ops` of `page->mapping` points to.
    expect(findOp(fn, (op) => op.kind === 'load' && op.dest === 3)).toMatchObject({ source: { k: 'field', field: 'invalidatepage', arrow: true, base: { k: 'temp', id: 2 } } });
    // A function named as an argument is a function, not a value read from memory.
    expect(findOp(fn, (op) => op.kind === 'call' && op.callee === 'register_cb')).toMatchObject({ args: [expect.anything(), { k: 'name', name: 'worker', scope: 'function' }] });
    expect(findOp(fn, (op) => op.kind === 'spawn')).toMatchObject({ fn: { k: 'name', name: 'worker', scope: 'function' }, arg: { k: 'name', name: 'd', scope: 'param' } });
  });

  it('lowers BUG, BUG_ON and WARN_ON, in statements and in conditions', async () => {
    const built = newFilePatch('mm/bugs.c', `
      static bool bugs(struct page *page, int v)
      //= nop bugs()
      {
      	BUG_ON(!page);
      	//= branch page -> 4:branch | 3:bug
      	//= bug BUG_ON bug -> end
      	if (WARN_ON(v < 0))
      	//= branch (v < 0) -> 4:bug | 6:branch
      	//= bug WARN_ON warn
      		return false;
      		//= return 0
      	if (v > 100)
      	//= branch (v > 100) -> 7:bug | 8:return
      		BUG();
      		//= bug BUG bug -> end
      	return true;
      	//= return 1
      }
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
    // WARN_ON in a condition warns, then takes the branch it guards: the `return false`.
    const fn = functionOf(program, 'bugs');
    const warn = findOp(fn, (op) => op.kind === 'bug' && op.level === 'warn');
    expect(fn.ops[warn.succ[0]!]).toMatchObject({ kind: 'return', anchor: { newLine: 5, patchLine: 11 } });
  });
});
