// Base64 decoding for data embedded in compiled output (`wajit compile` writes data segments as base64
// strings). Written out rather than taken from atob or Buffer: atob builds an intermediate string and
// Buffer is Node's alone, and large modules carry megabytes of data.

const VALUES = new Uint8Array(128).fill(255);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** The bytes encoded by `s` (standard alphabet, `=` padding optional). Throws TypeError on other input. */
export function base64Decode(s: string): Uint8Array {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--; // '='
  if (end % 4 === 1 || s.length - end > 2) throw new TypeError('invalid base64 data');
  const out = new Uint8Array((end * 3) >> 2);
  let o = 0;
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
  return out;
}
