// The runtime's public surface. Generated code receives this module's namespace as `rt` and destructures
// helpers by name, so every helper is a top-level named export; the linker and the JS API import from here.
// Modules compiled ahead of time (`wajit compile`) import it as `wajit/runtime` and call `instantiate` with
// their descriptor and link function; their exports are the JS API objects (Memory, Table, Global).

export * from './ret.js';
export * from './trap.js';
export * from './ops.js';
export * from './memory.js';
export * from './table.js';
export * from './types.js';
export * from './global.js';
export { CompileError, LinkError, RuntimeError } from './errors.js';
export * as wasi from './wasi/index.js';
export { instantiate } from './link.js';
export type { Instantiated } from './link.js';
export { base64Decode } from './base64.js';
export { Memory } from './js-api/memory.js';
export { Table } from './js-api/table.js';
export { Global } from './js-api/global.js';
export { MAX_PAGES, MAX_TABLE_SIZE, PAGE_SIZE, Trap, TRAP_MESSAGES, slotCount } from './abi.js';
export type {
  ExportDescriptor, ExternKind, FuncType, GlobalCell, GlobalType, ImportDescriptor, LinkRecord, LinkResult, Limits,
  MemoryType, ModuleDescriptor, ModuleFactory, NumType, RawFunc, RefType, TableType, ValType,
} from './abi.js';

import { Trap } from './abi.js';

/** The trap codes as a plain object, for code that cannot rely on const-enum inlining (e.g. generated JS). */
export const TRAP = Object.freeze({
  Unreachable: Trap.Unreachable,
  MemoryOutOfBounds: Trap.MemoryOutOfBounds,
  TableOutOfBounds: Trap.TableOutOfBounds,
  DivideByZero: Trap.DivideByZero,
  IntegerOverflow: Trap.IntegerOverflow,
  InvalidConversion: Trap.InvalidConversion,
  UndefinedElement: Trap.UndefinedElement,
  UninitializedElement: Trap.UninitializedElement,
  IndirectCallTypeMismatch: Trap.IndirectCallTypeMismatch,
  CallStackExhausted: Trap.CallStackExhausted,
  NullReference: Trap.NullReference,
  FuelExhausted: Trap.FuelExhausted,
  Timeout: Trap.Timeout,
} as const);
