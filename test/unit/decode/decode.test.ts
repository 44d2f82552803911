// decodeModule: the decoded structure of every section, all element and data encodings, the name section,
// and malformed inputs (asserting error code and absolute offset).

import { describe, it, expect } from 'vitest';
import wabtInit from 'wabt';
import { decodeModule } from '../../../compiler/decode/decode.js';
import type { ConstExpr, Module } from '../../../compiler/ir/module.js';
import {
  EMPTY_CODE, ONE_FUNC, TYPE_VOID, body, compileError, section, str, u32, vec, wasm,
} from './helpers.js';

const wabt = await wabtInit();
function fromWat(src: string, debugNames = false): Uint8Array {
  const mod = wabt.parseWat('test.wat', src, {});
  try {
    mod.resolveNames();
    return mod.toBinary({ write_debug_names: debugNames }).buffer;
  } finally {
    mod.destroy();
  }
}
const exprBytes = (m: Module, e: ConstExpr | undefined): number[] => (e ? [...m.bytes.subarray(e.start, e.end)] : []);
const err = (bytes: Uint8Array): [string, number] => {
  const e = compileError(() => decodeModule(bytes));
  return [e.code, e.offset];
};

describe('decodeModule: structure', () => {
  it('decodes the empty module', () => {
    const m = decodeModule(wasm());
    expect(m.types).toEqual([]);
    expect(m.start).toBe(-1);
    expect(m.dataCount).toBe(-1);
    expect(m.names.funcs.size).toBe(0);
  });

  it('decodes every section of a module built from text', () => {
    const m = decodeModule(fromWat(`(module
      (type (func (param i32 i64) (result f32)))
      (import "env" "f" (func (type 0)))
      (import "env" "t" (table 1 2 externref))
      (import "env" "m" (memory 1))
      (import "env" "g" (global (mut f64)))
      (func $a (type 0) (local i32 i32 f64) f32.const 1)
      (func $b)
      (table 3 funcref)
      (memory 2 5)
      (global (mut i32) (i32.const 42))
      (global i64 (i64.const -1))
      (export "a" (func $a))
      (export "mem" (memory 0))
      (start $b)
      (elem (i32.const 0) $a $b)
      (data (i32.const 16) "xyz")
      (data "pass"))`));
    expect(m.types).toEqual([{ params: ['i32', 'i64'], results: ['f32'] }, { params: [], results: [] }]);
    expect(m.imports.map((i) => [i.module, i.name, i.desc])).toEqual([
      ['env', 'f', { kind: 'func', type: 0 }],
      ['env', 't', { kind: 'table', type: { elem: 'externref', limits: { min: 1, max: 2 } } }],
      ['env', 'm', { kind: 'memory', type: { limits: { min: 1 } } }],
      ['env', 'g', { kind: 'global', type: { type: 'f64', mutable: true } }],
    ]);
    expect([m.numImportedFuncs, m.numImportedTables, m.numImportedMemories, m.numImportedGlobals]).toEqual([1, 1, 1, 1]);
    expect(m.funcs).toEqual([0, 1]);
    expect(m.tables).toEqual([{ elem: 'funcref', limits: { min: 3 } }]);
    expect(m.memories).toEqual([{ limits: { min: 2, max: 5 } }]);
    expect(m.globals.map((g) => g.type)).toEqual([{ type: 'i32', mutable: true }, { type: 'i64', mutable: false }]);
    expect(exprBytes(m, m.globals[0].init)).toEqual([0x41, 42, 0x0b]);
    expect(exprBytes(m, m.globals[1].init)).toEqual([0x42, 0x7f, 0x0b]);
    expect(m.exports.map((e) => [e.name, e.kind, e.index])).toEqual([['a', 'func', 1], ['mem', 'memory', 0]]);
    expect(m.start).toBe(2);
    expect(m.elems).toHaveLength(1);
    expect(m.elems[0].items).toMatchObject({ kind: 'funcs', funcs: [1, 2] });
    expect(m.datas.map((d) => [d.mode, new TextDecoder().decode(d.bytes)])).toEqual([['active', 'xyz'], ['passive', 'pass']]);
    expect(exprBytes(m, m.datas[0].offset)).toEqual([0x41, 16, 0x0b]);
    expect(m.codes[0].locals).toEqual([{ count: 2, type: 'i32' }, { count: 1, type: 'f64' }]);
    expect(m.codes[0].localCount).toBe(3);
    // The body range starts at the first instruction and ends just past the final `end`.
    expect([...m.bytes.subarray(m.codes[0].start, m.codes[0].end)]).toEqual([0x43, 0, 0, 0x80, 0x3f, 0x0b]);
    expect(m.bytes[m.codes[0].at]).toBe(m.codes[0].end - m.codes[0].at - 1); // size byte
  });

  it('decodes all eight element segment encodings', () => {
    const refFunc0 = [0xd2, 0x00, 0x0b];
    const offset0 = [0x41, 0x00, 0x0b];
    const segs = [
      [0x00, ...offset0, ...vec([[0x00]])],
      [0x01, 0x00, ...vec([[0x00]])],
      [0x02, 0x01, ...offset0, 0x00, ...vec([[0x00], [0x00]])],
      [0x03, 0x00, ...vec([[0x00]])],
      [0x04, ...offset0, ...vec([refFunc0])],
      [0x05, 0x6f, ...vec([[0xd0, 0x6f, 0x0b]])],
      [0x06, 0x01, ...offset0, 0x70, ...vec([refFunc0, [0xd0, 0x70, 0x0b]])],
      [0x07, 0x70, ...vec([refFunc0])],
    ];
    const m = decodeModule(wasm(
      TYPE_VOID, ONE_FUNC,
      section(4, vec([[0x70, 0x00, 0x01], [0x70, 0x00, 0x01]])),
      section(9, vec(segs)),
      EMPTY_CODE,
    ));
    expect(m.elems.map((e) => [e.mode, e.table, e.type, e.items.kind])).toEqual([
      ['active', 0, 'funcref', 'funcs'],
      ['passive', 0, 'funcref', 'funcs'],
      ['active', 1, 'funcref', 'funcs'],
      ['declarative', 0, 'funcref', 'funcs'],
      ['active', 0, 'funcref', 'exprs'],
      ['passive', 0, 'externref', 'exprs'],
      ['active', 1, 'funcref', 'exprs'],
      ['declarative', 0, 'funcref', 'exprs'],
    ]);
    for (const i of [0, 2, 4, 6]) expect(exprBytes(m, m.elems[i].offset)).toEqual(offset0);
    for (const i of [1, 3, 5, 7]) expect(m.elems[i].offset).toBeUndefined();
    const e2 = m.elems[2].items;
    expect(e2.kind === 'funcs' && e2.funcs).toEqual([0, 0]);
    expect(e2.kind === 'funcs' && e2.at.map((a) => m.bytes[a])).toEqual([0, 0]);
    const e6 = m.elems[6].items;
    expect(e6.kind === 'exprs' && e6.exprs.map((x) => exprBytes(m, x))).toEqual([refFunc0, [0xd0, 0x70, 0x0b]]);
  });

  it('accepts non-minimal segment flags and indices', () => {
    const m = decodeModule(wasm(
      section(5, vec([[0x00, 0x00]])),
      section(11, vec([[0x82, 0x00, 0x80, 0x00, 0x41, 0x00, 0x0b, 0x00]])),
    ));
    expect(m.datas[0]).toMatchObject({ mode: 'active', memory: 0 });
  });

  it('decodes the three data segment encodings and the data count', () => {
    const m = decodeModule(wasm(
      section(5, vec([[0x00, 0x01]])),
      section(12, u32(3)),
      section(11, vec([
        [0x00, 0x41, 0x08, 0x0b, ...str('ab')],
        [0x01, ...str('')],
        [0x02, 0x00, 0x41, 0x10, 0x0b, ...str('c')],
      ])),
    ));
    expect(m.dataCount).toBe(3);
    expect(m.datas.map((d) => [d.mode, d.memory, [...d.bytes]])).toEqual([
      ['active', 0, [0x61, 0x62]], ['passive', 0, []], ['active', 0, [0x63]],
    ]);
  });

  it('finds the end of nested constant expressions without judging them', () => {
    // block (result i32) i32.const 1 end end: not constant, but well formed; the validator rejects it.
    const init = [0x02, 0x7f, 0x41, 0x01, 0x0b, 0x0b];
    const m = decodeModule(wasm(section(6, vec([[0x7f, 0x00, ...init]]))));
    expect(exprBytes(m, m.globals[0].init)).toEqual(init);
  });

  it('does not recurse on deeply nested constant expressions', () => {
    const depth = 200_000;
    const init = [...new Array<number[]>(depth).fill([0x02, 0x40]).flat(), ...new Array<number>(depth + 1).fill(0x0b)];
    const m = decodeModule(wasm(section(6, vec([[0x7f, 0x00, ...init]]))));
    expect(m.globals[0].init.end - m.globals[0].init.start).toBe(init.length);
  });

  it('records custom sections anywhere, with their payload', () => {
    const m = decodeModule(wasm(
      section(0, [...str('first'), 1, 2, 3]),
      TYPE_VOID,
      section(0, str('empty')),
    ));
    expect(m.customs.map((c) => [c.name, [...c.bytes], c.at])).toEqual([['first', [1, 2, 3], 8], ['empty', [], 25]]);
  });
});

describe('decodeModule: name section', () => {
  const nameSection = (...subs: number[][]): number[] => section(0, [...str('name'), ...subs.flat()]);
  const sub = (id: number, content: number[]): number[] => [id, ...u32(content.length), ...content];
  const twoFuncs = [TYPE_VOID, section(3, vec([[0x00], [0x00]])), section(10, vec([body([[2, 0x7f]], [0x0b]), body([], [0x0b])]))];

  it('parses module, function and local names', () => {
    const m = decodeModule(wasm(...twoFuncs, nameSection(
      sub(0, str('mod')),
      sub(1, vec([[0, ...str('first')], [1, ...str('second')]])),
      sub(2, vec([[0, ...vec([[0, ...str('x')], [1, ...str('y')]])]])),
      sub(7, vec([[0, ...str('g')]])), // global names: skipped
    )));
    expect(m.names.module).toBe('mod');
    expect([...m.names.funcs]).toEqual([[0, 'first'], [1, 'second']]);
    expect([...m.names.locals.get(0)!]).toEqual([[0, 'x'], [1, 'y']]);
  });

  it('reads names written by wabt', () => {
    const m = decodeModule(fromWat('(module $M (func $f (param $p i32) (local $l i64)))', true));
    expect(m.names.module).toBe('M');
    expect(m.names.funcs.get(0)).toBe('f');
    expect([...m.names.locals.get(0)!]).toEqual([[0, 'p'], [1, 'l']]);
  });

  it('ignores a malformed name section instead of failing the module', () => {
    for (const bad of [
      nameSection(sub(1, [0x05, 0x00])), // count promises more than there is
      nameSection(sub(1, vec([[0, 2, 0xc0, 0x80]]))), // malformed UTF-8
      nameSection(sub(1, vec([[0, ...str('a')]])), sub(0, str('late'))), // subsections out of order
      nameSection([0x01, 0x09]), // subsection size past the end
    ]) {
      const m = decodeModule(wasm(...twoFuncs, bad));
      expect(m.names.funcs.size).toBe(0);
      expect(m.names.module).toBeUndefined();
      expect(m.customs.map((c) => c.name)).toEqual(['name']);
    }
  });
});

describe('decodeModule: malformed input (code, offset)', () => {
  const cases: [string, Uint8Array, string, number][] = [
    ['empty input', new Uint8Array(0), 'unexpected-end', 0],
    ['truncated magic', new Uint8Array([0x00, 0x61]), 'unexpected-end', 2],
    ['bad magic', new Uint8Array([0x00, 0x41, 0x53, 0x4d, 1, 0, 0, 0]), 'magic-header', 0],
    ['truncated version', new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1]), 'unexpected-end', 5],
    ['bad version', new Uint8Array([0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), 'unknown-version', 4],
    ['section id 13', wasm([0x0d, 0x00]), 'malformed-section-id', 8],
    ['missing section size', wasm([0x01]), 'unexpected-end', 9],
    ['section size past the end', wasm([0x01, 0x05, 0x00]), 'length-out-of-bounds', 9],
    ['content shorter than the size', wasm([0x01, 0x02, 0x00, 0x00]), 'section-size-mismatch', 10],
    ['content longer than the size', wasm([0x06, 0x05, 0x01, 0x7f, 0x00, 0x41, 0x00, 0x0b]), 'section-size-mismatch', 10],
    ['count past the content', wasm(section(1, [0x01])), 'unexpected-end', 11],
    ['duplicate section', wasm(TYPE_VOID, TYPE_VOID), 'section-order', 14],
    ['out-of-order section', wasm(ONE_FUNC, TYPE_VOID), 'section-order', 12],
    ['data count after data', wasm(section(11, vec([])), section(12, [0])), 'section-order', 11],
    ['overlong u32', wasm(section(5, [0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00])), 'int-repr-too-long', 17],
    ['u32 too large', wasm(section(5, [0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70])), 'int-too-large', 16],
    ['limits flag 2', wasm(section(5, [0x01, 0x02, 0x00])), 'int-too-large', 11],
    ['limits flag as LEB128', wasm(section(4, [0x01, 0x70, 0x81, 0x00, 0x00])), 'int-repr-too-long', 13],
    ['function type form', wasm(section(1, vec([[0x61, 0x00, 0x00]]))), 'malformed-functype', 11],
    ['function type form as LEB128', wasm(section(1, vec([[0xe0, 0x7f, 0x00, 0x00]]))), 'int-repr-too-long', 12],
    ['value type', wasm(section(1, vec([[0x60, 0x01, 0x40, 0x00]]))), 'malformed-valtype', 13],
    ['import kind', wasm(section(2, vec([[...str('a'), ...str('b'), 0x04]]))), 'malformed-import-kind', 15],
    ['import name UTF-8', wasm(section(2, vec([[...str('a'), 0x01, 0xff, 0x00, 0x00]]))), 'malformed-utf8', 13],
    ['import name length', wasm(section(2, vec([[...str('a'), 0x09, 0x62]]))), 'length-out-of-bounds', 13],
    ['export kind', wasm(section(7, vec([[...str('e'), 0x04, 0x00]]))), 'malformed-export-kind', 13],
    ['mutability', wasm(section(6, vec([[0x7f, 0x02, 0x41, 0x00, 0x0b]]))), 'malformed-mutability', 12],
    ['table element type', wasm(section(4, vec([[0x7f, 0x00, 0x00]]))), 'malformed-reftype', 11],
    ['illegal opcode in constant', wasm(section(6, vec([[0x7f, 0x00, 0x06, 0x0b]]))), 'illegal-opcode', 13],
    ['else ends a constant', wasm(section(6, vec([[0x7f, 0x00, 0x05, 0x0b]]))), 'end-expected', 13],
    ['unterminated constant', wasm(section(6, vec([[0x7f, 0x00, 0x41, 0x00]]))), 'unexpected-end', 15],
    ['element flags 8', wasm(section(9, vec([[0x08]]))), 'malformed-elem-flags', 11],
    ['element kind', wasm(section(9, vec([[0x01, 0x01, 0x00]]))), 'malformed-elem-kind', 12],
    ['element reftype', wasm(section(9, vec([[0x05, 0x7f, 0x00]]))), 'malformed-reftype', 12],
    ['data flags 3', wasm(section(11, vec([[0x03]]))), 'malformed-data-flags', 11],
    ['data bytes past the end', wasm(section(11, vec([[0x01, 0x05, 0x61]]))), 'length-out-of-bounds', 12],
    ['too many locals', wasm(TYPE_VOID, ONE_FUNC, section(10, vec([body([[0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f], [0x02, 0x7e]], [0x0b])]))), 'too-many-locals', 22],
    ['local count too large', wasm(TYPE_VOID, ONE_FUNC, section(10, vec([body([[0x80, 0x80, 0x80, 0x80, 0x10, 0x7f]], [0x0b])]))), 'int-too-large', 27],
    ['locals past the body', wasm(TYPE_VOID, ONE_FUNC, section(10, [0x01, 0x02, 0x01, 0x01, 0x7f])), 'unexpected-end', 24],
    ['body size past the end', wasm(TYPE_VOID, ONE_FUNC, section(10, [0x01, 0x05, 0x00, 0x0b])), 'length-out-of-bounds', 21],
    ['functions without code', wasm(TYPE_VOID, section(3, vec([[0x00], [0x00]]))), 'func-code-mismatch', 16],
    ['code without functions', wasm(section(10, vec([body([], [0x0b])]))), 'func-code-mismatch', 10],
    ['data count mismatch', wasm(section(12, [0x02]), section(11, vec([[0x01, 0x00]]))), 'data-count-mismatch', 16],
    ['body without end between bodies', wasm(TYPE_VOID, section(3, vec([[0x00], [0x00]])), section(10, vec([body([], [0x01]), body([], [0x0b])]))), 'end-expected', 25],
    ['last body without end', wasm(TYPE_VOID, ONE_FUNC, section(10, vec([body([], [0x01])]))), 'unexpected-end', 24],
  ];
  for (const [what, bytes, code, offset] of cases) {
    it(what, () => {
      expect(err(bytes)).toEqual([code, offset]);
    });
  }

  it('puts the offset in the message as the JS API shows it', () => {
    expect(compileError(() => decodeModule(wasm([0x0d]))).message).toBe('malformed section id (at offset 0x8)');
  });
});
