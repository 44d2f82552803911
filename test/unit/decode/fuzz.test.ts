// Robustness: random mutations of valid modules and random byte strings must either decode (and then
// disassemble without throwing) or fail with a CompileError carrying an offset inside the input. Seeded, so a
// failure reproduces; the seed and mutation index are in the assertion message.

import { describe, it, expect } from 'vitest';
import wabtInit from 'wabt';
import { decodeModule } from '../../../compiler/decode/decode.js';
import { disassemble } from '../../../compiler/disasm/wat.js';
import { CompileError } from '../../../runtime/errors.js';
import { EMPTY_CODE, HEADER, ONE_FUNC, TYPE_VOID, rng, section, vec, wasm } from './helpers.js';

const wabt = await wabtInit();
const TEXT = `(module $fuzz
  (type $t (func (param i32 i64) (result i32)))
  (import "env" "f" (func $imp (type $t)))
  (import "env" "g" (global $g (mut i32)))
  (import "env" "tab" (table 1 funcref))
  (memory 1 2)
  (table $t2 2 10 externref)
  (global $x (mut f64) (f64.const 1.5))
  (global i64 (i64.const -12345678901))
  (func $main (export "main") (type $t) (local $l f32) (local v128)
    (block $b (result i32)
      (loop $l2
        (br_if $l2 (i32.eqz (local.get 0)))
        (if (i32.const 1) (then (nop)) (else (unreachable))))
      (br_table 0 0 (i32.const 1) (i32.const 2)))
    (drop)
    (i64.store offset=8 (i32.const 0) (local.get 1))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 4))
    (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 1))
    (table.init 0 1 (i32.const 0) (i32.const 0) (i32.const 0))
    (call_indirect (type $t) (i32.const 1) (i64.const 2) (i32.const 0))
    (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3))
    (drop)
    (local.set $l (f32.const -nan:0x1234))
    (drop (ref.is_null (ref.null extern)))
    (i32.trunc_sat_f64_u (f64.const 3.5)))
  (func $other (result i32) (call $main (i32.const 0) (i64.const 0)))
  (elem (i32.const 0) $main $other)
  (elem funcref (ref.func $main) (ref.null func))
  (elem declare func $other)
  (data (i32.const 4) "hello")
  (data "passive")
  (start $imp2)
  (func $imp2))`;

function seeds(): Uint8Array[] {
  const mod = wabt.parseWat('fuzz.wat', TEXT, { simd: true });
  mod.resolveNames();
  const fromText = mod.toBinary({ write_debug_names: true }).buffer;
  mod.destroy();
  // The element encodings wabt does not write, by hand.
  const elems = wasm(
    TYPE_VOID, ONE_FUNC, section(4, vec([[0x70, 0x00, 0x01]])),
    section(9, vec([[0x02, 0x00, 0x41, 0x00, 0x0b, 0x00, 0x01, 0x00], [0x06, 0x00, 0x41, 0x00, 0x0b, 0x70, 0x01, 0xd2, 0x00, 0x0b], [0x05, 0x70, 0x00]])),
    EMPTY_CODE,
  );
  return [fromText, elems];
}

/** One random edit: overwrite, insert, delete, truncate, set a LEB-ish byte, or duplicate a slice. */
function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const b = [...src];
  const pos = Math.floor(rand() * b.length);
  const byte = [0x00, 0x01, 0x0b, 0x7f, 0x80, 0xff, Math.floor(rand() * 256)][Math.floor(rand() * 7)];
  const edits = 1 + Math.floor(rand() * 3);
  for (let e = 0; e < edits; e++) {
    switch (Math.floor(rand() * 6)) {
      case 0: b[pos] = byte; break;
      case 1: b.splice(pos, 0, byte); break;
      case 2: b.splice(pos, 1); break;
      case 3: b.length = pos; break;
      case 4: b[pos] ^= 1 << Math.floor(rand() * 8); break;
      default: b.splice(pos, 0, ...b.slice(pos, pos + Math.floor(rand() * 16))); break;
    }
  }
  return new Uint8Array(b);
}

function check(bytes: Uint8Array, label: string): 'ok' | 'error' {
  try {
    const m = decodeModule(bytes);
    expect(typeof disassemble(m), label).toBe('string');
    return 'ok';
  } catch (e) {
    expect(e, label).toBeInstanceOf(CompileError);
    const { offset } = e as CompileError;
    expect(Number.isInteger(offset) && offset >= 0 && offset <= bytes.length, `${label} offset ${offset}`).toBe(true);
    return 'error';
  }
}

describe('decoder robustness', () => {
  it('decodes or rejects with CompileError 2000 mutations of valid modules', () => {
    const seed = 20240521;
    const rand = rng(seed);
    const bases = seeds();
    for (const base of bases) expect(check(base, 'seed module')).toBe('ok');
    const outcomes = { ok: 0, error: 0 };
    for (let i = 0; i < 2000; i++) {
      const base = bases[i % bases.length];
      outcomes[check(mutate(base, rand), `seed ${seed} mutation ${i}`)]++;
    }
    // Both outcomes occur, or the mutations are not exercising anything.
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(outcomes.error).toBeGreaterThan(500);
  });

  it('decodes or rejects with CompileError random bytes after a valid header', () => {
    const rand = rng(7);
    for (let i = 0; i < 1000; i++) {
      const n = Math.floor(rand() * 64);
      const tail = Array.from({ length: n }, () => Math.floor(rand() * 256));
      // Bias towards a known section id so section bodies get reached.
      if (n > 0 && rand() < 0.7) tail[0] = Math.floor(rand() * 13);
      check(new Uint8Array([...HEADER, ...tail]), `random ${i}`);
    }
  });
});
