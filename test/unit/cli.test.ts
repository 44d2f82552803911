// End-to-end tests of the `wajit` command: spawn `node bin/wajit.js` (the built CLI in dist/, rebuilt here
// when missing or older than the sources) on modules built from WAT with the wabt package, and check output,
// the one-line error format and the exit codes (0 ok, 1 module/run error, 2 usage error).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wajit.js');
const built = join(root, 'dist', 'src', 'cli.js');
let dir = '';

/** Newest modification time of the TypeScript sources that the CLI is built from. */
function newestSource(): number {
  let newest = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src', 'compiler', 'runtime']) if (existsSync(join(root, d))) walk(join(root, d));
  return newest;
}

interface Outcome { code: number | null; stdout: string; stderr: string }

function wajit(...args: string[]): Outcome {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Builds `text` with wabt into dir/name.wasm and returns the path. */
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
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource()) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  }
  dir = mkdtempSync(join(tmpdir(), 'wajit-cli-'));
  const wabt = await wabtInit();
  wat2wasm = (name, text) => {
    const m = wabt.parseWat(`${name}.wat`, text);
    try {
      const file = join(dir, `${name}.wasm`);
      writeFileSync(file, m.toBinary({}).buffer);
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
    for (const s of ['wajit run', 'wajit dump', '--invoke', '--func', '--help', '--version']) expect(main.stdout).toContain(s);
    const run = wajit('run', '--help');
    expect(run.code).toBe(0);
    for (const s of ['--invoke', '--help', 'i64', 'f32']) expect(run.stdout).toContain(s);
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
    expect(wajit().code).toBe(2);
  });

  it('rejects wrong argument counts and unparsable arguments', () => {
    const file = wat2wasm('add1', '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))');
    expectError(wajit('run', file, '--invoke', 'add', '1'), 2, /takes 2 argument/);
    expectError(wajit('run', file, '--invoke', 'add', '1', 'x'), 2, /argument 2 \('x'\) is not an i32/);
    expectError(wajit('run', file, '--invoke', 'add', '1', '4294967296'), 2, /is not an i32/);
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
    expectError(wajit('run', invalid, '--invoke', 'f'), 1, /invalid module/);
    expectError(wajit('dump', junk), 1, /invalid module/);
  });

  it('names the first import of a module with imports', () => {
    const file = wat2wasm('imports', '(module (import "env" "f" (func)) (func (export "g")))');
    expectError(wajit('run', file, '--invoke', 'g'), 1, /env\.f/);
  });

  it('reports a trap with its message', () => {
    const file = wat2wasm('trap', '(module (func (export "boom") unreachable))');
    expectError(wajit('run', file, '--invoke', 'boom'), 1, /trap: .*unreachable/);
  });

  it('reports a missing export and a module without _start', () => {
    const file = wat2wasm('noexport', '(module (func (export "f")))');
    expectError(wajit('run', file, '--invoke', 'nope'), 1, /no exported function 'nope'.*f/);
    expectError(wajit('run', file), 1, /_start/);
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
    expect(wajit('run', file, '--invoke', 'add', '40', '2').stdout).toBe('42\n');
    expect(wajit('run', file, '--invoke', 'add', '-5', '0x10').stdout).toBe('11\n');
    expect(wajit('run', file, '--invoke', 'add', '4294967295', '0').stdout).toBe('-1\n');
    expect(wajit('run', '--invoke', 'mul64', file, '4294967296', '-3').stdout).toBe('-12884901888\n');
    expect(wajit('run', file, '--invoke', 'mul64', '9223372036854775807', '1').stdout).toBe('9223372036854775807\n');
    expect(wajit('run', file, '--invoke', 'div', '1', '3').stdout).toBe(`${1 / 3}\n`);
    expect(wajit('run', file, '--invoke', 'div', '-1', '0').stdout).toBe('-inf\n');
    expect(wajit('run', file, '--invoke', 'div', '0', '0').stdout).toBe('nan\n');
    expect(wajit('run', file, '--invoke', 'half', '0.2').stdout).toBe('0.1\n');
    expect(wajit('run', file, '--invoke', 'swap', '3', '1.5').stdout).toBe('1.5\n3\n');
    const start = wajit('run', file);
    expect(start.code).toBe(0);
    expect(start.stdout).toBe('7\n');
  });
});

describe('the bundled example', () => {
  const example = join('examples', 'hello.wasm');

  it('runs main (npm start)', () => {
    const r = wajit('run', example, '--invoke', 'main');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('142913828922\n');
  });

  it('runs its other exports', () => {
    expect(wajit('run', example, '--invoke', 'fib', '90').stdout).toBe('2880067194370816120\n');
    expect(wajit('run', example, '--invoke', 'gcd', '1071', '462').stdout).toBe('21\n');
    expect(wajit('run', example, '--invoke', 'sum_primes', '10').stdout).toBe('17\n');
    expectError(wajit('run', example, '--invoke', 'sum_primes', '3000000'), 1, /trap: .*out of bounds/);
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
