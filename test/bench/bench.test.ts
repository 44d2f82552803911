// Tests of `wajit bench` (src/bench/, src/cli/bench.ts). The checking logic runs in-process with a stand-in
// for the cell process (a wrong checksum must fail its cell and the command); the real engines run on one
// program of a copied corpus at a tiny size, each cell in its own process, through the built CLI.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bench } from '../../src/cli/bench.js';
import type { CellSpec } from '../../src/bench/cell.js';
import { ENGINES, foreignMemory } from '../../src/bench/engines.js';
import { FORMAT, formatTable, toSvg } from '../../src/bench/report.js';
import { geomean, runBench, stats, type BenchResult, type CellOutcome } from '../../src/bench/runner.js';
import { WASI } from '../../src/index.js';
import { ensureCliBuilt } from '../cli-build.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wajit.js');
const corpus = join(root, 'bench', 'programs');
let dir = '';

/** A copy of one corpus program with tiny sizes, so that a cell takes a few milliseconds of guest time. */
let tiny = '';

interface Outcome { code: number | null; stdout: string; stderr: string }

function wajit(...args: string[]): Outcome {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

class Sink {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

beforeAll(() => {
  ensureCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wajit-bench-test-'));
  tiny = join(dir, 'corpus');
  mkdirSync(tiny);
  copyFileSync(join(corpus, 'i32-loops.wasm'), join(tiny, 'i32-loops.wasm'));
  copyFileSync(join(corpus, 'i32-loops.run.wasm'), join(tiny, 'i32-loops.run.wasm'));
  writeFileSync(join(tiny, 'sizes.json'), JSON.stringify({ 'i32-loops': { small: 500, large: 1000 } }));
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** A well-formedness check of the SVG: balanced tags, quoted attributes, escaped text. */
function expectWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const tokens = xml.trim().split(/(<[^>]*>)/).filter((t) => t !== '');
  for (const t of tokens) {
    if (!t.startsWith('<')) {
      expect(t, 'text').not.toMatch(/<|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
      continue;
    }
    const m = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(t);
    expect(m, `malformed tag ${t}`).not.toBeNull();
    const [, close, name, , selfClose] = m!;
    if (close === '/') expect(stack.pop(), `closing ${name}`).toBe(name);
    else if (selfClose !== '/') stack.push(name!);
  }
  expect(stack).toEqual([]);
  expect(tokens[0]).toMatch(/^<svg /);
}

describe('statistics', () => {
  it('median, min and max; geomean', () => {
    expect(stats([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(stats([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(stats([])).toBeNull();
    expect(geomean([2, 8])).toBeCloseTo(4, 10);
    expect(geomean([])).toBeNull();
  });
});

describe('checksums against native (stand-in cells)', () => {
  /** Every engine answers native's checksum, except `liar`, which answers another one. */
  function fake(liar: string | null): (spec: CellSpec) => Promise<CellOutcome> {
    return async (spec) => ({
      compileMs: 1, execMs: spec.engine === 'native' ? 10 : 30,
      checksum: spec.engine === liar ? '42' : '1197994022',
    });
  }

  it('a wrong checksum fails that cell, loudly, and only that cell', async () => {
    const progress = new Sink();
    const result = await runBench({
      programsDir: corpus, programs: ['i32-loops', 'sort'], engines: ['wajit'], size: 'small', runs: 2, timeoutS: 5,
      progress, runCell: async (spec) => (spec.path.includes('sort') ? (await fake(null)(spec)) : fake('wajit')(spec)),
    });
    expect(result.failures).toBe(1);
    const bad = result.cells.find((c) => c.program === 'i32-loops' && c.engine === 'wajit')!;
    expect(bad.status).toBe('fail');
    expect(bad.reason).toMatch(/wrong checksum 42 \(native: 1197994022\)/);
    expect(bad.ratio).toBeUndefined();
    const good = result.cells.find((c) => c.program === 'sort' && c.engine === 'wajit')!;
    expect(good.status).toBe('ok');
    expect(good.ratio).toBeCloseTo(3, 10);
    expect(good.runs).toHaveLength(2);
    expect(progress.text).toMatch(/FAIL: checksum 42, native says 1197994022/);
    const table = formatTable(result);
    expect(table).toMatch(/FAILED \(1 cell\)/);
    expect(table).toMatch(/FAIL {2}i32-loops \/ wajit/);
  });

  it('runs interleaved: every program and engine once per round', async () => {
    const order: string[] = [];
    await runBench({
      programsDir: corpus, programs: ['i32-loops', 'sort'], engines: ['wajit'], size: 'small', runs: 2, timeoutS: 5,
      runCell: async (spec) => {
        order.push(`${spec.path.includes('sort') ? 'sort' : 'i32'}:${spec.engine}`);
        return fake(null)(spec);
      },
    });
    expect(order).toEqual(['i32:native', 'i32:wajit', 'sort:native', 'sort:wajit',
      'i32:native', 'i32:wajit', 'sort:native', 'sort:wajit']);
  });

  it('makes `wajit bench` exit 1 and name the failure', async () => {
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await bench(['i32-loops', '--engines', 'wajit', '--runs', '1', '--out', join(dir, 'fake')],
      { stdout, stderr }, { runCell: fake('wajit') });
    expect(code).toBe(1);
    expect(stderr.text).toMatch(/1 cell FAILED/);
    expect(stdout.text).toMatch(/i32-loops +\S+ ms 1\.00x +FAIL/);
    const json = JSON.parse(readFileSync(join(dir, 'fake', 'latest.json'), 'utf8')) as BenchResult;
    expect(json.failures).toBe(1);
    // The same sitting without the liar passes.
    expect(await bench(['i32-loops', '--engines', 'wajit', '--runs', '1', '--out', join(dir, 'fake')],
      { stdout, stderr }, { runCell: fake(null) })).toBe(0);
  });

  it('a crash or a timeout fails the cell too; an error of native leaves nothing to compare with', async () => {
    const result = await runBench({
      programsDir: corpus, programs: ['i32-loops'], engines: ['wajit'], size: 'small', runs: 1, timeoutS: 5,
      runCell: async (spec) => (spec.engine === 'native' ? { error: 'timeout after 5 s', timeout: true } : fake(null)(spec)),
    });
    expect(result.failures).toBe(2);
    expect(result.cells.map((c) => c.reason)).toEqual(['run 1: timeout after 5 s', 'run 1: no native checksum to compare with']);
  });

  it('skipped engines carry a reason, and the default set leaves out opt-in engines', async () => {
    const ran = new Set<string>();
    const result = await runBench({
      programsDir: corpus, programs: ['i32-loops'], engines: [], size: 'large', runs: 1, timeoutS: 5,
      runCell: async (spec) => {
        ran.add(spec.engine);
        return fake(null)(spec);
      },
    });
    const skipped = result.cells.filter((c) => c.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const c of skipped) {
      expect(c.reason, c.engine).toMatch(/\w{4,}/);
      expect(ran.has(c.engine), c.engine).toBe(false);
    }
    const reason = (e: string): string | undefined => result.cells.find((c) => c.engine === e)?.reason;
    expect(reason('wasm-interp')).toMatch(/small size/); // run() modules bake in the small size
    expect(reason('interp')).toMatch(/--engines/); // large only on request
    expect(reason('webassemblyjs')).toMatch(/^not run by default/);
    expect(ran.has('native')).toBe(true);
    expect(ran.has('wajit')).toBe(true);
    expect(result.engines.map((e) => e.name).sort()).toEqual(ENGINES.map((e) => e.name).sort());
  });
});

describe('the chart and the record', () => {
  const cell = (program: string, engine: string, ms: number, status: 'ok' | 'fail' | 'skipped' = 'ok') => ({
    program, engine, status, runs: [], ...(status === 'ok' ? { exec: { median: ms, min: ms, max: ms }, ratio: ms / 10 } : {}),
    ...(status === 'ok' ? {} : { reason: status === 'fail' ? 'run 1: wrong checksum 1 (native: 2) & <more>' : 'not here' }),
  });
  const result: BenchResult = {
    meta: {
      date: '2026-01-01T00:00:00.000Z', node: 'v20.0.0', v8: '11', cpu: 'A <fast> & "cheap" CPU', cores: 2, os: 'linux',
      wajit: '0.1.0', size: 'small', runs: 1, timeoutS: 120, reference: 'native',
    },
    programs: [{ name: 'a', size: 1, checksum: '2' }, { name: 'b<&>', size: 1, checksum: '2' }],
    engines: ['native', 'wajit', 'polywasm', 'wasm-interp'].map((name) => ({ name, describe: name, version: '1' })),
    cells: [
      cell('a', 'native', 10), cell('a', 'wajit', 25), cell('a', 'polywasm', 0, 'fail'), cell('a', 'wasm-interp', 0, 'skipped'),
      cell('b<&>', 'native', 10), cell('b<&>', 'wajit', 4), cell('b<&>', 'polywasm', 3000), cell('b<&>', 'wasm-interp', 900),
    ],
    failures: 1,
  };

  it('is well-formed SVG with one bar per measured (program, engine), whatever the names contain', () => {
    const svg = toSvg(result);
    expectWellFormedXml(svg);
    const bars = [...svg.matchAll(/<rect class="bar" data-program="([^"]*)" data-engine="([^"]*)"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(bars).toEqual(['a/native', 'a/wajit', 'b&lt;&amp;&gt;/native', 'b&lt;&amp;&gt;/wajit',
      'b&lt;&amp;&gt;/polywasm', 'b&lt;&amp;&gt;/wasm-interp']);
    expect(svg).toMatch(/native = 1x/);
    expect(svg).toMatch(/class="fail"[^>]*>FAIL polywasm/);
    // Log scale: distances from 1x go as the logarithms of the ratios.
    const width = (e: string): number => {
      const bar = new RegExp(`data-program="b&lt;&amp;&gt;" data-engine="${e}" x="[\\d.]+" y="[\\d.]+" width="([\\d.]+)"`);
      return Number(bar.exec(svg)![1]);
    };
    const one = width('native');
    expect((width('polywasm') - one) / (width('wasm-interp') - one)).toBeCloseTo(Math.log(300) / Math.log(90), 2);
  });

  it('the table has a geomean row and lists skipped cells with their reason', () => {
    const table = formatTable(result);
    expect(table).toMatch(/^geomean +1\.00x +1\.00x +300x +90\.0x$/m); // wajit: sqrt(2.5 * 0.4) = 1
    expect(table).toMatch(/wasm-interp \(a\): not here/);
  });
});

describe('wajit bench with real engines', () => {
  it('runs native, node:wasi and wajit on one program: same checksum, ratios, JSON and chart', () => {
    const out = join(dir, 'real');
    const r = wajit('bench', 'i32-loops', '--programs', tiny, '--engines', 'wajit,native-nodewasi,wasm-interp',
      '--size', 'large', '--runs', '1', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[1\/3\] i32-loops {2}native {2}run 1\/1 {2}[\d.]+ ms/);
    expect(r.stdout).toMatch(/^i32-loops +[\d.]+ ms 1\.00x +[\d.]+ ms [\d.]+x +[\d.]+ ms [\d.]+x$/m);
    expect(r.stdout).toMatch(/wasm-interp \(all programs\): .*small size/);
    const json = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResult & { format: string; geomean: object };
    expect(json.format).toBe(FORMAT);
    for (const field of ['date', 'node', 'v8', 'cpu', 'cores', 'size', 'runs', 'timeoutS', 'wajit']) {
      expect(json.meta).toHaveProperty(field);
    }
    expect(json.meta.size).toBe('large');
    expect(json.programs).toEqual([{ name: 'i32-loops', size: 1000, checksum: expect.stringMatching(/^\d+$/) }]);
    const measured = json.cells.filter((c) => c.status === 'ok');
    expect(measured.map((c) => c.engine)).toEqual(['native', 'native-nodewasi', 'wajit']);
    for (const c of measured) {
      expect(c.runs).toEqual([
        { run: 1, compileMs: expect.any(Number), execMs: expect.any(Number), checksum: json.programs[0]!.checksum },
      ]);
      expect(c.ratio).toBeGreaterThan(0);
    }
    expect(json.cells.find((c) => c.engine === 'wasm-interp'))
      .toMatchObject({ status: 'skipped', reason: expect.stringMatching(/small/) });
    expect(json.geomean).toHaveProperty('wajit');
    const svg = readFileSync(join(out, 'latest.svg'), 'utf8');
    expectWellFormedXml(svg);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
  });

  it('stops a cell at its timeout and reports it as such', () => {
    const r = wajit('bench', '--programs', tiny, '--engines', 'native', '--runs', '1', '--timeout', '0.001', '--out', join(dir, 't'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/i32-loops +TIMEOUT/);
    expect(r.stderr).toMatch(/timeout after 0\.001 s/);
  });

  it('--help, --list and usage errors', () => {
    const help = wajit('bench', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: wajit bench/);
    const list = wajit('bench', '--list', '--programs', tiny);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/i32-loops +500 \/ 1000/);
    for (const e of ENGINES) expect(list.stdout).toContain(e.name);
    const cases: [string[], number, RegExp][] = [
      [['--engines', 'nope'], 2, /unknown engine 'nope' \(engines: native, native-noliftoff, native-nodewasi, wajit, wajit-fuel/],
      [['nope'], 2, /unknown program 'nope' \(programs: i32-loops, i64-hash/],
      [['--runs', '0'], 2, /--runs needs a positive integer/],
      [['--size', 'huge'], 2, /--size must be small or large/],
      [['--bogus'], 2, /unknown option '--bogus'/],
      [['--programs', join(dir, 'nowhere')], 1, /no sizes\.json in/],
      [['--node', join(dir, 'nowhere')], 1, /cannot run/],
    ];
    for (const [args, code, message] of cases) {
      const r = wajit('bench', ...args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(/^wajit: error: /);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('foreign memories', () => {
  it("pass wajit's WASI memory check and always show the current buffer", () => {
    let buffer = new ArrayBuffer(65536);
    const memory = foreignMemory({ get buffer() { return buffer; } }) as { buffer: ArrayBuffer };
    expect(memory.buffer).toBe(buffer);
    buffer = new ArrayBuffer(131072);
    expect(memory.buffer).toBe(buffer);
    const wasi = new WASI({ version: 'preview1', args: [], env: {} });
    expect(() => wasi.finalizeBindings({ exports: { memory } })).not.toThrow();
    expect(() => new WASI({ version: 'preview1' }).finalizeBindings({ exports: { memory: { buffer } } })).toThrow(/Memory/);
  });
});
