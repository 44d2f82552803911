// runtime/base64.ts: decoding against Node's Buffer, whole and in chunks, and the inputs it refuses.

import { describe, expect, it } from 'vitest';
import { base64Decode } from '../../../runtime/base64.js';
import { rng } from './native.js';

function randomBytes(n: number, r: () => number): Uint8Array {
  return Uint8Array.from({ length: n }, () => r() & 255);
}

describe('base64Decode', () => {
  const r = rng(64);

  it('decodes what Buffer encodes, with and without padding', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n, r);
      const text = Buffer.from(bytes).toString('base64');
      expect(base64Decode(text)).toEqual(bytes);
      expect(base64Decode(text.replace(/=+$/, ''))).toEqual(bytes);
    }
  });

  it('reads an array of chunks as their concatenation', () => {
    const bytes = randomBytes(3000, r);
    const text = Buffer.from(bytes.subarray(0, 2999)).toString('base64');
    for (const size of [4, 8, 400, 4000]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(base64Decode(chunks)).toEqual(bytes.subarray(0, 2999));
    }
    expect(base64Decode([])).toEqual(new Uint8Array(0));
    expect(base64Decode(['', 'AAEC', '', '/w=='])).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it('refuses bad characters, bad lengths and padding before the last chunk', () => {
    for (const bad of ['A', 'AAAAA', 'AA=A', 'AA==A', 'AAA*', 'AAAé', ['AAE', 'CAAA'], ['AA==', 'AAAA'], ['AAAAAA', 'AAAA']]) {
      expect(() => base64Decode(bad)).toThrow(TypeError);
    }
  });
});
