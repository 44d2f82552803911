/*
 * Shared by every program in bench/programs: the entry point, the PRNG and the checksum helpers.
 *
 * Each program defines   static CHECKSUM_T bench(int size);   and ends with   BENCH_MAIN(bench)
 *
 *   WASI build (default):  `prog.wasm SIZE` prints one line `checksum: <decimal>` (the unsigned value).
 *   -DNO_WASI -DRUN_SIZE=N: no imports at all; exports a nullary `run()` returning bench(N) as i32 or i64
 *                          (the same bits; read as unsigned to compare with the WASI line). Links rt.c for
 *                          malloc/free/memcpy/memset, since there is no libc.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef NO_WASI
void *malloc(size_t n);
void *calloc(size_t count, size_t n);
void *realloc(void *p, size_t n);
void free(void *p);
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
#define BENCH_MAIN(fn) \
  __attribute__((export_name("run"))) CHECKSUM_T run(void) { return fn(RUN_SIZE); }
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define BENCH_MAIN(fn)                                                          \
  int main(int argc, char **argv) {                                             \
    if (argc < 2 || atoi(argv[1]) <= 0) {                                       \
      fprintf(stderr, "usage: %s SIZE   (SIZE > 0)\n", argc > 0 ? argv[0] : "program"); \
      return 2;                                                                 \
    }                                                                           \
    printf("checksum: %llu\n", (unsigned long long)fn(atoi(argv[1])));         \
    return 0;                                                                   \
  }
#endif

/* A seeded PRNG: xorshift32 (never seeded with 0). Programs keep their own state so kernels stay pure. */
typedef struct { uint32_t s; } rng_t;
static inline rng_t rng_seed(uint32_t seed) { rng_t r = { seed ? seed : 0x6d2b79f5u }; return r; }
static inline uint32_t rng_next(rng_t *r) {
  uint32_t x = r->s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return r->s = x;
}
/* A value in [0, n), n > 0 (slightly biased; the bias is part of the program and deterministic). */
static inline uint32_t rng_below(rng_t *r, uint32_t n) { return rng_next(r) % n; }

/* Order-dependent 32- and 64-bit checksum steps. */
static inline uint32_t mix32(uint32_t h, uint32_t v) {
  h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
  return h;
}
static inline uint64_t mix64(uint64_t h, uint64_t v) {
  h ^= v;
  h *= 0x100000001b3ull;
  return h ^ (h >> 29);
}

#endif
