// The fd_* functions of wasi_snapshot_preview1: reading, writing, seeking, descriptor and file metadata,
// directory listing, preopen names.
//
// Every function checks, in this order: flag and enum arguments (EINVAL, as wasmtime's generated bindings do
// before calling in), that the descriptor exists (EBADF), that it is of a kind the operation applies to (the
// errno wasmtime gives: mostly EBADF, ESPIPE for seeking or positioned I/O on stdio), then its rights
// (ENOTCAPABLE), then guest pointers (EFAULT) — all before any effect, so a failed call changes nothing.
//
// fd_read and fd_write are the hot path (a program's whole output goes through them): no allocation beyond
// the subarray a backend needs, one host write per iovec, or one for all of them when they are small.

import { ADVICE, E, FDFLAGS, FSTFLAGS, WHENCE } from './constants.js';
import type { Backend, DirHandle, FileHandle, TimeSpec, Stat } from './fs.js';
import { openLocation } from './path.js';
import { FsError } from './fs.js';
import type { DirDesc, FdTable, FileDesc, Listing } from './fd-table.js';
import { filetypeOf, need, release, rightsArg, RIGHT } from './fd-table.js';
import type { OutputStream } from './stdio.js';
import type { GuestMemory } from './wasi-memory.js';
import { checkFlags, encode, errnoOf, u64, s64 } from './wasi-memory.js';

/** One transfer between guest memory and a file. */
type FileIo = (b: Backend, h: FileHandle, buf: Uint8Array, pos: bigint) => number;
const READ: FileIo = (b, h, buf, pos) => b.read(h, buf, pos);
const WRITE: FileIo = (b, h, buf, pos) => b.write(h, buf, pos);

const MAX_U64 = (1n << 64n) - 1n;
const ALL_FDFLAGS = FDFLAGS.APPEND | FDFLAGS.DSYNC | FDFLAGS.NONBLOCK | FDFLAGS.RSYNC | FDFLAGS.SYNC;
const SYNC_FDFLAGS = FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC;
/** Below this many bytes, several iovecs are copied together and written with one host call. */
const GATHER_LIMIT = 16384;

/** Writes a 64-byte filestat at ptr (already bounds-checked). */
export function writeFilestat(mem: GuestMemory, ptr: number, st: Stat): void {
  const dv = mem.dv;
  dv.setBigUint64(ptr, st.dev, true);
  dv.setBigUint64(ptr + 8, st.ino, true);
  dv.setBigUint64(ptr + 16, BigInt(st.filetype), true); // filetype u8 and 7 bytes of padding
  dv.setBigUint64(ptr + 24, st.nlink, true);
  dv.setBigUint64(ptr + 32, st.size, true);
  dv.setBigUint64(ptr + 40, st.atim, true);
  dv.setBigUint64(ptr + 48, st.mtim, true);
  dv.setBigUint64(ptr + 56, st.ctim, true);
}

/** The two times of a set-times call from its fstflags (validated: *_NOW together with the value is EINVAL). */
export function timesOf(atim: bigint | number, mtim: bigint | number, fst: number): [TimeSpec, TimeSpec] {
  checkFlags(fst, FSTFLAGS.ATIM | FSTFLAGS.ATIM_NOW | FSTFLAGS.MTIM | FSTFLAGS.MTIM_NOW);
  if ((fst & FSTFLAGS.ATIM) !== 0 && (fst & FSTFLAGS.ATIM_NOW) !== 0) throw new FsError(E.INVAL);
  if ((fst & FSTFLAGS.MTIM) !== 0 && (fst & FSTFLAGS.MTIM_NOW) !== 0) throw new FsError(E.INVAL);
  const a: TimeSpec = fst & FSTFLAGS.ATIM ? u64(atim) : fst & FSTFLAGS.ATIM_NOW ? 'now' : undefined;
  const m: TimeSpec = fst & FSTFLAGS.MTIM ? u64(mtim) : fst & FSTFLAGS.MTIM_NOW ? 'now' : undefined;
  return [a, m];
}

export function fdImports(mem: GuestMemory, fds: FdTable) {
  const gather = new Uint8Array(GATHER_LIMIT);
  // fd_readdir builds each 24-byte dirent header here, then copies as much of it as fits.
  const header = new Uint8Array(24);
  const headerView = new DataView(header.buffer);

  /** Bounds-checks an iovec array and every buffer in it; returns the total length. */
  function iovTotal(iovs: number, n: number): number {
    mem.check(iovs, n * 8);
    const dv = mem.dv;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      mem.check(dv.getUint32(iovs + i * 8, true), len);
      total += len;
    }
    return total;
  }

  function writeStream(out: OutputStream, iovs: number, n: number, total: number): number {
    const dv = mem.dv;
    if (n > 1 && total <= GATHER_LIMIT) {
      let off = 0;
      for (let i = 0; i < n; i++) {
        const p = dv.getUint32(iovs + i * 8, true);
        const len = dv.getUint32(iovs + i * 8 + 4, true);
        gather.set(mem.u8.subarray(p, p + len), off);
        off += len;
      }
      return total === 0 ? 0 : out.write(gather, 0, total);
    }
    let done = 0;
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      try {
        done += out.write(mem.u8, dv.getUint32(iovs + i * 8, true), len);
      } catch (e) {
        if (done > 0) break; // report the part that went out, as writev does
        throw e;
      }
    }
    return done;
  }

  /**
   * Moves data between the iovecs and a file at `pos` (read or write); returns the count, short when the
   * backend moved less than asked (end of file, full disk). An error after some data moved reports that part,
   * as readv/writev do.
   */
  function fileIo(d: FileDesc, iovs: number, n: number, pos: bigint, io: FileIo): number {
    const dv = mem.dv;
    let done = 0;
    for (let i = 0; i < n; i++) {
      const p = dv.getUint32(iovs + i * 8, true);
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      let moved: number;
      try {
        moved = io(d.backend, d.handle, mem.u8.subarray(p, p + len), pos + BigInt(done));
      } catch (e) {
        if (done > 0) break;
        throw e;
      }
      done += moved;
      if (moved < len) break;
    }
    return done;
  }
  const writeFile = (d: FileDesc, iovs: number, n: number, pos: bigint): number => fileIo(d, iovs, n, pos, WRITE);
  const readFile = (d: FileDesc, iovs: number, n: number, pos: bigint): number => fileIo(d, iovs, n, pos, READ);

  /** A file descriptor for operations that only apply to files: EBADF for anything else (as wasmtime). */
  function fileOf(fd: number, right: number): FileDesc {
    const d = fds.get(fd >>> 0);
    if (d.kind !== 'file') throw new FsError(E.BADF);
    need(d, right);
    return d;
  }

  /** A descriptor that can seek: a file; stdio is ESPIPE, a directory EBADF (as wasmtime). */
  function seekableOf(fd: number): FileDesc {
    const d = fds.get(fd >>> 0);
    if (d.kind === 'file') return d;
    throw new FsError(d.kind === 'dir' ? E.BADF : E.SPIPE);
  }

  /**
   * Operations on a directory descriptor itself go through a handle re-opened from the descriptor's
   * location, walking from the preopen without following symlinks: the stored handle of a host directory
   * is a path, and if the guest moved that directory and put a symlink in its place, the path would lead
   * wherever the symlink does. A moved-away directory therefore reads as ENOTDIR/ENOENT, never as outside.
   */
  function withDir<T>(d: DirDesc, f: (h: DirHandle) => T): T {
    const h = openLocation(d.loc);
    try {
      return f(h);
    } finally {
      if (h !== d.loc.root) d.loc.backend.closeDir(h);
    }
  }

  function listing(d: DirDesc, cookie: bigint): Listing {
    if (cookie !== 0n && d.listing !== null) return d.listing;
    const entries = withDir(d, (h) => d.loc.backend.readdir(h));
    const l = { entries, names: entries.map((e) => encode(e.name)) };
    d.listing = l;
    return l;
  }

  return {
    fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        if (d.kind !== 'stdout' && d.kind !== 'stderr' && d.kind !== 'file') throw new FsError(E.BADF);
        need(d, RIGHT.FD_WRITE);
        iovs >>>= 0;
        iovsLen >>>= 0;
        nwritten >>>= 0;
        const total = iovTotal(iovs, iovsLen);
        mem.check(nwritten, 4);
        let n: number;
        if (d.kind === 'file') {
          n = writeFile(d, iovs, iovsLen, d.position);
          // An append descriptor wrote at the end, wherever its offset was: the offset follows the end.
          d.position = (d.fdflags & FDFLAGS.APPEND) !== 0 ? d.backend.statFile(d.handle).size : d.position + BigInt(n);
        } else {
          n = writeStream(d.stream, iovs, iovsLen, total);
        }
        mem.dv.setUint32(nwritten, n, true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_read(fd: number, iovs: number, iovsLen: number, nread: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        if (d.kind !== 'stdin' && d.kind !== 'file') throw new FsError(E.BADF);
        need(d, RIGHT.FD_READ);
        iovs >>>= 0;
        iovsLen >>>= 0;
        nread >>>= 0;
        iovTotal(iovs, iovsLen);
        mem.check(nread, 4);
        let n = 0;
        if (d.kind === 'file') {
          n = readFile(d, iovs, iovsLen, d.position);
          d.position += BigInt(n);
        } else {
          // A stream read blocks only once, into the first non-empty buffer: a second read could wait for
          // input that a terminal or pipe has not sent yet although the first one already has data.
          const dv = mem.dv;
          for (let i = 0; i < iovsLen; i++) {
            const len = dv.getUint32(iovs + i * 8 + 4, true);
            if (len === 0) continue;
            n = d.stream.read(mem.u8, dv.getUint32(iovs + i * 8, true), len);
            break;
          }
          mem.refresh(); // a stdin function may have grown memory
        }
        mem.dv.setUint32(nread, n, true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_pwrite(fd: number, iovs: number, iovsLen: number, offset: bigint, nwritten: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        if (d.kind !== 'file') throw new FsError(d.kind === 'stdout' || d.kind === 'stderr' ? E.SPIPE : E.BADF);
        need(d, RIGHT.FD_WRITE | RIGHT.FD_SEEK);
        const pos = u64(offset);
        iovs >>>= 0;
        iovsLen >>>= 0;
        nwritten >>>= 0;
        iovTotal(iovs, iovsLen);
        mem.check(nwritten, 4);
        mem.dv.setUint32(nwritten, writeFile(d, iovs, iovsLen, pos), true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_pread(fd: number, iovs: number, iovsLen: number, offset: bigint, nread: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        if (d.kind !== 'file') throw new FsError(d.kind === 'stdin' ? E.SPIPE : E.BADF);
        need(d, RIGHT.FD_READ | RIGHT.FD_SEEK);
        const pos = u64(offset);
        iovs >>>= 0;
        iovsLen >>>= 0;
        nread >>>= 0;
        iovTotal(iovs, iovsLen);
        mem.check(nread, 4);
        mem.dv.setUint32(nread, readFile(d, iovs, iovsLen, pos), true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_seek(fd: number, offset: bigint, whence: number, newoffset: number): number {
      try {
        mem.refresh();
        if (whence !== WHENCE.SET && whence !== WHENCE.CUR && whence !== WHENCE.END) throw new FsError(E.INVAL);
        const d = seekableOf(fd);
        const delta = s64(offset);
        // lseek(fd, 0, SEEK_CUR) is how tell is spelled: it needs FD_TELL only.
        need(d, whence === WHENCE.CUR && delta === 0n ? RIGHT.FD_TELL : RIGHT.FD_SEEK);
        newoffset >>>= 0;
        mem.check(newoffset, 8);
        const base = whence === WHENCE.SET ? 0n : whence === WHENCE.CUR ? d.position : d.backend.statFile(d.handle).size;
        const pos = base + delta;
        if (pos < 0n || pos > MAX_U64) throw new FsError(E.INVAL);
        d.position = pos;
        mem.dv.setBigUint64(newoffset, pos, true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_tell(fd: number, offset: number): number {
      try {
        mem.refresh();
        const d = seekableOf(fd);
        need(d, RIGHT.FD_TELL);
        mem.setU64(offset >>> 0, d.position);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_close(fd: number): number {
      try {
        release(fds.remove(fd >>> 0));
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_renumber(from: number, to: number): number {
      try {
        const old = fds.renumber(from >>> 0, to >>> 0);
        if (old !== undefined) release(old);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_fdstat_get(fd: number, buf: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        buf >>>= 0;
        mem.check(buf, 24);
        const dv = mem.dv;
        dv.setUint32(buf, filetypeOf(d) | (d.fdflags << 16), true); // filetype u8, padding, fs_flags u16
        dv.setUint32(buf + 4, 0, true);
        dv.setBigUint64(buf + 8, BigInt(d.rightsBase), true);
        dv.setBigUint64(buf + 16, BigInt(d.rightsInheriting), true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_fdstat_set_flags(fd: number, flags: number): number {
      try {
        checkFlags(flags, ALL_FDFLAGS);
        const d = fileOf(fd, RIGHT.FD_FDSTAT_SET_FLAGS);
        // As wasmtime: only APPEND and NONBLOCK can change on an open descriptor.
        if ((flags & SYNC_FDFLAGS) !== 0) throw new FsError(E.INVAL);
        const append = (flags & FDFLAGS.APPEND) !== 0;
        if (append !== ((d.fdflags & FDFLAGS.APPEND) !== 0)) d.backend.setAppend(d.handle, append);
        d.fdflags = (d.fdflags & SYNC_FDFLAGS) | flags;
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
      try {
        const b = rightsArg(u64(base));
        const i = rightsArg(u64(inheriting));
        const d = fds.get(fd >>> 0);
        // Rights can only be dropped.
        if ((b & ~d.rightsBase) !== 0 || (i & ~d.rightsInheriting) !== 0) throw new FsError(E.NOTCAPABLE);
        d.rightsBase = b;
        d.rightsInheriting = i;
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_filestat_get(fd: number, buf: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        need(d, RIGHT.FD_FILESTAT_GET);
        buf >>>= 0;
        mem.check(buf, 64);
        if (d.kind === 'file') writeFilestat(mem, buf, d.backend.statFile(d.handle));
        else if (d.kind === 'dir') writeFilestat(mem, buf, withDir(d, (h) => d.loc.backend.statDir(h)));
        else {
          // As wasmtime: a stream has no metadata beyond its type.
          mem.u8.fill(0, buf, buf + 64);
          mem.dv.setUint8(buf + 16, filetypeOf(d));
        }
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_filestat_set_size(fd: number, size: bigint): number {
      try {
        const d = fileOf(fd, RIGHT.FD_FILESTAT_SET_SIZE);
        d.backend.truncate(d.handle, u64(size));
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, fstFlags: number): number {
      try {
        const [a, m] = timesOf(atim, mtim, fstFlags);
        const d = fds.get(fd >>> 0);
        if (d.kind !== 'file' && d.kind !== 'dir') throw new FsError(E.BADF);
        need(d, RIGHT.FD_FILESTAT_SET_TIMES);
        if (d.kind === 'file') d.backend.setTimesFile(d.handle, a, m);
        else withDir(d, (h) => d.loc.backend.setTimesDir(h, a, m));
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_advise(fd: number, offset: bigint, len: bigint, advice: number): number {
      try {
        if (!(advice >= ADVICE.NORMAL && advice <= ADVICE.NOREUSE)) throw new FsError(E.INVAL);
        u64(offset);
        u64(len);
        fileOf(fd, RIGHT.FD_ADVISE);
        return E.SUCCESS; // advice is only advice
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_allocate(fd: number, offset: bigint, len: bigint): number {
      try {
        const d = fileOf(fd, RIGHT.FD_ALLOCATE);
        const o = u64(offset);
        const l = u64(len);
        if (o + l > MAX_U64 >> 1n) throw new FsError(E.FBIG);
        d.backend.allocate(d.handle, o, l);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_datasync(fd: number): number {
      try {
        const d = fileOf(fd, RIGHT.FD_DATASYNC);
        d.backend.datasync(d.handle);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_sync(fd: number): number {
      try {
        const d = fileOf(fd, RIGHT.FD_SYNC);
        d.backend.sync(d.handle);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufused: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        if (d.kind !== 'dir') throw new FsError(E.BADF);
        need(d, RIGHT.FD_READDIR);
        buf >>>= 0;
        bufLen >>>= 0;
        bufused >>>= 0;
        mem.check(buf, bufLen);
        mem.check(bufused, 4);
        const c = u64(cookie);
        const l = listing(d, c);
        const u8 = mem.u8;
        let used = 0;
        // The cookie is the index of the next entry; each entry's d_next is the index after it. The last
        // entry that does not fit is cut at the buffer's end: bufused == buf_len tells the guest "maybe more".
        for (let i = c < BigInt(l.entries.length) ? Number(c) : l.entries.length; i < l.entries.length; i++) {
          const e = l.entries[i]!;
          const name = l.names[i]!;
          headerView.setBigUint64(0, BigInt(i + 1), true);
          headerView.setBigUint64(8, e.ino, true);
          headerView.setUint32(16, name.length, true);
          headerView.setUint32(20, e.filetype, true); // d_type u8 and 3 bytes of padding
          const h = Math.min(24, bufLen - used);
          u8.set(h === 24 ? header : header.subarray(0, h), buf + used);
          used += h;
          if (used === bufLen) break;
          const k = Math.min(name.length, bufLen - used);
          u8.set(k === name.length ? name : name.subarray(0, k), buf + used);
          used += k;
          if (used === bufLen) break;
        }
        mem.dv.setUint32(bufused, used, true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_prestat_get(fd: number, buf: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        if (d.kind !== 'dir' || d.preopen === null) throw new FsError(E.BADF);
        buf >>>= 0;
        mem.check(buf, 8);
        mem.dv.setUint32(buf, 0, true); // tag: preopentype dir, and padding
        mem.dv.setUint32(buf + 4, d.preopen.length, true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    fd_prestat_dir_name(fd: number, path: number, pathLen: number): number {
      try {
        mem.refresh();
        const d = fds.get(fd >>> 0);
        // As wasmtime: an open descriptor that is not a preopen is ENOTDIR here (EBADF in fd_prestat_get).
        if (d.kind !== 'dir' || d.preopen === null) throw new FsError(E.NOTDIR);
        if (d.preopen.length > pathLen >>> 0) throw new FsError(E.NAMETOOLONG);
        mem.write(path >>> 0, d.preopen);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },
  };
}
