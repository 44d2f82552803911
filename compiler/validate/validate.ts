// Module validation: everything outside function bodies (limits, index references, constant expressions,
// exports, start, segments), then each function body through func.ts, which also emits the function's IR.
// The two halves are separate entry points (validateDecls, validateBody) so that the IR of a large module
// never has to exist all at once.

import { Reader } from '../decode/reader.js';
import type { Module, ConstExpr as ConstRange, ValType, Limits } from '../ir/module.js';
import type { Expr, FuncIR } from '../ir/ir.js';
import { CompileError } from '../../runtime/errors.js';
import { MAX_PAGES } from '../../runtime/abi.js';
import { buildContext, type ModuleContext } from './context.js';
import { validateFunction } from './func.js';

/** A module whose declarations (everything outside function bodies) are valid. */
export interface ValidatedDecls {
  readonly module: Module;
  readonly context: ModuleContext;
  /** Initializer of every defined global (imports excluded). */
  readonly globalInits: Expr[];
  /** Offset expression of each element segment (null unless active). */
  readonly elemOffsets: (Expr | null)[];
  /** Items of each element segment as constant expressions. */
  readonly elemItems: Expr[][];
  /** Offset expression of each data segment (null unless active). */
  readonly dataOffsets: (Expr | null)[];
}

/** A valid module with the IR of every function body. */
export interface ValidatedModule extends ValidatedDecls {
  /** IR of every defined function, in definition order. */
  readonly funcs: FuncIR[];
}

function fail(message: string, at: number, code = 'invalid'): never {
  throw new CompileError(message, at, code);
}

function checkLimits(l: Limits, bound: number, at: number, what: 'memory' | 'table'): void {
  if (what === 'memory' && (l.min > bound || (l.max !== undefined && l.max > bound))) {
    fail('memory size must be at most 65536 pages (4GiB)', at, 'memory-too-large');
  }
  if (l.max !== undefined && l.min > l.max) fail('size minimum must not be greater than maximum', at, 'limits');
}

/**
 * Validates a constant expression of the given type and returns it as an IR expression. In Wasm 2.0 a
 * constant expression is one constant, ref.null, ref.func, or global.get of an imported immutable global.
 */
export function constExpr(ctx: ModuleContext, range: ConstRange, type: ValType): Expr {
  const m = ctx.module;
  const r = new Reader(m.bytes, range.start, range.end);
  const stack: Expr[] = [];
  for (;;) {
    const at = r.pos;
    const row = r.op();
    let e: Expr;
    switch (row.name) {
      case 'end':
        if (r.pos !== range.end) fail('constant expression required', at, 'const-expr');
        if (stack.length !== 1 || stack[0].type !== type) fail('type mismatch', at);
        return stack[0];
      case 'i32.const': e = { kind: 'const', type: 'i32', value: r.i32(), at }; break;
      case 'i64.const': e = { kind: 'const', type: 'i64', value: r.i64(), at }; break;
      case 'f32.const': { const { value, bits } = r.f32(); e = { kind: 'const', type: 'f32', value, bits, at }; break; }
      case 'f64.const': { const { value, bits } = r.f64(); e = { kind: 'const', type: 'f64', value, bits, at }; break; }
      case 'ref.null': e = { kind: 'ref.null', type: r.reftype(), at }; break;
      case 'ref.func': {
        const f = r.u32();
        if (f >= ctx.funcTypeIndex.length) fail(`unknown function ${f}`, at, 'unknown-function');
        ctx.refs.add(f);
        e = { kind: 'ref.func', type: 'funcref', func: f, at };
        break;
      }
      case 'global.get': {
        const g = r.u32();
        if (g >= m.numImportedGlobals) fail(`unknown global ${g}`, at, 'unknown-global');
        if (ctx.globals[g].mutable) fail('constant expression required', at, 'const-expr');
        e = { kind: 'global.get', type: ctx.globals[g].type, index: g, at };
        break;
      }
      default:
        fail('constant expression required', at, 'const-expr');
    }
    stack.push(e);
  }
}

/** Validates a whole module and keeps the IR of every function (the interpreter and tests want it all). */
export function validateModule(m: Module): ValidatedModule {
  const decls = validateDecls(m);
  const funcs: FuncIR[] = [];
  for (let k = 0; k < m.funcs.length; k++) funcs.push(validateBody(decls, k));
  return { ...decls, funcs };
}

/**
 * Validates the body of defined function `k` (0-based among the module's own functions) and returns its IR.
 * Bodies are independent of each other once the declarations are valid, so the code generator validates
 * them one at a time and drops each IR after use, and lazy compilation validates a body again on first call.
 */
export function validateBody(d: ValidatedDecls, k: number): FuncIR {
  return validateFunction(d.context, d.module.numImportedFuncs + k);
}

/** Validates everything outside function bodies; the bodies are left to validateBody. */
export function validateDecls(m: Module): ValidatedDecls {
  const ctx = buildContext(m);
  const nTypes = m.types.length;
  for (const imp of m.imports) {
    const d = imp.desc;
    if (d.kind === 'func' && d.type >= nTypes) fail(`unknown type ${d.type}`, imp.at, 'unknown-type');
    if (d.kind === 'memory') checkLimits(d.type.limits, MAX_PAGES, imp.at, 'memory');
    if (d.kind === 'table') checkLimits(d.type.limits, 0xffffffff, imp.at, 'table');
  }
  m.funcs.forEach((t, i) => { if (t >= nTypes) fail(`unknown type ${t}`, m.codes[i]?.at ?? 0, 'unknown-type'); });
  for (const t of m.tables) checkLimits(t.limits, 0xffffffff, 0, 'table');
  for (const mem of m.memories) checkLimits(mem.limits, MAX_PAGES, 0, 'memory');
  if (ctx.memories.length > 1) fail('multiple memories', 0, 'multiple-memories');

  // Constant expressions first: they declare the functions that code may reference (C.refs).
  const globalInits = m.globals.map((g) => constExpr(ctx, g.init, g.type.type));
  const elemOffsets: (Expr | null)[] = [];
  const elemItems: Expr[][] = [];
  for (const seg of m.elems) {
    if (seg.mode === 'active') {
      const t = ctx.tables[seg.table];
      if (!t) fail(`unknown table ${seg.table}`, seg.at, 'unknown-table');
      if (t.elem !== seg.type) fail('type mismatch', seg.at);
      elemOffsets.push(constExpr(ctx, seg.offset!, 'i32'));
    } else elemOffsets.push(null);
    if (seg.items.kind === 'funcs') {
      const at = seg.items.at;
      elemItems.push(seg.items.funcs.map((f, i) => {
        if (f >= ctx.funcTypeIndex.length) fail(`unknown function ${f}`, at[i] ?? seg.at, 'unknown-function');
        ctx.refs.add(f);
        return { kind: 'ref.func', type: 'funcref', func: f, at: at[i] ?? seg.at } as Expr;
      }));
    } else {
      elemItems.push(seg.items.exprs.map((x) => constExpr(ctx, x, seg.type)));
    }
  }
  const dataOffsets = m.datas.map((d) => {
    if (d.mode !== 'active') return null;
    if (d.memory >= ctx.memories.length) fail(`unknown memory ${d.memory}`, d.at, 'unknown-memory');
    return constExpr(ctx, d.offset!, 'i32');
  });

  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) fail('duplicate export name', e.at, 'duplicate-export');
    names.add(e.name);
    const space = e.kind === 'func' ? ctx.funcTypeIndex : e.kind === 'table' ? ctx.tables
      : e.kind === 'memory' ? ctx.memories : ctx.globals;
    if (e.index >= space.length) fail(`unknown ${e.kind === 'func' ? 'function' : e.kind} ${e.index}`, e.at, `unknown-${e.kind}`);
    if (e.kind === 'func') ctx.refs.add(e.index);
  }
  if (m.start >= 0) {
    if (m.start >= ctx.funcTypeIndex.length) fail(`unknown function ${m.start}`, 0, 'unknown-function');
    const t = m.types[ctx.funcTypeIndex[m.start]];
    if (t.params.length || t.results.length) fail('start function', 0, 'start-type');
  }

  return { module: m, context: ctx, globalInits, elemOffsets, elemItems, dataOffsets };
}
