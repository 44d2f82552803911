/*
 * minivm: the larger program (tens of KiB of code). A complete small language implementation:
 *
 *   source text -> lexer -> recursive-descent parser (AST, names resolved to slots) -> constant folding
 *     -> (a) a tree-walking evaluator, and (b) a bytecode compiler -> peephole optimizer -> stack VM;
 *   plus a pretty-printer whose output is parsed again (it must print identically: a round trip), and an
 *   LZ77 compressor/decompressor applied to the printed sources and to the VM's memory afterwards.
 *
 * The language ("mini"): int32 values with wrapping arithmetic, functions with parameters and recursion,
 * `var`, `if`/`else`, `while`, `break`, `continue`, `return`, one global array `mem[0..65535]`, the usual
 * C operators with C precedence, and `&&`/`||` short-circuit. Division by zero yields 0.
 *
 * SIZE scales the argument of each embedded program's main(); the VM runs it at full size, the
 * tree-walker at a fraction, the VM again at that fraction, and both engines must agree.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

/* ---------------------------------------------------------------------------------------------------- */
/* Embedded mini programs                                                                                 */

static const char *const sources[] = {
  /* 0: sieve of Eratosthenes in mem, counting and summing primes */
  "fn main(n) {\n"
  "  var limit = n * 8 + 100;\n"
  "  if (limit > 60000) { limit = 60000; }\n"
  "  var rounds = n / 7000 + 1;\n"
  "  var total = 0;\n"
  "  while (rounds > 0) {\n"
  "    var i = 2;\n"
  "    while (i < limit) { mem[i] = 1; i = i + 1; }\n"
  "    i = 2;\n"
  "    var count = 0;\n"
  "    while (i < limit) {\n"
  "      if (mem[i]) {\n"
  "        count = count + 1; total = total + i;\n"
  "        var j = i * i;\n"
  "        while (j < limit && j > 0) { mem[j] = 0; j = j + i; }\n"
  "      }\n"
  "      i = i + 1;\n"
  "    }\n"
  "    total = total ^ count;\n"
  "    rounds = rounds - 1;\n"
  "  }\n"
  "  return total;\n"
  "}\n",
  /* 1: recursion: fib and a mutual recursion pair */
  "fn fib(k) { if (k < 2) { return k; } return fib(k - 1) + fib(k - 2); }\n"
  "fn even(k) { if (k == 0) { return 1; } return odd(k - 1); }\n"
  "fn odd(k) { if (k == 0) { return 0; } return even(k - 1); }\n"
  "fn main(n) {\n"
  "  var s = 0; var i = 0;\n"
  "  while (i < n / 200 + 1) { s = s * 31 + fib(12 + i % 6) + even(i % 300); i = i + 1; }\n"
  "  return s;\n"
  "}\n",
  /* 2: quicksort of pseudo-random numbers in mem, then a verification pass */
  "fn swap(a, b) { var t = mem[a]; mem[a] = mem[b]; mem[b] = t; return 0; }\n"
  "fn qsort(lo, hi) {\n"
  "  while (lo < hi) {\n"
  "    var p = mem[(lo + hi) / 2]; var i = lo; var j = hi;\n"
  "    while (i <= j) {\n"
  "      while (mem[i] < p) { i = i + 1; }\n"
  "      while (mem[j] > p) { j = j - 1; }\n"
  "      if (i <= j) { swap(i, j); i = i + 1; j = j - 1; }\n"
  "    }\n"
  "    if (j - lo < hi - i) { qsort(lo, j); lo = i; } else { qsort(i, hi); hi = j; }\n"
  "  }\n"
  "  return 0;\n"
  "}\n"
  "fn main(n) {\n"
  "  var len = n * 2 + 16; if (len > 65000) { len = 65000; }\n"
  "  var rounds = n / 30000 + 1; var h = 0;\n"
  "  while (rounds > 0) {\n"
  "    var x = 12345 + rounds; var i = 0;\n"
  "    while (i < len) { x = x * 1103515245 + 12345; mem[i] = (x >> 8) & 1048575; i = i + 1; }\n"
  "    qsort(0, len - 1);\n"
  "    i = 1;\n"
  "    while (i < len) { if (mem[i - 1] > mem[i]) { return -1; } h = h * 33 + mem[i]; i = i + 1; }\n"
  "    rounds = rounds - 1;\n"
  "  }\n"
  "  return h;\n"
  "}\n",
  /* 3: integer matrix multiply in mem with flattened indices */
  "fn idx(m, r, c, d) { return m + r * d + c; }\n"
  "fn main(n) {\n"
  "  var d = 24; var a = 0; var b = 1000; var c = 2000; var r = 0; var h = 0;\n"
  "  var i = 0;\n"
  "  while (i < d * d) { mem[a + i] = i % 13 - 6; mem[b + i] = (i * 7) % 11 - 5; i = i + 1; }\n"
  "  var rounds = n / 400 + 1;\n"
  "  while (r < rounds) {\n"
  "    var row = 0;\n"
  "    while (row < d) {\n"
  "      var col = 0;\n"
  "      while (col < d) {\n"
  "        var k = 0; var s = 0;\n"
  "        while (k < d) { s = s + mem[idx(a, row, k, d)] * mem[idx(b, k, col, d)]; k = k + 1; }\n"
  "        mem[idx(c, row, col, d)] = s;\n"
  "        col = col + 1;\n"
  "      }\n"
  "      row = row + 1;\n"
  "    }\n"
  "    i = 0;\n"
  "    while (i < d * d) { h = (h << 1 | h >>> 31) ^ mem[c + i]; mem[a + i] = mem[c + i] % 17; i = i + 1; }\n"
  "    r = r + 1;\n"
  "  }\n"
  "  return h;\n"
  "}\n",
  /* 4: collatz with break/continue, logical operators, unary operators */
  "fn steps(x) {\n"
  "  var s = 0;\n"
  "  while (1) {\n"
  "    if (x == 1) { break; }\n"
  "    s = s + 1;\n"
  "    if (x % 2 == 0) { x = x / 2; continue; }\n"
  "    x = 3 * x + 1;\n"
  "    if (s > 1000 || x < 0) { return -s; }\n"
  "  }\n"
  "  return s;\n"
  "}\n"
  "fn main(n) {\n"
  "  var i = 1; var best = 0; var at = 0; var sum = 0;\n"
  "  while (i <= n) {\n"
  "    var s = steps(i);\n"
  "    if (s > best && !(i % 3 == 0 && s % 2)) { best = s; at = i; }\n"
  "    sum = sum + (s ^ ~i) - -i;\n"
  "    i = i + 1;\n"
  "  }\n"
  "  return sum * 7 + best * 1000003 + at + (2 + 3 * 4 - 10 / 2 << 2) % 9;\n"
  "}\n",
  /* 5: a string-like workload: base-10 digit manipulation and a small hash table in mem */
  "fn digits(x) { var c = 0; if (x == 0) { return 1; } while (x != 0) { c = c + 1; x = x / 10; } return c; }\n"
  "fn reverse(x) { var r = 0; while (x > 0) { r = r * 10 + x % 10; x = x / 10; } return r; }\n"
  "fn insert(key) {\n"
  "  var slot = (key * 40503 >>> 4) & 4095;\n"
  "  while (mem[50000 + slot] != 0 && mem[50000 + slot] != key) { slot = (slot + 1) & 4095; }\n"
  "  if (mem[50000 + slot] == key) { mem[54096 + slot] = mem[54096 + slot] + 1; return 0; }\n"
  "  mem[50000 + slot] = key; mem[54096 + slot] = 1; return 1;\n"
  "}\n"
  "fn main(n) {\n"
  "  var i = 0; while (i < 8192) { mem[50000 + i] = 0; i = i + 1; }\n"
  "  var fresh = 0; var h = 0; i = 1;\n"
  "  while (i <= n) {\n"
  "    var r = reverse(i * 7 + 1);\n"
  "    if (reverse(r) == r) { h = h + 1; }\n"
  "    fresh = fresh + insert(r % 3001 + 1);\n"
  "    h = h * 3 + digits(r) + (r & 255);\n"
  "    i = i + 1;\n"
  "  }\n"
  "  return h ^ fresh << 16;\n"
  "}\n",
};
#define NSOURCES (int)(sizeof sources / sizeof sources[0])

/* ---------------------------------------------------------------------------------------------------- */
/* Diagnostics: the embedded programs are correct, so any error aborts with a distinctive checksum.      */

static int error_count;
static uint32_t error_code;
static void error_at(int line, uint32_t code) {
  if (!error_count) error_code = code * 1000 + (uint32_t)line;
  error_count++;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Lexer                                                                                                   */

typedef enum {
  T_EOF, T_NUM, T_IDENT, T_FN, T_VAR, T_IF, T_ELSE, T_WHILE, T_RETURN, T_BREAK, T_CONTINUE, T_MEM,
  T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_LBRACKET, T_RBRACKET, T_COMMA, T_SEMI, T_ASSIGN,
  T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_AMP, T_PIPE, T_CARET, T_TILDE, T_BANG,
  T_SHL, T_SHR, T_SHRU, T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE, T_ANDAND, T_OROR, T_BAD
} tok_kind_t;

typedef struct { tok_kind_t kind; int32_t value; const char *start; int len, line; } token_t;

enum { C_OTHER, C_SPACE, C_NL, C_DIGIT, C_ALPHA, C_PUNCT };
static unsigned char char_class[256];

static int strchr_simple(const char *s, char c) {
  for (; *s; s++) if (*s == c) return 1;
  return 0;
}

static void init_char_class(void) {
  for (int c = 0; c < 256; c++) {
    unsigned char k = C_OTHER;
    if (c == ' ' || c == '\t' || c == '\r') k = C_SPACE;
    else if (c == '\n') k = C_NL;
    else if (c >= '0' && c <= '9') k = C_DIGIT;
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') k = C_ALPHA;
    else if (c && strchr_simple("(){}[],;=+-*/%&|^~!<>", (char)c)) k = C_PUNCT;
    char_class[c] = k;
  }
}

typedef struct { const char *src; int pos, line; token_t tok; } lexer_t;

static const struct { const char *word; tok_kind_t kind; } keywords[] = {
  { "fn", T_FN }, { "var", T_VAR }, { "if", T_IF }, { "else", T_ELSE }, { "while", T_WHILE },
  { "return", T_RETURN }, { "break", T_BREAK }, { "continue", T_CONTINUE }, { "mem", T_MEM },
};

static int same_word(const char *a, int len, const char *w) {
  for (int i = 0; i < len; i++) if (a[i] != w[i]) return 0;
  return w[len] == 0;
}

static token_t lex_punct(lexer_t *lx) {
  const char *s = lx->src + lx->pos;
  token_t t = { T_BAD, 0, s, 1, lx->line };
  char c = s[0], d = s[1];
  switch (c) {
    case '(': t.kind = T_LPAREN; break;
    case ')': t.kind = T_RPAREN; break;
    case '{': t.kind = T_LBRACE; break;
    case '}': t.kind = T_RBRACE; break;
    case '[': t.kind = T_LBRACKET; break;
    case ']': t.kind = T_RBRACKET; break;
    case ',': t.kind = T_COMMA; break;
    case ';': t.kind = T_SEMI; break;
    case '+': t.kind = T_PLUS; break;
    case '-': t.kind = T_MINUS; break;
    case '*': t.kind = T_STAR; break;
    case '/': t.kind = T_SLASH; break;
    case '%': t.kind = T_PERCENT; break;
    case '^': t.kind = T_CARET; break;
    case '~': t.kind = T_TILDE; break;
    case '=': if (d == '=') { t.kind = T_EQ; t.len = 2; } else t.kind = T_ASSIGN; break;
    case '!': if (d == '=') { t.kind = T_NE; t.len = 2; } else t.kind = T_BANG; break;
    case '&': if (d == '&') { t.kind = T_ANDAND; t.len = 2; } else t.kind = T_AMP; break;
    case '|': if (d == '|') { t.kind = T_OROR; t.len = 2; } else t.kind = T_PIPE; break;
    case '<':
      if (d == '<') { t.kind = T_SHL; t.len = 2; }
      else if (d == '=') { t.kind = T_LE; t.len = 2; }
      else t.kind = T_LT;
      break;
    case '>':
      if (d == '>' && s[2] == '>') { t.kind = T_SHRU; t.len = 3; }
      else if (d == '>') { t.kind = T_SHR; t.len = 2; }
      else if (d == '=') { t.kind = T_GE; t.len = 2; }
      else t.kind = T_GT;
      break;
    default: break;
  }
  return t;
}

static void lex_next(lexer_t *lx) {
  const char *s = lx->src;
  for (;;) {
    unsigned char k = char_class[(unsigned char)s[lx->pos]];
    if (k == C_SPACE) lx->pos++;
    else if (k == C_NL) { lx->pos++; lx->line++; }
    else if (s[lx->pos] == '/' && s[lx->pos + 1] == '/') { while (s[lx->pos] && s[lx->pos] != '\n') lx->pos++; }
    else break;
  }
  token_t t = { T_EOF, 0, s + lx->pos, 0, lx->line };
  unsigned char k = char_class[(unsigned char)s[lx->pos]];
  if (!s[lx->pos]) { lx->tok = t; return; }
  if (k == C_DIGIT) {
    uint32_t v = 0;
    int start = lx->pos;
    while (char_class[(unsigned char)s[lx->pos]] == C_DIGIT) v = v * 10 + (uint32_t)(s[lx->pos++] - '0');
    t.kind = T_NUM; t.value = (int32_t)v; t.len = lx->pos - start;
  } else if (k == C_ALPHA) {
    int start = lx->pos;
    while (char_class[(unsigned char)s[lx->pos]] == C_ALPHA || char_class[(unsigned char)s[lx->pos]] == C_DIGIT) lx->pos++;
    t.kind = T_IDENT; t.len = lx->pos - start;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
      if (same_word(t.start, t.len, keywords[i].word)) { t.kind = keywords[i].kind; break; }
  } else if (k == C_PUNCT) {
    t = lex_punct(lx);
    lx->pos += t.len;
    if (t.kind == T_BAD) error_at(lx->line, 1);
  } else {
    t.kind = T_BAD; t.len = 1; lx->pos++;
    error_at(lx->line, 2);
  }
  lx->tok = t;
}

/* ---------------------------------------------------------------------------------------------------- */
/* AST                                                                                                     */

typedef enum {
  N_NUM, N_LOCAL, N_MEM, N_UNARY, N_BINARY, N_AND, N_OR, N_CALL, N_ASSIGN, N_MEMSET,
  N_BLOCK, N_VAR, N_IF, N_WHILE, N_RETURN, N_BREAK, N_CONTINUE, N_EXPR
} node_kind_t;

typedef enum {
  B_ADD, B_SUB, B_MUL, B_DIV, B_REM, B_AND, B_OR, B_XOR, B_SHL, B_SHR, B_SHRU,
  B_LT, B_LE, B_GT, B_GE, B_EQ, B_NE
} binop_t;
typedef enum { U_NEG, U_NOT, U_BITNOT } unop_t;

typedef struct node {
  node_kind_t kind;
  int op;         /* binop_t or unop_t */
  int32_t value;  /* N_NUM */
  int slot;       /* N_LOCAL, N_ASSIGN, N_VAR: local slot; N_CALL: function index */
  int line;
  struct node *a, *b, *c;
  struct node **kids; /* N_BLOCK statements, N_CALL arguments */
  int nkids;
  const char *name; int name_len; /* N_CALL callee before resolution; names for printing */
} node_t;

#define MAX_LOCALS 32
#define MAX_FUNCS 16

typedef struct {
  const char *name; int name_len;
  int nparams, nlocals;
  const char *local_names[MAX_LOCALS]; int local_lens[MAX_LOCALS];
  node_t *body;
  int code_start; /* bytecode entry */
} func_t;

typedef struct {
  func_t funcs[MAX_FUNCS];
  int nfuncs;
  /* node arena: every node of a program, freed at once */
  node_t **all; int nall, capall;
} program_t;

static node_t *new_node(program_t *p, node_kind_t kind, int line) {
  node_t *n = calloc(1, sizeof *n);
  n->kind = kind;
  n->line = line;
  if (p->nall == p->capall) {
    p->capall = p->capall ? p->capall * 2 : 64;
    p->all = realloc(p->all, (size_t)p->capall * sizeof *p->all);
  }
  p->all[p->nall++] = n;
  return n;
}

static void add_kid(node_t *parent, node_t *kid) {
  if ((parent->nkids & (parent->nkids - 1)) == 0) { /* grow at powers of two */
    int cap = parent->nkids ? parent->nkids * 2 : 1;
    parent->kids = realloc(parent->kids, (size_t)cap * sizeof *parent->kids);
  }
  parent->kids[parent->nkids++] = kid;
}

static void free_program(program_t *p) {
  for (int i = 0; i < p->nall; i++) { free(p->all[i]->kids); free(p->all[i]); }
  free(p->all);
  p->all = 0; p->nall = p->capall = 0; p->nfuncs = 0;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Parser                                                                                                  */

typedef struct {
  lexer_t lx;
  program_t *prog;
  func_t *fn;
  int scope_depth[MAX_LOCALS]; /* block depth at which each local was declared */
  int visible;                 /* locals visible now (a prefix of fn's locals up to nlocals) */
  int depth;
} parser_t;

static void advance(parser_t *ps) { lex_next(&ps->lx); }
static int accept(parser_t *ps, tok_kind_t k) {
  if (ps->lx.tok.kind != k) return 0;
  advance(ps);
  return 1;
}
static void expect(parser_t *ps, tok_kind_t k) {
  if (!accept(ps, k)) { error_at(ps->lx.tok.line, 10 + (uint32_t)k); advance(ps); }
}

static int find_local(parser_t *ps, const char *name, int len) {
  for (int i = ps->visible - 1; i >= 0; i--)
    if (ps->fn->local_lens[i] == len && memcmp(ps->fn->local_names[i], name, (size_t)len) == 0) return i;
  return -1;
}

/* Each declaration gets a fresh slot (slots are never reused), so the tree-walker and VM agree on frames. */
static int declare_local(parser_t *ps, const char *name, int len) {
  func_t *f = ps->fn;
  if (f->nlocals >= MAX_LOCALS) { error_at(ps->lx.tok.line, 3); return 0; }
  int slot = f->nlocals++;
  f->local_names[slot] = name;
  f->local_lens[slot] = len;
  ps->scope_depth[slot] = ps->depth;
  ps->visible = f->nlocals;
  return slot;
}

static node_t *parse_expr(parser_t *ps);

static node_t *parse_primary(parser_t *ps) {
  token_t t = ps->lx.tok;
  program_t *p = ps->prog;
  if (accept(ps, T_NUM)) { node_t *n = new_node(p, N_NUM, t.line); n->value = t.value; return n; }
  if (accept(ps, T_LPAREN)) { node_t *n = parse_expr(ps); expect(ps, T_RPAREN); return n; }
  if (accept(ps, T_MEM)) {
    node_t *n = new_node(p, N_MEM, t.line);
    expect(ps, T_LBRACKET);
    n->a = parse_expr(ps);
    expect(ps, T_RBRACKET);
    return n;
  }
  if (accept(ps, T_IDENT)) {
    if (accept(ps, T_LPAREN)) {
      node_t *n = new_node(p, N_CALL, t.line);
      n->name = t.start; n->name_len = t.len; n->slot = -1;
      if (!accept(ps, T_RPAREN)) {
        do add_kid(n, parse_expr(ps)); while (accept(ps, T_COMMA));
        expect(ps, T_RPAREN);
      }
      return n;
    }
    node_t *n = new_node(p, N_LOCAL, t.line);
    n->slot = find_local(ps, t.start, t.len);
    n->name = t.start; n->name_len = t.len;
    if (n->slot < 0) error_at(t.line, 4);
    return n;
  }
  error_at(t.line, 5);
  advance(ps);
  return new_node(p, N_NUM, t.line);
}

static node_t *parse_unary(parser_t *ps) {
  token_t t = ps->lx.tok;
  int op = -1;
  if (t.kind == T_MINUS) op = U_NEG;
  else if (t.kind == T_BANG) op = U_NOT;
  else if (t.kind == T_TILDE) op = U_BITNOT;
  if (op < 0) return parse_primary(ps);
  advance(ps);
  node_t *n = new_node(ps->prog, N_UNARY, t.line);
  n->op = op;
  n->a = parse_unary(ps);
  return n;
}

/* Binary precedence levels, loosest first (C's): || && | ^ & == != < <= > >= << >> >>> + - * / % */
static int binary_level(tok_kind_t k, int *op) {
  switch (k) {
    case T_OROR: *op = -1; return 1;
    case T_ANDAND: *op = -2; return 2;
    case T_PIPE: *op = B_OR; return 3;
    case T_CARET: *op = B_XOR; return 4;
    case T_AMP: *op = B_AND; return 5;
    case T_EQ: *op = B_EQ; return 6;
    case T_NE: *op = B_NE; return 6;
    case T_LT: *op = B_LT; return 7;
    case T_LE: *op = B_LE; return 7;
    case T_GT: *op = B_GT; return 7;
    case T_GE: *op = B_GE; return 7;
    case T_SHL: *op = B_SHL; return 8;
    case T_SHR: *op = B_SHR; return 8;
    case T_SHRU: *op = B_SHRU; return 8;
    case T_PLUS: *op = B_ADD; return 9;
    case T_MINUS: *op = B_SUB; return 9;
    case T_STAR: *op = B_MUL; return 10;
    case T_SLASH: *op = B_DIV; return 10;
    case T_PERCENT: *op = B_REM; return 10;
    default: return 0;
  }
}

static node_t *parse_binary(parser_t *ps, int min_level) {
  node_t *left = parse_unary(ps);
  for (;;) {
    int op, level = binary_level(ps->lx.tok.kind, &op);
    if (level == 0 || level < min_level) return left;
    int line = ps->lx.tok.line;
    advance(ps);
    node_t *right = parse_binary(ps, level + 1);
    node_t *n = new_node(ps->prog, op == -1 ? N_OR : op == -2 ? N_AND : N_BINARY, line);
    n->op = op < 0 ? 0 : op;
    n->a = left;
    n->b = right;
    left = n;
  }
}

static node_t *parse_expr(parser_t *ps) { return parse_binary(ps, 1); }

static node_t *parse_statement(parser_t *ps);

static node_t *parse_block(parser_t *ps) {
  node_t *n = new_node(ps->prog, N_BLOCK, ps->lx.tok.line);
  expect(ps, T_LBRACE);
  ps->depth++;
  while (ps->lx.tok.kind != T_RBRACE && ps->lx.tok.kind != T_EOF) add_kid(n, parse_statement(ps));
  expect(ps, T_RBRACE);
  ps->depth--;
  /* names declared inside go out of scope (hidden by a negative length); their slots stay allocated */
  for (int i = ps->visible - 1; i >= 0 && ps->scope_depth[i] > ps->depth; i--)
    if (ps->fn->local_lens[i] >= 0) ps->fn->local_lens[i] = -ps->fn->local_lens[i] - 1;
  return n;
}

static node_t *parse_statement(parser_t *ps) {
  token_t t = ps->lx.tok;
  program_t *p = ps->prog;
  switch (t.kind) {
    case T_LBRACE: return parse_block(ps);
    case T_VAR: {
      advance(ps);
      token_t name = ps->lx.tok;
      expect(ps, T_IDENT);
      node_t *n = new_node(p, N_VAR, t.line);
      if (accept(ps, T_ASSIGN)) n->a = parse_expr(ps);
      n->slot = declare_local(ps, name.start, name.len); /* after the initializer: `var x = x` is an error */
      n->name = name.start; n->name_len = name.len;
      expect(ps, T_SEMI);
      return n;
    }
    case T_IF: {
      advance(ps);
      node_t *n = new_node(p, N_IF, t.line);
      expect(ps, T_LPAREN);
      n->a = parse_expr(ps);
      expect(ps, T_RPAREN);
      n->b = parse_block(ps);
      if (accept(ps, T_ELSE)) n->c = ps->lx.tok.kind == T_IF ? parse_statement(ps) : parse_block(ps);
      return n;
    }
    case T_WHILE: {
      advance(ps);
      node_t *n = new_node(p, N_WHILE, t.line);
      expect(ps, T_LPAREN);
      n->a = parse_expr(ps);
      expect(ps, T_RPAREN);
      n->b = parse_block(ps);
      return n;
    }
    case T_RETURN: {
      advance(ps);
      node_t *n = new_node(p, N_RETURN, t.line);
      n->a = parse_expr(ps);
      expect(ps, T_SEMI);
      return n;
    }
    case T_BREAK: advance(ps); expect(ps, T_SEMI); return new_node(p, N_BREAK, t.line);
    case T_CONTINUE: advance(ps); expect(ps, T_SEMI); return new_node(p, N_CONTINUE, t.line);
    default: {
      node_t *e = parse_expr(ps);
      if (accept(ps, T_ASSIGN)) {
        node_t *v = parse_expr(ps);
        node_t *n;
        if (e->kind == N_LOCAL) { n = new_node(p, N_ASSIGN, t.line); n->slot = e->slot; n->name = e->name; n->name_len = e->name_len; n->a = v; }
        else if (e->kind == N_MEM) { n = new_node(p, N_MEMSET, t.line); n->a = e->a; n->b = v; }
        else { error_at(t.line, 6); n = new_node(p, N_EXPR, t.line); n->a = v; }
        expect(ps, T_SEMI);
        return n;
      }
      node_t *n = new_node(p, N_EXPR, t.line);
      n->a = e;
      expect(ps, T_SEMI);
      return n;
    }
  }
}

static void restore_names(func_t *f) {
  for (int i = 0; i < f->nlocals; i++) if (f->local_lens[i] < 0) f->local_lens[i] = -f->local_lens[i] - 1;
}

static int find_func(program_t *p, const char *name, int len) {
  for (int i = 0; i < p->nfuncs; i++)
    if (p->funcs[i].name_len == len && memcmp(p->funcs[i].name, name, (size_t)len) == 0) return i;
  return -1;
}

static void resolve_calls(program_t *p, node_t *n) {
  if (!n) return;
  if (n->kind == N_CALL) {
    n->slot = find_func(p, n->name, n->name_len);
    if (n->slot < 0) error_at(n->line, 7);
    else if (p->funcs[n->slot].nparams != n->nkids) error_at(n->line, 8);
  }
  resolve_calls(p, n->a);
  resolve_calls(p, n->b);
  resolve_calls(p, n->c);
  for (int i = 0; i < n->nkids; i++) resolve_calls(p, n->kids[i]);
}

static void parse_program(program_t *p, const char *src) {
  parser_t ps;
  memset(&ps, 0, sizeof ps);
  ps.lx.src = src;
  ps.lx.line = 1;
  ps.prog = p;
  advance(&ps);
  while (ps.lx.tok.kind != T_EOF) {
    if (!accept(&ps, T_FN) || p->nfuncs == MAX_FUNCS) { error_at(ps.lx.tok.line, 9); return; }
    func_t *f = &p->funcs[p->nfuncs++];
    memset(f, 0, sizeof *f);
    f->name = ps.lx.tok.start;
    f->name_len = ps.lx.tok.len;
    expect(&ps, T_IDENT);
    ps.fn = f;
    ps.visible = 0;
    ps.depth = 0;
    expect(&ps, T_LPAREN);
    if (!accept(&ps, T_RPAREN)) {
      do {
        token_t name = ps.lx.tok;
        expect(&ps, T_IDENT);
        declare_local(&ps, name.start, name.len);
        f->nparams++;
      } while (accept(&ps, T_COMMA));
      expect(&ps, T_RPAREN);
    }
    f->body = parse_block(&ps);
    restore_names(f);
  }
  for (int i = 0; i < p->nfuncs; i++) resolve_calls(p, p->funcs[i].body);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Shared operator semantics (both engines and the folder use these)                                      */

static int32_t apply_binary(int op, int32_t x, int32_t y) {
  uint32_t a = (uint32_t)x, b = (uint32_t)y;
  switch (op) {
    case B_ADD: return (int32_t)(a + b);
    case B_SUB: return (int32_t)(a - b);
    case B_MUL: return (int32_t)(a * b);
    case B_DIV: return y == 0 ? 0 : (x == INT32_MIN && y == -1) ? x : x / y;
    case B_REM: return y == 0 ? 0 : (x == INT32_MIN && y == -1) ? 0 : x % y;
    case B_AND: return (int32_t)(a & b);
    case B_OR: return (int32_t)(a | b);
    case B_XOR: return (int32_t)(a ^ b);
    case B_SHL: return (int32_t)(a << (b & 31));
    case B_SHR: return x >> (b & 31);
    case B_SHRU: return (int32_t)(a >> (b & 31));
    case B_LT: return x < y;
    case B_LE: return x <= y;
    case B_GT: return x > y;
    case B_GE: return x >= y;
    case B_EQ: return x == y;
    case B_NE: return x != y;
    default: return 0;
  }
}

static int32_t apply_unary(int op, int32_t x) {
  switch (op) {
    case U_NEG: return (int32_t)(0u - (uint32_t)x);
    case U_NOT: return !x;
    case U_BITNOT: return ~x;
    default: return 0;
  }
}

/* ---------------------------------------------------------------------------------------------------- */
/* Constant folding and algebraic simplification (in place)                                               */

static int folded;

static int is_num(const node_t *n, int32_t v) { return n && n->kind == N_NUM && n->value == v; }

static void make_num(node_t *n, int32_t v) {
  n->kind = N_NUM;
  n->value = v;
  n->a = n->b = n->c = 0;
  folded++;
}

static void copy_node(node_t *dst, const node_t *src) {
  /* each node owns its kids array and is freed with the arena, so a copied array is swapped, not shared */
  node_t tmp = *src;
  dst->kind = tmp.kind; dst->op = tmp.op; dst->value = tmp.value; dst->slot = tmp.slot;
  dst->a = tmp.a; dst->b = tmp.b; dst->c = tmp.c;
  dst->name = tmp.name; dst->name_len = tmp.name_len;
  if (tmp.nkids) { /* only calls and blocks have kids; swap ownership */
    node_t *s = (node_t *)src;
    node_t **k = dst->kids; int nk = dst->nkids;
    dst->kids = s->kids; dst->nkids = s->nkids;
    s->kids = k; s->nkids = nk;
  }
  folded++;
}

static int has_side_effects(const node_t *n) {
  if (!n) return 0;
  if (n->kind == N_CALL) return 1;
  return has_side_effects(n->a) || has_side_effects(n->b) || has_side_effects(n->c);
}

static void fold(node_t *n) {
  if (!n) return;
  fold(n->a);
  fold(n->b);
  fold(n->c);
  for (int i = 0; i < n->nkids; i++) fold(n->kids[i]);
  switch (n->kind) {
    case N_UNARY:
      if (n->a->kind == N_NUM) make_num(n, apply_unary(n->op, n->a->value));
      else if (n->a->kind == N_UNARY && n->a->op == n->op && n->op != U_NOT) copy_node(n, n->a->a); /* --x, ~~x */
      break;
    case N_BINARY:
      if (n->a->kind == N_NUM && n->b->kind == N_NUM) { make_num(n, apply_binary(n->op, n->a->value, n->b->value)); break; }
      /* x + 0, x - 0, x * 1, x | 0, x ^ 0, x << 0, x >> 0 -> x */
      if ((is_num(n->b, 0) && (n->op == B_ADD || n->op == B_SUB || n->op == B_OR || n->op == B_XOR ||
                               n->op == B_SHL || n->op == B_SHR || n->op == B_SHRU)) ||
          (is_num(n->b, 1) && (n->op == B_MUL || n->op == B_DIV))) { copy_node(n, n->a); break; }
      if (is_num(n->a, 0) && n->op == B_ADD) { copy_node(n, n->b); break; }
      if (is_num(n->a, 1) && n->op == B_MUL) { copy_node(n, n->b); break; }
      /* x * 0 -> 0 when x has no side effects */
      if ((is_num(n->b, 0) || is_num(n->a, 0)) && (n->op == B_MUL || n->op == B_AND) &&
          !has_side_effects(n->a) && !has_side_effects(n->b)) { make_num(n, 0); break; }
      break;
    case N_AND:
      if (n->a->kind == N_NUM) {
        if (n->a->value == 0) make_num(n, 0);
        else if (n->b->kind == N_NUM) make_num(n, n->b->value != 0);
      }
      break;
    case N_OR:
      if (n->a->kind == N_NUM) {
        if (n->a->value != 0) make_num(n, 1);
        else if (n->b->kind == N_NUM) make_num(n, n->b->value != 0);
      }
      break;
    default: break;
  }
}

/* ---------------------------------------------------------------------------------------------------- */
/* Tree-walking evaluator                                                                                  */

#define MEM_WORDS 65536
static int32_t *mem; /* the language's global array, shared by both engines */

typedef enum { FLOW_NORMAL, FLOW_BREAK, FLOW_CONTINUE, FLOW_RETURN } flow_t;

typedef struct { const program_t *prog; int32_t *locals; int32_t ret; uint32_t calls; int depth; } walker_t;

static int32_t call_function(walker_t *w, int f, const int32_t *args);

static inline uint32_t mem_index(int32_t i) { return (uint32_t)i & (MEM_WORDS - 1); }

static int32_t eval(walker_t *w, const node_t *n) {
  switch (n->kind) {
    case N_NUM: return n->value;
    case N_LOCAL: return w->locals[n->slot];
    case N_MEM: return mem[mem_index(eval(w, n->a))];
    case N_UNARY: return apply_unary(n->op, eval(w, n->a));
    case N_BINARY: {
      int32_t x = eval(w, n->a);
      return apply_binary(n->op, x, eval(w, n->b));
    }
    case N_AND: return eval(w, n->a) ? eval(w, n->b) != 0 : 0;
    case N_OR: return eval(w, n->a) ? 1 : eval(w, n->b) != 0;
    case N_CALL: {
      int32_t args[MAX_LOCALS];
      for (int i = 0; i < n->nkids; i++) args[i] = eval(w, n->kids[i]);
      return call_function(w, n->slot, args);
    }
    default: error_at(n->line, 20); return 0;
  }
}

static flow_t exec(walker_t *w, const node_t *n) {
  switch (n->kind) {
    case N_BLOCK:
      for (int i = 0; i < n->nkids; i++) {
        flow_t f = exec(w, n->kids[i]);
        if (f != FLOW_NORMAL) return f;
      }
      return FLOW_NORMAL;
    case N_VAR: w->locals[n->slot] = n->a ? eval(w, n->a) : 0; return FLOW_NORMAL;
    case N_ASSIGN: w->locals[n->slot] = eval(w, n->a); return FLOW_NORMAL;
    case N_MEMSET: {
      int32_t i = eval(w, n->a);
      mem[mem_index(i)] = eval(w, n->b);
      return FLOW_NORMAL;
    }
    case N_IF:
      if (eval(w, n->a)) return exec(w, n->b);
      return n->c ? exec(w, n->c) : FLOW_NORMAL;
    case N_WHILE:
      while (eval(w, n->a)) {
        flow_t f = exec(w, n->b);
        if (f == FLOW_BREAK) break;
        if (f == FLOW_RETURN) return f;
      }
      return FLOW_NORMAL;
    case N_RETURN: w->ret = eval(w, n->a); return FLOW_RETURN;
    case N_BREAK: return FLOW_BREAK;
    case N_CONTINUE: return FLOW_CONTINUE;
    case N_EXPR: eval(w, n->a); return FLOW_NORMAL;
    default: error_at(n->line, 21); return FLOW_NORMAL;
  }
}

static int32_t call_function(walker_t *w, int f, const int32_t *args) {
  const func_t *fn = &w->prog->funcs[f];
  int32_t locals[MAX_LOCALS];
  for (int i = 0; i < fn->nlocals; i++) locals[i] = i < fn->nparams ? args[i] : 0;
  int32_t *saved = w->locals;
  w->locals = locals;
  w->calls++;
  if (++w->depth > 2000) { error_at(0, 22); w->depth--; w->locals = saved; return 0; }
  w->ret = 0;
  exec(w, fn->body);
  int32_t r = w->ret;
  w->depth--;
  w->locals = saved;
  return r;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Bytecode                                                                                                */

typedef enum {
  I_CONST, I_LOAD, I_STORE, I_MEMLOAD, I_MEMSTORE, I_BIN, I_UN, I_JMP, I_JZ, I_JNZ, I_CALL, I_RET, I_POP,
  I_DUP, I_BOOL,
  /* superinstructions made by the peephole pass */
  I_ADDK, I_LOADK_BIN, I_LOAD2_BIN, I_INCL, I_STORE_LOAD, I_NOP,
  I_COUNT
} iop_t;

typedef struct { uint8_t op, sub; uint16_t x; int32_t y; } insn_t; /* sub: binop/unop; x: slot; y: const/target */

typedef struct { insn_t *code; int len, cap; int *breaks; int nbreaks, capbreaks; } emitter_t; /* breaks: JMPs to patch */

static int emit(emitter_t *e, int op, int sub, int x, int32_t y) {
  if (e->len == e->cap) {
    e->cap = e->cap ? e->cap * 2 : 256;
    e->code = realloc(e->code, (size_t)e->cap * sizeof *e->code);
  }
  insn_t in = { (uint8_t)op, (uint8_t)sub, (uint16_t)x, y };
  e->code[e->len] = in;
  return e->len++;
}

typedef struct { int start, break_base; } loop_ctx_t;

static void compile_expr(emitter_t *e, const node_t *n);

static void compile_cond_jump(emitter_t *e, const node_t *cond, int jump_if_true, int *patch) {
  compile_expr(e, cond);
  *patch = emit(e, jump_if_true ? I_JNZ : I_JZ, 0, 0, -1);
}

static void compile_expr(emitter_t *e, const node_t *n) {
  switch (n->kind) {
    case N_NUM: emit(e, I_CONST, 0, 0, n->value); break;
    case N_LOCAL: emit(e, I_LOAD, 0, n->slot, 0); break;
    case N_MEM: compile_expr(e, n->a); emit(e, I_MEMLOAD, 0, 0, 0); break;
    case N_UNARY: compile_expr(e, n->a); emit(e, I_UN, n->op, 0, 0); break;
    case N_BINARY: compile_expr(e, n->a); compile_expr(e, n->b); emit(e, I_BIN, n->op, 0, 0); break;
    case N_AND: {
      int p1;
      compile_cond_jump(e, n->a, 0, &p1);
      compile_expr(e, n->b);
      emit(e, I_BOOL, 0, 0, 0);
      int skip = emit(e, I_JMP, 0, 0, -1);
      e->code[p1].y = e->len;
      emit(e, I_CONST, 0, 0, 0);
      e->code[skip].y = e->len;
      break;
    }
    case N_OR: {
      int p1;
      compile_cond_jump(e, n->a, 1, &p1);
      compile_expr(e, n->b);
      emit(e, I_BOOL, 0, 0, 0);
      int skip = emit(e, I_JMP, 0, 0, -1);
      e->code[p1].y = e->len;
      emit(e, I_CONST, 0, 0, 1);
      e->code[skip].y = e->len;
      break;
    }
    case N_CALL:
      for (int i = 0; i < n->nkids; i++) compile_expr(e, n->kids[i]);
      emit(e, I_CALL, n->nkids, n->slot, 0);
      break;
    default: error_at(n->line, 30); break;
  }
}

static void add_break(emitter_t *e, int at) {
  if (e->nbreaks == e->capbreaks) {
    e->capbreaks = e->capbreaks ? e->capbreaks * 2 : 16;
    e->breaks = realloc(e->breaks, (size_t)e->capbreaks * sizeof *e->breaks);
  }
  e->breaks[e->nbreaks++] = at;
}

static void compile_stmt(emitter_t *e, const node_t *n, loop_ctx_t *loop) {
  switch (n->kind) {
    case N_BLOCK: for (int i = 0; i < n->nkids; i++) compile_stmt(e, n->kids[i], loop); break;
    case N_VAR:
      if (n->a) compile_expr(e, n->a); else emit(e, I_CONST, 0, 0, 0);
      emit(e, I_STORE, 0, n->slot, 0);
      break;
    case N_ASSIGN: compile_expr(e, n->a); emit(e, I_STORE, 0, n->slot, 0); break;
    case N_MEMSET: compile_expr(e, n->a); compile_expr(e, n->b); emit(e, I_MEMSTORE, 0, 0, 0); break;
    case N_IF: {
      int p;
      compile_cond_jump(e, n->a, 0, &p);
      compile_stmt(e, n->b, loop);
      if (n->c) {
        int skip = emit(e, I_JMP, 0, 0, -1);
        e->code[p].y = e->len;
        compile_stmt(e, n->c, loop);
        e->code[skip].y = e->len;
      } else e->code[p].y = e->len;
      break;
    }
    case N_WHILE: {
      loop_ctx_t inner = { e->len, e->nbreaks };
      int p;
      compile_cond_jump(e, n->a, 0, &p);
      compile_stmt(e, n->b, &inner);
      emit(e, I_JMP, 0, 0, inner.start);
      e->code[p].y = e->len;
      for (int i = inner.break_base; i < e->nbreaks; i++) e->code[e->breaks[i]].y = e->len;
      e->nbreaks = inner.break_base;
      break;
    }
    case N_RETURN: compile_expr(e, n->a); emit(e, I_RET, 0, 0, 0); break;
    case N_BREAK:
      if (!loop) { error_at(n->line, 31); break; }
      add_break(e, emit(e, I_JMP, 0, 0, -1));
      break;
    case N_CONTINUE:
      if (!loop) { error_at(n->line, 32); break; }
      emit(e, I_JMP, 0, 0, loop->start);
      break;
    case N_EXPR: compile_expr(e, n->a); emit(e, I_POP, 0, 0, 0); break;
    default: error_at(n->line, 33); break;
  }
}

static void compile_program(emitter_t *e, program_t *p) {
  for (int f = 0; f < p->nfuncs; f++) {
    p->funcs[f].code_start = e->len;
    compile_stmt(e, p->funcs[f].body, 0);
    emit(e, I_CONST, 0, 0, 0); /* falling off the end returns 0 */
    emit(e, I_RET, 0, 0, 0);
  }
}

/*
 * Peephole: fuse common sequences into superinstructions, then drop the NOPs and remap jump targets.
 *   CONST k; BIN op            -> LOADK_BIN op k     (operand from the stack, constant right)
 *   LOAD a; LOAD b; BIN op     -> LOAD2_BIN op a b   (y holds b)
 *   LOAD a; CONST k; BIN add; STORE a -> INCL a k
 *   STORE a; LOAD a            -> STORE_LOAD a        (keep the value on the stack)
 * A fusion never spans a jump target.
 */
static int peephole(emitter_t *e, program_t *p) {
  int n = e->len, fused = 0;
  unsigned char *target = calloc((size_t)n + 1, 1);
  for (int f = 0; f < p->nfuncs; f++) target[p->funcs[f].code_start] = 1;
  for (int i = 0; i < n; i++) {
    int op = e->code[i].op;
    if (op == I_JMP || op == I_JZ || op == I_JNZ) target[e->code[i].y] = 1;
  }
  insn_t *c = e->code;
  for (int i = 0; i < n; i++) {
    if (i + 3 < n && c[i].op == I_LOAD && c[i + 1].op == I_CONST && c[i + 2].op == I_BIN && c[i + 2].sub == B_ADD &&
        c[i + 3].op == I_STORE && c[i + 3].x == c[i].x && !target[i + 1] && !target[i + 2] && !target[i + 3]) {
      c[i].op = I_INCL; c[i].y = c[i + 1].y;
      c[i + 1].op = c[i + 2].op = c[i + 3].op = I_NOP;
      fused++; i += 3; continue;
    }
    if (i + 2 < n && c[i].op == I_LOAD && c[i + 1].op == I_LOAD && c[i + 2].op == I_BIN && !target[i + 1] && !target[i + 2]) {
      c[i].op = I_LOAD2_BIN; c[i].sub = c[i + 2].sub; c[i].y = c[i + 1].x;
      c[i + 1].op = c[i + 2].op = I_NOP;
      fused++; i += 2; continue;
    }
    if (i + 1 < n && c[i].op == I_CONST && c[i + 1].op == I_BIN && !target[i + 1]) {
      c[i].op = c[i + 1].sub == B_ADD ? I_ADDK : I_LOADK_BIN; c[i].sub = c[i + 1].sub;
      c[i + 1].op = I_NOP;
      fused++; i += 1; continue;
    }
    if (i + 1 < n && c[i].op == I_STORE && c[i + 1].op == I_LOAD && c[i + 1].x == c[i].x && !target[i + 1]) {
      c[i].op = I_STORE_LOAD;
      c[i + 1].op = I_NOP;
      fused++; i += 1; continue;
    }
  }
  /* compact: new index of each old instruction (a jump to a NOP goes to the next real instruction) */
  int *remap = malloc(((size_t)n + 1) * sizeof *remap);
  int out = 0;
  for (int i = 0; i < n; i++) { remap[i] = out; if (c[i].op != I_NOP) out++; }
  remap[n] = out;
  out = 0;
  for (int i = 0; i < n; i++) {
    if (c[i].op == I_NOP) continue;
    insn_t in = c[i];
    if (in.op == I_JMP || in.op == I_JZ || in.op == I_JNZ) in.y = remap[in.y];
    c[out++] = in;
  }
  e->len = out;
  for (int f = 0; f < p->nfuncs; f++) p->funcs[f].code_start = remap[p->funcs[f].code_start];
  free(target);
  free(remap);
  return fused;
}

/* ---------------------------------------------------------------------------------------------------- */
/* The VM: one value stack holding every frame's locals and operands                                      */

#define VM_STACK 65536
#define VM_FRAMES 4096

typedef struct { int ret_pc, base; } frame_t;
typedef struct { uint32_t executed, calls, max_depth; } vm_stats_t;

static int32_t vm_run(const insn_t *code, const program_t *p, int entry, int32_t arg, vm_stats_t *stats) {
  static int32_t stack[VM_STACK];
  static frame_t frames[VM_FRAMES];
  const func_t *fn = &p->funcs[entry];
  int base = 0, sp = fn->nlocals, fp = 0;
  for (int i = 0; i < fn->nlocals; i++) stack[i] = 0;
  stack[0] = arg;
  int pc = fn->code_start;
  uint32_t executed = 0, calls = 1, max_depth = 1;
  for (;;) {
    const insn_t in = code[pc++];
    executed++;
    switch (in.op) {
      case I_CONST: stack[sp++] = in.y; break;
      case I_LOAD: stack[sp++] = stack[base + in.x]; break;
      case I_STORE: stack[base + in.x] = stack[--sp]; break;
      case I_STORE_LOAD: stack[base + in.x] = stack[sp - 1]; break;
      case I_MEMLOAD: stack[sp - 1] = mem[mem_index(stack[sp - 1])]; break;
      case I_MEMSTORE: sp -= 2; mem[mem_index(stack[sp])] = stack[sp + 1]; break;
      case I_BIN: sp--; stack[sp - 1] = apply_binary(in.sub, stack[sp - 1], stack[sp]); break;
      case I_UN: stack[sp - 1] = apply_unary(in.sub, stack[sp - 1]); break;
      case I_ADDK: stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)in.y); break;
      case I_LOADK_BIN: stack[sp - 1] = apply_binary(in.sub, stack[sp - 1], in.y); break;
      case I_LOAD2_BIN: stack[sp++] = apply_binary(in.sub, stack[base + in.x], stack[base + in.y]); break;
      case I_INCL: stack[base + in.x] = (int32_t)((uint32_t)stack[base + in.x] + (uint32_t)in.y); break;
      case I_BOOL: stack[sp - 1] = stack[sp - 1] != 0; break;
      case I_JMP: pc = in.y; break;
      case I_JZ: if (!stack[--sp]) pc = in.y; break;
      case I_JNZ: if (stack[--sp]) pc = in.y; break;
      case I_POP: sp--; break;
      case I_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case I_CALL: {
        const func_t *callee = &p->funcs[in.x];
        if (fp + 1 >= VM_FRAMES || sp + callee->nlocals + 256 >= VM_STACK) { error_at(0, 40); return 0; }
        frames[fp].ret_pc = pc;
        frames[fp].base = base;
        fp++;
        calls++;
        if ((uint32_t)fp + 1 > max_depth) max_depth = (uint32_t)fp + 1;
        base = sp - in.sub;
        for (int i = in.sub; i < callee->nlocals; i++) stack[base + i] = 0;
        sp = base + callee->nlocals;
        pc = callee->code_start;
        break;
      }
      case I_RET: {
        int32_t r = stack[sp - 1];
        if (fp == 0) {
          stats->executed += executed; stats->calls += calls;
          if (max_depth > stats->max_depth) stats->max_depth = max_depth;
          return r;
        }
        sp = base;
        fp--;
        pc = frames[fp].ret_pc;
        base = frames[fp].base;
        stack[sp++] = r;
        break;
      }
      default: error_at(0, 41); return 0;
    }
  }
}

/* ---------------------------------------------------------------------------------------------------- */
/* Pretty-printer: canonical source from the AST (fully parenthesized binary operations)                 */

typedef struct { char *buf; size_t len, cap; } text_t;

static void put_char(text_t *t, char c) {
  if (t->len + 1 >= t->cap) {
    t->cap = t->cap ? t->cap * 2 : 1024;
    t->buf = realloc(t->buf, t->cap);
  }
  t->buf[t->len++] = c;
  t->buf[t->len] = 0;
}
static void put_str(text_t *t, const char *s) { while (*s) put_char(t, *s++); }
static void put_name(text_t *t, const char *s, int len) { for (int i = 0; i < len; i++) put_char(t, s[i]); }
static void put_int(text_t *t, int32_t v) {
  char d[12];
  int n = 0;
  uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  do { d[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) put_str(t, "(-");
  while (n) put_char(t, d[--n]);
  if (v < 0) put_char(t, ')');
}
static void indent(text_t *t, int level) { for (int i = 0; i < level; i++) put_str(t, "  "); }

static const char *const binop_text[] = {
  "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", ">>>", "<", "<=", ">", ">=", "==", "!=",
};
static const char *const unop_text[] = { "-", "!", "~" };

static void print_expr(text_t *t, const func_t *f, const program_t *p, const node_t *n) {
  switch (n->kind) {
    case N_NUM: put_int(t, n->value); break;
    case N_LOCAL: put_name(t, f->local_names[n->slot], f->local_lens[n->slot]); break;
    case N_MEM: put_str(t, "mem["); print_expr(t, f, p, n->a); put_char(t, ']'); break;
    case N_UNARY: put_str(t, unop_text[n->op]); put_char(t, '('); print_expr(t, f, p, n->a); put_char(t, ')'); break;
    case N_BINARY: case N_AND: case N_OR:
      put_char(t, '(');
      print_expr(t, f, p, n->a);
      put_char(t, ' ');
      put_str(t, n->kind == N_AND ? "&&" : n->kind == N_OR ? "||" : binop_text[n->op]);
      put_char(t, ' ');
      print_expr(t, f, p, n->b);
      put_char(t, ')');
      break;
    case N_CALL:
      put_name(t, p->funcs[n->slot].name, p->funcs[n->slot].name_len);
      put_char(t, '(');
      for (int i = 0; i < n->nkids; i++) { if (i) put_str(t, ", "); print_expr(t, f, p, n->kids[i]); }
      put_char(t, ')');
      break;
    default: put_str(t, "?"); break;
  }
}

static void print_stmt(text_t *t, const func_t *f, const program_t *p, const node_t *n, int level) {
  switch (n->kind) {
    case N_BLOCK:
      put_str(t, "{\n");
      for (int i = 0; i < n->nkids; i++) print_stmt(t, f, p, n->kids[i], level + 1);
      indent(t, level);
      put_str(t, "}");
      return;
    default: break;
  }
  indent(t, level);
  switch (n->kind) {
    case N_VAR:
      put_str(t, "var "); put_name(t, f->local_names[n->slot], f->local_lens[n->slot]);
      if (n->a) { put_str(t, " = "); print_expr(t, f, p, n->a); }
      put_str(t, ";\n");
      break;
    case N_ASSIGN:
      put_name(t, f->local_names[n->slot], f->local_lens[n->slot]);
      put_str(t, " = "); print_expr(t, f, p, n->a); put_str(t, ";\n");
      break;
    case N_MEMSET:
      put_str(t, "mem["); print_expr(t, f, p, n->a); put_str(t, "] = "); print_expr(t, f, p, n->b); put_str(t, ";\n");
      break;
    case N_IF:
      put_str(t, "if ("); print_expr(t, f, p, n->a); put_str(t, ") ");
      print_stmt(t, f, p, n->b, level);
      if (n->c) {
        put_str(t, " else ");
        if (n->c->kind == N_BLOCK) print_stmt(t, f, p, n->c, level);
        else { /* else if: print the nested if as a block so the text re-parses the same */
          put_str(t, "{\n"); print_stmt(t, f, p, n->c, level + 1); indent(t, level); put_str(t, "}");
        }
      }
      put_char(t, '\n');
      break;
    case N_WHILE:
      put_str(t, "while ("); print_expr(t, f, p, n->a); put_str(t, ") ");
      print_stmt(t, f, p, n->b, level);
      put_char(t, '\n');
      break;
    case N_RETURN: put_str(t, "return "); print_expr(t, f, p, n->a); put_str(t, ";\n"); break;
    case N_BREAK: put_str(t, "break;\n"); break;
    case N_CONTINUE: put_str(t, "continue;\n"); break;
    case N_EXPR: print_expr(t, f, p, n->a); put_str(t, ";\n"); break;
    default: put_str(t, "?;\n"); break;
  }
}

static void print_program(text_t *t, const program_t *p) {
  for (int i = 0; i < p->nfuncs; i++) {
    const func_t *f = &p->funcs[i];
    put_str(t, "fn ");
    put_name(t, f->name, f->name_len);
    put_char(t, '(');
    for (int k = 0; k < f->nparams; k++) {
      if (k) put_str(t, ", ");
      put_name(t, f->local_names[k], f->local_lens[k]);
    }
    put_str(t, ") ");
    print_stmt(t, f, p, f->body, 0);
    put_str(t, "\n");
  }
}

/* ---------------------------------------------------------------------------------------------------- */
/* LZ77 with hash chains. Format: a literal run is [0x00 | len-1 (7 bits)] bytes...;                     */
/* a match is [0x80 | (len-3) (7 bits)] [offset-1: 2 bytes little-endian]; lengths 3..130, window 64 KiB.  */

#define LZ_WINDOW 65536
#define LZ_MIN 3
#define LZ_MAX 130
#define LZ_HASH_BITS 13
#define LZ_CHAIN 32

static uint32_t lz_hash(const unsigned char *s) { return ((uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2]) * 2654435761u >> (32 - LZ_HASH_BITS); }

static size_t lz_compress(const unsigned char *in, size_t n, unsigned char *out) {
  int32_t *head = malloc(sizeof(int32_t) << LZ_HASH_BITS);
  int32_t *prev = malloc(n * sizeof *prev + 1);
  for (int i = 0; i < 1 << LZ_HASH_BITS; i++) head[i] = -1;
  size_t o = 0, lit_start = 0, i = 0;
  while (i < n) {
    size_t best_len = 0, best_off = 0;
    if (i + LZ_MIN <= n) {
      uint32_t h = lz_hash(in + i);
      int32_t cand = head[h];
      int chain = LZ_CHAIN;
      while (cand >= 0 && i - (size_t)cand <= LZ_WINDOW && chain--) {
        size_t len = 0, max = n - i < LZ_MAX ? n - i : LZ_MAX;
        while (len < max && in[(size_t)cand + len] == in[i + len]) len++;
        if (len > best_len) { best_len = len; best_off = i - (size_t)cand; if (len == max) break; }
        cand = prev[cand];
      }
      prev[i] = head[h];
      head[h] = (int32_t)i;
    }
    if (best_len >= LZ_MIN) {
      while (lit_start < i) { /* flush pending literals in runs of up to 128 */
        size_t run = i - lit_start > 128 ? 128 : i - lit_start;
        out[o++] = (unsigned char)(run - 1);
        memcpy(out + o, in + lit_start, run);
        o += run;
        lit_start += run;
      }
      out[o++] = (unsigned char)(0x80 | (best_len - LZ_MIN));
      out[o++] = (unsigned char)((best_off - 1) & 0xff);
      out[o++] = (unsigned char)((best_off - 1) >> 8);
      for (size_t k = 1; k < best_len; k++) { /* index the skipped positions too */
        size_t j = i + k;
        if (j + LZ_MIN <= n) { uint32_t h = lz_hash(in + j); prev[j] = head[h]; head[h] = (int32_t)j; }
      }
      i += best_len;
      lit_start = i;
    } else i++;
  }
  while (lit_start < n) {
    size_t run = n - lit_start > 128 ? 128 : n - lit_start;
    out[o++] = (unsigned char)(run - 1);
    memcpy(out + o, in + lit_start, run);
    o += run;
    lit_start += run;
  }
  free(head);
  free(prev);
  return o;
}

static size_t lz_decompress(const unsigned char *in, size_t n, unsigned char *out, size_t cap) {
  size_t i = 0, o = 0;
  while (i < n) {
    unsigned char tag = in[i++];
    if (tag & 0x80) {
      size_t len = (size_t)(tag & 0x7f) + LZ_MIN;
      size_t off = (size_t)in[i] + ((size_t)in[i + 1] << 8) + 1;
      i += 2;
      if (off > o || o + len > cap) return (size_t)-1;
      for (size_t k = 0; k < len; k++, o++) out[o] = out[o - off]; /* byte by byte: overlaps repeat */
    } else {
      size_t len = (size_t)tag + 1;
      if (o + len > cap || i + len > n) return (size_t)-1;
      memcpy(out + o, in + i, len);
      i += len;
      o += len;
    }
  }
  return o;
}

static uint32_t fnv_bytes(const void *data, size_t n) {
  const unsigned char *s = data;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
  return h;
}

/* Compress, decompress, compare; returns a checksum of the compressed form (or a marker on mismatch). */
static uint32_t lz_roundtrip(const void *data, size_t n) {
  unsigned char *packed = malloc(n + n / 64 + 16), *unpacked = malloc(n + 1);
  size_t m = lz_compress(data, n, packed);
  size_t back = lz_decompress(packed, m, unpacked, n);
  uint32_t h = back == n && memcmp(unpacked, data, n) == 0 ? mix32(fnv_bytes(packed, m), (uint32_t)m) : 0xbadu;
  free(packed);
  free(unpacked);
  return h;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Driver                                                                                                  */

typedef struct { program_t prog; emitter_t em; int main_index; int fused; } compiled_t;

static uint32_t compile_source(compiled_t *c, const char *src) {
  memset(c, 0, sizeof *c);
  parse_program(&c->prog, src);
  folded = 0;
  for (int f = 0; f < c->prog.nfuncs; f++) fold(c->prog.funcs[f].body);
  compile_program(&c->em, &c->prog);
  uint32_t before = (uint32_t)c->em.len;
  c->fused = peephole(&c->em, &c->prog);
  c->main_index = find_func(&c->prog, "main", 4);
  if (c->main_index < 0) error_at(0, 50);
  return mix32(mix32(before, (uint32_t)c->em.len), (uint32_t)folded * 7 + (uint32_t)c->fused);
}

static void release(compiled_t *c) {
  free_program(&c->prog);
  free(c->em.code);
  free(c->em.breaks);
}

/* Each program's main() argument at full size; the tree-walker gets size / WALK_DIV. */
static const int32_t scale[NSOURCES] = { 16, 40, 6, 1, 3, 10 };
#define WALK_DIV 8

static uint32_t bench(int size) {
  init_char_class();
  mem = calloc(MEM_WORDS, sizeof *mem);
  uint32_t h = 0;
  text_t all = { 0, 0, 0 };
  for (int s = 0; s < NSOURCES; s++) {
    compiled_t c;
    h = mix32(h, compile_source(&c, sources[s]));

    /* round trip through the printer: print, parse the printout, print again: both texts must match */
    text_t t1 = { 0, 0, 0 }, t2 = { 0, 0, 0 };
    print_program(&t1, &c.prog);
    compiled_t again;
    compile_source(&again, t1.buf);
    print_program(&t2, &again.prog);
    h = mix32(h, t1.len == t2.len && memcmp(t1.buf, t2.buf, t1.len) == 0 ? fnv_bytes(t1.buf, t1.len) : 0xbad1u);
    for (size_t k = 0; k < t1.len; k++) put_char(&all, t1.buf[k]);
    free(t1.buf);
    free(t2.buf);

    int32_t arg = (int32_t)(size * scale[s]);
    vm_stats_t st = { 0, 0, 0 };
    memset(mem, 0, MEM_WORDS * sizeof *mem);
    int32_t full = vm_run(c.em.code, &c.prog, c.main_index, arg, &st);
    h = mix32(h, (uint32_t)full);
    h = mix32(h, fnv_bytes(mem, MEM_WORDS * sizeof *mem));

    /* both engines at a reduced size (the reparsed program runs on the VM: it must agree too) */
    int32_t small = arg / WALK_DIV + 1;
    memset(mem, 0, MEM_WORDS * sizeof *mem);
    walker_t w = { &c.prog, 0, 0, 0, 0 };
    int32_t walked = call_function(&w, c.main_index, &small);
    uint32_t walked_mem = fnv_bytes(mem, MEM_WORDS * sizeof *mem);
    memset(mem, 0, MEM_WORDS * sizeof *mem);
    int32_t vm_small = vm_run(again.em.code, &again.prog, again.main_index, small, &st);
    uint32_t vm_mem = fnv_bytes(mem, MEM_WORDS * sizeof *mem);
    h = mix32(h, walked == vm_small && walked_mem == vm_mem ? (uint32_t)walked : 0xbad2u);
    h = mix32(h, w.calls);
    h = mix32(h, st.executed);
    h = mix32(h, st.calls ^ st.max_depth << 20);
    release(&c);
    release(&again);
  }
  h = mix32(h, lz_roundtrip(all.buf, all.len));
  h = mix32(h, lz_roundtrip(mem, MEM_WORDS * sizeof *mem));
  free(all.buf);
  free(mem);
  return error_count ? 0xe0000000u + error_code : h;
}

BENCH_MAIN(bench)
