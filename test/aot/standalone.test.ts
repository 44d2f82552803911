// `wajit compile --standalone`: the output carries the runtime modules it uses and imports nothing. It runs
// from a directory where no wajit can be found (a plain output there fails to load), its errors are its own
// runtime's classes, which it exports, its imports are made with its own Memory and Global, its declarations
// type-check without wajit, and only WASI commands (--wasi) carry the WASI runtime.
// Compiled with the CLI (dist/) and run in child processes, except the in-process compileToModule check.

import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'acorn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../cli-build.js';
import { watToWasm } from '../diff/harness.js';
import { RuntimeError as SourceRuntimeError } from '../../runtime/index.js';
import { ROOT, compileTo, tempDir } from './harness.js';

const BIN = join(ROOT, 'bin', 'wajit.js');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface Outcome { code: number | null; stdout: string; stderr: string }

function node(args: readonly string[], cwd = ROOT): Outcome {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const wajit = (...args: string[]): Outcome => node([BIN, ...args]);

/** Runs ES module code in a child process in `cwd`. */
const script = (code: string, cwd: string): Outcome => node(['--input-type=module', '-e', code], cwd);

const MODULE = `(module
  (import "env" "mem" (memory 1))
  (import "env" "base" (global i32))
  (func (export "add") (param i32 i32) (result i32) (i32.add (i32.add (local.get 0) (local.get 1)) (global.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "peek") (param i32) (result i64) (i64.load (local.get 0))))`;

/** Compiles `wasm` with `wajit compile` into a fresh directory; returns the output's path. */
function compile(wasm: string, ...flags: string[]): string {
  const out = join(tempDir('standalone'), 'out.js');
  const r = wajit('compile', wasm, '-o', out, ...flags);
  expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
  return out;
}

/** The import declarations and import() specifiers in `js`, and whether it uses import.meta. */
function importsOf(js: string): { static: string[]; dynamic: string[]; meta: boolean } {
  const found = { static: [] as string[], dynamic: [] as string[], meta: false };
  const visit = (n: unknown): void => {
    if (typeof n !== 'object' || n === null) return;
    if (Array.isArray(n)) {
      n.forEach(visit);
      return;
    }
    const node = n as { type?: string; source?: { value?: unknown }; meta?: { name?: string } };
    if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || (node.type === 'ExportNamedDeclaration' && node.source)) {
      found.static.push(String(node.source?.value));
    }
    if (node.type === 'ImportExpression') found.dynamic.push(String(node.source?.value));
    if (node.type === 'MetaProperty' && node.meta?.name === 'import') found.meta = true;
    for (const v of Object.values(node)) visit(v);
  };
  visit(parse(js, { ecmaVersion: 'latest', sourceType: 'module' }));
  return found;
}

/** The runtime modules a standalone output lists in its header. */
function inlined(js: string): string[] {
  const lines = js.split('\n');
  const start = lines.findIndex((l) => l.startsWith('// The wajit runtime (Apache-2.0)'));
  expect(start).toBeGreaterThan(0);
  const list = [];
  for (let i = start + 1; lines[i]!.startsWith('//   '); i++) list.push(...lines[i]!.slice(5).split(/,\s*/));
  return list.filter((m) => m !== '');
}

beforeAll(() => ensureCliBuilt());

describe('wajit compile --standalone', () => {
  it('runs where no wajit is installed: instantiate, calls, traps and link errors as the output\'s own classes', () => {
    const dir = tempDir('module');
    const wasm = join(dir, 'calc.wasm');
    writeFileSync(wasm, watToWasm('calc.wat', MODULE));
    const out = compile(wasm, '--standalone');
    const plain = compile(wasm);
    copyFileSync(out, join(dir, 'calc.js'));
    copyFileSync(plain, join(dir, 'plain.js'));

    const js = readFileSync(out, 'utf8');
    expect(importsOf(js)).toEqual({ static: [], dynamic: [], meta: false });
    expect(inlined(js)).not.toContain('index.js');

    const r = script(`
      const m = await import('./calc.js');
      const mem = new m.Memory({ initial: 1 });
      new DataView(mem.buffer).setBigInt64(8, -2n, true);
      const e = m.instantiate({ env: { mem, base: new m.Global({ value: 'i32' }, 100) } });
      console.log(e.add(1, 2), e.peek(8), m.module.imports.map((i) => i.kind).join());
      try { e.div(1, 0); } catch (x) {
        console.log(x.name, x.message, x instanceof m.RuntimeError, x instanceof WebAssembly.RuntimeError);
      }
      try { m.instantiate({ env: { mem: 1, base: 0 } }); } catch (x) { console.log(x.name, x instanceof m.LinkError); }
      try { await import('./plain.js'); } catch (x) { console.log(x.code); }`, dir);
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe([
      '103 -2n memory,global',
      'RuntimeError integer divide by zero true true',
      'LinkError true',
      // The same module compiled without --standalone needs wajit/runtime, which is not to be found here.
      'ERR_MODULE_NOT_FOUND',
      '',
    ].join('\n'));
  });

  it('carries the WASI runtime only with --wasi, and then runs a C program as `wajit run` does', () => {
    const wasm = join(ROOT, 'test', 'wasi', 'c', 'args_env_exit.wasm');
    const core = readFileSync(compile(wasm, '--standalone'), 'utf8');
    expect(inlined(core).filter((m) => m.startsWith('wasi/'))).toEqual([]);

    const dir = tempDir('wasi');
    copyFileSync(compile(wasm, '--standalone', '--wasi'), join(dir, 'prog.js'));
    const js = readFileSync(join(dir, 'prog.js'), 'utf8');
    expect(inlined(js)).toContain('wasi/wasi.js');
    // No import of wajit; node:fs and node:tty come from process.getBuiltinModule, or on Node before 20.16
    // through node:module's createRequire.
    expect(importsOf(js)).toEqual({ static: [], dynamic: ['node:module', 'node:module'], meta: true });

    const args = ['exit', '7', '', 'two words', 'ünïcødé ✓'];
    const r = script(`
      const { main } = await import('./prog.js');
      process.exitCode = main(${JSON.stringify(args)}, { env: { WAJIT_A: '1' } });`, dir);
    const expected = wajit('run', '--env=WAJIT_A=1', wasm, ...args);
    expect(expected.code).toBe(7);
    expect(r).toEqual(expected);
  });

  it('comes from compileToModule({ standalone: true }) too, indented with pretty, with a runtime of its own', async () => {
    const div = '(module (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))';
    const out = compileTo(watToWasm('div.wat', div), 'div.wasm', { standalone: true, pretty: true });
    expect(readFileSync(out, 'utf8')).toMatch(/\nconst rt = \(\(\) => \{\n {2}const rt\$\w+ = \(\(\) => \{\n {4}\S/);
    const m = await import(pathToFileURL(out).href) as {
      instantiate(): { div(x: number): number };
      RuntimeError: typeof Error;
    };
    expect(m.instantiate().div(1)).toBe(1);
    let caught: unknown;
    try {
      m.instantiate().div(0);
    } catch (e) {
      caught = e;
    }
    // Its own runtime: not the class of the runtime this process uses, but a WebAssembly.RuntimeError.
    expect(caught).toBeInstanceOf(m.RuntimeError);
    expect(caught).not.toBeInstanceOf(SourceRuntimeError);
    expect(caught).toBeInstanceOf((globalThis as unknown as { WebAssembly: { RuntimeError: typeof Error } }).WebAssembly.RuntimeError);
  });

  it('refuses --runtime, and is in the help', () => {
    const wasm = join(tempDir('usage'), 'ok.wasm');
    writeFileSync(wasm, watToWasm('ok.wat', '(module)'));
    const r = wajit('compile', wasm, '-o', join(tempDir('usage'), 'x.js'), '--standalone', '--runtime', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wajit: error: --runtime and --standalone exclude each other/);
    expect(wajit('compile', '--help').stdout).toContain('--standalone');
  });

  it('declares its own classes: the declarations type-check without wajit', () => {
    const dir = tempDir('dts');
    const wasm = join(dir, 'calc.wasm');
    writeFileSync(wasm, watToWasm('calc.wat', MODULE));
    const out = compile(wasm, '--standalone');
    copyFileSync(out, join(dir, 'calc.js'));
    copyFileSync(out.replace(/\.js$/, '.d.ts'), join(dir, 'calc.d.ts'));
    const prog = compile(join(ROOT, 'test', 'wasi', 'c', 'args_env_exit.wasm'), '--standalone', '--wasi');
    copyFileSync(prog, join(dir, 'prog.js'));
    copyFileSync(prog.replace(/\.js$/, '.d.ts'), join(dir, 'prog.d.ts'));
    for (const f of ['calc.d.ts', 'prog.d.ts']) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/^(import|export)\b.*\bfrom\s+"/m);
    writeFileSync(join(dir, 'consumer.ts'), `
      import { main, LinkError } from './prog.js';
      const code: number = main(['a'], { env: { X: '1' }, stdout: (b: Uint8Array) => { void b; }, stdin: () => null });
      // @ts-expect-error: arguments are strings
      main([1]);
      void [code, LinkError];
      import { instantiate, Memory, Global, RuntimeError } from './calc.js';
      const e = instantiate({ env: { mem: new Memory({ initial: 1 }), base: new Global({ value: 'i32' }, 1) } });
      const n: number = e.add(1, 2);
      const w: bigint = e.peek(0);
      try { e.div(1, 0); } catch (x) { if (x instanceof RuntimeError) { const why: string = x.message; void why; } }
      // @ts-expect-error: a memory import is a Memory
      instantiate({ env: { mem: {}, base: 1 } });
      void [n, w];
    `);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
        skipLibCheck: false, types: [], lib: ['ES2022'],
      },
      files: ['consumer.ts'],
    }));
    const r = node([TSC, '-p', join(dir, 'tsconfig.json')]);
    expect(r, r.stdout).toMatchObject({ code: 0 });
  });
});
