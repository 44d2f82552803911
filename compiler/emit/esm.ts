// The ES module `wajit compile` writes: the module descriptor (data segments as base64), the generated module
// factory (the same code the JIT evaluates, compiled eagerly), and the exports
//
//   instantiate(imports)   the instance's exports; the checks and errors of new WebAssembly.Instance
//   module                 the imports and exports, as WebAssembly.Module.imports() and .exports() list them
//   main(args, options)    (--wasi) runs the module as a WASI command, returns its exit code
//   RuntimeError, ...      the runtime's classes: CompileError, LinkError, RuntimeError (for instanceof), and
//                          Memory, Table, Global (to make imports)
//
// Everything it needs at run time comes from one import, the runtime (`wajit/runtime` by default), so the
// output links with the runtime alone. A standalone output has the runtime modules it uses inlined in place of
// that import (`inlineRuntime`, made by src/standalone.ts), and imports nothing.

import type { ExternKind, ModuleDescriptor } from '../../runtime/abi.js';
import { HELPERS, printModule, type ModuleToGenerate } from '../codegen/module.js';
import { Printer, type PrintOptions } from './print.js';

export interface EsmOptions {
  /** Specifier the output imports the runtime from. */
  readonly runtime: string;
  /** Statements declaring `rt` (the runtime names in runtimeNames()), written instead of the import. */
  readonly inlineRuntime?: string;
  /** Also export main(args, options), which runs the module as a WASI command. */
  readonly wasi?: boolean;
  /** Indent the generated code for reading. */
  readonly pretty?: boolean;
  /** Name of the .wasm file: the default argv[0] of main, the source of the map. */
  readonly wasmName: string;
  /** File names of the output and of its source map: with both, the map is built and referenced. */
  readonly jsName?: string;
  readonly mapName?: string;
  /** Where the map points instead of the .wasm (the WAT listing, original sources) and what it embeds. */
  readonly mapTo?: Pick<PrintOptions, 'origin' | 'sourcesContent'>;
}

export interface EsModule {
  readonly js: string;
  /** Source map JSON: generated code to byte offsets in the .wasm file (line 1, column = offset) or mapTo's sources. */
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
    ...(mapped ? { sourceMapFile: opts.wasmName, generatedFile: opts.jsName, ...opts.mapTo } : {}),
  });
  if (opts.inlineRuntime === undefined) {
    out.text(`// Compiled by wajit from ${json(opts.wasmName)}. Needs only the wajit runtime.\n`);
    out.text(`import * as rt from ${json(opts.runtime)};\n\n`);
  } else {
    out.text(`// Compiled by wajit from ${json(opts.wasmName)}. Standalone: the wajit runtime modules it uses follow.\n`);
    out.text(`${opts.inlineRuntime}\n`);
  }

  // The descriptor: what the linker needs besides the code (runtime/abi.ts). Data segments are base64.
  out.text('const descriptor = {\n');
  for (const key of ['types', 'imports', 'exports', 'funcs', 'tables', 'memories', 'globals'] as const) {
    out.text(`  ${key}: ${json(desc[key])},\n`);
  }
  out.text('  data: [\n');
  for (const d of desc.data) {
    // Base64 needs no escapes. A large segment goes as many short literals: V8 parses one literal of 100 MiB
    // about twenty times slower (runtime/base64.ts decodes the chunks into one buffer).
    const text = base64(d);
    if (text.length <= DATA_CHUNK) out.text(`    rt.base64Decode("${text}"),\n`);
    else {
      out.text('    rt.base64Decode([\n');
      for (let i = 0; i < text.length; i += DATA_CHUNK) out.text(`      "${text.slice(i, i + DATA_CHUNK)}",\n`);
      out.text('    ]),\n');
    }
  }
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
    '/** The runtime\'s error classes, and the classes of memories, tables and globals to import. */',
    `export const { ${RUNTIME_CLASSES.join(', ')} } = rt;`,
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

/** The runtime's classes the output exports. */
const RUNTIME_CLASSES = ['CompileError', 'LinkError', 'RuntimeError', 'Memory', 'Table', 'Global'];

/** The names of wajit/runtime an output reads from `rt`: what a standalone output must inline. */
export function runtimeNames(wasi: boolean): string[] {
  return [...HELPERS, 'instantiate', 'base64Decode', ...RUNTIME_CLASSES, ...(wasi ? ['wasi'] : [])];
}

/** Characters of base64 per string literal in the output (a multiple of 4). */
const DATA_CHUNK = 65536;

const B64 = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0));
const PAD = 0x3d; // '='

/**
 * Standard base64 with padding (runtime/base64.ts decodes it). The characters go into a byte array decoded once:
 * building the string by concatenation took 19 s for 100 MiB, this 0.3 s.
 */
export function base64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const n = bytes.length - (bytes.length % 3);
  let o = 0;
  for (let i = 0; i < n; i += 3, o += 4) {
    const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = B64[x >> 18]!;
    out[o + 1] = B64[(x >> 12) & 63]!;
    out[o + 2] = B64[(x >> 6) & 63]!;
    out[o + 3] = B64[x & 63]!;
  }
  const rest = bytes.length - n;
  if (rest > 0) {
    const x = (bytes[n]! << 16) | (rest === 2 ? bytes[n + 1]! << 8 : 0);
    out[o] = B64[x >> 18]!;
    out[o + 1] = B64[(x >> 12) & 63]!;
    out[o + 2] = rest === 2 ? B64[(x >> 6) & 63]! : PAD;
    out[o + 3] = PAD;
  }
  return new TextDecoder().decode(out);
}
