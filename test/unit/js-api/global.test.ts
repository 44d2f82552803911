// WebAssembly.Global over GlobalCell: descriptor validation and ToWebAssemblyValue conversions compared
// with Node's native class, i64 storage as lo/hi, mutability, and the per-cell cache.

import { describe, expect, it } from 'vitest';
import { Global, globalCell, globalObject } from '../../../runtime/js-api/global.js';
import { exportFunction } from '../../../runtime/js-api/func.js';
import { makeCell } from '../../../runtime/global.js';
import { NativeWasm, raw, thrown } from './helpers.js';

const Native = NativeWasm.Global;

describe('Global constructor', () => {
  const descriptors: [string, unknown][] = [
    ['no descriptor', undefined],
    ['no value type', {}],
    ['value v128', { value: 'v128' }],
    ['value i8', { value: 'i8' }],
    ['value i32', { value: 'i32' }],
    ['value anyfunc', { value: 'anyfunc' }],
  ];
  it.each(descriptors)('%s: same outcome as the native class', (_, d) => {
    expect(thrown(() => new Global(d as never))).toBe(thrown(() => new Native(d as never)));
  });

  it('reads descriptor members in WebIDL order', () => {
    const seen: string[] = [];
    new Global(new Proxy({}, { get: (_, k) => (seen.push(String(k)), k === 'value' ? 'i32' : undefined) }) as never);
    expect(seen).toEqual(['mutable', 'value']);
  });

  const conversions: [string, unknown][] = [
    ['i32', undefined], ['i32', 5], ['i32', 2 ** 32 + 5], ['i32', -1.5], ['i32', '12'], ['i32', NaN], ['i32', 5n],
    ['i64', undefined], ['i64', 5n], ['i64', -1n], ['i64', 2n ** 64n + 3n], ['i64', 2n ** 63n], ['i64', '12'],
    ['i64', true], ['i64', 5], ['i64', null], ['i64', 'x'],
    ['f32', undefined], ['f32', 0.1], ['f32', 1e40], ['f32', -0], ['f32', '1.5'], ['f32', 1n],
    ['f64', undefined], ['f64', 0.1], ['f64', -0], ['f64', {}], ['f64', 1n],
  ];
  it.each(conversions)('%s from %s: same value or error as natively', (type, v) => {
    const ours = (): unknown => new Global({ value: type as 'i32' }, v).value;
    const theirs = (): unknown => new Native({ value: type as 'i32' }, v).value;
    expect(thrown(ours)).toBe(thrown(theirs));
    if (thrown(ours) === 'ok') expect(Object.is(ours(), theirs()) || ours() === theirs()).toBe(true);
  });

  it('stores i64 as lo and hi in the cell', () => {
    const g = new Global({ value: 'i64', mutable: true }, -2n);
    const cell = globalCell(g)!;
    expect([cell.v, cell.h]).toEqual([-2, -1]);
    g.value = 0x1_0000_0002n;
    expect([cell.v, cell.h]).toEqual([2, 1]);
    cell.v = -1;
    cell.h = 0x7fff_ffff;
    expect(g.value).toBe(2n ** 63n - 1n);
  });

  it('reference types: funcref takes null or wajit functions, externref anything', () => {
    const f = exportFunction(raw(() => 0, [], []), 0);
    expect(new Global({ value: 'anyfunc' }).value).toBeNull();
    expect(new Global({ value: 'funcref' }, f).value).toBe(f);
    expect(thrown(() => new Global({ value: 'funcref' }, () => 0))).toBe('TypeError');
    expect(new Global({ value: 'externref' }).value).toBeUndefined();
    expect(new Global({ value: 'externref' }, null).value).toBeNull();
    const o = {};
    expect(new Global({ value: 'externref' }, o).value).toBe(o);
  });
});

describe('Global value', () => {
  it('setting an immutable global is a TypeError, as natively', () => {
    for (const G of [Global, Native]) {
      const g = new G({ value: 'i32' }, 1);
      expect(thrown(() => { g.value = 2; })).toBe('TypeError');
      expect(g.value).toBe(1);
    }
  });

  it('checks mutability before converting', () => {
    const g = new Global({ value: 'i64' }, 1n);
    expect(thrown(() => { g.value = 5 as never; })).toBe('TypeError');
    let called = false;
    const h = new Global({ value: 'i32' }, 1);
    expect(thrown(() => { h.value = { valueOf: () => { called = true; return 1; } } as never; })).toBe('TypeError');
    expect(called).toBe(false);
  });

  it('a mutable global converts on set and valueOf reads the value', () => {
    for (const G of [Global, Native]) {
      const g = new G({ value: 'f32', mutable: true });
      g.value = 0.1;
      expect(g.value).toBe(Math.fround(0.1));
      expect(g.valueOf()).toBe(Math.fround(0.1));
      expect(thrown(() => { g.value = 1n as never; })).toBe('TypeError');
    }
  });

  it('has the WebAssembly.Global tag and brand-checked accessors', () => {
    expect(Object.prototype.toString.call(new Global({ value: 'i32' }))).toBe('[object WebAssembly.Global]');
    const get = Object.getOwnPropertyDescriptor(Global.prototype, 'value')!.get!;
    expect(thrown(() => get.call({}))).toBe('TypeError');
  });
});

describe('one Global per cell', () => {
  it('globalObject caches and sees the cell written by generated code', () => {
    const cell = makeCell({ type: 'i32', mutable: true });
    const g = globalObject(cell);
    expect(globalObject(cell)).toBe(g);
    expect(globalCell(g)).toBe(cell);
    cell.v = 9;
    expect(g.value).toBe(9);
    const own = new Global({ value: 'i32' });
    expect(globalObject(globalCell(own)!)).toBe(own);
    for (const v of [null, 1, {}, Object.create(Global.prototype), new Native({ value: 'i32' })]) {
      expect(globalCell(v)).toBeUndefined();
    }
  });
});
