// Path resolution for WASI: the sandbox. Every path a module passes is resolved here, one component at a
// time, through the backend's single-component operations (fs.ts). Rules:
//   - absolute paths are refused (ENOTCAPABLE);
//   - `..` pops one level; popping above the BASE directory (the descriptor the path is relative to, `at`)
//     is refused at once (ENOTCAPABLE), even when a later component would come back inside ("not even
//     transiently"). The base, not the preopen: that is the WASI sandbox rule ("path resolution is
//     constrained to the sub-filesystem referenced by the base handle", wasi-filesystem path-resolution.md),
//     and what wasmtime (cap-std, RESOLVE_BENEATH) and uvwasi do. A module that opened `sub` and closed the
//     preopen holds `sub` only; `..` from it must not hand the parent back;
//   - a symlink met in the middle of a path, or at its end when following, is read with readlinkAt and its
//     content spliced in place of the component: an absolute target is refused (ENOTCAPABLE), a relative
//     one is resolved from the symlink's directory under the same rules; more than 40 expansions: ELOOP;
//   - a component that is not a directory where one is needed: ENOTDIR; a missing one: ENOENT;
//   - a trailing slash: when following, the final entry, if it exists, must be a directory (ENOTDIR);
//     without following, the final entry is not looked at and the caller applies its operation's rule
//     (Linux differs per operation: unlink("f/") is ENOTDIR, symlink(t, "d/") EEXIST, mkdir("new/") fine).
//     Lookups (open, stat) should pass followFinal for a path ending in '/', as POSIX lookups follow then.
// Limits are Linux's, which wasmtime and node:wasi inherit from the host: a component of more than 255 UTF-8
// bytes and a path of 4096 bytes or more (PATH_MAX counts the terminating NUL) are ENAMETOOLONG, checked on
// the whole input and on every symlink content before any of it is walked; a NUL byte is EINVAL.
//
// Errno choices where wasmtime differs: wasmtime reports every escape (absolute path, `..` above the base,
// a symlink whose content is absolute or climbs out) as EPERM, because cap-std turns them into
// PermissionDenied and preview2's `not-permitted`; uvwasi (node:wasi) and the preview1 witx docs use
// ENOTCAPABLE, which is what this file returns. The other errnos (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG,
// EINVAL for NUL) match wasmtime on Linux.
//
// Backends never see a path with more than one component, `.`/`..`, or a symlink they were not asked about.
// The walk is an explicit loop over a stack of pending components: no recursion on guest input.

import { E, FILETYPE } from './constants.js';
import { FsError, type Backend, type DirHandle } from './fs.js';

/** Where a directory descriptor sits: its backend, the preopen's root handle, and the components from it. */
export interface DirLocation {
  readonly backend: Backend;
  readonly root: DirHandle;
  /** Components from the preopen root to this directory (empty for the preopen itself). */
  readonly path: readonly string[];
}

/** The result of resolving a path: the directory holding the final entry, and that entry's name. */
export interface Target {
  /** Open handle of the directory that holds the final entry (or the directory itself, see `name`). */
  readonly dir: DirHandle;
  /** Location of `dir`: components from the preopen root (so `[...dirPath, name]` locates the entry). */
  readonly dirPath: readonly string[];
  /** The final component, never '.', '..' or empty; null when the path names `dir` itself (e.g. '.'). */
  readonly name: string | null;
  /** The path ended in '/' (or, when a final symlink was followed, its content did). */
  readonly trailingSlash: boolean;
  /** Closes the handles opened while resolving (call once the operation is done; later calls do nothing). */
  close(): void;
}

/** Symlink expansions allowed in one resolution (Linux's MAXSYMLINKS); one more is ELOOP. */
export const MAX_SYMLINK_EXPANSIONS = 40;
/** Longest component in UTF-8 bytes (NAME_MAX). */
export const NAME_MAX = 255;
/** Size of a path buffer including its NUL (PATH_MAX): a path must be at most PATH_MAX - 1 bytes. */
export const PATH_MAX = 4096;

const fail = (errno: number, why: string): never => {
  throw new FsError(errno, why);
};

/** UTF-8 length of a JS string without encoding it (a lone surrogate counts 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Splits a path (the guest's or a symlink's content) into its components after the checks every path gets.
 * Empty components (from '//') are dropped; '.' and '..' are kept, since a final '.' means "this directory"
 * and a non-final component must be a directory even when '.' follows it ("file/." is ENOTDIR).
 */
function split(path: string): string[] {
  if (path.includes('\0')) fail(E.INVAL, 'path contains a NUL byte');
  if (utf8Length(path) >= PATH_MAX) fail(E.NAMETOOLONG, 'path too long');
  if (path === '') fail(E.NOENT, 'empty path');
  if (path.startsWith('/')) fail(E.NOTCAPABLE, 'absolute path');
  const parts = path.split('/').filter((c) => c !== '');
  for (const c of parts) if (c.length > NAME_MAX / 3 && utf8Length(c) > NAME_MAX) fail(E.NAMETOOLONG, 'component too long');
  return parts;
}

/** A valid single component of a stored location (defence in depth: locations come from resolved Targets). */
function checkStoredName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    fail(E.NOTCAPABLE, 'invalid component in a stored location');
  }
}

/** Opens the directory at a location again (walking from the root; no symlinks can be on a stored path). */
export function openLocation(at: DirLocation): DirHandle {
  const { backend, root } = at;
  let handle = root;
  try {
    for (const name of at.path) {
      checkStoredName(name);
      // openDirAt refuses a symlink, so a directory swapped for a symlink since the location was stored
      // (e.g. renamed away and replaced by a link pointing out) makes this fail instead of leading outside.
      const next = backend.openDirAt(handle, name);
      if (handle !== root) backend.closeDir(handle);
      handle = next;
    }
  } catch (e) {
    if (handle !== root) backend.closeDir(handle);
    throw e;
  }
  return handle;
}

/**
 * Resolves `path` relative to the directory at `at`. With `followFinal`, a symlink as the final component
 * is followed (and so on, up to the expansion limit); without it, the symlink itself is the target.
 * Throws FsError (ENOTCAPABLE, ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EINVAL for an embedded NUL).
 */
export function resolvePath(at: DirLocation, path: string, followFinal: boolean): Target {
  const todo = split(path).reverse(); // pending components, the next one last, so splicing a link is a push
  let trailingSlash = path.endsWith('/');
  const { backend, root } = at;
  // The directories walked into, from the base: handles[i] is the directory at names.slice(0, base + i).
  const names = at.path.slice();
  const base = names.length;
  const handles: DirHandle[] = [openLocation(at)];
  const closeAll = (): void => {
    while (handles.length > 0) {
      const h = handles.pop()!;
      if (h !== root) backend.closeDir(h);
    }
  };
  let expansions = 0;
  // Splices the content of the symlink `name` in the current directory into the pending components.
  const expand = (dir: DirHandle, name: string, final: boolean): void => {
    if (++expansions > MAX_SYMLINK_EXPANSIONS) fail(E.LOOP, 'too many levels of symbolic links');
    const content = backend.readlinkAt(dir, name);
    const parts = split(content); // '' is ENOENT (as Linux), '/...' is ENOTCAPABLE
    if (final && content.endsWith('/')) trailingSlash = true;
    for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]!);
  };
  try {
    while (todo.length > 0) {
      const c = todo.pop()!;
      const final = todo.length === 0;
      const dir = handles[handles.length - 1]!;
      if (c === '.') continue;
      if (c === '..') {
        // Refused at once, not after the walk: a path that steps out and back would reveal what is outside.
        if (names.length === base) fail(E.NOTCAPABLE, "'..' leads outside the base directory");
        const h = handles.pop()!;
        if (h !== root) backend.closeDir(h);
        names.pop();
        continue;
      }
      if (final) {
        if (!followFinal) return target(c);
        let type: number | undefined;
        try {
          type = backend.statAt(dir, c).filetype;
        } catch (e) {
          if (!(e instanceof FsError && e.errno === E.NOENT)) throw e;
        }
        if (type === FILETYPE.SYMBOLIC_LINK) {
          expand(dir, c, true);
          continue;
        }
        // A missing entry is still a target: the operation may create it (or report ENOENT itself).
        if (type !== undefined && trailingSlash && type !== FILETYPE.DIRECTORY) fail(E.NOTDIR, 'not a directory');
        return target(c);
      }
      // A component in the middle must be a directory (or a symlink to one). Try opening it first, the
      // common case in one backend call; only on failure find out whether a symlink was the reason.
      let next: DirHandle;
      try {
        next = backend.openDirAt(dir, c);
      } catch (e) {
        if (!(e instanceof FsError && (e.errno === E.NOTDIR || e.errno === E.LOOP))) throw e;
        if (backend.statAt(dir, c).filetype !== FILETYPE.SYMBOLIC_LINK) fail(E.NOTDIR, 'not a directory');
        expand(dir, c, false);
        continue;
      }
      handles.push(next);
      names.push(c);
    }
    // The path ended with '.' or '..' (or was only those): it names the current directory itself.
    return target(null);
  } catch (e) {
    closeAll();
    throw e;
  }

  function target(name: string | null): Target {
    return {
      dir: handles[handles.length - 1]!,
      dirPath: names.slice(),
      name,
      trailingSlash,
      close: closeAll,
    };
  }
}
