// The interpreter of one function: executes the validated IR (compiler/ir/ir.ts) directly, as the baseline
// that shows what compiling to JS buys and as an independent oracle for differential tests. Simple and
// correct rather than clever.
//
// Frame: one JS array per call holding every local, then every temp, then the first result slot; an i64
// takes two slots (lo, hi), as in the raw calling convention, so the flat argument list of a raw call is
// exactly the frame's first slots. The array is created from a template whose elements kind is generic, so
// V8 boxes doubles instead of storing them raw, which would canonicalize (silence) signalling NaNs.
//
// Expressions: `ev` evaluates a tree recursively (the validator caps tree depth) and returns one value; an
// i64 returns lo and leaves hi in RI[0], the rule of runtime helpers and raw calls, so an i64 operand's hi
// word is read from RI[0] right after evaluating it. Operands are evaluated left to right, as wasm does.
//
// Statements: `exec` runs a list and returns NEXT (fall through), RETURN, or the label id of a pending
// branch; a block consumes a branch to its own label, a loop restarts on one. No JS exceptions for control
// flow. A branch first evaluates all its values, then assigns the target's temps.

import type { Expr, Stmt, FuncIR, BranchTarget } from '../ir/ir.js';
import type { GlobalCell, LinkRecord, RawFunc, ValType } from '../../runtime/abi.js';
import { Trap } from '../../runtime/abi.js';
import { RI, RF, RR } from '../../runtime/ret.js';
import { f32_from_bits, f64_from_bits } from '../../runtime/ops.js';
import { memory_copy, memory_fill, memory_init, type MemoryInstance } from '../../runtime/memory.js';
import {
  icall, table_copy, table_fill, table_get, table_grow, table_init, table_set, type TableInstance,
} from '../../runtime/table.js';
import { trap } from '../../runtime/trap.js';
import { BINARY, LOADS, STORES, UNARY } from './ops.js';

/** `exec` results besides label ids (which are >= 0). */
const NEXT = -1;
const RETURN = -2;

/** What every function of one instance shares: the index spaces and the link record. */
export interface InstanceState {
  readonly I: LinkRecord;
  /** The whole function index space (imports first). */
  readonly funcs: RawFunc[];
  /** A cell for every global (imported, exported and internal ones alike). */
  readonly globals: GlobalCell[];
  /** Memory 0, or undefined when the module has none. */
  readonly M: MemoryInstance | undefined;
  readonly tables: readonly TableInstance[];
  /** Canonical type id per type index. */
  readonly types: readonly number[];
}

/** The per-module, per-function facts the interpreter needs: frame layout and result slot kinds. */
export interface FuncLayout {
  readonly f: FuncIR;
  /** Frame slot of each local (an i64 uses this slot and the next). */
  readonly localSlot: Int32Array;
  /** Frame slot of each temp. */
  readonly tempSlot: Int32Array;
  /** Slot of the first result. */
  readonly retSlot: number;
  /** Template frame: zeros for numbers, null for references; generic elements kind. */
  readonly template: unknown[];
  /** Return-area kind of each flattened result slot. */
  readonly resultKinds: readonly SlotKind[];
}

type SlotKind = 'i' | 'f' | 'r';

const slotKind = (t: ValType): SlotKind => (t === 'i32' || t === 'i64' ? 'i' : t === 'f32' || t === 'f64' ? 'f' : 'r');
const isRef = (t: ValType): boolean => t === 'funcref' || t === 'externref';

export function layout(f: FuncIR): FuncLayout {
  // An empty array that already has the generic elements kind (kinds only ever generalize).
  const template: unknown[] = [{}];
  template.pop();
  const place = (t: ValType): number => {
    const s = template.length;
    template.push(isRef(t) ? null : 0);
    if (t === 'i64') template.push(0);
    return s;
  };
  const localSlot = Int32Array.from(f.locals, place);
  const tempSlot = Int32Array.from(f.temps, place);
  const retSlot = template.length;
  template.push(undefined);
  const resultKinds: SlotKind[] = [];
  for (const t of f.results) {
    resultKinds.push(slotKind(t));
    if (t === 'i64') resultKinds.push('i');
  }
  return { f, localSlot, tempSlot, retSlot, template, resultKinds };
}

/**
 * Constants that need work to build (i64 halves, NaNs with payloads), built once per IR node. An object, not
 * an array: a JS array of doubles would canonicalize (silence) a NaN payload.
 */
const constCache = new WeakMap<Expr, { readonly v: number; readonly h: number }>();

/** The value of a constant node; an i64 returns lo and leaves hi in RI[0]. */
export function constValue(e: Extract<Expr, { kind: 'const' }>): number {
  if (e.type === 'i32') return e.value;
  if (e.type !== 'i64' && e.value === e.value) return e.value;
  let c = constCache.get(e);
  if (c === undefined) {
    if (e.type === 'i64') {
      const v = BigInt.asUintN(64, e.value);
      c = { v: Number(v & 0xffffffffn) | 0, h: Number(v >> 32n) | 0 };
    } else if (e.type === 'f32') c = { v: f32_from_bits(e.bits | 0), h: 0 };
    else c = { v: f64_from_bits(Number(e.bits & 0xffffffffn) | 0, Number(e.bits >> 32n) | 0), h: 0 };
    constCache.set(e, c);
  }
  RI[0] = c.h;
  return c.v;
}

/** An empty array with the generic elements kind, so the doubles stored in it keep their NaN payloads. */
function slots(): any[] {
  const a: any[] = [null];
  a.length = 0;
  return a;
}

/** Calls a raw function with flat argument slots. */
function invoke(f: RawFunc, a: any[]): any {
  switch (a.length) {
    case 0: return f();
    case 1: return f(a[0]);
    case 2: return f(a[0], a[1]);
    case 3: return f(a[0], a[1], a[2]);
    case 4: return f(a[0], a[1], a[2], a[3]);
    default: return f(...a);
  }
}

/** Interprets one function of one instance; `raw()` is its raw function (runtime/abi.ts convention). */
export class FuncExec {
  private readonly body: readonly Stmt[];
  private readonly ls: Int32Array;
  private readonly ts: Int32Array;

  constructor(private readonly S: InstanceState, private readonly L: FuncLayout) {
    this.body = L.f.body;
    this.ls = L.localSlot;
    this.ts = L.tempSlot;
  }

  /** The raw function (runtime/abi.ts convention): flat argument slots in, first result slot out. */
  raw(): RawFunc {
    const { template, retSlot } = this.L;
    const body = this.body;
    // One JS frame per wasm call on top of the statement frames: the JS stack bounds the wasm call depth.
    return ((...args: any[]) => {
      const fr = template.slice();
      for (let i = 0; i < args.length; i++) fr[i] = args[i];
      this.exec(body, fr);
      return fr[retSlot];
    }) as RawFunc;
  }

  // ---- statements ---------------------------------------------------------------------------------------

  // The hot statement kinds are handled in this loop, the rest in `rareStmt`. Keeping the switch here (not in
  // a per-statement function) and small makes one JS frame per nesting level, and small frames: the JS stack
  // is what bounds the wasm call depth.
  private exec(list: readonly Stmt[], fr: any[]): number {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      let r = NEXT;
      switch (s.kind) {
        case 'local.set': {
          const slot = this.ls[s.index]!;
          fr[slot] = this.ev(s.value, fr);
          if (s.value.type === 'i64') fr[slot + 1] = RI[0];
          continue;
        }
        case 'eval':
          if (s.results.length === 1) {
            const slot = this.ts[s.results[0]!]!;
            fr[slot] = this.ev(s.value, fr);
            if (s.value.type === 'i64') fr[slot + 1] = RI[0];
            continue;
          }
          r = this.evalStmt(s.value, s.results, fr);
          break;
        case 'block':
          r = this.exec(s.body, fr);
          if (r === s.label) continue;
          break;
        case 'loop':
          do r = this.exec(s.body, fr); while (r === s.label);
          break;
        case 'if':
          r = this.exec(this.ev(s.cond, fr) !== 0 ? s.then : s.else, fr);
          if (r === s.label) continue;
          break;
        case 'br': return this.branch(s.target, s.values, fr);
        case 'br_if':
          // The values are temps or constants (the validator spilled them): reading them after the condition
          // is the same as reading them before.
          if (this.ev(s.cond, fr) !== 0) return this.branch(s.target, s.values, fr);
          continue;
        case 'return': return this.ret(this.values(s.values, fr), fr);
        default: r = this.rareStmt(s, fr);
      }
      if (r !== NEXT) return r;
    }
    return NEXT;
  }

  private rareStmt(s: Stmt, fr: any[]): number {
    const S = this.S;
    switch (s.kind) {
      case 'global.set': {
        const cell = S.globals[s.index]!;
        cell.v = this.ev(s.value, fr);
        if (s.value.type === 'i64') cell.h = RI[0]!;
        return NEXT;
      }
      case 'store': {
        const addr = this.ev(s.addr, fr);
        const v = this.ev(s.value, fr);
        const vh = RI[0]!;
        // The DataView is read after the operands: evaluating them may have grown the memory.
        STORES.get(s.op)!(S.M!.dv, (addr >>> 0) + s.offset, v, vh);
        return NEXT;
      }
      case 'br_table': {
        const vals = this.values(s.values, fr);
        const i = this.ev(s.index, fr) >>> 0;
        const t = i < s.targets.length ? s.targets[i]! : s.default;
        return this.jump(t, s.values, vals, fr);
      }
      case 'unreachable': return trap(Trap.Unreachable);
      case 'memory.init': {
        const [d, src, n] = this.ops3(s.dest, s.src, s.len, fr);
        memory_init(S.M!, S.I.data[s.data]!, d, src, n);
        return NEXT;
      }
      case 'data.drop': S.I.data[s.data] = null; return NEXT;
      case 'memory.copy': {
        const [d, src, n] = this.ops3(s.dest, s.src, s.len, fr);
        memory_copy(S.M!, S.M!, d, src, n);
        return NEXT;
      }
      case 'memory.fill': {
        const [d, v, n] = this.ops3(s.dest, s.value, s.len, fr);
        memory_fill(S.M!, d, v, n);
        return NEXT;
      }
      case 'table.init': {
        const [d, src, n] = this.ops3(s.dest, s.src, s.len, fr);
        table_init(S.tables[s.table]!, S.I.elems[s.elem]!, d, src, n);
        return NEXT;
      }
      case 'elem.drop': S.I.elems[s.elem] = null; return NEXT;
      case 'table.copy': {
        const [d, src, n] = this.ops3(s.dest, s.src, s.len, fr);
        table_copy(S.tables[s.dstTable]!, S.tables[s.srcTable]!, d, src, n);
        return NEXT;
      }
      case 'table.fill': {
        // Not through ops3: a reference may be any JS value, and an array literal of doubles drops NaN payloads.
        const i = this.ev(s.index, fr);
        const v = this.ev(s.value, fr);
        table_fill(S.tables[s.table]!, i, v, this.ev(s.len, fr));
        return NEXT;
      }
      case 'table.set': {
        const i = this.ev(s.index, fr);
        table_set(S.tables[s.table]!, i, this.ev(s.value, fr));
        return NEXT;
      }
      default: throw new Error(`interpreter: unexpected statement ${s.kind}`);
    }
  }

  /** Three i32 operands, in order. */
  private ops3(a: Expr, b: Expr, c: Expr, fr: any[]): [any, any, any] {
    const x = this.ev(a, fr);
    const y = this.ev(b, fr);
    return [x, y, this.ev(c, fr)];
  }

  /** `eval` of a value discarded, or (calls only) of several results stored in temps. */
  private evalStmt(value: Expr, results: readonly number[], fr: any[]): number {
    const first = this.ev(value, fr);
    if (results.length === 0) return NEXT;
    const temps = this.L.f.temps;
    // The first slot is the call's return value; every further slot comes from the return area, by kind.
    let ni = 0, nf = 0, nr = 0, isFirst = true;
    for (const id of results) {
      const t = temps[id]!;
      const slot = this.ts[id]!;
      const n = t === 'i64' ? 2 : 1;
      for (let k = 0; k < n; k++) {
        const kind = t === 'i64' ? 'i' : slotKind(t);
        let v: unknown;
        if (isFirst) { v = first; isFirst = false; }
        else v = kind === 'i' ? RI[ni++] : kind === 'f' ? RF[nf++] : RR[nr++];
        fr[slot + k] = v;
      }
    }
    return NEXT;
  }

  /** Evaluates branch or return values to flat slots (i64: lo, hi), before anything is assigned. */
  private values(es: readonly Expr[], fr: any[]): any[] {
    const out = slots();
    for (const e of es) {
      out.push(this.ev(e, fr));
      if (e.type === 'i64') out.push(RI[0]);
    }
    return out;
  }

  private branch(t: BranchTarget, es: readonly Expr[], fr: any[]): number {
    if (t.isReturn) return this.ret(this.values(es, fr), fr);
    if (es.length === 0) return t.label;
    if (es.length === 1) {
      // One value: evaluating it completes before the assignment, so no buffer is needed.
      const slot = this.ts[t.temps[0]!]!;
      fr[slot] = this.ev(es[0]!, fr);
      if (es[0]!.type === 'i64') fr[slot + 1] = RI[0];
      return t.label;
    }
    return this.jump(t, es, this.values(es, fr), fr);
  }

  /** Assigns already evaluated flat values to the target's temps; returns the label to unwind to. */
  private jump(t: BranchTarget, es: readonly Expr[], vals: any[], fr: any[]): number {
    if (t.isReturn) return this.ret(vals, fr);
    for (let i = 0, k = 0; i < t.temps.length; i++) {
      const slot = this.ts[t.temps[i]!]!;
      fr[slot] = vals[k++];
      if (es[i]!.type === 'i64') fr[slot + 1] = vals[k++];
    }
    return t.label;
  }

  /** Stores the function's results: the first slot in the frame, the others in the return area. */
  private ret(vals: any[], fr: any[]): number {
    const kinds = this.L.resultKinds;
    let ni = 0, nf = 0, nr = 0;
    for (let k = 1; k < vals.length; k++) {
      const kind = kinds[k];
      if (kind === 'i') RI[ni++] = vals[k];
      else if (kind === 'f') RF[nf++] = vals[k];
      else RR[nr++] = vals[k];
    }
    fr[this.L.retSlot] = vals[0];
    return RETURN;
  }

  // ---- expressions --------------------------------------------------------------------------------------

  /** Evaluates an expression tree; an i64 returns lo and leaves hi in RI[0]. Rare kinds: `rareExpr`. */
  private ev(e: Expr, fr: any[]): any {
    switch (e.kind) {
      case 'const': return constValue(e);
      case 'local.get': {
        const slot = this.ls[e.index]!;
        if (e.type === 'i64') RI[0] = fr[slot + 1];
        return fr[slot];
      }
      case 'temp': {
        const slot = this.ts[e.id]!;
        if (e.type === 'i64') RI[0] = fr[slot + 1];
        return fr[slot];
      }
      case 'unary': {
        const a = this.ev(e.arg, fr);
        return UNARY.get(e.op)!(a, RI[0]!);
      }
      case 'binary': {
        const a = this.ev(e.left, fr);
        const ah = RI[0]!;
        const b = this.ev(e.right, fr);
        return BINARY.get(e.op)!(a, ah, b, RI[0]!);
      }
      case 'load': {
        const addr = this.ev(e.addr, fr);
        // The DataView is read after the address: evaluating it may have grown the memory.
        return LOADS.get(e.op)!(this.S.M!.dv, (addr >>> 0) + e.offset);
      }
      case 'call': return invoke(this.S.funcs[e.func]!, this.values(e.args, fr));
      default: return this.rareExpr(e, fr);
    }
  }

  private rareExpr(e: Expr, fr: any[]): any {
    const S = this.S;
    switch (e.kind) {
      case 'global.get': {
        const cell = S.globals[e.index]!;
        if (e.type === 'i64') RI[0] = cell.h;
        return cell.v;
      }
      case 'select': {
        // The arms are pure (the IR guarantees it); wasm evaluates them before the condition.
        const a = this.ev(e.ifTrue, fr);
        const ah = RI[0]!;
        const b = this.ev(e.ifFalse, fr);
        const bh = RI[0]!;
        if (this.ev(e.cond, fr) !== 0) { RI[0] = ah; return a; }
        RI[0] = bh;
        return b;
      }
      case 'call_indirect': {
        const args = this.values(e.args, fr);
        const i = this.ev(e.callee, fr);
        return invoke(icall(S.tables[e.table]!, i, S.types[e.typeIndex]!), args);
      }
      case 'memory.size': return S.M!.pages;
      case 'memory.grow': return S.M!.grow(this.ev(e.delta, fr));
      case 'ref.null': return null;
      case 'ref.func': return S.funcs[e.func];
      case 'ref.is_null': return this.ev(e.arg, fr) === null ? 1 : 0;
      case 'table.get': return table_get(S.tables[e.table]!, this.ev(e.index, fr));
      case 'table.size': return S.tables[e.table]!.elems.length;
      case 'table.grow': {
        const init = this.ev(e.init, fr);
        return table_grow(S.tables[e.table]!, init, this.ev(e.delta, fr));
      }
      default: throw new Error(`interpreter: unexpected expression ${e.kind}`);
    }
  }
}
