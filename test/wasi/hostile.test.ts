// The hostile program (test/wasi/c/hostile.c) under wajit's WASI: through the API, through `wajit run`, and
// with Node's native WebAssembly. Each run gets a fresh host tree (harness.ts makeHostileTree: a sandbox
// full of symlinks pointing out, next to a secret/ directory) and must
//   - refuse every escape with the errno its transcript line names (test/wasi/c/hostile.expected),
//   - leave the host tree outside the sandbox byte-for-byte as it was: names, types, modes, sizes, mtimes,
//     contents, link targets; nothing created, nothing removed,
//   - leave the sandbox as it found it (the guest removes the links it made itself).

import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureCliBuilt, expectedPath, makeHostileTree, readExpected, runProgram, snapshotTree, treeChanges, type Engine, type HostileTree,
} from './harness.js';

const trees: HostileTree[] = [];

afterAll(() => {
  for (const t of trees) rmSync(t.base, { recursive: true, force: true });
});

async function hostileRun(engine: Engine): Promise<void> {
  const tree = makeHostileTree();
  trees.push(tree);
  const outsideBefore = snapshotTree(tree.base, tree.skip);
  const sandboxBefore = [...snapshotTree(tree.sandbox).keys()].sort();
  const r = await runProgram(engine, 'hostile', { dirs: { '/sandbox': tree.sandbox }, timeoutMs: 60_000 });
  expect(treeChanges(outsideBefore, snapshotTree(tree.base, tree.skip))).toEqual([]);
  expect([...snapshotTree(tree.sandbox).keys()].sort()).toEqual(sandboxBefore);
  expect({ end: r.end, stderr: r.stderr }).toEqual({ end: undefined, stderr: '' });
  // UPDATE=1 rewrites the expected transcript from the API run (review the diff before committing it).
  if (process.env.UPDATE === '1' && engine === 'api') writeFileSync(expectedPath('hostile'), r.stdout);
  expect(r.stdout).toBe(readExpected('hostile'));
  expect(r.exitCode).toBe(0);
}

describe('hostile guest: every escape refused, nothing outside the sandbox touched', () => {
  beforeAll(() => ensureCliBuilt());
  it('wajit WebAssembly + wajit WASI (API)', () => hostileRun('api'));
  it('native WebAssembly + wajit WASI', () => hostileRun('native'));
  it('`wajit run --dir HOST::/sandbox` (CLI)', () => hostileRun('cli'), 60_000);
});
