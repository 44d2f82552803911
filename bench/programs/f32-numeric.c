/*
 * f32-numeric: single-precision kernels. SIZE rounds of: a 40x40 float matrix multiply whose result
 * feeds the next round (renormalized), and a 1024-particle update (velocity, damping, wall bounce, sqrt
 * of speed). Conversions between float, int and double appear in the renormalization and checksum.
 * All arithmetic is float (wasm f32); the checksum folds the exact bits of the results.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

#define N 40
#define NP 1024

static inline uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

static float A[N][N], B[N][N], C[N][N];
static float px[NP], py[NP], vx[NP], vy[NP];

static void matmul(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      float s = 0.0f;
      for (int k = 0; k < N; k++) s += A[i][k] * B[k][j];
      C[i][j] = s;
    }
}

static float renormalize(void) {
  float mx = 0.0f;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      float v = C[i][j] < 0 ? -C[i][j] : C[i][j];
      if (v > mx) mx = v;
    }
  float inv = 1.0f / (mx + 1e-6f);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) A[i][j] = C[i][j] * inv - (float)((i * 3 + j) % 7) * 0.01f;
  return mx;
}

static float particles(float dt) {
  float energy = 0.0f;
  for (int i = 0; i < NP; i++) {
    vy[i] -= 9.81f * dt;
    vx[i] *= 0.999f;
    px[i] += vx[i] * dt;
    py[i] += vy[i] * dt;
    if (px[i] < 0.0f) { px[i] = -px[i]; vx[i] = -vx[i] * 0.9f; }
    if (px[i] > 100.0f) { px[i] = 200.0f - px[i]; vx[i] = -vx[i] * 0.9f; }
    if (py[i] < 0.0f) { py[i] = -py[i]; vy[i] = -vy[i] * 0.8f; }
    energy += __builtin_sqrtf(vx[i] * vx[i] + vy[i] * vy[i]);
  }
  return energy;
}

static uint32_t bench(int size) {
  rng_t r = rng_seed(3232);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (float)rng_below(&r, 2000) / 1000.0f - 1.0f;
      B[i][j] = (float)rng_below(&r, 2000) / 1000.0f - 1.0f;
    }
  for (int i = 0; i < NP; i++) {
    px[i] = (float)rng_below(&r, 10000) / 100.0f;
    py[i] = (float)rng_below(&r, 10000) / 100.0f;
    vx[i] = (float)(int)rng_below(&r, 2001) / 100.0f - 10.0f;
    vy[i] = (float)(int)rng_below(&r, 2001) / 100.0f - 10.0f;
  }
  uint32_t h = 0;
  for (int s = 0; s < size; s++) {
    matmul();
    float mx = renormalize();
    float e = particles(0.01f);
    h = mix32(h, fbits(mx));
    h = mix32(h, fbits(e));
    h = mix32(h, (uint32_t)(int32_t)(e * 0.5f));
    h = mix32(h, fbits((float)((double)mx * 1.5)));
  }
  for (int i = 0; i < NP; i++) h = mix32(mix32(h, fbits(px[i])), fbits(py[i]));
  for (int i = 0; i < N; i++) h = mix32(h, fbits(A[i][i]));
  return h;
}

BENCH_MAIN(bench)
