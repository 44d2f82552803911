// Correctness check of the benchmark corpus: runs every program of bench/programs at both sizes under
// Node's native WebAssembly + node:wasi (the reference) and under wajit (its WebAssembly + its WASI), and
// every WASI-free run() module under native WebAssembly, wajit and Debian's wasm-interp (if installed).
// Prints one table; every checksum in a row must agree (a run() module with the `small` one). Exits 1 on
// any disagreement or failure. Each run is a child process, so one crash or trap shows as that cell.
//
//   node bench/programs/check.mjs [programs...] [--sizes small,large] [--engines native,wajit,run] [--runs N]
//
// Needs `npm run build` for the wajit columns (it loads wajit from dist/). Times are the guest's execution
// (start() or run()), not compilation, the median of --runs runs (default 1); the native times in
// bench/programs/README.md come from `--engines native --runs 5` on Node 20 and Node 24.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const SIZES = JSON.parse(readFileSync(join(here, 'sizes.json'), 'utf8'));
const DIST = new URL('../../dist/src/index.js', import.meta.url);
const WASM_INTERP = '/usr/bin/wasm-interp';

/** Child mode: one run, printing `checksum: N` on stdout and `ms=T` (execution only) on stderr. */
async function child(engineName, kind, name, size) {
  const engine = engineName === 'wajit' ? await import(DIST.href) : null;
  const WA = engine ? engine.WebAssembly : globalThis.WebAssembly;
  if (kind === 'wasi') {
    const bytes = readFileSync(join(here, `${name}.wasm`));
    const args = [`${name}.wasm`, String(size)];
    const { WASI } = engine ?? (await import('node:wasi'));
    const wasi = new WASI({ version: 'preview1', args, env: {}, returnOnExit: true });
    const instance = new WA.Instance(new WA.Module(bytes), wasi.getImportObject());
    const t0 = performance.now();
    const code = wasi.start(instance);
    process.stderr.write(`ms=${(performance.now() - t0).toFixed(1)}\n`);
    if (code !== 0) throw new Error(`exit code ${code}`);
  } else {
    const bytes = readFileSync(join(here, `${name}.run.wasm`));
    const instance = new WA.Instance(new WA.Module(bytes), {});
    const t0 = performance.now();
    const result = instance.exports.run();
    process.stderr.write(`ms=${(performance.now() - t0).toFixed(1)}\n`);
    // i32 results arrive signed, i64 as a signed BigInt: print the unsigned value, as the WASI build does.
    const unsigned = typeof result === 'bigint' ? BigInt.asUintN(64, result) : result >>> 0;
    process.stdout.write(`checksum: ${unsigned}\n`);
  }
}

/** Runs one cell in a child process: { checksum, ms } or { error }. */
function cell(engineName, kind, name, size) {
  const started = performance.now();
  let r;
  if (engineName === 'wasm-interp') {
    r = spawnSync(WASM_INTERP, [join(here, `${name}.run.wasm`), '--run-all-exports'], { encoding: 'utf8' });
    const m = /^run\(\) => i(?:32|64):(\d+)$/m.exec(r.stdout ?? '');
    if (r.status !== 0 || !m) return { error: firstLine(r.stderr || r.stdout || String(r.error)) };
    return { checksum: m[1], ms: performance.now() - started };
  }
  const script = fileURLToPath(import.meta.url);
  r = spawnSync(process.execPath, [script, '--child', engineName, kind, name, String(size)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const m = /^checksum: (\d+)$/m.exec(r.stdout ?? '');
  const t = /ms=([\d.]+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) return { error: firstLine(r.stderr || r.stdout || `status ${r.status}`) };
  return { checksum: m[1], ms: Number(t?.[1]) };
}

const firstLine = (s) => (s.split('\n').find((l) => /error|Error|trap|exit/i.test(l)) ?? s.split('\n')[0]).trim().slice(0, 80);

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      child: { type: 'boolean' },
      sizes: { type: 'string', default: 'small,large' },
      engines: { type: 'string', default: 'native,wajit,run' },
      runs: { type: 'string', default: '1' },
    },
  });
  if (values.child) return child(...positionals);

  const programs = positionals.length ? positionals : Object.keys(SIZES);
  for (const p of programs) if (!SIZES[p]) throw new Error(`unknown program ${p} (see sizes.json)`);
  const engines = values.engines.split(',');
  const sizes = values.sizes.split(',');
  const runs = Math.max(1, Number(values.runs) | 0);
  const haveWajit = existsSync(DIST);
  if (!haveWajit) console.error("dist/ is missing ('npm run build'): wajit columns are skipped");
  const haveInterp = existsSync(WASM_INTERP);

  // Columns: each is [header, engine, kind, applies-to-size].
  const columns = [];
  if (engines.includes('native')) columns.push(['native+node:wasi', 'native', 'wasi']);
  if (engines.includes('wajit') && haveWajit) columns.push(['wajit+wasi', 'wajit', 'wasi']);
  if (engines.includes('run')) {
    columns.push(['run() native', 'native', 'run']);
    if (haveWajit && engines.includes('wajit')) columns.push(['run() wajit', 'wajit', 'run']);
    if (haveInterp) columns.push(['run() wasm-interp', 'wasm-interp', 'run']);
  }

  const header = ['program', 'size', 'n', ...columns.map((c) => c[0]), 'verdict'];
  const rows = [header];
  let failures = 0;
  for (const name of programs) {
    for (const size of sizes) {
      const n = SIZES[name][size];
      const row = [name, size, String(n)];
      const seen = new Set();
      for (const [, engine, kind] of columns) {
        if (kind === 'run' && size !== 'small') { row.push('-'); continue; } // run() has the small size baked in
        const results = Array.from({ length: engine === 'wasm-interp' ? 1 : runs }, () => cell(engine, kind, name, n));
        const bad = results.find((r) => r.error);
        if (bad) { row.push(`FAIL: ${bad.error}`); seen.add('error'); continue; }
        for (const r of results) seen.add(r.checksum);
        const ms = results.map((r) => r.ms).sort((a, b) => a - b)[results.length >> 1];
        row.push(`${results[0].checksum} (${ms.toFixed(ms < 10 ? 1 : 0)} ms)`);
      }
      const ok = seen.size === 1 && !seen.has('error');
      if (!ok) failures++;
      row.push(ok ? 'ok' : 'MISMATCH');
      rows.push(row);
      process.stderr.write(`${name} ${size}: ${ok ? 'ok' : 'MISMATCH'}\n`);
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  console.log(failures ? `${failures} row(s) disagree` : 'all checksums agree');
  process.exitCode = failures ? 1 : 0;
}

await main();
