// Guest memory access for the WASI imports, and the conversion of failures into errno values.
//
// The imports read and write the instance's exported memory through a DataView and a Uint8Array that are
// cached per ArrayBuffer and rebuilt only when `memory.buffer` is a different object. Both wajit's memories
// and native WebAssembly.Memory objects detach the old buffer when they grow, so a cached view whose length
// reads 0 means "re-read memory.buffer"; a hot fd_write then costs one length check and no getter call or
// allocation. A memory that grows without detaching (a shared one) is caught by the bounds check, which
// re-reads the buffer before it reports EFAULT.
//
// Guest pointers are u32 (they arrive as signed numbers and are taken `>>> 0`); a range outside memory is
// EFAULT. wasmtime traps instead and node:wasi answers EOVERFLOW; EFAULT is POSIX's word for a bad address
// and lets the guest see the error instead of dying.

import { E } from './constants.js';
import { FsError } from './fs.js';

/** What the imports need of a memory: its current buffer. */
export interface MemoryLike {
  readonly buffer: ArrayBufferLike;
}

/** Thrown by proc_exit (never an Error: nothing should mistake it for a failure); start() catches it. */
export class WASIExit {
  constructor(readonly code: number) {}
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encode(s: string): Uint8Array {
  return utf8.encode(s);
}

export class GuestMemory {
  memory: MemoryLike | undefined;
  #buffer: ArrayBufferLike | undefined;
  dv: DataView = new DataView(new ArrayBuffer(0));
  u8: Uint8Array = new Uint8Array(0);

  /** Makes the views current; call at the start of every import that touches memory. */
  refresh(): void {
    if (this.u8.byteLength === 0) this.#reread();
  }

  #reread(): void {
    const m = this.memory;
    if (m === undefined) throw notStarted();
    const b = m.buffer;
    if (b !== this.#buffer) {
      this.#buffer = b;
      this.dv = new DataView(b);
      this.u8 = new Uint8Array(b);
    }
  }

  /** Throws EFAULT unless [ptr, ptr + len) lies inside memory. */
  check(ptr: number, len: number): void {
    if (ptr + len > this.u8.length) {
      this.#reread();
      if (ptr + len > this.u8.length) throw new FsError(E.FAULT);
    }
  }

  u32(ptr: number): number {
    this.check(ptr, 4);
    return this.dv.getUint32(ptr, true);
  }

  setU32(ptr: number, v: number): void {
    this.check(ptr, 4);
    this.dv.setUint32(ptr, v, true);
  }

  setU64(ptr: number, v: bigint): void {
    this.check(ptr, 8);
    this.dv.setBigUint64(ptr, v, true);
  }

  /** Copies bytes into guest memory at ptr. */
  write(ptr: number, bytes: Uint8Array): void {
    this.check(ptr, bytes.length);
    this.u8.set(bytes, ptr);
  }

  /** A path argument: UTF-8 (EILSEQ when it is not, as wasmtime answers). */
  string(ptr: number, len: number): string {
    this.check(ptr, len);
    try {
      return strictUtf8.decode(this.u8.subarray(ptr, ptr + len));
    } catch {
      throw new FsError(E.ILSEQ);
    }
  }
}

/** node:wasi's error for imports called before start()/initialize() bound a memory. */
function notStarted(): Error {
  const e = new Error('wasi.start() has not been called') as Error & { code: string };
  e.code = 'ERR_WASI_NOT_STARTED';
  return e;
}

/**
 * The errno for an exception caught in an import: a backend's FsError carries its own, a RangeError from a
 * DataView or typed array is a bad guest address (EFAULT), anything else is EIO. proc_exit's WASIExit and the
 * not-started misuse error go on up.
 */
export function errnoOf(e: unknown): number {
  if (e instanceof FsError) return e.errno;
  if (e instanceof WASIExit) throw e;
  if (e instanceof RangeError && /bounds|offset|length/i.test(e.message)) return E.FAULT;
  if (e instanceof Error && (e as { code?: unknown }).code === 'ERR_WASI_NOT_STARTED') throw e;
  return E.IO;
}

// ---- argument conversion ---------------------------------------------------------------------------------
// i64 parameters arrive as bigint (native wasm and the JS API); numbers are accepted too.

/** An unsigned 64-bit argument (filesize, timestamp, rights, cookie). */
export function u64(v: bigint | number): bigint {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (!Number.isInteger(v)) throw new FsError(E.INVAL);
  return BigInt.asUintN(64, BigInt(v));
}

/** A signed 64-bit argument (filedelta). */
export function s64(v: bigint | number): bigint {
  if (typeof v === 'bigint') return BigInt.asIntN(64, v);
  if (!Number.isInteger(v)) throw new FsError(E.INVAL);
  return BigInt.asIntN(64, BigInt(v));
}

/** Throws EINVAL when `flags` has bits outside `valid` (wasmtime rejects unknown flag bits this way). */
export function checkFlags(flags: number, valid: number): void {
  if ((flags & ~valid) !== 0) throw new FsError(E.INVAL);
}
