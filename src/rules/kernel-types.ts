/**
 * Kernel knowledge the file-level rules need beyond the extractor's API tables, as rows. Supporting
 * another bus or another initialiser is one row; no rule names a kernel type or call itself.
 */

/**
 * The id-table entry some buses pass to probe beside the device (`pci_device_id`, ...). The device
 * types themselves and the `.probe` field are the extractor's `BUS_DEVICE_TYPES` and `DRIVER_ROLE_FIELDS`.
 */
export const PROBE_ID_TYPES: ReadonlySet<string> = new Set([
  'struct pci_device_id', 'struct usb_device_id', 'struct i2c_device_id', 'struct hid_device_id',
  'struct amba_id', 'struct spi_device_id', 'struct of_device_id',
]);

/**
 * Calls that initialise the member whose address is their first argument; together with the
 * extractor's list and lock `init` operations they are what "initialising a field" looks like.
 */
export const FIELD_INIT_CALLS: ReadonlySet<string> = new Set([
  'INIT_RADIX_TREE', 'INIT_WORK', 'INIT_DELAYED_WORK', 'INIT_HLIST_HEAD', 'init_waitqueue_head',
  'init_completion', 'atomic_set', 'atomic_long_set', 'refcount_set', 'kref_init', 'memset', 'timer_setup',
  'setup_timer', 'xa_init', 'xa_init_flags', 'idr_init', 'ida_init', 'seqcount_init', 'seqlock_init',
]);

/** Symbols the module loader finds by name: they keep external linkage without being declared anywhere. */
export const LINKAGE_NAMES: ReadonlySet<string> = new Set(['init_module', 'cleanup_module']);

/** Integer types whose only purpose is a fixed layout shared with userspace or a device. */
export const ABI_FIELD_TYPE = /^__(?:[us](?:8|16|32|64)|(?:le|be)(?:16|32|64)|aligned_u64|kernel_\w+)$/;

/** Spellings of a packed layout: a structure mirrored byte for byte by someone outside the kernel. */
export const PACKED_MARKERS: readonly RegExp[] = [/\b__packed\b/, /__attribute__\s*\(\(\s*(?:__)?packed(?:__)?\s*\)\)/];

/** Structures that a virtio or similar device reads from its config space: wire layouts by name. */
export const WIRE_STRUCT_NAME = /^struct\s+\w+_config$/;

/** Where a header exported to userspace lives without needing any other evidence. */
export const UAPI_PATH = /(?:^|\/)include\/uapi\//;

/** Headers `make headers_install` may export: `include/linux/*.h` before the 3.7 uapi split. */
export const EXPORTABLE_HEADER_DIR = /^(?:include\/linux|include\/asm-generic|arch\/[^/]+\/include\/asm)\/[^/]+\.h$/;

/** `Kbuild` lines that export a header: `header-y += name.h`. */
export const KBUILD_EXPORT_LINE = /^\s*(?:header-y|unifdef-y)\s*\+?=\s*(.*?)\s*$/;

/** The type a lock-definition macro defines, for spelling its `extern` declaration. */
export const LOCK_MACRO_TYPES: Readonly<Record<string, string>> = {
  DEFINE_MUTEX: 'struct mutex',
  DEFINE_SPINLOCK: 'spinlock_t',
  DEFINE_RWLOCK: 'rwlock_t',
  DEFINE_SEMAPHORE: 'struct semaphore',
  DECLARE_RWSEM: 'struct rw_semaphore',
};
