// Printer corner cases: literals astring would print wrongly on its own, and generated code shapes.
import { describe, it, expect } from 'vitest';
import { generate } from 'astring';
import * as J from '../../../compiler/codegen/estree.js';
import wabtInit from 'wabt';
import { decodeModule } from '../../../compiler/decode/decode.js';
import { validateModule } from '../../../compiler/validate/validate.js';
import { generateModule } from '../../../compiler/codegen/module.js';

const print = (e: J.ES.Expression) => generate(J.exprStmt(e)).trim();

describe('number literals', () => {
  it('prints -0, NaN and infinities exactly', () => {
    expect(print(J.num(-0))).toBe('-0;');
    expect(print(J.num(NaN))).toBe('NaN;');
    expect(print(J.num(Infinity))).toBe('Infinity;');
    expect(print(J.num(-Infinity))).toBe('-Infinity;');
    expect(print(J.num(-5))).toBe('-5;');
    expect(print(J.bin('-', J.id('a'), J.num(-5)))).toBe('a - -5;');
    expect(Object.is(eval(print(J.num(-0))), -0)).toBe(true);
  });

  it('round-trips every double it prints', () => {
    for (const v of [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, 2 ** 53 + 2, -2147483648]) {
      expect(eval(print(J.num(v)))).toBe(v);
    }
  });
});

describe('generated module', () => {
  it('emits NaN constants with payload from bits and i64 constants as exact pairs', async () => {
    const wabt = await wabtInit();
    const bytes = wabt.parseWat('t.wat', `(module
      (func (export "n") (result f64) (f64.const nan:0x4000000000001))
      (func (export "k") (result i64) (i64.const -9223372036854775807)))`).toBinary({}).buffer;
    const { code } = generateModule(validateModule(decodeModule(new Uint8Array(bytes))));
    expect(code).toContain('f64_from_bits(1, 2146697216)');
    expect(code).toMatch(/RI\[0\] = -2147483648;\s*return 1;/);
  });
});
