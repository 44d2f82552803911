// Host exceptions and traps crossing wasm frames, compared with native WebAssembly: a value thrown by an
// imported JS function — any value: Error subclasses, look-alikes of engine errors, strings, numbers,
// undefined, null, symbols, functions, BigInts — arrives at the caller as the very same value (unchanged, not
// wrapped, not translated), through any number of wasm -> JS -> wasm levels, through call_indirect, from a
// result conversion (valueOf) and from a start function; memory and globals hold exactly the writes made
// before the throw (or trap), none after; and the instance works normally afterwards.

import { describe, expect, it } from 'vitest';
import { Native, Pair, Wajit, show as showValue, summary, watToWasm, type Api, type WasmMemory } from './harness.js';
import { createWebAssembly } from '../../src/engines.js';

type Engine = 'native' | 'wajit';
type Fn = (...args: unknown[]) => unknown;

class CustomError extends Error {
  readonly extra = 42;
}

/** Everything a host function throws here, by index k. One array for both engines: identity must hold. */
const THROWN: readonly unknown[] = [
  new CustomError('custom'), new TypeError('type'), 'a string', '', 42, 0, -0, NaN, undefined, null, false, true,
  Symbol('sym'), { plain: 1 }, Object.create(null), () => 1, 123n, [1, 2],
  // Look-alikes of what an engine throws itself, which a boundary must not take for its own.
  new RangeError('Maximum call stack size exceeded'), new RangeError('Offset is outside the bounds of the DataView'),
  new Native.RuntimeError('unreachable'), new Wajit.RuntimeError('unreachable'), new Native.CompileError('x'),
];
const NO_THROW = -1;

const WAT = `(module
  (import "host" "call" (func $call (param i32 i32) (result i32)))
  (import "host" "throw" (func $throw (param i32)))
  (import "host" "ret" (func $ret (param i32) (result i32)))
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (global $gl (export "gl") (mut i64) (i64.const 0))
  (global $depth (mut i32) (i32.const -5))
  (global $f (mut f64) (f64.const 0))
  (type $vi (func (param i32)))
  (table (export "tab") 2 funcref)
  (elem (i32.const 0) $throw $level)
  (func (export "depth") (result i32) (global.get $depth))
  (func (export "f") (result f64) (global.get $f))
  ;; level(n, k): writes before the call down, then either throws (n = 0: host value k) or calls the host,
  ;; which calls level(n - 1, k) on the same instance; writes after it. A throw must leave the "before" writes
  ;; of every level and none of the "after" ones.
  (func $level (export "level") (param $n i32) (param $k i32) (result i32)
    (local $mine i32)
    (local.set $mine (i32.mul (local.get $n) (i32.const 1000)))
    (i32.store (i32.mul (local.get $n) (i32.const 4)) (i32.add (local.get $n) (i32.const 1)))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.set $gl (i64.add (global.get $gl) (i64.const 0x100000001)))
    (global.set $depth (local.get $n))
    (global.set $f (f64.add (global.get $f) (f64.const 0.5)))
    (if (i32.eqz (local.get $n))
      (then (call $throw (local.get $k)))
      (else (drop (call $call (i32.sub (local.get $n) (i32.const 1)) (local.get $k)))))
    (i32.store offset=400 (i32.mul (local.get $n) (i32.const 4)) (i32.const 1))
    (global.set $g (i32.add (global.get $g) (i32.const 100)))
    (global.set $gl (i64.sub (global.get $gl) (i64.const 1)))
    (global.set $depth (i32.const -1))
    (i32.add (local.get $mine) (local.get $n)))
  (func (export "throw_indirect") (param $k i32)
    (global.set $g (i32.const 55))
    (i32.store (i32.const 800) (i32.const 55))
    (call_indirect (type $vi) (local.get $k) (i32.const 0))
    (global.set $g (i32.const 66))
    (i32.store (i32.const 800) (i32.const 66)))
  ;; The host's result is converted to i32 with ToInt32, which calls valueOf, which may throw.
  (func (export "convert") (param $k i32) (result i32)
    (global.set $g (i32.const 77))
    (i32.add (call $ret (local.get $k)) (block (result i32) (global.set $g (i32.const 88)) (i32.const 1))))
  (func (export "trap_after_writes") (param $d i32) (result i32)
    (i32.store (i32.const 900) (i32.const 9))
    (global.set $g (i32.const 99))
    (global.set $gl (i64.const -1))
    (global.set $depth (i32.const 99))
    (drop (i32.div_s (i32.const 1) (local.get $d)))
    (i32.store (i32.const 904) (i32.const 9))
    (global.set $g (i32.const 111))
    (global.set $depth (i32.const 111))
    (i32.const 5))
  (func (export "oob_after_writes") (param $a i32)
    (i32.store (i32.const 908) (i32.const 8))
    (global.set $g (i32.const 12))
    (i64.store (local.get $a) (i64.const -1))
    (global.set $g (i32.const 13)))
  (func (export "sum") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`;

const BYTES = watToWasm('host-throw.wat', WAT);

interface Host { exports?: Record<string, unknown> }

function hostImports(engine: Engine, hosts: Record<Engine, Host>): object {
  const host = hosts[engine];
  return {
    host: {
      call: (n: number, k: number) => (host.exports!.level as Fn)(n, k),
      throw: (k: number) => {
        if (k !== NO_THROW) throw THROWN[k];
      },
      ret: (k: number) => (k === NO_THROW ? 41 : { valueOf: () => { throw THROWN[k]; } }),
    },
  };
}

function newPair(wajit: Api = Wajit): Pair {
  const hosts: Record<Engine, Host> = { native: {}, wajit: {} };
  const p = new Pair('host-throw.wat', BYTES, (e) => hostImports(e, hosts), wajit);
  hosts.native.exports = p.native;
  hosts.wajit.exports = p.wajit;
  return p;
}

/** show() for any value, including objects without a prototype (which have no string conversion). */
function show(v: unknown): string {
  try {
    return showValue(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Calls f; returns what it threw (wrapped, so that a thrown undefined is told from no exception). */
function thrown(f: () => unknown): { value: unknown } | undefined {
  try {
    f();
  } catch (e) {
    return { value: e };
  }
  return undefined;
}

/** The own properties of an object (and its stack), to see that nothing was added or changed. */
function fingerprint(v: unknown): string | undefined {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return undefined;
  const keys = Reflect.ownKeys(v).map(String).sort().join(',');
  return `${keys}|${(v as { stack?: unknown }).stack}|${Object.getPrototypeOf(v) === null ? 'null' : (v as object).constructor?.name}`;
}

const memWord = (p: Pair, engine: Engine, at: number): number => new DataView((p[engine].mem as WasmMemory).buffer).getInt32(at, true);

for (const [mode, api] of [['eager', createWebAssembly({ lazy: false })], ['lazy', createWebAssembly({ lazy: true })]] as const) {
  describe(`host exceptions through wasm frames (${mode})`, () => {
    it('any thrown value arrives unchanged, through 1 to 30 levels of wasm -> JS -> wasm', () => {
      const fingerprints = THROWN.map(fingerprint);
      for (const depth of [0, 1, 2, 5, 30]) {
        for (let k = 0; k < THROWN.length; k++) {
          const p = newPair(api);
          for (const engine of ['native', 'wajit'] as const) {
            const t = thrown(() => (p[engine].level as Fn)(depth, k));
            expect(t, `${engine}: #${k} ${show(THROWN[k])} at depth ${depth} was not thrown`).toBeDefined();
            expect(Object.is(t!.value, THROWN[k]), `${engine}: got ${show(t!.value)} for ${show(THROWN[k])}`).toBe(true);
            expect(fingerprint(t!.value)).toBe(fingerprints[k]);
            // Every level wrote before going down; none got to write after.
            for (let n = 0; n <= depth; n++) expect(memWord(p, engine, n * 4)).toBe(n + 1);
            for (let n = 0; n <= depth; n++) expect(memWord(p, engine, 400 + n * 4)).toBe(0);
            expect(p[engine].depth as Fn).toBeTypeOf('function');
            expect((p[engine].depth as Fn)()).toBe(0);
            expect((p[engine].g as { value: number }).value).toBe(depth + 1);
            expect((p[engine].gl as { value: bigint }).value).toBe(BigInt(depth + 1) * 0x100000001n);
            expect((p[engine].f as Fn)()).toBe((depth + 1) * 0.5);
          }
          expect(p.stateDiff()).toBeNull();
          // The instance works afterwards: the same call without a throw completes every level.
          p.call('level', [depth, NO_THROW]);
          p.call('depth', []);
          p.call('f', []);
          p.call('sum', [2, 3]);
          expect(p.mismatches, summary(p.mismatches)).toEqual([]);
          expect(memWord(p, 'wajit', 400)).toBe(1);
          expect((p.wajit.depth as Fn)()).toBe(-1);
        }
      }
    });

    it('through call_indirect of an imported function, and from a conversion of its result (valueOf)', () => {
      const p = newPair(api);
      for (let k = 0; k < THROWN.length; k++) {
        for (const engine of ['native', 'wajit'] as const) {
          const viaTable = thrown(() => (p[engine].throw_indirect as Fn)(k));
          expect(viaTable !== undefined && Object.is(viaTable.value, THROWN[k]), `${engine} call_indirect #${k}`).toBe(true);
          expect((p[engine].g as { value: number }).value).toBe(55);
          expect(memWord(p, engine, 800)).toBe(55);
          const converted = thrown(() => (p[engine].convert as Fn)(k));
          expect(converted !== undefined && Object.is(converted.value, THROWN[k]), `${engine} valueOf #${k}`).toBe(true);
          expect((p[engine].g as { value: number }).value).toBe(77);
        }
        expect(p.stateDiff()).toBeNull();
      }
      p.call('throw_indirect', [NO_THROW]);
      p.call('convert', [NO_THROW]);
      // The table entry, called from JS, throws the same way.
      for (const engine of ['native', 'wajit'] as const) {
        const f = (p[engine].tab as { get(i: number): Fn }).get(0);
        const t = thrown(() => f(0));
        expect(t !== undefined && t.value === THROWN[0]).toBe(true);
      }
      expect(p.mismatches, summary(p.mismatches)).toEqual([]);
    });

    it('after a trap, writes made before it stay, none after, and the instance goes on', () => {
      const p = newPair(api);
      for (let round = 0; round < 3; round++) {
        const { native, wajit } = p.call('trap_after_writes', [0]);
        expect([native.kind, wajit.kind]).toEqual(['throw', 'throw']);
        expect((wajit as { error: Error }).error.message).toBe('integer divide by zero');
        expect(memWord(p, 'wajit', 900)).toBe(9);
        // Written only by the call without a trap, at the end of each round.
        expect(memWord(p, 'wajit', 904)).toBe(round === 0 ? 0 : 9);
        expect((p.wajit.g as { value: number }).value).toBe(99);
        expect((p.wajit.gl as { value: bigint }).value).toBe(-1n);
        p.call('depth', []);
        expect((p.wajit.depth as Fn)()).toBe(99);
        p.call('oob_after_writes', [65532]);
        expect(memWord(p, 'wajit', 908)).toBe(8);
        expect((p.wajit.g as { value: number }).value).toBe(12);
        // Nothing of the 8-byte store that did not fit was written (the store that fits comes later).
        expect(memWord(p, 'wajit', 65532)).toBe(round === 0 ? 0 : -1);
        p.call('oob_after_writes', [65528]);
        p.call('trap_after_writes', [1]);
        p.call('depth', []);
        p.call('level', [3, NO_THROW]);
        p.call('sum', [round, 1]);
      }
      expect(p.mismatches, summary(p.mismatches)).toEqual([]);
    });

    it('a throw from the start function fails instantiation with the same value, after its writes', () => {
      const start = watToWasm('start-throw.wat', `(module
        (import "host" "throw" (func $throw (param i32)))
        (import "host" "mem" (memory 1))
        (import "host" "g" (global $g (mut i32)))
        (func $start
          (i32.store (i32.const 16) (i32.const 5))
          (global.set $g (i32.const 6))
          (call $throw (global.get $g))
          (i32.store (i32.const 20) (i32.const 7)))
        (start $start))`);
      for (const k of [0, 2, 4, 8, 9, 12, 18, 21]) {
        for (const [engine, lib] of [['native', Native], ['wajit', api]] as const) {
          const mem = new lib.Memory({ initial: 1 });
          const g = new lib.Global({ value: 'i32', mutable: true }, 0);
          const imports = { host: { throw: () => { throw THROWN[k]; }, mem, g } };
          const t = thrown(() => new lib.Instance(new lib.Module(start), imports));
          expect(t !== undefined && Object.is(t.value, THROWN[k]), `${engine}: start throws #${k}, got ${show(t?.value)}`).toBe(true);
          const dv = new DataView(mem.buffer);
          expect([dv.getInt32(16, true), dv.getInt32(20, true), g.value]).toEqual([5, 0, 6]);
        }
      }
    });
  });
}
