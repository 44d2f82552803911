// The readers behind source maps, on their own: the DWARF line-table reader (compiler/debug/dwarf.ts) on a
// hand-assembled line program, on the -g builds of test/maps/c/ and on damaged copies of them (it must never
// throw); input source maps (compiler/debug/source-map.ts); the WAT listing's instruction positions.

import { describe, expect, it } from 'vitest';
import { decodeModule } from '../../compiler/decode/decode.js';
import { lineAt, readLineTable, type LineTable } from '../../compiler/debug/dwarf.js';
import { InputMapError, inputPosition, parseInputMap, sourceMappingURL } from '../../compiler/debug/source-map.js';
import { disassemble, disassembleWithPositions, watPosition } from '../../compiler/disasm/wat.js';
import { MapWriter } from '../../compiler/emit/map-writer.js';
import { SourceMapConsumer } from 'source-map';
import { DIVISION_LINE, divWasm, divideDwarf5Wasm, divideWasm, type MapJSON } from './harness.js';

const enc = new TextEncoder();
const cstr = (s: string): number[] => [...enc.encode(s), 0];
const u16 = (n: number): number[] => [n & 255, n >> 8];
const u32 = (n: number): number[] => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24];

/** A DWARF 4 line-table unit around `program` (line_base -5, line_range 14, opcode_base 13). */
function unitV4(program: number[], files = ['a.c', 'b.c']): Uint8Array {
  const header = [
    1, 1, 1, 0xfb, 14, 13, // min_inst_length, max_ops, default_is_stmt, line_base, line_range, opcode_base
    0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, // standard_opcode_lengths
    ...cstr('src'), 0, // include_directories
    ...files.flatMap((f, i) => [...cstr(f), i === 1 ? 1 : 0, 0, 0]), 0, // file_names
  ];
  const body = [...u16(4), ...u32(header.length), ...header, ...program];
  return new Uint8Array([...u32(body.length), ...body]);
}

const setAddress = (a: number): number[] => [0, 5, 2, ...u32(a)];
const endSequence = [0, 1, 1];

/** Every range of a table as [start, end, file, line, column]. */
const rows = (t: LineTable): [number, number, string, number, number][] => t.ranges.map((r) => [r.start, r.end, r.file, r.line, r.column]);

const section = (bytes: Uint8Array, name: string): Uint8Array => decodeModule(bytes).customs.find((c) => c.name === name)!.bytes;

describe('the DWARF line-table reader', () => {
  it('runs a line program: special opcodes, advances, files, columns, sequences', () => {
    const program = [
      ...setAddress(0x10),
      5, 7, // set_column 7
      13 + 5 + 14 * 0, // special: line += 0, address += 0 -> row (0x10, line 1)
      3, 9, // advance_line 9 -> line 10
      13 + 5 + 14 * 2 + 1, // special: address += 2, line += 1 -> row (0x12, line 11)
      4, 2, // set_file 2
      8, // const_add_pc: address += (255 - 13) / 14 = 17 -> 0x23
      3, 0x7d, // advance_line -3 -> line 8
      1, // copy -> row (0x23, line 8, file 2)
      9, ...u16(0x10), // fixed_advance_pc 0x10 -> 0x33
      5, 0, // column 0
      1, // copy -> row (0x33, line 8, column 0)
      2, 4, // advance_pc 4 -> 0x37
      ...endSequence,
      // A second sequence whose rows lie past the code (a tombstone address): dropped.
      ...setAddress(0xffffffff), 1, 2, 1, ...endSequence,
    ];
    const t = readLineTable(unitV4(program), 0x100);
    expect(t.error).toBeUndefined();
    expect(rows(t)).toEqual([
      [0x10, 0x12, 'a.c', 1, 7],
      [0x12, 0x23, 'a.c', 11, 7],
      [0x23, 0x33, 'src/b.c', 8, 7],
      [0x33, 0x37, 'src/b.c', 8, 0],
    ]);
    expect(lineAt(t, 0x11)?.line).toBe(1);
    expect(lineAt(t, 0x36)?.line).toBe(8);
    expect(lineAt(t, 0x37)).toBeUndefined();
    expect(lineAt(t, 0x0f)).toBeUndefined();
  });

  it('reads the DWARF 4 (wasi-libc included) and DWARF 5 tables of the -g builds', () => {
    for (const bytes of [divideWasm(), divideDwarf5Wasm()]) {
      const t = readLineTable(section(bytes, '.debug_line'), 1 << 20, {
        debugStr: decodeModule(bytes).customs.find((c) => c.name === '.debug_str')?.bytes,
        debugLineStr: decodeModule(bytes).customs.find((c) => c.name === '.debug_line_str')?.bytes,
      });
      expect(t.error).toBeUndefined();
      const c = t.ranges.filter((r) => r.file === 'divide.c');
      expect(c.some((r) => r.line === DIVISION_LINE && r.column === 17)).toBe(true);
      for (let i = 1; i < t.ranges.length; i++) expect(t.ranges[i]!.start).toBeGreaterThanOrEqual(t.ranges[i - 1]!.end);
    }
  });

  it('never throws on truncated or damaged tables, keeping the units before the damage', () => {
    const full = section(divideWasm(), '.debug_line');
    const whole = readLineTable(full, 1 << 20).ranges.length;
    for (let n = 0; n < full.length; n += 7) {
      const t = readLineTable(full.subarray(0, n), 1 << 20);
      expect(t.ranges.length).toBeLessThanOrEqual(whole);
      if (n > 0 && n < full.length) expect(t.error?.name).toBe('DwarfError');
    }
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (let k = 0; k < 300; k++) {
      const copy = full.slice();
      for (let flips = 1 + (next() % 8); flips > 0; flips--) copy[next() % copy.length] = next() & 255;
      expect(() => readLineTable(copy, 1 << 20)).not.toThrow();
    }
    expect(readLineTable(new Uint8Array([0xf0, 0xff, 0xff, 0xff]), 10).error?.message).toMatch(/^reserved unit length/);
    const v9 = unitV4([]);
    v9.set(u16(9), 4);
    expect(readLineTable(v9, 10).error?.message).toMatch(/^unsupported DWARF version 9/);
  });
});

describe('the source map writer', () => {
  it('writes what the source-map package reads back: sources, names, unmapped segments, contents', async () => {
    let seed = 7;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    const w = new MapWriter('out.js');
    w.setSourceContent('b.wat', '(module)');
    const expected: string[] = [];
    let line = 1, column = 0;
    for (let i = 0; i < 500; i++) {
      if (next(4) === 0) { line += 1 + next(3); column = 0; }
      column += 1 + next(200);
      const kind = next(5);
      if (kind === 0) {
        w.add(line, column);
        expected.push(`${line}:${column} -`);
      } else {
        const source = ['a.c', 'b.wat', 'c.c'][next(3)]!;
        const origLine = 1 + next(100000), origColumn = next(300);
        const name = kind === 1 ? `fn${next(4)}` : undefined;
        w.add(line, column, source, origLine, origColumn, name);
        expected.push(`${line}:${column} ${source}:${origLine}:${origColumn}${name === undefined ? '' : ` ${name}`}`);
      }
    }
    const json = JSON.parse(w.toString()) as { file: string; sources: string[]; sourcesContent: (string | null)[] };
    expect(json.file).toBe('out.js');
    expect(json.sourcesContent[json.sources.indexOf('b.wat')]).toBe('(module)');
    const consumer = await new SourceMapConsumer(json as unknown as MapJSON);
    const read: string[] = [];
    try {
      consumer.eachMapping((m) => {
        read.push(`${m.generatedLine}:${m.generatedColumn} ${m.source === null ? '-' : `${m.source}:${m.originalLine}:${m.originalColumn}${m.name ? ` ${m.name}` : ''}`}`);
      });
    } finally {
      consumer.destroy();
    }
    expect(read).toEqual(expected);
  });
});

describe('input source maps', () => {
  it('give the original position of a byte offset (the last segment at or before it)', () => {
    // Segments at offsets 10 (a.c 1:0), 20 (b.c 5:2), 30 (unmapped).
    const map = parseInputMap(JSON.stringify({ version: 3, sources: ['a.c', 'b.c'], sourceRoot: 'src', names: [], mappings: 'UAAA,UCIE,U' }));
    expect(inputPosition(map, 9)).toBeUndefined();
    expect(inputPosition(map, 10)).toEqual({ source: 'src/a.c', line: 1, column: 0 });
    expect(inputPosition(map, 25)).toEqual({ source: 'src/b.c', line: 5, column: 2 });
    expect(inputPosition(map, 30)).toBeUndefined();
  });

  it('refuse what is not a usable map, with a reason', () => {
    const bad = (text: string): string => {
      try {
        parseInputMap(text);
      } catch (e) {
        expect(e).toBeInstanceOf(InputMapError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('nope')).toMatch(/^not JSON/);
    expect(bad('[]')).toBe('not a source map object');
    expect(bad('{"version": 2, "sources": [], "mappings": ""}')).toBe('unsupported source map version 2');
    expect(bad('{"version": 3, "sections": []}')).toMatch(/^indexed source maps/);
    expect(bad('{"version": 3, "sources": [1], "mappings": ""}')).toBe("'sources' must be a list of strings");
    expect(bad('{"version": 3, "sources": ["a"], "mappings": "AC"}')).toBe("a segment of 2 fields in 'mappings'");
    expect(bad('{"version": 3, "sources": ["a"], "mappings": "ACAA"}')).toBe("a segment out of range in 'mappings'");
    expect(bad('{"version": 3, "sources": ["a"], "mappings": "A!"}')).toMatch(/^bad character in 'mappings'/);
    expect(bad('{"version": 3, "sources": ["a"], "mappings": "gggggggggA"}')).toMatch(/^number too large/);
  });

  it('are found through a sourceMappingURL section', () => {
    const section = (payload: number[]): { name: string; bytes: Uint8Array }[] => [{ name: 'sourceMappingURL', bytes: new Uint8Array(payload) }];
    expect(sourceMappingURL(section([5, ...enc.encode('a.map')]))).toBe('a.map');
    expect(sourceMappingURL(section([6, ...enc.encode('a.map')]))).toBeUndefined();
    expect(sourceMappingURL(section([0x80]))).toBeUndefined();
    expect(sourceMappingURL([])).toBeUndefined();
  });
});

describe('the WAT listing', () => {
  it('knows the line and column of every instruction of a function body', () => {
    const bytes = divWasm();
    const m = decodeModule(bytes);
    const { text, positions } = disassembleWithPositions(m);
    expect(text).toBe(disassemble(m));
    const lines = text.split('\n');
    // Each recorded offset's line shows the instruction at that offset.
    const body = m.codes[0]!;
    expect(watPosition(positions, body.at)).toEqual({ line: 4, column: 2 });
    expect(lines[3]).toMatch(/^ {2}\(func \$div/);
    const div = bytes.indexOf(0x6d, body.start);
    const p = watPosition(positions, div)!;
    expect(lines[p.line - 1]!.slice(p.column)).toBe('i32.div_s');
    // The body's final `end` is the `)` closing the function.
    const q = watPosition(positions, body.end - 1)!;
    expect(lines[q.line - 1]).toBe('  )');
    expect(watPosition(positions, 0)).toBeUndefined();
    expect(watPosition(positions, bytes.length + 10)).toBeUndefined();
  });
});
