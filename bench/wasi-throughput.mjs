// WASI throughput: bench/wasi-throughput.wasm (built from wasi-throughput.c by build-wasi-throughput.sh)
// writes 256 MiB to a file in a temporary directory with one fd_write per 4 KiB block, then reads it back
// with one fd_read per block, under three set-ups:
//
//   wajit                 wajit's compiler + wajit's WASI (what `wajit run` does)
//   native+wajit-wasi     Node's own WebAssembly + wajit's WASI
//   native+node:wasi      Node's own WebAssembly + node:wasi (the reference)
//
// Every run is a fresh child process (compilation is not timed: the guest times its own two phases with
// clock_gettime), the set-ups take turns, and each figure is the median of the runs. A run whose checksum
// differs from the others fails the benchmark. Needs `npm run build` (it loads wajit from dist/).
//
//   node bench/wasi-throughput.mjs [--runs N] [--mib N]        (npm run bench:wasi)
//
// The target: wajit within 1.5x of native+node:wasi in time (ratio <= 1.5).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const WASM = join(here, 'wasi-throughput.wasm');
const SETUPS = ['wajit', 'native+wajit-wasi', 'native+node:wasi'];
const REFERENCE = 'native+node:wasi';

/** wajit's WebAssembly and WASI, from the build output of the public entry point. */
const wajit = () => import(new URL('../dist/src/index.js', import.meta.url).href);

/** One run in this process: prints the guest's result line on stdout, compile time on stderr. */
async function child(setup, dir, mib) {
  const args = ['wasi-throughput.wasm', '/bench/data.bin', String(mib)];
  const preopens = { '/bench': dir };
  let engine = globalThis.WebAssembly;
  let wasi;
  if (setup === 'native+node:wasi') {
    const { WASI } = await import('node:wasi');
    wasi = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true });
  } else {
    const w = await wajit();
    if (setup === 'wajit') engine = w.WebAssembly;
    wasi = new w.WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true });
  }
  const t0 = performance.now();
  const module = new engine.Module(readFileSync(WASM));
  const instance = new engine.Instance(module, wasi.getImportObject());
  process.stderr.write(`compile_ms=${(performance.now() - t0).toFixed(1)}\n`);
  const code = wasi.start(instance);
  if (code !== 0) throw new Error(`the guest exited with ${code}`);
}

function parent(runs, mib) {
  if (!existsSync(new URL('../dist/src/index.js', import.meta.url))) {
    throw new Error("dist/ is missing: run 'npm run build' first");
  }
  const results = new Map(SETUPS.map((s) => [s, []]));
  let checksum;
  const dir = mkdtempSync(join(tmpdir(), 'wajit-wasi-throughput-'));
  try {
    for (let r = 0; r < runs; r++) {
      for (const setup of SETUPS) {
        const p = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(import.meta.url), '--child', setup, '--dir', dir, '--mib', String(mib)], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(`${setup} failed (status ${p.status}):\n${p.stderr}`);
        const m = /bytes=(\d+) write_ns=(\d+) read_ns=(\d+) checksum=([0-9a-f]+)/.exec(p.stdout);
        if (m === null) throw new Error(`${setup}: unexpected output ${JSON.stringify(p.stdout)}`);
        if (Number(m[1]) !== mib * 1024 * 1024) throw new Error(`${setup} moved ${m[1]} bytes`);
        checksum ??= m[4];
        if (m[4] !== checksum) throw new Error(`${setup}: checksum ${m[4]}, expected ${checksum}`);
        const compile = Number(/compile_ms=([\d.]+)/.exec(p.stderr)?.[1] ?? NaN);
        results.get(setup).push({ write: Number(m[2]) / 1e6, read: Number(m[3]) / 1e6, compile });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const rate = (ms) => (mib / (ms / 1000)).toFixed(0);
  const summary = new Map(SETUPS.map((s) => {
    const rs = results.get(s);
    const write = median(rs.map((x) => x.write));
    const read = median(rs.map((x) => x.read));
    const total = median(rs.map((x) => x.write + x.read));
    return [s, { write, read, total, compile: median(rs.map((x) => x.compile)) }];
  }));
  const ref = summary.get(REFERENCE);
  console.log(`WASI throughput, ${mib} MiB each way in 4 KiB calls, node ${process.version}, median of ${runs} runs`);
  console.log(`  ${'set-up'.padEnd(20)} ${'write MiB/s'.padStart(12)} ${'read MiB/s'.padStart(11)} ${'total ms'.padStart(9)} ${'time ratio'.padStart(11)} ${'compile ms'.padStart(11)}`);
  for (const [setup, s] of summary) {
    console.log(`  ${setup.padEnd(20)} ${rate(s.write).padStart(12)} ${rate(s.read).padStart(11)} ${s.total.toFixed(0).padStart(9)} ` +
      `${(s.total / ref.total).toFixed(2).padStart(11)} ${s.compile.toFixed(0).padStart(11)}`);
  }
  const ratio = summary.get('wajit').total / ref.total;
  console.log(`wajit / native+node:wasi: ${ratio.toFixed(2)}x the time (target <= 1.5x): ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
}

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    dir: { type: 'string' },
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '256' },
  },
});
const mib = Number(values.mib);
if (values.child !== undefined) await child(values.child, values.dir, mib);
else parent(Number(values.runs), mib);
