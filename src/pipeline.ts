// The whole flow, one stage per line: bytes -> decoded Module -> validated IR -> JavaScript -> link function.
// Instantiation (imports, memories, start, exports) is the runtime's job: runtime/link.ts.

import { decodeModule } from '../compiler/decode/decode.js';
import { validateModule } from '../compiler/validate/validate.js';
import { generateModule } from '../compiler/codegen/module.js';
import { describe } from '../compiler/emit/descriptor.js';
import type { Module } from '../compiler/ir/module.js';
import type { LinkRecord, LinkResult, ModuleDescriptor, ModuleFactory } from '../runtime/abi.js';
import * as rt from '../runtime/index.js';

export interface CompiledModule {
  readonly module: Module;
  readonly descriptor: ModuleDescriptor;
  readonly link: (I: LinkRecord) => LinkResult;
  /** The generated code: the body of the module factory, `function (rt) { ... }`. */
  readonly code: string;
}

export function compileModule(bytes: Uint8Array, opts: { filename?: string } = {}): CompiledModule {
  const module = decodeModule(bytes);
  const validated = validateModule(module);
  const { code } = generateModule(validated, opts);
  const factory = new Function('rt', code) as ModuleFactory;
  const link = factory(rt as unknown as Record<string, unknown>);
  return { module, descriptor: describe(module), link, code };
}

/** Decodes and validates only: what WebAssembly.validate needs. */
export function checkModule(bytes: Uint8Array): void {
  validateModule(decodeModule(bytes));
}
