// Differential tests of the WAT modules in test/diff/wat/: each module is instantiated under wajit and under
// native WebAssembly, and every exported function is driven with edge values and seeded random arguments on
// both (see harness.ts for how outcomes and state are compared). One test per module and compilation mode
// (eager and lazy); a failure lists the first differing calls with their arguments.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWebAssembly } from '../../src/engines.js';
import { type Api, Pair, summary, loadWat, WAT_DIR, I32_EDGES } from './harness.js';
import { CASES } from './wat-cases.js';

// Both compilation modes: eager, and lazy (every function compiled on its first call).
const MODES: readonly [string, Api][] = [['eager', createWebAssembly({ lazy: false })], ['lazy', createWebAssembly({ lazy: true })]];

describe.each(MODES)('differential: WAT modules, wajit (%s) vs native', (_, wajit) => {
  for (const c of CASES) {
    it(c.file, () => {
      const pair = new Pair(c.file, loadWat(c.file), undefined, wajit);
      expect(pair.stateDiff(), 'state right after instantiation').toBeNull();
      pair.drive(c.drive);
      c.then?.(pair);
      if (process.env.DIFF_STATS) console.log(c.file, pair.stats);
      expect(pair.mismatches.length, summary(pair.mismatches)).toBe(0);
    });
  }
});

describe('differential: WAT modules', () => {
  it('every WAT module in the directory is tested (host.wat by host.test.ts)', () => {
    const files = readdirSync(WAT_DIR).filter((f) => f.endsWith('.wat') && f !== 'host.wat').sort();
    expect(files).toEqual(CASES.map((c) => c.file).sort());
  });

  it('the edge values cover the end of a one-page memory', () => {
    expect(I32_EDGES).toEqual(expect.arrayContaining([65532, 65533, 65535, 65536]));
  });
});
