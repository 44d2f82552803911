// Test support for the JS API tests: outcome of a call as a comparable value, and raw functions written by
// hand in the internal calling convention (runtime/abi.ts), standing in for generated code.

import type { FuncType, RawFunc, ValType } from '../../../runtime/abi.js';
import { typeId } from '../../../runtime/types.js';

/** Node's own WebAssembly namespace, the reference to compare with (the project's lib has no DOM types). */
export const NativeWasm = (globalThis as unknown as { WebAssembly: any }).WebAssembly;

/** 'ok', or the constructor name of what `f` threw (TypeError, RangeError, LinkError, ...). */
export function thrown(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as Error).constructor.name;
  }
}

export function ft(params: ValType[], results: ValType[]): FuncType {
  return { params, results };
}

/** Tags a hand-written function with the canonical id of its type, as generated code does. */
export function raw(f: (...args: any[]) => any, params: ValType[], results: ValType[]): RawFunc {
  const r = f as RawFunc;
  r.t = typeId(ft(params, results));
  return r;
}
