// `wajit bench [PROGRAMS...] [options]`: run the benchmark corpus (bench/programs) on every engine, print a
// table, write bench/results/latest.json and latest.svg. The work is in src/bench/: engines.ts (one adapter
// per engine), runner.ts (interleaved cells, checks against native), report.ts (table, JSON, chart).

import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, EXIT, type Io, usage } from './common.js';
import { parseArgsMessage } from './dump.js';

export const BENCH_HELP = `Usage: wajit bench [PROGRAMS...] [OPTIONS]

Runs the benchmark corpus on several engines and compares each with Node's native WebAssembly. Every
measurement is a fresh process running one program once on one engine; rounds are interleaved (for each
run: for each program: for each engine). Every answer is checked against native's checksum: a wrong one,
a crash or a timeout fails that cell and makes the exit status 1. Progress goes to stderr, the table to
stdout; the results go to OUT/latest.json and a chart to OUT/latest.svg.

PROGRAMS are names from the corpus (default: all of them; see --list).

Options:
  --engines A,B       engines to run (default: all but the opt-in ones; native, the reference, always runs)
  --size small|large  the programs' input size (default: small)
  --runs N            measurements per cell (default: 3); the table shows the median
  --timeout S         seconds before a cell is stopped and reported as a timeout (default: 120)
  --out DIR           where latest.json and latest.svg go (default: bench/results of the package)
  --programs DIR      the corpus directory (default: bench/programs of the package)
  --node PATH         run the cells with this Node binary (default: the one running wajit)
  --list              list the programs and engines (with why an engine would be skipped) and stop
  -h, --help          show this help

Exit status: 0 when every cell agrees with native; 1 when a cell failed (or a file could not be written);
2 for a usage error.
`;

const OPTIONS = {
  engines: { type: 'string' },
  size: { type: 'string' },
  runs: { type: 'string' },
  timeout: { type: 'string' },
  out: { type: 'string' },
  programs: { type: 'string' },
  node: { type: 'string' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Test hooks: a replacement for the child process that measures one cell. */
export type BenchHooks = Pick<import('../bench/runner.js').BenchOptions, 'runCell'>;

function positiveNumber(value: string | undefined, option: string, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || (integer && !Number.isInteger(n)) || n > 1e6) {
    throw usage(`--${option} needs a positive ${integer ? 'integer' : 'number'}, not '${value}'`, 'bench');
  }
  return n;
}

export async function bench(args: readonly string[], io: Io, hooks: BenchHooks = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
  } catch (e) {
    throw usage(parseArgsMessage(e), 'bench');
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(BENCH_HELP);
    return EXIT.ok;
  }
  const size = values.size ?? 'small';
  if (size !== 'small' && size !== 'large') throw usage(`--size must be small or large, not '${size}'`, 'bench');
  const runs = positiveNumber(values.runs, 'runs', 3, true);
  const timeoutS = positiveNumber(values.timeout, 'timeout', 120, false);
  const engines = values.engines === undefined ? [] : values.engines.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (values.engines !== undefined && engines.length === 0) throw usage('--engines needs at least one engine name', 'bench');
  let node: string | undefined;
  if (values.node !== undefined) {
    node = resolve(values.node);
    try {
      accessSync(node, constants.X_OK);
    } catch {
      throw new CliError(`cannot run '${values.node}': not an executable file`);
    }
  }

  const runner = await import('../bench/runner.js');
  const root = runner.packageRoot();
  const programsDir = values.programs === undefined ? join(root, 'bench', 'programs') : resolve(values.programs);
  const outDir = values.out === undefined ? join(root, 'bench', 'results') : resolve(values.out);
  try {
    if (values.list === true) return await list(io, programsDir, node ?? process.execPath, root);
    const result = await runner.runBench({
      programsDir, programs: positionals, engines, size, runs, timeoutS, ...(node === undefined ? {} : { node }),
      progress: io.stderr as { write(s: string): unknown; isTTY?: boolean }, ...hooks,
    });
    const report = await import('../bench/report.js');
    io.stdout.write(report.formatTable(result));
    const jsonPath = join(outDir, 'latest.json');
    let svgPath;
    try {
      svgPath = report.writeResults(result, jsonPath);
    } catch (e) {
      throw new CliError(`cannot write the results to '${outDir}': ${(e as Error).message.split('\n')[0]}`);
    }
    io.stderr.write(`wrote ${jsonPath} and ${svgPath}\n`);
    if (result.failures > 0) {
      io.stderr.write(`wajit: error: ${result.failures} cell${result.failures === 1 ? '' : 's'} FAILED (see the table)\n`);
      return EXIT.error;
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof runner.BenchInputError) {
      throw /^unknown (engine|program)/.test(e.message) ? usage(e.message, 'bench') : new CliError(e.message);
    }
    throw e;
  }
}

async function list(io: Io, programsDir: string, node: string, root: string): Promise<number> {
  const { loadPrograms } = await import('../bench/runner.js');
  const { ENGINES } = await import('../bench/engines.js');
  const programs = loadPrograms(programsDir);
  io.stdout.write('Programs (small / large size):\n');
  for (const p of programs) io.stdout.write(`  ${p.name.padEnd(14)} ${p.sizes.small} / ${p.sizes.large}\n`);
  io.stdout.write('\nEngines:\n');
  const ctx = { root, node };
  for (const e of ENGINES) {
    const why = e.available(ctx) ?? (e.optIn === undefined ? null : `opt-in: ${e.optIn}`);
    const state = why === null ? `ready (${e.version(ctx)})` : `skipped: ${why}`;
    io.stdout.write(`  ${e.name.padEnd(16)} ${e.describe}\n  ${''.padEnd(16)} ${state}\n`);
  }
  return EXIT.ok;
}
