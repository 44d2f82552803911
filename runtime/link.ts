// The linker: instantiates a compiled module per the JS API's "instantiate the core of a module".
//
//   1. resolve every import from the import object (TypeError for a missing module object, LinkError for a
//      missing or mismatched import), in import order;
//   2. create the module's own memories and tables, and cells for the globals the outside can see;
//   3. build the LinkRecord and call the generated `link` function, which defines the functions and applies
//      global initializers and active segments;
//   4. run the start function;
//   5. build the frozen exports object.
//
// Traps in steps 3 and 4 surface as RuntimeError (translateError turns engine errors such as a stack
// overflow into one); errors thrown by host functions pass through unchanged.

import type {
  FuncType, GlobalCell, GlobalType, ImportDescriptor, Limits, LinkRecord, LinkResult, ModuleDescriptor, RawFunc,
} from './abi.js';
import { LinkError } from './errors.js';
import { Meter, type Limits as MeterLimits } from './meter.js';
import { makeCell } from './global.js';
import { MemoryInstance } from './memory.js';
import { TableInstance } from './table.js';
import { translateError } from './trap.js';
import { typeId } from './types.js';
import { exportFunction, hostAdapter, rawOf, registerFuncs } from './js-api/func.js';
import { cellFromValue, globalCell, globalObject } from './js-api/global.js';
import { memoryInstance, memoryObject } from './js-api/memory.js';
import { tableInstance, tableObject } from './js-api/table.js';

export interface Instantiated {
  readonly exports: Record<string, unknown>;
  /** The function index space of the instance (imports first). */
  readonly funcs: readonly RawFunc[];
  /** The instance's fuel and timeout, when it has limits. */
  readonly meter?: Meter;
}

/** An exported function whose calls from JavaScript each start the instance's timeout. */
function timedExport(f: (...args: unknown[]) => unknown, meter: Meter): (...args: unknown[]) => unknown {
  const g = (...args: unknown[]): unknown => meter.call(() => f(...args));
  Object.defineProperty(g, 'name', { value: f.name, configurable: true });
  Object.defineProperty(g, 'length', { value: f.length, configurable: true });
  return g;
}

/** Canonical type ids per descriptor: the same for every instance of a module. */
const typeIdCache = new WeakMap<ModuleDescriptor, readonly number[]>();

function typeIds(desc: ModuleDescriptor): readonly number[] {
  let ids = typeIdCache.get(desc);
  if (ids === undefined) {
    ids = desc.types.map(typeId);
    typeIdCache.set(desc, ids);
  }
  return ids;
}

const isObject = (v: unknown): v is object => (typeof v === 'object' && v !== null) || typeof v === 'function';

/** Host limits on one instance (wajit's `createWebAssembly` options); fuel and timeout need metered code. */
export interface InstanceLimits extends MeterLimits {
  /** Cap on the page count of every memory the module defines. */
  readonly maxMemoryPages?: number;
}

export function instantiate(
  desc: ModuleDescriptor,
  link: (I: LinkRecord) => LinkResult,
  importObject: unknown,
  limits: InstanceLimits = {},
): Instantiated {
  if (importObject !== undefined && !isObject(importObject)) throw new TypeError('the import object must be an object');
  if (desc.imports.length > 0 && importObject === undefined) {
    throw new TypeError('the module has imports but no import object was given');
  }
  const types = typeIds(desc);

  // 1. Imports, in order. Index spaces list imports first, so pushing builds each space's imported prefix.
  const funcs: RawFunc[] = [];
  const mems: MemoryInstance[] = [];
  const tables: TableInstance[] = [];
  const globals: (GlobalCell | undefined)[] = [];
  desc.imports.forEach((imp, n) => {
    const mod = (importObject as Record<string, unknown>)[imp.module];
    if (!isObject(mod)) throw new TypeError(`import #${n} "${imp.module}": module is not an object or function`);
    const v = (mod as Record<string, unknown>)[imp.name];
    const fail = (why: string): never => {
      const head = v === undefined ? 'unknown import' : 'incompatible import type';
      throw new LinkError(`${head}: import #${n} "${imp.module}" "${imp.name}": ${why}`);
    };
    switch (imp.kind) {
      case 'func': funcs.push(importFunc(v, desc.types[imp.type]!, types[imp.type]!, fail)); break;
      case 'memory': mems.push(importMemory(v, imp, fail)); break;
      case 'table': tables.push(importTable(v, imp, fail)); break;
      case 'global': globals.push(importGlobal(v, imp.type, fail)); break;
    }
  });

  // 2. The module's own memories, tables, and cells for exported globals (generated code stores their
  // initial values; globals that stay internal live in generated code and need no cell).
  for (let i = mems.length; i < desc.memories.length; i++) {
    const { min, max } = desc.memories[i]!.limits;
    mems.push(new MemoryInstance(min, max, limits.maxMemoryPages));
  }
  for (let i = tables.length; i < desc.tables.length; i++) {
    const { elem, limits } = desc.tables[i]!;
    tables.push(new TableInstance(elem, limits.min, limits.max, null));
  }
  for (let i = globals.length; i < desc.globals.length; i++) globals.push(undefined);
  for (const e of desc.exports) {
    if (e.kind === 'global' && globals[e.index] === undefined) globals[e.index] = makeCell(desc.globals[e.index]!);
  }

  // 3. Link. Data segments are read-only to generated code, so the instance shares the descriptor's bytes;
  // the array itself is per instance because data.drop nulls entries in it.
  const metered = limits.fuel !== undefined || limits.timeout !== undefined;
  const meter = metered ? new Meter(limits) : undefined;
  const I: LinkRecord = {
    mems, tables, globals, funcs, types,
    data: desc.data.slice(),
    elems: new Array<unknown[] | null>(desc.elemCount).fill(null),
    ...(meter ? { refuel: meter.refuel } : {}),
  };
  let space: readonly RawFunc[];
  try {
    const linked = link(I);
    space = linked.funcs;
    if (meter) {
      if (linked.counter === undefined) throw new TypeError('fuel and timeout need a module compiled with metering');
      meter.counter = linked.counter;
    }
  } catch (e) {
    throw translateError(e);
  }
  registerFuncs(space);

  // 4. Start.
  if (desc.start >= 0) {
    try {
      const start = space[desc.start]!;
      if (meter) meter.call(start);
      else start();
    } catch (e) {
      throw translateError(e);
    }
  }

  // 5. Exports: a null-prototype, frozen object, in export order.
  const exports: Record<string, unknown> = Object.create(null);
  for (const e of desc.exports) {
    switch (e.kind) {
      case 'func': {
        const f = exportFunction(space[e.index]!, e.index);
        exports[e.name] = meter?.timed ? timedExport(f, meter) : f;
        break;
      }
      case 'memory': exports[e.name] = memoryObject(mems[e.index]!); break;
      case 'table': exports[e.name] = tableObject(tables[e.index]!); break;
      case 'global': exports[e.name] = globalObject(globals[e.index]!); break;
    }
  }
  return { exports: Object.freeze(exports), funcs: space, ...(meter ? { meter } : {}) };
}

type Fail = (why: string) => never;

function importFunc(v: unknown, type: FuncType, id: number, fail: Fail): RawFunc {
  if (typeof v !== 'function') return fail('expected a function');
  const raw = rawOf(v);
  if (raw === undefined) return hostAdapter(v, type, id);
  // A wajit function is called directly, so its type must match exactly (canonical ids are equal iff the
  // types are).
  if (raw.t !== id) return fail(`function of type ${show(type)} expected, got a WebAssembly function of a different type`);
  return raw;
}

/** Import subtyping of limits: at least as large now, and a maximum at least as tight. */
function limitsMatch(min: number, max: number | undefined, declared: Limits): boolean {
  if (min < declared.min) return false;
  return declared.max === undefined || (max !== undefined && max <= declared.max);
}

function showLimits(min: number, max: number | undefined): string {
  return max === undefined ? `{min ${min}}` : `{min ${min}, max ${max}}`;
}

function importMemory(v: unknown, imp: ImportDescriptor & { kind: 'memory' }, fail: Fail): MemoryInstance {
  const mem = memoryInstance(v);
  if (mem === undefined) return fail('expected a WebAssembly.Memory');
  const { limits } = imp.type;
  if (!limitsMatch(mem.pages, mem.max, limits)) {
    fail(`memory limits ${showLimits(limits.min, limits.max)} expected, got ${showLimits(mem.pages, mem.max)}`);
  }
  return mem;
}

function importTable(v: unknown, imp: ImportDescriptor & { kind: 'table' }, fail: Fail): TableInstance {
  const table = tableInstance(v);
  if (table === undefined) return fail('expected a WebAssembly.Table');
  const { elem, limits } = imp.type;
  if (table.type !== elem) fail(`table of ${elem} expected, got a table of ${table.type}`);
  if (!limitsMatch(table.length, table.max, limits)) {
    fail(`table limits ${showLimits(limits.min, limits.max)} expected, got ${showLimits(table.length, table.max)}`);
  }
  return table;
}

function importGlobal(v: unknown, type: GlobalType, fail: Fail): GlobalCell {
  const cell = globalCell(v);
  if (cell !== undefined) {
    // Globals are invariant: same value type and same mutability.
    if (cell.type.type !== type.type || cell.type.mutable !== type.mutable) {
      fail(`global ${showGlobal(type)} expected, got a WebAssembly.Global of type ${showGlobal(cell.type)}`);
    }
    return cell;
  }
  // A plain value stands for a new immutable global.
  if (type.mutable) return fail(`a mutable global needs a WebAssembly.Global, got ${typeof v}`);
  const t = type.type;
  if (t === 'i64' ? typeof v !== 'bigint' : (t === 'i32' || t === 'f32' || t === 'f64') && typeof v !== 'number') {
    return fail(`global ${showGlobal(type)} expected, got ${typeof v}`);
  }
  if (t === 'v128') return fail('v128 globals cannot be imported from JavaScript');
  if (t === 'funcref' && v !== null && rawOf(v) === undefined) return fail('funcref expected: null or a WebAssembly function');
  return cellFromValue(type, v);
}

function show(t: FuncType): string {
  return `[${t.params.join(' ')}] -> [${t.results.join(' ')}]`;
}

function showGlobal(t: GlobalType): string {
  return t.mutable ? `(mut ${t.type})` : t.type;
}
