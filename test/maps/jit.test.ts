// Source maps of code compiled in this process (`sourceMap: true`): a trap's RuntimeError stack names the
// wasm functions and their WAT lines (`at div (module.wat:LINE:COL)`), or C lines for a program built with
// -g, in eager and lazy mode; the scripts a debugger sees carry their name and an inline map; host
// exceptions and modules compiled without maps are left alone.

import { Session } from 'node:inspector';
import { describe, expect, it } from 'vitest';
import { decodeModule } from '../../compiler/decode/decode.js';
import { disassemble } from '../../compiler/disasm/wat.js';
import { WASI, WebAssembly, createWebAssembly } from '../../src/index.js';
import { compileModule } from '../../src/pipeline.js';
import {
  CALL_LINE, DIVISION_LINE, corruptLineTable, divWasm, divideDwarf5Wasm, divideWasm, linesOf, originalOf, positionOf,
  watWithNames,
} from './harness.js';

/** The error `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

/** The stack's frame lines, trimmed. */
const frames = (e: Error): string[] => (e.stack ?? '').split('\n').filter((l) => /^\s*at /.test(l)).map((l) => l.trim());

describe('trap stacks of modules compiled with sourceMap', () => {
  const listing = disassemble(decodeModule(divWasm()));
  const [divLine] = linesOf(listing, 'i32.div_s');
  const [callLine] = linesOf(listing, 'call $div');

  for (const lazy of [false, true]) {
    it(`name the wasm functions and their WAT lines (${lazy ? 'lazy' : 'eager'})`, async () => {
      const WA = createWebAssembly({ sourceMap: true, lazy });
      const { instance } = await WA.instantiate(divWasm());
      const e = thrown(() => (instance.exports.outer as (x: number) => number)(7));
      expect(e).toBeInstanceOf(WA.RuntimeError);
      expect(e.message).toBe('integer divide by zero');
      // Innermost first, right after the message: the runtime helper that raised the trap is left out.
      expect(frames(e).slice(0, 2)).toEqual([`at div (module.wat:${divLine}:5)`, `at outer (module.wat:${callLine}:5)`]);
      expect(e.stack).toMatch(/^RuntimeError: integer divide by zero\n {4}at div \(/);
    });
  }

  it('are mapped without inline maps too (inline: false)', async () => {
    const c = compileModule(divWasm(), { sourceMap: { inline: false } });
    expect(c.code).toMatch(/\n\/\/# sourceURL=wasm:\/\/wajit\/\d+\/module\.js\n$/);
    expect(c.code).not.toContain('sourceMappingURL');
    const WA = createWebAssembly({ sourceMap: { inline: false }, lazy: true });
    const { instance } = await WA.instantiate(divWasm());
    const e = thrown(() => (instance.exports.outer as (x: number) => number)(7));
    expect(frames(e).slice(0, 2)).toEqual([`at div (module.wat:${divLine}:5)`, `at outer (module.wat:${callLine}:5)`]);
  });

  it('use the file name given to compileModule, made safe for a script name', () => {
    const c = compileModule(divWasm(), { filename: 'path/to/div.wasm', sourceMap: true });
    expect(c.code).toMatch(/\n\/\/# sourceURL=wasm:\/\/wajit\/\d+\/div\.js\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,[A-Za-z0-9+/=]+\n$/);
    const odd = compileModule(divWasm(), { filename: 'a b)\n//x.wasm', sourceMap: true });
    expect(odd.code).toMatch(/\n\/\/# sourceURL=wasm:\/\/wajit\/\d+\/x\.js\n/);
    const odder = compileModule(divWasm(), { filename: 'a b)\n.wasm', sourceMap: true });
    expect(odder.code).toMatch(/\n\/\/# sourceURL=wasm:\/\/wajit\/\d+\/a_b__\.js\n/);
  });

  it('name C lines for a program built with -g (DWARF 4, through WASI)', async () => {
    const WA = createWebAssembly({ sourceMap: true });
    const wasi = new WASI({ version: 'preview1', args: ['divide'], returnOnExit: true });
    const { instance } = await WA.instantiate(divideWasm(), wasi.getImportObject());
    const e = thrown(() => wasi.start(instance));
    expect(e.message).toBe('integer divide by zero');
    const f = frames(e);
    expect(f[0]).toBe(`at ratio (divide.c:${DIVISION_LINE}:17)`);
    expect(f[1]).toMatch(new RegExp(`^at main \\(divide\\.c:${CALL_LINE}:\\d+\\)$`));
    // wasi-libc's own frames map to its sources (built with debug info as well).
    expect(f.some((l) => /^at _start \(.*crt1-command\.c:\d+:\d+\)$/.test(l))).toBe(true);
  });

  it('name C lines from DWARF 5 line tables', async () => {
    const WA = createWebAssembly({ sourceMap: true, lazy: true });
    const { instance } = await WA.instantiate(divideDwarf5Wasm());
    const e = thrown(() => (instance.exports.__main_argc_argv as (argc: number, argv: number) => number)(1, 0));
    expect(frames(e).slice(0, 2)).toEqual([`at ratio (divide.c:${DIVISION_LINE}:17)`, `at main (divide.c:${CALL_LINE}:10)`]);
  });

  it('fall back to the WAT listing, with a warning, when the DWARF line table is bad', async () => {
    const bytes = divideDwarf5Wasm().slice();
    corruptLineTable(bytes);
    const warnings: string[] = [];
    const WA = createWebAssembly({ sourceMap: { onWarning: (w) => warnings.push(w) } });
    const { instance } = await WA.instantiate(bytes);
    const e = thrown(() => (instance.exports.__main_argc_argv as (argc: number, argv: number) => number)(1, 0));
    expect(warnings).toEqual([expect.stringMatching(/^ignoring the DWARF line table: reserved unit length/)]);
    const ratio = disassemble(decodeModule(bytes));
    const line = ratio.slice(0, ratio.indexOf('(func $ratio')).split('\n').length - 1 +
      linesOf(ratio.slice(ratio.indexOf('(func $ratio')), 'i32.div_s')[0]!;
    expect(frames(e)[0]).toBe(`at ratio (module.wat:${line}:5)`);
  });

  it('are mapped by default too, without maps (positions generated again when the stack is read)', async () => {
    const { instance } = await WebAssembly.instantiate(divWasm());
    const e = thrown(() => (instance.exports.outer as (x: number) => number)(7));
    expect(e.stack).toMatch(/\n\s+at \S+ \(module\.wat:\d+:\d+\)/);
    expect(e.stack).not.toMatch(/\n\s+at f0 \(/);
  });

  it('are left alone with sourceMap: false', async () => {
    const { instance } = await createWebAssembly({ sourceMap: false }).instantiate(divWasm());
    const e = thrown(() => (instance.exports.outer as (x: number) => number)(7));
    expect(e.stack).not.toContain('module.wat');
    expect(e.stack).toMatch(/\n\s+at f0 \(/);
  });

  it('leave host exceptions alone', async () => {
    const bytes = watWithNames('host.wat', `(module
      (import "host" "fail" (func $fail))
      (func (export "run") call $fail))`);
    const WA = createWebAssembly({ sourceMap: true });
    const error = new Error('from the host');
    const stack = error.stack;
    const { instance } = await WA.instantiate(bytes, { host: { fail: () => { throw error; } } });
    const e = thrown(() => (instance.exports.run as () => void)());
    expect(e).toBe(error);
    expect(e.stack).toBe(stack);
  });
});

describe('scripts of modules compiled with sourceMap', () => {
  it('reach a debugger with their name and an inline map to the WAT listing', async () => {
    const session = new Session();
    session.connect();
    const parsed: { url: string; sourceMapURL: string }[] = [];
    session.on('Debugger.scriptParsed', (m) => parsed.push(m.params as { url: string; sourceMapURL: string }));
    const post = (method: string): Promise<void> => new Promise((resolve, reject) => {
      session.post(method, (err) => (err ? reject(err) : resolve()));
    });
    let before = 0;
    try {
      await post('Debugger.enable');
      // Enabling reports the scripts already there; ours come after.
      before = parsed.length;
      const WA = createWebAssembly({ sourceMap: true, lazy: true });
      const { instance } = await WA.instantiate(divWasm());
      thrown(() => (instance.exports.outer as (x: number) => number)(7));
      await post('Debugger.disable');
    } finally {
      session.disconnect();
    }
    const ours = parsed.slice(before).filter((s) => s.url.startsWith('wasm://wajit/'));
    // The module's script and the two functions compiled on their first call.
    expect(ours.map((s) => s.url.replace(/\/\d+\//, '/N/')).sort()).toEqual([
      'wasm://wajit/N/module.f0.js', 'wasm://wajit/N/module.f1.js', 'wasm://wajit/N/module.js',
    ]);
    const prefix = 'data:application/json;charset=utf-8;base64,';
    const mapOf = (file: string): Record<string, unknown> => {
      const script = ours.find((s) => s.url.endsWith(`/${file}`))!;
      expect(script.sourceMapURL.startsWith(prefix)).toBe(true);
      return JSON.parse(Buffer.from(script.sourceMapURL.slice(prefix.length), 'base64').toString('utf8')) as Record<string, unknown>;
    };
    // The module's map embeds the listing; the functions' maps refer to it by the same name.
    const listing = disassemble(decodeModule(divWasm()));
    expect(mapOf('module.js')).toMatchObject({ sources: ['module.wat'], sourcesContent: [listing] });
    const f0 = mapOf('module.f0.js');
    expect(f0).toMatchObject({ sources: ['module.wat'] });
    expect(f0.sourcesContent).toBeUndefined();
    // In the eager module's map, the division maps to the listing's i32.div_s.
    const [divLine] = linesOf(listing, 'i32.div_s');
    const code = compileModule(divWasm(), { sourceMap: true, lazy: false }).code;
    const eagerMap = Buffer.from(code.slice(code.lastIndexOf('base64,') + 7).trim(), 'base64').toString('utf8');
    // Eager code runs through new Function, which puts two lines of its own first.
    const pos = positionOf(code, 'i32_div_s(');
    expect(await originalOf(eagerMap, { line: pos.line + 2, column: pos.column }))
      .toMatchObject({ source: 'module.wat', line: divLine });
  });
});
