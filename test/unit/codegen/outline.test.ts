// Outlined loops (compiler/codegen/func.ts, FuncGen.outline): a loop of a large function compiled to a function
// of its own, its variables passed in and out through the return areas, its branches out of the loop (to an
// enclosing block, with values; through br_table; to an outer loop; a return with several values of every
// type) taken by the caller on the code it returns. With `outline: 'all'` every loop is outlined, nested ones
// inside outlined ones too; each export is compared with native WebAssembly, and a part of the spec suite runs
// the same way.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWebAssembly } from '../../../src/engines.js';
import { compileModule } from '../../../src/pipeline.js';
import { ModuleInfo, OUTLINE_MODULE_LIMIT } from '../../../compiler/codegen/module-info.js';
import { WA, outcome } from '../runtime/native.js';
import { watToWasm } from '../../diff/harness.js';
import { runSpecFile, type Engine } from '../../spec/harness.js';

const wat = `(module
  (memory (export "mem") 1)
  ;; Sum with an early exit to an enclosing block carrying a value, f64 and i64 accumulators live after it.
  (func (export "sums") (param $n i32) (result f64)
    (local $i i32) (local $f f64) (local $w i64) (local $g f32)
    (f64.add
      (block $out (result f64)
        (loop $l
          (local.set $f (f64.add (local.get $f) (f64.convert_i32_s (local.get $i))))
          (local.set $w (i64.add (i64.mul (local.get $w) (i64.const 0x100000001b3)) (i64.extend_i32_u (local.get $i))))
          (local.set $g (f32.add (local.get $g) (f32.const 0.5)))
          (drop (br_if $out (f64.const -1) (i32.eq (local.get $i) (i32.const 1000))))
          (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.get $f))
      (f64.add (f64.convert_i64_s (i64.shr_u (local.get $w) (i64.const 20))) (f64.promote_f32 (local.get $g)))))
  ;; A return from inside nested loops, with one value of each type.
  (func $find (export "find") (param $n i32) (result i32 i64 f32 f64)
    (local $i i32) (local $j i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (if (i32.eq (i32.mul (local.get $i) (local.get $j)) (local.get $n))
          (then (return (local.get $i) (i64.mul (i64.extend_i32_s (local.get $j)) (i64.const -3000000000))
            (f32.convert_i32_s (local.get $j)) (f64.div (f64.const 1) (f64.convert_i32_s (local.get $i))))))
        (br_if $inner (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 50))))
      (br_if $outer (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 50))))
    (i32.const -1) (i64.const -1) (f32.const nan:0x200001) (f64.const -0))
  (func (export "find_sum") (param $n i32) (result f64)
    (local $a i32) (local $b i64) (local $c f32) (local $d f64)
    (call $find (local.get $n))
    (local.set $d) (local.set $c) (local.set $b) (local.set $a)
    (f64.add (f64.add (f64.convert_i32_s (local.get $a)) (f64.convert_i64_s (local.get $b)))
      (f64.add (f64.promote_f32 (local.get $c)) (local.get $d))))
  ;; br_table out of an inner loop to three enclosing labels, one of them the outer loop.
  (func (export "dispatch") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $outer
        (block $b2
          (block $b1
            (loop $inner
              (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $inner (i32.and (local.get $i) (i32.const 3)))
              (br_table $b1 $b2 $outer $done (i32.rem_u (local.get $acc) (i32.const 5))))
            (unreachable))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 0x5bd1e995)))
          (br_if $outer (i32.lt_s (local.get $i) (local.get $n)))
          (br $done))
        (local.set $acc (i32.rotl (local.get $acc) (i32.const 7)))
        (br_if $outer (i32.lt_s (local.get $i) (local.get $n)))))
    (local.get $acc))
  ;; A loop with parameters and results (multi-value blocks), memory traffic and growth, and a call into
  ;; its own function.
  (func $walk (export "walk") (param $n i32) (result i32)
    (local $k i32)
    (i32.const 0) (i32.const 1)
    (loop $l (param i32 i32) (result i32 i32)
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (i32.store (i32.mul (local.get $k) (i32.const 4)) (local.get $k))
      (if (i32.eq (local.get $k) (i32.const 7)) (then (drop (memory.grow (i32.const 1)))))
      (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (local.get $k))
      (i32.add (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))))
      (i32.add (if (result i32) (i32.and (local.get $k) (i32.gt_s (local.get $n) (i32.const 2)))
        (then (call $walk (i32.shr_u (local.get $n) (i32.const 2)))) (else (i32.const 0))))
      (br_if $l (i32.lt_s (local.get $k) (local.get $n))))
    (i32.add))
  ;; A trap inside an outlined loop.
  (func (export "trap_at") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (if (i32.eq (local.get $i) (local.get $n)) (then (unreachable)))
      (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))
    (local.get $i))
)`;

const bytes = watToWasm('outline.wat', wat);
const cases: [string, number[]][] = [
  ['sums', [0, 1, 2, 999, 1000, 1001, 5000]],
  ['find_sum', [0, 1, 7, 48, 2401, 2500, 97]],
  ['dispatch', [0, 1, 5, 64, 1000]],
  ['walk', [1, 3, 8, 20, 40]],
  ['trap_at', [0, 50, 99, 100, 500]],
];

/** A result comparable with toEqual: NaN and -0 by their bits. */
function bitsOf(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
  return v;
}

describe('outlined loops', () => {
  for (const mode of ['all', 'auto', 'none'] as const) {
    it(`match native WebAssembly (outline: ${mode}, eager and lazy)`, () => {
      for (const lazy of [false, true]) {
        const WJ = createWebAssembly({ outline: mode, lazy });
        for (const [name, args] of cases) {
          // A fresh instance per call: walk grows memory.
          for (const n of args) {
            const theirs = new WA.Instance(new WA.Module(bytes), {}).exports as Record<string, (n: number) => unknown>;
            const want = outcome(() => theirs[name]!(n));
            const ours = new WJ.Instance(new WJ.Module(bytes), {}).exports as Record<string, (n: number) => unknown>;
            expect(bitsOf(outcome(() => ours[name]!(n))), `${name}(${n}), ${mode}, lazy ${lazy}`).toEqual(bitsOf(want));
          }
        }
      }
    });
  }

  it('outlines every loop with outline all, none without it', () => {
    const all = compileModule(bytes, { outline: 'all', lazy: false }).code;
    // One function per loop of the module: 7 loops.
    expect(all.match(/function f\d+\$\d+\(/g)?.length).toBe(7);
    expect(compileModule(bytes, { outline: 'none', lazy: false }).code).not.toMatch(/function f\d+\$\d+\(/);
  });

  it('outlines the loops of a large function by default (i64-hash: its kernels, inlined into one function)', () => {
    const program = readFileSync(new URL('../../../bench/programs/i64-hash.wasm', import.meta.url));
    const code = compileModule(program, { lazy: false }).code;
    expect(code.match(/function f\d+\$\d+\(/g)?.length ?? 0).toBeGreaterThan(5);
    // Small functions keep their loops: this module's have too little code.
    expect(compileModule(bytes, { lazy: false }).code).not.toMatch(/function f\d+\$\d+\(/);
  });

  it('shows a trap inside an outlined loop with the frames it has without outlining', () => {
    const frames = (mode: 'all' | 'none'): string[] => {
      const WJ = createWebAssembly({ outline: mode });
      const ours = new WJ.Instance(new WJ.Module(bytes), {}).exports as Record<string, (n: number) => unknown>;
      try {
        ours.trap_at!(50);
      } catch (e) {
        return ((e as Error).stack ?? '').split('\n').filter((l) => l.includes('.wat:'));
      }
      throw new Error('no trap');
    };
    const plain = frames('none');
    expect(plain.length).toBeGreaterThan(0);
    expect(frames('all')).toEqual(plain);
  });

  it('outlines nothing by default in a module with 1 MiB of code or more (compiled lazily, compile time first)', () => {
    const decls = (codeBytes: number) => ({
      module: { numImportedGlobals: 0, exports: [], codes: [{ at: 100, end: 100 + codeBytes }] },
    }) as unknown as ConstructorParameters<typeof ModuleInfo>[0];
    expect(new ModuleInfo(decls(OUTLINE_MODULE_LIMIT - 1)).outline).toBe('auto');
    expect(new ModuleInfo(decls(OUTLINE_MODULE_LIMIT)).outline).toBe('none');
    expect(new ModuleInfo(decls(OUTLINE_MODULE_LIMIT), false, false, 'all').outline).toBe('all');
  });

  it('rejects an unknown outline option', () => {
    expect(() => createWebAssembly({ outline: 'some' as 'all' })).toThrow(TypeError);
    expect(() => createWebAssembly({ engine: 'interp', outline: 'all' })).toThrow(TypeError);
  });
});

// Spec files heavy in control flow, run with every loop outlined (the suite's modules are too small for the
// default rules to outline anything). None of them has an expected failure.
const specDir = resolve(process.cwd(), process.env.WASM_SPEC_DIR ?? '../shared/spec');
const FILES = [
  'loop', 'block', 'br', 'br_if', 'br_table', 'return', 'labels', 'unwind', 'fac', 'left-to-right', 'switch',
  'stack', 'memory_grow', 'call', 'call_indirect', 'local_get', 'local_set', 'if', 'func', 'traps', 'nop', 'i64',
  'int_exprs', 'address', 'memory_trap', 'endianness', 'forward',
];

describe.skipIf(!existsSync(join(specDir, 'core')) && process.env.CI !== 'true')('spec files with every loop outlined', () => {
  const engine: Engine = { name: 'wajit', api: createWebAssembly({ outline: 'all' }) as unknown as Engine['api'] };
  for (const file of FILES) {
    it(file, () => {
      const result = runSpecFile(join(specDir, 'core'), `${file}.json`, engine, { callTimeoutMs: 20_000 });
      const failed = result.commands.filter((c) => c.status === 'failed').map((c) => `${c.line} ${c.type}: ${c.reason ?? ''}`);
      expect(failed).toEqual([]);
      expect(result.commands.filter((c) => c.status === 'passed').length).toBeGreaterThan(0);
    }, 120_000);
  }
});
