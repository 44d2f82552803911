// The public surface of wajit's WASI runtime (wasi_snapshot_preview1): the WASI class, the filesystem
// backends a preopen can be served by, and the types and constants needed to write another backend.

export { WASI } from './wasi.js';
export type { WASIOptions, WASIImports } from './wasi.js';
export { WASIExit } from './wasi-memory.js';
export type { InputSpec, OutputSpec } from './stdio.js';
export { FsError } from './fs.js';
export type { Backend, DirEntry, DirHandle, FileHandle, OpenFileFlags, Stat, TimeSpec } from './fs.js';
export { HostBackend } from './host-fs.js';
export { MemoryBackend } from './mem-fs.js';
export * as wasiConstants from './constants.js';
