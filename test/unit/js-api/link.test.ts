// The linker with hand-written descriptors and link functions standing in for the compiler: import
// resolution and its TypeError/LinkError cases, the LinkRecord it builds, traps during link and start, and
// the exports object.

import { describe, expect, it } from 'vitest';
import { instantiate } from '../../../runtime/link.js';
import { Memory, memoryInstance } from '../../../runtime/js-api/memory.js';
import { Table, tableInstance } from '../../../runtime/js-api/table.js';
import { Global, globalCell } from '../../../runtime/js-api/global.js';
import { exportFunction, rawOf } from '../../../runtime/js-api/func.js';
import { LinkError, RuntimeError } from '../../../runtime/errors.js';
import { RI } from '../../../runtime/ret.js';
import { typeId } from '../../../runtime/types.js';
import type {
  FuncType, GlobalType, ImportDescriptor, LinkRecord, LinkResult, ModuleDescriptor, RawFunc,
} from '../../../runtime/abi.js';
import { NativeWasm, raw, thrown } from './helpers.js';

const VOID: FuncType = { params: [], results: [] };
const I32_I32: FuncType = { params: ['i32'], results: ['i32'] };

interface TestModule {
  readonly desc: ModuleDescriptor;
  readonly link: (I: LinkRecord) => LinkResult;
  /** The LinkRecord of the last instantiation. */
  I?: LinkRecord;
}

/** A module: descriptor fields over empty defaults, defined functions, and an optional link-time action. */
function mod(d: Partial<ModuleDescriptor>, defined: RawFunc[] = [], onLink?: (I: LinkRecord) => void): TestModule {
  const desc: ModuleDescriptor = {
    types: [], imports: [], exports: [], funcs: [], tables: [], memories: [], globals: [], data: [],
    elemCount: 0, start: -1, ...d,
  };
  const m: TestModule = {
    desc,
    link: (I) => {
      m.I = I;
      onLink?.(I);
      return { funcs: [...I.funcs, ...defined] };
    },
  };
  return m;
}

const run = (m: TestModule, imports?: unknown) => instantiate(m.desc, m.link, imports);

/** A module with one import of the given descriptor (its type indices refer to `types`). */
function importing(imp: Omit<ImportDescriptor, 'module' | 'name'>, types: FuncType[] = [VOID]): TestModule {
  const i = { module: 'm', name: 'x', ...imp } as ImportDescriptor;
  const spaces: Partial<ModuleDescriptor> = {
    funcs: i.kind === 'func' ? [i.type] : [],
    memories: i.kind === 'memory' ? [i.type] : [],
    tables: i.kind === 'table' ? [i.type] : [],
    globals: i.kind === 'global' ? [i.type] : [],
  };
  return mod({ types, imports: [i], ...spaces });
}

const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error');
};

describe('the import object', () => {
  const m = importing({ kind: 'func', type: 0 });

  it('must be an object when given, and present when the module has imports', () => {
    expect(thrown(() => run(m))).toBe('TypeError');
    expect(thrown(() => run(m, 5))).toBe('TypeError');
    expect(thrown(() => run(mod({}), null))).toBe('TypeError');
    expect(thrown(() => run(mod({}), 'x'))).toBe('TypeError');
    expect(thrown(() => run(mod({})))).toBe('ok');
    expect(thrown(() => run(mod({}), () => 0))).toBe('ok');
  });

  it('each import module must be an object or function (TypeError)', () => {
    expect(thrown(() => run(m, {}))).toBe('TypeError');
    expect(thrown(() => run(m, { m: 1 }))).toBe('TypeError');
    expect(thrown(() => run(m, { m: Object.assign(() => 0, { x: () => 0 }) }))).toBe('ok');
  });

  it('a missing import is a LinkError worded as the spec suite words it', () => {
    const e = errorOf(() => run(m, { m: {} }));
    expect(e).toBeInstanceOf(LinkError);
    expect(e).toBeInstanceOf(NativeWasm.LinkError);
    expect(e.message).toMatch(/^unknown import/);
    expect(errorOf(() => run(m, { m: { x: 1 } })).message).toMatch(/^incompatible import type/);
  });

  it('reads imports in order with ordinary property gets', () => {
    const log: string[] = [];
    const two = mod({
      types: [VOID],
      imports: [{ module: 'a', name: 'f', kind: 'func', type: 0 }, { module: 'b', name: 'g', kind: 'func', type: 0 }],
      funcs: [0, 0],
    });
    const ns = (n: string) => new Proxy({}, { get: (_, k) => (log.push(`${n}.${String(k)}`), () => 0) });
    run(two, new Proxy({}, { get: (_, k) => (log.push(String(k)), ns(String(k))) }));
    expect(log).toEqual(['a', 'a.f', 'b', 'b.g']);
  });
});

describe('function imports', () => {
  it('adapts a host function to the raw convention, tagged with the canonical type id', () => {
    const m = importing({ kind: 'func', type: 0 }, [I32_I32]);
    run(m, { m: { x: (v: number) => v + 1 } });
    const f = m.I!.funcs[0]!;
    expect(f.t).toBe(typeId(I32_I32));
    expect(f(41)).toBe(42);
  });

  it('calls a wajit function directly when the types match, LinkError otherwise', () => {
    const r = raw((x: number) => x, ['i32'], ['i32']);
    const m = importing({ kind: 'func', type: 0 }, [I32_I32]);
    run(m, { m: { x: exportFunction(r, 0) } });
    expect(m.I!.funcs[0]).toBe(r);
    const other = exportFunction(raw(() => 0, ['i64'], ['i32']), 0);
    expect(thrown(() => run(m, { m: { x: other } }))).toBe('LinkError');
  });

  it('rejects a non-callable value with LinkError', () => {
    const m = importing({ kind: 'func', type: 0 });
    for (const x of [1, {}, null, 'f']) expect(thrown(() => run(m, { m: { x } }))).toBe('LinkError');
  });
});

describe('memory and table imports', () => {
  const memImport = (min: number, max?: number) => importing({ kind: 'memory', type: { limits: { min, max } } });

  it('need a wajit Memory whose limits match', () => {
    const mem = new Memory({ initial: 1, maximum: 2 });
    const m = memImport(1, 2);
    run(m, { m: { x: mem } });
    expect(m.I!.mems[0]).toBe(memoryInstance(mem));
    expect(thrown(() => run(m, { m: { x: {} } }))).toBe('LinkError');
    expect(thrown(() => run(m, { m: { x: new NativeWasm.Memory({ initial: 1, maximum: 2 }) } }))).toBe('LinkError');
  });

  it.each([
    // [declared min, declared max, actual initial, actual max, ok]
    [1, undefined, 1, undefined, true],
    [1, undefined, 2, 3, true],
    [2, undefined, 1, undefined, false],
    [1, 2, 1, undefined, false],
    [1, 2, 1, 3, false],
    [1, 3, 2, 2, true],
  ] as const)('memory {min %s, max %s} given {initial %s, maximum %s}: ok %s', (min, max, initial, maximum, ok) => {
    const mem = new Memory({ initial, maximum });
    expect(thrown(() => run(memImport(min, max), { m: { x: mem } }))).toBe(ok ? 'ok' : 'LinkError');
  });

  it('the current size counts, not the initial one', () => {
    const mem = new Memory({ initial: 1 });
    expect(thrown(() => run(memImport(2), { m: { x: mem } }))).toBe('LinkError');
    mem.grow(1);
    expect(thrown(() => run(memImport(2), { m: { x: mem } }))).toBe('ok');
  });

  it('tables: wajit Table, same element type, matching limits', () => {
    const m = importing({ kind: 'table', type: { elem: 'funcref', limits: { min: 2, max: 4 } } });
    const t = new Table({ element: 'anyfunc', initial: 2, maximum: 3 });
    run(m, { m: { x: t } });
    expect(m.I!.tables[0]).toBe(tableInstance(t));
    const ext = new Table({ element: 'externref', initial: 2, maximum: 3 });
    expect(thrown(() => run(m, { m: { x: ext } }))).toBe('LinkError');
    expect(thrown(() => run(m, { m: { x: new Table({ element: 'anyfunc', initial: 1, maximum: 3 }) } }))).toBe('LinkError');
    expect(thrown(() => run(m, { m: { x: new Table({ element: 'anyfunc', initial: 2 }) } }))).toBe('LinkError');
    expect(thrown(() => run(m, { m: { x: [] } }))).toBe('LinkError');
  });
});

describe('global imports', () => {
  const globalImport = (type: GlobalType) => importing({ kind: 'global', type });

  it('a wajit Global of the same type and mutability shares its cell', () => {
    const g = new Global({ value: 'i32', mutable: true }, 1);
    const m = globalImport({ type: 'i32', mutable: true });
    run(m, { m: { x: g } });
    expect(m.I!.globals[0]).toBe(globalCell(g));
    g.value = 5;
    expect(m.I!.globals[0]!.v).toBe(5);
  });

  it.each([
    [{ type: 'i32', mutable: true }, () => new Global({ value: 'i32' }, 1), 'LinkError'],
    [{ type: 'i32', mutable: false }, () => new Global({ value: 'i32', mutable: true }, 1), 'LinkError'],
    [{ type: 'i32', mutable: false }, () => new Global({ value: 'f32' }, 1), 'LinkError'],
    [{ type: 'i32', mutable: false }, () => 1, 'ok'],
    [{ type: 'i32', mutable: false }, () => 1n, 'LinkError'],
    [{ type: 'i32', mutable: false }, () => '1', 'LinkError'],
    [{ type: 'i32', mutable: false }, () => undefined, 'LinkError'],
    [{ type: 'i64', mutable: false }, () => 1, 'LinkError'],
    [{ type: 'i64', mutable: false }, () => 1n, 'ok'],
    [{ type: 'f64', mutable: false }, () => 0.5, 'ok'],
    [{ type: 'i32', mutable: true }, () => 1, 'LinkError'],
    [{ type: 'externref', mutable: false }, () => 'anything', 'ok'],
    [{ type: 'externref', mutable: false }, () => undefined, 'ok'],
    [{ type: 'externref', mutable: true }, () => 'anything', 'LinkError'],
    [{ type: 'funcref', mutable: false }, () => null, 'ok'],
    [{ type: 'funcref', mutable: false }, () => 5, 'LinkError'],
    [{ type: 'funcref', mutable: false }, () => () => 0, 'LinkError'],
  ] as [GlobalType, () => unknown, string][])('%o given %s: %s', (type, value, outcome) => {
    expect(thrown(() => run(globalImport(type), { m: { x: value() } }))).toBe(outcome);
  });

  it('a plain value becomes a new cell (i64 as lo and hi; externref undefined stays undefined)', () => {
    const m = globalImport({ type: 'i64', mutable: false });
    run(m, { m: { x: -(2n ** 32n) } });
    expect([m.I!.globals[0]!.v, m.I!.globals[0]!.h]).toEqual([0, -1]);
    const e = globalImport({ type: 'externref', mutable: false });
    run(e, { m: { x: undefined } });
    expect(e.I!.globals[0]!.v).toBeUndefined();
  });
});

describe('the link record', () => {
  it('holds new memories and tables, cells for exported globals only, type ids, data and element slots', () => {
    const seg = new Uint8Array([1, 2, 3]);
    const m = mod({
      types: [VOID, I32_I32],
      memories: [{ limits: { min: 1, max: 2 } }],
      tables: [{ elem: 'externref', limits: { min: 3 } }],
      globals: [{ type: 'i32', mutable: false }, { type: 'f64', mutable: true }],
      exports: [{ name: 'g', kind: 'global', index: 1 }],
      data: [seg],
      elemCount: 2,
    });
    run(m);
    const I = m.I!;
    expect(I.mems[0]!.pages).toBe(1);
    expect(I.mems[0]!.max).toBe(2);
    expect(I.tables[0]!.length).toBe(3);
    expect(I.tables[0]!.elems[0]).toBeNull();
    expect(I.globals[0]).toBeUndefined();
    expect(I.globals[1]!.type).toEqual({ type: 'f64', mutable: true });
    expect(I.types).toEqual([typeId(VOID), typeId(I32_I32)]);
    expect(I.data).toEqual([seg]);
    expect(I.elems).toEqual([null, null]);
  });

  it('is per instance: dropping a segment in one instance leaves the other alone', () => {
    const m = mod({ data: [new Uint8Array([9])] }, [], (I) => { I.data[0] = null; });
    run(m);
    const first = m.I!;
    const other = mod({ data: m.desc.data });
    run(other);
    expect(first.data[0]).toBeNull();
    expect(other.I!.data[0]).toEqual(new Uint8Array([9]));
    run(m);
    expect(m.I).not.toBe(first);
  });
});

describe('traps during instantiation', () => {
  it('an engine error in link becomes a RuntimeError; a trap stays itself', () => {
    const overflow = mod({}, [], () => { throw new RangeError('Maximum call stack size exceeded'); });
    expect(thrown(() => run(overflow))).toBe('RuntimeError');
    const t = new RuntimeError('out of bounds memory access');
    expect(() => run(mod({}, [], () => { throw t; }))).toThrow(t);
  });

  it('runs the start function after link, translating its errors; host errors pass unchanged', () => {
    const log: string[] = [];
    const start = raw(() => { log.push('start'); }, [], []);
    run(mod({ types: [VOID], funcs: [0], start: 0 }, [start], () => log.push('link')));
    expect(log).toEqual(['link', 'start']);

    const trapping = raw(() => { throw new RangeError('Offset is outside the bounds of the DataView'); }, [], []);
    expect(thrown(() => run(mod({ types: [VOID], funcs: [0], start: 0 }, [trapping])))).toBe('RuntimeError');

    const e = new RangeError('Maximum call stack size exceeded');
    const hostStart = mod({ types: [VOID], imports: [{ module: 'm', name: 's', kind: 'func', type: 0 }], funcs: [0], start: 0 });
    expect(() => run(hostStart, { m: { s: () => { throw e; } } })).toThrow(e);
  });
});

describe('the exports object', () => {
  it('is frozen, has a null prototype, keeps export order, and reuses JS API objects', () => {
    const f = raw((x: number) => x * 2, ['i32'], ['i32']);
    const mem = new Memory({ initial: 1 });
    const m = mod({
      types: [VOID, I32_I32],
      imports: [{ module: 'm', name: 'mem', kind: 'memory', type: { limits: { min: 1 } } }],
      funcs: [1],
      memories: [{ limits: { min: 1 } }],
      tables: [{ elem: 'funcref', limits: { min: 1 } }],
      globals: [{ type: 'i64', mutable: true }],
      exports: [
        { name: 'z', kind: 'func', index: 0 },
        { name: 'a', kind: 'memory', index: 0 },
        { name: 'mem2', kind: 'memory', index: 0 },
        { name: 'g', kind: 'global', index: 0 },
        { name: 't', kind: 'table', index: 0 },
        { name: 'y', kind: 'func', index: 0 },
      ],
    }, [f], (I) => { I.tables[0]!.elems[0] = f; I.globals[0]!.v = -1; I.globals[0]!.h = 0; });
    const { exports, funcs } = run(m, { m: { mem } });
    expect(Object.getPrototypeOf(exports)).toBeNull();
    expect(Object.isFrozen(exports)).toBe(true);
    expect(Object.keys(exports)).toEqual(['z', 'a', 'mem2', 'g', 't', 'y']);
    expect(exports['a']).toBe(mem);
    expect(exports['mem2']).toBe(mem);
    expect(exports['z']).toBe(exports['y']);
    expect((exports['t'] as Table).get(0)).toBe(exports['z']);
    expect((exports['z'] as (x: number) => number)(21)).toBe(42);
    expect((exports['z'] as () => void).name).toBe('0');
    expect(rawOf(exports['z'])).toBe(f);
    expect((exports['g'] as Global).value).toBe(2n ** 32n - 1n);
    expect(funcs).toEqual([f]);
  });

  it('a function imported from another instance and re-exported is the same object', () => {
    const f = raw(() => 1, [], ['i32']);
    const a = run(mod({ types: [{ params: [], results: ['i32'] }], funcs: [0], exports: [{ name: 'f', kind: 'func', index: 0 }] }, [f]));
    const b = run(mod({
      types: [{ params: [], results: ['i32'] }],
      imports: [{ module: 'a', name: 'f', kind: 'func', type: 0 }],
      funcs: [0],
      exports: [{ name: 'g', kind: 'func', index: 0 }],
    }), { a: a.exports });
    expect(b.exports['g']).toBe(a.exports['f']);
    expect(b.funcs[0]).toBe(f);
  });

  it('names a function reached only through a table by its index in the defining module', () => {
    const g = raw(() => 0, [], []);
    const m = mod({ types: [VOID], funcs: [0, 0], tables: [{ elem: 'funcref', limits: { min: 1 } }],
      exports: [{ name: 't', kind: 'table', index: 0 }] }, [raw(() => 0, [], []), g],
    (I) => { I.tables[0]!.elems[0] = g; });
    const t = run(m).exports['t'] as Table;
    expect((t.get(0) as () => void).name).toBe('1');
  });

  it('an i64 result of an exported function reads hi from RI[0]', () => {
    const f = raw(() => { RI[0] = 1; return 0; }, [], ['i64']);
    const { exports } = run(mod({ types: [{ params: [], results: ['i64'] }], funcs: [0], exports: [{ name: 'f', kind: 'func', index: 0 }] }, [f]));
    expect((exports['f'] as () => bigint)()).toBe(2n ** 32n);
  });
});
