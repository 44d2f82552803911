// The printer (compiler/emit/print.ts): literals printed exactly, operator precedence and tokens that must not
// fuse, statements, both layouts, source positions; and generated code shapes.
import { describe, it, expect } from 'vitest';
import { generate } from 'astring';
import * as acorn from 'acorn';
import { SourceMapConsumer } from 'source-map';
import * as J from '../../../compiler/codegen/estree.js';
import wabtInit from 'wabt';
import { decodeModule } from '../../../compiler/decode/decode.js';
import { validateModule } from '../../../compiler/validate/validate.js';
import { generateModule } from '../../../compiler/codegen/module.js';
import { Printer } from '../../../compiler/emit/print.js';



function printStmt(s: J.ES.Statement, pretty = false): string {
  const p = new Printer({ pretty });
  p.node(s);
  return p.toString().trimEnd();
}
const print = (e: J.ES.Expression, pretty = false): string => printStmt(J.exprStmt(e), pretty);

/** The tree acorn reads from `code`, without positions and with !0 and !1 read as true and false. */
function shape(code: string): unknown {
  return JSON.parse(JSON.stringify(acorn.parse(code, { ecmaVersion: 2022 }), (k, v) => {
    if (k === 'start' || k === 'end' || k === 'raw' || k === 'loc') return undefined;
    if (v?.type === 'UnaryExpression' && v.operator === '!' && v.argument.type === 'Literal' && typeof v.argument.value === 'number') {
      return { type: 'Literal', value: !v.argument.value };
    }
    return v;
  }));
}

describe('number literals', () => {
  it('prints -0, NaN and infinities exactly', () => {
    expect(print(J.num(-0))).toBe('-0;');
    expect(print(J.num(NaN))).toBe('NaN;');
    expect(print(J.num(Infinity))).toBe('Infinity;');
    expect(print(J.num(-Infinity))).toBe('-Infinity;');
    expect(print(J.num(-5))).toBe('-5;');
    expect(print(J.bin('-', J.id('a'), J.num(-5)))).toBe('a- -5;');
    expect(print(J.bin('-', J.id('a'), J.num(-5)), true)).toBe('a - -5;');
    expect(Object.is(eval(print(J.num(-0))), -0)).toBe(true);
  });

  it('round-trips every double it prints', () => {
    for (const v of [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, 2 ** 53 + 2, -2147483648, 1e21, -1e-7]) {
      expect(eval(print(J.num(v)))).toBe(v);
    }
  });

  it('parenthesizes a number literal used as an object', () => {
    expect(print(J.call(J.member(J.num(1), 'toString'), []))).toBe('(1).toString();');
    expect(eval(print(J.call(J.member(J.num(-1), 'toString'), [])))).toBe('-1');
  });
});

describe('tokens that would fuse', () => {
  const a = J.id('a'), b = J.id('b');
  it('separates signs, words and <!', () => {
    expect(print(J.bin('-', a, J.unary('-', b)))).toBe('a- -b;');
    expect(print(J.bin('+', a, J.unary('+', b)))).toBe('a+ +b;');
    expect(print(J.bin('-', a, J.unary('+', b)))).toBe('a-+b;');
    expect(print(J.unary('-', J.unary('-', a)))).toBe('- -a;');
    expect(print(J.bin('<', a, J.unary('!', b)))).toBe('a< !b;');
    expect(print(J.unary('typeof', a))).toBe('typeof a;');
    expect(print(J.bin('in', a, b))).toBe('a in b;');
    expect(printStmt(J.ret(J.num(-1)))).toBe('return -1;');
    expect(printStmt(J.ret(J.id('x')))).toBe('return x;');
    expect(print(J.call(J.member(J.id('dv'), 'getInt32'), [J.num(8), J.bool(true)]))).toBe('dv.getInt32(8,!0);');
    expect(print(J.bin('<', a, J.bool(false)))).toBe('a< !1;');
    expect(print(J.member(J.bool(true), 'x'))).toBe('(!0).x;');
    expect(print(J.bool(true), true)).toBe('true;');
  });
});

describe('precedence', () => {
  // Random expression trees printed by this printer and by astring (the reference) must parse to the same
  // tree and evaluate to the same value.
  const OPS = ['+', '-', '*', '/', '%', '|', '&', '^', '<<', '>>', '>>>', '<', '<=', '===', '!==', '**'] as const;
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  function tree(depth: number): J.ES.Expression {
    if (depth === 0 || rnd(5) === 0) return rnd(3) === 0 ? J.id(['x', 'y', 'z'][rnd(3)]!) : J.num([0, 1, 2, -3, 0.5, -0][rnd(6)]!);
    switch (rnd(8)) {
      case 0: return J.unary((['-', '+', '!', '~'] as const)[rnd(4)]!, tree(depth - 1));
      case 1: return J.cond(tree(depth - 1), tree(depth - 1), tree(depth - 1));
      case 2: return J.logical((['&&', '||', '??'] as const)[rnd(3)]!, tree(depth - 1), tree(depth - 1));
      case 3: return J.assign(J.id('w'), tree(depth - 1));
      case 4: return J.call(J.id('f'), [tree(depth - 1), tree(depth - 1)]);
      default: return J.bin(OPS[rnd(OPS.length)]!, tree(depth - 1), tree(depth - 1));
    }
  }

  it('prints random trees that read back as the same tree', () => {
    const f = (p: number, q: number): number => p * 3 - q;
    for (let i = 0; i < 3000; i++) {
      const e = tree(5);
      const reference = generate(J.exprStmt(e));
      for (const pretty of [false, true]) {
        const ours = print(e, pretty);
        expect(shape(ours), ours).toEqual(shape(reference));
        const run = (code: string): unknown => {
          try {
            return new Function('x', 'y', 'z', 'f', `let w; return [${code.replace(/;$/, '')}, w]`)(5, -2, 0.25, f);
          } catch (err) {
            return (err as Error).constructor.name; // a ** of a negative base, for example, in both
          }
        };
        expect(run(ours), ours).toEqual(run(reference));
      }
    }
  });

  it('parenthesizes what needs it, and nothing else', () => {
    const [a, b, c] = [J.id('a'), J.id('b'), J.id('c')];
    expect(print(J.bin('-', a, J.bin('-', b, c)))).toBe('a-(b-c);');
    expect(print(J.bin('-', J.bin('-', a, b), c))).toBe('a-b-c;');
    expect(print(J.bin('**', J.unary('-', a), b))).toBe('(-a)**b;');
    expect(print(J.bin('**', a, J.bin('**', b, c)))).toBe('a**b**c;');
    expect(print(J.logical('??', J.logical('||', a, b), c))).toBe('(a||b)??c;');
    expect(print(J.cond(J.cond(a, b, c), a, J.cond(a, b, c)))).toBe('(a?b:c)?a:a?b:c;');
    expect(print(J.call(J.cond(a, b, c), []))).toBe('(a?b:c)();');
    expect(print(J.member(J.bin('+', a, b), 'x'))).toBe('(a+b).x;');
    expect(print(J.bin('|', J.bin('+', a, b), J.num(0)))).toBe('a+b|0;');
  });
});

describe('statements', () => {
  it('keeps an else with its own if', () => {
    const inner = J.ifStmt(J.id('b'), J.exprStmt(J.id('x')));
    const code = printStmt(J.ifStmt(J.id('a'), inner, J.exprStmt(J.id('y'))));
    expect(shape(code)).toEqual(shape('if (a) { if (b) x; } else y;'));
    // A block of one `if` keeps its braces too (only lone jumps and expressions lose theirs).
    const blocked = printStmt(J.ifStmt(J.id('a'), J.block([inner]), J.block([J.exprStmt(J.id('y'))])));
    expect(blocked).toBe('if(a){if(b)x;}else y;');
  });

  it('parenthesizes expression statements that would read as declarations or blocks', () => {
    const fn = J.funcExpr([], []);
    expect(printStmt(J.exprStmt(J.call(fn, [])))).toBe('(function(){}());');
    expect(printStmt(J.exprStmt(J.object([['a', J.num(1)]])))).toBe('({a:1});');
    expect(printStmt(J.exprStmt(J.assign(J.id('f'), fn)))).toBe('f=function(){};');
  });

  it('prints the statement kinds code generation uses, compact and pretty', () => {
    const body = [
      J.letDecl([['x', J.num(0)], ['y', null]]),
      J.labeled('L1', J.whileTrue(J.block([
        J.ifStmt(J.bin('===', J.id('x'), J.num(3)), J.block([J.brk('L1')]), J.block([J.cont('L1')])),
      ]))),
      J.switchStmt(J.id('x'), [J.switchCase(J.num(1), [J.ret(J.num(1))]), J.switchCase(null, [J.brk(null)])]),
      J.ret(null),
    ];
    const fn = J.funcDecl('f7', ['l0', 'l0h'], body);
    const compact = printStmt(fn);
    // Compact: one line, no braces around a lone jump.
    expect(compact).toBe(
      'function f7(l0,l0h){let x=0,y;L1:while(!0){if(x===3)break L1;else continue L1;}' +
      'switch(x){case 1:return 1;default:break;}return;}');
    const pretty = printStmt(fn, true);
    expect(pretty).toContain('\n  L1: while (true) {\n    if (x === 3) {\n      break L1;\n    } else {\n');
    expect(shape(pretty)).toEqual(shape(generate(fn)));
  });
});

describe('source positions', () => {
  it('maps each positioned node to its byte offset, after any lines printed before', async () => {
    J.trackPositions(true);
    J.setPos(0x21);
    const first = J.exprStmt(J.call(J.id('g'), []));
    J.setPos(0x42);
    const second = J.ret(J.call(J.id('h'), [J.num(1)]));
    J.trackPositions(false);
    const p = new Printer({ sourceMapFile: 'm.wasm' });
    p.text('line one\nline two\n');
    p.node(J.funcDecl('f0', [], [first, second]));
    const map = await new SourceMapConsumer(JSON.parse(p.sourceMap()!));
    try {
      const lines = p.toString().split('\n');
      expect(lines[2]).toBe('function f0(){g();return h(1);}');
      expect(map.originalPositionFor({ line: 3, column: 14 })).toMatchObject({ source: 'm.wasm', line: 1, column: 0x21 });
      expect(map.originalPositionFor({ line: 3, column: 25 })).toMatchObject({ line: 1, column: 0x42 });
      expect(map.originalPositionFor({ line: 3, column: 18 })).toMatchObject({ line: 1, column: 0x42 });
    } finally {
      map.destroy();
    }
  });
});

describe('generated module', () => {
  it('emits NaN constants with payload from bits and i64 constants as exact pairs', async () => {
    const wabt = await wabtInit();
    const bytes = wabt.parseWat('t.wat', `(module
      (func (export "n") (result f64) (f64.const nan:0x4000000000001))
      (func (export "k") (result i64) (i64.const -9223372036854775807)))`).toBinary({}).buffer;
    const v = validateModule(decodeModule(new Uint8Array(bytes)));
    expect(generateModule(v).code).toContain('f64_from_bits(1,2146697216)');
    const { code } = generateModule(v, { pretty: true });
    expect(code).toContain('f64_from_bits(1, 2146697216)');
    expect(code).toMatch(/RI\[0\] = -2147483648;\s*return 1;/);
    expect(shape(generateModule(v).code.replace(/^/, 'function factory(rt, source) {') + '}'))
      .toEqual(shape(code.replace(/^/, 'function factory(rt, source) {') + '}'));
  });
});


