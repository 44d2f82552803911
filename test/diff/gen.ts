// A generator of random, valid, terminating WebAssembly programs in the folded text format, for
// differential testing of code generation beyond single operators: nested expressions of every numeric
// type, locals and tees, exported and internal globals, loads and stores at masked (and occasionally wild)
// addresses, bulk memory, blocks and ifs with one or two results, loops with parameters, br/br_if/br_table
// (also in value positions, where they make the rest unreachable), early returns, calls and call_indirect
// between functions (including multi-value results), select, and operators that may trap.
//
// Also: float stores and reinterpretations, copysign, table.get/set/size/grow/fill, ref.is_null, ref.func,
// memory.init and data.drop of a passive segment.
//
// Termination: loops run a bounded counter kept in a local nothing else writes, calls (direct or through
// the table) go only to functions of lower index (no recursion), and call sites are few; table.set and
// table.fill store only null or a function into its own slot, so call_indirect never reaches a function it
// could not call directly. Determinism across engines: NaN payloads are nondeterministic in wasm, so a float
// whose bits become an integer or memory (a float store, a reinterpretation, copysign's sign source) is
// first canonicalized: any NaN replaced by the canonical NaN constant (`canon`); other floats reach integers
// only through comparisons and truncations, which see any NaN alike.

import { Rng } from './harness.js';

type T = 'i32' | 'i64' | 'f32' | 'f64';
const TYPES: readonly T[] = ['i32', 'i64', 'f32', 'f64'];

interface Func { readonly params: readonly T[]; readonly results: readonly T[] }
interface Label { readonly name: string; readonly type: T | null; readonly isLoop: boolean }

const CONSTS: Record<T, readonly string[]> = {
  i32: ['0', '1', '-1', '2', '7', '31', '32', '255', '0x7fffffff', '0x80000000', '0xffff', '65535', '-65536', '12345'],
  i64: ['0', '1', '-1', '63', '64', '0x7fffffffffffffff', '0x8000000000000000', '0xffffffff', '0x100000000', '-4294967296', '123456789012'],
  f32: ['0', '-0', '1', '-1.5', '0.5', '2.5', 'inf', '-inf', 'nan', '3.4e38', '1e-45', '2147483648', '16777217', '-0.75'],
  f64: ['0', '-0', '1', '-1.5', '0.5', '2.5', 'inf', '-inf', 'nan', '1.7e308', '5e-324', '9223372036854775808', '4294967295.5', '-2147483648.5'],
};

const UNARY: Record<T, readonly string[]> = {
  i32: ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s'],
  i64: ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'],
  f32: ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'],
  f64: ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'],
};
const INT_BINARY = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const FLOAT_BINARY = ['add', 'sub', 'mul', 'div', 'min', 'max'];
const INT_REL = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const FLOAT_REL = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];

/** Conversions producing `to`, as [instruction, operand type]. */
const CONVERT: Record<T, readonly (readonly [string, T])[]> = {
  i32: [
    ['i32.wrap_i64', 'i64'], ['i32.trunc_f32_s', 'f32'], ['i32.trunc_f32_u', 'f32'], ['i32.trunc_f64_s', 'f64'],
    ['i32.trunc_f64_u', 'f64'], ['i32.trunc_sat_f32_s', 'f32'], ['i32.trunc_sat_f32_u', 'f32'],
    ['i32.trunc_sat_f64_s', 'f64'], ['i32.trunc_sat_f64_u', 'f64'], ['i64.eqz', 'i64'], ['i32.eqz', 'i32'],
  ],
  i64: [
    ['i64.extend_i32_s', 'i32'], ['i64.extend_i32_u', 'i32'], ['i64.trunc_f32_s', 'f32'], ['i64.trunc_f32_u', 'f32'],
    ['i64.trunc_f64_s', 'f64'], ['i64.trunc_f64_u', 'f64'], ['i64.trunc_sat_f32_s', 'f32'], ['i64.trunc_sat_f32_u', 'f32'],
    ['i64.trunc_sat_f64_s', 'f64'], ['i64.trunc_sat_f64_u', 'f64'],
  ],
  f32: [
    ['f32.convert_i32_s', 'i32'], ['f32.convert_i32_u', 'i32'], ['f32.convert_i64_s', 'i64'], ['f32.convert_i64_u', 'i64'],
    ['f32.demote_f64', 'f64'], ['f32.reinterpret_i32', 'i32'],
  ],
  f64: [
    ['f64.convert_i32_s', 'i32'], ['f64.convert_i32_u', 'i32'], ['f64.convert_i64_s', 'i64'], ['f64.convert_i64_u', 'i64'],
    ['f64.promote_f32', 'f32'], ['f64.reinterpret_i64', 'i64'],
  ],
};

/** Reinterpretations from a float, whose operand must be canonicalized first: [instruction, operand type]. */
const REINTERPRET_FROM_FLOAT: Record<'i32' | 'i64', readonly [string, 'f32' | 'f64']> = {
  i32: ['i32.reinterpret_f32', 'f32'], i64: ['i64.reinterpret_f64', 'f64'],
};

const LOADS: Record<T, readonly string[]> = {
  i32: ['i32.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u'],
  i64: ['i64.load', 'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u'],
  f32: ['f32.load'],
  f64: ['f64.load'],
};
const STORES: Record<'i32' | 'i64', readonly string[]> = {
  i32: ['i32.store', 'i32.store8', 'i32.store16'],
  i64: ['i64.store', 'i64.store8', 'i64.store16', 'i64.store32'],
};

export interface Program { readonly wat: string; readonly funcs: readonly Func[] }

export function generateProgram(seed: number): Program {
  const r = new Rng(seed);
  const funcs: Func[] = [];
  const nFuncs = 3 + r.below(4);
  for (let i = 0; i < nFuncs; i++) {
    funcs.push({
      params: Array.from({ length: r.below(4) }, () => r.pick(TYPES)),
      results: Array.from({ length: r.below(5) === 0 ? 0 : r.below(4) === 0 ? 2 + r.below(2) : 1 }, () => r.pick(TYPES)),
    });
  }
  const bodies = funcs.map((f, i) => new FuncGen(r, funcs, i).generate());
  const sig = (f: Func): string =>
    `${f.params.length ? ` (param ${f.params.join(' ')})` : ''}${f.results.length ? ` (result ${f.results.join(' ')})` : ''}`;
  const types = funcs.map((f, i) => `  (type $t${i} (func${sig(f)}))`).join('\n');
  const wat = `(module
${types}
  (memory (export "mem") 1 ${GENERATE_MEMORY_GROW ? 4 : 1})
  (data (i32.const 0) "\\01\\23\\45\\67\\89\\ab\\cd\\ef\\00\\00\\c0\\7f\\00\\00\\80\\ff\\ff\\ff\\ff\\ff\\00\\00\\00\\80")
  (data $passive "\\de\\ad\\be\\ef\\00\\00\\f8\\7f\\01\\00\\a0\\7f")
  (global $g0 (export "g0") (mut i32) (i32.const 17))
  (global $g1 (export "g1") (mut i64) (i64.const -3))
  (global $g2 (export "g2") (mut f32) (f32.const 0.5))
  (global $g3 (export "g3") (mut f64) (f64.const -2.25))
  (global $h0 (mut i32) (i32.const -5))
  (global $h1 (mut i64) (i64.const 0x100000001))
  (global $h2 (mut f32) (f32.const 1.5))
  (global $h3 (mut f64) (f64.const 0.125))
  (table (export "tab") ${funcs.length} funcref)
  (elem (i32.const 0) ${funcs.map((_, i) => `$f${i}`).join(' ')})
${bodies.join('\n')}
)`;
  return { wat, funcs };
}

const GLOBAL_OF: Record<T, string> = { i32: '$g0', i64: '$g1', f32: '$g2', f64: '$g3' };
const INTERNAL_GLOBAL_OF: Record<T, string> = { i32: '$h0', i64: '$h1', f32: '$h2', f64: '$h3' };


/** memory.grow and memory.size in generated programs (on by default; DIFF_GROW=0 leaves them out). */
export const GENERATE_MEMORY_GROW = process.env.DIFF_GROW !== '0';


class FuncGen {
  private readonly locals: T[] = [];
  private readonly counters: string[] = [];
  private readonly scratches: T[] = [];
  private readonly labels: Label[] = [];
  private labelCount = 0;
  private callBudget = 3;
  private inLoop = 0;
  private readonly self: Func;

  constructor(private readonly r: Rng, private readonly funcs: readonly Func[], private readonly index: number) {
    this.self = funcs[index]!;
    this.locals.push(...this.self.params);
    for (let n = r.below(4); n > 0; n--) this.locals.push(r.pick(TYPES));
  }

  generate(): string {
    const stmts = Array.from({ length: 1 + this.r.below(4) }, () => this.stmt(3)).join('\n    ');
    const results = this.self.results.map((t) => this.expr(t, 4)).join('\n    ');
    const declared = this.locals.slice(this.self.params.length);
    const locals = [
      ...declared.map((t) => `(local ${t})`),
      ...this.counters.map((c) => `(local ${c} i32)`),
      ...this.scratches.map((t) => `(local $s_${t} ${t})`),
    ].join(' ');
    const f = this.self;
    const sig = `${f.params.length ? ` (param ${f.params.join(' ')})` : ''}${f.results.length ? ` (result ${f.results.join(' ')})` : ''}`;
    return `  (func $f${this.index} (export "f${this.index}")${sig} ${locals}\n    ${stmts}\n    ${results})`;
  }

  private label(type: T | null, isLoop = false): Label {
    return { name: `$L${this.labelCount++}`, type, isLoop };
  }

  /**
   * A global of type `t`: exported (wajit keeps it in a cell, and the harness compares its value after each
   * call) or not (kept in plain variables, seen only through results).
   */
  private global(t: T): string {
    return this.r.below(2) === 0 ? INTERNAL_GLOBAL_OF[t] : GLOBAL_OF[t];
  }

  private const(t: T): string {
    return `(${t}.const ${this.r.pick(CONSTS[t])})`;
  }

  private localOf(t: T): number | undefined {
    const candidates = this.locals.flatMap((lt, i) => (lt === t ? [i] : []));
    return candidates.length ? this.r.pick(candidates) : undefined;
  }

  /** An address: usually masked into the page (aligned or not), sometimes anything (may trap). */
  private addr(depth: number): string {
    const a = this.expr('i32', depth - 1);
    switch (this.r.below(12)) {
      case 0: return a;
      case 1: return `(i32.and ${a} (i32.const 0xffff))`;
      case 2: return `(i32.and ${a} (i32.const 0xfff8))`;
      default: return `(i32.and ${a} (i32.const 0x7ff8))`;
    }
  }

  private offset(): string {
    return this.r.below(10) === 0 ? ' offset=65528' : this.r.pick(['', '', ' offset=1', ' offset=3', ' offset=8']);
  }

  expr(t: T, depth: number): string {
    const r = this.r;
    if (depth <= 0 || r.below(5) === 0) {
      const l = this.localOf(t);
      const k = r.below(3);
      if (k === 0 && l !== undefined) return `(local.get ${l})`;
      if (k === 1) return `(global.get ${this.global(t)})`;
      return this.const(t);
    }
    const d = depth - 1;
    const isInt = t === 'i32' || t === 'i64';
    switch (r.below(20)) {
      case 0: case 1:
        return `(${t}.${r.pick(UNARY[t])} ${this.expr(t, d)})`;
      case 2: case 3: case 4:
        return `(${t}.${r.pick(isInt ? INT_BINARY : FLOAT_BINARY)} ${this.expr(t, d)} ${this.expr(t, d)})`;
      case 5: {
        if (t !== 'i32') return this.expr(t, d);
        const u = r.pick(TYPES);
        const ops = u === 'i32' || u === 'i64' ? INT_REL : FLOAT_REL;
        return `(${u}.${r.pick(ops)} ${this.expr(u, d)} ${this.expr(u, d)})`;
      }
      case 6: {
        const [op, from] = r.pick(CONVERT[t]);
        return `(${op} ${this.expr(from, d)})`;
      }
      case 7:
        return `(${r.pick(LOADS[t])}${this.offset()} ${this.addr(d)})`;
      case 8:
        return `(select ${this.expr(t, d)} ${this.expr(t, d)} ${this.expr('i32', d)})`;
      case 9: {
        const l = this.localOf(t);
        return l === undefined ? this.expr(t, d) : `(local.tee ${l} ${this.expr(t, d)})`;
      }
      case 10: {
        const label = this.label(t);
        this.labels.push(label);
        const body = `(block ${label.name} (result ${t}) ${this.stmt(d)} (drop (br_if ${label.name} ${this.expr(t, d)} ${this.expr('i32', d)})) ${this.expr(t, d)})`;
        this.labels.pop();
        return body;
      }
      case 11: {
        const cond = this.expr('i32', d);
        const label = this.label(t);
        this.labels.push(label);
        const body = `(if ${label.name} (result ${t}) ${cond} (then ${this.stmt(d)} ${this.expr(t, d)}) (else ${this.expr(t, d)}))`;
        this.labels.pop();
        return body;
      }
      case 12:
        return this.call(t, d) ?? this.expr(t, d);
      case 13: {
        // A branch out in value position: the enclosing expression becomes unreachable.
        const targets = this.labels.filter((l) => !l.isLoop);
        if (targets.length === 0 || r.below(3) !== 0) return this.expr(t, d);
        const target = r.pick(targets);
        const value = target.type ? this.expr(target.type, d) : '';
        if (r.below(2) === 0) return `(br ${target.name} ${value})`;
        const same = targets.filter((l) => l.type === target.type);
        const list = Array.from({ length: 1 + r.below(4) }, () => r.pick(same).name).join(' ');
        return `(br_table ${list} ${target.name} ${value} ${this.expr('i32', d)})`;
      }
      case 14:
        if (GENERATE_MEMORY_GROW && t === 'i32' && r.below(4) === 0) {
          return r.below(2) ? '(memory.size)' : `(memory.grow (i32.and ${this.expr('i32', d)} (i32.const 1)))`;
        }
        return r.below(20) === 0 ? '(unreachable)' : this.multiBlock(t, d);
      case 15:
        return r.below(2) === 0 ? this.loopWithParam(t, d) : this.multiBlock(t, d);
      case 16:
        return r.below(8) === 0 ? `(return ${this.self.results.map((u) => this.expr(u, d)).join(' ')})` : this.expr(t, d);
      case 17: {
        // Float bits made visible: a reinterpretation to an integer, or copysign's sign source; canonicalized.
        if (t === 'i32' || t === 'i64') {
          const [op, from] = REINTERPRET_FROM_FLOAT[t];
          return `(${op} ${this.canon(from, this.expr(from, d))})`;
        }
        return `(${t}.copysign ${this.expr(t, d)} ${this.canon(t, this.expr(t, d))})`;
      }
      case 18:
        if (t === 'i32') return this.tableExpr(d);
        return this.expr(t, d);
      default:
        return isInt ? `(${t}.${r.pick(INT_BINARY)} ${this.expr(t, d)} ${this.const(t)})` : `(${t}.mul ${this.expr(t, d)} ${this.const(t)})`;
    }
  }

  /**
   * `x` (of float type t) with any NaN replaced by the canonical NaN, so its bits are the same on every
   * engine: select(x, nan, x == x), x kept in the type's scratch local between its uses.
   */
  private canon(t: 'f32' | 'f64', x: string): string {
    const s = this.scratch(t);
    return `(select (local.tee ${s} ${x}) (${t}.const nan) (${t}.eq (local.get ${s}) (local.get ${s})))`;
  }

  /** An i32 from the table: its size, a grow by 0 or 1 null entries, or whether an entry is null. */
  private tableExpr(depth: number): string {
    switch (this.r.below(3)) {
      case 0: return '(table.size)';
      case 1: return `(table.grow (ref.null func) (i32.and ${this.expr('i32', depth)} (i32.const 1)))`;
      default: return `(ref.is_null (table.get (i32.and ${this.expr('i32', depth)} (i32.const 7))))`;
    }
  }

  /**
   * A block with two results (the second of a random type), a branch out of it carrying both, and the
   * second result dropped afterwards; or the two results swapped through a block with parameters.
   */
  private multiBlock(t: T, depth: number): string {
    const u = this.r.pick(TYPES);
    const label = this.label(null);
    const first = `${this.stmt(depth)} ${this.expr(t, depth)} ${this.expr(u, depth)}`;
    const branch = `(br_if ${label.name} ${this.expr('i32', depth)}) (drop) (drop)`;
    const inner = `(block ${label.name} (result ${t} ${u}) ${first} ${branch} ${this.expr(t, depth)} ${this.expr(u, depth)})`;
    if (this.r.below(2) === 0) return `(block (result ${t}) ${inner} (drop))`;
    const st = this.scratch(t);
    const su = this.scratch(u);
    const swap = `(block (param ${t} ${u}) (result ${u} ${t}) (local.set ${su}) (local.set ${st}) (local.get ${su}) (local.get ${st}))`;
    return `(block (result ${t}) ${inner} ${swap} (local.set ${st}) (drop) (local.get ${st}))`;
  }

  /** A scratch local of type `t` (declared on first use), never chosen by local.set/get elsewhere. */
  private scratch(t: T): string {
    const name = `$s_${t}`;
    if (!this.scratches.includes(t)) this.scratches.push(t);
    return name;
  }

  /** A loop with a parameter of type `t`, transformed each round and passed back by br_if, bounded. */
  private loopWithParam(t: T, depth: number): string {
    const c = `$c${this.counters.length}`;
    this.counters.push(c);
    const label = this.label(null, true);
    const isInt = t === 'i32' || t === 'i64';
    const op = isInt ? this.r.pick(['add', 'mul', 'xor', 'rotl', 'sub']) : this.r.pick(['add', 'mul', 'sub', 'min']);
    this.inLoop++;
    const operand = this.expr(t, depth);
    this.inLoop--;
    const init = `(local.set ${c} (i32.const ${1 + this.r.below(4)})) ${this.expr(t, depth)}`;
    const loop = `(loop ${label.name} (param ${t}) (result ${t}) (${t}.${op} ${operand}) ${this.countDown(label.name, c)})`;
    return `(block (result ${t}) ${init} ${loop})`;
  }

  /** Decrements the loop counter `c` and branches back to `label` while it stays positive. */
  private countDown(label: string, c: string): string {
    return `(br_if ${label} (i32.gt_s (local.tee ${c} (i32.sub (local.get ${c}) (i32.const 1))) (i32.const 0)))`;
  }

  /** A call (direct or indirect) to a lower-index function returning `t` first, extra results dropped. */
  private call(t: T, depth: number): string | undefined {
    if (this.callBudget === 0 || this.inLoop > 0) return undefined;
    const candidates = this.funcs.slice(0, this.index).flatMap((f, i) => (f.results[0] === t ? [i] : []));
    if (candidates.length === 0) return undefined;
    this.callBudget--;
    const i = this.r.pick(candidates);
    const f = this.funcs[i]!;
    const args = f.params.map((p) => this.expr(p, depth)).join(' ');
    // call_indirect mostly reaches $f<i>; sometimes another lower function (a type mismatch, unless the types
    // are equal) or an index past the table. Never a function at or above this one: a structurally equal
    // type would allow recursion, whose depth at a stack overflow (and so its side effects) differs by engine.
    const wrong = this.r.below(2) === 0 ? this.r.below(this.index) : this.funcs.length + this.r.below(2);
    const call = this.r.below(3) === 0
      ? `(call_indirect (type $t${i}) ${args} (i32.const ${this.r.below(4) === 0 ? wrong : i}))`
      : `(call $f${i} ${args})`;
    if (f.results.length === 1) return call;
    // Keep the first result: stash it in a block, drop the rest.
    const drops = ' (drop)'.repeat(f.results.length - 1);
    return `(block (result ${t}) ${call}${drops})`;
  }

  stmt(depth: number): string {
    const r = this.r;
    const d = depth - 1;
    switch (depth <= 0 ? r.below(4) : r.below(15)) {
      case 0: {
        const l = r.below(this.locals.length + 1);
        if (l === this.locals.length) return `(drop ${this.expr(r.pick(TYPES), d)})`;
        return `(local.set ${l} ${this.expr(this.locals[l]!, d)})`;
      }
      case 1: {
        const t = r.pick(TYPES);
        return `(global.set ${this.global(t)} ${this.expr(t, d)})`;
      }
      case 2: case 3: {
        const t = r.pick(['i32', 'i64'] as const);
        return `(${r.pick(STORES[t])}${this.offset()} ${this.addr(d)} ${this.expr(t, d)})`;
      }
      case 4: {
        const cond = this.expr('i32', d);
        const label = this.label(null);
        this.labels.push(label);
        const s = `(if ${label.name} ${cond} (then ${this.stmt(d)} ${this.stmt(d)}) (else ${this.stmt(d)}))`;
        this.labels.pop();
        return s;
      }
      case 5: {
        const label = this.label(null);
        this.labels.push(label);
        const s = `(block ${label.name} ${this.stmt(d)} (br_if ${label.name} ${this.expr('i32', d)}) ${this.stmt(d)})`;
        this.labels.pop();
        return s;
      }
      case 6: {
        // A bounded loop: the counter local is written only here.
        const c = `$c${this.counters.length}`;
        this.counters.push(c);
        const label = this.label(null, true);
        this.labels.push(label);
        this.inLoop++;
        const body = `${this.stmt(d)} ${this.stmt(d)}`;
        this.inLoop--;
        this.labels.pop();
        return `(local.set ${c} (i32.const ${1 + r.below(5)})) (loop ${label.name} ${body} ${this.countDown(label.name, c)})`;
      }
      case 7: {
        // br_table over a few nested blocks, each block's code after its end.
        const [a, b, c] = [this.label(null).name, this.label(null).name, this.label(null).name];
        const table = `(br_table ${a} ${c} ${b} ${a} ${this.expr('i32', d)})`;
        return `(block ${a} (block ${b} (block ${c} ${table}) ${this.stmt(d)}) ${this.stmt(d)})`;
      }
      case 8: {
        const t = r.pick(TYPES);
        const call = this.call(t, d);
        return call ? `(drop ${call})` : `(drop ${this.expr(t, d)})`;
      }
      case 9: {
        // Return early from the middle of the function with its results.
        if (r.below(3) !== 0) return this.stmt(d);
        const values = this.self.results.map((t) => this.expr(t, d)).join(' ');
        return `(if ${this.expr('i32', d)} (then (return ${values})))`;
      }
      case 10:
        return this.r.below(2) === 0
          ? `(memory.fill ${this.addr(d)} ${this.expr('i32', d)} (i32.and ${this.expr('i32', d)} (i32.const 63)))`
          : `(memory.copy ${this.addr(d)} ${this.addr(d)} (i32.and ${this.expr('i32', d)} (i32.const 63)))`;
      case 11: {
        // A float store, of a canonicalized value (a NaN's payload would otherwise reach memory).
        const t = r.pick(['f32', 'f64'] as const);
        return `(${t}.store${this.offset()} ${this.addr(d)} ${this.canon(t, this.expr(t, d))})`;
      }
      case 12: {
        // Only null, or a function into its own slot: call_indirect keeps reaching only lower functions.
        const i = r.below(this.funcs.length);
        switch (r.below(3)) {
          case 0: return `(table.set (i32.and ${this.expr('i32', d)} (i32.const 7)) (ref.null func))`;
          case 1: return `(table.set (i32.const ${i}) (ref.func $f${i}))`;
          default: return `(table.fill (i32.and ${this.expr('i32', d)} (i32.const 7)) (ref.null func) (i32.and ${this.expr('i32', d)} (i32.const 3)))`;
        }
      }
      case 13:
        if (r.below(4) === 0) return '(data.drop $passive)';
        return `(memory.init $passive ${this.addr(d)} (i32.and ${this.expr('i32', d)} (i32.const 15)) (i32.and ${this.expr('i32', d)} (i32.const 15)))`;
      default:
        return `(drop ${this.expr(r.pick(TYPES), d)})`;
    }
  }
}
