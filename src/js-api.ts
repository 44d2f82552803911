// The drop-in `WebAssembly` namespace: the JS API (validate, compile, instantiate, Module, Instance, Memory,
// Table, Global and the three error classes) over wajit's compiler and runtime.
//
// Two rules hold at this boundary. Bytes are copied when they arrive, so later writes to the caller's buffer
// change nothing. And compilation fails only with a CompileError: any other exception out of the compiler is
// a wajit bug, reported as a CompileError that keeps the original as `cause`, never as a random exception.
//
// Everything runs synchronously, including the promise-returning functions (their errors become rejections).
// The spec runs compilation and instantiation "in parallel"; the difference is only in timing.

import type { ExternKind } from '../runtime/abi.js';
import { CompileError, LinkError, RuntimeError } from '../runtime/errors.js';
import { Global } from '../runtime/js-api/global.js';
import { tag } from '../runtime/js-api/idl.js';
import { Memory } from '../runtime/js-api/memory.js';
import { Table } from '../runtime/js-api/table.js';
import { instantiate as instantiateCore, type InstanceLimits } from '../runtime/link.js';
import type { Meter } from '../runtime/meter.js';
import { checkModule, compileModule, type CompileOptions, type CompiledModule } from './pipeline.js';

export { CompileError, LinkError, RuntimeError, Global, Memory, Table };

export type BufferSource = ArrayBuffer | ArrayBufferView;
export type ImportExportKind = 'function' | 'table' | 'memory' | 'global';
export interface ModuleExportDescriptor { name: string; kind: ImportExportKind }
export interface ModuleImportDescriptor { module: string; name: string; kind: ImportExportKind }
export interface WebAssemblyInstantiatedSource { module: Module; instance: Instance }

const KIND: Readonly<Record<ExternKind, ImportExportKind>> = {
  func: 'function', table: 'table', memory: 'memory', global: 'global',
};

// The byteLength getter doubles as a brand check that works across realms and rejects SharedArrayBuffer,
// as WebIDL's BufferSource does.
const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;

/** WebIDL "get a copy of the bytes held by the buffer source" (a detached buffer holds no bytes). */
function copyBytes(source: unknown, what: string): Uint8Array {
  let view: Uint8Array;
  if (ArrayBuffer.isView(source)) {
    if (source.byteLength === 0) return new Uint8Array(0);
    view = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  } else {
    let length: number;
    try {
      length = arrayBufferLength.call(source) as number;
    } catch {
      throw new TypeError(`${what}: argument must be an ArrayBuffer, a typed array or a DataView`);
    }
    if (length === 0) return new Uint8Array(0);
    view = new Uint8Array(source as ArrayBuffer);
  }
  const copy = new Uint8Array(view.length);
  copy.set(view);
  return copy;
}

function asCompileError(e: unknown): CompileError {
  if (e instanceof CompileError) return e;
  let message: string;
  try {
    message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    message = 'unprintable exception';
  }
  const offset = (e as { offset?: unknown } | null)?.offset;
  const err = new CompileError(`internal compiler error: ${message}`, typeof offset === 'number' ? offset : 0, 'internal');
  // As `new Error(msg, { cause })` would: an own, non-enumerable property.
  Object.defineProperty(err, 'cause', { value: e, writable: true, configurable: true });
  return err;
}

/** The compiled module behind a wajit Module, or undefined for any other value. */
let compiledOf: (m: unknown) => CompiledModule | undefined;
/** The host limits of a module's instances (set by its engine's namespace). */
let limitsOf: (m: Module) => InstanceLimits | undefined;

function requireModule(m: unknown, what: string): CompiledModule {
  const c = compiledOf(m);
  if (c === undefined) throw new TypeError(`${what}: argument must be a WebAssembly.Module`);
  return c;
}

/**
 * Compile options of Module subclasses that select another engine (src/engines.ts registers them). The
 * standard `Module` is not in the map and compiles with the defaults.
 */
const engineOptions = new WeakMap<object, CompileOptions>();
/** Host limits for the instances of modules of a Module subclass (src/engines.ts). */
const engineLimits = new WeakMap<object, InstanceLimits>();

/** Makes `new cls(bytes)` (cls a subclass of Module) compile with `opts`, its instances get `limits`. */
export function setModuleEngine(cls: typeof Module, opts: CompileOptions, limits?: InstanceLimits): void {
  engineOptions.set(cls, opts);
  if (limits !== undefined) engineLimits.set(cls, limits);
}

/** The meters of instances with fuel or a timeout. */
const meters = new WeakMap<object, Meter>();

function meterOf(instance: unknown, what: string): Meter {
  const m = typeof instance === 'object' && instance !== null ? meters.get(instance) : undefined;
  if (m === undefined) throw new TypeError(`${what}: not an instance created with fuel or a timeout`);
  return m;
}

/** The fuel an instance has left (created by a namespace with `fuel` or `timeout`; Infinity when unlimited). */
export function getFuel(instance: Instance): number {
  return meterOf(instance, 'getFuel()').fuel;
}

/** Gives an instance `fuel` units from now on (after "fuel exhausted", it runs again). */
export function setFuel(instance: Instance, fuel: number): void {
  meterOf(instance, 'setFuel()').fuel = fuel;
}

/** True for a wajit Module of any engine. */
export function isModule(m: unknown): m is Module {
  return compiledOf(m) !== undefined;
}

export class Module {
  // A private field also makes the class nominal for TypeScript, which the instantiate overloads rely on.
  readonly #compiled: CompiledModule;
  readonly #limits: InstanceLimits | undefined;

  static {
    compiledOf = (m) => (typeof m === 'object' && m !== null && #compiled in m ? m.#compiled : undefined);
    limitsOf = (m) => m.#limits;
  }

  constructor(bytes: BufferSource) {
    const copy = copyBytes(bytes, 'WebAssembly.Module()');
    try {
      this.#compiled = compileModule(copy, engineOptions.get(new.target));
    } catch (e) {
      throw asCompileError(e);
    }
    this.#limits = engineLimits.get(new.target);
  }


  static exports(module: Module): ModuleExportDescriptor[] {
    const { descriptor } = requireModule(module, 'WebAssembly.Module.exports()');
    return descriptor.exports.map(({ name, kind }) => ({ name, kind: KIND[kind] }));
  }

  static imports(module: Module): ModuleImportDescriptor[] {
    const { descriptor } = requireModule(module, 'WebAssembly.Module.imports()');
    return descriptor.imports.map(({ module: mod, name, kind }) => ({ module: mod, name, kind: KIND[kind] }));
  }

  /** Copies of the payloads of the custom sections named `sectionName`, in module order. */
  static customSections(module: Module, sectionName: string): ArrayBuffer[] {
    const what = 'WebAssembly.Module.customSections()';
    const c = requireModule(module, what);
    if (sectionName === undefined) throw new TypeError(`${what}: a section name is required`);
    const name = String(sectionName);
    return c.module.customs.filter((s) => s.name === name).map((s) => s.bytes.slice().buffer);
  }
}

export class Instance {
  readonly #exports: Record<string, unknown>;

  constructor(module: Module, importObject?: object) {
    const c = requireModule(module, 'WebAssembly.Instance()');
    const made = instantiateCore(c.descriptor, c.link, importObject, limitsOf(module));
    this.#exports = made.exports;
    if (made.meter !== undefined) meters.set(this, made.meter);
  }

  get exports(): Record<string, unknown> {
    return this.#exports;
  }
}

/** True when the bytes are a valid module. Never throws for bad bytes, only for a non-BufferSource. */
export function validate(bytes: BufferSource): boolean {
  const copy = copyBytes(bytes, 'WebAssembly.validate()');
  try {
    checkModule(copy);
    return true;
  } catch {
    // A CompileError means invalid; anything else is a wajit bug, which must not escape from validate either.
    return false;
  }
}

export async function compile(bytes: BufferSource): Promise<Module> {
  return new Module(bytes);
}

export function instantiate(source: Module, importObject?: object): Promise<Instance>;
export function instantiate(source: BufferSource, importObject?: object): Promise<WebAssemblyInstantiatedSource>;
export async function instantiate(
  source: Module | BufferSource,
  importObject?: object,
): Promise<Instance | WebAssemblyInstantiatedSource> {
  if (compiledOf(source) !== undefined) return new Instance(source as Module, importObject);
  const module = new Module(source as BufferSource);
  return { module, instance: new Instance(module, importObject) };
}

tag(Module, 'WebAssembly.Module');
tag(Instance, 'WebAssembly.Instance');

/** The namespace object, usable wherever `globalThis.WebAssembly` is. */
export const WebAssembly = {
  validate, compile, instantiate, Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError,
};
Object.defineProperty(WebAssembly, Symbol.toStringTag, { value: 'WebAssembly', configurable: true });
