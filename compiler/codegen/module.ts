// Code generation for a whole module: the factory body `new Function('rt', 'source', code)` evaluates to. It
// declares the runtime helpers it uses, then returns `link(I)`, which builds one instance: imports and shared
// objects from the link record, one function declaration per defined function, globals, element and data
// segments (active ones applied in order, as instantiation requires), and the function index space.
//
// In lazy mode the link function declares a stub per function instead, and `compile(i)`, which evaluates
// `source(i)` (the factory's second parameter, returning generateLazyFunction's code) with a direct eval, so
// the compiled function closes over the same instance bindings as an eagerly declared one.

import * as J from './estree.js';
import type { ES } from './estree.js';
import { validateBody, type ValidatedDecls } from '../validate/validate.js';
import type { Expr, FuncIR } from '../ir/ir.js';
import type { ValType } from '../ir/module.js';
import { Printer, type OffsetTable, type PrintOptions } from '../emit/print.js';
import { FuncGen } from './func.js';
import { ModuleInfo, type OutlineMode } from './module-info.js';

/** Runtime helpers generated code may call (all exported by runtime/index.ts). */
export const HELPERS: readonly string[] = [
  'trap', 'RI', 'RF', 'RR',
  'i32_div_s', 'i32_div_u', 'i32_rem_s', 'i32_rem_u', 'i32_ctz', 'i32_popcnt', 'i32_rotl', 'i32_rotr',
  'i32_trunc_s', 'i32_trunc_u', 'i32_trunc_sat_s', 'i32_trunc_sat_u',
  'i64_trunc_s', 'i64_trunc_u', 'i64_trunc_sat_s', 'i64_trunc_sat_u',
  'fmin', 'fmax', 'fnearest', 'fcopysign', 'fceil', 'ffloor', 'ftrunc', 'f64_promote_f32', 'f32_load', 'f32_store', 'f32_reinterpret_i32', 'i32_reinterpret_f32',
  'f64_reinterpret_i64', 'i64_reinterpret_f64', 'f32_from_bits', 'f64_from_bits',
  'i64_add', 'i64_sub', 'i64_mul', 'i64_div_s', 'i64_div_u', 'i64_rem_s', 'i64_rem_u',
  'i64_shl', 'i64_shr_s', 'i64_shr_u', 'i64_rotl', 'i64_rotr', 'i64_clz', 'i64_ctz', 'i64_popcnt',
  'i64_lt_s', 'i64_lt_u', 'i64_gt_s', 'i64_gt_u', 'i64_le_s', 'i64_le_u', 'i64_ge_s', 'i64_ge_u',
  'f64_convert_i64_s', 'f64_convert_i64_u', 'f32_convert_i64_s', 'f32_convert_i64_u',
  'memory_fill', 'memory_copy', 'memory_init',
  'table_get', 'table_set', 'table_grow', 'table_fill', 'table_copy', 'table_init', 'icall',
];
const MATH: [string, string][] = [
  ['fround', 'fround'], ['imul', 'imul'], ['clz32', 'clz32'], ['fabs', 'abs'], ['fsqrt', 'sqrt'], ['mfloor', 'floor'],

];

export interface GenerateOptions {
  /** Name of the .wasm file positions refer to; with it, a source map is produced (column = byte offset). */
  filename?: string;
  sourceMap?: boolean;
  /**
   * More of the map: original positions other than the .wasm's (`origin`), embedded sources, the generated
   * line the code starts at, and a table of byte offsets by generated position (`recordOffsets`, which needs
   * no `sourceMap`).
   */
  map?: Pick<PrintOptions, 'origin' | 'sourcesContent' | 'firstLine' | 'recordOffsets' | 'generatedFile'>;
  /** The script name a lazily compiled function gives itself (default: lazyFunctionURL). */
  sourceURL?: string;
  /**
   * Lazy compilation: the link function defines a stub for each function instead of its code; the first call
   * of the stub compiles the function (generateLazyFunction) inside the link function's scope.
   */
  lazy?: boolean;
  /** Indent the output for reading (default: compact, without indentation). */
  pretty?: boolean;
  /**
   * Metering: every function entry and loop header subtracts the size of the code it guards from a fuel
   * counter and calls the link record's `refuel` when it drops below zero (runtime/meter.ts). Needed for
   * instances with fuel or a timeout.
   */
  metered?: boolean;
  /** Which loops go to functions of their own (default auto: see FuncGen.shouldOutline). */
  outline?: OutlineMode;
}

export interface Generated {
  /** Body of the module factory: `new Function('rt', 'source', code)`. */
  code: string;
  /** Source map JSON (when requested). */
  map?: string;
  /** Byte offsets by generated position (when map.recordOffsets was set). */
  offsets?: OffsetTable;
}

/** A module to generate code for: valid declarations, and the IR of every body if it is already at hand. */
export type ModuleToGenerate = ValidatedDecls & { readonly funcs?: readonly FuncIR[] };

/** The IR of defined function k: taken from `v.funcs`, or validated now. */
const bodyOf = (v: ModuleToGenerate, k: number): FuncIR => v.funcs?.[k] ?? validateBody(v, k);

/**
 * Generates the module factory. Each function is validated (unless its IR is given), generated and printed
 * in turn, so a function's IR and syntax tree are garbage before the next one is built: memory stays
 * proportional to the output text, not to the module's syntax trees.
 */
export function generateModule(v: ModuleToGenerate, opts: GenerateOptions = {}): Generated {
  const out = printer(opts);
  printModule(v, opts, out);
  return { code: out.toString(), map: out.sourceMap(), offsets: out.offsets() };
}

/**
 * Prints the module factory's body into `out`, after whatever is already there (an ES module wraps it:
 * compiler/emit/esm.ts). Source positions are recorded when `out` builds a map.
 */
/** Bindings of the link function past which it keeps them off the stack (see printModule). */
const MANY_BINDINGS = 50_000;

export function printModule(v: ModuleToGenerate, opts: GenerateOptions, out: Printer): void {
  const m = v.module;
  const lazy = opts.lazy === true;
  const info = new ModuleInfo(v, lazy, opts.metered === true, opts.outline);
  const I = J.id;
  const L = J.num;
  J.trackPositions(out.mapped);
  J.setPos(-1);

  out.node(J.exprStmt(J.str('use strict')));
  // Bindings the functions share: those never assigned again are `const` (optimized code folds them to their
  // value, a function called through one is inlined without a check), those assigned again are `var`, not
  // `let`, which a function would check against its temporal dead zone on every read, in the bytecode and in
  // optimized code (docs/performance.md, item 8).
  out.node(J.letDecl(HELPERS.map((h) => [h, J.member(I('rt'), h)]), 'const'));
  out.node(J.letDecl(MATH.map(([n, p]) => [n, J.member(I('Math'), p)]), 'const'));
  out.text('return function (I) {\n');
  const link = (s: ES.Statement) => out.node(s, 1);
  const decl = (names: [string, ES.Expression | null][], kind: 'const' | 'var' = 'const') => {
    if (names.length) link(J.letDecl(names, kind));
  };
  const rec = (field: string, i: number) => J.index(J.member(I('I'), field), L(i));

  decl(m.types.map((_, i) => [`ty${i}`, rec('types', i)]));
  decl(Array.from({ length: m.numImportedFuncs }, (_, i) => [`f${i}`, rec('funcs', i)]));
  const nMems = m.numImportedMemories + m.memories.length;
  if (nMems > 0) {
    decl([['M0', rec('mems', 0)]]);
    decl([['dv', J.member(I('M0'), 'dv')]], 'var');
    // The DataView changes when the memory grows (here or in another instance sharing it).
    link(J.exprStmt(J.call(J.member(I('M0'), 'onGrow'), [
      J.arrow(J.block([J.assignStmt(I('dv'), J.member(I('M0'), 'dv'))])),
    ])));
  }
  const nTables = m.numImportedTables + m.tables.length;
  decl(Array.from({ length: nTables }, (_, i) => [`T${i}`, rec('tables', i)]));
  const nGlobals = m.numImportedGlobals + m.globals.length;
  const cells: [string, ES.Expression][] = [];
  const internal: [string, ES.Expression | null][] = [];
  for (let i = 0; i < nGlobals; i++) {
    if (info.cellGlobals.has(i)) cells.push([`G${i}`, rec('globals', i)]);
    else {
      const t = m.globals[i - m.numImportedGlobals].type.type;
      internal.push([`g${i}`, t === 'funcref' || t === 'externref' ? J.nul() : L(0)]);
      if (t === 'i64') internal.push([`g${i}h`, L(0)]);
    }
  }
  decl(cells);
  decl(internal, 'var');
  if (info.metered) {
    decl([['fuel', L(0)]], 'var');
    decl([['refuel', J.member(I('I'), 'refuel')]]);
  }

  // A direct eval here compiles a function inside this scope, where it sees the instance's bindings.
  const compile = J.funcDecl('compile', ['i'], [J.ret(J.call(I('eval'), [J.call(I('source'), [I('i')])]))]);
  if (lazy) {
    m.funcs.forEach((t, k) => { for (const s of stub(m.numImportedFuncs + k, m.types[t].params)) link(s); });
    link(compile);
  } else {
    // V8 keeps a function's bindings that no inner function uses on its stack frame: a few hundred thousand
    // types, imported functions or globals (the JS API allows a million each) overflowed the stack when the
    // link function was called. A direct eval in scope, here one that never runs, makes V8 keep all of them
    // in the heap instead (as lazy compilation's does).
    const bindings = m.types.length + m.numImportedFuncs + nTables + cells.length + internal.length;
    if (bindings > MANY_BINDINGS) link(compile);
    for (let k = 0; k < m.funcs.length; k++) {
      const gen = new FuncGen(info, bodyOf(v, k));
      link(gen.generate());
      for (const d of gen.outlined) link(d);
      J.setPos(-1);
    }
    // Constants the functions hoisted (declared after them: nothing calls a function before link returns).
    decl([...info.constants.values()]);
  }
  m.funcs.forEach((t, k) => {
    const i = m.numImportedFuncs + k;
    link(J.assignStmt(J.member(info.funcRef(i), 't'), I(`ty${t}`)));
  });

  // Globals, in index order (an initializer may read imported globals only).
  v.globalInits.forEach((init, k) => {
    const g = info.globalRef(m.numImportedGlobals + k);
    if (init.type === 'i64') {
      const p = constPair(init, info);
      link(J.assignStmt(g.lo, p[0]));
      link(J.assignStmt(g.hi, p[1]));
    } else link(J.assignStmt(g.lo, constValue(init, info)));
  });

  // Element segments: build every segment's items, then apply active ones in order, dropping them.
  v.elemItems.forEach((items, k) => {
    link(J.assignStmt(rec('elems', k), J.array(items.map((e) => constValue(e, info)))));
  });
  m.elems.forEach((seg, k) => {
    if (seg.mode === 'active') {
      link(J.exprStmt(J.call(I('table_init'), [I(`T${seg.table}`), rec('elems', k),
        constValue(v.elemOffsets[k]!, info), L(0), L(v.elemItems[k].length)])));
    }
    if (seg.mode !== 'passive') link(J.assignStmt(rec('elems', k), J.nul()));
  });
  m.datas.forEach((seg, k) => {
    if (seg.mode !== 'active') return;
    link(J.exprStmt(J.call(I('memory_init'), [I('M0'), rec('data', k),
      constValue(v.dataOffsets[k]!, info), L(0), L(seg.bytes.length)])));
    link(J.assignStmt(rec('data', k), J.nul()));
  });
  const nFuncs = m.numImportedFuncs + m.funcs.length;
  const result: [string, ES.Expression][] = [['funcs', J.array(Array.from({ length: nFuncs }, (_, i) => info.funcRef(i)))]];
  if (info.metered) {
    // counter: { get: () => fuel, set: (n) => { fuel = n; } } for the runtime's Meter.
    const getter = J.arrow(J.block([J.ret(I('fuel'))]));
    const setter = { ...J.arrow(J.block([J.assignStmt(I('fuel'), I('n'))])), params: [I('n')] };
    result.push(['counter', J.object([['get', getter], ['set', setter]])]);
  }
  link(J.ret(J.object(result)));
  out.text('};\n');
  J.trackPositions(false);
}

/** The name lazily compiled function `index` reports as its script in stack traces. */
export function lazyFunctionURL(index: number): string {
  return `wajit:wasm-function[${index}]`;
}

/**
 * The source that compiles function `index` (defined function k) lazily, evaluated by the link function's
 * `compile(i)`: it assigns the function to its binding `fN`, so later direct calls reach it without the stub,
 * and evaluates to it. Constants the function hoists are declared in the evaluated code itself.
 * Positions in the source map are relative to this source; stack frames name it lazyFunctionURL(index).
 */
/**
 * The JavaScript of defined function k alone, as eager code declares it inside the module factory (for
 * `wajit dump --js --func`). Hoisted constants it uses are declared above it.
 */
export function generateFunction(v: ModuleToGenerate, k: number, opts: GenerateOptions = {}): Generated {
  const info = new ModuleInfo(v, false, opts.metered === true, opts.outline);
  const out = printer(opts);
  const gen = new FuncGen(info, bodyOf(v, k));
  const decl = gen.generate();
  J.setPos(-1);
  if (info.constants.size > 0) out.node(J.letDecl([...info.constants.values()], 'const'));
  out.node(decl);
  for (const d of gen.outlined) out.node(d);
  return { code: out.toString() };
}

export function generateLazyFunction(v: ModuleToGenerate, k: number, opts: GenerateOptions = {}): Generated {
  const info = new ModuleInfo(v, true, opts.metered === true, opts.outline);
  const f = bodyOf(v, k);
  const out = printer(opts);
  J.trackPositions(out.mapped);
  const gen = new FuncGen(info, f);
  const decl = gen.generate();
  J.setPos(-1);
  J.trackPositions(false);
  if (info.constants.size > 0) out.node(J.letDecl([...info.constants.values()], 'const'));
  let fn: ES.Expression = { ...decl, type: 'FunctionExpression' } as unknown as ES.FunctionExpression;
  // Outlined loops are declared in a scope of their own around the function (direct eval's declarations
  // would not outlive it in strict code).
  if (gen.outlined.length > 0) fn = J.call(J.funcExpr([], [...gen.outlined, J.ret(fn)]), []);
  out.node(J.exprStmt(J.assign(J.id(`f${f.index}`), fn)));
  out.text(`//# sourceURL=${opts.sourceURL ?? lazyFunctionURL(f.index)}\n`);
  return { code: out.toString(), map: out.sourceMap(), offsets: out.offsets() };
}

function printer(opts: GenerateOptions): Printer {
  const map = opts.sourceMap === true && opts.filename !== undefined;
  return new Printer({ pretty: opts.pretty, ...opts.map, ...(map ? { sourceMapFile: opts.filename } : {}) });
}

/**
 * The stub of function `index` in lazy mode. `F<index>` is the function's identity (what tables, exports
 * and ref.func hold) and never changes; `f<index>`, which direct calls use, starts as the stub and becomes the
 * compiled function on the first call. Later calls through the stub forward to it.
 *   const F7 = function (l0, l1) { return (f7 === F7 ? compile(7) : f7)(l0, l1); };
 *   var f7 = F7;
 */
function stub(index: number, params: readonly ValType[]): ES.Statement[] {
  const I = J.id;
  const slots: string[] = [];
  params.forEach((t, i) => { slots.push(`l${i}`); if (t === 'i64') slots.push(`l${i}h`); });
  const F = I(`F${index}`), f = I(`f${index}`);
  const target = J.cond(J.bin('===', f, F), J.call(I('compile'), [J.num(index)]), f);
  const body = J.funcExpr(slots, [J.ret(J.call(target, slots.map(I)))]);
  return [J.letDecl([[`F${index}`, body]], 'const'), J.letDecl([[`f${index}`, F]], 'var')];
}

/** Constant expressions (validated): constants, ref.null, ref.func, global.get. */
function constValue(e: Expr, info: ModuleInfo): ES.Expression {
  switch (e.kind) {
    case 'const':
      if (e.type === 'i64') throw new Error('i64 constant where one value was expected');
      if ((e.type === 'f32' || e.type === 'f64') && Number.isNaN(e.value)) {
        if (e.type === 'f32') return J.call(J.id('f32_from_bits'), [J.num(e.bits | 0)]);
        return J.call(J.id('f64_from_bits'), [J.num(Number(e.bits & 0xffffffffn) | 0), J.num(Number(e.bits >> 32n) | 0)]);
      }
      return J.num(e.value as number);
    case 'ref.null': return J.nul();
    case 'ref.func': return info.funcRef(e.func);
    case 'global.get': return info.globalRef(e.index).lo as ES.Expression;
    default: throw new Error(`not a constant expression: ${e.kind}`);
  }
}

function constPair(e: Expr, info: ModuleInfo): [ES.Expression, ES.Expression] {
  if (e.kind === 'const' && e.type === 'i64') {
    const v = BigInt.asUintN(64, e.value);
    return [J.num(Number(v & 0xffffffffn) | 0), J.num(Number(v >> 32n) | 0)];
  }
  if (e.kind === 'global.get') {
    const g = info.globalRef(e.index);
    return [g.lo as ES.Expression, g.hi as ES.Expression];
  }
  throw new Error(`not an i64 constant expression: ${e.kind}`);
}
