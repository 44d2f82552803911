// The spec suite's modules with random arguments: every module the suite instantiates (those importing
// nothing or only the `spectest` host module) is instantiated under wajit and under native WebAssembly, and
// each exported function with parameters is called with edge values (0, -1, INT_MIN, NaN payloads, ±0, ±inf,
// ...) and random ones on both. Results must agree bit for bit, except that any NaN equals any NaN (arithmetic
// NaN payloads are nondeterministic in wasm, and an f32 signalling NaN cannot cross the JS boundary unchanged:
// test/spec/expected-failures.json); traps must be of the same kind (harness.ts maps V8's wording to the
// spec's); and the exported memories, globals and tables must agree after every call.
//
// Each call runs under a time limit (random arguments turn many loops into very long ones): native gets
// 20 ms, and when it does not finish the module is left (the two instances' states would diverge); wajit
// gets 2 s once native has finished. Deep recursion ends the module too: the depth at which the stack runs
// out, and so the state left behind, differs between engines (wajit's is lower; the spec allows any).

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { guard } from '../fuzz/inputs.js';
import { stateDiff } from '../fuzz/campaign.js';
import { usesOps } from '../fuzz/mutate.js';
import { makeSpectest } from '../spec/harness.js';
import {
  type Api, type Outcome, type Sig, Native, Rng, Wajit, compareOutcomes, edges, exportedSignatures, randomValue, show,
} from './harness.js';

export interface SpecModule {
  /** `file.json:line` of the module command. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

interface Command { readonly type: string; readonly line: number; readonly filename?: string; readonly module_type?: string }

/**
 * The binary modules of the suite's `module` commands (SIMD files excepted) that import nothing or only from
 * `spectest` and that native V8 compiles, in file and line order.
 */
export function specModules(core: string): SpecModule[] {
  const out: SpecModule[] = [];
  for (const file of readdirSync(core).filter((f) => f.endsWith('.json') && !f.startsWith('simd_')).sort()) {
    const { commands } = JSON.parse(readFileSync(join(core, file), 'utf8')) as { commands: Command[] };
    for (const c of commands) {
      if (c.type !== 'module' || c.filename === undefined || c.module_type === 'text') continue;
      const bytes = new Uint8Array(readFileSync(join(core, c.filename)));
      let imports;
      try {
        imports = Native.Module.imports(new Native.Module(bytes));
      } catch {
        continue;
      }
      if (imports.every((i) => i.module === 'spectest')) out.push({ name: `${file}:${c.line}`, bytes });
    }
  }
  return out;
}

/** The spectest host module, with the engine's own classes. */
export function spectest(api: Api): Record<string, unknown> {
  return makeSpectest(api);
}

export interface DriveResult {
  readonly mismatches: string[];
  calls: number;
  traps: number;
  /** Calls after which a module was left: native did not finish in time, or the stack ran out. */
  stopped: number;
}

const GROW: ReadonlySet<string> = new Set(['memory.grow']);
const NATIVE_MS = 20;
const WAJIT_MS = 2000;

type Exports = Record<string, unknown>;

function timed(f: () => unknown, ms: number, results: number): Outcome & { timedOut?: boolean } {
  const g = guard(f, ms);
  if (!g.ok) return { kind: 'throw', error: g.error, timedOut: g.timedOut };
  const values = results === 0 ? [] : results === 1 ? [g.value] : [...(g.value as Iterable<unknown>)];
  return { kind: 'ok', values };
}

const overflowed = (o: Outcome): boolean => o.kind === 'throw' &&
  ((o.error instanceof RangeError && /call stack/.test(o.error.message)) || (o.error as Error)?.message === 'call stack exhausted');

/**
 * i32 arguments for modules that grow memory: small, or too large to grow by. Random page counts in between
 * would grow memories to gigabytes, which wajit does by copying the whole buffer each time (seconds per grow
 * at 2 GiB, where V8 reserves address space and grows in place): slow, and heavy for a shared CI machine.
 */
const GROW_SAFE_I32: readonly number[] = [0, 1, 2, 3, 7, 10, -1, -2, 65536, 65537, 0x7fffffff, -0x80000000, 0x10000000];

/** Arguments for one call: each an edge value of its type half of the time, else a random one. */
function args(sig: Sig, r: Rng, grows: boolean): unknown[] {
  return sig.params.map((t) => {
    if (grows && t === 'i32') return r.pick(GROW_SAFE_I32);
    return r.below(2) === 0 ? r.pick(edges(t)) : randomValue(r, t);
  });
}

/** Calls every exported function with parameters `calls` times on both engines; records every difference. */
export function driveSpecModule(m: SpecModule, r: Rng, calls: number, into: DriveResult, wajit: Api = Wajit): void {
  let ne: Exports;
  let we: Exports;
  try {
    ne = new Native.Instance(new Native.Module(m.bytes), { spectest: spectest(Native) }).exports as Exports;
  } catch {
    return; // e.g. a start function that traps: the spec suite's own commands cover instantiation
  }
  try {
    we = new wajit.Instance(new wajit.Module(m.bytes), { spectest: spectest(wajit) }).exports as Exports;
  } catch (e) {
    into.mismatches.push(`${m.name}: native instantiates, wajit throws ${show(e)}`);
    return;
  }
  const grows = usesOps(m.bytes, GROW);
  const sigs = [...exportedSignatures(m.bytes)].filter(([, sig]) => sig.params.length > 0 && !sig.params.includes('v128') && !sig.results.includes('v128'));
  for (const [name, sig] of sigs) {
    for (let k = 0; k < calls; k++) {
      const a = args(sig, r, grows);
      const n = timed(() => (ne[name] as (...x: unknown[]) => unknown)(...a), NATIVE_MS, sig.results.length);
      if (n.timedOut) {
        into.stopped++;
        return;
      }
      const w = timed(() => (we[name] as (...x: unknown[]) => unknown)(...a), WAJIT_MS, sig.results.length);
      const call = `${m.name} ${JSON.stringify(name)}(${a.map(show).join(', ')})`;
      into.calls++;
      if (n.kind === 'throw') into.traps++;
      if (w.timedOut) {
        into.mismatches.push(`${call}: native finished within ${NATIVE_MS} ms, wajit not within ${WAJIT_MS} ms`);
        return;
      }
      // Recursion deeper than wajit's stack allows (its limit is lower than V8's): allowed, and the end.
      if (overflowed(w) && !overflowed(n)) {
        into.stopped++;
        return;
      }
      const diff = compareOutcomes(sig, a, n, w);
      if (diff !== null) {
        into.mismatches.push(`${call}: ${diff}`);
        return;
      }
      if (overflowed(n) || overflowed(w)) {
        into.stopped++;
        return;
      }
      const state = stateDiff(ne, we);
      if (state !== null) {
        into.mismatches.push(`${call}: state differs afterwards: ${state}`);
        return;
      }
    }
  }
}
