// Global cells: the storage of a global that crosses an instance boundary (imported or exported). Generated
// code reads and writes `cell.v` (and `cell.h`, the hi word of an i64) directly.

import type { GlobalCell, GlobalType } from './abi.js';

/**
 * A cell for a global of `type` holding `v` (i64: lo in `v`, hi in `h`). An omitted `v` means the type's
 * default: 0 (also for an undefined `v`), or null for references; for a reference type an explicit
 * `undefined` is the externref value undefined (hence the rest tuple: a default parameter could not tell it
 * from an omitted argument). Not for hot paths.
 */
export function makeCell(type: GlobalType, ...vh: [v?: any, h?: number]): GlobalCell {
  const isRef = type.type === 'funcref' || type.type === 'externref';
  const v = isRef ? (vh.length === 0 ? null : vh[0]) : (vh[0] ?? 0);
  return { v, h: (vh[1] ?? 0) | 0, type };
}
