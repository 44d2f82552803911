// Memory strategy benchmark: DataView access in hot loops, with and without periodic memory.grow, under
//   (a) replace-and-copy: a fixed-length ArrayBuffer replaced by a larger copy on grow (old one detached),
//       generated code's `dv` local refreshed through an onGrow callback (what runtime/memory.ts does on
//       hosts without WebAssembly);
//   (b) a resizable ArrayBuffer (`new ArrayBuffer(n, { maxByteLength })`) grown in place, with one
//       length-tracking DataView created once;
//   (c) for reference, the same resizable buffer with a fixed-length DataView recreated on each grow;
//   (d) the buffer of a host WebAssembly.Memory, grown in place by the host (which detaches the old buffer),
//       `dv` refreshed through onGrow as in (a) (what runtime/memory.ts does where the host has WebAssembly).
// Each (strategy, scenario) runs in a fresh child process so JIT feedback does not leak between them.
// Times are CPU time (user + system), which a shared machine disturbs less than wall time.
// Usage: node bench/memory-grow.mjs            (prints a table; the answers are checked to agree)

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PAGE = 65536;
const MAX_PAGES = 65536;

// ---- strategy (a): replace-and-copy, as runtime/memory.ts
const transfer = ArrayBuffer.prototype.transfer;
class CopyMemory {
  constructor(pages) {
    this.pages = pages;
    this.buffer = new ArrayBuffer(pages * PAGE);
    this.dv = new DataView(this.buffer);
    this.listeners = [];
  }
  grow(delta) {
    const old = this.pages;
    const bytes = (old + delta) * PAGE;
    let next;
    if (transfer !== undefined) next = transfer.call(this.buffer, bytes);
    else {
      next = new ArrayBuffer(bytes);
      new Uint8Array(next).set(new Uint8Array(this.buffer));
      structuredClone(this.buffer, { transfer: [this.buffer] });
    }
    this.pages = old + delta;
    this.buffer = next;
    this.dv = new DataView(next);
    for (const cb of this.listeners) cb();
    return old;
  }
  onGrow(cb) {
    this.listeners.push(cb);
  }
}

// ---- strategy (b): resizable ArrayBuffer, length-tracking DataView
class ResizableMemory {
  constructor(pages, maxPages) {
    this.buffer = new ArrayBuffer(pages * PAGE, { maxByteLength: maxPages * PAGE });
    this.dv = new DataView(this.buffer);
  }
  get pages() {
    return this.buffer.byteLength / PAGE;
  }
  grow(delta) {
    const old = this.pages;
    this.buffer.resize((old + delta) * PAGE);
    return old;
  }
  onGrow() {}
}

// ---- strategy (c): resizable ArrayBuffer grown in place, fixed-length DataView refreshed through onGrow
class ResizableFixedViewMemory extends ResizableMemory {
  constructor(pages, maxPages) {
    super(pages, maxPages);
    this.dv = new DataView(this.buffer, 0, this.buffer.byteLength);
    this.listeners = [];
  }
  grow(delta) {
    const old = super.grow(delta);
    this.dv = new DataView(this.buffer, 0, this.buffer.byteLength);
    for (const cb of this.listeners) cb();
    return old;
  }
  onGrow(cb) {
    this.listeners.push(cb);
  }
}

// ---- strategy (d): a host WebAssembly.Memory as storage, grown in place; fixed-length buffers as in (a)
class HostMemory {
  constructor(pages, maxPages) {
    this.mem = new WebAssembly.Memory({ initial: pages, maximum: maxPages });
    this.pages = pages;
    this.buffer = this.mem.buffer;
    this.dv = new DataView(this.buffer);
    this.listeners = [];
  }
  grow(delta) {
    const old = this.pages;
    this.mem.grow(delta);
    this.pages = old + delta;
    this.buffer = this.mem.buffer;
    this.dv = new DataView(this.buffer);
    for (const cb of this.listeners) cb();
    return old;
  }
  onGrow(cb) {
    this.listeners.push(cb);
  }
}

// A "compiled module" in the shape generated code has: the DataView in a closure variable, refreshed on grow.
// The kernel mixes i32 and f64 loads and stores, as a typical inner loop would.
function instantiate(mem) {
  let dv = mem.dv;
  mem.onGrow(() => {
    dv = mem.dv;
  });
  function kernel(base, n) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const a = (base + (i << 3)) >>> 0;
      s = (s + dv.getInt32(a, true)) | 0;
      dv.setInt32(a, (s ^ i) | 0, true);
      dv.setFloat64(a + 8, dv.getFloat64(a + 8, true) * 0.5 + i, true);
    }
    return s;
  }
  return { kernel, grow: (d) => mem.grow(d) };
}

const SCENARIOS = {
  // Pure access throughput: 16 pages, no grow.
  'hot loop, no grow': (make) => {
    const inst = instantiate(make(16, MAX_PAGES));
    let s = 0;
    for (let r = 0; r < 400; r++) s = (s + inst.kernel(0, 16 * PAGE / 8 - 2)) | 0;
    return s;
  },
  // Hot loop over the newest page, growing by one page every 20 kernel calls, 1 -> 256 pages.
  'hot loop + grow 1 page / 20 calls': (make) => {
    const inst = instantiate(make(1, MAX_PAGES));
    let s = 0, pages = 1;
    for (let r = 0; pages < 256; r++) {
      s = (s + inst.kernel((pages - 1) * PAGE, PAGE / 8 - 2)) | 0;
      if (r % 20 === 19) pages = inst.grow(1) + 1;
    }
    return s;
  },
  // Allocator-like: grow in +25% steps, 1 -> 1024 pages (64 MiB), sweeping all memory after each grow.
  'grow +25% to 64 MiB, sweep after each': (make) => {
    const inst = instantiate(make(1, MAX_PAGES));
    let s = 0, pages = 1;
    while (pages < 1024) {
      const delta = Math.min(1024 - pages, Math.max(1, pages >> 2));
      pages = inst.grow(delta) + delta;
      s = (s + inst.kernel(0, (pages * PAGE) / 8 - 2)) | 0;
    }
    return s;
  },
};

const STRATEGIES = {
  'a: replace-and-copy + onGrow': (p) => new CopyMemory(p),
  'b: resizable ArrayBuffer': (p, max) => new ResizableMemory(p, max),
  'c: resizable + fixed-length views': (p, max) => new ResizableFixedViewMemory(p, max),
  'd: host WebAssembly.Memory': (p, max) => new HostMemory(p, max),
};

function runChild(strategy, scenario) {
  const make = STRATEGIES[strategy];
  const run = SCENARIOS[scenario];
  const times = [];
  let answer;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.cpuUsage();
    const s = run(make);
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1e3);
    if (answer !== undefined && s !== answer) throw new Error('answer changed between runs');
    answer = s;
  }
  times.sort((x, y) => x - y);
  process.stdout.write(JSON.stringify({ median: times[2], min: times[0], answer }));
}

if (process.argv[2] === '--child') {
  runChild(process.argv[3], process.argv[4]);
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(`node ${process.version} (V8 ${process.versions.v8}); CPU ms per run, median (min) of 5 in a fresh process`);
  for (const k of Object.keys(STRATEGIES)) console.log(`  ${k}`);
  console.log(`${''.padEnd(40)}${Object.keys(STRATEGIES).map((k) => k.split(':')[0].padStart(20)).join('')}`);
  for (const scenario of Object.keys(SCENARIOS)) {
    const answers = new Set();
    const cells = [];
    for (const strategy of Object.keys(STRATEGIES)) {
      const out = execFileSync(process.execPath, [self, '--child', strategy, scenario], { encoding: 'utf8' });
      const { median, min, answer } = JSON.parse(out);
      answers.add(answer);
      cells.push(`${median.toFixed(1)} (${min.toFixed(1)})`.padStart(20));
    }
    if (answers.size !== 1) throw new Error(`strategies disagree on ${scenario}: ${[...answers]}`);
    console.log(`${scenario.padEnd(40)}${cells.join('')}`);
  }
}
