// The mutation fuzzer's driver: `npm run fuzz -- [--seconds N | --count N] [--seed S] [--jobs J]`.
//
// Inputs (campaign.ts: seed-corpus modules mutated structurally and byte-wise, each a function of the seed
// and its iteration number) run in child processes (fuzz-child.ts), a batch of many inputs per child so that
// process start-up costs little. A child reports each input as it begins, so when it dies the input at fault
// is known: one that hangs (no sign of life for 2 s of the child's CPU time where the platform tells, else of
// wall-clock time, or for 10 times that in wall-clock time: the driver kills the child), one that exhausts
// memory (a JS heap over 512 MiB is fatal for the child, `--max-old-space-size`; a resident size over 1 GiB,
// where the platform tells, gets it killed) or one that crashes the process. The suspect then runs alone in a
// fresh child to confirm it, and the batch goes on after it.
//
// Every finding (a death, or a check failing inside the child: an exception other than CompileError, unsafe
// generated code, a validity or behaviour difference with native V8, a timeout of wajit where native
// finished) saves its input as crashes/seed<S>-iter<I>-<kind>.wasm, with a .txt saying what happened and how
// to reproduce it (`--seed S --only I`, or `--replay FILE`). The summary gives inputs per second and counts.
// The exit code is 1 when anything was found.
//
// With --diff the inputs are valid programs instead (diff-campaign.ts): random programs and spec modules
// with random arguments, compared with native V8 call by call. An input there is a whole module's worth of
// calls, so the hang limit is 10 s.

import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChildConfig } from './fuzz-child.js';
import { addStats, newStats, type Stats } from './campaign.js';

const CHILD = fileURLToPath(new URL('./fuzz-child.js', import.meta.url));
/** The repository: this file runs compiled, from outside it, started in it by `npm run fuzz`. */
const REPO = process.cwd();

const USAGE = `usage: npm run fuzz -- [options]
  --seconds N     run for N seconds (default 60 unless --count is given)
  --count N       run exactly N inputs (iterations 0..N-1)
  --seed S        the run's seed (default: random, printed)
  --jobs J        child processes at a time (default 1)
  --batch B       inputs per child (default 1000)
  --out DIR       where inputs of findings are saved (default test/fuzz/crashes)
  --diff          differential mode: generated programs and spec modules with random arguments, run on
                  wajit and native V8 and compared (default: mutated modules)
  --only I        run input I of the seed alone and print what it finds
  --replay FILE   run a saved input and print what it finds
  --hang-ms MS    a child silent for this much CPU time is hung (default 2000; with --diff 10000)
  --json          print the summary as one JSON line (for tests)`;

interface Options {
  seconds: number;
  count: number;
  seed: number;
  jobs: number;
  batch: number;
  out: string;
  only?: number;
  replay?: string;
  diff: boolean;
  hangMs: number;
  json: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' },
      batch: { type: 'string' }, out: { type: 'string' }, only: { type: 'string' }, replay: { type: 'string' },
      'hang-ms': { type: 'string' }, json: { type: 'boolean' }, diff: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (v: string | undefined, what: string, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${what} must be a non-negative integer, not '${v}'`);
    return n;
  };
  const count = num(values.count, 'count', 0);
  return {
    seconds: num(values.seconds, 'seconds', count > 0 ? 0 : 60),
    count,
    seed: num(values.seed, 'seed', Math.floor(Math.random() * 2 ** 31)),
    jobs: Math.max(1, num(values.jobs, 'jobs', 1)),
    batch: Math.max(1, num(values.batch, 'batch', 1000)),
    out: resolve(values.out ?? join(REPO, 'test', 'fuzz', 'crashes')),
    only: values.only === undefined ? undefined : num(values.only, 'only', 0),
    replay: values.replay,
    diff: values.diff ?? false,
    hangMs: Math.max(100, num(values['hang-ms'], 'hang-ms', values.diff ? 10_000 : 2000)),
    json: values.json ?? false,
  };
}

// ---------------------------------------------------------------------------------------------------------
// One child process.

const HEAP_MB = 512;
/** The driver's self-test (test/fuzz/fuzz.test.ts): inputs that misbehave on purpose, as JSON (ChildConfig). */
const SELFTEST = process.env.WAJIT_FUZZ_SELFTEST
  ? JSON.parse(process.env.WAJIT_FUZZ_SELFTEST) as ChildConfig['selftest']
  : undefined;
/** A deadline that never comes (it crosses to the child as JSON, which has no Infinity). */
const NEVER = Number.MAX_SAFE_INTEGER;
const MAX_RSS = 1024 * 1024 * 1024;
/** Loading the corpus takes a while on a loaded machine; the hang limit applies once it is loaded. */
const STARTUP_MS = 120_000;

interface ChildFinding { readonly i: number; readonly kind: string; readonly message: string; readonly origin: string }

interface ChildResult {
  /** The last input that began (-1: none). */
  readonly last: number;
  readonly findings: ChildFinding[];
  readonly stats?: Stats;
  /** Why the child died, if it did: hang, memory or crash (with what it printed last). */
  readonly death?: { readonly kind: 'hang' | 'memory' | 'crash'; readonly detail: string };
}

function runChild(cfg: ChildConfig, hangMs: number): Promise<ChildResult> {
  return new Promise((done) => {
    const config = JSON.stringify(SELFTEST ? { ...cfg, selftest: SELFTEST } : cfg);
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CHILD, config], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    const findings: ChildFinding[] = [];
    let stats: Stats | undefined;
    let last = -1;
    let ready = false;
    let lastSign = Date.now();
    const started = lastSign;
    // CPU time the child had used at its last sign of life (see cpuMs).
    let cpuAtSign = cpuMs(child.pid) ?? 0;
    let killed: ChildResult['death'];
    let pending = '';
    const events = child.stdio[3] as NodeJS.ReadableStream;
    events.on('data', (b: Buffer) => {
      lastSign = Date.now();
      cpuAtSign = cpuMs(child.pid) ?? 0;
      pending += b.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const l = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (l === 'READY') ready = true;
        else if (l.startsWith('B ')) last = Number(l.slice(2));
        else if (l.startsWith('F ')) findings.push(JSON.parse(l.slice(2)) as ChildFinding);
        else if (l.startsWith('S ')) stats = JSON.parse(l.slice(2)) as Stats;
      }
    });
    const kill = (kind: 'hang' | 'memory', detail: string): void => {
      if (killed !== undefined) return;
      killed = { kind, detail };
      child.kill('SIGKILL');
    };
    let ticks = 0;
    const timer = setInterval(() => {
      const now = Date.now();
      if (!ready && now - started > STARTUP_MS) kill('hang', `no start-up within ${STARTUP_MS} ms`);
      if (ready) {
        // A hang is hangMs of the child's own CPU time without a sign of life, so that a loaded machine, where
        // wall-clock time runs several times faster than a process's CPU time, does not make inputs look hung;
        // wall-clock time stands in where the platform does not tell, and bounds a child that stops using CPU.
        const cpu = cpuMs(child.pid);
        const wall = now - lastSign;
        if (cpu !== undefined && cpu - cpuAtSign > hangMs) {
          kill('hang', `no sign of life for ${cpu - cpuAtSign} ms of CPU time (${wall} ms)`);
        } else if (wall > (cpu === undefined ? hangMs : WALL_FACTOR * hangMs)) {
          kill('hang', `no sign of life for ${wall} ms`);
        }
      }
      if (++ticks % 5 === 0) {
        const rss = residentBytes(child.pid);
        if (rss > MAX_RSS) kill('memory', `resident size ${(rss / 2 ** 20).toFixed(0)} MiB`);
      }
    }, 100);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      let death = killed;
      if (death === undefined && (code !== 0 || signal !== null)) {
        const memory = /heap limit|out of memory|allocation failed/i.test(stderr);
        const lines = stderr.trim().split('\n');
        const fatal = lines.find((l) => /FATAL ERROR|Error:/.test(l));
        const detail = `exit ${code ?? signal}: ${fatal ?? ''}\n${lines.slice(-8).join('\n')}`;
        death = { kind: memory ? 'memory' : 'crash', detail };
      }
      done({ last, findings, stats, death });
    });
  });
}

/** A child silent this many times the hang limit in wall-clock time is hung, whatever its CPU time. */
const WALL_FACTOR = 10;

/**
 * CPU time (user + system, all threads) a process has used, in ms: Linux /proc, in clock ticks of 10 ms
 * (USER_HZ); undefined where unknown.
 */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): state is field 3, utime 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Resident set size of a process (Linux /proc; 0 where unknown). */
function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return pages * 4096;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The run.

interface Saved { readonly file: string; readonly kind: string; readonly i: number; readonly message: string }

class Run {
  readonly stats = newStats();
  readonly saved: Saved[] = [];
  private corpus: import('./campaign.js').Corpus | undefined;
  private spec: import('../diff/spec-args.js').SpecModule[] | undefined;

  constructor(readonly o: Options) {}

  /** Saves input i with what was found (appending to the note when the input was saved already). */
  async save(i: number, kind: string, message: string, origin?: string): Promise<void> {
    let input: { bytes: Uint8Array; origin: string };
    if (this.o.diff) {
      const { loadSpecModules, makeDiffInput } = await import('./diff-campaign.js');
      this.spec ??= loadSpecModules();
      input = makeDiffInput(this.spec, this.o.seed, i);
    } else {
      const { loadCorpus, makeInput } = await import('./campaign.js');
      this.corpus ??= loadCorpus();
      input = makeInput(this.corpus, this.o.seed, i);
    }
    mkdirSync(this.o.out, { recursive: true });
    const base = join(this.o.out, `seed${this.o.seed}-iter${i}-${kind}`);
    writeFileSync(`${base}.wasm`, input.bytes);
    const replay = this.o.diff ? '' : `   (or --replay ${base}.wasm)`;
    // Notes name files relative to the repository, which may be committed with the input.
    const local = (text: string) => text.split(`file://${REPO}/`).join('').split(`${REPO}/`).join('');
    appendFileSync(`${base}.txt`, local([
      `${kind}: ${message}`,
      `input: iteration ${i} of seed ${this.o.seed}: ${origin ?? input.origin}`,
      `reproduce: npm run fuzz -- ${this.o.diff ? '--diff ' : ''}--seed ${this.o.seed} --only ${i}${replay}`,
      '',
    ].join('\n')));
    this.saved.push({ file: `${base}.wasm`, kind, i, message });
    if (!this.o.json) console.log(`FOUND ${kind} at iteration ${i}: ${message.split('\n')[0]!.slice(0, 300)}\n  ${base}.wasm`);
  }

  /** Runs inputs [start, start + count): children until the range is done, past each input that kills one. */
  async range(start: number, count: number, deadline: number): Promise<void> {
    let from = start;
    const end = start + count;
    while (from < end && Date.now() < deadline) {
      const cfg = { seed: this.o.seed, start: from, count: end - from, deadline, diff: this.o.diff };
      const res = await runChild(cfg, this.o.hangMs);
      if (res.stats) addStats(this.stats, res.stats);
      for (const f of res.findings) await this.save(f.i, f.kind, f.message, f.origin);
      if (res.death === undefined) return;
      const k = res.last;
      if (k < from) throw new Error(`a fuzz child died before its first input: ${res.death.kind}: ${res.death.detail}`);
      // The inputs before k ran, but their statistics died with the child: count them as inputs only.
      if (!res.stats) this.stats.inputs += k - from + 1;
      const again = await runChild({ seed: this.o.seed, start: k, count: 1, deadline: NEVER, diff: this.o.diff }, this.o.hangMs);
      const confirmed = again.death?.kind === res.death.kind;
      await this.save(k, confirmed ? res.death.kind : `${res.death.kind}-unconfirmed`,
        `${res.death.detail}${confirmed ? '' : ' (alone in a fresh child the input did not do it again)'}`);
      from = k + 1;
    }
  }

  async main(): Promise<number> {
    const o = this.o;
    if (o.replay !== undefined || o.only !== undefined) return this.single();
    const t0 = Date.now();
    const deadline = o.seconds > 0 ? t0 + o.seconds * 1000 : NEVER;
    const end = o.count > 0 ? o.count : Infinity;
    let next = 0;
    const bound = o.count > 0 ? `${o.count} inputs` : `${o.seconds} s`;
    if (!o.json) console.log(`fuzz${o.diff ? ' --diff' : ''}: seed ${o.seed}, ${bound}, ${o.jobs} job(s)`);
    const progress = o.json ? undefined : setInterval(() => console.log(this.line(t0)), 15_000);
    const job = async (): Promise<void> => {
      while (next < end && Date.now() < deadline) {
        const start = next;
        const n = Math.min(o.batch, end - start);
        next += n;
        await this.range(start, n, deadline);
      }
    };
    try {
      await Promise.all(Array.from({ length: o.jobs }, job));
    } finally {
      if (progress) clearInterval(progress);
    }
    const seconds = (Date.now() - t0) / 1000;
    const byKind: Record<string, number> = {};
    for (const s of this.saved) byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
    const summary = {
      seed: o.seed, seconds, rate: this.stats.inputs / seconds, ...this.stats, findings: this.saved.length, byKind, saved: this.saved,
    };
    if (o.json) console.log(`FUZZ-SUMMARY ${JSON.stringify(summary)}`);
    else {
      console.log(this.line(t0));
      const kinds = this.saved.length ? ` ${JSON.stringify(byKind)}` : '';
      console.log(`findings: ${this.saved.length}${kinds}; statistics: ${JSON.stringify(this.stats)}`);
    }
    return this.saved.length > 0 ? 1 : 0;
  }

  private line(t0: number): string {
    const s = this.stats;
    const secs = (Date.now() - t0) / 1000;
    const pct = (n: number) => (s.inputs ? ((100 * n) / s.inputs).toFixed(0) : '0');
    return `[${secs.toFixed(0).padStart(5)} s] ${s.inputs} inputs (${(s.inputs / secs).toFixed(0)}/s), ${pct(s.compiled)}% compiled, ` +
      `${s.instantiated} instantiated, ${s.calls} calls compared, ${this.saved.length} finding(s)`;
  }

  /** --only / --replay: one input in one child, everything printed. */
  private async single(): Promise<number> {
    const o = this.o;
    const cfg: ChildConfig = o.replay !== undefined
      ? { seed: 0, start: 0, count: 1, deadline: NEVER, replay: resolve(o.replay) }
      : { seed: o.seed, start: o.only!, count: 1, deadline: NEVER, diff: o.diff };
    const res = await runChild(cfg, o.hangMs);
    for (const f of res.findings) console.log(`${f.kind}: ${f.message}\n  input: ${f.origin}`);
    if (res.death) console.log(`${res.death.kind}: ${res.death.detail}`);
    if (res.findings.length === 0 && !res.death) console.log(`nothing found (${JSON.stringify(res.stats)})`);
    return res.findings.length > 0 || res.death ? 1 : 0;
  }
}

try {
  if (!existsSync(join(REPO, 'test', 'fuzz', 'campaign.ts'))) throw new Error('run it from the repository (npm run fuzz)');
  process.env.WAJIT_REPO_ROOT = REPO;
  process.exitCode = await new Run(options()).main();
} catch (e) {
  console.error(`fuzz: ${(e as Error).message}`);
  process.exitCode = 2;
}
