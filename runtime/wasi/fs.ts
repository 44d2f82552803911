// The filesystem backend interface behind every preopened directory. A backend only ever sees ONE path
// component at a time, relative to a directory handle it gave out itself ("openat"-style): the sandbox
// (path resolution, `..`, symlink following, escape refusal) lives once, in path.ts, above all backends.
// Backends: the host filesystem (host-fs.ts, node:fs) and an in-memory filesystem (mem-fs.ts, no Node needed).
//
// Errors: a backend throws FsError with a WASI errno (constants.ts E.*), never anything else.

/** Metadata of a file, directory or symlink. Times are nanoseconds since the Unix epoch. */
export interface Stat {
  dev: bigint;
  ino: bigint;
  /** FILETYPE.* */
  filetype: number;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export interface DirEntry {
  name: string;
  /** FILETYPE.* of the entry itself (a symlink is SYMBOLIC_LINK). */
  filetype: number;
  ino: bigint;
}

/** Opaque handles. A backend may use any object; the WASI layer only passes them back. */
export type DirHandle = { readonly __dir: true } | object;
export type FileHandle = { readonly __file: true } | object;

export interface OpenFileFlags {
  read: boolean;
  write: boolean;
  /** O_CREAT */
  create: boolean;
  /** O_EXCL (with create) */
  exclusive: boolean;
  /** O_TRUNC */
  truncate: boolean;
  /** Writes always go to the end. */
  append: boolean;
}

/** A time argument of set-times: a value in ns, 'now', or undefined to leave it unchanged. */
export type TimeSpec = bigint | 'now' | undefined;

export class FsError extends Error {
  constructor(readonly errno: number, message?: string) {
    super(message ?? `errno ${errno}`);
    this.name = 'FsError';
  }
}

export interface Backend {
  /** The directory handle of the preopen's root. */
  root(): DirHandle;

  // ---- single-component operations in a directory (never follow a symlink named `name`) ----------------
  /** lstat of the entry `name` in `dir` (ENOENT when missing). */
  statAt(dir: DirHandle, name: string): Stat;
  /** The target of the symlink `name` (EINVAL when it is not a symlink). */
  readlinkAt(dir: DirHandle, name: string): string;
  /** Opens the subdirectory `name` (ENOTDIR when it is not a directory, ELOOP/ENOTDIR for a symlink). */
  openDirAt(dir: DirHandle, name: string): DirHandle;
  /** Opens (or creates) the regular file `name`; a symlink or directory there is an error (ELOOP / EISDIR). */
  openFileAt(dir: DirHandle, name: string, flags: OpenFileFlags): FileHandle;
  mkdirAt(dir: DirHandle, name: string): void;
  rmdirAt(dir: DirHandle, name: string): void;
  unlinkAt(dir: DirHandle, name: string): void;
  renameAt(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void;
  linkAt(fromDir: DirHandle, fromName: string, toDir: DirHandle, toName: string): void;
  /** Creates a symlink `name` whose content is `target` (stored verbatim; never interpreted here). */
  symlinkAt(target: string, dir: DirHandle, name: string): void;
  /** Sets times of the entry `name` itself (a symlink's own times when it is one). */
  setTimesAt(dir: DirHandle, name: string, atim: TimeSpec, mtim: TimeSpec): void;

  // ---- directory handles ------------------------------------------------------------------------------
  statDir(dir: DirHandle): Stat;
  /** All entries, `.` and `..` included, in a stable order. */
  readdir(dir: DirHandle): DirEntry[];
  setTimesDir(dir: DirHandle, atim: TimeSpec, mtim: TimeSpec): void;
  closeDir(dir: DirHandle): void;

  // ---- file handles (positions are explicit: the WASI layer keeps each descriptor's offset) ------------
  statFile(file: FileHandle): Stat;
  /** Reads up to buf.length bytes at `position`; returns the count (0 at end of file). */
  read(file: FileHandle, buf: Uint8Array, position: bigint): number;
  /** Writes buf at `position` (at the end for an append handle, whatever position says); returns the count. */
  write(file: FileHandle, buf: Uint8Array, position: bigint): number;
  truncate(file: FileHandle, size: bigint): void;
  /** Ensures the file is at least offset + len bytes long (posix_fallocate semantics). */
  allocate(file: FileHandle, offset: bigint, len: bigint): void;
  sync(file: FileHandle): void;
  datasync(file: FileHandle): void;
  setTimesFile(file: FileHandle, atim: TimeSpec, mtim: TimeSpec): void;
  /** Switches append mode on or off (fd_fdstat_set_flags). */
  setAppend(file: FileHandle, append: boolean): void;
  closeFile(file: FileHandle): void;
}
