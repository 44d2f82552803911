// WebIDL-style argument conversions shared by the JS API classes (Memory, Table, Global).
// The JS API is specified in WebIDL, so its TypeError/RangeError split comes from WebIDL's rules:
// a value that cannot be converted (wrong type, NaN, out of the `unsigned long` range under [EnforceRange])
// is a TypeError; a well-formed value that breaks a WebAssembly limit is a RangeError, checked afterwards.

import type { RefType, ValType } from '../abi.js';

/** WebIDL dictionary conversion: undefined and null read as an empty dictionary, other primitives fail. */
export function dictionary(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' && typeof v !== 'function') throw new TypeError(`${what} must be an object`);
  return v as Record<string, unknown>;
}

/** `[EnforceRange] unsigned long`: ToNumber (a BigInt throws), then reject non-finite and out-of-range values. */
export function enforceU32(v: unknown, what: string): number {
  const n = +(v as number);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be convertible to a valid number`);
  const t = Math.trunc(n);
  if (t < 0 || t > 0xffff_ffff) throw new TypeError(`${what} must be in the unsigned long range`);
  return t + 0; // turns -0 into 0
}

/** A required dictionary member of type `[EnforceRange] unsigned long`. */
export function requiredU32(d: Record<string, unknown>, key: string, what: string): number {
  const v = d[key];
  if (v === undefined) throw new TypeError(`${what}: property '${key}' is required`);
  return enforceU32(v, `${what}: property '${key}'`);
}

/** An optional dictionary member of type `[EnforceRange] unsigned long`. */
export function optionalU32(d: Record<string, unknown>, key: string, what: string): number | undefined {
  const v = d[key];
  return v === undefined ? undefined : enforceU32(v, `${what}: property '${key}'`);
}

/** Value types as the JS API spells them; 'anyfunc' is the legacy name of funcref. */
const VALUE_TYPES: Readonly<Record<string, ValType>> = {
  i32: 'i32', i64: 'i64', f32: 'f32', f64: 'f64', anyfunc: 'funcref', funcref: 'funcref', externref: 'externref',
};

/** A WebIDL enum member: ToString, then membership. v128 is not a JS API value type. */
export function valueType(v: unknown, what: string): ValType {
  const s = String(v);
  const t = Object.hasOwn(VALUE_TYPES, s) ? VALUE_TYPES[s] : undefined;
  if (t === undefined) throw new TypeError(`${what} must be a WebAssembly type, got '${s}'`);
  return t;
}

export function refType(v: unknown, what: string): RefType {
  const t = valueType(v, what);
  if (t !== 'funcref' && t !== 'externref') throw new TypeError(`${what} must be a WebAssembly reference type, got '${String(v)}'`);
  return t;
}

/** Sets the `[object WebAssembly.X]` tag that the JS API gives its interface prototypes. */
export function tag(cls: { prototype: object }, name: string): void {
  Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: name, configurable: true });
}

/**
 * Passed to a JS API constructor instead of a descriptor to wrap an existing runtime object (a memory, table
 * or global cell that generated code created). Module-private to the runtime, so user code cannot forge it.
 */
export class Adopt<T> {
  constructor(readonly inner: T) {}
}
