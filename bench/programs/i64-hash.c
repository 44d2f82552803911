/*
 * i64-hash: 64-bit integer work. SIZE rounds of (1) a rotate/multiply/xor-shift hash over a 4 KiB block of
 * 64-bit words, (2) unsigned and signed 64-bit division and remainder by data-dependent divisors, and
 * (3) a Miller-Rabin primality test of 32-bit candidates with 64-bit modular multiplication (a*b % m).
 */
#define CHECKSUM_T uint64_t
#include "bench.h"

#define WORDS 512

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t rotr(uint64_t x, int k) { return (x >> k) | (x << (64 - k)); }

static uint64_t hash_block(const uint64_t *w, int n, uint64_t seed) {
  uint64_t a = seed ^ 0x243f6a8885a308d3ull, b = seed + 0x13198a2e03707344ull;
  for (int i = 0; i < n; i++) {
    uint64_t v = w[i] * 0xa0761d6478bd642full;
    a = rotl(a ^ v, 31) * 0xe7037ed1a0b428dbull;
    b = rotr(b + v, 17) ^ (a >> 23);
    a += b;
  }
  a ^= a >> 33;
  a *= 0xff51afd7ed558ccdull;
  a ^= a >> 29;
  return a ^ b;
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { return (a * b) % m; } /* m < 2^32 */

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
  uint64_t r = 1;
  b %= m;
  while (e) {
    if (e & 1) r = mulmod(r, b, m);
    b = mulmod(b, b, m);
    e >>= 1;
  }
  return r;
}

static int is_prime(uint32_t n) {
  if (n < 2) return 0;
  static const uint32_t small[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
  for (int i = 0; i < 12; i++) {
    if (n == small[i]) return 1;
    if (n % small[i] == 0) return 0;
  }
  uint64_t d = n - 1;
  int s = 0;
  while (!(d & 1)) { d >>= 1; s++; }
  static const uint64_t bases[] = { 2, 7, 61 }; /* deterministic for n < 2^32 */
  for (int i = 0; i < 3; i++) {
    uint64_t x = powmod(bases[i], d, n);
    if (x == 1 || x == n - 1) continue;
    int r;
    for (r = 1; r < s; r++) {
      x = mulmod(x, x, n);
      if (x == n - 1) break;
    }
    if (r == s) return 0;
  }
  return 1;
}

static uint64_t divisions(uint64_t x, int rounds) {
  uint64_t acc = 0;
  for (int i = 0; i < rounds; i++) {
    uint64_t d = (x >> (i & 31)) | 3;
    acc += x / d + x % (d ^ 0x5555);
    int64_t sx = (int64_t)(x ^ acc), sd = (int64_t)((d << 7) | 1) - 0x40000000000ll;
    if (sd == 0) sd = 1;
    acc ^= (uint64_t)(sx / sd) + (uint64_t)(sx % sd) + (uint64_t)(sx >> 9);
    x = x * 6364136223846793005ull + 1442695040888963407ull;
  }
  return acc;
}

static uint64_t bench(int size) {
  static uint64_t block[WORDS];
  rng_t r = rng_seed(64);
  for (int i = 0; i < WORDS; i++) block[i] = ((uint64_t)rng_next(&r) << 32) | rng_next(&r);
  uint64_t h = 0, primes = 0;
  uint32_t cand = 0x7fff0001u;
  for (int round = 0; round < size; round++) {
    uint64_t k = hash_block(block, WORDS, (uint64_t)round);
    block[round % WORDS] ^= k;
    h = mix64(h, k);
    h = mix64(h, divisions(k, 64));
    for (int j = 0; j < 16; j++, cand += 2) primes += (uint64_t)is_prime(cand);
    h += (uint64_t)__builtin_popcountll(h) + (uint64_t)__builtin_clzll(h | 1) + (uint64_t)__builtin_ctzll(h | (1ull << 63));
  }
  return mix64(h, primes);
}

BENCH_MAIN(bench)
