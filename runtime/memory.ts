// Linear memory instances and the bulk memory operators.
//
// A memory is one fixed-length ArrayBuffer with a little-endian DataView (`dv`) and a byte view (`u8`).
// Growing replaces the buffer by a larger copy and detaches the old one, so a stale `Memory.buffer` object
// reads as detached, as the JS API requires. Generated code keeps `dv` in a local and refreshes it from an
// onGrow callback; loads and stores rely on the DataView's own bounds check (a RangeError that the boundary
// turns into a RuntimeError, see trap.ts). bench/memory-grow.mjs compares this with a resizable ArrayBuffer.
//
// The operator helpers take int32 arguments (possibly negative) and read them as unsigned with >>> 0.

import { MAX_PAGES, PAGE_SIZE, Trap } from './abi.js';
import { trap } from './trap.js';

type Transfer = (this: ArrayBuffer, newLength?: number) => ArrayBuffer;
// ArrayBuffer.prototype.transfer (Node 22+) copies and detaches in one step, reallocating in place when it can.
const transfer = (ArrayBuffer.prototype as { transfer?: Transfer }).transfer;

/** A copy of `old` resized to `bytes` (new bytes zero); `old` is detached afterwards. Throws if allocation fails. */
function replaceBuffer(old: ArrayBuffer, bytes: number): ArrayBuffer {
  if (transfer !== undefined) return transfer.call(old, bytes);
  const next = new ArrayBuffer(bytes);
  new Uint8Array(next).set(new Uint8Array(old, 0, Math.min(old.byteLength, bytes)));
  structuredClone(old, { transfer: [old] });
  return next;
}

export class MemoryInstance {
  buffer: ArrayBuffer;
  dv: DataView;
  u8: Uint8Array;
  /** Maximum page count from the memory type; undefined when the type has none. */
  readonly max: number | undefined;
  private size: number;
  private readonly listeners: (() => void)[] = [];

  /**
   * A host-imposed cap on the page count (wajit's `maxMemoryPages`), below the type's maximum: growing past it
   * fails as an allocation failure does (memory.grow returns -1).
   */
  readonly cap: number;

  constructor(min: number, max?: number, cap = MAX_PAGES) {
    if (min > MAX_PAGES || (max !== undefined && (max < min || max > MAX_PAGES))) {
      throw new RangeError(`invalid memory limits ${min}..${max ?? ''}`);
    }
    if (min > cap) throw new RangeError(`memory of ${min} pages is above the limit of ${cap} pages`);
    this.cap = cap;
    this.size = min;
    this.max = max;
    this.buffer = new ArrayBuffer(min * PAGE_SIZE);
    this.dv = new DataView(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }

  /** Current size in pages. */
  get pages(): number {
    return this.size;
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
      next = replaceBuffer(this.buffer, n * PAGE_SIZE);
    } catch {
      return -1;
    }
    this.size = n;
    this.setBuffer(next);
    return old;
  }

  /**
   * Replace the buffer by a same-size copy and detach the old one, without growing. The JS API needs this:
   * `Memory.prototype.grow(0)` must still detach the buffer it handed out. Runs the onGrow callbacks.
   */
  refresh(): void {
    this.setBuffer(replaceBuffer(this.buffer, this.size * PAGE_SIZE));
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
