// The engines of `wajit bench`, each behind one adapter interface. An adapter answers two questions in the
// parent process (can this engine run here at all? this program at this size?) and does the work in a cell,
// the child process that measures one run (src/bench/cell.ts):
//
//   const loaded = await engine.load(ctx);          // untimed: import the engine's own code
//   const runnable = await loaded.compile(input);   // timed as compile: bytes -> something runnable
//   const outcome = await runnable.run();           // timed as execution
//
// Every engine gets the same bytes and the same argv (`NAME.wasm SIZE`); WASI commands write their
// `checksum: N` line to the cell's real stdout (fd 1), so output takes the same path for every engine. The
// engines that cannot run WASI run the WASI-free NAME.run.wasm instead, whose run() returns the checksum of
// the `small` size; the cell prints it the same way. Nothing here knows a program by name.
//
// Foreign memories: wajit's WASI accepts a native WebAssembly.Memory or one of wajit's own. wasm2js and
// polywasm export plain objects with a `buffer` getter, so their adapters hand WASI a view object that
// inherits from WebAssembly.Memory.prototype and forwards `buffer` (see foreignMemory).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Which module an engine runs: the WASI command or the WASI-free run() variant (small size only). */
export type ModuleKind = 'wasi' | 'run';

export type SizeName = 'small' | 'large';

/** What the parent knows about the machine and the package. */
export interface EngineContext {
  /** The package root (holds package.json, bin/, dist/, node_modules/). */
  readonly root: string;
  /** The Node binary the cells run with. */
  readonly node: string;
}

/** One program of the corpus. */
export interface ProgramInfo {
  readonly name: string;
  /** Path of NAME.wasm (the WASI command). */
  readonly wasm: string;
  /** Path of NAME.run.wasm, when the corpus has one. */
  readonly runWasm?: string;
  readonly sizes: Readonly<Record<SizeName, number>>;
}

/** What a cell hands an engine: the module to run and the guest's argv. */
export interface ModuleInput {
  readonly kind: ModuleKind;
  readonly path: string;
  readonly bytes: Uint8Array;
  /** argv of the WASI command, argv[0] included; empty for run() modules. */
  readonly args: readonly string[];
}

/**
 * How a run ended. WASI commands print their checksum themselves and give an exit code; run() modules give
 * their result, which the cell prints as `checksum: N` (unsigned, as the WASI build prints it).
 */
export type Outcome = { readonly exitCode: number } | { readonly result: number | bigint | string };

export interface Runnable {
  run(): Outcome | Promise<Outcome>;
  /** True when the engine cannot separate compilation from execution: the cell reports no compile time. */
  readonly compileInExec?: boolean;
}

export interface LoadedEngine {
  compile(input: ModuleInput): Runnable | Promise<Runnable>;
}

export interface Engine {
  readonly name: string;
  /** One line: what runs and with which WASI. */
  readonly describe: string;
  readonly kind: ModuleKind;
  /** When set, the engine runs only when named in --engines; this is why (shown as the skip reason). */
  readonly optIn?: string;
  /** Node options for the engine's cell process (e.g. V8 tiering flags), shown in the report. */
  readonly nodeFlags?: readonly string[];
  /** The engine's version, for the report (parent side; may spawn a process). */
  version(ctx: EngineContext): string;
  /** null when the engine can run here; otherwise why not (parent side). */
  available(ctx: EngineContext): string | null;
  /** null when the engine runs this program at this size; otherwise why not. `explicit`: named in --engines. */
  supports(program: ProgramInfo, size: SizeName, explicit: boolean): string | null;
  /** In the cell, untimed: import the engine's code. */
  load(ctx: EngineContext): Promise<LoadedEngine>;
}

// ---- shared pieces --------------------------------------------------------------------------------------

type Namespace = {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

interface WasiLike {
  getImportObject(): { wasi_snapshot_preview1: Record<string, unknown> };
  start(instance: object): number;
}

type WasiFactory = (args: readonly string[]) => WasiLike;

/** Node's own WebAssembly (the compiler's lib settings declare no global for it). */
const nativeWebAssembly = (globalThis as unknown as { WebAssembly: Namespace & { Memory: { prototype: object } } })
  .WebAssembly;

/**
 * wajit's WASI, what every engine but native-nodewasi uses. From the runtime's entry point (the package's
 * `wajit/runtime`), which loads none of the compiler into the cells of other engines.
 */
async function wajitWasi(): Promise<WasiFactory> {
  const { wasi: { WASI } } = await import('../../runtime/index.js');
  return (args) => new WASI({ version: 'preview1', args, env: {}, returnOnExit: true });
}

async function nodeWasi(): Promise<WasiFactory> {
  const { WASI } = await import('node:wasi');
  return (args) => new WASI({ version: 'preview1', args: [...args], env: {}, returnOnExit: true }) as WasiLike;
}

/**
 * A stand-in for a memory that is not a WebAssembly.Memory: it passes WASI's type check (its prototype is
 * WebAssembly.Memory.prototype) and forwards `buffer` to the real one. Own property, so the prototype's
 * branded getter is never called.
 */
export function foreignMemory(memory: { readonly buffer: ArrayBufferLike }): object {
  return Object.create(nativeWebAssembly.Memory.prototype, { buffer: { get: () => memory.buffer, enumerable: true } });
}

function commandInstance(exports: Record<string, unknown>, memory: object): object {
  return { exports: { _start: exports['_start'], memory } };
}

/** The result of a run() module; engines return i32 as a number, i64 as a BigInt. */
function runExport(exports: Record<string, unknown>): Outcome {
  const run = exports['run'];
  if (typeof run !== 'function') throw new Error('the module exports no run() function');
  return { result: (run as () => number | bigint)() };
}

/**
 * An engine behind a WebAssembly-shaped namespace running WASI commands: `new Module(bytes)` and
 * `new Instance(...)` are the compile step, WASI's start() the execution. All JS-API engines go through here.
 */
function jsApiEngine(ns: Namespace, wasi: WasiFactory, wrapMemory: boolean): LoadedEngine {
  return {
    compile(input) {
      const w = wasi(input.args);
      const instance = new ns.Instance(new ns.Module(input.bytes), w.getImportObject());
      const { exports } = instance;
      const target = wrapMemory
        ? commandInstance(exports, foreignMemory(exports['memory'] as { buffer: ArrayBufferLike }))
        : instance;
      return { run: () => ({ exitCode: w.start(target) }) };
    },
  };
}

/** The version of an npm package of the project, or null when it is not installed. */
function packageVersion(ctx: EngineContext, name: string): string | null {
  const file = packageFile(ctx, name, 'package.json');
  if (file === null) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
}

/** A file of an installed npm package (resolved from the package root), or null. */
function packageFile(ctx: EngineContext, name: string, file: string): string | null {
  const path = join(ctx.root, 'node_modules', ...name.split('/'), file);
  return existsSync(path) ? path : null;
}

const missingPackage = (name: string): string => `npm package '${name}' is not installed (npm install)`;

const hasCommand = (program: ProgramInfo): string | null => (existsSync(program.wasm) ? null : `no ${program.name}.wasm`);

/** run() modules have the small size baked in. */
function runModuleOnly(program: ProgramInfo, size: SizeName): string | null {
  if (program.runWasm === undefined) return `no ${program.name}.run.wasm in the corpus`;
  if (size !== 'small') return 'runs the WASI-free run() module, which has the small size baked in';
  return null;
}

/** The Node and V8 versions of the binary the cells run with. */
export function nodeVersions(ctx: EngineContext): { node: string; v8: string } {
  if (ctx.node === process.execPath) return { node: process.version, v8: process.versions.v8 };
  let known = versionsOf.get(ctx.node);
  if (known === undefined) {
    const r = spawnSync(ctx.node, ['-p', 'JSON.stringify([process.version, process.versions.v8])'], { encoding: 'utf8' });
    try {
      const [node, v8] = JSON.parse(r.stdout) as [string, string];
      known = { node, v8 };
    } catch {
      known = { node: 'unknown', v8: 'unknown' };
    }
    versionsOf.set(ctx.node, known);
  }
  return known;
}

const versionsOf = new Map<string, { node: string; v8: string }>();

function wajitVersion(ctx: EngineContext): string {
  try {
    return (JSON.parse(readFileSync(join(ctx.root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** A fresh directory for an engine's translated output; removed when the cell process ends. */
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wajit-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a translator command; throws its first line of complaint when it fails. */
function runTool(command: string, args: readonly string[], what: string): void {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error !== undefined) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = `${r.stderr}\n${r.stdout}`.split('\n').find((l) => l.trim() !== '') ?? `exit status ${r.status}`;
    throw new Error(`${what} failed: ${why.trim()}`);
  }
}

// ---- the engines ----------------------------------------------------------------------------------------

const native: Engine = {
  name: 'native',
  describe: "Node's WebAssembly (V8) + wajit's WASI: the reference, every ratio is to it",
  kind: 'wasi',
  version: (ctx) => `V8 ${nodeVersions(ctx).v8}`,
  available: () => null,
  supports: hasCommand,
  async load() {
    return jsApiEngine(nativeWebAssembly, await wajitWasi(), false);
  },
};

/**
 * Native with V8's baseline wasm compiler off: every function goes straight to the optimizing tier. Node 20
 * keeps a long-running loop in its baseline code (there is no on-stack replacement into TurboFan for wasm),
 * so this shows what native's optimized code does on the same programs.
 */
const nativeNoLiftoff: Engine = {
  name: 'native-noliftoff',
  describe: "Node's WebAssembly with --no-liftoff (optimizing tier only) + wajit's WASI",
  kind: 'wasi',
  nodeFlags: ['--no-liftoff'],
  version: (ctx) => `V8 ${nodeVersions(ctx).v8}`,
  available: () => null,
  supports: hasCommand,
  async load() {
    return jsApiEngine(nativeWebAssembly, await wajitWasi(), false);
  },
};

const nativeNodeWasi: Engine = {
  name: 'native-nodewasi',
  describe: "Node's WebAssembly (V8) + node:wasi",
  kind: 'wasi',
  version: (ctx) => `V8 ${nodeVersions(ctx).v8}, node:wasi of Node ${nodeVersions(ctx).node}`,
  available: () => null,
  supports: hasCommand,
  async load() {
    return jsApiEngine(nativeWebAssembly, await nodeWasi(), false);
  },
};

const wajit: Engine = {
  name: 'wajit',
  describe: "wajit's WebAssembly (compiled to JavaScript when the module is compiled) + wajit's WASI",
  kind: 'wasi',
  version: wajitVersion,
  available: (ctx) => (existsSync(join(ctx.root, 'dist', 'src', 'index.js')) ? null : "dist/ is missing ('npm run build')"),
  supports: hasCommand,
  async load() {
    const { WebAssembly: WA } = await import('../index.js');
    return jsApiEngine(WA as unknown as Namespace, await wajitWasi(), false);
  },
};

/**
 * wajit with fuel metering on (a budget that never runs out, so every check point runs and none traps):
 * what limiting untrusted code costs, against the `wajit` column.
 */
const wajitFuel: Engine = {
  name: 'wajit-fuel',
  describe: "wajit with fuel metering (createWebAssembly({ fuel: 1e15 })) + wajit's WASI",
  kind: 'wasi',
  optIn: 'measures the cost of fuel metering; name it in --engines',
  version: wajitVersion,
  available: wajit.available,
  supports: hasCommand,
  async load() {
    const { createWebAssembly } = await import('../engines.js');
    return jsApiEngine(createWebAssembly({ fuel: 1e15 }) as unknown as Namespace, await wajitWasi(), false);
  },
};

const interp: Engine = {
  name: 'interp',
  describe: "wajit's interpreter over the validated IR (createWebAssembly({ engine: 'interp' })) + wajit's WASI",
  kind: 'wasi',
  // Each wasm call takes several JS frames in the interpreter: with Node's default stack it reaches about
  // 1,100 wasm frames, short of the recursion program's depth. 4 MB stays well inside Linux's 8 MB main stack.
  nodeFlags: ['--stack-size=4000'],
  version: wajitVersion,
  available: wajit.available,
  supports(program, size, explicit) {
    if (size === 'large' && !explicit) return 'large size only when named in --engines (about 150x native)';
    return hasCommand(program);
  },
  async load() {
    const { createWebAssembly } = await import('../engines.js');
    return jsApiEngine(createWebAssembly({ engine: 'interp' }) as unknown as Namespace, await wajitWasi(), false);
  },
};

/** `wajit compile` answers --help with status 0 once it exists; probed once per sitting. */
function wajitCompileAvailable(ctx: EngineContext): string | null {
  const r = spawnSync(ctx.node, [join(ctx.root, 'bin', 'wajit.js'), 'compile', '--help'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'wajit compile not available';
}

const wajitAot: Engine = {
  name: 'wajit-aot',
  describe: "wajit's ahead-of-time output (`wajit compile MODULE.wasm -o OUT.js`, an ES module) + wajit's WASI",
  kind: 'wasi',
  version: wajitVersion,
  available: wajitCompileAvailable,
  supports: hasCommand,
  async load(ctx) {
    const wasi = await wajitWasi();
    return {
      // Compile time: the `wajit compile` process (Node's start-up included), then loading its output.
      async compile(input) {
        const dir = scratchDir();
        // The output imports wajit's runtime by package name: make the package visible from the scratch dir.
        mkdirSync(join(dir, 'node_modules'));
        symlinkSync(ctx.root, join(dir, 'node_modules', 'wajit'), 'dir');
        const out = join(dir, 'module.mjs');
        runTool(ctx.node, [join(ctx.root, 'bin', 'wajit.js'), 'compile', input.path, '-o', out], 'wajit compile');
        const mod = (await import(pathToFileURL(out).href)) as {
          instantiate?: (imports: object) => unknown;
        };
        if (typeof mod.instantiate !== 'function') throw new Error('the output of wajit compile exports no instantiate()');
        const w = wasi(input.args);
        // instantiate() returns the instance's exports, as the `exports` of an Instance.
        const exports = (await mod.instantiate(w.getImportObject())) as object;
        return { run: () => ({ exitCode: w.start({ exports }) }) };
      },
    };
  },
};

/** Binaryen's wasm2js: the npm package ships it as a command (bin/wasm2js, Binaryen compiled to wasm). */
const wasm2js: Engine = {
  name: 'wasm2js',
  describe: "Binaryen's wasm2js -O2 (npm binaryen) translating to an ES module, + wajit's WASI",
  kind: 'wasi',
  version: (ctx) => `binaryen ${packageVersion(ctx, 'binaryen') ?? '?'} (npm)`,
  available: (ctx) => (packageFile(ctx, 'binaryen', join('bin', 'wasm2js')) ? null : missingPackage('binaryen')),
  supports: hasCommand,
  async load(ctx) {
    const wasi = await wajitWasi();
    const tool = packageFile(ctx, 'binaryen', join('bin', 'wasm2js'))!;
    return {
      // Compile time: the translation (the wasm2js process, Binaryen's own start-up included) and loading
      // the output, which builds the instance when it is evaluated.
      async compile(input) {
        const dir = scratchDir();
        const out = join(dir, 'module.mjs');
        runTool(ctx.node, [tool, input.path, '-O2', '-o', out], 'wasm2js');
        const w = wasi(input.args);
        const bound = bindImports(w.getImportObject().wasi_snapshot_preview1);
        // The output imports each WASI function from the bare specifier 'wasi_snapshot_preview1', as a
        // bundler would resolve it: a package of that name in the scratch dir re-exports the imports.
        const pkg = join(dir, 'node_modules', 'wasi_snapshot_preview1');
        mkdirSync(pkg, { recursive: true });
        writeFileSync(join(pkg, 'package.json'), '{ "type": "module", "main": "index.js" }\n');
        const names = Object.keys(bound.imports);
        writeFileSync(join(pkg, 'index.js'), [
          `const w = globalThis[Symbol.for('wajit.bench.imports')];`,
          ...names.map((n) => `export const ${n} = w.${n};`),
        ].join('\n'));
        (globalThis as Record<symbol, unknown>)[Symbol.for('wajit.bench.imports')] = bound.imports;
        const ns = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
        const memory = ns['memory'] as { buffer: ArrayBuffer } | undefined;
        if (memory === undefined) throw new Error('the wasm2js output exports no memory');
        bound.track(memory);
        return { run: () => ({ exitCode: w.start(commandInstance(ns, foreignMemory(memory))) }) };
      },
    };
  },
};

/**
 * wasm2js's memory.grow makes a new ArrayBuffer without detaching the old one, while wajit's WASI re-reads
 * `memory.buffer` only when its cached buffer is detached. Each import therefore first detaches a buffer
 * the memory has left behind (it is garbage to wasm2js by then). One getter call per WASI call.
 */
function bindImports(imports: Record<string, unknown>): {
  imports: Record<string, unknown>;
  track(memory: { readonly buffer: ArrayBuffer }): void;
} {
  let memory: { readonly buffer: ArrayBuffer } | undefined;
  let seen: ArrayBuffer | undefined;
  const sync = (): void => {
    const current = memory?.buffer;
    if (current === seen) return;
    if (seen !== undefined && seen.byteLength > 0) structuredClone(seen, { transfer: [seen] });
    seen = current;
  };
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(imports)) {
    if (typeof fn !== 'function') continue;
    out[name] = (...args: unknown[]) => {
      sync();
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { imports: out, track: (m) => { memory = m; seen = m.buffer; } };
}

const polywasm: Engine = {
  name: 'polywasm',
  describe: "polywasm's WebAssembly polyfill (npm polywasm, translates functions to JavaScript) + wajit's WASI",
  kind: 'wasi',
  version: (ctx) => `polywasm ${packageVersion(ctx, 'polywasm') ?? '?'} (npm)`,
  available: (ctx) => (packageFile(ctx, 'polywasm', 'index.js') ? null : missingPackage('polywasm')),
  supports: hasCommand,
  async load(ctx) {
    const { WebAssembly: WA } = (await import(pathToFileURL(packageFile(ctx, 'polywasm', 'index.js')!).href)) as {
      WebAssembly: Namespace;
    };
    return jsApiEngine(WA, await wajitWasi(), true);
  },
};

/** Debian's wabt interpreter, found on PATH (npm's wabt ships a wasm-interp too: node_modules is skipped). */
function findWasmInterp(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || dir.split(sep).includes('node_modules')) continue;
    const file = join(dir, 'wasm-interp');
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return null;
}

const wasmInterp: Engine = {
  name: 'wasm-interp',
  describe: "wabt's wasm-interp (Debian) on NAME.run.wasm --run-all-exports; the whole process is timed as execution",
  kind: 'run',
  version() {
    const tool = findWasmInterp();
    const r = tool === null ? null : spawnSync(tool, ['--version'], { encoding: 'utf8' });
    return `wabt ${r?.stdout.trim() || '?'}`;
  },
  available: () => (findWasmInterp() === null ? 'wasm-interp is not installed (Debian package wabt)' : null),
  supports: (program, size) => runModuleOnly(program, size),
  async load() {
    const tool = findWasmInterp();
    if (tool === null) throw new Error('wasm-interp is not installed');
    return {
      compile(input) {
        return {
          compileInExec: true,
          run() {
            const r = spawnSync(tool, [input.path, '--run-all-exports'], { encoding: 'utf8', maxBuffer: 1 << 20 });
            const m = /^run\(\) => i(?:32|64):(-?\d+)$/m.exec(r.stdout ?? '');
            if (r.status !== 0 || m === null) {
              const why = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').find((l) => l.trim() !== '');
              throw new Error(`wasm-interp: ${why?.trim() ?? `exit status ${r.status}`}`);
            }
            return { result: m[1]! };
          },
        };
      },
    };
  },
};

const webassemblyjs: Engine = {
  name: 'webassemblyjs',
  describe: 'the webassemblyjs interpreter (npm webassemblyjs) on NAME.run.wasm',
  kind: 'run',
  optIn: 'webassemblyjs fails or answers wrongly on most run() modules of the corpus (see bench/README.md); ' +
    'name it in --engines to run it',
  version: (ctx) => `webassemblyjs ${packageVersion(ctx, 'webassemblyjs') ?? '?'} (npm)`,
  available: (ctx) => (packageFile(ctx, 'webassemblyjs', 'package.json') ? null : missingPackage('webassemblyjs')),
  supports: (program, size) => runModuleOnly(program, size),
  async load(ctx) {
    const require = createRequire(join(ctx.root, 'package.json'));
    const W = require('webassemblyjs') as {
      instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
    return {
      async compile(input) {
        const { instance } = await W.instantiate(input.bytes, {});
        return { run: () => runExport(instance.exports) };
      },
    };
  },
};

/** Every engine, in the order of the table's columns. */
export const ENGINES: readonly Engine[] = [
  native, nativeNoLiftoff, nativeNodeWasi, wajit, wajitFuel, wajitAot, interp, wasm2js, polywasm, wasmInterp, webassemblyjs,
];

/** The engine every ratio and checksum is measured against. */
export const REFERENCE = native.name;

export function engineByName(name: string): Engine | undefined {
  return ENGINES.find((e) => e.name === name);
}

