// Code generation for a whole module: the factory body `new Function('rt', code)` evaluates to. It declares
// the runtime helpers it uses, then returns `link(I)`, which builds one instance: imports and shared objects
// from the link record, one function declaration per defined function, globals, element and data segments
// (active ones applied in order, as instantiation requires), and the function index space.

import { generate as print } from 'astring';
import { SourceMapGenerator } from 'source-map';
import * as J from './estree.js';
import type { ES } from './estree.js';
import type { ValidatedModule } from '../validate/validate.js';
import type { Expr } from '../ir/ir.js';
import { FuncGen } from './func.js';
import { ModuleInfo } from './module-info.js';

/** Runtime helpers generated code may call (all exported by runtime/index.ts). */
const HELPERS = [
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
  ['fround', 'fround'], ['imul', 'imul'], ['clz32', 'clz32'], ['fabs', 'abs'], ['fsqrt', 'sqrt'],

];

export interface GenerateOptions {
  /** Name of the .wasm file positions refer to; with it, a source map is produced (column = byte offset). */
  filename?: string;
  sourceMap?: boolean;
}

export interface Generated {
  /** Body of the module factory: `new Function('rt', code)`. */
  code: string;
  /** Source map JSON (when requested). */
  map?: string;
}

export function generateModule(v: ValidatedModule, opts: GenerateOptions = {}): Generated {
  const m = v.module;
  const info = new ModuleInfo(v);
  const I = J.id;
  const L = J.num;
  J.trackPositions(!!(opts.sourceMap && opts.filename));
  J.setPos(-1);

  // Functions first: generating them discovers the hoisted constants.
  const funcDecls: ES.Statement[] = v.funcs.map((f) => new FuncGen(info, f).generate());
  J.setPos(-1);

  const link: ES.Statement[] = [];
  const decl = (names: [string, ES.Expression | null][], kind: 'let' | 'const' = 'const') => {
    if (names.length) link.push(J.letDecl(names, kind));
  };
  const rec = (field: string, i: number) => J.index(J.member(I('I'), field), L(i));

  decl(m.types.map((_, i) => [`ty${i}`, rec('types', i)]));
  decl(Array.from({ length: m.numImportedFuncs }, (_, i) => [`f${i}`, rec('funcs', i)]));
  const nMems = m.numImportedMemories + m.memories.length;
  if (nMems > 0) {
    decl([['M0', rec('mems', 0)]]);
    decl([['dv', J.member(I('M0'), 'dv')]], 'let');
    // The DataView changes when the memory grows (here or in another instance sharing it).
    link.push(J.exprStmt(J.call(J.member(I('M0'), 'onGrow'), [
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
  decl(internal, 'let');
  decl([...info.constants.values()]);
  link.push(...funcDecls);
  v.funcs.forEach((f) => link.push(J.assignStmt(J.member(I(`f${f.index}`), 't'), I(`ty${f.typeIndex}`))));

  // Globals, in index order (an initializer may read imported globals only).
  v.globalInits.forEach((init, k) => {
    const g = info.globalRef(m.numImportedGlobals + k);
    if (init.type === 'i64') {
      const p = constPair(init, info);
      link.push(J.assignStmt(g.lo, p[0]), J.assignStmt(g.hi, p[1]));
    } else link.push(J.assignStmt(g.lo, constValue(init, info)));
  });

  // Element segments: build every segment's items, then apply active ones in order, dropping them.
  v.elemItems.forEach((items, k) => {
    link.push(J.assignStmt(rec('elems', k), J.array(items.map((e) => constValue(e, info)))));
  });
  m.elems.forEach((seg, k) => {
    if (seg.mode === 'active') {
      link.push(J.exprStmt(J.call(I('table_init'), [I(`T${seg.table}`), rec('elems', k),
        constValue(v.elemOffsets[k]!, info), L(0), L(v.elemItems[k].length)])));
    }
    if (seg.mode !== 'passive') link.push(J.assignStmt(rec('elems', k), J.nul()));
  });
  m.datas.forEach((seg, k) => {
    if (seg.mode !== 'active') return;
    link.push(J.exprStmt(J.call(I('memory_init'), [I('M0'), rec('data', k),
      constValue(v.dataOffsets[k]!, info), L(0), L(seg.bytes.length)])));
    link.push(J.assignStmt(rec('data', k), J.nul()));
  });
  const nFuncs = m.numImportedFuncs + m.funcs.length;
  link.push(J.ret(J.object([['funcs', J.array(Array.from({ length: nFuncs }, (_, i) => I(`f${i}`)))]])));

  const body: ES.Statement[] = [
    J.exprStmt(J.str('use strict')),
    J.letDecl(HELPERS.map((h) => [h, J.member(I('rt'), h)]), 'const'),
    J.letDecl(MATH.map(([n, p]) => [n, J.member(I('Math'), p)]), 'const'),
    J.ret(J.funcExpr(['I'], link)),
  ];
  const program = J.program(body);
  if (opts.sourceMap && opts.filename) {
    // astring names every mapping's source after the generator's `file`: give it the .wasm name, then
    // set `file` to the generated code's name in the output.
    const map = new SourceMapGenerator({ file: opts.filename });
    const code = print(program, { sourceMap: map } as Parameters<typeof print>[1]) as unknown as string;
    const json = map.toJSON();
    json.file = opts.filename + '.js';
    return { code, map: JSON.stringify(json) };
  }
  return { code: print(program) as string };
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
    case 'ref.func': return J.id(`f${e.func}`);
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
