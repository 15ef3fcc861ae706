/**
 * A toy virtio balloon driver whose pages compaction can migrate (the shape of
 * fixtures/patches/sim-deflate-race.patch, as whole files): deflate clears `page->mapping` and
 * `list_del`s the page while compaction, through the `address_space_operations` callbacks, may be
 * isolating the same page. kreview's simulator finds the race (check-then-act, list-corruption).
 */
export const TOY_BALLOON_C = 'drivers/virtio/toy_balloon.c';
export const TOY_BALLOON_H = 'include/linux/toy_balloon.h';

export const TOY_BALLOON_HEADER = `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_TOY_BALLOON_H
#define _LINUX_TOY_BALLOON_H

#define VIRTIO_ID_TOY_BALLOON	42

struct address_space;
struct virtio_device;

/* The mapping of balloon pages: compaction tells balloon pages by it. */
extern struct address_space *balloon_mapping;

void tb_send_pfn(struct virtio_device *vdev, unsigned long pfn);

#endif /* _LINUX_TOY_BALLOON_H */
`;

export const TOY_BALLOON_DRIVER = `// SPDX-License-Identifier: GPL-2.0
/* Toy balloon: lends guest pages to the host and takes them back. */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/migrate.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/toy_balloon.h>

struct toy_balloon {
	struct virtio_device *vdev;
	struct mutex lock;
	struct list_head pages;
	unsigned int num_pages;
};

/* Every balloon page points to it: that is how compaction tells them apart. */
struct address_space *balloon_mapping;

/* Protects tb->pages against compaction's isolate and putback callbacks */
static DEFINE_SPINLOCK(tb_pages_lock);

static void tb_tell_host(struct toy_balloon *tb, struct page *page)
{
	tb_send_pfn(tb->vdev, page_to_pfn(page));
}

static void tb_fill(struct toy_balloon *tb, unsigned int num)
{
	unsigned int i;

	mutex_lock(&tb->lock);
	for (i = 0; i < num; i++) {
		struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE |
					       __GFP_NORETRY | __GFP_NOWARN);

		if (!page)
			break;
		tb_tell_host(tb, page);
		spin_lock(&tb_pages_lock);
		list_add(&page->lru, &tb->pages);
		page->mapping = balloon_mapping;
		spin_unlock(&tb_pages_lock);
		tb->num_pages++;
	}
	mutex_unlock(&tb->lock);
}

static void tb_leak(struct toy_balloon *tb, unsigned int num)
{
	struct page *page;
	unsigned int i;

	mutex_lock(&tb->lock);
	for (i = 0; i < num; i++) {
		spin_lock(&tb_pages_lock);
		if (list_empty(&tb->pages)) {
			spin_unlock(&tb_pages_lock);
			break;
		}
		page = list_first_entry(&tb->pages, struct page, lru);
		page->mapping = NULL;
		list_del(&page->lru);
		tb->num_pages--;
		spin_unlock(&tb_pages_lock);
		tb_tell_host(tb, page);
		__free_page(page);
	}
	mutex_unlock(&tb->lock);
}

/* a_ops->migratepage: the new page takes the old one's place in the balloon */
static int tb_migratepage(struct address_space *mapping, struct page *newpage,
			  struct page *page, enum migrate_mode mode)
{
	struct toy_balloon *tb = mapping->private_data;

	spin_lock(&tb_pages_lock);
	list_add(&newpage->lru, &tb->pages);
	spin_unlock(&tb_pages_lock);
	return 0;
}

/* a_ops->invalidatepage: compaction isolates a balloon page */
static void tb_isolatepage(struct page *page, unsigned long mode)
{
	spin_lock(&tb_pages_lock);
	list_del(&page->lru);
	spin_unlock(&tb_pages_lock);
}

/* a_ops->freepage: compaction gives an isolated page back */
static void tb_putbackpage(struct page *page)
{
	struct toy_balloon *tb = page->mapping->private_data;

	spin_lock(&tb_pages_lock);
	list_add(&page->lru, &tb->pages);
	spin_unlock(&tb_pages_lock);
}

static const struct address_space_operations tb_aops = {
	.migratepage	= tb_migratepage,
	.invalidatepage	= tb_isolatepage,
	.freepage	= tb_putbackpage,
};

static void tb_config_changed(struct virtio_device *vdev)
{
	struct toy_balloon *tb = vdev->priv;
	u32 target;

	virtio_cread_le(vdev, struct virtio_balloon_config, num_pages, &target);
	if (target > tb->num_pages)
		tb_fill(tb, target - tb->num_pages);
	else if (target < tb->num_pages)
		tb_leak(tb, tb->num_pages - target);
}

static int tb_probe(struct virtio_device *vdev)
{
	struct address_space *mapping;
	struct toy_balloon *tb;

	tb = kzalloc(sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	tb->vdev = vdev;
	mutex_init(&tb->lock);
	INIT_LIST_HEAD(&tb->pages);
	vdev->priv = tb;

	mapping = kzalloc(sizeof(*mapping), GFP_KERNEL);
	if (!mapping) {
		kfree(tb);
		return -ENOMEM;
	}
	mapping->a_ops = &tb_aops;
	mapping->private_data = tb;
	balloon_mapping = mapping;
	return 0;
}

static const struct virtio_device_id tb_id_table[] = {
	{ VIRTIO_ID_TOY_BALLOON, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct virtio_driver tb_driver = {
	.driver.name	= KBUILD_MODNAME,
	.id_table	= tb_id_table,
	.probe		= tb_probe,
	.config_changed	= tb_config_changed,
};
module_virtio_driver(tb_driver);

MODULE_DEVICE_TABLE(virtio, tb_id_table);
MODULE_DESCRIPTION("Toy virtio balloon");
MODULE_LICENSE("GPL");
`;
