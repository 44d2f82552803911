// i64 division and remainder as generated code writes them out (compiler/codegen/func.ts, divide): each of its
// cases (both operands below 2^31, a wide divisor, a narrow one, the runtime helper) and the constant-divisor
// forms, against native WebAssembly on edge values, random values and quotients next to an integer, where the
// double estimate falls short.

import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { WebAssembly as WJ } from '../../../src/index.js';
import { INT64_EDGES, WA, int64, rng } from '../runtime/native.js';

const wabt = await wabtInit();

const OPS = ['div_s', 'div_u', 'rem_s', 'rem_u'] as const;
// Constant divisors: high word zero (narrow or small), high word nonzero (wide only), negative, and one.
const CONSTS = ['10', '3', '1', '0x7fffffff', '0xfffffffb', '0x100000000', '0x500000003', '-7', '-0x100000001', '0x7fffffffffffffff'];

const wat = `(module
  ${OPS.map((op) => `(func (export "${op}") (param i64 i64) (result i64) (i64.${op} (local.get 0) (local.get 1)))`).join('\n')}
  ${OPS.flatMap((op) => CONSTS.map((c, i) => `(func (export "${op}_c${i}") (param i64) (result i64) (i64.${op} (local.get 0) (i64.const ${c})))`)).join('\n')}
)`;

const mod = wabt.parseWat('divide.wat', wat, {});
mod.resolveNames();
mod.validate();
const bytes = mod.toBinary({}).buffer;
mod.destroy();
const ref = new WA.Instance(new WA.Module(bytes), {}).exports;
const mine = new WJ.Instance(new WJ.Module(bytes), {}).exports as Record<string, (...a: bigint[]) => bigint>;

/** Outcome of a call as a string: the value, or 'trap' (V8's trap messages are not the spec's). */
function run(f: () => bigint): string {
  try {
    return String(f());
  } catch (e) {
    if (e instanceof WA.RuntimeError || e instanceof WJ.RuntimeError) return 'trap';
    throw e;
  }
}

const r = rng(64);
const u64 = () => (BigInt(r() >>> 0) << 32n) | BigInt(r() >>> 0);
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const cases: [bigint, bigint][] = [];
for (const a of INT64_EDGES) for (const b of INT64_EDGES) cases.push([a, b]);
for (let i = 0; i < 2000; i++) cases.push([int64(r), int64(r)]);
for (let i = 0; i < 3000; i++) {
  const x = u64();
  const k = BigInt(i % 64);
  // Quotients within a hair of 2^k: the estimate's floor is one short for about half of them.
  cases.push([s64(x), s64((x >> k) | 3n)], [s64(x), s64(x >> k)], [s64(x), s64((x >> k) + 1n)]);
  // Narrow divisors: a product of two values below the divisor (the 64-bit a * b % m of modular arithmetic).
  const m = BigInt(r() >>> 0) | 1n;
  const a = BigInt(r() >>> 0) % m, b = BigInt(r() >>> 0) % m;
  cases.push([a * b, m], [s64(a * b * (k + 1n)), m], [s64(x), m], [s64(-(a * b)), m], [s64(a * b), -m]);
  // Exact multiples and their neighbours, wide and narrow.
  const d = i & 1 ? u64() >> BigInt(i % 40) : BigInt(r() >>> 0);
  if (d !== 0n) {
    const q = BigInt(r() >>> 0) % ((1n << 64n) / d);
    for (const e of [-1n, 0n, 1n]) cases.push([s64(q * d + e), s64(d)]);
  }
}

describe('i64 division written out in generated code', () => {
  for (const op of OPS) {
    it(`i64.${op} matches native on ${cases.length} operand pairs`, () => {
      let checked = 0;
      for (const [a, b] of cases) {
        expect(run(() => mine[op]!(a, b)), `${op}(${a}, ${b})`).toBe(run(() => ref[op](a, b)));
        checked++;
      }
      expect(checked).toBe(cases.length);
    });

    it(`i64.${op} by constants matches native`, () => {
      CONSTS.forEach((c, i) => {
        for (const [a] of cases.slice(0, 3000)) {
          expect(run(() => mine[`${op}_c${i}`]!(a)), `${op}(${a}, ${c})`).toBe(run(() => ref[`${op}_c${i}`](a)));
        }
      });
    });
  }

  it('traps on division by zero and on INT64_MIN / -1', () => {
    const MIN = -(1n << 63n);
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const op of OPS) expect(message(() => mine[op]!(5n, 0n))).toBe('integer divide by zero');
    expect(message(() => mine.div_s!(MIN, -1n))).toBe('integer overflow');
    expect(mine.rem_s!(MIN, -1n)).toBe(0n);
    expect(mine.div_s!(MIN, 1n)).toBe(MIN);
  });
});
