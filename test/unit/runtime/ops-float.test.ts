// Float helpers of runtime/ops.ts (conversions, min/max, nearest, copysign, bit casts) against native
// WebAssembly. NaN payloads are compared on bits, computed inside wasm so no JS boundary can touch them.

import { describe, expect, it } from 'vitest';
import * as ops from '../../../runtime/ops.js';
import { RI } from '../../../runtime/ret.js';
import { big, int64, native, outcome, pair, rng, trapMessage } from './native.js';

const N = 4000;

const ref = native(`(module
  ${['i32', 'i64'].flatMap((i) => ['f32', 'f64'].flatMap((f) => ['s', 'u'].flatMap((s) => [
    `(func (export "${i}_trunc_${f}_${s}") (param ${f}) (result ${i}) (${i}.trunc_${f}_${s} (local.get 0)))`,
    `(func (export "${i}_trunc_sat_${f}_${s}") (param ${f}) (result ${i}) (${i}.trunc_sat_${f}_${s} (local.get 0)))`,
  ]))).join('\n')}
  ${['f32', 'f64'].flatMap((f) => ['s', 'u'].map((s) =>
    `(func (export "${f}_convert_i64_${s}") (param i64) (result ${f}) (${f}.convert_i64_${s} (local.get 0)))`)).join('\n')}
  (func (export "f64_bits_min") (param i64 i64) (result i64)
    (i64.reinterpret_f64 (f64.min (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1)))))
  (func (export "f64_bits_max") (param i64 i64) (result i64)
    (i64.reinterpret_f64 (f64.max (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1)))))
  (func (export "f32_bits_min") (param i32 i32) (result i32)
    (i32.reinterpret_f32 (f32.min (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (local.get 1)))))
  (func (export "f32_bits_max") (param i32 i32) (result i32)
    (i32.reinterpret_f32 (f32.max (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (local.get 1)))))
  (func (export "f64_bits_copysign") (param i64 i64) (result i64)
    (i64.reinterpret_f64 (f64.copysign (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1)))))
  (func (export "f32_bits_copysign") (param i32 i32) (result i32)
    (i32.reinterpret_f32 (f32.copysign (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (local.get 1)))))
  (func (export "f64_bits_nearest") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.nearest (f64.reinterpret_i64 (local.get 0)))))
  (func (export "f32_bits_nearest") (param i32) (result i32)
    (i32.reinterpret_f32 (f32.nearest (f32.reinterpret_i32 (local.get 0)))))
)`);

const f64 = (b: bigint): number => ops.f64_from_bits(...pair(b));
const bits64 = (x: number): bigint => big(ops.i64_reinterpret_f64(x), RI[0]!);
const nextUp = (x: number): number => (x >= 0 ? f64(bits64(x) + 1n) : f64(bits64(x) - 1n));
const nextDown = (x: number): number => -nextUp(-x);

/** Doubles around every boundary the conversions care about, and special values. */
const EDGE_F64: number[] = (() => {
  const out = [0, -0, Infinity, -Infinity, NaN, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
    4503599627370495.5, -4503599627370495.5, 2 ** 52, 2 ** 52 + 1, 2 ** 53, 5e-324, -5e-324, 1e-300, Number.MAX_VALUE,
    -Number.MAX_VALUE, 0.99, -0.99, 0.9999999999999999, -0.9999999999999999, 3.5, -3.5, 4.5, 1e20, -1e20];
  for (const p of [31, 32, 63, 64]) {
    for (const base of [2 ** p, -(2 ** p), 2 ** p - 1, -(2 ** p) - 1, 2 ** p + 1, 2 ** p - 0.5, -(2 ** p) - 0.9]) {
      out.push(base, nextUp(base), nextDown(base), Math.fround(base), nextUp(Math.fround(base)), nextDown(Math.fround(base)));
    }
  }
  out.push(-2147483648.9, -2147483649, 2147483647.9, 4294967295.9, -1, nextUp(-1));
  return out;
})();

function randomF64(r: () => number): number {
  const k = (r() >>> 0) % 4;
  if (k === 0) return f64(big(r(), r())); // any bit pattern, NaNs included
  if (k === 1) return (r() / 0x10000) * 2 ** ((r() >>> 0) % 70); // scaled around the integer ranges
  if (k === 2) return Math.trunc(r() / 4) + ((r() >>> 0) % 4) / 4; // small with .25 steps (ties)
  return EDGE_F64[(r() >>> 0) % EDGE_F64.length]! * (r() & 1 ? 1 : -1);
}

function randomF32(r: () => number): number {
  return (r() >>> 0) % 2 === 0 ? ops.f32_from_bits(r()) : Math.fround(randomF64(r));
}

function sameFloat(got: number, want: number, what: string): void {
  if (want !== want) expect(got !== got, `${what}: NaN expected, got ${got}`).toBe(true);
  else expect(Object.is(got, want), `${what}: got ${got}, want ${want}`).toBe(true);
}

describe('float -> int', () => {
  const r = rng(10);
  const f64s = [...EDGE_F64, ...Array.from({ length: N }, () => randomF64(r))];
  const f32s = [...EDGE_F64.map(Math.fround), ...Array.from({ length: N }, () => randomF32(r))];

  for (const i of ['i32', 'i64']) {
    for (const s of ['s', 'u']) {
      for (const [f, inputs] of [['f32', f32s], ['f64', f64s]] as const) {
        it(`${i}.trunc_${f}_${s} and trunc_sat match native`, () => {
          const trunc = (ops as any)[`${i}_trunc_${s}`] as (x: number) => number;
          const sat = (ops as any)[`${i}_trunc_sat_${s}`] as (x: number) => number;
          const read = (lo: number) => (i === 'i32' ? lo : big(lo, RI[0]!));
          for (const x of inputs) {
            const want = outcome(() => ref[`${i}_trunc_${f}_${s}`](x));
            if (want === 'trap') {
              const msg = x !== x ? 'invalid conversion to integer' : 'integer overflow';
              expect(trapMessage(() => trunc(x)), `trunc(${x})`).toBe(msg);
            } else {
              expect(read(trunc(x)), `trunc(${x})`).toBe(want);
            }
            expect(read(sat(x)), `trunc_sat(${x})`).toBe(ref[`${i}_trunc_sat_${f}_${s}`](x));
          }
        });
      }
    }
  }

  it('exact boundaries', () => {
    expect(ops.i32_trunc_s(-2147483648.9)).toBe(-2147483648);
    expect(trapMessage(() => ops.i32_trunc_s(-2147483649))).toBe('integer overflow');
    expect(trapMessage(() => ops.i32_trunc_s(2147483648))).toBe('integer overflow');
    expect(ops.i32_trunc_u(-0.99)).toBe(0);
    expect(ops.i32_trunc_u(4294967295.9)).toBe(-1);
    expect(trapMessage(() => ops.i32_trunc_u(-1))).toBe('integer overflow');
    expect(trapMessage(() => ops.i32_trunc_u(NaN))).toBe('invalid conversion to integer');
    expect(big(ops.i64_trunc_s(-(2 ** 63)), RI[0]!)).toBe(-(1n << 63n));
    expect(trapMessage(() => ops.i64_trunc_s(2 ** 63))).toBe('integer overflow');
    expect(big(ops.i64_trunc_u(nextDown(2 ** 64)), RI[0]!)).toBe(BigInt.asIntN(64, (1n << 64n) - 2048n));
    expect(trapMessage(() => ops.i64_trunc_u(2 ** 64))).toBe('integer overflow');
  });
});

describe('int -> float', () => {
  const r = rng(11);
  const values: bigint[] = [];
  for (let i = 0; i < N; i++) values.push(int64(r));
  // Values where float32 rounding is decided by bits below float64's precision, and near-ties.
  values.push(0x0020000020000001n, 0x0020000020000000n, -0x0020000020000001n, 0x7fffff4000000001n,
    0x8000008000000001n, -0x7fffff4000000001n, 0xfffffe8000000001n, (1n << 63n) - 1n, -(1n << 63n));
  for (let i = 0; i < N; i++) {
    const m = BigInt((r() >>> 8) | 0x800000); // a 24-bit significand
    const shift = BigInt(1 + ((r() >>> 0) % 40));
    const tie = 1n << (shift - 1n);
    const low = BigInt((r() >>> 0) % 3) - 1n; // just below, at, or just above the tie
    values.push(BigInt.asIntN(64, (m << shift) + tie + low), BigInt.asIntN(64, -((m << shift) + tie + low)));
  }

  for (const f of ['f32', 'f64']) {
    for (const s of ['s', 'u']) {
      it(`${f}.convert_i64_${s} rounds once, as native`, () => {
        const mine = (ops as any)[`${f}_convert_i64_${s}`] as (lo: number, hi: number) => number;
        for (const v of values) sameFloat(mine(...pair(v)), ref[`${f}_convert_i64_${s}`](v), `${f}.convert_i64_${s}(${v})`);
      });
    }
  }

  it('the spec example 0x0020_0000_2000_0001', () => {
    expect(ops.f32_convert_i64_s(...pair(0x0020000020000001n))).toBe(9007200328482816);
    expect(ops.f32_convert_i64_u(...pair(0x0020000020000001n))).toBe(9007200328482816);
  });
});

describe('min, max, nearest, copysign', () => {
  const r = rng(12);
  const d64 = EDGE_F64.map(bits64);
  const nan64 = [0x7ff8000000000000n, -0x8000000000000n, 0x7ff0000000000001n, 0x7ff4000000000000n,
    -0x0008000000000001n, 0x7fffffffffffffffn].map((b) => BigInt.asIntN(64, b));
  const all64 = [...d64, ...nan64, ...Array.from({ length: N }, () => big(r(), r()))];
  const all32 = [...EDGE_F64.map((x) => ops.i32_reinterpret_f32(Math.fround(x))), 0x7fc00000, 0x7fa00000, -0x3fffff,
    0x7fc12345, ...Array.from({ length: N }, () => r())];

  const isNaN64 = (b: bigint) => (b & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b & 0xfffffffffffffn) !== 0n;
  const isNaN32 = (b: number) => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;

  it('fmin/fmax (f64): exact for numbers, a quiet NaN when either is NaN', () => {
    for (let i = 0; i < all64.length; i++) {
      const a = all64[i]!, b = all64[(i * 7 + 3) % all64.length]!;
      for (const op of ['min', 'max'] as const) {
        const got = bits64(ops[`f${op}`](f64(a), f64(b)));
        const want = ref[`f64_bits_${op}`](a, b) as bigint;
        if (isNaN64(want)) expect(isNaN64(got) && (got & 0x8000000000000n) !== 0n, `${op}(${a}, ${b})`).toBe(true);
        else expect(got, `${op}(${a}, ${b})`).toBe(want);
      }
    }
    expect(Object.is(ops.fmin(0, -0), -0)).toBe(true);
    expect(Object.is(ops.fmin(-0, 0), -0)).toBe(true);
    expect(Object.is(ops.fmax(-0, 0), 0)).toBe(true);
    expect(Object.is(ops.fmax(0, -0), 0)).toBe(true);
  });

  it('fmin/fmax (f32 values)', () => {
    for (let i = 0; i < all32.length; i++) {
      const a = all32[i]!, b = all32[(i * 5 + 1) % all32.length]!;
      for (const op of ['min', 'max'] as const) {
        const got = ops.i32_reinterpret_f32(ops[`f${op}`](ops.f32_from_bits(a), ops.f32_from_bits(b)));
        const want = ref[`f32_bits_${op}`](a, b) as number;
        if (isNaN32(want)) expect(isNaN32(got) && (got & 0x400000) !== 0, `${op}(${a}, ${b})`).toBe(true);
        else expect(got, `${op}(${a}, ${b})`).toBe(want);
      }
    }
  });

  it('fnearest rounds half to even and keeps -0 (f64 and f32)', () => {
    for (const b of all64) {
      const want = ref.f64_bits_nearest(b) as bigint;
      const got = bits64(ops.fnearest(f64(b)));
      if (isNaN64(want)) expect(isNaN64(got), `nearest(${b})`).toBe(true);
      else expect(got, `nearest(${f64(b)})`).toBe(want);
    }
    for (const b of all32) {
      const want = ref.f32_bits_nearest(b) as number;
      const got = ops.i32_reinterpret_f32(ops.fnearest(ops.f32_from_bits(b)));
      if (isNaN32(want)) expect(isNaN32(got), `nearest32(${b})`).toBe(true);
      else expect(got, `nearest32(${ops.f32_from_bits(b)})`).toBe(want);
    }
    expect(Object.is(ops.fnearest(-0.5), -0)).toBe(true);
    expect(Object.is(ops.fnearest(-0.2), -0)).toBe(true);
    expect(Object.is(ops.fnearest(0.5), 0)).toBe(true);
    expect(ops.fnearest(2.5)).toBe(2);
    expect(ops.fnearest(-3.5)).toBe(-4);
    expect(ops.fnearest(0.49999999999999994)).toBe(0);
  });

  it('fcopysign works on bits: NaN signs and payloads are kept (f64 and f32)', () => {
    for (let i = 0; i < all64.length; i++) {
      const a = all64[i]!, b = all64[(i * 11 + 5) % all64.length]!;
      expect(bits64(ops.fcopysign(f64(a), f64(b))), `copysign(${a}, ${b})`).toBe(ref.f64_bits_copysign(a, b));
    }
    for (let i = 0; i < all32.length; i++) {
      const a = all32[i]!, b = all32[(i * 11 + 5) % all32.length]!;
      if (isNaN32(a) && (a & 0x400000) === 0) continue; // a signalling f32 NaN cannot reach JS (abi.ts)
      const got = ops.i32_reinterpret_f32(ops.fcopysign(ops.f32_from_bits(a), ops.f32_from_bits(b)));
      expect(got, `copysign32(${a}, ${b})`).toBe(ref.f32_bits_copysign(a, b));
    }
  });
});

describe('bit casts', () => {
  const r = rng(13);

  it('f64 <-> i64 keeps every bit pattern, signalling NaNs included', () => {
    const pats = [0x7ff0000000000001n, 0x7ff4000000000000n, -0x000fffffffffffffn, 0x7ff8000000000000n, 0xfff7ffffn];
    for (let i = 0; i < N; i++) pats.push(big(r(), r()));
    for (const p of pats) {
      const [lo, hi] = pair(p);
      RI[0] = 0;
      expect(ops.i64_reinterpret_f64(ops.f64_reinterpret_i64(lo, hi))).toBe(lo);
      expect(RI[0]).toBe(hi);
    }
  });

  it('f32 <-> i32 keeps non-NaNs and quiet NaN payloads; a signalling NaN keeps its payload, maybe quieted', () => {
    for (let i = 0; i < N; i++) {
      const b = r();
      const back = ops.i32_reinterpret_f32(ops.f32_reinterpret_i32(b));
      const sNaN = (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0 && (b & 0x400000) === 0;
      // Whether V8 quiets depends on the tier: the float32 -> float64 widening quiets, but optimized code
      // may fold a widening followed by a narrowing away (seen on Node 20 and 24).
      if (sNaN) expect([b, b | 0x400000], `bits ${b.toString(16)}`).toContain(back);
      else expect(back, `bits ${b.toString(16)}`).toBe(b);
    }
    expect(ops.i32_reinterpret_f32(ops.f32_from_bits(0x7fc12345))).toBe(0x7fc12345);
    expect(ops.i32_reinterpret_f32(ops.f32_from_bits(-0x3fffff))).toBe(-0x3fffff);
    expect(Object.is(ops.f32_from_bits(0x80000000 | 0), -0)).toBe(true);
    expect(ops.f32_from_bits(0x3fc00000)).toBe(1.5);
  });

  it('f64_from_bits builds constants', () => {
    expect(ops.f64_from_bits(0, 0x3ff80000)).toBe(1.5);
    expect(Object.is(ops.f64_from_bits(0, -0x80000000), -0)).toBe(true);
    expect(ops.f64_from_bits(1, 0)).toBe(5e-324);
  });
});
