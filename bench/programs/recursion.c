/*
 * recursion: call-heavy recursive functions with bounded depth (at most about 1,100 frames deep, so that
 * every engine's stack suffices). SIZE rounds of naive Fibonacci, the Ackermann function A(3, 4..6)
 * (deepest part), Takeuchi's tak, an N-queens solution count, and a non-tail recursive list hash.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static int32_t tak(int32_t x, int32_t y, int32_t z) {
  if (y >= x) return z;
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

static uint32_t queens(int n, int row, uint32_t cols, uint32_t diag1, uint32_t diag2) {
  if (row == n) return 1;
  uint32_t count = 0;
  uint32_t free_cols = ~(cols | diag1 | diag2) & ((1u << n) - 1);
  while (free_cols) {
    uint32_t bit = free_cols & (0u - free_cols);
    free_cols ^= bit;
    count += queens(n, row + 1, cols | bit, (diag1 | bit) << 1, (diag2 | bit) >> 1);
  }
  return count;
}

/* h(i) = rotl(h(i + 1), 3) * 31 ^ v[i]: not associative, so it stays a real recursion of depth len. */
static uint32_t list_hash(const uint32_t *v, int i, int len) {
  if (i == len) return 0x811c9dc5u;
  uint32_t rest = list_hash(v, i + 1, len);
  return ((rest << 3) | (rest >> 29)) * 31u ^ v[i];
}

static uint32_t bench(int size) {
  static uint32_t v[1000];
  for (int i = 0; i < 1000; i++) v[i] = (uint32_t)i * 2654435761u;
  uint32_t h = 0;
  for (int round = 0; round < size; round++) {
    h = mix32(h, fib(17 + (uint32_t)round % 5));
    h = mix32(h, ack(3, 4 + (uint32_t)round % 3));
    h = mix32(h, (uint32_t)tak(12 + round % 3, 8, 4));
    h = mix32(h, queens(6 + round % 2, 0, 0, 0, 0));
    v[round % 1000] ^= h;
    h = mix32(h, list_hash(v, 0, 1000));
  }
  return h;
}

BENCH_MAIN(bench)
