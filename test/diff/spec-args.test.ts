// Differential test of the spec suite's modules with random and edge arguments (spec-args.ts): every module
// the suite instantiates, every export with parameters, a few calls each in CI; more with
// SPEC_ARGS_CALLS=N, or without end through the fuzz driver (`npm run fuzz -- --diff`). A check that the
// comparison catches a wrong result and a wrong memory write guards the test itself.

import { describe, expect, it } from 'vitest';
import { HAVE_SPEC, SPEC_CORE, SPEC_REQUIRED } from '../fuzz/inputs.js';
import { type Api, Rng, Wajit, summary } from './harness.js';
import { type DriveResult, driveSpecModule, specModules } from './spec-args.js';

const CALLS = Number(process.env.SPEC_ARGS_CALLS ?? 8);
const SEED = Number(process.env.SPEC_ARGS_SEED ?? 1);

const newResult = (): DriveResult => ({ mismatches: [], calls: 0, traps: 0, stopped: 0 });

describe('differential: spec modules with random arguments', () => {
  const modules = HAVE_SPEC ? specModules(SPEC_CORE) : [];

  it('the spec suite is present when CI requires it', () => {
    if (SPEC_REQUIRED) expect(HAVE_SPEC, `spec suite expected at ${SPEC_CORE}`).toBe(true);
    if (HAVE_SPEC) expect(modules.length).toBeGreaterThan(800);
  });

  it.skipIf(!HAVE_SPEC)(`every module, every export with parameters, ${CALLS} calls each: wajit agrees with native`, () => {
    const r = new Rng(SEED);
    const res = newResult();
    for (const m of modules) driveSpecModule(m, r, CALLS, res);
    if (process.env.DIFF_STATS) console.log({ modules: modules.length, calls: res.calls, traps: res.traps, stopped: res.stopped });
    expect(res.mismatches, summary(res.mismatches)).toEqual([]);
    expect(res.calls).toBeGreaterThan(modules.length * 2);
    expect(res.traps).toBeGreaterThan(res.calls / 50);
  }, 300_000);

  it.skipIf(!HAVE_SPEC)('a wrong result or a wrong memory write is caught', () => {
    // wajit with every i32 result off by one, or with a byte of memory changed after each call.
    const faulty = (fault: 'result' | 'memory'): Api => {
      class Instance {
        readonly exports: Record<string, unknown>;
        constructor(m: object, imports?: object) {
          const real = new Wajit.Instance(m as never, imports).exports as Record<string, unknown>;
          const mem = Object.values(real).find((v) => v instanceof Wajit.Memory) as InstanceType<Api['Memory']> | undefined;
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(real)) {
            out[k] = typeof v !== 'function' ? v : (...a: unknown[]) => {
              const x = (v as (...a: unknown[]) => unknown)(...a);
              if (fault === 'memory' && mem) new Uint8Array(mem.buffer)[7] ^= 1;
              return fault === 'result' && typeof x === 'number' && Number.isInteger(x) ? x + 1 : x;
            };
          }
          this.exports = out;
        }
      }
      return { ...Wajit, Instance } as unknown as Api;
    };
    const i32 = modules.filter((m) => m.name.startsWith('i32.json'));
    const withMemory = modules.filter((m) => m.name.startsWith('memory_copy.json'));
    const wrongResult = newResult();
    for (const m of i32) driveSpecModule(m, new Rng(1), 2, wrongResult, faulty('result'));
    expect(wrongResult.mismatches.length).toBeGreaterThan(0);
    expect(wrongResult.mismatches[0]).toMatch(/native \[-?\d+\], wajit \[-?\d+\]/);
    const wrongMemory = newResult();
    for (const m of withMemory) driveSpecModule(m, new Rng(1), 2, wrongMemory, faulty('memory'));
    expect(wrongMemory.mismatches.join('\n')).toMatch(/state differs afterwards: memory "memory0": first difference at byte 7/);
  });
});
