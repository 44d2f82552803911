// `wajit compile` end to end: the command line (help, errors, the files written), WASI commands run through
// the output's main() with the same output as `wajit run`, the source map locating a trap at the same byte
// offset as `wajit run` does, and the declarations checked by the TypeScript compiler against a consumer.
// Outputs import the built runtime (dist/runtime/index.js, by file URL) and run in child processes.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SourceMapConsumer } from 'source-map';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../cli-build.js';
import { watToWasm } from '../diff/harness.js';
import { ROOT, RUNTIME_DIST, tempDir } from './harness.js';

const BIN = join(ROOT, 'bin', 'wajit.js');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface Outcome { code: number | null; stdout: string; stderr: string }

function node(args: readonly string[], input = ''): Outcome {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, input, maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const wajit = (...args: string[]): Outcome => node([BIN, ...args]);

/** Runs ES module code in a child process (`input-type=module`). */
const script = (code: string, input = ''): Outcome => node(['--input-type=module', '-e', code], input);

function writeWasm(name: string, text: string): string {
  const file = join(tempDir(name), `${name}.wasm`);
  writeFileSync(file, watToWasm(`${name}.wat`, text));
  return file;
}

/** Compiles `wasm` with `wajit compile` against the built runtime; returns the output path. */
function compile(wasm: string, ...flags: string[]): string {
  const out = join(tempDir('out'), 'out.js');
  const r = wajit('compile', wasm, '-o', out, '--runtime', RUNTIME_DIST, ...flags);
  expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
  return out;
}

beforeAll(() => ensureCliBuilt());

const TRAPS = `(module
  (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32) (call $inner (local.get 0)))
  (func (export "divide") (param i32) (result i32) (call $middle (local.get 0)))
  (memory 1))`;

describe('wajit compile', () => {
  it('prints its help, and is listed in the main help', () => {
    const r = wajit('compile', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: wajit compile \[OPTIONS\] MODULE\.wasm -o OUT\.js/);
    expect(r.stdout).toContain('--runtime SPECIFIER');
    expect(wajit('--help').stdout).toMatch(/\n {2}wajit compile MODULE\.wasm -o OUT\.js/);
  });

  it('writes the module, its declarations and its source map', () => {
    const wasm = writeWasm('traps', TRAPS);
    const out = compile(wasm);
    const js = readFileSync(out, 'utf8');
    expect(js).toContain(`import * as rt from ${JSON.stringify(RUNTIME_DIST)};`);
    expect(js).toMatch(/\n\/\/# sourceMappingURL=out\.js\.map\n$/);
    expect(readFileSync(out.replace(/\.js$/, '.d.ts'), 'utf8')).toContain('readonly "divide": (p0: number) => number;');
    // By default the map goes to the WAT listing written next to the output (test/maps/ checks its lines).
    const map = JSON.parse(readFileSync(`${out}.map`, 'utf8')) as { sources: string[]; file: string };
    expect(map).toMatchObject({ sources: ['out.wat'], file: 'out.js' });
    expect(existsSync(out.replace(/\.js$/, '.wat'))).toBe(true);
    // .mjs output: .d.mts declarations; --pretty: indented code.
    const mjs = join(tempDir('mjs'), 'lib.mjs');
    expect(wajit('compile', wasm, '-o', mjs, '--pretty').code).toBe(0);
    expect(existsSync(mjs.replace(/\.mjs$/, '.d.mts'))).toBe(true);
    expect(readFileSync(mjs, 'utf8')).toContain('\n  function f0(l0) {\n    return ');
    expect(readFileSync(mjs, 'utf8')).toContain('import * as rt from "wajit/runtime";');
  });

  it('reports usage errors, unreadable and invalid modules on one line', () => {
    const wasm = writeWasm('ok', '(module)');
    const expectError = (r: Outcome, code: number, text: RegExp): void => {
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(text);
    };
    expectError(wajit('compile', wasm), 2, /^wajit: error: no output file given \(-o OUT\.js\) \(see 'wajit compile --help'\)/);
    expectError(wajit('compile', '-o', 'x.js'), 2, /no module given/);
    expectError(wajit('compile', wasm, wasm, '-o', 'x.js'), 2, /compile takes one module/);
    expectError(wajit('compile', wasm, '-o', 'x.js', '--bogus'), 2, /unknown option '--bogus'/);
    expectError(wajit('compile', join(ROOT, 'no-such.wasm'), '-o', 'x.js'), 1, /cannot read '.*no-such\.wasm': no such file/);
    const bad = join(tempDir('bad'), 'bad.wasm');
    writeFileSync(bad, new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]));
    expectError(wajit('compile', bad, '-o', join(tempDir('bad'), 'bad.js')), 1, /^wajit: error: invalid module '.*bad\.wasm': unknown binary version/);
    expectError(wajit('compile', wasm, '--wasi', '-o', join(tempDir('w'), 'w.js')), 1, /--wasi: '.*ok\.wasm' has no _start export/);
    expectError(wajit('compile', wasm, '-o', join(ROOT, 'no-such-dir', 'x.js')), 1, /cannot write '.*x\.js': no such directory/);
  });

  it('maps a trap in the output to the byte offset `wajit run` reports (--map-to wasm)', async () => {
    const wasm = writeWasm('traps', TRAPS);
    const out = compile(wasm, '--map-to', 'wasm');
    const r = script(`
      const m = await import(${JSON.stringify(pathToFileURL(out).href)});
      try { m.instantiate().divide(0); } catch (e) { console.log(e.name + ': ' + e.message); console.log(e.stack); }`);
    expect(r.stdout).toMatch(/^RuntimeError: integer divide by zero\n/);
    const frame = new RegExp(`at f0 \\(${pathToFileURL(out).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)\\)`).exec(r.stdout);
    expect(frame, r.stdout).not.toBeNull();
    const map = await new SourceMapConsumer(JSON.parse(readFileSync(`${out}.map`, 'utf8')));
    try {
      const pos = map.originalPositionFor({
        line: Number(frame![1]), column: Number(frame![2]) - 1, bias: SourceMapConsumer.GREATEST_LOWER_BOUND,
      });
      const run = wajit('run', '--invoke', 'divide', wasm, '0');
      const offset = /in func\[0\] at offset 0x([0-9a-f]+)/.exec(run.stderr);
      expect(offset, run.stderr).not.toBeNull();
      expect(pos).toMatchObject({ source: 'traps.wasm', line: 1, column: parseInt(offset![1]!, 16) });
    } finally {
      map.destroy();
    }
  });
});

describe('wajit compile --wasi', () => {
  it('runs a WASI test program through main() as `wajit run` runs it', () => {
    const wasm = join(ROOT, 'test', 'wasi', 'c', 'args_env_exit.wasm');
    const out = compile(wasm, '--wasi');
    const args = ['exit', '7', '', 'two words', 'ünïcødé ✓', '--flag', '-x'];
    const env = { WAJIT_A: '1', WAJIT_SPACES: 'two words', WAJIT_EMPTY: '', WAJIT_EQ: 'a=b' };
    const r = script(`
      const { main } = await import(${JSON.stringify(pathToFileURL(out).href)});
      process.exitCode = main(${JSON.stringify(args)}, { env: ${JSON.stringify(env)} });`);
    const expected = wajit('run', ...Object.entries(env).map(([k, v]) => `--env=${k}=${v}`), wasm, ...args);
    expect(expected.code).toBe(7);
    expect(r).toEqual(expected);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'test', 'wasi', 'c', 'args_env_exit.expected'), 'utf8'));
  });

  it('runs a benchmark program with the same checksum as `wajit run`, and passes stdin and argv0', () => {
    const wasm = join(ROOT, 'bench', 'programs', 'sort.wasm');
    const out = compile(wasm, '--wasi');
    const r = script(`
      const { main } = await import(${JSON.stringify(pathToFileURL(out).href)});
      process.exitCode = main(['80000']);`);
    const expected = wajit('run', wasm, '80000');
    expect(r).toEqual({ ...expected, code: 0 });
    expect(r.stdout).toBe('checksum: 2372486333\n');

    const echo = compile(join(ROOT, 'test', 'wasi', 'c', 'stdin_echo.wasm'), '--wasi');
    const chunks: string[] = ['first line\n', 'ünïcødé\n', 'no newline'];
    const viaOption = script(`
      const { main } = await import(${JSON.stringify(pathToFileURL(echo).href)});
      const input = [${chunks.map((c) => JSON.stringify(c)).join(', ')}].map((s) => new TextEncoder().encode(s));
      process.exitCode = main([], { argv0: 'echo', stdin: () => input.shift() ?? null });`);
    const viaRun = wajit('run', '--argv0', 'echo', join(ROOT, 'test', 'wasi', 'c', 'stdin_echo.wasm'));
    expect(viaOption.code).toBe(0);
    expect(viaOption.stdout).toBe(node([BIN, 'run', '--argv0', 'echo', join(ROOT, 'test', 'wasi', 'c', 'stdin_echo.wasm')], chunks.join('')).stdout);
    expect(viaRun.code).toBe(0);
  });
});

describe('the declarations', () => {
  const KINDS = `(module
    (import "env" "log" (func (param i32 i64)))
    (import "env" "mem" (memory 1))
    (import "env" "g" (global i64))
    (import "env" "gm" (global (mut f32)))
    (table (export "tab") 1 funcref)
    (global (export "counter") (mut i32) (i32.const 0))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "wide") (param i64) (result i64) (local.get 0))
    (func (export "split") (param f64) (result i32 f64 i64) (i32.const 1) (local.get 0) (i64.const 2))
    (func (export "nothing"))
    (func (export "refs") (param externref funcref) (result funcref) (local.get 1))
    (export "memory" (memory 0)))`;

  /** Type-checks `consumer` (TypeScript) next to the compiled module; returns tsc's outcome. */
  function typecheck(consumer: string, ...flags: string[]): Outcome {
    const out = join(tempDir('dts'), 'out.js');
    expect(wajit('compile', writeWasm('kinds', KINDS), '-o', out, ...flags).code).toBe(0);
    const dir = join(out, '..');
    writeFileSync(join(dir, 'consumer.ts'), consumer);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
        skipLibCheck: false, types: [], lib: ['ES2022'],
        // The package's own name for its runtime, mapped to the built declarations.
        paths: { 'wajit/runtime': [join(ROOT, 'dist', 'runtime', 'index.d.ts')] },
      },
      files: ['consumer.ts'],
    }));
    return node([TSC, '-p', join(dir, 'tsconfig.json')]);
  }

  const IMPORTS = `
    import { Memory, Global } from 'wajit/runtime';
    const imports = {
      env: {
        log: (a: number, b: bigint): void => { void a; void b; },
        mem: new Memory({ initial: 1 }),
        g: 5n,
        gm: new Global({ value: 'f32', mutable: true }, 1),
      },
    };`;

  it('type every export and import, and check against a consumer', () => {
    const r = typecheck(`${IMPORTS}
      import { instantiate, module, type Exports } from './out.js';
      const e: Exports = instantiate(imports);
      const n: number = e.add(1, 2);
      const w: bigint = e.wide(1n << 40n);
      const [a, b, c]: [number, number, bigint] = e.split(0.5);
      const none: void = e.nothing();
      const f = e.refs({ any: 'thing' }, e.refs(null, null));
      const grown: number = e.memory.grow(1);
      const len: number = e.tab.length;
      const v: unknown = e.counter.value;
      const kinds: string[] = module.exports.map((x) => x.kind);
      void [n, w, a, b, c, none, f, grown, len, v, kinds];
    `);
    expect(r, r.stdout).toMatchObject({ code: 0 });
  });

  it('reject a consumer that gets the types wrong', () => {
    const r = typecheck(`${IMPORTS}
      import { instantiate } from './out.js';
      const e = instantiate(imports);
      const x: number = e.wide(1n);       // an i64 result is a bigint
      e.add(1n, 2);                        // an i32 parameter is a number
      const [p, q] = e.split(1);
      const s: string = q;                 // the second result is an f64
      instantiate({ env: { ...imports.env, g: 5 } }); // an i64 global is a bigint
      e.missing();
      void [x, p, s];
    `);
    expect(r.code).not.toBe(0);
    const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors.map((l) => /consumer\.ts\((\d+),/.exec(l)?.[1])).toEqual(['13', '14', '16', '17', '18']);
  });

  it('type main() for WASI commands', () => {
    const out = join(tempDir('wasi-dts'), 'out.js');
    expect(wajit('compile', join(ROOT, 'test', 'wasi', 'c', 'args_env_exit.wasm'), '--wasi', '-o', out).code).toBe(0);
    const dir = join(out, '..');
    writeFileSync(join(dir, 'consumer.ts'), `
      import { main } from './out.js';
      const code: number = main(['a', 'b'], { env: { X: '1' }, preopens: { '/tmp': '/tmp' }, stdout: (b: Uint8Array) => { void b; } });
      // @ts-expect-error: arguments are strings
      main([1]);
      void code;
    `);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [],
        lib: ['ES2022'], paths: { 'wajit/runtime': [join(ROOT, 'dist', 'runtime', 'index.d.ts')] },
      },
      files: ['consumer.ts'],
    }));
    const r = node([TSC, '-p', join(dir, 'tsconfig.json')]);
    expect(r, r.stdout).toMatchObject({ code: 0 });
  });
});
