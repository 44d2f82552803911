// The host filesystem behind the Backend interface (fs.ts), for one preopened host directory, over node:fs.
//
// Node has no openat(2), so a directory handle is the directory's absolute host path (the preopen's real
// path plus components the resolver checked one by one: no `..`, no symlinks). The sandbox rests on two
// layers: path.ts never builds a path that leaves the preopen, and every operation here refuses to follow
// a symlink at the one name it acts on (lstat, O_NOFOLLOW, lutimes, rename/unlink/rmdir/link semantics), so
// a symlink swapped in at that name after the resolver looked cannot redirect the operation outside.
// A stored handle must never be trusted later as it is: the guest can rename a directory away and carry a
// symlink into its place (by renaming a directory that holds one), after which the stored path would lead
// wherever the link does. So the WASI layer re-walks a directory descriptor's location from the preopen,
// without following symlinks, for every operation (wasi-fd.ts withDir, path.ts resolvePath). What remains is
// a race no path-based design can close: another HOST process swapping a directory in the middle of a path
// for a symlink between that walk and the call (the guest is single-threaded and cannot race itself).
// Closing it needs openat-style calls Node lacks; node:wasi, path-based too, documents that its sandbox is
// not secure.
//
// node:fs is fetched with process.getBuiltinModule, not a static import, so that runtime/wasi loads where
// there is no Node (only this class needs it).
//
// Times: reads are nanosecond-exact (bigint stats). Writes go through utimes, which takes seconds as a
// double: about 2^-22 s = 0.24 µs of resolution for present-day dates, so a set time lands within 0.24 µs,
// and a time left "unchanged" (UTIME_OMIT has no Node equivalent) is rewritten from its current value with
// the same error.

import type * as NodeFs from 'node:fs';
import { E, FILETYPE } from './constants.js';
import { FsError, type Backend, type DirEntry, type DirHandle, type FileHandle, type OpenFileFlags, type Stat, type TimeSpec } from './fs.js';

type Fs = typeof NodeFs;
type BigStats = NodeFs.BigIntStats;

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  versions?: { node?: string };
  platform?: string;
}
const proc = (globalThis as { process?: NodeProcess }).process;

// Node before 20.16 has no getBuiltinModule: fetch node:fs through createRequire once, at load, and only
// there (anywhere else this module loads without touching Node).
let requiredFs: Fs | undefined;
if (typeof proc?.getBuiltinModule !== 'function' && proc?.versions?.node !== undefined) {
  const { createRequire } = await import('node:module');
  requiredFs = createRequire(import.meta.url)('node:fs') as Fs;
}

function nodeFs(): Fs {
  const fs = (proc?.getBuiltinModule?.('node:fs') as Fs | undefined) ?? requiredFs;
  if (fs === undefined) throw new Error('HostBackend needs Node.js (node:fs)');
  return fs;
}

/** Node error codes (err.code) and their WASI errno; any other failure is EIO. */
const ERRNO: Readonly<Record<string, number>> = {
  E2BIG: E['2BIG'],
  EACCES: E.ACCES,
  EAGAIN: E.AGAIN,
  EBADF: E.BADF,
  EBUSY: E.BUSY,
  EDQUOT: E.DQUOT,
  EEXIST: E.EXIST,
  EFAULT: E.FAULT,
  EFBIG: E.FBIG,
  EILSEQ: E.ILSEQ,
  EINTR: E.INTR,
  EINVAL: E.INVAL,
  EIO: E.IO,
  EISDIR: E.ISDIR,
  ELOOP: E.LOOP,
  EMFILE: E.MFILE,
  EMLINK: E.MLINK,
  ENAMETOOLONG: E.NAMETOOLONG,
  ENFILE: E.NFILE,
  ENODEV: E.NODEV,
  ENOENT: E.NOENT,
  ENOMEM: E.NOMEM,
  ENOSPC: E.NOSPC,
  ENOSYS: E.NOSYS,
  ENOTDIR: E.NOTDIR,
  ENOTEMPTY: E.NOTEMPTY,
  ENOTSUP: E.NOTSUP,
  EOPNOTSUPP: E.NOTSUP,
  ENXIO: E.NXIO,
  EOVERFLOW: E.OVERFLOW,
  EPERM: E.PERM,
  EROFS: E.ROFS,
  ESPIPE: E.SPIPE,
  ESTALE: E.STALE,
  ETXTBSY: E.TXTBSY,
  EXDEV: E.XDEV,
};

function toFsError(e: unknown): FsError {
  if (e instanceof FsError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const errno = typeof code === 'string' ? ERRNO[code] : undefined;
  return new FsError(errno ?? E.IO, e instanceof Error ? e.message : String(e));
}

const fail = (errno: number, why: string): never => {
  throw new FsError(errno, why);
};

// Handles know their backend: one of another preopen is refused (EBADF), not served from that preopen.
class HostDir {
  closed = false;
  /** `parent` is null for the preopen's root: its `..` is never looked at (it lies outside). */
  constructor(readonly owner: HostBackend, readonly path: string, readonly parent: string | null) {}
}
class HostFile {
  closed = false;
  constructor(
    readonly owner: HostBackend,
    readonly fd: number,
    readonly read: boolean,
    readonly write: boolean,
    public append: boolean,
  ) {}
}

const MAX_POSITION = (1n << 63n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export class HostBackend implements Backend {
  private readonly fs: Fs;
  /** The preopen's real path (symlinks in the path the user gave are resolved once, here, as wasmtime does). */
  readonly hostDir: string;
  private readonly rootIno: bigint;

  constructor(hostDir: string) {
    this.fs = nodeFs();
    try {
      this.hostDir = this.fs.realpathSync(hostDir);
      const st = this.fs.statSync(this.hostDir, { bigint: true });
      if (!st.isDirectory()) fail(E.NOTDIR, `${hostDir} is not a directory`);
      this.rootIno = st.ino;
    } catch (e) {
      throw toFsError(e);
    }
  }

  root(): DirHandle {
    return new HostDir(this, this.hostDir, null);
  }

  // ---- single-component operations: none follows a symlink at `name` -----------------------------------

  statAt(dir: DirHandle, name: string): Stat {
    const p = this.child(dir, name);
    try {
      return toStat(this.fs.lstatSync(p, { bigint: true }));
    } catch (e) {
      throw toFsError(e);
    }
  }

  readlinkAt(dir: DirHandle, name: string): string {
    const p = this.child(dir, name);
    try {
      return this.fs.readlinkSync(p, 'utf8'); // EINVAL when not a symlink
    } catch (e) {
      throw toFsError(e);
    }
  }

  openDirAt(dir: DirHandle, name: string): DirHandle {
    const p = this.child(dir, name);
    let st: BigStats;
    try {
      st = this.fs.lstatSync(p, { bigint: true });
    } catch (e) {
      throw toFsError(e);
    }
    // lstat, so a symlink is seen as one: ENOTDIR, as open(O_DIRECTORY | O_NOFOLLOW) reports it.
    if (!st.isDirectory()) fail(E.NOTDIR, 'not a directory');
    return new HostDir(this, p, (dir as HostDir).path);
  }

  openFileAt(dir: DirHandle, name: string, flags: OpenFileFlags): FileHandle {
    const p = this.child(dir, name);
    const C = this.fs.constants;
    let oflags = flags.read && flags.write ? C.O_RDWR : flags.write ? C.O_WRONLY : C.O_RDONLY;
    if (flags.create) oflags |= C.O_CREAT;
    if (flags.exclusive) oflags |= C.O_EXCL;
    if (flags.truncate) oflags |= C.O_TRUNC;
    // O_NOFOLLOW: a symlink at `name` is ELOOP, atomically, even one swapped in after the resolver looked
    // (O_CREAT | O_TRUNC on a link to a file outside must not create or truncate it). O_NONBLOCK: opening a
    // FIFO someone left in the preopen must not hang the single thread (it is refused below anyway).
    // O_APPEND is never passed: Linux's pwrite on an O_APPEND descriptor ignores the offset, so append mode
    // could not be switched off again (fd_fdstat_set_flags); append is emulated in write() instead.
    const nofollow = C.O_NOFOLLOW ?? 0;
    oflags |= nofollow | (C.O_NONBLOCK ?? 0);
    let fd: number;
    try {
      // Without O_NOFOLLOW (Windows) the lstat below is all there is: best effort, racy.
      if (nofollow === 0 && this.fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) fail(E.LOOP, 'is a symlink');
      fd = this.fs.openSync(p, oflags, 0o666);
    } catch (e) {
      throw toFsError(e);
    }
    try {
      const st = this.fs.fstatSync(fd);
      if (st.isDirectory()) fail(E.ISDIR, 'is a directory');
      // Devices, FIFOs and sockets cannot honour explicit positions or would block: regular files only.
      if (!st.isFile()) fail(E.NOTSUP, 'not a regular file');
    } catch (e) {
      this.fs.closeSync(fd);
      throw toFsError(e);
    }
    return new HostFile(this, fd, flags.read, flags.write, flags.append);
  }

  mkdirAt(dir: DirHandle, name: string): void {
    this.run(() => this.fs.mkdirSync(this.child(dir, name), 0o777));
  }

  rmdirAt(dir: DirHandle, name: string): void {
    this.run(() => this.fs.rmdirSync(this.child(dir, name))); // rmdir(2) on a symlink: ENOTDIR
  }

  unlinkAt(dir: DirHandle, name: string): void {
    const p = this.child(dir, name);
    try {
      this.fs.unlinkSync(p);
    } catch (e) {
      // Linux says EISDIR for a directory; macOS says EPERM. Report Linux's (and wasmtime's on Linux).
      if ((e as { code?: string }).code === 'EPERM' && this.fs.lstatSync(p, { throwIfNoEntry: false })?.isDirectory()) {
        fail(E.ISDIR, 'is a directory');
      }
      throw toFsError(e);
    }
  }

  renameAt(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void {
    // rename(2) acts on the two names themselves, never on what a symlink there points to.
    this.run(() => this.fs.renameSync(this.child(fromDir, fromName), this.child(toDir, toName)));
  }

  linkAt(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void {
    const from = this.child(fromDir, fromName);
    const to = this.child(toDir, toName);
    this.run(() => {
      // Linux's link(2) links a symlink itself; macOS and the BSDs follow it, which could hard-link a file
      // outside the preopen into it. There, linking a symlink is refused.
      if (proc?.platform !== 'linux' && this.fs.lstatSync(from).isSymbolicLink()) fail(E.NOTSUP, 'cannot hard-link a symlink here');
      this.fs.linkSync(from, to);
    });
  }

  symlinkAt(target: string, dir: DirHandle, name: string): void {
    // The content is stored verbatim; only path.ts ever interprets it (and refuses it if it leads out).
    const p = this.child(dir, name);
    if (target.includes('\0')) fail(E.INVAL, 'symlink content contains a NUL byte'); // Node would say ERR_INVALID_ARG_VALUE
    this.run(() => this.fs.symlinkSync(target, p));
  }

  setTimesAt(dir: DirHandle, name: string, atim: TimeSpec, mtim: TimeSpec): void {
    const p = this.child(dir, name);
    if (atim === undefined && mtim === undefined) return this.run(() => void this.fs.lstatSync(p)); // still ENOENT
    this.run(() => {
      const cur = atim === undefined || mtim === undefined ? this.fs.lstatSync(p, { bigint: true }) : undefined;
      this.fs.lutimesSync(p, seconds(atim, cur?.atimeNs), seconds(mtim, cur?.mtimeNs));
    });
  }

  // ---- directory handles ------------------------------------------------------------------------------

  statDir(dir: DirHandle): Stat {
    const d = this.dirOf(dir);
    return this.run(() => toStat(this.fs.lstatSync(d.path, { bigint: true })));
  }

  readdir(dir: DirHandle): DirEntry[] {
    const d = this.dirOf(dir);
    return this.run(() => {
      const self = this.fs.lstatSync(d.path, { bigint: true });
      // The root's `..` is outside the preopen: report the root itself, as a chroot does, and never stat it.
      const parentIno = d.parent === null ? this.rootIno : this.fs.lstatSync(d.parent, { bigint: true }).ino;
      const out: DirEntry[] = [
        { name: '.', filetype: FILETYPE.DIRECTORY, ino: self.ino },
        { name: '..', filetype: FILETYPE.DIRECTORY, ino: parentIno },
      ];
      const names = this.fs.readdirSync(d.path, 'utf8').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const name of names) {
        // lstat gives the inode number (dirents carry none in Node) and the type of the entry itself.
        const st = this.fs.lstatSync(join(d.path, name), { bigint: true, throwIfNoEntry: false });
        if (st === undefined) continue; // removed since the listing
        out.push({ name, filetype: fileType(st), ino: st.ino });
      }
      return out;
    });
  }

  setTimesDir(dir: DirHandle, atim: TimeSpec, mtim: TimeSpec): void {
    const d = this.dirOf(dir);
    if (atim === undefined && mtim === undefined) return;
    this.run(() => {
      const cur = atim === undefined || mtim === undefined ? this.fs.lstatSync(d.path, { bigint: true }) : undefined;
      // lutimes: the handle's path has no symlink at its end when opened; never follow one swapped in.
      this.fs.lutimesSync(d.path, seconds(atim, cur?.atimeNs), seconds(mtim, cur?.mtimeNs));
    });
  }

  closeDir(dir: DirHandle): void {
    this.dirOf(dir).closed = true;
  }

  // ---- file handles -------------------------------------------------------------------------------------

  statFile(file: FileHandle): Stat {
    const f = this.fileOf(file);
    return this.run(() => toStat(this.fs.fstatSync(f.fd, { bigint: true })));
  }

  read(file: FileHandle, buf: Uint8Array, position: bigint): number {
    const f = this.fileOf(file);
    checkPosition(position);
    try {
      return this.fs.readSync(f.fd, buf, 0, buf.length, position <= MAX_SAFE ? Number(position) : position);
    } catch (e) {
      throw toFsError(e);
    }
  }

  write(file: FileHandle, buf: Uint8Array, position: bigint): number {
    const f = this.fileOf(file);
    checkPosition(position);
    try {
      // Append mode: at the current end, read just before writing (not atomic against other host writers).
      const at = f.append ? this.fs.fstatSync(f.fd).size : position <= MAX_SAFE ? Number(position) : fail(E.FBIG, 'file too large');
      return this.fs.writeSync(f.fd, buf, 0, buf.length, at);
    } catch (e) {
      throw toFsError(e);
    }
  }

  truncate(file: FileHandle, size: bigint): void {
    const f = this.fileOf(file);
    if (size < 0n || size > MAX_POSITION) fail(E.INVAL, 'invalid size');
    if (size > MAX_SAFE) fail(E.FBIG, 'file too large');
    this.run(() => this.fs.ftruncateSync(f.fd, Number(size))); // EINVAL on a read-only descriptor (Linux)
  }

  allocate(file: FileHandle, offset: bigint, len: bigint): void {
    const f = this.fileOf(file);
    // posix_fallocate's answers, checked here because ftruncate would give others.
    if (!f.write) fail(E.BADF, 'not open for writing');
    if (offset < 0n || len <= 0n) fail(E.INVAL, 'invalid range');
    const end = offset + len;
    if (end > MAX_SAFE) fail(E.FBIG, 'file too large'); // past off_t too: Linux's fallocate says EFBIG
    this.run(() => {
      if (this.fs.fstatSync(f.fd, { bigint: true }).size < end) this.fs.ftruncateSync(f.fd, Number(end));
    });
  }

  sync(file: FileHandle): void {
    const f = this.fileOf(file);
    this.run(() => this.fs.fsyncSync(f.fd));
  }

  datasync(file: FileHandle): void {
    const f = this.fileOf(file);
    this.run(() => this.fs.fdatasyncSync(f.fd));
  }

  setTimesFile(file: FileHandle, atim: TimeSpec, mtim: TimeSpec): void {
    const f = this.fileOf(file);
    if (atim === undefined && mtim === undefined) return;
    this.run(() => {
      const cur = atim === undefined || mtim === undefined ? this.fs.fstatSync(f.fd, { bigint: true }) : undefined;
      this.fs.futimesSync(f.fd, seconds(atim, cur?.atimeNs), seconds(mtim, cur?.mtimeNs));
    });
  }

  setAppend(file: FileHandle, append: boolean): void {
    this.fileOf(file).append = append;
  }

  closeFile(file: FileHandle): void {
    const f = this.fileOf(file);
    // Marked closed first: the descriptor number may be reused by the next open, and a stale handle must
    // then fail with EBADF rather than reach that other file.
    f.closed = true;
    this.run(() => this.fs.closeSync(f.fd));
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private run<T>(op: () => T): T {
    try {
      return op();
    } catch (e) {
      throw toFsError(e);
    }
  }

  private dirOf(dir: DirHandle): HostDir {
    if (!(dir instanceof HostDir) || dir.owner !== this || dir.closed) return fail(E.BADF, 'bad directory handle');
    return dir;
  }

  private fileOf(file: FileHandle): HostFile {
    if (!(file instanceof HostFile) || file.owner !== this || file.closed) return fail(E.BADF, 'bad file handle');
    return file;
  }

  /**
   * The host path of `name` in `dir`. The name must be one component: the resolver only ever passes those,
   * and refusing anything else here means a caller that skipped the resolver still cannot reach outside.
   */
  private child(dir: DirHandle, name: string): string {
    const d = this.dirOf(dir);
    if (name.includes('/') || name === '..' || (proc?.platform === 'win32' && /[\\:]/.test(name))) {
      fail(E.NOTCAPABLE, 'not a single path component');
    }
    if (name === '' || name === '.' || name.includes('\0')) fail(E.INVAL, 'invalid name');
    return join(d.path, name);
  }
}

function join(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

function fileType(st: BigStats): number {
  if (st.isFile()) return FILETYPE.REGULAR_FILE;
  if (st.isDirectory()) return FILETYPE.DIRECTORY;
  if (st.isSymbolicLink()) return FILETYPE.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return FILETYPE.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return FILETYPE.BLOCK_DEVICE;
  if (st.isSocket()) return FILETYPE.SOCKET_STREAM; // the kind of socket is not visible from a stat
  return FILETYPE.UNKNOWN; // FIFOs: preview1 has no type for them (wasmtime says unknown too)
}

function toStat(st: BigStats): Stat {
  return {
    dev: st.dev,
    ino: st.ino,
    filetype: fileType(st),
    nlink: st.nlink,
    size: st.size,
    atim: st.atimeNs,
    mtim: st.mtimeNs,
    ctim: st.ctimeNs,
  };
}

/** A time for utimes, in seconds: the given ns, now, or the current value when left unchanged. */
function seconds(spec: TimeSpec, current: bigint | undefined): number {
  if (spec === 'now') {
    const perf = (globalThis as { performance?: { timeOrigin: number; now(): number } }).performance;
    return (perf ? perf.timeOrigin + perf.now() : Date.now()) / 1000;
  }
  const ns = spec ?? current ?? 0n;
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

function checkPosition(position: bigint): void {
  if (position < 0n || position > MAX_POSITION) fail(E.INVAL, 'invalid offset');
}
