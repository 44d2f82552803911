// Growing a large memory (docs/performance.md, "Growing memory"): the time of one memory.grow by a few pages
// of a memory that is already large and in use, for
//   native     the host's WebAssembly.Memory (reference),
//   in place   runtime/memory.ts over a host WebAssembly.Memory (what wajit does where the host has WebAssembly),
//   copy       runtime/memory.ts over plain ArrayBuffers, replaced by a larger copy (hosts without WebAssembly).
// Every case runs in a fresh process; each first touches every 4 KiB page of the memory, as a program that
// filled it would, and checks that the old buffer is detached and the contents are kept. Uses the build
// output: run `npm run build` first.
//
//   node bench/memory-grow-large.mjs [--pages N] [--delta N]     (defaults: 32768 pages = 2 GiB, delta 10)

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PAGE = 65536;
const CASES = ['native', 'in place', 'copy'];

async function child(kind, pages, delta) {
  let mem;
  if (kind === 'native') mem = new WebAssembly.Memory({ initial: pages });
  else {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const { MemoryInstance } = await import(pathToFileURL(join(root, 'dist', 'runtime', 'memory.js')).href);
    mem = new MemoryInstance(pages, undefined, undefined, kind === 'in place');
  }
  const before = mem.buffer;
  const u8 = new Uint8Array(before);
  for (let i = 0; i < u8.length; i += 4096) u8[i] = (i >>> 12) & 255;
  const last = u8.length - 4096;
  const t0 = process.hrtime.bigint();
  const old = mem.grow(delta);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = new Uint8Array(mem.buffer);
  if (old !== pages || before.byteLength !== 0 || after.length !== (pages + delta) * PAGE) throw new Error('grow went wrong');
  if (after[last] !== ((last >>> 12) & 255) || after[after.length - 1] !== 0) throw new Error('contents changed');
  process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss }));
}

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
} else {
  const pages = option('--pages', 32768);
  const delta = option('--delta', 10);
  const self = fileURLToPath(import.meta.url);
  console.log(`node ${process.version}: grow a memory of ${pages} pages (${(pages * PAGE / 2 ** 30).toFixed(2)} GiB) by ${delta}`);
  for (const kind of CASES) {
    const out = execFileSync(process.execPath, [self, '--child', kind, String(pages), String(delta)], { encoding: 'utf8' });
    const { ms, rss } = JSON.parse(out);
    console.log(`  ${kind.padEnd(9)} ${ms.toFixed(1).padStart(9)} ms   (resident afterwards ${(rss / 2 ** 20).toFixed(0)} MiB)`);
  }
}
