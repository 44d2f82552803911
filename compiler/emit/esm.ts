// The ES module `wajit compile` writes: the module descriptor (data segments as base64), the generated module
// factory (the same code the JIT evaluates, compiled eagerly), and the exports
//
//   instantiate(imports)   the instance's exports; the checks and errors of new WebAssembly.Instance
//   module                 the imports and exports, as WebAssembly.Module.imports() and .exports() list them
//   main(args, options)    (--wasi) runs the module as a WASI command, returns its exit code
//
// Everything it needs at run time comes from one import, the runtime (`wajit/runtime` by default), so the
// output links with the runtime alone. (A standalone output would put the runtime pieces the code uses in
// place of that import.)

import type { ExternKind, ModuleDescriptor } from '../../runtime/abi.js';
import { printModule, type ModuleToGenerate } from '../codegen/module.js';
import { Printer } from './print.js';

export interface EsmOptions {
  /** Specifier the output imports the runtime from. */
  readonly runtime: string;
  /** Also export main(args, options), which runs the module as a WASI command. */
  readonly wasi?: boolean;
  /** Indent the generated code for reading. */
  readonly pretty?: boolean;
  /** Name of the .wasm file: the default argv[0] of main, the source of the map. */
  readonly wasmName: string;
  /** File names of the output and of its source map: with both, the map is built and referenced. */
  readonly jsName?: string;
  readonly mapName?: string;
}

export interface EsModule {
  readonly js: string;
  /** Source map JSON: generated code to byte offsets in the .wasm file (line 1, column = offset). */
  readonly map?: string;
}

/** The names the JS API gives extern kinds. */
export const KIND_NAMES: Readonly<Record<ExternKind, string>> = {
  func: 'function', table: 'table', memory: 'memory', global: 'global',
};

const json = JSON.stringify;

export function emitEsModule(v: ModuleToGenerate, desc: ModuleDescriptor, opts: EsmOptions): EsModule {
  const mapped = opts.jsName !== undefined && opts.mapName !== undefined;
  const out = new Printer({
    pretty: opts.pretty,
    ...(mapped ? { sourceMapFile: opts.wasmName, generatedFile: opts.jsName } : {}),
  });
  out.text(`// Compiled by wajit from ${json(opts.wasmName)}. Needs only the wajit runtime.\n`);
  out.text(`import * as rt from ${json(opts.runtime)};\n\n`);

  // The descriptor: what the linker needs besides the code (runtime/abi.ts). Data segments are base64.
  out.text('const descriptor = {\n');
  for (const key of ['types', 'imports', 'exports', 'funcs', 'tables', 'memories', 'globals'] as const) {
    out.text(`  ${key}: ${json(desc[key])},\n`);
  }
  out.text('  data: [\n');
  for (const d of desc.data) out.text(`    rt.base64Decode(${json(base64(d))}),\n`);
  out.text('  ],\n');
  out.text(`  elemCount: ${desc.elemCount},\n  start: ${desc.start},\n};\n\n`);

  // The generated module factory, evaluated once: `link` builds one instance per call.
  out.text('const link = (function (rt) {\n');
  printModule(v, { pretty: opts.pretty }, out);
  out.text('})(rt);\n\n');

  const list = (xs: readonly object[]): string => `Object.freeze([${xs.map((x) => `Object.freeze(${json(x)})`).join(', ')}])`;
  const imports = desc.imports.map((i) => ({ module: i.module, name: i.name, kind: KIND_NAMES[i.kind] }));
  const exports = desc.exports.map((e) => ({ name: e.name, kind: KIND_NAMES[e.kind] }));
  out.text('/** The imports and exports of the module, as WebAssembly.Module.imports() and .exports() list them. */\n');
  out.text(`export const module = Object.freeze({\n  imports: ${list(imports)},\n  exports: ${list(exports)},\n});\n\n`);
  out.text([
    '/**',
    ' * Instantiates the module with `imports` and returns the instance\'s exports: the same checks, errors',
    ' * (TypeError, LinkError, RuntimeError from a start function) and exported objects as',
    ' * `new WebAssembly.Instance(module, imports).exports`.',
    ' */',
    'export function instantiate(imports) {',
    '  return rt.instantiate(descriptor, link, imports).exports;',
    '}',
    '',
  ].join('\n'));
  if (opts.wasi) {
    out.text([
      '',
      '/**',
      ' * Runs the module as a WASI command: `args` are its arguments after argv[0] (options.argv0, by default',
      ' * the .wasm file\'s name); options are those of the runtime\'s WASI (env, preopens, fs, stdin, stdout,',
      ' * stderr), plus `imports` for modules other than wasi_snapshot_preview1. Returns the exit code.',
      ' */',
      'export function main(args = [], options = {}) {',
      `  const { imports, argv0 = ${json(opts.wasmName)}, ...wasiOptions } = options;`,
      '  const wasi = new rt.wasi.WASI({ ...wasiOptions, version: "preview1", args: [argv0, ...args], returnOnExit: true });',
      '  return wasi.start({ exports: instantiate({ ...imports, ...wasi.getImportObject() }) });',
      '}',
      '',
    ].join('\n'));
  }
  if (mapped) out.text(`//# sourceMappingURL=${opts.mapName}\n`);
  return { js: out.toString(), ...(mapped ? { map: out.sourceMap() } : {}) };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (runtime/base64.ts decodes it). */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length - (bytes.length % 3);
  for (let i = 0; i < n; i += 3) {
    const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += B64[x >> 18]! + B64[(x >> 12) & 63]! + B64[(x >> 6) & 63]! + B64[x & 63]!;
    // Short chunks, joined once: concatenating megabytes character by character is slow.
    if (chunk.length >= 8192) { parts.push(chunk); chunk = ''; }
  }
  const rest = bytes.length - n;
  if (rest === 1) {
    const x = bytes[n]! << 16;
    chunk += `${B64[x >> 18]}${B64[(x >> 12) & 63]}==`;
  } else if (rest === 2) {
    const x = (bytes[n]! << 16) | (bytes[n + 1]! << 8);
    chunk += `${B64[x >> 18]}${B64[(x >> 12) & 63]}${B64[(x >> 6) & 63]}=`;
  }
  parts.push(chunk);
  return parts.join('');
}
