/**
 * The operation program: what the extract stage makes of the C in a patch, and what the simulator runs.
 *
 * A function becomes a flat array of operations joined by successor indices (a control-flow graph in
 * the shape of bytecode). Calls and shared-memory reads are lowered to operations of their own, in C's
 * evaluation order, so that each step the simulator interleaves is one operation with one patch line.
 */

/** Where a line of the reconstructed C came from. `tree` lines were read from `--tree`, not the patch. */
export type Origin = 'added' | 'removed' | 'context' | 'tree' | 'synthetic' | 'model';

export interface Anchor {
  /** The input the line was read from; absent for the simulator's built-in models. */
  input?: string;
  /** Path of the file in the source tree (the patch's new path). */
  file: string;
  /** 1-based line of the input (mail or patch file); absent for lines only the tree shows. */
  patchLine?: number;
  newLine?: number;
  oldLine?: number;
  origin: Origin;
}

/** How a name resolves in its function: the simulator keeps locals per thread and globals shared. */
export type NameScope = 'local' | 'param' | 'global' | 'function' | 'constant';

/**
 * Expressions, as much of C as concurrency and lifetime questions need. Casts are dropped, identity
 * wrappers (`likely`, `unlikely`) unwrapped; anything else beyond the model stays `opaque` with its text.
 */
export type Expr =
  | { k: 'name'; name: string; scope: NameScope }
  | { k: 'int'; value: number }
  | { k: 'string'; value: string }
  | { k: 'temp'; id: number }
  | { k: 'field'; base: Expr; field: string; arrow: boolean }
  | { k: 'index'; base: Expr; index: Expr }
  | { k: 'addr'; arg: Expr }
  | { k: 'deref'; arg: Expr }
  | { k: 'unary'; op: '!' | '-' | '~' | '+'; arg: Expr }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { k: 'ternary'; test: Expr; then: Expr; else: Expr }
  | { k: 'opaque'; text: string };

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '&&' | '||';

export type LockClass = 'mutex' | 'spinlock' | 'rwlock' | 'page' | 'rcu' | 'semaphore';
export type LockAction = 'acquire' | 'release' | 'try' | 'init';
export type IrqMode = 'irq' | 'irqsave' | 'bh';

export type ListAction =
  | 'add' | 'add_tail' | 'del' | 'del_init' | 'move' | 'move_tail'
  | 'empty' | 'first_entry' | 'splice' | 'init'
  /** Iteration by `list_for_each_entry`: the first or next entry, or NULL at the end. */
  | 'iter_first' | 'iter_next';

export type MemoryOrder = 'plain' | 'once' | 'acquire' | 'release';
export type BarrierKind = 'full' | 'write' | 'read' | 'compiler';
export type PageRefAction = 'get' | 'put' | 'get_unless_zero' | 'count';
export type JumpKind = 'goto' | 'break' | 'continue';
export type BugLevel = 'bug' | 'warn';

interface OpBase {
  /** Index in `FunctionProgram.ops`. */
  id: number;
  anchor: Anchor;
  /** The source text this operation was lowered from, trimmed, for traces and reports. */
  text: string;
  /** Successors: none for `return`, two for `branch` (taken, not taken), else one. */
  succ: number[];
}

export type Op = OpBase &
  (
    | { kind: 'lock'; api: string; lockClass: LockClass; action: LockAction; mode?: 'read' | 'write';
        irq?: IrqMode; lock: Expr; dest?: number; sleeps: boolean }
    | { kind: 'list'; api: string; action: ListAction; entry?: Expr; head?: Expr; dest?: number }
    | { kind: 'load'; dest: number; source: Expr; order: MemoryOrder }
    | { kind: 'store'; target: Expr; value: Expr; order: MemoryOrder; global: boolean }
    | { kind: 'assign'; local: string; value: Expr }
    | { kind: 'alloc'; api: string; what: 'object' | 'page'; dest: number; flags: string[]; sleeps: boolean }
    | { kind: 'free'; api: string; what: 'object' | 'page'; target: Expr }
    | { kind: 'pageref'; api: string; action: PageRefAction; page: Expr; dest?: number }
    | { kind: 'barrier'; api: string; barrier: BarrierKind; smp: boolean }
    | { kind: 'call'; callee?: string; target?: Expr; args: Expr[]; dest?: number }
    | { kind: 'spawn'; api: string; fn: Expr; arg?: Expr; dest?: number }
    | { kind: 'bug'; api: string; level: BugLevel }
    | { kind: 'branch'; cond: Expr; loop: boolean }
    | { kind: 'jump'; jump: JumpKind; label?: string }
    | { kind: 'return'; value?: Expr }
    | { kind: 'gap'; reason: GapReason; newFrom?: number; newTo?: number; oldFrom?: number; oldTo?: number;
        /** The hidden code may leave the function (it ends where a label starts). */
        exits?: boolean;
        /** ... and does not fall through into the label (an unwind ladder follows). */
        exitsOnly?: boolean;
        /** No more hidden lines than braces the rebuild closes after them: in kernel style, only `}` lines. */
        closesOnly?: boolean }
    | { kind: 'nop' }
  );

export type OpKind = Op['kind'];
export type OpOf<K extends OpKind> = Extract<Op, { kind: K }>;

/** Why the program does not know what runs at a `gap`. */
export type GapReason = 'between-hunks' | 'before-hunk' | 'after-hunk' | 'unparsed';

export interface Param {
  name: string;
  type: string;
}

export type ImageSide = 'new' | 'old';

export interface FunctionProgram {
  name: string;
  file: string;
  side: ImageSide;
  /** The definition line (or, when the patch does not show it, the first line seen). */
  anchor: Anchor;
  returnType: string;
  params: Param[];
  locals: Param[];
  isStatic: boolean;
  isInline: boolean;
  /** True when every line from the signature to the closing brace is known. */
  complete: boolean;
  /** True when the patch adds or removes a line of this function. */
  changed: boolean;
  entry: number;
  ops: Op[];
  /** Problems met while lowering this function, e.g. a construct the extractor cannot model. */
  notes: string[];
  /** The `#if` conditions around the definition, outermost first. */
  conditions?: string[];
}

export type StorageClass = 'static' | 'extern' | 'none';

/** A file-scope object, declared or defined, with the preprocessor conditions around it. */
export interface ObjectDecl {
  name: string;
  type: string;
  storage: StorageClass;
  /** A definition allocates storage: not `extern`, not a function prototype. */
  definition: boolean;
  isConst: boolean;
  isPointer: boolean;
  /** `DEFINE_MUTEX`, `DEFINE_SPINLOCK` and friends define lock objects. */
  lockClass?: LockClass;
  conditions: string[];
  anchor: Anchor;
  /** Designated initialisers of an ops table: field name to function name. */
  fields?: Record<string, string>;
}

export interface FunctionDecl {
  name: string;
  storage: StorageClass;
  definition: boolean;
  isInline: boolean;
  conditions: string[];
  anchor: Anchor;
}

/** `module_init(f)`, `module_exit(f)`, `module_virtio_driver(d)` and the like. */
export interface Registration {
  api: string;
  role: 'module-init' | 'module-exit' | 'driver' | 'export';
  target: string;
  anchor: Anchor;
}

export interface FileFacts {
  file: string;
  isHeader: boolean;
  objects: ObjectDecl[];
  functions: FunctionDecl[];
  registrations: Registration[];
  /** The `#include` lines the patch shows. */
  includes: string[];
  /** Whether the visible part of this header sits inside `#ifdef __KERNEL__` at the given line. */
  kernelGuardLines: number[];
  /** Object-like macros the patch shows, name to body: `PAGES_PER_PAGE` to `(PAGE_SIZE >> PFN_SHIFT)`. */
  macros: Record<string, string>;
  /** Array fields and globals with their declared length, keyed as `ARRAY_SIZE()` of them lowers to. */
  arrays: Record<string, string>;
}

/** Everything extracted from one file of one patch. */
export interface FileProgram {
  file: string;
  side: ImageSide;
  functions: FunctionProgram[];
  facts: FileFacts;
  notes: string[];
}

export interface PatchProgram {
  input: string;
  subject: string;
  files: FileProgram[];
}
