// The C programs of test/diff/c/ (compiled without libc by build.sh into the committed .wasm files) and how
// to exercise each differentially: shared by the JIT tests (c.test.ts) and the ahead-of-time compilation
// tests (test/aot/). Each case writes inputs into both instances' memories and calls the exports on both.

import { f64FromBits, Rng, type Pair } from './harness.js';

function randomBytes(r: Rng, n: number, nonZero = false): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = nonZero ? 1 + r.below(255) : r.below(256);
  return b;
}

function cString(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(s.length + 1);
  out.set(s);
  return out;
}

const ascii = (s: string): Uint8Array => cString(new TextEncoder().encode(s));

export interface CCase {
  /** The program: test/diff/c/<program>.wasm. */
  readonly program: string;
  readonly title: string;
  readonly run: (p: Pair) => void;
}

export const C_CASES: readonly CCase[] = [
  {
    program: 'hash',
    title: 'hash.c: FNV-1a, splitmix64, block hash, 64-bit division',
    run: (p) => {
      const r = new Rng(101);
      const buf = p.value('buf');
      const size = p.value('buf_size');
      for (const n of [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 255, 1000, size]) {
        p.write('memory', buf, randomBytes(r, size));
        p.call('fnv1a', [buf, n]);
        p.call('fnv1a32', [buf, n]);
        p.call('blockhash', [buf, n, r.u64()]);
      }
      for (let i = 0; i < 60; i++) {
        const n = r.below(size);
        const at = buf + r.below(size - n + 1);
        p.write('memory', at, randomBytes(r, n));
        p.call('fnv1a', [at, n]);
        p.call('blockhash', [at, n, BigInt(i)]);
      }
      // Reading past the end of memory traps on both.
      p.call('fnv1a', [131072 - 10, 20]);
      p.call('blockhash', [131072 - 40, 64, 0n]);
      p.drive({ seed: 102, only: ['mix64', 'digit_sum', 'gcd', 'powmod'], random: 300 });
      p.drive({
        seed: 103,
        only: ['splitmix'],
        args: { splitmix: Array.from({ length: 80 }, () => [BigInt.asIntN(64, r.u64()), r.below(1000)]) },
      });
    },
  },
  {
    program: 'sort',
    title: 'sort.c: quicksort, merge sort, heap sort of i64, insertion sort of doubles, recursion',
    run: (p) => {
      const r = new Rng(202);
      for (const n of [0, 1, 2, 3, 10, 100, 1000, 8192, 9000]) {
        const seed = r.u32() | 0;
        p.call('fill_lcg', [n, seed]);
        p.call('checksum', [n]);
        p.call('quicksort', [n]);
        p.call('is_sorted', [n]);
        p.call('checksum', [n]);
        for (let i = 0; i < 5; i++) p.call('bsearch', [n, r.u32() | 0]);
        p.call('fill_lcg', [n, seed ^ 1]);
        p.call('mergesort', [n]);
        p.call('is_sorted', [n]);
        p.call('checksum', [n]);
      }
      const arr64 = p.value('arr64');
      for (const n of [0, 1, 2, 17, 1000, 4096]) {
        const b = new BigInt64Array(n);
        for (let i = 0; i < n; i++) b[i] = r.below(4) === 0 ? BigInt(r.below(8) - 4) : BigInt.asIntN(64, r.u64());
        p.write('memory', arr64, new Uint8Array(b.buffer));
        p.call('heapsort64', [n]);
      }
      const arrd = p.value('arrd');
      for (const n of [0, 1, 2, 50, 500, 2048]) {
        const d = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          d[i] = r.below(3) === 0 ? f64FromBits(r.u64()) : (r.u32() - 2 ** 31) / 1000;
          if (Number.isNaN(d[i])) d[i] = -0;
        }
        p.write('memory', arrd, new Uint8Array(d.buffer));
        p.call('insertion_sort_d', [n]);
      }
      for (let n = -1; n <= 20; n++) p.call('stairs', [n]);
      for (let m = 0; m <= 3; m++) for (const n of [0, 1, 2, 5, m < 3 ? 40 : 6]) p.call('ackermann', [m, n]);
    },
  },
  {
    program: 'fmath',
    title: 'fmath.c: polynomial sin/cos, exp, Newton sqrt, f32 math, integration, conversions',
    run: (p) => {
      p.drive({ seed: 303, skip: ['simpson', 'mandel', 'welford'], random: 300 });
      const r = new Rng(304);
      for (let i = 0; i < 60; i++) {
        p.call('simpson', [(r.u32() - 2 ** 31) / 2 ** 28, (r.u32() - 2 ** 31) / 2 ** 28, r.below(3000) - 5]);
        p.call('mandel', [(r.u32() / 2 ** 32) * 3 - 2, (r.u32() / 2 ** 32) * 2.4 - 1.2, r.below(1000)]);
        p.call('welford', [r.u32() | 0, r.below(5000) - 2]);
      }
      for (const n of [Number.NaN, Infinity, -0]) p.call('simpson', [n, 1, 10]);
    },
  },
  {
    program: 'str',
    title: 'str.c: strlen, reverse, upper, words, RLE, integer formatting and parsing, search',
    run: (p) => {
      const r = new Rng(405);
      const inp = p.value('in');
      const out = p.value('out');
      const texts = [
        '', 'a', 'ab', 'abba', 'racecar', 'Hello, World!', '  two  words ', 'aaabccddddde', 'zzzzzzzzzzzzzzzzzzzz',
        '-9223372036854775808', '9223372036854775807', '18446744073709551616', '+42', '  -17x', '0000012',
      ];
      const inputs = texts.map(ascii);
      for (let i = 0; i < 80; i++) {
        const n = r.below(r.below(2) ? 40 : 2000);
        const alphabet = r.below(3);
        const s = new Uint8Array(n);
        // Runs of a few letters (for RLE and palindromes), any non-zero byte, or words, digits and signs.
        const char = (): number =>
          alphabet === 0 ? 97 + r.below(3) : alphabet === 1 ? 1 + r.below(255) : r.pick([32, 48 + r.below(10), 45, 97 + r.below(26)]);
        for (let j = 0; j < n; j++) s[j] = char();
        inputs.push(cString(s));
      }
      for (const s of inputs) {
        p.write('memory', inp, s);
        for (const f of ['strlen', 'words', 'signed_sum', 'palindrome', 'parse_i64']) p.call(f, [inp]);
        p.call('rle', [inp, out]);
        p.call('reverse', [inp]);
        p.call('upper', [inp]);
        p.call('strlen', [out]);
        p.call('repeat', [r.below(8)]);
        p.call('find', [out, inp + r.below(Math.max(1, s.length))]);
      }
      for (let i = 0; i < 100; i++) {
        p.call('format_i64', [BigInt.asIntN(64, r.u64() >> BigInt(r.below(64))), out]);
        p.call('parse_i64', [out]);
      }
      p.call('format_i64', [-(2n ** 63n), out]);
      p.call('parse_i64', [out]);
      // Pointers at and past the end of memory.
      p.call('strlen', [131071]);
      p.call('strlen', [131072]);
      p.call('reverse', [-1]);
    },
  },
];
