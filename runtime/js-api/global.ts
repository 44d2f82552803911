// WebAssembly.Global: the JS API object over a GlobalCell (the storage of an imported or exported global).
// One Global object per cell (`globalObject` caches it), so the same global exported twice, or passed from
// one instance to another, is the same object and every holder sees every write.

import type { GlobalCell, GlobalType, ValType } from '../abi.js';
import { RI } from '../ret.js';
import { makeCell } from '../global.js';
import { defaultValue, toJS, toWasm } from './func.js';
import { Adopt, dictionary, tag, valueType } from './idl.js';

export interface GlobalDescriptor {
  value: 'i32' | 'i64' | 'f32' | 'f64' | 'anyfunc' | 'funcref' | 'externref';
  mutable?: boolean;
}

const objects = new WeakMap<GlobalCell, Global>();
let cellOf: (v: object) => GlobalCell | undefined;

/** Stores a JS value into a cell with ToWebAssemblyValue (i64 as lo in v, hi in h). */
function store(cell: GlobalCell, type: ValType, v: unknown): void {
  const lo = toWasm(v, type);
  if (type === 'i64') cell.h = RI[0]!;
  cell.v = lo;
}

/** A new cell of `type` holding the JS value `v` (ToWebAssemblyValue; throws TypeError when it does). */
export function cellFromValue(type: GlobalType, v: unknown): GlobalCell {
  const cell = makeCell(type);
  store(cell, type.type, v);
  return cell;
}

export class Global {
  readonly #cell: GlobalCell;

  static {
    cellOf = (v) => (#cell in v ? v.#cell : undefined);
  }

  constructor(descriptor: GlobalDescriptor, v?: unknown) {
    if (descriptor instanceof Adopt) {
      this.#cell = (descriptor as Adopt<GlobalCell>).inner;
      return;
    }
    const what = 'WebAssembly.Global()';
    const d = dictionary(descriptor, what);
    // WebIDL reads dictionary members in lexicographic order: 'mutable' before 'value'.
    const mutable = Boolean(d['mutable']);
    const type = valueType(d['value'], `${what}: property 'value'`);
    const cell = cellFromValue({ type, mutable }, v === undefined ? defaultValue(type) : v);
    this.#cell = cell;
    objects.set(cell, this);
  }

  get value(): unknown {
    const c = this.#cell;
    return toJS(c.v, c.h, c.type.type);
  }

  set value(v: unknown) {
    const c = this.#cell;
    if (!c.type.mutable) throw new TypeError("WebAssembly.Global: can't set the value of an immutable global");
    store(c, c.type.type, v);
  }

  valueOf(): unknown {
    return this.value;
  }
}
tag(Global, 'WebAssembly.Global');

/** The Global object for a cell (created on first need). */
export function globalObject(cell: GlobalCell): Global {
  let g = objects.get(cell);
  if (g === undefined) {
    g = new Global(new Adopt(cell) as unknown as GlobalDescriptor);
    objects.set(cell, g);
  }
  return g;
}

/** The cell behind a wajit Global, or undefined for any other value. */
export function globalCell(v: unknown): GlobalCell | undefined {
  return typeof v === 'object' && v !== null ? cellOf(v) : undefined;
}
