// The safety check of generated code (compiler/emit/check.ts): everything wajit generates for the spec suite's
// modules and the project's own programs passes it, eagerly and lazily compiled; code tampered with in any
// of the ways an injected name could show up (a global, a string, a dangerous property, a construct outside
// the subset) fails it, naming the offence and its position; and the scope analysis behind it tells
// declared names from free ones.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { watToWasm } from '../../diff/harness.js';
import { decodeModule } from '../../../compiler/decode/decode.js';
import { validateDecls } from '../../../compiler/validate/validate.js';
import { HELPERS, generateLazyFunction, generateModule } from '../../../compiler/codegen/module.js';
import { RUNTIME_HELPERS, checkGenerated, UnsafeCodeError, type CheckOptions } from '../../../compiler/emit/check.js';
import { HAVE_SPEC, SPEC_CORE, SPEC_REQUIRED, specSeeds } from '../../fuzz/inputs.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const wasm = (text: string): Uint8Array => watToWasm('t.wat', text);

/** The project's own binaries: benchmark programs, WASI test programs, differential C programs, examples. */
function ownBinaries(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const dir of ['bench', 'bench/programs', 'test/wasi/c', 'test/diff/c', 'examples']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((x) => x.endsWith('.wasm')).sort()) {
      out.push({ name: `${dir}/${f}`, bytes: new Uint8Array(readFileSync(join(ROOT, dir, f))) });
    }
  }
  return out;
}

/** The problem UnsafeCodeError reports for `code`, or null when the code passes. */
function problem(code: string, opts?: CheckOptions): string | null {
  try {
    checkGenerated(code, opts);
    return null;
  } catch (e) {
    if (!(e instanceof UnsafeCodeError)) throw e;
    return e.problem;
  }
}

/** The error for `code`, which must fail the check. */
function failure(code: string, opts?: CheckOptions): UnsafeCodeError {
  try {
    checkGenerated(code, opts);
  } catch (e) {
    if (e instanceof UnsafeCodeError) return e;
    throw e;
  }
  throw new Error(`passed the check:\n${code}`);
}

/** The text at a 1-based line and column of `code`. */
function at(code: string, line: number, column: number, length: number): string {
  return code.split('\n')[line - 1]!.slice(column - 1, column - 1 + length);
}

const SMALL = `(module
  (import "env" "f" (func $imp (param i32) (result i32)))
  (memory (export "mem") 1)
  (global $g (export "g") (mut i64) (i64.const 5))
  (table 2 funcref) (elem (i32.const 0) $a)
  (type $t (func (param i32) (result i32)))
  (func $a (export "a") (param i32) (result i32)
    (i32.store (local.get 0) (call $imp (local.get 0)))
    (global.set $g (i64.add (global.get $g) (i64.const 1)))
    (call_indirect (type $t) (i32.load (local.get 0)) (i32.const 0)))
  (data "xyz"))`;

describe('generated code passes the check', () => {
  it('the spec suite is present when CI requires it', () => {
    if (SPEC_REQUIRED) expect(HAVE_SPEC, `spec suite expected at ${SPEC_CORE}`).toBe(true);
  });

  it('every spec module and every program of the project, eager and lazy, metered or not, lazy functions too', () => {
    const inputs = [...specSeeds(), ...ownBinaries()];
    let modules = 0;
    let functions = 0;
    const failures: string[] = [];
    for (const { name, bytes } of inputs) {
      let decls;
      try {
        decls = validateDecls(decodeModule(bytes));
      } catch {
        continue; // assert_invalid / assert_malformed modules
      }
      try {
        const eager = generateModule(decls).code;
        checkGenerated(eager);
        checkGenerated(generateModule(decls, { metered: true }).code);
        const lazy = generateModule(decls, { lazy: true }).code;
        const { evalScope } = checkGenerated(lazy);
        const metered = checkGenerated(generateModule(decls, { lazy: true, metered: true }).code).evalScope;
        if (decls.module.funcs.length > 0 && evalScope === undefined) failures.push(`${name}: lazy code without its eval`);
        // The big programs have thousands of functions: a sample of them is enough.
        const step = Math.max(1, Math.floor(decls.module.funcs.length / 40));
        for (let k = 0; k < decls.module.funcs.length; k += step) {
          checkGenerated(generateLazyFunction(decls, k).code, { evalScope });
          checkGenerated(generateLazyFunction(decls, k, { metered: true }).code, { evalScope: metered });
          functions++;
        }
        modules++;
      } catch (e) {
        // Codegen limits (CompileError) are other tests' business; an unsafe-code failure is this test's.
        if (e instanceof UnsafeCodeError) failures.push(`${name}: ${e.message}`);
      }
    }
    expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);
    expect(modules).toBeGreaterThan(HAVE_SPEC ? 1000 : 20);
    expect(functions).toBeGreaterThan(HAVE_SPEC ? 4000 : 200);
  }, 300_000);
});

describe('tampered code fails the check', () => {
  const decls = validateDecls(decodeModule(wasm(SMALL)));
  const eager = generateModule(decls, { pretty: true }).code;
  const lazy = generateModule(decls, { lazy: true, pretty: true }).code;
  const fn = generateLazyFunction(decls, 0, { pretty: true }).code;
  const { evalScope } = checkGenerated(lazy);

  it('the untampered code passes (so the failures below are the tampering)', () => {
    expect(problem(eager)).toBeNull();
    expect(problem(lazy)).toBeNull();
    expect(problem(fn, { evalScope })).toBeNull();
    // Identifiers the tampering below replaces must be there.
    expect(eager).toMatch(/\bf0\(/);
    expect(eager).toMatch(/\bdv\.setInt32\b/);
  });

  // Each replaces the first call of `f0` (the import, called in a function body).
  const GLOBALS = ['globalThis', 'process', 'require', 'Function', 'eval', 'module', 'arguments', 'window', 'self',
    'Reflect', 'Proxy', 'WebAssembly', 'setTimeout', 'fetch', 'Buffer', 'Object', 'Error', 'source'];
  for (const name of GLOBALS) {
    it(`a free identifier: ${name}`, () => {
      const tampered = eager.replace(/\bf0\(/, `${name}(`);
      expect(tampered).not.toBe(eager);
      const e = failure(tampered);
      expect(e.problem).toBe(`free identifier '${name}'`);
      expect(at(tampered, e.line, e.column, name.length)).toBe(name);
    });
  }

  it('the same names, free in a lazily compiled function', () => {
    for (const name of GLOBALS) {
      const tampered = fn.replace(/\bf0\(/, `${name}(`);
      expect(tampered).not.toBe(fn);
      expect(problem(tampered, { evalScope })).toBe(`free identifier '${name}'`);
    }
    // Without the scope of the eval, the function's own free names are unknown.
    expect(problem(fn)).toBe('no \'use strict\' directive first');
  });

  const PROPERTIES = ['constructor', '__proto__', 'prototype', 'call', 'apply', 'bind', 'caller', 'callee',
    'toString', 'valueOf', '__defineGetter__', 'buffer', 'then'];
  for (const prop of PROPERTIES) {
    it(`a property outside the allowlist: .${prop}`, () => {
      const tampered = eager.replace(/\bdv\.setInt32\(/, `dv.${prop}(`);
      const e = failure(tampered);
      expect(e.problem).toBe(`property '${prop}'`);
      expect(at(tampered, e.line, e.column, prop.length)).toBe(prop);
    });
  }

  const CASES: [string, string, RegExp][] = [
    ['a string literal', `f0(T0.elems['constructor'],`, /^literal 'constructor'/],
    ['a string literal in any position', `f0('x',`, /^literal 'x'/],
    ['a template literal', 'f0(`${1}`,', /^expression TemplateLiteral/],
    ['a tagged template', 'f0`x`;f0(', /^expression TaggedTemplateExpression/],
    ['a regular expression', 'f0(/x/,', /^literal \/x\//],
    ['a BigInt literal', 'f0(1n,', /^literal 1n/],
    ['this', 'f0(this,', /^expression ThisExpression/],
    ['new', 'f0(new f0(),', /^expression NewExpression/],
    ['dynamic import', 'f0(import(1),', /^expression ImportExpression/],
    ['a spread argument', 'f0(...RI,', /^expression SpreadElement/],
    ['an object getter', 'f0({get t(){return 1}},', /^object property form/],
    ['a computed object key', 'f0({[1]:1},', /^object property form/],
    ['a shorthand property', 'f0({dv},', /^object property form/],
    ['an optional call', 'f0?.(', /^expression ChainExpression/],
    ['delete', 'f0(delete RI[0],', /^delete/],
    ['a class', 'f0(class {},', /^expression ClassExpression/],
    ['a generator', 'f0(function*(){},', /^async or generator function/],
    ['an async arrow', 'f0(async()=>1,', /^async or generator function/],
    ['a destructuring parameter', 'f0(({t})=>1,', /^parameter pattern ObjectPattern/],
    ['an array pattern assignment', 'f0([RI]=[1],', /^assignment target ArrayPattern/],
    ['an assignment to Math', 'f0(Math=1,', /^assignment to free identifier 'Math'/],
    ['an assignment to rt', 'f0(rt=1,', /^assignment to free identifier 'rt'/],
    ['typeof (a string without a string literal)', 'f0(typeof f0,', /^typeof/],
    ['indexing into a value that may be a string', 'f0((f0+1)[3],', /^computed member of something other than a field/],
    ['a computed key that is not a number literal', 'f0(I.types[f0+1],', /^computed member with a key other than a number literal/],
    ['a computed key on a return area that is not a number literal', 'f0(RI[RI.length],', /^computed member with a key other than/],
    ['eval of anything but source(x)', 'f0(eval(1),', /^free identifier 'eval'/],
    ['eval of source with two arguments', 'f0(eval(source(1,2)),', /^free identifier 'eval'/],
  ];
  for (const [what, replacement, expected] of CASES) {
    it(what, () => {
      const tampered = eager.replace(/\bf0\(/, replacement);
      expect(tampered).not.toBe(eager);
      expect(problem(tampered)).toMatch(expected);
    });
  }

  it('statements outside the subset', () => {
    const body = (s: string) => eager.replace(/return function \(I\) \{/, `return function (I) {${s}`);
    expect(problem(body('var x = 1;'))).toBeNull();
    expect(problem(body('{ var x = 1; }'))).toBe('\'var\' declaration inside a block');
    expect(problem(body('if (1) var x = 1;'))).toBe('\'var\' declaration inside a block');
    expect(problem(body('for (var x = 0;;) break;'))).toBe('\'var\' declaration inside a block');
    expect(problem(body('var x = 1; var x = 2;'))).toBe('second declaration of \'x\'');
    expect(problem(body('with (Math) {}'))).toMatch(/^unparsable|^statement WithStatement/);
    expect(problem(body('try {} catch (e) {}'))).toBe('statement TryStatement');
    expect(problem(body('throw 1;'))).toBe('statement ThrowStatement');
    expect(problem(body('for (const k of RI) {}'))).toBe('statement ForOfStatement');
    expect(problem(body('for (const k in RI) {}'))).toBe('statement ForInStatement');
    expect(problem(body('debugger;'))).toBe('statement DebuggerStatement');
    expect(problem(body('class X {}'))).toBe('statement ClassDeclaration');
    expect(problem(body('const {t} = I;'))).toBe('destructuring ObjectPattern');
  });

  it('module code must be strict; evaluated code may not eval again', () => {
    expect(problem(eager.replace(/^"use strict";/, ''))).toBe('no \'use strict\' directive first');
    expect(problem(eager.replace(/^"use strict";/, '"use asm";'))).toBe('no \'use strict\' directive first');
    expect(problem(`${fn};eval(source(i))`, { evalScope })).toBe('free identifier \'eval\'');
  });

  it('unparsable code is reported with its position', () => {
    const e = failure('\'use strict\';\nconst a = ;');
    expect(e.problem).toMatch(/^unparsable code/);
    expect([e.line, e.column]).toEqual([2, 11]);
  });
});

describe('scope analysis', () => {
  const ok = (body: string) => problem(`'use strict';${body}`);

  it('declared names may be anything; only free names are checked', () => {
    expect(ok('const process = 1; process;')).toBeNull();
    expect(ok('function f(require) { return require; }')).toBeNull();
    expect(ok('const f = function globalThis() { return globalThis; };')).toBeNull();
    expect(ok('const f = (Function) => Function;')).toBeNull();
    expect(ok('let a = 1; { let a = 2; a; } a;')).toBeNull();
    expect(ok('switch (1) { case 1: let q = 2; default: q; }')).toBeNull();
    expect(ok('for (let i = 0; i < 2; i = i + 1) { i; }')).toBeNull();
  });

  it('labels and property names are not identifiers', () => {
    expect(ok('globalThis: while (true) { break globalThis; }')).toBeNull();
    expect(ok('process: for (;;) { continue process; }')).toBeNull();
    expect(ok('const o = { t: 1 }; o.t;')).toBeNull();
    expect(ok('const o = { process: 1 };')).toBe('property \'process\'');
  });

  it('declarations are hoisted within their block, and stay inside it', () => {
    expect(ok('f(); function f() { return g; } const g = 1;')).toBeNull();
    expect(ok('{ let a = 1; } a;')).toBe('free identifier \'a\'');
    expect(ok('{ function h() {} } h();')).toBe('free identifier \'h\'');
    expect(ok('const f = function named() {}; named;')).toBe('free identifier \'named\'');
    expect(ok('function f(p) {} p;')).toBe('free identifier \'p\'');
    expect(ok('for (let i = 0;;) { break; } i;')).toBe('free identifier \'i\'');
    expect(ok('if (1) { const z = 1; } z;')).toBe('free identifier \'z\'');
  });

  it('computed members: a field or a return area, a number literal key (any key for table elements)', () => {
    const code = (body: string) => `'use strict';const RI = rt.RI;return function (I) { const T0 = I.tables[0]; ${body} };`;
    expect(problem(code('I.types[0]; RI[1]; T0.elems[T0.elems.length - 1]; T0.elems[RI[0]];'))).toBeNull();
    expect(problem(code('T0.elems[process];'))).toBe('free identifier \'process\'');
    expect(problem(code('const o = [1]; o[0];'))).toBe('computed member of something other than a field or a return area');
    expect(problem(code('Math[NaN];'))).toBe('computed member of something other than a field or a return area');
    expect(problem(code('I.types[NaN];'))).toBe('computed member with a key other than a number literal');
    // A return area only as the factory binds it: not shadowed, not bound to anything else.
    expect(problem(code('const RI = f + 1; RI[3];').replace('return function (I) {', 'return function (I, f) {'))).toBe('computed member of something other than a field or a return area');
    expect(problem('\'use strict\';const RI = rt.RF;RI[0];')).toBe('computed member of something other than a field or a return area');
    expect(problem('\'use strict\';let RI = rt.RI;RI[0];')).toBe('computed member of something other than a field or a return area');
    // The factory binds it with `var` (no temporal dead zone to check): then it may not be assigned or declared again.
    const vars = (body: string) => `'use strict';var RI = rt.RI;return function (I) { ${body} };`;
    expect(problem(vars('RI[0] = 1;'))).toBeNull();
    expect(problem(vars('RI = I.types; RI[0];'))).toBe('assignment to return area \'RI\'');
    expect(problem(vars('RI++;'))).toBe('assignment to return area \'RI\'');
    expect(problem('\'use strict\';var RI = rt.RI;var RI = [1];RI[0];')).toBe('second declaration of \'RI\'');
  });

  it('the free names allowed by default', () => {
    expect(ok('rt.trap; Math.imul; NaN; Infinity; undefined;')).toBeNull();
    expect(ok('Math.random;')).toBe('property \'random\'');
  });

  it('evaluated code indexes a return area only when the factory bound it to the runtime', () => {
    const factory = (decl: string) => `'use strict';${decl};return function (I) { function compile(i) { return eval(source(i)); } };`;
    const { evalScope: good } = checkGenerated(factory('const RI = rt.RI'));
    expect(problem('RI[0];', { evalScope: good })).toBeNull();
    const { evalScope: bad } = checkGenerated(factory('const RI = rt.RF'));
    expect(problem('RI[0];', { evalScope: bad })).toBe('free identifier \'RI\'');
    expect(problem('(function () { const RI = 1; return RI[0]; });', { evalScope: good }))
      .toBe('computed member of something other than a field or a return area');
    expect(problem('RI = [1]; RI[0];', { evalScope: good })).toBe('assignment to return area \'RI\'');
  });

  it('the lazy eval is recognised in its exact form only, and returns the names visible there', () => {
    const code = '\'use strict\';const a = rt.trap;return function (I) { const f1 = 1; function compile(i) { return eval(source(i)); } };';
    const r = checkGenerated(code);
    expect([...r.evalScope!].sort()).toEqual(['I', 'a', 'compile', 'f1', 'i']);
    expect(problem(code.replace('eval(source(i))', 'eval(source)'))).toBe('free identifier \'eval\'');
    expect(problem(code.replace('eval(source(i))', 'source(i)'))).toBe('free identifier \'source\'');
    // A local `source` is not the factory's: then `eval` is just a free name.
    expect(problem(code.replace('const f1 = 1;', 'const source = 1;'))).toBe('free identifier \'eval\'');
  });
});


describe('nesting beyond what the check can walk', () => {
  it('is refused with UnsafeCodeError (fail closed), never a stack overflow', () => {
    for (const n of [3_000, 30_000]) {
      const code = `'use strict';\nreturn function (I) {\nfunction f0(l0) {\n${'if (l0) {\n'.repeat(n)}${'}\n'.repeat(n)}}\nreturn { funcs: [f0] };\n};\n`;
      let error: unknown;
      try {
        checkGenerated(code);
      } catch (e) {
        error = e;
      }
      // Shallow enough code passes; deeper code must fail with the checker's own error.
      if (error !== undefined) {
        expect(error).toBeInstanceOf(UnsafeCodeError);
        expect((error as Error).message).toMatch(/nested too deeply to be checked|unparsable code/);
      }
    }
    const deep = `'use strict';\nreturn function (I) {\nfunction f0(l0) {\n${'if (l0) {\n'.repeat(30_000)}${'}\n'.repeat(30_000)}}\nreturn { funcs: [f0] };\n};\n`;
    expect(() => checkGenerated(deep)).toThrow(UnsafeCodeError);
  });
});

describe('the allowlist of runtime helpers', () => {
  it("is the code generator's list, kept as a reviewed copy", () => {
    expect([...RUNTIME_HELPERS].sort()).toEqual([...HELPERS].sort());
  });
});
