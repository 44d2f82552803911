// Harness of the WASI program tests: runs one C program of test/wasi/c/ under a given engine/WASI pair and
// captures its stdout, stderr and exit code; makes temporary directories; snapshots host trees (to prove a
// run changed nothing outside its sandbox); diffs transcripts; lists the programs' runs (RUNS).
//
// Engine/WASI pairs:
//   api     wajit's WebAssembly + wajit's WASI, in this process (stdout/stderr captured through functions)
//   native  Node's native WebAssembly + wajit's WASI, in this process (one runtime serving both engines)
//   memfs   like api, with /sandbox mounted on wajit's in-memory filesystem instead of a host directory
//   cli     `node bin/wajit.js run --dir HOST::GUEST --env K=V module.wasm args...`, a child process
//   node    Node's native WebAssembly + node:wasi, in a child process (node:wasi can hang, abort the process
//           or raise host signals; a child keeps that away from the test worker)
// Child processes run asynchronously, so several can overlap, and are killed after a timeout.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync,
  symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebAssembly as Wajit } from '../../src/index.js';
import { E } from '../../runtime/wasi/constants.js';
import { FsError, type OpenFileFlags } from '../../runtime/wasi/fs.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const C_DIR = join(ROOT, 'test', 'wasi', 'c');
const BIN = join(ROOT, 'bin', 'wajit.js');

export type Engine = 'api' | 'native' | 'memfs' | 'cli' | 'node';

export interface RunOptions {
  /** Arguments after the program name. */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Guest path -> host directory. */
  readonly dirs?: Readonly<Record<string, string>>;
  /** Guest paths mounted on an in-memory filesystem (engine memfs only). */
  readonly memDirs?: readonly string[];
  readonly stdin?: string;
  /** Child processes only. */
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code; null when the run ended otherwise (trap, timeout, signal: see `end`). */
  readonly exitCode: number | null;
  /** How a run that did not exit ended: 'trap: ...', 'timeout', 'signal SIGABRT'. */
  readonly end?: string;
}

export function wasmPath(program: string): string {
  return join(C_DIR, `${program}.wasm`);
}

// ---------------------------------------------------------------------------------------------------------
// The runs of the programs: one expected transcript each (test/wasi/c/<id>.expected), stdout only.

export interface ProgramRun {
  /** Expected-file stem: the program name, or program.variant for further runs of one program. */
  readonly id: string;
  readonly program: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Preopen a fresh empty temporary directory at /sandbox. */
  readonly sandbox?: boolean;
  readonly stdin?: string;
  readonly exitCode: number;
}

const ENV = { WAJIT_A: '1', WAJIT_SPACES: 'two words', WAJIT_EMPTY: '', WAJIT_EQ: 'a=b' };

/** stdin of stdin_echo: a few odd lines, then 3000 generated ones (~100 KB), the last without a newline. */
export function echoInput(): string {
  const lines = ['alpha', '', '  indented\twith tab', 'ünïcødé ✓', 'a "quoted" \\ line', 'x'.repeat(1500)];
  for (let i = 0; i < 3000; i++) lines.push(`line ${i} ${'abcdefghij'.repeat(i % 7)}`);
  return `${lines.join('\n')}\nno newline at the end`;
}

export const RUNS: readonly ProgramRun[] = [
  { id: 'fs_basic', program: 'fs_basic', sandbox: true, exitCode: 0 },
  { id: 'fs_dirs', program: 'fs_dirs', sandbox: true, exitCode: 0 },
  { id: 'fs_links', program: 'fs_links', sandbox: true, exitCode: 0 },
  { id: 'fs_times', program: 'fs_times', sandbox: true, exitCode: 0 },
  { id: 'fd_ops', program: 'fd_ops', sandbox: true, exitCode: 0 },
  { id: 'clocks_random_poll', program: 'clocks_random_poll', sandbox: true, exitCode: 0 },
  { id: 'sockets_misc', program: 'sockets_misc', sandbox: true, exitCode: 0 },
  { id: 'args_env_exit', program: 'args_env_exit', args: ['exit', '7', '', 'two words', 'ünïcødé ✓', '--flag', '-x'], env: ENV, exitCode: 7 },
  { id: 'args_env_exit.proc_exit', program: 'args_env_exit', args: ['proc_exit', '3'], env: ENV, exitCode: 3 },
  { id: 'args_env_exit.return', program: 'args_env_exit', args: ['return', '42'], env: ENV, exitCode: 42 },
  { id: 'stdin_echo', program: 'stdin_echo', stdin: echoInput(), exitCode: 0 },
];

/** Runs whose programs use /sandbox only through paths (no host-specific setup): also run on memfs. */
export const MEMFS_RUNS = RUNS.filter((r) => r.sandbox);

export function expectedPath(id: string): string {
  return join(C_DIR, `${id}.expected`);
}

export function readExpected(id: string): string {
  return readFileSync(expectedPath(id), 'utf8');
}

// ---------------------------------------------------------------------------------------------------------
// wajit's WASI, loaded on first use so that a missing runtime fails the tests that need it, with a message.

interface WasiInstanceLike { exports: Record<string, unknown> }
interface WasiLike {
  getImportObject(): Record<string, Record<string, unknown>>;
  start(instance: WasiInstanceLike): number | undefined;
}
type WasiCtor = new (options: Record<string, unknown>) => WasiLike;
interface WasiModule { WASI: WasiCtor; MemoryBackend?: new () => unknown }

let wasiModule: Promise<WasiModule> | undefined;

export function loadWajitWasi(): Promise<WasiModule> {
  wasiModule ??= (async () => {
    const mod = (await import('../../runtime/wasi/index.js')) as unknown as Partial<WasiModule>;
    if (typeof mod.WASI !== 'function') throw new Error('runtime/wasi/index.ts does not export a WASI class');
    return mod as WasiModule;
  })();
  return wasiModule;
}

/** Node's own engine, typed as wajit's namespace (the project's libs do not declare WebAssembly). */
const Native = (globalThis as unknown as { WebAssembly: typeof Wajit }).WebAssembly;

const moduleCache = new Map<string, Promise<unknown>>();

async function compiled(api: typeof Wajit, key: string, program: string): Promise<unknown> {
  const k = `${key}:${program}`;
  let m = moduleCache.get(k);
  if (!m) {
    m = api.compile(readFileSync(wasmPath(program)));
    moduleCache.set(k, m);
  }
  return m;
}

async function runInProcess(engine: 'api' | 'native' | 'memfs', program: string, o: RunOptions): Promise<RunResult> {
  const { WASI, MemoryBackend } = await loadWajitWasi();
  const api = engine === 'native' ? Native : Wajit;
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let stdinFd: number | undefined;
  let stdinDir: string | undefined;
  if (o.stdin !== undefined) {
    stdinDir = tempDir('stdin');
    const file = join(stdinDir, 'stdin');
    writeFileSync(file, o.stdin);
    stdinFd = openSync(file, 'r');
  }
  const options: Record<string, unknown> = {
    version: 'preview1',
    args: [program, ...(o.args ?? [])],
    env: { ...(o.env ?? {}) },
    preopens: { ...(o.dirs ?? {}) },
    stdout: (bytes: Uint8Array) => void out.push(bytes.slice()),
    stderr: (bytes: Uint8Array) => void err.push(bytes.slice()),
    returnOnExit: true,
  };
  if (stdinFd !== undefined) options.stdin = stdinFd;
  if (o.memDirs?.length) {
    if (!MemoryBackend) throw new Error('runtime/wasi/index.ts does not export MemoryBackend');
    options.fs = Object.fromEntries(o.memDirs.map((g) => [g, new MemoryBackend()]));
  }
  const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('utf8');
  try {
    const wasi = new WASI(options);
    const mod = await compiled(api, engine === 'native' ? 'native' : 'wajit', program);
    const instance = (await api.instantiate(mod as never, wasi.getImportObject() as never)) as unknown as WasiInstanceLike;
    const code = wasi.start(instance);
    return { stdout: text(out), stderr: text(err), exitCode: code ?? 0 };
  } catch (e) {
    return { stdout: text(out), stderr: text(err), exitCode: null, end: `trap: ${(e as Error).message}` };
  } finally {
    if (stdinFd !== undefined) closeSync(stdinFd);
    if (stdinDir) rmSync(stdinDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Child processes.

/** The node:wasi runner: options as JSON in the last argument. */
const NODE_WASI_RUNNER = `
import { WASI } from 'node:wasi';
import { openSync, readFileSync } from 'node:fs';
const o = JSON.parse(process.argv[process.argv.length - 1]);
const wasi = new WASI({ version: 'preview1', args: o.args, env: o.env, preopens: o.preopens, returnOnExit: true,
  stdin: o.stdinFile ? openSync(o.stdinFile, 'r') : 0 });
const { instance } = await WebAssembly.instantiate(readFileSync(o.wasm), wasi.getImportObject());
try {
  process.exitCode = wasi.start(instance) ?? 0;
} catch (e) {
  process.stderr.write('trap: ' + e.message + '\\n');
  process.exitCode = 99;
}
`;

function spawnCollect(args: string[], input: string | undefined, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.stdin.on('error', () => {}); // a program that exits without reading its stdin
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) resolve({ stdout, stderr, exitCode: null, end: 'timeout' });
      else if (code === null) resolve({ stdout, stderr, exitCode: null, end: `signal ${signal}` });
      else resolve({ stdout, stderr, exitCode: code });
    });
    child.stdin.end(input ?? '');
  });
}

async function runChild(engine: 'cli' | 'node', program: string, o: RunOptions): Promise<RunResult> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  if (engine === 'cli') {
    const args = [BIN, 'run'];
    for (const [guest, host] of Object.entries(o.dirs ?? {})) args.push('--dir', `${host}::${guest}`);
    for (const [k, v] of Object.entries(o.env ?? {})) args.push('--env', `${k}=${v}`);
    args.push(wasmPath(program), ...(o.args ?? []));
    return spawnCollect(args, o.stdin, timeoutMs);
  }
  let stdinDir: string | undefined;
  let stdinFile: string | undefined;
  if (o.stdin !== undefined) {
    stdinDir = tempDir('stdin');
    stdinFile = join(stdinDir, 'stdin');
    writeFileSync(stdinFile, o.stdin);
  }
  const spec = { wasm: wasmPath(program), args: [program, ...(o.args ?? [])], env: o.env ?? {}, preopens: o.dirs ?? {}, stdinFile };
  try {
    return await spawnCollect(['--no-warnings', '--input-type=module', '-e', NODE_WASI_RUNNER, JSON.stringify(spec)], undefined, timeoutMs);
  } finally {
    if (stdinDir) rmSync(stdinDir, { recursive: true, force: true });
  }
}

/** Runs `program` (test/wasi/c/<program>.wasm) under `engine`. */
export function runProgram(engine: Engine, program: string, options: RunOptions = {}): Promise<RunResult> {
  if (engine === 'cli' || engine === 'node') return runChild(engine, program, options);
  return runInProcess(engine, program, options);
}

/** Runs one entry of RUNS, with a fresh /sandbox when it wants one (removed afterwards). */
export async function runEntry(engine: Engine, run: ProgramRun, timeoutMs?: number): Promise<RunResult> {
  const sandbox = run.sandbox && engine !== 'memfs' ? tempDir(run.id) : undefined;
  try {
    return await runProgram(engine, run.program, {
      args: run.args, env: run.env, stdin: run.stdin, timeoutMs,
      dirs: sandbox ? { '/sandbox': sandbox } : undefined,
      memDirs: run.sandbox && engine === 'memfs' ? ['/sandbox'] : undefined,
    });
  } finally {
    if (sandbox) rmSync(sandbox, { recursive: true, force: true });
  }
}

export { ensureCliBuilt } from '../cli-build.js';

// ---------------------------------------------------------------------------------------------------------
// Temporary directories and tree snapshots.

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `wajit-wasi-${label.replace(/[^a-z0-9_]/gi, '_')}-`));
}

/**
 * Everything lstat and the contents say about the tree under `root`, one entry per path (relative, '/'
 * separators): type, mode, size, mtime in ns, and a content hash (files) or the target (symlinks). Paths in
 * `skip` (relative) are left out with everything below them. Never follows a symlink.
 */
export function snapshotTree(root: string, skip: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (path: string): void => {
    const rel = relative(root, path).split(sep).join('/') || '.';
    if (skip.includes(rel)) return;
    const st = lstatSync(path, { bigint: true });
    const common = `mode ${st.mode.toString(8)} size ${st.size} mtime ${st.mtimeNs}`;
    if (st.isSymbolicLink()) {
      out.set(rel, `symlink -> ${readlinkSync(path)} (${common})`);
    } else if (st.isDirectory()) {
      const names = readdirSync(path).sort();
      out.set(rel, `directory [${names.join(', ')}] (${common})`);
      for (const name of names) visit(join(path, name));
    } else if (st.isFile()) {
      const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
      out.set(rel, `file sha256 ${hash} (${common})`);
    } else {
      out.set(rel, `other (${common})`);
    }
  };
  visit(root);
  return out;
}

/** The differences between two snapshots, one line per changed, added or removed path. */
export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (now === undefined) changes.push(`removed ${path}: ${was}`);
    else if (now !== was) changes.push(`changed ${path}: ${was} => ${now}`);
  }
  for (const [path, now] of after) if (!before.has(path)) changes.push(`added ${path}: ${now}`);
  return changes;
}

// ---------------------------------------------------------------------------------------------------------
// Transcripts.

/** Splits a transcript into lines (a final newline ends the last line rather than starting an empty one). */
export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/**
 * A line diff of `expected` against `actual` (longest common subsequence): the lines only `expected` has
 * ('-') and the lines only `actual` has ('+'), in order.
 */
export function diffLines(expected: readonly string[], actual: readonly string[]): { removed: string[]; added: string[] } {
  const n = expected.length;
  const m = actual.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push(actual[j++]!);
    } else {
      removed.push(expected[i++]!);
    }
  }
  return { removed, added };
}

/** The names a module imports from wasi_snapshot_preview1 (read with Node's engine). */
export function wasiImports(program: string): string[] {
  const mod = new Native.Module(readFileSync(wasmPath(program)));
  return Native.Module.imports(mod).filter((i) => i.module === 'wasi_snapshot_preview1').map((i) => i.name);
}

/** Every function of wasi_snapshot_preview1 (the witx, 46 of them). */
export const PREVIEW1_FUNCTIONS: readonly string[] = [
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
  'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
  'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get', 'sock_accept',
  'sock_recv', 'sock_send', 'sock_shutdown',
];

// ---------------------------------------------------------------------------------------------------------
// The host tree of the hostile program (see the header of test/wasi/c/hostile.c):
//   <base>/outer/outer_file, <base>/outer/parent/{parent_file, secret/..., sandbox/...}
// Everything under <base> but the sandbox is what the guest must leave alone.

export interface HostileTree {
  /** The temporary directory holding everything (remove it afterwards). */
  readonly base: string;
  /** The host directory preopened as /sandbox. */
  readonly sandbox: string;
  /** Relative to base: the part of the tree the snapshot leaves out (the sandbox). */
  readonly skip: readonly string[];
}

export function makeHostileTree(): HostileTree {
  const base = tempDir('hostile');
  const outer = join(base, 'outer');
  const parent = join(outer, 'parent');
  const secret = join(parent, 'secret');
  const sandbox = join(parent, 'sandbox');
  const mk = (p: string): void => void mkdirSync(p, { recursive: true });
  mk(join(secret, 'emptydir'));
  mk(join(secret, 'sd'));
  mk(join(sandbox, 'dir'));
  writeFileSync(join(outer, 'outer_file'), 'OUTER\n');
  writeFileSync(join(parent, 'parent_file'), 'PARENT\n');
  writeFileSync(join(secret, 'x'), 'SECRET-X\n');
  writeFileSync(join(secret, 'y'), 'SECRET-Y\n');
  writeFileSync(join(secret, 'sd', 'z'), 'SECRET-Z\n');
  symlinkSync('x', join(secret, 'link_in_secret'));
  writeFileSync(join(sandbox, 'file.txt'), 'inside\n');
  writeFileSync(join(sandbox, 'dir', 'inner.txt'), 'inner\n');
  const links: [string, string][] = [
    ['abs_etc', '/etc'], ['abs_secret', secret], ['abs_guest', '/sandbox/file.txt'],
    ['rel_secret', '../secret'], ['rel_secret_x', '../secret/x'],
    ['chain1', 'chain2'], ['chain2', 'chain3'], ['chain3', '../secret'],
    ['chain_in1', 'chain_in2'], ['chain_in2', 'dir'],
    ['dangling_out', '../secret/nothere'], ['dangling_in', 'nothere'],
    ['trans', '../sandbox/file.txt'], ['dot_escape', 'dir/../../secret'],
    ['loop1', 'loop2'], ['loop2', 'loop1'],
    ['dir/up', '..'], ['dir/upup', '../..'],
  ];
  for (const [name, target] of links) symlinkSync(target, join(sandbox, name));
  // Old, distinct times outside, so that any touch shows in the snapshot's mtimes.
  const old = new Date('2001-02-03T04:05:06Z');
  for (const p of [join(secret, 'x'), join(secret, 'y'), join(secret, 'sd', 'z'), join(secret, 'sd'), join(secret, 'emptydir'), secret, join(parent, 'parent_file'), join(outer, 'outer_file')])
    utimesSync(p, old, old);
  return { base, sandbox, skip: ['outer/parent/sandbox'] };
}

/** The errno a backend or resolver operation fails with (SUCCESS when it does not); anything but FsError is a test failure. */
export function errno(op: () => unknown): number {
  try {
    op();
  } catch (e) {
    if (e instanceof FsError) return e.errno;
    throw e;
  }
  return E.SUCCESS;
}

/** Open flags for a backend: read-only unless `over` says otherwise. */
export const openFlags = (over: Partial<OpenFileFlags> = {}): OpenFileFlags => ({
  read: true,
  write: false,
  create: false,
  exclusive: false,
  truncate: false,
  append: false,
  ...over,
});
