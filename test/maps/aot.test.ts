// Source maps of compiled-ahead output (src/aot.ts compileToModule, in this process): the generated position
// of a division maps to the division's line in the WAT listing written next to the output, to its byte offset
// with mapTo 'wasm', to its C line for a program built with -g (DWARF), and through an input source map.

import { SourceMapGenerator } from 'source-map';
import { describe, expect, it } from 'vitest';
import { compileToModule } from '../../src/aot.js';
import {
  DIVISION_LINE, corruptLineTable, divWasm, divideDwarf5Wasm, divideWasm, linesOf, originalOf, positionOf,
} from './harness.js';

/** The byte offset of `div`'s i32.div_s, found in the bytes: local.get 0, local.get 1, i32.div_s. */
function divOffset(bytes: Uint8Array): number {
  for (let i = 0; i + 4 < bytes.length; i++) {
    if (bytes[i] === 0x20 && bytes[i + 1] === 0 && bytes[i + 2] === 0x20 && bytes[i + 3] === 1 && bytes[i + 4] === 0x6d) return i + 4;
  }
  throw new Error('no division in the module');
}

/** Index of the function named `name` in a listing (`(func $name (;N;)`). */
function funcIndex(listing: string, name: string): number {
  const m = new RegExp(`\\(func \\$${name} \\(;(\\d+);\\)`).exec(listing);
  if (m === null) throw new Error(`no function ${name} in the listing`);
  return Number(m[1]);
}

describe('source maps of compiled-ahead output', () => {
  it('map the division to its line in the WAT listing, which they embed', async () => {
    const r = compileToModule(divWasm(), { filename: 'div.wasm', output: 'out.js' });
    expect(r.watName).toBe('out.wat');
    const map = JSON.parse(r.map!) as { sources: string[]; sourcesContent: string[]; file: string };
    expect(map.sources).toEqual(['out.wat']);
    expect(map.sourcesContent).toEqual([r.wat]);
    expect(r.wat).toContain('(func $div (;0;)');
    expect(r.wat).toContain('(local $q i32)');
    const [divLine] = linesOf(r.wat!, 'i32.div_s');
    const [setLine] = linesOf(r.wat!, 'local.set $q');
    expect(await originalOf(r.map!, positionOf(r.js, 'i32_div_s('))).toMatchObject({ source: 'out.wat', line: divLine });
    // The statement around it (the local.set) maps to its own line; the call in $outer to `call $div`.
    expect(await originalOf(r.map!, positionOf(r.js, 'l2=i32_div_s('))).toMatchObject({ source: 'out.wat', line: setLine });
    const [callLine] = linesOf(r.wat!, 'call $div');
    expect(await originalOf(r.map!, positionOf(r.js, 'f0(', r.js.indexOf('function f1(')))).toMatchObject({ line: callLine });
  });

  it("map to the .wasm's byte offsets with mapTo 'wasm' (and write no listing)", async () => {
    const bytes = divWasm();
    const r = compileToModule(bytes, { filename: 'div.wasm', output: 'out.js', mapTo: 'wasm' });
    expect(r.wat).toBeUndefined();
    expect(await originalOf(r.map!, positionOf(r.js, 'i32_div_s('))).toEqual({ source: 'div.wasm', line: 1, column: divOffset(bytes) });
  });

  it('map a C program built with -g to its C lines (DWARF 4 and DWARF 5)', async () => {
    for (const bytes of [divideWasm(), divideDwarf5Wasm()]) {
      const warnings: string[] = [];
      const r = compileToModule(bytes, { filename: 'divide.wasm', output: 'out.js', onWarning: (w) => warnings.push(w) });
      expect(warnings).toEqual([]);
      const map = JSON.parse(r.map!) as { sources: string[] };
      expect(map.sources).toContain('divide.c');
      const ratio = funcIndex(r.wat!, 'ratio');
      const at = positionOf(r.js, 'i32_div_s(', r.js.indexOf(`function f${ratio}(`));
      expect(await originalOf(r.map!, at)).toMatchObject({ source: 'divide.c', line: DIVISION_LINE });
      // The same position in a map to the listing: the i32.div_s of $ratio.
      const wat = compileToModule(bytes, { filename: 'divide.wasm', output: 'out.js', mapTo: 'wat' });
      const body = wat.wat!.slice(wat.wat!.indexOf('(func $ratio'));
      const divLine = wat.wat!.slice(0, wat.wat!.indexOf('(func $ratio')).split('\n').length - 1 + linesOf(body, 'i32.div_s')[0]!;
      expect(await originalOf(wat.map!, at)).toMatchObject({ source: 'out.wat', line: divLine });
    }
  });

  it('compose with an input source map', async () => {
    const bytes = divWasm();
    const input = new SourceMapGenerator({ file: 'div.wasm' });
    input.addMapping({ generated: { line: 1, column: divOffset(bytes) }, original: { line: 42, column: 3 }, source: 'div.src' });
    input.setSourceContent('div.src', 'the original text');
    const r = compileToModule(bytes, { filename: 'div.wasm', output: 'out.js', inputSourceMap: input.toString() });
    expect(await originalOf(r.map!, positionOf(r.js, 'i32_div_s('))).toEqual({ source: 'div.src', line: 42, column: 3 });
    const map = JSON.parse(r.map!) as { sources: string[]; sourcesContent: string[] };
    expect(map.sourcesContent[map.sources.indexOf('div.src')]).toBe('the original text');
    // Code before the first mapped offset goes to the listing.
    expect(await originalOf(r.map!, positionOf(r.js, 'function f0('))).toMatchObject({ source: 'out.wat' });
  });

  it('ignore bad debug info with a warning', () => {
    const warnings: string[] = [];
    const r = compileToModule(divWasm(), { filename: 'div.wasm', output: 'out.js', inputSourceMap: '{"version": 3, "sources": [], "mappings": "A$"}', onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([expect.stringMatching(/^ignoring the input source map: bad character in 'mappings'/)]);
    expect(JSON.parse(r.map!)).toMatchObject({ sources: ['out.wat'] });
    warnings.length = 0;
    const bytes = divideDwarf5Wasm().slice();
    corruptLineTable(bytes);
    const c = compileToModule(bytes, { filename: 'divide.wasm', output: 'out.js', mapTo: 'source', onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      expect.stringMatching(/^ignoring the DWARF line table: reserved unit length/),
      'the module has no DWARF line info or source map: the source map goes to the WAT listing',
    ]);
    expect(JSON.parse(c.map!)).toMatchObject({ sources: ['out.wat'] });
  });
});

