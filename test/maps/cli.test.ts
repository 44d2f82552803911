// `wajit compile` and its maps end to end: the WAT listing written next to the output (the same text as
// `wajit dump`), a trap in the output run under `node --enable-source-maps` shown at its WAT line or, for a C
// program built with -g, its C line; --map-to, --input-source-map and a sourceMappingURL section; bad
// debug info as a warning. Outputs import the built runtime (dist/runtime/index.js) in child processes.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SourceMapGenerator } from 'source-map';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../cli-build.js';
import { ROOT, RUNTIME_DIST, tempDir } from '../aot/harness.js';
import { CALL_LINE, DIVISION_LINE, divWasm, divideWasm, linesOf, originalOf, positionOf } from './harness.js';

const BIN = join(ROOT, 'bin', 'wajit.js');

interface Outcome { code: number | null; stdout: string; stderr: string }

function node(args: readonly string[]): Outcome {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const wajit = (...args: string[]): Outcome => node([BIN, ...args]);

/** Writes `bytes` as NAME.wasm in a fresh directory; returns its path. */
function writeWasm(name: string, bytes: Uint8Array): string {
  const file = join(tempDir(name), `${name}.wasm`);
  writeFileSync(file, bytes);
  return file;
}

/** `wajit compile` into a fresh directory (against the built runtime); returns the output's path. */
function compile(wasm: string, ...flags: string[]): { out: string; r: Outcome } {
  const out = join(tempDir('out'), 'out.js');
  return { out, r: wajit('compile', wasm, '-o', out, '--runtime', RUNTIME_DIST, ...flags) };
}

/** Runs ES module code in a child process, with extra node flags. */
const script = (flags: string[], code: string): Outcome => node([...flags, '--input-type=module', '-e', code]);

/** The module with a `sourceMappingURL` custom section naming `url` appended. */
function withMapURL(bytes: Uint8Array, url: string): Uint8Array {
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do { out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)); n >>>= 7; } while (n > 0);
    return out;
  };
  const enc = new TextEncoder();
  const name = enc.encode('sourceMappingURL');
  const value = enc.encode(url);
  const payload = [...leb(name.length), ...name, ...leb(value.length), ...value];
  return new Uint8Array([...bytes, 0, ...leb(payload.length), ...payload]);
}

/** The byte offset of `div`'s i32.div_s (local.get 0, local.get 1, i32.div_s). */
function divOffset(bytes: Uint8Array): number {
  for (let i = 0; i + 4 < bytes.length; i++) {
    if (bytes[i] === 0x20 && bytes[i + 1] === 0 && bytes[i + 2] === 0x20 && bytes[i + 3] === 1 && bytes[i + 4] === 0x6d) return i + 4;
  }
  throw new Error('no division in the module');
}

beforeAll(() => ensureCliBuilt());

describe('wajit compile: source maps', () => {
  it('documents --map-to and --input-source-map', () => {
    const help = wajit('compile', '--help').stdout;
    expect(help).toContain('--map-to TARGET');
    expect(help).toContain('--input-source-map FILE');
  });

  it('writes the WAT listing next to the output; node --enable-source-maps shows a trap at its WAT line', () => {
    const wasm = writeWasm('div', divWasm());
    const { out, r } = compile(wasm);
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    const watFile = out.replace(/\.js$/, '.wat');
    const listing = readFileSync(watFile, 'utf8');
    expect(listing).toBe(wajit('dump', wasm).stdout);
    const [divLine] = linesOf(listing, 'i32.div_s');
    const [callLine] = linesOf(listing, 'call $div');
    const run = `const m = await import(${JSON.stringify(pathToFileURL(out).href)}); m.instantiate().outer(3);`;
    const mapped = script(['--enable-source-maps'], run);
    expect(mapped.code).not.toBe(0);
    expect(mapped.stderr).toContain('RuntimeError: integer divide by zero');
    expect(mapped.stderr).toContain(`at div (${watFile}:${divLine}:5)`);
    expect(mapped.stderr).toContain(`at outer (${watFile}:${callLine}:5)`);
    // Without the flag, the frames are the output's own.
    const plain = script([], run);
    expect(plain.stderr).not.toContain('out.wat');
    expect(plain.stderr).toMatch(/at f0 \(file:.*out\.js:\d+:\d+\)/);
  });

  it('maps a C program built with -g to its C lines under node --enable-source-maps', () => {
    const wasm = writeWasm('divide', divideWasm());
    const { out, r } = compile(wasm, '--wasi');
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    const map = JSON.parse(readFileSync(`${out}.map`, 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('divide.c');
    expect(map.sources).toContain('out.wat');
    const mapped = script(['--enable-source-maps'], `const m = await import(${JSON.stringify(pathToFileURL(out).href)}); m.main();`);
    expect(mapped.stderr).toContain('RuntimeError: integer divide by zero');
    expect(mapped.stderr).toMatch(new RegExp(`at ratio \\(.*divide\\.c:${DIVISION_LINE}:17\\)`));
    expect(mapped.stderr).toMatch(new RegExp(`at main \\(.*divide\\.c:${CALL_LINE}:\\d+\\)`));
  });

  it('maps trap stacks of in-process compilation under node --enable-source-maps too', () => {
    const bytes = JSON.stringify([...divWasm()]);
    const index = JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href);
    const listing = wajit('dump', writeWasm('div', divWasm())).stdout;
    const [divLine] = linesOf(listing, 'i32.div_s');
    for (const option of ['true', '{ inline: false }']) {
      const r = script(['--enable-source-maps'], `
        const { createWebAssembly } = await import(${index});
        const { instance } = await createWebAssembly({ sourceMap: ${option} }).instantiate(new Uint8Array(${bytes}));
        try { instance.exports.outer(1); } catch (e) { console.log(e.stack); }`);
      expect(r.stdout, r.stderr).toMatch(/^RuntimeError: integer divide by zero\n/);
      expect(r.stdout).toMatch(new RegExp(`\\n {4}at div \\((wasm://wajit/\\d+/)?module\\.wat:${divLine}:5\\)\\n`));
    }
  });

  it('names C lines in the backtrace of `wajit run`', () => {
    const r = wajit('run', writeWasm('divide', divideWasm()));
    expect(r.code).toBe(134);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^wajit: error: trap: integer divide by zero in ratio \(func\[\d+\]\) at offset 0x[0-9a-f]+$/);
    expect(lines[2]).toMatch(/^ {2}0: +0x[0-9a-f]+ - ratio \(func\[\d+\]\)$/);
    expect(lines[3]).toMatch(new RegExp(`^ +at divide\\.c:${DIVISION_LINE}:17$`));
    expect(lines[5]).toMatch(new RegExp(`^ +at divide\\.c:${CALL_LINE}:\\d+$`));
  });

  it("maps to the .wasm's byte offsets with --map-to wasm, and writes no listing", async () => {
    const bytes = divWasm();
    const { out, r } = compile(writeWasm('div', bytes), '--map-to', 'wasm');
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(out.replace(/\.js$/, '.wat'))).toBe(false);
    const at = positionOf(readFileSync(out, 'utf8'), 'i32_div_s(');
    expect(await originalOf(readFileSync(`${out}.map`, 'utf8'), at)).toEqual({ source: 'div.wasm', line: 1, column: divOffset(bytes) });
  });

  it('composes with --input-source-map and with the map a sourceMappingURL section names', async () => {
    const bytes = divWasm();
    const input = new SourceMapGenerator({ file: 'div.wasm' });
    input.addMapping({ generated: { line: 1, column: divOffset(bytes) }, original: { line: 42, column: 3 }, source: 'div.src' });
    // Named by a section, next to the module (the section is appended: offsets do not move).
    const wasm = writeWasm('div', withMapURL(bytes, 'div.wasm.map'));
    writeFileSync(`${wasm}.map`, input.toString());
    const named = compile(wasm);
    expect(named.r, named.r.stderr).toMatchObject({ code: 0, stderr: '' });
    const at = positionOf(readFileSync(named.out, 'utf8'), 'i32_div_s(');
    expect(await originalOf(readFileSync(`${named.out}.map`, 'utf8'), at)).toEqual({ source: 'div.src', line: 42, column: 3 });
    // Given on the command line, for a module without the section.
    const mapFile = join(tempDir('map'), 'input.map');
    writeFileSync(mapFile, input.toString());
    const given = compile(writeWasm('div', bytes), '--input-source-map', mapFile);
    expect(given.r, given.r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(await originalOf(readFileSync(`${given.out}.map`, 'utf8'), at)).toEqual({ source: 'div.src', line: 42, column: 3 });
  });

  it('reports bad options as errors and unusable debug info as warnings', () => {
    const wasm = writeWasm('div', divWasm());
    const bad = compile(wasm, '--map-to', 'dwarf');
    expect(bad.r.code).toBe(2);
    expect(bad.r.stderr).toMatch(/^wajit: error: --map-to takes auto, wat, wasm, source, not 'dwarf' \(see 'wajit compile --help'\)\n$/);
    const missing = compile(wasm, '--input-source-map', join(ROOT, 'no-such.map'));
    expect(missing.r.code).toBe(1);
    expect(missing.r.stderr).toMatch(/^wajit: error: cannot read '.*no-such\.map': no such file\n$/);
    const junk = join(tempDir('junk'), 'junk.map');
    writeFileSync(junk, '{ not json');
    const warned = compile(wasm, '--input-source-map', junk);
    expect(warned.r.code).toBe(0);
    expect(warned.r.stderr).toMatch(/^wajit: warning: ignoring the input source map: not JSON: .*\n$/);
    expect(JSON.parse(readFileSync(`${warned.out}.map`, 'utf8'))).toMatchObject({ sources: ['out.wat'] });
    const unnamed = compile(writeWasm('div', withMapURL(divWasm(), 'https://example.com/div.wasm.map')));
    expect(unnamed.r.code).toBe(0);
    expect(unnamed.r.stderr).toBe('wajit: warning: cannot read the source map the module names ("https://example.com/div.wasm.map"); not using it\n');
    const wanted = compile(wasm, '--map-to', 'source');
    expect(wanted.r.code).toBe(0);
    expect(wanted.r.stderr).toBe('wajit: warning: the module has no DWARF line info or source map: the source map goes to the WAT listing\n');
  });
});
