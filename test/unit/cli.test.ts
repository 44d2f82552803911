// End-to-end tests of the `wajit` command: spawn `node bin/wajit.js` (the built CLI in dist/, rebuilt here
// when missing or older than the sources) on modules built from WAT with the wabt package, and check output,
// the one-line error format and the exit codes (0 ok, 1 module/run error, 2 usage error, 134 trap, or the
// module's own exit code). The WASI modules here are small hand-written commands and reactors: argument and
// environment echo, cat of a preopened file or of stdin, proc_exit.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../cli-build.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wajit.js');
const built = join(root, 'dist', 'src', 'cli.js');
let dir = '';


interface Outcome { code: number | null; stdout: string; stderr: string }

interface SpawnOptions { input?: string; env?: Record<string, string>; cwd?: string }

function wajitWith(opts: SpawnOptions, ...args: string[]): Outcome {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? root, encoding: 'utf8', timeout: 60_000, input: opts.input ?? '', env: opts.env ?? process.env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const wajit = (...args: string[]): Outcome => wajitWith({}, ...args);

/** Builds `text` with wabt into dir/name.wasm (with a name section) and returns the path. */
let wat2wasm: (name: string, text: string) => string;

/** A failed command: exit code `code` and exactly one `wajit: error:` line on stderr. */
function expectError(r: Outcome, code: number, text: string | RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^wajit: error: /);
  expect(lines[0]).toMatch(text);
}

beforeAll(async () => {
  ensureCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wajit-cli-'));
  const wabt = await wabtInit();
  wat2wasm = (name, text) => {
    const m = wabt.parseWat(`${name}.wat`, text);
    try {
      const file = join(dir, `${name}.wasm`);
      writeFileSync(file, m.toBinary({ write_debug_names: true }).buffer);
      return file;
    } finally {
      m.destroy();
    }
  };
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('help and version', () => {
  it('documents the commands and every flag', () => {
    const main = wajit('--help');
    expect(main.code).toBe(0);
    for (const s of ['wajit run', 'wajit dump', '--dir', '--env', '--invoke', '--argv0', '--func', '--help', '--version']) {
      expect(main.stdout).toContain(s);
    }
    const run = wajit('run', '--help');
    expect(run.code).toBe(0);
    for (const s of ['--dir HOST[::GUEST]', '--env NAME=VALUE', '--invoke NAME', '--argv0 NAME', '--help', 'i64', 'f32', '134']) {
      expect(run.stdout).toContain(s);
    }
    expect(wajit('run', '-h').stdout).toBe(run.stdout);
    const dump = wajit('dump', '-h');
    expect(dump.code).toBe(0);
    for (const s of ['--func', '--help']) expect(dump.stdout).toContain(s);
  });

  it('prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = wajit('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wajit ${version}\n`);
  });
});

describe('usage errors exit 2', () => {
  it('rejects an unknown command, an unknown flag and a missing module', () => {
    expectError(wajit('frobnicate'), 2, /unknown command 'frobnicate'/);
    expectError(wajit('run', '--frob', 'x.wasm'), 2, /unknown option '--frob'/);
    expectError(wajit('run'), 2, /no module given/);
    expectError(wajit('run', '--dir'), 2, /option '--dir' needs a value/);
    expectError(wajit('run', '--invoke', 'a', '--invoke', 'b', 'x.wasm'), 2, /'--invoke' given twice/);
    expectError(wajit('run', '--env', '=x', 'x.wasm'), 2, /no variable name/);
    expectError(wajit('dump', '--frob', 'x.wasm'), 2, /unknown option '--frob'/);
    expectError(wajit('dump', '--func'), 2, /option '--func' needs a value/);
    expect(wajit().code).toBe(2);
  });

  it('rejects wrong argument counts and unparsable arguments', () => {
    const file = wat2wasm('add1', '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))');
    expectError(wajit('run', '--invoke', 'add', file, '1'), 2, /takes 2 argument/);
    expectError(wajit('run', '--invoke', 'add', file, '1', 'x'), 2, /argument 2 \('x'\) is not an i32/);
    expectError(wajit('run', '--invoke', 'add', file, '1', '4294967296'), 2, /is not an i32/);
  });
});

describe('module errors exit 1 with one line', () => {
  it('reports a missing file', () => {
    const r = wajit('run', join(dir, 'missing.wasm'));
    expectError(r, 1, /cannot read '.*missing\.wasm': no such file/);
    expect(r.stdout).toBe('');
  });

  it('reports a file that is not a module and a module that does not validate', () => {
    const junk = join(dir, 'junk.wasm');
    writeFileSync(junk, 'not a wasm module');
    expectError(wajit('run', junk), 1, /invalid module/);
    const invalid = wat2wasm('invalid', '(module (func (export "f") (result i32)))');
    expectError(wajit('run', '--invoke', 'f', invalid), 1, /invalid module/);
    expectError(wajit('dump', junk), 1, /invalid module/);
  });

  it('names the first import that is not WASI', () => {
    const file = wat2wasm('imports', '(module (import "env" "f" (func)) (func (export "g")))');
    expectError(wajit('run', '--invoke', 'g', file), 1, /cannot link .*unknown import 'env\.f' \(function\)/);
    const mixed = wat2wasm('mixed', `(module
      (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (import "env" "memory" (memory 1))
      (func (export "_start")))`);
    expectError(wajit('run', mixed), 1, /unknown import 'env\.memory' \(memory\)/);
  });

  it('reports a WASI import that does not exist as a link error', () => {
    const file = wat2wasm('badwasi', `(module
      (import "wasi_snapshot_preview1" "no_such_function" (func))
      (memory (export "memory") 1) (func (export "_start")))`);
    expectError(wajit('run', file), 1, /cannot link/);
  });

  it('reports a missing export and a module without _start', () => {
    const file = wat2wasm('noexport', '(module (func (export "f")))');
    expectError(wajit('run', '--invoke', 'nope', file), 1, /no exported function 'nope'.*f/);
    expectError(wajit('run', file), 1, /_start/);
  });

  it('reports a missing --dir directory', () => {
    const file = wat2wasm('nodir', '(module (func (export "_start")))');
    expectError(wajit('run', '--dir', join(dir, 'no-such-dir'), file), 1, /cannot open directory '.*no-such-dir'/);
  });
});

describe('run', () => {
  it('parses arguments by parameter type and prints one result per line', () => {
    const file = wat2wasm('ops', `(module
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "mul64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)
      (func (export "div") (param f64 f64) (result f64) local.get 0 local.get 1 f64.div)
      (func (export "half") (param f32) (result f32) local.get 0 f32.const 0.5 f32.mul)
      (func (export "swap") (param i32 f32) (result f32 i32) local.get 1 local.get 0)
      (func (export "_start") (result i32) i32.const 7))`);
    expect(wajit('run', '--invoke', 'add', file, '40', '2').stdout).toBe('42\n');
    expect(wajit('run', '--invoke', 'add', file, '-5', '0x10').stdout).toBe('11\n');
    expect(wajit('run', '--invoke', 'add', file, '4294967295', '0').stdout).toBe('-1\n');
    expect(wajit('run', '--invoke', 'mul64', file, '4294967296', '-3').stdout).toBe('-12884901888\n');
    expect(wajit('run', '--invoke=mul64', file, '9223372036854775807', '1').stdout).toBe('9223372036854775807\n');
    expect(wajit('run', '--invoke', 'mul64', file, '-9223372036854775808', '-1').stdout).toBe('-9223372036854775808\n');
    expect(wajit('run', '--invoke', 'div', file, '1', '3').stdout).toBe(`${1 / 3}\n`);
    expect(wajit('run', '--invoke', 'div', file, '-1', '0').stdout).toBe('-inf\n');
    expect(wajit('run', '--invoke', 'div', file, '0', '0').stdout).toBe('nan\n');
    expect(wajit('run', '--invoke', 'half', file, '0.2').stdout).toBe('0.1\n');
    expect(wajit('run', '--invoke', 'swap', file, '3', '1.5').stdout).toBe('1.5\n3\n');
    const start = wajit('run', file);
    expect(start.code).toBe(0);
    expect(start.stdout).toBe('7\n');
  });
});

describe('traps', () => {
  const TRAPS = `(module
    (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
    (func $middle (param i32) (result i32) (call $inner (local.get 0)))
    (func (export "divide") (param i32) (result i32) (call $middle (local.get 0)))
    (func $spin (param i32) (if (local.get 0) (then (call $spin (i32.sub (local.get 0) (i32.const 1)))) (else unreachable)))
    (func (export "deep") (param i32) (call $spin (local.get 0)))
    (func (export "oob") (result i32) (i32.load (i32.const 100000)))
    (memory 1))`;

  it('prints one line naming the trap, the function and the offset, then the wasm backtrace; exits 134', () => {
    const file = wat2wasm('traps', TRAPS);
    const r = wajit('run', '--invoke', 'divide', file, '0');
    expect(r.code).toBe(134);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^wajit: error: trap: integer divide by zero in inner \(func\[0\]\) at offset 0x[0-9a-f]+$/);
    expect(lines.slice(1)).toEqual([
      'wasm backtrace:',
      expect.stringMatching(/^ {2}0: 0x[0-9a-f]+ - inner \(func\[0\]\)$/),
      expect.stringMatching(/^ {2}1: 0x[0-9a-f]+ - middle \(func\[1\]\)$/),
      expect.stringMatching(/^ {2}2: 0x[0-9a-f]+ - func\[2\]$/),
    ]);
    // The offsets lie inside each function's body, innermost first.
    const offsets = lines.slice(2).map((l) => parseInt(/0x([0-9a-f]+)/.exec(l)![1]!, 16));
    expect(offsets[0]).toBeLessThan(offsets[1]!);
    expect(offsets[1]).toBeLessThan(offsets[2]!);
    expect(wajit('run', '--invoke', 'divide', file, '4').stdout).toBe('0\n');
  });

  it('gives the same trap line and backtrace, offsets included, when functions are compiled lazily', () => {
    const file = wat2wasm('traps', TRAPS);
    for (const args of [['--invoke', 'divide', file, '0'], ['--invoke', 'oob', file]]) {
      const eager = wajit('run', '--eager', ...args);
      const lazy = wajit('run', '--lazy', ...args);
      expect(lazy.code).toBe(134);
      expect(lazy.stderr).toMatch(/ at offset 0x[0-9a-f]+\n/);
      expect(lazy.stderr).toBe(eager.stderr);
    }
    expect(wajit('run', '--lazy', '--invoke', 'divide', file, '4').stdout).toBe('0\n');
    expectError(wajit('run', '--lazy', '--eager', file), 2, /'--lazy' and '--eager' exclude each other/);
  });

  it('shows the first 20 frames of a deep backtrace', () => {
    const r = wajit('run', '--invoke', 'deep', wat2wasm('traps', TRAPS), '30');
    expect(r.code).toBe(134);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^wajit: error: trap: unreachable in spin \(func\[3\]\)/);
    expect(lines.filter((l) => / - spin \(func\[3\]\)$/.test(l))).toHaveLength(20);
    expect(lines.at(-1)).toMatch(/^ {2}\.\.\. \d+ more frame\(s\)$/);
  });

  it('reports a trap that the engine raises, with the function and the backtrace', () => {
    const r = wajit('run', '--invoke', 'oob', wat2wasm('traps', TRAPS));
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^wajit: error: trap: out of bounds memory access in func\[\d+\] at offset 0x[0-9a-f]+\nwasm backtrace:\n  0: 0x[0-9a-f]+ - func\[\d+\]\n/);
  });

  it('reports a trap in a WASI command and in a start function', () => {
    const command = wat2wasm('wasitrap', `(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func $fail unreachable)
      (func (export "_start") (call $fail)))`);
    const r = wajit('run', command);
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^wajit: error: trap: unreachable in fail \(func\[1\]\) at offset 0x[0-9a-f]+\nwasm backtrace:\n/);
    const start = wat2wasm('starttrap', '(module (func $init unreachable) (start $init) (func (export "_start")))');
    expect(wajit('run', start).stderr).toMatch(/^wajit: error: trap: unreachable in init \(func\[0\]\)/);
  });
});

// ---- WASI ----------------------------------------------------------------------------------------------------

const WASI_IMPORTS = `
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: iovec, 16: result, 24/28: counts, 100: pointer array, 1024: strings, 8192: i/o buffer
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1))) (br $l)))
    (local.get $n))
  (func $write (param $fd i32) (param $p i32) (param $n i32)
    (i32.store (i32.const 0) (local.get $p)) (i32.store (i32.const 4) (local.get $n))
    (if (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 16)) (then (call $proc_exit (i32.const 71)))))
  (func $puts (param $p i32)
    (call $write (i32.const 1) (local.get $p) (call $strlen (local.get $p)))
    (i32.store8 (i32.const 8000) (i32.const 10)) (call $write (i32.const 1) (i32.const 8000) (i32.const 1)))
  ;; Prints the count strings whose pointers are at 100, one per line.
  (func $put_list (param $count i32) (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (call $puts (i32.load (i32.add (i32.const 100) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))))
  ;; Copies descriptor fd to stdout, one read at a time, until the end.
  (func $copy (param $fd i32)
    (loop $l
      (i32.store (i32.const 0) (i32.const 8192)) (i32.store (i32.const 4) (i32.const 4096))
      (if (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 16)) (then (call $proc_exit (i32.const 70))))
      (if (i32.load (i32.const 16)) (then
        (call $write (i32.const 1) (i32.const 8192) (i32.load (i32.const 16)))
        (br $l)))))`;

/** Prints its arguments, then its environment, one per line; exits with code 7. */
const ECHO = `(module ${WASI_IMPORTS}
  (func (export "_start")
    (drop (call $args_sizes_get (i32.const 24) (i32.const 28)))
    (drop (call $args_get (i32.const 100) (i32.const 1024)))
    (call $put_list (i32.load (i32.const 24)))
    (drop (call $environ_sizes_get (i32.const 24) (i32.const 28)))
    (drop (call $environ_get (i32.const 100) (i32.const 1024)))
    (call $put_list (i32.load (i32.const 24)))
    (call $proc_exit (i32.const 7)))
  (func (export "twice") (param i32) (result i32)
    (drop (call $args_get (i32.const 100) (i32.const 1024)))
    (call $puts (i32.load (i32.const 100)))
    (i32.mul (local.get 0) (i32.const 2))))`;

/** cat: copies the file named by argv[1] (opened in the first preopen, fd 3) or else stdin to stdout. */
const CAT = `(module ${WASI_IMPORTS}
  (func (export "_start") (local $path i32)
    (drop (call $args_sizes_get (i32.const 24) (i32.const 28)))
    (drop (call $args_get (i32.const 100) (i32.const 1024)))
    (if (i32.lt_u (i32.load (i32.const 24)) (i32.const 2)) (then (call $copy (i32.const 0)) (return)))
    (local.set $path (i32.load (i32.const 104)))
    (if (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (call $strlen (local.get $path))
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 20))
      (then (call $proc_exit (i32.const 66))))
    (call $copy (i32.load (i32.const 20)))))`;

/** A reactor: _initialize sets the state that its exports use; quit calls proc_exit. */
const REACTOR = `(module ${WASI_IMPORTS}
  (global $base (mut i32) (i32.const 0))
  (data (i32.const 2048) "initialized")
  (func (export "_initialize") (global.set $base (i32.const 40)))
  (func (export "add") (param i32) (result i32)
    (call $write (i32.const 1) (i32.const 2048) (i32.const 11))
    (i32.add (global.get $base) (local.get 0)))
  (func (export "quit") (param i32) (call $proc_exit (local.get 0))))`;

describe('run: WASI commands', () => {
  it('passes everything after the module to it; argv[0] is the base name; exit code from proc_exit', () => {
    const file = wat2wasm('echo', ECHO);
    const r = wajit('run', file, '--dir', '/etc', '-x', '--', 'two words');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('echo.wasm\n--dir\n/etc\n-x\n--\ntwo words\n');
    expect(r.code).toBe(7);
    expect(wajit('run', '--argv0', 'prog', '--', file).stdout).toBe('prog\n');
  });

  it('gives only the --env variables; --env NAME inherits the host value when set', () => {
    const file = wat2wasm('echo', ECHO);
    const env = { ...process.env, WAJIT_TEST_HOST: 'from host' };
    const r = wajitWith({ env }, 'run', '--env', 'A=1', '--env=B=x=y', '--env', 'WAJIT_TEST_HOST', '--env', 'WAJIT_UNSET_NAME', file);
    expect(r.stdout).toBe('echo.wasm\nA=1\nB=x=y\nWAJIT_TEST_HOST=from host\n');
    expect(r.code).toBe(7);
  });

  it('opens files in a --dir preopen, as HOST or as HOST::GUEST', () => {
    const file = wat2wasm('cat', CAT);
    const host = join(dir, 'share');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'hello.txt'), 'hello from the host\n');
    const mapped = wajit('run', '--dir', `${host}::/data`, file, 'hello.txt');
    expect(mapped.stderr).toBe('');
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toBe('hello from the host\n');
    expect(wajitWith({ cwd: dir }, 'run', '--dir', 'share', file, 'hello.txt').stdout).toBe('hello from the host\n');
    // Outside the preopen: path_open fails and the module exits 66.
    expect(wajit('run', '--dir', `${host}::/data`, file, '../cli.test.ts').code).toBe(66);
  });

  it('passes stdin through', () => {
    const r = wajitWith({ input: 'line 1\nline 2\n' }, 'run', wat2wasm('cat', CAT));
    expect(r.stdout).toBe('line 1\nline 2\n');
    expect(r.code).toBe(0);
  });

  it('reads stdin interactively: each line is answered before the next one is written', async () => {
    const child = spawn(process.execPath, [bin, 'run', wat2wasm('cat', CAT)], { cwd: root });
    let out = '';
    const waitFor = (text: string): Promise<void> => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${text.trim()}' in output: '${out}'`)), 20_000);
      const check = (): void => {
        if (out.includes(text)) {
          clearTimeout(timer);
          resolve();
        } else {
          child.stdout.once('data', check);
        }
      };
      check();
    });
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stdin.write('first\n');
    await waitFor('first\n');
    child.stdin.write('second\n');
    await waitFor('second\n');
    child.stdin.end();
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toBe('first\nsecond\n');
  });
});

describe('run: --invoke with WASI', () => {
  it('initialises a reactor first, then calls the export and prints its result', () => {
    const r = wajit('run', '--invoke', 'add', wat2wasm('reactor', REACTOR), '2');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('initialized42\n');
    expect(r.code).toBe(0);
  });

  it('ends with the proc_exit code of an invoked export', () => {
    const r = wajit('run', '--invoke', 'quit', wat2wasm('reactor', REACTOR), '5');
    expect(r.code).toBe(5);
    expect(r.stderr).toBe('');
  });

  it('calls another export of a command, whose arguments are also its argv', () => {
    const r = wajit('run', '--invoke', 'twice', wat2wasm('echo', ECHO), '21');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('echo.wasm\n42\n');
  });
});

describe('the bundled example', () => {
  const example = join('examples', 'hello.wasm');

  it('runs main (npm start)', () => {
    const r = wajit('run', '--invoke', 'main', example);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('142913828922\n');
  });

  it('runs its other exports', () => {
    expect(wajit('run', '--invoke', 'fib', example, '90').stdout).toBe('2880067194370816120\n');
    expect(wajit('run', '--invoke', 'gcd', example, '1071', '462').stdout).toBe('21\n');
    expect(wajit('run', '--invoke', 'sum_primes', example, '10').stdout).toBe('17\n');
    const r = wajit('run', '--invoke', 'sum_primes', example, '3000000');
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^wajit: error: trap: out of bounds memory access in func\[\d+\] at offset 0x[0-9a-f]+\n/);
  });

  it('is disassembled by dump, whole or one function', () => {
    const whole = wajit('dump', example);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toMatch(/^\(module/);
    expect(whole.stdout).toContain('i64.add');
    const gcd = wajit('dump', example, '--func', 'gcd');
    expect(gcd.code, gcd.stderr).toBe(0);
    expect(gcd.stdout).toContain('i32.rem_u');
    expect(gcd.stdout).not.toContain('i64.mul');
    expectError(wajit('dump', example, '--func', 'nope'), 1, /no function 'nope'/);
  });
});

describe('run: limits for untrusted code', () => {
  const example = join('examples', 'hello.wasm');

  it('--fuel ends a long run with a trap (exit 134); enough fuel lets it finish', () => {
    const r = wajit('run', '--fuel', '10000', '--invoke', 'sum_primes', example, '2000000');
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^wajit: error: trap: fuel exhausted in /);
    const ok = wajit('run', '--fuel', '100000000000', '--invoke', 'sum_primes', example, '1000');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('76127\n');
  });

  it('--timeout and --max-memory', () => {
    const slow = wajit('run', '--timeout', '1ms', '--invoke', 'sum_primes', example, '2000000');
    expect(slow.code).toBe(134);
    expect(slow.stderr).toMatch(/^wajit: error: trap: execution timed out in /);
    // The module's memory has 32 pages: a cap of 16 refuses it, 2 MiB (32 pages) is enough.
    expectError(wajit('run', '--max-memory', '16', '--invoke', 'fib', example, '10'), 1, /memory of 32 pages is above the limit of 16 pages/);
    const fits = wajit('run', '--max-memory', '2MiB', '--invoke', 'fib', example, '10');
    expect(fits.code, fits.stderr).toBe(0);
  });

  it('rejects malformed limits with a usage error', () => {
    expectError(wajit('run', '--fuel', '1e5', example), 2, /option '--fuel' needs a whole number/);
    expectError(wajit('run', '--timeout', '5h', example), 2, /optionally with a unit: ms, s, m/);
    expectError(wajit('run', '--max-memory', '-1', example), 2, /option '--max-memory' needs a whole number/);
    expectError(wajit('run', '--fuel', '5', '--fuel', '6', example), 2, /given twice/);
  });
});

describe('dump: IR and generated JavaScript', () => {
  const example = join('examples', 'hello.wasm');

  it('--ir lists the validated IR with byte offsets; --js the generated function', () => {
    const ir = wajit('dump', '--ir', '--func', 'gcd', example);
    expect(ir.code, ir.stderr).toBe(0);
    expect(ir.stdout).toMatch(/^func f\d+( \$gcd)? \(param l0 i32 l1 i32\) \(result i32\) +;; @0x[0-9a-f]+\n/);
    expect(ir.stdout).toMatch(/l2 = i32\.rem_u\(l0, l1\) +;; @0x[0-9a-f]+/);
    const js = wajit('dump', '--js', '--func', 'gcd', example);
    expect(js.code, js.stderr).toBe(0);
    expect(js.stdout).toMatch(/^function f\d+\(l0, l1\) \{\n/);
    expect(js.stdout).toContain('i32_rem_u(l0, l1)');
    // The whole module: the factory body, which parses as a function body.
    const whole = wajit('dump', '--js', example);
    expect(whole.code, whole.stderr).toBe(0);
    expect(() => new Function('rt', 'source', whole.stdout)).not.toThrow();
    const irs = wajit('dump', '--ir', example);
    expect(irs.stdout.match(/^func f\d+/gm)?.length).toBe(4);
  });

  it('refuses two formats at once', () => {
    expectError(wajit('dump', '--ir', '--js', example), 2, /exclude each other/);
  });
});
