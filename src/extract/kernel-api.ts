import type { BarrierKind, BugLevel, ListAction, LockAction, LockClass, MemoryOrder, PageRefAction } from '../model/program.js';

/**
 * Kernel API knowledge as data. Supporting a new call is one row; nothing else in the extractor
 * names a kernel function.
 */

export interface LockApi {
  lockClass: LockClass;
  action: LockAction;
  /** Index of the lock argument; -1 for locks without one (`rcu_read_lock`). */
  lockArg: number;
  mode?: 'read' | 'write';
  irq?: 'irq' | 'irqsave' | 'bh';
  sleeps: boolean;
  /** The errno an acquire returns, without the lock, when a signal ends its wait first. */
  interruptedWith?: string;
}

const lock = (lockClass: LockClass, action: LockAction, sleeps: boolean, extra: Partial<LockApi> = {}): LockApi =>
  ({ lockClass, action, lockArg: 0, sleeps, ...extra });

export const LOCK_APIS: Readonly<Record<string, LockApi>> = {
  mutex_lock: lock('mutex', 'acquire', true),
  mutex_lock_interruptible: lock('mutex', 'acquire', true, { interruptedWith: 'EINTR' }),
  mutex_lock_killable: lock('mutex', 'acquire', true, { interruptedWith: 'EINTR' }),
  mutex_lock_nested: lock('mutex', 'acquire', true),
  mutex_trylock: lock('mutex', 'try', false),
  mutex_unlock: lock('mutex', 'release', false),
  mutex_init: lock('mutex', 'init', false),
  spin_lock: lock('spinlock', 'acquire', false),
  spin_lock_irq: lock('spinlock', 'acquire', false, { irq: 'irq' }),
  spin_lock_irqsave: lock('spinlock', 'acquire', false, { irq: 'irqsave' }),
  spin_lock_bh: lock('spinlock', 'acquire', false, { irq: 'bh' }),
  spin_trylock: lock('spinlock', 'try', false),
  spin_unlock: lock('spinlock', 'release', false),
  spin_unlock_irq: lock('spinlock', 'release', false, { irq: 'irq' }),
  spin_unlock_irqrestore: lock('spinlock', 'release', false, { irq: 'irqsave' }),
  spin_unlock_bh: lock('spinlock', 'release', false, { irq: 'bh' }),
  spin_lock_init: lock('spinlock', 'init', false),
  read_lock: lock('rwlock', 'acquire', false, { mode: 'read' }),
  read_unlock: lock('rwlock', 'release', false, { mode: 'read' }),
  write_lock: lock('rwlock', 'acquire', false, { mode: 'write' }),
  write_unlock: lock('rwlock', 'release', false, { mode: 'write' }),
  read_lock_irqsave: lock('rwlock', 'acquire', false, { mode: 'read', irq: 'irqsave' }),
  read_unlock_irqrestore: lock('rwlock', 'release', false, { mode: 'read', irq: 'irqsave' }),
  write_lock_irqsave: lock('rwlock', 'acquire', false, { mode: 'write', irq: 'irqsave' }),
  write_unlock_irqrestore: lock('rwlock', 'release', false, { mode: 'write', irq: 'irqsave' }),
  rwlock_init: lock('rwlock', 'init', false),
  down: lock('semaphore', 'acquire', true),
  down_interruptible: lock('semaphore', 'acquire', true, { interruptedWith: 'EINTR' }),
  down_killable: lock('semaphore', 'acquire', true, { interruptedWith: 'EINTR' }),
  up: lock('semaphore', 'release', false),
  down_read: lock('semaphore', 'acquire', true, { mode: 'read' }),
  up_read: lock('semaphore', 'release', false, { mode: 'read' }),
  down_write: lock('semaphore', 'acquire', true, { mode: 'write' }),
  up_write: lock('semaphore', 'release', false, { mode: 'write' }),
  init_rwsem: lock('semaphore', 'init', false),
  lock_page: lock('page', 'acquire', true),
  trylock_page: lock('page', 'try', false),
  unlock_page: lock('page', 'release', false),
  rcu_read_lock: lock('rcu', 'acquire', false, { lockArg: -1 }),
  rcu_read_unlock: lock('rcu', 'release', false, { lockArg: -1 }),
};

/** File-scope definitions of lock objects: `DEFINE_MUTEX(name)`. */
export const LOCK_DEFINITIONS: Readonly<Record<string, LockClass>> = {
  DEFINE_MUTEX: 'mutex',
  DEFINE_SPINLOCK: 'spinlock',
  DEFINE_RWLOCK: 'rwlock',
  DEFINE_SEMAPHORE: 'semaphore',
  DECLARE_RWSEM: 'semaphore',
};

export interface ListApi {
  action: ListAction;
  entryArg?: number;
  headArg?: number;
  /** Whether the call yields a value (`list_empty`, `list_first_entry`). */
  returns: boolean;
}

export const LIST_APIS: Readonly<Record<string, ListApi>> = {
  list_add: { action: 'add', entryArg: 0, headArg: 1, returns: false },
  list_add_tail: { action: 'add_tail', entryArg: 0, headArg: 1, returns: false },
  list_del: { action: 'del', entryArg: 0, returns: false },
  list_del_init: { action: 'del_init', entryArg: 0, returns: false },
  list_move: { action: 'move', entryArg: 0, headArg: 1, returns: false },
  list_move_tail: { action: 'move_tail', entryArg: 0, headArg: 1, returns: false },
  list_empty: { action: 'empty', headArg: 0, returns: true },
  list_first_entry: { action: 'first_entry', headArg: 0, returns: true },
  list_first_entry_or_null: { action: 'first_entry', headArg: 0, returns: true },
  list_splice: { action: 'splice', entryArg: 0, headArg: 1, returns: false },
  list_splice_init: { action: 'splice', entryArg: 0, headArg: 1, returns: false },
  INIT_LIST_HEAD: { action: 'init', headArg: 0, returns: false },
};

/** Loop macros over a list: `list_for_each_entry(pos, head, member) body`. */
export interface ListIterator {
  posArg: number;
  headArg: number;
  /** The `n` of the `_safe` forms, loaded before the body runs. */
  nextArg?: number;
}

export const LIST_ITERATORS: Readonly<Record<string, ListIterator>> = {
  list_for_each_entry: { posArg: 0, headArg: 1 },
  list_for_each_entry_safe: { posArg: 0, nextArg: 1, headArg: 2 },
  list_for_each_entry_reverse: { posArg: 0, headArg: 1 },
  list_for_each_entry_safe_reverse: { posArg: 0, nextArg: 1, headArg: 2 },
};

export interface AllocApi {
  what: 'object' | 'page';
  /** Index of the gfp flags argument, -1 when the call takes none. */
  flagsArg: number;
}

export const ALLOC_APIS: Readonly<Record<string, AllocApi>> = {
  kmalloc: { what: 'object', flagsArg: 1 },
  kzalloc: { what: 'object', flagsArg: 1 },
  kcalloc: { what: 'object', flagsArg: 2 },
  kmalloc_array: { what: 'object', flagsArg: 2 },
  kmem_cache_alloc: { what: 'object', flagsArg: 1 },
  kmem_cache_zalloc: { what: 'object', flagsArg: 1 },
  vmalloc: { what: 'object', flagsArg: -1 },
  vzalloc: { what: 'object', flagsArg: -1 },
  alloc_page: { what: 'page', flagsArg: 0 },
  alloc_pages: { what: 'page', flagsArg: 0 },
};

export interface FreeApi {
  what: 'object' | 'page';
  arg: number;
}

export const FREE_APIS: Readonly<Record<string, FreeApi>> = {
  kfree: { what: 'object', arg: 0 },
  kvfree: { what: 'object', arg: 0 },
  vfree: { what: 'object', arg: 0 },
  kmem_cache_free: { what: 'object', arg: 1 },
  __free_page: { what: 'page', arg: 0 },
  __free_pages: { what: 'page', arg: 0 },
};

/** Gfp flags that forbid sleeping; any other allocation may sleep and, for pages, enter compaction. */
export const ATOMIC_GFP_FLAGS: ReadonlySet<string> = new Set(['GFP_ATOMIC', 'GFP_NOWAIT']);

export const PAGEREF_APIS: Readonly<Record<string, { action: PageRefAction; returns: boolean }>> = {
  get_page: { action: 'get', returns: false },
  put_page: { action: 'put', returns: false },
  get_page_unless_zero: { action: 'get_unless_zero', returns: true },
  page_count: { action: 'count', returns: true },
};

export const BARRIER_APIS: Readonly<Record<string, { barrier: BarrierKind; smp: boolean }>> = {
  mb: { barrier: 'full', smp: false },
  rmb: { barrier: 'read', smp: false },
  wmb: { barrier: 'write', smp: false },
  smp_mb: { barrier: 'full', smp: true },
  smp_rmb: { barrier: 'read', smp: true },
  smp_wmb: { barrier: 'write', smp: true },
  smp_mb__before_atomic: { barrier: 'full', smp: true },
  smp_mb__after_atomic: { barrier: 'full', smp: true },
  smp_mb__before_clear_bit: { barrier: 'full', smp: true },
  smp_mb__after_clear_bit: { barrier: 'full', smp: true },
  barrier: { barrier: 'compiler', smp: false },
};

/** Marked accesses: which argument is the location, which the value, and the ordering they give. */
export const ORDERED_ACCESS_APIS: Readonly<Record<string, { access: 'load' | 'store'; order: MemoryOrder; deref: boolean }>> = {
  READ_ONCE: { access: 'load', order: 'once', deref: false },
  ACCESS_ONCE: { access: 'load', order: 'once', deref: false },
  WRITE_ONCE: { access: 'store', order: 'once', deref: false },
  smp_load_acquire: { access: 'load', order: 'acquire', deref: true },
  smp_store_release: { access: 'store', order: 'release', deref: true },
  rcu_dereference: { access: 'load', order: 'once', deref: false },
  rcu_assign_pointer: { access: 'store', order: 'release', deref: false },
};

/** `BUG_ON(cond)` and friends: a condition argument, or none for `BUG()`. */
export const BUG_APIS: Readonly<Record<string, { level: BugLevel; hasCondition: boolean; returnsCondition: boolean }>> = {
  BUG: { level: 'bug', hasCondition: false, returnsCondition: false },
  BUG_ON: { level: 'bug', hasCondition: true, returnsCondition: false },
  VM_BUG_ON: { level: 'bug', hasCondition: true, returnsCondition: false },
  WARN_ON: { level: 'warn', hasCondition: true, returnsCondition: true },
  WARN_ON_ONCE: { level: 'warn', hasCondition: true, returnsCondition: true },
};

/** Calls that start a thread running a function of the driver. */
export const SPAWN_APIS: Readonly<Record<string, { fnArg: number; dataArg: number }>> = {
  kthread_run: { fnArg: 0, dataArg: 1 },
  kthread_create: { fnArg: 0, dataArg: 1 },
};

/** Calls that stop a thread started by one of {@link SPAWN_APIS} and wait until it has exited. */
export const THREAD_STOP_APIS: ReadonlySet<string> = new Set(['kthread_stop']);

/** Wrappers that only hint the compiler; the value is the argument's. */
export const IDENTITY_WRAPPERS: ReadonlySet<string> = new Set(['likely', 'unlikely', 'container_of_safe']);

/** Macros that only look at their argument's type or size: nothing in them runs. */
export const UNEVALUATED_MACROS: ReadonlySet<string> = new Set(['ARRAY_SIZE', 'BUILD_BUG_ON', 'typeof', 'sizeof_field']);

/** The error-pointer helpers of include/linux/err.h: an errno carried in a pointer. */
export const ERROR_POINTER_APIS: Readonly<Record<string, 'make' | 'is-error' | 'is-error-or-null' | 'errno'>> = {
  ERR_PTR: 'make',
  ERR_CAST: 'make',
  IS_ERR: 'is-error',
  IS_ERR_OR_NULL: 'is-error-or-null',
  PTR_ERR: 'errno',
  PTR_ERR_OR_ZERO: 'errno',
};

/** include/linux/kernel.h's `min()`/`max()`: which arguments are compared (the `_t` forms take a type first). */
export const BOUND_MACROS: Readonly<Record<string, { pick: 'min' | 'max'; operands: readonly number[] }>> = {
  min: { pick: 'min', operands: [0, 1] },
  max: { pick: 'max', operands: [0, 1] },
  min_t: { pick: 'min', operands: [1, 2] },
  max_t: { pick: 'max', operands: [1, 2] },
  min3: { pick: 'min', operands: [0, 1, 2] },
  max3: { pick: 'max', operands: [0, 1, 2] },
};

/**
 * Constants whose value decides a path: a migratepage callback's result tells migration whether the
 * balloon took the new page (3.8 made the balloon case a return code of its own); page and balloon
 * frame sizes make the counts drivers define from them (`#define` bodies are evaluated over these).
 */
export const KERNEL_CONSTANTS: Readonly<Record<string, number>> = {
  MIGRATEPAGE_SUCCESS: 0,
  MIGRATEPAGE_BALLOON_SUCCESS: 1,
  // 4 KiB pages (x86, arm64's default): the unit drivers count balloon pages in.
  PAGE_SHIFT: 12,
  PAGE_SIZE: 4096,
  // include/uapi/linux/virtio_balloon.h: the device's page frame, fixed by the virtio spec.
  VIRTIO_BALLOON_PFN_SHIFT: 12,
};

/** Macros whose value is an address computed from their first argument (no memory access). */
export const ENTRY_OF_APIS: ReadonlySet<string> = new Set(['list_entry', 'container_of']);

/** Calls that may sleep though they take no lock. */
export const SLEEPING_CALLS: ReadonlySet<string> = new Set([
  'msleep', 'ssleep', 'schedule', 'schedule_timeout', 'wait_event', 'wait_event_interruptible',
  'wait_event_freezable', 'wait_for_completion', 'might_sleep', 'cond_resched', 'kthread_stop',
  'flush_work', 'cancel_work_sync', 'synchronize_rcu', 'vfree',
]);

/** File-scope registration macros: how a function or object gets a role without a name convention. */
export const REGISTRATION_MACROS: Readonly<Record<string, 'module-init' | 'module-exit' | 'driver' | 'export'>> = {
  module_init: 'module-init',
  module_exit: 'module-exit',
  late_initcall: 'module-init',
  subsys_initcall: 'module-init',
  module_virtio_driver: 'driver',
  module_platform_driver: 'driver',
  module_pci_driver: 'driver',
  EXPORT_SYMBOL: 'export',
  EXPORT_SYMBOL_GPL: 'export',
};

/** Attribute macros that sit in declarations and confuse a C parser; blanked before parsing. */
export const ANNOTATION_MACROS: readonly string[] = [
  '__init', '__exit', '__devinit', '__devexit', '__devinitdata', '__devexit_p', '__initdata', '__exitdata',
  '__user', '__iomem', '__rcu', '__percpu', '__force', '__must_check', '__always_inline', 'noinline',
  '__cold', '__read_mostly', '__maybe_unused', '__used', 'notrace', 'asmlinkage', '__ref', '__meminit',
  '__cpuinit', '__weak', '__visible', '__pure', '__kprobes', '__sched',
];

/** Types of the device a bus hands to a driver's probe and remove. */
export const BUS_DEVICE_TYPES: ReadonlySet<string> = new Set([
  'struct virtio_device', 'struct pci_dev', 'struct platform_device', 'struct usb_interface',
  'struct i2c_client', 'struct spi_device', 'struct device',
]);

/** Fields of a driver structure that give a function its role. */
export const DRIVER_ROLE_FIELDS: Readonly<Record<string, 'probe' | 'remove'>> = {
  probe: 'probe',
  remove: 'remove',
  disconnect: 'remove',
};
