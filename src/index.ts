// wajit's public entry point: a drop-in `WebAssembly` namespace whose modules compile to JavaScript, WASI,
// and compileToModule, which compiles a module ahead of time into an ES module (`wajit compile`).
// createWebAssembly makes a namespace with other settings: the interpreter, lazy or eager compilation, and
// limits for untrusted code (fuel, timeout, maxMemoryPages; getFuel/setFuel read and refill an instance's fuel),
// and source maps (sourceMap: trap stacks and debuggers show the WAT listing or the C sources).
//
//   import { WebAssembly } from 'wajit';
//   const { instance } = await WebAssembly.instantiate(bytes, imports);
//
//   import { createWebAssembly, setFuel } from 'wajit';
//   const Sandbox = createWebAssembly({ fuel: 1e9, timeout: 1000, maxMemoryPages: 1024 });

export {
  WebAssembly, validate, compile, instantiate, Module, Instance, Memory, Table, Global,
  CompileError, LinkError, RuntimeError, getFuel, setFuel,
} from './js-api.js';
export { createWebAssembly } from './engines.js';
export type { EngineOptions, WebAssemblyNamespace } from './engines.js';
export type {
  BufferSource, ImportExportKind, ModuleExportDescriptor, ModuleImportDescriptor, WebAssemblyInstantiatedSource,
} from './js-api.js';
export { WASI } from '../runtime/wasi/index.js';
export { compileToModule } from './aot.js';
export type { AotModule, AotOptions, MapTo } from './aot.js';
export type { SourceMapOptions } from './debug.js';
