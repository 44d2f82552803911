// The disassembler: a decoded `Module` -> WAT-like text, for debugging, error reports and golden tests.
// Mnemonics and immediate kinds come from the opcode table; names come from the name section. It works on
// unvalidated modules: function bodies are read here with the shared Reader, block nesting is tracked with a
// depth counter (never recursion), and a body that cannot be read prints a `;;` comment and stops there.
//
// The listing doubles as the source that source maps point to (compiler/debug/): disassembleWithPositions
// also records where each instruction of a function body is, so a byte offset finds its WAT line and column.

import type { ConstExpr, Elem, FuncType, Import, Module, ValType } from '../ir/module.js';
import type { Limits } from '../../runtime/abi.js';
import { CompileError } from '../../runtime/errors.js';
import { Reader } from '../decode/reader.js';
import { naturalAlign, type OpRow } from '../spec/opcodes.js';

/** Where the instructions of a listing are: their byte offsets, increasing, and 1-based line, 0-based column. */
export interface WatPositions {
  readonly offsets: Int32Array;
  readonly lines: Int32Array;
  readonly columns: Int32Array;
}

/** Positions being recorded: one entry per instruction line (and per function's `(func` and `)` lines). */
interface Recorder {
  readonly offsets: number[];
  readonly lines: number[];
  readonly columns: number[];
}

/** Records that the line about to be pushed onto `out` (at `column`) shows the bytes at `offset`. */
function record(rec: Recorder | undefined, out: readonly string[], offset: number, column: number): void {
  if (rec === undefined) return;
  rec.offsets.push(offset);
  rec.lines.push(out.length + 1);
  rec.columns.push(column);
}

/** Local runs longer than this print as one entry with a count comment, so a 2^32-local body stays short. */
const MAX_EXPANDED_LOCALS = 64;

/** Characters WAT allows in a plain `$id`; other names print in the quoted `$"..."` form. */
const ID_CHARS = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

const encoder = new TextEncoder();

function ident(name: string): string {
  return ID_CHARS.test(name) ? `$${name}` : `$${str(name)}`;
}

function str(s: string): string {
  return quote(encoder.encode(s));
}

/** A WAT string literal: printable ASCII as is, everything else as `\hh` escapes. */
function quote(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + b.toString(16).padStart(2, '0');
  }
  return s + '"';
}

function nanText(negative: boolean, payload: number | bigint, canonical: number | bigint): string {
  const sign = negative ? '-' : '';
  return payload === canonical ? `${sign}nan` : `${sign}nan:0x${payload.toString(16)}`;
}

/** Shortest decimal that reads back as the same float32 (JS's own printing is float64-shortest). */
function f32Text(value: number, bits: number): string {
  if (Number.isNaN(value)) return nanText(bits >>> 31 === 1, bits & 0x7fffff, 0x400000);
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  if (Object.is(value, -0)) return '-0';
  for (let p = 1; p < 9; p++) {
    const s = value.toPrecision(p);
    if (Math.fround(Number(s)) === value) return String(Number(s));
  }
  return String(value);
}

function f64Text(value: number, bits: bigint): string {
  if (Number.isNaN(value)) return nanText(bits >> 63n === 1n, bits & 0xfffffffffffffn, 0x8000000000000n);
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

function limitsText(l: Limits): string {
  return l.max === undefined ? `${l.min}` : `${l.min} ${l.max}`;
}

function typesText(kw: 'param' | 'result', ts: readonly ValType[]): string {
  return ts.length === 0 ? '' : ` (${kw} ${ts.join(' ')})`;
}

/** How a function, type or local is referred to: by `$name` when the name section gives one. */
class Names {
  constructor(private readonly m: Module) {}
  func(i: number): string {
    const n = this.m.names.funcs.get(i);
    return n === undefined ? `${i}` : ident(n);
  }
  /** The `$name (;i;)` that follows a definition's keyword. */
  funcDef(i: number): string {
    const n = this.m.names.funcs.get(i);
    return n === undefined ? `(;${i};)` : `${ident(n)} (;${i};)`;
  }
  local(func: number, i: number): string {
    const n = this.m.names.locals.get(func)?.get(i);
    return n === undefined ? `${i}` : ident(n);
  }
  localDef(func: number, i: number): string {
    const n = this.m.names.locals.get(func)?.get(i);
    return n === undefined ? '' : `${ident(n)} `;
  }
}

/**
 * Reads one instruction's immediates and returns its text (`mnemonic imm...`). `func` is the function
 * index for local names, -1 in constant expressions.
 */
function instrText(r: Reader, row: OpRow, names: Names, func: number): string {
  const op = row.name;
  switch (row.imm) {
    case 'none':
      return op;
    case 'blocktype': {
      const bt = r.blocktype();
      if (bt.kind === 'empty') return op;
      return bt.kind === 'val' ? `${op} (result ${bt.type})` : `${op} (type ${bt.index})`;
    }
    case 'label':
    case 'table':
    case 'global':
    case 'data':
    case 'elem':
      return `${op} ${r.u32()}`;
    case 'func':
      return `${op} ${names.func(r.u32())}`;
    case 'local':
      return `${op} ${func >= 0 ? names.local(func, r.u32()) : r.u32()}`;
    case 'br_table': {
      const n = r.u32();
      if (n > r.end - r.pos) r.fail('length out of bounds', r.pos, 'length-out-of-bounds');
      const labels: number[] = [];
      for (let i = 0; i <= n; i++) labels.push(r.u32());
      return `${op} ${labels.join(' ')}`;
    }
    case 'call_indirect': {
      const type = r.u32();
      const table = r.u32();
      return table === 0 ? `${op} (type ${type})` : `${op} ${table} (type ${type})`;
    }
    case 'memarg': {
      const { align, offset } = r.memarg();
      let s = op;
      if (offset !== 0) s += ` offset=${offset}`;
      if (align !== naturalAlign(row)) s += align < 32 ? ` align=${2 ** align}` : ` (; align exponent ${align} ;)`;
      return s;
    }
    case 'memidx':
      r.zeroByte();
      return op;
    case 'i32':
      return `${op} ${r.i32()}`;
    case 'i64':
      return `${op} ${r.i64()}`;
    case 'f32': {
      const { value, bits } = r.f32();
      return `${op} ${f32Text(value, bits)}`;
    }
    case 'f64': {
      const { value, bits } = r.f64();
      return `${op} ${f64Text(value, bits)}`;
    }
    case 'select_t': {
      const n = r.u32();
      if (n > r.end - r.pos) r.fail('length out of bounds', r.pos, 'length-out-of-bounds');
      const ts: ValType[] = [];
      for (let i = 0; i < n; i++) ts.push(r.valtype());
      return `select${typesText('result', ts)}`;
    }
    case 'reftype':
      return `${op} ${r.reftype() === 'funcref' ? 'func' : 'extern'}`;
    case 'memory_init': {
      const d = r.u32();
      r.zeroByte();
      return `${op} ${d}`;
    }
    case 'memory_copy':
      r.zeroByte();
      r.zeroByte();
      return op;
    case 'table_init': {
      const elem = r.u32();
      const table = r.u32();
      return `${op} ${table} ${elem}`; // the text format puts the table first
    }
    case 'table_copy': {
      const dst = r.u32();
      const src = r.u32();
      return `${op} ${dst} ${src}`;
    }
    default: {
      const never: never = row.imm;
      return `${op} (; unknown immediate ${String(never)} ;)`;
    }
  }
}

/** What to print for a body or expression that stops being readable. */
function failureText(e: unknown): string {
  if (!(e instanceof CompileError)) throw e;
  return e.code === 'illegal-opcode' ? ';; illegal opcode' : `;; ${e.message}`;
}

/** A constant expression as folded instructions: `(i32.const 0)`, `(global.get 0) (i32.const 1) (i32.add)`. */
function exprText(m: Module, names: Names, e: ConstExpr): string {
  const r = new Reader(m.bytes, e.start, e.end);
  const parts: string[] = [];
  try {
    while (!r.eof()) {
      const row = r.op();
      const text = instrText(r, row, names, -1);
      if (row.name === 'end' && r.eof()) break;
      parts.push(`(${text})`);
    }
  } catch (err) {
    parts.push(`(; ${failureText(err).slice(3)} ;)`);
  }
  return parts.join(' ');
}

function funcTypeOf(m: Module, funcIndex: number): { typeIndex: number; type?: FuncType } {
  const typeIndex = funcIndex < m.numImportedFuncs
    ? importedFuncType(m, funcIndex)
    : m.funcs[funcIndex - m.numImportedFuncs] ?? -1;
  return { typeIndex, type: m.types[typeIndex] };
}

function importedFuncType(m: Module, funcIndex: number): number {
  let n = 0;
  for (const imp of m.imports) {
    if (imp.desc.kind === 'func' && n++ === funcIndex) return imp.desc.type;
  }
  return -1;
}

/**
 * The body listing of a defined function, one instruction per line, indented by block depth. The body's
 * final `end` is the `)` that the caller prints next: its position is recorded for that line.
 */
function bodyLines(m: Module, names: Names, funcIndex: number, out: string[], indent: string, rec?: Recorder): void {
  const body = m.codes[funcIndex - m.numImportedFuncs];
  if (body === undefined) return;
  const { type } = funcTypeOf(m, funcIndex);
  const nparams = type?.params.length ?? 0;

  let local = nparams;
  for (const run of body.locals) {
    if (run.count > MAX_EXPANDED_LOCALS) {
      out.push(`${indent}(local ${run.type}) (; ${run.count} locals of type ${run.type}, from ${local} ;)`);
      local += run.count;
      continue;
    }
    let unnamed = true;
    for (let i = 0; i < run.count; i++) if (names.localDef(funcIndex, local + i) !== '') unnamed = false;
    if (unnamed) {
      if (run.count > 0) out.push(`${indent}(local${` ${run.type}`.repeat(run.count)})`);
      local += run.count;
      continue;
    }
    for (let i = 0; i < run.count; i++, local++) {
      out.push(`${indent}(local ${names.localDef(funcIndex, local)}${run.type})`);
    }
  }

  const r = new Reader(m.bytes, body.start, body.end);
  let depth = 0; // open blocks inside the function body; also the label number `@depth` of the innermost
  try {
    while (!r.eof()) {
      const at = r.pos;
      const row = r.op();
      const text = instrText(r, row, names, funcIndex);
      if (row.name === 'end') {
        if (depth === 0) {
          if (!r.eof()) out.push(`${indent};; ${r.end - r.pos} bytes after the function's end`);
          record(rec, out, at, Math.max(indent.length - 2, 0));
          return;
        }
        depth--;
      }
      const pad = indent + '  '.repeat(row.name === 'else' ? Math.max(depth - 1, 0) : depth);
      record(rec, out, at, pad.length);
      if (row.imm === 'blocktype') {
        out.push(`${pad}${text}  ;; label = @${++depth}`);
      } else {
        out.push(pad + text);
      }
    }
    out.push(`${indent};; missing end`);
  } catch (e) {
    out.push(indent + '  '.repeat(depth) + failureText(e));
  }
}

function paramsText(names: Names, funcIndex: number, type: FuncType | undefined): string {
  if (type === undefined) return '';
  const named = type.params.some((_, i) => names.localDef(funcIndex, i) !== '');
  let s = named ? '' : typesText('param', type.params);
  if (named) type.params.forEach((t, i) => (s += ` (param ${names.localDef(funcIndex, i)}${t})`));
  return s + typesText('result', type.results);
}

function funcLines(m: Module, names: Names, funcIndex: number, out: string[], indent: string, rec?: Recorder): void {
  const { typeIndex, type } = funcTypeOf(m, funcIndex);
  // The function's own position (its code entry, where the IR places the function) is its first line.
  const body = m.codes[funcIndex - m.numImportedFuncs];
  if (body !== undefined) record(rec, out, body.at, indent.length);
  out.push(`${indent}(func ${names.funcDef(funcIndex)} (type ${typeIndex})${paramsText(names, funcIndex, type)}`);
  bodyLines(m, names, funcIndex, out, indent + '  ', rec);
  out.push(`${indent})`);
}

/** An import; `i` is its index in the index space of its kind. */
function importText(m: Module, names: Names, imp: Import, i: number): string {
  const where = `(import ${str(imp.module)} ${str(imp.name)}`;
  const d = imp.desc;
  switch (d.kind) {
    case 'func':
      return `${where} (func ${names.funcDef(i)} (type ${d.type})${paramsText(names, i, m.types[d.type])}))`;
    case 'table':
      return `${where} (table (;${i};) ${limitsText(d.type.limits)} ${d.type.elem}))`;
    case 'memory':
      return `${where} (memory (;${i};) ${limitsText(d.type.limits)}))`;
    case 'global':
      return `${where} (global (;${i};) ${d.type.mutable ? `(mut ${d.type.type})` : d.type.type}))`;
  }
}

function elemText(m: Module, names: Names, e: Elem, i: number): string {
  let s = `(elem (;${i};)`;
  if (e.mode === 'declarative') s += ' declare';
  if (e.mode === 'active') {
    if (e.table !== 0) s += ` (table ${e.table})`;
    if (e.offset) s += ` (offset ${exprText(m, names, e.offset)})`;
  }
  if (e.items.kind === 'funcs') {
    s += ' func';
    for (const f of e.items.funcs) s += ` ${names.func(f)}`;
  } else {
    s += ` ${e.type}`;
    for (const x of e.items.exprs) s += ` (item ${exprText(m, names, x)})`;
  }
  return s + ')';
}

/** WAT-like text of the whole module, or of one function (by function index) with `opts.func`. */
export function disassemble(m: Module, opts: { func?: number } = {}): string {
  if (opts.func !== undefined) return disassembleFunction(m, opts.func);
  return listing(m);
}

/**
 * The listing of the whole module and the position of every instruction of its function bodies in it. For
 * a source map's embedded copy, `dataLimit` shortens data segments to their first bytes (a module's data can
 * be megabytes that no reader of the map needs).
 */
export function disassembleWithPositions(m: Module, opts: { dataLimit?: number } = {}): { text: string; positions: WatPositions } {
  const rec: Recorder = { offsets: [], lines: [], columns: [] };
  const text = listing(m, rec, opts.dataLimit);
  return {
    text,
    positions: { offsets: Int32Array.from(rec.offsets), lines: Int32Array.from(rec.lines), columns: Int32Array.from(rec.columns) },
  };
}

/** The position of the instruction at (or, inside its immediates, before) `offset`, if in a function body. */
export function watPosition(p: WatPositions, offset: number): { line: number; column: number } | undefined {
  const { offsets } = p;
  let lo = 0, hi = offsets.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid]! <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  // Before the first body, or past the last one's final `end`: not code.
  if (found < 0 || (found === offsets.length - 1 && offset > offsets[found]!)) return undefined;
  return { line: p.lines[found]!, column: p.columns[found]! };
}

function listing(m: Module, rec?: Recorder, dataLimit = Infinity): string {
  const names = new Names(m);
  const out: string[] = [m.names.module === undefined ? '(module' : `(module ${ident(m.names.module)}`];
  const I = '  ';

  m.types.forEach((t, i) => {
    out.push(`${I}(type (;${i};) (func${typesText('param', t.params)}${typesText('result', t.results)}))`);
  });

  const counts = { func: 0, table: 0, memory: 0, global: 0 };
  for (const imp of m.imports) out.push(I + importText(m, names, imp, counts[imp.desc.kind]++));

  for (let i = 0; i < m.funcs.length; i++) funcLines(m, names, m.numImportedFuncs + i, out, I, rec);
  m.tables.forEach((t, i) => {
    out.push(`${I}(table (;${m.numImportedTables + i};) ${limitsText(t.limits)} ${t.elem})`);
  });
  m.memories.forEach((t, i) => {
    out.push(`${I}(memory (;${m.numImportedMemories + i};) ${limitsText(t.limits)})`);
  });
  m.globals.forEach((g, i) => {
    const type = g.type.mutable ? `(mut ${g.type.type})` : g.type.type;
    out.push(`${I}(global (;${m.numImportedGlobals + i};) ${type} ${exprText(m, names, g.init)})`);
  });
  for (const e of m.exports) {
    const ref = e.kind === 'func' ? names.func(e.index) : `${e.index}`;
    out.push(`${I}(export ${str(e.name)} (${e.kind} ${ref}))`);
  }
  if (m.start >= 0) out.push(`${I}(start ${names.func(m.start)})`);
  m.elems.forEach((e, i) => out.push(I + elemText(m, names, e, i)));
  m.datas.forEach((d, i) => {
    let s = `${I}(data (;${i};)`;
    if (d.mode === 'active') {
      if (d.memory !== 0) s += ` (memory ${d.memory})`;
      if (d.offset) s += ` (offset ${exprText(m, names, d.offset)})`;
    }
    const cut = d.bytes.length - dataLimit;
    out.push(cut > 0 ? `${s} ${quote(d.bytes.subarray(0, dataLimit))} (; ${cut} more bytes left out ;))` : `${s} ${quote(d.bytes)})`);
  });
  for (const c of m.customs) out.push(`${I};; custom section ${str(c.name)}, ${c.bytes.length} bytes`);
  out.push(')');
  return out.join('\n') + '\n';
}

/** One function by function index (imports included): its definition and instruction listing. */
export function disassembleFunction(m: Module, index: number): string {
  const names = new Names(m);
  if (!Number.isInteger(index) || index < 0 || index >= m.numImportedFuncs + m.funcs.length) {
    throw new RangeError(`no function ${index}`);
  }
  if (index < m.numImportedFuncs) {
    let n = 0;
    const imp = m.imports.find((x) => x.desc.kind === 'func' && n++ === index);
    return imp === undefined ? '' : importText(m, names, imp, index) + '\n';
  }
  const out: string[] = [];
  funcLines(m, names, index, out, '');
  return out.join('\n') + '\n';
}
