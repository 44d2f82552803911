// Hash functions over 64-bit integers: FNV-1a, a splitmix64 stream, a murmur-style finalizer and a
// rotate-multiply block hash, all unsigned 64-bit arithmetic (wrapping multiply, shifts, rotates, xor),
// plus a little 64-bit division. Compiled without libc by build.sh; the test writes input bytes into `buf`.

typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define EXPORT(name) __attribute__((export_name(name)))

static u8 buf[4096];

EXPORT("buf") u8 *buf_ptr(void) { return buf; }
EXPORT("buf_size") u32 buf_size(void) { return sizeof buf; }

EXPORT("fnv1a") u64 fnv1a(const u8 *p, u32 n) {
  u64 h = 0xcbf29ce484222325ull;
  for (u32 i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

EXPORT("fnv1a32") u32 fnv1a32(const u8 *p, u32 n) {
  u32 h = 2166136261u;
  for (u32 i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static u64 rotl64(u64 x, int r) { return (x << r) | (x >> (64 - r)); }

EXPORT("mix64") u64 mix64(u64 k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

// Sum of the first n outputs of splitmix64 from `seed`, xor-folded.
EXPORT("splitmix") u64 splitmix(u64 seed, u32 n) {
  u64 acc = 0;
  for (u32 i = 0; i < n; i++) {
    seed += 0x9e3779b97f4a7c15ull;
    u64 z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    acc = rotl64(acc, 7) ^ (z ^ (z >> 31));
  }
  return acc;
}

// Reads 8 bytes little-endian at any alignment.
static u64 read64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

// A block hash in the style of xxhash64: four lanes, rotates and multiplies, then a tail.
EXPORT("blockhash") u64 blockhash(const u8 *p, u32 n, u64 seed) {
  const u64 P1 = 0x9e3779b185ebca87ull, P2 = 0xc2b2ae3d27d4eb4full, P3 = 0x165667b19e3779f9ull;
  u64 v[4] = {seed + P1 + P2, seed + P2, seed, seed - P1};
  u32 i = 0;
  for (; i + 32 <= n; i += 32)
    for (int l = 0; l < 4; l++) v[l] = rotl64(v[l] + read64(p + i + 8 * l) * P2, 31) * P1;
  u64 h = rotl64(v[0], 1) + rotl64(v[1], 7) + rotl64(v[2], 12) + rotl64(v[3], 18) + n;
  for (; i < n; i++) h = rotl64(h ^ (p[i] * P3), 11) * P1;
  return mix64(h);
}

// Digits of x in base b (2..36) summed with weights: 64-bit division and remainder by a variable.
EXPORT("digit_sum") u64 digit_sum(u64 x, u32 b) {
  if (b < 2) b = 2;
  u64 s = 0, w = 1;
  while (x) {
    s += (x % b) * w;
    x /= b;
    w = w * 31 + 1;
  }
  return s;
}

// Signed 64-bit gcd and a modular exponentiation (mulmod by doubling, no 128-bit products).
EXPORT("gcd") long long gcd(long long a, long long b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) {
    long long t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static u64 mulmod(u64 a, u64 b, u64 m) {
  u64 r = 0;
  a %= m;
  while (b) {
    if (b & 1) r = (r >= m - a) ? r - (m - a) : r + a;
    a = (a >= m - a) ? a - (m - a) : a + a;
    b >>= 1;
  }
  return r;
}

EXPORT("powmod") u64 powmod(u64 base, u64 e, u64 m) {
  if (m == 0) return 0;
  u64 r = 1 % m;
  base %= m;
  while (e) {
    if (e & 1) r = mulmod(r, base, m);
    base = mulmod(base, base, m);
    e >>= 1;
  }
  return r;
}
