// Engine selection without touching the standard API: `createWebAssembly({ engine })` returns a namespace
// with the same shape as `WebAssembly` whose modules run on the chosen engine. `compile` (the default) is
// wajit's compiler to JavaScript, the same as the `WebAssembly` export; `interp` is wajit's interpreter over
// the same validated IR (compiler/interp/), the baseline and differential oracle.
//
//   import { createWebAssembly } from './engines.js';
//   const WA = createWebAssembly({ engine: 'interp' });
//   const { instance } = await WA.instantiate(bytes, imports);
//
// Memory, Table, Global, the error classes and Instance are shared with the standard namespace, so objects
// pass freely between engines (an instance of one may import another's exports).

import type { EngineKind } from './pipeline.js';
import {
  CompileError, Global, Instance, LinkError, Memory, Module, RuntimeError, Table, WebAssembly, isModule,
  setModuleEngine, validate, type BufferSource, type WebAssemblyInstantiatedSource,
} from './js-api.js';

export interface EngineOptions {
  engine?: EngineKind;
}

export type WebAssemblyNamespace = typeof WebAssembly;

export function createWebAssembly(opts: EngineOptions = {}): WebAssemblyNamespace {
  const engine = opts.engine ?? 'compile';
  if (engine === 'compile') return WebAssembly;
  if (engine !== 'interp') throw new TypeError(`unknown engine '${String(engine)}'`);

  class InterpModule extends Module {}
  // Named like the standard class: the JS API shows `WebAssembly.Module`.
  Object.defineProperty(InterpModule, 'name', { value: 'Module' });
  setModuleEngine(InterpModule, { engine });

  async function compile(bytes: BufferSource): Promise<Module> {
    return new InterpModule(bytes);
  }
  function instantiate(source: Module, importObject?: object): Promise<Instance>;
  function instantiate(source: BufferSource, importObject?: object): Promise<WebAssemblyInstantiatedSource>;
  async function instantiate(
    source: Module | BufferSource,
    importObject?: object,
  ): Promise<Instance | WebAssemblyInstantiatedSource> {
    if (isModule(source)) return new Instance(source, importObject);
    const module = new InterpModule(source);
    return { module, instance: new Instance(module, importObject) };
  }

  const ns = {
    validate, compile, instantiate, Module: InterpModule as typeof Module, Instance, Memory, Table, Global,
    CompileError, LinkError, RuntimeError,
  };
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
  return ns;
}
