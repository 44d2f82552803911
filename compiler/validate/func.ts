// Function-body validation and IR construction in one pass.
//
// The validator follows the spec's validation algorithm (operand stack + control stack, polymorphic stack
// after unconditional branches) and, as it checks each instruction, builds the typed IR of ir.ts. Instead of
// values, the operand stack holds expression trees; a tree is stored into a temp ("spilled") only when a
// later effect could change or reorder its evaluation, when it crosses a block boundary, or when it grows too
// deep. Nothing here recurses on the input's nesting: blocks live on an explicit control stack and
// expression depth is capped by spilling.

import { parseSig, naturalAlign, type OpRow } from '../spec/opcodes.js';
import { Reader } from '../decode/reader.js';
import type { Expr, Stmt, FuncIR, TempId, BranchTarget, LabelId } from '../ir/ir.js';
import type { FuncType, ValType, RefType } from '../ir/module.js';
import type { ModuleContext } from './context.js';

type VT = ValType | 'unknown';

/** An operand-stack entry: the expression that computes the value plus what a spill decision needs. */
interface Entry {
  readonly type: VT;
  readonly expr: Expr;
  /** True when evaluating the expression has no effect and cannot trap (consts, locals, temps, safe math). */
  readonly pure: boolean;
  /** Locals the expression reads; null means "possibly any". */
  readonly locals: readonly number[] | null;
  readonly depth: number;
  /** Temps whose only reader is this entry: free again once the entry is consumed by a statement. */
  readonly owned: readonly TempId[];
}

type CtrlOp = 'block' | 'loop' | 'if' | 'else' | 'func';

interface Ctrl {
  op: CtrlOp;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly height: number;
  /** Validation: the rest of this frame is unreachable (the stack is polymorphic). */
  unreachable: boolean;
  /** Emission: this frame emits nothing (it sits in unreachable code). */
  readonly dead: boolean;
  /** Emission: the code after this point in the frame can never run (e.g. after a block nobody exits). */
  deadTail: boolean;
  readonly label: LabelId;
  body: Stmt[];
  thenBody: Stmt[] | null;
  readonly cond: Expr | null;
  /** Block/if results (allocated on first use); loop parameters (allocated at entry). */
  temps: TempId[] | null;
  /** Entries for the parameters, pushed again at `else`. */
  readonly paramEntries: readonly Entry[];
  /** Some branch targets this frame. */
  branched: boolean;
  /** MEMORY_ACCESS and MEMORY_MAY_GROW of the code in this frame, nested frames included (see Stmt 'loop'). */
  memory: number;
  readonly at: number;
}

const MEMORY_ACCESS = 1, MEMORY_MAY_GROW = 2;

/** Expression trees deeper than this are spilled to a temp, so later stages never recurse deeply. */
const MAX_DEPTH = 48;
/** Locals tracked per entry before falling back to "reads any local". */
const MAX_TRACKED_LOCALS = 8;

const DUMMY: Expr = { kind: 'const', type: 'i32', value: 0, at: 0 };

/** The empty list of locals or temps, shared: most entries read no local and own no temp. */
const NONE: readonly number[] = Object.freeze([]);

/** Unary and binary ops that cannot trap: their trees stay pure. Everything trapping is listed by name. */
const TRAPPING = new Set([
  'i32.div_s', 'i32.div_u', 'i32.rem_s', 'i32.rem_u', 'i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u',
  'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u',
  'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u',
]);

function mergeLocals(a: readonly number[] | null, b: readonly number[] | null): readonly number[] | null {
  if (a === null || b === null) return null;
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = [...a];
  for (const x of b) if (!out.includes(x)) out.push(x);
  return out.length > MAX_TRACKED_LOCALS ? null : out;
}

function refsTemp(e: Expr, temps: readonly TempId[]): boolean {
  // Small explicit-stack walk: branch values are spilled trees, so this stays shallow and cheap.
  const todo: Expr[] = [e];
  while (todo.length) {
    const x = todo.pop()!;
    switch (x.kind) {
      case 'temp': if (temps.includes(x.id)) return true; break;
      case 'unary': todo.push(x.arg); break;
      case 'binary': todo.push(x.left, x.right); break;
      case 'load': todo.push(x.addr); break;
      case 'select': todo.push(x.cond, x.ifTrue, x.ifFalse); break;
      case 'call': todo.push(...x.args); break;
      case 'call_indirect': todo.push(...x.args, x.callee); break;
      case 'memory.grow': todo.push(x.delta); break;
      case 'ref.is_null': todo.push(x.arg); break;
      case 'table.get': todo.push(x.index); break;
      case 'table.grow': todo.push(x.init, x.delta); break;
      default: break;
    }
  }
  return false;
}

export function validateFunction(ctx: ModuleContext, funcIndex: number): FuncIR {
  return new FuncBuilder(ctx, funcIndex).run();
}

class FuncBuilder {
  private readonly r: Reader;
  private readonly type: FuncType;
  private readonly locals: ValType[];
  private readonly temps: ValType[] = [];
  private readonly free = new Map<ValType, TempId[]>();
  private readonly stack: Entry[] = [];
  private readonly ctrls: Ctrl[] = [];
  private nextLabel = 0;
  private readonly bodyAt: number;
  private readonly typeIndex: number;

  constructor(private readonly ctx: ModuleContext, private readonly fIndex: number) {
    const m = ctx.module;
    const code = m.codes[fIndex - m.numImportedFuncs];
    this.typeIndex = ctx.funcTypeIndex[fIndex];
    this.type = m.types[this.typeIndex];
    this.bodyAt = code.at;
    this.r = new Reader(m.bytes, code.start, code.end);
    const locals: ValType[] = [...this.type.params];
    if (code.localCount + locals.length > ctx.maxLocals) this.r.fail('too many locals', code.at, 'too-many-locals');
    for (const run of code.locals) for (let i = 0; i < run.count; i++) locals.push(run.type);
    this.locals = locals;
  }

  run(): FuncIR {
    const root = this.pushCtrl('func', [], this.type.results, false, null, [], this.bodyAt);
    const r = this.r;
    while (this.ctrls.length > 0) {
      if (r.pos >= r.end) r.fail('unexpected end of section or function', r.pos, 'unexpected-end');
      const at = r.pos;
      const row = r.op();
      this.instr(row, at);
    }
    if (r.pos !== r.end) r.fail('section size mismatch', r.pos, 'trailing-bytes');
    return {
      index: this.fIndex, typeIndex: this.typeIndex, params: this.type.params, results: this.type.results,
      locals: this.locals, temps: this.temps, body: root.body, at: this.bodyAt,
    };
  }

  // ---- errors -------------------------------------------------------------------------------------------

  private fail(message: string, at: number, code = 'type-mismatch'): never {
    return this.r.fail(message, at, code);
  }

  // ---- temps --------------------------------------------------------------------------------------------

  private allocTemp(t: ValType): TempId {
    const list = this.free.get(t);
    if (list && list.length) return list.pop()!;
    this.temps.push(t);
    return this.temps.length - 1;
  }

  private release(ids: readonly TempId[]): void {
    for (const id of ids) {
      const t = this.temps[id];
      let list = this.free.get(t);
      if (!list) this.free.set(t, (list = []));
      list.push(id);
    }
  }

  // ---- operand stack ------------------------------------------------------------------------------------

  private get top(): Ctrl {
    return this.ctrls[this.ctrls.length - 1];
  }

  private get emitting(): boolean {
    const f = this.top;
    return !f.dead && !f.unreachable && !f.deadTail;
  }

  private push(e: Entry): void {
    this.stack.push(e);
    if (e.depth > MAX_DEPTH && this.emitting) this.spillUpTo(this.stack.length - 1, true);
  }

  private pushExpr(type: VT, expr: Expr, pure: boolean, locals: readonly number[] | null, depth: number, owned: readonly TempId[]): void {
    this.push({ type, expr, pure, locals, depth, owned });
  }

  private pushTemp(t: ValType, id: TempId, owned: boolean, at: number): void {
    this.stack.push({ type: t, expr: { kind: 'temp', type: t, id, at }, pure: true, locals: NONE, depth: 1, owned: owned ? [id] : NONE });
  }

  private pop(expect?: VT): Entry {
    const f = this.top;
    if (this.stack.length === f.height) {
      // As the spec's pop_val: an empty polymorphic stack yields Unknown, whatever was expected.
      if (f.unreachable) return { type: 'unknown', expr: expect && expect !== 'unknown' ? placeholder(expect) : DUMMY, pure: true, locals: NONE, depth: 1, owned: NONE };
      this.fail('type mismatch', this.r.pos);
    }
    const e = this.stack.pop()!;
    if (expect !== undefined && expect !== 'unknown' && e.type !== 'unknown' && e.type !== expect) {
      this.fail('type mismatch', this.r.pos);
    }
    return e;
  }

  /** Pops values of the given types (last type on top); returns them bottom-first. */
  private popVals(types: readonly ValType[]): Entry[] {
    const out: Entry[] = new Array(types.length);
    for (let i = types.length - 1; i >= 0; i--) out[i] = this.pop(types[i]);
    return out;
  }

  // ---- spilling -----------------------------------------------------------------------------------------

  private isTrivial(e: Entry): boolean {
    return e.expr.kind === 'const' || e.expr.kind === 'temp';
  }

  /** Stores stack entry i into a fresh temp (emitting the assignment now). */
  private spillAt(i: number): void {
    const e = this.stack[i];
    if (this.isTrivial(e) || e.type === 'unknown') return;
    const t = e.type as ValType;
    const id = this.allocTemp(t);
    this.top.body.push({ kind: 'eval', value: e.expr, results: [id], at: e.expr.at });
    this.release(e.owned);
    this.stack[i] = { type: t, expr: { kind: 'temp', type: t, id, at: e.expr.at }, pure: true, locals: NONE, depth: 1, owned: [id] };
  }

  /**
   * Makes it safe to evaluate entry k now (out of order with what is above it): every impure entry below k
   * is evaluated first, in stack order. With `self`, entry k itself is spilled too.
   */
  private spillUpTo(k: number, self: boolean): void {
    const h = this.top.height;
    for (let i = h; i < k; i++) if (!this.stack[i].pure) this.spillAt(i);
    if (self) this.spillAt(k);
  }

  /**
   * Called before a statement is emitted. `impure`: the statement has an effect or evaluates an impure
   * operand, so every pending impure entry must be evaluated first. `local`: the statement writes this local,
   * so pending readers of it must be evaluated first.
   */
  private beforeStmt(impure: boolean, local = -1): void {
    const h = this.top.height;
    for (let i = h; i < this.stack.length; i++) {
      const e = this.stack[i];
      if (this.isTrivial(e)) continue;
      if ((impure && !e.pure) || (local >= 0 && (e.locals === null || e.locals.includes(local)))) this.spillAt(i);
    }
  }

  /** Spills every non-trivial entry of the current frame (before entering a nested block). */
  private spillAll(): void {
    for (let i = this.top.height; i < this.stack.length; i++) this.spillAt(i);
  }

  /** Emits a statement whose operands are `ops` (already popped), after the ordering spills it needs. */
  private emit(s: Stmt, ops: readonly Entry[], effect: boolean, local = -1): void {
    if (!this.emitting) return;
    let impure = effect;
    for (const o of ops) if (!o.pure) impure = true;
    this.beforeStmt(impure, local);
    this.top.body.push(s);
    for (const o of ops) this.release(o.owned);
  }

  // ---- control ------------------------------------------------------------------------------------------

  private pushCtrl(op: CtrlOp, params: readonly ValType[], results: readonly ValType[], dead: boolean,
    cond: Expr | null, paramEntries: readonly Entry[], at: number): Ctrl {
    const f: Ctrl = {
      op, params, results, height: this.stack.length, unreachable: false, dead, deadTail: false,
      label: this.nextLabel++, body: [], thenBody: null, cond, temps: null, paramEntries, branched: false,
      memory: 0, at,
    };
    this.ctrls.push(f);
    return f;
  }

  private blockType(): { params: readonly ValType[]; results: readonly ValType[] } {
    const at = this.r.pos;
    const bt = this.r.blocktype();
    if (bt.kind === 'empty') return { params: [], results: [] };
    if (bt.kind === 'val') return { params: [], results: [bt.type] };
    const t = this.ctx.module.types[bt.index];
    if (!t) this.fail(`unknown type ${bt.index}`, at, 'unknown-type');
    return t;
  }

  private labelFrame(depth: number, at: number): Ctrl {
    if (depth >= this.ctrls.length) this.fail(`unknown label ${depth}`, at, 'unknown-label');
    return this.ctrls[this.ctrls.length - 1 - depth];
  }

  private labelTypes(f: Ctrl): readonly ValType[] {
    return f.op === 'loop' ? f.params : f.results;
  }

  /** The branch target for frame f, allocating block result temps on first use. */
  private target(f: Ctrl, mark = true): BranchTarget {
    if (mark) f.branched = true;
    if (f.op === 'func') return { label: f.label, loop: false, isReturn: true, temps: [] };
    if (f.op === 'loop') return { label: f.label, loop: true, isReturn: false, temps: f.temps ?? [] };
    if (f.temps === null) f.temps = f.results.map((t) => this.allocTemp(t));
    return { label: f.label, loop: false, isReturn: false, temps: f.temps };
  }

  private setUnreachable(): void {
    const f = this.top;
    for (let i = f.height; i < this.stack.length; i++) if (!f.dead) this.release(this.stack[i].owned);
    this.stack.length = f.height;
    f.unreachable = true;
  }

  private enterBlock(op: 'block' | 'loop' | 'if', at: number): void {
    const { params, results } = this.blockType();
    const live = this.emitting;
    let cond: Entry | null = null;
    if (op === 'if') cond = this.pop('i32');
    if (live) {
      // Values below the new frame must not depend on anything the block does: evaluate them now.
      if (cond && !cond.pure) this.spillUpTo(this.stack.length, false);
      this.spillAll();
    }
    const ps = this.popVals(params);
    if (live && cond) {
      // The condition is evaluated by the `if` statement itself, after the spills above.
      this.release(cond.owned);
    }
    const f = this.pushCtrl(op, params, results, !live, cond ? cond.expr : null, ps, at);
    if (op === 'loop' && live && params.length > 0) {
      // Loop parameters live in temps that every `br` to the loop reassigns.
      const parent = this.ctrls[this.ctrls.length - 2];
      f.temps = params.map((t) => this.allocTemp(t));
      ps.forEach((p, i) => parent.body.push({ kind: 'eval', value: p.expr, results: [f.temps![i]], at }));
      for (const p of ps) this.release(p.owned);
      params.forEach((t, i) => this.pushTemp(t, f.temps![i], false, at));
    } else {
      for (const p of ps) this.stack.push({ ...p, owned: NONE });
    }
  }

  /** Assigns the current frame's fallthrough values (already popped) to its temps. */
  private assignTemps(f: Ctrl, vals: readonly Entry[], at: number): void {
    const t = this.target(f, false); // a fallthrough is not a branch
    if (vals.length === 0) return;
    this.beforeStmt(vals.some((v) => !v.pure));
    vals.forEach((v, i) => f.body.push({ kind: 'eval', value: v.expr, results: [t.temps[i]], at }));
    for (const v of vals) this.release(v.owned);
  }

  private elseOp(at: number): void {
    const f = this.top;
    if (f.op !== 'if') this.fail('else without matching if', at, 'unexpected-else');
    const reachable = !f.unreachable && !f.deadTail && !f.dead;
    const vals = this.popVals(f.results);
    if (this.stack.length !== f.height) this.fail('type mismatch', at);
    if (reachable) this.assignTemps(f, vals, at);
    else if (!f.dead && f.results.length) this.target(f, false);
    f.thenBody = f.body;
    f.body = [];
    f.op = 'else';
    f.unreachable = false;
    f.deadTail = false;
    for (const p of f.paramEntries) this.stack.push({ ...p, owned: NONE });
  }

  private endOp(at: number): void {
    const f = this.top;
    const reachable = !f.unreachable && !f.deadTail && !f.dead;
    const vals = this.popVals(f.results);
    if (this.stack.length !== f.height) this.fail('type mismatch', at);
    if (f.op === 'if') {
      // The missing else passes the parameters through: they must match the results.
      if (f.params.length !== f.results.length || f.params.some((p, i) => p !== f.results[i])) {
        this.fail('type mismatch', at);
      }
    }
    this.ctrls.pop();
    if (f.dead) {
      if (this.ctrls.length) for (const t of f.results) this.pushPlaceholder(t);
      return;
    }
    const parent = this.ctrls.length ? this.top : null;
    if (parent) parent.memory |= f.memory;
    switch (f.op) {
      case 'func':
        // Falling off the end returns; a function without results needs no statement for it.
        if (reachable && vals.length) f.body.push({ kind: 'return', values: vals.map((v) => v.expr), at });
        return;
      case 'loop':
        if (!f.branched) append(parent!.body, f.body);
        else parent!.body.push({ kind: 'loop', label: f.label, body: f.body, fixedMemory: f.memory === MEMORY_ACCESS, at: f.at });
        if (!reachable) { parent!.deadTail = true; for (const t of f.results) this.pushPlaceholder(t); }
        else for (const v of vals) this.stack.push(v);
        return;
      case 'block':
        if (!f.branched) {
          append(parent!.body, f.body);
          if (!reachable) { parent!.deadTail = true; for (const t of f.results) this.pushPlaceholder(t); }
          else for (const v of vals) this.stack.push(v);
          return;
        }
        if (reachable) { this.ctrlsPushTemp(f); this.assignTemps(f, vals, at); this.ctrls.pop(); }
        parent!.body.push({ kind: 'block', label: f.label, body: f.body, at: f.at });
        this.pushResults(f, at);
        return;
      case 'if':
      case 'else': {
        if (f.results.length) this.target(f, false);
        if (reachable) { this.ctrlsPushTemp(f); this.assignTemps(f, vals, at); this.ctrls.pop(); }
        let thenBody: Stmt[], elseBody: Stmt[];
        if (f.op === 'if') {
          thenBody = f.body;
          elseBody = f.paramEntries.map((p, i) => ({ kind: 'eval', value: p.expr, results: [f.temps![i]], at }) as Stmt);
        } else {
          thenBody = f.thenBody!;
          elseBody = f.body;
        }
        parent!.body.push({ kind: 'if', label: f.label, cond: f.cond!, then: thenBody, else: elseBody, at: f.at });
        this.pushResults(f, at);
        return;
      }
    }
  }

  /** assignTemps works on the top frame; this re-pushes a popped frame temporarily. */
  private ctrlsPushTemp(f: Ctrl): void {
    this.ctrls.push(f);
  }

  private pushResults(f: Ctrl, at: number): void {
    if (f.results.length === 0) return;
    const temps = f.temps ?? f.results.map((t) => this.allocTemp(t));
    f.results.forEach((t, i) => this.pushTemp(t, temps[i], true, at));
  }

  private pushPlaceholder(t: ValType): void {
    this.stack.push({ type: t, expr: placeholder(t), pure: true, locals: NONE, depth: 1, owned: NONE });
  }

  // ---- branches -----------------------------------------------------------------------------------------

  private brOp(depth: number, at: number): void {
    const f = this.labelFrame(depth, at);
    const vals = this.popVals(this.labelTypes(f));
    if (this.emitting) {
      const t = this.target(f);
      let values = vals;
      if (t.loop && vals.length > 1 && vals.some((v) => refsTemp(v.expr, t.temps))) {
        // Parallel assignment to loop parameters that read each other: go through fresh temps.
        const base = this.stack.length;
        for (const v of vals) this.stack.push(v);
        for (let i = base; i < this.stack.length; i++) this.spillAt(i);
        values = this.stack.splice(base);
      }
      this.emit({ kind: 'br', target: t, values: values.map((v) => v.expr), at }, values, true);
    }
    this.setUnreachable();
  }

  private brIfOp(depth: number, at: number): void {
    const f = this.labelFrame(depth, at);
    const cond = this.pop('i32');
    const types = this.labelTypes(f);
    const vals = this.popVals(types);
    for (let i = 0; i < vals.length; i++) this.stack.push({ ...vals[i], type: types[i] });
    if (this.emitting) {
      const t = this.target(f);
      // The branch values are needed on both paths: make them trivial (temps or constants) first.
      const n = this.stack.length;
      if (!cond.pure) this.spillUpTo(n, false);
      for (let i = n - vals.length; i < n; i++) this.spillAt(i);
      const values = this.stack.slice(n - vals.length).map((v) => v.expr);
      this.emit({ kind: 'br_if', target: t, cond: cond.expr, values, at }, [cond], true);
    }
  }

  private brTableOp(at: number): void {
    const r = this.r;
    const n = r.u32();
    const depths: number[] = [];
    for (let i = 0; i < n; i++) depths.push(r.u32());
    const def = r.u32();
    const index = this.pop('i32');
    const defFrame = this.labelFrame(def, at);
    const arity = this.labelTypes(defFrame).length;
    for (const d of depths) {
      const lf = this.labelFrame(d, at);
      const lt = this.labelTypes(lf);
      if (lt.length !== arity) this.fail('type mismatch', at);
      const vals = this.popVals(lt);
      for (let i = 0; i < vals.length; i++) this.stack.push({ ...vals[i], type: vals[i].type === 'unknown' ? 'unknown' : lt[i] });
    }
    const vals = this.popVals(this.labelTypes(defFrame));
    if (this.emitting) {
      const base = this.stack.length;
      for (const v of vals) this.stack.push(v);
      if (!index.pure) this.spillUpTo(this.stack.length, false);
      for (let i = base; i < this.stack.length; i++) this.spillAt(i);
      const values = this.stack.splice(base);
      const targets = depths.map((d) => this.target(this.labelFrame(d, at)));
      const dt = this.target(defFrame);
      this.emit({ kind: 'br_table', targets, default: dt, index: index.expr, values: values.map((v) => v.expr), at },
        [index, ...values], true);
    }
    this.setUnreachable();
  }

  // ---- instructions -------------------------------------------------------------------------------------

  private instr(row: OpRow, at: number): void {
    switch (row.shape) {
      case 'unary': {
        const sig = parseSig(row.sig);
        const a = this.pop(sig.params[0] as ValType);
        const pure = a.pure && !TRAPPING.has(row.name);
        this.pushExpr(sig.results[0] as ValType, { kind: 'unary', type: sig.results[0] as ValType, op: row.name, arg: a.expr, at },
          pure, a.locals, a.depth + 1, a.owned);
        return;
      }
      case 'binary': {
        const sig = parseSig(row.sig);
        const b = this.pop(sig.params[1] as ValType);
        const a = this.pop(sig.params[0] as ValType);
        const pure = a.pure && b.pure && !TRAPPING.has(row.name);
        this.pushExpr(sig.results[0] as ValType,
          { kind: 'binary', type: sig.results[0] as ValType, op: row.name, left: a.expr, right: b.expr, at },
          pure, mergeLocals(a.locals, b.locals), Math.max(a.depth, b.depth) + 1, concat(a.owned, b.owned));
        return;
      }
      case 'load': {
        const { align, offset } = this.memarg(row, at);
        const a = this.pop('i32');
        const type = parseSig(row.sig).results[0] as ValType;
        this.pushExpr(type, { kind: 'load', type, op: row.name, memory: 0, offset, align, addr: a.expr, at },
          false, a.locals, a.depth + 1, a.owned);
        this.top.memory |= MEMORY_ACCESS;
        return;
      }
      case 'store': {
        const { align, offset } = this.memarg(row, at);
        const v = this.pop(parseSig(row.sig).params[1] as ValType);
        const a = this.pop('i32');
        this.emit({ kind: 'store', op: row.name, memory: 0, offset, align, addr: a.expr, value: v.expr, at }, [a, v], true);
        this.top.memory |= MEMORY_ACCESS;
        return;
      }
      case 'const':
        this.constOp(row, at);
        return;
      case 'special':
        this.special(row, at);
        return;
    }
  }

  private memarg(row: OpRow, at: number): { align: number; offset: number } {
    const { align, offset } = this.r.memarg();
    if (this.ctx.memories.length === 0) this.fail('unknown memory 0', at, 'unknown-memory');
    if (align > naturalAlign(row)) this.fail('alignment must not be larger than natural', at, 'bad-alignment');
    return { align, offset };
  }

  private constOp(row: OpRow, at: number): void {
    const r = this.r;
    switch (row.imm) {
      case 'i32': this.pushConst({ kind: 'const', type: 'i32', value: r.i32(), at }); return;
      case 'i64': this.pushConst({ kind: 'const', type: 'i64', value: r.i64(), at }); return;
      case 'f32': { const { value, bits } = r.f32(); this.pushConst({ kind: 'const', type: 'f32', value, bits, at }); return; }
      case 'f64': { const { value, bits } = r.f64(); this.pushConst({ kind: 'const', type: 'f64', value, bits, at }); return; }
    }
  }

  private pushConst(e: Expr): void {
    this.stack.push({ type: e.type as ValType, expr: e, pure: true, locals: NONE, depth: 1, owned: NONE });
  }

  private localIndex(at: number): number {
    const i = this.r.u32();
    if (i >= this.locals.length) this.fail(`unknown local ${i}`, at, 'unknown-local');
    return i;
  }

  private globalIndex(at: number): number {
    const i = this.r.u32();
    if (i >= this.ctx.globals.length) this.fail(`unknown global ${i}`, at, 'unknown-global');
    return i;
  }

  private tableIndex(at: number): number {
    const i = this.r.u32();
    if (i >= this.ctx.tables.length) this.fail(`unknown table ${i}`, at, 'unknown-table');
    return i;
  }

  private memoryIndex(at: number): number {
    const i = this.r.u8();
    if (i !== 0) this.r.fail('zero byte expected', at, 'zero-byte');
    if (this.ctx.memories.length === 0) this.fail('unknown memory 0', at, 'unknown-memory');
    return 0;
  }

  private funcIndex(at: number): number {
    const i = this.r.u32();
    if (i >= this.ctx.funcTypeIndex.length) this.fail(`unknown function ${i}`, at, 'unknown-function');
    return i;
  }

  private dataIndex(at: number): number {
    if (this.ctx.module.dataCount < 0) this.r.fail('data count section required', at, 'data-count-required');
    const i = this.r.u32();
    if (i >= this.ctx.module.dataCount) this.fail(`unknown data segment ${i}`, at, 'unknown-data');
    return i;
  }

  private elemIndex(at: number): number {
    const i = this.r.u32();
    if (i >= this.ctx.elemTypes.length) this.fail(`unknown elem segment ${i}`, at, 'unknown-elem');
    return i;
  }

  private callOp(ft: FuncType, make: (args: Expr[], type: ValType | null) => Expr, extra: Entry[], at: number): void {
    const args = this.popVals(ft.params);
    if (!this.emitting) {
      for (const t of ft.results) this.pushPlaceholder(t);
      return;
    }
    const ops = [...args, ...extra];
    const expr = make(args.map((a) => a.expr), ft.results.length ? ft.results[0] : null);
    if (ft.results.length === 1) {
      let depth = 1, locals: readonly number[] | null = [];
      const owned: TempId[] = [];
      for (const o of ops) { depth = Math.max(depth, o.depth + 1); locals = mergeLocals(locals, o.locals); append(owned, o.owned); }
      this.pushExpr(ft.results[0], expr, false, locals, depth, owned);
      return;
    }
    const temps = ft.results.map((t) => this.allocTemp(t));
    this.emit({ kind: 'eval', value: expr, results: temps, at }, ops, true);
    ft.results.forEach((t, i) => this.pushTemp(t, temps[i], true, at));
  }

  private special(row: OpRow, at: number): void {
    const r = this.r;
    switch (row.name) {
      case 'unreachable':
        this.emit({ kind: 'unreachable', at }, [], true);
        this.setUnreachable();
        return;
      case 'nop':
        return;
      case 'block': case 'loop': case 'if':
        this.enterBlock(row.name, at);
        return;
      case 'else':
        this.elseOp(at);
        return;
      case 'end':
        this.endOp(at);
        return;
      case 'br':
        this.brOp(r.u32(), at);
        return;
      case 'br_if':
        this.brIfOp(r.u32(), at);
        return;
      case 'br_table':
        this.brTableOp(at);
        return;
      case 'return': {
        const vals = this.popVals(this.type.results);
        this.emit({ kind: 'return', values: vals.map((v) => v.expr), at }, vals, true);
        this.setUnreachable();
        return;
      }
      case 'call': {
        const f = this.funcIndex(at);
        const ft = this.ctx.module.types[this.ctx.funcTypeIndex[f]];
        this.callOp(ft, (args, type) => ({ kind: 'call', type, func: f, args, at }), [], at);
        this.top.memory |= MEMORY_MAY_GROW;
        return;
      }
      case 'call_indirect': {
        const ti = r.u32();
        const table = this.tableIndex(at);
        const ft = this.ctx.module.types[ti];
        if (!ft) this.fail(`unknown type ${ti}`, at, 'unknown-type');
        if (this.ctx.tables[table].elem !== 'funcref') this.fail('type mismatch', at);
        const callee = this.pop('i32');
        this.callOp(ft, (args, type) => ({ kind: 'call_indirect', type, typeIndex: ti, table, args, callee: callee.expr, at }), [callee], at);
        this.top.memory |= MEMORY_MAY_GROW;
        return;
      }
      case 'drop': {
        const e = this.pop();
        if (!this.emitting) return;
        if (!e.pure) this.emit({ kind: 'eval', value: e.expr, results: [], at }, [e], true);
        else this.release(e.owned);
        return;
      }
      case 'select': case 'select_t': {
        let t: VT;
        if (row.name === 'select_t') {
          const n = r.u32();
          if (n !== 1) this.fail('invalid result arity', at, 'invalid-arity');
          t = r.valtype();
        } else t = 'unknown';
        const c = this.pop('i32');
        const b = this.pop(t);
        const a = this.pop(t);
        if (row.name === 'select') {
          const isNum = (x: VT) => x === 'i32' || x === 'i64' || x === 'f32' || x === 'f64' || x === 'v128' || x === 'unknown';
          if (!isNum(a.type) || !isNum(b.type)) this.fail('type mismatch', at);
          if (a.type !== 'unknown' && b.type !== 'unknown' && a.type !== b.type) this.fail('type mismatch', at);
          t = a.type === 'unknown' ? b.type : a.type;
        }
        this.selectOp(t, a, b, c, at);
        return;
      }
      case 'local.get': {
        const i = this.localIndex(at);
        const t = this.locals[i];
        this.pushExpr(t, { kind: 'local.get', type: t, index: i, at }, true, [i], 1, []);
        return;
      }
      case 'local.set': case 'local.tee': {
        const i = this.localIndex(at);
        const t = this.locals[i];
        const v = this.pop(t);
        this.emit({ kind: 'local.set', index: i, value: v.expr, at }, [v], false, i);
        if (row.name === 'local.tee') this.pushExpr(t, { kind: 'local.get', type: t, index: i, at }, true, [i], 1, []);
        return;
      }
      case 'global.get': {
        const i = this.globalIndex(at);
        const t = this.ctx.globals[i].type;
        this.pushExpr(t, { kind: 'global.get', type: t, index: i, at }, false, [], 1, []);
        return;
      }
      case 'global.set': {
        const i = this.globalIndex(at);
        const g = this.ctx.globals[i];
        if (!g.mutable) this.fail('global is immutable', at, 'immutable-global');
        const v = this.pop(g.type);
        this.emit({ kind: 'global.set', index: i, value: v.expr, at }, [v], true);
        return;
      }
      case 'table.get': {
        const ti = this.tableIndex(at);
        const t = this.ctx.tables[ti].elem;
        const i = this.pop('i32');
        this.pushExpr(t, { kind: 'table.get', type: t, table: ti, index: i.expr, at }, false, i.locals, i.depth + 1, i.owned);
        return;
      }
      case 'table.set': {
        const ti = this.tableIndex(at);
        const v = this.pop(this.ctx.tables[ti].elem);
        const i = this.pop('i32');
        this.emit({ kind: 'table.set', table: ti, index: i.expr, value: v.expr, at }, [i, v], true);
        return;
      }
      case 'table.size': {
        const ti = this.tableIndex(at);
        this.pushExpr('i32', { kind: 'table.size', type: 'i32', table: ti, at }, false, [], 1, []);
        return;
      }
      case 'table.grow': {
        const ti = this.tableIndex(at);
        const d = this.pop('i32');
        const init = this.pop(this.ctx.tables[ti].elem);
        this.pushExpr('i32', { kind: 'table.grow', type: 'i32', table: ti, init: init.expr, delta: d.expr, at }, false,
          mergeLocals(init.locals, d.locals), Math.max(init.depth, d.depth) + 1, concat(init.owned, d.owned));
        return;
      }
      case 'table.fill': {
        const ti = this.tableIndex(at);
        const n = this.pop('i32');
        const v = this.pop(this.ctx.tables[ti].elem);
        const i = this.pop('i32');
        this.emit({ kind: 'table.fill', table: ti, index: i.expr, value: v.expr, len: n.expr, at }, [i, v, n], true);
        return;
      }
      case 'table.init': {
        const ei = this.elemIndex(at);
        const ti = this.tableIndex(at);
        if (this.ctx.elemTypes[ei] !== this.ctx.tables[ti].elem) this.fail('type mismatch', at);
        const [d, s, n] = this.popVals(['i32', 'i32', 'i32']);
        this.emit({ kind: 'table.init', table: ti, elem: ei, dest: d.expr, src: s.expr, len: n.expr, at }, [d, s, n], true);
        return;
      }
      case 'elem.drop': {
        const ei = this.elemIndex(at);
        this.emit({ kind: 'elem.drop', elem: ei, at }, [], true);
        return;
      }
      case 'table.copy': {
        const dt = this.tableIndex(at);
        const st = this.tableIndex(at);
        if (this.ctx.tables[dt].elem !== this.ctx.tables[st].elem) this.fail('type mismatch', at);
        const [d, s, n] = this.popVals(['i32', 'i32', 'i32']);
        this.emit({ kind: 'table.copy', dstTable: dt, srcTable: st, dest: d.expr, src: s.expr, len: n.expr, at }, [d, s, n], true);
        return;
      }
      case 'memory.size': {
        const mi = this.memoryIndex(at);
        this.pushExpr('i32', { kind: 'memory.size', type: 'i32', memory: mi, at }, false, [], 1, []);
        return;
      }
      case 'memory.grow': {
        const mi = this.memoryIndex(at);
        const d = this.pop('i32');
        this.pushExpr('i32', { kind: 'memory.grow', type: 'i32', memory: mi, delta: d.expr, at }, false, d.locals, d.depth + 1, d.owned);
        this.top.memory |= MEMORY_MAY_GROW;
        return;
      }
      case 'memory.init': {
        const di = this.dataIndex(at);
        const mi = this.memoryIndex(at);
        const [d, s, n] = this.popVals(['i32', 'i32', 'i32']);
        this.emit({ kind: 'memory.init', memory: mi, data: di, dest: d.expr, src: s.expr, len: n.expr, at }, [d, s, n], true);
        return;
      }
      case 'data.drop': {
        const di = this.dataIndex(at);
        this.emit({ kind: 'data.drop', data: di, at }, [], true);
        return;
      }
      case 'memory.copy': {
        const m1 = this.memoryIndex(at);
        const m2 = this.memoryIndex(at);
        const [d, s, n] = this.popVals(['i32', 'i32', 'i32']);
        this.emit({ kind: 'memory.copy', dstMemory: m1, srcMemory: m2, dest: d.expr, src: s.expr, len: n.expr, at }, [d, s, n], true);
        return;
      }
      case 'memory.fill': {
        const mi = this.memoryIndex(at);
        const [d, v, n] = this.popVals(['i32', 'i32', 'i32']);
        this.emit({ kind: 'memory.fill', memory: mi, dest: d.expr, value: v.expr, len: n.expr, at }, [d, v, n], true);
        return;
      }
      case 'ref.null': {
        const t = r.reftype();
        this.pushExpr(t, { kind: 'ref.null', type: t, at }, true, [], 1, []);
        return;
      }
      case 'ref.is_null': {
        const a = this.pop();
        if (a.type !== 'unknown' && a.type !== 'funcref' && a.type !== 'externref') this.fail('type mismatch', at);
        this.pushExpr('i32', { kind: 'ref.is_null', type: 'i32', arg: a.expr, at }, a.pure, a.locals, a.depth + 1, a.owned);
        return;
      }
      case 'ref.func': {
        const f = this.funcIndex(at);
        if (!this.ctx.refs.has(f)) this.fail('undeclared function reference', at, 'undeclared-ref');
        this.pushExpr('funcref', { kind: 'ref.func', type: 'funcref', func: f, at }, true, [], 1, []);
        return;
      }
      default:
        this.r.fail(`illegal opcode ${row.name}`, at, 'illegal-opcode');
    }
  }

  private selectOp(t: VT, a: Entry, b: Entry, c: Entry, at: number): void {
    if (!this.emitting || t === 'unknown') {
      this.pushExpr(t, DUMMY, true, [], 1, []);
      return;
    }
    // JS `c ? a : b` evaluates one arm only and the condition first; wasm evaluated a, b, then c.
    // Arms with effects are therefore evaluated into temps beforehand.
    if (!a.pure || !b.pure) {
      const base = this.stack.length;
      this.stack.push(a, b);
      this.spillUpTo(base, true);
      this.spillAt(base + 1);
      [a, b] = this.stack.splice(base);
    }
    this.pushExpr(t, { kind: 'select', type: t as ValType, cond: c.expr, ifTrue: a.expr, ifFalse: b.expr, at },
      a.pure && b.pure && c.pure, mergeLocals(mergeLocals(a.locals, b.locals), c.locals),
      Math.max(a.depth, b.depth, c.depth) + 1, [...a.owned, ...b.owned, ...c.owned]);
  }
}

function concat(a: readonly TempId[], b: readonly TempId[]): readonly TempId[] {
  return a.length === 0 ? b : b.length === 0 ? a : [...a, ...b];
}

function placeholder(t: ValType): Expr {
  switch (t) {
    case 'i64': return { kind: 'const', type: 'i64', value: 0n, at: 0 };
    case 'f32': return { kind: 'const', type: 'f32', value: 0, bits: 0, at: 0 };
    case 'f64': return { kind: 'const', type: 'f64', value: 0, bits: 0n, at: 0 };
    case 'funcref': case 'externref': return { kind: 'ref.null', type: t as RefType, at: 0 };
    default: return DUMMY;
  }
}

/** Appends `xs` to `into` (not push(...xs): a block can hold more statements than a call takes arguments). */
function append<T>(into: T[], xs: readonly T[]): void {
  for (const x of xs) into.push(x);
}
