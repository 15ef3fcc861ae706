import { describe, expect, it } from 'vitest';
import type { Op } from '../../src/model/program.js';
import { extractAnnotated, findOp, functionOf, isApi, newFilePatch, reaches, where } from './annotated.js';

/** Every row of LOCK_APIS the drivers under review use, as `lock` operations with class, action and mode. */
describe('lock operations', () => {
  it('lowers mutexes, spinlocks in every irq mode, rwlocks, page locks, RCU and initialisers', async () => {
    const built = newFilePatch('drivers/misc/locks.c', `
      static DEFINE_MUTEX(balloon_lock);
      static void locks(struct dev *d, struct page *page)
      //= nop locks()
      {
      	unsigned long flags;

      	mutex_lock(&balloon_lock);
      	//= lock mutex_lock acquire mutex &balloon_lock sleeps
      	if (!mutex_trylock(&d->lock))
      	//= lock t1 = mutex_trylock try mutex &d->lock
      	//= branch t1 -> 9:lock | 8:return
      		return;
      		//= return
      	spin_lock(&d->slock);
      	//= lock spin_lock acquire spinlock &d->slock
      	spin_unlock(&d->slock);
      	//= lock spin_unlock release spinlock &d->slock
      	spin_lock_irq(&d->slock);
      	//= lock spin_lock_irq acquire spinlock irq &d->slock
      	spin_unlock_irq(&d->slock);
      	//= lock spin_unlock_irq release spinlock irq &d->slock
      	spin_lock_irqsave(&d->slock, flags);
      	//= lock spin_lock_irqsave acquire spinlock irqsave &d->slock
      	spin_unlock_irqrestore(&d->slock, flags);
      	//= lock spin_unlock_irqrestore release spinlock irqsave &d->slock
      	spin_lock_bh(&d->slock);
      	//= lock spin_lock_bh acquire spinlock bh &d->slock
      	spin_unlock_bh(&d->slock);
      	//= lock spin_unlock_bh release spinlock bh &d->slock
      	read_lock(&d->rw);
      	//= lock read_lock acquire rwlock read &d->rw
      	read_unlock(&d->rw);
      	//= lock read_unlock release rwlock read &d->rw
      	write_lock(&d->rw);
      	//= lock write_lock acquire rwlock write &d->rw
      	write_unlock(&d->rw);
      	//= lock write_unlock release rwlock write &d->rw
      	lock_page(page);
      	//= lock lock_page acquire page page sleeps
      	unlock_page(page);
      	//= lock unlock_page release page page
      	if (trylock_page(page))
      	//= lock t2 = trylock_page try page page
      	//= branch t2 -> 24:lock | 25:lock
      		unlock_page(page);
      		//= lock unlock_page release page page
      	rcu_read_lock();
      	//= lock rcu_read_lock acquire rcu rcu
      	rcu_read_unlock();
      	//= lock rcu_read_unlock release rcu rcu
      	spin_lock_init(&d->slock);
      	//= lock spin_lock_init init spinlock &d->slock
      	mutex_init(&d->lock);
      	//= lock mutex_init init mutex &d->lock
      	mutex_unlock(&balloon_lock);
      	//= lock mutex_unlock release mutex &balloon_lock
      }
      //= return
    `);
    const { program, rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);

    // The line numbers are the post-image's and the patch's: the file starts at patch line 7.
    const fn = functionOf(program, 'locks');
    expect(where(findOp(fn, isApi('mutex_lock')))).toEqual({ newLine: 6, patchLine: 12, origin: 'added' });
    expect(where(findOp(fn, isApi('mutex_unlock')))).toEqual({ newLine: 29, patchLine: 35, origin: 'added' });
    // A file-scope lock is a global; a lock inside a structure is reached through the parameter.
    expect(findOp(fn, isApi('mutex_lock'))).toMatchObject({ lock: { k: 'addr', arg: { k: 'name', name: 'balloon_lock', scope: 'global' } } });
    expect(findOp(fn, isApi('spin_lock'))).toMatchObject({
      lock: { k: 'addr', arg: { k: 'field', field: 'slock', arrow: true, base: { k: 'name', name: 'd', scope: 'param' } } },
    });
    // Only the try forms yield a value; the others have no `dest`.
    expect(fn.ops.filter((op) => op.kind === 'lock' && op.dest !== undefined).map((op) => op.kind === 'lock' && op.api)).toEqual(['mutex_trylock', 'trylock_page']);
  });

  it('lowers semaphores and the other rwlock and mutex forms of the table', async () => {
    const built = newFilePatch('drivers/misc/sem.c', `
      static int sem(struct dev *d)
      //= nop sem()
      {
      	mutex_lock_nested(&d->lock, 1);
      	//= lock mutex_lock_nested acquire mutex &d->lock sleeps
      	mutex_lock_killable(&d->lock);
      	//= branch «mutex_lock_killable interrupted» -> 4:assign | 4:lock
      	//= lock mutex_lock_killable acquire mutex &d->lock sleeps
      	//= assign #1 := 0 -> 5:lock
      	//= assign #1 := -EINTR
      	down_read(&d->sem);
      	//= lock down_read acquire semaphore read &d->sem sleeps
      	up_read(&d->sem);
      	//= lock up_read release semaphore read &d->sem
      	down(&d->s);
      	//= lock down acquire semaphore &d->s sleeps
      	up(&d->s);
      	//= lock up release semaphore &d->s
      	mutex_unlock(&d->lock);
      	//= lock mutex_unlock release mutex &d->lock
      	return 0;
      	//= return 0
      }
    `);
    const { rows } = await extractAnnotated(built);
    expect(rows).toEqual(built.expected);
  });

  // Regression (src/extract/lower-expr.ts, lowerApiCall): a lock call with action `acquire` returned the
  // constant 0, so `if (mutex_lock_interruptible(&l)) return -EINTR;` became `branch 0` and the simulator
  // never took the error path. The interruptible and killable forms (kernel-api.ts `interruptedWith`)
  // now fork: the lock and 0, or -EINTR without the lock.
  it('gives mutex_lock_interruptible an unknown result, so its error path is reachable', async () => {
    const built = newFilePatch('drivers/misc/intr.c', `
      static int intr(struct dev *d)
      {
      	if (mutex_lock_interruptible(&d->lock))
      		return -EINTR;
      	mutex_unlock(&d->lock);
      	return 0;
      }
    `);
    const { program } = await extractAnnotated(built);
    const fn = functionOf(program, 'intr');
    const branch = findOp(fn, (op) => op.kind === 'branch' && op.anchor.newLine === 3 && op.cond.k !== 'opaque');
    expect(branch.kind === 'branch' && branch.cond.k).not.toBe('int');
    // The error return is reached without taking the lock; the call yields 0 only where it took it.
    const acquire = findOp(fn, isApi('mutex_lock_interruptible'));
    const isErrorReturn = (op: Op): boolean => op.kind === 'return' && op.anchor.newLine === 4;
    expect(reaches(fn, fn.entry, isErrorReturn, (op) => op.id === acquire.id)).toBe(true);
    expect(fn.ops[acquire.succ[0]!]).toMatchObject({ kind: 'assign', value: { k: 'int', value: 0 } });
    expect(fn.ops.filter((op) => op.kind === 'assign').map((op) => op.kind === 'assign' && op.value))
      .toContainEqual({ k: 'unary', op: '-', arg: { k: 'name', name: 'EINTR', scope: 'constant' } });
  });
});
