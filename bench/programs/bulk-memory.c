/*
 * bulk-memory: memcpy/memmove/memset over a 1 MiB buffer with data-dependent sizes and offsets, built with
 * -mbulk-memory so that they compile to memory.copy and memory.fill. SIZE rounds of 64 operations each
 * (copies of 1 B .. 64 KiB, overlapping moves in both directions, fills), each followed by a few sampled
 * reads; the checksum folds the samples and a final hash of the whole buffer.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

#define BUF (1u << 20)
#define MAXLEN (1u << 16)

static unsigned char buf[BUF];
static unsigned char scratch[MAXLEN];

static uint32_t hash_all(void) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < BUF; i += 4) {
    uint32_t w;
    memcpy(&w, buf + i, 4);
    h = (h ^ w) * 16777619u;
  }
  return h;
}

static uint32_t bench(int size) {
  rng_t r = rng_seed(0xb01c);
  for (uint32_t i = 0; i < BUF; i++) buf[i] = (unsigned char)(i * 131 + (i >> 9));
  uint32_t h = 0;
  for (int round = 0; round < size; round++) {
    for (int op = 0; op < 64; op++) {
      uint32_t len = 1 + rng_below(&r, (op & 7) == 0 ? MAXLEN : 4096);
      uint32_t src = rng_below(&r, BUF - len), dst = rng_below(&r, BUF - len);
      switch (op & 3) {
        case 0: memcpy(scratch, buf + src, len); memcpy(buf + dst, scratch, len); break;
        case 1: memmove(buf + dst, buf + src, len); break;
        case 2: memset(buf + dst, (int)(src & 0xff), len); break;
        default: { /* overlapping move by a small distance, both directions */
          uint32_t d = 1 + (len & 63);
          if (dst + d + len <= BUF) memmove(buf + dst + d, buf + dst, len);
          memmove(buf + src, buf + src + (len > d ? d : 0), len > d ? len - d : len);
        }
      }
      h = mix32(h, buf[dst] | (uint32_t)buf[dst + len - 1] << 8 | (uint32_t)buf[src + len / 2] << 16);
    }
  }
  return mix32(h, hash_all());
}

BENCH_MAIN(bench)
