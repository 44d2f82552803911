// Differential tests of randomly generated programs (gen.ts): each seed gives a module of a few functions
// mixing control flow, locals, globals, memory, calls and traps; every function is called on both engines
// with random arguments, and results, traps, memory and globals must agree. A failure names the seed and
// shows the module, so `generateProgram(seed)` reproduces it.

import { describe, expect, it } from 'vitest';
import { generateProgram } from './gen.js';
import { Pair, Rng, randomValue, summary, watToWasm } from './harness.js';

const PROGRAMS = Number(process.env.DIFF_PROGRAMS ?? 300);
const FIRST_SEED = Number(process.env.DIFF_PROGRAM_SEED ?? 1);
const CALLS_PER_FUNCTION = 12;

/** Seeds that expose a known wajit bug, reproduced in known-bugs.test.ts; remove a seed once it is fixed. */
const KNOWN_BAD_SEEDS: ReadonlyMap<number, string> = new Map([]);

describe('differential: random programs, wajit vs native', () => {
  it(`${PROGRAMS} generated programs agree`, () => {
    const failures: string[] = [];
    let calls = 0;
    let traps = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + PROGRAMS; seed++) {
      if (KNOWN_BAD_SEEDS.has(seed)) continue;
      const { wat } = generateProgram(seed);
      let pair: Pair;
      try {
        pair = new Pair(`program ${seed}`, watToWasm(`program${seed}.wat`, wat));
      } catch (e) {
        failures.push(`program ${seed} does not compile on one engine: ${(e as Error).message}\n${wat}`);
        continue;
      }
      const r = new Rng(seed * 7919);
      for (const name of pair.funcs()) {
        const sig = pair.sigs.get(name)!;
        for (let i = 0; i < CALLS_PER_FUNCTION; i++) pair.call(name, sig.params.map((t) => randomValue(r, t)));
      }
      calls += pair.stats.calls;
      traps += pair.stats.throws;
      if (pair.mismatches.length > 0) failures.push(`${summary(pair.mismatches, 5)}\n${wat}`);
      if (pair.mismatches.length > 0 && process.env.DIFF_STATS) console.log(`FAILSEED ${seed} ${pair.mismatches[0]!.slice(0, 300)}`);
    }
    if (process.env.DIFF_STATS) console.log({ programs: PROGRAMS, calls, traps, failures: failures.length });
    expect(failures.length, failures.slice(0, 2).join('\n\n')).toBe(0);
    // Most calls must get past the traps, or the programs would test little.
    expect(traps).toBeLessThan(calls * 0.6);
  });

  it('the generator is deterministic', () => {
    expect(generateProgram(42).wat).toBe(generateProgram(42).wat);
    expect(generateProgram(42).wat).not.toBe(generateProgram(43).wat);
  });
});
