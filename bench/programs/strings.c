/*
 * strings: text processing over a generated document. A seeded PRNG builds about SIZE KiB of text from
 * syllables, punctuation and numbers; the program then tokenizes it (words, numbers, punctuation),
 * counts word frequencies in an open-addressing hash table with string comparison, parses the numbers,
 * searches for a set of patterns with a naive scan and with Boyer-Moore-Horspool (the counts must agree),
 * upper-cases and reverses each word in a copy, and folds everything into the checksum.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

static const char *const syllables[] = {
  "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zen", "dar", "quo", "ith", "bel", "gra", "om", "ush",
};

static size_t generate(char *out, size_t cap, rng_t *r) {
  size_t n = 0;
  while (n + 64 < cap) {
    uint32_t kind = rng_below(r, 16);
    if (kind < 12) { /* a word of 1..3 syllables: at most 16 + 256 + 4096 distinct */
      uint32_t parts = 1 + rng_below(r, 3);
      for (uint32_t p = 0; p < parts; p++) {
        const char *s = syllables[rng_below(r, 16)];
        while (*s) out[n++] = *s++;
      }
    } else if (kind < 14) { /* a number */
      uint32_t v = rng_next(r) % 100000;
      char digits[12];
      int d = 0;
      do { digits[d++] = (char)('0' + v % 10); v /= 10; } while (v);
      while (d) out[n++] = digits[--d];
    } else {
      out[n++] = ",.;:!?"[rng_below(r, 6)];
    }
    out[n++] = rng_below(r, 10) == 0 ? '\n' : ' ';
  }
  out[n] = 0;
  return n;
}

#define TABLE (1 << 14)
typedef struct { const char *word; uint32_t len, count; } entry_t;

static uint32_t fnv(const char *s, uint32_t len) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static uint32_t count_word(entry_t *table, const char *w, uint32_t len) {
  uint32_t i = fnv(w, len) & (TABLE - 1);
  for (;;) {
    entry_t *e = &table[i];
    if (!e->word) { e->word = w; e->len = len; e->count = 1; return 1; }
    if (e->len == len && memcmp(e->word, w, len) == 0) { e->count++; return 0; }
    i = (i + 1) & (TABLE - 1);
  }
}

static uint32_t naive_count(const char *text, size_t n, const char *pat, size_t m) {
  uint32_t c = 0;
  for (size_t i = 0; i + m <= n; i++) {
    size_t j = 0;
    while (j < m && text[i + j] == pat[j]) j++;
    c += j == m;
  }
  return c;
}

static uint32_t horspool_count(const char *text, size_t n, const char *pat, size_t m) {
  size_t shift[256];
  for (int i = 0; i < 256; i++) shift[i] = m;
  for (size_t i = 0; i + 1 < m; i++) shift[(unsigned char)pat[i]] = m - 1 - i;
  uint32_t c = 0;
  size_t i = 0;
  while (i + m <= n) {
    size_t j = m;
    while (j > 0 && text[i + j - 1] == pat[j - 1]) j--;
    if (j == 0) c++;
    i += shift[(unsigned char)text[i + m - 1]];
  }
  return c;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static uint32_t bench(int size) {
  size_t cap = (size_t)size * 1024 + 128;
  char *text = malloc(cap), *copy = malloc(cap);
  entry_t *table = calloc(TABLE, sizeof *table);
  rng_t r = rng_seed(0x5778);
  size_t n = generate(text, cap, &r);

  uint32_t h = 0, words = 0, distinct = 0, numbers = 0, puncts = 0, lines = 0;
  uint64_t number_sum = 0;
  size_t i = 0;
  while (i < n) {
    char c = text[i];
    if (is_alpha(c)) {
      size_t start = i;
      while (i < n && is_alpha(text[i])) i++;
      words++;
      distinct += count_word(table, text + start, (uint32_t)(i - start));
      for (size_t k = start; k < i; k++) { /* reversed, upper-cased */
        char ch = text[start + (i - 1 - k)];
        copy[k] = (char)(ch - 'a' + 'A');
      }
    } else if (is_digit(c)) {
      uint32_t v = 0;
      while (i < n && is_digit(text[i])) { v = v * 10 + (uint32_t)(text[i] - '0'); copy[i] = text[i]; i++; }
      numbers++;
      number_sum += v;
    } else {
      if (c == '\n') lines++;
      else if (c != ' ') puncts++;
      copy[i] = c;
      i++;
    }
  }
  copy[n] = 0;

  static const char *const patterns[] = { "ka", "zendar", "quoith", "12", "usholo", "om. ", "mi mi", "grabel", "kalo" };
  for (int p = 0; p < 9; p++) {
    size_t m = strlen(patterns[p]);
    uint32_t a = naive_count(text, n, patterns[p], m), b = horspool_count(text, n, patterns[p], m);
    h = mix32(h, a == b ? a : 0xbad0000u + (uint32_t)p);
  }
  uint32_t most = 0;
  for (uint32_t t = 0; t < TABLE; t++)
    if (table[t].word) {
      h = mix32(h, fnv(table[t].word, table[t].len) + table[t].count);
      if (table[t].count > most) most = table[t].count;
    }
  h = mix32(h, fnv(copy, (uint32_t)n));
  h = mix32(h, words); h = mix32(h, distinct); h = mix32(h, numbers); h = mix32(h, puncts);
  h = mix32(h, lines); h = mix32(h, (uint32_t)number_sum); h = mix32(h, most);
  free(text); free(copy); free(table);
  return h;
}

BENCH_MAIN(bench)
