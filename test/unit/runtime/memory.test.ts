// runtime/memory.ts: growth (in place and by copy), detaching, the page cap and callbacks; bulk operators
// against native WebAssembly.

import { describe, expect, it } from 'vitest';
import { GROWS_IN_PLACE, MemoryInstance, memory_copy, memory_fill, memory_init } from '../../../runtime/memory.js';
import { INT32_EDGES, native, outcome, rng, trapMessage } from './native.js';

const PAGE = 65536;

// Both ways of holding a memory: on a host WebAssembly.Memory, grown in place (the default where the host has
// WebAssembly), and in plain ArrayBuffers replaced by a copy on every grow (hosts without it).
const BACKINGS = [
  { name: 'grown in place', inPlace: true },
  { name: 'copied on grow', inPlace: false },
] as const;

describe.each(BACKINGS)('MemoryInstance, $name', ({ inPlace }) => {
  const make = (min: number, max?: number, cap?: number) => new MemoryInstance(min, max, cap, inPlace);

  it('uses the backing asked for (in place wherever the host has WebAssembly)', () => {
    expect(GROWS_IN_PLACE).toBe(typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object');
    expect(make(1).growsInPlace).toBe(inPlace && GROWS_IN_PLACE);
    expect(new MemoryInstance(1).growsInPlace).toBe(GROWS_IN_PLACE);
  });

  it('starts zeroed with min pages and consistent views', () => {
    const m = make(2, 5);
    expect(m.pages).toBe(2);
    expect(m.max).toBe(5);
    expect(m.buffer.byteLength).toBe(2 * PAGE);
    expect(m.dv.buffer).toBe(m.buffer);
    expect(m.u8.buffer).toBe(m.buffer);
    expect(m.u8.every((b) => b === 0)).toBe(true);
    expect(make(0).buffer.byteLength).toBe(0);
    expect(make(0).max).toBeUndefined();
    // A fixed-length buffer, as the JS API hands out for a non-shared memory.
    expect((m.buffer as { resizable?: boolean }).resizable ?? false).toBe(false);
  });

  it('grow keeps contents, zeroes new pages, detaches the old buffer and runs callbacks', () => {
    const m = make(1, 4);
    let calls = 0;
    m.onGrow(() => {
      calls++;
      expect(m.dv.byteLength).toBe(m.pages * PAGE); // views are fresh when callbacks run
    });
    m.dv.setInt32(PAGE - 4, 0x12345678, true);
    const old = m.buffer;
    const oldView = m.dv;
    expect(m.grow(2)).toBe(1);
    expect(calls).toBe(1);
    expect(old.byteLength).toBe(0); // detached
    expect(() => new Uint8Array(old)).toThrow(TypeError);
    expect(() => oldView.getInt32(0, true)).toThrow(TypeError); // views on it are dead too
    expect(m.pages).toBe(3);
    expect(m.buffer.byteLength).toBe(3 * PAGE);
    expect(m.dv.buffer).toBe(m.buffer);
    expect(m.u8.buffer).toBe(m.buffer);
    expect(m.dv.getInt32(PAGE - 4, true)).toBe(0x12345678);
    expect(m.u8.subarray(PAGE).every((b) => b === 0)).toBe(true);
    expect(m.u8.length).toBe(3 * PAGE);

    // grow(0) changes nothing; failures change nothing.
    const cur = m.buffer;
    expect(m.grow(0)).toBe(3);
    expect(m.grow(2)).toBe(-1);
    expect(m.buffer).toBe(cur);
    expect(cur.byteLength).toBe(3 * PAGE);
    expect(calls).toBe(1);
    expect(m.grow(1)).toBe(3);
    expect(m.grow(0)).toBe(4);
    expect(m.grow(1)).toBe(-1);
    expect(calls).toBe(2);
  });

  it('reads the delta as unsigned and never passes 65536 pages', () => {
    const m = make(1);
    expect(m.grow(-1)).toBe(-1); // 0xffffffff pages
    expect(m.grow(65536)).toBe(-1);
    expect(m.pages).toBe(1);
  });

  it('fails to grow past the host cap (maxMemoryPages) as an allocation failure: -1, nothing changed', () => {
    const m = make(1, 100, 3);
    let calls = 0;
    m.onGrow(() => calls++);
    const b = m.buffer;
    expect(m.grow(3)).toBe(-1);
    expect(m.buffer).toBe(b);
    expect(b.byteLength).toBe(PAGE);
    expect(m.grow(2)).toBe(1);
    expect(m.grow(1)).toBe(-1);
    expect(m.pages).toBe(3);
    expect(calls).toBe(1);
    expect(() => make(4, undefined, 3)).toThrow(RangeError);
  });

  it('refresh replaces and detaches the buffer without growing', () => {
    const m = make(1);
    let calls = 0;
    m.onGrow(() => calls++);
    m.u8[7] = 9;
    const old = m.buffer;
    m.refresh();
    expect(old.byteLength).toBe(0);
    expect(m.buffer).not.toBe(old);
    expect(m.buffer.byteLength).toBe(PAGE);
    expect(m.pages).toBe(1);
    expect(m.u8[7]).toBe(9);
    expect(calls).toBe(1);
  });

  it('grows a memory of 64 MiB in use by a few pages, its last bytes kept', () => {
    const m = make(1024);
    for (let i = 0; i < 1024 * PAGE; i += 4096) m.u8[i] = (i >>> 12) & 255;
    m.dv.setUint32(1024 * PAGE - 4, 0xdeadbeef, true);
    const old = m.buffer;
    expect(m.grow(10)).toBe(1024);
    expect(old.byteLength).toBe(0);
    expect(m.buffer.byteLength).toBe(1034 * PAGE);
    expect(m.dv.getUint32(1024 * PAGE - 4, true)).toBe(0xdeadbeef);
    for (let i = 0; i < 1024 * PAGE; i += 4096 * 97) expect(m.u8[i]).toBe((i >>> 12) & 255);
    expect(m.u8.subarray(1024 * PAGE).every((b) => b === 0)).toBe(true);
  });

  it('rejects impossible limits', () => {
    expect(() => make(65537)).toThrow(RangeError);
    expect(() => make(2, 1)).toThrow(RangeError);
    expect(() => make(1, 65537)).toThrow(RangeError);
  });
});

describe('bulk memory operators', () => {
  const SEG = Array.from({ length: 37 }, (_, i) => i * 7 + 1);
  const hex = SEG.map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');
  const ref = native(`(module
    (memory (export "mem") 1)
    (data $seg "${hex}")
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init") (param i32 i32 i32) (memory.init $seg (local.get 0) (local.get 1) (local.get 2)))
    (func (export "drop") (data.drop $seg))
  )`);
  const refMem = () => new Uint8Array((ref.mem as { buffer: ArrayBuffer }).buffer);

  const r = rng(20);
  const near = [0, 1, 2, 7, 36, 37, 38, PAGE - 1, PAGE, PAGE + 1, PAGE - 37, PAGE - 36, 100, 1000, ...INT32_EDGES];
  const pick = () => (r() & 1 ? near[(r() >>> 0) % near.length]! : (r() >>> 0) % (PAGE + 64));
  const len = () => (r() % 4 === 0 ? pick() : (r() >>> 0) % 300);

  const mine = new MemoryInstance(1);
  const seg: { bytes: Uint8Array | null } = { bytes: Uint8Array.from(SEG) };
  // Seed both memories with the same noise so copies move distinguishable bytes.
  for (let i = 0; i < PAGE; i++) refMem()[i] = mine.u8[i] = (i * 31) & 0xff;

  const ops: Record<string, (a: number, b: number, c: number) => void> = {
    fill: (d, v, n) => memory_fill(mine, d, v, n),
    copy: (d, s, n) => memory_copy(mine, mine, d, s, n),
    init: (d, s, n) => memory_init(mine, seg.bytes, d, s, n),
  };

  it('fill, copy and init match native on bounds, traps and contents (overlap included)', () => {
    for (let i = 0; i < 1500; i++) {
      if (i === 1000) {
        ref.drop();
        seg.bytes = null;
      }
      const op = (['fill', 'copy', 'init'] as const)[i % 3]!;
      const a = pick(), b = op === 'fill' ? r() : op === 'init' ? (r() >>> 0) % 40 : pick(), n = len();
      const want = outcome(() => ref[op](a, b, n));
      if (want === 'trap') expect(trapMessage(() => ops[op]!(a, b, n)), `${op}(${a}, ${b}, ${n})`).toBe('out of bounds memory access');
      else ops[op]!(a, b, n);
      if (i % 50 === 0 || want === undefined) {
        expect(Buffer.compare(mine.u8, refMem()), `memory after ${op}(${a}, ${b}, ${n}) #${i}`).toBe(0);
      }
    }
  });

  it('n = 0 at exactly the end is fine; one past traps', () => {
    const m = new MemoryInstance(1);
    memory_fill(m, PAGE, 1, 0);
    memory_copy(m, m, PAGE, PAGE, 0);
    memory_init(m, new Uint8Array(3), PAGE, 3, 0);
    memory_init(m, null, PAGE, 0, 0);
    expect(trapMessage(() => memory_fill(m, PAGE + 1, 1, 0))).toBe('out of bounds memory access');
    expect(trapMessage(() => memory_init(m, null, 0, 1, 0))).toBe('out of bounds memory access');
    expect(trapMessage(() => memory_init(m, new Uint8Array(3), 0, 4, 0))).toBe('out of bounds memory access');
  });

  it('a trapping operator writes nothing', () => {
    const m = new MemoryInstance(1);
    expect(trapMessage(() => memory_fill(m, PAGE - 2, 0xff, 3))).toBe('out of bounds memory access');
    expect(m.u8.every((b) => b === 0)).toBe(true);
    expect(trapMessage(() => memory_init(m, new Uint8Array([1, 2, 3]), PAGE - 2, 0, 3))).toBeDefined();
    expect(m.u8.every((b) => b === 0)).toBe(true);
  });

  it('copies between two memories', () => {
    const a = new MemoryInstance(1), b = new MemoryInstance(2);
    a.u8.set([1, 2, 3, 4], 10);
    memory_copy(b, a, PAGE + 5, 10, 4);
    expect([...b.u8.subarray(PAGE + 5, PAGE + 9)]).toEqual([1, 2, 3, 4]);
    expect(trapMessage(() => memory_copy(b, a, 0, PAGE - 1, 2))).toBe('out of bounds memory access');
    memory_copy(a, b, PAGE - 4, PAGE + 5, 4);
    expect([...a.u8.subarray(PAGE - 4)]).toEqual([1, 2, 3, 4]);
  });
});
