// Differential tests of two linked instances (test/diff/wat-link/a.wat and b.wat): B imports A's table,
// memory, mutable i64 global and functions. Calls through the shared table check function types
// structurally across modules (same type, different index; a different result type must trap), i64 values
// cross between instances, B's active segments write into A's memory and table, and growth by one instance is
// seen by the other. Every step runs on both engines; outcomes and A's exported state must agree.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Native, Wajit, compareOutcomes, exportedSignatures, outcomeOf, show, summary, watToWasm,
  type Outcome, type WasmGlobal, type WasmMemory, type WasmTable,
} from './harness.js';

type Api = typeof Native;
type Exports = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

const load = (file: string): Uint8Array =>
  watToWasm(file, readFileSync(new URL(`./wat-link/${file}`, import.meta.url), 'utf8'));

const A = load('a.wat');
const B = load('b.wat');
const SIGS = { a: exportedSignatures(A), b: exportedSignatures(B) };

function link(api: Api): { a: Exports; b: Exports } {
  const a = new api.Instance(new api.Module(A), {}).exports as Exports;
  const b = new api.Instance(new api.Module(B), { a }).exports as Exports;
  return { a, b };
}

/** A's exported state, engine-neutral. */
function state(a: Exports): string {
  const mem = new Uint8Array((a.mem as WasmMemory).buffer);
  let hash = 0;
  for (let i = 0; i < mem.length; i++) hash = (Math.imul(hash, 31) + mem[i]!) | 0;
  const tab = a.tab as WasmTable;
  const slots = Array.from({ length: tab.length }, (_, i) => (tab.get(i) === null ? 0 : 1)).join('');
  return `mem ${mem.length} bytes #${hash}, g ${show((a.g as WasmGlobal).value)}, table ${slots}`;
}

const STEPS: readonly (readonly ['a' | 'b', string, unknown[]])[] = [
  ['a', 'call_ii', [0, 5]],
  ['a', 'call_ii', [1, 5]],
  ['a', 'call_ll', [2, 0x123456789n]],
  ['a', 'call_ll', [3, 1n]],
  ['a', 'call_ii', [2, 1]],
  ['a', 'call_multi', [4, 7, 0x100000000n]],
  ['a', 'call_multi', [1, 7, 1n]],
  ['a', 'call_v', [5]],
  ['a', 'call_ii', [6, 1]],
  ['b', 'b_call_ii', [0, 9]],
  ['b', 'b_call_ll', [0, 9n]],
  ['b', 'b_call_ll', [2, -(2n ** 63n)]],
  ['b', 'via_a', [1, -21]],
  ['b', 'via_a', [3, 0]],
  ['a', 'peek', [16]],
  ['b', 'sum64', [0xffffffffn]],
  ['b', 'bump', [2n ** 63n - 1n]],
  ['a', 'get_g', []],
  ['a', 'set_g', [-1n]],
  ['b', 'sum64', [1n]],
  ['a', 'size', []],
  ['b', 'size', []],
];

describe('differential: linked instances, wajit vs native', () => {
  it('calls across instances through a shared table, memory and global agree', () => {
    const engines = { native: link(Native), wajit: link(Wajit as unknown as Api) };
    const mismatches: string[] = [];
    expect(state(engines.wajit.a)).toBe(state(engines.native.a));
    const run = (who: 'a' | 'b', name: string, args: unknown[]): void => {
      const sig = SIGS[who].get(name)!;
      const [n, w] = (['native', 'wajit'] as const).map((e): Outcome =>
        outcomeOf(() => (engines[e][who][name] as Fn)(...args), sig.results.length));
      const diff = compareOutcomes(sig, args, n!, w!);
      if (diff !== null) mismatches.push(`${who}.${name}(${args.map(show).join(', ')}): ${diff}`);
      const ns = state(engines.native.a);
      const ws = state(engines.wajit.a);
      if (ns !== ws) mismatches.push(`${who}.${name}: state differs: native ${ns}, wajit ${ws}`);
    };
    for (const [who, name, args] of STEPS) run(who, name, args);
    // B grows the shared memory from inside A's call_indirect; both see it.
    run('a', 'call_v', [5]);
    run('a', 'call_ii', [5, 1]);
    for (const [who, name, args] of STEPS) run(who, name, args);
    // JS replaces a table entry with one of B's exported functions... of the other instance's kind.
    for (const e of ['native', 'wajit'] as const) (engines[e].a.tab as WasmTable).set(5, engines[e].b.b_call_ii as Fn);
    run('a', 'call_ii', [5, 1]);
    expect(mismatches, summary(mismatches)).toEqual([]);
  });

  it('a wasm function of one wajit instance imported by another keeps its identity and type', () => {
    const { a, b } = link(Wajit as unknown as Api);
    const tab = a.tab as WasmTable;
    // An exported function put into a table and read back is the same function object.
    tab.set(0, b.sum64 as Fn);
    expect(tab.get(0)).toBe(b.sum64);
    // Importing a function whose type differs from the import's declared type is a LinkError.
    const badImports = { a: { ...a, add64: b.size } };
    expect(() => new Wajit.Instance(new Wajit.Module(B), badImports)).toThrow(Wajit.LinkError);
    expect(() => new Native.Instance(new Native.Module(B), { a: { ...link(Native).a, add64: link(Native).b.size } }))
      .toThrow(Native.LinkError);
  });
});
