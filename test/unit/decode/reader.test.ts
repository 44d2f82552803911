// Reader: LEB128 edge cases (lengths, unused bits, sign extension), floats, names, types, opcodes and the
// immediates walker. Errors are checked by code and offset.

import { describe, it, expect } from 'vitest';
import { Reader, skipImmediates } from '../../../compiler/decode/reader.js';
import { BY_NAME, OPCODES } from '../../../compiler/spec/opcodes.js';
import { compileError } from './helpers.js';

const R = (...b: number[]): Reader => new Reader(new Uint8Array(b));
const err = (f: () => unknown): [string, number] => {
  const e = compileError(f);
  return [e.code, e.offset];
};

describe('u32', () => {
  it('reads minimal and non-minimal encodings', () => {
    expect(R(0x00).u32()).toBe(0);
    expect(R(0x7f).u32()).toBe(127);
    expect(R(0x80, 0x01).u32()).toBe(128);
    expect(R(0xe5, 0x8e, 0x26).u32()).toBe(624485);
    expect(R(0xff, 0xff, 0xff, 0xff, 0x0f).u32()).toBe(0xffffffff);
    expect(R(0x80, 0x80, 0x80, 0x80, 0x00).u32()).toBe(0);
    expect(R(0x82, 0x00).u32()).toBe(2);
  });
  it('advances pos past the integer only', () => {
    const r = R(0x80, 0x01, 0x05);
    expect(r.u32()).toBe(128);
    expect(r.pos).toBe(2);
    expect(r.u32()).toBe(5);
    expect(r.eof()).toBe(true);
  });
  it('rejects a sixth byte as too long, at that byte', () => {
    expect(err(() => R(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32())).toEqual(['int-repr-too-long', 5]);
  });
  it('rejects unused bits in the fifth byte as too large, at that byte', () => {
    expect(err(() => R(0xff, 0xff, 0xff, 0xff, 0x1f).u32())).toEqual(['int-too-large', 4]);
    expect(err(() => R(0x82, 0x80, 0x80, 0x80, 0x70).u32())).toEqual(['int-too-large', 4]);
    // Too-large is checked before the continuation bit, as the reference interpreter does.
    expect(err(() => R(0x80, 0x80, 0x80, 0x80, 0x90, 0x00).u32())).toEqual(['int-too-large', 4]);
  });
  it('reports running out of bytes at the end', () => {
    expect(err(() => R(0x80).u32())).toEqual(['unexpected-end', 1]);
    expect(err(() => R().u32())).toEqual(['unexpected-end', 0]);
  });
  it('respects an explicit end', () => {
    const r = new Reader(new Uint8Array([0x05, 0x80, 0x01]), 1, 2);
    expect(err(() => r.u32())).toEqual(['unexpected-end', 2]);
  });
});

describe('signed LEB128', () => {
  it('sign-extends i32', () => {
    expect(R(0x7f).i32()).toBe(-1);
    expect(R(0x3f).i32()).toBe(63);
    expect(R(0x40).i32()).toBe(-64);
    expect(R(0x80, 0x7f).i32()).toBe(-128);
    expect(R(0xff, 0xff, 0xff, 0xff, 0x07).i32()).toBe(2147483647);
    expect(R(0x80, 0x80, 0x80, 0x80, 0x78).i32()).toBe(-2147483648);
    expect(R(0xff, 0xff, 0xff, 0xff, 0x7f).i32()).toBe(-1);
    expect(R(0x80, 0x80, 0x80, 0x80, 0x00).i32()).toBe(0);
  });
  it('rejects i32 last bytes that are not a sign extension', () => {
    expect(err(() => R(0xff, 0xff, 0xff, 0xff, 0x0f).i32())).toEqual(['int-too-large', 4]);
    expect(err(() => R(0x80, 0x80, 0x80, 0x80, 0x70).i32())).toEqual(['int-too-large', 4]);
    expect(err(() => R(0xff, 0xff, 0xff, 0xff, 0x4f).i32())).toEqual(['int-too-large', 4]);
    expect(err(() => R(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).i32())).toEqual(['int-repr-too-long', 5]);
  });
  it('reads s33 block type indices up to 2^32 - 1 and down to -2^32', () => {
    expect(R(0xff, 0xff, 0xff, 0xff, 0x0f).s33()).toBe(0xffffffff);
    expect(R(0x80, 0x80, 0x80, 0x80, 0x70).s33()).toBe(-0x100000000);
    expect(err(() => R(0x80, 0x80, 0x80, 0x80, 0x1f).s33())).toEqual(['int-too-large', 4]);
    expect(err(() => R(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).s33())).toEqual(['int-repr-too-long', 5]);
  });
  it('reads i64 over its whole range', () => {
    expect(R(0x7f).i64()).toBe(-1n);
    expect(R(0x3f).i64()).toBe(63n);
    expect(R(0x80, 0x01).i64()).toBe(128n);
    expect(R(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00).i64()).toBe(0x7fffffffffffffffn);
    expect(R(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).i64()).toBe(-0x8000000000000000n);
    expect(R(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).i64()).toBe(-1n);
    expect(R(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).i64()).toBe(0n);
    // 2^35 + 1: crosses the internal split between the low and high halves.
    expect(R(0x81, 0x80, 0x80, 0x80, 0x80, 0x01).i64()).toBe(2n ** 35n + 1n);
  });
  it('rejects bad i64 encodings', () => {
    const ten = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80];
    expect(err(() => R(...ten, 0x01).i64())).toEqual(['int-too-large', 9]);
    expect(err(() => R(...ten, 0x7e).i64())).toEqual(['int-too-large', 9]);
    expect(err(() => R(...ten, 0x80, 0x00).i64())).toEqual(['int-repr-too-long', 10]);
  });
});

describe('floats', () => {
  it('reads f32 value and bits, keeping NaN payloads in the bits', () => {
    expect(R(0x00, 0x00, 0xc0, 0x3f).f32()).toEqual({ value: 1.5, bits: 0x3fc00000 });
    const nan = R(0x01, 0x00, 0x80, 0xff).f32();
    expect(nan.bits).toBe(0xff800001);
    expect(Number.isNaN(nan.value)).toBe(true);
    expect(err(() => R(0, 0, 0).f32())).toEqual(['unexpected-end', 3]);
  });
  it('reads f64 value and bits', () => {
    const z = R(0, 0, 0, 0, 0, 0, 0, 0x80).f64();
    expect(Object.is(z.value, -0)).toBe(true);
    expect(z.bits).toBe(0x8000000000000000n);
    expect(R(0, 0, 0, 0, 0, 0, 0xf0, 0x3f).f64().value).toBe(1);
  });
});

describe('names and bytes', () => {
  it('decodes UTF-8 names, keeping a BOM', () => {
    const b = [...new TextEncoder().encode('héllo ∑ 🙂')];
    expect(R(b.length, ...b).name()).toBe('héllo ∑ 🙂');
    expect(R(3, 0xef, 0xbb, 0xbf).name()).toBe('\ufeff');
    expect(R(0).name()).toBe('');
  });
  it('rejects malformed UTF-8 at the name', () => {
    expect(err(() => R(2, 0xc0, 0x80).name())).toEqual(['malformed-utf8', 0]); // overlong
    expect(err(() => R(3, 0xed, 0xa0, 0x80).name())).toEqual(['malformed-utf8', 0]); // surrogate
    expect(err(() => R(4, 0xf4, 0x90, 0x80, 0x80).name())).toEqual(['malformed-utf8', 0]); // > U+10FFFF
    expect(err(() => R(1, 0x80).name())).toEqual(['malformed-utf8', 0]);
  });
  it('rejects a length past the end', () => {
    expect(err(() => R(5, 0x61).name())).toEqual(['length-out-of-bounds', 0]);
    expect(err(() => R(0x61).bytesN(2))).toEqual(['unexpected-end', 1]);
  });
  it('returns views, not copies', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const v = new Reader(bytes, 1).bytesN(2);
    expect(v.buffer).toBe(bytes.buffer);
    expect([...v]).toEqual([2, 3]);
  });
});

describe('types', () => {
  it('reads value and reference types', () => {
    const types = [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f].map((b) => R(b).valtype());
    expect(types).toEqual(['i32', 'i64', 'f32', 'f64', 'v128', 'funcref', 'externref']);
    expect(R(0x70).reftype()).toBe('funcref');
    expect(R(0x6f).reftype()).toBe('externref');
  });
  it('rejects bad type bytes', () => {
    expect(err(() => R(0x60).valtype())).toEqual(['malformed-valtype', 0]);
    expect(err(() => R(0x7f).reftype())).toEqual(['malformed-reftype', 0]);
    // Type bytes are one-byte signed LEB128 in the reference interpreter.
    expect(err(() => R(0xff, 0x7f).valtype())).toEqual(['int-repr-too-long', 1]);
  });
  it('reads block types', () => {
    expect(R(0x40).blocktype()).toEqual({ kind: 'empty' });
    expect(R(0x7e).blocktype()).toEqual({ kind: 'val', type: 'i64' });
    expect(R(0x05).blocktype()).toEqual({ kind: 'index', index: 5 });
    expect(R(0x80, 0x01).blocktype()).toEqual({ kind: 'index', index: 128 });
    expect(err(() => R(0x80, 0x7f).blocktype())).toEqual(['unknown-type', 0]);
    expect(err(() => R(0x60).blocktype())).toEqual(['malformed-valtype', 0]);
  });
});

describe('opcodes and immediates', () => {
  it('looks up single-byte and prefixed opcodes in the table', () => {
    expect(R(0x6a).op()).toBe(BY_NAME.get('i32.add'));
    expect(R(0xfc, 0x0a).op()).toBe(BY_NAME.get('memory.copy'));
    expect(R(0xfc, 0x80, 0x00).op()).toBe(BY_NAME.get('i32.trunc_sat_f32_s'));
  });
  it('rejects unknown opcodes at the opcode', () => {
    expect(err(() => R(0x06).op())).toEqual(['illegal-opcode', 0]);
    expect(err(() => R(0xff).op())).toEqual(['illegal-opcode', 0]);
    expect(err(() => R(0xfd, 0x00).op())).toEqual(['illegal-opcode', 0]);
    expect(err(() => R(0xfc, 0x12).op())).toEqual(['illegal-opcode', 0]);
  });
  it('reads memarg and the reserved zero byte', () => {
    expect(R(0x02, 0x80, 0x01).memarg()).toEqual({ align: 2, offset: 128 });
    expect(() => R(0x00).zeroByte()).not.toThrow();
    expect(err(() => R(0x01).zeroByte())).toEqual(['zero-byte-expected', 0]);
    expect(err(() => R(0x80, 0x00).zeroByte())).toEqual(['zero-byte-expected', 0]);
  });
  it('skips the immediates of every table row', () => {
    // One well-formed immediate encoding per kind, followed by a marker byte.
    const imm: Record<string, number[]> = {
      none: [], blocktype: [0x40], label: [0x01], br_table: [0x02, 0x00, 0x01, 0x02], func: [0x80, 0x01],
      call_indirect: [0x00, 0x00], local: [0x03], global: [0x00], table: [0x00], memarg: [0x02, 0x10],
      memidx: [0x00], i32: [0x7f], i64: [0x80, 0x7f], f32: [0, 0, 0, 0], f64: [0, 0, 0, 0, 0, 0, 0, 0],
      select_t: [0x01, 0x7f], reftype: [0x70], memory_init: [0x01, 0x00], data: [0x00],
      memory_copy: [0x00, 0x00], table_init: [0x00, 0x00], elem: [0x00], table_copy: [0x00, 0x01],
    };
    for (const row of OPCODES) {
      const code = row.prefix === 0 ? [row.code] : [row.prefix, row.code];
      const r = R(...code, ...imm[row.imm], 0xaa);
      expect(r.op()).toBe(row);
      skipImmediates(r, row);
      expect(r.u8(), row.name).toBe(0xaa);
    }
  });
  it('checks counts of vectors in immediates', () => {
    const r = R(0x0e, 0x7f, 0x00);
    const row = r.op();
    expect(err(() => skipImmediates(r, row))).toEqual(['length-out-of-bounds', 1]);
  });
});

describe('running out of input', () => {
  it('words the error by where the reader is, as the spec suite expects', () => {
    const bytes = new Uint8Array([0x01, 0x80]);
    const whole = compileError(() => new Reader(bytes).bytesN(3));
    expect(whole.message).toMatch(/^unexpected end \(at offset 0x2\)$/);
    const inner = compileError(() => new Reader(bytes, 1).u32());
    expect(inner.message).toMatch(/^unexpected end of section or function/);
    expect([inner.code, inner.offset]).toEqual(['unexpected-end', 2]);
  });
});
