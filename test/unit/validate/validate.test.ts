// Validator: error codes and offsets for invalid bodies, and the shape of the IR it emits for valid ones.
import { describe, it, expect } from 'vitest';
import wabtInit from 'wabt';
import { decodeModule } from '../../../compiler/decode/decode.js';
import { validateModule } from '../../../compiler/validate/validate.js';
import { CompileError } from '../../../runtime/errors.js';
import type { Stmt } from '../../../compiler/ir/ir.js';

const wabt = await wabtInit();
const FEATURES = { multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true };

function wasm(text: string): Uint8Array {
  const m = wabt.parseWat('t.wat', text, FEATURES);
  // Skip wabt's own validation so invalid modules reach ours.
  return new Uint8Array(m.toBinary({}).buffer);
}

function errorOf(text: string): CompileError {
  try {
    validateModule(decodeModule(wasm(text)));
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return e as CompileError;
  }
  throw new Error('module validated');
}

describe('validation errors', () => {
  const cases: [string, string, string][] = [
    ['type mismatch on binary operand', '(module (func (result i32) (i32.add (i32.const 1) (i64.const 2))))', 'type-mismatch'],
    ['missing operand', '(module (func (result i32) (i32.add (i32.const 1))))', 'type-mismatch'],
    ['unknown local', '(module (func (local.get 3) (drop)))', 'unknown-local'],
    ['unknown global', '(module (func (global.get 0) (drop)))', 'unknown-global'],
    ['immutable global', '(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))', 'immutable-global'],
    ['unknown label', '(module (func (br 1)))', 'unknown-label'],
    ['unknown function', '(module (func (call 5)))', 'unknown-function'],
    ['memory access without memory', '(module (func (drop (i32.load (i32.const 0)))))', 'unknown-memory'],
    ['alignment larger than natural', '(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))', 'bad-alignment'],
    ['undeclared function reference', '(module (func $f) (func (drop (ref.func $f))))', 'undeclared-ref'],
    ['select on references without type', '(module (func (param funcref funcref) (drop (select (local.get 0) (local.get 1) (i32.const 1)))))', 'type-mismatch'],
    ['if without else must not change types', '(module (func (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)))))', 'type-mismatch'],
    ['values left on the stack', '(module (func (i32.const 1)))', 'type-mismatch'],
    ['duplicate export', '(module (func) (export "a" (func 0)) (export "a" (func 0)))', 'duplicate-export'],
    ['start function with params', '(module (func (param i32)) (start 0))', 'start-type'],
    ['constant expression required', '(module (global i32 (i32.add (i32.const 1) (i32.const 2))))', 'const-expr'],
  ];
  for (const [name, text, code] of cases) {
    it(name, () => {
      const e = errorOf(text);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(/\(at offset 0x[0-9a-f]+\)$/);
    });
  }

  it('reports the offset of the offending instruction', () => {
    // Body: locals count 0, i32.const 1 (2 bytes), i64.const 2 (2 bytes), i32.add at the next offset.
    const bytes = wasm('(module (func (result i32) (i32.add (i32.const 1) (i64.const 2))))');
    const code = bytes.lastIndexOf(0x6a);
    const e = (() => { try { validateModule(decodeModule(bytes)); } catch (x) { return x as CompileError; } })()!;
    expect(e.offset).toBeGreaterThanOrEqual(code);
    expect(e.offset).toBeLessThanOrEqual(code + 1);
  });

  it('accepts anything after unreachable (polymorphic stack)', () => {
    const text = '(module (func (result i32) (unreachable) (i32.add) (drop) (br_table 0 0 (i32.const 0))))';
    expect(() => validateModule(decodeModule(wasm(text)))).not.toThrow();
  });

  it('does not recurse on nesting depth', () => {
    const depth = 50_000;
    // Hand-built body: `block` x depth, `end` x depth, final end.
    const body = [0x00, ...Array(depth).fill([0x02, 0x40]).flat(), ...Array(depth).fill(0x0b), 0x0b];
    const leb = (n: number) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
    const code = [0x01, ...leb(body.length), ...body];
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, ...leb(code.length), ...code]);
    expect(validateModule(decodeModule(bytes)).funcs).toHaveLength(1);
  });
});

describe('IR', () => {
  const ir = (text: string) => validateModule(decodeModule(wasm(text))).funcs;

  it('keeps pure expressions as trees and emits one statement for a store', () => {
    const [f] = ir('(module (memory 1) (func (param i32) (i32.store (local.get 0) (i32.add (local.get 0) (i32.const 1)))))');
    expect(f.body.map((s) => s.kind)).toEqual(['store']);
    const st = f.body[0] as Extract<Stmt, { kind: 'store' }>;
    expect(st.value.kind).toBe('binary');
  });

  it('spills a pending read before the local it reads is overwritten', () => {
    const [f] = ir('(module (func (param i32) (result i32) (local.get 0) (local.set 0 (i32.const 5)) (local.get 0) (i32.add)))');
    expect(f.body[0].kind).toBe('eval'); // the old value goes to a temp first
    expect(f.body[1].kind).toBe('local.set');
  });

  it('evaluates a pending load before a call that could change memory', () => {
    const [, g] = ir('(module (memory 1) (func $f) (func (result i32) (i32.load (i32.const 0)) (call $f) (i32.const 1) (i32.add)))');
    expect(g.body.map((s) => s.kind)).toEqual(['eval', 'eval', 'return']);
    expect((g.body[0] as Extract<Stmt, { kind: 'eval' }>).value.kind).toBe('load');
  });

  it('flattens blocks that no branch targets', () => {
    const [f] = ir('(module (func (result i32) (block (result i32) (i32.const 7))))');
    expect(f.body.map((s) => s.kind)).toEqual(['return']);
  });
});
