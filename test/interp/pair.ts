// A pair of instances of one module, one compiled to JavaScript by wajit and one run by wajit's interpreter
// (src/engines.ts), driven with the same calls: results must be identical (floats bit for bit, except that
// two quiet NaNs may carry different payloads: which operand's payload an arithmetic op propagates is left
// open by wasm and differs between V8 tiers), errors of the same class with the same message, and
// exported memories, globals and tables equal after every call. The same API as test/diff/harness.ts's
// native-vs-wajit Pair, so scenarios read alike.

import { WebAssembly as Compiled } from '../../src/index.js';
import { createWebAssembly } from '../../src/engines.js';
import {
  Rng, argumentTuples, exportedSignatures, f64Bits, show, type DriveOptions, type Sig,
} from '../diff/harness.js';

export const Interp = createWebAssembly({ engine: 'interp' });

type Exports = Record<string, unknown>;
type Outcome = { kind: 'ok'; values: unknown[] } | { kind: 'throw'; error: unknown };

function outcomeOf(f: () => unknown, n: number): Outcome {
  try {
    const v = f();
    return { kind: 'ok', values: n === 0 ? [] : n === 1 ? [v] : [...(v as Iterable<unknown>)] };
  } catch (error) {
    return { kind: 'throw', error };
  }
}

/** Quiet bit of a double NaN (also of an f32 NaN, which wajit carries with its payload shifted up). */
const QUIET = 1n << 51n;

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    const x = f64Bits(a), y = f64Bits(b);
    if (x === y) return true;
    // Arithmetic NaNs: any quiet NaN equals any quiet NaN; signalling NaNs must match exactly.
    return a !== a && b !== b && (x & QUIET) !== 0n && (y & QUIET) !== 0n;
  }
  if (typeof a === 'function' || typeof b === 'function') return (a === null) === (b === null);
  return a === b;
}

function showOutcome(o: Outcome): string {
  if (o.kind === 'ok') return show(o.values);
  const e = o.error as Error;
  return `throws ${e?.constructor?.name}(${JSON.stringify(e?.message)})`;
}

export class EnginePair {
  readonly compiled: Exports;
  readonly interp: Exports;
  readonly sigs: Map<string, Sig>;
  readonly mismatches: string[] = [];
  readonly stats = { calls: 0, throws: 0 };

  constructor(readonly label: string, bytes: Uint8Array, imports: () => object = () => ({})) {
    this.sigs = exportedSignatures(bytes);
    this.compiled = new Compiled.Instance(new Compiled.Module(bytes), imports()).exports as Exports;
    this.interp = new Interp.Instance(new Interp.Module(bytes), imports()).exports as Exports;
  }

  funcs(): string[] {
    return [...this.sigs.keys()];
  }

  call(name: string, args: readonly unknown[]): { compiled: Outcome; interp: Outcome } {
    const sig = this.sigs.get(name);
    if (sig === undefined) throw new Error(`${this.label}: no exported function ${name}`);
    const n = sig.results.length;
    const compiled = outcomeOf(() => (this.compiled[name] as (...a: unknown[]) => unknown)(...args), n);
    const interp = outcomeOf(() => (this.interp[name] as (...a: unknown[]) => unknown)(...args), n);
    this.stats.calls++;
    let ok: boolean;
    if (compiled.kind === 'ok' && interp.kind === 'ok') ok = compiled.values.every((v, i) => same(v, interp.values[i]));
    else if (compiled.kind === 'throw' && interp.kind === 'throw') {
      this.stats.throws++;
      const c = compiled.error as Error, i = interp.error as Error;
      ok = c?.constructor === i?.constructor && c?.message === i?.message;
    } else ok = false;
    const where = `${this.label} ${name}(${args.map(show).join(', ')})`;
    if (!ok) this.mismatches.push(`${where}: compiled ${showOutcome(compiled)}, interp ${showOutcome(interp)}`);
    const state = this.stateDiff();
    if (state !== null) this.mismatches.push(`${where}: state differs after the call: ${state}`);
    return { compiled, interp };
  }

  write(mem: string, addr: number, bytes: Uint8Array): void {
    new Uint8Array((this.compiled[mem] as { buffer: ArrayBuffer }).buffer).set(bytes, addr);
    new Uint8Array((this.interp[mem] as { buffer: ArrayBuffer }).buffer).set(bytes, addr);
  }

  value(name: string): number {
    const { compiled } = this.call(name, []);
    if (compiled.kind !== 'ok') throw new Error(`${this.label} ${name}() threw`);
    return compiled.values[0] as number;
  }

  stateDiff(): string | null {
    for (const [name, c] of Object.entries(this.compiled)) {
      const i = this.interp[name];
      if (c instanceof Compiled.Memory) {
        const a = Buffer.from(c.buffer), b = Buffer.from((i as InstanceType<typeof Compiled.Memory>).buffer);
        if (!a.equals(b)) return `memory ${name} differs (${a.length} vs ${b.length} bytes)`;
      } else if (c instanceof Compiled.Global) {
        const x: unknown = c.value, y: unknown = (i as InstanceType<typeof Compiled.Global>).value;
        if (!same(x, y)) return `global ${name}: compiled ${show(x)}, interp ${show(y)}`;
      } else if (c instanceof Compiled.Table) {
        const l = (i as InstanceType<typeof Compiled.Table>).length;
        if (c.length !== l) return `table ${name}: length ${c.length} vs ${l}`;
      }
    }
    return null;
  }

  drive(opts: DriveOptions = {}): void {
    const r = new Rng(opts.seed ?? 1);
    for (const name of opts.only ?? this.funcs()) {
      if (opts.skip?.includes(name)) continue;
      const tuples = opts.args?.[name] ?? argumentTuples(this.sigs.get(name)!, r, opts.random ?? 100);
      for (const args of tuples) this.call(name, args);
    }
  }
}
