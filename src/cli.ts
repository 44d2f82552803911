// The `wajit` command line: `run` compiles a module with wajit's WebAssembly API and calls one export,
// `dump` prints a decoded module in the text format. bin/wajit.js calls main() from the build output.
//
// Exit codes: 0 success; 1 an error about the module or its run (missing file, invalid module, link error,
// trap), reported as one `wajit: error: ...` line on stderr; 2 a usage error (unknown command or option,
// bad arguments). The compiler is loaded only when a command needs it, so `--help` works on its own.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Module as DecodedModule, ValType } from '../compiler/ir/module.js';

/** Where the CLI writes; tests may pass their own. */
export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

const MAIN_HELP = `wajit: a WebAssembly-to-JavaScript compiler

Usage:
  wajit run [--invoke NAME] MODULE.wasm [ARGS...]   compile MODULE, call an export, print its results
  wajit dump [--func NAME] MODULE.wasm              print MODULE in the WebAssembly text format
  wajit --help                                      show this help
  wajit --version                                   print the version

Run 'wajit COMMAND --help' for the options of a command.

Exit codes: 0 success; 1 error (missing file, invalid module, link error, trap); 2 usage error.
`;

const RUN_HELP = `Usage: wajit run [--invoke NAME] MODULE.wasm [ARGS...]

Compiles MODULE.wasm with wajit, instantiates it and calls one exported function with ARGS, then prints
each result on its own line. The module must not import anything (WASI support is planned).

ARGS are parsed by the function's parameter types:
  i32, i64     decimal or 0x-hexadecimal integers, signed or unsigned (i64 exactly, beyond 2^53 too)
  f32, f64     decimal numbers, nan, inf, -inf
  externref    null, or any other word (passed as a string)
  funcref      null
Negative numbers need no '--'. Results print as decimal (i64 too); floats as nan, inf, -inf, -0 where so.

Options:
  --invoke NAME   the exported function to call (default: _start)
  -h, --help      show this help
`;

const DUMP_HELP = `Usage: wajit dump [--func NAME] MODULE.wasm

Decodes MODULE.wasm and prints it in the WebAssembly text format.

Options:
  --func NAME     print only this function: an export name, a name-section name ($name) or an index
  -h, --help      show this help
`;

/** An error that ends the command with one line on stderr and the given exit code. */
class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

const usage = (message: string, command?: string): CliError =>
  new CliError(`${message} (see 'wajit ${command === undefined ? '' : `${command} `}--help')`, 2);

// ---------------------------------------------------------------------------------------------------------
// Argument parsing with node:util parseArgs. A negative number such as -5 looks like an option to
// parseArgs, so options are parsed leniently (tokens) and every option token that is not a known flag is
// either a numeric argument or a usage error.

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

const NUMERIC = /^[+-]?(\d|\.\d|0x|inf|nan)/i;

function parseCommand(args: readonly string[], options: OptionSpec, command?: string): Parsed {
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  const values: Record<string, string | boolean | undefined> = {};
  const positionals = new Map<number, string>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.set(token.index, token.value);
    } else if (token.kind === 'option') {
      const spec = options[token.name];
      if (spec === undefined) {
        const raw = args[token.index]!;
        if (NUMERIC.test(raw) && !raw.startsWith('--')) positionals.set(token.index, raw);
        else throw usage(`unknown option '${token.rawName}'`, command);
      } else if (spec.type === 'string') {
        if (token.value === undefined) throw usage(`option '${token.rawName}' needs a value`, command);
        values[token.name] = token.value;
      } else {
        if (token.value !== undefined) throw usage(`option '${token.rawName}' takes no value`, command);
        values[token.name] = true;
      }
    }
  }
  return { values, positionals: [...positionals].sort(([a], [b]) => a - b).map(([, v]) => v) };
}

// ---------------------------------------------------------------------------------------------------------
// Values.

function parseInteger(text: string, bits: 32 | 64): bigint | undefined {
  const m = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(text.replace(/_/g, ''));
  if (m === null) return undefined;
  const magnitude = BigInt(m[2]!);
  const v = m[1] === '-' ? -magnitude : magnitude;
  const lo = -(1n << BigInt(bits - 1));
  const hi = (1n << BigInt(bits)) - 1n;
  return v < lo || v > hi ? undefined : BigInt.asIntN(bits, v);
}

function parseFloatArg(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (/^[+]?inf(inity)?$/.test(t)) return Infinity;
  if (/^-inf(inity)?$/.test(t)) return -Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) ? Number(t) : undefined;
}

function parseArg(text: string, type: ValType, index: number): unknown {
  const bad = (what: string): CliError => usage(`argument ${index + 1} ('${text}') is not ${what}`, 'run');
  switch (type) {
    case 'i32': {
      const v = parseInteger(text, 32);
      if (v === undefined) throw bad('an i32');
      return Number(v);
    }
    case 'i64': {
      const v = parseInteger(text, 64);
      if (v === undefined) throw bad('an i64');
      return v;
    }
    case 'f32':
    case 'f64': {
      const v = parseFloatArg(text);
      if (v === undefined) throw bad(`an ${type}`);
      return type === 'f32' ? Math.fround(v) : v;
    }
    case 'externref': return text === 'null' ? null : text;
    case 'funcref':
      if (text !== 'null') throw bad("'null' (the only funcref the command line can give)");
      return null;
    default: throw new CliError(`parameters of type ${type} are not supported by 'wajit run'`, 2);
  }
}

function formatFloat(x: number, type: 'f32' | 'f64'): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  if (type === 'f32') {
    // The shortest decimal that reads back as the same f32.
    for (let digits = 1; digits < 9; digits++) {
      const shorter = Number(x.toPrecision(digits));
      if (Math.fround(shorter) === x) return String(shorter);
    }
  }
  return String(x);
}

function formatResult(x: unknown, type: ValType): string {
  switch (type) {
    case 'i32': case 'i64': return String(x);
    case 'f32': case 'f64': return formatFloat(x as number, type);
    default:
      if (x === null) return 'null';
      return typeof x === 'function' ? '<funcref>' : String(x);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Module access.

function readModule(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory'
      : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`cannot read '${file}': ${why}`);
  }
}

/** Turns the JS API's errors into one-line CLI errors; other errors pass through. */
function explainWasmError(e: unknown, file: string): unknown {
  if (!(e instanceof Error)) return e;
  switch (e.name) {
    case 'CompileError': return new CliError(`invalid module '${file}': ${e.message}`);
    case 'LinkError': return new CliError(`cannot link '${file}': ${e.message}`);
    case 'RuntimeError': return new CliError(`trap: ${e.message}`);
    default: return e;
  }
}

/** Calls into the engine, turning its errors into CLI errors. */
function wasmCall<T>(fn: () => T, file: string): T {
  try {
    return fn();
  } catch (e) {
    throw explainWasmError(e, file);
  }
}

async function decode(bytes: Uint8Array, file: string): Promise<DecodedModule> {
  const { decodeModule } = await import('../compiler/decode/decode.js');
  return wasmCall(() => decodeModule(bytes), file);
}

/** Parameter and result types of function `index` (imports first, as in the function index space). */
function funcType(m: DecodedModule, index: number): { params: readonly ValType[]; results: readonly ValType[] } {
  let typeIndex: number | undefined;
  if (index < m.numImportedFuncs) {
    const imp = m.imports.filter((i) => i.desc.kind === 'func')[index];
    typeIndex = imp?.desc.kind === 'func' ? imp.desc.type : undefined;
  } else {
    typeIndex = m.funcs[index - m.numImportedFuncs];
  }
  const type = typeIndex === undefined ? undefined : m.types[typeIndex];
  if (type === undefined) throw new CliError(`function ${index} has no type`);
  return type;
}

// ---------------------------------------------------------------------------------------------------------
// Commands.

async function run(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { invoke: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'run');
  if (values.help === true) {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  const [file, ...rawArgs] = positionals;
  if (file === undefined) throw usage('no module given', 'run');
  const bytes = readModule(file);
  const { WebAssembly: wasm } = await import('./index.js');

  const mod = wasmCall(() => new wasm.Module(bytes), file);
  const first = wasm.Module.imports(mod)[0];
  if (first !== undefined) {
    throw new CliError(`'${file}' imports ${first.kind} '${first.module}.${first.name}'; ` +
      "'wajit run' takes only modules without imports (WASI support is planned)");
  }

  const decoded = await decode(bytes, file);
  const funcExports = decoded.exports.filter((e) => e.kind === 'func');
  const name = typeof values.invoke === 'string' ? values.invoke : '_start';
  const target = funcExports.find((e) => e.name === name);
  if (target === undefined) {
    const known = funcExports.map((e) => e.name).join(', ') || 'none';
    const what = values.invoke === undefined ? "no --invoke given and no '_start' export" : `no exported function '${name}'`;
    throw new CliError(`${what} in '${file}' (exported functions: ${known})`);
  }
  const type = funcType(decoded, target.index);
  if (rawArgs.length !== type.params.length) {
    throw usage(`'${name}' takes ${type.params.length} argument(s) (${type.params.join(' ') || 'none'}), ` +
      `got ${rawArgs.length}`, 'run');
  }
  const callArgs = rawArgs.map((a, i) => parseArg(a, type.params[i]!, i));

  const instance = wasmCall(() => new wasm.Instance(mod, {}), file);
  const fn = instance.exports[name] as (...a: unknown[]) => unknown;
  const result = wasmCall(() => fn(...callArgs), file);
  const results = type.results.length === 1 ? [result] : type.results.length === 0 ? [] : [...(result as unknown[])];
  io.stdout.write(results.map((r, i) => `${formatResult(r, type.results[i]!)}\n`).join(''));
  return 0;
}

async function dump(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, { func: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'dump');
  if (values.help === true) {
    io.stdout.write(DUMP_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw usage(positionals.length === 0 ? 'no module given' : 'dump takes one module', 'dump');
  const file = positionals[0]!;
  const m = await decode(readModule(file), file);
  const opts = typeof values.func === 'string' ? { func: resolveFunc(m, values.func, file) } : {};
  const { disassemble } = await import('../compiler/disasm/wat.js');
  const text = disassemble(m, opts);
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

/** A function index from an index, an export name or a name-section name (with or without `$`). */
function resolveFunc(m: DecodedModule, name: string, file: string): number {
  const count = m.numImportedFuncs + m.funcs.length;
  let index: number | undefined;
  if (/^\d+$/.test(name)) index = Number(name);
  index ??= m.exports.find((e) => e.kind === 'func' && e.name === name)?.index;
  const bare = name.startsWith('$') ? name.slice(1) : name;
  index ??= [...m.names.funcs].find(([, n]) => n === bare)?.[0];
  if (index === undefined || index >= count) throw new CliError(`no function '${name}' in '${file}'`);
  return index;
}

function version(): string {
  // package.json is two levels up from dist/src/cli.js and one from src/cli.ts.
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wajit') return pkg.version ?? 'unknown';
    } catch {
      // not here: look further up
    }
  }
  return 'unknown';
}

/** Runs the command line `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = process): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'run': return await run(rest, io);
      case 'dump': return await dump(rest, io);
      case undefined:
        io.stderr.write(MAIN_HELP);
        return 2;
      default: {
        if (!command.startsWith('-')) throw usage(`unknown command '${command}'`);
        const { values, positionals } = parseCommand(argv, { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } });
        if (positionals.length > 0) throw usage(`unexpected '${positionals[0]}' (the command comes first)`);
        if (values.help === true) {
          io.stdout.write(MAIN_HELP);
          return 0;
        }
        if (values.version === true) {
          io.stdout.write(`wajit ${version()}\n`);
          return 0;
        }
        throw usage('no command given');
      }
    }
  } catch (e) {
    const err = e instanceof CliError ? e : explainWasmError(e, argv.find((a) => a.endsWith('.wasm')) ?? 'module');
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`wajit: error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (process.env.WAJIT_DEBUG && e instanceof Error && e.stack !== undefined) io.stderr.write(`${e.stack}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}
