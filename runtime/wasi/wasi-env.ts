// The process-level functions of wasi_snapshot_preview1: arguments and environment, clocks, randomness,
// proc_exit / proc_raise, sched_yield, and the socket calls (no socket descriptors exist here, so each one
// answers ENOTSOCK for an open descriptor and EBADF for a closed one, after checking its flag arguments).

import { clockNow, clockResolution } from './clock.js';
import { E, FDFLAGS } from './constants.js';
import { FsError } from './fs.js';
import type { FdTable } from './fd-table.js';
import type { GuestMemory } from './wasi-memory.js';
import { encode, errnoOf, u64 } from './wasi-memory.js';

/** A list of strings as args_get / environ_get lay them out: NUL-terminated, back to back. */
export class StringList {
  readonly bytes: Uint8Array;
  readonly offsets: readonly number[];

  constructor(items: readonly string[]) {
    const encoded = items.map((s) => encode(s));
    const offsets: number[] = [];
    let size = 0;
    for (const b of encoded) {
      offsets.push(size);
      size += b.length + 1;
    }
    this.bytes = new Uint8Array(size);
    encoded.forEach((b, i) => this.bytes.set(b, offsets[i]!));
    this.offsets = offsets;
  }
}

/** The highest signal number of preview1's `signal` enum (SIGSYS). */
const MAX_SIGNAL = 30;
const ALL_FDFLAGS = FDFLAGS.APPEND | FDFLAGS.DSYNC | FDFLAGS.NONBLOCK | FDFLAGS.RSYNC | FDFLAGS.SYNC;
/** riflags: RECV_PEEK | RECV_WAITALL; sdflags: RD | WR. */
const ALL_RIFLAGS = 3;
const ALL_SDFLAGS = 3;
/** crypto.getRandomValues fills at most 65536 bytes per call. */
const RANDOM_CHUNK = 65536;

interface Crypto {
  getRandomValues(a: Uint8Array): Uint8Array;
}

export function envImports(
  mem: GuestMemory, fds: FdTable, args: StringList, env: StringList, exit: (code: number) => never,
) {
  let randomScratch: Uint8Array | undefined;

  function sizes(list: StringList, countPtr: number, sizePtr: number): number {
    try {
      mem.refresh();
      countPtr >>>= 0;
      sizePtr >>>= 0;
      mem.check(countPtr, 4);
      mem.check(sizePtr, 4);
      mem.dv.setUint32(countPtr, list.offsets.length, true);
      mem.dv.setUint32(sizePtr, list.bytes.length, true);
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  function get(list: StringList, ptrs: number, buf: number): number {
    try {
      mem.refresh();
      ptrs >>>= 0;
      buf >>>= 0;
      mem.check(ptrs, list.offsets.length * 4);
      mem.check(buf, list.bytes.length);
      list.offsets.forEach((off, i) => mem.dv.setUint32(ptrs + i * 4, (buf + off) >>> 0, true));
      mem.u8.set(list.bytes, buf);
      return E.SUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  /** The socket calls: flags first (EINVAL), then the descriptor (EBADF), then ENOTSOCK. */
  function notSocket(fd: number): number {
    try {
      fds.get(fd >>> 0);
      throw new FsError(E.NOTSOCK);
    } catch (e) {
      return errnoOf(e);
    }
  }

  return {
    args_sizes_get: (argc: number, argvBufSize: number): number => sizes(args, argc, argvBufSize),
    args_get: (argv: number, argvBuf: number): number => get(args, argv, argvBuf),
    environ_sizes_get: (count: number, bufSize: number): number => sizes(env, count, bufSize),
    environ_get: (environ: number, environBuf: number): number => get(env, environ, environBuf),

    clock_res_get(id: number, resolution: number): number {
      try {
        mem.refresh();
        const r = clockResolution(id);
        if (r === undefined) throw new FsError(E.INVAL);
        mem.setU64(resolution >>> 0, r);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    clock_time_get(id: number, precision: bigint, time: number): number {
      try {
        mem.refresh();
        u64(precision); // only a hint: every reading is as precise as the clock allows
        const t = clockNow(id);
        if (t === undefined) throw new FsError(E.INVAL);
        mem.setU64(time >>> 0, t);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    random_get(buf: number, len: number): number {
      try {
        mem.refresh();
        buf >>>= 0;
        len >>>= 0;
        mem.check(buf, len);
        const crypto = (globalThis as { crypto?: Crypto }).crypto;
        if (crypto === undefined) throw new FsError(E.NOSYS);
        // getRandomValues refuses views of shared memory: those go through a private buffer.
        const direct = mem.u8.buffer instanceof ArrayBuffer;
        for (let off = 0; off < len; off += RANDOM_CHUNK) {
          const n = Math.min(RANDOM_CHUNK, len - off);
          if (direct) {
            crypto.getRandomValues(mem.u8.subarray(buf + off, buf + off + n));
          } else {
            randomScratch ??= new Uint8Array(RANDOM_CHUNK);
            const part = randomScratch.subarray(0, n);
            crypto.getRandomValues(part);
            mem.u8.set(part, buf + off);
          }
        }
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    proc_exit(code: number): never {
      return exit(code >>> 0);
    },

    proc_raise(sig: number): number {
      // As wasmtime: signals are not supported (ENOTSUP); a number outside the enum is EINVAL.
      // node:wasi raises the signal in the host process instead, which a sandbox must not allow.
      return sig >>> 0 > MAX_SIGNAL ? E.INVAL : E.NOTSUP;
    },

    sched_yield(): number {
      return E.SUCCESS;
    },

    sock_accept(fd: number, flags: number, _opened: number): number {
      if ((flags & ~ALL_FDFLAGS) !== 0) return E.INVAL;
      return notSocket(fd);
    },

    sock_recv(
      fd: number, _riData: number, _riDataLen: number, riFlags: number, _roDatalen: number, _roFlags: number,
    ): number {
      if ((riFlags & ~ALL_RIFLAGS) !== 0) return E.INVAL;
      return notSocket(fd);
    },

    sock_send(fd: number, _siData: number, _siDataLen: number, _siFlags: number, _soDatalen: number): number {
      return notSocket(fd);
    },

    sock_shutdown(fd: number, how: number): number {
      if ((how & ~ALL_SDFLAGS) !== 0) return E.INVAL;
      return notSocket(fd);
    },
  };
}
