// The whole flow, one stage per line: bytes -> decoded Module -> validated IR -> JavaScript -> link function.
// Instantiation (imports, memories, start, exports) is the runtime's job: runtime/link.ts.
//
// Eager compilation validates, generates and prints one function after another (generateModule), then
// evaluates the module's code once. Lazy compilation validates every body up front too (an invalid module
// must fail to compile), but generates only stubs; a function's code is generated and evaluated on its first
// call (generateLazyFunction, evaluated by the link function). Large modules compile lazily by default: their
// first call comes much sooner (see docs/performance.md, "Compile speed and lazy compilation").
//
// With `sourceMap`, every evaluated script also carries its name and an inline source map to the WAT listing
// or the original sources, and traps are reported there (src/debug.ts). By default scripts are only named,
// and a trap's stack is mapped the same way when it is first read, from code positions generated again then
// (nothing of it is done at compile time). `sourceMap: false` leaves the stacks as V8 writes them.

import { checkGenerated } from '../compiler/emit/check.js';
import { decodeModule } from '../compiler/decode/decode.js';
import { validateBody, validateDecls, validateModule, type ValidatedDecls } from '../compiler/validate/validate.js';
import { generateLazyFunction, generateModule, type GenerateOptions } from '../compiler/codegen/module.js';
import type { OutlineMode } from '../compiler/codegen/module-info.js';
import { describe } from '../compiler/emit/descriptor.js';
import { interpretModule } from '../compiler/interp/interp.js';
import type { FuncIR } from '../compiler/ir/ir.js';
import { codeSize, type Module } from '../compiler/ir/module.js';
import type { LinkRecord, LinkResult, ModuleDescriptor, ModuleFactory } from '../runtime/abi.js';
import * as rt from '../runtime/index.js';
import { CompileError } from '../runtime/errors.js';
import { JitDebug, type SourceMapOptions } from './debug.js';

export interface CompiledModule {
  readonly module: Module;
  readonly descriptor: ModuleDescriptor;
  readonly link: (I: LinkRecord) => LinkResult;
  /** The generated code: the body of the module factory, `function (rt, source) { ... }` ('' for the interpreter). */
  readonly code: string;
  /** True when functions are compiled on their first call. */
  readonly lazy: boolean;
  /** Source maps and trap-stack mapping, when compiled with `sourceMap`. */
  readonly debug?: JitDebug;
}

/** How a module runs: compiled to JavaScript (the default) or interpreted from its IR (compiler/interp/). */
export type EngineKind = 'compile' | 'interp';

export interface CompileOptions {
  /** Name of the .wasm file, for source maps and script names (default `module.wasm`). */
  filename?: string;
  /**
   * Source maps: generated scripts get a `//# sourceURL=wasm://wajit/...` name and an inline map to the
   * module's WAT listing or, with DWARF line info or an input map, its original sources (for debuggers),
   * and a trap's RuntimeError stack names the wasm function and its WAT or source line. Default (undefined):
   * no maps (they cost compile time and memory), but trap stacks are still mapped when first read; false:
   * neither.
   */
  sourceMap?: boolean | SourceMapOptions;
  engine?: EngineKind;
  /**
   * Compile each function on its first call (true) or all before instantiation (false). Default: lazy for
   * modules whose code section holds at least LAZY_THRESHOLD bytes. The environment variable WAJIT_LAZY=1
   * or 0 overrides the default (not an explicit option).
   */
  lazy?: boolean;
  /**
   * Lazy mode: keep the IR of every body from the up-front validation until the function's first call,
   * instead of validating the body again then. Faster first calls, much more memory (measured in
   * docs/performance.md; off by default).
   */
  keepBodies?: boolean;
  /** Generate metered code (fuel counted at function entries and loop headers): needed for fuel and timeouts. */
  metered?: boolean;
  /**
   * Which loops of large functions become functions of their own (faster tier-up in V8; see
   * docs/performance.md): chosen by size (auto, the default), every loop (all, for testing) or none.
   */
  outline?: OutlineMode;
  /**
   * Check the generated code against compiler/emit/check.ts before evaluating it (lazily compiled functions
   * too): only allowlisted names, properties and syntax. Default: the environment variable WAJIT_CHECK_CODE=1.
   */
  checkCode?: boolean;
  /** Called with the function index each time a function's code is generated (tests, debugging). */
  onGenerate?: (index: number) => void;
}

/**
 * Code-section size from which modules compile lazily by default (measured: see docs/performance.md).
 * Below it, eager compilation costs little and the code runs without stubs.
 */
export const LAZY_THRESHOLD = 1024 * 1024;

export function compileModule(bytes: Uint8Array, opts: CompileOptions = {}): CompiledModule {
  const module = decodeModule(bytes);
  if (opts.engine === 'interp') {
    return { module, descriptor: describe(module), link: interpretModule(validateModule(module)), code: '', lazy: false };
  }
  const decls = validateDecls(module);
  const lazy = opts.lazy ?? defaultLazy(module);
  const debug = opts.sourceMap === false ? undefined
    : new JitDebug(module, opts.filename, typeof opts.sourceMap === 'object' ? opts.sourceMap : {}, opts.sourceMap === undefined);
  if (!lazy) {
    const code = moduleCode(decls, codeOptions(opts), debug, codeSize(module) <= DEFERRED_MODULE_LIMIT);
    if (checking(opts)) checkGenerated(code);
    const onGenerate = opts.onGenerate;
    if (onGenerate !== undefined) for (let k = 0; k < module.funcs.length; k++) onGenerate(module.numImportedFuncs + k);
    const link = retaining(evaluate(code)(rt as unknown as Record<string, unknown>), debug, module);
    return { module, descriptor: describe(module), link, code, lazy, ...(debug === undefined ? {} : { debug }) };
  }

  // Every body is validated now; its IR is dropped (or kept, with keepBodies) until the first call.
  const bodies: (FuncIR | undefined)[] = [];
  for (let k = 0; k < module.funcs.length; k++) {
    const ir = validateBody(decls, k);
    if (opts.keepBodies === true) bodies.push(ir);
  }
  const code = moduleCode(decls, { ...codeOptions(opts), lazy: true }, debug, true);
  const scope = checking(opts) ? checkGenerated(code).evalScope ?? new Set<string>() : undefined;
  const source = lazySource(decls, bodies, opts, scope, debug);
  const link = retaining(evaluate(code)(rt as unknown as Record<string, unknown>, source), debug, module);
  return { module, descriptor: describe(module), link, code, lazy, ...(debug === undefined ? {} : { debug }) };
}

/**
 * Code of an eagerly compiled module larger than this is not generated again to map a trap's stack (it would
 * take seconds): its frames stay as V8 writes them unless it was compiled with `sourceMap`.
 */
const DEFERRED_MODULE_LIMIT = 16 * 1024 * 1024;

/**
 * The module factory's code; with source maps, named and mapped. Deferred (the default), named only, with the
 * way to generate its positions again (`regenerate`: false where that is too costly).
 */
function moduleCode(decls: ValidatedDecls, opts: GenerateOptions, debug: JitDebug | undefined, regenerate: boolean): string {
  if (debug === undefined) return generateModule(decls, opts).code;
  const file = debug.moduleFile;
  const { code, map, offsets } = generateModule(decls, { ...opts, ...debug.options(file, true) });
  if (debug.deferred && regenerate) debug.defer(file, () => generateModule(decls, { ...opts, ...debug.regenerateOptions(file, true) }).offsets);
  return debug.finish(file, code, map, offsets, false);
}

/** With source maps, a link function whose instances keep the stack mapper alive. */
function retaining(link: (I: LinkRecord) => LinkResult, debug: JitDebug | undefined, m: Module): (I: LinkRecord) => LinkResult {
  if (debug === undefined) return link;
  return (I) => {
    const result = link(I);
    debug.retain(result, m.numImportedFuncs);
    return result;
  };
}

/** Decodes and validates only: what WebAssembly.validate needs. */
export function checkModule(bytes: Uint8Array): void {
  const decls = validateDecls(decodeModule(bytes));
  for (let k = 0; k < decls.module.funcs.length; k++) validateBody(decls, k);
}

export { codeSize };

/** The options of compileModule that shape the generated code, whole module or one function at a time. */
function codeOptions(opts: CompileOptions): GenerateOptions {
  return { metered: opts.metered, outline: opts.outline };
}

function defaultLazy(m: Module): boolean {
  const env = typeof process === 'undefined' ? undefined : process.env.WAJIT_LAZY;
  if (env === '1' || env === '0') return env === '1';
  return codeSize(m) >= LAZY_THRESHOLD;
}

/** The factory's `source(i)`: the code compiling function i, generated when the function is first called. */
function checking(o: CompileOptions): boolean {
  return o.checkCode ?? (typeof process !== 'undefined' && process.env.WAJIT_CHECK_CODE === '1');
}

function lazySource(
  decls: ValidatedDecls, bodies: (FuncIR | undefined)[], opts: CompileOptions, scope: ReadonlySet<string> | undefined,
  debug: JitDebug | undefined,
): (i: number) => string {
  const imported = decls.module.numImportedFuncs;
  return (i) => {
    const k = i - imported;
    const ir = bodies[k];
    // A kept body serves the first instance; any later one validates again.
    bodies[k] = undefined;
    const v = ir === undefined ? decls : { ...decls, funcs: withBody(k, ir) };
    let code: string;
    if (debug === undefined) code = generateLazyFunction(v, k, codeOptions(opts)).code;
    else {
      const file = debug.functionFile(i);
      const g = generateLazyFunction(v, k, { ...codeOptions(opts), ...debug.options(file, false) });
      if (debug.deferred) {
        debug.defer(file, () => generateLazyFunction(decls, k, { ...codeOptions(opts), ...debug.regenerateOptions(file, false) }).offsets);
      }
      code = debug.finish(file, g.code, g.map, g.offsets, true);
    }
    if (scope !== undefined) checkGenerated(code, { evalScope: scope });
    opts.onGenerate?.(i);
    return code;
  };
}

/** A sparse IR list holding only body k (what generateLazyFunction reads). */
function withBody(k: number, ir: FuncIR): FuncIR[] {
  const funcs: FuncIR[] = [];
  funcs[k] = ir;
  return funcs;
}

/** Evaluates generated code; the engine's own parser limits (e.g. nesting depth) become a CompileError. */
function evaluate(code: string): ModuleFactory {
  try {
    return new Function('rt', 'source', code) as ModuleFactory;
  } catch (e) {
    if (e instanceof RangeError) throw new CompileError('generated JavaScript exceeds the engine\'s parser limits (nesting too deep)', 0, 'engine-limit');
    throw e;
  }
}
