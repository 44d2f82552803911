/*
 * fnptr: indirect calls (call_indirect in wasm). A table of 16 binary operators picked by the data, a
 * small "object" hierarchy dispatched through per-shape function tables (area, perimeter, scale), and a
 * callback-driven fold, for SIZE rounds over 256 items. Targets depend on run-time data, so the calls stay
 * indirect.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

typedef uint32_t (*binop_t)(uint32_t, uint32_t);

#define OP(name, expr) static uint32_t name(uint32_t a, uint32_t b) { return expr; }
OP(op_add, a + b)
OP(op_sub, a - b)
OP(op_mul, a * b + 1)
OP(op_xor, a ^ b)
OP(op_or, (a | b) + 3)
OP(op_and, (a & b) ^ 0x55aa55aau)
OP(op_shl, a << (b & 15))
OP(op_shr, a >> (b & 15))
OP(op_rotl, (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)))
OP(op_div, a / ((b & 0xff) | 1))
OP(op_rem, a % ((b & 0xfff) | 1))
OP(op_min, a < b ? a : b)
OP(op_max, a > b ? a : b)
OP(op_avg, (a >> 1) + (b >> 1))
OP(op_mix, (a ^ (b >> 3)) * 2654435761u)
OP(op_neg, 0u - a + b)

static binop_t const ops[16] = {
  op_add, op_sub, op_mul, op_xor, op_or, op_and, op_shl, op_shr,
  op_rotl, op_div, op_rem, op_min, op_max, op_avg, op_mix, op_neg,
};

typedef struct shape shape_t;
typedef struct {
  int32_t (*area)(const shape_t *);
  int32_t (*perimeter)(const shape_t *);
  void (*scale)(shape_t *, int32_t);
} shape_ops_t;
struct shape { const shape_ops_t *ops; int32_t a, b, c; };

static int32_t rect_area(const shape_t *s) { return s->a * s->b; }
static int32_t rect_perimeter(const shape_t *s) { return 2 * (s->a + s->b); }
static void rect_scale(shape_t *s, int32_t k) { s->a = (s->a * k) % 1000 + 1; s->b = (s->b * k) % 1000 + 1; }
static int32_t tri_area(const shape_t *s) { return s->a * s->b / 2; }
static int32_t tri_perimeter(const shape_t *s) { return s->a + s->b + s->c; }
static void tri_scale(shape_t *s, int32_t k) { s->a = (s->a + k) % 997 + 1; s->b = (s->b * k) % 991 + 1; s->c = s->a + s->b - 1; }
static int32_t circ_area(const shape_t *s) { return 3 * s->a * s->a + s->a * s->a / 7; }
static int32_t circ_perimeter(const shape_t *s) { return 6 * s->a + s->a / 4; }
static void circ_scale(shape_t *s, int32_t k) { s->a = (s->a * k + 7) % 499 + 1; }

static const shape_ops_t shape_ops[3] = {
  { rect_area, rect_perimeter, rect_scale },
  { tri_area, tri_perimeter, tri_scale },
  { circ_area, circ_perimeter, circ_scale },
};

static uint32_t fold(const uint32_t *xs, int n, binop_t f, uint32_t init) {
  for (int i = 0; i < n; i++) init = f(init, xs[i]);
  return init;
}

#define ITEMS 256

static uint32_t bench(int size) {
  static uint32_t xs[ITEMS];
  static shape_t shapes[ITEMS];
  rng_t r = rng_seed(0xf00d);
  for (int i = 0; i < ITEMS; i++) {
    xs[i] = rng_next(&r);
    shapes[i].ops = &shape_ops[rng_below(&r, 3)];
    shapes[i].a = 1 + (int32_t)rng_below(&r, 100);
    shapes[i].b = 1 + (int32_t)rng_below(&r, 100);
    shapes[i].c = shapes[i].a + shapes[i].b - 1;
  }
  uint32_t h = 1;
  for (int round = 0; round < size; round++) {
    for (int i = 0; i < ITEMS; i++) {
      binop_t f = ops[(xs[i] ^ h) & 15];
      h = f(h, xs[i]);
      shape_t *s = &shapes[(i * 37 + round) & (ITEMS - 1)];
      h += (uint32_t)s->ops->area(s) ^ (uint32_t)s->ops->perimeter(s);
      s->ops->scale(s, (int32_t)(h & 7) + 1);
    }
    h = mix32(h, fold(xs, ITEMS, ops[round & 15], (uint32_t)round));
    xs[round & (ITEMS - 1)] ^= h;
  }
  return h;
}

BENCH_MAIN(bench)
