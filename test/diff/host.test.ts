// Differential tests of the JS boundary with host code in the loop (test/diff/wat/host.wat): what imported
// functions receive and what their return values turn into (ToWebAssemblyValue), host exceptions crossing
// wasm frames unchanged (even a RangeError that looks like one of V8's own traps), re-entrant calls, and
// imported memory, table and globals changed from JS between calls. Each engine gets its own host objects,
// built by the same code; the hosts log what they receive, and the logs must match too.

import { describe, expect, it } from 'vitest';
import { Native, Pair, Wajit, loadWat, show, summary, type WasmGlobal, type WasmMemory, type WasmTable } from './harness.js';

type Engine = 'native' | 'wajit';
type Fn = (...args: unknown[]) => unknown;

class Fresh {
  constructor(readonly make: () => unknown) {}
}

/** What the host functions return next, settable by the test (one value for both engines). */
const ret: Record<string, unknown> = {};

function deepOverflow(): RangeError {
  const recurse = (n: number): number => recurse(n + 1) + 1;
  try {
    recurse(0);
  } catch (e) {
    return e as RangeError;
  }
  throw new Error('no stack overflow');
}

interface Host {
  readonly log: string[];
  thrown: unknown;
  exports?: Record<string, unknown>;
}

const hosts: Record<Engine, Host> = { native: { log: [], thrown: undefined }, wajit: { log: [], thrown: undefined } };

function imports(engine: Engine): object {
  const api = engine === 'native' ? Native : Wajit;
  const h = hosts[engine];
  const logged = (name: string, f: () => unknown) => (...args: unknown[]) => {
    h.log.push(`${name}(${args.map(show).join(', ')})`);
    return f();
  };
  return {
    host: {
      i32: logged('i32', () => ret.i32),
      i64: logged('i64', () => ret.i64),
      f32: logged('f32', () => ret.f32),
      f64: logged('f64', () => ret.f64),
      // A one-shot iterator cannot be shared by the two engines: Fresh makes a new one for each call.
      multi: logged('multi', () => (ret.multi instanceof Fresh ? ret.multi.make() : ret.multi)),
      reenter: (n: number) => (h.exports!.down as Fn)(n),
      throws: (k: number) => {
        const errors = [
          new RangeError('Offset is outside the bounds of the DataView'),
          deepOverflow(),
          'a string',
          new api.RuntimeError('unreachable'),
          { custom: true },
        ];
        if (k >= 0 && k < errors.length) {
          h.thrown = errors[k];
          throw errors[k];
        }
      },
      mem: new api.Memory({ initial: 1, maximum: 4 }),
      tab: new api.Table({ initial: 4, element: 'anyfunc' }),
      g: new api.Global({ value: 'i64', mutable: true }, 5n),
      gc: new api.Global({ value: 'f64' }, -0),
    },
  };
}

function newPair(): Pair {
  hosts.native.log.length = 0;
  hosts.wajit.log.length = 0;
  const p = new Pair('host.wat', loadWat('host.wat'), imports);
  hosts.native.exports = p.native;
  hosts.wajit.exports = p.wajit;
  return p;
}

function expectClean(p: Pair): void {
  expect(p.mismatches, summary(p.mismatches)).toEqual([]);
  expect(hosts.wajit.log).toEqual(hosts.native.log);
}

describe('differential: host functions, wajit vs native', () => {
  it('imported functions receive converted arguments and their results are converted back', () => {
    const p = newPair();
    const sym = Symbol('s');
    const values: unknown[] = [
      5, -1, 2 ** 32 + 3, 1.9, -0, NaN, Infinity, '12', 'x', '', undefined, null, true, { valueOf: () => 9 }, [7],
      10n, -(2n ** 64n) + 1n, sym,
    ];
    for (const v of values) {
      ret.i32 = ret.f32 = ret.f64 = ret.i64 = v;
      p.call('call_i32', [41]);
      p.call('call_f32', [1.5]);
      p.call('call_f64', [-2.5]);
      p.call('call_i64', [-(2n ** 63n)]);
    }
    for (const v of [5n, -1n, 2n ** 64n + 5n, '12', ' 0x1f ', true, { valueOf: () => 3n }]) {
      ret.i64 = v;
      p.call('call_i64', [2n ** 63n - 1n]);
    }
    expectClean(p);
  });

  it('a multi-value import may return any iterable of the right length', () => {
    const p = newPair();
    function* gen(): Generator<unknown> {
      yield 1;
      yield 2n;
      yield 3.9;
    }
    const results: unknown[] = [
      [1, 2n, 3.5], [1, 2n], [1, 2n, 3, 4], '123', new Fresh(gen), new Set([4, 5n, 6]), 5, null, [1, 2, 3],
      { length: 3, 0: 1, 1: 2n, 2: 3 }, new Fresh(() => [1, 2n, 3].values()),
    ];
    for (const r of results) {
      ret.multi = r;
      p.call('call_multi', [7]);
    }
    expectClean(p);
  });

  it('JS code run by a result or argument conversion may call into wasm without clobbering anything', () => {
    const p = newPair();
    // valueOf of the later results calls a multi-value export of the same instance (of the same engine).
    const sneaky = (engine: Engine, v: unknown) => ({
      valueOf: () => {
        (hosts[engine].exports!.pair64 as Fn)(0x1111111122222222n, -3n);
        return v;
      },
    });
    let engine: Engine = 'native';
    ret.multi = new Fresh(() => [sneaky(engine, 1), sneaky(engine, 0x123456789n), sneaky(engine, 3.5)]);
    for (engine of ['native', 'wajit'] as Engine[]) {
      const r = (p[engine].call_multi as Fn)(1);
      expect(r, engine).toBe(1n + 0x123456789n + 3n);
    }
    ret.i64 = { valueOf: () => ((hosts.native.exports!.pair64 as Fn)(1n, 2n), (hosts.wajit.exports!.pair64 as Fn)(3n, 4n), -(2n ** 62n)) };
    p.call('call_i64', [5n]);
    // Arguments: converting the second argument runs wasm code before the call starts.
    for (engine of ['native', 'wajit'] as Engine[]) {
      const r = (p[engine].pair64 as Fn)(0x7fffffff00000001n, sneaky(engine, -0x100000000n)) as unknown[];
      expect(r, engine).toEqual([-0x100000000n, 0x7fffffff00000001n, 0.25]);
    }
    expectClean(p);
  });

  it('host exceptions pass through wasm frames as the very same value, after earlier writes took effect', () => {
    const p = newPair();
    for (let k = 0; k <= 5; k++) {
      for (const engine of ['native', 'wajit'] as const) {
        hosts[engine].thrown = undefined;
        let caught: unknown = 'nothing thrown';
        try {
          (p[engine].write_then_throw as Fn)(k);
        } catch (e) {
          caught = e;
        }
        if (k < 5) expect(caught, `${engine}: host exception #${k}`).toBe(hosts[engine].thrown);
        else expect(caught).toBe('nothing thrown');
      }
      expect(p.stateDiff()).toBeNull();
    }
    expectClean(p);
  });

  it('re-entrant calls: wasm -> JS -> wasm, hundreds of levels deep', () => {
    const p = newPair();
    for (const n of [0, 1, 2, 10, 100, 500]) p.call('down', [n]);
    // Until the stack runs out: both throw (V8 a RangeError wherever it happens; wajit a RangeError in JS
    // frames or its RuntimeError in wasm frames), and both instances work afterwards.
    for (const engine of ['native', 'wajit'] as const) {
      let caught: unknown;
      try {
        (p[engine].down as Fn)(1_000_000);
      } catch (e) {
        caught = e;
      }
      const isWajitTrap = caught instanceof Wajit.RuntimeError && (caught as Error).message === 'call stack exhausted';
      expect(caught instanceof RangeError || (engine === 'wajit' && isWajitTrap), `${engine}: ${show(caught)}`).toBe(true);
    }
    for (const n of [0, 3, 100]) p.call('down', [n]);
    p.call('pair64', [1n, 2n]);
    expectClean(p);
  });

  it('imported memory, table and globals changed from JS between calls', () => {
    const p = newPair();
    const both = (f: (e: Record<string, unknown>, api: typeof Native) => void): void => {
      f(p.native, Native);
      f(p.wajit, Wajit as unknown as typeof Native);
    };
    both((e) => new DataView((e.mem as WasmMemory).buffer).setUint32(100, 0xdeadbeef, true));
    p.call('load', [100]);
    p.call('load', [99]);
    both((e) => (e.mem as WasmMemory).grow(1));
    p.call('size', []);
    p.call('load', [131068]);
    p.call('grow', [1]);
    both((e) => new Uint8Array((e.mem as WasmMemory).buffer).fill(7, 196600));
    p.call('load', [196604]);
    p.call('grow', [1]);
    p.call('grow', [1]);
    p.call('size', []);

    both((e) => ((e.g as WasmGlobal).value = 2n ** 63n - 1n));
    p.call('get_g', []);
    p.call('bump_g', [1n]);
    p.call('get_g', []);
    both((e) => ((e.g as WasmGlobal).value = -1n));
    p.call('bump_g', [-(2n ** 63n)]);
    p.call('get_gc', []);

    p.call('call_tab', [0, 1]);
    both((e) => (e.tab as WasmTable).set(0, e.call_i32 as Fn));
    ret.i32 = 100;
    p.call('call_tab', [0, 1]);
    p.call('put_inc', [1]);
    p.call('call_tab', [1, 41]);
    const nget = (p.native.tab as WasmTable).get(1) as Fn;
    const wget = (p.wajit.tab as WasmTable).get(1) as Fn;
    expect(wget(9)).toBe(nget(9));
    both((e) => (e.tab as WasmTable).grow(2));
    p.call('call_tab', [5, 1]);
    p.call('call_tab', [6, 1]);
    expectClean(p);
  });
});
