// i64 shifts and rotations by a count known only at run time (the runtime helpers generated code calls): every
// count from 0 to 127 (wasm takes it mod 64, JavaScript's shifts mod 32, so 32..63 and the wrap-around at 64
// are where a mistake shows), counts with a high word, and counts widened from i32, against native WebAssembly.

import { describe, expect, it } from 'vitest';
import { WebAssembly as WJ } from '../../../src/index.js';
import { INT64_EDGES, int64, native, rng } from '../runtime/native.js';
import { watToWasm } from '../../diff/harness.js';

const OPS = ['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'] as const;
const wat = `(module
  ${OPS.map((op) => `(func (export "${op}") (param i64 i64) (result i64) (i64.${op} (local.get 0) (local.get 1)))`).join('\n')}
  ${OPS.map((op) => `(func (export "${op}_i32") (param i64 i32) (result i64)
    (i64.${op} (local.get 0) (i64.extend_i32_u (i32.and (local.get 1) (i32.const 63)))))`).join('\n')}
)`;

const bytes = watToWasm('shift.wat', wat);
const ref = native(wat);
const mine = new WJ.Instance(new WJ.Module(bytes), {}).exports as Record<string, (a: bigint, b: bigint | number) => bigint>;

const r = rng(7);
const values = [...INT64_EDGES, 0x0123456789abcdefn, -0x0123456789abcdefn];
for (let i = 0; i < 40; i++) values.push(int64(r));
const counts: bigint[] = [];
for (let k = 0n; k < 128n; k++) counts.push(k);
for (let i = 0; i < 20; i++) counts.push(int64(r));

describe('i64 shifts and rotations', () => {
  for (const op of OPS) {
    it(`i64.${op} matches native for counts 0..127 and counts with a high word`, () => {
      let checked = 0;
      for (const a of values) {
        for (const k of counts) {
          expect(mine[op]!(a, k), `${op}(${a}, ${k})`).toBe(ref[op](a, k));
          checked++;
        }
        for (let k = 0; k < 64; k++) expect(mine[`${op}_i32`]!(a, k), `${op}(${a}, ${k})`).toBe(ref[`${op}_i32`](a, k));
      }
      expect(checked).toBe(values.length * counts.length);
    });
  }

});
