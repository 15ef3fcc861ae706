import { describe, expect, it } from 'vitest';
import { extractModel } from '../../src/extract/extract-model.js';
import { FutureAccess } from '../../src/sim/future-access.js';
import { LIST_LOCATION } from '../../src/sim/world.js';

// A driver's lists: pages go onto a device list by their lru, the device list is spliced onto a
// holding list, and an address space has a list nothing is ever added to.
const DRIVER = `
void fill(struct dev *d, struct page *page)
{
	list_add(&page->lru, &d->pages);
}
void park(struct dev *d, struct hold *h)
{
	list_splice(&d->pages, &h->parked);
}
void setup(struct address_space *m)
{
	INIT_LIST_HEAD(&m->i_mmap_nonlinear);
}
`;

function futureOf(text: string): FutureAccess {
  const model = extractModel('model:lists.c', text, { globals: new Set(), functions: new Set() });
  return new FutureAccess(new Map(model.functions.map((f) => [f.name, f])), [], [], LIST_LOCATION);
}

describe('list families', () => {
  it('gather the entries that can be on a head, through splices too', () => {
    const future = futureOf(DRIVER);
    expect([...future.listFamily('list:pages')].sort()).toEqual(['list:lru', 'list:pages']);
    expect([...future.listFamily('list:parked')].sort()).toEqual(['list:lru', 'list:pages', 'list:parked']);
  });

  it('leave a head nothing is added to on its own', () => {
    expect([...futureOf(DRIVER).listFamily('list:i_mmap_nonlinear')]).toEqual(['list:i_mmap_nonlinear']);
  });
});
