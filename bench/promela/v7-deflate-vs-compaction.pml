/*
 * v7-deflate-vs-compaction.pml -- peer model for the kreview simulator benchmark.
 *
 * Two threads of the 2012 v7 series ("make balloon pages movable by compaction"):
 *
 *   deflate    : leak_balloon(vb, 1) as patched by v7 2/4 (drivers/virtio/virtio_balloon.c)
 *   compaction : isolate_migratepages_range() -> isolate_balloon_page() as added by
 *                v7 1/4 (mm/compaction.c), which calls the driver's isolate callback
 *                page->mapping->a_ops->invalidatepage == virtballoon_isolatepage()
 *
 * Expected verdict: VIOLATION.  Compaction passes its lockless movable_balloon_page()
 * test and its re-test under the page lock, reads page->mapping to call the callback,
 * then the driver clears ->mapping and unlinks the page under pages_lock, then the
 * callback takes pages_lock and unlinks the page a second time.  No store reordering
 * is needed for this; the reordering of "mapping = NULL" and "list_del" that the v7
 * review worried about only opens more paths to the same double list_del.
 *
 * spin stops at the first violation: list_del_not_on_list (check.pml names the
 * properties) in virtballoon_isolatepage(), at depth 31 after 184 states when pan is
 * built with -DNOCLAIM as bench/spin.mjs does for stop-at-first-error runs.
 *
 * Build with -DWMB to add the wmb() the review suggested between the two stores:
 * the violation must remain (the barrier narrows the race but does not close it).
 *
 * What the model keeps:
 *   - per page: refcount, PG_locked holder, which list page->lru is on, page->mapping
 *   - pages_lock (spinlock) and its release semantics
 *   - a store buffer for the deflate thread: inside the pages_lock critical section
 *     the stores "page->mapping = NULL" and "list_del(&page->lru)" become visible to
 *     the other CPU in either order; spin_unlock() is a release and drains both.
 * What it abstracts away:
 *   - balloon_lock (mutex): only one thread of this scenario takes it
 *   - tell_host(), set_page_pfns(), the pfn array and vm counters: no shared state
 *     with compaction
 *   - a list is a "which list" field per page; list_del/list_add are one store each.
 *     list order is frame order: list_first_entry() gives the lowest frame on the list
 *   - loads on the compaction side are taken in program order (no load reordering);
 *     get_page_unless_zero() and trylock_page() are full barrier / acquire anyway
 *   - migration after isolation is not modelled: the race is in isolation
 */

#define NPAGES      2

/* which list page->lru is linked into */
#define L_NONE      0   /* unlinked (LIST_POISON after list_del, or never added) */
#define L_BALLOON   1   /* vb->pages */
#define L_MIGRATE   2   /* compaction's private cc->migratepages */

/* page->mapping values */
#define M_NULL      0
#define M_BALLOON   1   /* the global balloon_mapping of v7 */

#define T_DEFLATE   1   /* lock holder ids */
#define T_COMPACT   2

#include "check.pml"

byte pg_count[NPAGES];      /* page_count() */
byte pg_locked[NPAGES];     /* PG_locked: 0 or holder id */
byte pg_list[NPAGES];       /* L_* */
byte pg_mapping[NPAGES];    /* M_* (committed, i.e. globally visible, value) */
byte pages_lock;            /* spinlock: 0 or holder id */

/* the deflate CPU's store buffer: pending stores to one page */
bit sb_mapping;             /* "page->mapping = NULL" not yet visible */
bit sb_unlink;              /* "list_del(&page->lru)" not yet visible */

inline spin_lock(me)   { atomic { pages_lock == 0 -> pages_lock = me } }
inline spin_unlock(me) { CHECK(pages_lock == me, unlock_not_held); pages_lock = 0 }

/* put_page()/__free_page(): the page goes back to the allocator at zero */
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

/*
 * Deflate: leak_balloon(vb, 1) of v7 2/4.
 *	mutex_lock(&balloon_lock);
 *	spin_lock(&pages_lock);
 *	if (unlikely(list_empty(&vb->pages))) { spin_unlock(&pages_lock); break; }
 *	page = list_first_entry(&vb->pages, struct page, lru);
 *	page->mapping = NULL;
 *	list_del(&page->lru);
 *	spin_unlock(&pages_lock);
 *	set_page_pfns(); vb->num_pages -= ...;
 *	tell_host(); release_pages_by_pfn() -> __free_page(page);
 *	mutex_unlock(&balloon_lock);
 */
proctype deflate()
{
	byte page = NPAGES;

	spin_lock(T_DEFLATE);
	/* list_empty() / list_first_entry(): our own view is the committed one here */
	if
	:: pg_list[0] == L_BALLOON -> page = 0
	:: else ->
		if
		:: pg_list[1] == L_BALLOON -> page = 1
		:: else
		fi
	fi;
	if
	:: page == NPAGES -> spin_unlock(T_DEFLATE); goto out
	:: else
	fi;

	/* page->mapping = NULL;  -- into the store buffer */
	sb_mapping = 1;
#ifdef WMB
	/* wmb(): the review's suggestion; orders the two stores */
	atomic { pg_mapping[page] = M_NULL; sb_mapping = 0 };
#endif
	/* list_del(&page->lru); */
	CHECK(pg_list[page] == L_BALLOON, list_del_not_on_list);
	sb_unlink = 1;

	/* the stores become visible in either order (unless WMB drained the first) */
	do
	:: sb_mapping -> atomic { pg_mapping[page] = M_NULL; sb_mapping = 0 }
	:: sb_unlink  -> atomic { pg_list[page] = L_NONE; sb_unlink = 0 }
	:: else -> break
	od;
	/* spin_unlock(&pages_lock): release, the buffer is empty by now */
	spin_unlock(T_DEFLATE);

	/* release_pages_by_pfn(): __free_page(page) */
	put_page(page);
out:
	skip
}

/*
 * Compaction: one step of isolate_migratepages_range() (v7 1/4) on any page frame.
 *	} else if (unlikely(movable_balloon_page(page))) {
 *		if (!isolate_balloon_page(page)) continue;
 *	} else continue;
 *	list_add(&page->lru, migratelist);
 */
proctype compaction()
{
	byte page;
	bit ok;

	/* the migrate scanner may look at any pfn */
	if
	:: page = 0
	:: page = 1
	fi;

	/* movable_balloon_page(): page->mapping && page->mapping == balloon_mapping */
	if
	:: pg_mapping[page] != M_BALLOON -> goto done   /* not ours: next pfn */
	:: else
	fi;

	/* isolate_balloon_page(): if (WARN_ON(!movable_balloon_page(page))) return false; */
	if
	:: pg_mapping[page] != M_BALLOON -> goto done   /* WARN_ON(): a warning, return false */
	:: else
	fi;

	/* get_page_unless_zero(page): atomic, full barrier */
	atomic {
		if
		:: pg_count[page] > 0 -> pg_count[page]++; ok = 1
		:: else -> ok = 0
		fi
	};
	if
	:: !ok -> goto done
	:: else
	fi;

	/* trylock_page(page): acquire */
	atomic {
		if
		:: pg_locked[page] == 0 -> pg_locked[page] = T_COMPACT; ok = 1
		:: else -> ok = 0
		fi
	};
	if
	:: !ok -> goto putref
	:: else
	fi;

	/* if (movable_balloon_page(page) && (page_count(page) == 2)) */
	if
	:: pg_mapping[page] == M_BALLOON && pg_count[page] == 2 ->
		/* __isolate_balloon_page(): page->mapping->a_ops->invalidatepage(page, 0) */
		CHECK(pg_mapping[page] != M_NULL, null_mapping_deref);
		/* virtballoon_isolatepage(): spin_lock; list_del; spin_unlock */
		spin_lock(T_COMPACT);
		CHECK(pg_list[page] == L_BALLOON, list_del_not_on_list);  /* the double unlink */
		pg_list[page] = L_NONE;
		spin_unlock(T_COMPACT);
		/* unlock_page(page); return true; */
		pg_locked[page] = 0;
		/* isolate_migratepages_range(): list_add(&page->lru, migratelist) */
		CHECK(pg_list[page] == L_NONE, list_add_already_listed);
		pg_list[page] = L_MIGRATE;
		goto done
	:: else -> pg_locked[page] = 0             /* unlock_page(page) */
	fi;
putref:
	/* "Drop refcount taken for this already isolated page" */
	put_page(page);
done:
	skip
}

init {
	/* two pages in the balloon: refcount 1 each, ->mapping = balloon_mapping */
	atomic {
		pg_count[0] = 1; pg_list[0] = L_BALLOON; pg_mapping[0] = M_BALLOON;
		pg_count[1] = 1; pg_list[1] = L_BALLOON; pg_mapping[1] = M_BALLOON;
		run deflate();
		run compaction()
	}
}
