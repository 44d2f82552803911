// Base64 decoding for data embedded in compiled output (`wajit compile` writes data segments as base64
// strings). Written out rather than taken from atob or Buffer: atob builds an intermediate string and
// Buffer is Node's alone, and large modules carry megabytes of data.
//
// A large segment may come as an array of chunks: V8 parses one string literal of 100 MiB of base64 about
// twenty times slower than the same text as many literals of 64 KiB (docs/performance.md, "Hostile input").

const VALUES = new Uint8Array(128).fill(255);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * The bytes encoded by `data` (standard alphabet, `=` padding optional): one string, or chunks to be read as
 * their concatenation, each but the last a multiple of 4 characters without padding. Throws TypeError on other
 * input.
 */
export function base64Decode(data: string | readonly string[]): Uint8Array {
  const chunks = typeof data === 'string' ? [data] : data;
  const ends: number[] = [];
  let size = 0;
  chunks.forEach((s, k) => {
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 61) end--; // '='
    const last = k === chunks.length - 1;
    if (end % 4 === 1 || s.length - end > 2 || (!last && s.length % 4 !== 0) || (!last && end !== s.length)) {
      throw new TypeError('invalid base64 data');
    }
    ends.push(end);
    size += (end * 3) >> 2;
  });
  const out = new Uint8Array(size);
  let o = 0;
  chunks.forEach((s, k) => {
    o = decodeInto(s, ends[k]!, out, o);
  });
  return out;
}

/** Decodes the first `end` characters of `s` (no padding among them) into `out` at `o`; returns the new end. */
function decodeInto(s: string, end: number, out: Uint8Array, o: number): number {
  let acc = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUES[c]! : 255;
    if (v === 255) throw new TypeError(`invalid base64 data at ${i}`);
    acc = (acc << 6) | v;
    if ((i & 3) === 3) {
      out[o++] = acc >> 16;
      out[o++] = (acc >> 8) & 255;
      out[o++] = acc & 255;
      acc = 0;
    }
  }
  // 2 or 3 characters left: 1 or 2 bytes.
  const rest = end & 3;
  if (rest === 2) out[o++] = acc >> 4;
  else if (rest === 3) {
    out[o++] = acc >> 10;
    out[o++] = (acc >> 2) & 255;
  }
  return o;
}
