// WebAssembly.Table over TableInstance: descriptor validation compared with Node's native class, element
// conversions (funcref values are wajit exported functions), bounds, grow, and the per-instance cache.

import { describe, expect, it } from 'vitest';
import { Table, tableInstance, tableObject } from '../../../runtime/js-api/table.js';
import { exportFunction } from '../../../runtime/js-api/func.js';
import { TableInstance } from '../../../runtime/table.js';
import { NativeWasm, raw, thrown } from './helpers.js';

const Native = NativeWasm.Table;

describe('Table constructor', () => {
  const descriptors: [string, unknown][] = [
    ['no descriptor', undefined],
    ['no element', { initial: 1 }],
    ['element i32', { element: 'i32', initial: 1 }],
    ['element anyfunc', { element: 'anyfunc', initial: 1 }],
    ['element externref', { element: 'externref', initial: 2 }],
    ['no initial', { element: 'anyfunc' }],
    ['initial -1', { element: 'anyfunc', initial: -1 }],
    ['initial 10000000', { element: 'anyfunc', initial: 10_000_000 }],
    ['initial above the limit', { element: 'anyfunc', initial: 10_000_001 }],
    ['maximum below initial', { element: 'anyfunc', initial: 2, maximum: 1 }],
    ['maximum above the table limit', { element: 'anyfunc', initial: 1, maximum: 10_000_001 }],
    ['maximum 2^32', { element: 'anyfunc', initial: 1, maximum: 2 ** 32 }],
  ];
  it.each(descriptors)('%s: same outcome as the native class', (_, d) => {
    expect(thrown(() => new Table(d as never))).toBe(thrown(() => new Native(d as never)));
  });

  it('accepts funcref as a spelling of anyfunc', () => {
    expect(new Table({ element: 'funcref', initial: 1 }).get(0)).toBeNull();
  });

  it('reads descriptor members in WebIDL order', () => {
    const seen: string[] = [];
    const values: Record<string, unknown> = { element: 'anyfunc', initial: 1 };
    new Table(new Proxy({}, { get: (_, k) => (seen.push(String(k)), values[String(k)]) }) as never);
    expect(seen).toEqual(['element', 'initial', 'maximum']);
  });

  it('fills with the initial value, or the default (null for funcref, undefined for externref)', () => {
    expect(new Table({ element: 'anyfunc', initial: 1 }).get(0)).toBeNull();
    const ext = new Table({ element: 'externref', initial: 2 });
    expect(ext.get(1)).toBeUndefined();
    expect(new Table({ element: 'externref', initial: 2 }, 'x').get(1)).toBe('x');
    expect(new Table({ element: 'externref', initial: 1 }, null).get(0)).toBeNull();
  });

  it('rejects a non-wajit function as a funcref value with TypeError', () => {
    expect(thrown(() => new Table({ element: 'anyfunc', initial: 1 }, () => 1))).toBe('TypeError');
    expect(thrown(() => new Table({ element: 'anyfunc', initial: 1 }, 5))).toBe('TypeError');
  });

  it('has the WebAssembly.Table tag', () => {
    expect(String(new Table({ element: 'anyfunc', initial: 0 }))).toBe('[object WebAssembly.Table]');
  });
});

describe('Table get, set, grow', () => {
  const f = exportFunction(raw(() => 7, [], ['i32']), 3);

  it('funcref values cross as exported functions, and the same function comes back', () => {
    const t = new Table({ element: 'anyfunc', initial: 2 });
    t.set(1, f);
    expect(t.get(1)).toBe(f);
    expect((t.get(1) as () => number)()).toBe(7);
    // Stored raw: generated code calls the raw function directly.
    expect(typeof tableInstance(t)!.elems[1]).toBe('function');
    expect(tableInstance(t)!.elems[1]).not.toBe(f);
    t.set(1);
    expect(t.get(1)).toBeNull();
  });

  it('a raw function put in by generated code reads back as its exported function', () => {
    const inst = new TableInstance('funcref', 1);
    const r = raw(() => 1, [], ['i32']);
    inst.elems[0] = r;
    expect(tableObject(inst).get(0)).toBe(exportFunction(r));
  });

  it('checks indices like the native class: RangeError out of bounds, TypeError when not an index', () => {
    for (const T of [Table, Native]) {
      const t = new T({ element: 'anyfunc', initial: 1 });
      expect(thrown(() => t.get(1))).toBe('RangeError');
      expect(thrown(() => t.set(1, null))).toBe('RangeError');
      expect(thrown(() => t.get(-1))).toBe('TypeError');
      expect(thrown(() => t.get(NaN))).toBe('TypeError');
      expect(thrown(() => t.set(0, () => 0))).toBe('TypeError');
    }
  });

  it('set without a value stores undefined in an externref table, as natively', () => {
    for (const T of [Table, Native]) {
      const t = new T({ element: 'externref', initial: 1 }, 'x');
      t.set(0);
      expect(t.get(0)).toBeUndefined();
    }
  });

  it('grow returns the old length and fills new entries; RangeError past the maximum', () => {
    for (const T of [Table, Native]) {
      const t = new T({ element: 'externref', initial: 1, maximum: 4 }, 'x');
      expect(t.grow(2)).toBe(1);
      expect(t.length).toBe(3);
      expect(t.get(2)).toBeUndefined();
      expect(t.grow(1, 'y')).toBe(3);
      expect(t.get(3)).toBe('y');
      expect(thrown(() => t.grow(1))).toBe('RangeError');
      expect(thrown(() => t.grow(-1))).toBe('TypeError');
    }
  });

  it('grow converts the value before growing', () => {
    const t = new Table({ element: 'anyfunc', initial: 1 });
    expect(thrown(() => t.grow(1, {}))).toBe('TypeError');
    expect(t.length).toBe(1);
    expect(t.grow(1, f)).toBe(1);
    expect(t.get(1)).toBe(f);
  });
});

describe('one Table per TableInstance', () => {
  it('tableObject caches and tableInstance brand-checks', () => {
    const inst = new TableInstance('externref', 0);
    expect(tableObject(inst)).toBe(tableObject(inst));
    expect(tableInstance(tableObject(inst))).toBe(inst);
    const t = new Table({ element: 'anyfunc', initial: 0 });
    expect(tableObject(tableInstance(t)!)).toBe(t);
    for (const v of [null, {}, Object.create(Table.prototype), new Native({ element: 'anyfunc', initial: 0 })]) {
      expect(tableInstance(v)).toBeUndefined();
    }
  });
});
