// The TypeScript declarations of a module compiled by `wajit compile` (esm.ts): every export typed as the JS
// API presents it (i32, f32, f64 -> number; i64 -> bigint; funcref -> an exported function or null;
// externref -> unknown; several results -> a tuple; memories, tables, globals -> the runtime's Memory,
// Table, Global), the import object `instantiate` takes, `module`, `main` for WASI commands, and the runtime's
// classes the module exports: from the runtime's declarations, or, for a standalone module, declared here.

import type { FuncType, ImportDescriptor, ModuleDescriptor, ValType } from '../../runtime/abi.js';

export interface DtsOptions {
  /** Specifier of the runtime, for its types. */
  readonly runtime: string;
  readonly wasi?: boolean;
  readonly wasmName: string;
  /** The module inlines the runtime: declare the runtime's classes instead of importing their types. */
  readonly standalone?: boolean;
}

const json = JSON.stringify;

const WASI_MODULE = 'wasi_snapshot_preview1';

function valueType(t: ValType): string {
  switch (t) {
    case 'i32': case 'f32': case 'f64': return 'number';
    case 'i64': return 'bigint';
    case 'funcref': return 'Funcref';
    case 'externref': return 'unknown';
    case 'v128': return 'never'; // no JS value: calls whose type mentions v128 throw a TypeError
  }
}

function funcType(t: FuncType): string {
  const params = t.params.map((p, i) => `p${i}: ${valueType(p)}`).join(', ');
  const results = t.results.length === 0 ? 'void'
    : t.results.length === 1 ? valueType(t.results[0]!)
      : `[${t.results.map(valueType).join(', ')}]`;
  return `(${params}) => ${results}`;
}

/** What an import may be given as (a host function's results: one value, or an iterable of several). */
function importType(i: ImportDescriptor, types: readonly FuncType[]): string {
  switch (i.kind) {
    case 'func': {
      const t = types[i.type]!;
      const results = t.results.length === 0 ? 'unknown'
        : t.results.length === 1 ? valueType(t.results[0]!) : `Iterable<unknown>`;
      return `(${t.params.map((p, k) => `p${k}: ${valueType(p)}`).join(', ')}) => ${results}`;
    }
    case 'memory': return 'Memory';
    case 'table': return 'Table';
    // An immutable global may be given as a plain value.
    case 'global': return i.type.mutable ? 'Global' : `Global | ${valueType(i.type.type)}`;
  }
}

/** The runtime's classes as a standalone module exports them (the shapes of runtime/js-api and errors). */
const STANDALONE_CLASSES = [
  '/** The runtime\'s classes, inlined in the module: the JS API\'s errors, and what imports are made of. */',
  'export declare class CompileError extends Error { readonly offset: number; readonly code: string; }',
  'export declare class LinkError extends Error {}',
  'export declare class RuntimeError extends Error {}',
  'export declare class Memory {',
  '  #private;',
  '  constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });',
  '  get buffer(): ArrayBuffer;',
  '  grow(delta: number): number;',
  '}',
  'export declare class Table {',
  '  #private;',
  '  constructor(',
  '    descriptor: { element: "anyfunc" | "funcref" | "externref"; initial: number; maximum?: number },',
  '    value?: unknown,',
  '  );',
  '  get length(): number;',
  '  get(index: number): unknown;',
  '  set(index: number, value?: unknown): void;',
  '  grow(delta: number, value?: unknown): number;',
  '}',
  'export declare class Global {',
  '  #private;',
  '  constructor(',
  '    descriptor: { value: "i32" | "i64" | "f32" | "f64" | "anyfunc" | "funcref" | "externref"; mutable?: boolean },',
  '    value?: unknown,',
  '  );',
  '  get value(): unknown;',
  '  set value(v: unknown);',
  '  valueOf(): unknown;',
  '}',
];

/** The WASI option types of main() in a standalone module (the runtime's InputSpec, OutputSpec, Backend). */
const STANDALONE_WASI = [
  'declare namespace wasi {',
  '  type InputSpec = number | ((max: number) => Uint8Array | null | undefined);',
  '  type OutputSpec = number | ((bytes: Uint8Array) => void);',
  '  /** A filesystem backend: an object implementing the wajit runtime\'s wasi.Backend interface. */',
  '  type Backend = object;',
  '}',
];

export function emitDts(desc: ModuleDescriptor, opts: DtsOptions): string {
  const lines: string[] = [`// Types of the module compiled by wajit from ${json(opts.wasmName)}.`];
  if (opts.standalone) lines.push(...STANDALONE_CLASSES, ...(opts.wasi ? STANDALONE_WASI : []));
  else {
    lines.push(
      `import type { Global, Memory, Table${opts.wasi ? ', wasi' : ''} } from ${json(opts.runtime)};`,
      `export { CompileError, LinkError, RuntimeError, Memory, Table, Global } from ${json(opts.runtime)};`,
    );
  }
  lines.push(
    '',
    '/** A funcref value: a WebAssembly exported function, or null. */',
    'export type Funcref = ((...args: any[]) => any) | null;',
    '',
    '/** The instance\'s exports. */',
    'export interface Exports {',
  );
  for (const e of desc.exports) {
    let t: string;
    switch (e.kind) {
      case 'func': t = funcType(desc.types[desc.funcs[e.index]!]!); break;
      case 'memory': t = 'Memory'; break;
      case 'table': t = 'Table'; break;
      case 'global': t = 'Global'; break;
    }
    lines.push(`  readonly ${json(e.name)}: ${t};`);
  }
  lines.push('}', '');

  // Imports, grouped by module name in order of first appearance.
  const byModule = new Map<string, string[]>();
  for (const i of desc.imports) {
    let fields = byModule.get(i.module);
    if (fields === undefined) byModule.set(i.module, (fields = []));
    fields.push(`    readonly ${json(i.name)}: ${importType(i, desc.types)};`);
  }
  lines.push('/** The import object instantiate() takes. */', 'export interface Imports {');
  for (const [mod, fields] of byModule) lines.push(`  readonly ${json(mod)}: {`, ...fields, '  };');
  lines.push('}', '');

  lines.push(
    'export interface ModuleImport { readonly module: string; readonly name: string; readonly kind: ExternKind }',
    'export interface ModuleExport { readonly name: string; readonly kind: ExternKind }',
    'export type ExternKind = "function" | "table" | "memory" | "global";',
    '',
    '/** The imports and exports of the module, as WebAssembly.Module.imports() and .exports() list them. */',
    'export declare const module: { readonly imports: readonly ModuleImport[]; readonly exports: readonly ModuleExport[] };',
    '',
    '/** Instantiates the module, as new WebAssembly.Instance(module, imports).exports. */',
    `export declare function instantiate(imports${byModule.size === 0 ? '?' : ''}: Imports): Exports;`,
  );
  if (opts.wasi) {
    const others = [...byModule.keys()].filter((m) => m !== WASI_MODULE);
    lines.push(
      '',
      '/** Options of main(): those of the runtime\'s WASI, argv[0], and the imports other than WASI\'s. */',
      'export interface MainOptions {',
      `  /** argv[0] (default: ${json(opts.wasmName)}). */`,
      '  readonly argv0?: string;',
      '  readonly env?: Readonly<Record<string, string>>;',
      '  /** Guest path -> host directory. */',
      '  readonly preopens?: Readonly<Record<string, string>>;',
      '  /** Guest path -> filesystem backend. */',
      '  readonly fs?: Readonly<Record<string, wasi.Backend>>;',
      '  readonly stdin?: wasi.InputSpec;',
      '  readonly stdout?: wasi.OutputSpec;',
      '  readonly stderr?: wasi.OutputSpec;',
      others.length === 0 ? '  readonly imports?: Record<string, never>;'
        : `  readonly imports: Pick<Imports, ${others.map((m) => json(m)).join(' | ')}>;`,
      '}',
      '',
      '/** Runs the module as a WASI command with `args` after argv[0]; returns the exit code. */',
      `export declare function main(args?: readonly string[], options${others.length === 0 ? '?' : ''}: MainOptions): number;`,
    );
  }
  return `${lines.join('\n')}\n`;
}
