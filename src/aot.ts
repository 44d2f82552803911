// Ahead-of-time compilation (`wajit compile`): a module to an ES module that needs only the wajit runtime (or,
// standalone, nothing: the runtime modules it uses inlined by src/standalone.ts), with TypeScript declarations
// and a source map. The same stages as src/pipeline.ts; the code is printed into an ES module
// (compiler/emit/esm.ts) instead of evaluated.

import { decodeModule } from '../compiler/decode/decode.js';
import { validateDecls } from '../compiler/validate/validate.js';
import { describe } from '../compiler/emit/descriptor.js';
import { emitEsModule, runtimeNames } from '../compiler/emit/esm.js';
import { emitDts } from '../compiler/emit/dts.js';
import { standaloneRuntime } from './standalone.js';
import { DebugInfo, type MapTarget } from '../compiler/debug/debug-info.js';
import { sourceMappingURL } from '../compiler/debug/source-map.js';
import type { Module } from '../compiler/ir/module.js';
import { dataURL } from './debug.js';

export interface AotOptions {
  /** Specifier the output imports the runtime from (default `wajit/runtime`). */
  runtime?: string;
  /**
   * Import nothing: inline the runtime modules the output uses (read from the built runtime, dist/runtime).
   * Without `wasi` the output has no import at all; with it, the WASI runtime reaches node:fs and node:tty
   * through process.getBuiltinModule (on Node before 20.16, a dynamic import of node:module).
   */
  standalone?: boolean;
  /** Also export main(args, options), which runs the module as a WASI command (it must export _start). */
  wasi?: boolean;
  /** Indent the generated code for reading (default: compact). */
  pretty?: boolean;
  /** Name of the .wasm file, for the source map and main's default argv[0] (default `module.wasm`). */
  filename?: string;
  /** Name of the output file: with it, a source map is produced, referenced as `<output>.map`. */
  output?: string;
  /**
   * What the source map points to: `wat`, wajit's WAT listing of the module (returned as `wat`, to be written
   * next to the output as `watName`, and embedded in the map); `wasm`, the .wasm file (line 1, column = byte
   * offset); `source`, the original sources that DWARF line info or an input source map give (the listing
   * for code they do not cover); `auto` (the default), `source` when the module has such info, else `wat`.
   */
  mapTo?: MapTo;
  /** A source map of the .wasm file (JSON text, columns = byte offsets) to compose with. */
  inputSourceMap?: string;
  /**
   * Reads the map a `sourceMappingURL` custom section names (when there is no inputSourceMap): its text, or
   * undefined when it cannot be had. `data:` URLs are read without it.
   */
  readSourceMap?: (url: string) => string | undefined;
  /** Called with a one-line message for debug info that cannot be used (it is left out). */
  onWarning?: (message: string) => void;
}

export type MapTo = 'auto' | 'wat' | 'wasm' | 'source';

export interface AotModule {
  /** The ES module. */
  readonly js: string;
  /** Its TypeScript declarations. */
  readonly dts: string;
  /** The source map (when `output` was given): generated code to the WAT listing, the .wasm or the sources. */
  readonly map?: string;
  /** The WAT listing the map refers to, and its file name (next to the output). */
  readonly wat?: string;
  readonly watName?: string;
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
  const inline = opts.standalone === true
    ? standaloneRuntime(runtimeNames(opts.wasi === true), opts.pretty === true).code : undefined;
  const maps = opts.output === undefined ? undefined : mapTarget(module, wasmName, base(opts.output), opts);
  const { js, map } = emitEsModule(decls, desc, {
    runtime, wasi: opts.wasi, pretty: opts.pretty, wasmName,
    ...(inline === undefined ? {} : { inlineRuntime: inline }),
    ...(opts.output === undefined ? {} : { jsName: base(opts.output), mapName: `${base(opts.output)}.map` }),
    ...(maps?.info === undefined ? {} : { mapTo: { origin: maps.info.origin(maps.to), sourcesContent: maps.info.sourcesContent(maps.to) } }),
  });
  const dts = emitDts(desc, { runtime, wasi: opts.wasi, wasmName, standalone: opts.standalone === true });
  const wat = maps?.info === undefined ? {} : { wat: maps.info.listing.text, watName: maps.info.watName };
  return { js, dts, ...(map === undefined ? {} : { map }), ...wat };
}

/** `out.js` -> `out.wat` (also for .mjs and .cjs; any other name gets `.wat` appended). */
export function watFileFor(output: string): string {
  return `${output.replace(/\.[mc]?js$/, '')}.wat`;
}

/** The map's target and the debug info behind it (none for `wasm` maps). */
function mapTarget(m: Module, wasmName: string, jsName: string, opts: AotOptions): { to: MapTarget; info?: DebugInfo } {
  const mode = opts.mapTo ?? 'auto';
  if (mode === 'wasm') return { to: 'wasm' };
  const warn = opts.onWarning ?? ((): void => {});
  let inputMap = opts.inputSourceMap;
  if (inputMap === undefined && mode !== 'wat') {
    const url = sourceMappingURL(m.customs);
    if (url !== undefined) {
      inputMap = url.startsWith('data:') ? dataURL(url) : opts.readSourceMap?.(url);
      if (inputMap === undefined) warn(`cannot read the source map the module names (${JSON.stringify(url)}); not using it`);
    }
  }
  const info = new DebugInfo(m, { wasmName, watName: watFileFor(jsName), inputMap, onWarning: warn, dwarf: mode !== 'wat' });
  if (mode === 'wat' || (mode === 'auto' && !info.hasSources)) return { to: 'wat', info };
  if (!info.hasSources) {
    warn('the module has no DWARF line info or source map: the source map goes to the WAT listing');
    return { to: 'wat', info };
  }
  return { to: 'source', info };
}
