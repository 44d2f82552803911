// The decoder: module bytes -> `Module` (compiler/ir/module.ts). It reads the whole Wasm 2.0 binary format
// except the instructions of function bodies, which stay byte ranges for the validator to read (it validates
// and lowers in one pass). Constant expressions become byte ranges too; the decoder only finds their end.
//
// Error wording and order follow the spec's reference interpreter, since the spec suite's assert_malformed
// texts come from it. Two consequences shape this file:
//  - Section contents are read against the end of the module, not the end of the section, and the section
//    size is checked afterwards ("section size mismatch"). So a count that promises more items than the
//    section holds reads into the next section and fails the way the interpreter does ("length out of
//    bounds", "section size mismatch").
//  - Function/code and data-count consistency are checked after the last section, as the interpreter does.
//
// Counts and sizes are also held to the JS API's implementation limits (compiler/spec/limits.ts), checked
// once the count has passed the "length out of bounds" check, so malformed input fails as it did before.
//
// Nothing here recurses on input nesting, and every loop consumes at least one byte per iteration or is
// bounded by a count already checked against the bytes left, so any input terminates.

import type {
  ConstExpr, CustomSection, Data, Elem, Export, ExternKind, FuncBody, FuncType, Global, GlobalType, Import,
  MemoryType, Module, NameSection, RefType, TableType, ValType,
} from '../ir/module.js';
import type { Limits } from '../../runtime/abi.js';
import { CompileError } from '../../runtime/errors.js';
import { checkLimit, type Limit } from '../spec/limits.js';
import { Reader, skipImmediates } from './reader.js';

const MAGIC = 0x6d736100; // "\0asm" read little-endian
const VERSION = 1;

const enum Sec {
  Custom = 0, Type = 1, Import = 2, Function = 3, Table = 4, Memory = 5, Global = 6, Export = 7, Start = 8,
  Element = 9, Code = 10, Data = 11, DataCount = 12,
}
/** Position of each known section in the required order (data count comes before code). */
const ORDER: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];

const KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global'];

/**
 * A vector length or byte size, checked as the interpreter's `len32` does: against the bytes left counted
 * from the start of the length itself (so a length one or two bytes too large is caught later, as
 * "unexpected end", exactly where the suite expects it).
 */
function len(r: Reader): number {
  const at = r.pos;
  const n = r.u32();
  if (n > r.end - at) r.fail('length out of bounds', at, 'length-out-of-bounds');
  return n;
}

/** A vector length (as `len`) that, added to the `already` items before it, must be within a JS API limit. */
function count(r: Reader, limit: Limit, already = 0): number {
  const at = r.pos;
  const n = len(r);
  checkLimit(limit, already + n, at);
  return n;
}

/** A one-bit flag encoded as LEB128 (`vu1` in the interpreter): a limits flag. */
function flagBit(r: Reader): number {
  const at = r.pos;
  const b = r.u8();
  if ((b & 0x7f) > 1) r.fail('integer too large', at, 'int-too-large');
  if (b & 0x80) r.fail('integer representation too long', r.pos, 'int-repr-too-long');
  return b;
}

function limits(r: Reader): Limits {
  const hasMax = flagBit(r) === 1;
  const min = r.u32();
  return hasMax ? { min, max: r.u32() } : { min };
}

function tableType(r: Reader): TableType {
  const elem = r.reftype();
  const at = r.pos;
  const l = limits(r);
  // A minimum above the maximum is left to the validator, whose message the spec suite expects.
  if (l.max === undefined || l.min <= l.max) checkLimit('tableSize', l.min, at);
  return { elem, limits: l };
}

function globalType(r: Reader): GlobalType {
  const type = r.valtype();
  const at = r.pos;
  const m = r.u8();
  if (m > 1) r.fail('malformed mutability', at, 'malformed-mutability');
  return { type, mutable: m === 1 };
}

/**
 * Finds the end of a constant expression by walking its instructions up to the `end` that closes it
 * (nesting counted, not recursed). Constness and types are the validator's business.
 */
function constExpr(r: Reader): ConstExpr {
  const start = r.pos;
  let depth = 1;
  for (;;) {
    const at = r.pos;
    const row = r.op();
    skipImmediates(r, row);
    if (row.imm === 'blocktype') depth++;
    else if (row.name === 'end' && --depth === 0) return { start, end: r.pos };
    // The interpreter reads an expression as a block body, which an `else` at the outer level ends.
    else if (row.name === 'else' && depth === 1) r.fail('END opcode expected', at, 'end-expected');
  }
}

function funcIndices(r: Reader): { funcs: number[]; at: number[] } {
  const funcs: number[] = [];
  const at: number[] = [];
  for (let n = count(r, 'elemEntries'); n > 0; n--) {
    at.push(r.pos);
    funcs.push(r.u32());
  }
  return { funcs, at };
}

/** elemkind ::= 0x00 (funcref), in the legacy encodings 1-3. */
function elemKind(r: Reader): RefType {
  const at = r.pos;
  if (r.u8() !== 0) r.fail('malformed element kind', at, 'malformed-elem-kind');
  return 'funcref';
}

/** One element segment; flags bit 0: passive/declarative, bit 1: table index or declarative, bit 2: exprs. */
function elem(r: Reader): Elem {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 7) r.fail('malformed elements segment kind', at, 'malformed-elem-flags');
  const active = (flags & 1) === 0;
  const mode = active ? 'active' : (flags & 2) !== 0 ? 'declarative' : 'passive';
  const explicit = (flags & 2) !== 0; // table index (active) and element type/kind present
  const usesExprs = (flags & 4) !== 0;
  let table = 0;
  let offset: ConstExpr | undefined;
  if (active) {
    if (explicit) table = r.u32();
    offset = constExpr(r);
  }
  // Encodings 0 and 4 imply funcref; the others spell the type (reftype) or kind (elemkind) out.
  let type: RefType = 'funcref';
  if (!active || explicit) type = usesExprs ? r.reftype() : elemKind(r);
  if (usesExprs) {
    const exprs: ConstExpr[] = [];
    for (let n = count(r, 'elemEntries'); n > 0; n--) exprs.push(constExpr(r));
    return { mode, table, offset, type, items: { kind: 'exprs', exprs }, at };
  }
  return { mode, table, offset, type, items: { kind: 'funcs', ...funcIndices(r) }, at };
}

function data(r: Reader): Data {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 2) r.fail('malformed data segment kind', at, 'malformed-data-flags');
  let memory = 0;
  let offset: ConstExpr | undefined;
  if (flags !== 1) {
    if (flags === 2) memory = r.u32();
    offset = constExpr(r);
  }
  const bytes = r.bytesN(len(r));
  return { mode: flags === 1 ? 'passive' : 'active', memory, offset, bytes, at };
}

/** One code entry: size, locals as runs, and the body left as a byte range. */
function code(r: Reader): FuncBody {
  const at = r.pos;
  const size = len(r);
  checkLimit('bodySize', size, at);
  const bodyStart = r.pos;
  const end = bodyStart + size;
  // `len` lets a size overrun the input by its own length bytes; the interpreter then runs out of input.
  if (end > r.end) r.fail('unexpected end of section or function', r.end, 'unexpected-end');
  // Locals are read inside the entry (the section reader narrowed to it, to save an allocation per body),
  // so a run that overflows it is "unexpected end of section or function".
  const sectionEnd = r.end;
  r.end = end;
  const locals: { count: number; type: ValType }[] = [];
  let localCount = 0;
  for (let n = len(r); n > 0; n--) {
    const count = r.u32();
    const type = r.valtype();
    localCount += count;
    locals.push({ count, type });
  }
  // Counts are u32 each; only their sum can pass 2^32 - 1 (the interpreter sums in 64 bits).
  if (localCount > 0xffffffff) r.fail('too many locals', bodyStart, 'too-many-locals');
  const start = r.pos;
  r.end = sectionEnd;
  r.pos = end;
  return { locals, localCount, start, end, at };
}

/**
 * A body must end with the `end` opcode. Instructions are the validator's, but a last byte other than 0x0b
 * is certain to be malformed, and it is where the interpreter's messages for a missing `end` depend on what
 * follows the body: the next body's size byte ("END opcode expected"), the next section ("section size
 * mismatch", having read past the code section) or nothing ("unexpected end of section or function").
 */
function checkBodyEnds(bytes: Uint8Array, codes: readonly FuncBody[], codeSectionEnd: number): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c.end > c.start && bytes[c.end - 1] === 0x0b) continue;
    if (i + 1 < codes.length) throw new CompileError('END opcode expected', c.end, 'end-expected');
    if (codeSectionEnd < bytes.length) throw new CompileError('section size mismatch', c.end, 'section-size-mismatch');
    throw new CompileError('unexpected end of section or function', c.end, 'unexpected-end');
  }
}

/**
 * The `name` custom section (module, function and local names). It is debugging information: a malformed
 * one is ignored, as the spec asks, so this returns undefined instead of throwing.
 */
function parseNames(payload: Uint8Array): NameSection | undefined {
  const names: NameSection = { funcs: new Map(), locals: new Map() };
  const r = new Reader(payload);
  let last = -1;
  try {
    while (!r.eof()) {
      const id = r.u8();
      const size = len(r);
      const end = r.pos + size;
      // Subsections appear at most once, in increasing id order.
      if (id <= last) return undefined;
      last = id;
      const s = new Reader(payload, r.pos, end);
      if (id === 0) names.module = s.name();
      else if (id === 1) nameMap(s, names.funcs);
      else if (id === 2) {
        for (let n = len(s); n > 0; n--) {
          const func = s.u32();
          const map = new Map<number, string>();
          nameMap(s, map);
          names.locals.set(func, map);
        }
      } else s.pos = end; // other subsections (labels, types, ...) are not used
      if (s.pos !== end) return undefined;
      r.pos = end;
    }
  } catch (e) {
    if (e instanceof CompileError) return undefined;
    throw e;
  }
  return names;
}

function nameMap(r: Reader, into: Map<number, string>): void {
  for (let n = len(r); n > 0; n--) {
    const index = r.u32();
    into.set(index, r.name());
  }
}

export function decodeModule(bytes: Uint8Array): Module {
  checkLimit('moduleSize', bytes.length, 0);
  const top = new Reader(bytes);
  // The header is two fixed 4-byte words; a short input is "unexpected end" before any magic check.
  const header = top.bytesN(4);
  if ((header[0] | (header[1] << 8) | (header[2] << 16) | (header[3] << 24)) !== MAGIC) {
    top.fail('magic header not detected', 0, 'magic-header');
  }
  const v = top.bytesN(4);
  if ((v[0] | (v[1] << 8) | (v[2] << 16) | (v[3] << 24)) !== VERSION) {
    top.fail('unknown binary version', 4, 'unknown-version');
  }

  const m: Module = {
    bytes, types: [], imports: [], funcs: [], tables: [], memories: [], globals: [], exports: [], start: -1,
    elems: [], datas: [], dataCount: -1, codes: [], customs: [], names: { funcs: new Map(), locals: new Map() },
    numImportedFuncs: 0, numImportedTables: 0, numImportedMemories: 0, numImportedGlobals: 0,
  };
  let lastOrder = 0;
  let namesSeen = false;
  let funcSectionAt = -1;
  let codeSectionAt = -1;

  while (!top.eof()) {
    const idAt = top.pos;
    const id = top.u8();
    if (id > Sec.DataCount) top.fail('malformed section id', idAt, 'malformed-section-id');
    const size = len(top);
    const start = top.pos;
    const end = start + size;
    if (id !== Sec.Custom) {
      // A repeated or out-of-order section is where the interpreter stops reading sections.
      if (ORDER[id] <= lastOrder) top.fail('unexpected content after last section', idAt, 'section-order');
      lastOrder = ORDER[id];
    }
    const r = new Reader(bytes, start);
    switch (id) {
      case Sec.Custom: {
        const name = r.name();
        // The name must fit in the section, and the section in the input.
        if (r.pos > end || end > bytes.length) {
          r.fail('unexpected end of section or function', Math.min(end, bytes.length), 'unexpected-end');
        }
        const payload = bytes.subarray(r.pos, end);
        m.customs.push({ name, bytes: payload, at: idAt } satisfies CustomSection);
        if (name === 'name' && !namesSeen) {
          namesSeen = true;
          const names = parseNames(payload);
          if (names) Object.assign(m.names, names);
        }
        r.pos = end;
        break;
      }
      case Sec.Type:
        for (let n = count(r, 'types'); n > 0; n--) m.types.push(funcType(r));
        break;
      case Sec.Import:
        for (let n = count(r, 'imports'); n > 0; n--) m.imports.push(importEntry(r, m));
        break;
      case Sec.Function:
        funcSectionAt = start;
        for (let n = count(r, 'functions'); n > 0; n--) m.funcs.push(r.u32());
        break;
      case Sec.Table:
        for (let n = count(r, 'tables', m.numImportedTables); n > 0; n--) m.tables.push(tableType(r));
        break;
      case Sec.Memory:
        for (let n = len(r); n > 0; n--) m.memories.push({ limits: limits(r) } satisfies MemoryType);
        break;
      case Sec.Global:
        for (let n = count(r, 'globals'); n > 0; n--) {
          const at = r.pos;
          const type = globalType(r);
          m.globals.push({ type, init: constExpr(r), at } satisfies Global);
        }
        break;
      case Sec.Export:
        for (let n = count(r, 'exports'); n > 0; n--) {
          const at = r.pos;
          const name = r.name();
          const kindAt = r.pos;
          const kind = KINDS[r.u8()];
          if (kind === undefined) r.fail('malformed export kind', kindAt, 'malformed-export-kind');
          m.exports.push({ name, kind, index: r.u32(), at } satisfies Export);
        }
        break;
      case Sec.Start:
        m.start = r.u32();
        break;
      case Sec.Element:
        for (let n = len(r); n > 0; n--) m.elems.push(elem(r));
        break;
      case Sec.Code:
        codeSectionAt = start;
        for (let n = len(r); n > 0; n--) m.codes.push(code(r));
        // Here, not at the end: the interpreter meets a missing `end` while reading this section.
        if (r.pos === end) checkBodyEnds(bytes, m.codes, end);
        break;
      case Sec.Data:
        for (let n = count(r, 'dataSegments'); n > 0; n--) m.datas.push(data(r));
        break;
      case Sec.DataCount:
        m.dataCount = r.u32();
        checkLimit('dataSegments', m.dataCount, start);
        break;
    }
    if (r.pos !== end) r.fail('section size mismatch', start, 'section-size-mismatch');
    top.pos = end;
  }

  if (m.funcs.length !== m.codes.length) {
    const at = codeSectionAt >= 0 ? codeSectionAt : funcSectionAt >= 0 ? funcSectionAt : bytes.length;
    top.fail('function and code section have inconsistent lengths', at, 'func-code-mismatch');
  }
  if (m.dataCount >= 0 && m.dataCount !== m.datas.length) {
    top.fail('data count and data section have inconsistent lengths', bytes.length, 'data-count-mismatch');
  }
  return m;
}

function funcType(r: Reader): FuncType {
  const at = r.pos;
  const form = r.u8();
  // The interpreter reads the form as a one-byte signed LEB128 (-0x20), hence the "too long" case.
  if (form & 0x80) r.fail('integer representation too long', r.pos, 'int-repr-too-long');
  if (form !== 0x60) r.fail('malformed function type', at, 'malformed-functype');
  const params: ValType[] = [];
  for (let n = count(r, 'params'); n > 0; n--) params.push(r.valtype());
  const results: ValType[] = [];
  for (let n = count(r, 'results'); n > 0; n--) results.push(r.valtype());
  return { params, results };
}

function importEntry(r: Reader, m: Module): Import {
  const at = r.pos;
  const module = r.name();
  const name = r.name();
  const kindAt = r.pos;
  switch (KINDS[r.u8()]) {
    case 'func':
      m.numImportedFuncs++;
      return { module, name, desc: { kind: 'func', type: r.u32() }, at };
    case 'table':
      checkLimit('tables', ++m.numImportedTables, at);
      return { module, name, desc: { kind: 'table', type: tableType(r) }, at };
    case 'memory':
      m.numImportedMemories++;
      return { module, name, desc: { kind: 'memory', type: { limits: limits(r) } }, at };
    case 'global':
      m.numImportedGlobals++;
      return { module, name, desc: { kind: 'global', type: globalType(r) }, at };
    default:
      return r.fail('malformed import kind', kindAt, 'malformed-import-kind');
  }
}
