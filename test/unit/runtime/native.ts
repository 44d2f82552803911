// Test support: reference answers from Node's native WebAssembly (modules written in WAT, assembled by
// wabt), a seeded PRNG, and edge-value lists shared by the runtime tests.

import wabtInit from 'wabt';

const wabt = await wabtInit();

// The project's TypeScript libs (ES2022, no DOM) do not declare WebAssembly; these tests need only this much.
interface NativeWasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, any> };
  RuntimeError: new (message?: string) => Error;
}
export const WA = (globalThis as unknown as { WebAssembly: NativeWasm }).WebAssembly;

/** Assemble `wat` and instantiate it natively; returns the exports. */
export function native(wat: string, imports: object = {}): Record<string, any> {
  const mod = wabt.parseWat('test.wat', wat, { bulk_memory: true, reference_types: true, sat_float_to_int: true });
  try {
    mod.resolveNames();
    mod.validate();
    const { buffer } = mod.toBinary({});
    return new WA.Instance(new WA.Module(buffer), imports).exports;
  } finally {
    mod.destroy();
  }
}

/** The outcome of `f()`: its value, or 'trap' for a WebAssembly.RuntimeError (other errors propagate). */
export function outcome<T>(f: () => T): T | 'trap' {
  try {
    return f();
  } catch (e) {
    if (e instanceof WA.RuntimeError) return 'trap';
    throw e;
  }
}

/** The trap message of `f()`, or undefined when it returns. */
export function trapMessage(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof WA.RuntimeError) return e.message;
    throw e;
  }
}

/** Seeded PRNG (mulberry32) returning int32s, so failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) | 0;
  };
}

export const INT32_EDGES = [
  0, 1, -1, 2, -2, 3, 7, -7, 31, 32, 33, 63, 64, 65, 0x7fff, 0x8000, 0xffff, 0x10000, -0x8000, 0x1fffff, 0x200000,
  -0x200000, -0x200001, 0x7fffffff, -0x80000000, -0x7fffffff, 0x40000000, -0x40000000, 0x55555555, -0x55555556,
];

/** A random int32 drawn half the time from INT32_EDGES. */
export function int32(r: () => number): number {
  const x = r();
  return x & 1 ? INT32_EDGES[(x >>> 1) % INT32_EDGES.length]! : r();
}

/** i64 as [lo, hi] pairs with the BigInt they stand for. */
export function pair(b: bigint): [number, number] {
  const u = BigInt.asUintN(64, b);
  return [Number(BigInt.asIntN(32, u)), Number(BigInt.asIntN(32, u >> 32n))];
}
export function big(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

export const INT64_EDGES: bigint[] = [
  0n, 1n, -1n, 2n, -2n, 3n, 10n, -10n, (1n << 31n), -(1n << 31n), (1n << 32n) - 1n, 1n << 32n, (1n << 32n) + 1n,
  -(1n << 32n), (1n << 52n) - 1n, 1n << 52n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, -(1n << 53n),
  -(1n << 53n) - 1n, -(1n << 53n) + 1n, (1n << 62n), (1n << 63n) - 1n, -(1n << 63n), -(1n << 63n) + 1n,
  0x5555555555555555n, -0x5555555555555556n, 0x0020000020000001n,
];

/** A random i64: edges, small values, values near 2^53, or 64 random bits. */
export function int64(r: () => number): bigint {
  const k = (r() >>> 0) % 5;
  if (k === 0) return INT64_EDGES[(r() >>> 0) % INT64_EDGES.length]!;
  if (k === 1) return BigInt(r() % 1000);
  if (k === 2) return BigInt.asIntN(64, (BigInt(r() & 0x3fffff) << 32n) + BigInt(r() >>> 0) - (1n << 53n));
  if (k === 3) return BigInt.asIntN(64, BigInt(r() >>> ((r() >>> 0) % 32)));
  return big(r(), r());
}
