// An in-memory filesystem behind the Backend interface (fs.ts): for tests, for browsers, and for preopens
// that must never touch the host. Plain objects only, no Node API. Inodes are files (a growable byte array),
// directories (a Map of names) and symlinks (their content, never interpreted here: path.ts does that).
// The semantics follow Linux, which is what wasmtime and node:wasi expose on the usual host, so a module sees
// the same errnos on both backends: unlink of a directory is EISDIR, link of a directory EPERM, rename per
// POSIX (see renameAt), nlink counts '..' of subdirectories, ctime moves on every metadata change.
// Reads do not update atime (like a `noatime` mount): deterministic, and relatime would rarely move it anyway.
//
// A tree to start from (see `Tree`):
//   new MemoryBackend({ 'a.txt': 'hello', dir: { 'b.bin': new Uint8Array([1, 2]) }, up: symlink('a.txt') })

import { E, FILETYPE } from './constants.js';
import { FsError, type Backend, type DirEntry, type DirHandle, type FileHandle, type OpenFileFlags, type Stat, type TimeSpec } from './fs.js';
import { NAME_MAX, PATH_MAX, utf8Length } from './path.js';

/** A symlink in a Tree (a class, so that a directory holding a file named "target" is not mistaken for one). */
export class SymlinkSpec {
  constructor(readonly target: string) {}
}
/** `symlink('../a.txt')` as an entry of a Tree. */
export const symlink = (target: string): SymlinkSpec => new SymlinkSpec(target);

/** A directory's contents: a string (UTF-8 file), bytes (file), symlink(target), or a nested Tree (directory). */
export type TreeEntry = string | Uint8Array | SymlinkSpec | Tree;
export interface Tree {
  readonly [name: string]: TreeEntry;
}

export interface MemoryBackendOptions {
  /** The clock for timestamps, in ns since the epoch (inject a fake one in tests). */
  now?: () => bigint;
  /** Largest file size in bytes (EFBIG past it). Default 1 GiB: the content lives in this process's memory. */
  maxFileSize?: number;
}

interface Common {
  readonly ino: bigint;
  nlink: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}
interface FileNode extends Common {
  readonly kind: 'file';
  /** Capacity grows by doubling; bytes from `size` to the end are always zero, so growing needs no fill. */
  data: Uint8Array;
  size: number;
}
interface DirNode extends Common {
  readonly kind: 'dir';
  readonly entries: Map<string, Inode>;
  /** The containing directory (the root's is itself): directories cannot be hard-linked, so it is unique. */
  parent: DirNode;
}
interface LinkNode extends Common {
  readonly kind: 'symlink';
  readonly target: string;
}
type Inode = FileNode | DirNode | LinkNode;

// Handles know their backend: one of another MemoryBackend is refused (EBADF), not served from its tree.
class MemDir {
  closed = false;
  constructor(readonly owner: MemoryBackend, readonly node: DirNode) {}
}
class MemFile {
  closed = false;
  constructor(
    readonly owner: MemoryBackend,
    readonly node: FileNode,
    readonly read: boolean,
    readonly write: boolean,
    public append: boolean,
  ) {}
}

const fail = (errno: number, why: string): never => {
  throw new FsError(errno, why);
};

/** Wall clock in ns, with sub-millisecond digits where `performance` exists. */
function wallClockNs(): bigint {
  const perf = (globalThis as { performance?: { timeOrigin: number; now(): number } }).performance;
  const ms = perf ? perf.timeOrigin + perf.now() : Date.now();
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1e6));
}

/** Device numbers, one per backend, so that (dev, ino) pairs of two memory preopens never collide. */
let nextDev = 0x6d656d00n; // "mem\0"

const MAX_POSITION = (1n << 63n) - 1n; // off_t: a larger offset is EINVAL on Linux
const MAX_LINKS = 65000; // ext4's per-inode limit (EMLINK)

export class MemoryBackend implements Backend {
  private readonly now: () => bigint;
  private readonly maxFileSize: number;
  private readonly dev = nextDev++;
  private nextIno = 1n;
  private readonly rootNode: DirNode;

  constructor(tree: Tree = {}, options: MemoryBackendOptions = {}) {
    this.now = options.now ?? wallClockNs;
    this.maxFileSize = options.maxFileSize ?? 1 << 30;
    this.rootNode = this.newDir(null);
    // Built with an explicit stack (the tree is caller data; deep trees must not overflow the JS stack).
    const work: [DirNode, Tree][] = [[this.rootNode, tree]];
    const encoder = new TextEncoder();
    while (work.length > 0) {
      const [dir, entries] = work.pop()!;
      for (const [name, entry] of Object.entries(entries)) {
        this.checkName(name);
        let node: Inode;
        if (typeof entry === 'string' || entry instanceof Uint8Array) {
          node = this.newFile();
          this.writeAt(node, typeof entry === 'string' ? encoder.encode(entry) : entry, 0);
        } else if (entry instanceof SymlinkSpec) {
          this.checkLinkTarget(entry.target);
          node = this.newLink(entry.target);
        } else {
          node = this.newDir(dir);
          dir.nlink++;
          work.push([node, entry]);
        }
        dir.entries.set(name, node);
      }
    }
  }

  root(): DirHandle {
    // A fresh handle each time: closing one (openLocation hands the root out for an empty path) never
    // invalidates another.
    return new MemDir(this, this.rootNode);
  }

  // ---- single-component operations ---------------------------------------------------------------------

  statAt(dir: DirHandle, name: string): Stat {
    return this.stat(this.lookup(this.dirOf(dir), name));
  }

  readlinkAt(dir: DirHandle, name: string): string {
    const node = this.lookup(this.dirOf(dir), name);
    if (node.kind !== 'symlink') fail(E.INVAL, 'not a symlink');
    return (node as LinkNode).target;
  }

  openDirAt(dir: DirHandle, name: string): DirHandle {
    const node = this.lookup(this.dirOf(dir), name);
    // A symlink is ENOTDIR, as Linux's open(O_DIRECTORY | O_NOFOLLOW) reports it.
    if (node.kind !== 'dir') fail(E.NOTDIR, 'not a directory');
    return new MemDir(this, node as DirNode);
  }

  openFileAt(dir: DirHandle, name: string, flags: OpenFileFlags): FileHandle {
    const d = this.dirOf(dir);
    this.checkName(name);
    let node = d.entries.get(name);
    if (node === undefined) {
      if (!flags.create) fail(E.NOENT, 'no such file');
      node = this.newFile();
      d.entries.set(name, node);
      this.touch(d);
    } else {
      // Order as Linux's open: O_EXCL first (even a dangling symlink "exists"), then O_NOFOLLOW's ELOOP.
      if (flags.create && flags.exclusive) fail(E.EXIST, 'file exists');
      if (node.kind === 'symlink') fail(E.LOOP, 'is a symlink');
      if (node.kind === 'dir') fail(E.ISDIR, 'is a directory');
      if (flags.truncate) this.resize(node as FileNode, 0);
    }
    return new MemFile(this, node as FileNode, flags.read, flags.write, flags.append);
  }

  mkdirAt(dir: DirHandle, name: string): void {
    const d = this.dirOf(dir);
    this.checkName(name);
    if (d.entries.has(name)) fail(E.EXIST, 'file exists');
    d.entries.set(name, this.newDir(d));
    d.nlink++;
    this.touch(d);
  }

  rmdirAt(dir: DirHandle, name: string): void {
    const d = this.dirOf(dir);
    const node = this.lookup(d, name);
    if (node.kind !== 'dir') fail(E.NOTDIR, 'not a directory');
    if ((node as DirNode).entries.size > 0) fail(E.NOTEMPTY, 'directory not empty');
    d.entries.delete(name);
    this.detach(node, d);
    this.touch(d);
  }

  unlinkAt(dir: DirHandle, name: string): void {
    const d = this.dirOf(dir);
    const node = this.lookup(d, name);
    // Linux's unlinkat without AT_REMOVEDIR says EISDIR; so does wasmtime on Linux (macOS: EPERM).
    if (node.kind === 'dir') fail(E.ISDIR, 'is a directory');
    d.entries.delete(name);
    this.detach(node, d);
    this.touch(d);
  }

  /**
   * POSIX rename: the same inode under both names does nothing; a directory may replace an empty directory
   * (ENOTEMPTY otherwise) but not a non-directory (ENOTDIR); a non-directory may not replace a directory
   * (EISDIR); a directory may not move into itself or below (EINVAL).
   */
  renameAt(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void {
    const from = this.dirOf(fromDir);
    const to = this.dirOf(toDir);
    const node = this.lookup(from, fromName);
    this.checkName(toName);
    const existing = to.entries.get(toName);
    if (existing === node) return;
    if (node.kind === 'dir') {
      for (let d = to; ; d = d.parent) {
        if (d === node) fail(E.INVAL, 'cannot move a directory into itself');
        if (d.parent === d) break;
      }
      if (existing !== undefined && existing.kind !== 'dir') fail(E.NOTDIR, 'not a directory');
      if (existing !== undefined && (existing as DirNode).entries.size > 0) fail(E.NOTEMPTY, 'directory not empty');
    } else if (existing?.kind === 'dir') {
      fail(E.ISDIR, 'is a directory');
    }
    if (existing !== undefined) this.detach(existing, to);
    from.entries.delete(fromName);
    to.entries.set(toName, node);
    if (node.kind === 'dir' && from !== to) {
      from.nlink--;
      to.nlink++;
      node.parent = to;
    }
    node.ctim = this.now();
    this.touch(from);
    this.touch(to);
  }

  linkAt(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void {
    const from = this.dirOf(fromDir);
    const to = this.dirOf(toDir);
    const node = this.lookup(from, fromName); // a symlink is linked itself, as Linux's link(2) does
    this.checkName(toName);
    if (to.entries.has(toName)) fail(E.EXIST, 'file exists');
    if (node.kind === 'dir') fail(E.PERM, 'cannot hard-link a directory');
    if (node.nlink >= MAX_LINKS) fail(E.MLINK, 'too many links');
    to.entries.set(toName, node);
    node.nlink++;
    node.ctim = this.now();
    this.touch(to);
  }

  symlinkAt(target: string, dir: DirHandle, name: string): void {
    const d = this.dirOf(dir);
    this.checkName(name);
    this.checkLinkTarget(target);
    if (d.entries.has(name)) fail(E.EXIST, 'file exists');
    d.entries.set(name, this.newLink(target));
    this.touch(d);
  }

  setTimesAt(dir: DirHandle, name: string, atim: TimeSpec, mtim: TimeSpec): void {
    this.setTimes(this.lookup(this.dirOf(dir), name), atim, mtim);
  }

  // ---- directory handles ------------------------------------------------------------------------------

  statDir(dir: DirHandle): Stat {
    return this.stat(this.dirOf(dir));
  }

  readdir(dir: DirHandle): DirEntry[] {
    const d = this.dirOf(dir);
    const names = [...d.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: DirEntry[] = [
      { name: '.', filetype: FILETYPE.DIRECTORY, ino: d.ino },
      { name: '..', filetype: FILETYPE.DIRECTORY, ino: d.parent.ino },
    ];
    for (const name of names) {
      const node = d.entries.get(name)!;
      out.push({ name, filetype: fileType(node), ino: node.ino });
    }
    return out;
  }

  setTimesDir(dir: DirHandle, atim: TimeSpec, mtim: TimeSpec): void {
    this.setTimes(this.dirOf(dir), atim, mtim);
  }

  closeDir(dir: DirHandle): void {
    this.dirHandle(dir).closed = true;
  }

  // ---- file handles -------------------------------------------------------------------------------------

  statFile(file: FileHandle): Stat {
    return this.stat(this.fileOf(file).node);
  }

  read(file: FileHandle, buf: Uint8Array, position: bigint): number {
    const f = this.fileOf(file);
    if (!f.read) fail(E.BADF, 'not open for reading');
    checkPosition(position);
    const node = f.node;
    if (position >= BigInt(node.size)) return 0;
    const start = Number(position);
    const n = Math.min(buf.length, node.size - start);
    buf.set(node.data.subarray(start, start + n));
    return n;
  }

  write(file: FileHandle, buf: Uint8Array, position: bigint): number {
    const f = this.fileOf(file);
    if (!f.write) fail(E.BADF, 'not open for writing');
    checkPosition(position);
    const node = f.node;
    const start = f.append ? node.size : position > BigInt(this.maxFileSize) ? this.maxFileSize : Number(position);
    if (buf.length === 0) return 0; // Linux leaves the times alone for an empty write
    if (start >= this.maxFileSize) fail(E.FBIG, 'file too large');
    // Like a write that meets the file size limit: the part that fits is written, the rest is not.
    const n = Math.min(buf.length, this.maxFileSize - start);
    this.writeAt(node, n === buf.length ? buf : buf.subarray(0, n), start);
    node.mtim = node.ctim = this.now();
    return n;
  }

  truncate(file: FileHandle, size: bigint): void {
    const f = this.fileOf(file);
    if (!f.write) fail(E.INVAL, 'not open for writing'); // Linux's ftruncate on a read-only descriptor
    if (size < 0n || size > MAX_POSITION) fail(E.INVAL, 'invalid size');
    if (size > BigInt(this.maxFileSize)) fail(E.FBIG, 'file too large');
    this.resize(f.node, Number(size));
  }

  allocate(file: FileHandle, offset: bigint, len: bigint): void {
    const f = this.fileOf(file);
    if (!f.write) fail(E.BADF, 'not open for writing'); // posix_fallocate's answer
    if (offset < 0n || len <= 0n) fail(E.INVAL, 'invalid range');
    const end = offset + len;
    if (end > BigInt(this.maxFileSize)) fail(E.FBIG, 'file too large'); // past off_t too, as Linux's fallocate
    if (end > BigInt(f.node.size)) this.resize(f.node, Number(end));
  }

  sync(file: FileHandle): void {
    this.fileOf(file);
  }

  datasync(file: FileHandle): void {
    this.fileOf(file);
  }

  setTimesFile(file: FileHandle, atim: TimeSpec, mtim: TimeSpec): void {
    this.setTimes(this.fileOf(file).node, atim, mtim);
  }

  setAppend(file: FileHandle, append: boolean): void {
    this.fileOf(file).append = append;
  }

  closeFile(file: FileHandle): void {
    this.fileOf(file).closed = true;
  }

  // ---- inodes -------------------------------------------------------------------------------------------

  private common(): Common {
    const t = this.now();
    return { ino: this.nextIno++, nlink: 1, atim: t, mtim: t, ctim: t };
  }

  private newFile(): FileNode {
    return { ...this.common(), kind: 'file', data: new Uint8Array(0), size: 0 };
  }

  private newDir(parent: DirNode | null): DirNode {
    const node: DirNode = { ...this.common(), kind: 'dir', nlink: 2, entries: new Map(), parent: null! };
    node.parent = parent ?? node;
    return node;
  }

  private newLink(target: string): LinkNode {
    return { ...this.common(), kind: 'symlink', target };
  }

  /** Drops one name of `node` (already removed from `dir`). A directory's only name goes: it is dead. */
  private detach(node: Inode, dir: DirNode): void {
    if (node.kind === 'dir') {
      node.nlink = 0;
      dir.nlink--;
    } else {
      node.nlink--;
    }
    node.ctim = this.now();
  }

  private touch(dir: DirNode): void {
    dir.mtim = dir.ctim = this.now();
  }

  private stat(node: Inode): Stat {
    let size: bigint;
    if (node.kind === 'file') size = BigInt(node.size);
    else if (node.kind === 'symlink') size = BigInt(utf8Length(node.target)); // POSIX: the content's length
    else size = 4096n; // one block, as ext4 reports a directory
    return {
      dev: this.dev,
      ino: node.ino,
      filetype: fileType(node),
      nlink: BigInt(node.nlink),
      size,
      atim: node.atim,
      mtim: node.mtim,
      ctim: node.ctim,
    };
  }

  private setTimes(node: Inode, atim: TimeSpec, mtim: TimeSpec): void {
    if (atim === undefined && mtim === undefined) return; // utimensat with both UTIME_OMIT changes nothing
    const now = this.now();
    if (atim !== undefined) node.atim = atim === 'now' ? now : atim;
    if (mtim !== undefined) node.mtim = mtim === 'now' ? now : mtim;
    node.ctim = now;
  }

  /** Copies bytes into a file at `start` (callers checked the limit), growing it with zeros between. */
  private writeAt(node: FileNode, bytes: Uint8Array, start: number): void {
    const end = start + bytes.length;
    this.reserve(node, end);
    node.data.set(bytes, start);
    if (end > node.size) node.size = end;
  }

  private resize(node: FileNode, size: number): void {
    if (size < node.size) node.data.fill(0, size, node.size); // keep the "zeros past size" invariant
    else this.reserve(node, size);
    node.size = size;
    node.mtim = node.ctim = this.now();
  }

  private reserve(node: FileNode, capacity: number): void {
    if (capacity <= node.data.length) return;
    const grown = Math.min(Math.max(capacity, node.data.length * 2, 64), Math.max(capacity, this.maxFileSize));
    let data: Uint8Array;
    try {
      data = new Uint8Array(grown);
    } catch {
      return fail(E.NOSPC, 'out of memory for file contents');
    }
    data.set(node.data.subarray(0, node.size));
    node.data = data;
  }

  // ---- handle and argument checks -------------------------------------------------------------------------

  private dirHandle(dir: DirHandle): MemDir {
    if (!(dir instanceof MemDir) || dir.owner !== this || dir.closed) return fail(E.BADF, 'bad directory handle');
    return dir;
  }

  private dirOf(dir: DirHandle): DirNode {
    const node = this.dirHandle(dir).node;
    // A removed directory keeps its handles but has no entries and accepts none, as on Linux.
    if (node.nlink === 0) fail(E.NOENT, 'directory was removed');
    return node;
  }

  private fileOf(file: FileHandle): MemFile {
    if (!(file instanceof MemFile) || file.owner !== this || file.closed) return fail(E.BADF, 'bad file handle');
    return file;
  }

  private lookup(dir: DirNode, name: string): Inode {
    this.checkName(name);
    return dir.entries.get(name) ?? fail(E.NOENT, 'no such file or directory');
  }

  /**
   * A name must be one component: the resolver only ever passes those, and refusing anything else here
   * means a caller that skipped the resolver still cannot reach outside a directory.
   */
  private checkName(name: string): void {
    if (name.includes('/') || name === '..') fail(E.NOTCAPABLE, 'not a single path component');
    if (name === '' || name === '.' || name.includes('\0')) fail(E.INVAL, 'invalid name');
    if (name.length > NAME_MAX / 3 && utf8Length(name) > NAME_MAX) fail(E.NAMETOOLONG, 'name too long');
  }

  /** What Linux's symlink(2) accepts as content (anything else is stored verbatim, absolute ones too). */
  private checkLinkTarget(target: string): void {
    if (target === '') fail(E.NOENT, 'empty symlink content');
    if (target.includes('\0')) fail(E.INVAL, 'symlink content contains a NUL byte');
    if (utf8Length(target) >= PATH_MAX) fail(E.NAMETOOLONG, 'symlink content too long');
  }
}

function fileType(node: Inode): number {
  return node.kind === 'file' ? FILETYPE.REGULAR_FILE : node.kind === 'dir' ? FILETYPE.DIRECTORY : FILETYPE.SYMBOLIC_LINK;
}

function checkPosition(position: bigint): void {
  if (position < 0n || position > MAX_POSITION) fail(E.INVAL, 'invalid offset');
}
