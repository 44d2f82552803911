// The descriptor table of one WASI instance: what each guest fd number stands for (a stdio stream, a
// directory, an open file), its rights, its fdflags and, for files, the offset it reads and writes at.
//
// Numbers: 0, 1, 2 are stdin, stdout, stderr; the preopens follow from 3 in the order they were given; a new
// descriptor takes the lowest free number (as POSIX does). fd_renumber moves an entry onto another number,
// closing what was there. A closed number is simply absent: every lookup of it is EBADF.
//
// Rights follow the preview1 model: a descriptor's base rights gate the operations on it, its inheriting
// rights cap the base rights of descriptors opened through it; both can only shrink.

import { ALL_RIGHTS, E, FILETYPE, RIGHTS } from './constants.js';
import type { Backend, DirEntry, DirHandle, FileHandle } from './fs.js';
import { FsError } from './fs.js';
import type { DirLocation } from './path.js';
import type { InputStream, OutputStream } from './stdio.js';

/**
 * The rights as numbers: every preview1 right fits in the low 30 bits, so descriptors keep their rights as
 * small integers and the hot path checks them without BigInt arithmetic (which allocates). They become
 * bigint only at the ABI (fdstat, fd_fdstat_set_rights, path_open).
 */
export const RIGHT = Object.fromEntries(Object.entries(RIGHTS).map(([k, v]) => [k, Number(v)])) as {
  readonly [K in keyof typeof RIGHTS]: number;
};
const R = RIGHT;

/** Every right that means something on a regular file. */
export const FILE_RIGHTS =
  R.FD_DATASYNC | R.FD_READ | R.FD_SEEK | R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_TELL | R.FD_WRITE |
  R.FD_ADVISE | R.FD_ALLOCATE | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_SIZE | R.FD_FILESTAT_SET_TIMES |
  R.POLL_FD_READWRITE;

/** Every right that means something on a directory. */
export const DIR_RIGHTS =
  R.PATH_CREATE_DIRECTORY | R.PATH_CREATE_FILE | R.PATH_LINK_SOURCE | R.PATH_LINK_TARGET | R.PATH_OPEN |
  R.FD_READDIR | R.PATH_READLINK | R.PATH_RENAME_SOURCE | R.PATH_RENAME_TARGET | R.PATH_FILESTAT_GET |
  R.PATH_FILESTAT_SET_SIZE | R.PATH_FILESTAT_SET_TIMES | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_TIMES |
  R.PATH_SYMLINK | R.PATH_REMOVE_DIRECTORY | R.PATH_UNLINK_FILE;

/** Rights a file or directory opened beneath a preopen may have. */
export const INHERITED_RIGHTS = DIR_RIGHTS | FILE_RIGHTS;

export const STDIN_RIGHTS = R.FD_READ | R.FD_FILESTAT_GET | R.POLL_FD_READWRITE;
export const STDOUT_RIGHTS = R.FD_WRITE | R.FD_FILESTAT_GET | R.POLL_FD_READWRITE;

/** A directory's entries as fd_readdir serves them: names pre-encoded, cookie = index. */
export interface Listing {
  readonly entries: readonly DirEntry[];
  readonly names: readonly Uint8Array[];
}

interface Common {
  /** Base rights (RIGHT bits). */
  rightsBase: number;
  /** Inheriting rights (RIGHT bits). */
  rightsInheriting: number;
  /** FDFLAGS bits as fdstat reports them. */
  fdflags: number;
}

export interface StdinDesc extends Common {
  readonly kind: 'stdin';
  readonly stream: InputStream;
}

export interface StdoutDesc extends Common {
  /** 'stdout' for fd 1 and 'stderr' for fd 2 at the start; a renumbered stream keeps its kind. */
  readonly kind: 'stdout' | 'stderr';
  readonly stream: OutputStream;
}

export interface DirDesc extends Common {
  readonly kind: 'dir';
  /** Where the directory is: every path operation resolves from here. */
  readonly loc: DirLocation;
  /** An open handle for readdir, stat and set-times on the directory itself. */
  readonly handle: DirHandle;
  /** Whether `handle` is ours to close (a preopen's root handle is shared by everything beneath it). */
  readonly ownsHandle: boolean;
  /** The guest name of a preopen (fd_prestat_*), null for directories opened with path_open. */
  readonly preopen: Uint8Array | null;
  /** The listing read at cookie 0, so that later cookies index the same list. */
  listing: Listing | null;
}

export interface FileDesc extends Common {
  readonly kind: 'file';
  readonly backend: Backend;
  readonly handle: FileHandle;
  /** FILETYPE.* of the open file. */
  readonly filetype: number;
  /** The offset fd_read / fd_write / fd_seek use. */
  position: bigint;
}

export type Descriptor = StdinDesc | StdoutDesc | DirDesc | FileDesc;

/** The guest's descriptor numbers. */
export class FdTable {
  readonly #slots: (Descriptor | undefined)[] = [];

  /** The descriptor at `fd` (a u32), or throws EBADF. */
  get(fd: number): Descriptor {
    const d = this.#slots[fd];
    if (d === undefined) throw new FsError(E.BADF);
    return d;
  }

  /** The descriptor at `fd`, or undefined. */
  peek(fd: number): Descriptor | undefined {
    return this.#slots[fd];
  }

  /** Puts `d` at the lowest free number and returns that number. */
  add(d: Descriptor): number {
    const slots = this.#slots;
    let fd = 0;
    while (fd < slots.length && slots[fd] !== undefined) fd++;
    slots[fd] = d;
    return fd;
  }

  /** Removes and returns the descriptor at `fd` (EBADF when there is none); the caller releases it. */
  remove(fd: number): Descriptor {
    const d = this.get(fd);
    this.#slots[fd] = undefined;
    while (this.#slots.length > 0 && this.#slots[this.#slots.length - 1] === undefined) this.#slots.pop();
    return d;
  }

  /** fd_renumber: `to` becomes what `from` was, whatever `to` held is returned for release; `from` is free. */
  renumber(from: number, to: number): Descriptor | undefined {
    this.get(to);
    const d = this.get(from);
    if (from === to) return undefined;
    const old = this.#slots[to];
    this.#slots[to] = d;
    this.remove(from);
    return old;
  }

  /** Every open descriptor (for closing them all). */
  *entries(): IterableIterator<[number, Descriptor]> {
    for (let fd = 0; fd < this.#slots.length; fd++) {
      const d = this.#slots[fd];
      if (d !== undefined) yield [fd, d];
    }
  }
}

/** Closes the backend handle behind a descriptor that left the table; backend errors are not the guest's. */
export function release(d: Descriptor): void {
  try {
    if (d.kind === 'file') d.backend.closeFile(d.handle);
    else if (d.kind === 'dir' && d.ownsHandle) d.loc.backend.closeDir(d.handle);
  } catch {
    // Closing cannot be undone or retried; the descriptor is gone either way.
  }
}

/** A rights argument as RIGHT bits: EINVAL for bits outside the defined rights (wasmtime rejects them). */
export function rightsArg(r: bigint): number {
  if ((r & ~ALL_RIGHTS) !== 0n) throw new FsError(E.INVAL);
  return Number(r);
}

/** Throws ENOTCAPABLE unless `d` holds every right in `needed`. */
export function need(d: Descriptor, needed: number): void {
  if ((d.rightsBase & needed) !== needed) throw new FsError(E.NOTCAPABLE);
}

/** The filetype fdstat and filestat report for a descriptor. */
export function filetypeOf(d: Descriptor): number {
  switch (d.kind) {
    case 'dir': return FILETYPE.DIRECTORY;
    case 'file': return d.filetype;
    // As wasmtime: a terminal is a character device, anything else behind stdio is of unknown type.
    default: return d.stream.isatty ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN;
  }
}
