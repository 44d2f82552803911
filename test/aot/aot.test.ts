// Modules compiled ahead of time (src/aot.ts) and imported as ES modules: the differential cases of test/diff
// (WAT modules and C programs) against native WebAssembly, the same results as wajit's JIT, and the JS API
// semantics of instantiate() and module: import checks and their errors, exported objects, identity, start
// functions, data segments, and objects passing between compiled-ahead and JIT instances.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { base64 } from '../../compiler/emit/esm.js';
import { base64Decode, Memory as RuntimeMemory, RuntimeError } from '../../runtime/index.js';
import { CASES } from '../diff/wat-cases.js';
import { C_CASES } from '../diff/c-cases.js';
import { type Api, Native, Pair, Rng, Wajit, loadWat, summary, watToWasm } from '../diff/harness.js';
import { aotNamespace, compileTo, importAot, type AotModule } from './harness.js';

// Every WAT case and C program, compiled ahead of time once, before the tests.
const wat = new Map(CASES.map((c) => [c.file, loadWat(c.file)]));
const c = new Map(C_CASES.map((x) => [x.program, readFileSync(new URL(`../diff/c/${x.program}.wasm`, import.meta.url))]));
const compiled = new Map<Uint8Array, AotModule>();
for (const [name, bytes] of [...wat, ...c]) compiled.set(bytes, await importAot(bytes, name));
const AOT = aotNamespace(compiled);

type Fn = (...a: unknown[]) => unknown;

describe('differential: WAT modules compiled ahead of time vs native', () => {
  for (const x of CASES) {
    it(x.file, () => {
      const pair = new Pair(x.file, wat.get(x.file)!, undefined, AOT);
      expect(pair.stateDiff(), 'state right after instantiation').toBeNull();
      pair.drive(x.drive);
      x.then?.(pair);
      expect(pair.mismatches.length, summary(pair.mismatches)).toBe(0);
    });
  }
});

describe('differential: C programs compiled ahead of time vs native', () => {
  for (const x of C_CASES) {
    it(x.title, () => {
      const p = new Pair(x.program, c.get(x.program)!, undefined, AOT);
      x.run(p);
      expect(p.mismatches.length, summary(p.mismatches)).toBe(0);
      expect(p.stats.calls).toBeGreaterThan(0);
    });
  }
});

/** What a call gives, as a comparable value: results (BigInts as strings) or the error's class and message. */
function outcome(f: () => unknown): unknown {
  try {
    return { ok: JSON.parse(JSON.stringify(f(), (_, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'null') };
  } catch (e) {
    return { threw: (e as Error).name, message: (e as Error).message };
  }
}

describe('the same results as wajit\'s JIT', () => {
  // The JIT is the reference here: results, trap messages and memory contents must be identical.
  for (const x of C_CASES) {
    it(x.title, () => {
      const p = new Pair(x.program, c.get(x.program)!, undefined, AOT, Wajit as unknown as Api);
      x.run(p);
      expect(p.mismatches.length, summary(p.mismatches)).toBe(0);
      expect(p.stats.calls).toBeGreaterThan(0);
    });
  }
});

const ALL_KINDS = watToWasm('kinds.wat', `(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (import "env" "mem" (memory 1 2))
  (import "env" "tab" (table 2 funcref))
  (import "env" "g" (global i32))
  (import "env" "gm" (global (mut i64)))
  (global $own (mut f64) (f64.const 1.5))
  (func $twice (export "twice") (param i32) (result i32) (i32.mul (call $f (local.get 0)) (i32.const 2)))
  (func (export "pair") (param i64 f32) (result i64 f32) (local.get 0) (local.get 1))
  (func (export "read") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "g") (result i32) (global.get 0))
  (export "mem" (memory 0))
  (export "tab" (table 0))
  (export "own" (global $own))
  (export "gm" (global 1))
  (elem (i32.const 0) $twice)
  (data (i32.const 16) "\\00\\01\\02\\ff\\fe\\7f\\80abc\\e2\\9c\\93"))`);

const KINDS_AOT = await importAot(ALL_KINDS, 'kinds.wasm');

function kindsImports(api: typeof Wajit | typeof Native): { env: Record<string, unknown> } {
  return {
    env: {
      f: (x: number) => x + 1,
      mem: new api.Memory({ initial: 1, maximum: 2 }),
      tab: new api.Table({ element: 'anyfunc', initial: 2 }),
      g: 42,
      gm: new api.Global({ value: 'i64', mutable: true }, 7n),
    },
  };
}

describe('instantiate() and module', () => {
  it('describes the imports and exports as WebAssembly.Module.imports() and .exports() do', () => {
    const native = new Native.Module(ALL_KINDS);
    expect(KINDS_AOT.module.imports).toEqual(Native.Module.imports(native));
    expect(KINDS_AOT.module.exports).toEqual(Native.Module.exports(native));
    expect(Object.isFrozen(KINDS_AOT.module)).toBe(true);
    expect(Object.isFrozen(KINDS_AOT.module.imports[0])).toBe(true);
  });

  it('keeps names beyond ASCII exactly (escaped in the output, which stays ASCII)', async () => {
    const name = `ünïcødé ✓ 😀 \u2028 "quoted" \\ ${'ß'.repeat(3000)}`;
    // A WAT string of any text: every UTF-8 byte escaped.
    const str = (t: string): string => `"${[...new TextEncoder().encode(t)].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('')}"`;
    const bytes = watToWasm('names.wat', `(module
      (import ${str('mødule')} ${str(name)} (func (result i32)))
      (func (export ${str(name)}) (result i32) (call 0)))`);
    const file = compileTo(bytes, 'names.wasm');
    expect(/^[\x00-\x7f]*$/.test(readFileSync(file, 'latin1'))).toBe(true);
    const aot = (await import(pathToFileURL(file).href)) as AotModule;
    const native = new Native.Module(bytes);
    expect(aot.module.imports).toEqual(Native.Module.imports(native));
    expect(aot.module.exports).toEqual(Native.Module.exports(native));
    expect((aot.instantiate({ 'mødule': { [name]: () => 7 } })[name] as Fn)()).toBe(7);
  });

  it('checks imports as new WebAssembly.Instance does, with the same error classes', () => {
    const good = kindsImports(Wajit);
    const cases: [string, unknown][] = [
      ['no import object', undefined],
      ['not an object', 5],
      ['missing module', {}],
      ['missing function', { env: { ...good.env, f: undefined } }],
      ['function given a number', { env: { ...good.env, f: 1 } }],
      ['memory too small a maximum', { env: { ...good.env, mem: new Wajit.Memory({ initial: 1 }) } }],
      ['table given a memory', { env: { ...good.env, tab: good.env.mem } }],
      ['immutable global given a BigInt', { env: { ...good.env, g: 1n } }],
      ['mutable global given a value', { env: { ...good.env, gm: 7n } }],
      ['global of another type', { env: { ...good.env, gm: new Wajit.Global({ value: 'i32', mutable: true }, 1) } }],
    ];
    const jit = new Wajit.Module(ALL_KINDS);
    for (const [what, imports] of cases) {
      const viaJit = outcome(() => new Wajit.Instance(jit, imports as object));
      const viaAot = outcome(() => KINDS_AOT.instantiate(imports as object));
      expect(viaAot, what).toEqual(viaJit);
      expect((viaAot as { threw?: string }).threw, what).toMatch(/^(TypeError|LinkError)$/);
    }
  });

  it('returns the JS API\'s exports: frozen, functions named by index, runtime objects, one instance per call', () => {
    const imports = kindsImports(Wajit);
    const e = KINDS_AOT.instantiate(imports) as Record<string, any>;
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.getPrototypeOf(e)).toBeNull();
    expect(Object.keys(e)).toEqual(['twice', 'pair', 'read', 'g', 'mem', 'tab', 'own', 'gm']);
    expect([e.twice.name, e.twice.length, e.pair.name, e.pair.length]).toEqual(['1', 1, '2', 2]);
    expect(e.twice(20)).toBe(42);
    expect(e.pair(-5n, 0.1)).toEqual([-5n, Math.fround(0.1)]);
    expect(e.g()).toBe(42);
    expect(e.mem).toBe(imports.env.mem);
    expect(e.mem).toBeInstanceOf(RuntimeMemory);
    expect(e.mem).toBeInstanceOf(Wajit.Memory);
    expect(e.tab.get(0)).toBe(e.twice);
    expect(e.own.value).toBe(1.5);
    e.gm.value = 9n;
    expect((imports.env.gm as { value: bigint }).value).toBe(9n);
    // The data segment, with bytes of every range.
    const mem = new Uint8Array(e.mem.buffer);
    expect([...mem.subarray(16, 28)]).toEqual([0, 1, 2, 0xff, 0xfe, 0x7f, 0x80, 97, 98, 99, 0xe2, 0x9c, 0x93].slice(0, 12));
    expect(e.read(28)).toBe(0x93);
    // A second instance has its own globals.
    const e2 = KINDS_AOT.instantiate(kindsImports(Wajit)) as Record<string, any>;
    e2.own.value = 3;
    expect(e.own.value).toBe(1.5);
  });

  it('passes functions between compiled-ahead and JIT instances', () => {
    const e = KINDS_AOT.instantiate(kindsImports(Wajit)) as Record<string, Fn>;
    const caller = new Wajit.Instance(new Wajit.Module(watToWasm('caller.wat', `(module
      (import "m" "twice" (func $t (param i32) (result i32)))
      (import "m" "pair" (func $p (param i64 f32) (result i64 f32)))
      (func (export "go") (param i32) (result i32) (call $t (local.get 0)))
      (func (export "go2") (result i64) (call $p (i64.const -9007199254740993) (f32.const 2)) drop))`)), { m: e }).exports as Record<string, Fn>;
    expect(caller.go!(4)).toBe(10);
    expect(caller.go2!()).toBe(-9007199254740993n);
    // And the other way: an AOT module importing a JIT function, whose type must match exactly.
    const bad = outcome(() => KINDS_AOT.instantiate({ env: { ...kindsImports(Wajit).env, f: caller.go2 } }));
    expect(bad).toMatchObject({ threw: 'LinkError' });
    const ok = KINDS_AOT.instantiate({ env: { ...kindsImports(Wajit).env, f: caller.go } }) as Record<string, Fn>;
    expect(ok.twice!(3)).toBe(2 * (3 * 2 + 2));
  });

  it('runs the start function during instantiate(); a trap there is a RuntimeError', async () => {
    const started = await importAot(watToWasm('start.wat', `(module
      (global $g (export "g") (mut i32) (i32.const 0))
      (func $init (global.set $g (i32.const 5)))
      (start $init))`), 'start.wasm');
    expect((started.instantiate().g as { value: number }).value).toBe(5);
    const trapping = await importAot(watToWasm('trapstart.wat', `(module
      (memory 1) (func $init (i32.store (i32.const 65535) (i32.const 1))) (start $init))`), 'trapstart.wasm');
    let caught: unknown;
    try {
      trapping.instantiate();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RuntimeError);
    expect((caught as Error).message).toBe('out of bounds memory access');
  });
});

describe('data segments as base64', () => {
  it('round-trip every length and byte value', () => {
    const r = new Rng(3);
    for (let n = 0; n < 70; n++) {
      const bytes = new Uint8Array(n).map(() => r.below(256));
      const text = base64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64Decode(text)).toEqual(bytes);
      expect(base64Decode(text.replace(/=+$/, ''))).toEqual(bytes);
    }
    const all = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 255);
    expect(base64Decode(base64(all))).toEqual(all);
  });

  it('rejects what is not base64', () => {
    for (const bad of ['A', 'AB=C', 'AB$D', 'ABC===', 'é']) expect(() => base64Decode(bad), bad).toThrow(TypeError);
  });
});
