// Exported-function wrappers and host adapters, with hand-written raw functions standing in for generated
// code: argument and result conversions per type, multi-value through the return area, identity and
// caching, error translation, and round trips JS -> raw -> JS.

import { describe, expect, it } from 'vitest';
import { exportFunction, hostAdapter, rawOf } from '../../../runtime/js-api/func.js';
import { RF, RI, RR } from '../../../runtime/ret.js';
import { RuntimeError } from '../../../runtime/errors.js';
import { translateError } from '../../../runtime/trap.js';
import { typeId } from '../../../runtime/types.js';
import type { RawFunc } from '../../../runtime/abi.js';
import { ft, raw, thrown } from './helpers.js';

describe('exportFunction', () => {
  it('i64 crosses as BigInt, split into lo and hi slots', () => {
    const id = raw(function (lo: number, hi: number) { RI[0] = hi; return lo; }, ['i64'], ['i64']);
    const f = exportFunction(id, 0) as (x: unknown) => bigint;
    for (const x of [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 0x1234_5678_9abc_def0n]) expect(f(x)).toBe(x);
    expect(f(2n ** 64n + 5n)).toBe(5n); // ToBigInt64 wraps
    expect(thrown(() => f(5))).toBe('TypeError');
    expect(thrown(() => f(undefined))).toBe('TypeError');
    expect(f('7')).toBe(7n);
  });

  it('converts i32, f32 and f64 arguments; missing arguments are undefined', () => {
    const seen: unknown[][] = [];
    const r = raw((...a: unknown[]) => { seen.push(a); return 0; }, ['i32', 'f32', 'f64'], ['i32']);
    const f = exportFunction(r) as (...a: unknown[]) => number;
    f(2 ** 32 + 3, 0.1, '2.5');
    f(-1.9);
    expect(seen).toEqual([[3, Math.fround(0.1), 2.5], [-1, NaN, NaN]]);
    expect(thrown(() => f(1n))).toBe('TypeError');
    expect(thrown(() => f(1, 2, 3n))).toBe('TypeError');
  });

  it('drops extra arguments', () => {
    let n = -1;
    const f = exportFunction(raw((...a: unknown[]) => { n = a.length; }, ['i32'], []));
    f(1, 2, 3);
    expect(n).toBe(1);
  });

  it('converts arguments in order, before the call, running user valueOf', () => {
    const log: string[] = [];
    const f = exportFunction(raw(() => { log.push('call'); }, ['i32', 'f64'], []));
    f({ valueOf: () => (log.push('a'), 1) }, { valueOf: () => (log.push('b'), 2) });
    expect(log).toEqual(['a', 'b', 'call']);
  });

  it('returns undefined, one value, or an array of values read from RI/RF/RR', () => {
    const none = exportFunction(raw(() => 42, [], []));
    expect(none()).toBeUndefined();
    const o = {};
    // Results [i32, i64, f32, externref, f64, i64]: slot 0 returned; RI gets i64 lo, hi, then the second
    // i64's lo, hi; RF gets f32 then f64; RR gets the reference.
    const multi = exportFunction(raw(() => {
      RI[0] = -1; RI[1] = 0x7fff_ffff; RI[2] = 5; RI[3] = 0;
      RF[0] = 1.5; RF[1] = 0.25;
      RR[0] = o;
      return 7;
    }, [], ['i32', 'i64', 'f32', 'externref', 'f64', 'i64']));
    expect(multi()).toEqual([7, 2n ** 63n - 1n, 1.5, o, 0.25, 5n]);
    const i64First = exportFunction(raw(() => { RI[0] = 0; RI[1] = 3; RI[2] = 0; return 2; }, [], ['i64', 'i64']));
    expect(i64First()).toEqual([2n, 3n]);
  });

  it('funcref arguments and results are exported functions; rawOf gives the raw function back', () => {
    const inner = raw(() => 1, [], ['i32']);
    const g = exportFunction(inner, 4);
    const ident = exportFunction(raw((f: RawFunc | null) => f, ['funcref'], ['funcref']));
    expect(ident(g)).toBe(g);
    expect(ident(null)).toBeNull();
    expect(thrown(() => ident(() => 1))).toBe('TypeError');
    expect(thrown(() => ident(undefined))).toBe('TypeError');
    expect(rawOf(g)).toBe(inner);
    expect(rawOf(() => 1)).toBeUndefined();
    expect(rawOf({})).toBeUndefined();
  });

  it('is cached on raw.ext, named by function index, with length = parameter count, not a constructor', () => {
    const r = raw(() => 0, ['i64', 'i32'], []);
    const f = exportFunction(r, 12);
    expect(exportFunction(r)).toBe(f);
    expect(r.ext).toBe(f);
    expect(f.name).toBe('12');
    expect(f.length).toBe(2);
    expect(thrown(() => new (f as unknown as new () => object)())).toBe('TypeError');
    expect(Object.keys(f)).toEqual([]);
  });

  it('translates engine errors into RuntimeError and leaves others alone', () => {
    const overflow = exportFunction(raw(() => { throw new RangeError('Maximum call stack size exceeded'); }, [], []));
    expect(thrown(() => overflow())).toBe('RuntimeError');
    const trap = new RuntimeError('unreachable');
    const traps = exportFunction(raw(() => { throw trap; }, [], []));
    expect(() => traps()).toThrow(trap);
    const other = new TypeError('x');
    const throws = exportFunction(raw(() => { throw other; }, [], []));
    expect(() => throws()).toThrow(other);
  });
});

describe('hostAdapter', () => {
  it('passes i32/f32/f64/externref slots through and calls with this = undefined', () => {
    let self: unknown = 'unset';
    let args: unknown[] = [];
    const a = hostAdapter(function (this: unknown, ...xs: unknown[]) { self = this; args = xs; return 2.5; },
      ft(['i32', 'f64', 'externref'], ['f64']), 99);
    expect(a.t).toBe(99);
    expect(a(1, 0.5, undefined)).toBe(2.5);
    expect(self).toBeUndefined();
    expect(args).toEqual([1, 0.5, undefined]);
  });

  it('i64 parameters arrive as BigInt; an i64 result is returned as lo with hi in RI[0]', () => {
    const a = hostAdapter((x: bigint, y: number) => x + BigInt(y), ft(['i64', 'i32'], ['i64']), 0);
    expect(a(-1, 0x7fff_ffff, 1)).toBe(0);
    expect(RI[0]).toBe(-0x8000_0000);
    expect(thrown(() => hostAdapter(() => 1, ft([], ['i64']), 0)())).toBe('TypeError');
  });

  it('converts a single result with ToWebAssemblyValue', () => {
    expect(hostAdapter(() => 2 ** 32 + 1, ft([], ['i32']), 0)()).toBe(1);
    expect(hostAdapter(() => '0.1', ft([], ['f32']), 0)()).toBe(Math.fround(0.1));
    expect(hostAdapter(() => 1, ft([], []), 0)()).toBeUndefined();
  });

  it('funcref parameters and results cross as exported functions', () => {
    const inner = raw(() => 3, [], ['i32']);
    let got: unknown;
    const a = hostAdapter((f: unknown) => (got = f), ft(['funcref'], ['funcref']), 0);
    expect(a(inner)).toBe(inner);
    expect(got).toBe(exportFunction(inner));
    expect(hostAdapter(() => null, ft([], ['funcref']), 0)()).toBeNull();
    expect(thrown(() => hostAdapter(() => () => 1, ft([], ['funcref']), 0)())).toBe('TypeError');
  });

  it('several results come from an iterable and go to the return area', () => {
    const o = {};
    const a = hostAdapter(function* () { yield 1; yield -2n; yield 0.5; yield o; yield 3; },
      ft([], ['f64', 'i64', 'f32', 'externref', 'i32']), 0);
    expect(a()).toBe(1);
    expect([RI[0], RI[1], RI[2], RF[0], RR[0]]).toEqual([-2, -1, 3, 0.5, o]);
  });

  it('several results: TypeError for a non-iterable or a wrong count, as natively', () => {
    const two = ft([], ['i32', 'i32']);
    expect(thrown(() => hostAdapter(() => 5, two, 0)())).toBe('TypeError');
    expect(thrown(() => hostAdapter(() => [1], two, 0)())).toBe('TypeError');
    expect(thrown(() => hostAdapter(() => [1, 2, 3], two, 0)())).toBe('TypeError');
  });

  it('writes the return area only after every value is converted', () => {
    // The i64 conversion of the second value uses RI[0]; the first extra slot (i32) must still win.
    const a = hostAdapter(() => [0, 7, -1n], ft([], ['f64', 'i32', 'i64']), 0);
    a();
    expect([RI[0], RI[1], RI[2]]).toEqual([7, -1, -1]);
  });

  it('rethrows host errors unchanged and marks them so translateError leaves them alone', () => {
    const e = new RangeError('Maximum call stack size exceeded');
    const a = hostAdapter(() => { throw e; }, ft([], []), 0);
    let caught: unknown;
    try { a(); } catch (x) { caught = x; }
    expect(caught).toBe(e);
    expect(translateError(e)).toBe(e);
    // And through an exported wrapper around the adapter, the host's error still arrives as itself.
    const f = exportFunction(hostAdapter(() => { throw e; }, ft([], []), typeId(ft([], []))));
    expect(() => f()).toThrow(e);
  });

  it('round trip: a host function exported again behaves like itself at the JS API level', () => {
    const type = ft(['i64', 'f32', 'i32'], ['i64', 'f64']);
    const host = (a: bigint, b: number, c: number): [bigint, number] => [a * 2n, b + c];
    const f = exportFunction(hostAdapter(host, type, typeId(type)), 0) as (...a: unknown[]) => unknown;
    expect(f(-(2n ** 40n), 0.1, 3.9)).toEqual([-(2n ** 41n), Math.fround(0.1) + 3]);
  });
});

describe('v128 at the boundary', () => {
  it('calls in either direction throw TypeError before anything runs', () => {
    let ran = false;
    const f = exportFunction(raw(() => { ran = true; }, [], ['v128']));
    expect(thrown(() => f())).toBe('TypeError');
    const a = hostAdapter(() => { ran = true; }, ft(['v128'], []), 0);
    let caught: unknown;
    try { a(0); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(TypeError);
    expect(translateError(caught)).toBe(caught);
    expect(ran).toBe(false);
  });
});
