// Robustness against bad input through the public API: whatever the bytes, wajit's WebAssembly.validate
// returns a boolean, `new WasmModule` succeeds or throws wajit's CompileError (never an internal
// error in disguise: code 'internal'), the two agree with each other, nothing hangs (a watchdog stops a call
// after 10 s), and a module that compiles instantiates or fails with LinkError, RuntimeError or TypeError.
// Validity is cross-checked with native WebAssembly.validate; where they disagree, wabt restricted to
// WebAssembly 2.0 decides whether V8 merely accepts a later feature (SIMD, tail calls, exception handling)
// or wajit is wrong.
//
// Inputs: the seed modules themselves, 3000 seeded mutations of them (bit flips, inserted, deleted and
// duplicated ranges, LEB bytes set to 0x80/0xff, truncation), and random byte strings after a valid header.

import { describe, expect, it } from 'vitest';
import { Native, Wajit, type WasmModule } from '../diff/harness.js';
import {
  HAVE_SPEC, SPEC_CORE, SPEC_REQUIRED, Rng, type Seed, guard, hex, mutate, ownSeeds, randomModule, sectionIds,
  specSeeds, wabtValidate20,
} from './inputs.js';

// Larger runs for bug hunting: FUZZ_MUTATIONS=100000 FUZZ_SEED=7 npx vitest run test/fuzz/bad-input.test.ts
const MUTATIONS = Number(process.env.FUZZ_MUTATIONS ?? 3000);
const RANDOM_MODULES = Number(process.env.FUZZ_RANDOM ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 0);

/** CompileError codes for valid modules beyond wajit's implementation limits (compiler/codegen, src/pipeline.ts). */
const LIMIT_CODES: readonly string[] = ['nesting-too-deep', 'engine-limit'];

interface Finding { readonly what: string; readonly input: string; readonly bytes: Uint8Array }

/** Tallies of what happened, so a run that checks nothing cannot pass. */
interface Stats { inputs: number; valid: number; instantiated: number; nativeExtensions: number; simdSkipped: number }

function newStats(): Stats {
  return { inputs: 0, valid: 0, instantiated: 0, nativeExtensions: 0, simdSkipped: 0 };
}

type Engine = typeof Wajit | typeof Native;

/** Import objects satisfying the spec suite's `spectest` module, and plausible stubs for anything else. */
function stubImports(api: Engine, module: WasmModule): Record<string, Record<string, unknown>> {
  const imports: Record<string, Record<string, unknown>> = {};
  const list = (api === Wajit ? Wajit.Module.imports(module as never) : Native.Module.imports(module));
  for (const { module: mod, name, kind } of list) {
    const ns = (imports[mod] ??= {});
    if (mod === 'spectest') {
      if (name === 'memory') ns[name] = new api.Memory({ initial: 1, maximum: 2 });
      else if (name === 'table') ns[name] = new api.Table({ initial: 10, maximum: 20, element: 'anyfunc' });
      else if (name === 'global_i64') ns[name] = new api.Global({ value: 'i64' }, 666n);
      else if (name === 'global_i32' || name === 'global_f32' || name === 'global_f64') {
        ns[name] = new api.Global({ value: name.slice(7) as 'i32' }, 666);
      } else if (kind === 'function') ns[name] = () => {};
      if (name in ns) continue;
    }
    if (kind === 'function') ns[name] = () => {};
    else if (kind === 'memory') ns[name] = new api.Memory({ initial: 1 });
    else if (kind === 'table') ns[name] = new api.Table({ initial: 10, element: 'anyfunc' });
    else ns[name] = new api.Global({ value: 'i32', mutable: false }, 0);
  }
  return imports;
}

function errorName(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/** Runs every check on one input; returns what went wrong. */
function check(input: string, bytes: Uint8Array, stats: Stats): Finding[] {
  const findings: Finding[] = [];
  const found = (what: string): void => void findings.push({ what, input, bytes });
  stats.inputs++;

  const v = guard(() => Wajit.validate(bytes));
  if (!v.ok) {
    found(v.timedOut ? 'validate did not return within 10 s' : `validate threw ${errorName(v.error)}`);
    return findings;
  }
  if (typeof v.value !== 'boolean') found(`validate returned ${String(v.value)}`);

  const m = guard(() => new Wajit.Module(bytes));
  if (!m.ok) {
    if (m.timedOut) found('new Module did not return within 10 s');
    else if (!(m.error instanceof Wajit.CompileError)) found(`new Module threw ${errorName(m.error)}`);
    else if ((m.error as { code?: string }).code === 'internal') found(`internal compiler error: ${(m.error as Error).message}`);
  }
  // A valid module may still exceed an implementation limit of the code generator (a clean CompileError).
  const limit = !m.ok && LIMIT_CODES.includes((m.error as { code?: string }).code ?? '');
  if (m.ok !== v.value && !limit) {
    found(`validate says ${v.value} but new Module ${m.ok ? 'succeeds' : `throws ${errorName(!m.ok && m.error)}`}`);
  }

  const native = Native.validate(bytes);
  if (native !== v.value) {
    const simd = native && !m.ok && isSimdError(bytes, m.error);
    if (simd) stats.simdSkipped++;
    else if (wabtValidate20(bytes) === v.value) {
      stats.nativeExtensions++;
      if (process.env.FUZZ_REPORT) console.log(`EXTENSION ${input}: native ${native} (${m.ok ? '' : (m.error as Error).message})\nHEX ${hex(bytes)}`);
    }
    else found(`validate: native ${native}, wajit ${v.value}${m.ok ? '' : ` (${(m.error as Error).message})`}`);
  }
  if (m.ok) {
    stats.valid++;
    instantiate(m.value, bytes, found, stats);
  }
  return findings;
}

/** wajit rejects SIMD at its 0xfd prefix (or at a v128 type); that is a missing feature, not a bug. */
function isSimdError(bytes: Uint8Array, e: unknown): boolean {
  const offset = (e as { offset?: number }).offset;
  const message = (e as Error).message ?? '';
  return (typeof offset === 'number' && bytes[offset] === 0xfd) || /v128|simd/i.test(message)
    || (typeof offset === 'number' && bytes[offset] === 0x7b);
}

/**
 * Instantiates a compiled module with stub imports on both engines. Modules with a start function are not
 * instantiated: a mutated start function may loop forever, which is correct behaviour, not a hang of ours.
 */
function instantiate(module: WasmModule, bytes: Uint8Array, found: (what: string) => void, stats: Stats): void {
  if (sectionIds(bytes).includes(8)) return;
  let imports: Record<string, Record<string, unknown>>;
  try {
    imports = stubImports(Wajit, module);
  } catch (e) {
    found(`Module.imports threw ${errorName(e)}`);
    return;
  }
  const w = guard(() => new Wajit.Instance(module as never, imports));
  let n: { ok: boolean; error?: unknown };
  try {
    new Native.Instance(new Native.Module(bytes), stubImports(Native, new Native.Module(bytes)));
    n = { ok: true };
  } catch (error) {
    n = { ok: false, error };
  }
  if (w.ok) {
    stats.instantiated++;
    if (!n.ok && !(n.error instanceof RangeError)) found(`instantiation: wajit succeeds, native throws ${errorName(n.error)}`);
    return;
  }
  const e = w.error;
  if (!w.ok && w.timedOut) return found('instantiation did not return within 10 s');
  const expected = e instanceof Wajit.LinkError || e instanceof Wajit.RuntimeError || e instanceof TypeError
    || (e instanceof RangeError && !n.ok && n.error instanceof RangeError);
  if (!expected) found(`instantiation threw ${errorName(e)}`);
  else if (n.ok) found(`instantiation: native succeeds, wajit throws ${errorName(e)}`);
}

function report(findings: readonly Finding[], max = 20): string {
  const lines = findings.slice(0, max).map((f) => `${f.input}: ${f.what}\n  ${hex(f.bytes).slice(0, 400)}`);
  if (findings.length > max) lines.push(`... and ${findings.length - max} more`);
  return lines.join('\n');
}

function logStats(label: string, stats: Stats, findings: readonly Finding[]): void {
  if (process.env.FUZZ_REPORT) {
    console.log(label, stats);
    for (const f of findings) console.log(`FINDING ${f.input}: ${f.what}\nHEX ${hex(f.bytes)}`);
  }
}

const own = ownSeeds();
const spec = specSeeds();

describe('bad input: validate and compile never misbehave', () => {
  it('the spec suite is present when CI requires it', () => {
    if (SPEC_REQUIRED) expect(HAVE_SPEC, `spec suite expected at ${SPEC_CORE}`).toBe(true);
    if (HAVE_SPEC) expect(spec.length).toBeGreaterThan(1000);
  });

  it('seed modules: own modules and (when present) every non-SIMD spec binary', () => {
    const stats = newStats();
    const findings: Finding[] = [];
    for (const s of [...own, ...spec]) findings.push(...check(s.name, s.bytes, stats));
    logStats('seeds', stats, findings);
    expect(stats.valid).toBeGreaterThanOrEqual(own.length);
    expect(findings.length, report(findings)).toBe(0);
  }, 180_000); // every spec binary through decode, validate, codegen and instantiation: slow on a loaded machine

  it(`${MUTATIONS} seeded mutations of the seed modules`, () => {
    const r = new Rng(0xbad1 + SEED);
    // Mostly valid modules, whose mutations reach the validator and code generator; some invalid ones too.
    const all: Seed[] = [...own, ...spec];
    const valid = all.filter((s) => Native.validate(s.bytes));
    const invalid = all.filter((s) => !Native.validate(s.bytes));
    const stats = newStats();
    const findings: Finding[] = [];
    for (let i = 0; i < MUTATIONS; i++) {
      const seed = r.below(10) === 0 && invalid.length > 0 ? r.pick(invalid) : r.pick(valid);
      findings.push(...check(`mutation #${i} of ${seed.name}`, mutate(r, seed.bytes), stats));
    }
    logStats('mutations', stats, findings);
    // The mutations must reach past the decoder often enough for the run to mean something.
    expect(stats.valid).toBeGreaterThan(MUTATIONS / 20);
    expect(findings.length, report(findings)).toBe(0);
  });

  it(`${RANDOM_MODULES} random byte strings after a valid header`, () => {
    const r = new Rng(0xbad2 + SEED);
    const stats = newStats();
    const findings: Finding[] = [];
    for (let i = 0; i < RANDOM_MODULES; i++) findings.push(...check(`random #${i}`, randomModule(r), stats));
    logStats('random', stats, findings);
    expect(findings.length, report(findings)).toBe(0);
  });

  it('the watchdog stops a call that does not return', () => {
    const g = guard(() => {
      for (;;);
    }, 50);
    expect(g.ok).toBe(false);
    expect(!g.ok && g.timedOut).toBe(true);
  });
});
