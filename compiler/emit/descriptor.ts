// The module descriptor: the plain data the linker needs besides the generated code (runtime/abi.ts).
// It is derived from the decoded module alone, so JIT and AOT output describe a module the same way; for
// AOT it is serialized next to the code.

import type { GlobalType, ImportDescriptor, MemoryType, ModuleDescriptor, TableType } from '../../runtime/abi.js';
import type { Module } from '../ir/module.js';

export function describe(m: Module): ModuleDescriptor {
  // Index spaces list imports first, then the module's own definitions, as in the binary.
  const funcs: number[] = [];
  const tables: TableType[] = [];
  const memories: MemoryType[] = [];
  const globals: GlobalType[] = [];
  const imports: ImportDescriptor[] = m.imports.map(({ module, name, desc }) => {
    switch (desc.kind) {
      case 'func': funcs.push(desc.type); break;
      case 'table': tables.push(desc.type); break;
      case 'memory': memories.push(desc.type); break;
      case 'global': globals.push(desc.type); break;
    }
    return { module, name, ...desc } as ImportDescriptor;
  });

  return {
    types: m.types,
    imports,
    exports: m.exports.map(({ name, kind, index }) => ({ name, kind, index })),
    // Array literals rather than push(...xs): a module can define more functions than a call takes arguments.
    funcs: [...funcs, ...m.funcs],
    tables: [...tables, ...m.tables],
    memories: [...memories, ...m.memories],
    globals: [...globals, ...m.globals.map((g) => g.type)],
    data: m.datas.map((d) => d.bytes),
    elemCount: m.elems.length,
    start: m.start,
    ...(m.names.funcs.size > 0 ? { names: m.names.funcs } : {}),
  };
}
