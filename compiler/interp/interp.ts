// The interpreter engine for a whole module: `interpretModule(validated)` returns a `link(I)` function of the
// same kind generated code evaluates to (runtime/abi.ts ModuleFactory), so the linker (runtime/link.ts)
// instantiates interpreted and compiled modules alike. Per instance, link(I) does what compiler/codegen/
// module.ts generates, in the same order: define every function (a raw closure over its FuncExec), set each
// function's type id, initialize globals in index order, build every element segment's items, apply active
// element segments in order (dropping active and declarative ones), then apply active data segments in
// order. A trap aborts instantiation after the segments before it were written, as the spec says.

import type { ValidatedModule } from '../validate/validate.js';
import type { Expr } from '../ir/ir.js';
import type { GlobalCell, LinkRecord, LinkResult, RawFunc } from '../../runtime/abi.js';
import { RI } from '../../runtime/ret.js';
import { makeCell } from '../../runtime/global.js';
import { memory_init } from '../../runtime/memory.js';
import { table_init } from '../../runtime/table.js';
import { FuncExec, constValue, layout, type InstanceState } from './func.js';

export function interpretModule(v: ValidatedModule): (I: LinkRecord) => LinkResult {
  const m = v.module;
  // Frame layouts are per module; everything else is per instance.
  const layouts = v.funcs.map(layout);

  return (I: LinkRecord): LinkResult => {
    const nFuncs = m.numImportedFuncs + m.funcs.length;
    const funcs: RawFunc[] = I.funcs.slice(0, m.numImportedFuncs);
    funcs.length = nFuncs;
    // Imported and exported globals live in the linker's cells; internal ones get cells of their own.
    const globals: GlobalCell[] = [];
    for (let g = 0; g < m.numImportedGlobals + m.globals.length; g++) {
      globals.push(I.globals[g] ?? makeCell(m.globals[g - m.numImportedGlobals]!.type));
    }
    const S: InstanceState = { I, funcs, globals, M: I.mems[0], tables: I.tables, types: I.types };

    v.funcs.forEach((f, k) => {
      const raw = new FuncExec(S, layouts[k]!).raw();
      raw.t = I.types[f.typeIndex]!;
      funcs[f.index] = raw;
    });

    // Globals, in index order (an initializer may read imported globals only).
    v.globalInits.forEach((init, k) => {
      const cell = globals[m.numImportedGlobals + k]!;
      cell.v = constant(init, S);
      if (init.type === 'i64') cell.h = RI[0]!;
    });

    // Element segments: build every segment's items, then apply active ones in order, dropping them.
    v.elemItems.forEach((items, k) => { I.elems[k] = items.map((e) => constant(e, S)); });
    m.elems.forEach((seg, k) => {
      if (seg.mode === 'active') {
        table_init(I.tables[seg.table]!, I.elems[k]!, constant(v.elemOffsets[k]!, S), 0, v.elemItems[k]!.length);
      }
      if (seg.mode !== 'passive') I.elems[k] = null;
    });
    m.datas.forEach((seg, k) => {
      if (seg.mode !== 'active') return;
      memory_init(I.mems[0]!, I.data[k]!, constant(v.dataOffsets[k]!, S), 0, seg.bytes.length);
      I.data[k] = null;
    });
    return { funcs };
  };
}

/** A validated constant expression: a constant, ref.null, ref.func or global.get (i64: hi in RI[0]). */
function constant(e: Expr, S: InstanceState): any {
  switch (e.kind) {
    case 'const': return constValue(e);
    case 'ref.null': return null;
    case 'ref.func': return S.funcs[e.func];
    case 'global.get': {
      const cell = S.globals[e.index]!;
      if (e.type === 'i64') RI[0] = cell.h;
      return cell.v;
    }
    default: throw new Error(`not a constant expression: ${e.kind}`);
  }
}
