/*
 * check.pml -- how the balloon models state and report a violated property.
 *
 * CHECK(cond, property) asserts cond.  When it fails, pan prints
 *	assertion violated ((cond)||property)
 * so the name of the violated property is the last identifier of the message
 * (bench/spin.mjs groups errors by it).  The property names are hidden bytes,
 * always 0, kept out of the state vector.
 *
 * A failed CHECK also sets `bug`, and the never claim below stops exploring from any
 * state where bug is set.  The kernel would have oopsed or corrupted memory there; what
 * the model does after that point is meaningless, and without the cut a full search
 * (pan -c0) would count every follow-on failure of the corrupted state as an error.
 * With the cut, pan's error count is the number of violating steps taken from states
 * without an earlier violation.  bench/spin.mjs compiles the claim out (-DNOCLAIM) when
 * it stops at the first violation anyway, so that pan's depth counts thread steps only.
 *
 * A never claim switches off pan's own invalid-end-state (deadlock) check, so the
 * models check deadlock themselves: CHECK(false, deadlock) behind a `timeout`.
 */

bit bug;

hidden byte list_del_not_on_list;        /* list_del() of an entry not on that list */
hidden byte list_add_already_listed;     /* list_add() of an entry already on a list */
hidden byte use_after_free_page;         /* a freed page locked, unlinked, referenced */
hidden byte double_free_page;            /* put_page() on a page with refcount 0 */
hidden byte bad_page_freed_with_mapping; /* free_pages_check(): ->mapping still set */
hidden byte bad_page_freed_locked;       /* free_pages_check(): PG_locked still set */
hidden byte bad_page_freed_on_list;      /* page freed while linked on a list */
hidden byte null_mapping_deref;          /* page->mapping->a_ops with ->mapping NULL */
hidden byte use_after_free_mapping;      /* the balloon address_space after kfree() */
hidden byte use_after_free_devinfo;      /* the balloon_dev_info after kfree() */
hidden byte use_after_free_vb;           /* the struct virtio_balloon after kfree() */
hidden byte call_into_unloaded_module;   /* a_ops->migratepage after the module is gone */
hidden byte return_into_unloaded_module; /* module text still executing after unload */
hidden byte BUG_enqueue_trylock_page;    /* BUG_ON(!trylock_page(page)) in enqueue */
hidden byte BUG_migrate_trylock_newpage; /* BUG_ON(!trylock_page(newpage)) in migrate */
hidden byte BUG_dequeue_lost_pages;      /* BUG() in balloon_page_dequeue() */
hidden byte WARN_putback_not_balloon;    /* WARN_ON(1) in balloon_page_putback() */
hidden byte WARN_migrate_not_balloon;    /* WARN_ON() in balloon_page_migrate() */
hidden byte unlock_not_held;             /* unlock of a lock the thread does not hold */
hidden byte lost_pages_at_quiescence;    /* a frame not free, or pages still isolated */
hidden byte deadlock;                    /* every unfinished thread is blocked */

#define CHECK(cond, property) \
	if \
	:: (cond) -> skip \
	:: else -> atomic { assert((cond) || property); bug = 1 } \
	fi

/* every actor has run to its end: pan counts the never claim in _nr_pr, so the
 * processes left are init and the claim */
#define ONLY_INIT_LEFT (_nr_pr == 2)

/* cut the search below a violation (see above) */
never {
	do
	:: !bug
	od
}
