// Structure-aware mutations of binary modules, for the mutation fuzzer (fuzz.ts). Byte-level mutations
// (inputs.ts) mostly break a module's framing, so few mutants get past the decoder; these edit the module
// where its structure is — whole sections, LEB128 integers, instructions and their immediates — and then frame
// it again (section and function body sizes recomputed), so that most mutants decode and many validate,
// reaching the validator's corners, the code generator and, when still valid, execution.
//
// Instructions are found with the compiler's own opcode table (compiler/spec/opcodes.ts): its immediate
// kinds say how long each instruction is, and its rows are what an opcode is replaced with.

import { BY_CODE, BY_PREFIX, OPCODES, type Imm, type OpRow } from '../../compiler/spec/opcodes.js';
import type { Rng } from '../diff/harness.js';
import { mutateOnce } from './inputs.js';

// ---------------------------------------------------------------------------------------------------------
// LEB128, leniently (mutants are read as well as written).

interface Leb { readonly value: bigint; readonly end: number }

/** The LEB128 integer at p (at most 10 bytes), unsigned or signed; null when there is none. */
export function readLeb(b: Uint8Array, p: number, signed = false): Leb | null {
  let value = 0n;
  let shift = 0n;
  for (let i = p; i < b.length && i < p + 10; i++) {
    const x = b[i]!;
    value |= BigInt(x & 0x7f) << shift;
    shift += 7n;
    if ((x & 0x80) === 0) {
      if (signed && (x & 0x40) !== 0) value -= 1n << shift;
      return { value, end: i + 1 };
    }
  }
  return null;
}

/** LEB128 bytes of v (signed or unsigned), padded with continuation bytes to at least `width` bytes. */
export function leb(v: bigint, signed = false, width = 1): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = signed ? (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0) : v === 0n;
    if (done && out.length + 1 >= width) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
    if (done) {
      // Padding: continuation bytes carrying the sign (or zero) extension, then a final one.
      const fill = signed && v < 0n ? 0x7f : 0x00;
      while (out.length + 1 < width) out.push(fill | 0x80);
      out.push(fill);
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sections and function bodies.

export interface Section { readonly id: number; readonly body: Uint8Array }

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The sections of a module whose framing is intact, or null. */
export function parseSections(b: Uint8Array): Section[] | null {
  if (b.length < 8) return null;
  const out: Section[] = [];
  let p = 8;
  while (p < b.length) {
    const id = b[p++]!;
    const size = readLeb(b, p);
    if (size === null || size.value > BigInt(b.length)) return null;
    const end = size.end + Number(size.value);
    if (end > b.length) return null;
    out.push({ id, body: b.subarray(size.end, end) });
    p = end;
  }
  return out;
}

/** A module from sections, with the header of `original` (mutated headers stay mutated). */
export function assemble(sections: readonly Section[], original?: Uint8Array): Uint8Array {
  const parts: number[] = original && original.length >= 8 ? [...original.subarray(0, 8)] : [...HEADER];
  let size = parts.length;
  const framed = sections.map((s) => {
    const head = [s.id, ...leb(BigInt(s.body.length))];
    size += head.length + s.body.length;
    return head;
  });
  const out = new Uint8Array(size);
  out.set(parts, 0);
  let p = parts.length;
  sections.forEach((s, i) => {
    out.set(framed[i]!, p);
    p += framed[i]!.length;
    out.set(s.body, p);
    p += s.body.length;
  });
  return out;
}

/** The function bodies of a code section, or null when its framing is broken. */
function parseBodies(code: Uint8Array): Uint8Array[] | null {
  const n = readLeb(code, 0);
  if (n === null || n.value > 100_000n) return null;
  const out: Uint8Array[] = [];
  let p = n.end;
  for (let i = 0; i < Number(n.value); i++) {
    const size = readLeb(code, p);
    if (size === null) return null;
    const end = size.end + Number(size.value);
    if (end > code.length) return null;
    out.push(code.subarray(size.end, end));
    p = end;
  }
  return out;
}

function codeBody(bodies: readonly Uint8Array[]): Uint8Array {
  const parts: number[] = leb(BigInt(bodies.length));
  for (const b of bodies) parts.push(...leb(BigInt(b.length)), ...b);
  return new Uint8Array(parts);
}

// ---------------------------------------------------------------------------------------------------------
// Instructions.

type ImmPart = 'u' | 's32' | 's64' | 'f32' | 'f64' | 'byte' | 'blocktype';

/** An instruction: where it is, its row, and where each immediate is. */
interface Instr {
  readonly at: number;
  readonly end: number;
  /** End of the opcode (prefix and code). */
  readonly codeEnd: number;
  readonly row: OpRow;
  readonly imms: readonly { readonly at: number; readonly end: number; readonly part: ImmPart }[];
}

/** The parts of each immediate kind (br_table and select_t are vectors, handled apart). */
const PARTS: Record<Exclude<Imm, 'br_table' | 'select_t'>, readonly ImmPart[]> = {
  none: [], blocktype: ['blocktype'], label: ['u'], func: ['u'], call_indirect: ['u', 'u'], local: ['u'],
  global: ['u'], table: ['u'], memarg: ['u', 'u'], memidx: ['u'], i32: ['s32'], i64: ['s64'], f32: ['f32'],
  f64: ['f64'], reftype: ['byte'], memory_init: ['u', 'u'], data: ['u'], memory_copy: ['u', 'u'],
  table_init: ['u', 'u'], elem: ['u'], table_copy: ['u', 'u'],
};

const VALTYPE_BYTES = [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f];

/** Where the instructions of a function body start (after its local declarations), or null. */
function codeStart(body: Uint8Array): number | null {
  const n = readLeb(body, 0);
  if (n === null || n.value > 10_000n) return null;
  let p = n.end;
  for (let i = 0; i < Number(n.value); i++) {
    const c = readLeb(body, p);
    if (c === null || c.end >= body.length) return null;
    p = c.end + 1;
  }
  return p;
}

/** The instructions of a body, up to the first it cannot decode. */
function instructions(body: Uint8Array, start: number): Instr[] {
  const out: Instr[] = [];
  let p = start;
  while (p < body.length) {
    const at = p;
    let row: OpRow | undefined;
    const op = body[p++]!;
    if (op === 0xfc) {
      const sub = readLeb(body, p);
      if (sub === null) break;
      row = BY_PREFIX.get(0xfc)?.get(Number(sub.value));
      p = sub.end;
    } else row = BY_CODE[op];
    if (row === undefined) break;
    const codeEnd = p;
    const imms: { at: number; end: number; part: ImmPart }[] = [];
    const take = (part: ImmPart): boolean => {
      const from = p;
      switch (part) {
        case 'byte': p += 1; break;
        case 'f32': p += 4; break;
        case 'f64': p += 8; break;
        case 'blocktype':
          if (body[p] === 0x40 || VALTYPE_BYTES.includes(body[p]!)) p += 1;
          else { const l = readLeb(body, p, true); if (l === null) return false; p = l.end; }
          break;
        default: { const l = readLeb(body, p, part !== 'u'); if (l === null) return false; p = l.end; }
      }
      if (p > body.length) return false;
      imms.push({ at: from, end: p, part });
      return true;
    };
    let ok = true;
    if (row.imm === 'br_table' || row.imm === 'select_t') {
      const n = readLeb(body, p);
      if (n === null || n.value > 10_000n) break;
      p = n.end;
      for (let i = 0; i < Number(n.value) && ok; i++) ok = take(row.imm === 'br_table' ? 'u' : 'byte');
      if (ok && row.imm === 'br_table') ok = take('u');
    } else for (const part of PARTS[row.imm]) if (ok) ok = take(part);
    if (!ok) break;
    out.push({ at, end: p, codeEnd, row, imms });
  }
  return out;
}

function opcodeBytes(row: OpRow): number[] {
  return row.prefix === 0 ? [row.code] : [row.prefix, ...leb(BigInt(row.code))];
}

/**
 * Ops through which a NaN's sign or payload becomes visible (as a sign, an integer or memory bytes). Wasm
 * leaves those of arithmetic NaNs open, so engines differ there legitimately: mutations do not add them, and
 * a difference in a module using them counts as NaN nondeterminism, not as a finding (campaign.ts).
 */
export const NAN_EXPOSING: ReadonlySet<string> = new Set([
  'f32.copysign', 'f64.copysign', 'i32.reinterpret_f32', 'i64.reinterpret_f64',
]);

/** Rows with the same immediate kind, by kind; rows with the same signature, by signature. */
const BY_IMM = new Map<Imm, OpRow[]>();
const BY_SIG = new Map<string, OpRow[]>();
for (const row of OPCODES) {
  if (NAN_EXPOSING.has(row.name)) continue;
  BY_IMM.set(row.imm, [...(BY_IMM.get(row.imm) ?? []), row]);
  if (row.sig !== '') BY_SIG.set(row.sig, [...(BY_SIG.get(row.sig) ?? []), row]);
}

const INTERESTING_U = [0n, 1n, 2n, 3n, 4n, 7n, 8n, 15n, 16n, 31n, 32n, 63n, 64n, 127n, 128n, 255n, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, 0xfffffff0n, 0xffffffffn];
const INTERESTING_S = [0n, 1n, -1n, 2n, -2n, 31n, 32n, 63n, 64n, 0x7fffn, -0x8000n, 0xffffn, 0x7fffffffn, -0x80000000n,
  0x7fffffffffffffffn, -0x8000000000000000n, 0x100000000n, -0x100000000n, 65536n, 65535n, 65532n];
const INTERESTING_F32 = [0x00000000, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00001,
  0x00000001, 0x7f7fffff, 0x4f000000, 0xcf000000, 0x4f800000, 0x5f000000, 0x3effffff];
const INTERESTING_F64 = [0x0n, 0x8000000000000000n, 0x3ff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0x7ff4000000000001n, 0xfff8000000000000n, 0x1n, 0x41e0000000000000n, 0xc1e0000000000000n,
  0x41f0000000000000n, 0x43e0000000000000n, 0x43f0000000000000n, 0x3fe0000000000000n, 0x7fefffffffffffffn];

/** New bytes for one immediate. */
function newImmediate(r: Rng, part: ImmPart, old: Uint8Array): number[] {
  switch (part) {
    case 'byte': return [r.below(3) === 0 ? r.below(256) : r.pick(VALTYPE_BYTES)];
    case 'f32': {
      const bits = r.below(3) === 0 ? r.u32() : r.pick(INTERESTING_F32);
      return [bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, bits >>> 24];
    }
    case 'f64': {
      const bits = r.below(3) === 0 ? r.u64() : r.pick(INTERESTING_F64);
      return Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt(8 * i)) & 0xffn));
    }
    case 'blocktype':
      return r.below(2) === 0 ? [r.pick([0x40, ...VALTYPE_BYTES])] : leb(BigInt(r.below(8)), true);
    default: {
      const signed = part !== 'u';
      const current = readLeb(old, 0, signed)?.value ?? 0n;
      let v: bigint;
      switch (r.below(5)) {
        case 0: v = current + 1n; break;
        case 1: v = current - 1n; break;
        case 2: v = BigInt(r.below(16)); break;
        default: v = r.pick(signed ? INTERESTING_S : INTERESTING_U);
      }
      if (!signed) v = BigInt.asUintN(32, v);
      else v = part === 's32' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
      // Now and then the same value in a longer (still valid, or overlong) encoding.
      const width = r.below(8) === 0 ? 1 + r.below(part === 's64' ? 11 : 6) : 1;
      return leb(v, signed, width);
    }
  }
}

/** True when a function body of the module uses one of the named ops (as far as its code decodes). */
export function usesOps(b: Uint8Array, names: ReadonlySet<string>): boolean {
  const code = parseSections(b)?.find((s) => s.id === 10);
  const bodies = code === undefined ? null : parseBodies(code.body);
  for (const body of bodies ?? []) {
    const start = codeStart(body);
    if (start !== null && instructions(body, start).some((x) => names.has(x.row.name))) return true;
  }
  return false;
}

/** A random instruction: an opcode row and immediates of plausible size. */
function randomInstruction(r: Rng): number[] {
  const rows = OPCODES.filter((x) => !NAN_EXPOSING.has(x.name));
  const plain = rows.filter((x) => x.shape !== 'special' || x.imm === 'none' || x.imm === 'local' || x.imm === 'global');
  const row = r.below(3) === 0 ? r.pick(rows) : r.pick(plain);
  const out = opcodeBytes(row);
  if (row.imm === 'br_table') {
    const n = r.below(4);
    out.push(...leb(BigInt(n)));
    for (let i = 0; i <= n; i++) out.push(...leb(BigInt(r.below(3))));
  } else if (row.imm === 'select_t') {
    out.push(1, r.pick(VALTYPE_BYTES));
  } else {
    for (const part of PARTS[row.imm]) {
      if (part === 'u') out.push(...leb(BigInt(r.below(4))));
      else if (part === 'blocktype') out.push(r.pick([0x40, 0x40, 0x7f, 0x7e, 0x7d, 0x7c]));
      else out.push(...newImmediate(r, part, new Uint8Array([0])));
    }
  }
  return out;
}


/** Simple ops (typed by their signature) by signature, and constants by type. */
const SIMPLE = OPCODES.filter((row) => (row.shape === 'unary' || row.shape === 'binary') && !NAN_EXPOSING.has(row.name));
const CONST_OF: Record<string, OpRow> = Object.fromEntries(
  OPCODES.filter((row) => row.shape === 'const').map((row) => [row.sig.slice(-3), row]));

/** A constant of type t with an interesting value. */
function constant(r: Rng, t: string): number[] {
  const row = CONST_OF[t]!;
  return [...opcodeBytes(row), ...newImmediate(r, PARTS[row.imm as 'i32'][0]!, new Uint8Array([0]))];
}

/** A random expression of simple ops over constants, of result type t (depth-bounded), as code. */
function expression(r: Rng, t: string, depth: number): number[] {
  const ops = depth > 0 && r.below(4) !== 0 ? SIMPLE.filter((row) => row.sig.endsWith(`-> ${t}`)) : [];
  if (ops.length === 0) return constant(r, t);
  const row = r.pick(ops);
  const params = row.sig.split('->')[0]!.trim().split(/\s+/);
  return [...params.flatMap((p) => expression(r, p, depth - 1)), ...opcodeBytes(row)];
}

/**
 * Code to put right after an instruction whose result has type t, leaving a value of type t: a unary op
 * T -> T, a binary op with a constant, or a conversion there and back. The computation changes; the
 * function stays valid.
 */
function perturbation(r: Rng, t: string): number[] {
  switch (r.below(3)) {
    case 0: {
      const ops = SIMPLE.filter((row) => row.sig === `${t} -> ${t}`);
      if (ops.length > 0) return opcodeBytes(r.pick(ops));
      break;
    }
    case 1: {
      const there = SIMPLE.filter((row) => row.shape === 'unary' && row.sig.startsWith(`${t} ->`) && !row.sig.endsWith(t));
      const row = there.length > 0 ? r.pick(there) : undefined;
      const u = row?.sig.slice(-3);
      const back = SIMPLE.filter((x) => x.shape === 'unary' && x.sig === `${u} -> ${t}`);
      if (row && back.length > 0) return [...opcodeBytes(row), ...opcodeBytes(r.pick(back))];
      break;
    }
    default: break;
  }
  const ops = SIMPLE.filter((row) => row.sig === `${t} ${t} -> ${t}`);
  if (ops.length === 0) return [];
  return [...expression(r, t, 2), ...opcodeBytes(r.pick(ops))];
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type StructuralKind =
  | 'substitute' | 'immediate' | 'delete-instr' | 'duplicate-instr' | 'swap-instr' | 'insert-instr' | 'wrap-block'
  | 'insert-expr' | 'perturb'
  | 'drop-section' | 'duplicate-section' | 'swap-sections' | 'move-section' | 'splice-section' | 'section-count'
  | 'leb' | 'bytes';

/** One mutation of a function body (instructions and immediates); null when there is nothing to edit. */
function mutateBody(r: Rng, body: Uint8Array): [Uint8Array, StructuralKind] | null {
  const start = codeStart(body);
  if (start === null) return null;
  const list = instructions(body, start);
  if (list.length === 0) return null;
  const i = r.below(list.length);
  const ins = list[i]!;
  const kind = r.pick<StructuralKind>(['substitute', 'substitute', 'immediate', 'immediate', 'delete-instr', 'duplicate-instr',
    'swap-instr', 'insert-instr', 'wrap-block', 'insert-expr', 'insert-expr', 'perturb', 'perturb', 'perturb']);
  const before = body.subarray(0, ins.at);
  const self = body.subarray(ins.at, ins.end);
  const after = body.subarray(ins.end);
  switch (kind) {
    case 'substitute': {
      // Mostly an op of the same signature (the mutant likely stays valid), else any op with the same immediates.
      const same = ins.row.sig !== '' && r.below(3) !== 0 ? BY_SIG.get(ins.row.sig)! : BY_IMM.get(ins.row.imm)!;
      const row = r.pick(same);
      return [concat(before, opcodeBytes(row), body.subarray(ins.codeEnd, ins.end), after), kind];
    }
    case 'immediate': {
      if (ins.imms.length === 0) return null;
      const imm = r.pick(ins.imms);
      const bytes = newImmediate(r, imm.part, body.subarray(imm.at, imm.end));
      return [concat(body.subarray(0, imm.at), bytes, body.subarray(imm.end)), kind];
    }
    case 'delete-instr': return [concat(before, after), kind];
    case 'duplicate-instr': return [concat(before, self, self, after), kind];
    case 'swap-instr': {
      const next = list[i + 1];
      if (next === undefined) return null;
      return [concat(before, body.subarray(next.at, next.end), self, body.subarray(next.end)), kind];
    }
    case 'insert-instr': return [concat(before, randomInstruction(r), self, after), kind];
    case 'insert-expr': {
      // An expression of simple ops over constants, dropped: valid wherever an instruction may go.
      const t = r.pick(['i32', 'i64', 'f32', 'f64']);
      return [concat(before, expression(r, t, 1 + r.below(4)), [0x1a], self, after), kind];
    }
    case 'perturb': {
      // After an instruction of known result type (a simple op or a load), more computation of that type.
      const typed = list.filter((x) => x.row.sig !== '' && !x.row.sig.endsWith('->'));
      if (typed.length === 0) return null;
      const x = r.pick(typed);
      const code = perturbation(r, x.row.sig.slice(-3));
      return [concat(body.subarray(0, x.end), code, body.subarray(x.end)), kind];
    }
    case 'wrap-block': {
      // block/loop ... end around a run of instructions: balanced, often still valid.
      const last = list[Math.min(list.length - 1, i + r.below(4))]!;
      const open = [r.pick([0x02, 0x03]), r.pick([0x40, 0x40, 0x7f])];
      return [concat(before, open, body.subarray(ins.at, last.end), [0x0b], body.subarray(last.end)), kind];
    }
    default: return null;
  }
}

/**
 * One structural mutation of `b`: section-level edits (drop, duplicate, swap, move, replace with the same
 * section of another module, count off by one), an LEB128 integer rewritten, or an instruction-level edit of
 * a function body. Falls back to a byte-level mutation when the module's framing is broken.
 */
export function mutateStructure(r: Rng, b: Uint8Array, donors: readonly Uint8Array[]): [Uint8Array, StructuralKind] {
  const secs = parseSections(b);
  if (secs === null || secs.length === 0) return [mutateOnce(r, b), 'bytes'];
  const which = r.below(20);
  if (which < 13) {
    const code = secs.findIndex((s) => s.id === 10);
    const bodies = code < 0 ? null : parseBodies(secs[code]!.body);
    if (bodies !== null && bodies.length > 0) {
      for (let attempt = 0; attempt < 4; attempt++) {
        const k = r.below(bodies.length);
        const m = mutateBody(r, bodies[k]!);
        if (m === null) continue;
        const next = bodies.slice();
        next[k] = m[0];
        const out = secs.slice();
        out[code] = { id: 10, body: codeBody(next) };
        return [assemble(out, b), m[1]];
      }
    }
  }
  if (which < 17) {
    const kind = r.pick<StructuralKind>(['drop-section', 'duplicate-section', 'swap-sections', 'move-section',
      'splice-section', 'splice-section', 'section-count', 'section-count']);
    const out = secs.slice();
    const i = r.below(out.length);
    const j = r.below(out.length);
    switch (kind) {
      case 'drop-section': out.splice(i, 1); break;
      case 'duplicate-section': out.splice(j, 0, out[i]!); break;
      case 'swap-sections': [out[i], out[j]] = [out[j]!, out[i]!]; break;
      case 'move-section': out.splice(j, 0, ...out.splice(i, 1)); break;
      case 'splice-section': {
        // The same section of another module (or, if it has none, any of its sections, inserted).
        const donor = parseSections(r.pick(donors));
        if (donor === null || donor.length === 0) break;
        const same = donor.filter((s) => s.id === out[i]!.id);
        if (same.length > 0) out[i] = r.pick(same);
        else out.splice(i, 0, r.pick(donor));
        break;
      }
      case 'section-count': {
        const s = out[i]!;
        const n = readLeb(s.body, 0);
        if (n === null || s.id === 0) break;
        const v = r.below(2) === 0 ? n.value + 1n : n.value - 1n;
        out[i] = { id: s.id, body: concat(leb(BigInt.asUintN(32, v)), s.body.subarray(n.end)) };
        break;
      }
      default: break;
    }
    return [assemble(out, b), kind];
  }
  // An LEB128 integer somewhere in a section body, rewritten (value edited or encoding lengthened).
  const s = r.below(secs.length);
  const body = secs[s]!.body;
  if (body.length === 0) return [mutateOnce(r, b), 'bytes'];
  const p = r.below(body.length);
  const old = readLeb(body, p);
  if (old === null) return [mutateOnce(r, b), 'bytes'];
  const bytes = newImmediate(r, 'u', body.subarray(p, old.end));
  const out = secs.slice();
  out[s] = { id: secs[s]!.id, body: concat(body.subarray(0, p), bytes, body.subarray(old.end)) };
  return [assemble(out, b), 'leb'];
}
