// The fuzz driver's differential mode (`npm run fuzz -- --diff`): valid programs only, run on wajit and on
// native WebAssembly, results, traps and state compared after every call. Even iterations are random programs
// (test/diff/gen.ts, the program's seed derived from the run's seed and the iteration), odd ones a spec
// module (test/diff/spec-args.ts) called with random and edge arguments. The CI tests run the same with
// fixed seeds and small counts (test/diff/random-programs.test.ts, test/diff/spec-args.test.ts).

import { join, resolve } from 'node:path';
import { generateProgram } from '../diff/gen.js';
import { Pair, Rng, randomValue, summary, watToWasm } from '../diff/harness.js';
import { type SpecModule, driveSpecModule, specModules } from '../diff/spec-args.js';
import { type Finding, type Stats, mix, repoRoot } from './campaign.js';

/** The spec modules the differential mode draws from. */
export function loadSpecModules(): SpecModule[] {
  return specModules(join(resolve(repoRoot(), process.env.WASM_SPEC_DIR ?? '../shared/spec'), 'core'));
}

export interface DiffInput {
  readonly bytes: Uint8Array;
  readonly origin: string;
  readonly rng: Rng;
  /** The spec module, for odd iterations. */
  readonly module?: SpecModule;
}

export function makeDiffInput(spec: readonly SpecModule[], seed: number, i: number): DiffInput {
  const r = new Rng(mix(seed, i));
  if (i % 2 === 0 || spec.length === 0) {
    const programSeed = r.u32();
    const { wat } = generateProgram(programSeed);
    const origin = `generated program: generateProgram(${programSeed}) in test/diff/gen.ts`;
    return { bytes: watToWasm(`program${programSeed}.wat`, wat), origin, rng: r };
  }
  const module = r.pick(spec);
  return { bytes: module.bytes, origin: `spec module ${module.name}`, rng: r, module };
}

/** Calls per function of a generated program, and per export of a spec module. */
const PROGRAM_CALLS = 16;
const SPEC_CALLS = 24;

export function runDiffInput(input: DiffInput, stats: Stats): Finding[] {
  stats.inputs++;
  stats.compiled++;
  if (input.module !== undefined) {
    const res = { mismatches: [] as string[], calls: 0, traps: 0, stopped: 0 };
    driveSpecModule(input.module, input.rng, SPEC_CALLS, res);
    stats.instantiated++;
    stats.calls += res.calls;
    stats.traps += res.traps;
    stats.nativeTimeouts += res.stopped;
    return res.mismatches.map((message) => ({ kind: 'mismatch', message }));
  }
  let pair: Pair;
  try {
    pair = new Pair('program', input.bytes);
  } catch (e) {
    return [{ kind: 'mismatch', message: `a generated program does not instantiate on one engine: ${(e as Error).message}` }];
  }
  stats.instantiated++;
  for (const name of pair.funcs()) {
    const sig = pair.sigs.get(name)!;
    for (let k = 0; k < PROGRAM_CALLS; k++) pair.call(name, sig.params.map((t) => randomValue(input.rng, t)));
  }
  stats.calls += pair.stats.calls;
  stats.traps += pair.stats.throws;
  return pair.mismatches.length > 0 ? [{ kind: 'mismatch', message: summary(pair.mismatches, 5) }] : [];
}
