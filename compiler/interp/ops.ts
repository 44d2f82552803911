// Operator tables of the interpreter: one small function per simple op (the IR's `unary`, `binary`, `load`
// and `store` nodes), keyed by spec mnemonic. The tricky semantics are not written here: they are the same
// helpers from runtime/ops.ts that generated code calls, so the interpreter and the compiler cannot disagree
// on division, conversions, float min/max or NaN handling.
//
// Value convention (as in runtime/abi.ts): an i64 is a pair (lo, hi) of int32 numbers. Every function takes
// its operands' slots flat, `(a, ah)` or `(a, ah, b, bh)`, where `ah`/`bh` are the hi words of i64 operands
// (ignored for other types), and returns one value; an i64 result returns lo and leaves hi in RI[0], the
// runtime helpers' rule. One calling shape for every op keeps the evaluator's dispatch a single line.

import { RI } from '../../runtime/ret.js';
import * as R from '../../runtime/ops.js';

type Un = (a: any, ah: number) => any;
type Bin = (a: any, ah: number, b: any, bh: number) => any;
/** Load from a DataView at an effective address (i64 results leave hi in RI[0]). */
type Load = (dv: DataView, ea: number) => number;
/** Store `v` (and `vh`, the hi word of an i64) at an effective address. */
type Store = (dv: DataView, ea: number, v: number, vh: number) => void;

const fround = Math.fround;
const b01 = (c: boolean): number => (c ? 1 : 0);

/** Result of an i64 op given as (lo, hi): hi goes to RI[0]. */
function pair(lo: number, hi: number): number {
  RI[0] = hi;
  return lo;
}

export const UNARY = new Map<string, Un>([
  // i32
  ['i32.eqz', (a) => b01(a === 0)],
  ['i32.clz', (a) => Math.clz32(a)],
  ['i32.ctz', (a) => R.i32_ctz(a)],
  ['i32.popcnt', (a) => R.i32_popcnt(a)],
  ['i32.extend8_s', (a) => (a << 24) >> 24],
  ['i32.extend16_s', (a) => (a << 16) >> 16],
  ['i32.wrap_i64', (a) => a],
  ['i32.trunc_f32_s', (a) => R.i32_trunc_s(a)], ['i32.trunc_f64_s', (a) => R.i32_trunc_s(a)],
  ['i32.trunc_f32_u', (a) => R.i32_trunc_u(a)], ['i32.trunc_f64_u', (a) => R.i32_trunc_u(a)],
  ['i32.trunc_sat_f32_s', (a) => R.i32_trunc_sat_s(a)], ['i32.trunc_sat_f64_s', (a) => R.i32_trunc_sat_s(a)],
  ['i32.trunc_sat_f32_u', (a) => R.i32_trunc_sat_u(a)], ['i32.trunc_sat_f64_u', (a) => R.i32_trunc_sat_u(a)],
  ['i32.reinterpret_f32', (a) => R.i32_reinterpret_f32(a)],
  // i64 (operand (a, ah) when it is an i64)
  ['i64.eqz', (a, ah) => b01((a | ah) === 0)],
  ['i64.clz', (a, ah) => pair(R.i64_clz(a, ah), 0)],
  ['i64.ctz', (a, ah) => pair(R.i64_ctz(a, ah), 0)],
  ['i64.popcnt', (a, ah) => pair(R.i64_popcnt(a, ah), 0)],
  ['i64.extend8_s', (a) => { const lo = (a << 24) >> 24; return pair(lo, lo >> 31); }],
  ['i64.extend16_s', (a) => { const lo = (a << 16) >> 16; return pair(lo, lo >> 31); }],
  ['i64.extend32_s', (a) => pair(a, a >> 31)],
  ['i64.extend_i32_s', (a) => pair(a, a >> 31)],
  ['i64.extend_i32_u', (a) => pair(a, 0)],
  ['i64.trunc_f32_s', (a) => R.i64_trunc_s(a)], ['i64.trunc_f64_s', (a) => R.i64_trunc_s(a)],
  ['i64.trunc_f32_u', (a) => R.i64_trunc_u(a)], ['i64.trunc_f64_u', (a) => R.i64_trunc_u(a)],
  ['i64.trunc_sat_f32_s', (a) => R.i64_trunc_sat_s(a)], ['i64.trunc_sat_f64_s', (a) => R.i64_trunc_sat_s(a)],
  ['i64.trunc_sat_f32_u', (a) => R.i64_trunc_sat_u(a)], ['i64.trunc_sat_f64_u', (a) => R.i64_trunc_sat_u(a)],
  ['i64.reinterpret_f64', (a) => R.i64_reinterpret_f64(a)],
  // floats
  ['f32.abs', (a) => Math.abs(a)], ['f64.abs', (a) => Math.abs(a)],
  ['f32.neg', (a) => -a], ['f64.neg', (a) => -a],
  ['f32.ceil', (a) => R.fceil(a)], ['f64.ceil', (a) => R.fceil(a)],
  ['f32.floor', (a) => R.ffloor(a)], ['f64.floor', (a) => R.ffloor(a)],
  ['f32.trunc', (a) => R.ftrunc(a)], ['f64.trunc', (a) => R.ftrunc(a)],
  ['f32.nearest', (a) => R.fnearest(a)], ['f64.nearest', (a) => R.fnearest(a)],
  ['f32.sqrt', (a) => fround(Math.sqrt(a))], ['f64.sqrt', (a) => Math.sqrt(a)],
  ['f32.convert_i32_s', (a) => fround(a)], ['f32.convert_i32_u', (a) => fround(a >>> 0)],
  ['f64.convert_i32_s', (a) => a], ['f64.convert_i32_u', (a) => a >>> 0],
  ['f32.convert_i64_s', (a, ah) => R.f32_convert_i64_s(a, ah)], ['f32.convert_i64_u', (a, ah) => R.f32_convert_i64_u(a, ah)],
  ['f64.convert_i64_s', (a, ah) => R.f64_convert_i64_s(a, ah)], ['f64.convert_i64_u', (a, ah) => R.f64_convert_i64_u(a, ah)],
  ['f32.demote_f64', (a) => fround(a)],
  ['f64.promote_f32', (a) => R.f64_promote_f32(a)],
  ['f32.reinterpret_i32', (a) => R.f32_reinterpret_i32(a)],
  ['f64.reinterpret_i64', (a, ah) => R.f64_reinterpret_i64(a, ah)],
]);

export const BINARY = new Map<string, Bin>([
  // i32
  ['i32.add', (a, _, b) => (a + b) | 0],
  ['i32.sub', (a, _, b) => (a - b) | 0],
  ['i32.mul', (a, _, b) => Math.imul(a, b)],
  ['i32.div_s', (a, _, b) => R.i32_div_s(a, b)], ['i32.div_u', (a, _, b) => R.i32_div_u(a, b)],
  ['i32.rem_s', (a, _, b) => R.i32_rem_s(a, b)], ['i32.rem_u', (a, _, b) => R.i32_rem_u(a, b)],
  ['i32.and', (a, _, b) => a & b], ['i32.or', (a, _, b) => a | b], ['i32.xor', (a, _, b) => a ^ b],
  ['i32.shl', (a, _, b) => a << b], ['i32.shr_s', (a, _, b) => a >> b], ['i32.shr_u', (a, _, b) => (a >>> b) | 0],
  ['i32.rotl', (a, _, b) => R.i32_rotl(a, b)], ['i32.rotr', (a, _, b) => R.i32_rotr(a, b)],
  ['i32.eq', (a, _, b) => b01(a === b)], ['i32.ne', (a, _, b) => b01(a !== b)],
  ['i32.lt_s', (a, _, b) => b01(a < b)], ['i32.gt_s', (a, _, b) => b01(a > b)],
  ['i32.le_s', (a, _, b) => b01(a <= b)], ['i32.ge_s', (a, _, b) => b01(a >= b)],
  ['i32.lt_u', (a, _, b) => b01(a >>> 0 < b >>> 0)], ['i32.gt_u', (a, _, b) => b01(a >>> 0 > b >>> 0)],
  ['i32.le_u', (a, _, b) => b01(a >>> 0 <= b >>> 0)], ['i32.ge_u', (a, _, b) => b01(a >>> 0 >= b >>> 0)],
  // i64
  ['i64.add', R.i64_add], ['i64.sub', R.i64_sub], ['i64.mul', R.i64_mul],
  ['i64.div_s', R.i64_div_s], ['i64.div_u', R.i64_div_u], ['i64.rem_s', R.i64_rem_s], ['i64.rem_u', R.i64_rem_u],
  ['i64.and', (a, ah, b, bh) => pair(a & b, ah & bh)],
  ['i64.or', (a, ah, b, bh) => pair(a | b, ah | bh)],
  ['i64.xor', (a, ah, b, bh) => pair(a ^ b, ah ^ bh)],
  // Shift counts: the low word of the count (the helpers take it mod 64).
  ['i64.shl', (a, ah, b) => R.i64_shl(a, ah, b)], ['i64.shr_s', (a, ah, b) => R.i64_shr_s(a, ah, b)],
  ['i64.shr_u', (a, ah, b) => R.i64_shr_u(a, ah, b)],
  ['i64.rotl', (a, ah, b) => R.i64_rotl(a, ah, b)], ['i64.rotr', (a, ah, b) => R.i64_rotr(a, ah, b)],
  ['i64.eq', (a, ah, b, bh) => b01(a === b && ah === bh)], ['i64.ne', (a, ah, b, bh) => b01(a !== b || ah !== bh)],
  ['i64.lt_s', R.i64_lt_s], ['i64.lt_u', R.i64_lt_u], ['i64.gt_s', R.i64_gt_s], ['i64.gt_u', R.i64_gt_u],
  ['i64.le_s', R.i64_le_s], ['i64.le_u', R.i64_le_u], ['i64.ge_s', R.i64_ge_s], ['i64.ge_u', R.i64_ge_u],
  // floats: f32 results are rounded once with fround, as in generated code
  ['f32.add', (a, _, b) => fround(a + b)], ['f32.sub', (a, _, b) => fround(a - b)],
  ['f32.mul', (a, _, b) => fround(a * b)], ['f32.div', (a, _, b) => fround(a / b)],
  ['f64.add', (a, _, b) => a + b], ['f64.sub', (a, _, b) => a - b],
  ['f64.mul', (a, _, b) => a * b], ['f64.div', (a, _, b) => a / b],
  ['f32.min', (a, _, b) => R.fmin(a, b)], ['f32.max', (a, _, b) => R.fmax(a, b)],
  ['f64.min', (a, _, b) => R.fmin(a, b)], ['f64.max', (a, _, b) => R.fmax(a, b)],
  ['f32.copysign', (a, _, b) => R.fcopysign(a, b)], ['f64.copysign', (a, _, b) => R.fcopysign(a, b)],
  ['f32.eq', (a, _, b) => b01(a === b)], ['f32.ne', (a, _, b) => b01(a !== b)],
  ['f32.lt', (a, _, b) => b01(a < b)], ['f32.gt', (a, _, b) => b01(a > b)],
  ['f32.le', (a, _, b) => b01(a <= b)], ['f32.ge', (a, _, b) => b01(a >= b)],
  ['f64.eq', (a, _, b) => b01(a === b)], ['f64.ne', (a, _, b) => b01(a !== b)],
  ['f64.lt', (a, _, b) => b01(a < b)], ['f64.gt', (a, _, b) => b01(a > b)],
  ['f64.le', (a, _, b) => b01(a <= b)], ['f64.ge', (a, _, b) => b01(a >= b)],
]);

// Memory accesses rely on the DataView's bounds check: a RangeError the boundary turns into a trap.

export const LOADS = new Map<string, Load>([
  ['i32.load', (dv, ea) => dv.getInt32(ea, true)],
  ['i64.load', (dv, ea) => { const lo = dv.getInt32(ea, true); return pair(lo, dv.getInt32(ea + 4, true)); }],
  ['f32.load', (dv, ea) => R.f32_load(dv, ea)],
  ['f64.load', (dv, ea) => dv.getFloat64(ea, true)],
  ['i32.load8_s', (dv, ea) => dv.getInt8(ea)], ['i32.load8_u', (dv, ea) => dv.getUint8(ea)],
  ['i32.load16_s', (dv, ea) => dv.getInt16(ea, true)], ['i32.load16_u', (dv, ea) => dv.getUint16(ea, true)],
  ['i64.load8_s', (dv, ea) => { const lo = dv.getInt8(ea); return pair(lo, lo >> 31); }],
  ['i64.load8_u', (dv, ea) => pair(dv.getUint8(ea), 0)],
  ['i64.load16_s', (dv, ea) => { const lo = dv.getInt16(ea, true); return pair(lo, lo >> 31); }],
  ['i64.load16_u', (dv, ea) => pair(dv.getUint16(ea, true), 0)],
  ['i64.load32_s', (dv, ea) => { const lo = dv.getInt32(ea, true); return pair(lo, lo >> 31); }],
  ['i64.load32_u', (dv, ea) => pair(dv.getInt32(ea, true), 0)],
]);

export const STORES = new Map<string, Store>([
  ['i32.store', (dv, ea, v) => dv.setInt32(ea, v, true)],
  // High word first: if it is in bounds, so is the low word, so a trapping store writes nothing.
  ['i64.store', (dv, ea, v, vh) => { dv.setInt32(ea + 4, vh, true); dv.setInt32(ea, v, true); }],
  ['f32.store', (dv, ea, v) => R.f32_store(dv, ea, v)],
  ['f64.store', (dv, ea, v) => dv.setFloat64(ea, v, true)],
  ['i32.store8', (dv, ea, v) => dv.setInt8(ea, v)], ['i32.store16', (dv, ea, v) => dv.setInt16(ea, v, true)],
  ['i64.store8', (dv, ea, v) => dv.setInt8(ea, v)], ['i64.store16', (dv, ea, v) => dv.setInt16(ea, v, true)],
  ['i64.store32', (dv, ea, v) => dv.setInt32(ea, v, true)],
]);
