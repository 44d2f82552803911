// Table instances, the table operators and call_indirect's lookup.
//
// A table is a plain JS array (`elems`) that grows in place, so generated code may keep a reference to it.
// Entries are RawFuncs or null (funcref) or any JS value (externref; null is ref.null, undefined is a real
// reference). The arrays always have the generic elements kind: V8 would otherwise store an all-number
// externref table as raw doubles, silencing signalling NaNs and deoptimizing on the first object stored.
//
// The operator helpers take int32 arguments (possibly negative) and read them as unsigned with >>> 0.

import { MAX_TABLE_SIZE, Trap, type RawFunc, type RefType } from './abi.js';
import { trap } from './trap.js';

/** An empty array whose elements kind is already generic (kinds only ever generalize in V8). */
function genericArray(): unknown[] {
  const a: unknown[] = [{}];
  a.pop();
  return a;
}

export class TableInstance {
  readonly elems: unknown[];
  readonly type: RefType;
  /** Maximum size from the table type; undefined when the type has none. */
  readonly max: number | undefined;

  /**
   * A table of `min` entries set to `init`, null when omitted. An explicit `undefined` is the externref value
   * undefined (hence the rest tuple: a default parameter could not tell it from an omitted argument).
   */
  constructor(elem: RefType, min: number, max?: number, ...init: [init?: unknown]) {
    if (min > MAX_TABLE_SIZE || (max !== undefined && max < min)) {
      throw new RangeError(`invalid table limits ${min}..${max ?? ''}`);
    }
    const v = init.length === 0 ? null : init[0];
    this.type = elem;
    this.max = max;
    this.elems = genericArray();
    for (let i = 0; i < min; i++) this.elems.push(v);
  }

  get length(): number {
    return this.elems.length;
  }

  /** table.grow: add `delta` entries (read as unsigned) set to `init`; the old size, or -1 past the maximum. */
  grow(delta: number, init: unknown): number {
    const e = this.elems;
    const old = e.length;
    delta >>>= 0;
    const n = old + delta;
    if (n > (this.max ?? MAX_TABLE_SIZE) || n > MAX_TABLE_SIZE) return -1;
    for (let i = old; i < n; i++) e.push(init);
    return old;
  }
}

export function table_get(T: TableInstance, i: number): unknown {
  i >>>= 0;
  if (i >= T.elems.length) trap(Trap.TableOutOfBounds);
  return T.elems[i];
}

export function table_set(T: TableInstance, i: number, v: unknown): void {
  i >>>= 0;
  if (i >= T.elems.length) trap(Trap.TableOutOfBounds);
  T.elems[i] = v;
}

export function table_size(T: TableInstance): number {
  return T.elems.length;
}

/** table.grow, operands in stack order: the init value, then the delta. */
export function table_grow(T: TableInstance, init: unknown, delta: number): number {
  return T.grow(delta, init);
}

// Bulk operators check the whole range before writing anything; a range ending exactly at the end is fine.

export function table_fill(T: TableInstance, i: number, v: unknown, n: number): void {
  i >>>= 0;
  n >>>= 0;
  const e = T.elems;
  if (i + n > e.length) trap(Trap.TableOutOfBounds);
  for (let k = i, end = i + n; k < end; k++) e[k] = v;
}

export function table_copy(Tdst: TableInstance, Tsrc: TableInstance, d: number, s: number, n: number): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  const de = Tdst.elems, se = Tsrc.elems;
  if (d + n > de.length || s + n > se.length) trap(Trap.TableOutOfBounds);
  // Within one table the ranges may overlap: copy backwards when the destination is above the source.
  if (de === se && d > s) for (let k = n - 1; k >= 0; k--) de[d + k] = se[s + k];
  else for (let k = 0; k < n; k++) de[d + k] = se[s + k];
}

/** table.init from an element segment (null once dropped: length 0). */
export function table_init(T: TableInstance, seg: unknown[] | null, d: number, s: number, n: number): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  const e = T.elems;
  const len = seg === null ? 0 : seg.length;
  if (s + n > len || d + n > e.length) trap(Trap.TableOutOfBounds);
  for (let k = 0; k < n; k++) e[d + k] = seg![s + k];
}

/** call_indirect's lookup: the function at `i` if it exists, is not null and has canonical type `typeId`. */
export function icall(T: TableInstance, i: number, typeId: number): RawFunc {
  const e = T.elems;
  i >>>= 0;
  if (i >= e.length) trap(Trap.UndefinedElement);
  const f = e[i] as RawFunc | null;
  if (f === null) trap(Trap.UninitializedElement);
  if (f.t !== typeId) trap(Trap.IndirectCallTypeMismatch);
  return f;
}
