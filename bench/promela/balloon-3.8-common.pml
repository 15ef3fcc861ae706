/*
 * balloon-3.8-common.pml -- the balloon page migration protocol of Linux 3.8,
 * shared by balloon-3.8-four.pml (one compaction thread) and balloon-3.8-five.pml
 * (two).  The including file defines NCOMPACT before including this one.
 *
 * Sources modelled (Linux 3.8):
 *   mm/balloon_compaction.c        balloon_page_enqueue, balloon_page_dequeue,
 *                                  balloon_page_isolate, balloon_page_putback,
 *                                  balloon_page_migrate, __isolate_balloon_page,
 *                                  __putback_balloon_page
 *   include/linux/balloon_compaction.h
 *                                  balloon_page_movable, __is_movable_balloon_page,
 *                                  balloon_page_insert, balloon_page_delete,
 *                                  balloon_page_free, balloon_mapping_free,
 *                                  balloon_devinfo_free
 *   drivers/virtio/virtio_balloon.c fill_balloon, leak_balloon, release_pages_by_pfn,
 *                                  virtballoon_migratepage, virtballoon_remove,
 *                                  remove_common
 *   mm/compaction.c, mm/migrate.c  isolate_migratepages_range (the balloon branch),
 *                                  migrate_pages -> unmap_and_move -> __unmap_and_move,
 *                                  putback_movable_pages, compaction_alloc
 *
 * Actors (one proctype each):
 *   inflate    fill_balloon(vb, 1)
 *   deflate    leak_balloon(vb, 1)
 *   compaction isolate one balloon page, then migrate it or put it back (NCOMPACT of them)
 *   unload     virtballoon_remove() + the module's text and data going away
 *
 * Properties: CHECK(cond, name) (check.pml lists the names), placed where the kernel
 * touches the state in question:
 *   - list corruption: list_del of a page that is not on the list it is deleted from,
 *     list_add of a page that is already on a list
 *   - use after free: a page touched after it went back to the allocator; the mapping,
 *     the balloon_dev_info or the virtio_balloon touched after kfree(); module code
 *     called, or returned through, after the module is gone
 *   - bad_page(): a page freed while still locked, on a list, or with ->mapping set;
 *     put_page() on a free page
 *   - BUG_ON()/BUG() reached (enqueue's trylock_page, dequeue's lost-pages check,
 *     balloon_page_migrate's trylock_page(newpage)); WARN_ON() in putback and migrate
 *   - lock discipline: unlock by a non-holder; deadlock: nobody can move before every
 *     actor has finished (init's timeout)
 *   - at quiescence (every actor finished): all page frames are free, none locked,
 *     on a list or with a ->mapping, and isolated_pages == 0 (no lost pages)
 *
 * What spin finds (full search, pan -c0; bench/spin.mjs prints the property names):
 *   as merged in 3.8, four actors:
 *     list_del_not_on_list    balloon_page_dequeue() picks a page off the list without
 *                             pages_lock; compaction isolates it (and may already be
 *                             putting it back) before dequeue's trylock_page() succeeds;
 *                             dequeue then list_del()s a page that is not on the list
 *     double_free_page, bad_page_freed_*
 *                             leak_balloon() reads vb->pfns/vb->num_pfns after
 *                             mutex_unlock(); virtballoon_migratepage() has meanwhile
 *                             stored the migrated (old) page there, so deflate frees a
 *                             page compaction is still freeing, or a page still in use
 *     use_after_free_mapping  compaction's lockless test loads page->mapping, then
 *                             virtballoon_remove() deflates everything and kfree()s the
 *                             mapping, then the test reads mapping->flags
 *     BUG_enqueue_trylock_page
 *                             compaction's lockless test passes on a balloon page; the
 *                             page is deflated, freed and handed to fill_balloon() again;
 *                             compaction's get_page_unless_zero() + trylock_page() win,
 *                             and balloon_page_enqueue() hits BUG_ON(!trylock_page(page))
 *   five actors, in addition:
 *     BUG_migrate_trylock_newpage
 *                             the same speculative reference + trylock by one compaction
 *                             thread on the page the other just took as migration target
 *     list_add_already_listed a page freed by the vb->pfns race above is reallocated
 *                             while its previous owner still uses it
 *   With LATER_FIXES the first two groups disappear; the lockless mapping->flags read
 *   and the two BUG_ON(!trylock_page()) remain.
 *
 * Variants (spin -D...):
 *   FIX_DEQUEUE_WALK        walk vb_dev_info->pages under pages_lock in
 *                           balloon_page_dequeue(), as later stable trees do.  3.8 walks
 *                           the list without it and takes pages_lock only after
 *                           trylock_page(), so compaction can isolate the page between
 *                           the walk picking it and trylock_page() succeeding.
 *   FIX_RELEASE_UNDER_LOCK  leak_balloon() frees the pages in vb->pfns before
 *                           mutex_unlock(&vb->balloon_lock), as later kernels do.  3.8
 *                           reads vb->pfns / vb->num_pfns after the unlock, and
 *                           virtballoon_migratepage() rewrites both under that mutex.
 *   LATER_FIXES             both of the above.
 *   NO_STALE_MAPPING_CHECK  do not flag the lockless test's read of mapping->flags
 *                           through a page->mapping that unload has already kfree()d.
 *
 * What is abstracted away (and why it does not hide an interleaving of the above):
 *   - page frames: NPAGES (3) frames, one of them in the balloon at the start.
 *     Allocation (alloc_page in balloon_page_enqueue, compaction_alloc for the migration
 *     target) may return any free frame.  The compaction scanner may look at any frame.
 *   - a list is a "which list is page->lru on" field; list order is frame order
 *     (the dequeue walk visits frames in index order).
 *   - memory order is sequentially consistent.  Every store to ->mapping and ->lru in
 *     this protocol is made holding the page lock (and pages_lock, except for
 *     migratepage's balloon_page_delete() of the isolated old page), every decision
 *     taken on them is re-taken under the page lock, and the lockless test's three loads
 *     (page_count, page->mapping, mapping->flags) are separate steps, so any other
 *     thread may run between them.  Reordering those loads is not modelled: it can
 *     only change what the unlocked hint answers, which is re-checked under the page
 *     lock, but the model does not prove that no extra path follows from that.
 *   - the mm dispatch follows the intended path for an isolated balloon page
 *     (balloon_page_migrate on migration, balloon_page_putback on failure).  3.8's
 *     migrate.c chose it with balloon_page_movable(), whose page_count == 1 test is
 *     false for an isolated page; the putback side was fixed in 3.12
 *     (isolated_balloon_page) and the migrate side later.  Those two mm bugs are
 *     outside this model.
 *   - migrate_pages() makes one pass (3.8 makes up to 10); a failed pass puts the page
 *     back; compaction may also give up before migrating (the abort path).
 *   - __unmap_and_move() takes the page lock with lock_page() (the MIGRATE_ASYNC
 *     trylock-and-skip is a subset of that).
 *   - tell_host(), the virtqueues, page_flags_cleared(), page_mapped(), vm counters,
 *     totalram_pages: no shared state with the protocol.
 *   - inflate and deflate stand for the one vballoon kthread: a token serialises them
 *     (either order), and kthread_stop() in remove waits for both.  remove's leak loop
 *     spins while pages are isolated, as remove_common() does.
 *   - the dequeue walk: list_for_each_entry_safe() following ->lru.next of a page that
 *     was unlinked under it is not modelled; the walk visits frames, so the model finds
 *     the race at the trylock_page()/list_del() that follows, not at the pointer chase.
 */

#ifndef NCOMPACT
#define NCOMPACT 1
#endif

#include "check.pml"

#ifdef LATER_FIXES
#define FIX_DEQUEUE_WALK
#define FIX_RELEASE_UNDER_LOCK
#endif

#define NPAGES      3
#define NOPAGE      NPAGES       /* NULL struct page * */

/* which list page->lru is linked into */
#define L_NONE      0            /* unlinked: never added, or LIST_POISON after list_del */
#define L_BALLOON   1            /* b_dev_info->pages */
#define L_MIGRATE   2            /* + c: cc->migratepages of compaction thread c */

/* page->mapping: NULL or the balloon's special mapping */
#define M_NULL      0
#define M_BALLOON   1

/* lock holder ids */
#define T_INFLATE   1
#define T_DEFLATE   2
#define T_UNLOAD    3
#define T_COMPACT   4            /* + c */

/* migratepage() results */
#define RC_EAGAIN   0
#define RC_SUCCESS  1            /* MIGRATEPAGE_BALLOON_SUCCESS */

/* ---- struct page[NPAGES] ---- */
byte pg_count[NPAGES];           /* page_count(); 0 = free in the allocator */
byte pg_locked[NPAGES];          /* PG_locked: 0 or holder id */
byte pg_list[NPAGES];            /* L_* */
byte pg_mapping[NPAGES];         /* M_* */

/* ---- struct balloon_dev_info, struct virtio_balloon, the mapping, the module ---- */
byte pages_lock;                 /* b_dev_info->pages_lock (spinlock): 0 or holder */
byte isolated_pages;             /* b_dev_info->isolated_pages */
byte balloon_lock;               /* vb->balloon_lock (mutex): 0 or holder */
byte num_pages;                  /* vb->num_pages (one balloon page per frame) */
byte num_pfns;                   /* vb->num_pfns */
byte pfns[NPAGES];               /* vb->pfns[] (frame numbers) */
bit mapping_alive = 1;           /* the address_space from balloon_mapping_alloc() */
bit devinfo_alive = 1;           /* the balloon_dev_info */
bit vb_alive = 1;                /* the struct virtio_balloon */
bit module_live = 1;             /* virtio_balloon.ko text and data */

/* ---- the vballoon kthread ---- */
bit kthread_busy;                /* inflate or deflate is running */
byte kthread_runs;               /* how many of inflate, deflate have finished */

/* ---------------------------------------------------------------- primitives */

inline spin_lock(me)    { atomic { pages_lock == 0 -> pages_lock = me } }
inline spin_unlock(me)  { CHECK(pages_lock == me, unlock_not_held); pages_lock = 0 }
inline mutex_lock(me)   { atomic { balloon_lock == 0 -> balloon_lock = me } }
inline mutex_unlock(me) { CHECK(balloon_lock == me, unlock_not_held); balloon_lock = 0 }

inline mutex_trylock(me, ok) {
	atomic {
		if
		:: balloon_lock == 0 -> balloon_lock = me; ok = 1
		:: else -> ok = 0
		fi
	}
}

/* trylock_page(): must be on a live page (we hold a reference or it is on a list) */
inline trylock_page(p, me, ok) {
	atomic {
		CHECK(pg_count[p] > 0, use_after_free_page);
		if
		:: pg_locked[p] == 0 -> pg_locked[p] = me; ok = 1
		:: else -> ok = 0
		fi
	}
}

inline lock_page(p, me) {
	atomic { pg_locked[p] == 0 -> CHECK(pg_count[p] > 0, use_after_free_page); pg_locked[p] = me }
}

inline unlock_page(p, me) {
	CHECK(pg_count[p] > 0, use_after_free_page);
	CHECK(pg_locked[p] == me, unlock_not_held);
	pg_locked[p] = 0
}

/* get_page(): VM_BUG_ON(page_count(page) <= 0) */
inline get_page(p) { CHECK(pg_count[p] > 0, use_after_free_page); pg_count[p]++ }

/* get_page_unless_zero(): atomic, a full barrier when it succeeds */
inline get_page_unless_zero(p, ok) {
	atomic {
		if
		:: pg_count[p] > 0 -> pg_count[p]++; ok = 1
		:: else -> ok = 0
		fi
	}
}

/* put_page() / __free_page(): at zero the page goes back to the allocator,
 * where free_pages_check() calls bad_page() for a locked page or one with ->mapping */
inline put_page(p) {
	atomic {
		CHECK(pg_count[p] > 0, double_free_page);
		pg_count[p]--;
		if
		:: pg_count[p] == 0 ->
			CHECK(pg_mapping[p] == M_NULL, bad_page_freed_with_mapping);
			CHECK(pg_locked[p] == 0, bad_page_freed_locked);
			CHECK(pg_list[p] == L_NONE, bad_page_freed_on_list)
		:: else
		fi
	}
}

inline list_add(p, l) {
	CHECK(pg_count[p] > 0, use_after_free_page);
	CHECK(pg_list[p] == L_NONE, list_add_already_listed);
	pg_list[p] = l
}

inline list_del(p, l) {
	CHECK(pg_count[p] > 0, use_after_free_page);
	CHECK(pg_list[p] == l, list_del_not_on_list);
	pg_list[p] = L_NONE
}

/* alloc_page() / compaction_alloc(): any free frame, refcount 1 (which one the
 * allocator returns is not modelled, so every choice is explored); NOPAGE when none
 * is free.  Written out for NPAGES == 3. */
inline alloc_page(p) {
	atomic {
		if
		:: pg_count[0] == 0 -> p = 0
		:: pg_count[1] == 0 -> p = 1
		:: pg_count[2] == 0 -> p = 2
		:: pg_count[0] != 0 && pg_count[1] != 0 && pg_count[2] != 0 -> p = NOPAGE
		fi;
		if
		:: p != NOPAGE -> pg_count[p] = 1
		:: else
		fi
	}
}

/* ------------------------------------------- include/linux/balloon_compaction.h */

/* balloon_page_free(): drop the extra reference taken at isolation/dequeue, then
 * __free_page() */
inline balloon_page_free(p) {
	put_page(p);
	put_page(p)
}

/* mapping_balloon(mapping): test_bit(AS_BALLOON_MAP, &mapping->flags).  Unlocked
 * callers may hold a stale page->mapping: a freed mapping is a use after free, and its
 * recycled memory may or may not have the bit set. */
inline read_mapping_flags(stale_ok, res) {
	if
	:: mapping_alive -> res = 1
	:: else ->
		CHECK(stale_ok, use_after_free_mapping);   /* mapping->flags */
		if
		:: res = 1
		:: res = 0
		fi
	fi
}

#ifdef NO_STALE_MAPPING_CHECK
#define LOCKLESS_STALE_OK 1
#else
#define LOCKLESS_STALE_OK 0
#endif

/* ------------------------------------------------------ mm/balloon_compaction.c */

/*
 * balloon_page_enqueue(b_dev_info):
 *	page = alloc_page(balloon_mapping_gfp_mask() | __GFP_NOMEMALLOC | __GFP_NORETRY);
 *	if (!page) return NULL;
 *	BUG_ON(!trylock_page(page));
 *	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
 *	balloon_page_insert(page, b_dev_info->mapping, &b_dev_info->pages);
 *	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
 *	unlock_page(page);
 */
inline balloon_page_enqueue(me, page, ok) {
	alloc_page(page);
	if
	:: page != NOPAGE ->
		trylock_page(page, me, ok);
		CHECK(ok, BUG_enqueue_trylock_page);
		spin_lock(me);
		/* balloon_page_insert(): page->mapping = mapping; list_add(&page->lru, head) */
		atomic {
			CHECK(devinfo_alive, use_after_free_devinfo);   /* b_dev_info->mapping */
			pg_mapping[page] = M_BALLOON;
			list_add(page, L_BALLOON)
		};
		spin_unlock(me);
		unlock_page(page, me)
	:: else
	fi
}

/*
 * balloon_page_dequeue(b_dev_info), 3.8:
 *	list_for_each_entry_safe(page, tmp, &b_dev_info->pages, lru) {
 *		if (trylock_page(page)) {
 *			spin_lock_irqsave(&b_dev_info->pages_lock, flags);
 *			get_page(page);
 *			balloon_page_delete(page);
 *			spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
 *			unlock_page(page);
 *			dequeued_page = true;
 *			break;
 *		}
 *	}
 *	if (!dequeued_page) {
 *		spin_lock_irqsave(&b_dev_info->pages_lock, flags);
 *		if (unlikely(list_empty(&b_dev_info->pages) && !b_dev_info->isolated_pages))
 *			BUG();
 *		spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
 *		page = NULL;
 *	}
 * FIX_DEQUEUE_WALK holds pages_lock across the whole walk instead.
 */
inline balloon_page_dequeue(me, page, i, ok) {
	page = NOPAGE;
	i = 0;
#ifdef FIX_DEQUEUE_WALK
	spin_lock(me);
#endif
	do
	:: i == NPAGES -> break
	:: i < NPAGES && pg_list[i] != L_BALLOON -> i++    /* the walk moves on */
	:: i < NPAGES && pg_list[i] == L_BALLOON ->        /* the walk is at page i */
		trylock_page(i, me, ok);
		if
		:: ok ->
#ifndef FIX_DEQUEUE_WALK
			spin_lock(me);
#endif
			atomic {
				get_page(i);
				/* balloon_page_delete(): page->mapping = NULL; list_del(&page->lru) */
				pg_mapping[i] = M_NULL;
				list_del(i, L_BALLOON)
			};
#ifndef FIX_DEQUEUE_WALK
			spin_unlock(me);
#endif
			unlock_page(i, me);
			page = i;
			break
		:: else -> i++
		fi
	od;
#ifdef FIX_DEQUEUE_WALK
	spin_unlock(me);
#endif
	if
	:: page == NOPAGE ->
		spin_lock(me);
		/* BUG(): list empty and nothing isolated, pages were lost (NPAGES == 3) */
		CHECK(pg_list[0] == L_BALLOON || pg_list[1] == L_BALLOON ||
		      pg_list[2] == L_BALLOON || isolated_pages > 0, BUG_dequeue_lost_pages);
		spin_unlock(me)
	:: else
	fi
}

/* --------------------------------------------------- drivers/virtio/virtio_balloon.c */

/*
 * fill_balloon(vb, 1):
 *	mutex_lock(&vb->balloon_lock);
 *	for (vb->num_pfns = 0; vb->num_pfns < num; vb->num_pfns += ...) {
 *		struct page *page = balloon_page_enqueue(vb_dev_info);
 *		if (!page) { ...; msleep(200); break; }
 *		set_page_pfns(vb->pfns + vb->num_pfns, page);
 *		vb->num_pages += VIRTIO_BALLOON_PAGES_PER_PAGE;
 *		totalram_pages--;
 *	}
 *	if (vb->num_pfns != 0) tell_host(vb, vb->inflate_vq);
 *	mutex_unlock(&vb->balloon_lock);
 */
inline fill_balloon(me, page, ok) {
	mutex_lock(me);
	num_pfns = 0;
	balloon_page_enqueue(me, page, ok);
	if
	:: page != NOPAGE ->
		atomic { pfns[0] = page; num_pages++; num_pfns = 1 }
	:: else
	fi;
	mutex_unlock(me)
}

/*
 * release_pages_by_pfn(vb->pfns, vb->num_pfns):
 *	for (i = 0; i < num; i += VIRTIO_BALLOON_PAGES_PER_PAGE)
 *		balloon_page_free(balloon_pfn_to_page(pfns[i]));
 * 3.8 passes vb->pfns and reads vb->num_pfns at the call, after mutex_unlock.
 */
inline release_pages_by_pfn(page, i, n) {
	n = num_pfns;
	i = 0;
	do
	:: i >= n -> break
	:: else ->
		page = pfns[i];
		balloon_page_free(page);
		i++
	od
}

/*
 * leak_balloon(vb, num):
 *	mutex_lock(&vb->balloon_lock);
 *	for (vb->num_pfns = 0; vb->num_pfns < num; vb->num_pfns += ...) {
 *		page = balloon_page_dequeue(vb_dev_info);
 *		if (!page) break;
 *		set_page_pfns(vb->pfns + vb->num_pfns, page);
 *		vb->num_pages -= VIRTIO_BALLOON_PAGES_PER_PAGE;
 *	}
 *	tell_host(vb, vb->deflate_vq);
 *	mutex_unlock(&vb->balloon_lock);
 *	release_pages_by_pfn(vb->pfns, vb->num_pfns);
 */
inline leak_balloon(me, num, page, i, n, ok) {
	mutex_lock(me);
	num_pfns = 0;
	do
	:: num_pfns >= num -> break
	:: else ->
		balloon_page_dequeue(me, page, i, ok);
		if
		:: page == NOPAGE -> break
		:: else ->
			atomic { pfns[num_pfns] = page; num_pages--; num_pfns++ }
		fi
	od;
#ifdef FIX_RELEASE_UNDER_LOCK
	release_pages_by_pfn(page, i, n);
	mutex_unlock(me)
#else
	mutex_unlock(me);
	release_pages_by_pfn(page, i, n)
#endif
}

/*
 * virtballoon_migratepage(mapping, newpage, page, mode), called through
 * page->mapping->a_ops->migratepage with page and newpage locked:
 *	struct balloon_dev_info *vb_dev_info = balloon_page_device(page);
 *	vb = vb_dev_info->balloon_device;
 *	if (!mutex_trylock(&vb->balloon_lock)) return -EAGAIN;
 *	spin_lock_irqsave(&vb_dev_info->pages_lock, flags);
 *	balloon_page_insert(newpage, mapping, &vb_dev_info->pages);
 *	vb_dev_info->isolated_pages--;
 *	spin_unlock_irqrestore(&vb_dev_info->pages_lock, flags);
 *	vb->num_pfns = VIRTIO_BALLOON_PAGES_PER_PAGE;
 *	set_page_pfns(vb->pfns, newpage);
 *	tell_host(vb, vb->inflate_vq);
 *	balloon_page_delete(page);   -- "safe: this page is at an isolated migration list"
 *	vb->num_pfns = VIRTIO_BALLOON_PAGES_PER_PAGE;
 *	set_page_pfns(vb->pfns, page);
 *	tell_host(vb, vb->deflate_vq);
 *	mutex_unlock(&vb->balloon_lock);
 *	return MIGRATEPAGE_BALLOON_SUCCESS;
 */
inline virtballoon_migratepage(me, mylist, newpage, page, rc, ok) {
	/* entering module text; balloon_page_device(page) = page->mapping->private_data */
	atomic {
		CHECK(module_live, call_into_unloaded_module);
		CHECK(mapping_alive, use_after_free_mapping);
		CHECK(devinfo_alive, use_after_free_devinfo);
		CHECK(vb_alive, use_after_free_vb)
	};
	mutex_trylock(me, ok);
	if
	:: !ok -> rc = RC_EAGAIN
	:: else ->
		spin_lock(me);
		atomic {
			/* balloon_page_insert(newpage, mapping, &vb_dev_info->pages) */
			pg_mapping[newpage] = M_BALLOON;
			list_add(newpage, L_BALLOON);
			isolated_pages--
		};
		spin_unlock(me);
		atomic { num_pfns = 1; pfns[0] = newpage };   /* then tell_host(inflate_vq) */
		atomic {
			/* balloon_page_delete(page): off compaction's private migrate list */
			pg_mapping[page] = M_NULL;
			list_del(page, mylist)
		};
		atomic { num_pfns = 1; pfns[0] = page };      /* then tell_host(deflate_vq) */
		mutex_unlock(me);
		rc = RC_SUCCESS
	fi;
	/* "return rc;" still executes module text */
	CHECK(module_live, return_into_unloaded_module)
}

/* ------------------------------------------------------------------------ actors */

/* one kthread: inflate and deflate never overlap, in either order */
inline kthread_enter() { atomic { !kthread_busy -> kthread_busy = 1 } }
inline kthread_leave() { atomic { kthread_busy = 0; kthread_runs++ } }

proctype inflate()
{
	byte page;
	bit ok;

	kthread_enter();
	fill_balloon(T_INFLATE, page, ok);
	kthread_leave()
}

proctype deflate()
{
	byte page, i, n;
	bit ok;

	kthread_enter();
	leak_balloon(T_DEFLATE, 1, page, i, n, ok);
	kthread_leave()
}

/*
 * Compaction thread c: isolate_migratepages_range() finds one balloon page, then
 * compact_zone() migrates it (migrate_pages) or puts it back (putback_movable_pages).
 */
proctype compaction(byte c)
{
	byte me = T_COMPACT + c;
	byte mylist = L_MIGRATE + c;
	byte page, newpage, rc;
	bit ok, movable;

	/* the migrate scanner may be at any pfn (NPAGES == 3) */
	if
	:: page = 0
	:: page = 1
	:: page = 2
	fi;

	/* if (!PageLRU(page)) { if (unlikely(balloon_page_movable(page))) { ...
	 * balloon_page_movable(): page_flags_cleared(page) && !page_mapped(page) &&
	 * page_count(page) == 1 && __is_movable_balloon_page(page); all unlocked */
	if
	:: pg_count[page] != 1 -> goto done
	:: else
	fi;
	/* __is_movable_balloon_page(): mapping = page->mapping; mapping_balloon(mapping) */
	if
	:: pg_mapping[page] == M_NULL -> goto done
	:: else
	fi;
	read_mapping_flags(LOCKLESS_STALE_OK, movable);
	if
	:: !movable -> goto done
	:: else
	fi;

	/* balloon_page_isolate(page) */
	get_page_unless_zero(page, ok);
	if
	:: !ok -> goto done
	:: else
	fi;
	trylock_page(page, me, ok);
	if
	:: !ok -> goto putref
	:: else
	fi;
	/* under the page lock: __is_movable_balloon_page(page) && page_count(page) == 2 */
	if
	:: pg_mapping[page] == M_BALLOON ->
		read_mapping_flags(0, movable)
	:: else -> movable = 0
	fi;
	if
	:: movable && pg_count[page] == 2 ->
		/* __isolate_balloon_page(): b_dev_info = page->mapping->private_data */
		CHECK(devinfo_alive, use_after_free_devinfo);
		spin_lock(me);
		atomic { list_del(page, L_BALLOON); isolated_pages++ };
		spin_unlock(me);
		unlock_page(page, me)                    /* return true */
	:: else ->
		unlock_page(page, me);
		goto putref                              /* put_page(); return false */
	fi;

	/* isolate_migratepages_range(): list_add(&page->lru, migratelist) */
	list_add(page, mylist);

	/* compact_zone(): migrate, or give up and put the isolated pages back */
	if
	:: goto putback
	:: skip
	fi;

	/* migrate_pages() -> unmap_and_move(compaction_alloc, ...) */
	alloc_page(newpage);                         /* compaction_alloc() */
	if
	:: newpage == NOPAGE -> goto putback         /* -ENOMEM */
	:: else
	fi;
	/* __unmap_and_move(): lock_page(page); the balloon branch: */
	lock_page(page, me);
	/* balloon_page_migrate(newpage, page, mode) */
	trylock_page(newpage, me, ok);
	CHECK(ok, BUG_migrate_trylock_newpage);
	/* if (WARN_ON(!__is_movable_balloon_page(page))) return -EAGAIN;
	 * mapping = page->mapping; rc = __migrate_balloon_page() ->
	 * page->mapping->a_ops->migratepage(): a_ops is the module's virtio_balloon_aops */
	CHECK(pg_mapping[page] == M_BALLOON, WARN_migrate_not_balloon);
	virtballoon_migratepage(me, mylist, newpage, page, rc, ok);
	unlock_page(newpage, me);                    /* balloon_page_migrate() */
	unlock_page(page, me);                       /* __unmap_and_move() */
	if
	:: rc == RC_SUCCESS ->
		/* unmap_and_move(): MIGRATEPAGE_BALLOON_SUCCESS -> balloon_page_free(page) */
		balloon_page_free(page);
		goto done
	:: else ->
		/* -EAGAIN: putback_lru_page(newpage) frees the unused target */
		put_page(newpage)
	fi;

putback:
	/* putback_movable_pages(): list_del(&page->lru); balloon_page_putback(page) */
	list_del(page, mylist);
	lock_page(page, me);
	/* if (__is_movable_balloon_page(page)) ... else WARN_ON(1) */
	CHECK(pg_mapping[page] == M_BALLOON, WARN_putback_not_balloon);
	read_mapping_flags(0, movable);
	/* __putback_balloon_page(): b_dev_info = page->mapping->private_data */
	CHECK(devinfo_alive, use_after_free_devinfo);
	spin_lock(me);
	atomic { list_add(page, L_BALLOON); isolated_pages-- };
	spin_unlock(me);
	put_page(page);                              /* the isolation reference */
	unlock_page(page, me);
	goto done;

putref:
	put_page(page);
done:
	skip
}

/*
 * Unload: rmmod -> virtballoon_remove(vdev):
 *	kthread_stop(vb->thread);
 *	remove_common(vb):  while (vb->num_pages) leak_balloon(vb, vb->num_pages);
 *	                    update_balloon_size(vb); reset; del_vqs;
 *	balloon_mapping_free(vb->vb_dev_info->mapping);
 *	balloon_devinfo_free(vb->vb_dev_info);
 *	kfree(vb);
 * then free_module(): the module's text and data are gone.
 */
proctype unload()
{
	byte page, i, n, want;
	bit ok;

	/* kthread_stop(vb->thread): the balloon thread has exited */
	kthread_runs == 2;

	do
	:: num_pages == 0 -> break
	:: else ->
		want = num_pages;
		leak_balloon(T_UNLOAD, want, page, i, n, ok)
	od;

	atomic {
		CHECK(vb_alive && devinfo_alive, use_after_free_devinfo);  /* vb->vb_dev_info->mapping */
		mapping_alive = 0                        /* balloon_mapping_free() */
	};
	devinfo_alive = 0;                           /* balloon_devinfo_free() */
	vb_alive = 0;                                /* kfree(vb) */
	module_live = 0                              /* free_module() */
}

init {
	byte c;

	/* one page already in the balloon: refcount 1, ->mapping set, on the list */
	atomic {
		pg_count[0] = 1; pg_mapping[0] = M_BALLOON; pg_list[0] = L_BALLOON;
		num_pages = 1;
		run inflate();
		run deflate();
		run unload();
		c = 0;
		do
		:: c < NCOMPACT -> run compaction(c); c++
		:: else -> break
		od
	}

	/* quiescence: every actor has finished; or nobody can move: a deadlock */
	if
	:: ONLY_INIT_LEFT
	:: timeout -> CHECK(false, deadlock)
	fi;
	CHECK(isolated_pages == 0 && num_pages == 0, lost_pages_at_quiescence);
	c = 0;
	do
	:: c < NPAGES ->
		/* every frame is back in the allocator, unlocked, unlinked, unmapped */
		CHECK(pg_count[c] == 0 && pg_locked[c] == 0 &&
		      pg_list[c] == L_NONE && pg_mapping[c] == M_NULL, lost_pages_at_quiescence);
		c++
	:: else -> break
	od
}
