// The disassembler: full text of a small module, names from the name section, constant printing, bodies
// with unknown opcodes, and deep nesting without recursion.

import { describe, it, expect } from 'vitest';
import wabtInit from 'wabt';
import { decodeModule } from '../../../compiler/decode/decode.js';
import { disassemble, disassembleFunction } from '../../../compiler/disasm/wat.js';
import { ONE_FUNC, TYPE_VOID, body, section, vec, wasm } from './helpers.js';

const wabt = await wabtInit();
function fromWat(src: string): Uint8Array {
  const mod = wabt.parseWat('test.wat', src, {});
  mod.resolveNames();
  const bin = mod.toBinary({ write_debug_names: true }).buffer;
  mod.destroy();
  return bin;
}

const SMALL = `(module $demo
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $count (mut i32) (i32.const 0))
  (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (if (i32.gt_s (local.get $acc) (i32.const 100))
      (then (call $log (local.get $acc)))
      (else (nop)))
    (i32.store8 offset=3 (i32.const 0) (local.get $acc))
    (local.get $acc))
  (data (i32.const 0) "ok\\n"))`;

describe('disassemble', () => {
  it('prints a small module', () => {
    expect(disassemble(decodeModule(fromWat(SMALL)))).toBe(`(module $demo
  (type (;0;) (func (param i32)))
  (type (;1;) (func (param i32) (result i32)))
  (import "env" "log" (func $log (;0;) (type 0) (param i32)))
  (func $sum (;1;) (type 1) (param $n i32) (result i32)
    (local $acc i32)
    block  ;; label = @1
      loop  ;; label = @2
        local.get $n
        i32.eqz
        br_if 1
        local.get $acc
        local.get $n
        i32.add
        local.set $acc
        local.get $n
        i32.const 1
        i32.sub
        local.set $n
        br 0
      end
    end
    local.get $acc
    i32.const 100
    i32.gt_s
    if  ;; label = @1
      local.get $acc
      call $log
    else
      nop
    end
    i32.const 0
    local.get $acc
    i32.store8 offset=3
    local.get $acc
  )
  (memory (;0;) 1)
  (global (;0;) (mut i32) (i32.const 0))
  (export "sum" (func $sum))
  (data (;0;) (offset (i32.const 0)) "ok\\0a")
  ;; custom section "name", 45 bytes
)
`);
  });

  it('prints one function by function index', () => {
    const m = decodeModule(fromWat(SMALL));
    expect(disassembleFunction(m, 1).split('\n')[0]).toBe('(func $sum (;1;) (type 1) (param $n i32) (result i32)');
    expect(disassemble(m, { func: 1 })).toBe(disassembleFunction(m, 1));
    expect(disassembleFunction(m, 0)).toBe('(import "env" "log" (func $log (;0;) (type 0) (param i32)))\n');
    expect(() => disassembleFunction(m, 2)).toThrow(RangeError);
  });

  it('prints constants exactly', () => {
    const m = decodeModule(fromWat(`(module (func
      f32.const 0.1 drop  f32.const -0 drop  f32.const inf drop  f32.const -nan:0x200 drop
      f64.const nan drop  f64.const 1e300 drop  i64.const -9223372036854775808 drop  i32.const -1 drop))`));
    const text = disassembleFunction(m, 0);
    for (const line of ['f32.const 0.1', 'f32.const -0', 'f32.const inf', 'f32.const -nan:0x200', 'f64.const nan',
      'f64.const 1e+300', 'i64.const -9223372036854775808', 'i32.const -1']) {
      expect(text).toContain(`  ${line}\n`);
    }
  });

  it('prints element segments of every shape', () => {
    const m = decodeModule(fromWat(`(module (table 1 funcref) (func $f)
      (elem (i32.const 0) $f) (elem funcref (ref.func $f) (ref.null func)) (elem declare func $f))`));
    const text = disassemble(m);
    expect(text).toContain('(elem (;0;) (offset (i32.const 0)) func $f)');
    expect(text).toContain('(elem (;1;) funcref (item (ref.func $f)) (item (ref.null func)))');
    expect(text).toContain('(elem (;2;) declare func $f)');
  });

  it('stops a body at an unknown opcode', () => {
    const m = decodeModule(wasm(TYPE_VOID, ONE_FUNC, section(10, vec([body([], [0x01, 0x02, 0x40, 0xff, 0x0b, 0x0b])]))));
    expect(disassembleFunction(m, 0)).toBe('(func (;0;) (type 0)\n  nop\n  block  ;; label = @1\n    ;; illegal opcode\n)\n');
  });

  it('reports other unreadable immediates as comments', () => {
    const m = decodeModule(wasm(TYPE_VOID, ONE_FUNC, section(10, vec([body([], [0x3f, 0x01, 0x0b])]))));
    expect(disassembleFunction(m, 0)).toContain(';; zero byte expected');
  });

  it('handles deep nesting without recursion and huge local counts', () => {
    const depth = 2000;
    const instrs = [...new Array<number[]>(depth).fill([0x02, 0x40]).flat(), ...new Array<number>(depth + 1).fill(0x0b)];
    const m = decodeModule(wasm(TYPE_VOID, ONE_FUNC, section(10, vec([body([[0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f]], instrs)]))));
    const lines = disassembleFunction(m, 0).split('\n');
    expect(lines[1]).toBe('  (local i32) (; 4294967295 locals of type i32, from 0 ;)');
    expect(lines[1 + depth]).toBe(`${'  '.repeat(depth)}block  ;; label = @${depth}`);
    expect(lines.length).toBe(2 * depth + 4);
  });
});
