// Engine selection without touching the standard API: `createWebAssembly({ engine, lazy })` returns a
// namespace with the same shape as `WebAssembly` whose modules run on the chosen engine. `compile` (the
// default) is wajit's compiler to JavaScript, the same as the `WebAssembly` export; `interp` is wajit's
// interpreter over the same validated IR (compiler/interp/), the baseline and differential oracle. `lazy`
// forces lazy (true) or eager (false) compilation; by default large modules compile lazily (src/pipeline.ts).
//
//   import { createWebAssembly } from './engines.js';
//   const WA = createWebAssembly({ engine: 'interp' });
//   const { instance } = await WA.instantiate(bytes, imports);
//
// Memory, Table, Global, the error classes and Instance are shared with the standard namespace, so objects
// pass freely between engines (an instance of one may import another's exports).

import type { SourceMapOptions } from './debug.js';
import type { EngineKind } from './pipeline.js';
import type { OutlineMode } from '../compiler/codegen/module-info.js';
import {
  CompileError, Global, Instance, LinkError, Memory, Module, RuntimeError, Table, WebAssembly, isModule,
  setModuleEngine, validate, type BufferSource, type WebAssemblyInstantiatedSource,
} from './js-api.js';

export interface EngineOptions {
  engine?: EngineKind;
  /** Compile every function on its first call (true) or before instantiation (false); compile engine only. */
  lazy?: boolean;
  /**
   * Limits for untrusted code (runtime/meter.ts). `fuel`: an instruction budget per instance, counted at
   * function entries and loop headers; running out traps with "fuel exhausted", and setFuel() lets the
   * instance run again. `timeout`: milliseconds of wall-clock time per call from JavaScript (instantiation
   * included), built on the same counter; it traps with "execution timed out". Both make the compiler emit
   * the counting code (compile engine only). `maxMemoryPages`: no memory the module defines may grow past
   * this many 64 KiB pages (memory.grow returns -1; a larger initial size fails instantiation).
   */
  fuel?: number;
  timeout?: number;
  maxMemoryPages?: number;
  /**
   * Source maps (compile engine only): generated code carries a script name and an inline source map to
   * the module's WAT listing (`module.wat`) or, with DWARF line info, its C sources, for debuggers; trap
   * stacks name the wasm function and that line (`at ratio (divide.c:4:21)`). Default: no maps, trap
   * stacks mapped all the same when first read; false: stacks as V8 writes them. See src/pipeline.ts.
   */
  sourceMap?: boolean | SourceMapOptions;
  /**
   * Which loops of large functions the compiler gives functions of their own: by size (auto, the default),
   * every loop (all: tests of the mechanism) or none (compile engine only; see src/pipeline.ts).
   */
  outline?: OutlineMode;
}

export type WebAssemblyNamespace = typeof WebAssembly;

function checkNumber(opts: EngineOptions, name: 'fuel' | 'timeout' | 'maxMemoryPages', min: number): void {
  const v = opts[name];
  if (v !== undefined && !(typeof v === 'number' && v >= min)) throw new TypeError(`the ${name} option must be a number >= ${min}`);
}

export function createWebAssembly(opts: EngineOptions = {}): WebAssemblyNamespace {
  const engine = opts.engine ?? 'compile';
  if (engine !== 'compile' && engine !== 'interp') throw new TypeError(`unknown engine '${String(engine)}'`);
  if (opts.lazy !== undefined && typeof opts.lazy !== 'boolean') throw new TypeError('the lazy option must be a boolean');
  checkNumber(opts, 'fuel', 0);
  checkNumber(opts, 'timeout', 1);
  checkNumber(opts, 'maxMemoryPages', 0);
  const metered = opts.fuel !== undefined || opts.timeout !== undefined;
  if (metered && engine === 'interp') throw new TypeError('fuel and timeout are not supported by the interpreter');
  const limited = metered || opts.maxMemoryPages !== undefined;
  const sourceMap = opts.sourceMap;
  if (sourceMap !== undefined && typeof sourceMap !== 'boolean' && (typeof sourceMap !== 'object' || sourceMap === null)) {
    throw new TypeError('the sourceMap option must be a boolean or an object');
  }
  if (sourceMap !== undefined && sourceMap !== false && engine === 'interp') throw new TypeError('source maps are not supported by the interpreter');
  const outline = opts.outline;
  if (outline !== undefined && outline !== 'auto' && outline !== 'all' && outline !== 'none') {
    throw new TypeError("the outline option must be 'auto', 'all' or 'none'");
  }
  if (outline !== undefined && engine === 'interp') throw new TypeError('the outline option applies to the compile engine only');
  if (engine === 'compile' && opts.lazy === undefined && !limited && sourceMap === undefined && outline === undefined) return WebAssembly;

  class EngineModule extends Module {}
  // Named like the standard class: the JS API shows `WebAssembly.Module`.
  Object.defineProperty(EngineModule, 'name', { value: 'Module' });
  const limits = {
    ...(opts.fuel === undefined ? {} : { fuel: opts.fuel }),
    ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
    ...(opts.maxMemoryPages === undefined ? {} : { maxMemoryPages: opts.maxMemoryPages }),
  };
  setModuleEngine(EngineModule, engine === 'interp' ? { engine } : { engine, lazy: opts.lazy, metered, ...(sourceMap === undefined ? {} : { sourceMap }), ...(outline === undefined ? {} : { outline }) }, limited ? limits : undefined);

  async function compile(bytes: BufferSource): Promise<Module> {
    return new EngineModule(bytes);
  }
  function instantiate(source: Module, importObject?: object): Promise<Instance>;
  function instantiate(source: BufferSource, importObject?: object): Promise<WebAssemblyInstantiatedSource>;
  async function instantiate(
    source: Module | BufferSource,
    importObject?: object,
  ): Promise<Instance | WebAssemblyInstantiatedSource> {
    if (isModule(source)) return new Instance(source, importObject);
    const module = new EngineModule(source);
    return { module, instance: new Instance(module, importObject) };
  }

  const ns = {
    validate, compile, instantiate, Module: EngineModule as typeof Module, Instance, Memory, Table, Global,
    CompileError, LinkError, RuntimeError,
  };
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
  return ns;
}
