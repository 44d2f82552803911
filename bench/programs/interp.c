/*
 * interp: a stack-machine bytecode interpreter with one `switch` dispatch loop (a br_table in wasm),
 * running a hand-assembled program: for i in 1..SIZE, the Collatz path length of i (a loop of compares,
 * branches, divisions, multiplications) and a call to a bytecode subroutine that mixes the result into an
 * accumulator. The checksum is the program's result plus the number of instructions executed.
 */
#define CHECKSUM_T uint32_t
#include "bench.h"

enum {
  OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_REMU,
  OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHRU, OP_EQ, OP_NE, OP_LTU, OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET,
  OP_INC, OP_ROTL
};

/* Locals: 0 = i, 1 = n + 1, 2 = x, 3 = steps, 4 = acc. Numbers on the left are code offsets. */
static const int32_t program[] = {
  /*  0 */ OP_PUSH, 1, OP_STORE, 0,                                  /* i = 1 */
  /*  4 */ OP_PUSH, 0, OP_STORE, 4,                                  /* acc = 0 */
  /*  8 */ OP_LOAD, 0, OP_LOAD, 1, OP_LTU, OP_JZ, 66,                /* loop: if !(i < n + 1) goto end */
  /* 15 */ OP_LOAD, 0, OP_STORE, 2, OP_PUSH, 0, OP_STORE, 3,          /* x = i; steps = 0 */
  /* 23 */ OP_LOAD, 2, OP_PUSH, 1, OP_NE, OP_JZ, 58,                 /* while (x != 1) */
  /* 30 */ OP_LOAD, 2, OP_PUSH, 1, OP_AND, OP_JZ, 47,                /*   if (x & 1) */
  /* 37 */ OP_LOAD, 2, OP_PUSH, 3, OP_MUL, OP_PUSH, 1, OP_ADD, OP_JMP, 52, /* x * 3 + 1 */
  /* 47 */ OP_LOAD, 2, OP_PUSH, 2, OP_DIVU,                          /*   else x / 2 (a real division) */
  /* 52 */ OP_STORE, 2, OP_INC, 3, OP_JMP, 23,                       /*   x = that; steps++ */
  /* 58 */ OP_LOAD, 3, OP_CALL, 69,                                  /* mix(steps) */
  /* 62 */ OP_INC, 0, OP_JMP, 8,                                     /* i++ */
  /* 66 */ OP_LOAD, 4, OP_HALT,                                      /* end: result = acc */
  /* 69 */ OP_LOAD, 4, OP_PUSH, 5, OP_ROTL, OP_XOR,                  /* mix: rotl(acc, 5) ^ steps */
  /* 75 */ OP_PUSH, 16777619, OP_MUL, OP_LOAD, 0, OP_PUSH, 7, OP_REMU, OP_ADD, /* * FNV prime + i % 7 */
  /* 84 */ OP_STORE, 4, OP_RET,                                      /* acc = that */
};

typedef struct { uint32_t result, executed; } outcome_t;

static outcome_t execute(const int32_t *code, uint32_t n) {
  uint32_t stack[64], locals[8] = { 0 }, frames[16];
  int sp = 0, fp = 0, pc = 0;
  uint32_t executed = 0;
  locals[1] = n + 1;
  for (;;) {
    executed++;
    uint32_t a, b;
    switch (code[pc++]) {
      case OP_HALT: { outcome_t o = { stack[sp - 1], executed }; return o; }
      case OP_PUSH: stack[sp++] = (uint32_t)code[pc++]; break;
      case OP_POP: sp--; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_SWAP: a = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = a; break;
      case OP_LOAD: stack[sp++] = locals[code[pc++]]; break;
      case OP_STORE: locals[code[pc++]] = stack[--sp]; break;
      case OP_ADD: b = stack[--sp]; stack[sp - 1] += b; break;
      case OP_SUB: b = stack[--sp]; stack[sp - 1] -= b; break;
      case OP_MUL: b = stack[--sp]; stack[sp - 1] *= b; break;
      case OP_DIVU: b = stack[--sp]; stack[sp - 1] /= b; break;
      case OP_REMU: b = stack[--sp]; stack[sp - 1] %= b; break;
      case OP_AND: b = stack[--sp]; stack[sp - 1] &= b; break;
      case OP_OR: b = stack[--sp]; stack[sp - 1] |= b; break;
      case OP_XOR: b = stack[--sp]; stack[sp - 1] ^= b; break;
      case OP_SHL: b = stack[--sp]; stack[sp - 1] <<= (b & 31); break;
      case OP_SHRU: b = stack[--sp]; stack[sp - 1] >>= (b & 31); break;
      case OP_ROTL: b = stack[--sp] & 31; a = stack[sp - 1]; stack[sp - 1] = (a << b) | (a >> ((32 - b) & 31)); break;
      case OP_EQ: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] == b; break;
      case OP_NE: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] != b; break;
      case OP_LTU: b = stack[--sp]; stack[sp - 1] = stack[sp - 1] < b; break;
      case OP_JMP: pc = code[pc]; break;
      case OP_JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
      case OP_JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
      case OP_CALL: frames[fp++] = (uint32_t)pc + 1; pc = code[pc]; break;
      case OP_RET: pc = (int)frames[--fp]; break;
      case OP_INC: locals[code[pc++]]++; break;
      default: { outcome_t o = { 0xdeadu, executed }; return o; }
    }
  }
}

static uint32_t bench(int size) {
  outcome_t o = execute(program, (uint32_t)size);
  return mix32(o.result, o.executed);
}

BENCH_MAIN(bench)
