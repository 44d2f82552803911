// Sorting over arrays in linear memory: recursive quicksort of int32, heap sort of int64 keys, insertion
// sort of doubles (NaN-free), a merge sort with a scratch buffer (memcpy lowered to memory.copy), plus
// binary search and a checksum. The test fills `arr` through the exported memory and compares it afterwards.

typedef unsigned int u32;
typedef long long i64;

#define EXPORT(name) __attribute__((export_name(name)))
#define N 8192

static int arr[N];
static int scratch[N];
static i64 arr64[N / 2];
static double arrd[N / 4];

EXPORT("arr") int *arr_ptr(void) { return arr; }
EXPORT("arr64") i64 *arr64_ptr(void) { return arr64; }
EXPORT("arrd") double *arrd_ptr(void) { return arrd; }

// Fills arr[0..n) from a linear congruential generator.
EXPORT("fill_lcg") void fill_lcg(u32 n, u32 seed) {
  if (n > N) n = N;
  for (u32 i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    arr[i] = (int)(seed ^ (seed >> 13));
  }
}

static void swap(int *a, int *b) {
  int t = *a;
  *a = *b;
  *b = t;
}

static void quicksort(int *a, int lo, int hi) {
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(&a[mid], &a[lo]);
    if (a[hi] < a[lo]) swap(&a[hi], &a[lo]);
    if (a[hi] < a[mid]) swap(&a[hi], &a[mid]);
    int pivot = a[mid];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(&a[i++], &a[j--]);
    }
    // Recurse into the smaller half, loop on the larger.
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
}

EXPORT("quicksort") void quicksort_n(u32 n) {
  if (n > N) n = N;
  if (n > 1) quicksort(arr, 0, (int)n - 1);
}

static void merge_sort(int *a, int *tmp, u32 n) {
  if (n < 2) return;
  u32 h = n / 2;
  merge_sort(a, tmp, h);
  merge_sort(a + h, tmp, n - h);
  u32 i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = (a[j] < a[i]) ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  __builtin_memcpy(a, tmp, n * sizeof(int));
}

EXPORT("mergesort") void mergesort_n(u32 n) {
  if (n > N) n = N;
  merge_sort(arr, scratch, n);
}

static void sift_down(i64 *a, u32 start, u32 end) {
  u32 root = start;
  while (2 * root + 1 < end) {
    u32 child = 2 * root + 1;
    if (child + 1 < end && a[child] < a[child + 1]) child++;
    if (a[root] >= a[child]) return;
    i64 t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

EXPORT("heapsort64") void heapsort64(u32 n) {
  if (n > N / 2) n = N / 2;
  if (n < 2) return;
  for (u32 s = n / 2; s-- > 0;) sift_down(arr64, s, n);
  for (u32 end = n - 1; end > 0; end--) {
    i64 t = arr64[0];
    arr64[0] = arr64[end];
    arr64[end] = t;
    sift_down(arr64, 0, end);
  }
}

EXPORT("insertion_sort_d") void insertion_sort_d(u32 n) {
  if (n > N / 4) n = N / 4;
  for (u32 i = 1; i < n; i++) {
    double x = arrd[i];
    u32 j = i;
    while (j > 0 && arrd[j - 1] > x) {
      arrd[j] = arrd[j - 1];
      j--;
    }
    arrd[j] = x;
  }
}

EXPORT("is_sorted") int is_sorted(u32 n) {
  if (n > N) n = N;
  for (u32 i = 1; i < n; i++)
    if (arr[i - 1] > arr[i]) return 0;
  return 1;
}

EXPORT("bsearch") int bsearch_i(u32 n, int key) {
  if (n > N) n = N;
  u32 lo = 0, hi = n;
  while (lo < hi) {
    u32 mid = (lo + hi) >> 1;
    if (arr[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return (lo < n && arr[lo] == key) ? (int)lo : -1;
}

EXPORT("checksum") unsigned long long checksum(u32 n) {
  if (n > N) n = N;
  unsigned long long h = 0;
  for (u32 i = 0; i < n; i++) h = (h ^ (u32)arr[i]) * 0x100000001b3ull + i;
  return h;
}

// Naive recursion: the number of ways to climb n stairs taking 1, 2 or 3 steps (exponential calls).
EXPORT("stairs") int stairs(int n) {
  if (n < 0) return 0;
  if (n == 0) return 1;
  return stairs(n - 1) + stairs(n - 2) + stairs(n - 3);
}

// Ackermann, for deep and irregular recursion; the test keeps m ≤ 2.
EXPORT("ackermann") u32 ackermann(u32 m, u32 n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}
