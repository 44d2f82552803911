// Every function of wasi_snapshot_preview1, its results and its error paths, called from WebAssembly.
//
// One WAT module imports all 46 functions and re-exports each as `call.<name>` with the same signature, so a
// test calls the import exactly as a guest would (i32 as numbers, i64 as BigInt through the engine's
// boundary) and inspects guest memory afterwards. Everything runs under wajit and under Node's native
// WebAssembly; the filesystem tests run on an in-memory backend and on a host temporary directory, which
// must answer alike.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Native, Wajit, watToWasm, type Api } from '../diff/harness.js';
import { WASI, WASIExit, type WASIOptions } from '../../runtime/wasi/index.js';
import { MemoryBackend, symlink } from '../../runtime/wasi/mem-fs.js';
import { ADVICE, E, EVENTTYPE, FDFLAGS, FILETYPE, FSTFLAGS, LOOKUP, OFLAGS, RIGHTS, WHENCE } from '../../runtime/wasi/constants.js';
import { FILE_RIGHTS as FILE_RIGHT_BITS } from '../../runtime/wasi/fd-table.js';

/** Every right of a regular file, as the i64 path_open takes. */
const FILE_RIGHTS = BigInt(FILE_RIGHT_BITS);

// ---- the caller module -----------------------------------------------------------------------------------

/** Parameter types of each import (all return an errno i32, except proc_exit). */
const SIGNATURES: Record<string, string> = {
  args_get: 'i32 i32', args_sizes_get: 'i32 i32', environ_get: 'i32 i32', environ_sizes_get: 'i32 i32',
  clock_res_get: 'i32 i32', clock_time_get: 'i32 i64 i32',
  fd_advise: 'i32 i64 i64 i32', fd_allocate: 'i32 i64 i64', fd_close: 'i32', fd_datasync: 'i32',
  fd_fdstat_get: 'i32 i32', fd_fdstat_set_flags: 'i32 i32', fd_fdstat_set_rights: 'i32 i64 i64',
  fd_filestat_get: 'i32 i32', fd_filestat_set_size: 'i32 i64', fd_filestat_set_times: 'i32 i64 i64 i32',
  fd_pread: 'i32 i32 i32 i64 i32', fd_prestat_get: 'i32 i32', fd_prestat_dir_name: 'i32 i32 i32',
  fd_pwrite: 'i32 i32 i32 i64 i32', fd_read: 'i32 i32 i32 i32', fd_readdir: 'i32 i32 i32 i64 i32',
  fd_renumber: 'i32 i32', fd_seek: 'i32 i64 i32 i32', fd_sync: 'i32', fd_tell: 'i32 i32',
  fd_write: 'i32 i32 i32 i32', path_create_directory: 'i32 i32 i32',
  path_filestat_get: 'i32 i32 i32 i32 i32', path_filestat_set_times: 'i32 i32 i32 i32 i64 i64 i32',
  path_link: 'i32 i32 i32 i32 i32 i32 i32', path_open: 'i32 i32 i32 i32 i32 i64 i64 i32 i32',
  path_readlink: 'i32 i32 i32 i32 i32 i32', path_remove_directory: 'i32 i32 i32',
  path_rename: 'i32 i32 i32 i32 i32 i32', path_symlink: 'i32 i32 i32 i32 i32', path_unlink_file: 'i32 i32 i32',
  poll_oneoff: 'i32 i32 i32 i32', proc_exit: 'i32', proc_raise: 'i32', random_get: 'i32 i32',
  sched_yield: '', sock_accept: 'i32 i32 i32', sock_recv: 'i32 i32 i32 i32 i32 i32',
  sock_send: 'i32 i32 i32 i32 i32', sock_shutdown: 'i32 i32',
};

function callerWat(): string {
  const lines = ['(module'];
  for (const [name, params] of Object.entries(SIGNATURES)) {
    const result = name === 'proc_exit' ? '' : ' (result i32)';
    lines.push(`  (import "wasi_snapshot_preview1" "${name}" (func $${name} (param ${params})${result}))`);
  }
  lines.push('  (memory (export "memory") 4)');
  for (const [name, params] of Object.entries(SIGNATURES)) {
    const result = name === 'proc_exit' ? '' : ' (result i32)';
    const gets = params === '' ? '' : params.split(' ').map((_, i) => ` (local.get ${i})`).join('');
    lines.push(`  (func (export "call.${name}") (param ${params})${result} (call $${name}${gets}))`);
  }
  lines.push(')');
  return lines.join('\n');
}

const CALLER = watToWasm('caller.wat', callerWat());
const ENGINES: [string, Api][] = [['wajit', Wajit], ['native', Native]];

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** One WASI instance with the caller module, and helpers for guest memory (a bump allocator from 4096). */
class Guest {
  readonly exports: Record<string, unknown>;
  readonly out: Uint8Array[] = [];
  readonly err: Uint8Array[] = [];
  #next = 4096;

  constructor(readonly wasi: WASI, instance: { exports: Record<string, unknown> }) {
    this.exports = instance.exports;
  }

  get memory(): { buffer: ArrayBuffer } {
    return this.exports['memory'] as { buffer: ArrayBuffer };
  }
  get dv(): DataView {
    return new DataView(this.memory.buffer);
  }

  call(name: string, ...args: (number | bigint)[]): number {
    return (this.exports[`call.${name}`] as (...a: (number | bigint)[]) => number)(...args);
  }

  alloc(size: number, align = 8): number {
    this.#next = Math.ceil(this.#next / align) * align;
    const p = this.#next;
    this.#next += size;
    new Uint8Array(this.memory.buffer, p, size).fill(0);
    return p;
  }
  /** Copies bytes (or a string's UTF-8) into memory: [pointer, length]. */
  put(data: string | Uint8Array): [number, number] {
    const b = typeof data === 'string' ? utf8.encode(data) : data;
    const p = this.alloc(b.length, 1);
    new Uint8Array(this.memory.buffer).set(b, p);
    return [p, b.length];
  }
  /** An iovec array over the given buffers. */
  iovs(bufs: [number, number][]): number {
    const p = this.alloc(bufs.length * 8);
    bufs.forEach(([b, n], i) => {
      this.dv.setUint32(p + i * 8, b, true);
      this.dv.setUint32(p + i * 8 + 4, n, true);
    });
    return p;
  }
  bytes(p: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer).slice(p, p + n);
  }
  str(p: number, n: number): string {
    return text.decode(this.bytes(p, n));
  }
  u8(p: number): number {
    return this.dv.getUint8(p);
  }
  u16(p: number): number {
    return this.dv.getUint16(p, true);
  }
  u32(p: number): number {
    return this.dv.getUint32(p, true);
  }
  u64(p: number): bigint {
    return this.dv.getBigUint64(p, true);
  }
  stdout(): string {
    return this.out.map((b) => text.decode(b)).join('');
  }

  // ---- convenience wrappers (each returns [errno, result]) ----
  open(path: string, oflags = 0, base = FILE_RIGHTS, fdflags = 0, dirfd = 3, lookup = LOOKUP.SYMLINK_FOLLOW,
    inheriting = 0n): [number, number] {
    const [p, n] = this.put(path);
    const fdp = this.alloc(4);
    const r = this.call('path_open', dirfd, lookup, p, n, oflags, base, inheriting, fdflags, fdp);
    return [r, this.u32(fdp)];
  }
  write(fd: number, data: string | Uint8Array): [number, number] {
    const iov = this.iovs([this.put(data)]);
    const np = this.alloc(4);
    const r = this.call('fd_write', fd, iov, 1, np);
    return [r, this.u32(np)];
  }
  read(fd: number, size: number): [number, string] {
    const buf = this.alloc(size, 1);
    const iov = this.iovs([[buf, size]]);
    const np = this.alloc(4);
    const r = this.call('fd_read', fd, iov, 1, np);
    return [r, this.str(buf, this.u32(np))];
  }
  seek(fd: number, offset: bigint, whence: number): [number, bigint] {
    const p = this.alloc(8);
    const r = this.call('fd_seek', fd, offset, whence, p);
    return [r, this.u64(p)];
  }
  filestat(fd: number): [number, { filetype: number; size: bigint; nlink: bigint; atim: bigint; mtim: bigint; ino: bigint }] {
    const p = this.alloc(64);
    const r = this.call('fd_filestat_get', fd, p);
    return [r, this.#stat(p)];
  }
  pathStat(path: string, follow = true, dirfd = 3): [number, { filetype: number; size: bigint; nlink: bigint; atim: bigint; mtim: bigint; ino: bigint }] {
    const [pp, n] = this.put(path);
    const p = this.alloc(64);
    const r = this.call('path_filestat_get', dirfd, follow ? LOOKUP.SYMLINK_FOLLOW : 0, pp, n, p);
    return [r, this.#stat(p)];
  }
  #stat(p: number) {
    return { ino: this.u64(p + 8), filetype: this.u8(p + 16), nlink: this.u64(p + 24), size: this.u64(p + 32),
      atim: this.u64(p + 40), mtim: this.u64(p + 48) };
  }
  fdstat(fd: number): [number, { filetype: number; flags: number; base: bigint; inheriting: bigint }] {
    const p = this.alloc(24);
    const r = this.call('fd_fdstat_get', fd, p);
    return [r, { filetype: this.u8(p), flags: this.u16(p + 2), base: this.u64(p + 8), inheriting: this.u64(p + 16) }];
  }
  /** Calls a path_* function taking (fd, path, len) with a string. */
  pathCall(name: string, path: string, dirfd = 3): number {
    const [p, n] = this.put(path);
    return this.call(name, dirfd, p, n);
  }
  /** All entries of a directory through fd_readdir with the given buffer size (following cookies). */
  readdir(fd: number, bufSize = 4096): [number, { name: string; type: number; next: bigint }[]] {
    const out: { name: string; type: number; next: bigint }[] = [];
    let cookie = 0n;
    for (let round = 0; round < 1000; round++) {
      const buf = this.alloc(bufSize);
      const used = this.alloc(4);
      const r = this.call('fd_readdir', fd, buf, bufSize, cookie, used);
      if (r !== 0) return [r, out];
      const n = this.u32(used);
      let off = 0;
      let complete = 0;
      while (off + 24 <= n) {
        const namlen = this.u32(buf + off + 16);
        if (off + 24 + namlen > n) break;
        out.push({ next: this.u64(buf + off), type: this.u8(buf + off + 20), name: this.str(buf + off + 24, namlen) });
        cookie = this.u64(buf + off);
        off += 24 + namlen;
        complete++;
      }
      if (n < bufSize) return [0, out];
      if (complete === 0) throw new Error('buffer too small for one entry');
    }
    throw new Error('readdir does not end');
  }
}

/** A fresh WASI + caller instance on `engine`; stdout/stderr are captured, stdin is `input` in 5-byte pieces. */
function guest(engine: Api, options: Partial<WASIOptions> = {}, input = ''): Guest {
  let pending = utf8.encode(input);
  const box: { g?: Guest } = {};
  const wasi = new WASI({
    version: 'preview1',
    stdout: (b) => box.g!.out.push(b),
    stderr: (b) => box.g!.err.push(b),
    stdin: (max) => {
      const n = Math.min(max, 5, pending.length);
      const chunk = pending.slice(0, n);
      pending = pending.subarray(n);
      return chunk;
    },
    ...options,
  });
  const instance = new engine.Instance(new engine.Module(CALLER), wasi.getImportObject() as never) as unknown as {
    exports: Record<string, unknown>;
  };
  wasi.initialize(instance);
  box.g = new Guest(wasi, instance);
  return box.g;
}

// ---- filesystems --------------------------------------------------------------------------------------------

const TREE_TEXT = 'Hello, world!\n';

/** The starting tree: hello.txt, dir/{a.txt,b.txt}, link -> hello.txt, dirlink -> dir. */
function memoryFs(): Partial<WASIOptions> {
  return {
    fs: {
      '/sandbox': new MemoryBackend({
        'hello.txt': TREE_TEXT, dir: { 'a.txt': 'A', 'b.txt': 'BB' }, link: symlink('hello.txt'), dirlink: symlink('dir'),
      }),
    },
  };
}

const tempDirs: string[] = [];
afterEach(() => {
  while (tempDirs.length > 0) rmSync(tempDirs.pop()!, { recursive: true, force: true });
});

function hostFs(): Partial<WASIOptions> {
  const root = mkdtempSync(join(tmpdir(), 'wajit-wasi-'));
  tempDirs.push(root);
  const dir = join(root, 'sandbox');
  mkdirSync(dir);
  writeFileSync(join(dir, 'hello.txt'), TREE_TEXT);
  mkdirSync(join(dir, 'dir'));
  writeFileSync(join(dir, 'dir', 'a.txt'), 'A');
  writeFileSync(join(dir, 'dir', 'b.txt'), 'BB');
  symlinkSync('hello.txt', join(dir, 'link'));
  symlinkSync('dir', join(dir, 'dirlink'));
  writeFileSync(join(root, 'outside.txt'), 'secret');
  return { preopens: { '/sandbox': dir } };
}

const BACKENDS: [string, () => Partial<WASIOptions>][] = [['memory', memoryFs], ['host', hostFs]];

const READ_ONLY = RIGHTS.FD_READ | RIGHTS.FD_SEEK | RIGHTS.FD_TELL | RIGHTS.FD_FILESTAT_GET | RIGHTS.FD_READDIR;
const WRITE_ONLY = RIGHTS.FD_WRITE | RIGHTS.FD_SEEK | RIGHTS.FD_TELL | RIGHTS.FD_FILESTAT_GET;

// ---- process-level functions ------------------------------------------------------------------------------

describe.each(ENGINES)('process functions (%s)', (_name, engine) => {
  it('args_sizes_get / args_get lay out NUL-terminated UTF-8 strings', () => {
    const g = guest(engine, { args: ['prog', 'héllo', ''] });
    const sizes = g.alloc(8);
    expect(g.call('args_sizes_get', sizes, sizes + 4)).toBe(0);
    expect([g.u32(sizes), g.u32(sizes + 4)]).toEqual([3, 5 + 7 + 1]);
    const argv = g.alloc(12);
    const buf = g.alloc(13);
    expect(g.call('args_get', argv, buf)).toBe(0);
    expect([g.u32(argv), g.u32(argv + 4), g.u32(argv + 8)]).toEqual([buf, buf + 5, buf + 12]);
    expect(g.str(buf, 13)).toBe('prog\0héllo\0\0');
    expect(g.call('args_get', 0x40000 - 4, buf)).toBe(E.FAULT);
    expect(g.call('args_get', argv, 0x40000 - 4)).toBe(E.FAULT);
    expect(g.call('args_sizes_get', -1, sizes)).toBe(E.FAULT);
  });

  it('environ_sizes_get / environ_get give KEY=VALUE pairs, leaving out undefined values', () => {
    const g = guest(engine, { env: { A: '1', B: undefined, C: 'x=y' } });
    const sizes = g.alloc(8);
    expect(g.call('environ_sizes_get', sizes, sizes + 4)).toBe(0);
    expect([g.u32(sizes), g.u32(sizes + 4)]).toEqual([2, 4 + 6]);
    const env = g.alloc(8);
    const buf = g.alloc(10);
    expect(g.call('environ_get', env, buf)).toBe(0);
    expect(g.str(g.u32(env), 3)).toBe('A=1');
    expect(g.str(g.u32(env + 4), 6)).toBe('C=x=y\0');
    expect(g.call('environ_sizes_get', sizes, 0x40000)).toBe(E.FAULT);
    expect(g.call('environ_get', 0x3ffff, buf)).toBe(E.FAULT);
  });

  it('clock_res_get and clock_time_get for all four clocks; unknown clocks are EINVAL', () => {
    const g = guest(engine);
    const p = g.alloc(8);
    for (const id of [0, 1, 2, 3]) {
      expect(g.call('clock_res_get', id, p)).toBe(0);
      expect(g.u64(p)).toBeGreaterThan(0n);
      expect(g.call('clock_time_get', id, 1n, p)).toBe(0);
    }
    expect(g.call('clock_time_get', 0, 0n, p)).toBe(0);
    const wall = BigInt(Date.now()) * 1_000_000n;
    expect(g.u64(p) - wall < 1_000_000_000n && wall - g.u64(p) < 1_000_000_000n).toBe(true);
    expect(g.call('clock_time_get', 1, 0n, p)).toBe(0);
    const m1 = g.u64(p);
    let spin = 0;
    for (let i = 0; i < 1e5; i++) spin += i;
    expect(spin).toBeGreaterThan(0);
    expect(g.call('clock_time_get', 1, 0n, p)).toBe(0);
    expect(g.u64(p)).toBeGreaterThan(m1);
    expect(g.call('clock_time_get', 2, 0n, p)).toBe(0);
    expect(g.u64(p)).toBeGreaterThan(0n);
    expect(g.call('clock_res_get', 4, p)).toBe(E.INVAL);
    expect(g.call('clock_time_get', 4, 0n, p)).toBe(E.INVAL);
    expect(g.call('clock_time_get', -1, 0n, p)).toBe(E.INVAL);
    expect(g.call('clock_time_get', 1, 0n, 0x40000 - 7)).toBe(E.FAULT);
    expect(g.call('clock_res_get', 1, 0x40000)).toBe(E.FAULT);
  });

  it('random_get fills large buffers, accepts length 0 and refuses bad addresses', () => {
    const g = guest(engine);
    const n = 200_000;
    const p = g.alloc(n);
    expect(g.call('random_get', p, n)).toBe(0);
    const b = g.bytes(p, n);
    const zeros = b.reduce((a, x) => a + (x === 0 ? 1 : 0), 0);
    expect(zeros).toBeLessThan(n / 100);
    // The last 64 KiB chunk was filled too.
    expect(g.bytes(p + n - 64, 64).some((x) => x !== 0)).toBe(true);
    expect(g.call('random_get', p, 0)).toBe(0);
    expect(g.call('random_get', 0x40000 - 10, 11)).toBe(E.FAULT);
  });

  it('sched_yield, proc_raise (ENOTSUP as wasmtime; EINVAL outside the signal enum)', () => {
    const g = guest(engine);
    expect(g.call('sched_yield')).toBe(0);
    expect(g.call('proc_raise', 2)).toBe(E.NOTSUP);
    expect(g.call('proc_raise', 0)).toBe(E.NOTSUP);
    expect(g.call('proc_raise', 31)).toBe(E.INVAL);
  });

  it('proc_exit unwinds with a WASIExit carrying the code', () => {
    const g = guest(engine);
    let caught: unknown;
    try {
      g.call('proc_exit', 42);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WASIExit);
    expect((caught as WASIExit).code).toBe(42);
  });

  it('sock_* answer ENOTSOCK on open descriptors, EBADF on closed ones, EINVAL for bad flags', () => {
    const g = guest(engine, memoryFs());
    const p = g.alloc(16);
    for (const fd of [0, 1, 3]) {
      expect(g.call('sock_accept', fd, 0, p)).toBe(E.NOTSOCK);
      expect(g.call('sock_recv', fd, p, 0, 0, p, p + 4)).toBe(E.NOTSOCK);
      expect(g.call('sock_send', fd, p, 0, 0, p)).toBe(E.NOTSOCK);
      expect(g.call('sock_shutdown', fd, 3)).toBe(E.NOTSOCK);
    }
    expect(g.call('sock_accept', 9, 0, p)).toBe(E.BADF);
    expect(g.call('sock_recv', 9, p, 0, 0, p, p + 4)).toBe(E.BADF);
    expect(g.call('sock_send', 9, p, 0, 0, p)).toBe(E.BADF);
    expect(g.call('sock_shutdown', 9, 1)).toBe(E.BADF);
    expect(g.call('sock_accept', 1, 64, p)).toBe(E.INVAL);
    expect(g.call('sock_recv', 1, p, 0, 4, p, p + 4)).toBe(E.INVAL);
    expect(g.call('sock_shutdown', 1, 4)).toBe(E.INVAL);
  });
});

// ---- stdio --------------------------------------------------------------------------------------------------

describe.each(ENGINES)('stdio (%s)', (_name, engine) => {
  it('fd_write to stdout and stderr, with one, several, empty and large iovecs', () => {
    const g = guest(engine);
    expect(g.write(1, 'hello ')).toEqual([0, 6]);
    const iov = g.iovs([g.put('a'), [0, 0], g.put('bc'), g.put('def')]);
    const np = g.alloc(4);
    expect(g.call('fd_write', 1, iov, 4, np)).toBe(0);
    expect(g.u32(np)).toBe(6);
    const big = 'x'.repeat(40_000);
    const iov2 = g.iovs([g.put(big), g.put('!')]);
    expect(g.call('fd_write', 1, iov2, 2, np)).toBe(0);
    expect(g.u32(np)).toBe(40_001);
    expect(g.call('fd_write', 1, iov, 0, np)).toBe(0);
    expect(g.u32(np)).toBe(0);
    expect(g.stdout()).toBe(`hello abcdef${big}!`);
    expect(g.write(2, 'oops')).toEqual([0, 4]);
    expect(text.decode(g.err[0])).toBe('oops');
  });

  it('fd_write errors: stdin, closed descriptors, bad addresses (nothing written)', () => {
    const g = guest(engine);
    expect(g.write(0, 'x')[0]).toBe(E.BADF);
    expect(g.write(7, 'x')[0]).toBe(E.BADF);
    const np = g.alloc(4);
    expect(g.call('fd_write', 1, 0x40000 - 4, 1, np)).toBe(E.FAULT);
    const bad = g.iovs([g.put('ok'), [0x40000 - 2, 4]]);
    expect(g.call('fd_write', 1, bad, 2, np)).toBe(E.FAULT);
    const good = g.iovs([g.put('ok')]);
    expect(g.call('fd_write', 1, good, 1, 0x40000 - 2)).toBe(E.FAULT);
    expect(g.call('fd_write', 1, good, 0x2000_0000, np)).toBe(E.FAULT);
    expect(g.out).toEqual([]);
  });

  it('fd_read from stdin: the first non-empty buffer, what is available, 0 at the end', () => {
    const g = guest(engine, {}, 'hello world');
    const a = g.alloc(16);
    const b = g.alloc(16);
    const iov = g.iovs([[a, 0], [a, 16], [b, 16]]);
    const np = g.alloc(4);
    expect(g.call('fd_read', 0, iov, 3, np)).toBe(0);
    expect(g.str(a, g.u32(np))).toBe('hello');
    expect(g.read(0, 3)).toEqual([0, ' wo']);
    expect(g.read(0, 100)).toEqual([0, 'rld']);
    expect(g.read(0, 100)).toEqual([0, '']);
    expect(g.read(0, 100)).toEqual([0, '']);
  });

  it('a stdin function that returns more than asked keeps the rest for the next read', () => {
    const g = guest(engine, { stdin: () => utf8.encode('abcdefgh') });
    expect(g.read(0, 3)).toEqual([0, 'abc']);
    expect(g.read(0, 100)).toEqual([0, 'defgh']);
  });

  it('fd_read errors: stdout, closed, bad addresses', () => {
    const g = guest(engine, {}, 'data');
    expect(g.read(1, 4)[0]).toBe(E.BADF);
    expect(g.read(9, 4)[0]).toBe(E.BADF);
    const np = g.alloc(4);
    expect(g.call('fd_read', 0, g.iovs([[0x40000 - 1, 2]]), 1, np)).toBe(E.FAULT);
    expect(g.call('fd_read', 0, g.iovs([[g.alloc(4), 4]]), 1, 0x40000)).toBe(E.FAULT);
    expect(g.read(0, 10)).toEqual([0, 'data']);
  });

  it('stdio descriptors: fdstat, filestat, ESPIPE for seek/tell/pread/pwrite, EBADF for file-only calls', () => {
    const g = guest(engine);
    const [r, st] = g.fdstat(1);
    expect(r).toBe(0);
    expect(st.filetype).toBe(FILETYPE.UNKNOWN); // a function, not a terminal
    expect(st.base & RIGHTS.FD_WRITE).toBe(RIGHTS.FD_WRITE);
    expect(st.base & (RIGHTS.FD_SEEK | RIGHTS.FD_TELL | RIGHTS.FD_READ)).toBe(0n);
    expect(g.fdstat(0)[1].base & RIGHTS.FD_READ).toBe(RIGHTS.FD_READ);
    const [r2, fst] = g.filestat(2);
    expect([r2, fst.filetype, fst.size]).toEqual([0, FILETYPE.UNKNOWN, 0n]);
    expect(g.seek(1, 0n, WHENCE.CUR)[0]).toBe(E.SPIPE);
    expect(g.seek(0, 0n, WHENCE.SET)[0]).toBe(E.SPIPE);
    expect(g.call('fd_tell', 1, g.alloc(8))).toBe(E.SPIPE);
    const iov = g.iovs([g.put('x')]);
    expect(g.call('fd_pwrite', 1, iov, 1, 0n, g.alloc(4))).toBe(E.SPIPE);
    expect(g.call('fd_pread', 0, iov, 1, 0n, g.alloc(4))).toBe(E.SPIPE);
    expect(g.call('fd_pread', 1, iov, 1, 0n, g.alloc(4))).toBe(E.BADF);
    expect(g.call('fd_pwrite', 0, iov, 1, 0n, g.alloc(4))).toBe(E.BADF);
    for (const name of ['fd_sync', 'fd_datasync']) expect(g.call(name, 1)).toBe(E.BADF);
    expect(g.call('fd_filestat_set_size', 1, 0n)).toBe(E.BADF);
    expect(g.call('fd_allocate', 1, 0n, 1n)).toBe(E.BADF);
    expect(g.call('fd_advise', 1, 0n, 1n, ADVICE.NORMAL)).toBe(E.BADF);
    expect(g.call('fd_fdstat_set_flags', 1, FDFLAGS.NONBLOCK)).toBe(E.BADF);
    expect(g.call('fd_filestat_set_times', 1, 0n, 0n, FSTFLAGS.ATIM_NOW)).toBe(E.BADF);
    expect(g.call('fd_readdir', 1, g.alloc(64), 64, 0n, g.alloc(4))).toBe(E.BADF);
    expect(g.call('fd_prestat_get', 1, g.alloc(8))).toBe(E.BADF);
    expect(g.call('fd_prestat_dir_name', 1, g.alloc(8), 8)).toBe(E.NOTDIR);
    expect(g.pathCall('path_create_directory', 'x', 1)).toBe(E.BADF);
    expect(g.open('x', OFLAGS.CREAT, FILE_RIGHTS, 0, 1)[0]).toBe(E.BADF);
  });

  it('fd_close and fd_renumber on stdio', () => {
    const g = guest(engine);
    expect(g.call('fd_renumber', 2, 1)).toBe(0);
    expect(g.write(1, 'to stderr')).toEqual([0, 9]);
    expect(text.decode(g.err[0])).toBe('to stderr');
    expect(g.write(2, 'x')[0]).toBe(E.BADF);
    expect(g.call('fd_close', 1)).toBe(0);
    expect(g.call('fd_close', 1)).toBe(E.BADF);
    expect(g.write(1, 'x')[0]).toBe(E.BADF);
    expect(g.call('fd_renumber', 0, 0)).toBe(0);
    expect(g.call('fd_renumber', 0, 5)).toBe(E.BADF);
    expect(g.call('fd_renumber', 5, 0)).toBe(E.BADF);
  });
});

// ---- preopens, descriptors and files --------------------------------------------------------------------------

describe.each(ENGINES)('files and descriptors (%s)', (_name, engine) => {
  describe.each(BACKENDS)('on the %s backend', (_backend, fs) => {
    it('fd_prestat_get / fd_prestat_dir_name describe the preopen', () => {
      const g = guest(engine, fs());
      const p = g.alloc(8);
      expect(g.call('fd_prestat_get', 3, p)).toBe(0);
      expect([g.u8(p), g.u32(p + 4)]).toEqual([0, 8]);
      const name = g.alloc(8);
      expect(g.call('fd_prestat_dir_name', 3, name, 8)).toBe(0);
      expect(g.str(name, 8)).toBe('/sandbox');
      expect(g.call('fd_prestat_dir_name', 3, name, 7)).toBe(E.NAMETOOLONG);
      expect(g.call('fd_prestat_dir_name', 3, 0x40000 - 4, 8)).toBe(E.FAULT);
      expect(g.call('fd_prestat_get', 3, 0x40000 - 4)).toBe(E.FAULT);
      expect(g.call('fd_prestat_get', 4, p)).toBe(E.BADF);
      expect(g.call('fd_prestat_dir_name', 4, name, 8)).toBe(E.BADF);
      const [r, fd] = g.open('dir', OFLAGS.DIRECTORY, READ_ONLY);
      expect(r).toBe(0);
      expect(g.call('fd_prestat_get', fd, p)).toBe(E.BADF);
      expect(g.call('fd_prestat_dir_name', fd, name, 8)).toBe(E.NOTDIR);
    });

    it('path_open creates, writes, seeks, tells, reads back; descriptors count up from 4', () => {
      const g = guest(engine, fs());
      const [r, fd] = g.open('new.txt', OFLAGS.CREAT | OFLAGS.EXCL);
      expect([r, fd]).toEqual([0, 4]);
      expect(g.write(fd, 'abcdef')).toEqual([0, 6]);
      const tp = g.alloc(8);
      expect(g.call('fd_tell', fd, tp)).toBe(0);
      expect(g.u64(tp)).toBe(6n);
      expect(g.seek(fd, 1n, WHENCE.SET)).toEqual([0, 1n]);
      expect(g.read(fd, 2)).toEqual([0, 'bc']);
      expect(g.seek(fd, 1n, WHENCE.CUR)).toEqual([0, 4n]);
      expect(g.read(fd, 10)).toEqual([0, 'ef']);
      expect(g.read(fd, 10)).toEqual([0, '']);
      expect(g.seek(fd, -2n, WHENCE.END)).toEqual([0, 4n]);
      expect(g.read(fd, 10)).toEqual([0, 'ef']);
      expect(g.seek(fd, -7n, WHENCE.END)[0]).toBe(E.INVAL);
      expect(g.seek(fd, -1n, WHENCE.SET)[0]).toBe(E.INVAL);
      expect(g.seek(fd, 0n, 3)[0]).toBe(E.INVAL);
      expect(g.call('fd_seek', fd, 0n, WHENCE.SET, 0x40000 - 4)).toBe(E.FAULT);
      // Seeking past the end and writing leaves a hole of zeros.
      expect(g.seek(fd, 8n, WHENCE.SET)).toEqual([0, 8n]);
      expect(g.write(fd, 'Z')).toEqual([0, 1]);
      expect(g.filestat(fd)[1].size).toBe(9n);
      expect(g.open('new.txt')[1]).toBe(5);
      expect(g.read(5, 20)).toEqual([0, 'abcdef\0\0Z']);
      expect(g.call('fd_close', fd)).toBe(0);
      expect(g.open('hello.txt')).toEqual([0, 4]); // the lowest free number again
    });

    it('fd_read / fd_write scatter and gather over several iovecs', () => {
      const g = guest(engine, fs());
      const [, fd] = g.open('hello.txt');
      const a = g.alloc(5);
      const b = g.alloc(100);
      const np = g.alloc(4);
      expect(g.call('fd_read', fd, g.iovs([[a, 5], [a, 0], [b, 100]]), 3, np)).toBe(0);
      expect(g.u32(np)).toBe(14);
      expect(g.str(a, 5) + g.str(b, 9)).toBe(TREE_TEXT);
      const [, w] = g.open('w.txt', OFLAGS.CREAT);
      expect(g.call('fd_write', w, g.iovs([g.put('one '), g.put(''), g.put('two')]), 3, np)).toBe(0);
      expect(g.u32(np)).toBe(7);
      expect(g.seek(w, 0n, WHENCE.SET)[0]).toBe(0);
      expect(g.read(w, 100)).toEqual([0, 'one two']);
    });

    it('fd_pread / fd_pwrite leave the offset alone', () => {
      const g = guest(engine, fs());
      const [, fd] = g.open('hello.txt');
      const buf = g.alloc(5);
      const np = g.alloc(4);
      expect(g.call('fd_pread', fd, g.iovs([[buf, 5]]), 1, 7n, np)).toBe(0);
      expect(g.str(buf, g.u32(np))).toBe('world');
      expect(g.call('fd_pread', fd, g.iovs([[buf, 5]]), 1, 100n, np)).toBe(0);
      expect(g.u32(np)).toBe(0);
      expect(g.call('fd_pwrite', fd, g.iovs([g.put('W')]), 1, 7n, np)).toBe(0);
      expect(g.u32(np)).toBe(1);
      expect(g.read(fd, 100)).toEqual([0, 'Hello, World!\n']);
      expect(g.call('fd_pread', 3, g.iovs([[buf, 5]]), 1, 0n, np)).toBe(E.BADF);
      expect(g.call('fd_pwrite', 3, g.iovs([[buf, 5]]), 1, 0n, np)).toBe(E.BADF);
      expect(g.call('fd_pread', fd, g.iovs([[0x40000 - 2, 5]]), 1, 0n, np)).toBe(E.FAULT);
    });

    it('path_open oflags: EXCL, TRUNC, DIRECTORY, CREAT and their errors', () => {
      const g = guest(engine, fs());
      expect(g.open('hello.txt', OFLAGS.CREAT | OFLAGS.EXCL)[0]).toBe(E.EXIST);
      expect(g.open('missing.txt')[0]).toBe(E.NOENT);
      expect(g.open('nodir/x.txt', OFLAGS.CREAT)[0]).toBe(E.NOENT);
      expect(g.open('hello.txt', OFLAGS.DIRECTORY, READ_ONLY)[0]).toBe(E.NOTDIR);
      expect(g.open('hello.txt/', 0, READ_ONLY)[0]).toBe(E.NOTDIR);
      expect(g.open('newdir/', OFLAGS.CREAT)[0]).toBe(E.ISDIR);
      expect(g.open('dir', 0, FILE_RIGHTS)[0]).toBe(E.ISDIR); // write rights on a directory
      expect(g.open('dir', OFLAGS.TRUNC, READ_ONLY)[0]).toBe(E.ISDIR);
      expect(g.open('x', OFLAGS.DIRECTORY | OFLAGS.CREAT, READ_ONLY)[0]).toBe(E.INVAL);
      expect(g.open('dir', OFLAGS.DIRECTORY | OFLAGS.EXCL, READ_ONLY)[0]).toBe(E.INVAL);
      expect(g.open('.', OFLAGS.CREAT | OFLAGS.EXCL, READ_ONLY)[0]).toBe(E.EXIST);
      expect(g.open('', 0, READ_ONLY)[0]).toBe(E.NOENT);
      const [r, fd] = g.open('hello.txt', OFLAGS.TRUNC);
      expect(r).toBe(0);
      expect(g.filestat(fd)[1].size).toBe(0n);
      const [r2, d] = g.open('dir', OFLAGS.DIRECTORY, READ_ONLY | RIGHTS.PATH_OPEN, 0, 3, 1, READ_ONLY);
      expect(r2).toBe(0);
      expect(g.fdstat(d)[1].filetype).toBe(FILETYPE.DIRECTORY);
      const [r3, dot] = g.open('.', 0, READ_ONLY);
      expect(r3).toBe(0);
      expect(g.fdstat(dot)[1].filetype).toBe(FILETYPE.DIRECTORY);
      // Relative to an opened directory, and through it.
      const [r4, a] = g.open('a.txt', 0, READ_ONLY, 0, d);
      expect(r4).toBe(0);
      expect(g.read(a, 10)).toEqual([0, 'A']);
      expect(g.open('a.txt', 0, READ_ONLY, 0, a)[0]).toBe(E.NOTDIR); // a file as the base
    });

    it('path_open argument checks: flags, rights, UTF-8, addresses, escapes', () => {
      const g = guest(engine, fs());
      expect(g.open('hello.txt', 16)[0]).toBe(E.INVAL);
      expect(g.open('hello.txt', 0, FILE_RIGHTS, 32)[0]).toBe(E.INVAL);
      expect(g.open('hello.txt', 0, FILE_RIGHTS, 0, 3, 2)[0]).toBe(E.INVAL);
      expect(g.open('hello.txt', 0, 1n << 40n)[0]).toBe(E.INVAL);
      const bad = g.put(new Uint8Array([0x68, 0xff, 0x69]));
      expect(g.call('path_open', 3, 0, bad[0], bad[1], 0, FILE_RIGHTS, 0n, 0, g.alloc(4))).toBe(E.ILSEQ);
      const [p, n] = g.put('hello.txt');
      expect(g.call('path_open', 3, 0, p, n, 0, FILE_RIGHTS, 0n, 0, 0x40000 - 2)).toBe(E.FAULT);
      expect(g.call('path_open', 3, 0, 0x40000 - 2, 8, 0, FILE_RIGHTS, 0n, 0, g.alloc(4))).toBe(E.FAULT);
      expect(g.open('/hello.txt')[0]).toBe(E.NOTCAPABLE);
      expect(g.open('../outside.txt')[0]).toBe(E.NOTCAPABLE);
      expect(g.open('dir/../../outside.txt')[0]).toBe(E.NOTCAPABLE);
      expect(g.open('x.txt', OFLAGS.CREAT, FILE_RIGHTS, 0, 9)[0]).toBe(E.BADF);
      expect(g.open('x.txt', OFLAGS.CREAT, FILE_RIGHTS, 0, 0)[0]).toBe(E.BADF);
    });

    it('symlinks: path_open follows with SYMLINK_FOLLOW, ELOOP / ENOTDIR without', () => {
      const g = guest(engine, fs());
      const [r, fd] = g.open('link', 0, READ_ONLY);
      expect(r).toBe(0);
      expect(g.read(fd, 100)).toEqual([0, TREE_TEXT]);
      expect(g.open('link', 0, READ_ONLY, 0, 3, 0)[0]).toBe(E.LOOP);
      expect(g.open('dirlink', OFLAGS.DIRECTORY, READ_ONLY, 0, 3, 0)[0]).toBe(E.NOTDIR);
      expect(g.open('dirlink/a.txt', 0, READ_ONLY, 0, 3, 0)[0]).toBe(0); // only the final one is not followed
      const [r2, d] = g.open('dirlink', OFLAGS.DIRECTORY, READ_ONLY);
      expect(r2).toBe(0);
      expect(g.readdir(d)[1].map((e) => e.name).sort()).toEqual(['.', '..', 'a.txt', 'b.txt']);
    });

    it('rights: requested ∩ inheriting, ENOTCAPABLE for what a descriptor lacks, fd_fdstat_set_rights drops only', () => {
      const g = guest(engine, fs());
      const [, ro] = g.open('hello.txt', 0, READ_ONLY);
      expect(g.fdstat(ro)[1].base).toBe(READ_ONLY & ~RIGHTS.FD_READDIR & FILE_RIGHTS);
      expect(g.write(ro, 'x')[0]).toBe(E.NOTCAPABLE);
      expect(g.call('fd_filestat_set_size', ro, 0n)).toBe(E.NOTCAPABLE);
      const [, wo] = g.open('hello.txt', 0, WRITE_ONLY);
      expect(g.read(wo, 4)[0]).toBe(E.NOTCAPABLE);
      expect(g.write(wo, 'J')).toEqual([0, 1]);
      // Rights outside what the directory passes on are silently dropped.
      const [, all] = g.open('hello.txt', 0, (1n << 30n) - 1n);
      expect(g.fdstat(all)[1].base).toBe(FILE_RIGHTS);
      const [, d] = g.open('dir', OFLAGS.DIRECTORY, READ_ONLY | RIGHTS.PATH_OPEN, 0, 3, 1, READ_ONLY);
      const st = g.fdstat(d)[1];
      expect(st.base).toBe(RIGHTS.FD_READDIR | RIGHTS.PATH_OPEN | RIGHTS.FD_FILESTAT_GET);
      expect(st.inheriting).toBe(READ_ONLY);
      // Opened through d: at most d's inheriting rights.
      const [, a] = g.open('a.txt', 0, FILE_RIGHTS, 0, d);
      expect(g.fdstat(a)[1].base).toBe(READ_ONLY & FILE_RIGHTS);
      expect(g.open('new', OFLAGS.CREAT, FILE_RIGHTS, 0, d)[0]).toBe(E.NOTCAPABLE);
      expect(g.pathCall('path_create_directory', 'sub', d)).toBe(E.NOTCAPABLE);
      // Dropping rights.
      expect(g.call('fd_fdstat_set_rights', wo, RIGHTS.FD_SEEK, 0n)).toBe(0);
      expect(g.write(wo, 'x')[0]).toBe(E.NOTCAPABLE);
      expect(g.call('fd_fdstat_set_rights', wo, RIGHTS.FD_SEEK | RIGHTS.FD_WRITE, 0n)).toBe(E.NOTCAPABLE);
      expect(g.call('fd_fdstat_set_rights', wo, 1n << 40n, 0n)).toBe(E.INVAL);
      expect(g.call('fd_fdstat_set_rights', 3, RIGHTS.PATH_CREATE_FILE, 0n)).toBe(0);
      expect(g.open('hello.txt')[0]).toBe(E.NOTCAPABLE); // PATH_OPEN dropped
      expect(g.call('fd_fdstat_set_rights', 9, 0n, 0n)).toBe(E.BADF);
      expect(g.call('fd_fdstat_set_rights', 1, 0n, 0n)).toBe(0);
      expect(g.write(1, 'x')[0]).toBe(E.NOTCAPABLE);
    });

    it('fdflags: APPEND writes at the end, fd_fdstat_set_flags switches it, sync flags are reported', () => {
      const g = guest(engine, fs());
      const [, fd] = g.open('hello.txt', 0, FILE_RIGHTS, FDFLAGS.APPEND);
      expect(g.fdstat(fd)[1].flags).toBe(FDFLAGS.APPEND);
      expect(g.write(fd, 'more')).toEqual([0, 4]);
      const tp = g.alloc(8);
      expect(g.call('fd_tell', fd, tp)).toBe(0);
      expect(g.u64(tp)).toBe(18n);
      expect(g.seek(fd, 0n, WHENCE.SET)[0]).toBe(0);
      expect(g.write(fd, '!')).toEqual([0, 1]);
      expect(g.filestat(fd)[1].size).toBe(19n);
      expect(g.call('fd_fdstat_set_flags', fd, 0)).toBe(0);
      expect(g.fdstat(fd)[1].flags).toBe(0);
      expect(g.seek(fd, 0n, WHENCE.SET)[0]).toBe(0);
      expect(g.write(fd, 'J')).toEqual([0, 1]);
      expect(g.seek(fd, 0n, WHENCE.SET)[0]).toBe(0);
      expect(g.read(fd, 100)).toEqual([0, 'Jello, world!\nmore!']);
      expect(g.call('fd_fdstat_set_flags', fd, FDFLAGS.APPEND | FDFLAGS.NONBLOCK)).toBe(0);
      expect(g.fdstat(fd)[1].flags).toBe(FDFLAGS.APPEND | FDFLAGS.NONBLOCK);
      expect(g.call('fd_fdstat_set_flags', fd, FDFLAGS.DSYNC)).toBe(E.INVAL);
      expect(g.call('fd_fdstat_set_flags', fd, 64)).toBe(E.INVAL);
      expect(g.call('fd_fdstat_set_flags', 3, 0)).toBe(E.BADF);
      const syncs = FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC | FDFLAGS.NONBLOCK;
      const [r, s] = g.open('hello.txt', 0, FILE_RIGHTS, syncs);
      expect(r).toBe(0);
      expect(g.fdstat(s)[1].flags).toBe(syncs);
      expect(g.write(s, 'x')).toEqual([0, 1]);
      const [, ro] = g.open('hello.txt', 0, READ_ONLY);
      expect(g.call('fd_fdstat_set_flags', ro, 0)).toBe(E.NOTCAPABLE);
    });

    it('fd_fdstat_get and fd_filestat_get on files and directories', () => {
      const g = guest(engine, fs());
      const [r, st] = g.fdstat(3);
      expect(r).toBe(0);
      expect(st.filetype).toBe(FILETYPE.DIRECTORY);
      expect(st.base & RIGHTS.PATH_OPEN).toBe(RIGHTS.PATH_OPEN);
      expect(st.inheriting & FILE_RIGHTS).toBe(FILE_RIGHTS);
      expect(g.call('fd_fdstat_get', 3, 0x40000 - 8)).toBe(E.FAULT);
      expect(g.call('fd_fdstat_get', 9, g.alloc(24))).toBe(E.BADF);
      const [, fd] = g.open('hello.txt');
      expect(g.fdstat(fd)[1].filetype).toBe(FILETYPE.REGULAR_FILE);
      const [r2, fst] = g.filestat(fd);
      expect(r2).toBe(0);
      expect([fst.filetype, fst.size, fst.nlink]).toEqual([FILETYPE.REGULAR_FILE, 14n, 1n]);
      expect(fst.mtim).toBeGreaterThan(1_000_000_000_000_000_000n);
      expect(g.filestat(3)[1].filetype).toBe(FILETYPE.DIRECTORY);
      expect(g.call('fd_filestat_get', fd, 0x40000 - 8)).toBe(E.FAULT);
      expect(g.call('fd_filestat_get', 9, g.alloc(64))).toBe(E.BADF);
    });

    it('fd_filestat_set_size, fd_allocate, fd_advise, fd_sync, fd_datasync', () => {
      const g = guest(engine, fs());
      const [, fd] = g.open('hello.txt');
      expect(g.call('fd_filestat_set_size', fd, 5n)).toBe(0);
      expect(g.read(fd, 100)).toEqual([0, 'Hello']);
      expect(g.call('fd_filestat_set_size', fd, 8n)).toBe(0);
      expect(g.seek(fd, 0n, WHENCE.SET)[0]).toBe(0);
      expect(g.read(fd, 100)).toEqual([0, 'Hello\0\0\0']);
      expect(g.call('fd_allocate', fd, 0n, 4n)).toBe(0);
      expect(g.filestat(fd)[1].size).toBe(8n); // never shrinks
      expect(g.call('fd_allocate', fd, 6n, 10n)).toBe(0);
      expect(g.filestat(fd)[1].size).toBe(16n);
      expect(g.call('fd_advise', fd, 0n, 100n, ADVICE.SEQUENTIAL)).toBe(0);
      expect(g.call('fd_advise', fd, 0n, 100n, 6)).toBe(E.INVAL);
      expect(g.call('fd_sync', fd)).toBe(0);
      expect(g.call('fd_datasync', fd)).toBe(0);
      for (const name of ['fd_sync', 'fd_datasync']) {
        expect(g.call(name, 3)).toBe(E.BADF);
        expect(g.call(name, 9)).toBe(E.BADF);
      }
      expect(g.call('fd_filestat_set_size', 3, 0n)).toBe(E.BADF);
      expect(g.call('fd_allocate', 3, 0n, 1n)).toBe(E.BADF);
      expect(g.call('fd_advise', 3, 0n, 1n, 0)).toBe(E.BADF);
      const [, ro] = g.open('hello.txt', 0, READ_ONLY);
      expect(g.call('fd_allocate', ro, 0n, 1n)).toBe(E.NOTCAPABLE);
      expect(g.call('fd_sync', ro)).toBe(E.NOTCAPABLE);
      expect(g.call('fd_datasync', ro)).toBe(E.NOTCAPABLE);
      expect(g.call('fd_advise', ro, 0n, 1n, 0)).toBe(E.NOTCAPABLE);
    });

    it('fd_filestat_set_times / path_filestat_set_times set exact times, NOW, and check their flags', () => {
      const g = guest(engine, fs());
      const t = 1_600_000_000_000_000_000n; // whole seconds: exact through utimes' double too
      const [, fd] = g.open('hello.txt');
      expect(g.call('fd_filestat_set_times', fd, t, t + 5_000_000_000n, FSTFLAGS.ATIM | FSTFLAGS.MTIM)).toBe(0);
      let st = g.filestat(fd)[1];
      expect([st.atim, st.mtim]).toEqual([t, t + 5_000_000_000n]);
      expect(g.call('fd_filestat_set_times', fd, 0n, t, FSTFLAGS.MTIM)).toBe(0);
      st = g.filestat(fd)[1];
      expect([st.atim, st.mtim]).toEqual([t, t]);
      expect(g.call('fd_filestat_set_times', fd, 0n, 0n, FSTFLAGS.MTIM_NOW)).toBe(0);
      expect(g.filestat(fd)[1].mtim).toBeGreaterThan(t + 100_000_000_000_000_000n);
      expect(g.call('fd_filestat_set_times', fd, 0n, 0n, FSTFLAGS.ATIM | FSTFLAGS.ATIM_NOW)).toBe(E.INVAL);
      expect(g.call('fd_filestat_set_times', fd, 0n, 0n, FSTFLAGS.MTIM | FSTFLAGS.MTIM_NOW)).toBe(E.INVAL);
      expect(g.call('fd_filestat_set_times', fd, 0n, 0n, 16)).toBe(E.INVAL);
      expect(g.call('fd_filestat_set_times', 3, t, t, FSTFLAGS.ATIM | FSTFLAGS.MTIM)).toBe(0);
      expect(g.filestat(3)[1].mtim).toBe(t);
      const [pp, n] = g.put('dir/a.txt');
      expect(g.call('path_filestat_set_times', 3, 0, pp, n, t, t, FSTFLAGS.ATIM | FSTFLAGS.MTIM)).toBe(0);
      expect(g.pathStat('dir/a.txt')[1].mtim).toBe(t);
      expect(g.call('path_filestat_set_times', 3, 0, pp, n, t, t, FSTFLAGS.ATIM | FSTFLAGS.ATIM_NOW)).toBe(E.INVAL);
      expect(g.call('path_filestat_set_times', 3, 4, pp, n, t, t, 0)).toBe(E.INVAL);
      const [mp, mn] = g.put('missing');
      expect(g.call('path_filestat_set_times', 3, 0, mp, mn, t, t, FSTFLAGS.MTIM)).toBe(E.NOENT);
      // Through a symlink with SYMLINK_FOLLOW: the target's times.
      const [lp, ln] = g.put('link');
      expect(g.call('path_filestat_set_times', 3, LOOKUP.SYMLINK_FOLLOW, lp, ln, t, t, FSTFLAGS.MTIM)).toBe(0);
      expect(g.pathStat('hello.txt')[1].mtim).toBe(t);
    });

    it('path_filestat_get: follow or not, trailing slash, errors', () => {
      const g = guest(engine, fs());
      const [r, st] = g.pathStat('hello.txt');
      expect([r, st.filetype, st.size]).toEqual([0, FILETYPE.REGULAR_FILE, 14n]);
      expect(g.pathStat('link')[1].filetype).toBe(FILETYPE.REGULAR_FILE);
      expect(g.pathStat('link', false)[1].filetype).toBe(FILETYPE.SYMBOLIC_LINK);
      expect(g.pathStat('dirlink/')[1].filetype).toBe(FILETYPE.DIRECTORY);
      expect(g.pathStat('dir/')[1].filetype).toBe(FILETYPE.DIRECTORY);
      expect(g.pathStat('.')[1].filetype).toBe(FILETYPE.DIRECTORY);
      expect(g.pathStat('hello.txt/')[0]).toBe(E.NOTDIR);
      expect(g.pathStat('missing')[0]).toBe(E.NOENT);
      expect(g.pathStat('hello.txt/x')[0]).toBe(E.NOTDIR);
      expect(g.pathStat('../sandbox')[0]).toBe(E.NOTCAPABLE);
      expect(g.pathStat('hello.txt', true, 1)[0]).toBe(E.BADF);
      const [p, n] = g.put('hello.txt');
      expect(g.call('path_filestat_get', 3, 0, p, n, 0x40000 - 8)).toBe(E.FAULT);
      expect(g.call('path_filestat_get', 3, 2, p, n, g.alloc(64))).toBe(E.INVAL);
      expect(g.pathStat('hello.txt')[1].ino).toBe(g.pathStat('link')[1].ino);
    });

    it('fd_close, fd_renumber: stale descriptors are EBADF, a renumbered preopen keeps its name', () => {
      const g = guest(engine, fs());
      const [, a] = g.open('hello.txt');
      const [, b] = g.open('dir/a.txt');
      expect(g.call('fd_renumber', a, b)).toBe(0);
      expect(g.read(b, 5)).toEqual([0, 'Hello']);
      expect(g.read(a, 5)[0]).toBe(E.BADF);
      expect(g.call('fd_renumber', b, a)).toBe(E.BADF);
      expect(g.call('fd_renumber', 3, b)).toBe(0);
      const p = g.alloc(8);
      expect(g.call('fd_prestat_get', b, p)).toBe(0);
      expect(g.call('fd_prestat_get', 3, p)).toBe(E.BADF);
      expect(g.open('hello.txt')[0]).toBe(E.BADF); // fd 3 is gone
      expect(g.open('hello.txt', 0, FILE_RIGHTS, 0, b)).toEqual([0, 3]);
      expect(g.call('fd_close', 3)).toBe(0);
      expect(g.call('fd_close', 3)).toBe(E.BADF);
      expect(g.call('fd_close', b)).toBe(0);
      expect(g.pathStat('hello.txt', true, b)[0]).toBe(E.BADF);
      expect(g.call('fd_close', -1)).toBe(E.BADF);
    });

    it('fd_readdir lists . and .. and every entry, with cookies and truncation at the buffer end', () => {
      const g = guest(engine, fs());
      const [r, all] = g.readdir(3);
      expect(r).toBe(0);
      expect(all.map((e) => e.name).sort()).toEqual(['.', '..', 'dir', 'dirlink', 'hello.txt', 'link']);
      expect(all.map((e) => e.next)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
      const types = Object.fromEntries(all.map((e) => [e.name, e.type]));
      expect(types).toEqual({
        '.': FILETYPE.DIRECTORY, '..': FILETYPE.DIRECTORY, dir: FILETYPE.DIRECTORY,
        dirlink: FILETYPE.SYMBOLIC_LINK, 'hello.txt': FILETYPE.REGULAR_FILE, link: FILETYPE.SYMBOLIC_LINK,
      });
      // Small buffers: the same entries, in the same order, through cookies.
      for (const size of [24 + 9, 40, 64]) expect(g.readdir(3, size)[1]).toEqual(all);
      // A buffer cut inside the first header: bufused == buf_len.
      const buf = g.alloc(64);
      const used = g.alloc(4);
      expect(g.call('fd_readdir', 3, buf, 10, 0n, used)).toBe(0);
      expect(g.u32(used)).toBe(10);
      expect(g.u64(buf)).toBe(1n);
      // Past the end: nothing.
      expect(g.call('fd_readdir', 3, buf, 64, 6n, used)).toBe(0);
      expect(g.u32(used)).toBe(0);
      expect(g.call('fd_readdir', 3, buf, 64, 1n << 63n, used)).toBe(0);
      expect(g.u32(used)).toBe(0);
      expect(g.call('fd_readdir', 3, buf, 0, 0n, used)).toBe(0);
      expect(g.u32(used)).toBe(0);
      const [, fd] = g.open('hello.txt');
      expect(g.call('fd_readdir', fd, buf, 64, 0n, used)).toBe(E.BADF);
      expect(g.call('fd_readdir', 9, buf, 64, 0n, used)).toBe(E.BADF);
      expect(g.call('fd_readdir', 3, 0x40000 - 8, 64, 0n, used)).toBe(E.FAULT);
      const [, d] = g.open('dir', OFLAGS.DIRECTORY, RIGHTS.PATH_OPEN);
      expect(g.call('fd_readdir', d, buf, 64, 0n, used)).toBe(E.NOTCAPABLE);
      // Cookie 0 reads the directory again.
      expect(g.pathCall('path_create_directory', 'fresh')).toBe(0);
      expect(g.readdir(3)[1].map((e) => e.name)).toContain('fresh');
    });

    it('path_create_directory and path_remove_directory', () => {
      const g = guest(engine, fs());
      expect(g.pathCall('path_create_directory', 'newdir')).toBe(0);
      expect(g.pathStat('newdir')[1].filetype).toBe(FILETYPE.DIRECTORY);
      expect(g.pathCall('path_create_directory', 'newdir')).toBe(E.EXIST);
      expect(g.pathCall('path_create_directory', 'newdir/sub/')).toBe(0);
      expect(g.pathCall('path_create_directory', 'missing/sub')).toBe(E.NOENT);
      expect(g.pathCall('path_create_directory', '.')).toBe(E.EXIST);
      expect(g.pathCall('path_create_directory', 'hello.txt')).toBe(E.EXIST);
      expect(g.pathCall('path_create_directory', '../escape')).toBe(E.NOTCAPABLE);
      expect(g.pathCall('path_create_directory', '/abs')).toBe(E.NOTCAPABLE);
      expect(g.pathCall('path_remove_directory', 'newdir')).toBe(E.NOTEMPTY);
      expect(g.pathCall('path_remove_directory', 'newdir/sub')).toBe(0);
      expect(g.pathCall('path_remove_directory', 'newdir')).toBe(0);
      expect(g.pathStat('newdir')[0]).toBe(E.NOENT);
      expect(g.pathCall('path_remove_directory', 'newdir')).toBe(E.NOENT);
      expect(g.pathCall('path_remove_directory', 'hello.txt')).toBe(E.NOTDIR);
      expect(g.pathCall('path_remove_directory', '.')).toBe(E.INVAL);
      expect(g.pathCall('path_remove_directory', 'dirlink')).toBe(E.NOTDIR);
      const [, ro] = g.open('.', OFLAGS.DIRECTORY, RIGHTS.PATH_OPEN);
      expect(g.pathCall('path_create_directory', 'x', ro)).toBe(E.NOTCAPABLE);
      expect(g.pathCall('path_remove_directory', 'dir', ro)).toBe(E.NOTCAPABLE);
      expect(g.pathCall('path_create_directory', 'x', 9)).toBe(E.BADF);
    });

    it('path_unlink_file', () => {
      const g = guest(engine, fs());
      expect(g.pathCall('path_unlink_file', 'link')).toBe(0);
      expect(g.pathStat('hello.txt')[0]).toBe(0); // the link, not its target
      expect(g.pathCall('path_unlink_file', 'hello.txt')).toBe(0);
      expect(g.pathCall('path_unlink_file', 'hello.txt')).toBe(E.NOENT);
      expect(g.pathCall('path_unlink_file', 'dir')).toBe(E.ISDIR);
      expect(g.pathCall('path_unlink_file', 'dir/')).toBe(E.ISDIR);
      expect(g.pathCall('path_unlink_file', 'dir/a.txt/')).toBe(E.NOTDIR);
      expect(g.pathCall('path_unlink_file', '.')).toBe(E.ISDIR);
      expect(g.pathCall('path_unlink_file', '../outside.txt')).toBe(E.NOTCAPABLE);
      const [, ro] = g.open('.', OFLAGS.DIRECTORY, RIGHTS.PATH_OPEN);
      expect(g.pathCall('path_unlink_file', 'dir/a.txt', ro)).toBe(E.NOTCAPABLE);
    });

    it('path_rename', () => {
      const g = guest(engine, fs());
      const rename = (a: string, b: string, fa = 3, fb = 3): number => {
        const [pa, na] = g.put(a);
        const [pb, nb] = g.put(b);
        return g.call('path_rename', fa, pa, na, fb, pb, nb);
      };
      expect(rename('hello.txt', 'dir/moved.txt')).toBe(0);
      expect(g.pathStat('dir/moved.txt')[1].size).toBe(14n);
      expect(g.pathStat('hello.txt')[0]).toBe(E.NOENT);
      expect(rename('dir', 'dir2')).toBe(0);
      expect(g.pathStat('dir2/a.txt')[0]).toBe(0);
      expect(rename('missing', 'x')).toBe(E.NOENT);
      expect(rename('.', 'x')).toBe(E.BUSY);
      expect(rename('dir2/a.txt', '.')).toBe(E.BUSY);
      expect(rename('dir2/a.txt', '../stolen.txt')).toBe(E.NOTCAPABLE);
      expect(g.pathCall('path_create_directory', 'empty')).toBe(0);
      expect(rename('dir2/a.txt', 'empty')).toBe(E.ISDIR);
      expect(rename('empty', 'dir2/b.txt')).toBe(E.NOTDIR);
      const [, d] = g.open('dir2', OFLAGS.DIRECTORY, READ_ONLY | RIGHTS.PATH_OPEN);
      expect(rename('a.txt', 'b', d, 3)).toBe(E.NOTCAPABLE);
      expect(rename('dir2/a.txt', 'x', 3, d)).toBe(E.NOTCAPABLE);
      expect(rename('x', 'y', 3, 1)).toBe(E.BADF);
    });

    it('path_link', () => {
      const g = guest(engine, fs());
      const link = (a: string, b: string, flags = 0): number => {
        const [pa, na] = g.put(a);
        const [pb, nb] = g.put(b);
        return g.call('path_link', 3, flags, pa, na, 3, pb, nb);
      };
      expect(link('hello.txt', 'dir/hard')).toBe(0);
      expect(g.pathStat('hello.txt')[1].nlink).toBe(2n);
      expect(g.pathStat('dir/hard')[1].ino).toBe(g.pathStat('hello.txt')[1].ino);
      expect(link('hello.txt', 'dir/hard')).toBe(E.EXIST);
      expect(link('missing', 'x')).toBe(E.NOENT);
      expect(link('dir', 'dir3')).toBe(E.PERM);
      expect(link('.', 'dir3')).toBe(E.PERM);
      expect(link('hello.txt', '.')).toBe(E.EXIST);
      expect(link('hello.txt', '../outside2')).toBe(E.NOTCAPABLE);
      expect(link('link', 'viafollow', LOOKUP.SYMLINK_FOLLOW)).toBe(0);
      expect(g.pathStat('viafollow', false)[1].filetype).toBe(FILETYPE.REGULAR_FILE);
      expect(link('link', 'nofollow')).toBe(0);
      expect(g.pathStat('nofollow', false)[1].filetype).toBe(FILETYPE.SYMBOLIC_LINK);
      expect(link('hello.txt', 'x', 2)).toBe(E.INVAL);
    });

    it('path_symlink and path_readlink (truncated to the buffer)', () => {
      const g = guest(engine, fs());
      const sym = (target: string, path: string): number => {
        const [pt, nt] = g.put(target);
        const [pp, np] = g.put(path);
        return g.call('path_symlink', pt, nt, 3, pp, np);
      };
      const readlink = (path: string, size: number): [number, string] => {
        const [pp, np] = g.put(path);
        const buf = g.alloc(size);
        const used = g.alloc(4);
        const r = g.call('path_readlink', 3, pp, np, buf, size, used);
        return [r, g.str(buf, g.u32(used))];
      };
      expect(sym('dir/a.txt', 'toa')).toBe(0);
      expect(readlink('toa', 100)).toEqual([0, 'dir/a.txt']);
      expect(readlink('toa', 4)).toEqual([0, 'dir/']);
      expect(readlink('toa', 0)).toEqual([0, '']);
      const [r, fd] = g.open('toa', 0, READ_ONLY);
      expect(r).toBe(0);
      expect(g.read(fd, 10)).toEqual([0, 'A']);
      expect(sym('../hello.txt', 'dir/up')).toBe(0);
      expect(g.pathStat('dir/up')[1].size).toBe(14n);
      expect(sym('dangling', 'dl')).toBe(0);
      expect(g.pathStat('dl')[0]).toBe(E.NOENT);
      expect(g.open('dl', OFLAGS.CREAT | OFLAGS.EXCL)[0]).toBe(E.EXIST); // EXCL does not follow the link
      expect(g.open('dl', OFLAGS.CREAT)[0]).toBe(0); // creates the target
      expect(g.pathStat('dangling')[0]).toBe(0);
      expect(sym('x', 'toa')).toBe(E.EXIST);
      expect(sym('x', '.')).toBe(E.EXIST);
      expect(sym('', 'empty')).toBe(E.NOENT);
      expect(sym('/etc/passwd', 'abs')).toBe(E.PERM);
      expect(sym('../outside.txt', 'out')).toBe(E.NOTCAPABLE);
      expect(sym('dir/../../outside.txt', 'out')).toBe(E.NOTCAPABLE);
      expect(sym('x', '../out')).toBe(E.NOTCAPABLE);
      expect(readlink('hello.txt', 10)[0]).toBe(E.INVAL);
      expect(readlink('.', 10)[0]).toBe(E.INVAL);
      expect(readlink('missing', 10)[0]).toBe(E.NOENT);
      const [pp, np] = g.put('toa');
      expect(g.call('path_readlink', 3, pp, np, 0x40000 - 4, 10, g.alloc(4))).toBe(E.FAULT);
      expect(g.call('path_readlink', 1, pp, np, g.alloc(4), 4, g.alloc(4))).toBe(E.BADF);
    });
  });

  it('hard links and renames between different preopens are EXDEV', () => {
    const mem = memoryFs().fs!;
    const host = hostFs().preopens!;
    const g = guest(engine, { fs: mem, preopens: host });
    // preopens come first: /sandbox on the host is 3, the memory one 4.
    const [a, na] = g.put('hello.txt');
    const [b, nb] = g.put('copy.txt');
    expect(g.call('path_link', 3, 0, a, na, 4, b, nb)).toBe(E.XDEV);
    expect(g.call('path_rename', 4, a, na, 3, b, nb)).toBe(E.XDEV);
  });

  it('the host backend writes through to the host directory, and nothing outside it changes', () => {
    const opts = hostFs();
    const dir = opts.preopens!['/sandbox']!;
    const g = guest(engine, opts);
    const [, fd] = g.open('made.txt', OFLAGS.CREAT);
    g.write(fd, 'from wasm');
    expect(readFileSync(join(dir, 'made.txt'), 'utf8')).toBe('from wasm');
    expect(statSync(join(dir, '..', 'outside.txt')).size).toBe(6);
  });
});

// ---- poll_oneoff ----------------------------------------------------------------------------------------------

describe.each(ENGINES)('poll_oneoff (%s)', (_name, engine) => {
  /** Writes subscriptions; returns [errno, events as {userdata, error, type, nbytes}]. */
  function poll(g: Guest, subs: ({ clock: bigint; id?: number; abs?: boolean; userdata: bigint } |
    { fd: number; write?: boolean; userdata: bigint } | { tag: number; userdata: bigint })[]) {
    const p = g.alloc(Math.max(1, subs.length) * 48);
    subs.forEach((s, i) => {
      const b = p + i * 48;
      g.dv.setBigUint64(b, s.userdata, true);
      if ('clock' in s) {
        g.dv.setUint8(b + 8, EVENTTYPE.CLOCK);
        g.dv.setUint32(b + 16, s.id ?? 1, true);
        g.dv.setBigUint64(b + 24, s.clock, true);
        g.dv.setUint16(b + 40, s.abs ? 1 : 0, true);
      } else if ('fd' in s) {
        g.dv.setUint8(b + 8, s.write ? EVENTTYPE.FD_WRITE : EVENTTYPE.FD_READ);
        g.dv.setUint32(b + 16, s.fd, true);
      } else g.dv.setUint8(b + 8, s.tag);
    });
    const ev = g.alloc(Math.max(1, subs.length) * 32);
    const np = g.alloc(4);
    const r = g.call('poll_oneoff', p, ev, subs.length, np);
    const events = Array.from({ length: r === 0 ? g.u32(np) : 0 }, (_, i) => ({
      userdata: g.u64(ev + i * 32), error: g.u16(ev + i * 32 + 8), type: g.u8(ev + i * 32 + 10),
      nbytes: g.u64(ev + i * 32 + 16),
    }));
    return [r, events] as const;
  }

  it('sleeps for a relative clock subscription', () => {
    const g = guest(engine);
    const t0 = performance.now();
    const [r, ev] = poll(g, [{ clock: 30_000_000n, userdata: 7n }]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(r).toBe(0);
    expect(ev).toEqual([{ userdata: 7n, error: 0, type: EVENTTYPE.CLOCK, nbytes: 0n }]);
  });

  it('the earliest of several clocks wins; absolute deadlines in the past fire at once', () => {
    const g = guest(engine);
    const t0 = performance.now();
    const [r, ev] = poll(g, [
      { clock: 5_000_000_000n, userdata: 1n }, { clock: 20_000_000n, userdata: 2n, id: 0 },
      { clock: 1_000_000_000n, userdata: 3n },
    ]);
    const dt = performance.now() - t0;
    expect(r).toBe(0);
    expect(dt).toBeGreaterThanOrEqual(19);
    expect(dt).toBeLessThan(900);
    expect(ev.map((e) => e.userdata)).toEqual([2n]);
    const now = g.alloc(8);
    g.call('clock_time_get', 1, 0n, now);
    const [r2, ev2] = poll(g, [{ clock: g.u64(now) - 1n, abs: true, userdata: 4n }, { clock: 1n, abs: true, userdata: 5n }]);
    expect(r2).toBe(0);
    expect(ev2.map((e) => e.userdata)).toEqual([4n, 5n]);
    g.call('clock_time_get', 0, 0n, now);
    const t1 = performance.now();
    const [r3, ev3] = poll(g, [{ clock: g.u64(now) + 15_000_000n, abs: true, id: 0, userdata: 6n }]);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(10);
    expect([r3, ev3.length]).toEqual([0, 1]);
  });

  it('fd subscriptions are ready at once: file reads report the bytes left, stdout is writable', () => {
    const g = guest(engine, memoryFs());
    const [, fd] = g.open('hello.txt');
    g.read(fd, 4);
    const t0 = performance.now();
    const [r, ev] = poll(g, [
      { clock: 10_000_000_000n, userdata: 1n }, { fd, userdata: 2n }, { fd: 1, write: true, userdata: 3n },
      { fd: 0, userdata: 4n }, { fd, write: true, userdata: 5n },
    ]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r).toBe(0);
    expect(ev.map((e) => [e.userdata, e.type, e.error])).toEqual([
      [2n, EVENTTYPE.FD_READ, 0], [3n, EVENTTYPE.FD_WRITE, 0], [4n, EVENTTYPE.FD_READ, 0], [5n, EVENTTYPE.FD_WRITE, 0],
    ]);
    expect(ev[0]!.nbytes).toBe(10n);
  });

  it('errors: no subscriptions, bad descriptors, unknown tags and clocks, bad addresses', () => {
    const g = guest(engine, memoryFs());
    expect(poll(g, [])[0]).toBe(E.INVAL);
    expect(poll(g, [{ fd: 9, userdata: 1n }])[0]).toBe(E.BADF);
    expect(poll(g, [{ fd: 3, userdata: 1n }])[0]).toBe(E.BADF);
    expect(poll(g, [{ fd: 1, userdata: 1n }])[0]).toBe(E.BADF);
    expect(poll(g, [{ fd: 0, write: true, userdata: 1n }])[0]).toBe(E.BADF);
    expect(poll(g, [{ tag: 3, userdata: 1n }])[0]).toBe(E.INVAL);
    expect(poll(g, [{ clock: 1n, id: 2, userdata: 1n }])[0]).toBe(E.INVAL);
    expect(poll(g, [{ clock: 1n, id: 9, userdata: 1n }])[0]).toBe(E.INVAL);
    expect(g.call('poll_oneoff', 0x40000 - 40, g.alloc(32), 1, g.alloc(4))).toBe(E.FAULT);
    expect(g.call('poll_oneoff', g.alloc(48), 0x40000 - 16, 1, g.alloc(4))).toBe(E.FAULT);
    const [, fd] = g.open('hello.txt', 0, RIGHTS.FD_READ);
    expect(poll(g, [{ fd, userdata: 1n }])[0]).toBe(E.NOTCAPABLE);
  });
});
