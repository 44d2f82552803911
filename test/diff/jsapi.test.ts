// Differential tests of what the JS API shows of a module and an instance, beyond call results: the exports
// object (own property names and order, frozen, null prototype, awkward names like "__proto__"), exported
// functions' name/length and identity, Module.exports/imports/customSections, and instantiation that fails
// part-way (an active data or element segment out of bounds, a trapping start function) leaving earlier
// writes in imported memory and tables.

import { describe, expect, it } from 'vitest';
import { Native, Wajit, watToWasm, type WasmTable } from './harness.js';

type Api = typeof Native;
const apis: readonly [string, Api][] = [['native', Native], ['wajit', Wajit as unknown as Api]];

/** A module whose exports have names a careless implementation would mishandle, built byte by byte. */
function awkwardExports(): Uint8Array {
  const names = [
    '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'a b', 'ünï', '😀', 'then', '0', '1e3', 'length',
    'name', 'prototype', 'valueOf',
  ];
  const enc = new TextEncoder();
  const exp: number[] = [names.length + 3];
  names.forEach((n, i) => {
    const b = enc.encode(n);
    exp.push(b.length, ...b, 0x00, i % 3);
  });
  // A memory, a table and a global too, under other awkward names.
  for (const [n, kind] of [['__defineGetter__', 2], ['isPrototypeOf', 1], ['__lookupSetter__', 3]] as const) {
    const b = enc.encode(n);
    exp.push(b.length, ...b, kind, 0);
  }
  const uleb = (n: number): number[] => (n < 128 ? [n] : [(n & 0x7f) | 0x80, ...uleb(n >>> 7)]);
  const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 0, 1, 0x7f, 0x60, 2, 0x7f, 0x7e, 0]),
    ...section(3, [3, 0, 1, 0]),
    ...section(4, [1, 0x70, 0, 1]),
    ...section(5, [1, 0, 1]),
    ...section(6, [1, 0x7f, 0, 0x41, 5, 0x0b]),
    ...section(7, exp),
    ...section(10, [3, 4, 0, 0x41, 1, 0x0b, 2, 0, 0x0b, 4, 0, 0x41, 3, 0x0b]),
    ...section(0, [4, ...enc.encode('meta'), 1, 2, 3]),
    ...section(0, [4, ...enc.encode('meta'), 9]),
  ];
  return new Uint8Array(bytes);
}

function shape(api: Api, bytes: Uint8Array): unknown {
  const module = new api.Module(bytes);
  const exports = new api.Instance(module, {}).exports as Record<string, unknown>;
  const names = Object.getOwnPropertyNames(exports);
  return {
    moduleExports: api.Module.exports(module),
    moduleImports: api.Module.imports(module),
    custom: api.Module.customSections(module, 'meta').map((b) => [...new Uint8Array(b)]),
    customNone: api.Module.customSections(module, 'none').length,
    names,
    frozen: Object.isFrozen(exports),
    proto: Object.getPrototypeOf(exports),
    descriptors: names.map((n) => {
      const d = Object.getOwnPropertyDescriptor(exports, n)!;
      return [n, d.writable, d.enumerable, d.configurable, typeof d.value];
    }),
    functions: names.filter((n) => typeof exports[n] === 'function').map((n) => {
      const f = exports[n] as (...a: unknown[]) => unknown;
      let result: unknown;
      try {
        result = f();
      } catch (e) {
        result = `throws ${(e as Error).constructor.name}`;
      }
      return [n, f.name, f.length, result, names.filter((m) => exports[m] === f)];
    }),
  };
}

describe('differential: the JS API view of modules and instances', () => {
  it('exports object, export names, function name/length/identity, module reflection', () => {
    const bytes = awkwardExports();
    expect(Native.validate(bytes)).toBe(true);
    if (process.env.DIFF_STATS) console.log(JSON.stringify(shape(Wajit as unknown as Api, bytes)));
    expect(shape(Wajit as unknown as Api, bytes)).toEqual(shape(Native, bytes));
  });

  it('reflection of imports, and a function exported twice and placed in a table stays one object', () => {
    const bytes = watToWasm('reflect.wat', `(module
      (import "m" "f" (func $f (param i32)))
      (import "m" "mem" (memory 1))
      (import "" "" (global i32))
      (import "m" "tab" (table 1 funcref))
      (func $g (result i32) (i32.const 7))
      (export "g1" (func $g)) (export "g2" (func $g)) (export "f" (func $f))
      (table $t (export "t") 2 funcref)
      (elem (table $t) (i32.const 0) func $g $f))`);
    for (const [engine, api] of apis) {
      const m = new api.Module(bytes);
      expect(api.Module.imports(m), engine).toEqual([
        { module: 'm', name: 'f', kind: 'function' }, { module: 'm', name: 'mem', kind: 'memory' },
        { module: '', name: '', kind: 'global' }, { module: 'm', name: 'tab', kind: 'table' },
      ]);
      const host = (): void => {};
      const e = new api.Instance(m, {
        m: { f: host, mem: new api.Memory({ initial: 1 }), tab: new api.Table({ initial: 1, element: 'anyfunc' }) },
        '': { '': 3 },
      }).exports as Record<string, unknown>;
      const t = e.t as WasmTable;
      expect(e.g1, engine).toBe(e.g2);
      expect(t.get(0), engine).toBe(e.g1);
      expect(t.get(1), engine).toBe(e.f);
      // An imported host function is re-exported as a wrapper, not as the host function itself.
      expect(e.f === host, engine).toBe(false);
      expect(typeof e.f, engine).toBe('function');
    }
  });

  it('a failing instantiation leaves the writes of earlier segments in imported memory and tables', () => {
    const bytes = watToWasm('partial.wat', `(module
      (import "m" "mem" (memory 1))
      (import "m" "tab" (table 3 funcref))
      (func $a) (func $b)
      (elem (i32.const 0) $a $b)
      (elem (i32.const 2) $a $b)
      (data (i32.const 10) "first")
      (data (i32.const 65534) "past the end"))`);
    const seen: unknown[] = [];
    for (const [, api] of apis) {
      const mem = new api.Memory({ initial: 1 });
      const tab = new api.Table({ initial: 3, element: 'anyfunc' });
      let error: unknown;
      try {
        new api.Instance(new api.Module(bytes), { m: { mem, tab } });
      } catch (e) {
        error = e;
      }
      seen.push({
        error: error instanceof api.RuntimeError ? 'RuntimeError' : String(error),
        text: new TextDecoder().decode(new Uint8Array(mem.buffer, 10, 5)),
        tail: [...new Uint8Array(mem.buffer, 65530, 6)],
        table: [0, 1, 2].map((i) => tab.get(i) === null),
      });
    }
    expect(seen[1]).toEqual(seen[0]);
  });

  it('a start function that traps fails instantiation with a RuntimeError after writing imported memory', () => {
    const bytes = watToWasm('start.wat', `(module
      (import "m" "mem" (memory 1))
      (import "m" "log" (func $log (param i32)))
      (func $start (call $log (i32.const 1)) (i32.store (i32.const 0) (i32.const 0x01020304))
        (drop (i32.div_u (i32.const 1) (i32.const 0))))
      (start $start))`);
    const seen: unknown[] = [];
    for (const [, api] of apis) {
      const mem = new api.Memory({ initial: 1 });
      const log: number[] = [];
      let error: unknown;
      try {
        new api.Instance(new api.Module(bytes), { m: { mem, log: (x: number) => log.push(x) } });
      } catch (e) {
        error = e;
      }
      seen.push({ isRuntimeError: error instanceof api.RuntimeError, log, word: new Uint32Array(mem.buffer, 0, 1)[0] });
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]).toMatchObject({ isRuntimeError: true, log: [1], word: 0x01020304 });
  });
});
