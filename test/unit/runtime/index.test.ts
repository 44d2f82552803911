// runtime/index.ts: every helper generated code destructures is a top-level named export.

import { describe, expect, it } from 'vitest';
import * as rt from '../../../runtime/index.js';

const HELPERS = [
  'trap', 'markHost', 'translateError',
  'i32_div_s', 'i32_div_u', 'i32_rem_s', 'i32_rem_u', 'i32_ctz', 'i32_popcnt', 'i32_rotl', 'i32_rotr',
  'i32_trunc_s', 'i32_trunc_u', 'i32_trunc_sat_s', 'i32_trunc_sat_u',
  'i64_trunc_s', 'i64_trunc_u', 'i64_trunc_sat_s', 'i64_trunc_sat_u',
  'fmin', 'fmax', 'fnearest', 'fcopysign', 'f32_reinterpret_i32', 'i32_reinterpret_f32', 'f64_reinterpret_i64',
  'i64_reinterpret_f64', 'f32_from_bits', 'f64_from_bits',
  'i64_add', 'i64_sub', 'i64_mul', 'i64_div_s', 'i64_div_u', 'i64_rem_s', 'i64_rem_u',
  'i64_shl', 'i64_shr_s', 'i64_shr_u', 'i64_rotl', 'i64_rotr', 'i64_clz', 'i64_ctz', 'i64_popcnt',
  'i64_lt_s', 'i64_lt_u', 'i64_gt_s', 'i64_gt_u', 'i64_le_s', 'i64_le_u', 'i64_ge_s', 'i64_ge_u',
  'f64_convert_i64_s', 'f64_convert_i64_u', 'f32_convert_i64_s', 'f32_convert_i64_u',
  'i64_to_bigint', 'i64_from_bigint',
  'memory_fill', 'memory_copy', 'memory_init',
  'table_get', 'table_set', 'table_size', 'table_grow', 'table_fill', 'table_copy', 'table_init', 'icall',
  'typeId', 'typeById', 'makeCell',
];

describe('runtime index', () => {
  it('exports every helper as a function', () => {
    for (const name of HELPERS) expect(typeof (rt as Record<string, unknown>)[name], name).toBe('function');
  });

  it('exports the shared state, classes and constants', () => {
    expect(rt.RI).toBeInstanceOf(Int32Array);
    expect(rt.RF).toBeInstanceOf(Float64Array);
    expect(rt.RR.length).toBe(1024);
    expect(rt.RR.every((x) => x === null)).toBe(true);
    for (const C of [rt.MemoryInstance, rt.TableInstance, rt.RuntimeError, rt.LinkError, rt.CompileError]) {
      expect(typeof C).toBe('function');
    }
    // What compiled-ahead modules (`wajit compile`) and their declarations use.
    expect(typeof rt.instantiate).toBe('function');
    expect(rt.base64Decode('AAEC/w==')).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(new rt.Memory({ initial: 1 }).buffer.byteLength).toBe(65536);
    expect(new rt.Table({ element: 'anyfunc', initial: 2 }).length).toBe(2);
    expect(new rt.Global({ value: 'i64' }, 5n).value).toBe(5n);
    expect(typeof rt.wasi.WASI).toBe('function');
    expect(rt.PAGE_SIZE).toBe(65536);
    expect(rt.MAX_PAGES).toBe(65536);
  });

  it('TRAP mirrors the Trap codes and indexes TRAP_MESSAGES', () => {
    const entries = Object.entries(rt.TRAP);
    expect(entries.length).toBe(rt.TRAP_MESSAGES.length);
    expect(entries.map(([, v]) => v).sort((a, b) => a - b)).toEqual([...rt.TRAP_MESSAGES.keys()]);
    expect(rt.TRAP_MESSAGES[rt.TRAP.IndirectCallTypeMismatch]).toBe('indirect call type mismatch');
    expect(rt.TRAP_MESSAGES[rt.TRAP.Unreachable]).toBe('unreachable');
    expect(Object.isFrozen(rt.TRAP)).toBe(true);
  });
});
