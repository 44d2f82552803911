// A small binary-module writer for tests that need modules too large or too odd for the text format: a
// growable byte buffer with LEB128 helpers, and section/vector framing. Only what the limits tests use.

export class Bytes {
  private buf = new Uint8Array(1024);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(...bs: number[]): this {
    this.reserve(bs.length);
    for (const b of bs) this.buf[this.length++] = b & 0xff;
    return this;
  }

  /** Appends `n` copies of the byte sequence `bs`. */
  repeat(n: number, ...bs: number[]): this {
    this.reserve(n * bs.length);
    for (let i = 0; i < n; i++) for (const b of bs) this.buf[this.length++] = b;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  u32(n: number): this {
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      this.byte(b);
    } while (n > 0);
    return this;
  }

  s32(n: number): this {
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  /** Appends another buffer's bytes prefixed by their length (a section body, a function body). */
  sized(inner: Bytes): this {
    return this.u32(inner.length).bytes(inner.view());
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;

/** A module from its sections, each given as [id, body]; ids must be in order. */
export function module(sections: readonly (readonly [number, Bytes])[]): Uint8Array {
  const out = new Bytes().byte(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  for (const [id, body] of sections) out.byte(id).sized(body);
  return out.view().slice();
}

/** A type section of function types given as [params, results]. */
export function typeSection(types: readonly (readonly [readonly number[], readonly number[]])[]): Bytes {
  const b = new Bytes().u32(types.length);
  for (const [params, results] of types) b.byte(0x60).u32(params.length).byte(...params).u32(results.length).byte(...results);
  return b;
}

/** A function section: the type index of each function. */
export function funcSection(typeIndices: readonly number[]): Bytes {
  const b = new Bytes().u32(typeIndices.length);
  for (const t of typeIndices) b.u32(t);
  return b;
}

/** An export section of functions, [name, function index]. */
export function exportFuncs(exports: readonly (readonly [string, number])[]): Bytes {
  const b = new Bytes().u32(exports.length);
  for (const [name, index] of exports) b.name(name).byte(0x00).u32(index);
  return b;
}

/** A function body: local declarations as [count, type] runs, then the code (which must end with 0x0b). */
export function body(locals: readonly (readonly [number, number])[], code: Bytes): Bytes {
  const b = new Bytes().u32(locals.length);
  for (const [n, t] of locals) b.u32(n).byte(t);
  return b.bytes(code.view());
}

/** A code section from function bodies. */
export function codeSection(bodies: readonly Bytes[]): Bytes {
  const b = new Bytes().u32(bodies.length);
  for (const f of bodies) b.sized(f);
  return b;
}

/** A module of one exported function `f` of type `params -> [i32]` with the given locals and code. */
export function oneFunc(params: number[], locals: (readonly [number, number])[], code: Bytes): Uint8Array {
  return module([
    [1, typeSection([[params, [I32]]])],
    [3, funcSection([0])],
    [7, exportFuncs([['f', 0]])],
    [10, codeSection([body(locals, code)])],
  ]);
}
