// Checks of the differential harness itself: a comparison that always said "equal" would make every
// differential test pass vacuously, so these feed it known differences and known equivalences.

import { describe, expect, it } from 'vitest';
import {
  Native, Rng, Wajit, compareOutcomes, exportedSignatures, f64FromBits, sameValue, specMessages,
  watToWasm, type Outcome, type Sig,
} from './harness.js';

const ok = (...values: unknown[]): Outcome => ({ kind: 'ok', values });
const threw = (error: unknown): Outcome => ({ kind: 'throw', error });
const SIG_I32: Sig = { params: ['i32'], results: ['i32'] };
const SIG_F64: Sig = { params: ['f64'], results: ['f64'] };

describe('differential harness', () => {
  it('compares floats by bits, with any NaN equal to any NaN', () => {
    expect(sameValue('f64', 0, -0)).toBe(false);
    expect(sameValue('f64', NaN, f64FromBits(0xfff8000000000001n))).toBe(true);
    expect(sameValue('f64', NaN, 0)).toBe(false);
    expect(sameValue('f32', 1, 1 + 2 ** -30)).toBe(false);
    expect(sameValue('i64', 1n, 1)).toBe(false);
    // Unless the export's NaNs are deterministic (not arithmetic): then bits count.
    expect(sameValue('f64', NaN, f64FromBits(0xfff8000000000001n), { exact: true })).toBe(false);
  });

  it('flags different results, one-sided traps and wrong trap messages', () => {
    expect(compareOutcomes(SIG_I32, [1], ok(1), ok(1))).toBeNull();
    expect(compareOutcomes(SIG_I32, [1], ok(1), ok(2))).toMatch(/native \[1\], wajit \[2\]/);
    expect(compareOutcomes(SIG_F64, [1], ok(0), ok(-0))).not.toBeNull();
    const nativeTrap = new Native.RuntimeError('divide by zero');
    expect(compareOutcomes(SIG_I32, [0], threw(nativeTrap), ok(0))).not.toBeNull();
    expect(compareOutcomes(SIG_I32, [0], threw(nativeTrap), threw(new Wajit.RuntimeError('integer divide by zero')))).toBeNull();
    expect(compareOutcomes(SIG_I32, [0], threw(nativeTrap), threw(new Wajit.RuntimeError('integer overflow')))).not.toBeNull();
    // A native RuntimeError is not wajit's.
    expect(compareOutcomes(SIG_I32, [0], threw(nativeTrap), threw(new Native.RuntimeError('integer divide by zero')))).not.toBeNull();
  });

  it('maps V8 trap messages to the spec wording', () => {
    const rt = (m: string): Error => new Native.RuntimeError(m);
    expect(specMessages(rt('float unrepresentable in integer range'), [NaN], true)).toEqual(['invalid conversion to integer']);
    expect(specMessages(rt('float unrepresentable in integer range'), [1e300], true)).toEqual(['integer overflow']);
    expect(specMessages(rt('float unrepresentable in integer range'), [NaN])).toHaveLength(2);
    expect(specMessages(new RangeError('Maximum call stack size exceeded'), [])).toEqual(['call stack exhausted']);
    expect(specMessages(new TypeError('x'), [])).toBeUndefined();
  });

  it('reads exported function signatures from the binary, imports included in the index space', () => {
    const bytes = watToWasm('sig.wat', `(module
      (import "m" "f" (func (param f32)))
      (import "m" "mem" (memory 1))
      (func (export "a") (param i32 i64) (result f64 externref) (unreachable))
      (func (export "b")))`);
    const sigs = exportedSignatures(bytes);
    expect([...sigs.keys()]).toEqual(['a', 'b']);
    expect(sigs.get('a')).toEqual({ params: ['i32', 'i64'], results: ['f64', 'externref'] });
    expect(sigs.get('b')).toEqual({ params: [], results: [] });
  });

  it('the PRNG is deterministic and spread out', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const xs = Array.from({ length: 1000 }, () => a.u32());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.u32()));
    expect(new Set(xs).size).toBe(1000);
    const buckets = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) buckets[a.below(8)]++;
    for (const n of buckets) expect(n).toBeGreaterThan(850);
  });
});
