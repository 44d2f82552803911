// wajit's public entry point: a drop-in `WebAssembly` namespace whose modules compile to JavaScript, WASI,
// and compileToModule, which compiles a module ahead of time into an ES module (`wajit compile`).
//
//   import { WebAssembly } from 'wajit';
//   const { instance } = await WebAssembly.instantiate(bytes, imports);

export {
  WebAssembly, validate, compile, instantiate, Module, Instance, Memory, Table, Global,
  CompileError, LinkError, RuntimeError,
} from './js-api.js';
export type {
  BufferSource, ImportExportKind, ModuleExportDescriptor, ModuleImportDescriptor, WebAssemblyInstantiatedSource,
} from './js-api.js';
export { WASI } from '../runtime/wasi/index.js';
export { compileToModule } from './aot.js';
export type { AotModule, AotOptions } from './aot.js';
