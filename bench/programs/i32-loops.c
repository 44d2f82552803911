/*
 * i32-loops: 32-bit integer arithmetic in tight loops. For every i in 1..SIZE: the Collatz path length of i
 * (capped), a Euclid gcd, a decimal digit sum, and signed division/remainder/shift of a scrambled value;
 * all folded into one 32-bit checksum. Exercises add/mul/div/rem (signed and unsigned), shifts, rotates.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

static uint32_t collatz_steps(uint32_t x) {
  uint32_t steps = 0;
  while (x != 1 && steps < 400) {
    x = (x & 1) ? 3 * x + 1 : x >> 1;
    steps++;
  }
  return steps;
}

static uint32_t gcd(uint32_t a, uint32_t b) {
  while (b) {
    uint32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static uint32_t digit_sum(uint32_t x) {
  uint32_t d = 0;
  while (x) {
    d += x % 10;
    x /= 10;
  }
  return d;
}

static uint32_t bench(int size) {
  uint32_t h = 0x12345678u;
  for (uint32_t i = 1; i <= (uint32_t)size; i++) {
    uint32_t steps = collatz_steps(i);
    uint32_t g = gcd(i * 2654435761u, (i * 40503u) | 1);
    uint32_t d = digit_sum(i * 7919u);
    int32_t s = (int32_t)(i * 0x9e3779b9u);
    int32_t q = s / 7 + s % 13 + (s >> 3) - (s / -3);
    h = (h ^ steps) * 16777619u + g + d;
    h = ((h << 5) | (h >> 27)) ^ (uint32_t)q;
    h += (uint32_t)__builtin_popcount(h) + (uint32_t)__builtin_clz(h | 1) + (uint32_t)__builtin_ctz(h | 0x80000000u);
  }
  return h;
}

BENCH_MAIN(bench)
