// runtime/table.ts: growth, accessors, bulk operators against native WebAssembly, call_indirect lookup.

import { describe, expect, it } from 'vitest';
import type { RawFunc } from '../../../runtime/abi.js';
import {
  icall, TableInstance, table_copy, table_fill, table_get, table_grow, table_init, table_set, table_size,
} from '../../../runtime/table.js';
import { INT32_EDGES, native, outcome, rng, trapMessage } from './native.js';

const OOB = 'out of bounds table access';

function raw(t: number, result = 0): RawFunc {
  return Object.assign(() => result, { t });
}

describe('TableInstance', () => {
  it('starts with min entries of init and grows in place', () => {
    const t = new TableInstance('funcref', 3, 5);
    expect(t.length).toBe(3);
    expect(t.type).toBe('funcref');
    expect(t.max).toBe(5);
    expect(t.elems).toEqual([null, null, null]);
    const f = raw(1);
    const elems = t.elems;
    expect(t.grow(2, f)).toBe(3);
    expect(t.elems).toBe(elems);
    expect(t.elems).toEqual([null, null, null, f, f]);
    expect(t.grow(1, null)).toBe(-1);
    expect(t.grow(0, null)).toBe(5);
    expect(table_grow(t, null, 0)).toBe(5);
  });

  it('externref tables hold undefined as a value; the maximum defaults to the runtime limit', () => {
    expect(new TableInstance('externref', 2).elems).toEqual([null, null]); // an omitted init is null...
    const t = new TableInstance('externref', 2, undefined, undefined); // ...an explicit undefined is a value
    expect(t.elems.length).toBe(2);
    expect(t.elems[0]).toBeUndefined();
    const u = new TableInstance('externref', 0);
    expect(table_grow(u, undefined, 2)).toBe(0);
    expect(u.elems.length).toBe(2);
    expect(u.elems[1]).toBeUndefined();
    expect(u.grow(-1, null)).toBe(-1); // 0xffffffff
    expect(u.grow(10_000_000, null)).toBe(-1);
  });

  it('get, set and size check bounds (indices unsigned)', () => {
    const t = new TableInstance('externref', 4);
    const o = {};
    table_set(t, 3, o);
    expect(table_get(t, 3)).toBe(o);
    expect(table_size(t)).toBe(4);
    expect(trapMessage(() => table_get(t, 4))).toBe(OOB);
    expect(trapMessage(() => table_get(t, -1))).toBe(OOB);
    expect(trapMessage(() => table_set(t, 4, o))).toBe(OOB);
  });
});

describe('bulk table operators match native', () => {
  const N = 8;
  const ref = native(`(module
    (type $t (func (result i32)))
    (table $T 16 funcref)
    ${Array.from({ length: N }, (_, i) => `(func $f${i} (result i32) (i32.const ${i}))`).join('\n')}
    (elem $seg func ${Array.from({ length: N }, (_, i) => `$f${i}`).join(' ')})
    (func (export "fill") (param i32 i32 i32)
      (if (i32.ge_s (local.get 1) (i32.const 0))
        (then (table.fill $T (local.get 0) (ref.func $f3) (local.get 2)))
        (else (table.fill $T (local.get 0) (ref.null func) (local.get 2)))))
    (func (export "copy") (param i32 i32 i32) (table.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init") (param i32 i32 i32) (table.init $seg (local.get 0) (local.get 1) (local.get 2)))
    (func (export "drop") (elem.drop $seg))
    (func (export "get") (param i32) (result i32)
      (if (result i32) (ref.is_null (table.get $T (local.get 0)))
        (then (i32.const -1))
        (else (call_indirect (type $t) (local.get 0)))))
  )`);

  const mine = new TableInstance('funcref', 16);
  const funcs = Array.from({ length: N }, (_, i) => raw(0, i));
  let seg: unknown[] | null = funcs;
  const ops: Record<string, (a: number, b: number, c: number) => void> = {
    fill: (i, v, n) => table_fill(mine, i, v >= 0 ? funcs[3] : null, n),
    copy: (d, s, n) => table_copy(mine, mine, d, s, n),
    init: (d, s, n) => table_init(mine, seg, d, s, n),
  };
  const state = () => mine.elems.map((f) => (f === null ? -1 : (f as RawFunc)()));
  const refState = () => Array.from({ length: 16 }, (_, i) => ref.get(i));

  it('fill, copy and init: same traps, same contents', () => {
    const r = rng(30);
    const near = [0, 1, 2, 7, 8, 9, 15, 16, 17, ...INT32_EDGES];
    const pick = () => (r() & 1 ? near[(r() >>> 0) % near.length]! : (r() >>> 0) % 20);
    for (let i = 0; i < 3000; i++) {
      if (i === 2000) {
        ref.drop();
        seg = null;
      }
      const op = (['init', 'copy', 'fill'] as const)[i % 3]!;
      const a = pick(), b = op === 'fill' ? r() : pick(), n = pick();
      const want = outcome(() => ref[op](a, b, n));
      if (want === 'trap') expect(trapMessage(() => ops[op]!(a, b, n)), `${op}(${a}, ${b}, ${n})`).toBe(OOB);
      else ops[op]!(a, b, n);
      expect(state(), `after ${op}(${a}, ${b}, ${n}) #${i}`).toEqual(refState());
    }
  });

  it('copies between two tables and within one with overlap', () => {
    const a = new TableInstance('externref', 6), b = new TableInstance('externref', 6);
    for (let i = 0; i < 6; i++) table_set(a, i, i);
    table_copy(a, a, 1, 0, 4); // forward overlap
    expect(a.elems).toEqual([0, 0, 1, 2, 3, 5]);
    table_copy(a, a, 0, 1, 5); // backward overlap
    expect(a.elems).toEqual([0, 1, 2, 3, 5, 5]);
    table_copy(b, a, 2, 1, 3);
    expect(b.elems).toEqual([null, null, 1, 2, 3, null]);
    expect(trapMessage(() => table_copy(b, a, 4, 0, 3))).toBe(OOB);
    expect(b.elems).toEqual([null, null, 1, 2, 3, null]);
  });
});

describe('icall', () => {
  const T = new TableInstance('funcref', 3);
  const f = raw(7);
  T.elems[0] = f;
  T.elems[1] = raw(8);

  it('returns the function when the type matches', () => {
    expect(icall(T, 0, 7)).toBe(f);
  });
  it('traps per spec', () => {
    expect(trapMessage(() => icall(T, 3, 7))).toBe('undefined element');
    expect(trapMessage(() => icall(T, -1, 7))).toBe('undefined element');
    expect(trapMessage(() => icall(T, 2, 7))).toBe('uninitialized element');
    expect(trapMessage(() => icall(T, 1, 7))).toBe('indirect call type mismatch');
  });
});
