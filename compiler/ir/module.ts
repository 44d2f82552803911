// The decoded module: what the decoder produces from the binary, before validation.
// Function bodies stay as byte ranges; the validator reads their instructions and emits IR (ir.ts).

import type { FuncType, GlobalType, Limits, MemoryType, RefType, TableType, ValType, ExternKind } from '../../runtime/abi.js';
export type { FuncType, GlobalType, Limits, MemoryType, RefType, TableType, ValType, ExternKind };

export type ImportDesc =
  | { readonly kind: 'func'; readonly type: number }
  | { readonly kind: 'table'; readonly type: TableType }
  | { readonly kind: 'memory'; readonly type: MemoryType }
  | { readonly kind: 'global'; readonly type: GlobalType };

export interface Import {
  readonly module: string;
  readonly name: string;
  readonly desc: ImportDesc;
  /** Byte offset of the import entry. */
  readonly at: number;
}

export interface Export {
  readonly name: string;
  readonly kind: ExternKind;
  readonly index: number;
  readonly at: number;
}

/**
 * A constant expression as a byte range of instructions ending with `end` (the validator checks it is
 * constant and well typed, and the code generator compiles it).
 */
export interface ConstExpr {
  /** Offset of the first instruction. */
  readonly start: number;
  /** Offset just past the terminating `end`. */
  readonly end: number;
}

export interface Global {
  readonly type: GlobalType;
  readonly init: ConstExpr;
  readonly at: number;
}

export interface Elem {
  readonly mode: 'active' | 'passive' | 'declarative';
  /** Table index for active segments (0 otherwise). */
  readonly table: number;
  /** Offset expression for active segments. */
  readonly offset?: ConstExpr;
  readonly type: RefType;
  /**
   * Items: function indices (the legacy `vec(funcidx)` encodings) or constant expressions
   * (the `vec(expr)` encodings).
   */
  readonly items: { readonly kind: 'funcs'; readonly funcs: readonly number[]; readonly at: readonly number[] }
    | { readonly kind: 'exprs'; readonly exprs: readonly ConstExpr[] };
  readonly at: number;
}

export interface Data {
  readonly mode: 'active' | 'passive';
  readonly memory: number;
  readonly offset?: ConstExpr;
  /** A view into the module bytes. */
  readonly bytes: Uint8Array;
  readonly at: number;
}

export interface FuncBody {
  /** Declared locals (params excluded), as runs of (count, type), in order. */
  readonly locals: readonly { readonly count: number; readonly type: ValType }[];
  /** Total number of declared locals (params excluded). */
  readonly localCount: number;
  /** Offset of the first instruction of the body. */
  readonly start: number;
  /** Offset just past the body's final `end`. */
  readonly end: number;
  /** Offset of the body's size field (the start of the code entry). */
  readonly at: number;
}

export interface CustomSection {
  readonly name: string;
  /** The section payload after the name (a view into the module bytes). */
  readonly bytes: Uint8Array;
  readonly at: number;
}

export interface NameSection {
  module?: string;
  readonly funcs: Map<number, string>;
  readonly locals: Map<number, Map<number, string>>;
}

export interface Module {
  readonly bytes: Uint8Array;
  readonly types: FuncType[];
  readonly imports: Import[];
  /** Type index of each function defined by the module (imports excluded). */
  readonly funcs: number[];
  /** Tables defined by the module (imports excluded). */
  readonly tables: TableType[];
  /** Memories defined by the module (imports excluded). */
  readonly memories: MemoryType[];
  readonly globals: Global[];
  readonly exports: Export[];
  /** Start function index, or -1. */
  start: number;
  readonly elems: Elem[];
  readonly datas: Data[];
  /** Value of the data count section, or -1 when absent. */
  dataCount: number;
  /** One body per defined function. */
  readonly codes: FuncBody[];
  readonly customs: CustomSection[];
  /** The parsed `name` custom section (empty maps when absent or unparsable). */
  readonly names: NameSection;
  // Sizes of the imported part of each index space.
  numImportedFuncs: number;
  numImportedTables: number;
  numImportedMemories: number;
  numImportedGlobals: number;
}

/** Bytes of function bodies in the module (its code section without the count). */
export function codeSize(m: Module): number {
  let n = 0;
  for (const c of m.codes) n += c.end - c.at;
  return n;
}
