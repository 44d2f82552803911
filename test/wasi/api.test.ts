// The WASI class as an API: construction options, start/initialize/finalizeBindings, the errors for misuse
// compared one by one with node:wasi's (class and code), commands and reactors under wajit and native
// WebAssembly, memory growth, host file descriptors as stdio, and, in child processes, interactive stdin,
// back-pressure on stdout and `returnOnExit: false`.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WASI as NodeWASI } from 'node:wasi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Native, Wajit, watToWasm, type Api } from '../diff/harness.js';
import { WASI as WajitWASI } from '../../src/index.js';
import { WASI, WASIExit, MemoryBackend, type WASIOptions } from '../../runtime/wasi/index.js';

const ENGINES: [string, Api][] = [['wajit', Wajit], ['native', Native]];

const HELLO = watToWasm('hello.wat', `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);

const EXIT = watToWasm('exit.wat', `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 3)) unreachable))`);

const TRAP = watToWasm('trap.wat', `(module
  (memory (export "memory") 1)
  (func (export "_start") unreachable))`);

const REACTOR = watToWasm('reactor.wat', `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (global $ready (mut i32) (i32.const 0))
  (data (i32.const 16) "ready")
  (func (export "_initialize") (global.set $ready (i32.const 1)))
  (func (export "ready") (result i32) (global.get $ready))
  (func (export "say") (result i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 5))
    (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "quit") (call $exit (i32.const 9))))`);

/** Grows memory by 2 pages, then writes "grown" from the new last page. */
const GROW = watToWasm('grow.wat', `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 8)))
    (drop (memory.grow (i32.const 2)))
    (i32.store (i32.const 0x20000) (i32.const 0x776f7267)) ;; "grow"
    (i32.store8 (i32.const 0x20004) (i32.const 0x6e))      ;; "n"
    (i32.store (i32.const 0x20010) (i32.const 0x20000))
    (i32.store (i32.const 0x20014) (i32.const 5))
    (drop (call $write (i32.const 1) (i32.const 0x20010) (i32.const 1) (i32.const 0x20018)))))`);

/** A command whose memory is imported (env.memory). */
const IMPORTED_MEMORY = watToWasm('imported.wat', `(module
  (import "env" "memory" (memory 1))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (data (i32.const 16) "imported")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 8))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);

/** Echoes stdin to stdout, one fd_read (up to 1000 bytes) at a time, until end of input. */
const ECHO = watToWasm('echo.wat', `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $again
      (i32.store (i32.const 0) (i32.const 100))
      (i32.store (i32.const 4) (i32.const 1000))
      (if (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (then (unreachable)))
      (if (i32.eqz (i32.load (i32.const 8))) (then (return)))
      (i32.store (i32.const 4) (i32.load (i32.const 8)))
      (if (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)) (then (unreachable)))
      (br $again))))`);

/** Writes 4 MiB to stdout in 4 KiB calls, then exits with proc_exit(5). */
const FLOOD = watToWasm('flood.wat', `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $i i32)
    (memory.fill (i32.const 64) (i32.const 0x61) (i32.const 4096))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 4096))
    (loop $l
      (if (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then (unreachable)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1024))))
    (call $exit (i32.const 5))))`);

function instantiate(engine: Api, bytes: Uint8Array, imports: object): { exports: Record<string, unknown> } {
  return new engine.Instance(new engine.Module(bytes), imports as never) as unknown as { exports: Record<string, unknown> };
}

/** A WASI whose stdout is collected into a string. */
function captured(options: Partial<WASIOptions> = {}): { wasi: WASI; out: () => string } {
  const chunks: Uint8Array[] = [];
  const wasi = new WASI({ version: 'preview1', stdout: (b) => chunks.push(b), ...options });
  return { wasi, out: () => Buffer.concat(chunks).toString() };
}

// ---- misuse errors, compared with node:wasi -------------------------------------------------------------------

/** The outcome of f as [error class name, code] (or 'ok'). */
function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return `${(e as Error).constructor.name} ${(e as { code?: string }).code}`;
  }
}

describe('misuse errors match node:wasi', () => {
  const ctorCases: [string, unknown][] = [
    ['no options', undefined],
    ['options null', null],
    ['options an array', []],
    ['options a string', 'x'],
    ['version missing', {}],
    ['version a number', { version: 1 }],
    ['version unknown', { version: 'preview2' }],
    ['args not an array', { version: 'preview1', args: 'x' }],
    ['env not an object', { version: 'preview1', env: 'x' }],
    ['env null', { version: 'preview1', env: null }],
    ['env an array', { version: 'preview1', env: [] }],
    ['preopens not an object', { version: 'preview1', preopens: 5 }],
    ['stdin a string', { version: 'preview1', stdin: 'x' }],
    ['stdin negative', { version: 'preview1', stdin: -1 }],
    ['stdout not an integer', { version: 'preview1', stdout: 1.5 }],
    ['stderr too large', { version: 'preview1', stderr: 2 ** 31 }],
    ['returnOnExit not a boolean', { version: 'preview1', returnOnExit: 'yes' }],
    ['all fine', { version: 'preview1', args: ['a', 1], env: { A: 'b', U: undefined }, returnOnExit: false }],
  ];
  it.each(ctorCases)('new WASI(...): %s', (_name, options) => {
    const ours = outcome(() => new WASI(options as WASIOptions));
    expect(ours).toBe(outcome(() => new NodeWASI(options as never)));
  });

  const exports = (e: Record<string, unknown>): { exports: Record<string, unknown> } => ({ exports: e });
  const memory = (): unknown => new Native.Memory({ initial: 1 });
  const startCases: [string, () => unknown][] = [
    ['a number', () => 5],
    ['null', () => null],
    ['no exports', () => ({})],
    ['exports a number', () => ({ exports: 5 })],
    ['no memory', () => exports({ _start() {} })],
    ['memory not a Memory', () => exports({ memory: { buffer: new ArrayBuffer(65536) }, _start() {} })],
    ['no _start', () => exports({ memory: memory() })],
    ['_start not a function', () => exports({ memory: memory(), _start: 1 })],
    ['_start and _initialize', () => exports({ memory: memory(), _start() {}, _initialize() {} })],
    ['a command', () => exports({ memory: memory(), _start() {} })],
    ['a reactor', () => exports({ memory: memory(), _initialize() {} })],
    ['a library', () => exports({ memory: memory() })],
    ['_initialize not a function', () => exports({ memory: memory(), _initialize: 1 })],
  ];
  it.each(startCases)('start(instance): %s', (_name, make) => {
    expect(outcome(() => new WASI({ version: 'preview1' }).start(make())))
      .toBe(outcome(() => new NodeWASI({ version: 'preview1' }).start(make() as never)));
  });
  it.each(startCases)('initialize(instance): %s', (_name, make) => {
    expect(outcome(() => new WASI({ version: 'preview1' }).initialize(make())))
      .toBe(outcome(() => new NodeWASI({ version: 'preview1' }).initialize(make() as never)));
  });

  it('start or initialize twice, or both: ERR_WASI_ALREADY_STARTED', () => {
    const cmd = { exports: { memory: new Native.Memory({ initial: 1 }), _start() {} } };
    const lib = { exports: { memory: new Native.Memory({ initial: 1 }) } };
    for (const [first, second] of [['start', 'start'], ['start', 'initialize'], ['initialize', 'start'],
      ['initialize', 'initialize']] as const) {
      const run = (w: { start(i: never): unknown; initialize(i: never): unknown }): string => {
        w[first]((first === 'start' ? cmd : lib) as never);
        return outcome(() => w[second]((second === 'start' ? cmd : lib) as never));
      };
      expect(run(new WASI({ version: 'preview1' }))).toBe('Error ERR_WASI_ALREADY_STARTED');
      expect(run(new NodeWASI({ version: 'preview1' }))).toBe('Error ERR_WASI_ALREADY_STARTED');
    }
  });

  it('as Node 24: a call that failed on its instance argument leaves the WASI unstarted, one that failed on _start not', () => {
    const w = new WASI({ version: 'preview1' });
    expect(outcome(() => w.start({ exports: { _start() {} } }))).toBe('TypeError ERR_INVALID_ARG_TYPE');
    const mem = new Native.Memory({ initial: 1 });
    expect(outcome(() => w.start({ exports: { memory: mem } }))).toBe('TypeError ERR_INVALID_ARG_TYPE');
    expect(outcome(() => w.start({ exports: { memory: mem, _start() {} } }))).toBe('Error ERR_WASI_ALREADY_STARTED');
  });

  it('wasiImport has the same 46 functions as node:wasi, and getImportObject wraps it', () => {
    const ours = new WASI({ version: 'preview1' });
    const node = new NodeWASI({ version: 'preview1' });
    expect(Object.keys(ours.wasiImport).sort()).toEqual(Object.keys(node.wasiImport).sort());
    expect(Object.keys(ours.wasiImport)).toHaveLength(46);
    expect(ours.getImportObject()).toEqual({ wasi_snapshot_preview1: ours.wasiImport });
  });

  it('imports called before start or initialize throw ERR_WASI_NOT_STARTED, as node:wasi', () => {
    expect(outcome(() => new WASI({ version: 'preview1' }).wasiImport.fd_write(1, 0, 0, 0)))
      .toBe(outcome(() => (new NodeWASI({ version: 'preview1' }).wasiImport as { fd_write(...a: number[]): number })
        .fd_write(1, 0, 0, 0)));
  });

  it('the WASI exported by wajit is this class', () => {
    expect(WajitWASI).toBe(WASI);
  });
});

// ---- commands and reactors --------------------------------------------------------------------------------

describe.each(ENGINES)('running modules (%s)', (_name, engine) => {
  it('start() runs _start and returns 0', () => {
    const { wasi, out } = captured();
    expect(wasi.start(instantiate(engine, HELLO, wasi.getImportObject()))).toBe(0);
    expect(out()).toBe('hello\n');
  });

  it('start() returns the proc_exit code', () => {
    const wasi = new WASI({ version: 'preview1' });
    expect(wasi.start(instantiate(engine, EXIT, wasi.getImportObject()))).toBe(3);
  });

  it('a trap in _start propagates as the engine RuntimeError', () => {
    const wasi = new WASI({ version: 'preview1' });
    const inst = instantiate(engine, TRAP, wasi.getImportObject());
    expect(() => wasi.start(inst)).toThrow(engine.RuntimeError);
  });

  it('initialize() runs _initialize; later exports use the bound memory; proc_exit throws WASIExit', () => {
    const { wasi, out } = captured();
    const inst = instantiate(engine, REACTOR, wasi.getImportObject());
    expect(wasi.initialize(inst)).toBeUndefined();
    expect((inst.exports['ready'] as () => number)()).toBe(1);
    expect((inst.exports['say'] as () => number)()).toBe(0);
    expect(out()).toBe('ready');
    let caught: unknown;
    try {
      (inst.exports['quit'] as () => void)();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WASIExit);
    expect((caught as WASIExit).code).toBe(9);
  });

  it('memory growth between calls is seen (views follow the new buffer)', () => {
    const { wasi, out } = captured();
    expect(wasi.start(instantiate(engine, GROW, wasi.getImportObject()))).toBe(0);
    expect(out()).toBe('grown');
  });

  it('finalizeBindings binds an imported memory', () => {
    const { wasi, out } = captured();
    const memory = new engine.Memory({ initial: 1 });
    const inst = instantiate(engine, IMPORTED_MEMORY, { ...wasi.getImportObject(), env: { memory } });
    wasi.finalizeBindings(inst, { memory });
    expect(outcome(() => wasi.start(inst))).toBe('Error ERR_WASI_ALREADY_STARTED');
    (inst.exports['_start'] as () => void)();
    expect(out()).toBe('imported');
  });

  it('the same module under wajit and native gives the same output through one runtime', () => {
    const a = captured({ args: ['x'] });
    const b = captured({ args: ['x'] });
    a.wasi.start(instantiate(Wajit, HELLO, a.wasi.getImportObject()));
    b.wasi.start(instantiate(Native, HELLO, b.wasi.getImportObject()));
    expect(a.out()).toBe(b.out());
  });
});

// ---- options: stdio on host descriptors, mounts ----------------------------------------------------------------

describe('options', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wajit-wasi-api-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stdout and stdin on host file descriptors (fs.writeSync / fs.readSync)', () => {
    const outPath = join(dir, 'out.txt');
    const inPath = join(dir, 'in.txt');
    writeFileSync(inPath, 'from a file\n');
    const outFd = openSync(outPath, 'w');
    const inFd = openSync(inPath, 'r');
    try {
      const wasi = new WASI({ version: 'preview1', stdin: inFd, stdout: outFd });
      expect(wasi.start(instantiate(Wajit, ECHO, wasi.getImportObject()))).toBe(0);
    } finally {
      closeSync(outFd);
      closeSync(inFd);
    }
    expect(readFileSync(outPath, 'utf8')).toBe('from a file\n');
  });

  it('preopens come first, then fs mounts, from descriptor 3', () => {
    const memory = new Native.Memory({ initial: 1 });
    const wasi = new WASI({
      version: 'preview1', preopens: { '/host': dir }, fs: { '/mem': new MemoryBackend({ 'a.txt': 'a' }) },
    });
    wasi.initialize({ exports: { memory } });
    const names: string[] = [];
    for (const fd of [3, 4, 5]) {
      const r = wasi.wasiImport.fd_prestat_get(fd, 0);
      if (r !== 0) {
        names.push(`errno ${r}`);
        continue;
      }
      const len = new DataView(memory.buffer).getUint32(4, true);
      expect(wasi.wasiImport.fd_prestat_dir_name(fd, 16, len)).toBe(0);
      names.push(Buffer.from(memory.buffer, 16, len).toString());
    }
    expect(names).toEqual(['/host', '/mem', 'errno 8']);
  });

  it('a WASI without Node streams still constructs (function stdio)', () => {
    const w = new WASI({ version: 'preview1', stdin: () => null, stdout: () => {}, stderr: () => {} });
    expect(Object.keys(w.wasiImport)).toHaveLength(46);
  });
});

// ---- child processes: interactive stdin, back-pressure, returnOnExit: false ----------------------------------

describe('in a child process', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let build = '';
  let script = '';
  const wasm: Record<string, string> = {};

  beforeAll(() => {
    // A private build of the sources (not dist/, which other tests may be rebuilding at the same time),
    // inside the project so that its imports of npm packages resolve.
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    build = mkdtempSync(join(cache, 'wajit-wasi-api-'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', build,
      '--declaration', 'false', '--sourceMap', 'false'], { encoding: 'utf8' });
    if (!existsSync(join(build, 'src', 'index.js'))) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
    for (const [name, bytes] of [['echo', ECHO], ['flood', FLOOD], ['exit', EXIT]] as const) {
      wasm[name] = join(build, `${name}.wasm`);
      writeFileSync(wasm[name]!, bytes);
    }
    script = join(build, 'run.mjs');
    writeFileSync(script, `
      import { readFileSync } from 'node:fs';
      const [index, file, engine, returnOnExit, touch] = process.argv.slice(2);
      // Creating Node's stdio streams turns piped descriptors non-blocking: reads and writes then meet EAGAIN.
      if (touch === 'touch') void [process.stdin, process.stdout];
      const { WebAssembly: Wajit, WASI } = await import(index);
      const W = engine === 'native' ? globalThis.WebAssembly : Wajit;
      const wasi = new WASI({ version: 'preview1', returnOnExit: returnOnExit === 'true' });
      const { instance } = await W.instantiate(readFileSync(file), wasi.getImportObject());
      const code = wasi.start(instance);
      process.stderr.write('returned ' + code + '\\n');
      process.exitCode = code;
    `);
  }, 120_000);
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  const run = (name: string, engine: string, returnOnExit = true, touch = false) =>
    spawn(process.execPath, [script, pathToFileURL(join(build, 'src', 'index.js')).href, wasm[name]!, engine,
      String(returnOnExit), touch ? 'touch' : ''], { stdio: ['pipe', 'pipe', 'pipe'] });

  it.each([['wajit', false], ['native', false], ['wajit', true]] as const)(
    'interactive stdin: each read returns the line typed so far (%s, non-blocking: %s)',
    async (engine, touch) => {
      const child = run('echo', engine, true, touch);
      let out = '';
      let wake = (): void => {};
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        wake();
      });
      /** Resolves once stdout holds `s`: the child answered without waiting for more input. */
      const waitFor = async (s: string): Promise<void> => {
        const deadline = Date.now() + 20_000;
        while (!out.includes(s)) {
          if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(s)} on stdout, got ${JSON.stringify(out)}`);
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 100);
          });
        }
      };
      child.stdin.write('first line\n');
      await waitFor('first line\n');
      child.stdin.write('second\n');
      await waitFor('second\n');
      child.stdin.end();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(out).toBe('first line\nsecond\n');
    },
    30_000,
  );

  it.each(['wajit', 'native'])('stdout back-pressure: 4 MiB to a slow, non-blocking pipe arrive whole (%s)', async (engine) => {
    const child = run('flood', engine, true, true);
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 300));
    let bytes = 0;
    let bad = 0;
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      for (const b of d) if (b !== 0x61) bad++;
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect([code, bytes, bad]).toEqual([5, 4 << 20, 0]);
  }, 30_000);

  it('returnOnExit: false ends the process with the proc_exit code', async () => {
    const child = run('exit', 'wajit', false);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    expect(err).not.toContain('returned'); // start() never returned
  }, 30_000);
});
