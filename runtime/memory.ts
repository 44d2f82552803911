// Linear memory instances and the bulk memory operators.
//
// A memory is one fixed-length ArrayBuffer with a little-endian DataView (`dv`) and a byte view (`u8`).
// Generated code keeps `dv` in a local and refreshes it from an onGrow callback; loads and stores rely on the
// DataView's own bounds check (a RangeError that the boundary turns into a RuntimeError, see trap.ts).
//
// Growing must detach the old buffer and hand out a new one, as the JS API requires. JavaScript alone can only
// do that by copying (ArrayBuffer.prototype.transfer copies too when the length changes), which takes seconds
// for a memory of gigabytes. So where the host has its own WebAssembly, the buffer is the buffer of a host
// WebAssembly.Memory, used only as storage: the host grows it in place (it reserves the address space up
// front) and detaches the old buffer itself. Without one (a JIT-less engine), or when the host refuses the
// allocation, the buffer is a plain ArrayBuffer replaced by a larger copy. docs/performance.md, "Growing
// memory", has the measurements (bench/memory-grow.mjs, bench/memory-grow-large.mjs).
//
// The operator helpers take int32 arguments (possibly negative) and read them as unsigned with >>> 0.

import { MAX_PAGES, PAGE_SIZE, Trap } from './abi.js';
import { trap } from './trap.js';

type Transfer = (this: ArrayBuffer, newLength?: number) => ArrayBuffer;
// ArrayBuffer.prototype.transfer (Node 22+) copies and detaches in one step.
const transfer = (ArrayBuffer.prototype as { transfer?: Transfer }).transfer;

/** A copy of `old` resized to `bytes` (new bytes zero); `old` is detached afterwards. Throws if allocation fails. */
function replaceBuffer(old: ArrayBuffer, bytes: number): ArrayBuffer {
  if (transfer !== undefined) return transfer.call(old, bytes);
  const next = new ArrayBuffer(bytes);
  new Uint8Array(next).set(new Uint8Array(old, 0, Math.min(old.byteLength, bytes)));
  structuredClone(old, { transfer: [old] });
  return next;
}

/** What this file uses of a host WebAssembly.Memory. */
interface HostMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}
type HostMemoryClass = new (descriptor: { initial: number; maximum: number }) => HostMemory;

/**
 * The host's own WebAssembly.Memory class, read once when this module loads; undefined without one. Only the
 * engine's built-in class will do: wajit's Memory (installed as globalThis.WebAssembly by a program, possibly
 * from another copy of wajit) is itself built on this file.
 */
const HOST_MEMORY: HostMemoryClass | undefined = (() => {
  const M = (globalThis as { WebAssembly?: { Memory?: unknown } }).WebAssembly?.Memory;
  if (typeof M !== 'function' || !/\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(M))) return undefined;
  return M as HostMemoryClass;
})();

/** Whether new memories grow in place (on a host WebAssembly.Memory) by default. */
export const GROWS_IN_PLACE = HOST_MEMORY !== undefined;

export class MemoryInstance {
  buffer: ArrayBuffer;
  dv: DataView;
  u8: Uint8Array;
  /** Maximum page count from the memory type; undefined when the type has none. */
  readonly max: number | undefined;
  private size: number;
  private readonly listeners: (() => void)[] = [];
  /** The host memory holding `buffer`, or undefined when `buffer` is a plain ArrayBuffer. */
  private readonly host: HostMemory | undefined;

  /**
   * A host-imposed cap on the page count (wajit's `maxMemoryPages`), below the type's maximum: growing past it
   * fails as an allocation failure does (memory.grow returns -1).
   */
  readonly cap: number;

  /**
   * `inPlace` false keeps the memory in plain ArrayBuffers, copied on every grow (the path of hosts without
   * WebAssembly; tests use it to cover both).
   */
  constructor(min: number, max?: number, cap = MAX_PAGES, inPlace = GROWS_IN_PLACE) {
    if (min > MAX_PAGES || (max !== undefined && (max < min || max > MAX_PAGES))) {
      throw new RangeError(`invalid memory limits ${min}..${max ?? ''}`);
    }
    if (min > cap) throw new RangeError(`memory of ${min} pages is above the limit of ${cap} pages`);
    this.cap = cap;
    this.size = min;
    this.max = max;
    this.host = inPlace ? hostMemory(min, Math.min(max ?? MAX_PAGES, cap)) : undefined;
    this.buffer = this.host?.buffer ?? new ArrayBuffer(min * PAGE_SIZE);
    this.dv = new DataView(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }

  /** Current size in pages. */
  get pages(): number {
    return this.size;
  }

  /** True when growing happens in place (the buffer belongs to a host WebAssembly.Memory). */
  get growsInPlace(): boolean {
    return this.host !== undefined;
  }

  /**
   * memory.grow: add `delta` pages (read as unsigned) and return the old page count, or -1 when the result
   * would pass the maximum (or 65536 pages) or allocation fails. Growing by 0 changes nothing.
   */
  grow(delta: number): number {
    const old = this.size;
    delta >>>= 0;
    if (delta === 0) return old;
    const n = old + delta;
    if (n > (this.max ?? MAX_PAGES) || n > this.cap) return -1;
    let next: ArrayBuffer;
    try {
      if (this.host === undefined) next = replaceBuffer(this.buffer, n * PAGE_SIZE);
      else {
        this.host.grow(delta); // a RangeError when the host cannot commit the pages
        next = this.host.buffer;
      }
    } catch {
      return -1;
    }
    this.size = n;
    this.setBuffer(next);
    return old;
  }

  /**
   * Replace the buffer by a same-size one over the same contents and detach the old one, without growing. The
   * JS API needs this: `Memory.prototype.grow(0)` must still detach the buffer it handed out. Runs the onGrow
   * callbacks.
   */
  refresh(): void {
    if (this.host === undefined) this.setBuffer(replaceBuffer(this.buffer, this.size * PAGE_SIZE));
    else {
      this.host.grow(0); // the host's grow(0) detaches and replaces the buffer without copying
      this.setBuffer(this.host.buffer);
    }
  }

  /** Call `cb` after every change of `buffer` (a grow that added pages, or refresh). */
  onGrow(cb: () => void): void {
    this.listeners.push(cb);
  }

  private setBuffer(next: ArrayBuffer): void {
    this.buffer = next;
    this.dv = new DataView(next);
    this.u8 = new Uint8Array(next);
    for (const cb of this.listeners) cb();
  }
}

/** A host memory of `min` pages that may grow to `max`, or undefined when there is no host class or it refuses. */
function hostMemory(min: number, max: number): HostMemory | undefined {
  if (HOST_MEMORY === undefined) return undefined;
  try {
    return new HOST_MEMORY({ initial: min, maximum: max });
  } catch {
    return undefined; // e.g. out of address space: a plain ArrayBuffer may still fit
  }
}

// Bulk operators. Each checks its whole range before writing anything, as the spec requires; a range ending
// exactly at the end (n = 0 included) is in bounds.

/** memory.fill: `n` bytes at `d` set to the low byte of `v`. */
export function memory_fill(M: MemoryInstance, d: number, v: number, n: number): void {
  d >>>= 0;
  n >>>= 0;
  if (d + n > M.u8.length) trap(Trap.MemoryOutOfBounds);
  M.u8.fill(v, d, d + n);
}

/** memory.copy: `n` bytes from `s` in Msrc to `d` in Mdst; overlapping ranges copy as if through a buffer. */
export function memory_copy(Mdst: MemoryInstance, Msrc: MemoryInstance, d: number, s: number, n: number): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (d + n > Mdst.u8.length || s + n > Msrc.u8.length) trap(Trap.MemoryOutOfBounds);
  if (n === 0) return;
  if (Mdst === Msrc) Mdst.u8.copyWithin(d, s, s + n);
  else Mdst.u8.set(Msrc.u8.subarray(s, s + n), d);
}

/** memory.init: `n` bytes from offset `s` of a data segment (null once dropped: length 0) to `d`. */
export function memory_init(M: MemoryInstance, seg: Uint8Array | null, d: number, s: number, n: number): void {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  const len = seg === null ? 0 : seg.length;
  if (s + n > len || d + n > M.u8.length) trap(Trap.MemoryOutOfBounds);
  if (n !== 0) M.u8.set(seg!.subarray(s, s + n), d);
}
