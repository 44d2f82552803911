// runtime/types.ts (canonical type ids) and runtime/global.ts (global cells).

import { describe, expect, it } from 'vitest';
import { makeCell } from '../../../runtime/global.js';
import { typeById, typeId } from '../../../runtime/types.js';

describe('typeId', () => {
  it('interns equal signatures to one small id, distinct ones apart', () => {
    const a = typeId({ params: ['i32', 'i64'], results: ['f32'] });
    expect(typeId({ params: ['i32', 'i64'], results: ['f32'] })).toBe(a);
    const distinct = [
      { params: [], results: [] },
      { params: ['i32'], results: [] },
      { params: [], results: ['i32'] },
      { params: ['i32', 'i32'], results: [] },
      { params: ['i32'], results: ['i32'] },
      { params: ['externref'], results: ['funcref'] },
      { params: ['i64'], results: ['i64', 'i64'] },
    ] as const;
    const ids = distinct.map(typeId);
    expect(new Set([a, ...ids]).size).toBe(distinct.length + 1);
    for (const id of ids) expect(Number.isInteger(id) && id >= 0 && id < 1000).toBe(true);
    distinct.forEach((ft, i) => expect(typeById(ids[i]!)).toEqual(ft));
  });

  it('typeById returns a frozen copy and rejects unknown ids', () => {
    const params = ['f64'] as ('f64' | 'i32')[];
    const id = typeId({ params, results: [] });
    params.push('i32');
    expect(typeById(id).params).toEqual(['f64']);
    expect(Object.isFrozen(typeById(id))).toBe(true);
    expect(() => typeById(1e9)).toThrow(RangeError);
  });
});

describe('makeCell', () => {
  it('defaults to 0 or null; keeps the given value, hi word and type', () => {
    const i64 = { type: 'i64', mutable: true } as const;
    expect(makeCell(i64)).toEqual({ v: 0, h: 0, type: i64 });
    expect(makeCell(i64, 5, -1)).toEqual({ v: 5, h: -1, type: i64 });
    expect(makeCell({ type: 'f32', mutable: false }, undefined).v).toBe(0);
    expect(makeCell({ type: 'funcref', mutable: false }).v).toBe(null);
    expect(makeCell({ type: 'externref', mutable: true }).v).toBe(null);
    const u = makeCell({ type: 'externref', mutable: true }, undefined);
    expect('v' in u && u.v === undefined).toBe(true);
    expect(makeCell({ type: 'f64', mutable: true }, -0).v).toBe(-0);
  });
});
