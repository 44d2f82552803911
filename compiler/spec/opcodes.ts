// The opcode table: the single source of truth for every instruction wajit knows.
// Decoder (immediates), validator (signatures of simple ops), code generator (IR shape) and disassembler
// (mnemonics) all read these rows; nothing else in the compiler tests opcode byte values or ranges.

/** How an instruction's immediates are encoded in the binary. */
export type Imm =
  | 'none'
  | 'blocktype' // block, loop, if
  | 'label' // br, br_if
  | 'br_table'
  | 'func' // call, ref.func
  | 'call_indirect' // typeidx tableidx
  | 'local'
  | 'global'
  | 'table' // table.get/set/grow/size/fill
  | 'memarg' // align offset
  | 'memidx' // memory.size/grow, memory.fill: one reserved 0x00 byte (a memory index)
  | 'i32'
  | 'i64'
  | 'f32'
  | 'f64'
  | 'select_t' // vec(valtype)
  | 'reftype' // ref.null
  | 'memory_init' // dataidx memidx
  | 'data' // data.drop
  | 'memory_copy' // memidx memidx
  | 'table_init' // elemidx tableidx
  | 'elem' // elem.drop
  | 'table_copy'; // tableidx tableidx

/**
 * The IR shape an instruction lowers to. Simple ops ('unary', 'binary', 'load', 'store', 'const') are typed
 * from `sig` alone; 'special' ops are hand-written in the validator (control flow, polymorphic and indexed ops).
 */
export type Shape = 'unary' | 'binary' | 'load' | 'store' | 'const' | 'special';

export interface OpRow {
  /** Spec mnemonic, e.g. 'i32.add'. */
  readonly name: string;
  /** 0 for single-byte opcodes, 0xfc for the misc prefix. */
  readonly prefix: number;
  /** The opcode byte, or for prefixed ops the LEB128 u32 that follows the prefix. */
  readonly code: number;
  readonly imm: Imm;
  readonly shape: Shape;
  /** Operand and result types for simple ops ('i32 i32 -> i32'); '' for special ops. */
  readonly sig: string;
  /** Access size in bytes for loads and stores (the natural alignment is log2 of it). */
  readonly bytes?: number;
}

const S = (name: string, code: number, imm: Imm = 'none', prefix = 0): OpRow =>
  ({ name, prefix, code, imm, shape: 'special', sig: '' });
const op = (name: string, code: number, shape: Shape, sig: string, prefix = 0): OpRow =>
  ({ name, prefix, code, imm: shape === 'const' ? (sig.slice(-3) as Imm) : 'none', shape, sig });
const mem = (name: string, code: number, shape: 'load' | 'store', sig: string, bytes: number): OpRow =>
  ({ name, prefix: 0, code, imm: 'memarg', shape, sig, bytes });

/** Rows for the ten comparison/arithmetic families that follow the same pattern for each type. */
function family(t: 'i32' | 'i64' | 'f32' | 'f64', names: string[], start: number, shape: Shape, sig: string): OpRow[] {
  return names.map((n, i) => op(`${t}.${n}`, start + i, shape, sig));
}
const intCmp = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const floatCmp = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
const intArith = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const floatUnary = ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt'];
const floatArith = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'];

export const OPCODES: readonly OpRow[] = [
  // control
  S('unreachable', 0x00), S('nop', 0x01), S('block', 0x02, 'blocktype'), S('loop', 0x03, 'blocktype'),
  S('if', 0x04, 'blocktype'), S('else', 0x05), S('end', 0x0b), S('br', 0x0c, 'label'), S('br_if', 0x0d, 'label'),
  S('br_table', 0x0e, 'br_table'), S('return', 0x0f), S('call', 0x10, 'func'),
  S('call_indirect', 0x11, 'call_indirect'),
  // parametric
  S('drop', 0x1a), S('select', 0x1b), S('select_t', 0x1c, 'select_t'),
  // variables
  S('local.get', 0x20, 'local'), S('local.set', 0x21, 'local'), S('local.tee', 0x22, 'local'),
  S('global.get', 0x23, 'global'), S('global.set', 0x24, 'global'),
  S('table.get', 0x25, 'table'), S('table.set', 0x26, 'table'),
  // memory
  mem('i32.load', 0x28, 'load', 'i32 -> i32', 4), mem('i64.load', 0x29, 'load', 'i32 -> i64', 8),
  mem('f32.load', 0x2a, 'load', 'i32 -> f32', 4), mem('f64.load', 0x2b, 'load', 'i32 -> f64', 8),
  mem('i32.load8_s', 0x2c, 'load', 'i32 -> i32', 1), mem('i32.load8_u', 0x2d, 'load', 'i32 -> i32', 1),
  mem('i32.load16_s', 0x2e, 'load', 'i32 -> i32', 2), mem('i32.load16_u', 0x2f, 'load', 'i32 -> i32', 2),
  mem('i64.load8_s', 0x30, 'load', 'i32 -> i64', 1), mem('i64.load8_u', 0x31, 'load', 'i32 -> i64', 1),
  mem('i64.load16_s', 0x32, 'load', 'i32 -> i64', 2), mem('i64.load16_u', 0x33, 'load', 'i32 -> i64', 2),
  mem('i64.load32_s', 0x34, 'load', 'i32 -> i64', 4), mem('i64.load32_u', 0x35, 'load', 'i32 -> i64', 4),
  mem('i32.store', 0x36, 'store', 'i32 i32 ->', 4), mem('i64.store', 0x37, 'store', 'i32 i64 ->', 8),
  mem('f32.store', 0x38, 'store', 'i32 f32 ->', 4), mem('f64.store', 0x39, 'store', 'i32 f64 ->', 8),
  mem('i32.store8', 0x3a, 'store', 'i32 i32 ->', 1), mem('i32.store16', 0x3b, 'store', 'i32 i32 ->', 2),
  mem('i64.store8', 0x3c, 'store', 'i32 i64 ->', 1), mem('i64.store16', 0x3d, 'store', 'i32 i64 ->', 2),
  mem('i64.store32', 0x3e, 'store', 'i32 i64 ->', 4),
  S('memory.size', 0x3f, 'memidx'), S('memory.grow', 0x40, 'memidx'),
  // constants
  op('i32.const', 0x41, 'const', '-> i32'), op('i64.const', 0x42, 'const', '-> i64'),
  op('f32.const', 0x43, 'const', '-> f32'), op('f64.const', 0x44, 'const', '-> f64'),
  // comparisons
  op('i32.eqz', 0x45, 'unary', 'i32 -> i32'), ...family('i32', intCmp, 0x46, 'binary', 'i32 i32 -> i32'),
  op('i64.eqz', 0x50, 'unary', 'i64 -> i32'), ...family('i64', intCmp, 0x51, 'binary', 'i64 i64 -> i32'),
  ...family('f32', floatCmp, 0x5b, 'binary', 'f32 f32 -> i32'),
  ...family('f64', floatCmp, 0x61, 'binary', 'f64 f64 -> i32'),
  // numeric
  ...family('i32', ['clz', 'ctz', 'popcnt'], 0x67, 'unary', 'i32 -> i32'),
  ...family('i32', intArith, 0x6a, 'binary', 'i32 i32 -> i32'),
  ...family('i64', ['clz', 'ctz', 'popcnt'], 0x79, 'unary', 'i64 -> i64'),
  ...family('i64', intArith, 0x7c, 'binary', 'i64 i64 -> i64'),
  ...family('f32', floatUnary, 0x8b, 'unary', 'f32 -> f32'),
  ...family('f32', floatArith, 0x92, 'binary', 'f32 f32 -> f32'),
  ...family('f64', floatUnary, 0x99, 'unary', 'f64 -> f64'),
  ...family('f64', floatArith, 0xa0, 'binary', 'f64 f64 -> f64'),
  // conversions
  op('i32.wrap_i64', 0xa7, 'unary', 'i64 -> i32'),
  op('i32.trunc_f32_s', 0xa8, 'unary', 'f32 -> i32'), op('i32.trunc_f32_u', 0xa9, 'unary', 'f32 -> i32'),
  op('i32.trunc_f64_s', 0xaa, 'unary', 'f64 -> i32'), op('i32.trunc_f64_u', 0xab, 'unary', 'f64 -> i32'),
  op('i64.extend_i32_s', 0xac, 'unary', 'i32 -> i64'), op('i64.extend_i32_u', 0xad, 'unary', 'i32 -> i64'),
  op('i64.trunc_f32_s', 0xae, 'unary', 'f32 -> i64'), op('i64.trunc_f32_u', 0xaf, 'unary', 'f32 -> i64'),
  op('i64.trunc_f64_s', 0xb0, 'unary', 'f64 -> i64'), op('i64.trunc_f64_u', 0xb1, 'unary', 'f64 -> i64'),
  op('f32.convert_i32_s', 0xb2, 'unary', 'i32 -> f32'), op('f32.convert_i32_u', 0xb3, 'unary', 'i32 -> f32'),
  op('f32.convert_i64_s', 0xb4, 'unary', 'i64 -> f32'), op('f32.convert_i64_u', 0xb5, 'unary', 'i64 -> f32'),
  op('f32.demote_f64', 0xb6, 'unary', 'f64 -> f32'),
  op('f64.convert_i32_s', 0xb7, 'unary', 'i32 -> f64'), op('f64.convert_i32_u', 0xb8, 'unary', 'i32 -> f64'),
  op('f64.convert_i64_s', 0xb9, 'unary', 'i64 -> f64'), op('f64.convert_i64_u', 0xba, 'unary', 'i64 -> f64'),
  op('f64.promote_f32', 0xbb, 'unary', 'f32 -> f64'),
  op('i32.reinterpret_f32', 0xbc, 'unary', 'f32 -> i32'), op('i64.reinterpret_f64', 0xbd, 'unary', 'f64 -> i64'),
  op('f32.reinterpret_i32', 0xbe, 'unary', 'i32 -> f32'), op('f64.reinterpret_i64', 0xbf, 'unary', 'i64 -> f64'),
  // sign extension
  op('i32.extend8_s', 0xc0, 'unary', 'i32 -> i32'), op('i32.extend16_s', 0xc1, 'unary', 'i32 -> i32'),
  op('i64.extend8_s', 0xc2, 'unary', 'i64 -> i64'), op('i64.extend16_s', 0xc3, 'unary', 'i64 -> i64'),
  op('i64.extend32_s', 0xc4, 'unary', 'i64 -> i64'),
  // reference types
  S('ref.null', 0xd0, 'reftype'), S('ref.is_null', 0xd1), S('ref.func', 0xd2, 'func'),
  // 0xfc prefix: saturating truncation, bulk memory, tables
  op('i32.trunc_sat_f32_s', 0, 'unary', 'f32 -> i32', 0xfc), op('i32.trunc_sat_f32_u', 1, 'unary', 'f32 -> i32', 0xfc),
  op('i32.trunc_sat_f64_s', 2, 'unary', 'f64 -> i32', 0xfc), op('i32.trunc_sat_f64_u', 3, 'unary', 'f64 -> i32', 0xfc),
  op('i64.trunc_sat_f32_s', 4, 'unary', 'f32 -> i64', 0xfc), op('i64.trunc_sat_f32_u', 5, 'unary', 'f32 -> i64', 0xfc),
  op('i64.trunc_sat_f64_s', 6, 'unary', 'f64 -> i64', 0xfc), op('i64.trunc_sat_f64_u', 7, 'unary', 'f64 -> i64', 0xfc),
  S('memory.init', 8, 'memory_init', 0xfc), S('data.drop', 9, 'data', 0xfc),
  S('memory.copy', 10, 'memory_copy', 0xfc), S('memory.fill', 11, 'memidx', 0xfc),
  S('table.init', 12, 'table_init', 0xfc), S('elem.drop', 13, 'elem', 0xfc),
  S('table.copy', 14, 'table_copy', 0xfc), S('table.grow', 15, 'table', 0xfc),
  S('table.size', 16, 'table', 0xfc), S('table.fill', 17, 'table', 0xfc),
];

/** Lookup tables built from OPCODES: single-byte ops by code, prefixed ops by (prefix, code). */
export const BY_CODE: (OpRow | undefined)[] = new Array(256);
export const BY_PREFIX = new Map<number, Map<number, OpRow>>();
export const BY_NAME = new Map<string, OpRow>();
for (const row of OPCODES) {
  if (row.prefix === 0) BY_CODE[row.code] = row;
  else {
    let m = BY_PREFIX.get(row.prefix);
    if (!m) BY_PREFIX.set(row.prefix, (m = new Map()));
    m.set(row.code, row);
  }
  BY_NAME.set(row.name, row);
}

/** Parsed signature of a simple op: operand types and result types. */
export interface OpSig { readonly params: readonly string[]; readonly results: readonly string[] }
const sigCache = new Map<string, OpSig>();
export function parseSig(sig: string): OpSig {
  let s = sigCache.get(sig);
  if (!s) {
    const [l, r] = sig.split('->');
    s = { params: l.trim() ? l.trim().split(/\s+/) : [], results: r.trim() ? r.trim().split(/\s+/) : [] };
    sigCache.set(sig, s);
  }
  return s;
}

/** The natural alignment exponent of a load or store (log2 of its access size). */
export function naturalAlign(row: OpRow): number {
  return Math.log2(row.bytes ?? 1);
}

/** Spec mnemonic to identifier form used by visitors and runtime helpers: 'i32.add' -> 'i32_add'. */
export function opIdent(name: string): string {
  return name.replace('.', '_');
}
