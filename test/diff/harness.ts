// Differential testing harness: one module instantiated twice, under wajit and under Node's native
// WebAssembly, every call made on both, and the outcomes compared — results (floats by bits, any NaN equal to
// any NaN since wasm leaves arithmetic NaN payloads open), traps (native message mapped to the spec wording
// wajit must use), and afterwards the state both instances expose: memory bytes, global values, table sizes.
//
// Inputs come from per-type edge-value lists (crossed for one or two parameters) and from a small seeded PRNG,
// so any mismatch reproduces from the seed printed with it. Function signatures are read from the binary
// (the JS API offers no type reflection), by a minimal section reader that only needs valid modules.

import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { WebAssembly as Wajit } from '../../src/index.js';

/**
 * Node's own engine, typed as wajit's namespace: the project's TypeScript libs (ES2022, no DOM) do not
 * declare WebAssembly, and wajit's API is a drop-in for it.
 */
export type Api = typeof Wajit;
export const Native = (globalThis as unknown as { WebAssembly: Api }).WebAssembly;
export { Wajit };
export type WasmModule = InstanceType<Api['Module']>;
export type WasmMemory = InstanceType<Api['Memory']>;
export type WasmTable = InstanceType<Api['Table']>;
export type WasmGlobal = InstanceType<Api['Global']>;

const wabt = await wabtInit();

/** Assembles WAT text with the WebAssembly 2.0 features wajit supports. */
export function watToWasm(name: string, text: string): Uint8Array {
  const mod = wabt.parseWat(name, text, {
    multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true,
    sat_float_to_int: true, mutable_globals: true,
  });
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

export const WAT_DIR = new URL('./wat/', import.meta.url);

/** Assembles test/diff/wat/<file>. */
export function loadWat(file: string): Uint8Array {
  return watToWasm(file, readFileSync(new URL(file, WAT_DIR), 'utf8'));
}

// ---------------------------------------------------------------------------------------------------------
// Seeded PRNG (xorshift128+ over two 32-bit halves would do; splitmix32 is shorter and good enough here).

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Next 32 random bits as an unsigned integer. */
  u32(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform integer in [0, n) for n ≤ 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

// ---------------------------------------------------------------------------------------------------------
// Bits of floats.

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function f64FromBits(bits: bigint): number {
  u64[0] = BigInt.asUintN(64, bits);
  return f64[0]!;
}
export function f64Bits(x: number): bigint {
  f64[0] = x;
  return u64[0]!;
}
export function f32FromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

// ---------------------------------------------------------------------------------------------------------
// Signatures of exported functions, read from the binary.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export interface Sig { readonly params: readonly ValType[]; readonly results: readonly ValType[] }

const VALTYPES: Record<number, ValType> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};

/** The signature of every exported function, by export name. Assumes a valid module. */
export function exportedSignatures(bytes: Uint8Array): Map<string, Sig> {
  let p = 8;
  const uleb = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[p++]!;
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
  };
  const name = (): string => {
    const n = uleb();
    const s = new TextDecoder().decode(bytes.subarray(p, p + n));
    p += n;
    return s;
  };
  const types: Sig[] = [];
  const funcTypes: number[] = [];
  const exports = new Map<string, Sig>();
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = uleb();
    const end = p + size;
    if (id === 1) {
      for (let n = uleb(); n > 0; n--) {
        p++; // 0x60
        const params = Array.from({ length: uleb() }, () => VALTYPES[bytes[p++]!]!);
        const results = Array.from({ length: uleb() }, () => VALTYPES[bytes[p++]!]!);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = uleb(); n > 0; n--) {
        name();
        name();
        const kind = bytes[p++]!;
        if (kind === 0) funcTypes.push(uleb());
        else if (kind === 1) { p++; const flags = uleb(); uleb(); if (flags & 1) uleb(); }
        else if (kind === 2) { const flags = uleb(); uleb(); if (flags & 1) uleb(); }
        else p += 2;
      }
    } else if (id === 3) {
      for (let n = uleb(); n > 0; n--) funcTypes.push(uleb());
    } else if (id === 7) {
      for (let n = uleb(); n > 0; n--) {
        const exportName = name();
        const kind = bytes[p++]!;
        const index = uleb();
        if (kind === 0) exports.set(exportName, types[funcTypes[index]!]!);
      }
    }
    p = end;
  }
  return exports;
}

// ---------------------------------------------------------------------------------------------------------
// Edge values and random values per type.

const P2_31 = 2 ** 31;
const P2_32 = 2 ** 32;
const P2_53 = 2 ** 53;
const P2_63 = 2 ** 63;
const P2_64 = 2 ** 64;

export const I32_EDGES: readonly number[] = [
  0, 1, -1, 2, -2, 3, 7, 8, 10, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 0x7fff, 0x8000, 0xffff,
  65528, 65532, 65533, 65534, 65535, 65536, 65537, 131071, 131072, 0x12345678, 0x55555555, 0xaaaaaaaa | 0,
  0x7ffffffe, 0x7fffffff, -0x7fffffff, -0x80000000, 0xfffffff0 | 0,
];

export const I64_EDGES: readonly bigint[] = [
  0n, 1n, -1n, 2n, -2n, 3n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, 128n, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, -0x80000000n, -0x80000001n, 0xffffffffn, 0x100000000n, 0x100000001n,
  0xfffffffffn, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0x123456789abcdef0n,
  -0x100000000n, 0x0020000020000001n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 63n) + 1n, 0x5555555555555555n,
  -0x5555555555555556n,
];

const NAN_PAYLOADS: readonly number[] = [
  f64FromBits(0x7ff8000000000000n), f64FromBits(0xfff8000000000000n), f64FromBits(0x7ff4000000000001n),
  f64FromBits(0x7ff0000000000001n), f64FromBits(0xfffc00000000abcdn), f64FromBits(0x7fffffffffffffffn),
];

export const F64_EDGES: readonly number[] = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999999999999994, -0.49999999999999994, 0.1, 1 / 3,
  Math.PI, 4503599627370495.5, 4503599627370497, P2_53, P2_53 + 2, -(P2_53 + 2), Infinity, -Infinity,
  ...NAN_PAYLOADS, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308,
  Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, -1e-300,
  P2_31 - 1, P2_31 - 0.5, P2_31, -P2_31, -P2_31 - 0.5, -P2_31 - 1, 2147483647.9, -2147483648.9, -0.9, -1.0,
  P2_32 - 1, P2_32 - 0.5, P2_32, 4294967295.9, P2_63, -P2_63, 9223372036854774784, -9223372036854777856,
  P2_64, 18446744073709549568, 3.4028235677973366e38, 3.4028235677973362e38, 3.4028234663852886e38,
  1.401298464324817e-45, 7.006492321624085e-46, 7.006492321624087e-46, 1.1754943508222875e-38, 16777217,
  16777216.000000002,
];

export const F32_EDGES: readonly number[] = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.4999999701976776, 0.10000000149011612,
  Math.fround(Math.PI), 8388607.5, 8388609, 16777216, 16777215, -16777216, Infinity, -Infinity, NaN,
  f32FromBits(0xffc00000), f32FromBits(0x7fc12345), f32FromBits(0x7fffffff), 1.401298464324817e-45,
  -1.401298464324817e-45, 1.1754943508222875e-38, 1.1754942106924411e-38, 3.4028234663852886e38,
  -3.4028234663852886e38, P2_31, -P2_31, 2147483520, -2147483904, P2_32, 4294967040, P2_63, -P2_63,
  9223371487098961920, -9223373136366403584, P2_64, 18446742974197923840, -0.8999999761581421, 1e10,
];

/** f64 with interesting randomness: raw bit patterns, integers and half-integers of every size, subnormals. */
function randomF64(r: Rng): number {
  switch (r.below(6)) {
    case 0: return f64FromBits(r.u64());
    case 1: return (r.u32() | 0) + (r.below(2) ? 0.5 : 0);
    case 2: return (r.u32() - 2 ** 31) * 2 ** r.below(40);
    case 3: return f64FromBits(r.u64() & 0x800fffffffffffffn); // subnormal or zero
    case 4: return (r.u32() / 4294967296 - 0.5) * 2 ** (r.below(20) - 5);
    default: return r.pick(F64_EDGES);
  }
}

function randomF32(r: Rng): number {
  switch (r.below(5)) {
    case 0: return f32FromBits(r.u32());
    case 1: return Math.fround((r.below(65536) - 32768) + (r.below(2) ? 0.5 : 0));
    case 2: return Math.fround((r.u32() - 2 ** 31) * 2 ** r.below(40));
    case 3: return f32FromBits(r.u32() & 0x807fffff);
    default: return r.pick(F32_EDGES);
  }
}

function randomI32(r: Rng): number {
  switch (r.below(4)) {
    case 0: return r.pick(I32_EDGES);
    case 1: return r.below(66000);
    case 2: return r.below(256) - 128;
    default: return r.u32() | 0;
  }
}

function randomI64(r: Rng): bigint {
  switch (r.below(5)) {
    case 0: return r.pick(I64_EDGES);
    case 1: return BigInt(r.below(2000) - 1000);
    case 2: return BigInt(r.u32() | 0);
    case 3: return BigInt.asIntN(64, r.u64() >> BigInt(r.below(64)));
    default: return BigInt.asIntN(64, r.u64());
  }
}

export function edges(t: ValType): readonly unknown[] {
  switch (t) {
    case 'i32': return I32_EDGES;
    case 'i64': return I64_EDGES;
    case 'f32': return F32_EDGES;
    case 'f64': return F64_EDGES;
    case 'externref': return [null, 0, 'x', { a: 1 }, undefined];
    default: return [null];
  }
}

export function randomValue(r: Rng, t: ValType): unknown {
  switch (t) {
    case 'i32': return randomI32(r);
    case 'i64': return randomI64(r);
    case 'f32': return randomF32(r);
    case 'f64': return randomF64(r);
    default: return r.pick(edges(t));
  }
}

/** Argument tuples for a signature: edge values (all pairs for ≤ 2 params, else samples), then random ones. */
export function argumentTuples(sig: Sig, r: Rng, randomCount: number): unknown[][] {
  const out: unknown[][] = [];
  const ps = sig.params;
  if (ps.length === 0) out.push([]);
  else if (ps.length === 1) for (const a of edges(ps[0]!)) out.push([a]);
  else if (ps.length === 2) for (const a of edges(ps[0]!)) for (const b of edges(ps[1]!)) out.push([a, b]);
  else for (let i = 0; i < 300; i++) out.push(ps.map((t) => r.pick(edges(t))));
  if (ps.length > 0) for (let i = 0; i < randomCount; i++) out.push(ps.map((t) => randomValue(r, t)));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes and their comparison.

export type Outcome =
  | { readonly kind: 'ok'; readonly values: readonly unknown[] }
  | { readonly kind: 'throw'; readonly error: unknown };

export function outcomeOf(f: () => unknown, resultCount: number): Outcome {
  try {
    const v = f();
    const values = resultCount === 0 ? [] : resultCount === 1 ? [v] : [...(v as Iterable<unknown>)];
    return { kind: 'ok', values };
  } catch (error) {
    return { kind: 'throw', error };
  }
}

/**
 * The spec wordings a native (V8) trap message stands for. V8 words NaN and out-of-range truncation alike;
 * when the caller knows the single argument is the truncated operand (`truncArg`), NaN settles which.
 */
export function specMessages(nativeError: unknown, args: readonly unknown[], truncArg = false): readonly string[] | undefined {
  if (nativeError instanceof RangeError && /call stack/.test(nativeError.message)) return ['call stack exhausted'];
  if (!(nativeError instanceof Native.RuntimeError)) return undefined;
  switch (nativeError.message) {
    case 'unreachable': return ['unreachable'];
    case 'memory access out of bounds': return ['out of bounds memory access'];
    case 'divide by zero': case 'remainder by zero': return ['integer divide by zero'];
    case 'divide result unrepresentable': return ['integer overflow'];
    case 'float unrepresentable in integer range':
      return truncArg && typeof args[0] === 'number'
        ? [Number.isNaN(args[0]) ? 'invalid conversion to integer' : 'integer overflow']
        : ['invalid conversion to integer', 'integer overflow'];
    case 'table index is out of bounds': return ['undefined element', 'out of bounds table access'];
    case 'null function or function signature mismatch': return ['uninitialized element', 'indirect call type mismatch'];
    case 'dereferencing a null pointer': return ['null reference'];
    default: return undefined;
  }
}

export function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return `NaN(0x${f64Bits(v).toString(16)})`;
    if (Object.is(v, -0)) return '-0';
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'func';
  if (v instanceof Error) return `${v.constructor.name}(${JSON.stringify(v.message)})`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}

function showOutcome(o: Outcome): string {
  return o.kind === 'ok' ? show(o.values) : `throws ${show(o.error)}`;
}

export interface CompareOptions {
  /** The export's only argument is the operand of a trapping truncation (see specMessages). */
  readonly truncArg?: boolean;
  /**
   * Exports whose float results come from non-arithmetic operations (neg, abs, copysign, reinterpret,
   * load, select, global.get): their NaN payloads are deterministic, so they are compared bit for bit.
   */
  readonly exactNaN?: readonly string[];
}

export function sameValue(
  t: ValType, expected: unknown, actual: unknown, opts: CompareOptions & { readonly exact?: boolean } = {},
): boolean {
  switch (t) {
    case 'i32': case 'i64': return expected === actual;
    case 'f32': case 'f64':
      if (typeof expected !== 'number' || typeof actual !== 'number') return false;
      if (Number.isNaN(expected) && !opts.exact) return Number.isNaN(actual);
      return f64Bits(expected) === f64Bits(actual);
    case 'funcref': return (expected === null) === (actual === null);
    default: return expected === actual;
  }
}

/** Null when the outcomes agree, else a description of the difference. */
export function compareOutcomes(
  sig: Sig, args: readonly unknown[], native: Outcome, wajit: Outcome, opts: CompareOptions & { readonly exact?: boolean } = {},
): string | null {
  if (native.kind === 'ok' && wajit.kind === 'ok') {
    const same = sig.results.every((t, i) => sameValue(t, native.values[i], wajit.values[i], opts));
    return same ? null : `native ${showOutcome(native)}, wajit ${showOutcome(wajit)}`;
  }
  if (native.kind === 'throw' && wajit.kind === 'throw') {
    const allowed = specMessages(native.error, args, opts.truncArg);
    const w = wajit.error;
    if (allowed !== undefined) {
      if (w instanceof Wajit.RuntimeError && allowed.includes((w as Error).message)) return null;
      return `native ${showOutcome(native)} (spec: ${allowed.join(' | ')}), wajit ${showOutcome(wajit)}`;
    }
    const n = native.error as Error;
    // A reference that is wajit itself: its traps must read the same.
    if (n instanceof Wajit.RuntimeError) {
      return w instanceof Wajit.RuntimeError && (w as Error).message === n.message ? null
        : `reference ${showOutcome(native)}, wajit ${showOutcome(wajit)}`;
    }
    // A non-trap error (a TypeError from argument conversion, say): same class on both sides.
    if ((w as Error)?.constructor?.name === n?.constructor?.name) return null;
    return `native ${showOutcome(native)}, wajit ${showOutcome(wajit)}`;
  }
  return `native ${showOutcome(native)}, wajit ${showOutcome(wajit)}`;
}

// ---------------------------------------------------------------------------------------------------------
// A pair of instances of one module.

type Exports = Record<string, unknown>;

export class Pair {
  readonly native: Exports;
  readonly wajit: Exports;
  readonly sigs: Map<string, Sig>;
  readonly mismatches: string[] = [];
  /** Calls made, and how many of them trapped (or threw) on both engines: a check that inputs reach traps. */
  readonly stats = { calls: 0, throws: 0 };

  /**
   * `wajit`: the wajit namespace under test, e.g. one from createWebAssembly({ lazy: true }) (default:
   * WebAssembly). `reference`: what it is compared with, Node's WebAssembly unless another namespace is given
   * (e.g. wajit's JIT, to compare ahead-of-time compiled modules with it); the `native` side is that one.
   */
  constructor(
    readonly label: string, bytes: Uint8Array, imports: (engine: 'native' | 'wajit') => object = () => ({}), wajit: Api = Wajit,
    reference: Api = Native,
  ) {
    this.sigs = exportedSignatures(bytes);
    this.native = new reference.Instance(new reference.Module(bytes), imports('native')).exports as Exports;
    this.wajit = new wajit.Instance(new wajit.Module(bytes), imports('wajit')).exports as Exports;
  }

  /** Exported function names, in export order. */
  funcs(): string[] {
    return [...this.sigs.keys()];
  }

  /** Calls `name` on both instances, records any difference in results or in state, returns both outcomes. */
  call(name: string, args: readonly unknown[], opts: CompareOptions = {}): { native: Outcome; wajit: Outcome } {
    const sig = this.sigs.get(name);
    if (sig === undefined) throw new Error(`${this.label}: no exported function ${name}`);
    const native = outcomeOf(() => (this.native[name] as (...a: unknown[]) => unknown)(...args), sig.results.length);
    const wajit = outcomeOf(() => (this.wajit[name] as (...a: unknown[]) => unknown)(...args), sig.results.length);
    this.stats.calls++;
    if (native.kind === 'throw' && wajit.kind === 'throw') this.stats.throws++;
    const diff = compareOutcomes(sig, args, native, wajit, { ...opts, exact: opts.exactNaN?.includes(name) });
    const where = `${this.label} ${name}(${args.map(show).join(', ')})`;
    if (diff !== null) this.mismatches.push(`${where}: ${diff}`);
    const state = this.stateDiff();
    if (state !== null) this.mismatches.push(`${where}: state differs after the call: ${state}`);
    return { native, wajit };
  }

  /** Writes `bytes` at `addr` into the exported memory `mem` of both instances (not a wasm call). */
  write(mem: string, addr: number, bytes: Uint8Array): void {
    new Uint8Array((this.native[mem] as WasmMemory).buffer).set(bytes, addr);
    new Uint8Array((this.wajit[mem] as WasmMemory).buffer).set(bytes, addr);
  }

  /** Calls a function of no parameters and one i32 result on both; they must agree (a pointer, a size). */
  value(name: string): number {
    const { native } = this.call(name, []);
    if (native.kind !== 'ok') throw new Error(`${this.label} ${name}() threw`);
    return native.values[0] as number;
  }

  /** Null when exported memories, globals and tables agree. */
  stateDiff(): string | null {
    for (const [name, n] of Object.entries(this.native)) {
      const w = this.wajit[name];
      if (n instanceof Native.Memory) {
        const nb = new Uint8Array(n.buffer);
        const wb = new Uint8Array((w as WasmMemory).buffer);
        if (nb.length !== wb.length) return `memory ${name}: ${nb.length} bytes vs ${wb.length}`;
        if (!Buffer.from(nb.buffer, nb.byteOffset, nb.length).equals(Buffer.from(wb.buffer, wb.byteOffset, wb.length))) {
          let i = 0;
          while (nb[i] === wb[i]) i++;
          return `memory ${name}: first difference at byte ${i}: native ${nb[i]}, wajit ${wb[i]}`;
        }
      } else if (n instanceof Native.Global) {
        const nv: unknown = n.value;
        const wv: unknown = (w as WasmGlobal).value;
        const same = typeof nv === 'number' ? sameValue('f64', nv, wv)
          : typeof nv === 'function' || typeof wv === 'function' ? (nv === null) === (wv === null) : nv === wv;
        if (!same) return `global ${name}: native ${show(nv)}, wajit ${show(wv)}`;
      } else if (n instanceof Native.Table) {
        const wl = (w as WasmTable).length;
        if (n.length !== wl) return `table ${name}: length ${n.length} vs ${wl}`;
      }
    }
    return null;
  }

  /** Drives every exported function (or those given) with edge and random argument tuples. */
  drive(opts: DriveOptions = {}): void {
    const r = new Rng(opts.seed ?? 1);
    for (const name of opts.only ?? this.funcs()) {
      if (opts.skip?.includes(name)) continue;
      const sig = this.sigs.get(name)!;
      const tuples = opts.args?.[name] ?? argumentTuples(sig, r, opts.random ?? 200);
      for (const args of tuples) this.call(name, args, opts);
    }
  }
}

export interface DriveOptions extends CompareOptions {
  readonly seed?: number;
  /** Random tuples per export (besides the edge values). */
  readonly random?: number;
  readonly only?: readonly string[];
  readonly skip?: readonly string[];
  /** Fixed argument tuples for some exports, instead of generated ones. */
  readonly args?: Readonly<Record<string, readonly (readonly unknown[])[]>>;
}

/** Formats a mismatch list for an assertion message: the first `max` entries and a count. */
export function summary(mismatches: readonly string[], max = 25): string {
  const head = mismatches.slice(0, max).join('\n');
  return mismatches.length > max ? `${head}\n... and ${mismatches.length - max} more` : head;
}
