// The benchmark runner: which cells to measure, running them interleaved, checking every answer.
//
//   for run in 1..N: for program: for engine: one cell (a fresh process: src/bench/cell.ts)
//
// Interleaving spreads the machine's noise (other jobs, thermal drift) evenly over the engines instead of
// letting it land on whichever engine happened to run during it. The reference engine (native) runs first
// for each program in each round and is always part of a sitting: ratios are engine median / native median
// of the same sitting, and every checksum is compared with native's. A wrong checksum, an error, a crash or
// a timeout fails that cell, loudly, and the sitting ends with failures > 0; the other cells go on.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellReport, CellSpec } from './cell.js';
import {
  ENGINES, REFERENCE, engineByName, nodeVersions, type Engine, type EngineContext, type ProgramInfo, type SizeName,
} from './engines.js';

/** A mistake in what was asked for (unknown program or engine, unreadable corpus): a usage error. */
export class BenchInputError extends Error {}

// ---- the corpus -------------------------------------------------------------------------------------------

/** The package root: the nearest directory above this file whose package.json is wajit's. */
export function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'wajit') return dir;
    } catch {
      // not here: look further up
    }
  }
  throw new Error('cannot find the wajit package root');
}

/** The programs of a corpus directory: sizes.json names them, NAME.wasm and NAME.run.wasm sit beside it. */
export function loadPrograms(dir: string): ProgramInfo[] {
  const file = join(dir, 'sizes.json');
  let sizes: unknown;
  try {
    sizes = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BenchInputError(code === 'ENOENT' ? `no sizes.json in '${dir}' (not a benchmark corpus)`
      : `cannot read '${file}': ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof sizes !== 'object' || sizes === null || Array.isArray(sizes)) {
    throw new BenchInputError(`'${file}' must map program names to { "small": N, "large": N }`);
  }
  return Object.entries(sizes).map(([name, s]) => {
    const entry = s as Partial<Record<SizeName, unknown>>;
    for (const size of ['small', 'large'] as const) {
      if (!Number.isSafeInteger(entry?.[size])) {
        throw new BenchInputError(`'${file}': program '${name}' needs an integer "${size}" size`);
      }
    }
    const runWasm = join(dir, `${name}.run.wasm`);
    return {
      name,
      wasm: join(dir, `${name}.wasm`),
      ...(existsSync(runWasm) ? { runWasm } : {}),
      sizes: { small: entry.small as number, large: entry.large as number },
    };
  });
}

// ---- statistics -------------------------------------------------------------------------------------------

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function stats(values: readonly number[]): Stats | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]! };
}

export function geomean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return Math.exp(values.reduce((s, x) => s + Math.log(x), 0) / values.length);
}

// ---- cells ------------------------------------------------------------------------------------------------

/** One measured run of a cell. */
export type RunRecord =
  | { readonly run: number; readonly compileMs: number | null; readonly execMs: number; readonly checksum: string }
  | { readonly run: number; readonly error: string; readonly timeout?: true };

export interface CellRecord {
  readonly program: string;
  readonly engine: string;
  /** ok: every run answered native's checksum; fail: an error, a timeout or a wrong checksum; skipped. */
  status: 'ok' | 'fail' | 'skipped';
  /** Why skipped, or the first failure. */
  reason?: string;
  readonly runs: RunRecord[];
  exec?: Stats;
  compile?: Stats;
  /** exec median / native's exec median. */
  ratio?: number;
}

export interface BenchOptions {
  /** The corpus directory (bench/programs of the package by default). */
  readonly programsDir: string;
  /** Program names; all of the corpus when empty. */
  readonly programs: readonly string[];
  /** Engine names; every engine that is not opt-in when empty. native is always added. */
  readonly engines: readonly string[];
  readonly size: SizeName;
  readonly runs: number;
  readonly timeoutS: number;
  /** The Node binary for the cells (default: this one). */
  readonly node?: string;
  /** Where progress goes (stderr); isTTY selects the overwriting form. */
  readonly progress?: { write(s: string): unknown; readonly isTTY?: boolean };
  /** Measures one cell; tests substitute their own. Default: a child process (runCellProcess). */
  readonly runCell?: (spec: CellSpec, timeoutMs: number, node: string) => Promise<CellOutcome>;
}

export type CellOutcome =
  | { readonly compileMs: number | null; readonly execMs: number; readonly checksum: string }
  | { readonly error: string; readonly timeout?: true };

export interface BenchResult {
  readonly meta: {
    readonly date: string;
    readonly node: string;
    readonly v8: string;
    readonly cpu: string;
    readonly cores: number;
    readonly os: string;
    readonly wajit: string;
    readonly size: SizeName;
    readonly runs: number;
    readonly timeoutS: number;
    readonly reference: string;
  };
  readonly programs: readonly { name: string; size: number; checksum: string | null }[];
  readonly engines: readonly { name: string; describe: string; version: string; nodeFlags?: readonly string[]; skipped?: string }[];
  readonly cells: readonly CellRecord[];
  readonly failures: number;
}

/** Runs one cell in a child process of its own (a process group, so a timeout ends the engine's children too). */
export function runCellProcess(spec: CellSpec, timeoutMs: number, node: string): Promise<CellOutcome> {
  const script = join(spec.root, 'dist', 'src', 'bench', 'cell.js');
  const flags = engineByName(spec.engine)?.nodeFlags ?? [];
  return new Promise((resolve) => {
    const child = spawn(node, [...flags, script, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const rep: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => rep.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ error: `cannot start ${node}: ${e.message}` });
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ error: `timeout after ${timeoutMs / 1000} s`, timeout: true });
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      let report: CellReport | undefined;
      try {
        report = JSON.parse(Buffer.concat(rep).toString('utf8')) as CellReport;
      } catch {
        // no report: the process died (see below)
      }
      if (report === undefined) {
        const why = stderr.split('\n').find((l) => /error|Error|abort|Abort|fatal|killed/.test(l))
          ?? stderr.split('\n').find((l) => l.trim() !== '') ?? '';
        const how = signal !== null ? `killed by ${signal}` : `exit status ${status}`;
        return resolve({ error: `crashed (${how})${why === '' ? '' : `: ${why.trim().slice(0, 200)}`}` });
      }
      if ('error' in report) return resolve({ error: `${report.phase}: ${report.error}` });
      const m = /^checksum: (\d+)$/m.exec(stdout);
      if (m === null) return resolve({ error: `no 'checksum: N' line in the output (${JSON.stringify(stdout.slice(0, 80))})` });
      resolve({ compileMs: report.compileMs, execMs: report.execMs, checksum: m[1]! });
    });
  });
}

// ---- progress ---------------------------------------------------------------------------------------------

/** Progress lines on stderr: one line per cell, or one line rewritten in place on a terminal. */
class Progress {
  #open = false;
  constructor(private readonly out: BenchOptions['progress'], private readonly total: number) {}

  #write(line: string, keep: boolean): void {
    if (this.out === undefined) return;
    if (this.out.isTTY === true) {
      this.out.write(`\r\x1b[2K${line}${keep ? '\n' : ''}`);
      this.#open = !keep;
    } else if (keep) {
      this.out.write(`${line}\n`);
    }
  }

  start(n: number, label: string): void {
    this.#write(`[${n}/${this.total}] ${label} ...`, false);
  }

  done(n: number, label: string, what: string, failed: boolean): void {
    this.#write(`[${n}/${this.total}] ${label}  ${what}`, failed || this.out?.isTTY !== true);
  }

  note(line: string): void {
    this.#write(line, true);
  }

  end(): void {
    if (this.#open && this.out !== undefined) this.out.write('\r\x1b[2K');
    this.#open = false;
  }
}

const fmtMs = (ms: number): string => (ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

// ---- a sitting --------------------------------------------------------------------------------------------

/** Checks the selection; returns the engines in column order (the reference first). */
export function selectEngines(names: readonly string[]): { engines: Engine[]; explicit: Set<string> } {
  for (const n of names) {
    if (engineByName(n) === undefined) {
      throw new BenchInputError(`unknown engine '${n}' (engines: ${ENGINES.map((e) => e.name).join(', ')})`);
    }
  }
  const explicit = new Set(names);
  const engines = names.length === 0 ? ENGINES.filter((e) => e.optIn === undefined || e.name === REFERENCE)
    : ENGINES.filter((e) => explicit.has(e.name) || e.name === REFERENCE);
  // Opt-in engines not asked for are still listed, as skipped with their reason.
  if (names.length === 0) engines.push(...ENGINES.filter((e) => e.optIn !== undefined));
  return { engines, explicit };
}

export function selectPrograms(all: readonly ProgramInfo[], names: readonly string[]): ProgramInfo[] {
  if (names.length === 0) return [...all];
  return names.map((n) => {
    const p = all.find((q) => q.name === n);
    if (p === undefined) throw new BenchInputError(`unknown program '${n}' (programs: ${all.map((q) => q.name).join(', ')})`);
    return p;
  });
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const root = packageRoot();
  const node = opts.node ?? process.execPath;
  const ctx: EngineContext = { root, node };
  const programs = selectPrograms(loadPrograms(opts.programsDir), opts.programs);
  const { engines, explicit } = selectEngines(opts.engines);
  const runCell = opts.runCell ?? runCellProcess;

  // Engine-wide skip reasons first (probed once), then per program.
  const engineSkip = new Map<string, string>();
  for (const e of engines) {
    const why = e.optIn !== undefined && !explicit.has(e.name) ? `not run by default: ${e.optIn}` : e.available(ctx);
    if (why !== null) engineSkip.set(e.name, why);
  }
  const cells = new Map<string, CellRecord>();
  const key = (p: string, e: string): string => `${p}\u0000${e}`;
  for (const p of programs) {
    for (const e of engines) {
      const why = engineSkip.get(e.name) ?? e.supports(p, opts.size, explicit.has(e.name));
      cells.set(key(p.name, e.name), {
        program: p.name, engine: e.name, status: why === null ? 'ok' : 'skipped', ...(why === null ? {} : { reason: why }),
        runs: [],
      });
    }
  }

  const todo = [...cells.values()].filter((c) => c.status !== 'skipped').length * opts.runs;
  const progress = new Progress(opts.progress, todo);
  const reference = new Map<string, string>(); // program -> native's first checksum
  let n = 0;
  for (let run = 1; run <= opts.runs; run++) {
    for (const p of programs) {
      for (const e of engines) {
        const cell = cells.get(key(p.name, e.name))!;
        if (cell.status === 'skipped') continue;
        n++;
        const label = `${p.name}  ${e.name}  run ${run}/${opts.runs}`;
        progress.start(n, label);
        const path = e.kind === 'wasi' ? p.wasm : p.runWasm!;
        const args = e.kind === 'wasi' ? [`${p.name}.wasm`, String(p.sizes[opts.size])] : [];
        const outcome = await runCell({ engine: e.name, kind: e.kind, path, args, root }, opts.timeoutS * 1000, node);
        if ('error' in outcome) {
          cell.runs.push({ run, error: outcome.error, ...(outcome.timeout === true ? { timeout: true as const } : {}) });
          progress.done(n, label, `${outcome.timeout === true ? 'TIMEOUT' : 'FAIL'}: ${outcome.error}`, true);
          continue;
        }
        cell.runs.push({ run, ...outcome });
        if (e.name === REFERENCE && !reference.has(p.name)) reference.set(p.name, outcome.checksum);
        const expected = reference.get(p.name);
        if (expected !== undefined && outcome.checksum !== expected) {
          progress.done(n, label, `FAIL: checksum ${outcome.checksum}, native says ${expected}`, true);
        } else {
          progress.done(n, label, `${fmtMs(outcome.execMs)} ms`, false);
        }
      }
    }
  }
  progress.end();

  // The verdicts, now that every reference checksum is known.
  let failures = 0;
  for (const cell of cells.values()) {
    if (cell.status === 'skipped') continue;
    const expected = reference.get(cell.program);
    for (const r of cell.runs) {
      const why = 'error' in r ? `run ${r.run}: ${r.error}`
        : expected === undefined ? `run ${r.run}: no native checksum to compare with`
        : r.checksum !== expected ? `run ${r.run}: wrong checksum ${r.checksum} (native: ${expected})`
        : null;
      if (why !== null && cell.status === 'ok') {
        cell.status = 'fail';
        cell.reason = why;
      }
    }
    if (cell.status === 'fail') failures++;
    const ok = cell.runs.filter((r): r is Extract<RunRecord, { checksum: string }> => 'checksum' in r);
    const exec = stats(ok.map((r) => r.execMs));
    const compile = stats(ok.flatMap((r) => (r.compileMs === null ? [] : [r.compileMs])));
    if (exec !== null) cell.exec = exec;
    if (compile !== null) cell.compile = compile;
  }
  for (const cell of cells.values()) {
    const ref = cells.get(key(cell.program, REFERENCE));
    if (cell.status === 'ok' && ref?.status === 'ok' && cell.exec && ref.exec) cell.ratio = cell.exec.median / ref.exec.median;
  }

  const versions = nodeVersions(ctx);
  const cpuList = cpus();
  return {
    meta: {
      date: new Date().toISOString(),
      node: versions.node,
      v8: versions.v8,
      cpu: cpuList[0]?.model.trim() ?? 'unknown',
      cores: cpuList.length,
      os: `${platform()} ${release()}`,
      wajit: ENGINES.find((e) => e.name === 'wajit')!.version(ctx),
      size: opts.size,
      runs: opts.runs,
      timeoutS: opts.timeoutS,
      reference: REFERENCE,
    },
    programs: programs.map((p) => ({ name: p.name, size: p.sizes[opts.size], checksum: reference.get(p.name) ?? null })),
    engines: engines.map((e) => ({
      name: e.name, describe: e.describe, version: e.version(ctx), ...(e.nodeFlags ? { nodeFlags: e.nodeFlags } : {}),
      ...(engineSkip.has(e.name) ? { skipped: engineSkip.get(e.name)! } : {}),
    })),
    cells: [...cells.values()],
    failures,
  };
}
