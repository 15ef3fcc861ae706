/**
 * Built-in model of the mm side of balloon page migration as merged in Linux 3.8: the
 * `balloon_compaction` API (mm/balloon_compaction.c, include/linux/balloon_compaction.h) and the
 * balloon branches of compaction and migration (mm/compaction.c, mm/migrate.c). Used for a driver
 * that calls that API; a function the series shows in full replaces the model's of the same name,
 * so a series that fixes the mm side is simulated with its fix.
 *
 * Abstractions, each because the state it drops takes no part in the protocol:
 * - `mapping_balloon()` tests the AS_BALLOON_MAP bit of `mapping->flags`; the model keeps that one
 *   bit as a field of its own, `mapping->balloon_map`.
 * - `balloon_page_movable()` also tests `page_flags_cleared()` and `!page_mapped()`: nothing in the
 *   balloon protocol changes either, so only its `page_count() == 1` test and the mapping test stay.
 * - compaction looks at one page frame, isolates it if it is a balloon page, then migrates it or
 *   puts it back; migration makes one pass. 3.8 chose the balloon branches of putback and migrate
 *   with `balloon_page_movable()`, whose `page_count() == 1` is false for an isolated page (fixed in
 *   3.12 by `isolated_balloon_page()`): the model takes the balloon branch, as intended, so that
 *   mm bug does not hide the driver's.
 */
export const V38_MM_MODEL_FILE = 'model:mm-3.8.c';

export const V38_MM_MODEL = `static inline void mapping_set_balloon(struct address_space *mapping)
{
	mapping->balloon_map = 1;
}

static inline bool mapping_balloon(struct address_space *mapping)
{
	if (!mapping)
		return false;
	return mapping->balloon_map;
}

static inline bool __is_movable_balloon_page(struct page *page)
{
	struct address_space *mapping = page->mapping;

	return mapping_balloon(mapping);
}

static inline bool balloon_page_movable(struct page *page)
{
	if (page_count(page) == 1)
		return __is_movable_balloon_page(page);
	return false;
}

static inline void balloon_page_insert(struct page *page, struct address_space *mapping, struct list_head *head)
{
	page->mapping = mapping;
	list_add(&page->lru, head);
}

static inline void balloon_page_delete(struct page *page)
{
	page->mapping = NULL;
	list_del(&page->lru);
}

static inline struct balloon_dev_info *balloon_page_device(struct page *page)
{
	struct address_space *mapping = page->mapping;

	if (likely(mapping))
		return mapping->private_data;
	return NULL;
}

static inline void balloon_page_free(struct page *page)
{
	put_page(page);
	__free_page(page);
}

static inline void balloon_mapping_free(struct address_space *balloon_mapping)
{
	kfree(balloon_mapping);
}

static inline void balloon_devinfo_free(struct balloon_dev_info *b_dev_info)
{
	kfree(b_dev_info);
}

struct balloon_dev_info *balloon_devinfo_alloc(void *balloon_dev_descriptor)
{
	struct balloon_dev_info *b_dev_info;

	b_dev_info = kmalloc(sizeof(*b_dev_info), GFP_KERNEL);
	if (!b_dev_info)
		return ERR_PTR(-ENOMEM);
	b_dev_info->balloon_device = balloon_dev_descriptor;
	b_dev_info->mapping = NULL;
	b_dev_info->isolated_pages = 0;
	spin_lock_init(&b_dev_info->pages_lock);
	INIT_LIST_HEAD(&b_dev_info->pages);
	return b_dev_info;
}

struct address_space *balloon_mapping_alloc(struct balloon_dev_info *b_dev_info, const struct address_space_operations *a_ops)
{
	struct address_space *mapping;

	mapping = kmalloc(sizeof(*mapping), GFP_KERNEL);
	if (!mapping)
		return ERR_PTR(-ENOMEM);
	mapping_set_balloon(mapping);
	mapping->private_data = b_dev_info;
	mapping->a_ops = a_ops;
	b_dev_info->mapping = mapping;
	return mapping;
}

struct page *balloon_page_enqueue(struct balloon_dev_info *b_dev_info)
{
	unsigned long flags;
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOMEMALLOC | __GFP_NORETRY);

	if (!page)
		return NULL;
	BUG_ON(!trylock_page(page));
	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	balloon_page_insert(page, b_dev_info->mapping, &b_dev_info->pages);
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
	unlock_page(page);
	return page;
}

struct page *balloon_page_dequeue(struct balloon_dev_info *b_dev_info)
{
	struct page *page, *tmp;
	unsigned long flags;
	bool dequeued_page;

	dequeued_page = false;
	list_for_each_entry_safe(page, tmp, &b_dev_info->pages, lru) {
		if (trylock_page(page)) {
			spin_lock_irqsave(&b_dev_info->pages_lock, flags);
			get_page(page);
			balloon_page_delete(page);
			spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
			unlock_page(page);
			dequeued_page = true;
			break;
		}
	}

	if (!dequeued_page) {
		spin_lock_irqsave(&b_dev_info->pages_lock, flags);
		if (unlikely(list_empty(&b_dev_info->pages) && !b_dev_info->isolated_pages))
			BUG();
		spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
		page = NULL;
	}
	return page;
}

static inline void __isolate_balloon_page(struct page *page)
{
	struct balloon_dev_info *b_dev_info = page->mapping->private_data;
	unsigned long flags;

	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	list_del(&page->lru);
	b_dev_info->isolated_pages++;
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
}

static inline void __putback_balloon_page(struct page *page)
{
	struct balloon_dev_info *b_dev_info = page->mapping->private_data;
	unsigned long flags;

	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	list_add(&page->lru, &b_dev_info->pages);
	b_dev_info->isolated_pages--;
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
}

static inline int __migrate_balloon_page(struct address_space *mapping, struct page *newpage, struct page *page, enum migrate_mode mode)
{
	return page->mapping->a_ops->migratepage(mapping, newpage, page, mode);
}

bool balloon_page_isolate(struct page *page)
{
	if (likely(get_page_unless_zero(page))) {
		if (likely(trylock_page(page))) {
			if (__is_movable_balloon_page(page) && page_count(page) == 2) {
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

void balloon_page_putback(struct page *page)
{
	lock_page(page);
	if (__is_movable_balloon_page(page)) {
		__putback_balloon_page(page);
		put_page(page);
	} else {
		WARN_ON(1);
	}
	unlock_page(page);
}

int balloon_page_migrate(struct page *newpage, struct page *page, enum migrate_mode mode)
{
	struct address_space *mapping;
	int rc = -EAGAIN;

	BUG_ON(!trylock_page(newpage));
	if (WARN_ON(!__is_movable_balloon_page(page))) {
		unlock_page(newpage);
		return rc;
	}
	mapping = page->mapping;
	if (mapping)
		rc = __migrate_balloon_page(mapping, newpage, page, mode);
	unlock_page(newpage);
	return rc;
}

/* compaction: isolate_migratepages_range() on one page frame, then migrate_pages() or putback_movable_pages() */
void compact_zone(struct compact_control *cc)
{
	struct page *page = __kreview_any_page();
	struct page *newpage;
	int rc;

	if (!balloon_page_movable(page))
		return;
	if (!balloon_page_isolate(page))
		return;
	list_add(&page->lru, &cc->migratepages);
	if (__kreview_choice()) {
		newpage = alloc_page(GFP_HIGHUSER_MOVABLE);
		if (newpage) {
			lock_page(page);
			rc = balloon_page_migrate(newpage, page, MIGRATE_SYNC);
			unlock_page(page);
			if (rc == MIGRATEPAGE_BALLOON_SUCCESS) {
				balloon_page_free(page);
				return;
			}
			__free_page(newpage);
		}
	}
	list_del(&page->lru);
	balloon_page_putback(page);
}
`;
