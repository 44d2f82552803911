// The DataView generated code reads memory through: a loop that accesses memory and neither calls nor grows
// memory (the validator marks it `fixedMemory`) copies the module's view into a local before it starts
// (compiler/codegen/func.ts); everywhere else every access reads the module's view, which memory.grow
// replaces. Each export below grows memory in a different place (in the loop, in a callee, in a host function,
// between the entries of an inner loop) and then touches the new pages: a stale view would trap where native
// WebAssembly does not.

import { describe, expect, it } from 'vitest';
import { WebAssembly as WJ } from '../../../src/index.js';
import { compileModule } from '../../../src/pipeline.js';
import { native } from '../runtime/native.js';
import { watToWasm } from '../../diff/harness.js';

/**
 * Sum of i over i = 0..n-1, each stored at the end of the page that `grow` (an i32, the old size in pages) adds
 * in the same iteration.
 */
const growInLoop = (name: string, grow: string) => `
  (func (export "${name}") (param $n i32) (result i32) (local $i i32) (local $s i32) (local $a i32)
    (loop $l
      (local.set $a (i32.sub (i32.mul (i32.add ${grow} (i32.const 1)) (i32.const 65536)) (i32.const 4)))
      (i32.store (local.get $a) (local.get $i))
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $a))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))`;

const wat = `(module
  (import "host" "grow" (func $hostGrow (result i32)))
  (memory (export "mem") 1)
  (func $grow (result i32) (memory.grow (i32.const 1)))
  ;; memory.grow in the loop body, by a direct call, and by the host through the exported memory.
  ${growInLoop('inLoop', '(memory.grow (i32.const 1))')}
  ${growInLoop('byCall', '(call $grow)')}
  ${growInLoop('byHost', '(call $hostGrow)')}
  ;; The outer loop grows memory by a call; the inner loop, call-free, fills the new page word by word and
  ;; sums it back: it must see the page grown just before it was entered.
  (func (export "innerAfterGrow") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $base i32) (local $s i32)
    (loop $outer
      (local.set $base (i32.mul (call $grow) (i32.const 65536)))
      (local.set $j (i32.const 0))
      (loop $fill
        (i32.store (i32.add (local.get $base) (local.get $j)) (i32.add (local.get $i) (local.get $j)))
        (br_if $fill (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (i32.const 65536))))
      (local.set $j (i32.const 0))
      (loop $sum
        (local.set $s (i32.add (local.get $s) (i32.load (i32.add (local.get $base) (local.get $j)))))
        (br_if $sum (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (i32.const 65536))))
      (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))
  ;; A call-free loop past the end of memory traps at the first access out of bounds, as with the module's view.
  (func (export "outOfBounds") (param $from i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $from))))
      (br_if $l (i32.ne (local.tee $from (i32.add (local.get $from) (i32.const 4))) (i32.const 0x7fffffff))))
    (local.get $s))
)`;

const bytes = watToWasm('memory-view.wat', wat);

/** Instantiates with a host function that grows the instance's exported memory by a page. */
function instantiate(make: (imports: object) => Record<string, unknown>): Record<string, (n: number) => number> {
  let mem: { grow(pages: number): number } | undefined;
  const exports = make({ host: { grow: () => mem!.grow(1) } });
  mem = exports['mem'] as { grow(pages: number): number };
  return exports as Record<string, (n: number) => number>;
}

const mine = () => instantiate((imports) => new WJ.Instance(new WJ.Module(bytes), imports).exports as Record<string, unknown>);
const ref = () => instantiate((imports) => native(wat, imports));

describe('the memory view of call-free loops', () => {
  it('is a local in call-free loops only', () => {
    const code = compileModule(bytes, { lazy: false }).code;
    // The fill and sum loops of innerAfterGrow and the loop of outOfBounds; none of the loops that grow.
    expect(code.match(/dl=dv;/g)?.length).toBe(3);
    expect(code).toMatch(/dl\.setInt32\(/);
    expect(code).toMatch(/dl\.getInt32\(/);
  });

  for (const name of ['inLoop', 'byCall', 'byHost', 'innerAfterGrow']) {
    it(`sees memory grown ${name === 'innerAfterGrow' ? 'before the loop starts' : 'during the loop'} (${name})`, () => {
      expect(mine()[name]!(5)).toBe(ref()[name]!(5));
      expect(mine()[name]!(5)).not.toBe(0);
    });
  }

  it('traps past the end of memory like native', () => {
    expect(() => mine()['outOfBounds']!(65536 - 8)).toThrow(WJ.RuntimeError);
    expect(() => ref()['outOfBounds']!(65536 - 8)).toThrow();
  });
});
