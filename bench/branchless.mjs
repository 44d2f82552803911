// Comparisons as values, and the 64-bit multiply, in the forms a code generator can emit for V8
// (docs/performance.md, "Generated code"). Each kernel runs over random int32 data, so every comparison is
// unpredictable; all variants of a kernel must agree. Milliseconds per variant, best of 6 rounds.
//
//   node bench/branchless.mjs

const N = 1 << 16;
const A = new Int32Array(N);
let seed = 0x9e3779b9;
for (let i = 0; i < N; i++) {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  A[i] = seed;
}
const imul = Math.imul;
const MIN = -2147483648;

// Counting comparisons: an i32 comparison whose 0/1 result is a value (wasm's i32.lt_s feeding an add).
const count = {
  'c ? 1 : 0': (n) => { let c = 0; for (let r = 0; r < n; r++) for (let i = 0; i < N - 1; i++) c = c + (A[i] < A[i + 1] ? 1 : 0) | 0; return c; },
  '+c': (n) => { let c = 0; for (let r = 0; r < n; r++) for (let i = 0; i < N - 1; i++) c = c + +(A[i] < A[i + 1]) | 0; return c; },
  '(c) | 0': (n) => { let c = 0; for (let r = 0; r < n; r++) for (let i = 0; i < N - 1; i++) c = c + ((A[i] < A[i + 1]) | 0) | 0; return c; },
};

// A 64-bit sum in int32 pairs: the carry out of the low words.
const carry = {
  'carry c ? 1 : 0': (n) => {
    let lo = 0, hi = 0;
    for (let r = 0; r < n; r++) for (let i = 0; i < N; i += 2) {
      const s = lo + A[i] | 0;
      hi = hi + A[i + 1] + ((s ^ MIN) < (lo ^ MIN) ? 1 : 0) | 0;
      lo = s;
    }
    return lo ^ hi;
  },
  'carry +c': (n) => {
    let lo = 0, hi = 0;
    for (let r = 0; r < n; r++) for (let i = 0; i < N; i += 2) {
      const s = lo + A[i] | 0;
      hi = hi + A[i + 1] + +((s ^ MIN) < (lo ^ MIN)) | 0;
      lo = s;
    }
    return lo ^ hi;
  },
  'carry bitwise': (n) => {
    let lo = 0, hi = 0;
    for (let r = 0; r < n; r++) for (let i = 0; i < N; i += 2) {
      const b = A[i], s = lo + b | 0;
      hi = hi + A[i + 1] + ((lo & b | (lo | b) & ~s) >>> 31) | 0;
      lo = s;
    }
    return lo ^ hi;
  },
};

// x = (x ^ x >>> 7) * C mod 2^64: the high word of the low words' product from 16-bit limbs (what wajit
// emits) or from a double product corrected by the exact low word.
const mul = {
  'mul limbs': (n) => {
    let lo = 12345, hi = 678;
    for (let i = 0; i < n * 32768; i++) {
      lo = lo ^ (lo >>> 7 | hi << 25); hi = hi ^ (hi >>> 7);
      const a0 = lo & 0xffff, a1 = lo >>> 16;
      const p00 = imul(a0, 0x642f) >>> 0, p01 = imul(a0, 0x78bd) >>> 0, p10 = imul(a1, 0x642f) >>> 0;
      const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
      const mh = (imul(a1, 0x78bd) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
      const nh = imul(hi, 0x78bd642f) + imul(lo, 0xa0761d64 | 0) + mh | 0;
      lo = imul(lo, 0x78bd642f); hi = nh;
    }
    return lo ^ hi;
  },
  'mul double': (n) => {
    let lo = 12345, hi = 678;
    for (let i = 0; i < n * 32768; i++) {
      lo = lo ^ (lo >>> 7 | hi << 25); hi = hi ^ (hi >>> 7);
      const l = imul(lo, 0x78bd642f);
      const mh = (((lo >>> 0) * 0x78bd642f - (l >>> 0)) * 2.3283064365386963e-10 + 0.5) | 0;
      hi = imul(hi, 0x78bd642f) + imul(lo, 0xa0761d64 | 0) + mh | 0;
      lo = l;
    }
    return lo ^ hi;
  },
};

const ROUNDS = 600;
console.log(`Node ${process.version}, V8 ${process.versions.v8}; ${ROUNDS} passes over ${N} values`);
for (const group of [count, carry, mul]) {
  const names = Object.keys(group);
  const want = group[names[0]](2);
  for (const k of names) if (group[k](2) !== want) throw new Error(`${k} disagrees`);
  const best = Object.fromEntries(names.map((k) => [k, Infinity]));
  for (let round = 0; round < 6; round++) {
    for (const k of names) {
      const t = performance.now();
      group[k](ROUNDS);
      best[k] = Math.min(best[k], performance.now() - t);
    }
  }
  for (const k of names) console.log(`${k.padEnd(18)} ${best[k].toFixed(0).padStart(5)} ms`);
}
