// WebAssembly.Table: the JS API object over a runtime TableInstance.
// The instance stores raw values (funcref: RawFunc or null; externref: any value); funcref values cross the
// boundary as exported-function wrappers. One Table object per TableInstance (`tableObject` caches it).

import { MAX_TABLE_SIZE, type RefType } from '../abi.js';
import { TableInstance } from '../table.js';
import { defaultValue, toJS, toWasm } from './func.js';
import { Adopt, dictionary, enforceU32, optionalU32, refType, requiredU32, tag } from './idl.js';

export interface TableDescriptor {
  element: 'anyfunc' | 'funcref' | 'externref';
  initial: number;
  maximum?: number;
}

const objects = new WeakMap<TableInstance, Table>();
let instanceOf: (v: object) => TableInstance | undefined;

/**
 * ToWebAssemblyValue for a table element, with DefaultValue when the argument is missing (WebIDL treats an
 * explicit undefined as missing; for externref both mean the reference `undefined`).
 */
function element(type: RefType, v: unknown): unknown {
  return toWasm(v === undefined ? defaultValue(type) : v, type);
}

export class Table {
  readonly #inst: TableInstance;

  static {
    instanceOf = (v) => (#inst in v ? v.#inst : undefined);
  }

  constructor(descriptor: TableDescriptor, value?: unknown) {
    if (descriptor instanceof Adopt) {
      this.#inst = (descriptor as Adopt<TableInstance>).inner;
      return;
    }
    const what = 'WebAssembly.Table()';
    const d = dictionary(descriptor, what);
    const elem = refType(d['element'], `${what}: property 'element'`);
    const initial = requiredU32(d, 'initial', what);
    const maximum = optionalU32(d, 'maximum', what);
    if (initial > MAX_TABLE_SIZE) throw new RangeError(`${what}: initial ${initial} is above the limit of ${MAX_TABLE_SIZE}`);
    if (maximum !== undefined && maximum < initial) throw new RangeError(`${what}: maximum ${maximum} is below initial ${initial}`);
    const init = element(elem, value);
    this.#inst = new TableInstance(elem, initial, maximum, init);
    // TableInstance's `init` parameter defaults to null, so an explicit undefined (the externref default)
    // does not reach it: store it here.
    if (init === undefined) this.#inst.elems.fill(undefined);
    objects.set(this.#inst, this);
  }

  get length(): number {
    return this.#inst.length;
  }

  get(index: number): unknown {
    const inst = this.#inst;
    const i = enforceU32(index, 'WebAssembly.Table.get(): index');
    if (i >= inst.length) throw new RangeError(`WebAssembly.Table.get(): index ${i} is out of bounds (length ${inst.length})`);
    return toJS(inst.elems[i], 0, inst.type);
  }

  set(index: number, value?: unknown): void {
    const inst = this.#inst;
    const i = enforceU32(index, 'WebAssembly.Table.set(): index');
    if (i >= inst.length) throw new RangeError(`WebAssembly.Table.set(): index ${i} is out of bounds (length ${inst.length})`);
    inst.elems[i] = element(inst.type, value);
  }

  /** Grows by `delta` entries filled with `value`; returns the old length. */
  grow(delta: number, value?: unknown): number {
    const inst = this.#inst;
    const d = enforceU32(delta, 'WebAssembly.Table.grow(): delta');
    const init = element(inst.type, value);
    const old = inst.grow(d, init);
    if (old < 0) throw new RangeError(`WebAssembly.Table.grow(): cannot grow table of ${inst.length} entries by ${d}`);
    return old;
  }
}
tag(Table, 'WebAssembly.Table');

/** The Table object for a runtime instance (created on first need). */
export function tableObject(inst: TableInstance): Table {
  let t = objects.get(inst);
  if (t === undefined) {
    t = new Table(new Adopt(inst) as unknown as TableDescriptor);
    objects.set(inst, t);
  }
  return t;
}

/** The runtime instance behind a wajit Table, or undefined for any other value. */
export function tableInstance(v: unknown): TableInstance | undefined {
  return typeof v === 'object' && v !== null ? instanceOf(v) : undefined;
}
