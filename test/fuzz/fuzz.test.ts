// The mutation fuzzer under CI: a fixed-seed run of a fixed number of inputs through the real driver and its
// child processes (about 30 s), which must find nothing and must reach far enough (compiled, instantiated,
// calls compared) to mean something; the driver's own detection of a hang, a memory blow-up and a compiler
// crash, each saved under its seed and iteration; and the mutators themselves.
//
// Longer runs: `npm run fuzz -- --seconds 600` (see fuzz.ts).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Native, Rng } from '../diff/harness.js';
import { loadCorpus, makeInput, memoryDiff } from './campaign.js';
import { assemble, leb, mutateStructure, parseSections, readLeb } from './mutate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DRIVER = join(ROOT, 'node_modules', '.cache', 'wajit-fuzz', 'test', 'fuzz', 'fuzz.js');
const INPUTS = Number(process.env.FUZZ_CI_INPUTS ?? 5000);
const SEED = Number(process.env.FUZZ_CI_SEED ?? 1);

let out: string;

beforeAll(() => {
  // The driver runs compiled (its children are plain node processes); tsc puts it under node_modules/.cache.
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/fuzz/tsconfig.json'],
    { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0 || !existsSync(DRIVER)) throw new Error(`building the fuzz driver failed:\n${tsc.stdout}\n${tsc.stderr}`);
  out = mkdtempSync(join(tmpdir(), 'wajit-fuzz-'));
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

interface Summary {
  inputs: number;
  compiled: number;
  instantiated: number;
  calls: number;
  traps: number;
  findings: number;
  saved: { file: string; kind: string; i: number; message: string }[];
}

function drive(args: string[], env: Record<string, string> = {}): { summary: Summary; status: number | null; output: string } {
  const r = spawnSync(process.execPath, [DRIVER, '--json', '--out', out, ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('FUZZ-SUMMARY '));
  if (line === undefined) throw new Error(`no summary from the fuzz driver (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { summary: JSON.parse(line.slice('FUZZ-SUMMARY '.length)) as Summary, status: r.status, output: r.stdout + r.stderr };
}

describe('mutation fuzzer', () => {
  it(`a fixed-seed run of ${INPUTS} inputs finds nothing, and gets far`, () => {
    const { summary, status } = drive(['--seed', String(SEED), '--count', String(INPUTS)]);
    const found = summary.saved.map((s) => `${s.kind} at iteration ${s.i}: ${s.message.slice(0, 500)}\n  ${s.file}`).join('\n');
    expect(summary.findings, found).toBe(0);
    expect(status).toBe(0);
    expect(summary.inputs).toBe(INPUTS);
    // Enough inputs survive mutation to reach code generation, instantiation and execution on both engines.
    expect(summary.compiled).toBeGreaterThan(INPUTS * 0.15);
    expect(summary.instantiated).toBeGreaterThan(INPUTS * 0.1);
    expect(summary.calls).toBeGreaterThan(INPUTS * 0.2);
    expect(summary.traps).toBeGreaterThan(0);
  }, 300_000);

  it('the driver catches a hang, a memory blow-up and a compiler crash, and saves each input by seed and iteration', () => {
    const selftest = JSON.stringify({ hang: [3], oom: [7], crash: [11] });
    // A longer hang limit than the default 2 s: on a loaded machine, touching the 1 GiB that the resident-size
    // watch waits for can itself take seconds, and must not be mistaken for a hang.
    const { summary, status } = drive(['--seed', '5', '--count', '15', '--hang-ms', '6000'], { WAJIT_FUZZ_SELFTEST: selftest });
    expect(status).toBe(1);
    expect(summary.saved.map((s) => [s.kind, s.i]).sort()).toEqual([['crash', 11], ['hang', 3], ['memory', 7]]);
    // The other inputs ran: the batch went on after each death.
    expect(summary.inputs).toBe(15);
    const corpus = loadCorpus();
    for (const s of summary.saved) {
      expect(s.file).toBe(join(out, `seed5-iter${s.i}-${s.kind}.wasm`));
      expect(new Uint8Array(readFileSync(s.file))).toEqual(makeInput(corpus, 5, s.i).bytes);
      const note = readFileSync(s.file.replace(/\.wasm$/, '.txt'), 'utf8');
      expect(note).toContain(`reproduce: npm run fuzz -- --seed 5 --only ${s.i}`);
      expect(note).not.toContain(ROOT);
    }
    expect(summary.saved.find((s) => s.kind === 'crash')!.message).toContain('TypeError: injected');
  }, 120_000);
});

describe('mutators', () => {
  const corpus = loadCorpus();

  it('inputs are a function of seed and iteration alone', () => {
    for (let i = 0; i < 50; i++) expect(makeInput(corpus, 9, i).bytes).toEqual(makeInput(corpus, 9, i).bytes);
    expect(makeInput(corpus, 9, 1).bytes).not.toEqual(makeInput(corpus, 10, 1).bytes);
  });

  it('LEB128: written and read back, in the shortest form or padded', () => {
    const r = new Rng(3);
    for (let n = 0; n < 2000; n++) {
      const signed = r.below(2) === 0;
      const v = signed ? BigInt.asIntN(64, r.u64() >> BigInt(r.below(64))) : BigInt(r.u32() >>> r.below(32));
      const width = 1 + r.below(10);
      const bytes = leb(v, signed, width);
      expect(bytes.length).toBeGreaterThanOrEqual(Math.min(width, 10));
      expect(readLeb(new Uint8Array(bytes), 0, signed)).toEqual({ value: v, end: bytes.length });
    }
    expect(leb(624485n)).toEqual([0xe5, 0x8e, 0x26]);
    expect(leb(-123456n, true)).toEqual([0xc0, 0xbb, 0x78]);
    expect(leb(0n, false, 3)).toEqual([0x80, 0x80, 0x00]);
  });

  it('sections parsed and assembled again give back a module that validates alike', () => {
    for (const s of corpus.small.slice(0, 300)) {
      const secs = parseSections(s.bytes);
      expect(secs, s.name).not.toBeNull();
      expect(Native.validate(assemble(secs!, s.bytes)), s.name).toBe(true);
    }
  });

  it('structural mutations stay valid often enough to reach code generation and execution', () => {
    const r = new Rng(11);
    const valid = new Map<string, [number, number]>();
    for (let n = 0; n < 3000; n++) {
      const [bytes, kind] = mutateStructure(r, r.pick(corpus.small).bytes, corpus.all);
      const e = valid.get(kind) ?? [0, 0];
      e[0]++;
      if (Native.validate(bytes)) e[1]++;
      valid.set(kind, e);
    }
    const rate = (k: string) => valid.get(k)![1] / valid.get(k)![0];
    // Computation added to a function (a dropped expression, an operation on an existing value) keeps it valid.
    expect(rate('insert-expr')).toBeGreaterThan(0.9);
    expect(rate('perturb')).toBeGreaterThan(0.9);
    expect(rate('substitute')).toBeGreaterThan(0.2);
    let all = 0;
    let ok = 0;
    for (const [n, v] of valid.values()) {
      all += n;
      ok += v;
    }
    expect(ok / all).toBeGreaterThan(0.3);
    // And every kind of mutation happens ('bytes': the fallback where an LEB edit finds no LEB).
    expect([...valid.keys()].sort()).toEqual([
      'bytes', 'delete-instr', 'drop-section', 'duplicate-instr', 'duplicate-section', 'immediate', 'insert-expr', 'insert-instr',
      'leb', 'move-section', 'perturb', 'section-count', 'splice-section', 'substitute', 'swap-instr', 'swap-sections',
      'wrap-block',
    ]);
  });

  it('memories that differ only inside NaNs count as equal; any other byte does not', () => {
    const a = new Uint8Array(16);
    const b = new Uint8Array(16);
    new DataView(a.buffer).setUint32(4, 0x7fc00000, true);
    new DataView(b.buffer).setUint32(4, 0xffc00001, true);
    expect(memoryDiff(a, b)).toBeNull();
    new DataView(a.buffer).setBigUint64(8, 0x7ff8000000000000n, true);
    new DataView(b.buffer).setBigUint64(8, 0x7ff4000000000001n, true);
    expect(memoryDiff(a, b)).toBeNull();
    b[0] = 1;
    expect(memoryDiff(a, b)).toBe('first difference at byte 0: native 0, wajit 1');
    expect(memoryDiff(a, new Uint8Array(8))).toBe('16 bytes vs 8');
  });
});
