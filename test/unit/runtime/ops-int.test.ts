// Integer helpers of runtime/ops.ts against native WebAssembly (and BigInt) on edge and random inputs.

import { describe, expect, it } from 'vitest';
import * as ops from '../../../runtime/ops.js';
import { RI } from '../../../runtime/ret.js';
import { TRAP_MESSAGES } from '../../../runtime/abi.js';
import { big, int32, int64, INT32_EDGES, INT64_EDGES, native, outcome, pair, rng, trapMessage } from './native.js';

const N = 3000;

const I32_BIN = ['div_s', 'div_u', 'rem_s', 'rem_u', 'rotl', 'rotr'] as const;
const I32_UN = ['ctz', 'popcnt'] as const;
const I64_BIN = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const I64_UN = ['clz', 'ctz', 'popcnt'];
const I64_CMP = ['lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];

const ref = native(`(module
  ${I32_BIN.map((op) => `(func (export "i32_${op}") (param i32 i32) (result i32) (i32.${op} (local.get 0) (local.get 1)))`).join('\n')}
  ${I32_UN.map((op) => `(func (export "i32_${op}") (param i32) (result i32) (i32.${op} (local.get 0)))`).join('\n')}
  ${I64_BIN.map((op) => `(func (export "i64_${op}") (param i64 i64) (result i64) (i64.${op} (local.get 0) (local.get 1)))`).join('\n')}
  ${I64_UN.map((op) => `(func (export "i64_${op}") (param i64) (result i64) (i64.${op} (local.get 0)))`).join('\n')}
  ${I64_CMP.map((op) => `(func (export "i64_${op}") (param i64 i64) (result i32) (i64.${op} (local.get 0) (local.get 1)))`).join('\n')}
)`);

const DIV0 = TRAP_MESSAGES[3];
const OVERFLOW = TRAP_MESSAGES[4];

/** The trap message wasm specifies for a division or remainder, given its outcome. */
function divTrap(op: string, divisorIsZero: boolean): string {
  if (divisorIsZero) return DIV0!;
  return op.endsWith('div_s') ? OVERFLOW! : '(no trap expected)';
}

describe('i32 helpers', () => {
  const r = rng(1);
  const pairs: [number, number][] = [];
  for (const a of INT32_EDGES) for (const b of INT32_EDGES) pairs.push([a, b]);
  for (let i = 0; i < N; i++) pairs.push([int32(r), int32(r)]);

  for (const op of I32_BIN) {
    it(`i32.${op} matches native`, () => {
      const mine = (ops as any)[`i32_${op}`] as (a: number, b: number) => number;
      for (const [a, b] of pairs) {
        const want = outcome(() => ref[`i32_${op}`](a, b));
        if (want === 'trap') {
          expect(trapMessage(() => mine(a, b)), `${op}(${a}, ${b})`).toBe(divTrap(op, b === 0));
        } else {
          expect(mine(a, b), `${op}(${a}, ${b})`).toBe(want);
        }
      }
    });
  }

  for (const op of I32_UN) {
    it(`i32.${op} matches native`, () => {
      const mine = (ops as any)[`i32_${op}`] as (a: number) => number;
      for (const [a] of pairs) expect(mine(a), `${op}(${a})`).toBe(ref[`i32_${op}`](a));
    });
  }

  it('division traps: spec cases', () => {
    expect(trapMessage(() => ops.i32_div_s(-0x80000000, -1))).toBe('integer overflow');
    expect(ops.i32_rem_s(-0x80000000, -1)).toBe(0);
    expect(Object.is(ops.i32_rem_s(-5, 5), 0)).toBe(true);
    for (const f of [ops.i32_div_s, ops.i32_div_u, ops.i32_rem_s, ops.i32_rem_u]) {
      expect(trapMessage(() => f(1, 0))).toBe('integer divide by zero');
    }
    expect(ops.i32_div_u(-1, 2)).toBe(0x7fffffff);
    expect(ops.i32_div_u(-1, 1)).toBe(-1);
  });
});

describe('i64 pair helpers', () => {
  const r = rng(2);
  const pairs: [bigint, bigint][] = [];
  for (const a of INT64_EDGES) for (const b of INT64_EDGES) pairs.push([a, b]);
  for (let i = 0; i < N; i++) pairs.push([int64(r), int64(r)]);
  // Shift and rotate counts: any i64 works natively (count mod 64); the helper gets the low word.
  const counts = pairs.map(([, b], i) => (i % 3 === 0 ? BigInt.asIntN(64, b) : BigInt((i * 7) % 130) - 2n));

  for (const op of I64_BIN) {
    it(`i64.${op} matches native and stays int32`, () => {
      const mine = (ops as any)[`i64_${op}`] as (...a: number[]) => number;
      const isShift = op.startsWith('sh') || op.startsWith('rot');
      pairs.forEach(([a, b0], i) => {
        const b = isShift ? counts[i]! : b0;
        const want = outcome(() => ref[`i64_${op}`](a, b) as bigint);
        const [alo, ahi] = pair(a);
        const [blo, bhi] = pair(b);
        const call = () => (isShift ? mine(alo, ahi, blo) : mine(alo, ahi, blo, bhi));
        if (want === 'trap') {
          expect(trapMessage(call), `${op}(${a}, ${b})`).toBe(divTrap(op, b === 0n));
          return;
        }
        RI[0] = 12345;
        const lo = call();
        const hi = RI[0]!;
        expect(lo | 0, 'lo is int32').toBe(lo);
        expect(big(lo, hi), `${op}(${a}, ${b})`).toBe(want);
      });
    });
  }

  for (const op of I64_UN) {
    it(`i64.${op} matches native`, () => {
      const mine = (ops as any)[`i64_${op}`] as (lo: number, hi: number) => number;
      for (const [a] of pairs) expect(BigInt(mine(...pair(a))), `${op}(${a})`).toBe(ref[`i64_${op}`](a));
    });
  }

  for (const op of I64_CMP) {
    it(`i64.${op} matches native`, () => {
      const mine = (ops as any)[`i64_${op}`] as (...a: number[]) => number;
      for (const [a, b] of pairs) expect(mine(...pair(a), ...pair(b)), `${op}(${a}, ${b})`).toBe(ref[`i64_${op}`](a, b));
    });
  }

  it('division: spec trap cases and the edge of the double fast path', () => {
    const MIN = pair(-(1n << 63n));
    const M1 = pair(-1n);
    expect(trapMessage(() => ops.i64_div_s(MIN[0], MIN[1], M1[0], M1[1]))).toBe('integer overflow');
    expect(big(ops.i64_rem_s(MIN[0], MIN[1], M1[0], M1[1]), RI[0]!)).toBe(0n);
    for (const f of [ops.i64_div_s, ops.i64_div_u, ops.i64_rem_s, ops.i64_rem_u]) {
      expect(trapMessage(() => f(5, 0, 0, 0))).toBe('integer divide by zero');
    }
    // Dividends at the edge of the double fast path.
    const r2 = rng(3);
    for (let i = 0; i < N; i++) {
      const a = (BigInt(r2() & 0x3fffff) << 32n) + BigInt(r2() >>> 0) - (1n << 53n);
      const b = BigInt(r2() | 1) * BigInt((r2() & 3) + 1);
      for (const [name, want] of [['div_s', a / b], ['rem_s', a % b]] as const) {
        const lo = (ops as any)[`i64_${name}`](...pair(a), ...pair(b));
        expect(big(lo, RI[0]!), `${name}(${a}, ${b})`).toBe(want);
      }
    }
  });

  it('division of any magnitudes is exact (operands of every bit length, quotients near word edges)', () => {
    const r3i = rng(11);
    const r3 = () => r3i() >>> 0;
    // A value with `bits` significant bits, sometimes all ones or a power of two (the estimate's edge cases).
    const ofBits = (bits: number): bigint => {
      if (bits === 0) return 0n;
      const shape = r3() & 7;
      if (shape === 0) return (1n << BigInt(bits)) - 1n;
      if (shape === 1) return 1n << BigInt(bits - 1);
      const v = (BigInt(r3() >>> 0) << 32n) | BigInt(r3() >>> 0);
      return (v & ((1n << BigInt(bits)) - 1n)) | (1n << BigInt(bits - 1));
    };
    const U64 = (1n << 64n) - 1n;
    for (let i = 0; i < 20000; i++) {
      const ua = ofBits(r3() % 65);
      let ub = ofBits(1 + (r3() % 64));
      // Divisors near the dividend or near its multiples test the correction steps.
      if ((r3() & 3) === 0 && ua > 16n) ub = ua / BigInt(1 + (r3() & 7)) + BigInt((r3() % 3) - 1);
      const ws = (x: bigint) => BigInt.asIntN(64, x);
      const cases = [
        ['div_u', ua, ub, (ua / ub) & U64], ['rem_u', ua, ub, ua % ub],
        ['div_s', ws(ua), ws(ub), ws(ua) / ws(ub)], ['rem_s', ws(ua), ws(ub), ws(ua) % ws(ub)],
      ] as const;
      for (const [name, a, b, want] of cases) {
        if (name === 'div_s' && a === -(1n << 63n) && b === -1n) continue;
        const lo = (ops as any)[`i64_${name}`](...pair(a), ...pair(b));
        expect(BigInt.asUintN(64, big(lo, RI[0]!)), `${name}(${a}, ${b})`).toBe(BigInt.asUintN(64, want));
      }
    }
    // Multiples of a divisor of 33-64 bits plus a remainder near 0 or b (also one whose low word carries when
    // b is added back): where the double estimate of the quotient rounds to either side of the true one.
    for (let i = 0; i < 40000; i++) {
      let ub = ofBits(33 + (r3() % 32));
      const q = ofBits(r3() % 33);
      let ua = q * ub + [0n, 1n, ub - 1n, 0xffffffffn, BigInt(r3())][r3() % 5];
      if (i % 2 === 1) {
        // A low word near all ones and a small remainder: the estimate one too small, and taking b off again
        // borrows from the high word.
        const b = (ub & ~0xffffffffn) | BigInt(0xffffffff - (r3() & 0xff));
        const qb = ((BigInt(r3()) << 32n) | BigInt(r3())) % (U64 / b) + 1n;
        [ub, ua] = [b, qb * b + BigInt(r3() & 0xfff)];
      }
      if (ua > U64) continue;
      expect(BigInt.asUintN(64, big(ops.i64_div_u(...pair(ua), ...pair(ub)), RI[0]!)), `div_u(${ua}, ${ub})`).toBe(ua / ub);
      expect(BigInt.asUintN(64, big(ops.i64_rem_u(...pair(ua), ...pair(ub)), RI[0]!)), `rem_u(${ua}, ${ub})`).toBe(ua % ub);
    }
  });

  it('i64 shift counts use only the low six bits of the low word', () => {
    const [lo, hi] = pair(0x123456789abcdef0n);
    for (const n of [0, 1, 31, 32, 33, 63, 64, 65, -1, -64, 0x7fffffff]) {
      const k = BigInt(((n % 64) + 64) % 64);
      const shl = ops.i64_shl(lo, hi, n);
      expect(big(shl, RI[0]!)).toBe(BigInt.asIntN(64, 0x123456789abcdef0n << k));
    }
  });

  it('BigInt boundary conversions', () => {
    const r3 = rng(4);
    for (let i = 0; i < N; i++) {
      const b = int64(r3);
      const [lo, hi] = pair(b);
      expect(ops.i64_to_bigint(lo, hi)).toBe(b);
      RI[0] = 7;
      expect(ops.i64_from_bigint(b)).toBe(lo);
      expect(RI[0]).toBe(hi);
    }
    // Wrapping mod 2^64.
    expect(ops.i64_from_bigint((1n << 64n) + 5n)).toBe(5);
    expect(RI[0]).toBe(0);
    expect(ops.i64_from_bigint(1n << 63n)).toBe(0);
    expect(RI[0]).toBe(-0x80000000);
    expect(ops.i64_from_bigint(-(1n << 70n) - 1n)).toBe(-1);
    expect(RI[0]).toBe(-1);
  });
});
