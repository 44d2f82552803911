/*
 * trees: allocation-heavy. A long-lived binary tree of depth 14, then SIZE rounds that each build a
 * perfect tree of depth 4..13 (one malloc per node), walk it, and free it; interleaved with a random
 * binary search tree whose nodes carry payloads of varying size (inserts and deletions by key), so the
 * allocator sees many sizes. The checksum folds the walk results and the search tree's shape.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

typedef struct node { struct node *left, *right; uint32_t value; } node_t;

static node_t *build(int depth, uint32_t v) {
  node_t *n = malloc(sizeof *n);
  n->value = v;
  if (depth > 0) { n->left = build(depth - 1, 2 * v); n->right = build(depth - 1, 2 * v + 1); }
  else n->left = n->right = 0;
  return n;
}

static uint32_t walk(const node_t *n) {
  if (!n->left) return n->value;
  return (walk(n->left) * 3 + walk(n->right)) ^ n->value;
}

static void destroy(node_t *n) {
  if (n->left) { destroy(n->left); destroy(n->right); }
  free(n);
}

typedef struct bst { struct bst *left, *right; uint32_t key, len; unsigned char payload[]; } bst_t;

static bst_t *bst_insert(bst_t *t, uint32_t key, uint32_t len) {
  bst_t **link = &t;
  while (*link) {
    if (key == (*link)->key) return t;
    link = key < (*link)->key ? &(*link)->left : &(*link)->right;
  }
  bst_t *n = malloc(sizeof *n + len);
  n->left = n->right = 0;
  n->key = key;
  n->len = len;
  for (uint32_t i = 0; i < len; i++) n->payload[i] = (unsigned char)(key + i);
  *link = n;
  return t;
}

static bst_t *bst_delete(bst_t *t, uint32_t key) {
  bst_t **link = &t;
  while (*link && (*link)->key != key) link = key < (*link)->key ? &(*link)->left : &(*link)->right;
  bst_t *n = *link;
  if (!n) return t;
  if (!n->left) *link = n->right;
  else if (!n->right) *link = n->left;
  else { /* replace by the smallest node of the right subtree */
    bst_t **m = &n->right;
    while ((*m)->left) m = &(*m)->left;
    bst_t *s = *m;
    *m = s->right;
    s->left = n->left;
    s->right = n->right;
    *link = s;
  }
  free(n);
  return t;
}

static uint32_t bst_sum(const bst_t *t, uint32_t depth) {
  if (!t) return depth;
  return mix32(bst_sum(t->left, depth + 1) + t->key, bst_sum(t->right, depth + 1) + t->payload[t->len - 1]);
}

static void bst_free(bst_t *t) {
  if (!t) return;
  bst_free(t->left);
  bst_free(t->right);
  free(t);
}

static uint32_t bench(int size) {
  node_t *keep = build(14, 1);
  bst_t *t = 0;
  rng_t r = rng_seed(7777);
  uint32_t h = 0;
  for (int round = 0; round < size; round++) {
    node_t *tmp = build(4 + round % 10, (uint32_t)round);
    h = mix32(h, walk(tmp));
    destroy(tmp);
    for (int k = 0; k < 64; k++) {
      uint32_t key = rng_below(&r, 4096);
      if (rng_next(&r) & 1) t = bst_insert(t, key, 1 + (key * 7) % 200);
      else t = bst_delete(t, key);
    }
    if (round % 64 == 63) h = mix32(h, bst_sum(t, 0));
  }
  h = mix32(h, walk(keep));
  h = mix32(h, bst_sum(t, 0));
  destroy(keep);
  bst_free(t);
  return h;
}

BENCH_MAIN(bench)
