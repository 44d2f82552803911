// The path_* functions of wasi_snapshot_preview1. Every path goes through the sandbox resolver (path.ts):
// this file never joins or splits paths itself, except to check a new symlink's content (below). The
// resolver hands back the directory that holds the final entry and the entry's name, and each function does
// one single-component backend operation there.
//
// When the path names a directory itself ('.', 'a/..'), the resolver gives no final name; each function then
// answers as Linux does for that case (mkdir: EEXIST, rmdir: EINVAL, unlink: EISDIR, rename: EBUSY, ...).
//
// path_symlink refuses to create a link whose content would lead out of the preopen: such a link could never
// be followed from inside anyway, and refusing it keeps the host tree free of links out of the sandbox. An
// absolute target is EPERM, as both wasmtime and node:wasi answer; more `..` than the link's depth is
// ENOTCAPABLE, as node:wasi answers (wasmtime creates such a link and refuses to follow it later).

import { E, FDFLAGS, FILETYPE, LOOKUP, OFLAGS } from './constants.js';
import type { Stat } from './fs.js';
import { FsError } from './fs.js';
import type { Descriptor, DirDesc, FdTable } from './fd-table.js';
import { DIR_RIGHTS, FILE_RIGHTS, INHERITED_RIGHTS, need, rightsArg, RIGHT } from './fd-table.js';
import type { DirLocation, Target } from './path.js';
import { openLocation, resolvePath } from './path.js';
import { timesOf, writeFilestat } from './wasi-fd.js';
import type { GuestMemory } from './wasi-memory.js';
import { checkFlags, encode, errnoOf, u64 } from './wasi-memory.js';

const ALL_OFLAGS = OFLAGS.CREAT | OFLAGS.DIRECTORY | OFLAGS.EXCL | OFLAGS.TRUNC;
const ALL_FDFLAGS = FDFLAGS.APPEND | FDFLAGS.DSYNC | FDFLAGS.NONBLOCK | FDFLAGS.RSYNC | FDFLAGS.SYNC;
/** Rights that need the file open for reading / for writing (wasi-libc asks for these by access mode). */
const READ_RIGHTS = RIGHT.FD_READ | RIGHT.FD_READDIR;
const WRITE_RIGHTS = RIGHT.FD_WRITE | RIGHT.FD_DATASYNC | RIGHT.FD_ALLOCATE | RIGHT.FD_FILESTAT_SET_SIZE;

/** Throws ENOTCAPABLE when a symlink placed `depth` levels below the preopen, holding `target`, leads out. */
function checkSymlinkTarget(target: string, depth: number): void {
  if (target === '') throw new FsError(E.NOENT);
  if (target.includes('\0')) throw new FsError(E.INVAL);
  if (target.startsWith('/')) throw new FsError(E.PERM);
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (--depth < 0) throw new FsError(E.NOTCAPABLE);
    } else depth++;
  }
}

/**
 * Moving or hard-linking a symlink gives its (relative) text a new starting point: check it from there as
 * path_symlink checks a new link, so no operation can leave a link in the tree that leads out.
 */
function checkMovedSymlink(loc: DirLocation, from: Target, fromName: string, to: Target): void {
  if (loc.backend.statAt(from.dir, fromName).filetype !== FILETYPE.SYMBOLIC_LINK) return;
  checkSymlinkTarget(loc.backend.readlinkAt(from.dir, fromName), to.dirPath.length);
}

/** statAt, or null when the entry does not exist. */
function statOrNull(t: Target, loc: DirLocation, name: string): Stat | null {
  try {
    return loc.backend.statAt(t.dir, name);
  } catch (e) {
    if (e instanceof FsError && e.errno === E.NOENT) return null;
    throw e;
  }
}

export function pathImports(mem: GuestMemory, fds: FdTable) {
  /** The directory descriptor a path is relative to: EBADF for anything else (as wasmtime), then rights. */
  function dirOf(fd: number, right: number): DirDesc {
    const d = fds.get(fd >>> 0);
    if (d.kind !== 'dir') throw new FsError(E.BADF);
    need(d, right);
    return d;
  }

  /**
   * Reads the path argument and resolves it in the sandbox; the caller closes the target. `lookup`
   * operations (open, stat, set times, link's source) follow a final symlink when the path ends in '/', as
   * POSIX lookups do; the others leave a trailing slash to their own rule.
   */
  function resolve(d: DirDesc, ptr: number, len: number, follow: boolean, lookup = false): Target {
    const path = mem.string(ptr >>> 0, len >>> 0);
    if (path === '') throw new FsError(E.NOENT);
    return resolvePath(d.loc, path, follow || (lookup && path.endsWith('/')));
  }

  /** Runs `f` on the resolved target and closes it whatever happens. */
  function withTarget<T>(t: Target, f: (t: Target) => T): T {
    try {
      return f(t);
    } finally {
      t.close();
    }
  }

  /** Two directories an operation spans must be on one backend (one preopen's filesystem). */
  function sameBackend(a: DirDesc, b: DirDesc): void {
    if (a.loc.backend !== b.loc.backend) throw new FsError(E.XDEV);
  }

  function dirDesc(loc: DirLocation, handle: object, owns: boolean, base: number, inh: number, fdflags: number): DirDesc {
    return {
      kind: 'dir', loc, handle, ownsHandle: owns, preopen: null, listing: null,
      rightsBase: base & DIR_RIGHTS, rightsInheriting: inh & INHERITED_RIGHTS, fdflags,
    };
  }

  /** path_open's work once the path is resolved: the new descriptor (not yet in the table). */
  function openTarget(
    d: DirDesc, t: Target, oflags: number, fdflags: number, base: number, inh: number,
  ): Descriptor {
    const loc = d.loc;
    const backend = loc.backend;
    const read = (base & READ_RIGHTS) !== 0;
    const write = (base & WRITE_RIGHTS) !== 0;
    const creat = (oflags & OFLAGS.CREAT) !== 0;
    const excl = (oflags & OFLAGS.EXCL) !== 0;
    const trunc = (oflags & OFLAGS.TRUNC) !== 0;

    if (t.name === null) {
      // The path names a directory itself.
      if (creat && excl) throw new FsError(E.EXIST);
      if (write || trunc) throw new FsError(E.ISDIR);
      const at: DirLocation = { backend, root: loc.root, path: t.dirPath };
      const owns = t.dirPath.length > 0;
      return dirDesc(at, owns ? openLocation(at) : loc.root, owns, base, inh, fdflags);
    }

    const name = t.name;
    const st = statOrNull(t, loc, name);
    if (st === null) {
      if (!creat) throw new FsError(E.NOENT);
      if (t.trailingSlash) throw new FsError(E.ISDIR);
    } else {
      if (creat && excl) throw new FsError(E.EXIST);
      // Only met without SYMLINK_FOLLOW: opening the link itself is O_NOFOLLOW's ELOOP (ENOTDIR when a
      // directory was asked for, as Linux answers).
      if (st.filetype === FILETYPE.SYMBOLIC_LINK) {
        throw new FsError((oflags & OFLAGS.DIRECTORY) !== 0 || t.trailingSlash ? E.NOTDIR : E.LOOP);
      }
      if (st.filetype === FILETYPE.DIRECTORY) {
        if (write || trunc) throw new FsError(E.ISDIR);
        const at: DirLocation = { backend, root: loc.root, path: [...t.dirPath, name] };
        return dirDesc(at, backend.openDirAt(t.dir, name), true, base, inh, fdflags);
      }
      if ((oflags & OFLAGS.DIRECTORY) !== 0 || t.trailingSlash) throw new FsError(E.NOTDIR);
    }
    const append = (fdflags & FDFLAGS.APPEND) !== 0;
    const handle = backend.openFileAt(t.dir, name, { read, write, create: creat, exclusive: excl, truncate: trunc, append });
    return {
      kind: 'file', backend, handle, filetype: st?.filetype ?? FILETYPE.REGULAR_FILE, position: 0n,
      rightsBase: base & FILE_RIGHTS, rightsInheriting: inh & FILE_RIGHTS, fdflags,
    };
  }

  return {
    path_open(
      fd: number, dirflags: number, path: number, pathLen: number, oflags: number,
      rightsBase: bigint, rightsInheriting: bigint, fdflags: number, opened: number,
    ): number {
      try {
        mem.refresh();
        checkFlags(dirflags, LOOKUP.SYMLINK_FOLLOW);
        checkFlags(oflags, ALL_OFLAGS);
        checkFlags(fdflags, ALL_FDFLAGS);
        const base = rightsArg(u64(rightsBase));
        const inh = rightsArg(u64(rightsInheriting));
        const d = fds.get(fd >>> 0);
        // As wasmtime: a file where a directory belongs is ENOTDIR here, EBADF in the other path_* calls.
        if (d.kind === 'file') throw new FsError(E.NOTDIR);
        if (d.kind !== 'dir') throw new FsError(E.BADF);
        let needed = RIGHT.PATH_OPEN;
        if ((oflags & OFLAGS.CREAT) !== 0) needed |= RIGHT.PATH_CREATE_FILE;
        if ((oflags & OFLAGS.TRUNC) !== 0) needed |= RIGHT.PATH_FILESTAT_SET_SIZE;
        need(d, needed);
        // O_DIRECTORY cannot create, and has nothing to truncate or be exclusive about.
        if ((oflags & OFLAGS.DIRECTORY) !== 0 && (oflags & (OFLAGS.CREAT | OFLAGS.EXCL | OFLAGS.TRUNC)) !== 0) {
          throw new FsError(E.INVAL);
        }
        opened >>>= 0;
        mem.check(opened, 4);
        // The new descriptor gets what it asked for, as far as the directory may pass rights on.
        // O_CREAT | O_EXCL never follows a final symlink (POSIX): an existing link there is EEXIST.
        const exclusive = (oflags & (OFLAGS.CREAT | OFLAGS.EXCL)) === (OFLAGS.CREAT | OFLAGS.EXCL);
        const follow = (dirflags & LOOKUP.SYMLINK_FOLLOW) !== 0 && !exclusive;
        const t = resolve(d, path, pathLen, follow, !exclusive);
        const desc = withTarget(t, (t) =>
          openTarget(d, t, oflags, fdflags, base & d.rightsInheriting, inh & d.rightsInheriting));
        mem.refresh();
        mem.dv.setUint32(opened, fds.add(desc), true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_create_directory(fd: number, path: number, pathLen: number): number {
      try {
        mem.refresh();
        const d = dirOf(fd, RIGHT.PATH_CREATE_DIRECTORY);
        withTarget(resolve(d, path, pathLen, false), (t) => {
          if (t.name === null) throw new FsError(E.EXIST);
          d.loc.backend.mkdirAt(t.dir, t.name);
        });
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_filestat_get(fd: number, flags: number, path: number, pathLen: number, buf: number): number {
      try {
        mem.refresh();
        checkFlags(flags, LOOKUP.SYMLINK_FOLLOW);
        const d = dirOf(fd, RIGHT.PATH_FILESTAT_GET);
        buf >>>= 0;
        mem.check(buf, 64);
        const st = withTarget(resolve(d, path, pathLen, (flags & LOOKUP.SYMLINK_FOLLOW) !== 0, true), (t) => {
          const s = t.name === null ? d.loc.backend.statDir(t.dir) : d.loc.backend.statAt(t.dir, t.name);
          if (t.trailingSlash && s.filetype !== FILETYPE.DIRECTORY) throw new FsError(E.NOTDIR);
          return s;
        });
        writeFilestat(mem, buf, st);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_filestat_set_times(
      fd: number, flags: number, path: number, pathLen: number, atim: bigint, mtim: bigint, fstFlags: number,
    ): number {
      try {
        mem.refresh();
        checkFlags(flags, LOOKUP.SYMLINK_FOLLOW);
        const [a, m] = timesOf(atim, mtim, fstFlags);
        const d = dirOf(fd, RIGHT.PATH_FILESTAT_SET_TIMES);
        withTarget(resolve(d, path, pathLen, (flags & LOOKUP.SYMLINK_FOLLOW) !== 0, true), (t) => {
          if (t.name === null) d.loc.backend.setTimesDir(t.dir, a, m);
          else d.loc.backend.setTimesAt(t.dir, t.name, a, m);
        });
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_link(
      oldFd: number, oldFlags: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number,
    ): number {
      try {
        mem.refresh();
        checkFlags(oldFlags, LOOKUP.SYMLINK_FOLLOW);
        const src = dirOf(oldFd, RIGHT.PATH_LINK_SOURCE);
        const dst = dirOf(newFd, RIGHT.PATH_LINK_TARGET);
        sameBackend(src, dst);
        withTarget(resolve(src, oldPath, oldLen, (oldFlags & LOOKUP.SYMLINK_FOLLOW) !== 0, true), (from) =>
          withTarget(resolve(dst, newPath, newLen, false), (to) => {
            if (from.name === null) throw new FsError(E.PERM); // a directory cannot be hard-linked
            if (to.name === null) throw new FsError(E.EXIST);
            checkMovedSymlink(src.loc, from, from.name, to);
            src.loc.backend.linkAt(from.dir, from.name, to.dir, to.name);
          }));
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_readlink(fd: number, path: number, pathLen: number, buf: number, bufLen: number, bufused: number): number {
      try {
        mem.refresh();
        const d = dirOf(fd, RIGHT.PATH_READLINK);
        buf >>>= 0;
        bufLen >>>= 0;
        bufused >>>= 0;
        mem.check(buf, bufLen);
        mem.check(bufused, 4);
        const target = withTarget(resolve(d, path, pathLen, false), (t) => {
          if (t.name === null) throw new FsError(E.INVAL); // a directory is not a symlink
          return d.loc.backend.readlinkAt(t.dir, t.name);
        });
        // As wasmtime and POSIX readlink: the content is cut to the buffer, without a NUL.
        const bytes = encode(target);
        const n = Math.min(bytes.length, bufLen);
        mem.u8.set(n === bytes.length ? bytes : bytes.subarray(0, n), buf);
        mem.dv.setUint32(bufused, n, true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_remove_directory(fd: number, path: number, pathLen: number): number {
      try {
        mem.refresh();
        const d = dirOf(fd, RIGHT.PATH_REMOVE_DIRECTORY);
        withTarget(resolve(d, path, pathLen, false), (t) => {
          if (t.name === null) throw new FsError(E.INVAL);
          d.loc.backend.rmdirAt(t.dir, t.name);
        });
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_rename(fd: number, oldPath: number, oldLen: number, newFd: number, newPath: number, newLen: number): number {
      try {
        mem.refresh();
        const src = dirOf(fd, RIGHT.PATH_RENAME_SOURCE);
        const dst = dirOf(newFd, RIGHT.PATH_RENAME_TARGET);
        sameBackend(src, dst);
        withTarget(resolve(src, oldPath, oldLen, false), (from) =>
          withTarget(resolve(dst, newPath, newLen, false), (to) => {
            if (from.name === null || to.name === null) throw new FsError(E.BUSY);
            checkMovedSymlink(src.loc, from, from.name, to);
            src.loc.backend.renameAt(from.dir, from.name, to.dir, to.name);
          }));
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_symlink(oldPath: number, oldLen: number, fd: number, newPath: number, newLen: number): number {
      try {
        mem.refresh();
        const d = dirOf(fd, RIGHT.PATH_SYMLINK);
        const target = mem.string(oldPath >>> 0, oldLen >>> 0);
        withTarget(resolve(d, newPath, newLen, false), (t) => {
          if (t.name === null) throw new FsError(E.EXIST);
          checkSymlinkTarget(target, t.dirPath.length);
          d.loc.backend.symlinkAt(target, t.dir, t.name);
        });
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },

    path_unlink_file(fd: number, path: number, pathLen: number): number {
      try {
        mem.refresh();
        const d = dirOf(fd, RIGHT.PATH_UNLINK_FILE);
        withTarget(resolve(d, path, pathLen, false), (t) => {
          if (t.name === null) throw new FsError(E.ISDIR);
          if (t.trailingSlash) {
            // "name/" only names a directory: unlinking one is EISDIR, anything else is ENOTDIR.
            const st = d.loc.backend.statAt(t.dir, t.name);
            throw new FsError(st.filetype === FILETYPE.DIRECTORY ? E.ISDIR : E.NOTDIR);
          }
          d.loc.backend.unlinkAt(t.dir, t.name);
        });
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },
  };
}
