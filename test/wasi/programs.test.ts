// The WASI test programs (test/wasi/c/*.c, built by test/wasi/c/build.sh) under wajit: through the API
// (wajit's WebAssembly + wajit's WASI), through `wajit run` (the CLI, a child process with stdin fed and the
// exit code checked), under Node's native WebAssembly served by wajit's WASI, and with /sandbox on wajit's
// in-memory filesystem. Every run must print exactly test/wasi/c/<id>.expected, nothing on stderr, and exit
// with the run's code. The expected transcripts were reviewed line by line against the WASI spec (and
// wasmtime where the spec is silent); each program also checks its own results, so a wrong line would read
// "label: got [want expected]" and no expected transcript may contain one.
//
// UPDATE=1 rewrites the expected transcripts from the API runs (review the diff before committing it).
// Also checked here: the programs together import all 46 functions of wasi_snapshot_preview1; every .c has
// its .wasm and a run, every .expected a run (no orphans); and, where clang-14 is installed, build.sh
// rebuilds byte-identical .wasm files from the sources.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  C_DIR, ensureCliBuilt, expectedPath, MEMFS_RUNS, PREVIEW1_FUNCTIONS, readExpected, RUNS, runEntry, tempDir,
  wasiImports, type ProgramRun, type RunResult,
} from './harness.js';

const UPDATE = process.env.UPDATE === '1';

function expectTranscript(run: ProgramRun, r: RunResult, update = false): void {
  if (update) writeFileSync(expectedPath(run.id), r.stdout);
  expect({ end: r.end, stderr: r.stderr }).toEqual({ end: undefined, stderr: '' });
  expect(r.stdout).toBe(readExpected(run.id));
  expect(r.exitCode).toBe(run.exitCode);
}

describe('WASI programs under wajit WebAssembly + wajit WASI (API)', () => {
  for (const run of RUNS) it(run.id, async () => expectTranscript(run, await runEntry('api', run), UPDATE));
});

describe('WASI programs under native WebAssembly + wajit WASI', () => {
  for (const run of RUNS) it(run.id, async () => expectTranscript(run, await runEntry('native', run)));
});

describe('WASI programs with /sandbox on the in-memory filesystem', () => {
  for (const run of MEMFS_RUNS) it(run.id, async () => expectTranscript(run, await runEntry('memfs', run)));
});

describe.concurrent('WASI programs through `wajit run` (CLI)', () => {
  beforeAll(() => ensureCliBuilt());
  for (const run of RUNS) it(run.id, async () => expectTranscript(run, await runEntry('cli', run, 60_000)), 60_000);
});

describe('the programs and their transcripts', () => {
  const sources = readdirSync(C_DIR).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();

  it('import every function of wasi_snapshot_preview1, and nothing else', () => {
    const imported = new Set(sources.flatMap((p) => wasiImports(p)));
    expect([...imported].sort()).toEqual([...PREVIEW1_FUNCTIONS].sort());
    expect(PREVIEW1_FUNCTIONS).toHaveLength(46);
  });

  it('have no orphans: every program has its .wasm and a run, every .expected a run', () => {
    const ids = new Set([...RUNS.map((r) => r.id), 'hostile']);
    for (const p of sources) {
      expect(existsSync(join(C_DIR, `${p}.wasm`)), `${p}.wasm`).toBe(true);
      expect(RUNS.some((r) => r.program === p) || p === 'hostile', `a run of ${p}`).toBe(true);
    }
    for (const f of readdirSync(C_DIR).filter((n) => n.endsWith('.expected'))) expect(ids.has(f.slice(0, -9)), f).toBe(true);
    for (const f of readdirSync(C_DIR).filter((n) => n.endsWith('.wasm'))) expect(sources.includes(f.slice(0, -5)), f).toBe(true);
  });

  it('expect no mismatch of the programs\' own checks', () => {
    for (const id of [...RUNS.map((r) => r.id), 'hostile']) {
      const text = readExpected(id);
      expect(text.includes('[want '), id).toBe(false);
      expect(text, id).toMatch(/^mismatches: 0$/m);
    }
  });

  const clang = spawnSync('sh', ['-c', 'command -v clang-14'], { encoding: 'utf8' }).stdout.trim();
  it.skipIf(!clang || !existsSync('/usr/lib/wasm32-wasi/libc.a'))('rebuild byte-identically with build.sh', () => {
    const dir = tempDir('build');
    try {
      for (const f of readdirSync(C_DIR).filter((n) => n.endsWith('.c') || n.endsWith('.h') || n === 'build.sh')) cpSync(join(C_DIR, f), join(dir, f));
      const r = spawnSync('sh', [join(dir, 'build.sh')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const p of sources) expect(readFileSync(join(dir, `${p}.wasm`)).equals(readFileSync(join(C_DIR, `${p}.wasm`))), `${p}.wasm`).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
