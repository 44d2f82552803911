// `wajit run [options] MODULE.wasm [ARGS...]`: compile a module with wajit and run it, with wasmtime's flags.
//
// A module that imports `wasi_snapshot_preview1` gets wajit's WASI (runtime/wasi) with the arguments, the
// environment and the preopened directories given here, and the process's stdin, stdout and stderr; other
// imports cannot be provided, so such a module fails to link with one line. Without --invoke the module's
// `_start` runs and its proc_exit code becomes ours. With --invoke the module is initialised as a reactor
// (its `_initialize` first, when it has one) and the export is called with ARGS, parsed by its signature.
//
// Options end at the module path: everything after it belongs to the guest, so
// `wajit run --dir . prog.wasm --dir x` passes `--dir x` to prog. parseArgs runs leniently over the whole
// line only to find where the module path is; the options before it are then checked one by one.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Module as DecodedModule } from '../../compiler/ir/module.js';
import type { WASI } from '../../runtime/wasi/index.js';
import { addOffsets, backtraceLines, trapLocation, wasmFrames } from './backtrace.js';
import { CliError, EXIT, type Io, readModule, usage, wasmCall } from './common.js';
import { formatResult, funcType, parseArg } from './values.js';

export const RUN_HELP = `Usage: wajit run [OPTIONS] MODULE.wasm [ARGS...]

Compiles MODULE.wasm with wajit and runs it. Options go before the module path; everything after it
belongs to the module (its argv, and the arguments of --invoke).

A module that imports wasi_snapshot_preview1 runs on wajit's WASI: it sees ARGS as its arguments (argv[0]
is the module's file name, as wasmtime gives it), only the environment variables and directories granted
below, and this process's stdin, stdout and stderr. Modules with any other import are refused.

Options:
  --dir HOST[::GUEST]   grant the module access to the host directory HOST, seen by the module as GUEST
                        (default: HOST as written). Repeatable.
  --env NAME=VALUE      set an environment variable for the module; --env NAME passes the host's value of
                        NAME, when it is set. Repeatable. The module gets no other variables.
  --invoke NAME         call the exported function NAME instead of running _start. A reactor's
                        _initialize runs first. ARGS are the function's arguments, parsed by its parameter
                        types; its results are printed one per line.
  --argv0 NAME          the module's argv[0] (default: the base name of MODULE.wasm)
  --lazy                compile each function on its first call (the default for modules with 1 MiB of
                        code or more: the program starts sooner)
  --eager               compile every function before the module starts (the default for smaller modules)
  --fuel N              let the module execute about N instructions (counted at function entries and loop
                        headers), then trap with "fuel exhausted"
  --timeout TIME        trap with "execution timed out" after TIME of wall-clock time: milliseconds, or
                        with a unit: 500ms, 10s, 2m
  --max-memory SIZE     cap every memory the module defines at SIZE: pages of 64 KiB, or with a unit:
                        64MiB, 1GiB (memory.grow fails beyond it; a larger initial memory is refused)
  -h, --help            show this help

--invoke arguments:
  i32, i64     decimal or 0x-hexadecimal integers, signed or unsigned (i64 exactly, beyond 2^53 too)
  f32, f64     decimal numbers, nan, inf, -inf
  externref    null, or any other word (passed as a string)
  funcref      null
Results print as decimal (i64 too); floats as nan, inf, -inf, -0 where so.

Exit status: the module's own exit code (proc_exit) or 0 when _start returns; 1 for a missing file, an
invalid module or a link error; 2 for a usage error; 134 (128 + SIGABRT, as wasmtime on Unix) for a trap,
which prints one line naming the trap, the function and the byte offset, followed by the wasm backtrace
(with each frame's source line when the module has DWARF line info, as clang -g leaves it).
`;

const WASI_MODULE = 'wasi_snapshot_preview1';

const OPTIONS = {
  dir: { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  invoke: { type: 'string' },
  argv0: { type: 'string' },
  lazy: { type: 'boolean' },
  eager: { type: 'boolean' },
  fuel: { type: 'string' },
  timeout: { type: 'string' },
  'max-memory': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface RunOptions {
  readonly help: boolean;
  readonly dirs: readonly string[];
  readonly envs: readonly string[];
  readonly invoke?: string;
  readonly argv0?: string;
  /** --lazy (true) or --eager (false); undefined: the module's size decides. */
  readonly lazy?: boolean;
  /** Limits: --fuel (instructions), --timeout (ms), --max-memory (pages). */
  readonly fuel?: number;
  readonly timeout?: number;
  readonly maxMemoryPages?: number;
  /** The module path, undefined when none was given. */
  readonly file?: string;
  /** Everything after the module path. */
  readonly guestArgs: readonly string[];
}

/** Splits the command line at the module path and checks the options before it. */
export function parseRunArgs(args: readonly string[]): RunOptions {
  const { tokens } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional');
  const cut = first === undefined ? args.length : first.index;
  const dirs: string[] = [];
  const envs: string[] = [];
  const single: { invoke?: string; argv0?: string; fuel?: number; timeout?: number; maxMemoryPages?: number } = {};
  const once = (key: keyof typeof single, rawName: string): void => {
    if (single[key] !== undefined) throw usage(`option '${rawName}' given twice`, 'run');
  };
  let help = false;
  let lazy: boolean | undefined;
  for (const token of tokens) {
    if (token.index >= cut || token.kind !== 'option') continue;
    const name = token.name;
    if (!Object.hasOwn(OPTIONS, name)) throw usage(`unknown option '${token.rawName}'`, 'run');
    const spec = OPTIONS[name as keyof typeof OPTIONS];
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw usage(`option '${token.rawName}' takes no value`, 'run');
      if (name === 'help') help = true;
      else {
        if (lazy !== undefined && lazy !== (name === 'lazy')) throw usage("options '--lazy' and '--eager' exclude each other", 'run');
        lazy = name === 'lazy';
      }
      continue;
    }
    // A string option takes the next word as its value, whatever it is (as wasmtime's parser does).
    if (token.value === undefined) throw usage(`option '${token.rawName}' needs a value`, 'run');
    if (name === 'dir') dirs.push(token.value);
    else if (name === 'env') envs.push(token.value);
    else if (name === 'invoke' || name === 'argv0') {
      once(name, token.rawName);
      single[name] = token.value;
    } else if (name === 'fuel') {
      once('fuel', token.rawName);
      single.fuel = quantity(token.value, token.rawName, {});
    } else if (name === 'timeout') {
      once('timeout', token.rawName);
      single.timeout = quantity(token.value, token.rawName, { ms: 1, s: 1000, m: 60_000 });
      if (single.timeout < 1) throw usage(`option '${token.rawName}' needs at least 1 ms`, 'run');
    } else if (name === 'max-memory') {
      once('maxMemoryPages', token.rawName);
      const bytes = quantity(token.value, token.rawName, { KiB: 1024, MiB: 1 << 20, GiB: 1 << 30 });
      // A bare number counts pages; with a unit, whole pages within the size.
      single.maxMemoryPages = /^\d+$/.test(token.value) ? bytes : Math.floor(bytes / 65536);
    }
  }
  return { help, dirs, envs, ...single, ...(lazy === undefined ? {} : { lazy }), file: first?.value, guestArgs: args.slice(cut + 1) };
}

/** A non-negative integer with an optional unit from `units` (factor per unit name). */
function quantity(text: string, option: string, units: Record<string, number>): number {
  const m = /^(\d+)([A-Za-z]*)$/.exec(text);
  const factor = m === null ? undefined : m[2] === '' ? 1 : units[m[2]!];
  if (m === null || factor === undefined) {
    const names = Object.keys(units);
    throw usage(`option '${option}' needs a whole number${names.length ? ` (optionally with a unit: ${names.join(', ')})` : ''}, not '${text}'`, 'run');
  }
  return Number(m[1]) * factor;
}

/** Guest path -> host path, from `--dir HOST[::GUEST]`; each HOST must be a directory. */
function preopens(dirs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of dirs) {
    const sep = spec.indexOf('::');
    const host = sep < 0 ? spec : spec.slice(0, sep);
    const guest = sep < 0 ? spec : spec.slice(sep + 2);
    if (host === '' || guest === '') throw usage(`--dir '${spec}' needs a host directory and a guest path`, 'run');
    let isDir = false;
    try {
      isDir = statSync(host).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`cannot open directory '${host}': ${code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
    }
    if (!isDir) throw new CliError(`cannot open directory '${host}': not a directory`);
    if (Object.hasOwn(out, guest)) throw usage(`guest directory '${guest}' given twice`, 'run');
    out[guest] = host;
  }
  return out;
}

/** The module's environment from `--env NAME=VALUE` and `--env NAME` (the host's value, when set). */
function environment(envs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of envs) {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    if (name === '') throw usage(`--env '${spec}' has no variable name`, 'run');
    if (eq >= 0) out[name] = spec.slice(eq + 1);
    else if (process.env[name] !== undefined) out[name] = process.env[name]!;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Traps.

const isTrap = (e: unknown): e is Error => e instanceof Error && e.name === 'RuntimeError';

/** A trap as a CLI error: the trap line (with function and offset) and the wasm backtrace. */
async function trapError(e: Error, bytes: Uint8Array, decoded: () => Promise<DecodedModule | undefined>): Promise<CliError> {
  const frames = wasmFrames(e.stack);
  const m = frames.length === 0 ? undefined : await decoded();
  let sourceOf: ((offset: number) => string | undefined) | undefined;
  try {
    await addOffsets(bytes, frames);
    // With DWARF line info (clang -g), each frame also names its source line; bad debug info names none.
    if (m !== undefined && m.customs.some((c) => c.name === '.debug_line')) {
      const { DebugInfo } = await import('../../compiler/debug/debug-info.js');
      const info = new DebugInfo(m, { wasmName: 'module.wasm' });
      sourceOf = (offset) => {
        const o = info.sourceOrigin(offset);
        return o === undefined ? undefined : `${o.source}:${o.line}:${o.column + 1}`;
      };
    }
  } catch {
    // Offsets and source lines are a convenience: a failure to compute them leaves them unknown.
  }
  return new CliError(`trap: ${e.message}${trapLocation(m, frames)}`, EXIT.trap, backtraceLines(m, frames, sourceOf));
}

// ---------------------------------------------------------------------------------------------------------

export async function run(args: readonly string[], io: Io): Promise<number> {
  const opts = parseRunArgs(args);
  if (opts.help) {
    io.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  const file = opts.file;
  if (file === undefined) throw usage('no module given', 'run');
  const env = environment(opts.envs);
  const dirs = preopens(opts.dirs);
  const bytes = readModule(file);

  const limits = {
    ...(opts.fuel === undefined ? {} : { fuel: opts.fuel }),
    ...(opts.timeout === undefined ? {} : { timeout: opts.timeout }),
    ...(opts.maxMemoryPages === undefined ? {} : { maxMemoryPages: opts.maxMemoryPages }),
  };
  // The stacks as V8 writes them: the backtrace below finds its own offsets in them (src/cli/backtrace.ts).
  const wasm = (await import('../engines.js')).createWebAssembly({
    ...(opts.lazy === undefined ? {} : { lazy: opts.lazy }), ...limits, sourceMap: false,
  });
  const mod = wasmCall(() => new wasm.Module(bytes), file);
  const imports = wasm.Module.imports(mod);
  const foreign = imports.find((i) => i.module !== WASI_MODULE);
  if (foreign !== undefined) {
    throw new CliError(`cannot link '${file}': unknown import '${foreign.module}.${foreign.name}' (${foreign.kind}); ` +
      `'wajit run' provides only ${WASI_MODULE}`);
  }
  const exports = new Map(wasm.Module.exports(mod).map((e) => [e.name, e.kind]));

  let decodedModule: DecodedModule | undefined;
  const decoded = async (): Promise<DecodedModule> => {
    if (decodedModule === undefined) {
      const { decodeModule } = await import('../../compiler/decode/decode.js');
      decodedModule = wasmCall(() => decodeModule(bytes), file);
    }
    return decodedModule;
  };

  // The WASI runtime is loaded only for modules that need it.
  const wasiRuntime = imports.length === 0 ? undefined : await import('../../runtime/wasi/index.js');
  const wasi: WASI | undefined = wasiRuntime === undefined ? undefined : new wasiRuntime.WASI({
    version: 'preview1',
    args: [opts.argv0 ?? basename(file), ...opts.guestArgs],
    env,
    preopens: dirs,
    returnOnExit: true,
  });

  const name = opts.invoke ?? '_start';
  if (exports.get(name) !== 'function') {
    const known = [...exports].filter(([, kind]) => kind === 'function').map(([n]) => n).join(', ') || 'none';
    const what = opts.invoke === undefined ? "no --invoke given and no '_start' export" : `no exported function '${name}'`;
    throw new CliError(`${what} in '${file}' (exported functions: ${known})`);
  }
  // A WASI command runs through the WASI runtime, which turns proc_exit into the exit code.
  const command = wasi !== undefined && name === '_start';
  let type: ReturnType<typeof funcType> | undefined;
  let callArgs: unknown[] = [];
  if (!command) {
    const m = await decoded();
    const index = m.exports.find((e) => e.kind === 'func' && e.name === name)!.index;
    type = funcType(m, index);
    if (opts.guestArgs.length !== type.params.length) {
      throw usage(`'${name}' takes ${type.params.length} argument(s) (${type.params.join(' ') || 'none'}), ` +
        `got ${opts.guestArgs.length}`, 'run');
    }
    callArgs = opts.guestArgs.map((a, i) => parseArg(a, type!.params[i]!, i));
  }

  // Deep enough for a useful backtrace: V8 keeps 10 frames by default, runtime helpers included.
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 100);
  try {
    const instance = wasmCall(() => new wasm.Instance(mod, wasi === undefined ? {} : wasi.getImportObject()), file);
    if (command) return wasi.start(instance);

    const fns = instance.exports as Record<string, (...a: unknown[]) => unknown>;
    const reactor = exports.get('_initialize') === 'function' && name !== '_initialize';
    if (wasi === undefined) {
      if (reactor) fns._initialize!();
    } else if (reactor && !exports.has('_start')) {
      wasi.initialize(instance);
    } else if (exports.get('memory') === 'memory') {
      // A library, or a command called by another name: the WASI runtime needs only the memory.
      wasi.finalizeBindings(instance);
      if (reactor) fns._initialize!();
    }
    const result = fns[name]!(...callArgs);
    const results = type!.results.length === 1 ? [result] : type!.results.length === 0 ? [] : [...(result as unknown[])];
    io.stdout.write(results.map((r, i) => `${formatResult(r, type!.results[i]!)}\n`).join(''));
    return EXIT.ok;
  } catch (e) {
    if (isTrap(e)) throw await trapError(e, bytes, decoded);
    // proc_exit outside _start (in _initialize or an invoked export) ends the run with its code too.
    if (wasiRuntime !== undefined && e instanceof wasiRuntime.WASIExit) return e.code;
    throw e;
  }
}
