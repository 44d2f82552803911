// Limits for untrusted code: fuel (counted at function entries and loop headers), a wall-clock timeout built
// on it, and a cap on memory pages, through createWebAssembly and `wajit run`.

import { describe, expect, it } from 'vitest';
import { watToWasm } from '../../diff/harness.js';
import { createWebAssembly, getFuel, setFuel, WebAssembly as WA } from '../../../src/index.js';

const BYTES = watToWasm('limits.wat', `(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "spin") (loop $l (global.set $g (i32.add (global.get $g) (i32.const 1))) (br $l)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))
      (else (i32.const 0))))
  (func $forever (export "forever") (call $forever))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);

type Exports = {
  spin(): void; rec(n: number): number; forever(): void; count(n: number): number; grow(n: number): number;
  g: { value: number };
};

async function make(opts: Parameters<typeof createWebAssembly>[0]) {
  const W = createWebAssembly(opts);
  const { instance } = await W.instantiate(BYTES);
  return { instance, x: instance.exports as unknown as Exports };
}

const trapOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  return 'no trap';
};

describe('fuel', () => {
  it('stops an infinite loop with "fuel exhausted", after the stores it made, and setFuel resumes', async () => {
    for (const lazy of [false, true]) {
      const { instance, x } = await make({ fuel: 100_000, lazy });
      expect(trapOf(() => x.spin())).toBe('RuntimeError: fuel exhausted');
      expect(getFuel(instance)).toBe(0);
      // The loop's work before the trap stays: about one iteration per 8 units of fuel.
      expect(x.g.value).toBeGreaterThan(5_000);
      expect(x.g.value).toBeLessThan(100_000);
      // Every later call traps too, until refuelled.
      expect(trapOf(() => x.count(3))).toBe('RuntimeError: fuel exhausted');
      setFuel(instance, 1000);
      expect(x.count(10)).toBe(10);
      const left = getFuel(instance);
      expect(left).toBeGreaterThan(800);
      expect(left).toBeLessThan(1000);
    }
  });

  it('counts function entries: unbounded recursion without loops ends in "fuel exhausted", not a stack overflow', async () => {
    const { x } = await make({ fuel: 5_000 });
    expect(trapOf(() => x.forever())).toBe('RuntimeError: fuel exhausted');
    expect(trapOf(() => x.rec(10_000))).toBe('RuntimeError: fuel exhausted');
  });

  it('charges in proportion to the work done and allows budgets beyond 2^31', async () => {
    const { instance, x } = await make({ fuel: 1e12 });
    const before = getFuel(instance);
    expect(x.count(1_000_000)).toBe(1_000_000);
    const used = before - getFuel(instance);
    expect(used).toBeGreaterThan(1_000_000);
    expect(used).toBeLessThan(20_000_000);
  });

  it('refuses bad options and instances without limits', async () => {
    expect(() => createWebAssembly({ fuel: -1 })).toThrow(TypeError);
    expect(() => createWebAssembly({ timeout: 0 })).toThrow(TypeError);
    expect(() => createWebAssembly({ maxMemoryPages: Number.NaN })).toThrow(TypeError);
    expect(() => createWebAssembly({ engine: 'interp', fuel: 10 })).toThrow(/interpreter/);
    const { instance: plain } = await WA.instantiate(BYTES);
    expect(() => getFuel(plain)).toThrow(TypeError);
    const { instance } = await make({ fuel: 10 });
    expect(() => setFuel(instance, -5)).toThrow(RangeError);
  });
});

describe('timeout', () => {
  it('ends a runaway call with "execution timed out", and the next call gets a fresh budget', async () => {
    const { x } = await make({ timeout: 200 });
    const t0 = performance.now();
    expect(trapOf(() => x.spin())).toBe('RuntimeError: execution timed out');
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(199);
    expect(took).toBeLessThan(5_000);
    expect(x.count(1000)).toBe(1000);
  });
});

describe('maxMemoryPages', () => {
  it('makes memory.grow fail past the cap and refuses a larger initial memory', async () => {
    const { x } = await make({ maxMemoryPages: 4 });
    expect(x.grow(2)).toBe(1);
    expect(x.grow(2)).toBe(-1);
    expect(x.grow(1)).toBe(3);
    expect(x.grow(1)).toBe(-1);
    const W = createWebAssembly({ maxMemoryPages: 0 });
    await expect(W.instantiate(BYTES)).rejects.toThrow(/above the limit of 0 pages/);
  });
});
