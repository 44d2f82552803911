// Support for the tests of ahead-of-time compilation (`wajit compile`, src/aot.ts): compiling a module into a
// temporary directory and importing the ES module, and a WebAssembly-like namespace over such modules, so the
// differential harness of test/diff drives them exactly as it drives the JIT.
//
// In this process the output imports the runtime from its TypeScript source (vitest compiles it), so that it
// shares the runtime with src/: the same RuntimeError class, the same canonical type ids, objects passing
// freely between compiled-ahead and JIT instances. Child processes use the build in dist/ instead.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileToModule, type AotOptions } from '../../src/aot.js';
import { Wajit, type Api } from '../diff/harness.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The runtime's source: what in-process tests import, shared with src/. */
export const RUNTIME_SOURCE = pathToFileURL(join(ROOT, 'runtime', 'index.ts')).href;
/** The built runtime: what child processes import. */
export const RUNTIME_DIST = pathToFileURL(join(ROOT, 'dist', 'runtime', 'index.js')).href;

export interface ModuleDescription {
  readonly imports: readonly { module: string; name: string; kind: string }[];
  readonly exports: readonly { name: string; kind: string }[];
}

/** What a compiled ES module exports. */
export interface AotModule {
  instantiate(imports?: object): Record<string, unknown>;
  readonly module: ModuleDescription;
  main?(args?: readonly string[], options?: object): number;
}

let work: string | undefined;

/** A fresh directory under one temporary directory per test file. */
export function tempDir(label: string): string {
  work ??= mkdtempSync(join(tmpdir(), 'wajit-aot-'));
  const dir = join(work, `${label.replace(/[^\w.-]/g, '_')}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Compiles `bytes` ahead of time into a temporary directory; returns the output's path. */
export function compileTo(bytes: Uint8Array, name: string, opts: AotOptions = {}): string {
  const dir = tempDir(name);
  const out = join(dir, `${name.replace(/\.wasm$|\.wat$/, '')}.js`);
  const r = compileToModule(bytes, { runtime: RUNTIME_SOURCE, filename: name, output: out, ...opts });
  writeFileSync(out, r.js);
  writeFileSync(out.replace(/\.js$/, '.d.ts'), r.dts);
  if (r.map !== undefined) writeFileSync(`${out}.map`, r.map);
  return out;
}

/** Compiles `bytes` ahead of time and imports the result. */
export async function importAot(bytes: Uint8Array, name: string, opts: AotOptions = {}): Promise<AotModule> {
  return (await import(pathToFileURL(compileTo(bytes, name, opts)).href)) as AotModule;
}

/**
 * A namespace like WebAssembly whose Module stands for an already imported ahead-of-time compiled module
 * (looked up by the bytes given, which must be one of `modules`' keys) and whose Instance calls its
 * instantiate(). Everything else is wajit's.
 */
export function aotNamespace(modules: ReadonlyMap<Uint8Array, AotModule>): Api {
  class Module {
    readonly aot: AotModule;
    constructor(bytes: Uint8Array) {
      const aot = modules.get(bytes);
      if (aot === undefined) throw new Error('this module was not compiled ahead of time for the test');
      this.aot = aot;
    }
  }
  class Instance {
    readonly exports: Record<string, unknown>;
    constructor(module: Module, imports?: object) {
      this.exports = module.aot.instantiate(imports);
    }
  }
  return { ...Wajit, Module, Instance } as unknown as Api;
}
