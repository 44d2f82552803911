/*
 * sort: SIZE pseudo-random 32-bit keys, sorted three ways by hand-written code: an in-place quicksort
 * (median of three, insertion sort below 16, recursion on the smaller side), a top-down merge sort of
 * 64-bit (key, index) records, and a heap sort. The results must agree; the checksum folds the sorted
 * keys with their positions and the stable order of equal keys.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

static void insertion(uint32_t *a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    uint32_t v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

static void quicksort(uint32_t *a, int lo, int hi) {
  while (hi - lo >= 16) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) { uint32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
    if (a[hi] < a[lo]) { uint32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
    if (a[hi] < a[mid]) { uint32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
    uint32_t pivot = a[mid];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
  insertion(a, lo, hi);
}

/* Records: key in the high 32 bits, original index in the low ones; the merge compares keys only (stable). */
static void merge_sort(uint64_t *a, uint64_t *tmp, int n) {
  if (n < 2) return;
  int h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  int i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = (a[j] >> 32) < (a[i] >> 32) ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, (size_t)n * sizeof *a);
}

static void sift(uint32_t *a, int i, int n) {
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && a[c + 1] > a[c]) c++;
    if (a[i] >= a[c]) return;
    uint32_t t = a[i]; a[i] = a[c]; a[c] = t;
    i = c;
  }
}

static void heap_sort(uint32_t *a, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
  for (int end = n - 1; end > 0; end--) {
    uint32_t t = a[0]; a[0] = a[end]; a[end] = t;
    sift(a, 0, end);
  }
}

static uint32_t bench(int n) {
  uint32_t *a = malloc((size_t)n * sizeof *a), *c = malloc((size_t)n * sizeof *c);
  uint64_t *m = malloc((size_t)n * sizeof *m), *tmp = malloc((size_t)n * sizeof *tmp);
  rng_t r = rng_seed(5071);
  for (int i = 0; i < n; i++) {
    uint32_t k = rng_next(&r) >> (i % 3 == 0 ? 12 : 0); /* some duplicates */
    a[i] = c[i] = k;
    m[i] = (uint64_t)k << 32 | (uint32_t)i;
  }
  quicksort(a, 0, n - 1);
  merge_sort(m, tmp, n);
  heap_sort(c, n);
  uint32_t h = 0, bad = 0;
  for (int i = 0; i < n; i++) {
    bad += (a[i] != c[i]) + (a[i] != (uint32_t)(m[i] >> 32)) + (i > 0 && a[i - 1] > a[i]);
    h = mix32(h, a[i] + (uint32_t)i);
    h = mix32(h, (uint32_t)m[i]);
  }
  free(a); free(c); free(m); free(tmp);
  return bad ? bad : h;
}

BENCH_MAIN(bench)
