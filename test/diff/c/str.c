// String processing on NUL-terminated bytes in linear memory: length, in-place reverse and upper-casing,
// word count, run-length encoding into a second buffer, decimal formatting and parsing of 64-bit integers,
// a recursive palindrome check and a naive substring search. Byte loads are sign- and zero-extended, and
// the memset/memcpy the compiler emits become memory.fill/memory.copy (-mbulk-memory).

typedef unsigned char u8;
typedef unsigned int u32;
typedef long long i64;

#define EXPORT(name) __attribute__((export_name(name)))

static char in[2048];
static char out[4200];

EXPORT("in") char *in_ptr(void) { return in; }
EXPORT("out") char *out_ptr(void) { return out; }

EXPORT("strlen") u32 my_strlen(const char *s) {
  u32 n = 0;
  while (s[n]) n++;
  return n;
}

EXPORT("reverse") void reverse(char *s) {
  u32 n = my_strlen(s);
  for (u32 i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
    char t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
}

EXPORT("upper") u32 upper(char *s) {
  u32 changed = 0;
  for (; *s; s++)
    if (*s >= 'a' && *s <= 'z') {
      *s -= 32;
      changed++;
    }
  return changed;
}

EXPORT("words") u32 words(const char *s) {
  u32 count = 0;
  int in_word = 0;
  for (; *s; s++) {
    int space = *s == ' ' || *s == '\t' || *s == '\n';
    if (!space && !in_word) count++;
    in_word = !space;
  }
  return count;
}

// Signed char arithmetic: sum of the bytes as signed values (bytes ≥ 0x80 are negative).
EXPORT("signed_sum") int signed_sum(const signed char *s) {
  int sum = 0;
  for (; *s; s++) sum += *s;
  return sum;
}

// "aaab" -> "3a1b"; returns the output length.
EXPORT("rle") u32 rle(const char *s, char *o) {
  u32 k = 0;
  while (*s) {
    char c = *s;
    u32 run = 0;
    while (*s == c) {
      run++;
      s++;
    }
    char digits[12];
    int d = 0;
    do {
      digits[d++] = (char)('0' + run % 10);
      run /= 10;
    } while (run);
    while (d) o[k++] = digits[--d];
    o[k++] = c;
  }
  o[k] = 0;
  return k;
}

EXPORT("format_i64") u32 format_i64(i64 v, char *o) {
  char tmp[24];
  int n = 0;
  unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  u32 k = 0;
  if (v < 0) o[k++] = '-';
  while (n) o[k++] = tmp[--n];
  o[k] = 0;
  return k;
}

// Parses an optional sign and decimal digits, wrapping on overflow like unsigned arithmetic.
EXPORT("parse_i64") i64 parse_i64(const char *s) {
  int neg = 0;
  while (*s == ' ') s++;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  unsigned long long v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (unsigned long long)(*s++ - '0');
  return (i64)(neg ? 0ull - v : v);
}

static int pal(const char *s, int i, int j) {
  if (i >= j) return 1;
  if (s[i] != s[j]) return 0;
  return pal(s, i + 1, j - 1);
}

EXPORT("palindrome") int palindrome(const char *s) { return pal(s, 0, (int)my_strlen(s) - 1); }

EXPORT("find") int find(const char *hay, const char *needle) {
  u32 n = my_strlen(hay), m = my_strlen(needle);
  if (m == 0) return 0;
  for (u32 i = 0; i + m <= n; i++) {
    u32 j = 0;
    while (j < m && hay[i + j] == needle[j]) j++;
    if (j == m) return (int)i;
  }
  return -1;
}

// Clears `out` and copies the input into it repeated `times` times (bounded), returning the length.
EXPORT("repeat") u32 repeat(u32 times) {
  __builtin_memset(out, 0, sizeof out);
  u32 n = my_strlen(in), k = 0;
  while (times-- && k + n < sizeof out) {
    __builtin_memcpy(out + k, in, n);
    k += n;
  }
  return k;
}
