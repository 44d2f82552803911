// Spec-suite runner: executes one wast2json command list (the WebAssembly core test suite, see
// shared/spec/README.md) against an engine that has the standard WebAssembly JS API, either wajit's or the
// host's own (to check the runner itself). Every command is run in isolation and under a time limit, so a
// crash, a hang or a stack overflow in one command is a failure of that command only.
//
// Values cross the JS boundary as the JS API defines: i32 as a number, i64 as a BigInt, f32/f64 as numbers
// (compared by their bits after the round trip through a Float32Array/Float64Array), references as null,
// functions or host objects. A JS number cannot carry an f32 signalling NaN, so such arguments arrive quieted.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

type Ctor<T> = new (...args: any[]) => T;

/** The parts of the standard WebAssembly namespace the runner uses; the engine under test has them all. */
export interface WasmApi {
  readonly Module: Ctor<object>;
  readonly Instance: Ctor<Instance>;
  readonly Memory: Ctor<object>;
  readonly Table: Ctor<object>;
  readonly Global: Ctor<{ readonly value: unknown }>;
  readonly CompileError: Ctor<Error>;
  readonly LinkError: Ctor<Error>;
  readonly RuntimeError: Ctor<Error>;
}

interface Instance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export type EngineName = 'wajit' | 'interp' | 'native';

export interface Engine {
  readonly name: EngineName;
  readonly api: WasmApi;
}

/**
 * Loads the engine named by `WAJIT_SPEC_ENGINE` (default wajit). Rejects if wajit's API cannot be loaded.
 * `lazy` (from `WAJIT_SPEC_LAZY`) forces wajit's lazy (true) or eager (false) compilation; by default the
 * module size decides, which for the suite's small modules means eager.
 */
export async function loadEngine(name: string | undefined, lazy?: boolean): Promise<Engine> {
  const which = name === undefined || name === '' ? 'wajit' : name;
  if (which === 'native') return { name: 'native', api: (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly };
  if (which === 'interp') {
    // wajit's interpreter over the same IR, behind the same JS API (src/engines.ts).
    const { createWebAssembly } = await import('../../src/engines.js');
    return { name: 'interp', api: createWebAssembly({ engine: 'interp' }) as unknown as WasmApi };
  }
  if (which !== 'wajit') throw new Error(`WAJIT_SPEC_ENGINE must be 'wajit', 'interp' or 'native', not '${which}'`);
  if (lazy !== undefined) {
    // The compiler with every function compiled on its first call (true) or all up front (false).
    const { createWebAssembly } = await import('../../src/engines.js');
    return { name: 'wajit', api: createWebAssembly({ lazy }) as unknown as WasmApi };
  }
  const mod = (await import('../../src/index.js')) as unknown as { WebAssembly?: WasmApi };
  if (mod.WebAssembly === undefined) throw new Error("src/index.ts does not export 'WebAssembly'");
  return { name: 'wajit', api: mod.WebAssembly };
}

// ---------------------------------------------------------------------------------------------------------
// The JSON command format (only the fields the runner reads).

export interface SpecValue {
  readonly type: string;
  /** Decimal bit pattern, 'null', 'nan:canonical', 'nan:arithmetic', lanes for v128; absent = any. */
  readonly value?: string | readonly string[];
  readonly lane_type?: string;
}

export interface SpecAction {
  readonly type: 'invoke' | 'get';
  readonly module?: string;
  readonly field: string;
  readonly args?: readonly SpecValue[];
}

export interface SpecCommand {
  readonly type: string;
  readonly line: number;
  readonly filename?: string;
  readonly name?: string;
  readonly as?: string;
  readonly text?: string;
  readonly module_type?: 'binary' | 'text';
  readonly action?: SpecAction;
  readonly expected?: readonly SpecValue[];
  readonly either?: readonly SpecValue[];
}

export interface SpecScript {
  readonly source_filename: string;
  readonly commands: readonly SpecCommand[];
}

// ---------------------------------------------------------------------------------------------------------
// Results.

export type Status = 'passed' | 'failed' | 'skipped';

export interface CommandResult {
  readonly line: number;
  readonly type: string;
  readonly status: Status;
  /** Why it failed or was skipped. */
  readonly reason?: string;
  /**
   * For commands that must trap (wajit only): false when the RuntimeError's message does not contain the
   * reference interpreter's text. A soft check: it does not fail the command.
   */
  readonly trapTextMatched?: boolean;
}

export interface FileResult {
  readonly file: string;
  readonly commands: readonly CommandResult[];
  readonly ms: number;
}

export interface RunOptions {
  /** Longest a single engine call (compile, instantiate, invoke) may take before it is stopped. */
  readonly callTimeoutMs?: number;
  /** Time budget of the whole file: commands left when it is spent fail without running. */
  readonly fileBudgetMs?: number;
}

/** What running a command found, before line and type are added. */
type Outcome = Omit<CommandResult, 'line' | 'type'>;

/** Failure of one command: thrown inside the runner, caught per command. */
class Fail extends Error {}

/** The reason given to every command with a v128 argument or result (SIMD comes in a later issue). */
export const SIMD_REASON = 'simd';

// ---------------------------------------------------------------------------------------------------------
// Guarded calls: every call into the engine runs inside a vm script with a timeout, which stops even a
// synchronous endless loop (V8 terminates the running JavaScript, wasm included, and vm turns that into an
// ERR_SCRIPT_EXECUTION_TIMEOUT error). A stack overflow is an ordinary, catchable RangeError.

const guardContext = vm.createContext({ call: undefined as (() => unknown) | undefined });
const guardScript = new vm.Script('call()');

function guarded<T>(fn: () => T, timeoutMs: number): T {
  guardContext.call = fn;
  try {
    return guardScript.runInContext(guardContext, { timeout: timeoutMs }) as T;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new Fail(`timed out after ${timeoutMs} ms`);
    }
    throw e;
  } finally {
    guardContext.call = undefined;
  }
}

/** `Name: message` of a thrown value, shortened to one line. */
export function describeError(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : `non-Error thrown: ${String(e)}`;
  const line = text.replace(/\s+/g, ' ');
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

// ---------------------------------------------------------------------------------------------------------
// Values.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}
function f64Bits(x: number): bigint {
  f64[0] = x;
  return u64[0]!;
}

function scalar(v: SpecValue): string {
  if (typeof v.value !== 'string') throw new Fail(`malformed ${v.type} value in the JSON`);
  return v.value;
}

function involvesV128(cmd: SpecCommand): boolean {
  const isV128 = (v: SpecValue): boolean => v.type === 'v128';
  return (cmd.action?.args ?? []).some(isV128) || (cmd.expected ?? []).some(isV128) ||
    (cmd.either ?? []).some(isV128);
}

/** Host values standing for `ref.extern N`: one object per N, the same for arguments and results. */
class HostRefs {
  private readonly refs = new Map<string, object>();
  get(n: string): object {
    let ref = this.refs.get(n);
    if (ref === undefined) {
      ref = Object.freeze({ externref: Number(n) });
      this.refs.set(n, ref);
    }
    return ref;
  }
}

function toJs(v: SpecValue, refs: HostRefs): unknown {
  switch (v.type) {
    case 'i32': return Number(scalar(v)) | 0;
    case 'i64': return BigInt.asIntN(64, BigInt(scalar(v)));
    case 'f32': u32[0] = Number(scalar(v)); return f32[0];
    case 'f64': u64[0] = BigInt(scalar(v)); return f64[0];
    case 'funcref':
      if (v.value === 'null') return null;
      throw new Fail('non-null funcref arguments cannot be written in the JSON format');
    case 'externref': return v.value === 'null' ? null : refs.get(scalar(v));
    default: throw new Fail(`unsupported argument type ${v.type}`);
  }
}

/** A readable form of a JS result, with float bits, for failure messages. */
function show(x: unknown, type: string): string {
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'number') {
    if (type === 'f32') return `${Object.is(x, -0) ? '-0' : x} (0x${f32Bits(x).toString(16)})`;
    if (type === 'f64') return `${Object.is(x, -0) ? '-0' : x} (0x${f64Bits(x).toString(16)})`;
    return Object.is(x, -0) ? '-0' : String(x);
  }
  if (typeof x === 'function') return 'function';
  if (x !== null && typeof x === 'object') {
    const ref = (x as { externref?: unknown }).externref;
    return typeof ref === 'number' ? `ref.extern ${ref}` : 'object';
  }
  return String(x);
}

/** undefined when `actual` is the expected value, else a description of the mismatch. */
function mismatch(expected: SpecValue, actual: unknown, refs: HostRefs): string | undefined {
  const want = expected.value;
  const got = show(actual, expected.type);
  const wrongType = `expected ${expected.type}, got ${typeof actual} ${got}`;
  switch (expected.type) {
    case 'i32': {
      if (typeof actual !== 'number') return wrongType;
      const w = Number(scalar(expected)) | 0;
      return Object.is(actual, w) ? undefined : `expected ${w}, got ${got}`;
    }
    case 'i64': {
      if (typeof actual !== 'bigint') return wrongType;
      const w = BigInt.asIntN(64, BigInt(scalar(expected)));
      return actual === w ? undefined : `expected ${w}n, got ${got}`;
    }
    case 'f32': {
      if (typeof actual !== 'number') return wrongType;
      if (!Number.isNaN(actual) && Math.fround(actual) !== actual) return `expected an f32, got ${actual}`;
      const bits = f32Bits(actual);
      if (want === 'nan:canonical') return (bits & 0x7fffffff) === 0x7fc00000 ? undefined : `expected ${want}, got ${got}`;
      if (want === 'nan:arithmetic') return (bits & 0x7fc00000) === 0x7fc00000 ? undefined : `expected ${want}, got ${got}`;
      const w = Number(scalar(expected)) >>> 0;
      return bits === w ? undefined : `expected bits 0x${w.toString(16)}, got ${got}`;
    }
    case 'f64': {
      if (typeof actual !== 'number') return wrongType;
      const bits = f64Bits(actual);
      const quiet = 0x7ff8000000000000n;
      if (want === 'nan:canonical') return (bits & 0x7fffffffffffffffn) === quiet ? undefined : `expected ${want}, got ${got}`;
      if (want === 'nan:arithmetic') return (bits & quiet) === quiet ? undefined : `expected ${want}, got ${got}`;
      const w = BigInt(scalar(expected));
      return bits === w ? undefined : `expected bits 0x${w.toString(16)}, got ${got}`;
    }
    case 'funcref':
      if (want === 'null') return actual === null ? undefined : `expected ref.null func, got ${got}`;
      return typeof actual === 'function' ? undefined : `expected a non-null funcref, got ${got}`;
    case 'externref':
      if (want === 'null') return actual === null ? undefined : `expected ref.null extern, got ${got}`;
      if (want === undefined) return actual !== null ? undefined : 'expected a non-null externref, got null';
      return actual === refs.get(scalar(expected)) ? undefined : `expected ref.extern ${String(want)}, got ${got}`;
    default:
      return `unsupported result type ${expected.type}`;
  }
}

/**
 * A new array that holds numbers boxed. Optimized V8 code silences a signalling NaN (sets its quiet bit) when
 * it stores a double into an array of unboxed doubles, so the NaN bit patterns of arguments and results must
 * never live in one: an array that once held an object keeps the generic elements kind for good.
 */
function boxedArray(): unknown[] {
  const a: unknown[] = [boxedArray];
  a.pop();
  return a;
}

/** The results of a call as a list: none, one value, or an Array for multiple values (JS API). */
function resultList(r: unknown, count: number): unknown[] {
  const list = boxedArray();
  if (count === 0) {
    if (r !== undefined) throw new Fail(`expected no result, got ${show(r, '')}`);
    return list;
  }
  if (count === 1) {
    list.push(r);
    return list;
  }
  if (!Array.isArray(r)) throw new Fail(`expected an Array of ${count} results, got ${show(r, '')}`);
  if (r.length !== count) throw new Fail(`expected ${count} results, got ${r.length}`);
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// The spectest host module, built with the engine's own classes, new for every file.

export function makeSpectest(api: WasmApi): Record<string, unknown> {
  const print = (): void => {};
  return {
    print, print_i32: print, print_i64: print, print_f32: print, print_f64: print,
    print_i32_f32: print, print_f64_f64: print,
    global_i32: new api.Global({ value: 'i32', mutable: false }, 666),
    global_i64: new api.Global({ value: 'i64', mutable: false }, 666n),
    global_f32: new api.Global({ value: 'f32', mutable: false }, 666.6),
    global_f64: new api.Global({ value: 'f64', mutable: false }, 666.6),
    table: new api.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new api.Memory({ initial: 1, maximum: 2 }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// One file's run: the registry of named and registered modules, and the command interpreter.

class ScriptRun {
  private readonly api: WasmApi;
  /** Named modules; undefined marks a name whose module failed to load. */
  private readonly named = new Map<string, Instance | undefined>();
  private current: Instance | undefined;
  private currentFailed = false;
  /** Import namespaces: spectest and every registered module's exports. */
  private readonly imports: Record<string, unknown>;
  private readonly refs = new HostRefs();

  constructor(private readonly engine: Engine, private readonly dir: string, private readonly timeoutMs: number) {
    this.api = engine.api;
    this.imports = { spectest: makeSpectest(this.api) };
  }

  /** Runs one command; never throws. */
  run(cmd: SpecCommand): CommandResult {
    const base = { line: cmd.line, type: cmd.type };
    try {
      if (involvesV128(cmd)) return { ...base, status: 'failed', reason: SIMD_REASON };
      const outcome = this.execute(cmd);
      return { ...base, ...outcome };
    } catch (e) {
      return { ...base, status: 'failed', reason: e instanceof Fail ? e.message : describeError(e) };
    }
  }

  private execute(cmd: SpecCommand): Outcome {
    switch (cmd.type) {
      case 'module': return this.module(cmd);
      case 'register': return this.register(cmd);
      case 'action': this.perform(cmd.action); return { status: 'passed' };
      case 'assert_return': return this.assertReturn(cmd);
      case 'assert_trap': return this.assertTraps(cmd, () => this.perform(cmd.action));
      case 'assert_exhaustion': return this.assertTraps(cmd, () => this.perform(cmd.action));
      case 'assert_invalid':
      case 'assert_malformed': return this.assertNotCompiled(cmd);
      case 'assert_unlinkable': return this.assertUnlinkable(cmd);
      case 'assert_uninstantiable': {
        const mod = this.compile(cmd);
        return this.assertTraps(cmd, () => this.instantiate(mod));
      }
      default: throw new Fail(`unknown command type '${cmd.type}'`);
    }
  }

  private bytes(cmd: SpecCommand): Uint8Array {
    if (cmd.filename === undefined) throw new Fail('command has no module file');
    return readFileSync(join(this.dir, cmd.filename));
  }

  private compile(cmd: SpecCommand): object {
    const bytes = this.bytes(cmd);
    try {
      return guarded(() => new this.api.Module(bytes), this.timeoutMs);
    } catch (e) {
      throw new Fail(`compile failed: ${e instanceof Fail ? e.message : describeError(e)}`);
    }
  }

  private instantiate(mod: object): Instance {
    return guarded(() => new this.api.Instance(mod, this.imports), this.timeoutMs);
  }

  private module(cmd: SpecCommand): Outcome {
    // Until this module is up, later commands must not run against an older one.
    this.current = undefined;
    this.currentFailed = true;
    if (cmd.name !== undefined) this.named.set(cmd.name, undefined);
    const mod = this.compile(cmd);
    let inst: Instance;
    try {
      inst = this.instantiate(mod);
    } catch (e) {
      throw new Fail(`instantiation failed: ${e instanceof Fail ? e.message : describeError(e)}`);
    }
    this.current = inst;
    this.currentFailed = false;
    if (cmd.name !== undefined) this.named.set(cmd.name, inst);
    return { status: 'passed' };
  }

  private instance(name: string | undefined): Instance {
    if (name === undefined) {
      if (this.current === undefined) {
        throw new Fail(this.currentFailed ? 'the current module failed to load' : 'no current module');
      }
      return this.current;
    }
    const inst = this.named.get(name);
    if (inst === undefined) throw new Fail(this.named.has(name) ? `module ${name} failed to load` : `no module ${name}`);
    return inst;
  }

  private register(cmd: SpecCommand): Outcome {
    if (cmd.as === undefined) throw new Fail('register without "as"');
    this.imports[cmd.as] = this.instance(cmd.name).exports;
    return { status: 'passed' };
  }

  /** Invokes a function or reads a global; returns what the JS API returns. */
  private perform(action: SpecAction | undefined): unknown {
    if (action === undefined) throw new Fail('command has no action');
    const exports = this.instance(action.module).exports;
    const target = exports[action.field];
    if (action.type === 'get') {
      if (!(target instanceof this.api.Global)) throw new Fail(`export '${action.field}' is not a Global`);
      return guarded(() => target.value, this.timeoutMs);
    }
    if (typeof target !== 'function') throw new Fail(`export '${action.field}' is not a function`);
    const args = boxedArray();
    for (const a of action.args ?? []) args.push(toJs(a, this.refs));
    return guarded(() => (target as (...a: unknown[]) => unknown)(...args), this.timeoutMs);
  }

  private assertReturn(cmd: SpecCommand): Outcome {
    const r = this.perform(cmd.action);
    if (cmd.either !== undefined) {
      const [got] = resultList(r, 1);
      const ok = cmd.either.some((alt) => mismatch(alt, got, this.refs) === undefined);
      return ok ? { status: 'passed' } : { status: 'failed', reason: `none of the alternatives matched ${show(got, '')}` };
    }
    const expected = cmd.expected ?? [];
    const got = resultList(r, expected.length);
    const problems = expected.flatMap((e, i) => {
      const m = mismatch(e, got[i], this.refs);
      return m === undefined ? [] : [expected.length > 1 ? `result ${i}: ${m}` : m];
    });
    return problems.length === 0 ? { status: 'passed' } : { status: 'failed', reason: problems.join('; ') };
  }

  /** assert_trap, assert_exhaustion, assert_uninstantiable: `act` must throw the engine's RuntimeError. */
  private assertTraps(cmd: SpecCommand, act: () => unknown): Outcome {
    try {
      act();
    } catch (e) {
      if (e instanceof Fail) throw e;
      const isTrap = e instanceof this.api.RuntimeError ||
        // V8 reports a wasm stack overflow as a RangeError; wajit must turn it into a RuntimeError.
        (cmd.type === 'assert_exhaustion' && this.engine.name === 'native' && (e as Error | null)?.name === 'RangeError');
      if (!isTrap) return { status: 'failed', reason: `expected a RuntimeError (${cmd.text}), got ${describeError(e)}` };
      if (this.engine.name === 'native' || cmd.text === undefined) return { status: 'passed' };
      const message = (e as Error).message;
      return message.includes(cmd.text)
        ? { status: 'passed', trapTextMatched: true }
        : { status: 'passed', trapTextMatched: false, reason: `message '${message}' lacks '${cmd.text}'` };
    }
    return { status: 'failed', reason: `expected a trap (${cmd.text}), but it returned` };
  }

  private assertNotCompiled(cmd: SpecCommand): Outcome {
    if (cmd.module_type === 'text') return { status: 'skipped', reason: 'text module' };
    const bytes = this.bytes(cmd);
    try {
      guarded(() => new this.api.Module(bytes), this.timeoutMs);
    } catch (e) {
      if (e instanceof this.api.CompileError) return { status: 'passed' };
      if (e instanceof Fail) throw e;
      return { status: 'failed', reason: `expected a CompileError (${cmd.text}), got ${describeError(e)}` };
    }
    return { status: 'failed', reason: `compiled, expected a CompileError (${cmd.text})` };
  }

  private assertUnlinkable(cmd: SpecCommand): Outcome {
    const mod = this.compile(cmd);
    try {
      this.instantiate(mod);
    } catch (e) {
      if (e instanceof this.api.LinkError) return { status: 'passed' };
      if (e instanceof Fail) throw e;
      return { status: 'failed', reason: `expected a LinkError (${cmd.text}), got ${describeError(e)}` };
    }
    return { status: 'failed', reason: `instantiated, expected a LinkError (${cmd.text})` };
  }
}

/** Runs every command of `dir/file` in order. Never throws for a failing command. */
export function runSpecFile(dir: string, file: string, engine: Engine, opts: RunOptions = {}): FileResult {
  const start = performance.now();
  const script = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SpecScript;
  const budget = opts.fileBudgetMs ?? Infinity;
  const run = new ScriptRun(engine, dir, opts.callTimeoutMs ?? 10_000);
  const commands = script.commands.map((cmd): CommandResult => {
    if (performance.now() - start > budget) {
      return { line: cmd.line, type: cmd.type, status: 'failed', reason: `file time budget of ${budget} ms spent` };
    }
    return run.run(cmd);
  });
  return { file, commands, ms: performance.now() - start };
}

// ---------------------------------------------------------------------------------------------------------
// Counting.

export interface Tally { passed: number; failed: number; skipped: number }
export interface Totals {
  readonly all: Tally;
  readonly byType: Map<string, Tally>;
  /** Commands that trapped as they should, but with a message lacking the expected text. */
  readonly trapTextMismatches: number;
}

export function tally(results: Iterable<FileResult>): Totals {
  const all: Tally = { passed: 0, failed: 0, skipped: 0 };
  const byType = new Map<string, Tally>();
  let trapTextMismatches = 0;
  for (const file of results) {
    for (const c of file.commands) {
      let t = byType.get(c.type);
      if (t === undefined) byType.set(c.type, t = { passed: 0, failed: 0, skipped: 0 });
      t[c.status]++;
      all[c.status]++;
      if (c.trapTextMatched === false) trapTextMismatches++;
    }
  }
  return { all, byType, trapTextMismatches };
}

/** The closing summary: the totals line, then a table by command type. */
export function formatTotals(suite: string, totals: Totals): string {
  const { all } = totals;
  const n = all.passed + all.failed + all.skipped;
  const row = (name: string, t: Tally): string =>
    name.padEnd(24) + [t.passed, t.failed, t.skipped, t.passed + t.failed + t.skipped]
      .map((x) => String(x).padStart(9)).join('');
  const lines = [
    `spec ${suite}: ${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped (of ${n})`,
    'command'.padEnd(24) + ['passed', 'failed', 'skipped', 'total'].map((h) => h.padStart(9)).join(''),
    ...[...totals.byType].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => row(name, t)),
    row('all', all),
  ];
  return lines.join('\n');
}
