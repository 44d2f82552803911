// Lazy compilation (src/pipeline.ts, compiler/codegen/module.ts): a function's code is generated on its first
// call, never before and at most once per instance, while validation, identity, traps and the JS API behave
// as in eager mode.

import { describe, expect, it } from 'vitest';
import { watToWasm } from '../../diff/harness.js';
import { compileModule, LAZY_THRESHOLD, type CompileOptions } from '../../../src/pipeline.js';
import { createWebAssembly } from '../../../src/engines.js';
import { instantiate } from '../../../runtime/link.js';
import { CompileError, RuntimeError } from '../../../runtime/errors.js';


const wasm = (text: string): Uint8Array => watToWasm('t.wat', text);

type Fn = (...a: unknown[]) => unknown;

/** Compiles with the options given, recording every function whose code gets generated. */
function compile(bytes: Uint8Array, opts: CompileOptions = {}) {
  const generated: number[] = [];
  const compiled = compileModule(bytes, { ...opts, onGenerate: (i) => generated.push(i) });
  const instance = () => instantiate(compiled.descriptor, compiled.link, {}).exports as Record<string, Fn>;
  return { compiled, generated, instance };
}

const CALLS = `(module
  (type $ii (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $viaTable $unused)
  (global $g (mut i32) (i32.const 0))
  (func $leaf (param i32) (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (i32.mul (local.get 0) (i32.const 2)))
  (func $viaTable (param i32) (result i32) (i32.add (local.get 0) (i32.const 100)))
  (func $unused (param i32) (result i32) (local.get 0))
  (func (export "direct") (param i32) (result i32) (call $leaf (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32) (call_indirect (type $ii) (local.get 0) (local.get 1)))
  (func (export "count") (result i32) (global.get $g))
  (func (export "never") (result i32) (call $unused (i32.const 1))))`;

describe('lazy compilation', () => {
  it('generates a function on its first call only: never-called functions are never generated', () => {
    const { compiled, generated, instance } = compile(wasm(CALLS), { lazy: true });
    expect(compiled.lazy).toBe(true);
    const exp = instance();
    expect(generated).toEqual([]);
    expect(exp.direct!(21)).toBe(42);
    expect(generated).toEqual([3, 0]); // the export, then the function it calls
    expect(exp.direct!(1)).toBe(2);
    expect(exp.indirect!(5, 0)).toBe(105); // through the table
    expect(generated).toEqual([3, 0, 4, 1]);
    expect(exp.count!()).toBe(2);
    // $unused (2) and "never" (6) were never called.
    expect(generated).toEqual([3, 0, 4, 1, 5]);
  });

  it('generates every function up front in eager mode', () => {
    const { compiled, generated } = compile(wasm(CALLS), { lazy: false });
    expect(compiled.lazy).toBe(false);
    expect(generated).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('compiles once per instance, each instance closing over its own state', () => {
    const { generated, instance } = compile(wasm(CALLS), { lazy: true });
    const a = instance();
    const b = instance();
    a.direct!(1);
    a.direct!(1);
    b.direct!(1);
    expect(generated).toEqual([3, 0, 3, 0]);
    expect([a.count!(), b.count!()]).toEqual([2, 1]);
  });

  it('keeps validated bodies until the first call when asked to, with the same results', () => {
    const { generated, instance } = compile(wasm(CALLS), { lazy: true, keepBodies: true });
    const a = instance();
    expect([a.direct!(4), a.indirect!(1, 0), a.count!()]).toEqual([8, 101, 1]);
    // A second instance validates the bodies again (the kept IR served the first one).
    const b = instance();
    expect([b.direct!(4), b.count!()]).toEqual([8, 1]);
    expect(generated).toEqual([3, 0, 4, 1, 5, 3, 0, 5]);
  });

  it('rejects an invalid body up front, even of a function never called', () => {
    const bytes = wasm('(module (func (export "f")) (func (result i32) (i32.const 0)))');
    const at = bytes.lastIndexOf(0x41);
    bytes[at] = 0x42; // i32.const -> i64.const: the body's result has the wrong type
    for (const lazy of [true, false]) {
      let caught: unknown;
      try {
        compileModule(bytes, { lazy });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CompileError);
      expect([(caught as CompileError).code, (caught as CompileError).offset]).toEqual(['type-mismatch', bytes.length]); // where the body ends
    }
  });

  it('keeps the identity of functions: exports, table entries and ref.func are the same object', () => {
    const WA = createWebAssembly({ lazy: true });
    const bytes = wasm(`(module
      (table (export "t") 2 funcref)
      (elem (i32.const 0) $f)
      (elem declare func $f)
      (func $f (export "f") (result i32) (i32.const 7))
      (func (export "ref") (result funcref) (ref.func $f))
      (func (export "store") (table.set (i32.const 1) (ref.func $f))))`);
    const { instance } = { instance: new WA.Instance(new WA.Module(bytes)) };
    const exp = instance.exports as Record<string, Fn> & { t: { get(i: number): unknown } };
    const before = exp.t.get(0);
    expect(before).toBe(exp.f);
    expect(exp.f!()).toBe(7); // compiles $f
    expect(exp.t.get(0)).toBe(exp.f);
    expect(exp.ref!()).toBe(exp.f);
    exp.store!();
    expect(exp.t.get(1)).toBe(exp.f);
    expect((exp.t.get(1) as Fn)()).toBe(7);
    expect(exp.f!.name).toBe('0');
  });

  it('raises traps of lazily compiled functions as RuntimeErrors with the spec wording', () => {
    const WA = createWebAssembly({ lazy: true });
    const bytes = wasm(`(module
      (memory 1)
      (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
      (func (export "unreachable") unreachable)
      (func (export "oob") (result i32) (i32.load (i32.const 65534)))
      (func $down (param i32) (result i32) (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
      (func (export "exhaust") (result i32) (call $down (i32.const 0))))`);
    const exp = new WA.Instance(new WA.Module(bytes)).exports as Record<string, Fn>;
    const trapOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(RuntimeError);
        return (e as Error).message;
      }
      return 'no trap';
    };
    expect(trapOf(() => exp.div!(0))).toBe('integer divide by zero');
    expect(exp.div!(1)).toBe(1);
    expect(trapOf(() => exp.unreachable!())).toBe('unreachable');
    expect(trapOf(() => exp.oob!())).toBe('out of bounds memory access');
    expect(trapOf(() => exp.exhaust!())).toBe('call stack exhausted');
    expect(trapOf(() => exp.exhaust!())).toBe('call stack exhausted');
  });

  it('names a lazily compiled function in stack traces, with its own script name', () => {
    // Stacks as V8 writes them (by default they are mapped to the WAT listing: test/maps).
    const WA = createWebAssembly({ lazy: true, sourceMap: false });
    const exp = new WA.Instance(new WA.Module(wasm(`(module
      (func $inner unreachable)
      (func (export "outer") (call $inner)))`))).exports as Record<string, Fn>;
    let stack = '';
    try {
      exp.outer!();
    } catch (e) {
      stack = (e as Error).stack ?? '';
    }
    expect(stack).toMatch(/\n\s+at f0 \(wajit:wasm-function\[0\]:\d+:\d+\)\n/);
    expect(stack).toMatch(/\n\s+at f1 \(wajit:wasm-function\[1\]:\d+:\d+\)\n/);
  });

  it('keeps NaN payloads of constants hoisted by a lazily compiled function', () => {
    const bytes = wasm(`(module
      (memory (export "m") 1)
      (func (export "f") (f64.store (i32.const 0) (f64.const nan:0x4000000000001))))`);
    for (const lazy of [true, false]) {
      const WA = createWebAssembly({ lazy });
      const exp = new WA.Instance(new WA.Module(bytes)).exports as Record<string, Fn> & { m: { buffer: ArrayBuffer } };
      exp.f!();
      expect(new DataView(exp.m.buffer).getBigUint64(0, true)).toBe(0x7ff4000000000001n);
    }
  });

  it('is the default for modules with a large code section', () => {
    expect(compileModule(wasm(CALLS)).lazy).toBe(false);
    expect(compileModule(bigModule(LAZY_THRESHOLD)).lazy).toBe(true);
    expect(compileModule(bigModule(LAZY_THRESHOLD - 1024)).lazy).toBe(false);
    expect(compileModule(bigModule(LAZY_THRESHOLD), { lazy: false }).lazy).toBe(false);
  });
});

/** A module of one function `() -> ()` whose body is about `size` bytes of nops. */
function bigModule(size: number): Uint8Array {
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      out.push(b);
    } while (n !== 0);
    return out;
  };
  const body = [0, ...new Array<number>(size).fill(0x01), 0x0b]; // no locals, nops, end
  const entry = [...leb(body.length), ...body];
  const code = [1, ...entry];
  return new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    1, 4, 1, 0x60, 0, 0, // type section: () -> ()
    3, 2, 1, 0, // function section
    10, ...leb(code.length), ...code,
  ]);
}
