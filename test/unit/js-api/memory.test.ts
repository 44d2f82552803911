// WebAssembly.Memory over MemoryInstance: descriptor validation compared with Node's native class, buffer
// identity and detachment, grow, and the one-object-per-instance cache.

import { describe, expect, it } from 'vitest';
import { Memory, memoryInstance, memoryObject } from '../../../runtime/js-api/memory.js';
import { MemoryInstance } from '../../../runtime/memory.js';
import { PAGE_SIZE } from '../../../runtime/abi.js';
import { NativeWasm, thrown } from './helpers.js';

const Native = NativeWasm.Memory;

describe('Memory constructor', () => {
  const descriptors: [string, unknown][] = [
    ['no descriptor', undefined],
    ['a number', 5],
    ['null', null],
    ['no initial', {}],
    ['initial 0', { initial: 0 }],
    ['initial 1.9 (truncated)', { initial: 1.9 }],
    ['initial as a string', { initial: '2' }],
    ['initial via valueOf', { initial: { valueOf: () => 1 } }],
    ['initial above 65536 pages', { initial: 65537 }],
    ['initial 2^32', { initial: 2 ** 32 }],
    ['initial -1', { initial: -1 }],
    ['initial NaN', { initial: NaN }],
    ['initial Infinity', { initial: Infinity }],
    ['initial BigInt', { initial: 1n }],
    ['maximum below initial', { initial: 1, maximum: 0 }],
    ['maximum equal to initial', { initial: 1, maximum: 1 }],
    ['maximum above 65536 pages', { initial: 1, maximum: 65537 }],
    ['maximum 2^32', { initial: 1, maximum: 2 ** 32 }],
    ['maximum undefined', { initial: 1, maximum: undefined }],
    ['shared without maximum', { initial: 1, shared: true }],
  ];
  it.each(descriptors)('%s: same outcome as the native class', (_, d) => {
    expect(thrown(() => new Memory(d as never))).toBe(thrown(() => new Native(d as never)));
  });

  it('converts every member before checking limits (WebIDL), so a TypeError wins over a RangeError', () => {
    // V8 checks `initial` against the page limit before reading `maximum`, and throws RangeError here.
    expect(thrown(() => new Memory({ initial: 65537, maximum: -1 }))).toBe('TypeError');
  });

  it('reads descriptor members in WebIDL order, each once', () => {
    const seen: string[] = [];
    const d = new Proxy({}, { get: (_, k) => (seen.push(String(k)), k === 'initial' ? 1 : undefined) });
    new Memory(d as never);
    expect(seen).toEqual(['initial', 'maximum', 'shared']);
  });

  it('creates zeroed pages', () => {
    const m = new Memory({ initial: 2, maximum: 3 });
    expect(m.buffer.byteLength).toBe(2 * PAGE_SIZE);
    expect(new Uint8Array(m.buffer).every((b) => b === 0)).toBe(true);
  });

  it('is a class with a WebAssembly.Memory tag and brand-checked accessors', () => {
    const m = new Memory({ initial: 0 });
    expect(Object.prototype.toString.call(m)).toBe('[object WebAssembly.Memory]');
    const buffer = Object.getOwnPropertyDescriptor(Memory.prototype, 'buffer')!.get!;
    expect(thrown(() => buffer.call({}))).toBe('TypeError');
    expect(thrown(() => Memory.prototype.grow.call(Object.create(Memory.prototype), 1))).toBe('TypeError');
    expect(thrown(() => (Memory as unknown as () => void)())).toBe('TypeError');
  });
});

describe('Memory.buffer and grow', () => {
  it('keeps the same buffer until a grow, then detaches it', () => {
    const m = new Memory({ initial: 1, maximum: 3 });
    const b = m.buffer;
    expect(m.buffer).toBe(b);
    new Uint8Array(b)[10] = 42;
    expect(m.grow(1)).toBe(1);
    expect(b.byteLength).toBe(0);
    expect(m.buffer).not.toBe(b);
    expect(m.buffer.byteLength).toBe(2 * PAGE_SIZE);
    expect(new Uint8Array(m.buffer)[10]).toBe(42);
  });

  it('grow(0) returns the size and still replaces the buffer, as natively', () => {
    for (const M of [Memory, Native]) {
      const m = new M({ initial: 1 });
      const b = m.buffer;
      expect(m.grow(0)).toBe(1);
      expect(b.byteLength).toBe(0);
      expect(m.buffer.byteLength).toBe(PAGE_SIZE);
    }
  });

  it('throws RangeError past the maximum and TypeError for a bad delta, like the native class', () => {
    for (const M of [Memory, Native]) {
      const m = new M({ initial: 1, maximum: 2 });
      expect(thrown(() => m.grow(2))).toBe('RangeError');
      expect(thrown(() => m.grow(-1))).toBe('TypeError');
      expect(thrown(() => m.grow(NaN))).toBe('TypeError');
      expect(thrown(() => (m.grow as () => number)())).toBe('TypeError');
      expect(m.grow(1)).toBe(1);
      expect(thrown(() => m.grow(1))).toBe('RangeError');
    }
  });

  it('without a maximum grows up to the 65536-page limit only', () => {
    const m = new Memory({ initial: 0 });
    expect(thrown(() => m.grow(65537))).toBe('RangeError');
  });
});

describe('one Memory per MemoryInstance', () => {
  it('memoryObject caches, and a constructed Memory is its instance\'s object', () => {
    const inst = new MemoryInstance(1);
    const a = memoryObject(inst);
    expect(memoryObject(inst)).toBe(a);
    expect(a).toBeInstanceOf(Memory);
    expect(memoryInstance(a)).toBe(inst);
    expect(a.buffer).toBe(inst.buffer);

    const m = new Memory({ initial: 1 });
    expect(memoryObject(memoryInstance(m)!)).toBe(m);
  });

  it('memoryInstance rejects everything that is not a wajit Memory', () => {
    for (const v of [undefined, null, 1, {}, Object.create(Memory.prototype), new Native({ initial: 1 })]) {
      expect(memoryInstance(v)).toBeUndefined();
    }
  });
});
