// The contract between generated code and the runtime: value conventions, the shape of a compiled module,
// the link record it receives, helper names and trap codes. Generated JavaScript (JIT or AOT) relies on
// nothing else, and the runtime never imports the compiler.
//
// Value conventions inside generated code ("raw" functions):
//   i32        JS number, always int32 (x | 0)
//   i64        two JS numbers, each int32: lo, hi (a pair of parameters, locals, or a pair of slots)
//   f32        JS number holding an exactly representable float32 (Math.fround); NaN payload kept where
//              the engine allows (a signalling f32 NaN cannot survive a float32 -> float64 widening)
//   f64        JS number
//   funcref    RawFunc or null
//   externref  any JS value; null is ref.null (undefined is a real, non-null reference)
//
// Calling convention of raw functions: parameters are the flattened slots of the wasm parameters (an i64
// parameter is two JS parameters, lo then hi). The first result slot is the JS return value; every further
// result slot goes to the shared return area, by kind, in order: int slots (i32, i64 lo/hi) to RI,
// float slots (f32, f64) to RF, reference slots to RR. A function returning one i64 returns lo and writes
// hi to RI[0]. Runtime helpers that produce an i64 follow the same rule.

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export type RefType = 'funcref' | 'externref';
export type ValType = NumType | 'v128' | RefType;

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}
export interface Limits {
  readonly min: number;
  /** Undefined when the type declares no maximum. */
  readonly max?: number;
}
export interface TableType { readonly elem: RefType; readonly limits: Limits }
export interface MemoryType { readonly limits: Limits; readonly shared?: boolean }
export interface GlobalType { readonly type: ValType; readonly mutable: boolean }

export type ExternKind = 'func' | 'table' | 'memory' | 'global';

export type ImportDescriptor =
  | { readonly module: string; readonly name: string; readonly kind: 'func'; readonly type: number }
  | { readonly module: string; readonly name: string; readonly kind: 'table'; readonly type: TableType }
  | { readonly module: string; readonly name: string; readonly kind: 'memory'; readonly type: MemoryType }
  | { readonly module: string; readonly name: string; readonly kind: 'global'; readonly type: GlobalType };

export interface ExportDescriptor { readonly name: string; readonly kind: ExternKind; readonly index: number }

/**
 * Plain data describing a compiled module: everything the linker needs besides the generated code.
 * Index spaces (funcs, tables, memories, globals) list imports first, as in the binary.
 */
export interface ModuleDescriptor {
  readonly types: readonly FuncType[];
  readonly imports: readonly ImportDescriptor[];
  readonly exports: readonly ExportDescriptor[];
  /** Type index of every function in the function index space. */
  readonly funcs: readonly number[];
  readonly tables: readonly TableType[];
  readonly memories: readonly MemoryType[];
  readonly globals: readonly GlobalType[];
  /** Bytes of every data segment (active and passive), by data index. */
  readonly data: readonly Uint8Array[];
  /** Number of element segments. */
  readonly elemCount: number;
  /** Index of the start function, or -1. */
  readonly start: number;
  /** Function names from the name section (index -> name), for stack traces and the JS API `name`. */
  readonly names?: ReadonlyMap<number, string> | Readonly<Record<number, string>>;
}

/** A function in the internal calling convention, tagged with its canonical type id. */
export interface RawFunc {
  (...args: any[]): any;
  /** Canonical type id (see typeId in runtime/types.ts): equal ids mean equal function types. */
  t: number;
  /** The JS API exported-function wrapper, created on first need and cached. */
  ext?: (...args: any[]) => any;
}

/** A global's storage when it is imported or exported: i64 keeps lo in v and hi in h. */
export interface GlobalCell {
  v: any;
  h: number;
  readonly type: GlobalType;
}

/** What the linker hands to a compiled module's link function, one per instance. */
export interface LinkRecord {
  /** Memory instances by memory index (imported ones first). */
  readonly mems: readonly import('./memory.js').MemoryInstance[];
  /** Table instances by table index (imported ones first). */
  readonly tables: readonly import('./table.js').TableInstance[];
  /** Cells for imported and exported globals, by global index; other entries are undefined. */
  readonly globals: readonly (GlobalCell | undefined)[];
  /** Raw functions for imported functions, by function index (entries past the imports are unused). */
  readonly funcs: readonly RawFunc[];
  /** Canonical type id for each type index of the module. */
  readonly types: readonly number[];
  /** Per-instance data segments; generated code sets an entry to null on data.drop. */
  readonly data: (Uint8Array | null)[];
  /** Per-instance element segments, filled by generated code; null once dropped. */
  readonly elems: (unknown[] | null)[];
  /**
   * Metered code only (compiled with `fuel`): called when the instance's fuel counter drops below zero, with
   * that counter; returns the counter's next value or traps (runtime/meter.ts).
   */
  readonly refuel?: (counter: number) => number;
}

/** What a compiled module's link function returns. */
export interface LinkResult {
  /** Raw functions of the whole function index space (imports included). */
  readonly funcs: readonly RawFunc[];
  /** Metered code only: reads and sets the fuel counter the generated code decrements. */
  readonly counter?: { get(): number; set(n: number): void };
}

/**
 * The generated module: `factory(rt, source)` returns `link`; `link(I)` builds one instance: it defines the
 * functions, initializes globals, element and data segments (active ones applied in order; a trap aborts
 * with a RuntimeError after earlier segments were written, as the spec says) and returns the function
 * index space. The linker calls the start function afterwards.
 *
 * `source` is given to lazily compiled modules only: `source(i)` returns the code that compiles function
 * `i`, which the link function evaluates (direct eval, inside its own scope) on the function's first call.
 */
export type ModuleFactory = (rt: Record<string, unknown>, source?: LazySource) => (I: LinkRecord) => LinkResult;

/** The code compiling function `index` of a lazily compiled module (see ModuleFactory). */
export type LazySource = (index: number) => string;

/** Trap codes: index into TRAP_MESSAGES. Generated code calls `trap(code)`. */
export const enum Trap {
  Unreachable = 0,
  MemoryOutOfBounds = 1,
  TableOutOfBounds = 2,
  DivideByZero = 3,
  IntegerOverflow = 4,
  InvalidConversion = 5,
  UndefinedElement = 6,
  UninitializedElement = 7,
  IndirectCallTypeMismatch = 8,
  CallStackExhausted = 9,
  NullReference = 10,
  /** Resource limits (runtime/meter.ts), not wasm traps: the instance ran out of its budget. */
  FuelExhausted = 11,
  Timeout = 12,
}

/** Messages worded as the spec's reference interpreter words them (the spec suite's assert_trap texts). */
export const TRAP_MESSAGES: readonly string[] = [
  'unreachable',
  'out of bounds memory access',
  'out of bounds table access',
  'integer divide by zero',
  'integer overflow',
  'invalid conversion to integer',
  'undefined element',
  'uninitialized element',
  'indirect call type mismatch',
  'call stack exhausted',
  'null reference',
  'fuel exhausted',
  'execution timed out',
];

export const PAGE_SIZE = 65536;
/** Largest page count of a 32-bit memory (4 GiB). */
export const MAX_PAGES = 65536;
/** Largest table size the runtime allows (as V8's limit). */
export const MAX_TABLE_SIZE = 10_000_000;

/** Number of JS slots a value of this type occupies in the internal calling convention. */
export function slotCount(t: ValType): number {
  return t === 'i64' ? 2 : 1;
}
