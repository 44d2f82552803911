/*
 * f64-numeric: double-precision simulation. A gravitational N-body system (24 bodies, placed by a seeded
 * PRNG) advanced SIZE time steps with a symplectic Euler integrator (O(N^2) forces with sqrt and
 * division per pair), then a power iteration for the largest eigenvalue of a fixed 48x48 matrix. The
 * checksum folds the exact bits of the final positions, energy and eigenvalue (IEEE results are exact).
 */
#define CHECKSUM_T uint64_t
#include "bench.h"

#define NB 24
#define DIM 48

typedef struct { double x, y, z, vx, vy, vz, m; } body_t;

static inline uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

static double energy(const body_t *b) {
  double e = 0;
  for (int i = 0; i < NB; i++) {
    e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < NB; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].m * b[j].m / __builtin_sqrt(dx * dx + dy * dy + dz * dz + 0.01);
    }
  }
  return e;
}

static void step(body_t *b, double dt) {
  for (int i = 0; i < NB; i++) {
    for (int j = i + 1; j < NB; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      double d2 = dx * dx + dy * dy + dz * dz + 0.01;
      double mag = dt / (d2 * __builtin_sqrt(d2));
      b[i].vx -= dx * b[j].m * mag; b[i].vy -= dy * b[j].m * mag; b[i].vz -= dz * b[j].m * mag;
      b[j].vx += dx * b[i].m * mag; b[j].vy += dy * b[i].m * mag; b[j].vz += dz * b[i].m * mag;
    }
  }
  for (int i = 0; i < NB; i++) { b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz; }
}

static double eigen(int iters) {
  static double a[DIM][DIM], v[DIM], w[DIM];
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) a[i][j] = 1.0 / (double)(i + j + 1) + (i == j ? 2.0 : 0.0);
  for (int i = 0; i < DIM; i++) v[i] = 1.0;
  double lambda = 0;
  for (int k = 0; k < iters; k++) {
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      double s = 0;
      for (int j = 0; j < DIM; j++) s += a[i][j] * v[j];
      w[i] = s;
      norm += s * s;
    }
    norm = __builtin_sqrt(norm);
    lambda = norm;
    for (int i = 0; i < DIM; i++) v[i] = w[i] / norm;
  }
  return lambda;
}

static uint64_t bench(int size) {
  body_t b[NB];
  rng_t r = rng_seed(2024);
  for (int i = 0; i < NB; i++) {
    b[i].x = (double)rng_below(&r, 2001) / 100.0 - 10.0;
    b[i].y = (double)rng_below(&r, 2001) / 100.0 - 10.0;
    b[i].z = (double)rng_below(&r, 2001) / 1000.0 - 1.0;
    b[i].vx = -b[i].y * 0.05; b[i].vy = b[i].x * 0.05; b[i].vz = 0;
    b[i].m = 0.5 + (double)rng_below(&r, 100) / 50.0;
  }
  double e0 = energy(b);
  for (int s = 0; s < size; s++) step(b, 0.001);
  double e1 = energy(b);
  uint64_t h = mix64(bits(e0), bits(e1));
  for (int i = 0; i < NB; i++) h = mix64(mix64(mix64(h, bits(b[i].x)), bits(b[i].y)), bits(b[i].z));
  h = mix64(h, bits(eigen(size / 4 + 1)));
  h = mix64(h, (uint64_t)(int64_t)(e1 * 1e6)); /* exercise f64 -> i64 conversion too */
  return h;
}

BENCH_MAIN(bench)
