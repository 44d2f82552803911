// The typed IR of one function, as the validator emits it in the same pass that checks the body.
//
// Shape: statements in nested blocks; each statement holds expression trees. The wasm operand stack is gone:
// a value that must outlive the point where it was computed (because a later side effect could change or
// reorder it, or because it crosses a block boundary) is stored in a typed *temp*. Blocks, loops and ifs carry
// their results (and loop/block parameters) in temps too, so branches carry no values: a branch assigns the
// target's temps, then jumps. Nodes are grouped by shape (unary, binary, load, ...) and carry their op
// mnemonic; every node records `at`, the byte offset of its instruction in the module.

import type { ValType, RefType } from '../../runtime/abi.js';

export type TempId = number;
export type LabelId = number;

export type Expr =
  | ConstExpr
  | { readonly kind: 'local.get'; readonly type: ValType; readonly index: number; readonly at: number }
  | { readonly kind: 'global.get'; readonly type: ValType; readonly index: number; readonly at: number }
  | { readonly kind: 'temp'; readonly type: ValType; readonly id: TempId; readonly at: number }
  /** Simple unary ops, typed by the opcode table (includes eqz, clz, conversions, extends, reinterprets). */
  | { readonly kind: 'unary'; readonly type: ValType; readonly op: string; readonly arg: Expr; readonly at: number }
  /** Simple binary ops, typed by the opcode table (includes comparisons). */
  | { readonly kind: 'binary'; readonly type: ValType; readonly op: string; readonly left: Expr; readonly right: Expr; readonly at: number }
  | { readonly kind: 'load'; readonly type: ValType; readonly op: string; readonly memory: number; readonly offset: number; readonly align: number; readonly addr: Expr; readonly at: number }
  | { readonly kind: 'select'; readonly type: ValType; readonly cond: Expr; readonly ifTrue: Expr; readonly ifFalse: Expr; readonly at: number }
  /** A call used as a value: exactly one result. Calls with 0 or several results appear in `eval` statements. */
  | CallExpr
  | CallIndirectExpr
  | { readonly kind: 'memory.size'; readonly type: 'i32'; readonly memory: number; readonly at: number }
  | { readonly kind: 'memory.grow'; readonly type: 'i32'; readonly memory: number; readonly delta: Expr; readonly at: number }
  | { readonly kind: 'ref.null'; readonly type: RefType; readonly at: number }
  | { readonly kind: 'ref.func'; readonly type: 'funcref'; readonly func: number; readonly at: number }
  | { readonly kind: 'ref.is_null'; readonly type: 'i32'; readonly arg: Expr; readonly at: number }
  | { readonly kind: 'table.get'; readonly type: RefType; readonly table: number; readonly index: Expr; readonly at: number }
  | { readonly kind: 'table.size'; readonly type: 'i32'; readonly table: number; readonly at: number }
  | { readonly kind: 'table.grow'; readonly type: 'i32'; readonly table: number; readonly init: Expr; readonly delta: Expr; readonly at: number };

/**
 * A constant. i32: int32 `value`. i64: signed bigint `value`. f32: `value` is the float as a JS number and
 * `bits` its uint32 pattern. f64: `value` is the number and `bits` its uint64 pattern as a bigint. Code that
 * needs exact bits (NaN payloads) reads `bits`.
 */
export type ConstExpr =
  | { readonly kind: 'const'; readonly type: 'i32'; readonly value: number; readonly at: number }
  | { readonly kind: 'const'; readonly type: 'i64'; readonly value: bigint; readonly at: number }
  | { readonly kind: 'const'; readonly type: 'f32'; readonly value: number; readonly bits: number; readonly at: number }
  | { readonly kind: 'const'; readonly type: 'f64'; readonly value: number; readonly bits: bigint; readonly at: number };

export interface CallExpr {
  readonly kind: 'call';
  /** Type of the single result, or the first result when used by an `eval` with several results. */
  readonly type: ValType | null;
  readonly func: number;
  readonly args: readonly Expr[];
  readonly at: number;
}
export interface CallIndirectExpr {
  readonly kind: 'call_indirect';
  readonly type: ValType | null;
  readonly typeIndex: number;
  readonly table: number;
  readonly args: readonly Expr[];
  /** The table index operand (evaluated after the arguments). */
  readonly callee: Expr;
  readonly at: number;
}

/** A branch destination: its label, whether the jump is `continue` (loop) or `break`, and the temps to fill. */
export interface BranchTarget {
  readonly label: LabelId;
  /** True when the label is a loop (jump back to its start). */
  readonly loop: boolean;
  /** True when the label is the function body itself: the branch is a return. */
  readonly isReturn: boolean;
  /** Temps receiving the branch values (loop parameters or block results), in stack order. */
  readonly temps: readonly TempId[];
}

export type Stmt =
  | { readonly kind: 'local.set'; readonly index: number; readonly value: Expr; readonly at: number }
  | { readonly kind: 'global.set'; readonly index: number; readonly value: Expr; readonly at: number }
  | { readonly kind: 'store'; readonly op: string; readonly memory: number; readonly offset: number; readonly align: number; readonly addr: Expr; readonly value: Expr; readonly at: number }
  /**
   * Evaluate `value` and store its results into `results` (temps, one per wasm result; empty to discard).
   * Several results only come from calls.
   */
  | { readonly kind: 'eval'; readonly value: Expr; readonly results: readonly TempId[]; readonly at: number }
  | { readonly kind: 'block'; readonly label: LabelId; readonly body: Stmt[]; readonly at: number }
  /**
   * fixedMemory: the body (nested loops included) accesses memory and has no call, call_indirect or
   * memory.grow, so the memory cannot grow (nor its buffer change) while the loop runs.
   */
  | { readonly kind: 'loop'; readonly label: LabelId; readonly body: Stmt[]; readonly fixedMemory: boolean; readonly at: number }
  | { readonly kind: 'if'; readonly label: LabelId; readonly cond: Expr; readonly then: Stmt[]; readonly else: Stmt[]; readonly at: number }
  /** Unconditional branch: assign `values` to the target's temps, then jump. */
  | { readonly kind: 'br'; readonly target: BranchTarget; readonly values: readonly Expr[]; readonly at: number }
  /** Conditional branch; `values` are temps or constants (the validator spilled them), kept on fallthrough. */
  | { readonly kind: 'br_if'; readonly target: BranchTarget; readonly cond: Expr; readonly values: readonly Expr[]; readonly at: number }
  | { readonly kind: 'br_table'; readonly targets: readonly BranchTarget[]; readonly default: BranchTarget; readonly index: Expr; readonly values: readonly Expr[]; readonly at: number }
  | { readonly kind: 'return'; readonly values: readonly Expr[]; readonly at: number }
  | { readonly kind: 'unreachable'; readonly at: number }
  | { readonly kind: 'memory.init'; readonly memory: number; readonly data: number; readonly dest: Expr; readonly src: Expr; readonly len: Expr; readonly at: number }
  | { readonly kind: 'data.drop'; readonly data: number; readonly at: number }
  | { readonly kind: 'memory.copy'; readonly dstMemory: number; readonly srcMemory: number; readonly dest: Expr; readonly src: Expr; readonly len: Expr; readonly at: number }
  | { readonly kind: 'memory.fill'; readonly memory: number; readonly dest: Expr; readonly value: Expr; readonly len: Expr; readonly at: number }
  | { readonly kind: 'table.init'; readonly table: number; readonly elem: number; readonly dest: Expr; readonly src: Expr; readonly len: Expr; readonly at: number }
  | { readonly kind: 'elem.drop'; readonly elem: number; readonly at: number }
  | { readonly kind: 'table.copy'; readonly dstTable: number; readonly srcTable: number; readonly dest: Expr; readonly src: Expr; readonly len: Expr; readonly at: number }
  | { readonly kind: 'table.fill'; readonly table: number; readonly index: Expr; readonly value: Expr; readonly len: Expr; readonly at: number }
  | { readonly kind: 'table.set'; readonly table: number; readonly index: Expr; readonly value: Expr; readonly at: number };

export type ExprKind = Expr['kind'];
export type StmtKind = Stmt['kind'];

/** One validated function, ready for code generation. */
export interface FuncIR {
  /** Index in the function index space. */
  readonly index: number;
  readonly typeIndex: number;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  /** All locals, parameters first. */
  readonly locals: readonly ValType[];
  /** Types of the temps, by TempId. */
  readonly temps: readonly ValType[];
  readonly body: Stmt[];
  /** Byte offset of the function body. */
  readonly at: number;
}

/** Exhaustive visitors: a stage that handles IR provides one handler per kind, named after the mnemonic. */
export type ExprVisitor<R> = { [K in ExprKind]: (e: Extract<Expr, { kind: K }>) => R };
export type StmtVisitor<R> = { [K in StmtKind]: (s: Extract<Stmt, { kind: K }>) => R };
