// runtime/trap.ts: trap messages and the translation of V8's RangeErrors at the boundary.

import { describe, expect, it } from 'vitest';
import { Trap, TRAP_MESSAGES } from '../../../runtime/abi.js';
import { RuntimeError } from '../../../runtime/errors.js';
import { markHost, trap, translateError } from '../../../runtime/trap.js';
import { WA } from './native.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

function recurse(n: number): number {
  return recurse(n + 1) + 1;
}

describe('trap', () => {
  it('throws a RuntimeError (also a WebAssembly.RuntimeError) with the spec wording', () => {
    for (let code = 0; code < TRAP_MESSAGES.length; code++) {
      const e = thrown(() => trap(code as Trap));
      expect(e).toBeInstanceOf(RuntimeError);
      expect(e).toBeInstanceOf(WA.RuntimeError);
      expect((e as Error).message).toBe(TRAP_MESSAGES[code]);
    }
    expect((thrown(() => trap(Trap.DivideByZero)) as Error).message).toBe('integer divide by zero');
  });
});

describe('translateError', () => {
  it('turns stack overflow into "call stack exhausted"', () => {
    const e = translateError(thrown(() => recurse(0)));
    expect(e).toBeInstanceOf(RuntimeError);
    expect((e as Error).message).toBe('call stack exhausted');
  });

  it('turns DataView bounds errors into "out of bounds memory access"', () => {
    const dv = new DataView(new ArrayBuffer(8));
    for (const f of [() => dv.getInt32(6, true), () => dv.setFloat64(1, 0, true), () => dv.getUint8(-1),
      () => dv.getBigInt64(2 ** 32, true)]) {
      const e = translateError(thrown(f));
      expect(e).toBeInstanceOf(RuntimeError);
      expect((e as Error).message).toBe('out of bounds memory access');
    }
  });

  it('leaves host-marked errors, other errors and non-errors alone', () => {
    const host = thrown(() => recurse(0));
    markHost(host);
    expect(translateError(host)).toBe(host);
    const hostDv = thrown(() => new DataView(new ArrayBuffer(1)).getInt32(0));
    markHost(hostDv);
    expect(translateError(hostDv)).toBe(hostDv);
    const other = new RangeError('Invalid array length');
    expect(translateError(other)).toBe(other);
    const te = new TypeError('x');
    expect(translateError(te)).toBe(te);
    expect(translateError(42)).toBe(42);
    expect(translateError(undefined)).toBe(undefined);
    markHost(42); // primitives are accepted and never translated
    const rt = new RuntimeError('unreachable');
    expect(translateError(rt)).toBe(rt);
  });
});
