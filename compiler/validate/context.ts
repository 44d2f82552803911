// What function validation needs to know about the module: the index spaces (imports first), the element
// segment types, and the set of functions that may be referenced by ref.func in code (C.refs in the spec).

import type { Module, GlobalType, MemoryType, RefType, TableType } from '../ir/module.js';
import { LIMITS } from '../spec/limits.js';

export interface ModuleContext {
  readonly module: Module;
  /** Type index of every function in the function index space. */
  readonly funcTypeIndex: readonly number[];
  readonly tables: readonly TableType[];
  readonly memories: readonly MemoryType[];
  readonly globals: readonly GlobalType[];
  readonly elemTypes: readonly RefType[];
  /** Functions declared referenceable outside function bodies (elements, exports, global initializers). */
  readonly refs: Set<number>;
  /** Most locals (parameters included) a function may declare. */
  readonly maxLocals: number;
}

export function buildContext(m: Module): ModuleContext {
  const funcTypeIndex: number[] = [];
  const tables: TableType[] = [];
  const memories: MemoryType[] = [];
  const globals: GlobalType[] = [];
  for (const imp of m.imports) {
    switch (imp.desc.kind) {
      case 'func': funcTypeIndex.push(imp.desc.type); break;
      case 'table': tables.push(imp.desc.type); break;
      case 'memory': memories.push(imp.desc.type); break;
      case 'global': globals.push(imp.desc.type); break;
    }
  }
  // Concatenated rather than push(...xs): a module can define more functions than a call takes arguments.
  return {
    module: m,
    funcTypeIndex: funcTypeIndex.concat(m.funcs),
    tables: tables.concat(m.tables),
    memories: memories.concat(m.memories),
    globals: globals.concat(m.globals.map((g) => g.type)),
    elemTypes: m.elems.map((e) => e.type),
    refs: new Set(), maxLocals: LIMITS.locals,
  };
}
