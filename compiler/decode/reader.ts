// The byte reader shared by the decoder, the validator and the disassembler: bounds-checked access to a
// module's bytes, LEB128 integers, floats, names, types and opcodes (looked up in the opcode table).
//
// Every failure is a CompileError with an absolute offset and the wording of the spec's reference interpreter,
// because the spec suite's assert_malformed texts are that interpreter's messages. In particular, LEB128 is
// checked exactly as the interpreter does it: an integer of N bits may use at most ceil(N/7) bytes ("integer
// representation too long"), and the unused bits of the last allowed byte must be a zero (unsigned) or sign
// (signed) extension ("integer too large"). The too-large check of the last byte comes before its
// continuation-bit check, as in the interpreter, so the two messages fall where the suite expects them.

import { CompileError } from '../../runtime/errors.js';
import type { RefType, ValType } from '../../runtime/abi.js';
import { BY_CODE, BY_PREFIX, type OpRow } from '../spec/opcodes.js';

export type BlockType =
  | { readonly kind: 'empty' }
  | { readonly kind: 'val'; readonly type: ValType }
  | { readonly kind: 'index'; readonly index: number };

/** Shared scratch for float bit conversions (little-endian, as in the binary). */
const scratch = new DataView(new ArrayBuffer(8));
/** Strict UTF-8: `fatal` rejects overlongs, surrogates and code points past U+10FFFF; a BOM is kept. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const EMPTY: BlockType = { kind: 'empty' };
const VAL_BLOCK: Partial<Record<ValType, BlockType>> = {};

/** Value types by their one-byte encoding. */
const VALTYPES: (ValType | undefined)[] = new Array(256);
VALTYPES[0x7f] = 'i32';
VALTYPES[0x7e] = 'i64';
VALTYPES[0x7d] = 'f32';
VALTYPES[0x7c] = 'f64';
VALTYPES[0x7b] = 'v128';
VALTYPES[0x70] = 'funcref';
VALTYPES[0x6f] = 'externref';

export class Reader {
  bytes: Uint8Array;
  pos: number;
  end: number;
  /**
   * The reference interpreter words running out of bytes as "unexpected end of section or function"; the
   * suite expects plain "unexpected end" for a truncated header. A reader over the whole input uses the short
   * form, a reader started inside it (a section or a function body) the long one.
   */
  readonly #eofMessage: string;

  constructor(bytes: Uint8Array, pos?: number, end?: number) {
    this.bytes = bytes;
    this.pos = pos ?? 0;
    this.end = Math.min(end ?? bytes.length, bytes.length);
    this.#eofMessage = this.pos > 0 || this.end < bytes.length
      ? 'unexpected end of section or function'
      : 'unexpected end';
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, at?: number, code?: string): never {
    throw new CompileError(message, at ?? this.pos, code);
  }

  /** Fails as the interpreter does when input runs out: at the end of the readable range. */
  #eof(): never {
    this.fail(this.#eofMessage, this.end, 'unexpected-end');
  }

  u8(): number {
    if (this.pos >= this.end) this.#eof();
    return this.bytes[this.pos++];
  }

  u32(): number {
    // Fast path: most indices and counts fit in one byte.
    const p = this.pos;
    if (p < this.end) {
      const b = this.bytes[p];
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    return this.#leb(32, false);
  }

  i32(): number {
    return this.#leb(32, true);
  }

  s33(): number {
    return this.#leb(33, true);
  }

  /**
   * LEB128 of at most 33 bits into a JS number. Values are accumulated with multiplication, not shifts,
   * because 5 bytes carry 35 bits, past what 32-bit shifts hold.
   */
  #leb(bits: number, signed: boolean): number {
    let result = 0;
    let scale = 1;
    for (let n = bits; ; n -= 7) {
      if (n <= 0) this.fail('integer representation too long', this.pos, 'int-repr-too-long');
      const at = this.pos;
      const b = this.u8();
      if (n < 7) this.#checkLastByte(b, n, signed, at);
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        // Sign-extend: the value read is `result` modulo 2^(7k); a set sign bit means subtract 2^(7k).
        if (signed && (b & 0x40) !== 0) result -= scale;
        return result;
      }
    }
  }

  /** The last allowed byte of an n-bit LEB128 may only carry n more bits (plus a sign extension). */
  #checkLastByte(b: number, n: number, signed: boolean, at: number): void {
    if (signed) {
      const mask = (-1 << (n - 1)) & 0x7f;
      const m = b & mask;
      if (m !== 0 && m !== mask) this.fail('integer too large', at, 'int-too-large');
    } else if ((b & 0x7f) >= 1 << n) {
      this.fail('integer too large', at, 'int-too-large');
    }
  }

  i64(): bigint {
    // Up to 10 bytes: 70 bits do not fit a double, so accumulate in two 35-bit halves and join as BigInt.
    let lo = 0;
    let hi = 0;
    let scale = 1;
    let shift = 0;
    for (let n = 64; ; n -= 7) {
      if (n <= 0) this.fail('integer representation too long', this.pos, 'int-repr-too-long');
      const at = this.pos;
      const b = this.u8();
      if (n < 7) this.#checkLastByte(b, n, true, at);
      if (shift < 35) lo += (b & 0x7f) * scale;
      else hi += (b & 0x7f) * scale;
      shift += 7;
      scale = shift === 35 ? 1 : scale * 128;
      if ((b & 0x80) === 0) {
        let v = (BigInt(hi) << 35n) | BigInt(lo);
        if ((b & 0x40) !== 0) v -= 1n << BigInt(shift);
        return BigInt.asIntN(64, v);
      }
    }
  }

  f32(): { value: number; bits: number } {
    const b = this.bytesN(4);
    const bits = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    scratch.setUint32(0, bits, true);
    return { value: scratch.getFloat32(0, true), bits };
  }

  f64(): { value: number; bits: bigint } {
    const b = this.bytesN(8);
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    scratch.setUint32(0, lo, true);
    scratch.setUint32(4, hi, true);
    return { value: scratch.getFloat64(0, true), bits: (BigInt(hi) << 32n) | BigInt(lo) };
  }

  /** A view of the next n bytes (no copy). */
  bytesN(n: number): Uint8Array {
    if (!(n >= 0) || n > this.end - this.pos) this.#eof();
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** name ::= vec(byte) holding strict UTF-8. */
  name(): string {
    const at = this.pos;
    const n = this.u32();
    // As the interpreter's `len32` (which counts from before the length itself): a length that cannot fit in
    // what is left is "length out of bounds"; one that only just overruns is "unexpected end" below.
    if (n > this.end - at) this.fail('length out of bounds', at, 'length-out-of-bounds');
    const b = this.bytesN(n);
    let ascii = n <= 64;
    for (let i = 0; ascii && i < n; i++) if (b[i] >= 0x80) ascii = false;
    if (ascii) return String.fromCharCode(...b);
    try {
      return utf8.decode(b);
    } catch {
      return this.fail('malformed UTF-8 encoding', at, 'malformed-utf8');
    }
  }

  /**
   * The interpreter reads type bytes as one-byte signed LEB128 (s7), so a byte with the continuation bit
   * set is "integer representation too long" rather than an unknown type.
   */
  #typeByte(): number {
    const b = this.u8();
    if (b & 0x80) this.fail('integer representation too long', this.pos, 'int-repr-too-long');
    return b;
  }

  valtype(): ValType {
    const at = this.pos;
    const t = VALTYPES[this.#typeByte()];
    if (t === undefined) this.fail('malformed value type', at, 'malformed-valtype');
    return t;
  }

  reftype(): RefType {
    const at = this.pos;
    const b = this.#typeByte();
    const t = VALTYPES[b];
    if (t !== 'funcref' && t !== 'externref') this.fail('malformed reference type', at, 'malformed-reftype');
    return t;
  }

  /** blocktype ::= 0x40 | valtype | s33 (a type index, non-negative). */
  blocktype(): BlockType {
    const at = this.pos;
    if (at >= this.end) this.#eof();
    const b = this.bytes[at];
    if (b === 0x40) {
      this.pos++;
      return EMPTY;
    }
    // A one-byte negative s33 is a value type; anything else is a type index.
    if ((b & 0xc0) === 0x40) {
      const type = this.valtype();
      return (VAL_BLOCK[type] ??= { kind: 'val', type });
    }
    const index = this.s33();
    if (index < 0) this.fail('unknown type', at, 'unknown-type');
    return { kind: 'index', index };
  }

  /** The next opcode's table row: one byte, or the 0xfc prefix followed by a u32. */
  op(): OpRow {
    const at = this.pos;
    const b = this.u8();
    const row = BY_CODE[b];
    if (row !== undefined) return row;
    const sub = BY_PREFIX.get(b);
    if (sub !== undefined) {
      const r = sub.get(this.u32());
      if (r !== undefined) return r;
    }
    return this.fail('illegal opcode', at, 'illegal-opcode');
  }

  memarg(): { align: number; offset: number } {
    const align = this.u32();
    const offset = this.u32();
    return { align, offset };
  }

  /** A reserved memory index: exactly one 0x00 byte (a multi-byte LEB128 zero is malformed too). */
  zeroByte(): void {
    const at = this.pos;
    if (this.u8() !== 0) this.fail('zero byte expected', at, 'zero-byte-expected');
  }
}

/** Reads a vector count, failing like the interpreter's `len32` when it exceeds the bytes left. */
function count(r: Reader): number {
  const at = r.pos;
  const n = r.u32();
  if (n > r.end - at) r.fail('length out of bounds', at, 'length-out-of-bounds');
  return n;
}

/** Skips (and checks the encoding of) the immediates of an instruction whose opcode was just read. */
export function skipImmediates(r: Reader, row: OpRow): void {
  switch (row.imm) {
    case 'none':
      return;
    case 'blocktype':
      r.blocktype();
      return;
    case 'label':
    case 'func':
    case 'local':
    case 'global':
    case 'table':
    case 'data':
    case 'elem':
      r.u32();
      return;
    case 'br_table':
      for (let n = count(r); n >= 0; n--) r.u32(); // n labels and the default
      return;
    case 'call_indirect':
    case 'table_init':
    case 'table_copy':
      r.u32();
      r.u32();
      return;
    case 'memarg':
      r.memarg();
      return;
    case 'memidx':
      r.zeroByte();
      return;
    case 'i32':
      r.i32();
      return;
    case 'i64':
      r.i64();
      return;
    case 'f32':
      r.bytesN(4);
      return;
    case 'f64':
      r.bytesN(8);
      return;
    case 'select_t':
      for (let n = count(r); n > 0; n--) r.valtype();
      return;
    case 'reftype':
      r.reftype();
      return;
    case 'memory_init':
      r.u32();
      r.zeroByte();
      return;
    case 'memory_copy':
      r.zeroByte();
      r.zeroByte();
      return;
    default: {
      // Exhaustiveness: a new immediate kind in the table must be handled here.
      const never: never = row.imm;
      return r.fail(`unknown immediate kind ${String(never)}`, r.pos, 'internal');
    }
  }
}
