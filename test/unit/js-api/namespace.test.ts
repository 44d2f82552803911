// The WebAssembly namespace (src/js-api.ts) with the compiler replaced by a stand-in, so these tests check
// the JS API layer alone: BufferSource handling, error conversion into CompileError, Module reflection,
// Instance, and the promise-returning functions.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompiledModule } from '../../../src/pipeline.js';
import type { Module as Decoded } from '../../../compiler/ir/module.js';
import type { ModuleDescriptor } from '../../../runtime/abi.js';
import { NativeWasm, thrown, raw } from './helpers.js';

const pipeline = vi.hoisted(() => ({
  compileModule: vi.fn<(bytes: Uint8Array) => CompiledModule>(),
  checkModule: vi.fn<(bytes: Uint8Array) => void>(),
}));
vi.mock('../../../src/pipeline.js', () => pipeline);

const { WebAssembly: W, CompileError, LinkError, RuntimeError, Module, Instance, Memory } = await import('../../../src/index.js');

const HEADER = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

/** A compiled module exporting `answer` (returns 42) and importing nothing, with two custom sections. */
function compiled(): CompiledModule {
  const answer = raw(() => 42, [], ['i32']);
  const descriptor: ModuleDescriptor = {
    types: [{ params: [], results: ['i32'] }],
    imports: [],
    exports: [{ name: 'answer', kind: 'func', index: 0 }],
    funcs: [0], tables: [], memories: [], globals: [], data: [], elemCount: 0, start: -1,
  };
  const customs = [
    { name: 'meta', bytes: new Uint8Array([1, 2]), at: 8 },
    { name: 'other', bytes: new Uint8Array([3]), at: 12 },
    { name: 'meta', bytes: new Uint8Array([4]), at: 16 },
  ];
  return {
    module: { customs } as unknown as Decoded,
    descriptor,
    link: () => ({ funcs: [answer] }),
    code: '',
  };
}

beforeEach(() => {
  pipeline.compileModule.mockReset().mockImplementation(() => compiled());
  pipeline.checkModule.mockReset();
});

describe('BufferSource', () => {
  it('accepts ArrayBuffer, typed arrays and DataView, copying exactly the viewed bytes', () => {
    const backing = new Uint8Array([9, ...HEADER, 9]);
    for (const source of [
      new Uint8Array(HEADER).buffer,
      new Uint8Array(HEADER),
      new Uint8Array(backing.buffer, 1, 8),
      new DataView(backing.buffer, 1, 8),
      new Uint16Array(new Uint8Array(HEADER).buffer),
    ]) {
      new Module(source);
      const got = pipeline.compileModule.mock.lastCall![0];
      expect([...got]).toEqual(HEADER);
      expect(got.buffer).not.toBe(source instanceof ArrayBuffer ? source : (source as ArrayBufferView).buffer);
    }
  });

  it('copies: later writes to the caller\'s buffer change nothing', () => {
    const bytes = new Uint8Array(HEADER);
    new Module(bytes);
    bytes[0] = 0xff;
    expect(pipeline.compileModule.mock.lastCall![0][0]).toBe(0);
  });

  it('a detached buffer holds no bytes', () => {
    const b = new Uint8Array(HEADER).buffer;
    structuredClone(b, { transfer: [b] });
    new Module(b);
    expect(pipeline.compileModule.mock.lastCall![0].length).toBe(0);
  });

  it('anything else is a TypeError, as natively', () => {
    for (const v of [undefined, null, 'x', [0, 97, 115, 109], {}, 5, new SharedArrayBuffer(8)]) {
      expect(thrown(() => new Module(v as never))).toBe('TypeError');
      expect(thrown(() => W.validate(v as never))).toBe('TypeError');
      expect(thrown(() => new NativeWasm.Module(v as never))).toBe('TypeError');
    }
  });
});

describe('compile errors', () => {
  it('a CompileError from the compiler passes unchanged', () => {
    const e = new CompileError('unexpected end', 3, 'unexpected-end');
    pipeline.compileModule.mockImplementation(() => { throw e; });
    expect(() => new Module(new Uint8Array(HEADER))).toThrow(e);
  });

  it('any other exception becomes a CompileError keeping the original as cause', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'kind')");
    pipeline.compileModule.mockImplementation(() => { throw bug; });
    const e = (() => { try { new Module(new Uint8Array(HEADER)); } catch (x) { return x as Error; } })()!;
    expect(e).toBeInstanceOf(CompileError);
    expect(e).toBeInstanceOf(NativeWasm.CompileError);
    expect((e as InstanceType<typeof CompileError>).code).toBe('internal');
    expect(e.cause).toBe(bug);
    expect(e.message).toContain("reading 'kind'");
    pipeline.compileModule.mockImplementation(() => { throw 'a string'; });
    expect(thrown(() => new Module(new Uint8Array(HEADER)))).toBe('CompileError');
  });

  it('compile rejects rather than throws', async () => {
    pipeline.compileModule.mockImplementation(() => { throw new RangeError('Maximum call stack size exceeded'); });
    await expect(W.compile(new Uint8Array(HEADER))).rejects.toBeInstanceOf(CompileError);
    await expect(W.compile('x' as never)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('validate', () => {
  it('is true when decoding and validation succeed, false on CompileError', () => {
    expect(W.validate(new Uint8Array(HEADER))).toBe(true);
    expect(pipeline.compileModule).not.toHaveBeenCalled();
    pipeline.checkModule.mockImplementation(() => { throw new CompileError('bad magic', 0); });
    expect(W.validate(new Uint8Array(HEADER))).toBe(false);
  });

  it('turns any other exception into false without logging', () => {
    const spies = (['log', 'error', 'warn'] as const).map((k) => vi.spyOn(console, k));
    pipeline.checkModule.mockImplementation(() => { throw new Error('bug'); });
    expect(W.validate(new Uint8Array(HEADER))).toBe(false);
    for (const s of spies) {
      expect(s).not.toHaveBeenCalled();
      s.mockRestore();
    }
  });
});

describe('Module and Instance', () => {
  it('Module reflects exports, imports and custom sections', () => {
    const m = new Module(new Uint8Array(HEADER));
    expect(Module.exports(m)).toEqual([{ name: 'answer', kind: 'function' }]);
    expect(Module.imports(m)).toEqual([]);
    const metas = Module.customSections(m, 'meta');
    expect(metas.map((b) => [...new Uint8Array(b)])).toEqual([[1, 2], [4]]);
    expect(metas[0]).toBeInstanceOf(ArrayBuffer);
    new Uint8Array(metas[0]!)[0] = 99; // a copy: the module's bytes stay as they were
    expect([...new Uint8Array(Module.customSections(m, 'meta')[0]!)]).toEqual([1, 2]);
    expect(Module.customSections(m, 'none')).toEqual([]);
    expect(thrown(() => Module.customSections(m, undefined as never))).toBe('TypeError');
    for (const f of [Module.exports, Module.imports]) expect(thrown(() => f({} as never))).toBe('TypeError');
    expect(thrown(() => (Module as unknown as (b: unknown) => void)(new Uint8Array(HEADER)))).toBe('TypeError');
  });

  it('Instance links and exposes exports', () => {
    const i = new Instance(new Module(new Uint8Array(HEADER)));
    expect((i.exports['answer'] as () => number)()).toBe(42);
    expect(i.exports).toBe(i.exports);
    expect(thrown(() => new Instance({} as never))).toBe('TypeError');
    expect(Object.prototype.toString.call(i)).toBe('[object WebAssembly.Instance]');
  });

  it('instantiate: bytes give { module, instance }, a Module gives an Instance', async () => {
    const { module, instance } = await W.instantiate(new Uint8Array(HEADER));
    expect(module).toBeInstanceOf(Module);
    expect(instance).toBeInstanceOf(Instance);
    const again = await W.instantiate(module, {});
    expect(again).toBeInstanceOf(Instance);
    expect(again.exports).not.toBe(instance.exports);
    await expect(W.instantiate(module, 5 as never)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('the namespace object', () => {
  it('has the JS API members and tag', () => {
    expect(Object.prototype.toString.call(W)).toBe('[object WebAssembly]');
    for (const k of ['validate', 'compile', 'instantiate', 'Module', 'Instance', 'Memory', 'Table', 'Global',
      'CompileError', 'LinkError', 'RuntimeError']) {
      expect(typeof (W as Record<string, unknown>)[k]).toBe('function');
    }
    expect(W.Memory).toBe(Memory);
    expect(new LinkError('x')).toBeInstanceOf(NativeWasm.LinkError);
    expect(new RuntimeError('x')).toBeInstanceOf(NativeWasm.RuntimeError);
  });
});
