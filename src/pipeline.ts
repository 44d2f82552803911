// The whole flow, one stage per line: bytes -> decoded Module -> validated IR -> JavaScript -> link function.
// Instantiation (imports, memories, start, exports) is the runtime's job: runtime/link.ts.

import { decodeModule } from '../compiler/decode/decode.js';
import { validateModule } from '../compiler/validate/validate.js';
import { generateModule } from '../compiler/codegen/module.js';
import { describe } from '../compiler/emit/descriptor.js';
import { interpretModule } from '../compiler/interp/interp.js';
import type { Module } from '../compiler/ir/module.js';
import type { LinkRecord, LinkResult, ModuleDescriptor, ModuleFactory } from '../runtime/abi.js';
import * as rt from '../runtime/index.js';
import { CompileError } from '../runtime/errors.js';

export interface CompiledModule {
  readonly module: Module;
  readonly descriptor: ModuleDescriptor;
  readonly link: (I: LinkRecord) => LinkResult;
  /** The generated code: the body of the module factory, `function (rt) { ... }` ('' for the interpreter). */
  readonly code: string;
}

/** How a module runs: compiled to JavaScript (the default) or interpreted from its IR (compiler/interp/). */
export type EngineKind = 'compile' | 'interp';

export interface CompileOptions {
  filename?: string;
  engine?: EngineKind;
}

export function compileModule(bytes: Uint8Array, opts: CompileOptions = {}): CompiledModule {
  const module = decodeModule(bytes);
  const validated = validateModule(module);
  if (opts.engine === 'interp') return { module, descriptor: describe(module), link: interpretModule(validated), code: '' };
  const { code } = generateModule(validated, opts);
  const factory = evaluate(code);
  const link = factory(rt as unknown as Record<string, unknown>);
  return { module, descriptor: describe(module), link, code };
}

/** Evaluates generated code; the engine's own parser limits (e.g. nesting depth) become a CompileError. */
function evaluate(code: string): ModuleFactory {
  try {
    return new Function('rt', code) as ModuleFactory;
  } catch (e) {
    if (e instanceof RangeError) throw new CompileError('generated JavaScript exceeds the engine\'s parser limits (nesting too deep)', 0, 'engine-limit');
    throw e;
  }
}

/** Decodes and validates only: what WebAssembly.validate needs. */
export function checkModule(bytes: Uint8Array): void {
  validateModule(decodeModule(bytes));
}
