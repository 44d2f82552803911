// Ahead-of-time compilation (`wajit compile`): a module to a standalone ES module that needs only the wajit
// runtime, with TypeScript declarations and a source map. The same stages as src/pipeline.ts; the code is
// printed into an ES module (compiler/emit/esm.ts) instead of evaluated.

import { decodeModule } from '../compiler/decode/decode.js';
import { validateDecls } from '../compiler/validate/validate.js';
import { describe } from '../compiler/emit/descriptor.js';
import { emitEsModule } from '../compiler/emit/esm.js';
import { emitDts } from '../compiler/emit/dts.js';

export interface AotOptions {
  /** Specifier the output imports the runtime from (default `wajit/runtime`). */
  runtime?: string;
  /** Also export main(args, options), which runs the module as a WASI command (it must export _start). */
  wasi?: boolean;
  /** Indent the generated code for reading (default: compact). */
  pretty?: boolean;
  /** Name of the .wasm file, for the source map and main's default argv[0] (default `module.wasm`). */
  filename?: string;
  /** Name of the output file: with it, a source map is produced, referenced as `<output>.map`. */
  output?: string;
}

export interface AotModule {
  /** The ES module. */
  readonly js: string;
  /** Its TypeScript declarations. */
  readonly dts: string;
  /** The source map (when `output` was given): generated code to byte offsets in the .wasm file. */
  readonly map?: string;
}

export function compileToModule(bytes: Uint8Array, opts: AotOptions = {}): AotModule {
  const module = decodeModule(bytes);
  const decls = validateDecls(module);
  const desc = describe(module);
  if (opts.wasi === true && !desc.exports.some((e) => e.kind === 'func' && e.name === '_start')) {
    throw new TypeError('a WASI command must export a function _start');
  }
  const runtime = opts.runtime ?? 'wajit/runtime';
  const wasmName = opts.filename ?? 'module.wasm';
  const base = (p: string): string => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
  const { js, map } = emitEsModule(decls, desc, {
    runtime, wasi: opts.wasi, pretty: opts.pretty, wasmName,
    ...(opts.output === undefined ? {} : { jsName: base(opts.output), mapName: `${base(opts.output)}.map` }),
  });
  const dts = emitDts(desc, { runtime, wasi: opts.wasi, wasmName });
  return { js, dts, ...(map === undefined ? {} : { map }) };
}
