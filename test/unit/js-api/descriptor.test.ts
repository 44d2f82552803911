// describe(): the module descriptor derived from a decoded module (built by hand here): index spaces with
// imports first, data segment bytes, element count, start, names.

import { describe as suite, expect, it } from 'vitest';
import { describe } from '../../../compiler/emit/descriptor.js';
import type { Module } from '../../../compiler/ir/module.js';

function decoded(m: Partial<Module>): Module {
  return {
    bytes: new Uint8Array(0), types: [], imports: [], funcs: [], tables: [], memories: [], globals: [],
    exports: [], start: -1, elems: [], datas: [], dataCount: -1, codes: [], customs: [],
    names: { funcs: new Map(), locals: new Map() },
    numImportedFuncs: 0, numImportedTables: 0, numImportedMemories: 0, numImportedGlobals: 0,
    ...m,
  };
}

const expr = { start: 0, end: 0 };

suite('describe', () => {
  it('lists imports first in every index space', () => {
    const d = describe(decoded({
      types: [{ params: [], results: [] }, { params: ['i32'], results: [] }],
      imports: [
        { module: 'a', name: 'f', desc: { kind: 'func', type: 1 }, at: 10 },
        { module: 'a', name: 'g', desc: { kind: 'global', type: { type: 'i64', mutable: true } }, at: 20 },
        { module: 'b', name: 'm', desc: { kind: 'memory', type: { limits: { min: 1 } } }, at: 30 },
        { module: 'b', name: 't', desc: { kind: 'table', type: { elem: 'externref', limits: { min: 0, max: 5 } } }, at: 40 },
      ],
      funcs: [0, 0],
      tables: [{ elem: 'funcref', limits: { min: 2 } }],
      memories: [],
      globals: [{ type: { type: 'f32', mutable: false }, init: expr, at: 50 }],
      exports: [{ name: 'e', kind: 'func', index: 2, at: 60 }],
      start: 1,
    }));
    expect(d.imports).toEqual([
      { module: 'a', name: 'f', kind: 'func', type: 1 },
      { module: 'a', name: 'g', kind: 'global', type: { type: 'i64', mutable: true } },
      { module: 'b', name: 'm', kind: 'memory', type: { limits: { min: 1 } } },
      { module: 'b', name: 't', kind: 'table', type: { elem: 'externref', limits: { min: 0, max: 5 } } },
    ]);
    expect(d.funcs).toEqual([1, 0, 0]);
    expect(d.globals).toEqual([{ type: 'i64', mutable: true }, { type: 'f32', mutable: false }]);
    expect(d.memories).toEqual([{ limits: { min: 1 } }]);
    expect(d.tables).toEqual([{ elem: 'externref', limits: { min: 0, max: 5 } }, { elem: 'funcref', limits: { min: 2 } }]);
    expect(d.exports).toEqual([{ name: 'e', kind: 'func', index: 2 }]);
    expect(d.start).toBe(1);
    expect(d.names).toBeUndefined();
  });

  it('carries data bytes, the element count and function names', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const d = describe(decoded({
      datas: [{ mode: 'passive', memory: 0, bytes, at: 0 }],
      elems: [{ mode: 'declarative', table: 0, type: 'funcref', items: { kind: 'funcs', funcs: [], at: [] }, at: 0 }],
      names: { funcs: new Map([[0, 'main']]), locals: new Map() },
    }));
    expect(d.data).toEqual([bytes]);
    expect(d.elemCount).toBe(1);
    expect(d.names).toEqual(new Map([[0, 'main']]));
  });

  it('copes with more functions than a call takes arguments', () => {
    const funcs = new Array<number>(300_000).fill(0);
    expect(describe(decoded({ types: [{ params: [], results: [] }], funcs })).funcs.length).toBe(300_000);
  });
});
