// The WAT modules of test/diff/wat/ and how to drive each differentially: shared by the JIT tests
// (wat.test.ts) and the ahead-of-time compilation tests (test/aot/).

import type { DriveOptions, Pair } from './harness.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** Float exports whose NaN results are not arithmetic NaNs: compared bit for bit at the JS boundary too. */
const BITWISE_FLOAT_OPS = ['abs', 'neg', 'copysign', 'const_neg0', 'const_inf'];

export interface Case {
  readonly file: string;
  readonly drive?: DriveOptions;
  /** Further calls after the generic drive (e.g. a second pass once some state changed). */
  readonly then?: (pair: Pair) => void;
}

export const CASES: readonly Case[] = [
  { file: 'i32.wat', drive: { seed: 32 } },
  { file: 'i64.wat', drive: { seed: 64 } },
  { file: 'f32.wat', drive: { seed: 3232, exactNaN: BITWISE_FLOAT_OPS } },
  { file: 'f64.wat', drive: { seed: 6464, exactNaN: BITWISE_FLOAT_OPS } },
  {
    file: 'conv.wat',
    // f32.reinterpret_i32 is not exact: an f32 signalling NaN cannot cross the JS boundary unchanged (V8
    // quiets it when widening; wajit keeps the widened pattern), see runtime/abi.ts and the spec expectations.
    drive: { seed: 77, random: 400, truncArg: true, exactNaN: ['f64.reinterpret_i64'] },
  },
  { file: 'memory.wat', drive: { seed: 5, exactNaN: ['f64.load_val', 'f32.load_val'] } },
  {
    file: 'grow.wat',
    drive: {
      seed: 9,
      only: ['load', 'load8', 'store', 'size', 'grow', 'load', 'store', 'grow_and_touch', 'load8', 'size'],
      args: { grow: [[0], [-1], [3], [65536], [1], [0], [2], [1]], grow_and_touch: [[0], [1], [0]] },
    },
    then: (p) => {
      for (const a of [131068, 131069, 196604, 196605, 196607, 196608]) p.call('load', [a]);
      p.call('fill_all', [0x42]);
      p.call('grow_and_touch', [1]);
      for (const a of [196607, 196608, 262143, 262144]) p.call('load8', [a]);
    },
  },
  {
    file: 'grow0.wat',
    drive: { seed: 10, only: ['load', 'store', 'size'], random: 50 },
    then: (p) => {
      for (const n of [0, 1, 0, 2, -1, 65536, 0x7fffffff]) p.call('grow', [n]);
      for (const a of [0, 1, 196606, 196607, 196608]) {
        p.call('store', [a, 0xbeef]);
        p.call('load', [a]);
      }
    },
  },
  {
    file: 'bulk.wat',
    drive: { seed: 11, random: 600 },
    then: (p) => {
      for (const args of [[0, 0, 7], [10, 1, 3], [65530, 0, 7], [65529, 0, 7], [0, 7, 0], [0, 8, 0]]) p.call('init_r', args);
    },
  },
  {
    file: 'control.wat',
    drive: {
      seed: 12,
      args: {
        br_table_40: [...range(-3, 45).map((i) => [i]), [0x7fffffff], [-0x80000000], [0x80000028 | 0]],
        nested_values: range(-1, 5).map((i) => [i]),
      },
    },
  },
  { file: 'multi.wat', drive: { seed: 13, exactNaN: ['mixed'] } },
  {
    file: 'calls.wat',
    drive: {
      seed: 14,
      skip: ['forever', 'forever_indirect', 'depth', 'even'],
      args: {
        fact: range(-2, 26).map((n) => [BigInt(n)]),
        grow: [[0], [1], [2], [5], [-1], [1]],
        ext_grow: [[null, 0], ['x', 2], [{}, 100], [7, -1]],
      },
    },
    then: (p) => {
      // Drive the table operations again now that grow/fill/copy/init changed the table.
      p.drive({ seed: 15, random: 50, only: ['call_ii', 'call_l', 'call_v', 'is_null', 'size'] });
      for (const n of [0, 1, 2, 3, 1000, 20000]) p.call('even', [n]);
      for (const n of [0, 1, 100, 1000, 5000]) p.call('depth', [n]);
    },
  },
  { file: 'globals.wat', drive: { seed: 16 } },
  {
    file: 'order.wat',
    drive: {
      seed: 17,
      random: 50,
      args: { reset: [[0], [1], [-1], [0x12345]] },
    },
    then: (p) => {
      for (const start of [0, 5, -3]) {
        p.call('reset', [start]);
        for (const name of p.funcs()) if (name !== 'reset' && p.sigs.get(name)!.params.length === 0) p.call(name, []);
      }
      for (const a of [0, 1, 65532, 65533, -1]) {
        p.call('trap_second', [a]);
        p.call('store_then_oob', [a]);
        p.call('fill_trap_after_store', [a + 65528]);
      }
      for (const a of [0n, 1n, -1n]) p.call('trap_second64', [a]);
    },
  },
];
