// The interpreter (compiler/interp/) against the compiler: the WAT modules of test/diff/wat/ and the C
// programs of test/diff/c/ run under both engines with the same calls (see pair.ts), plus a few checks of
// what only an engine switch can get wrong: instantiation order, cross-engine imports, multi-value and i64
// results through the raw calling convention, stack exhaustion.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebAssembly as Compiled } from '../../src/index.js';
import { Rng, loadWat, watToWasm, type DriveOptions } from '../diff/harness.js';
import { EnginePair, Interp } from './pair.js';

function agree(p: EnginePair): void {
  expect(p.mismatches.slice(0, 20).join('\n')).toBe('');
  expect(p.stats.calls).toBeGreaterThan(0);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** The WAT modules, with the argument choices of test/diff/wat.test.ts where random ones would not do. */
const WATS: readonly [string, DriveOptions][] = [
  ['i32', {}], ['i64', {}], ['f32', {}], ['f64', {}], ['conv', { random: 200 }], ['memory', {}], ['globals', {}],
  ['multi', {}], ['order', { args: { reset: [[0], [1], [-1], [0x12345]] } }], ['bulk', { random: 200 }],
  ['control', { args: { br_table_40: [...range(-3, 45).map((i) => [i]), [0x7fffffff], [-0x80000000]] } }],
  ['grow', { only: ['load', 'store', 'size', 'grow', 'grow_and_touch', 'load8'], args: { grow: [[0], [-1], [3], [65536], [1]], grow_and_touch: [[0], [1]] } }],
  ['grow0', { only: ['load', 'store', 'size'] }],
  ['calls', {
    skip: ['forever', 'forever_indirect'],
    args: {
      fact: range(-2, 26).map((n) => [BigInt(n)]), even: [[0], [1], [2], [3], [500]], depth: [[0], [1], [100], [500]],
      grow: [[0], [1], [2], [5], [-1], [1]], ext_grow: [[null, 0], ['x', 2], [{}, 100], [7, -1]],
    },
  }],
];

describe('interpreter vs compiler: WAT modules', () => {
  for (const [name, opts] of WATS) {
    it(`${name}.wat`, () => {
      const p = new EnginePair(name, loadWat(`${name}.wat`));
      expect(p.stateDiff(), 'state right after instantiation').toBeNull();
      p.drive({ seed: name.length * 31, random: 40, ...opts });
      agree(p);
    });
  }
});

const C = (name: string): EnginePair => new EnginePair(name, readFileSync(new URL(`../diff/c/${name}.wasm`, import.meta.url)));

function randomBytes(r: Rng, n: number, nonZero = false): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = nonZero ? 1 + r.below(255) : r.below(256);
  return b;
}

describe('interpreter vs compiler: C programs', () => {
  it('hash.c', () => {
    const p = C('hash');
    const r = new Rng(1);
    const buf = p.value('buf');
    const size = p.value('buf_size');
    for (const n of [0, 1, 7, 8, 9, 33, 100, 1000]) {
      p.write('memory', buf, randomBytes(r, Math.min(size, 2000)));
      p.call('fnv1a', [buf, n]);
      p.call('fnv1a32', [buf, n]);
      p.call('blockhash', [buf, n, r.u64()]);
    }
    p.call('fnv1a', [131072 - 10, 20]);
    p.drive({ seed: 2, only: ['mix64', 'digit_sum', 'gcd', 'powmod'], random: 60 });
    agree(p);
  });

  it('sort.c', () => {
    const p = C('sort');
    const r = new Rng(3);
    for (const n of [0, 1, 2, 3, 10, 100, 500]) {
      const seed = r.u32() | 0;
      p.call('fill_lcg', [n, seed]);
      p.call('quicksort', [n]);
      p.call('is_sorted', [n]);
      p.call('checksum', [n]);
      p.call('fill_lcg', [n, seed ^ 1]);
      p.call('mergesort', [n]);
      p.call('checksum', [n]);
    }
    for (let n = -1; n <= 12; n++) p.call('stairs', [n]);
    for (let m = 0; m <= 2; m++) for (const n of [0, 1, 5]) p.call('ackermann', [m, n]);
    agree(p);
  });

  it('fmath.c', () => {
    const p = C('fmath');
    p.drive({ seed: 4, skip: ['simpson', 'mandel', 'welford'], random: 60 });
    const r = new Rng(5);
    for (let i = 0; i < 10; i++) {
      p.call('simpson', [(r.u32() - 2 ** 31) / 2 ** 28, (r.u32() - 2 ** 31) / 2 ** 28, r.below(300)]);
      p.call('mandel', [(r.u32() / 2 ** 32) * 3 - 2, (r.u32() / 2 ** 32) * 2.4 - 1.2, r.below(200)]);
      p.call('welford', [r.u32() | 0, r.below(500)]);
    }
    agree(p);
  });

  it('str.c', () => {
    const p = C('str');
    const r = new Rng(6);
    const inp = p.value('in');
    const out = p.value('out');
    for (let i = 0; i < 20; i++) {
      const s = randomBytes(r, r.below(200), true);
      const z = new Uint8Array(s.length + 1);
      z.set(s);
      p.write('memory', inp, z);
      for (const f of ['strlen', 'words', 'signed_sum', 'palindrome', 'parse_i64']) p.call(f, [inp]);
      p.call('rle', [inp, out]);
      p.call('reverse', [inp]);
      p.call('upper', [inp]);
    }
    for (let i = 0; i < 20; i++) p.call('format_i64', [BigInt.asIntN(64, r.u64()), out]);
    p.call('strlen', [131072]);
    agree(p);
  });
});

describe('interpreter: engine plumbing', () => {
  it('returns multiple values and i64 results through the raw convention, across engines', () => {
    const bytes = watToWasm('mv', `(module
      (func $swap (export "swap") (param i64 f32 i32) (result i32 f32 i64)
        local.get 2 local.get 1 local.get 0)
      (func (export "wrap") (param i64) (result i64 i64)
        (call $swap (local.get 0) (f32.const 1.5) (i32.const 7))
        (local.set 0) drop drop
        (i64.add (local.get 0) (i64.const -1))
        (i64.const 0x1234567890)))`);
    const i = new Interp.Instance(new Interp.Module(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
    expect(i.swap!(-5n, 2.5, 9)).toEqual([9, 2.5, -5n]);
    expect(i.wrap!(1n << 40n)).toEqual([(1n << 40n) - 1n, 0x1234567890n]);
    // A compiled module importing the interpreted function calls its raw function directly.
    const user = watToWasm('user', `(module (import "m" "swap" (func $s (param i64 f32 i32) (result i32 f32 i64)))
      (func (export "f") (result i64) (local i64)
        (call $s (i64.const -9) (f32.const 0) (i32.const 0)) (local.set 0) drop drop (local.get 0)))`);
    const c = new Compiled.Instance(new Compiled.Module(user), { m: { swap: i.swap } }).exports as Record<string, () => unknown>;
    expect(c.f!()).toBe(-9n);
  });

  it('applies segments in order and traps part-way, as instantiation requires', () => {
    const bytes = watToWasm('seg', `(module (memory (export "mem") 1)
      (data (i32.const 0) "ab") (data (i32.const 65535) "cd"))`);
    const mem = new Interp.Memory({ initial: 1 });
    const imp = watToWasm('segi', `(module (import "m" "mem" (memory 1))
      (data (i32.const 0) "ab") (data (i32.const 65535) "cd"))`);
    expect(() => new Interp.Module(bytes)).not.toThrow();
    expect(() => new Interp.Instance(new Interp.Module(bytes))).toThrow(Interp.RuntimeError);
    expect(() => new Interp.Instance(new Interp.Module(imp), { m: { mem } })).toThrow('out of bounds memory access');
    expect([...new Uint8Array(mem.buffer, 0, 2)]).toEqual([97, 98]);
  });

  it('turns runaway recursion into a RuntimeError', () => {
    const bytes = watToWasm('rec', `(module (func $f (export "f") (param i32) (result i32)
      (i32.add (call $f (local.get 0)) (i32.const 1))))`);
    const i = new Interp.Instance(new Interp.Module(bytes)).exports as Record<string, (x: number) => number>;
    expect(() => i.f!(0)).toThrow('call stack exhausted');
  });

  it('has the shape of the WebAssembly namespace and keeps the default engine unchanged', () => {
    expect(Object.keys(Interp).sort()).toEqual(Object.keys(Compiled).sort());
    expect(Object.prototype.toString.call(Interp)).toBe('[object WebAssembly]');
    const bytes = watToWasm('k', '(module (func (export "k") (result i32) (i32.const 42)))');
    expect(Interp.Module.exports(new Interp.Module(bytes))).toEqual([{ name: 'k', kind: 'function' }]);
    expect(new Compiled.Module(bytes)).not.toBeInstanceOf(Interp.Module);
    expect(new Interp.Module(bytes)).toBeInstanceOf(Compiled.Module);
  });
});
