// Semantics of the WebAssembly operators that are not one JS operator, written once: generated code calls
// them, constant folding calls them, and the tests check them against BigInt and native WebAssembly.
//
// Conventions (abi.ts): integer arguments are int32 JS numbers (possibly negative) and int32 results carry
// `| 0`; an i64 is a pair (lo, hi) of int32s; a helper producing an i64 returns lo and writes hi to RI[0];
// f32 values are doubles holding a float32 value. Helpers stay small and monomorphic so V8 inlines them;
// the rare slow paths (BigInt division, traps) live in separate functions.

import { Trap } from './abi.js';
import { RI } from './ret.js';
import { trap } from './trap.js';

// Scratch views for bit casts. Typed arrays copy bits verbatim, so NaN payloads survive (a plain JS array of
// doubles would silence a signalling NaN). Index 0 of the Int32Array is the low word on a little-endian host.
const F64 = new Float64Array(1);
const F32 = new Float32Array(F64.buffer, 0, 1);
const I32 = new Int32Array(F64.buffer);
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('wajit runtime needs a little-endian host');

const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

// ---------------------------------------------------------------------------------------------------------
// i32

export function i32_div_s(a: number, b: number): number {
  if (b === 0) trap(Trap.DivideByZero);
  if (a === -2147483648 && b === -1) trap(Trap.IntegerOverflow);
  // The double quotient of two int32s is never rounded across an integer, so truncation is exact.
  return (a / b) | 0;
}

export function i32_div_u(a: number, b: number): number {
  if (b === 0) trap(Trap.DivideByZero);
  return ((a >>> 0) / (b >>> 0)) | 0;
}

export function i32_rem_s(a: number, b: number): number {
  if (b === 0) trap(Trap.DivideByZero);
  // JS % takes the dividend's sign, as wasm does; INT_MIN % -1 is -0, which | 0 turns into 0.
  return (a % b) | 0;
}

export function i32_rem_u(a: number, b: number): number {
  if (b === 0) trap(Trap.DivideByZero);
  return ((a >>> 0) % (b >>> 0)) | 0;
}

export function i32_ctz(x: number): number {
  // x & -x isolates the lowest set bit.
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export function i32_popcnt(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function i32_rotl(x: number, n: number): number {
  // JS shift counts are taken mod 32, so -n stands for 32 - n and n = 0 gives x | x.
  return (x << n) | (x >>> -n);
}

export function i32_rotr(x: number, n: number): number {
  return (x >>> n) | (x << -n);
}

// ---------------------------------------------------------------------------------------------------------
// float -> int. `x` is a double holding an f32 or f64 value. The range tests compare against exact powers of
// two: every double strictly between the limits truncates into range, e.g. -2147483648.9 for trunc_s.

export function i32_trunc_s(x: number): number {
  if (x !== x) trap(Trap.InvalidConversion);
  if (x >= 2147483648 || x <= -2147483649) trap(Trap.IntegerOverflow);
  return x | 0;
}

export function i32_trunc_u(x: number): number {
  if (x !== x) trap(Trap.InvalidConversion);
  if (x >= 4294967296 || x <= -1) trap(Trap.IntegerOverflow);
  return x | 0;
}

export function i32_trunc_sat_s(x: number): number {
  if (x !== x) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return x | 0;
}

export function i32_trunc_sat_u(x: number): number {
  if (x !== x || x <= 0) return 0;
  if (x >= 4294967295) return -1;
  return x | 0;
}

// For |t| < 2^64, t an integer: ToInt32 (| 0) takes t mod 2^32 exactly for any double, and t / 2^32 is
// exact, so floor gives the high word.
function splitInt(t: number): number {
  RI[0] = Math.floor(t / TWO32) | 0;
  return t | 0;
}

export function i64_trunc_s(x: number): number {
  if (x !== x) trap(Trap.InvalidConversion);
  // -2^63 is a double; the next double below it is already out of range.
  if (x >= TWO63 || x < -TWO63) trap(Trap.IntegerOverflow);
  return splitInt(Math.trunc(x));
}

export function i64_trunc_u(x: number): number {
  if (x !== x) trap(Trap.InvalidConversion);
  if (x >= TWO64 || x <= -1) trap(Trap.IntegerOverflow);
  return splitInt(Math.trunc(x));
}

export function i64_trunc_sat_s(x: number): number {
  if (x !== x) { RI[0] = 0; return 0; }
  if (x >= TWO63) { RI[0] = 0x7fffffff; return -1; }
  if (x <= -TWO63) { RI[0] = -2147483648; return 0; }
  return splitInt(Math.trunc(x));
}

export function i64_trunc_sat_u(x: number): number {
  if (x !== x || x <= 0) { RI[0] = 0; return 0; }
  if (x >= TWO64) { RI[0] = -1; return -1; }
  return splitInt(Math.trunc(x));
}

// ---------------------------------------------------------------------------------------------------------
// floats

export function fmin(a: number, b: number): number {
  // Math.min already orders -0 below +0; the explicit test makes every NaN input give the canonical NaN.
  return a !== a || b !== b ? NaN : Math.min(a, b);
}

export function fmax(a: number, b: number): number {
  return a !== a || b !== b ? NaN : Math.max(a, b);
}

export function fnearest(x: number): number {
  if (x !== x) return x + 0;
  // Math.round rounds ties up and keeps -0 for x in [-0.5, 0]; undo the tie when it lands on an odd number.
  // r - x is exact. For an f32 x the result is an f32 too (integers that big are all representable).
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function fcopysign(a: number, b: number): number {
  F64[0] = b;
  const sign = I32[1]! & 0x80000000;
  F64[0] = a;
  I32[1] = (I32[1]! & 0x7fffffff) | sign;
  return F64[0]!;
}

// f32 NaNs. Generated code holds an f32 in a double. Widening a float32 NaN in hardware sets its quiet bit,
// so a signalling f32 NaN would not survive; instead wajit carries an f32 NaN as the double NaN with the same
// sign and the payload shifted into the top of the double's mantissa, quiet bit included or not. For a quiet
// NaN that is exactly what the hardware produces; a signalling one becomes a signalling double, which V8
// keeps intact in locals, parameters, object fields and typed arrays. The helpers below convert at the edges
// (bit casts, loads, stores); arithmetic quiets such a NaN as wasm requires.

/** The f32 with bit pattern `i`, NaN payloads (signalling ones too) kept as described above. */
export function f32_reinterpret_i32(i: number): number {
  if ((i & 0x7f800000) === 0x7f800000 && (i & 0x7fffff) !== 0) {
    I32[1] = (i & 0x80000000) | 0x7ff00000 | ((i & 0x7fffff) >>> 3);
    I32[0] = (i & 7) << 29;
    return F64[0]!;
  }
  I32[0] = i;
  return F32[0]!;
}

/** The bit pattern of an f32 held in a double; the inverse of f32_reinterpret_i32. */
export function i32_reinterpret_f32(x: number): number {
  if (x !== x) {
    F64[0] = x;
    const hi = I32[1]!;
    // A NaN with payload only below the float32 mantissa cannot come from f32 code; keep it a NaN anyway.
    const p = (((hi & 0xfffff) << 3) | (I32[0]! >>> 29)) || 0x400000;
    return (hi & 0x80000000) | 0x7f800000 | p;
  }
  F32[0] = x;
  return I32[0]!;
}

/** f32.load: the DataView read, except that a NaN is rebuilt from its bits so its payload is kept. */
export function f32_load(dv: DataView, ea: number): number {
  const x = dv.getFloat32(ea, true);
  return x === x ? x : f32_reinterpret_i32(dv.getInt32(ea, true));
}

/** f32.store: a NaN is written from its bits (a hardware narrowing would quiet a signalling one). */
export function f32_store(dv: DataView, ea: number, x: number): void {
  if (x === x) dv.setFloat32(ea, x, true);
  else dv.setInt32(ea, i32_reinterpret_f32(x), true);
}

/** f64.promote_f32: the identity on doubles, but a NaN must come out quiet (`+ 0` sets the quiet bit). */
export function f64_promote_f32(x: number): number {
  return x === x ? x : x + 0;
}

// Math.ceil and friends return a NaN operand unchanged; wasm requires an arithmetic (quiet) NaN result.
export function fceil(x: number): number {
  return x === x ? Math.ceil(x) : x + 0;
}
export function ffloor(x: number): number {
  return x === x ? Math.floor(x) : x + 0;
}
export function ftrunc(x: number): number {
  return x === x ? Math.trunc(x) : x + 0;
}

/** The f64 with bit pattern (lo, hi); every NaN payload, signalling or quiet, survives. */
export function f64_reinterpret_i64(lo: number, hi: number): number {
  I32[0] = lo;
  I32[1] = hi;
  return F64[0]!;
}

export function i64_reinterpret_f64(x: number): number {
  F64[0] = x;
  RI[0] = I32[1]!;
  return I32[0]!;
}

/** Constants: the float with the given bits (generated code cannot write a NaN payload as a literal). */
export const f32_from_bits: (bits: number) => number = f32_reinterpret_i32;
export const f64_from_bits: (lo: number, hi: number) => number = f64_reinterpret_i64;

// ---------------------------------------------------------------------------------------------------------
// i64 arithmetic on (lo, hi) pairs

export function i64_add(alo: number, ahi: number, blo: number, bhi: number): number {
  const lo = (alo + blo) | 0;
  // Unsigned overflow of the low word shows as a sum below an operand.
  RI[0] = (ahi + bhi + +((lo >>> 0) < (alo >>> 0))) | 0;
  return lo;
}

export function i64_sub(alo: number, ahi: number, blo: number, bhi: number): number {
  RI[0] = (ahi - bhi - +((alo >>> 0) < (blo >>> 0))) | 0;
  return (alo - blo) | 0;
}

// High word of the unsigned 32x32-bit product, from 16-bit limbs (each partial product fits in 32 bits).
function mulhiU(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = Math.imul(a0, b0) >>> 0;
  const p01 = Math.imul(a0, b1) >>> 0;
  const p10 = Math.imul(a1, b0) >>> 0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (Math.imul(a1, b1) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

export function i64_mul(alo: number, ahi: number, blo: number, bhi: number): number {
  // Mod 2^64 only alo*blo needs its full width; the cross terms contribute their low 32 bits to hi.
  RI[0] = (Math.imul(alo, bhi) + Math.imul(ahi, blo) + mulhiU(alo, blo)) | 0;
  return Math.imul(alo, blo);
}

// Division. Fast path: when both operands lie in [-2^53, 2^53) they are exact doubles, and for |a| < 2^53 the
// double quotient never rounds across an integer, so Math.trunc(a / b) is the exact quotient; % is always
// exact. A pair is in that range when hi is in [-2^21, 2^21). Otherwise udivmod below, still in doubles (a
// BigInt detour costs ~50x more: it dominated 64-bit mulmod loops).

function fits53(hi: number): boolean {
  return ((hi + 0x200000) >>> 0) < 0x400000;
}

// Quotient and remainder of the last udivmod, as (lo, hi) pairs. `var`: a module-level `let` that functions
// write and read is checked against its temporal dead zone at every access, also in optimized code
// (docs/performance.md, item 8).
var qLo = 0, qHi = 0, rLo = 0, rHi = 0;

/**
 * Unsigned 64-bit division of (alo, ahi) by a nonzero (blo, bhi), exact, without BigInt. A divisor below 2^32
 * takes schoolbook division by 16-bit digits below the high word (every partial dividend stays below 2^48, so
 * each double division is exact after floor). A larger divisor has a quotient below 2^32: the double quotient
 * of the rounded operands is within 2^-19 of the true one, so its floor is off by at most one; the remainder
 * of that estimate is computed exactly and corrected by one step.
 */
function udivmod(alo: number, ahi: number, blo: number, bhi: number): void {
  const a1 = ahi >>> 0, a0 = alo >>> 0, b0 = blo >>> 0, b1 = bhi >>> 0;
  if (b1 === 0) {
    // Divisor below 2^32. Reduce the high word first (quotient high word qh), leaving a1 < b0; then the
    // quotient is below 2^32 and the double estimate q of (a1 * 2^32 + a0) / b0 is off by at most one. Its
    // remainder is computed exactly with q split into 16-bit halves (every product below 2^48, the true
    // remainder below 2^33, so every intermediate is an exact double), then corrected by one step.
    let qh = 0;
    let h = a1;
    if (h >= b0) {
      qh = Math.floor(h / b0);
      h -= qh * b0;
    }
    let q = Math.floor((h * TWO32 + a0) / b0);
    const qhi = Math.floor(q / 65536), qlo = q - qhi * 65536;
    let r = (h * 65536 - qhi * b0) * 65536 + a0 - qlo * b0;
    if (r < 0) {
      r += b0;
      q -= 1;
    } else if (r >= b0) {
      r -= b0;
      q += 1;
    }
    qLo = q | 0;
    qHi = qh | 0;
    rLo = r | 0;
    rHi = 0;
    return;
  }
  if (a1 < b1) {
    qLo = qHi = 0;
    rLo = alo;
    rHi = ahi;
    return;
  }
  // The double estimate's floor is the quotient or one off either way. The remainder r = a - q * b of that
  // estimate, in (-b, 2b): its low word exactly in int32 arithmetic, its high word rounded from a double
  // estimate of r whose error is below 2^14 (a1 - q * b1 is exact, q * b0 < 2^64 rounds once, so do the two
  // sums), far less than the 2^32 between candidates. Then one correction step either way.
  let q = Math.floor((a1 * TWO32 + a0) / (b1 * TWO32 + b0));
  let lo = (alo - Math.imul(q, blo)) | 0;
  let hi = Math.round(((a1 - q * b1) * TWO32 + (a0 - q * b0) - (lo >>> 0)) / TWO32);
  if (hi < 0) {
    const sum = (lo + blo) | 0;
    hi += b1 + +((sum >>> 0) < (lo >>> 0));
    lo = sum;
    q -= 1;
  } else if (hi > b1 || (hi === b1 && (lo >>> 0) >= b0)) {
    const diff = (lo - blo) | 0;
    hi -= b1 + +((lo >>> 0) < b0);
    lo = diff;
    q += 1;
  }
  qLo = q | 0;
  qHi = 0;
  rLo = lo;
  rHi = hi | 0;
}

// Signed division on magnitudes. The negation of INT64_MIN is itself, which as unsigned is 2^63: right.
function negLo(lo: number): number {
  return -lo | 0;
}
function negHi(lo: number, hi: number): number {
  return (~hi + (lo === 0 ? 1 : 0)) | 0;
}

function sdivmod(alo: number, ahi: number, blo: number, bhi: number): void {
  const an = ahi < 0, bn = bhi < 0;
  udivmod(an ? negLo(alo) : alo, an ? negHi(alo, ahi) : ahi, bn ? negLo(blo) : blo, bn ? negHi(blo, bhi) : bhi);
  if (an !== bn) {
    const lo = qLo;
    qLo = negLo(lo);
    qHi = negHi(lo, qHi);
  }
  if (an) {
    const lo = rLo;
    rLo = negLo(lo);
    rHi = negHi(lo, rHi);
  }
}

export function i64_div_s(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) trap(Trap.DivideByZero);
  if (fits53(ahi) && fits53(bhi)) {
    return splitInt(Math.trunc((ahi * TWO32 + (alo >>> 0)) / (bhi * TWO32 + (blo >>> 0))));
  }
  if (ahi === -2147483648 && alo === 0 && (blo & bhi) === -1) trap(Trap.IntegerOverflow);
  sdivmod(alo, ahi, blo, bhi);
  RI[0] = qHi;
  return qLo;
}

export function i64_div_u(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) trap(Trap.DivideByZero);
  if ((ahi >>> 0) < 0x200000 && (bhi >>> 0) < 0x200000) {
    return splitInt(Math.trunc((ahi * TWO32 + (alo >>> 0)) / (bhi * TWO32 + (blo >>> 0))));
  }
  udivmod(alo, ahi, blo, bhi);
  RI[0] = qHi;
  return qLo;
}

export function i64_rem_s(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) trap(Trap.DivideByZero);
  if (fits53(ahi) && fits53(bhi)) {
    return splitInt((ahi * TWO32 + (alo >>> 0)) % (bhi * TWO32 + (blo >>> 0)));
  }
  // INT64_MIN rem -1 is 0 (no trap): the magnitudes divide evenly.
  sdivmod(alo, ahi, blo, bhi);
  RI[0] = rHi;
  return rLo;
}

export function i64_rem_u(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) trap(Trap.DivideByZero);
  if ((ahi >>> 0) < 0x200000 && (bhi >>> 0) < 0x200000) {
    return splitInt((ahi * TWO32 + (alo >>> 0)) % (bhi * TWO32 + (blo >>> 0)));
  }
  udivmod(alo, ahi, blo, bhi);
  RI[0] = rHi;
  return rLo;
}

// Shifts and rotations: the count is the low word of the i64 count, taken mod 64. JS masks shift counts to
// 5 bits, so `x << n` with n >= 32 shifts by n - 32. `(x >>> 1) >>> (31 - n)` is x >>> (32 - n) that also
// yields 0 for n = 0 (a plain x >>> 32 would give x).

export function i64_shl(lo: number, hi: number, n: number): number {
  if (n & 32) {
    RI[0] = lo << n;
    return 0;
  }
  RI[0] = (hi << n) | ((lo >>> 1) >>> (31 - n));
  return lo << n;
}

export function i64_shr_u(lo: number, hi: number, n: number): number {
  if (n & 32) {
    RI[0] = 0;
    return (hi >>> n) | 0;
  }
  RI[0] = (hi >>> n) | 0;
  return (lo >>> n) | ((hi << 1) << (31 - n));
}

export function i64_shr_s(lo: number, hi: number, n: number): number {
  if (n & 32) {
    RI[0] = hi >> 31;
    return hi >> n;
  }
  RI[0] = hi >> n;
  return (lo >>> n) | ((hi << 1) << (31 - n));
}

export function i64_rotl(lo: number, hi: number, n: number): number {
  if (n & 32) {
    const t = lo;
    lo = hi;
    hi = t;
  }
  RI[0] = (hi << n) | ((lo >>> 1) >>> (31 - n));
  return (lo << n) | ((hi >>> 1) >>> (31 - n));
}

export function i64_rotr(lo: number, hi: number, n: number): number {
  if (n & 32) {
    const t = lo;
    lo = hi;
    hi = t;
  }
  RI[0] = (hi >>> n) | ((lo << 1) << (31 - n));
  return (lo >>> n) | ((hi << 1) << (31 - n));
}

// Bit counts return a plain count (the result's hi word is 0; generated code knows).

export function i64_clz(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

export function i64_ctz(lo: number, hi: number): number {
  return lo !== 0 ? i32_ctz(lo) : 32 + i32_ctz(hi);
}

export function i64_popcnt(lo: number, hi: number): number {
  return i32_popcnt(lo) + i32_popcnt(hi);
}

// Comparisons return 1 or 0. The hi words decide unless equal; then the lo words compare unsigned.

export function i64_lt_s(alo: number, ahi: number, blo: number, bhi: number): number {
  return ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0)) ? 1 : 0;
}

export function i64_lt_u(alo: number, ahi: number, blo: number, bhi: number): number {
  return (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0)) ? 1 : 0;
}

export function i64_gt_s(alo: number, ahi: number, blo: number, bhi: number): number {
  return ahi > bhi || (ahi === bhi && (alo >>> 0) > (blo >>> 0)) ? 1 : 0;
}

export function i64_gt_u(alo: number, ahi: number, blo: number, bhi: number): number {
  return (ahi >>> 0) > (bhi >>> 0) || (ahi === bhi && (alo >>> 0) > (blo >>> 0)) ? 1 : 0;
}

export function i64_le_s(alo: number, ahi: number, blo: number, bhi: number): number {
  return ahi < bhi || (ahi === bhi && (alo >>> 0) <= (blo >>> 0)) ? 1 : 0;
}

export function i64_le_u(alo: number, ahi: number, blo: number, bhi: number): number {
  return (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) <= (blo >>> 0)) ? 1 : 0;
}

export function i64_ge_s(alo: number, ahi: number, blo: number, bhi: number): number {
  return ahi > bhi || (ahi === bhi && (alo >>> 0) >= (blo >>> 0)) ? 1 : 0;
}

export function i64_ge_u(alo: number, ahi: number, blo: number, bhi: number): number {
  return (ahi >>> 0) > (bhi >>> 0) || (ahi === bhi && (alo >>> 0) >= (blo >>> 0)) ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// int -> float

// hi * 2^32 is exact, so the single addition is the only rounding: correctly rounded.
export function f64_convert_i64_s(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

export function f64_convert_i64_u(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

// Unsigned (lo, hi) to float32 with one rounding. Below 2^53 the value is an exact double and fround rounds
// once. Above, rounding through float64 first could round twice (a tie created by the first rounding), so
// the low 11 bits collapse into one sticky bit: the value then has at most 53 significant bits (bits 63..11),
// converts exactly, and the sticky bit still lies below float32's rounding position (bit 29 or higher).
function f32FromU64(lo: number, hi: number): number {
  if ((hi >>> 0) >= 0x200000 && (lo & 0x7ff) !== 0) lo = (lo & ~0x7ff) | 0x800;
  return Math.fround((hi >>> 0) * TWO32 + (lo >>> 0));
}

export function f32_convert_i64_u(lo: number, hi: number): number {
  return f32FromU64(lo, hi);
}

export function f32_convert_i64_s(lo: number, hi: number): number {
  if (hi >= 0) return f32FromU64(lo, hi);
  // Round-to-nearest-even is symmetric: convert the magnitude (2^63 for INT64_MIN, as unsigned) and negate.
  return -f32FromU64(-lo | 0, (~hi + (lo === 0 ? 1 : 0)) | 0);
}

// ---------------------------------------------------------------------------------------------------------
// BigInt boundary (the JS API represents i64 as BigInt)

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

function fromBig(v: bigint): number {
  RI[0] = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

/** The signed BigInt value of (lo, hi). */
export function i64_to_bigint(lo: number, hi: number): bigint {
  return toBig(lo, hi);
}

/** `b` wrapped mod 2^64: returns lo, writes hi to RI[0]. */
export function i64_from_bigint(b: bigint): number {
  return fromBig(b);
}
