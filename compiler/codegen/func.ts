// Code generation for one function: IR (ir.ts) to an ESTree FunctionDeclaration.
//
// Values: i32/f32/f64/references lower to one JS expression; i64 lowers to a pair of int32 *atoms*
// (identifiers or literals), computing into scratch variables as needed ("prelude" statements emitted before
// the statement that uses them). Because a prelude runs before the rest of its statement, an operand whose
// prelude is non-empty forces earlier impure sibling operands into scratch variables first, so evaluation
// order (and therefore which trap or effect comes first) stays exactly the wasm order.
//
// Names: locals l<i> (+ l<i>h for the high half of an i64), temps t<i>(h), scratch s<i>, labels L<i>;
// functions f<i>, globals g<i>(h) (module-internal) or G<i> (shared cells), memory M0 with its DataView `dv`,
// tables T<i>, type ids ty<i>. No name from the module ever reaches the generated code.

import * as J from './estree.js';
import type { ES } from './estree.js';
import type { Expr, Stmt, FuncIR, BranchTarget } from '../ir/ir.js';
import type { ValType } from '../ir/module.js';
import type { ModuleInfo } from './module-info.js';
import { CompileError } from '../../runtime/errors.js';

type Pair = { lo: ES.Expression; hi: ES.Expression };

/**
 * How an outlined loop's code leaves it for a label outside (or a return, key -1): `c = code; break X`, and
 * the caller, on that code, takes the branch itself.
 */
interface Exits {
  /** Labels of the loop and of the statements inside it. */
  readonly inside: ReadonlySet<number>;
  /** The block around the loop that exits break out of. */
  readonly block: string;
  readonly byKey: Map<number, { code: number; target: BranchTarget | null }>;
}
type Val = ES.Expression | Pair;

const TRAPPING = new Set([
  'i32.div_s', 'i32.div_u', 'i32.rem_s', 'i32.rem_u', 'i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u',
  'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u',
  'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u',
]);

/** True when evaluating e cannot trap, has no effect, and reads nothing a call or store could change. */
export function isPure(e: Expr): boolean {
  switch (e.kind) {
    case 'const': case 'local.get': case 'temp': case 'ref.null': case 'ref.func': return true;
    case 'unary': return !TRAPPING.has(e.op) && isPure(e.arg);
    case 'binary': return !TRAPPING.has(e.op) && isPure(e.left) && isPure(e.right);
    case 'select': return isPure(e.cond) && isPure(e.ifTrue) && isPure(e.ifFalse);
    case 'ref.is_null': return isPure(e.arg);
    default: return false;
  }
}

const I = J.id;

/** Names by number, each string made once (made per use, they showed as garbage-collection time). */
function namer(prefix: string, suffix = ''): (i: number) => string {
  const made: string[] = [];
  return (i) => made[i] ?? (made[i] = prefix + i + suffix);
}
const lName = namer('l'), lhName = namer('l', 'h'), tName = namer('t'), thName = namer('t', 'h');
const sName = namer('s'), labelName = namer('L'), fName = namer('f');
const qName = namer('q'), qhName = namer('q', 'h');
const lit = J.num;
/** DataView's littleEndian argument: 1, not true (V8 folds either to a constant; one character less per access). */
const LE = () => lit(1);
const or0 = (e: ES.Expression) => J.bin('|', e, lit(0));
const u32 = (e: ES.Expression) => J.bin('>>>', e, lit(0));
// A JS boolean as an i32 0 or 1. `+b` rather than `b ? 1 : 0`: V8 compiles the conditional to a branch, which
// costs ~4x more when the comparison is data-dependent (docs/performance.md, "Comparisons as values").
const bool01 = (e: ES.Expression) => J.unary('+', e);
const fround = (e: ES.Expression) => J.call(I('fround'), [e]);

/** i32 results of simple binary ops, from the two operand expressions. */
const I32_BINARY: Record<string, (a: ES.Expression, b: ES.Expression) => ES.Expression> = {
  'i32.add': (a, b) => or0(J.bin('+', a, b)),
  'i32.sub': (a, b) => or0(J.bin('-', a, b)),
  'i32.mul': (a, b) => J.call(I('imul'), [a, b]),
  'i32.and': (a, b) => J.bin('&', a, b),
  'i32.or': (a, b) => J.bin('|', a, b),
  'i32.xor': (a, b) => J.bin('^', a, b),
  'i32.shl': (a, b) => J.bin('<<', a, b),
  'i32.shr_s': (a, b) => J.bin('>>', a, b),
  'i32.shr_u': (a, b) => or0(J.bin('>>>', a, b)),
};

/** Comparisons as JS booleans (the caller turns them into 0/1 when a value is needed). */
const CMP: Record<string, (a: ES.Expression, b: ES.Expression) => ES.Expression> = {
  'i32.eq': (a, b) => J.bin('===', a, b), 'i32.ne': (a, b) => J.bin('!==', a, b),
  'i32.lt_s': (a, b) => J.bin('<', a, b), 'i32.gt_s': (a, b) => J.bin('>', a, b),
  'i32.le_s': (a, b) => J.bin('<=', a, b), 'i32.ge_s': (a, b) => J.bin('>=', a, b),
  'i32.lt_u': (a, b) => J.bin('<', u32(a), u32(b)), 'i32.gt_u': (a, b) => J.bin('>', u32(a), u32(b)),
  'i32.le_u': (a, b) => J.bin('<=', u32(a), u32(b)), 'i32.ge_u': (a, b) => J.bin('>=', u32(a), u32(b)),
  'f32.eq': (a, b) => J.bin('===', a, b), 'f32.ne': (a, b) => J.bin('!==', a, b),
  'f32.lt': (a, b) => J.bin('<', a, b), 'f32.gt': (a, b) => J.bin('>', a, b),
  'f32.le': (a, b) => J.bin('<=', a, b), 'f32.ge': (a, b) => J.bin('>=', a, b),
  'f64.eq': (a, b) => J.bin('===', a, b), 'f64.ne': (a, b) => J.bin('!==', a, b),
  'f64.lt': (a, b) => J.bin('<', a, b), 'f64.gt': (a, b) => J.bin('>', a, b),
  'f64.le': (a, b) => J.bin('<=', a, b), 'f64.ge': (a, b) => J.bin('>=', a, b),
};

/** Float binary ops: f32 results are rounded with fround (one rounding of the exact double result). */
const FLOAT_BINARY: Record<string, (a: ES.Expression, b: ES.Expression) => ES.Expression> = {
  'f32.add': (a, b) => fround(J.bin('+', a, b)), 'f32.sub': (a, b) => fround(J.bin('-', a, b)),
  'f32.mul': (a, b) => fround(J.bin('*', a, b)), 'f32.div': (a, b) => fround(J.bin('/', a, b)),
  'f64.add': (a, b) => J.bin('+', a, b), 'f64.sub': (a, b) => J.bin('-', a, b),
  'f64.mul': (a, b) => J.bin('*', a, b), 'f64.div': (a, b) => J.bin('/', a, b),
  'f32.min': (a, b) => J.call(I('fmin'), [a, b]), 'f32.max': (a, b) => J.call(I('fmax'), [a, b]),
  'f64.min': (a, b) => J.call(I('fmin'), [a, b]), 'f64.max': (a, b) => J.call(I('fmax'), [a, b]),
  'f32.copysign': (a, b) => J.call(I('fcopysign'), [a, b]), 'f64.copysign': (a, b) => J.call(I('fcopysign'), [a, b]),
};

/** Unary ops from a non-i64 operand to a non-i64 result. */
const UNARY: Record<string, (a: ES.Expression) => ES.Expression> = {
  'i32.eqz': (a) => bool01(J.bin('===', a, lit(0))),
  'i32.clz': (a) => J.call(I('clz32'), [a]),
  'i32.ctz': (a) => J.call(I('i32_ctz'), [a]),
  'i32.popcnt': (a) => J.call(I('i32_popcnt'), [a]),
  'i32.extend8_s': (a) => J.bin('>>', J.bin('<<', a, lit(24)), lit(24)),
  'i32.extend16_s': (a) => J.bin('>>', J.bin('<<', a, lit(16)), lit(16)),
  'f32.abs': (a) => J.call(I('fabs'), [a]), 'f64.abs': (a) => J.call(I('fabs'), [a]),
  'f32.neg': (a) => J.unary('-', a), 'f64.neg': (a) => J.unary('-', a),
  'f32.ceil': (a) => J.call(I('fceil'), [a]), 'f64.ceil': (a) => J.call(I('fceil'), [a]),
  'f32.floor': (a) => J.call(I('ffloor'), [a]), 'f64.floor': (a) => J.call(I('ffloor'), [a]),
  'f32.trunc': (a) => J.call(I('ftrunc'), [a]), 'f64.trunc': (a) => J.call(I('ftrunc'), [a]),
  'f32.nearest': (a) => J.call(I('fnearest'), [a]), 'f64.nearest': (a) => J.call(I('fnearest'), [a]),
  'f32.sqrt': (a) => fround(J.call(I('fsqrt'), [a])), 'f64.sqrt': (a) => J.call(I('fsqrt'), [a]),
  'i32.trunc_f32_s': (a) => J.call(I('i32_trunc_s'), [a]), 'i32.trunc_f64_s': (a) => J.call(I('i32_trunc_s'), [a]),
  'i32.trunc_f32_u': (a) => J.call(I('i32_trunc_u'), [a]), 'i32.trunc_f64_u': (a) => J.call(I('i32_trunc_u'), [a]),
  'i32.trunc_sat_f32_s': (a) => J.call(I('i32_trunc_sat_s'), [a]), 'i32.trunc_sat_f64_s': (a) => J.call(I('i32_trunc_sat_s'), [a]),
  'i32.trunc_sat_f32_u': (a) => J.call(I('i32_trunc_sat_u'), [a]), 'i32.trunc_sat_f64_u': (a) => J.call(I('i32_trunc_sat_u'), [a]),
  'f32.convert_i32_s': (a) => fround(a), 'f32.convert_i32_u': (a) => fround(u32(a)),
  'f64.convert_i32_s': (a) => a, 'f64.convert_i32_u': (a) => u32(a),
  'f32.demote_f64': (a) => fround(a), 'f64.promote_f32': (a) => J.call(I('f64_promote_f32'), [a]),
  'i32.reinterpret_f32': (a) => J.call(I('i32_reinterpret_f32'), [a]),
  'f32.reinterpret_i32': (a) => J.call(I('f32_reinterpret_i32'), [a]),
};

/** i64 ops implemented by a runtime helper that returns lo and leaves hi in RI[0]. */
const I64_BINARY_HELPER = new Set(['i64.add', 'i64.sub', 'i64.mul', 'i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u']);
const I64_SHIFT_HELPER = new Set(['i64.shl', 'i64.shr_s', 'i64.shr_u', 'i64.rotl', 'i64.rotr']);

/**
 * f32 operators whose NaN results need only be arithmetic NaNs (any payload with the quiet bit), so an
 * operand may be loaded with the hardware's NaN-quieting f32 read.
 */
const F32_ARITH = new Set(['f32.add', 'f32.sub', 'f32.mul', 'f32.div', 'f32.eq', 'f32.ne', 'f32.lt', 'f32.gt', 'f32.le', 'f32.ge']);

/** Trapping float-to-i32 truncations: the open interval of operands that truncate to an in-range result. */
const TRUNC_I32: Record<string, [number, number]> = {
  'i32.trunc_f32_s': [-2147483649, 2147483648], 'i32.trunc_f64_s': [-2147483649, 2147483648],
  'i32.trunc_f32_u': [-1, 4294967296], 'i32.trunc_f64_u': [-1, 4294967296],
};

/** Loads: DataView getter and whether the value is little-endian multi-byte. */
const LOADS: Record<string, [string, boolean]> = {
  'i32.load': ['getInt32', true], 'f64.load': ['getFloat64', true],
  'i32.load8_s': ['getInt8', false], 'i32.load8_u': ['getUint8', false],
  'i32.load16_s': ['getInt16', true], 'i32.load16_u': ['getUint16', true],
  'i64.load8_s': ['getInt8', false], 'i64.load8_u': ['getUint8', false],
  'i64.load16_s': ['getInt16', true], 'i64.load16_u': ['getUint16', true],
  'i64.load32_s': ['getInt32', true], 'i64.load32_u': ['getInt32', true],
};
const STORES: Record<string, [string, boolean]> = {
  'i32.store': ['setInt32', true], 'f64.store': ['setFloat64', true],
  'i32.store8': ['setInt8', false], 'i32.store16': ['setInt16', true],
  'i64.store8': ['setInt8', false], 'i64.store16': ['setInt16', true], 'i64.store32': ['setInt32', true],
};

export class FuncGen {
  /** The statement list being filled. */
  private out: ES.Statement[] = [];
  private scratch = 0;
  private maxScratch = 0;
  private readonly usedLabels = new Set<number>();
  /** Nesting depth of every block-like statement (computed once, iteratively). */
  private depths = new Map<Stmt, number>();
  /** Labels of flattened block chains: a branch sets `pc` and re-enters the dispatch loop (or leaves it). */
  private readonly chainTargets = new Map<number, { dispatch: string; pc: number }>();
  private usesPc = false;
  /**
   * The DataView that memory accesses go through: the module's `dv`, or inside a loop where memory cannot
   * grow (IR `fixedMemory`), the local `dl`, copied from `dv` before the loop.
   */
  private memView = 'dv';
  private usesDl = false;
  /** f32.load expressions whose value feeds f32 arithmetic directly (see expr). */
  private readonly rawF32Loads = new Set<Expr>();
  /** Weights (see weigh) of the function and of each of its loops; empty when nothing is outlined. */
  private weights = new Map<Stmt | null, number>();
  /** Weight of the code being generated: the function, or the outlined loop it is inside. */
  private unitWeight = 0;
  /** Loops of the unit the statement being generated is in (those that make up most of it do not count). */
  private loopDepth = 0;
  /** While generating an outlined loop: how its branches to labels outside it (and returns) leave it. */
  private exits: Exits | null = null;
  /** Whether some outlined loop returns from the function (its values pass through the q variables). */
  private usesQ = false;
  /** Functions holding the outlined loops of this one, declared next to it. */
  readonly outlined: ES.FunctionDeclaration[] = [];

  constructor(private readonly info: ModuleInfo, private readonly f: FuncIR) {}

  generate(): ES.FunctionDeclaration {
    try {
      return this.generateBody();
    } catch (e) {
      // Control flow nested deeper than the generator's own stack allows (block chains are flattened, but
      // e.g. thousands of nested ifs are not): a clear limit error instead of a stack overflow.
      if (e instanceof RangeError) {
        throw new CompileError('control flow nested too deeply to compile to JavaScript', this.f.at, 'nesting-too-deep');
      }
      throw e;
    }
  }

  private generateBody(): ES.FunctionDeclaration {
    const f = this.f;
    collectLabels(f.body, this.usedLabels);
    // Most functions are shallow: the per-statement depths are only worth computing for deep ones.
    if (maxNesting(f.body) > DEEP) this.depths = nestingDepths(f.body);
    const params: string[] = [];
    f.params.forEach((t, i) => { params.push(lName(i)); if (t === 'i64') params.push(lhName(i)); });
    if (this.depths.size === 0 && this.info.outline !== 'none') {
      this.weights = weigh(f.body);
      this.unitWeight = this.weights.get(null)!;
    }
    J.setPos(f.at);
    const body = this.stmts(f.body);
    // Only a function that calls can recurse: a call-free one runs a bounded time between its loop headers.
    if (this.info.metered && hasCall(f.body)) body.unshift(meter(fuelCost(f.body)));
    const decls: [string, ES.Expression | null][] = [];
    for (let i = f.params.length; i < f.locals.length; i++) declare(decls, lName(i), f.locals[i]);
    f.temps.forEach((t, i) => declare(decls, tName(i), t));
    for (let i = 0; i < this.maxScratch; i++) decls.push([sName(i), lit(0)]);
    if (this.usesPc) decls.push(['pc', lit(0)]);
    if (this.usesDl) decls.push(['dl', lit(0)]);
    if (this.usesQ) f.results.forEach((t, i) => declare(decls, qName(i), t));
    if (decls.length) body.unshift(J.letDecl(decls));
    J.setPos(f.at);
    return J.funcDecl(fName(f.index), params, body);
  }

  // ---- statements ---------------------------------------------------------------------------------------

  private stmts(list: readonly Stmt[]): ES.Statement[] {
    const saved = this.out;
    this.out = [];
    for (const s of list) {
      this.scratch = 0;
      J.setPos(s.at);
      this.stmt(s);
    }
    const res = this.out;
    this.out = saved;
    return res;
  }

  private emit(s: ES.Statement): void {
    this.out.push(s);
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'local.set': return this.setVar(lName(s.index), s.value);
      case 'global.set': {
        const g = this.info.globalRef(s.index);
        return this.assignTo(g.lo, g.hi, s.value);
      }
      case 'eval': return this.evalStmt(s.value, s.results);
      case 'store': return this.store(s);
      case 'block': {
        if ((this.depths.get(s) ?? 0) > DEEP) return this.flatChain(s);
        const body = this.stmts(s.body);
        J.setPos(s.at);
        this.emit(this.usedLabels.has(s.label) ? J.labeled(labelName(s.label), J.block(body)) : J.block(body));
        return;
      }
      case 'loop':
        if (this.shouldOutline(s)) return this.outline(s);
        return this.loopStmt(s);
      case 'if': {
        const test = this.cond(s.cond);
        const then = this.stmts(s.then);
        const els = s.else.length ? this.stmts(s.else) : null;
        J.setPos(s.at);
        const node = J.ifStmt(test, J.block(then), els ? J.block(els) : null);
        this.emit(this.usedLabels.has(s.label) ? J.labeled(labelName(s.label), node) : node);
        return;
      }
      case 'br': {
        const vals = this.list(s.values);
        this.out.push(...this.jump(s.target, vals));
        return;
      }
      case 'br_if': {
        const vals = this.list(s.values);
        const test = this.cond(s.cond);
        this.emit(J.ifStmt(test, J.block(this.jump(s.target, vals))));
        return;
      }
      case 'br_table': return this.brTable(s);
      case 'return': {
        const vals = this.list(s.values);
        this.out.push(...this.returnStmts(vals, this.f.results));
        return;
      }
      case 'unreachable':
        this.emit(J.exprStmt(J.call(I('trap'), [lit(0)])));
        return;
      case 'memory.init': return this.helperStmt('memory_init', [I('M0'), J.index(J.member(I('I'), 'data'), lit(s.data))], [s.dest, s.src, s.len]);
      case 'data.drop': this.emit(J.assignStmt(J.index(J.member(I('I'), 'data'), lit(s.data)), J.nul())); return;
      case 'memory.copy': return this.helperStmt('memory_copy', [I('M0'), I('M0')], [s.dest, s.src, s.len]);
      case 'memory.fill': return this.helperStmt('memory_fill', [I('M0')], [s.dest, s.value, s.len]);
      case 'table.init': return this.helperStmt('table_init', [I(`T${s.table}`), J.index(J.member(I('I'), 'elems'), lit(s.elem))], [s.dest, s.src, s.len]);
      case 'elem.drop': this.emit(J.assignStmt(J.index(J.member(I('I'), 'elems'), lit(s.elem)), J.nul())); return;
      case 'table.copy': return this.helperStmt('table_copy', [I(`T${s.dstTable}`), I(`T${s.srcTable}`)], [s.dest, s.src, s.len]);
      case 'table.fill': return this.helperStmt('table_fill', [I(`T${s.table}`)], [s.index, s.value, s.len]);
      case 'table.set': return this.helperStmt('table_set', [I(`T${s.table}`)], [s.index, s.value]);
    }
  }

  private loopStmt(s: Extract<Stmt, { kind: 'loop' }>): void {
    // A loop that accesses memory but cannot grow it (no call, no memory.grow) reads the DataView from a
    // local: V8 then loads it (and checks its map) once per entry instead of once per access.
    const local = this.memView === 'dv' && s.fixedMemory;
    if (local) this.memView = 'dl';
    // Only loops not nested in another loop of the unit are outlined (each runs once per run of the unit, not
    // once per iteration of an enclosing loop, where the transfer of variables would add up).
    const nested = this.dominates(s) ? 0 : 1;
    this.loopDepth += nested;
    const body = this.stmts(s.body);
    this.loopDepth -= nested;
    J.setPos(s.at);
    if (local) {
      this.memView = 'dv';
      this.usesDl = true;
      this.emit(J.assignStmt(I('dl'), I('dv')));
    }
    if (this.info.metered) body.unshift(meter(fuelCost(s.body)));
    if (!endsInJump(s.body)) body.push(J.brk(null));
    this.emit(J.labeled(labelName(s.label), J.whileTrue(J.block(body))));
  }

  // ---- outlined loops -------------------------------------------------------------------------------------

  /**
   * A large function is compiled by V8 as a whole: each time a path first taken after optimization deoptimizes
   * it, and each on-stack replacement in one of its loops, recompiles all of it (i64-hash's main, with three
   * kernels inlined: 24 KB of bytecode, 30+ ms a compile, three times in a 20 ms run of native code). A loop
   * of such a function goes to a function of its own when it is a sizeable part of the code but not nearly
   * all of it: its tier-up and deoptimizations then cost a compile of the loop alone.
   */
  private shouldOutline(s: Extract<Stmt, { kind: 'loop' }>): boolean {
    const mode = this.info.outline;
    if (mode === 'none') return false;
    // Every variable travels in a return area (1024 slots of each kind).
    if (2 * (this.f.locals.length + this.f.temps.length + this.f.results.length) > 1000) return false;
    if (mode === 'all') return true;
    if (this.unitWeight < OUTLINE_UNIT || this.loopDepth > 0) return false;
    const w = this.weights.get(s) ?? 0;
    return w >= OUTLINE_MIN && !this.dominates(s);
  }

  /** A loop that is most of its unit: outlining it would only move the unit; its own loops are candidates. */
  private dominates(s: Stmt): boolean {
    return this.unitWeight >= OUTLINE_UNIT && (this.weights.get(s) ?? 0) > this.unitWeight * OUTLINE_SHARE;
  }

  /**
   * The loop becomes `function fN$L() { let vars = RI[..]; X: { loop } RI[..] = vars written; return c; }`: the
   * caller puts every variable of the function the loop reads or writes in the return areas and takes back
   * those it writes (once per run of the loop, not per iteration). A branch out of the loop sets the code `c`
   * and leaves the block; the call site then takes the branch (or returns, the values coming back in the q
   * variables).
   */
  private outline(s: Extract<Stmt, { kind: 'loop' }>): void {
    const name = `${fName(this.f.index)}$${s.label}`;
    const saved = {
      out: this.out, scratch: this.scratch, maxScratch: this.maxScratch, usesPc: this.usesPc,
      usesDl: this.usesDl, memView: this.memView, exits: this.exits, unit: this.unitWeight, depth: this.loopDepth,
    };
    const exits: Exits = { inside: labelsIn(s), block: `X${s.label}`, byKey: new Map() };
    this.out = [];
    this.scratch = 0;
    this.maxScratch = 0;
    this.usesPc = false;
    this.usesDl = false;
    this.memView = 'dv';
    this.exits = exits;
    this.unitWeight = this.weights.get(s) ?? 0;
    this.loopDepth = 0;
    this.loopStmt(s);
    const loop = this.out;
    const locals: [string, ES.Expression | null][] = [];
    for (let i = 0; i < this.maxScratch; i++) locals.push([sName(i), lit(0)]);
    if (this.usesPc) locals.push(['pc', lit(0)]);
    if (this.usesDl) locals.push(['dl', lit(0)]);
    this.out = saved.out;
    this.scratch = saved.scratch;
    this.maxScratch = saved.maxScratch;
    this.usesPc = saved.usesPc;
    this.usesDl = saved.usesDl;
    this.memView = saved.memView;
    this.exits = saved.exits;
    this.unitWeight = saved.unit;
    this.loopDepth = saved.depth;

    const { used, written } = variablesOf(loop);
    // In and out through the return areas, untagged (as arguments, an int32 above 2^30 would be boxed). Each
    // variable's slot: its area and its index there.
    const slotted = (names: string[]) => {
      const next = { i: 0, f: 0, r: 0 };
      return names.map((n) => {
        const kind = this.kindOf(n), k = next[kind]++;
        return { name: n, slot: () => J.index(I(AREA[kind]), lit(k)) };
      });
    };
    const ins = slotted([...used].filter((n) => n[0] !== 'q'));
    const outs = slotted([...written]);
    for (const v of ins) locals.push([v.name, v.slot()]);
    if (exits.byKey.size > 0) locals.push(['c', lit(0)]);
    for (const n of written) if (n[0] === 'q') locals.push([n, this.qZero(n)]);
    J.setPos(s.at);
    const body: ES.Statement[] = [];
    if (locals.length) body.push(J.letDecl(locals));
    body.push(J.labeled(exits.block, J.block(loop)));
    for (const o of outs) body.push(J.assignStmt(o.slot(), I(o.name)));
    body.push(J.ret(exits.byKey.size > 0 ? I('c') : null));
    this.outlined.push(J.funcDecl(name, [], body));

    // The call site: the loop's variables in, the call, the variables it wrote back, then the branch it took.
    for (const v of ins) this.emit(J.assignStmt(v.slot(), I(v.name)));
    const call = J.call(I(name), []);
    const code = exits.byKey.size > 0 ? this.newScratch() : null;
    this.emit(code ? J.assignStmt(code, call) : J.exprStmt(call));
    for (const o of outs) this.emit(J.assignStmt(I(o.name), o.slot()));
    if (code === null) return;
    const cases: ES.SwitchCase[] = [];
    for (const { code: k, target } of exits.byKey.values()) {
      let stmts: ES.Statement[];
      if (target === null) {
        this.usesQ = true;
        const vals: Val[] = this.f.results.map((t, i) => t === 'i64' ? { lo: I(qName(i)), hi: I(qhName(i)) } : I(qName(i)));
        stmts = this.returnStmts(vals, this.f.results);
      } else stmts = this.jump({ ...target, temps: [] }, []);
      cases.push(J.switchCase(lit(k), stmts));
    }
    this.emit(J.switchStmt(code, cases));
  }

  /** Leaves the outlined loop being generated for `key` (a label, or -1 for a return). */
  private leave(key: number, target: BranchTarget | null): ES.Statement[] {
    const exits = this.exits!;
    let e = exits.byKey.get(key);
    if (e === undefined) {
      e = { code: exits.byKey.size + 1, target };
      exits.byKey.set(key, e);
    }
    return [J.assignStmt(I('c'), lit(e.code)), J.brk(exits.block)];
  }

  /** The return area a function variable travels in: RI for integers (and i64 halves), RF, RR. */
  private kindOf(name: string): 'i' | 'f' | 'r' {
    if (name.endsWith('h')) return 'i';
    const n = Number(name.slice(1));
    const t = name[0] === 'l' ? this.f.locals[n] : name[0] === 't' ? this.f.temps[n] : this.f.results[n];
    return slotKind(t!);
  }

  private qZero(name: string): ES.Expression {
    if (name.endsWith('h')) return lit(0);
    const t = this.f.results[Number(name.slice(1))];
    return t === 'funcref' || t === 'externref' ? J.nul() : lit(0);
  }

  private helperStmt(name: string, fixed: ES.Expression[], ops: readonly Expr[]): void {
    const vals = this.list(ops) as ES.Expression[];
    this.emit(J.exprStmt(J.call(I(name), [...fixed, ...vals])));
  }

  /** Assigns an IR value to a variable pair named `name` / `name + 'h'`. */
  private setVar(name: string, value: Expr): void {
    this.assignTo(I(name), value.type === 'i64' ? I(name + 'h') : null, value);
  }

  private assignTo(lo: ES.Pattern | ES.MemberExpression, hi: ES.Pattern | ES.MemberExpression | null, value: Expr): void {
    if (value.type === 'i64') {
      const p = this.pair(value);
      this.emit(J.assignStmt(lo, p.lo));
      this.emit(J.assignStmt(hi!, p.hi));
    } else {
      this.emit(J.assignStmt(lo, this.expr(value)));
    }
  }

  private evalStmt(value: Expr, results: readonly number[]): void {
    if (results.length === 0) {
      if (value.type === 'i64') this.pair(value);
      else if (value.kind === 'call' || value.kind === 'call_indirect') this.emit(J.exprStmt(this.callExpr(value)));
      else this.emit(J.exprStmt(this.expr(value)));
      return;
    }
    if (results.length === 1) return this.setVar(tName(results[0]!), value);
    // Several results: only calls produce them. The first slot is returned, the rest come from RI/RF/RR.
    const call = this.callExpr(value as Extract<Expr, { kind: 'call' | 'call_indirect' }>);
    const types = results.map((r) => this.f.temps[r]);
    const slots = flatSlots(types, results);
    this.emit(J.assignStmt(I(slots[0].name), call));
    const counters = { i: 0, f: 0, r: 0 };
    for (let k = 1; k < slots.length; k++) {
      this.emit(J.assignStmt(I(slots[k].name), retSlot(slots[k].kind, counters)));
    }
  }

  private store(s: Extract<Stmt, { kind: 'store' }>): void {
    let [addr, value] = this.list([s.addr, s.value]);
    // `dv.setX(a, v)` reads dv before a and v: if they can grow memory, evaluate them first.
    if (mayGrow(s.addr) || mayGrow(s.value)) {
      addr = this.atom(addr as ES.Expression);
      value = isPair(value) ? value : this.atom(value);
    }
    const ea = this.ea(addr as ES.Expression, s.offset);
    const dv = I(this.memView);
    if (s.op === 'i64.store') {
      const a = this.atom(ea);
      const p = value as Pair;
      // High word first: if it is in bounds, so is the low word, so a trapping store writes nothing.
      this.emit(J.exprStmt(J.call(J.member(dv, 'setInt32'), [J.bin('+', a, lit(4)), p.hi, LE()])));
      this.emit(J.exprStmt(J.call(J.member(dv, 'setInt32'), [a, p.lo, LE()])));
      return;
    }
    if (s.op === 'f32.store') {
      // A NaN's payload must be written from its bits (a narrowing store would quiet a signalling NaN).
      const a = this.atom(ea);
      const x = this.atom(value as ES.Expression);
      this.emit(J.ifStmt(J.bin('===', x, x),
        J.exprStmt(J.call(J.member(dv, 'setFloat32'), [a, x, LE()])),
        J.exprStmt(J.call(J.member(dv, 'setInt32'), [a, J.call(I('i32_reinterpret_f32'), [x]), LE()]))));
      return;
    }
    const [method, le] = STORES[s.op];
    const v = s.op.startsWith('i64.') ? (value as Pair).lo : (value as ES.Expression);
    const args = [ea, v];
    if (le) args.push(LE());
    this.emit(J.exprStmt(J.call(J.member(dv, method), args)));
  }

  /** Statements that assign branch values to the target's temps and jump. */
  private jump(t: BranchTarget, vals: Val[]): ES.Statement[] {
    if (t.isReturn) return this.returnStmts(vals, this.f.results);
    const out: ES.Statement[] = [];
    t.temps.forEach((id, i) => {
      const v = vals[i];
      if (isPair(v)) {
        out.push(J.assignStmt(I(tName(id)), v.lo), J.assignStmt(I(thName(id)), v.hi));
      } else out.push(J.assignStmt(I(tName(id)), v));
    });
    if (this.exits !== null && !this.exits.inside.has(t.label)) {
      out.push(...this.leave(t.label, t));
      return out;
    }
    const chain = this.chainTargets.get(t.label);
    if (chain) {
      if (chain.pc < 0) out.push(J.brk(chain.dispatch));
      else out.push(J.assignStmt(I('pc'), lit(chain.pc)), J.cont(chain.dispatch));
    } else out.push(t.loop ? J.cont(labelName(t.label)) : J.brk(labelName(t.label)));
    return out;
  }

  /**
   * A chain of blocks each nested in the previous one (as clang emits for a large switch) would nest JS
   * blocks as deep, past what JS parsers accept. Its code is linear though: pre_0 .. pre_n core rest_n ..
   * rest_0, where a branch to block k continues at rest_(k-1). So it becomes one dispatch loop over a
   * switch whose cases fall through in that order:
   *   pc = -1; D: for (;;) { switch (pc) { default: pre.. core rest_n  case n-1: rest_(n-1) .. case 0: rest_0 } break D; }
   * and `br k` is `pc = k - 1; continue D` (block 0: `break D`).
   */
  private flatChain(b0: Extract<Stmt, { kind: 'block' }>): void {
    const chain: Extract<Stmt, { kind: 'block' }>[] = [b0];
    const pre: Stmt[] = [];
    const rests: Stmt[][] = [];
    let cur = b0;
    for (;;) {
      let best = -1, bestDepth = -1;
      cur.body.forEach((x, i) => {
        const d = this.depths.get(x) ?? 0;
        if (x.kind === 'block' && d > bestDepth) { best = i; bestDepth = d; }
      });
      if (best < 0 || bestDepth <= SHALLOW) { append(pre, cur.body); rests.push([]); break; }
      append(pre, cur.body.slice(0, best));
      rests.push(cur.body.slice(best + 1));
      cur = cur.body[best] as Extract<Stmt, { kind: 'block' }>;
      chain.push(cur);
    }
    // rests[k] follows block k+1 inside block k; the innermost block's whole body went to `pre`.
    const dispatch = `D${b0.label}`;
    chain.forEach((b, k) => this.chainTargets.set(b.label, { dispatch, pc: k - 1 }));
    this.usesPc = true;
    const n = chain.length - 1;
    const cases: ES.SwitchCase[] = [J.switchCase(null, this.stmts([...pre, ...rests[n]]))];
    for (let k = n - 1; k >= 0; k--) cases.push(J.switchCase(lit(k), this.stmts(rests[k])));
    J.setPos(b0.at);
    this.emit(J.assignStmt(I('pc'), lit(-1)));
    this.emit(J.labeled(dispatch, J.whileTrue(J.block([J.switchStmt(I('pc'), cases), J.brk(dispatch)]))));
  }

  private returnStmts(vals: Val[], types: readonly ValType[]): ES.Statement[] {
    if (this.exits !== null) {
      // Inside an outlined loop: the values go to the q variables, and the caller returns them.
      const out: ES.Statement[] = [];
      types.forEach((t, i) => {
        const v = vals[i]!;
        if (isPair(v)) out.push(J.assignStmt(I(qName(i)), v.lo), J.assignStmt(I(qhName(i)), v.hi));
        else out.push(J.assignStmt(I(qName(i)), v));
      });
      out.push(...this.leave(-1, null));
      return out;
    }
    if (types.length === 0) return [J.ret(null)];
    const slots: { kind: 'i' | 'f' | 'r'; e: ES.Expression }[] = [];
    types.forEach((t, i) => {
      const v = vals[i];
      if (isPair(v)) slots.push({ kind: 'i', e: v.lo }, { kind: 'i', e: v.hi });
      else slots.push({ kind: slotKind(t), e: v });
    });
    if (slots.length === 1) return [J.ret(slots[0].e)];
    // Every value is computed before the return area is written: a later value may call a function that
    // writes the same area.
    const out: ES.Statement[] = [];
    for (const slot of slots) {
      if (J.isAtom(slot.e)) continue;
      const s = this.newScratch();
      out.push(J.assignStmt(s, slot.e));
      slot.e = s;
    }
    const first = slots[0].e;
    const counters = { i: 0, f: 0, r: 0 };
    for (let k = 1; k < slots.length; k++) out.push(J.assignStmt(retSlot(slots[k].kind, counters), slots[k].e));
    out.push(J.ret(first));
    return out;
  }

  private brTable(s: Extract<Stmt, { kind: 'br_table' }>): void {
    const vals = this.list(s.values);
    // An index `x - c` (clang's switch lowering) switches on x with the case values moved by c: one operation
    // less, and V8 was seen deoptimizing over and over on that subtraction in a recursive function (minivm).
    let bias = 0;
    let indexExpr = s.index;
    if (s.index.kind === 'binary' && (s.index.op === 'i32.sub' || s.index.op === 'i32.add') && s.index.right.kind === 'const') {
      const c = s.index.right.value as number;
      bias = s.index.op === 'i32.sub' ? c : -c;
      indexExpr = s.index.left;
    }
    const index = this.expr(indexExpr);
    const caseValue = (i: number) => lit((i + bias) | 0);
    // Group equal targets into one case with several labels.
    const groups = new Map<BranchTarget, number[]>();
    s.targets.forEach((t, i) => {
      if (t.label === s.default.label) return;
      const key = [...groups.keys()].find((k) => k.label === t.label) ?? t;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(i);
    });
    const cases: ES.SwitchCase[] = [];
    for (const [t, idxs] of groups) {
      idxs.forEach((i, k) => cases.push(J.switchCase(caseValue(i), k === idxs.length - 1 ? this.jump(t, vals) : [])));
    }
    cases.push(J.switchCase(null, this.jump(s.default, vals)));
    if (cases.length === 1) {
      this.emit(J.exprStmt(index));
      this.out.push(...this.jump(s.default, vals));
      return;
    }
    this.emit(J.switchStmt(index, cases));
  }

  // ---- expressions --------------------------------------------------------------------------------------

  private newScratch(): ES.Identifier {
    const n = this.scratch++;
    if (this.scratch > this.maxScratch) this.maxScratch = this.scratch;
    return I(sName(n));
  }

  /**
   * For an expression used twice within one expression: [its first use, later uses]. An atom is both; anything
   * else is assigned to a scratch variable at its first use (`(s = e)`), which keeps evaluation in place.
   */
  private once(e: ES.Expression): [ES.Expression, ES.Expression] {
    if (J.isAtom(e)) return [e, e];
    const s = this.newScratch();
    return [J.assign(s, e), s];
  }

  /** Assigns e to a fresh scratch variable and returns it. */
  private copy(e: ES.Expression): ES.Identifier {
    const s = this.newScratch();
    this.emit(J.assignStmt(s, e));
    return s;
  }

  /** Returns e itself when it is an atom, otherwise a scratch variable assigned e (in a prelude statement). */
  private atom(e: ES.Expression): ES.Expression {
    if (J.isAtom(e)) return e;
    const s = this.newScratch();
    this.emit(J.assignStmt(s, e));
    return s;
  }

  /**
   * Lowers operands in order. When an operand needs prelude statements, earlier operands that are impure
   * are first evaluated into scratch variables, keeping wasm's left-to-right evaluation order.
   */
  private list(es: readonly Expr[]): Val[] {
    const vals: Val[] = [];
    for (let i = 0; i < es.length; i++) {
      const mark = this.out.length;
      vals.push(this.val(es[i]));
      if (this.out.length > mark) {
        const spills: ES.Statement[] = [];
        for (let j = 0; j < i; j++) {
          const v = vals[j];
          // An identifier can still be a global, which the prelude's call may change: purity decides.
          if (isPair(v) || isPure(es[j])) continue;
          const s = this.newScratch();
          spills.push(J.assignStmt(s, v));
          vals[j] = s;
        }
        if (spills.length) this.out.splice(mark, 0, ...spills);
      }
    }
    return vals;
  }

  private val(e: Expr): Val {
    return e.type === 'i64' ? this.pair(e) : this.expr(e);
  }

  /** A JS boolean-ish test for an i32 condition (comparisons stay JS booleans, no 0/1 conversion). */
  private cond(e: Expr): ES.Expression {
    if (e.kind === 'binary' && CMP[e.op]) {
      const [a, b] = this.list([e.left, e.right]) as ES.Expression[];
      return CMP[e.op](a, b);
    }
    if (e.kind === 'binary' && e.left.type === 'i64') {
      const [a, b] = this.list([e.left, e.right]) as Pair[];
      return this.i64Compare(e.op, a, b);
    }
    if (e.kind === 'unary' && e.op === 'i32.eqz') return J.bin('===', this.expr(e.arg), lit(0));
    if (e.kind === 'unary' && e.op === 'i64.eqz') {
      const a = this.pair(e.arg);
      return J.bin('===', J.bin('|', a.lo, a.hi), lit(0));
    }
    return this.expr(e);
  }

  /** Effective address of a memory access: the unsigned base plus the static offset. */
  private ea(addr: ES.Expression, offset: number): ES.Expression {
    const base = addr.type === 'Literal' && typeof addr.value === 'number' ? lit(addr.value >>> 0) : u32(addr);
    if (offset === 0) return base;
    if (base.type === 'Literal') return lit((base.value as number) + offset);
    return J.bin('+', base, lit(offset));
  }

  /** Lowers a non-i64 expression; its nodes carry its own byte offset when positions are tracked. */
  private expr(e: Expr): ES.Expression {
    const saved = J.enterPos(e.at);
    const x = this.exprAt(e);
    J.leavePos(saved);
    return x;
  }

  private exprAt(e: Expr): ES.Expression {
    switch (e.kind) {
      case 'const':
        if (e.type === 'f32' || e.type === 'f64') return this.floatConst(e);
        return lit(e.value as number);
      case 'local.get': return I(lName(e.index));
      case 'temp': return I(tName(e.id));
      case 'global.get': return this.info.globalRef(e.index).lo as ES.Expression;
      case 'unary': {
        if (e.arg.type === 'i64') return this.unaryFromI64(e.op, this.pair(e.arg));
        const range = TRUNC_I32[e.op];
        if (range) {
          // In range (which excludes NaN): ToInt32 truncates toward zero as wasm does. Otherwise the helper traps.
          const [x, again] = this.once(this.expr(e.arg));
          return J.cond(J.logical('&&', J.bin('>', x, lit(range[0])), J.bin('<', again, lit(range[1]))), or0(again),
            J.call(I(e.op.includes('_u') ? 'i32_trunc_u' : 'i32_trunc_s'), [again]));
        }
        return UNARY[e.op](this.expr(e.arg));
      }
      case 'binary': {
        if (e.left.type === 'i64') {
          const [a, b] = this.list([e.left, e.right]) as Pair[];
          return this.i64CompareValue(e.op, a, b);
        }
        if (F32_ARITH.has(e.op)) {
          for (const x of [e.left, e.right]) if (x.kind === 'load' && x.op === 'f32.load') this.rawF32Loads.add(x);
        }
        const [a, b] = this.list([e.left, e.right]) as ES.Expression[];
        if (CMP[e.op]) return bool01(CMP[e.op](a, b));
        if (I32_BINARY[e.op]) return I32_BINARY[e.op](a, b);
        if (FLOAT_BINARY[e.op]) return FLOAT_BINARY[e.op](a, b);
        if (e.op === 'i32.rotl' || e.op === 'i32.rotr') {
          // JS masks shift counts to 5 bits, as the rotation's count is taken mod 32; a count of 0 gives x | x.
          const [x, x2] = this.once(a);
          const [n, n2] = this.once(b);
          const [l, r] = e.op === 'i32.rotl' ? ['<<', '>>>'] as const : ['>>>', '<<'] as const;
          return J.bin('|', J.bin(l, x, n), J.bin(r, x2, J.bin('-', lit(32), n2)));
        }
        const c = literalInt(b);
        if (c !== null && c !== 0) {
          // By a constant that cannot trap: the JS operation, truncated (V8 emits an integer division).
          switch (e.op) {
            case 'i32.div_s': if (c !== -1) return or0(J.bin('/', a, b)); break;
            case 'i32.rem_s': return or0(J.bin('%', a, b));
            case 'i32.div_u': return or0(J.bin('/', u32(a), lit(c >>> 0)));
            case 'i32.rem_u': return or0(J.bin('%', u32(a), lit(c >>> 0)));
          }
        }
        return J.call(I(e.op.replace('.', '_')), [a, b]);
      }
      case 'load': {
        let addr = this.expr(e.addr);
        if (mayGrow(e.addr)) addr = this.atom(addr); // evaluated before `dv` is read
        const ea = this.ea(addr, e.offset);
        if (e.op === 'f32.load' && this.rawF32Loads.has(e)) {
          // Consumed by f32 arithmetic or a comparison, which make any NaN an arithmetic NaN anyway: the
          // hardware's widening (which quiets a signalling NaN, keeping its payload) is then exact enough.
          return J.call(J.member(I(this.memView), 'getFloat32'), [ea, LE()]);
        }
        if (e.op === 'f32.load') {
          // Written out (a call would stay a call once V8's inlining budget is spent): a NaN is re-read from
          // its bits by the helper, keeping its payload.
          const x = this.newScratch();
          const [first, again] = this.once(ea);
          const read = J.assign(x, J.call(J.member(I(this.memView), 'getFloat32'), [first, LE()]));
          return J.cond(J.bin('===', read, x), x, J.call(I('f32_load'), [I(this.memView), again]));
        }
        const [method, le] = LOADS[e.op];
        return J.call(J.member(I(this.memView), method), le ? [ea, LE()] : [ea]);
      }
      case 'select': {
        const [c, a, b] = this.orderedSelect(e);
        if (e.type !== 'i32') return J.cond(c, a as ES.Expression, b as ES.Expression);
        // Branch-free for integers, as wasm engines compile select (a conditional move): a data-dependent
        // `c ? a : b` becomes a branch in V8 and costs ~3x more when unpredictable (sort's heap sift-down).
        const [b1, b2] = this.once(b as ES.Expression);
        return J.bin('^', b1, J.bin('&', J.bin('^', a as ES.Expression, b2), selectMask(c)));
      }
      case 'call': case 'call_indirect': return this.callExpr(e);
      case 'memory.size': return J.member(I('M0'), 'pages');
      case 'memory.grow': return J.call(J.member(I('M0'), 'grow'), [this.expr(e.delta)]);
      case 'ref.null': return J.nul();
      case 'ref.func': return this.info.funcRef(e.func);
      case 'ref.is_null': return bool01(J.bin('===', this.expr(e.arg), J.nul()));
      case 'table.get': return J.call(I('table_get'), [I(`T${e.table}`), this.expr(e.index)]);
      case 'table.size': return J.member(J.member(I(`T${e.table}`), 'elems'), 'length');
      case 'table.grow': {
        const [init, delta] = this.list([e.init, e.delta]) as ES.Expression[];
        return J.call(I('table_grow'), [I(`T${e.table}`), init, delta]);
      }
    }
  }

  /** select: the IR guarantees the arms are pure, so `c ? a : b` is exact (the arms are evaluated first in wasm). */
  private orderedSelect(e: Extract<Expr, { kind: 'select' }>): [ES.Expression, Val, Val] {
    const [a, b, c] = this.list([e.ifTrue, e.ifFalse, e.cond]);
    return [this.condOf(c as ES.Expression), a, b];
  }

  private condOf(c: ES.Expression): ES.Expression {
    return c;
  }

  private floatConst(e: Extract<Expr, { kind: 'const'; type: 'f32' | 'f64' }>): ES.Expression {
    if (!Number.isNaN(e.value)) return lit(e.value);
    // NaN constants keep their exact payload: built once from bits at link time.
    if (e.type === 'f32') return this.info.constant(`f32_from_bits(${e.bits | 0})`, () => J.call(I('f32_from_bits'), [lit(e.bits | 0)]));
    const lo = Number(e.bits & 0xffffffffn) | 0, hi = Number(e.bits >> 32n) | 0;
    return this.info.constant(`f64_from_bits(${lo},${hi})`, () => J.call(I('f64_from_bits'), [lit(lo), lit(hi)]));
  }

  private unaryFromI64(op: string, a: Pair): ES.Expression {
    switch (op) {
      case 'i64.eqz': return bool01(J.bin('===', J.bin('|', a.lo, a.hi), lit(0)));
      case 'i32.wrap_i64': return a.lo;
      default: return J.call(I(op.replace('.', '_')), [a.lo, a.hi]); // f32/f64.convert_i64_*, f64.reinterpret_i64
    }
  }

  private callExpr(e: Extract<Expr, { kind: 'call' | 'call_indirect' }>): ES.Expression {
    if (e.kind === 'call') {
      const args = this.list(e.args);
      return J.call(I(fName(e.func)), flatArgs(args));
    }
    const vals = this.list([...e.args, e.callee]);
    let callee = vals.pop() as ES.Expression;
    // wasm evaluates the arguments before the table index: arguments with effects go to scratch first.
    const args = vals.map((v, i) => (isPair(v) || J.isAtom(v) || isPure(e.args[i]) ? v : this.atom(v)));
    // The table lookup and signature check written out; anything unusual (out of range, null, another
    // type) goes to the icall helper, which traps with the right message.
    const [first, again] = this.once(callee);
    const fn = this.newScratch();
    const T = I(`T${e.table}`), ty = I(`ty${e.typeIndex}`);
    const get = J.assign(fn, J.index(J.member(T, 'elems'), J.bin('>>>', first, lit(0))));
    const f = J.cond(J.logical('&&', J.bin('!=', get, J.nul()), J.bin('===', J.member(fn, 't'), ty)), fn,
      J.call(I('icall'), [T, again, ty]));
    return J.call(f, flatArgs(args));
  }

  /** Lowers an i64 expression to a pair of atoms; its nodes carry its own byte offset (as expr's). */
  private pair(e: Expr): Pair {
    const saved = J.enterPos(e.at);
    const x = this.pairAt(e);
    J.leavePos(saved);
    return x;
  }

  private pairAt(e: Expr): Pair {
    switch (e.kind) {
      case 'const': {
        const v = BigInt.asUintN(64, e.value as bigint);
        return { lo: lit(Number(v & 0xffffffffn) | 0), hi: lit(Number(v >> 32n) | 0) };
      }
      case 'local.get': return { lo: I(lName(e.index)), hi: I(lhName(e.index)) };
      case 'temp': return { lo: I(tName(e.id)), hi: I(thName(e.id)) };
      case 'global.get': {
        // Copied: a later operand's prelude may call a function that writes the global.
        const g = this.info.globalRef(e.index);
        return { lo: this.copy(g.lo as ES.Expression), hi: this.copy(g.hi as ES.Expression) };
      }
      case 'unary': return this.i64Unary(e.op, e.arg);
      case 'binary': {
        const [a, b] = this.list([e.left, e.right]) as Pair[];
        switch (e.op) {
          case 'i64.and': return this.pairOf(J.bin('&', a.lo, b.lo), J.bin('&', a.hi, b.hi));
          case 'i64.or': return this.pairOf(J.bin('|', a.lo, b.lo), J.bin('|', a.hi, b.hi));
          case 'i64.xor': return this.pairOf(J.bin('^', a.lo, b.lo), J.bin('^', a.hi, b.hi));
        }
        const inline = this.i64Inline(e.op, a, b);
        if (inline) return inline;
        if (I64_BINARY_HELPER.has(e.op)) return this.helperPair(e.op, [a.lo, a.hi, b.lo, b.hi]);
        if (I64_SHIFT_HELPER.has(e.op)) return this.helperPair(e.op, [a.lo, a.hi, b.lo]);
        throw new Error(`no i64 lowering for ${e.op}`);
      }
      case 'load': {
        const ea = this.atom(this.ea(this.expr(e.addr), e.offset));
        const dv = I(this.memView);
        if (e.op === 'i64.load') {
          const lo = this.atom(J.call(J.member(dv, 'getInt32'), [ea, LE()]));
          const hi = this.atom(J.call(J.member(dv, 'getInt32'), [J.bin('+', ea, lit(4)), LE()]));
          return { lo, hi };
        }
        const [method, le] = LOADS[e.op];
        const lo = this.atom(J.call(J.member(dv, method), le ? [ea, LE()] : [ea]));
        return { lo, hi: e.op.endsWith('_s') ? this.atom(J.bin('>>', lo, lit(31))) : lit(0) };
      }
      case 'select': {
        const [c, a, b] = this.orderedSelect(e) as [ES.Expression, Pair, Pair];
        const m = this.atom(selectMask(c));
        return this.pairOf(J.bin('^', b.lo, J.bin('&', J.bin('^', a.lo, b.lo), m)),
          J.bin('^', b.hi, J.bin('&', J.bin('^', a.hi, b.hi), m)));
      }
      case 'call': case 'call_indirect': {
        const lo = this.atom(this.callExpr(e));
        return { lo, hi: this.atom(J.index(I('RI'), lit(0))) };
      }
      default:
        throw new Error(`no i64 lowering for ${e.kind}`);
    }
  }

  /**
   * i64 arithmetic written out in place rather than called: V8 inlines helpers only until a function's inlining
   * budget is spent, which large wasm functions exhaust early, leaving the rest as real calls that also pass
   * hi through RI[0]. Written out: add, sub, mul, shifts and rotations by a constant count, and division where
   * the quotient fits in 32 bits (the helper keeps the rest; see divide).
   */
  private i64Inline(op: string, a: Pair, b: Pair): Pair | null {
    switch (op) {
      case 'i64.add': {
        const lo = this.atom(or0(J.bin('+', a.lo, b.lo)));
        const carry = bool01(ltU(lo, a.lo));
        return { lo, hi: this.atom(or0(J.bin('+', sum(a.hi, b.hi), carry))) };
      }
      case 'i64.sub': {
        const borrow = bool01(ltU(a.lo, b.lo));
        const hi = this.atom(or0(J.bin('-', isZero(b.hi) ? a.hi : or0(J.bin('-', a.hi, b.hi)), borrow)));
        return { lo: this.atom(or0(J.bin('-', a.lo, b.lo))), hi };
      }
      case 'i64.mul': {
        // Mod 2^64 only alo*blo needs its full width: its high word from 16-bit limbs, every partial product
        // an imul and every sum kept int32 (no double ever appears, so V8 never deoptimizes on precision).
        const [a0, a1] = this.limbs(a.lo);
        const [b0, b1] = this.limbs(b.lo);
        const p01 = this.atom(J.call(I('imul'), [a0, b1]));
        const p10 = this.atom(J.call(I('imul'), [a1, b0]));
        const mid = J.bin('+', J.bin('+', J.bin('>>>', J.call(I('imul'), [a0, b0]), lit(16)), J.bin('&', p01, lit(0xffff))),
          J.bin('&', p10, lit(0xffff)));
        // Summed in the order the terms are ready, mid's carry last: the chain through a multiply is as short as
        // the carry's (V8 does not reassociate). Every partial sum is far below 2^53, so V8 adds int32s.
        const terms: ES.Expression[] = [];
        if (!isZero(a.hi)) terms.push(J.call(I('imul'), [a.hi, b.lo]));
        if (!isZero(b.hi)) terms.push(J.call(I('imul'), [a.lo, b.hi]));
        terms.push(J.call(I('imul'), [a1, b1]), J.bin('>>>', p01, lit(16)), J.bin('>>>', p10, lit(16)), J.bin('>>>', mid, lit(16)));
        const h = this.atom(or0(terms.reduce((x, y) => J.bin('+', x, y))));
        return { lo: this.atom(J.call(I('imul'), [a.lo, b.lo])), hi: h };
      }
      case 'i64.div_u': case 'i64.rem_u': case 'i64.div_s': case 'i64.rem_s': return this.divide(op, a, b);
    }
    const n = constCount(b);
    if (n === null) return null;
    const { lo, hi } = a;
    switch (op) {
      case 'i64.shl':
        if (n === 0) return a;
        if (n >= 32) return { lo: lit(0), hi: this.atom(J.bin('<<', lo, lit(n - 32))) };
        return this.pairOf(J.bin('<<', lo, lit(n)), J.bin('|', J.bin('<<', hi, lit(n)), J.bin('>>>', lo, lit(32 - n))));
      case 'i64.shr_u':
        if (n === 0) return a;
        if (n >= 32) return { lo: this.atom(or0(J.bin('>>>', hi, lit(n - 32)))), hi: lit(0) };
        return this.pairOf(J.bin('|', J.bin('>>>', lo, lit(n)), J.bin('<<', hi, lit(32 - n))), J.bin('>>>', hi, lit(n)));
      case 'i64.shr_s':
        if (n === 0) return a;
        if (n >= 32) return this.pairOf(J.bin('>>', hi, lit(n - 32)), J.bin('>>', hi, lit(31)));
        return this.pairOf(J.bin('|', J.bin('>>>', lo, lit(n)), J.bin('<<', hi, lit(32 - n))), J.bin('>>', hi, lit(n)));
      case 'i64.rotl': case 'i64.rotr': {
        let k = op === 'i64.rotl' ? n : (64 - n) & 63;
        let [x, y] = [lo, hi];
        if (k >= 32) { [x, y] = [hi, lo]; k -= 32; }
        if (k === 0) return { lo: x, hi: y };
        return this.pairOf(J.bin('|', J.bin('<<', x, lit(k)), J.bin('>>>', y, lit(32 - k))),
          J.bin('|', J.bin('<<', y, lit(k)), J.bin('>>>', x, lit(32 - k))));
      }
    }
    return null;
  }

  /**
   * i64 division and remainder. Four cases, tested in this order: both operands in [0, 2^31) (values widened
   * from i32, typically: one int32 operation); otherwise, on the magnitudes for the signed operations, a
   * divisor of 2^32 or more ("wide") or one below 2^32 with a dividend whose high word is below it ("narrow"),
   * both with a quotient below 2^32 and written out here; anything else, division by zero and the overflow of
   * INT64_MIN / -1 in the runtime helper.
   *
   * Both: the rounded dividend times the rounded reciprocal of the rounded divisor enlarged by 2^-49 of itself
   * has a floor that is the true quotient or one less (never more: the enlargement exceeds the four roundings;
   * never two less: the quotient is below 2^32). The dividend's double is the only one on the way to q (the
   * divisor's reciprocal is off that path; a signed dividend's comes straight from its signed words). The
   * remainder r = a - q * b of that estimate is in [0, 2b) and below 2^64, its low word exact in int32
   * arithmetic; whether r >= b comes from (r - b) / 2^32 in doubles (error below 2^-19; see oneShort). Only a
   * remainder by a wide divisor needs r's high word: rounded from a double estimate whose error is below 2^12
   * (q * bhi <= ahi is exact; q * blo rounds once, and so do the sums), that is below 2^-20 in units of 2^32.
   * Either way one correction step, without a branch: estimates fall short where the quotient is near an
   * integer, which data can make frequent (a branch would be mispredicted), and a branch first taken after V8
   * optimized the function deoptimizes all of it.
   */
  private divide(op: string, a: Pair, b: Pair): Pair {
    const div = op.includes('div'), signed = op.endsWith('_s');
    const lo = this.newScratch(), hi = this.newScratch();
    const branch = (build: () => void): ES.BlockStatement => {
      const outer = this.out;
      this.out = [];
      build();
      const body = this.out;
      this.out = outer;
      return J.block(body);
    };
    const set = (l: ES.Expression, h: ES.Expression) => {
      this.emit(J.assignStmt(lo, l));
      this.emit(J.assignStmt(hi, h));
    };
    const helper = branch(() => set(J.call(I(op.replace('.', '_')), [a.lo, a.hi, b.lo, b.hi]), J.index(I('RI'), lit(0))));
    const TWO32 = lit(2 ** 32);
    // Every double operation below has an operand that is never a small integer (a fraction, or a product with
    // one): V8 then records number feedback for it from the first run, where small-integer feedback would make
    // optimized code deoptimize on the first large value. Doubles come back to int32 through imul, which
    // truncates.
    const M = lit(2 ** -32);
    // The reciprocal of the divisor's enlargement by 2^-49 of itself, more than the roundings on the way to the
    // quotient can add (see above). 1 - 2^-49 is 1 / (1 + 2^-49) within 2^-98.
    const SHRINK = lit(1 - 2 ** -49);
    // The estimate of the quotient: the dividend times the divisor's reciprocal, which does not depend on the
    // dividend (a multiplication on the dividend's path, where a division takes three to four times as long).
    const estimate = (a1: ES.Expression, b1: ES.Expression) =>
      this.atom(J.call(I('mfloor'), [J.bin('*', a1, J.bin('/', SHRINK, b1))]));
    const frac = (x: ES.Expression) => sum(J.bin('*', x, M), bool01(J.bin('<', x, lit(0)))); // (x >>> 0) / 2^32
    // 2^32 when x is negative: x plus this is x >>> 0. Added to a fraction or a double first (see fracPlus), so
    // that V8 adds doubles: x + wrap(x) alone is an integer range, which V8 adds as 64-bit integers and then
    // converts, a longer chain (Miller-Rabin 8% slower).
    const wrap = (x: ES.Expression) => J.bin('*', bool01(J.bin('<', x, lit(0))), TWO32);
    const fracPlus = (x: ES.Expression, f: ES.Expression) => J.bin('+', x, J.bin('+', wrap(x), f)); // (x >>> 0) + f
    // |a| / 2^32 as a double, straight from a's signed words (the negation's carry is not on the way to the
    // quotient; one rounding, as for the unsigned dividend).
    const magnitude = (p: Pair) => J.call(I('fabs'), [sum(p.hi, frac(p.lo))]);
    // (lo, hi) negated when mask is -1, kept when it is 0.
    const negIf = (mask: ES.Expression, p: Pair): Pair => {
      const l = this.atom(or0(J.bin('-', J.bin('^', p.lo, mask), mask)));
      return { lo: l, hi: this.atom(or0(J.bin('+', J.bin('^', p.hi, mask), J.bin('&', bool01(J.bin('===', l, lit(0))), mask)))) };
    };
    // x and y are the operands (magnitudes, for the signed operations); signedA, for the signed operations, is
    // the dividend whose magnitude x is.
    const inline = (x: Pair, y: Pair, resultMask: ES.Expression | null, signedA: Pair | null):
      [ES.BlockStatement, ES.BlockStatement] => {
      const result = (l: ES.Expression, h: ES.Expression) => {
        if (!resultMask) return set(l, h);
        const r = negIf(resultMask, { lo: this.atom(l), hi: this.atom(h) });
        set(r.lo, r.hi);
      };
      // 1 when r >= b (the estimate was one short), from d, (r - b) / 2^32 within 2^-19: d decides unless r is
      // within 2^15 of b, where the low words' int32 difference is r - b exactly. (Comparing words of r instead
      // waits for r's high word, a longer chain.)
      const oneShort = (diff: ES.Expression, rl: ES.Expression) => {
        const d = this.atom(diff);
        return this.atom(J.bin('|', bool01(J.bin('>', d, lit(2 ** -18))),
          J.bin('&', bool01(J.bin('>', d, lit(-(2 ** -18)))), bool01(J.bin('>=', or0(J.bin('-', rl, y.lo)), lit(0))))));
      };
      const wide = branch(() => {
        // In units of 2^32: the low words as fractions, the high words as integers.
        const alo = this.atom(frac(x.lo)), blo = this.atom(frac(y.lo));
        const bhi = this.atom(J.bin('*', frac(y.hi), TWO32)); // y.hi >>> 0
        const b1 = this.atom(fracPlus(y.hi, blo));
        const a1 = signedA ? magnitude(signedA) : fracPlus(x.hi, alo);
        const q = estimate(a1, b1);
        const rl = this.atom(or0(J.bin('-', x.lo, J.call(I('imul'), [q, y.lo]))));
        // (x.hi >>> 0) - q * bhi is exact (below 2^32: q * b <= a); q * blo rounds once.
        const rhi = this.atom(J.bin('+', J.bin('-', x.hi, J.bin('*', q, bhi)), wrap(x.hi)));
        const rlo = this.atom(J.bin('-', alo, J.bin('*', q, blo)));
        const ge = oneShort(J.bin('-', J.bin('+', rhi, rlo), b1), rl);
        if (div) return result(or0(J.bin('+', J.call(I('imul'), [q, lit(1)]), ge)), lit(0));
        // r / 2^32 less (rl >>> 0) / 2^32, rounded by truncation of x + 0.5 (x is above -0.5): Math.round is
        // slower, and branches.
        const rh = this.atom(J.call(I('imul'), [J.bin('+', J.bin('+', rhi, J.bin('-', rlo, frac(rl))), lit(0.5)), lit(1)]));
        result(or0(J.bin('-', rl, J.bin('&', y.lo, J.unary('-', ge)))),
          or0(J.bin('-', rh, J.bin('&', sum(y.hi, bool01(ltU(rl, y.lo))), J.unary('-', ge)))));
      });
      const narrow = branch(() => {
        // In units of 2^32: the dividend below 2^32, the divisor below 1.
        const a1 = this.atom(signedA ? magnitude(signedA) : fracPlus(x.hi, frac(x.lo)));
        const b1 = this.atom(frac(y.lo));
        const q = estimate(a1, b1);
        const rl = this.atom(or0(J.bin('-', x.lo, J.call(I('imul'), [q, y.lo]))));
        const ge = oneShort(J.bin('-', J.bin('-', a1, J.bin('*', q, b1)), b1), rl);
        if (div) return result(or0(J.bin('+', J.call(I('imul'), [q, lit(1)]), ge)), lit(0));
        result(or0(J.bin('-', rl, J.bin('&', y.lo, J.unary('-', ge)))), lit(0));
      });
      return [wide, narrow];
    };
    let chain: ES.Statement;
    const hiLit = literalInt(b.hi);
    if (!signed) {
      const [wide, narrow] = inline(a, b, null, null);
      if (hiLit !== null && hiLit !== 0) chain = wide;
      else {
        chain = J.ifStmt(ltU(a.hi, b.lo), narrow, helper);
        if (hiLit === null) chain = J.ifStmt(J.bin('!==', b.hi, lit(0)), wide, chain);
      }
    } else {
      chain = branch(() => {
        const ma = this.atom(J.bin('>>', a.hi, lit(31))), mb = this.atom(J.bin('>>', b.hi, lit(31)));
        const x = negIf(ma, a), y = negIf(mb, b);
        const [wide, narrow] = inline(x, y, div ? this.atom(J.bin('^', ma, mb)) : ma, a);
        this.emit(J.ifStmt(J.bin('!==', y.hi, lit(0)), wide, J.ifStmt(ltU(x.hi, y.lo), narrow, helper)));
      });
    }
    if (hiLit === null || hiLit === 0) {
      const small = J.logical('&&', J.bin('===', J.bin('|', J.bin('|', a.hi, b.hi), J.bin('&', J.bin('|', a.lo, b.lo), lit(-0x80000000))), lit(0)),
        J.bin('!==', b.lo, lit(0)));
      const fast = branch(() => set(div ? or0(J.bin('/', a.lo, b.lo)) : J.bin('%', a.lo, b.lo), lit(0)));
      chain = J.ifStmt(small, fast, chain);
    }
    this.emit(chain);
    return { lo, hi };
  }

  /** An i64 comparison as a JS boolean. */
  private i64Compare(op: string, a: Pair, b: Pair): ES.Expression {
    switch (op) {
      case 'i64.eq': return J.logical('&&', J.bin('===', a.lo, b.lo), J.bin('===', a.hi, b.hi));
      case 'i64.ne': return J.logical('||', J.bin('!==', a.lo, b.lo), J.bin('!==', a.hi, b.hi));
    }
    const [hiDecides, hiEqual, loDecides] = relationParts(op, a, b);
    return J.logical('||', hiDecides, J.logical('&&', hiEqual, loDecides));
  }

  /**
   * An i64 comparison as an i32 0 or 1, without branches: each comparison becomes a number and they are
   * combined with `&` and `|`, where the `||`/`&&` of a condition would be two data-dependent branches.
   */
  private i64CompareValue(op: string, a: Pair, b: Pair): ES.Expression {
    switch (op) {
      case 'i64.eq': return J.bin('&', bool01(J.bin('===', a.lo, b.lo)), bool01(J.bin('===', a.hi, b.hi)));
      case 'i64.ne': return J.bin('|', bool01(J.bin('!==', a.lo, b.lo)), bool01(J.bin('!==', a.hi, b.hi)));
    }
    const [hiDecides, hiEqual, loDecides] = relationParts(op, a, b);
    return J.bin('|', bool01(hiDecides), J.bin('&', bool01(hiEqual), bool01(loDecides)));
  }

  /** The 16-bit halves of an int32 atom (folded for a literal). */
  private limbs(x: ES.Expression): [ES.Expression, ES.Expression] {
    const v = literalInt(x);
    if (v !== null) return [lit(v & 0xffff), lit(v >>> 16)];
    return [this.atom(J.bin('&', x, lit(0xffff))), this.atom(J.bin('>>>', x, lit(16)))];
  }

  private pairOf(lo: ES.Expression, hi: ES.Expression): Pair {
    const l = this.atom(lo);
    return { lo: l, hi: this.atom(hi) };
  }

  private helperPair(op: string, args: ES.Expression[]): Pair {
    const lo = this.atom(J.call(I(op.replace('.', '_')), args));
    return { lo, hi: this.atom(J.index(I('RI'), lit(0))) };
  }

  private i64Unary(op: string, arg: Expr): Pair {
    if (arg.type === 'i64') {
      const a = this.pair(arg);
      switch (op) {
        case 'i64.clz': case 'i64.ctz': case 'i64.popcnt':
          return { lo: this.atom(J.call(I(op.replace('.', '_')), [a.lo, a.hi])), hi: lit(0) };
        case 'i64.extend8_s': { const lo = this.atom(J.bin('>>', J.bin('<<', a.lo, lit(24)), lit(24))); return { lo, hi: this.atom(J.bin('>>', lo, lit(31))) }; }
        case 'i64.extend16_s': { const lo = this.atom(J.bin('>>', J.bin('<<', a.lo, lit(16)), lit(16))); return { lo, hi: this.atom(J.bin('>>', lo, lit(31))) }; }
        case 'i64.extend32_s': return { lo: a.lo, hi: this.atom(J.bin('>>', a.lo, lit(31))) };
      }
      throw new Error(`no i64 lowering for ${op}`);
    }
    const x = this.expr(arg);
    switch (op) {
      case 'i64.extend_i32_s': { const lo = this.atom(x); return { lo, hi: this.atom(J.bin('>>', lo, lit(31))) }; }
      case 'i64.extend_i32_u': return { lo: this.atom(x), hi: lit(0) };
      case 'i64.reinterpret_f64':
      case 'i64.trunc_f32_s': case 'i64.trunc_f64_s': case 'i64.trunc_f32_u': case 'i64.trunc_f64_u':
      case 'i64.trunc_sat_f32_s': case 'i64.trunc_sat_f64_s': case 'i64.trunc_sat_f32_u': case 'i64.trunc_sat_f64_u': {
        const name = op === 'i64.reinterpret_f64' ? 'i64_reinterpret_f64' : op.replace(/_f(32|64)/, '').replace('.', '_');
        return this.helperPair(name, [x]);
      }
    }
    throw new Error(`no i64 lowering for ${op}`);
  }
}

// ---- helpers --------------------------------------------------------------------------------------------

/** True when evaluating e may grow a memory (a call or memory.grow), which replaces the DataView. */
function mayGrow(e: Expr): boolean {
  const todo: Expr[] = [e];
  while (todo.length) {
    const x = todo.pop()!;
    switch (x.kind) {
      case 'call': case 'call_indirect': case 'memory.grow': return true;
      case 'unary': todo.push(x.arg); break;
      case 'binary': todo.push(x.left, x.right); break;
      case 'load': todo.push(x.addr); break;
      case 'select': todo.push(x.cond, x.ifTrue, x.ifFalse); break;
      case 'ref.is_null': todo.push(x.arg); break;
      case 'table.get': todo.push(x.index); break;
      case 'table.grow': todo.push(x.init, x.delta); break;
      default: break;
    }
  }
  return false;
}

/**
 * A fuel check point (runtime/meter.ts): `if ((fuel = fuel - cost | 0) < 0) fuel = refuel(fuel) | 0;`.
 * Every loop header and the entry of every function that calls has one, so no execution runs long without
 * passing one. (A copy of the counter in a local inside call-free loops was measured slower: the copies in
 * and out on every loop entry and exit cost more than the memory cell they avoid.)
 */
function meter(cost: number): ES.Statement {
  const take = J.assign(I('fuel'), or0(J.bin('-', I('fuel'), lit(cost))));
  // `| 0`: the call's result is an int32 like the subtraction's, so V8 keeps the counter untagged.
  return J.ifStmt(J.bin('<', take, lit(0)), J.assignStmt(I('fuel'), or0(J.call(I('refuel'), [I('fuel')]))));
}

/** True when the statements contain a call (direct or indirect) anywhere. */
function hasCall(list: readonly Stmt[]): boolean {
  const todo: unknown[] = [...list];
  while (todo.length) {
    const x = todo.pop();
    if (Array.isArray(x)) { for (const y of x) todo.push(y); continue; }
    if (typeof x !== 'object' || x === null || !('kind' in x)) continue;
    const k = (x as Expr).kind;
    if (k === 'call' || k === 'call_indirect') return true;
    for (const v of Object.values(x)) if (typeof v === 'object' && v !== null) todo.push(v);
  }
  return false;
}

/**
 * The fuel a check point charges: the IR nodes (statements and expression nodes, about one per wasm
 * instruction) of the code it guards, nested loops excluded (they have their own check point). At least 1.
 */
function fuelCost(list: readonly Stmt[]): number {
  let n = 0;
  const todo: unknown[] = [...list];
  while (todo.length) {
    const x = todo.pop();
    if (Array.isArray(x)) { for (const y of x) todo.push(y); continue; }
    if (typeof x !== 'object' || x === null || !('kind' in x)) continue;
    n++;
    if ((x as Stmt).kind === 'loop') continue;
    for (const v of Object.values(x)) if (typeof v === 'object' && v !== null) todo.push(v);
  }
  return Math.max(1, n);
}

/**
 * The three tests of an i64 ordering (lt/gt/le/ge, signed or unsigned): the hi words decide (signed or unsigned
 * as the op) unless they are equal; then the lo words compare unsigned.
 */
function relationParts(op: string, a: Pair, b: Pair): [ES.Expression, ES.Expression, ES.Expression] {
  const [rel, signed] = [op.slice(4, 6), op.endsWith('_s')] as [string, boolean];
  const strict = rel === 'lt' || rel === 'le' ? '<' : '>';
  const low = rel === 'lt' ? '<' : rel === 'gt' ? '>' : rel === 'le' ? '<=' : '>=';
  const h = (e: ES.Expression) => (signed ? e : flip(e));
  return [J.bin(strict, h(a.hi), h(b.hi)), J.bin('===', a.hi, b.hi), J.bin(low, flip(a.lo), flip(b.lo))];
}

/** -1 when the i32 condition c holds, else 0 (a comparison's boolean is negated directly). */
function selectMask(c: ES.Expression): ES.Expression {
  const isBool01 = c.type === 'UnaryExpression' && c.operator === '+';
  return J.unary('-', isBool01 ? (c as ES.UnaryExpression).argument : J.bin('!==', c, lit(0)));
}

const isZero = (e: ES.Expression) => e.type === 'Literal' && e.value === 0;
const sum = (a: ES.Expression, b: ES.Expression) => (isZero(b) ? a : isZero(a) ? b : J.bin('+', a, b));
/** The unsigned value of an int32 atom: a literal folded, anything else `x >>> 0`. */
function u32lit(e: ES.Expression): ES.Expression {
  const v = literalInt(e);
  return v === null ? u32(e) : lit(v >>> 0);
}
function literalInt(e: ES.Expression): number | null {
  if (e.type === 'Literal' && typeof e.value === 'number') return e.value;
  if (e.type === 'UnaryExpression' && e.operator === '-' && e.argument.type === 'Literal' && typeof e.argument.value === 'number') return -e.argument.value;
  return null;
}
/**
 * An int32 with its sign bit flipped: signed order of flipped values is the unsigned order of the originals.
 * Comparing `x >>> 0` values instead would make V8 deoptimize ("lost precision") the first time one is 2^31 or
 * more after it optimized for small integers, once per comparison in the function.
 */
function flip(e: ES.Expression): ES.Expression {
  const v = literalInt(e);
  return v === null ? J.bin('^', e, lit(-0x80000000)) : lit((v ^ -0x80000000) | 0);
}
const ltU = (a: ES.Expression, b: ES.Expression) => J.bin('<', flip(a), flip(b));
/** A shift or rotate count that is a constant: its value mod 64. */
function constCount(b: Pair): number | null {
  const v = literalInt(b.lo);
  return v === null ? null : v & 63;
}

function isPair(v: Val): v is Pair {
  return (v as Pair).lo !== undefined && (v as ES.Node).type === undefined;
}

function flatArgs(vals: Val[]): ES.Expression[] {
  const out: ES.Expression[] = [];
  for (const v of vals) {
    if (isPair(v)) out.push(v.lo, v.hi);
    else out.push(v);
  }
  return out;
}

function slotKind(t: ValType): 'i' | 'f' | 'r' {
  return t === 'i32' || t === 'i64' ? 'i' : t === 'f32' || t === 'f64' ? 'f' : 'r';
}

/** The return area of each slot kind. */
const AREA = { i: 'RI', f: 'RF', r: 'RR' } as const;

/** The return-area element for the next extra result slot of a kind. */
function retSlot(kind: 'i' | 'f' | 'r', c: { i: number; f: number; r: number }): ES.MemberExpression {
  return J.index(I(AREA[kind]), lit(c[kind]++));
}

function flatSlots(types: ValType[], temps: readonly number[]): { name: string; kind: 'i' | 'f' | 'r' }[] {
  const out: { name: string; kind: 'i' | 'f' | 'r' }[] = [];
  types.forEach((t, i) => {
    if (t === 'i64') out.push({ name: tName(temps[i]!), kind: 'i' }, { name: thName(temps[i]!), kind: 'i' });
    else out.push({ name: tName(temps[i]!), kind: slotKind(t) });
  });
  return out;
}

function declare(decls: [string, ES.Expression | null][], name: string, t: ValType): void {
  const zero = t === 'funcref' || t === 'externref' ? J.nul() : lit(0);
  decls.push([name, zero]);
  if (t === 'i64') decls.push([name + 'h', lit(0)]);
}

function endsInJump(body: readonly Stmt[]): boolean {
  const last = body[body.length - 1];
  return !!last && (last.kind === 'br' || last.kind === 'br_table' || last.kind === 'return' || last.kind === 'unreachable');
}

/** Functions below this weight keep their loops; see FuncGen.shouldOutline. */
const OUTLINE_UNIT = 600;
/** Smallest loop worth a function of its own. */
const OUTLINE_MIN = 48;
/** Largest share of its function (or outlined loop) a loop may have and still go to a function of its own. */
const OUTLINE_SHARE = 0.8;

/**
 * A rough measure of the JavaScript a function or loop becomes (about one unit per ten characters), for
 * deciding what to outline: null maps to the whole body, each loop to itself.
 */
function weigh(body: readonly Stmt[]): Map<Stmt | null, number> {
  const w = new Map<Stmt | null, number>();
  const list = (ss: readonly Stmt[]): number => {
    let n = 0;
    for (const x of ss) n += stmt(x);
    return n;
  };
  const stmt = (x: Stmt): number => {
    switch (x.kind) {
      case 'block': return 1 + list(x.body);
      case 'loop': {
        const n = 2 + list(x.body);
        w.set(x, n);
        return n;
      }
      case 'if': return 1 + expr(x.cond) + list(x.then) + list(x.else);
      case 'local.set': case 'global.set': return 1 + expr(x.value);
      case 'store': return 3 + expr(x.addr) + expr(x.value);
      case 'eval': return expr(x.value);
      case 'br': case 'return': return 1 + x.values.reduce((a, v) => a + expr(v), 0);
      case 'br_if': return 2 + expr(x.cond) + x.values.reduce((a, v) => a + expr(v), 0);
      case 'br_table': return 2 + x.targets.length + expr(x.index);
      default: return 3;
    }
  };
  const expr = (e: Expr): number => {
    switch (e.kind) {
      case 'unary': return (e.type === 'i64' ? 3 : 1) + expr(e.arg);
      case 'binary': {
        const own = e.left.type !== 'i64' ? 1 : /div|rem/.test(e.op) ? 100 : e.op === 'i64.mul' ? 20 : 3;
        return own + expr(e.left) + expr(e.right);
      }
      case 'load': return 3 + expr(e.addr);
      case 'select': return 2 + expr(e.cond) + expr(e.ifTrue) + expr(e.ifFalse);
      case 'call': return 3 + e.args.reduce((a, v) => a + expr(v), 0);
      case 'call_indirect': return 6 + expr(e.callee) + e.args.reduce((a, v) => a + expr(v), 0);
      case 'memory.grow': return 2 + expr(e.delta);
      case 'table.get': return 2 + expr(e.index);
      case 'table.grow': return 2 + expr(e.init) + expr(e.delta);
      case 'ref.is_null': return 1 + expr(e.arg);
      default: return 1;
    }
  };
  w.set(null, list(body));
  return w;
}

/** Labels of a loop and of every statement inside it. */
function labelsIn(s: Stmt): Set<number> {
  const labels = new Set<number>();
  const todo: Stmt[] = [s];
  while (todo.length) {
    const x = todo.pop()!;
    if (x.kind === 'block' || x.kind === 'loop') { labels.add(x.label); todo.push(...x.body); }
    else if (x.kind === 'if') { labels.add(x.label); todo.push(...x.then, ...x.else); }
  }
  return labels;
}

/** A function's own variables: locals (l), temps (t), return values of outlined loops (q); each with h. */
const FUNCTION_VAR = /^[ltq]\d+h?$/;

/** The function variables some generated statements use (read or write), and those they write, in order. */
function variablesOf(stmts: readonly ES.Statement[]): { used: Set<string>; written: Set<string> } {
  const used = new Set<string>(), written = new Set<string>();
  const visit = (node: unknown, isTarget: boolean): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const x of node) visit(x, false); return; }
    const n = node as { type?: string; [k: string]: unknown };
    switch (n.type) {
      case 'Identifier': {
        const name = n.name as string;
        if (FUNCTION_VAR.test(name)) { used.add(name); if (isTarget) written.add(name); }
        return;
      }
      case 'AssignmentExpression': visit(n.left, true); visit(n.right, false); return;
      case 'MemberExpression': visit(n.object, false); if (n.computed) visit(n.property, false); return;
      case 'LabeledStatement': visit(n.body, false); return;
      case 'BreakStatement': case 'ContinueStatement': return;
    }
    for (const k in n) if (k !== 'loc' && k !== 'type') visit(n[k], false);
  };
  visit(stmts, false);
  return { used, written };
}

/** Block nesting beyond which a chain of blocks is flattened into a dispatch loop. */
const DEEP = 200;
/** A nested block shallower than this ends a chain (it is printed normally). */
const SHALLOW = 8;

/** The deepest nesting of blocks, loops and ifs in a body, without recursion or allocation per statement. */
function maxNesting(body: readonly Stmt[]): number {
  let max = 0;
  const lists: (readonly Stmt[])[] = [body];
  const levels: number[] = [0];
  while (lists.length > 0) {
    const list = lists.pop()!, d = levels.pop()!;
    if (d > max) max = d;
    for (const s of list) {
      if (s.kind === 'block' || s.kind === 'loop') { lists.push(s.body); levels.push(d + 1); }
      else if (s.kind === 'if') { lists.push(s.then, s.else); levels.push(d + 1, d + 1); }
    }
  }
  return max;
}

/** Nesting depth of each block, loop and if (1 + deepest child), computed without recursion. */
function nestingDepths(body: readonly Stmt[]): Map<Stmt, number> {
  const depth = new Map<Stmt, number>();
  const children = (s: Stmt): readonly Stmt[] =>
    s.kind === 'block' || s.kind === 'loop' ? s.body : s.kind === 'if' ? [...s.then, ...s.else] : [];
  const todo: [Stmt, boolean][] = body.map((s) => [s, false]);
  while (todo.length) {
    const [s, done] = todo.pop()!;
    const kids = children(s);
    if (done) {
      let d = 0;
      for (const k of kids) d = Math.max(d, depth.get(k) ?? 0);
      depth.set(s, kids.length || s.kind !== 'block' ? d + 1 : 1);
      continue;
    }
    todo.push([s, true]);
    for (const k of kids) todo.push([k, false]);
  }
  return depth;
}

/** Labels that some branch targets (only those are printed). Explicit stack: nesting comes from input. */
function collectLabels(body: readonly Stmt[], used: Set<number>): void {
  const todo: (readonly Stmt[])[] = [body];
  while (todo.length) {
    for (const s of todo.pop()!) {
      switch (s.kind) {
        case 'block': case 'loop': todo.push(s.body); break;
        case 'if': todo.push(s.then, s.else); break;
        case 'br': case 'br_if': used.add(s.target.label); break;
        case 'br_table': used.add(s.default.label); for (const t of s.targets) used.add(t.label); break;
        default: break;
      }
    }
  }
}

/** Appends `xs` to `into` (not push(...xs): a block can hold more statements than a call takes arguments). */
function append<T>(into: T[], xs: readonly T[]): void {
  for (const x of xs) into.push(x);
}
