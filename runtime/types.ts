// Canonical function type ids. call_indirect compares a RawFunc's `t` with the id of the expected type, so
// equal signatures must get the same id in every module of the process: ids are interned by a canonical key
// of the signature and never released. Ids are small integers, handed out from 0 in order of first use.

import type { FuncType } from './abi.js';

const ids = new Map<string, number>();
const byId: FuncType[] = [];

/** The canonical id of `ft`: equal params and results, equal id. */
export function typeId(ft: FuncType): number {
  const key = `${ft.params.join(' ')}->${ft.results.join(' ')}`;
  let id = ids.get(key);
  if (id === undefined) {
    id = byId.length;
    byId.push(Object.freeze({ params: Object.freeze([...ft.params]), results: Object.freeze([...ft.results]) }));
    ids.set(key, id);
  }
  return id;
}

/** The function type with canonical id `id` (a frozen copy of the first one interned). */
export function typeById(id: number): FuncType {
  const ft = byId[id];
  if (ft === undefined) throw new RangeError(`unknown type id ${id}`);
  return ft;
}
