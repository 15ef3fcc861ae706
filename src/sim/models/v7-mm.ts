/**
 * Built-in model of the mm side of balloon page migration as the v7 series proposes it, on Linux 3.6
 * (mm/compaction.c, mm/migrate.c, include/linux/mm.h). Used when the series under review does not
 * show these functions; a function the series shows in full replaces the model's of the same name.
 * The compaction and migration actors are written here too, each reduced to the one page frame
 * compaction is looking at.
 */
export const V7_MM_MODEL_FILE = 'model:mm-v7.c';

/** The v7 hooks' global: the mapping every balloon page points to. */
export const MODEL_MAPPING_GLOBAL = 'balloon_mapping';

export const V7_MM_MODEL = `struct address_space *balloon_mapping;

static inline bool movable_balloon_page(struct page *page)
{
	return (page->mapping && page->mapping == balloon_mapping);
}

static inline void __isolate_balloon_page(struct page *page)
{
	page->mapping->a_ops->invalidatepage(page, 0);
}

static inline void __putback_balloon_page(struct page *page)
{
	page->mapping->a_ops->freepage(page);
}

bool isolate_balloon_page(struct page *page)
{
	if (WARN_ON(!movable_balloon_page(page)))
		return false;
	if (likely(get_page_unless_zero(page))) {
		if (likely(trylock_page(page))) {
			if (movable_balloon_page(page) && (page_count(page) == 2)) {
				__isolate_balloon_page(page);
				unlock_page(page);
				return true;
			}
			unlock_page(page);
		}
		put_page(page);
	}
	return false;
}

void putback_balloon_page(struct page *page)
{
	if (WARN_ON(!movable_balloon_page(page)))
		return;
	lock_page(page);
	__putback_balloon_page(page);
	put_page(page);
	unlock_page(page);
}

/* isolate_migratepages_range(), for the page frame compaction is scanning */
int isolate_migratepage(struct compact_control *cc, struct page *page)
{
	if (!movable_balloon_page(page))
		return 0;
	if (!isolate_balloon_page(page))
		return 0;
	list_add(&page->lru, &cc->migratepages);
	return 1;
}

/* putback_lru_pages(), for the one isolated page */
void putback_isolated_page(struct compact_control *cc, struct page *page)
{
	list_del(&page->lru);
	if (unlikely(movable_balloon_page(page)))
		putback_balloon_page(page);
	else
		putback_lru_page(page);
}

/* unmap_and_move() with __unmap_and_move() and move_to_new_page(), and the v7 balloon wrap-up */
int migrate_isolated_page(struct compact_control *cc, struct page *page)
{
	struct page *newpage = alloc_page(GFP_HIGHUSER_MOVABLE);
	struct address_space *mapping;
	int rc;

	if (!newpage) {
		putback_isolated_page(cc, page);
		return -ENOMEM;
	}
	lock_page(page);
	lock_page(newpage);
	mapping = page->mapping;
	newpage->mapping = mapping;
	rc = mapping->a_ops->migratepage(mapping, newpage, page, 0);
	if (rc)
		newpage->mapping = NULL;
	else
		page->mapping = NULL;
	unlock_page(newpage);
	unlock_page(page);
	if (unlikely(movable_balloon_page(newpage))) {
		list_del(&page->lru);
		put_page(page);
		__free_page(page);
		return rc;
	}
	putback_isolated_page(cc, page);
	return rc;
}

/* compaction: look at one page frame, isolate it if it is a balloon page, then migrate or put back */
void compact_zone(struct compact_control *cc)
{
	struct page *page = __kreview_any_page();

	if (!isolate_migratepage(cc, page))
		return;
	if (__kreview_choice())
		migrate_isolated_page(cc, page);
	else
		putback_isolated_page(cc, page);
}
`;
