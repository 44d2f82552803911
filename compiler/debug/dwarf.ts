// The DWARF line table (`.debug_line`, versions 2 to 5), read from a module's custom sections: which source
// file, line and column each range of code addresses comes from. This is what `clang -g` leaves in a .wasm
// and all wajit needs of DWARF to map generated code to C lines.
//
// Code addresses in WebAssembly DWARF are offsets from the start of the code section's contents (where the
// function count is), not from the start of the module; the caller converts. A line program is a small state
// machine (DWARF 5, section 6.2): each row it emits starts a range that runs to the next row's address, and
// an end_sequence row closes the last range of a sequence. Only the registers needed for file:line:column
// are kept.
//
// Debug info is untrusted input like the rest of the module: every read is bounds-checked, and a malformed
// unit raises DwarfError, which ends reading (units before it are kept) with a message for a warning. A
// sequence whose addresses fall outside the code (linkers move dead functions' code to a tombstone address)
// is dropped.

/** Malformed or unsupported DWARF: the line table is incomplete or absent. */
export class DwarfError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at offset 0x${offset.toString(16)} of .debug_line)`);
    this.name = 'DwarfError';
  }
}

/** Source lines of a code range: [start, end) in code addresses, 1-based line, 1-based column (0: none). */
export interface LineRange {
  readonly start: number;
  readonly end: number;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface LineTable {
  /** Ranges sorted by start address, not overlapping. */
  readonly ranges: readonly LineRange[];
  /** The first error met (units from it on were skipped), if any. */
  readonly error?: DwarfError;
}

/** Other custom sections that line tables refer to for strings. */
export interface DwarfStrings {
  readonly debugStr?: Uint8Array;
  readonly debugLineStr?: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A bounds-checked little-endian reader over one section. */
class Cursor {
  pos: number;
  constructor(readonly bytes: Uint8Array, pos = 0, public end = bytes.length) {
    this.pos = pos;
  }

  fail(message: string, at = this.pos): never {
    throw new DwarfError(message, at);
  }

  private need(n: number): void {
    if (n > this.end - this.pos) this.fail('unexpected end of data');
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes, p = this.pos;
    this.pos += 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  u32(): number {
    this.need(4);
    const b = this.bytes, p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** A 64-bit value that must fit in a double exactly (lengths and offsets). */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi >= 0x200000) this.fail('64-bit value too large', this.pos - 8);
    return hi * 0x100000000 + lo;
  }

  /** An unsigned value of `size` bytes (1, 2, 4 or 8). */
  uSized(size: number): number {
    switch (size) {
      case 1: return this.u8();
      case 2: return this.u16();
      case 4: return this.u32();
      case 8: return this.u64();
      default: return this.fail(`unsupported address size ${size}`);
    }
  }

  uleb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 128;
      if (scale > 2 ** 56) this.fail('LEB128 value too large');
    }
    if (result > Number.MAX_SAFE_INTEGER) this.fail('LEB128 value too large');
    return result;
  }

  sleb(): number {
    let result = 0;
    let scale = 1;
    let b;
    do {
      b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (scale > 2 ** 56) this.fail('LEB128 value too large');
    } while (b & 0x80);
    return (b & 0x40) !== 0 ? result - scale : result;
  }

  /** A NUL-terminated UTF-8 string. */
  cstr(): string {
    const start = this.pos;
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= this.end) this.fail('unterminated string');
    this.pos = nul + 1;
    return utf8.decode(this.bytes.subarray(start, nul));
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

/** A string at `offset` of a string section (.debug_str, .debug_line_str). */
function stringAt(section: Uint8Array | undefined, offset: number, what: string, at: number): string {
  if (section === undefined) throw new DwarfError(`string in ${what}, which the module lacks`, at);
  if (offset >= section.length) throw new DwarfError(`string offset out of ${what}`, at);
  return new Cursor(section, offset).cstr();
}

// DW_LNCT_* content types and DW_FORM_* forms of DWARF 5 directory and file entries.
const LNCT_PATH = 1, LNCT_DIRECTORY_INDEX = 2;
const FORM = {
  block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, block: 0x09, block1: 0x0a,
  data1: 0x0b, sdata: 0x0d, strp: 0x0e, udata: 0x0f, strx: 0x1a, data16: 0x1e, lineStrp: 0x1f,
  strx1: 0x25, strx2: 0x26, strx3: 0x27, strx4: 0x28,
} as const;

interface Header {
  readonly version: number;
  readonly addressSize: number;
  readonly minInstLength: number;
  readonly maxOps: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  readonly opcodeLengths: readonly number[];
  /** File names by the file register's value (DWARF 5 counts from 0, earlier versions from 1). */
  readonly files: string[];
  /** Directories by index, for DW_LNE_define_file (DWARF 2 to 4). */
  readonly dirs: readonly string[];
}

/** `dir/name`, unless the name is absolute or the directory says nothing. */
function joinPath(dir: string | undefined, name: string): string {
  if (dir === undefined || dir === '' || dir === '.' || name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** One value of a DWARF 5 entry: a string for paths, a number for indices, undefined for what is skipped. */
function formValue(c: Cursor, form: number, offsetSize: number, strings: DwarfStrings): string | number | undefined {
  const at = c.pos;
  switch (form) {
    case FORM.string: return c.cstr();
    case FORM.lineStrp: return stringAt(strings.debugLineStr, c.uSized(offsetSize), '.debug_line_str', at);
    case FORM.strp: return stringAt(strings.debugStr, c.uSized(offsetSize), '.debug_str', at);
    case FORM.udata: return c.uleb();
    case FORM.sdata: return c.sleb();
    case FORM.data1: return c.u8();
    case FORM.data2: return c.u16();
    case FORM.data4: return c.u32();
    case FORM.data8: return c.u64();
    case FORM.data16: c.skip(16); return undefined;
    case FORM.block: c.skip(c.uleb()); return undefined;
    case FORM.block1: c.skip(c.u8()); return undefined;
    case FORM.block2: c.skip(c.u16()); return undefined;
    case FORM.block4: c.skip(c.u32()); return undefined;
    // Indices into .debug_str_offsets, whose base only .debug_info knows: the name stays unknown.
    case FORM.strx: c.uleb(); return '';
    case FORM.strx1: c.u8(); return '';
    case FORM.strx2: c.u16(); return '';
    case FORM.strx3: c.skip(3); return '';
    case FORM.strx4: c.u32(); return '';
    default: return c.fail(`unsupported form 0x${form.toString(16)} in a file entry`, at);
  }
}

/** DWARF 5 directory or file entries: [path, directory index] of each. */
function entries(c: Cursor, offsetSize: number, strings: DwarfStrings): [string, number][] {
  const formats: [number, number][] = [];
  for (let n = c.u8(); n > 0; n--) formats.push([c.uleb(), c.uleb()]);
  const list: [string, number][] = [];
  for (let n = c.uleb(); n > 0; n--) {
    let path = '';
    let dir = 0;
    for (const [type, form] of formats) {
      const v = formValue(c, form, offsetSize, strings);
      if (type === LNCT_PATH && typeof v === 'string') path = v;
      else if (type === LNCT_DIRECTORY_INDEX && typeof v === 'number') dir = v;
    }
    list.push([path, dir]);
  }
  return list;
}

function readHeader(c: Cursor, offsetSize: number, strings: DwarfStrings): Header {
  const versionAt = c.pos;
  const version = c.u16();
  if (version < 2 || version > 5) c.fail(`unsupported DWARF version ${version}`, versionAt);
  let addressSize = 4;
  if (version >= 5) {
    addressSize = c.u8();
    c.u8(); // segment selector size
  }
  const headerLength = c.uSized(offsetSize);
  const programStart = c.pos + headerLength;
  if (programStart > c.end) c.fail('header longer than its unit');
  const minInstLength = c.u8();
  const maxOps = version >= 4 ? c.u8() : 1;
  const defaultIsStmt = c.u8() !== 0;
  const lineBase = (c.u8() << 24) >> 24;
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  if (lineRange === 0) c.fail('line_range of 0');
  if (opcodeBase === 0) c.fail('opcode_base of 0');
  const opcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) opcodeLengths.push(c.u8());

  const files: string[] = [];
  const dirs: string[] = [];
  if (version >= 5) {
    for (const [path] of entries(c, offsetSize, strings)) dirs.push(path);
    for (const [path, dir] of entries(c, offsetSize, strings)) files.push(joinPath(dirs[dir], path));
  } else {
    // Directory 0 is the compilation directory, which only .debug_info names: paths stay relative to it.
    dirs.push('');
    for (let d = c.cstr(); d !== ''; d = c.cstr()) dirs.push(d);
    files.push(''); // the file register counts from 1
    for (let name = c.cstr(); name !== ''; name = c.cstr()) {
      const dir = c.uleb();
      c.uleb(); // modification time
      c.uleb(); // length
      files.push(joinPath(dirs[dir], name));
    }
  }
  c.pos = programStart;
  return { version, addressSize, minInstLength, maxOps: maxOps === 0 ? 1 : maxOps, defaultIsStmt, lineBase, lineRange, opcodeBase, opcodeLengths, files, dirs };
}

// Standard and extended opcodes (DW_LNS_*, DW_LNE_*).
const LNS = {
  copy: 1, advancePc: 2, advanceLine: 3, setFile: 4, setColumn: 5, negateStmt: 6, setBasicBlock: 7,
  constAddPc: 8, fixedAdvancePc: 9, setPrologueEnd: 10, setEpilogueBegin: 11, setIsa: 12,
} as const;
const LNE = { endSequence: 1, setAddress: 2, defineFile: 3, setDiscriminator: 4 } as const;

interface Row { address: number; file: number; line: number; column: number }

/** Runs one unit's line program, adding the ranges of its sequences that lie within [0, codeSize]. */
function runProgram(c: Cursor, h: Header, codeSize: number, out: LineRange[]): void {
  let address = 0, opIndex = 0, file = 1, line = 1, column = 0;
  let rows: Row[] = [];
  const emit = (): void => {
    rows.push({ address, file, line, column });
  };
  const endSequence = (): void => {
    // The range of each row runs to the next row's address; the end row only closes the last one.
    if (address <= codeSize && rows.every((r) => r.address <= codeSize)) {
      rows.push({ address, file, line, column });
      for (let i = 0; i + 1 < rows.length; i++) {
        const r = rows[i]!;
        const end = rows[i + 1]!.address;
        if (end <= r.address || r.line === 0) continue;
        out.push({ start: r.address, end, file: h.files[r.file] ?? '', line: r.line, column: r.column });
      }
    }
    rows = [];
    address = 0; opIndex = 0; file = 1; line = 1; column = 0;
  };
  const advance = (operations: number): void => {
    const total = opIndex + operations;
    address += h.minInstLength * Math.floor(total / h.maxOps);
    opIndex = total % h.maxOps;
  };
  while (c.pos < c.end) {
    const op = c.u8();
    if (op >= h.opcodeBase) {
      const adjusted = op - h.opcodeBase;
      advance(Math.floor(adjusted / h.lineRange));
      line += h.lineBase + (adjusted % h.lineRange);
      emit();
      continue;
    }
    switch (op) {
      case 0: {
        const len = c.uleb();
        if (len === 0) c.fail('extended opcode of length 0');
        const end = c.pos + len;
        if (end > c.end) c.fail('extended opcode past the unit');
        const sub = c.u8();
        if (sub === LNE.endSequence) endSequence();
        else if (sub === LNE.setAddress) {
          address = c.uSized(len - 1);
          opIndex = 0;
        } else if (sub === LNE.defineFile && h.version < 5) {
          const name = c.cstr();
          const dir = c.uleb();
          h.files.push(joinPath(h.dirs[dir], name));
        }
        // DW_LNE_set_discriminator and vendor opcodes carry nothing needed here.
        c.pos = end;
        break;
      }
      case LNS.copy: emit(); break;
      case LNS.advancePc: advance(c.uleb()); break;
      case LNS.advanceLine: line += c.sleb(); break;
      case LNS.setFile: file = c.uleb(); break;
      case LNS.setColumn: column = c.uleb(); break;
      case LNS.negateStmt: case LNS.setBasicBlock: case LNS.setPrologueEnd: case LNS.setEpilogueBegin: break;
      case LNS.constAddPc: advance(Math.floor((255 - h.opcodeBase) / h.lineRange)); break;
      case LNS.fixedAdvancePc: address += c.u16(); opIndex = 0; break;
      case LNS.setIsa: c.uleb(); break;
      default:
        // An opcode this reader does not know: the header says how many LEB128 operands to skip.
        for (let n = h.opcodeLengths[op - 1] ?? 0; n > 0; n--) c.uleb();
    }
  }
  // A program must end its sequences; rows after the last end_sequence are dropped.
}

/**
 * Reads every line program of a `.debug_line` section. Addresses are code-section-relative; `codeSize` (the
 * size of the code section's contents) bounds them. Never throws: a malformed unit ends reading, reported in
 * the result's `error`.
 */
export function readLineTable(debugLine: Uint8Array, codeSize: number, strings: DwarfStrings = {}): LineTable {
  const ranges: LineRange[] = [];
  let error: DwarfError | undefined;
  const c = new Cursor(debugLine);
  try {
    while (c.pos < debugLine.length) {
      const unitAt = c.pos;
      let length = c.u32();
      let offsetSize = 4;
      if (length === 0xffffffff) {
        length = c.u64();
        offsetSize = 8;
      } else if (length >= 0xfffffff0) c.fail('reserved unit length', unitAt);
      const end = c.pos + length;
      if (end > debugLine.length) c.fail('unit longer than the section', unitAt);
      const unit = new Cursor(debugLine, c.pos, end);
      runProgram(unit, readHeader(unit, offsetSize, strings), codeSize, ranges);
      c.pos = end;
    }
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    error = e;
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  // Overlaps (identical code folded by the linker, or bad input): the earlier range ends where the next begins.
  const clean: LineRange[] = [];
  for (const r of ranges) {
    const prev = clean[clean.length - 1];
    if (prev !== undefined && prev.end > r.start) {
      if (prev.start === r.start) continue;
      clean[clean.length - 1] = { ...prev, end: r.start };
    }
    clean.push(r);
  }
  return error === undefined ? { ranges: clean } : { ranges: clean, error };
}

/** The range containing code address `address`, if any. */
export function lineAt(table: LineTable, address: number): LineRange | undefined {
  const rs = table.ranges;
  let lo = 0, hi = rs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = rs[mid]!;
    if (address < r.start) hi = mid - 1;
    else if (address >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}
