// Test helpers for the decoder tests: hand-assembling module binaries byte by byte, so malformed inputs and
// the encodings that text-format tools never emit can be written down exactly, with known offsets.

import { expect } from 'vitest';
import { CompileError } from '../../../runtime/errors.js';

export type Bytes = readonly number[];

export const HEADER: Bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Unsigned LEB128, minimal length. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

export function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...u32(b.length), ...b];
}

export function vec(items: readonly Bytes[]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export function section(id: number, body: Bytes): number[] {
  return [id, ...u32(body.length), ...body];
}

export function wasm(...sections: readonly Bytes[]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

/** A code entry: size, locals vector, instructions (the caller supplies the final `end`). */
export function body(locals: readonly Bytes[], instrs: Bytes): number[] {
  const inner = [...vec(locals), ...instrs];
  return [...u32(inner.length), ...inner];
}

/** Common prefix: one type `[] -> []`, one function of it. */
export const TYPE_VOID = section(1, vec([[0x60, 0x00, 0x00]]));
export const ONE_FUNC = section(3, vec([[0x00]]));
export const EMPTY_CODE = section(10, vec([body([], [0x0b])]));

/** Runs `f`, which must throw a CompileError; returns it for code/offset assertions. */
export function compileError(f: () => unknown): CompileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return e as CompileError;
  }
  throw new Error('expected a CompileError, nothing was thrown');
}

/** Deterministic PRNG (mulberry32) so fuzz failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
