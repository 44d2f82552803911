// Differential tests of small C programs (test/diff/c/*.c, see c-cases.ts): hashing with 64-bit arithmetic,
// sorting arrays in linear memory, float math and string processing. Inputs are written into both instances'
// memories, the exports are called on both with seeded random arguments, and results plus the whole memory
// (stack and data included) must agree. Each program runs compiled eagerly and lazily.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWebAssembly } from '../../src/engines.js';
import { type Api, Pair, summary } from './harness.js';
import { C_CASES } from './c-cases.js';

// Both compilation modes: eager, and lazy (every function compiled on its first call).
const MODES: readonly [string, Api][] = [['eager', createWebAssembly({ lazy: false })], ['lazy', createWebAssembly({ lazy: true })]];

describe.each(MODES)('differential: C programs, wajit (%s) vs native', (_, wajit) => {
  for (const c of C_CASES) {
    it(c.title, () => {
      const p = new Pair(c.program, readFileSync(new URL(`./c/${c.program}.wasm`, import.meta.url)), undefined, wajit);
      c.run(p);
      expect(p.mismatches.length, summary(p.mismatches)).toBe(0);
      expect(p.stats.calls).toBeGreaterThan(0);
    });
  }
});
