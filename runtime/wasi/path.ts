// Path resolution for WASI: the sandbox. Every path a module passes is resolved here, one component at a
// time, through the backend's single-component operations (fs.ts). Rules:
//   - absolute paths are refused (ENOTCAPABLE);
//   - `..` pops one level; popping above the preopen's root is refused at once (ENOTCAPABLE), even when a
//     later component would come back inside ("not even transiently");
//   - a symlink met in the middle of a path, or at its end when following, is read with readlinkAt and its
//     content spliced in place of the component: an absolute target is refused (ENOTCAPABLE), a relative
//     one is resolved from the symlink's directory under the same rules; more than 40 expansions: ELOOP;
//   - a component that is not a directory where one is needed: ENOTDIR; a missing one: ENOENT;
//   - a trailing slash requires the final entry to be a directory.
// Backends never see a path with more than one component, `.`/`..`, or a symlink they were not asked about.

import type { Backend, DirHandle } from './fs.js';

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
  /** Location of `dir`. */
  readonly dirPath: readonly string[];
  /** The final component, never '.', '..' or empty; null when the path names `dir` itself (e.g. '.'). */
  readonly name: string | null;
  /** The path ended in '/'. */
  readonly trailingSlash: boolean;
  /** Closes the handles opened while resolving (call once the operation is done). */
  close(): void;
}

/**
 * Resolves `path` relative to the directory at `at`. With `followFinal`, a symlink as the final component
 * is followed (and so on, up to the expansion limit); without it, the symlink itself is the target.
 * Throws FsError (ENOTCAPABLE, ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EINVAL for an embedded NUL).
 */
export declare function resolvePath(at: DirLocation, path: string, followFinal: boolean): Target;

/** Opens the directory at a location again (walking from the root; no symlinks can be on a stored path). */
export declare function openLocation(at: DirLocation): DirHandle;
