/*
 * The libc subset the WASI-free run() modules need (malloc/free, mem*, str*), since they link with
 * -nostdlib. Compiled with -ffreestanding so that clang does not turn these loops back into calls to
 * themselves. The allocator: size classes of 16-byte steps up to 1 KiB with one free list each, larger
 * blocks first-fit from one list; memory comes from a bump pointer that grows linear memory.
 */
#include <stddef.h>
#include <stdint.h>

extern unsigned char __heap_base;

#define ALIGN 16
#define SMALL_MAX 1024
#define NCLASSES (SMALL_MAX / ALIGN + 1)

typedef struct block { size_t size; struct block *next; } block_t; /* header sits 16 bytes before the payload */

static unsigned char *bump, *limit;
static block_t *free_small[NCLASSES];
static block_t *free_large;

static void *take(size_t bytes) {
  if (!bump) bump = limit = (unsigned char *)(((uintptr_t)&__heap_base + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
  if ((size_t)(limit - bump) < bytes) {
    size_t need = bytes - (size_t)(limit - bump);
    size_t pages = (need + 65535) / 65536;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();
    limit += pages * 65536;
  }
  void *p = bump;
  bump += bytes;
  return p;
}

void *malloc(size_t n) {
  size_t size = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (size == 0) size = ALIGN;
  block_t *b;
  if (size <= SMALL_MAX) {
    size_t c = size / ALIGN;
    b = free_small[c];
    if (b) free_small[c] = b->next;
    else { b = take(size + ALIGN); b->size = size; }
  } else {
    block_t **link = &free_large;
    while (*link && (*link)->size < size) link = &(*link)->next;
    if (*link) { b = *link; *link = b->next; }
    else { b = take(size + ALIGN); b->size = size; }
  }
  return (unsigned char *)b + ALIGN;
}

void free(void *p) {
  if (!p) return;
  block_t *b = (block_t *)((unsigned char *)p - ALIGN);
  if (b->size <= SMALL_MAX) { b->next = free_small[b->size / ALIGN]; free_small[b->size / ALIGN] = b; }
  else { b->next = free_large; free_large = b; }
}

void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n) {
  unsigned char *o = d;
  const unsigned char *i = s;
  while (n--) *o++ = *i++;
  return d;
}

void *memmove(void *d, const void *s, size_t n) {
  unsigned char *o = d;
  const unsigned char *i = s;
  if (o < i) while (n--) *o++ = *i++;
  else { o += n; i += n; while (n--) *--o = *--i; }
  return d;
}

void *calloc(size_t count, size_t n) {
  size_t total = count * n;
  return memset(malloc(total), 0, total);
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  size_t old = ((block_t *)((unsigned char *)p - ALIGN))->size;
  if (n <= old) return p;
  void *q = malloc(n);
  memcpy(q, p, old);
  free(p);
  return q;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
  return 0;
}

size_t strlen(const char *s) {
  const char *e = s;
  while (*e) e++;
  return (size_t)(e - s);
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}
