// The mutation fuzzer's inputs and checks, shared by the driver's child processes (fuzz-child.ts) and the
// tests. An input is a deterministic function of (seed, iteration): a corpus module picked by the iteration's
// own random stream and mutated one to five times (structurally, mutate.ts, or byte-wise, inputs.ts), so any
// input is rebuilt from two numbers, and the driver never ships bytes between processes.
//
// Checks on every input:
// - compilation either succeeds or throws CompileError (anything else is a crash of the compiler);
// - the generated code passes the safety check (compiler/emit/check.ts), lazily compiled functions and
//   metered code (one input in eight, compiled and checked but not run: it needs instance limits) included;
// - validity agrees with native V8 (where V8 merely accepts a later feature, wabt restricted to WebAssembly
//   2.0 decides) and, for one input in four, WebAssembly.validate agrees with compilation;
// - a module that compiles is instantiated on both engines (stub imports of the declared types) and every
//   exported function called with zeros and with random arguments, each call under a time limit (a mutant
//   may loop forever: native gets 10 ms, wajit 1 s); results, traps and the exported memories and globals
//   after each call must agree (NaN payloads excepted, as everywhere in the differential tests). A difference
//   in a module that uses copysign or a float-to-integer reinterpretation is counted, not reported: there the
//   sign or payload of an arithmetic NaN, which wasm leaves open, becomes visible (V8 on x86 makes NaNs
//   negative, JavaScript arithmetic positive). wajit running out of stack where native does not is counted
//   too: its recursion limit is lower, which the spec allows.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModule, checkModule, type CompiledModule } from '../../src/pipeline.js';
import { CompileError } from '../../runtime/errors.js';
import { instantiate } from '../../runtime/link.js';
import { decodeModule } from '../../compiler/decode/decode.js';
import { validateDecls } from '../../compiler/validate/validate.js';
import { generateLazyFunction } from '../../compiler/codegen/module.js';
import { checkGenerated, UnsafeCodeError } from '../../compiler/emit/check.js';
import type { ImportDescriptor } from '../../runtime/abi.js';
import {
  type Api, type Outcome, type Sig, Native, Rng, Wajit, compareOutcomes, exportedSignatures, randomValue, show, watToWasm,
} from '../diff/harness.js';
import { guard, mutateOnce, randomModule, wabtValidate20, type Seed } from './inputs.js';
import { NAN_EXPOSING, mutateStructure, usesOps } from './mutate.js';

/**
 * The repository. The driver runs this file compiled, outside the source tree, and says where the repository
 * is in WAJIT_REPO_ROOT; under vitest it is found from this file's own location.
 */
export function repoRoot(): string {
  return process.env.WAJIT_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
}

/** CompileError codes for valid modules beyond wajit's implementation limits. */
const LIMIT_CODES: readonly string[] = ['nesting-too-deep', 'engine-limit'];

/** Modules larger than this are picked rarely (they compile slowly, and throughput is what finds bugs). */
const LARGE = 32 * 1024;

export interface Corpus {
  /** Valid modules up to LARGE bytes: most inputs start from one of them. */
  readonly small: readonly Seed[];
  /** Invalid modules (the spec suite's assert_invalid and assert_malformed ones). */
  readonly invalid: readonly Seed[];
  readonly large: readonly Seed[];
  /** Every module's bytes: donors of sections for splicing. */
  readonly all: readonly Uint8Array[];
}

/** Files of a directory of the repository with the given extension, sorted (none if it is missing). */
function filesOf(dir: string, ext: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).sort() : [];
}

/**
 * The seed corpus: the spec suite's binary modules (no SIMD; WASM_SPEC_DIR, default ../shared/spec), the
 * differential tests' WAT modules and C programs, the benchmark, WASI and example programs.
 */
export function loadCorpus(): Corpus {
  const ROOT = repoRoot();
  const seeds: Seed[] = [];
  const spec = join(resolve(ROOT, process.env.WASM_SPEC_DIR ?? '../shared/spec'), 'core');
  const binary = (dir: string, f: string) => new Uint8Array(readFileSync(join(dir, f)));
  for (const f of filesOf(spec, '.wasm')) if (!f.startsWith('simd_')) seeds.push({ name: f, bytes: binary(spec, f) });
  for (const dir of ['test/diff/wat', 'test/diff/wat-link']) {
    for (const f of filesOf(join(ROOT, dir), '.wat')) {
      seeds.push({ name: `${dir}/${f}`, bytes: watToWasm(f, readFileSync(join(ROOT, dir, f), 'utf8')) });
    }
  }
  for (const dir of ['test/diff/c', 'bench', 'bench/programs', 'test/wasi/c', 'examples']) {
    for (const f of filesOf(join(ROOT, dir), '.wasm')) seeds.push({ name: `${dir}/${f}`, bytes: binary(join(ROOT, dir), f) });
  }
  if (seeds.length < 10) throw new Error(`no seed corpus under ${ROOT}`);
  const valid = seeds.map((s) => Native.validate(s.bytes));
  return {
    small: seeds.filter((s, i) => valid[i] && s.bytes.length <= LARGE),
    invalid: seeds.filter((_, i) => !valid[i]),
    large: seeds.filter((s, i) => valid[i] && s.bytes.length > LARGE),
    all: seeds.map((s) => s.bytes),
  };
}

/** A 32-bit hash of (seed, iteration): the seed of the iteration's random stream. */
export function mix(seed: number, i: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(i >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface Input {
  readonly bytes: Uint8Array;
  /** Where it came from: the seed module and the mutations applied. */
  readonly origin: string;
  /** The iteration's random stream, positioned after the input was made (the checks draw from it). */
  readonly rng: Rng;
}

/** Input `i` of the run with seed `seed`. */
export function makeInput(corpus: Corpus, seed: number, i: number): Input {
  const r = new Rng(mix(seed, i));
  if (r.below(50) === 0) return { bytes: randomModule(r), origin: 'random module', rng: r };
  const k = r.below(40);
  const from = k === 0 && corpus.large.length > 0 ? r.pick(corpus.large) : k < 5 ? r.pick(corpus.invalid) : r.pick(corpus.small);
  let bytes = from.bytes;
  const kinds: string[] = [];
  const n = r.below(10) < 7 ? 1 : r.below(3) < 2 ? 2 : 3 + r.below(3);
  for (let k = 0; k < n; k++) {
    if (r.below(6) === 0) {
      bytes = mutateOnce(r, bytes);
      kinds.push('bytes');
    } else {
      const [out, kind] = mutateStructure(r, bytes, corpus.all);
      bytes = out;
      kinds.push(kind);
    }
  }
  return { bytes, origin: `${from.name} + ${kinds.join(', ')}`, rng: r };
}

// ---------------------------------------------------------------------------------------------------------
// Checks.

export interface Finding {
  /** crash (an exception other than CompileError), unsafe-code, validity, mismatch or timeout. */
  readonly kind: string;
  readonly message: string;
}

export interface Stats {
  inputs: number;
  compiled: number;
  rejected: number;
  /** Inputs V8 accepts only thanks to features past WebAssembly 2.0 (SIMD included). */
  nativeExtensions: number;
  instantiated: number;
  calls: number;
  traps: number;
  /** Calls (or instantiations) stopped because native did not finish within its time limit. */
  nativeTimeouts: number;
  /**
   * Differences that the NaN nondeterminism of wasm explains: the module uses copysign or a float-to-integer
   * reinterpretation (the sign or payload of an arithmetic NaN is open). Counted, not reported.
   */
  nanDifferences: number;
  /** Calls where wajit ran out of stack and native did not (wajit's recursion depth is lower). */
  stackLimits: number;
}

export function newStats(): Stats {
  return {
    inputs: 0, compiled: 0, rejected: 0, nativeExtensions: 0, instantiated: 0, calls: 0, traps: 0, nativeTimeouts: 0,
    nanDifferences: 0, stackLimits: 0,
  };
}

export function addStats(into: Stats, s: Stats): void {
  for (const k of Object.keys(into) as (keyof Stats)[]) into[k] += s[k];
}

type Found = (kind: string, message: string) => void;

export interface RunOptions {
  /** Called before every step that may take long, so the driver knows the child is alive. */
  readonly tick?: () => void;
  /** For the driver's own tests: make compilation throw this instead of compiling. */
  readonly injectCrash?: boolean;
}

const NATIVE_MS = 10;
const WAJIT_MS = 1000;
/** Instantiation is skipped above these sizes (a mutant's 4 GiB memory is no test of anything). */
const MAX_PAGES_RUN = 256;
const MAX_TABLE_RUN = 100_000;
const MAX_EXPORTS_RUN = 8;

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return `non-Error thrown: ${String(e)}`;
  const frames = (e.stack ?? '').split('\n').slice(1, 6).map((l) => l.trim()).join(' | ');
  return `${e.name}: ${e.message}${frames ? ` [${frames}]` : ''}`;
}

/** Runs every check on one input. */
export function runInput(bytes: Uint8Array, r: Rng, stats: Stats, opts: RunOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const found = (kind: string, message: string): void => void findings.push({ kind, message });
  const tick = opts.tick ?? (() => {});
  stats.inputs++;

  const lazy = r.below(8) === 0;
  // Metered code (fuel counted, runtime/meter.ts) is compiled and checked, not run: it needs instance limits.
  const metered = r.below(8) === 0;
  let compiled: CompiledModule | undefined;
  let error: unknown;
  try {
    if (opts.injectCrash) throw new TypeError('injected by the fuzzer\'s self-test');
    compiled = compileModule(bytes, { lazy, metered });
  } catch (e) {
    error = e;
  }
  if (error !== undefined && !(error instanceof CompileError)) {
    found('crash', `compile (${lazy ? 'lazy' : 'eager'}${metered ? ', metered' : ''}): ${errorText(error)}`);
  }
  const limit = error instanceof CompileError && LIMIT_CODES.includes(error.code);
  const valid = compiled !== undefined || limit;
  if (compiled !== undefined) stats.compiled++;
  else stats.rejected++;

  if (compiled !== undefined) checkCode(bytes, compiled, lazy, metered, found);

  if (r.below(4) === 0) {
    let validates: boolean;
    try {
      checkModule(bytes);
      validates = true;
    } catch (e) {
      if (!(e instanceof CompileError)) found('crash', `validate: ${errorText(e)}`);
      validates = false;
    }
    const compilation = valid ? 'succeeds' : `fails: ${(error as Error).message}`;
    if (validates !== valid) found('validity', `WebAssembly.validate says ${validates}, compilation ${compilation}`);
  }

  const native = Native.validate(bytes);
  if (native !== valid) {
    if (native && !valid && wabtValidate20(bytes) === false) stats.nativeExtensions++;
    else if (!native && valid && wabtValidate20(bytes) === true) stats.nativeExtensions++; // V8 stricter than 2.0 (limits)
    else {
      const wajit = valid ? 'accepts' : `rejects: ${(error as Error).message}`;
      found('validity', `native ${native ? 'accepts' : 'rejects'}, wajit ${wajit}`);
    }
  }
  if (compiled !== undefined && native && !metered) run(bytes, compiled, r, stats, found, tick);
  return findings;
}

/** The safety check on the module's code and, when compiled lazily, on a few of its functions. */
function checkCode(bytes: Uint8Array, compiled: CompiledModule, lazy: boolean, metered: boolean, found: Found): void {
  try {
    const { evalScope } = checkGenerated(compiled.code);
    if (!lazy) return;
    const decls = validateDecls(decodeModule(bytes));
    for (let k = 0; k < Math.min(3, decls.module.funcs.length); k++) {
      checkGenerated(generateLazyFunction(decls, k, { metered }).code, { evalScope });
    }
  } catch (e) {
    if (e instanceof UnsafeCodeError) found('unsafe-code', e.message);
    else if (!(e instanceof CompileError)) found('crash', `code check: ${errorText(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Running on both engines.

type Exports = Record<string, unknown>;

/** Import objects with a stub of the declared type for every import, built with `api`'s classes. */
function stubImports(api: Api, imports: readonly ImportDescriptor[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = Object.create(null);
  for (const imp of imports) {
    const ns = (out[imp.module] ??= Object.create(null) as Record<string, unknown>);
    switch (imp.kind) {
      case 'func': ns[imp.name] = () => undefined; break;
      case 'memory': {
        const { min, max } = imp.type.limits;
        ns[imp.name] = new api.Memory(max === undefined ? { initial: min } : { initial: min, maximum: max });
        break;
      }
      case 'table': {
        const { min, max } = imp.type.limits;
        const element = imp.type.elem === 'funcref' ? 'anyfunc' : 'externref';
        ns[imp.name] = new api.Table(max === undefined ? { initial: min, element } : { initial: min, maximum: max, element });
        break;
      }
      case 'global': {
        const t = imp.type.type;
        const value = t === 'i64' ? 0n : t === 'funcref' || t === 'externref' ? null : 0;
        ns[imp.name] = new api.Global({ value: (t === 'funcref' ? 'anyfunc' : t) as 'i32', mutable: imp.type.mutable }, value);
        break;
      }
    }
  }
  return out;
}

function guarded(f: () => unknown, ms: number, results: number): Outcome & { timedOut?: boolean } {
  const g = guard(f, ms);
  if (g.ok) {
    const v = g.value;
    const values = results === 0 ? [] : results === 1 ? [v] : [...(v as Iterable<unknown>)];
    return { kind: 'ok', values };
  }
  return { kind: 'throw', error: g.error, timedOut: g.timedOut };
}

const isStackOverflow = (o: Outcome): boolean => o.kind === 'throw' && (
  (o.error instanceof RangeError && /call stack/.test(o.error.message)) || (o.error as Error)?.message === 'call stack exhausted');

function run(bytes: Uint8Array, compiled: CompiledModule, r: Rng, stats: Stats, found: Found, tick: () => void): void {
  const d = compiled.descriptor;
  if (d.memories.some((m) => m.limits.min > MAX_PAGES_RUN) || d.tables.some((t) => t.limits.min > MAX_TABLE_RUN)) return;
  let nativeModule: InstanceType<Api['Module']>;
  try {
    nativeModule = new Native.Module(bytes);
  } catch {
    return; // validated natively, but beyond one of V8's implementation limits
  }
  let nImports: Record<string, Record<string, unknown>>;
  let wImports: Record<string, Record<string, unknown>>;
  try {
    nImports = stubImports(Native, d.imports);
    wImports = stubImports(Wajit, d.imports);
  } catch {
    return; // an import no JS value can stand for (a v128 global)
  }
  // A difference the module's NaN-exposing ops may explain is not reported (see Stats.nanDifferences).
  const differ = (what: string): void => {
    if (usesOps(bytes, NAN_EXPOSING)) stats.nanDifferences++;
    else found('mismatch', what);
  };
  tick();
  const n = guarded(() => new Native.Instance(nativeModule, nImports).exports, NATIVE_MS, 1);
  if (n.timedOut) {
    stats.nativeTimeouts++;
    return;
  }
  tick();
  const w = guarded(() => instantiate(d, compiled.link, wImports).exports, WAJIT_MS, 1);
  const late = `native finished within ${NATIVE_MS} ms, wajit not within ${WAJIT_MS} ms`;
  if (w.timedOut) return found('timeout', `instantiation: ${late}`);
  if (isStackOverflow(w) && !isStackOverflow(n)) {
    stats.stackLimits++;
    return;
  }
  const diff = compareOutcomes({ params: [], results: [] }, [], n, w);
  if (diff !== null) return differ(`instantiation: ${diff}`);
  if (n.kind !== 'ok' || w.kind !== 'ok') return;
  stats.instantiated++;
  const ne = n.values[0] as Exports;
  const we = w.values[0] as Exports;
  const state = (): string | null => stateDiff(ne, we) ?? importedStateDiff(nImports, wImports);
  const initial = state();
  if (initial !== null) return differ(`after instantiation: ${initial}`);

  const sigs = [...exportedSignatures(bytes)].slice(0, MAX_EXPORTS_RUN);
  for (const [name, sig] of sigs) {
    for (const args of [sig.params.map(zero), sig.params.map((t) => randomValue(r, t))]) {
      tick();
      const no = guarded(() => (ne[name] as (...a: unknown[]) => unknown)(...args), NATIVE_MS, sig.results.length);
      if (no.timedOut) {
        stats.nativeTimeouts++;
        return;
      }
      tick();
      const wo = guarded(() => (we[name] as (...a: unknown[]) => unknown)(...args), WAJIT_MS, sig.results.length);
      const call = `${JSON.stringify(name)}(${args.map(show).join(', ')})`;
      if (wo.timedOut) return found('timeout', `${call}: ${late}`);
      stats.calls++;
      if (no.kind === 'throw') stats.traps++;
      // Recursion deeper than wajit's stack allows: an implementation limit, as the spec permits.
      if (isStackOverflow(wo) && !isStackOverflow(no)) {
        stats.stackLimits++;
        return;
      }
      const d2 = compareOutcomes(sig as Sig, args, no, wo);
      if (d2 !== null) return differ(`${call}: ${d2}`);
      // How deep the stack was when it ran out differs between engines, and so may the state.
      if (isStackOverflow(no) || isStackOverflow(wo)) return;
      const s = state();
      if (s !== null) return differ(`${call}: state differs afterwards: ${s}`);
    }
  }
}

function zero(t: string): unknown {
  return t === 'i64' ? 0n : t === 'funcref' || t === 'externref' ? null : 0;
}

/** Exported memories, globals and table sizes of the two instances; null when they agree. */
export function stateDiff(n: Exports, w: Exports): string | null {
  for (const [name, nv] of Object.entries(n)) {
    const wv = w[name];
    const where = JSON.stringify(name);
    if (nv instanceof Native.Memory) {
      const m = memoryDiff(new Uint8Array(nv.buffer), new Uint8Array((wv as InstanceType<Api['Memory']>).buffer));
      if (m !== null) return `memory ${where}: ${m}`;
    } else if (nv instanceof Native.Global) {
      const a: unknown = nv.value;
      const b: unknown = (wv as InstanceType<Api['Global']>).value;
      const same = typeof a === 'number' ? typeof b === 'number' && (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))
        : typeof a === 'function' ? typeof b === 'function' : a === b;
      if (!same) return `global ${where}: native ${show(a)}, wajit ${show(b)}`;
    } else if (nv instanceof Native.Table) {
      const wl = (wv as InstanceType<Api['Table']>).length;
      if (nv.length !== wl) return `table ${where}: length ${nv.length} vs ${wl}`;
    }
  }
  return null;
}

/** The memories created for the imports, compared as exported ones are. */
type ImportObject = Record<string, Record<string, unknown>>;

function importedStateDiff(n: ImportObject, w: ImportObject): string | null {
  for (const mod of Object.keys(n)) {
    for (const [name, nv] of Object.entries(n[mod]!)) {
      if (!(nv instanceof Native.Memory)) continue;
      const m = memoryDiff(new Uint8Array(nv.buffer), new Uint8Array((w[mod]![name] as InstanceType<Api['Memory']>).buffer));
      if (m !== null) return `imported memory ${JSON.stringify(mod)} ${JSON.stringify(name)}: ${m}`;
    }
  }
  return null;
}

/**
 * Null when two memories hold the same bytes, or differ only inside floats that are NaN in both (a stored
 * arithmetic NaN's payload is not determined by the spec); else where they differ.
 */
export function memoryDiff(a: Uint8Array, b: Uint8Array): string | null {
  if (a.length !== b.length) return `${a.length} bytes vs ${b.length}`;
  if (Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))) return null;
  const dv = [new DataView(a.buffer, a.byteOffset, a.length), new DataView(b.buffer, b.byteOffset, b.length)];
  const nanAt = (i: number, size: 4 | 8): boolean => {
    for (let s = Math.max(0, i - size + 1); s <= i && s + size <= a.length; s++) {
      const both = dv.every((v) => (size === 4 ? (v.getUint32(s, true) & 0x7fffffff) > 0x7f800000
        : (v.getBigUint64(s, true) & 0x7fffffffffffffffn) > 0x7ff0000000000000n));
      if (both) return true;
    }
    return false;
  };
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !nanAt(i, 4) && !nanAt(i, 8)) return `first difference at byte ${i}: native ${a[i]}, wajit ${b[i]}`;
  }
  return null;
}
