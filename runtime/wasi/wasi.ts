// The WASI class: wasi_snapshot_preview1 for any WebAssembly instance, wajit's or the engine's own, with the
// API of node:wasi.
//
//   const wasi = new WASI({ version: 'preview1', args, env, preopens: { '/sandbox': hostDir } });
//   const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
//   const exitCode = wasi.start(instance);
//
// Options beyond node:wasi's: `fs: { '/guest': backend }` mounts any filesystem Backend (an in-memory one,
// for instance) as a preopen; stdout/stderr may be functions receiving each write's bytes, stdin a function
// returning up to `max` bytes (null or empty at the end). Preopens get descriptors from 3, `preopens` first,
// then `fs`, each in its object's order.
//
// Misuse errors are node:wasi's (Node 24): same classes, same `code`s, same order of checks. The imports only
// ever read `instance.exports.memory.buffer`, so any memory whose buffer behaves like the JS API's works.
// The imports themselves are in wasi-fd.ts, wasi-path.ts, poll.ts and wasi-env.ts.

import { memoryInstance } from '../js-api/memory.js';
import type { Backend } from './fs.js';
import { FdTable, DIR_RIGHTS, INHERITED_RIGHTS, STDIN_RIGHTS, STDOUT_RIGHTS } from './fd-table.js';
import { HostBackend } from './host-fs.js';
import { pollImports } from './poll.js';
import { makeInput, makeOutput } from './stdio.js';
import type { InputSpec, OutputSpec } from './stdio.js';
import { envImports, StringList } from './wasi-env.js';
import { fdImports } from './wasi-fd.js';
import { GuestMemory, WASIExit, encode } from './wasi-memory.js';
import type { MemoryLike } from './wasi-memory.js';
import { pathImports } from './wasi-path.js';

export interface WASIOptions {
  /** Only 'preview1' (wasi_snapshot_preview1). */
  version: 'preview1';
  /** argv, argv[0] included. */
  args?: readonly unknown[];
  /** The environment; entries whose value is undefined are left out. */
  env?: Readonly<Record<string, unknown>>;
  /** Guest path → host directory. */
  preopens?: Readonly<Record<string, string>>;
  /** Guest path → filesystem backend (e.g. a MemoryBackend). */
  fs?: Readonly<Record<string, Backend>>;
  /** Host fd (default 0) or a function returning up to `max` bytes, null or empty at the end of input. */
  stdin?: InputSpec;
  /** Host fd (default 1) or a function receiving the bytes of each write. */
  stdout?: OutputSpec;
  /** Host fd (default 2) or a function receiving the bytes of each write. */
  stderr?: OutputSpec;
  /** true (default): start() returns proc_exit's code; false: proc_exit ends the host process. */
  returnOnExit?: boolean;
}

export type WASIImports = ReturnType<typeof fdImports> & ReturnType<typeof pathImports> &
  ReturnType<typeof pollImports> & ReturnType<typeof envImports>;

// ---- node:wasi's errors -----------------------------------------------------------------------------------

type CodedError = Error & { code: string };

function coded<T extends Error>(e: T, code: string): T & { code: string } {
  return Object.assign(e, { code });
}

/** How node's validators describe a received value. */
function received(v: unknown): string {
  if (v === undefined || v === null) return `Received ${v}`;
  if (typeof v === 'function') return `Received function ${(v as { name?: string }).name ?? ''}`;
  if (typeof v === 'object') {
    const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
    return ctor ? `Received an instance of ${ctor}` : 'Received [Object: null prototype]';
  }
  let shown = typeof v === 'string' ? `'${v}'` : typeof v === 'bigint' ? `${v}n` : String(v);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `Received type ${typeof v} (${shown})`;
}

function what(name: string): string {
  return `The "${name}" ${name.includes('.') ? 'property' : 'argument'}`;
}

function invalidType(name: string, expected: string, v: unknown): CodedError {
  return coded(new TypeError(`${what(name)} must be ${expected}. ${received(v)}`), 'ERR_INVALID_ARG_TYPE');
}

function validateObject(v: unknown, name: string): asserts v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidType(name, 'of type object', v);
}

function validateStream(v: unknown, name: string, fallback: number): number | ((...a: never[]) => unknown) {
  if (v === undefined) return fallback;
  if (typeof v === 'function') return v as (...a: never[]) => unknown;
  if (typeof v !== 'number') throw invalidType(name, 'of type number', v);
  if (!Number.isInteger(v)) {
    throw coded(new RangeError(`The value of "${name}" is out of range. It must be an integer. Received ${v}`),
      'ERR_OUT_OF_RANGE');
  }
  if (v < 0 || v > 0x7fffffff) {
    throw coded(new RangeError(`The value of "${name}" is out of range. It must be >= 0 && <= 2147483647. ` +
      `Received ${v}`), 'ERR_OUT_OF_RANGE');
  }
  return v;
}

function isMemory(v: unknown): v is MemoryLike {
  const Native = (globalThis as { WebAssembly?: { Memory?: abstract new (...a: never[]) => object } })
    .WebAssembly?.Memory;
  return (Native !== undefined && v instanceof Native) || memoryInstance(v) !== undefined;
}

// ---- the class ----------------------------------------------------------------------------------------------

export class WASI {
  /** The import functions, for `{ wasi_snapshot_preview1: wasi.wasiImport }`. */
  readonly wasiImport: WASIImports;
  readonly #mem = new GuestMemory();
  readonly #fds = new FdTable();
  readonly #returnOnExit: boolean;
  #started = false;

  constructor(options: WASIOptions) {
    validateObject(options, 'options');
    const version: unknown = options.version;
    if (typeof version !== 'string') throw invalidType('options.version', 'of type string', version);
    if (version !== 'preview1') {
      throw coded(new TypeError(`The property 'options.version' unsupported WASI version. Received '${version}'`),
        'ERR_INVALID_ARG_VALUE');
    }
    const args: unknown = options.args ?? [];
    if (!Array.isArray(args)) throw invalidType('options.args', 'an instance of Array', args);
    const env: string[] = [];
    if (options.env !== undefined) {
      validateObject(options.env, 'options.env');
      for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env.push(`${k}=${String(v)}`);
    }
    // Guest name → host directory or backend; host directories are opened once every option is checked.
    const mounts: [string, string | Backend][] = [];
    if (options.preopens !== undefined) {
      validateObject(options.preopens, 'options.preopens');
      for (const [guest, host] of Object.entries(options.preopens)) mounts.push([guest, String(host)]);
    }
    if (options.fs !== undefined) {
      validateObject(options.fs, 'options.fs');
      for (const [guest, backend] of Object.entries(options.fs)) {
        validateObject(backend, `options.fs['${guest}']`);
        mounts.push([guest, backend as unknown as Backend]);
      }
    }
    const stdin = validateStream(options.stdin, 'options.stdin', 0);
    const stdout = validateStream(options.stdout, 'options.stdout', 1);
    const stderr = validateStream(options.stderr, 'options.stderr', 2);
    const returnOnExit: unknown = options.returnOnExit ?? true;
    if (typeof returnOnExit !== 'boolean') throw invalidType('options.returnOnExit', 'of type boolean', returnOnExit);
    this.#returnOnExit = returnOnExit;

    const fds = this.#fds;
    const io = { rightsInheriting: 0, fdflags: 0 };
    fds.add({ kind: 'stdin', stream: makeInput(stdin as InputSpec), rightsBase: STDIN_RIGHTS, ...io });
    fds.add({ kind: 'stdout', stream: makeOutput(stdout as OutputSpec, false), rightsBase: STDOUT_RIGHTS, ...io });
    fds.add({ kind: 'stderr', stream: makeOutput(stderr as OutputSpec, true), rightsBase: STDOUT_RIGHTS, ...io });
    for (const [guest, mount] of mounts) {
      const backend = typeof mount === 'string' ? new HostBackend(mount) : mount;
      const root = backend.root();
      fds.add({
        kind: 'dir', loc: { backend, root, path: [] }, handle: root, ownsHandle: false, preopen: encode(guest),
        listing: null, rightsBase: DIR_RIGHTS, rightsInheriting: INHERITED_RIGHTS, fdflags: 0,
      });
    }

    const mem = this.#mem;
    this.wasiImport = {
      ...envImports(mem, fds, new StringList(args.map(String)), new StringList(env), (code) => this.#exit(code)),
      ...fdImports(mem, fds),
      ...pathImports(mem, fds),
      ...pollImports(mem, fds),
    };
  }

  /** The import object for instantiation: `{ wasi_snapshot_preview1: wasiImport }`. */
  getImportObject(): { wasi_snapshot_preview1: WASIImports } {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  /**
   * Binds the instance's memory (or `memory`, for a module that imports its memory) without calling anything,
   * as node:wasi's finalizeBindings. start() and initialize() do this first; it can happen only once.
   */
  finalizeBindings(instance: unknown, { memory = exportsOf(instance)?.['memory'] }: { memory?: unknown } = {}): void {
    if (this.#started) throw coded(new Error('WASI instance has already started'), 'ERR_WASI_ALREADY_STARTED');
    validateObject(instance, 'instance');
    validateObject(instance['exports'], 'instance.exports');
    if (!isMemory(memory)) {
      throw coded(new TypeError('"instance.exports.memory" property must be a WebAssembly.Memory object'),
        'ERR_INVALID_ARG_TYPE');
    }
    this.#mem.memory = memory;
    this.#started = true;
  }

  /** Runs a command: calls `_start` and returns the exit code (0 when `_start` returns). */
  start(instance: unknown): number {
    this.finalizeBindings(instance);
    const { _start, _initialize } = exportsOf(instance)!;
    if (typeof _start !== 'function') throw invalidType('instance.exports._start', 'of type function', _start);
    if (_initialize !== undefined) throw invalidType('instance.exports._initialize', 'undefined', _initialize);
    try {
      (_start as () => unknown)();
    } catch (e) {
      if (e instanceof WASIExit) return e.code;
      throw e;
    }
    return 0;
  }

  /** Prepares a reactor: calls `_initialize` when it exists. As node:wasi, proc_exit inside it is not caught. */
  initialize(instance: unknown): void {
    this.finalizeBindings(instance);
    const { _start, _initialize } = exportsOf(instance)!;
    if (_start !== undefined) throw invalidType('instance.exports._start', 'undefined', _start);
    if (_initialize !== undefined) {
      if (typeof _initialize !== 'function') {
        throw invalidType('instance.exports._initialize', 'of type function', _initialize);
      }
      (_initialize as () => unknown)();
    }
  }

  /** proc_exit: unwind to start() (returnOnExit), or end the host process as node:wasi does. */
  #exit(code: number): never {
    const proc = (globalThis as { process?: { exit?: (code: number) => never } }).process;
    if (!this.#returnOnExit && typeof proc?.exit === 'function') proc.exit(code);
    throw new WASIExit(code);
  }
}

function exportsOf(instance: unknown): Record<string, unknown> | undefined {
  return (instance as { exports?: Record<string, unknown> } | null | undefined)?.exports;
}
