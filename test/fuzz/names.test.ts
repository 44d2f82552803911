// Hostile names: a module whose import module and field names, export names, custom section names and
// name-section names (module, functions, locals) are quotes, backslashes, line terminators (including U+2028
// and U+2029), comment and template openers, `</script>`, NUL, a byte order mark, JS keywords and property
// names with special meaning (`__proto__`, `constructor`, `then`), integer-like strings, strings that would
// break out of a string literal into code, and a 10,000-character name. It must compile, link to exactly the
// right imports and expose exactly those export names (in the order JS gives an object's keys, as native
// WebAssembly does), run without any of the names becoming code (the generated code passes the safety
// check, contains none of them, and nothing leaks into the global object), and show the name-section
// names, as given, in trap backtraces.
//
// Names are UTF-8 in the binary, which cannot encode a lone surrogate: a name holding one (or any other
// invalid UTF-8) is a CompileError for both engines, except in the name section, where a malformed
// subsection is ignored.

import { describe, expect, it } from 'vitest';
import { safeName } from '../../compiler/debug/debug-info.js';
import { decodeModule } from '../../compiler/decode/decode.js';
import { validateDecls } from '../../compiler/validate/validate.js';
import { generateLazyFunction, generateModule } from '../../compiler/codegen/module.js';
import { checkGenerated } from '../../compiler/emit/check.js';
import { createWebAssembly } from '../../src/engines.js';
import { backtraceLines, funcLabel, printable, wasmFrames } from '../../src/cli/backtrace.js';
import { type Api, Native, Wajit } from '../diff/harness.js';
import { Bytes, I32, body, codeSection, funcSection, module, typeSection } from './bytes.js';

const BREAKOUTS = [
  '"); globalThis.pwned = 1; ("', '\'); globalThis.pwned = 1; (\'', '`); globalThis.pwned = 1; (`',
  '*/ globalThis.pwned = 1; /*', '\n globalThis.pwned = 1; //', '\u2028globalThis.pwned = 1;//', '${globalThis.pwned = 1}',
  '}}); globalThis.pwned = 1; ((function () {{', '</script><script>globalThis.pwned = 1</script>',
];

/** Export (and import field) names. Distinct, since export names must be. */
const HOSTILE: readonly string[] = [
  '"', '\'', '\\', '`', '\n', '\r\n', '\r', '\u2028', '\u2029', '\u2028\u2029', '*/', '/*', '//', '<!--', '-->',
  '${', '${x}', '</script>', '\0', 'a\0b', '\uFEFF', '\uFEFFbom', '\\u0041', '\\x41', 'a\\', '\\\'', '\\"',
  'constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'then', '__defineGetter__',
  'eval', 'arguments', 'this', 'return', 'function', 'import', 'export', 'class', 'new', 'delete', 'typeof',
  'var', 'let', 'await', 'yield', 'null', 'undefined', 'NaN', 'Infinity', 'globalThis', 'process', 'require',
  'rt', 'I', 'f0', 'dv', 'source',
  '', ' ', '0', '1', '-0', '01', '1e3', '4294967294', '4294967295', '9007199254740993',
  '\u{1F600}', 'e\u0301', '\u202Eevil', '\x1b[31mred\x1b[0m', '\u0085', '\u00A0', '\uFFFF', '\u{10FFFF}',
  ...BREAKOUTS, 'x'.repeat(10_000),
];

/** Import module names: a few of them, each shared by several imports. */
const MODULES = ['\'', '"\n', '__proto__', 'constructor', '', '\u2029', 'then'];
const importModule = (i: number): string => MODULES[i % MODULES.length]!;

const N = HOSTILE.length;
/** Function indices: imports 0..N-1, then N exported functions, then the trapping pair `inner` and `outer`. */
const INNER = 2 * N;
const OUTER = 2 * N + 1;
const TRAP_EXPORT = 'trap\n"\'\u2028';
const MEMORY_EXPORT = 'memory"\u2029</script>';
const GLOBAL_EXPORT = 'global\\`${';

/** Name-section names of functions and locals: distinct from the export names, equally hostile. */
const funcName = (i: number): string => `${HOSTILE[(i * 7) % N]}#fn${i}\u2028${BREAKOUTS[i % BREAKOUTS.length]}`;
const localName = (i: number): string => `local\n${HOSTILE[(i * 5) % N]}`;
const INNER_NAME = '"inner\u2028\\</script>*/';
const OUTER_NAME = '\'outer\n${globalThis.pwned = 1}';
const MODULE_NAME = '</script>\u2029module';

/** Custom sections with hostile names, and their payloads. */
const CUSTOM: readonly [string, number[]][] = [
  ['"\'\\\n\u2028\u2029*/${</script>', [1, 2, 3]], ['constructor', [4]], ['__proto__', []], ['', [5, 6]],
];

/** What import i returns, and what exported function i (calling it) returns. */
const imported = (i: number): number => 1000 * (i + 1);
const expected = (i: number): number => imported(i) + i;

function nameSection(): Bytes {
  const sub = (id: number, content: Bytes) => new Bytes().byte(id).sized(content);
  const funcs = new Bytes().u32(2 * N + 2);
  for (let i = 0; i < 2 * N; i++) funcs.u32(i).name(funcName(i));
  funcs.u32(INNER).name(INNER_NAME).u32(OUTER).name(OUTER_NAME);
  const locals = new Bytes().u32(N);
  for (let i = 0; i < N; i++) locals.u32(N + i).u32(1).u32(0).name(localName(i));
  return new Bytes().name('name').bytes(sub(0, new Bytes().name(MODULE_NAME)).view())
    .bytes(sub(1, funcs).view()).bytes(sub(2, locals).view());
}

/** The module: N imports, N exported functions calling them, a trapping pair, memory, global, customs. */
function hostileModule(): Uint8Array {
  const imports = new Bytes().u32(N + 1);
  for (let i = 0; i < N; i++) imports.name(importModule(i)).name(HOSTILE[i]!).byte(0x00).u32(0);
  imports.name('\u2028').name('"global"').byte(0x03, I32, 0x00);
  const bodies: Bytes[] = [];
  for (let i = 0; i < N; i++) {
    // local 0 = import i (); local 0 + i
    const code = new Bytes().byte(0x10).u32(i).byte(0x21, 0x00, 0x20, 0x00, 0x41).s32(i).byte(0x6a, 0x0b);
    bodies.push(body([[1, I32]], code));
  }
  bodies.push(body([], new Bytes().byte(0x00, 0x0b))); // inner: unreachable
  bodies.push(body([], new Bytes().byte(0x10).u32(INNER).byte(0x0b))); // outer: call inner
  const exports = new Bytes().u32(N + 3);
  for (let i = 0; i < N; i++) exports.name(HOSTILE[i]!).byte(0x00).u32(N + i);
  exports.name(TRAP_EXPORT).byte(0x00).u32(OUTER);
  exports.name(MEMORY_EXPORT).byte(0x02).u32(0);
  exports.name(GLOBAL_EXPORT).byte(0x03).u32(1);
  const globals = new Bytes().u32(1).byte(I32, 0x01, 0x23, 0x00, 0x0b); // (mut i32) = the imported global
  const sections: [number, Bytes][] = [
    [1, typeSection([[[], [I32]]])],
    [2, imports],
    [3, funcSection(Array.from({ length: N + 2 }, () => 0))],
    [5, new Bytes().u32(1).byte(0x00).u32(1)],
    [6, globals],
    [7, exports],
    [10, codeSection(bodies)],
    [0, nameSection()],
  ];
  for (const [name, payload] of CUSTOM) sections.push([0, new Bytes().name(name).byte(...payload)]);
  return module(sections);
}

/** Import objects without prototypes: `__proto__` and `constructor` are then ordinary own keys. */
function importObject(api: Api): Record<string, Record<string, unknown>> {
  const imports: Record<string, Record<string, unknown>> = Object.create(null);
  HOSTILE.forEach((name, i) => {
    const ns = (imports[importModule(i)] ??= Object.create(null) as Record<string, unknown>);
    ns[name] = () => imported(i);
  });
  (imports['\u2028'] ??= Object.create(null) as Record<string, unknown>)['"global"'] = new api.Global({ value: 'i32' }, 77);
  return imports;
}

const bytes = hostileModule();
const ALL_EXPORTS = [...HOSTILE, TRAP_EXPORT, MEMORY_EXPORT, GLOBAL_EXPORT];

type Exports = Record<string, unknown>;

function instantiate(api: Api): Exports {
  return new api.Instance(new api.Module(bytes), importObject(api)).exports as Exports;
}

describe('hostile names', () => {
  it('the test module is what it claims: every name distinct, valid, and the module valid natively', () => {
    expect(new Set(ALL_EXPORTS).size).toBe(ALL_EXPORTS.length);
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (const name of ALL_EXPORTS) expect(strict.decode(new TextEncoder().encode(name))).toBe(name);
    expect(Native.validate(bytes)).toBe(true);
  });

  it('module reflection: imports, exports and custom sections as native WebAssembly reports them', () => {
    const w = new Wajit.Module(bytes);
    const n = new Native.Module(bytes);
    expect(Wajit.Module.exports(w)).toEqual(Native.Module.exports(n));
    expect(Wajit.Module.exports(w).map((e) => e.name)).toEqual(ALL_EXPORTS);
    expect(Wajit.Module.imports(w)).toEqual(Native.Module.imports(n));
    expect(Wajit.Module.imports(w).map((e) => [e.module, e.name])).toEqual([
      ...HOSTILE.map((name, i) => [importModule(i), name]), ['\u2028', '"global"'],
    ]);
    for (const [name, payload] of [...CUSTOM, ['name', []] as [string, number[]]]) {
      const ws = Wajit.Module.customSections(w, name).map((b) => [...new Uint8Array(b)]);
      const ns = Native.Module.customSections(n, name).map((b) => [...new Uint8Array(b)]);
      expect(ws, JSON.stringify(name)).toEqual(ns);
      if (name !== 'name') expect(ws).toEqual([payload]);
    }
  });

  // Stacks as V8 writes them (sourceMap: false); the mapped stacks of the default are tested below.
  const engines: [string, Api][] = [
    ['eager', createWebAssembly({ lazy: false, sourceMap: false })], ['lazy', createWebAssembly({ lazy: true, sourceMap: false })],
  ];
  for (const [mode, api] of engines) {
    it(`${mode}: exactly the export names, each bound to the right function, import and object`, () => {
      const native = instantiate(Native);
      const exports = instantiate(api);
      expect(Object.keys(exports)).toEqual(Object.keys(native));
      expect(new Set(Object.keys(exports))).toEqual(new Set(ALL_EXPORTS));
      expect(Object.getPrototypeOf(exports)).toBe(null);
      expect(Object.isFrozen(exports)).toBe(true);
      HOSTILE.forEach((name, i) => {
        const f = exports[name] as () => number;
        expect(typeof f, JSON.stringify(name)).toBe('function');
        expect(f(), JSON.stringify(name)).toBe(expected(i));
        expect(f.name).toBe((native[name] as () => number).name);
      });
      expect(exports[MEMORY_EXPORT]).toBeInstanceOf(Wajit.Memory);
      expect((exports[GLOBAL_EXPORT] as { value: number }).value).toBe(77);
      expect('pwned' in globalThis).toBe(false);
    });

    it(`${mode}: a trap's backtrace shows the name-section names, escaped for a terminal, and its stack none of them`, () => {
      let error: unknown;
      try {
        (instantiate(api)[TRAP_EXPORT] as () => number)();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Wajit.RuntimeError);
      expect((error as Error).message).toBe('unreachable');
      const stack = (error as Error).stack!;
      const frames = wasmFrames(stack);
      expect(frames.map((f) => f.func)).toEqual([INNER, OUTER]);
      const m = decodeModule(bytes);
      expect(m.names.module).toBe(MODULE_NAME);
      // Shown with control and format characters escaped (a name must not fake lines in a terminal).
      expect(printable(INNER_NAME)).toBe('"inner\\u{2028}\\u{5c}</script>*/');
      expect(printable(OUTER_NAME)).toBe('\'outer\\u{a}${globalThis.pwned = 1}');
      expect(funcLabel(m, INNER)).toBe(`${printable(INNER_NAME)} (func[${INNER}])`);
      expect(funcLabel(m, OUTER)).toBe(`${printable(OUTER_NAME)} (func[${OUTER}])`);
      const lines = backtraceLines(m, frames).join('\n');
      expect(lines).toContain(`- ${printable(INNER_NAME)} (func[${INNER}])`);
      expect(lines).toContain(`- ${printable(OUTER_NAME)} (func[${OUTER}])`);
      expect(lines.split('\n')).toHaveLength(3);
      expect(lines).not.toMatch(/[\u2028\u2029\u202e]/);
      // The names were never code: the engine's own stack trace knows only wajit's f<index> identifiers.
      for (const s of [INNER_NAME, OUTER_NAME, MODULE_NAME, 'pwned']) expect(stack).not.toContain(s);
      expect('pwned' in globalThis).toBe(false);
    });
  }

  for (const lazy of [false, true]) {
    it(`${lazy ? 'lazy' : 'eager'}, stacks mapped (the default): the names with whitespace, parentheses, backslashes, control and format characters replaced`, () => {
      let stack = '';
      try {
        (instantiate(createWebAssembly({ lazy }))[TRAP_EXPORT] as () => number)();
      } catch (e) {
        stack = (e as Error).stack!;
      }
      expect(stack).toContain(`at ${safeName(INNER_NAME)} (`);
      expect(safeName(INNER_NAME)).toBe('"inner__</script>*/');
      // The two wasm frames, each one line (V8's own frame of the export's call may still show the export's
      // name as the property it was called through: `[as <name>]`, raw, as for any JavaScript method).
      const lines = stack.split('\n');
      expect(lines[0]).toBe('RuntimeError: unreachable');
      expect(lines[1]).toBe(`    at ${safeName(INNER_NAME)} (module.wat:${lines[1]!.split('module.wat:')[1]}`);
      expect(lines[2]).toMatch(/^ {4}at 'outer_\$\{globalThis\.pwned_=_1\} \(module\.wat:\d+:\d+\)$/);
      for (const line of lines.slice(1, 3)) expect(line).not.toMatch(/[\u2028\u2029\u202e\u0000\\]/);
      expect('pwned' in globalThis).toBe(false);
    });
  }

  it('name-section names reach the decoded module exactly, and the generated code contains none of them', () => {
    const m = decodeModule(bytes);
    for (let i = 0; i < 2 * N; i++) expect(m.names.funcs.get(i)).toBe(funcName(i));
    for (let i = 0; i < N; i++) expect(m.names.locals.get(N + i)?.get(0)).toBe(localName(i));
    const decls = validateDecls(m);
    const codes = [generateModule(decls).code, generateModule(decls, { lazy: true }).code];
    const { evalScope } = checkGenerated(codes[1]!);
    checkGenerated(codes[0]!);
    for (let k = 0; k < decls.module.funcs.length; k++) {
      const fn = generateLazyFunction(decls, k).code;
      checkGenerated(fn, { evalScope });
      codes.push(fn);
    }
    // The check is not vacuous here: the same code with one call made to a global fails it.
    expect(() => checkGenerated(codes[0]!.replace(/\bf0\(/, 'process('))).toThrow(/free identifier 'process'/);
    expect(() => checkGenerated(codes[0]!.replace(/\bf0\(/, 'f0.constructor('))).toThrow(/property 'constructor'/);
    for (const code of codes.map((c) => c.replace(/^"use strict";/, ''))) {
      for (const s of ['pwned', '</script>', '\u2028', '\u2029', '"', '\\', '`', '${', 'process', 'constructor', '__proto__']) {
        expect(code.includes(s), `${JSON.stringify(s)} in the generated code`).toBe(false);
      }
    }
  });
});

describe('names that are not UTF-8', () => {
  // Byte sequences a valid name cannot contain: a UTF-16 surrogate (U+D800, U+DFFF: a lone surrogate has
  // no UTF-8 form), overlong encodings, a code point past U+10FFFF, truncated and stray bytes.
  const INVALID: readonly [string, number[]][] = [
    ['surrogate U+D800', [0x61, 0xed, 0xa0, 0x80]], ['surrogate U+DFFF', [0xed, 0xbf, 0xbf]],
    ['surrogate pair encoded separately', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]],
    ['overlong NUL', [0xc0, 0x80]], ['overlong slash', [0xe0, 0x80, 0xaf]], ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated', [0x61, 0xe2, 0x82]], ['stray continuation', [0x80]], ['0xff', [0xff]], ['0xfe', [0xfe, 0x61]],
  ];
  const raw = (b: Bytes, name: number[]) => b.u32(name.length).byte(...name);
  const withExport = (name: number[]) => module([
    [1, typeSection([[[], [I32]]])], [3, funcSection([0])],
    [7, raw(new Bytes().u32(1), name).byte(0x00, 0x00)],
    [10, codeSection([body([], new Bytes().byte(0x41, 0x01, 0x0b))])],
  ]);
  const withImport = (mod: number[], field: number[]) => module([
    [1, typeSection([[[], [I32]]])], [2, raw(raw(new Bytes().u32(1), mod), field).byte(0x00, 0x00)],
  ]);
  const withCustom = (name: number[]) => module([[0, raw(new Bytes(), name).byte(1, 2, 3)]]);
  const withFuncName = (name: number[]) => module([
    [1, typeSection([[[], [I32]]])], [3, funcSection([0])],
    [10, codeSection([body([], new Bytes().byte(0x41, 0x01, 0x0b))])],
    [0, new Bytes().name('name').byte(0x01).sized(raw(new Bytes().u32(1).u32(0), name))],
  ]);

  for (const [what, name] of INVALID) {
    it(`${what}: a CompileError in an export, import or custom section name; ignored in the name section`, () => {
      for (const b of [withExport(name), withImport(name, [0x61]), withImport([0x61], name), withCustom(name)]) {
        expect(Native.validate(b)).toBe(false);
        expect(Wajit.validate(b)).toBe(false);
        let error: unknown;
        try {
          new Wajit.Module(b);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(Wajit.CompileError);
        expect((error as { code: string }).code).toBe('malformed-utf8');
      }
      const named = withFuncName(name);
      expect(Native.validate(named)).toBe(true);
      expect(Wajit.validate(named)).toBe(true);
      expect(decodeModule(named).names.funcs.size).toBe(0);
    });
  }

  it('the valid neighbours of those sequences decode to exactly the string they encode', () => {
    const valid: [number[], string][] = [
      [[0xf0, 0x9f, 0x98, 0x80], '\u{1F600}'], [[0xef, 0xbf, 0xbf], '\uFFFF'], [[0xf4, 0x8f, 0xbf, 0xbf], '\u{10FFFF}'],
      [[0xed, 0x9f, 0xbf], '\uD7FF'], [[0xee, 0x80, 0x80], '\uE000'], [[0xef, 0xbb, 0xbf, 0x61], '\uFEFFa'], [[0x00], '\0'],
    ];
    for (const [b, s] of valid) {
      const m = withExport(b);
      expect(Wajit.Module.exports(new Wajit.Module(m))).toEqual([{ name: s, kind: 'function' }]);
      expect(Native.Module.exports(new Native.Module(m))).toEqual([{ name: s, kind: 'function' }]);
      expect(Object.keys(new Wajit.Instance(new Wajit.Module(m)).exports)).toEqual([s]);
    }
  });
});
