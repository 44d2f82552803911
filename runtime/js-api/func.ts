// Functions and values crossing the boundary between JavaScript and compiled code.
//
// Inside compiled code a function is a RawFunc (abi.ts calling convention: i64 as lo/hi slots, extra results
// in RI/RF/RR). Outside it is a JS API "exported function": a wrapper that converts JS arguments with
// ToWebAssemblyValue and results with ToJSValue. `exportFunction` builds that wrapper (once per raw function,
// cached on `raw.ext`, which also gives the JS API's identity rule: exporting the same function twice, or
// reading it back from a table, yields the same object). `hostAdapter` goes the other way, wrapping a JS
// function imported by a module into the raw convention. The value conversions live here too, because
// funcref values are exactly these wrappers.

import type { FuncType, RawFunc, ValType } from '../abi.js';
import { RI, RF, RR } from '../ret.js';
import { i64_from_bigint, i64_to_bigint } from '../ops.js';
import { markHost, translateError } from '../trap.js';
import { typeById } from '../types.js';

/**
 * Points from an exported-function wrapper back to its raw function, so a module importing a wajit function
 * calls the raw function directly (no conversions, exact NaN bits and i64 halves). Module-private: a forged
 * property cannot smuggle an arbitrary function with a chosen type id into a module.
 */
const RAW = Symbol('wajit.raw');

/** Function indices, for the wrapper's `name` (the JS API names an exported function by its index). */
const indexOf = new WeakMap<RawFunc, number>();

/**
 * Records the function index of every function of an instance (called by the linker). A function imported
 * from another wajit instance keeps the index it has there, where it is defined.
 */
export function registerFuncs(funcs: readonly RawFunc[]): void {
  for (let i = 0; i < funcs.length; i++) if (!indexOf.has(funcs[i]!)) indexOf.set(funcs[i]!, i);
}

/** The raw function behind a wajit exported function, or undefined for anything else. */
export function rawOf(f: unknown): RawFunc | undefined {
  return typeof f === 'function' ? (f as { [RAW]?: RawFunc })[RAW] : undefined;
}

// ---- values ----

/** DefaultValue of the JS API: what a missing argument means for Table and Global. */
export function defaultValue(t: ValType): unknown {
  switch (t) {
    case 'i64': return 0n;
    case 'funcref': return null;
    case 'externref': return undefined; // ToWebAssemblyValue(undefined): undefined is a real reference
    default: return 0;
  }
}

/**
 * ToWebAssemblyValue: a JS value to the slot value of type `t`. For i64 the result is the lo half and the hi
 * half is left in RI[0] (read it before anything else can run). Conversions follow the JS API: ToInt32,
 * ToBigInt64 (a Number is a TypeError), ToNumber (a BigInt is a TypeError), and for funcref only null or a
 * wajit exported function.
 */
export function toWasm(v: unknown, t: ValType): unknown {
  switch (t) {
    case 'i32': return (v as number) | 0;
    // BigInt.asIntN performs ToBigInt on its argument, which is exactly the conversion the spec asks for.
    case 'i64': return i64_from_bigint(BigInt.asIntN(64, v as bigint));
    case 'f32': return Math.fround(v as number);
    case 'f64': return +(v as number);
    case 'externref': return v;
    case 'funcref': {
      if (v === null) return null;
      const raw = rawOf(v);
      if (raw === undefined) throw new TypeError('a funcref value must be null or a WebAssembly exported function');
      return raw;
    }
    case 'v128': throw v128Error();
  }
}

/** ToJSValue: slot value(s) of type `t` to a JS value (`hi` is only read for i64). */
export function toJS(v: unknown, hi: number, t: ValType): unknown {
  switch (t) {
    case 'i64': return i64_to_bigint(v as number, hi);
    case 'funcref': return v === null ? null : exportFunction(v as RawFunc);
    case 'v128': throw v128Error();
    default: return v;
  }
}

// ---- multi-value result slots ----

type Bank = Int32Array | Float64Array | unknown[];

/**
 * Where each result slot of a function type lives (abi.ts): slot 0 is the JS return value (bank null), every
 * further slot goes to RI, RF or RR by kind, each bank counted from 0. An i64 result is two int slots.
 */
function resultSlots(results: readonly ValType[]): { bank: Bank | null; i: number }[] {
  const slots: { bank: Bank | null; i: number }[] = [];
  const next = new Map<Bank, number>();
  const put = (bank: Bank): void => {
    if (slots.length === 0) { slots.push({ bank: null, i: 0 }); return; }
    const i = next.get(bank) ?? 0;
    next.set(bank, i + 1);
    slots.push({ bank, i });
  };
  for (const t of results) {
    if (t === 'i32') put(RI);
    else if (t === 'i64') { put(RI); put(RI); }
    else if (t === 'f32' || t === 'f64') put(RF);
    else put(RR);
  }
  return slots;
}

/** True when ToJSValue and ToWebAssemblyValue are the identity on the slots of these types. */
function passThrough(types: readonly ValType[]): boolean {
  return types.every((t) => t !== 'i64' && t !== 'funcref');
}

/** The JS API refuses calls across the boundary whose type mentions v128: it has no JS value. */
function hasV128(params: readonly ValType[], results: readonly ValType[]): boolean {
  return params.includes('v128') || results.includes('v128');
}

const v128Error = (): TypeError => new TypeError('v128 values cannot cross the boundary to JavaScript');

function slotCountOf(types: readonly ValType[]): number {
  let n = 0;
  for (const t of types) n += t === 'i64' ? 2 : 1;
  return n;
}

// ---- exported functions ----

type JSFunc = (...args: unknown[]) => unknown;

/** Reads the results of a raw call (its return value plus the return area) as the JS API returns them. */
function resultReader(results: readonly ValType[]): (r: unknown) => unknown {
  if (results.length === 0) return () => undefined;
  if (results.length === 1) {
    const t = results[0]!;
    if (t === 'i64') return (r) => i64_to_bigint(r as number, RI[0]!);
    if (t === 'funcref') return (r) => toJS(r, 0, t);
    return (r) => r;
  }
  const slots = resultSlots(results);
  return (r) => {
    // Copy every slot out of the shared return area first: nothing may run in between.
    const vals = slots.map((s) => (s.bank === null ? r : s.bank[s.i]));
    const out: unknown[] = [];
    for (let k = 0, s = 0; k < results.length; k++) {
      const t = results[k]!;
      out.push(toJS(vals[s], t === 'i64' ? (vals[s + 1] as number) : 0, t));
      s += t === 'i64' ? 2 : 1;
    }
    return out;
  };
}

/**
 * The JS API exported function for `raw` (created once, cached on `raw.ext`). `index` is its function index,
 * the wrapper's `name`; when omitted, the index the linker registered is used.
 */
export function exportFunction(raw: RawFunc, index?: number): JSFunc {
  if (raw.ext !== undefined) return raw.ext;
  const { params, results } = typeById(raw.t) as FuncType;
  const read = resultReader(results);
  const ext = hasV128(params, results)
    ? () => { throw v128Error(); }
    : (fixedArity(raw, params, read) ?? anyArity(raw, params, read));
  const name = String(index ?? indexOf.get(raw) ?? '');
  Object.defineProperty(ext, 'name', { value: name, configurable: true });
  Object.defineProperty(ext, 'length', { value: params.length, configurable: true });
  Object.defineProperty(ext, RAW, { value: raw });
  raw.ext = ext;
  return ext;
}

type Convert = (v: unknown) => unknown;

/** ToWebAssemblyValue for the one-slot types, as separate small functions V8 can inline. */
const ONE_SLOT: Readonly<Record<Exclude<ValType, 'i64' | 'v128'>, Convert>> = {
  i32: (v) => (v as number) | 0,
  f32: (v) => Math.fround(v as number),
  f64: (v) => +(v as number),
  externref: (v) => v,
  funcref: (v) => toWasm(v, 'funcref'),
};

/**
 * Wrappers for up to four one-slot parameters, written out per arity (all are arrow functions: like the JS
 * API's exported functions they are not constructors). Without rest parameters and spread calls V8 inlines
 * the whole wrapper into the JS caller: measured 20-50x faster per call than the general wrapper.
 */
function fixedArity(raw: RawFunc, params: readonly ValType[], read: (r: unknown) => unknown): JSFunc | undefined {
  if (params.length > 4 || params.includes('i64')) return undefined;
  const [c0, c1, c2, c3] = params.map((t) => ONE_SLOT[t as keyof typeof ONE_SLOT]) as Convert[];
  const fail = (e: unknown): never => { throw translateError(e); };
  switch (params.length) {
    case 0: return () => {
      let r: unknown;
      try { r = raw(); } catch (e) { fail(e); }
      return read(r);
    };
    case 1: return (a) => {
      const x = c0!(a);
      let r: unknown;
      try { r = raw(x); } catch (e) { fail(e); }
      return read(r);
    };
    case 2: return (a, b) => {
      const x = c0!(a), y = c1!(b);
      let r: unknown;
      try { r = raw(x, y); } catch (e) { fail(e); }
      return read(r);
    };
    case 3: return (a, b, c) => {
      const x = c0!(a), y = c1!(b), z = c2!(c);
      let r: unknown;
      try { r = raw(x, y, z); } catch (e) { fail(e); }
      return read(r);
    };
    default: return (a, b, c, d) => {
      const x = c0!(a), y = c1!(b), z = c2!(c), w = c3!(d);
      let r: unknown;
      try { r = raw(x, y, z, w); } catch (e) { fail(e); }
      return read(r);
    };
  }
}

/** The general wrapper: any number of parameters, i64 ones split into lo and hi slots. */
function anyArity(raw: RawFunc, params: readonly ValType[], read: (r: unknown) => unknown): JSFunc {
  const nslots = slotCountOf(params);
  return (...args) => {
    const slots = new Array(nslots);
    for (let i = 0, s = 0; i < params.length; i++) {
      const t = params[i]!;
      slots[s++] = toWasm(args[i], t);
      if (t === 'i64') slots[s++] = RI[0];
    }
    let r: unknown;
    try {
      r = raw(...slots);
    } catch (e) {
      throw translateError(e);
    }
    return read(r);
  };
}

// ---- host functions ----

/**
 * Wraps a JS function imported by a module into the raw calling convention for type `type` (canonical id
 * `id`): slots become JS values, the JS result becomes slots (several results come from an iterable).
 * Anything thrown on the way out, by the host function or by converting what it returned, is marked as a
 * host error so the trap translation leaves it unchanged, and rethrown as is.
 */
export function hostAdapter(fn: Function, type: FuncType, id: number): RawFunc {
  const { params, results } = type;
  const write = resultWriter(results);
  let adapter: (...slots: unknown[]) => unknown;
  if (hasV128(params, results)) {
    // The JS API throws before calling the host function; the error is the host side's, not a trap.
    adapter = () => {
      const e = v128Error();
      markHost(e);
      throw e;
    };
  } else if (passThrough(params)) {
    adapter = (...slots) => {
      try {
        return write(Reflect.apply(fn, undefined, slots));
      } catch (e) {
        markHost(e);
        throw e;
      }
    };
  } else {
    adapter = (...slots) => {
      const args = new Array(params.length);
      for (let i = 0, s = 0; i < params.length; i++) {
        const t = params[i]!;
        args[i] = toJS(slots[s], t === 'i64' ? (slots[s + 1] as number) : 0, t);
        s += t === 'i64' ? 2 : 1;
      }
      try {
        return write(Reflect.apply(fn, undefined, args));
      } catch (e) {
        markHost(e);
        throw e;
      }
    };
  }
  const raw = adapter as RawFunc;
  raw.t = id;
  return raw;
}

/** Converts a host function's JS result into result slots: returns the first, stores the others. */
function resultWriter(results: readonly ValType[]): (ret: unknown) => unknown {
  if (results.length === 0) return () => undefined;
  if (results.length === 1) {
    const t = results[0]!;
    return (ret) => toWasm(ret, t); // for i64 this leaves hi in RI[0], as the convention wants
  }
  const slots = resultSlots(results);
  return (ret) => {
    if (ret === null || ret === undefined || typeof (ret as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`a host function returning ${results.length} values must return an iterable`);
    }
    const list = [...(ret as Iterable<unknown>)];
    if (list.length !== results.length) {
      throw new TypeError(`a host function returned ${list.length} values, expected ${results.length}`);
    }
    // Convert everything before writing the return area: conversions run user code (valueOf) and the i64
    // conversion itself uses RI[0].
    const vals: unknown[] = [];
    for (let k = 0; k < results.length; k++) {
      const t = results[k]!;
      vals.push(toWasm(list[k], t));
      if (t === 'i64') vals.push(RI[0]);
    }
    for (let s = 1; s < slots.length; s++) {
      const { bank, i } = slots[s]!;
      (bank as unknown[])[i] = vals[s];
    }
    return vals[0];
  };
}
