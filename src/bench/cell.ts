// One cell of `wajit bench`: one engine running one program once, alone in a fresh Node process, so that no
// JIT state, heap or crash carries over from one measurement to the next. The runner (src/bench/runner.ts)
// starts it as
//
//   node dist/src/bench/cell.js '{"engine":"wajit","kind":"wasi","path":".../sort.wasm","args":["sort.wasm","80000"],"root":"..."}'
//
// The guest's output, and for run() modules the `checksum: N` line the cell prints for it, go to this
// process's stdout, where the runner reads the checksum. The measurement goes to descriptor 3 as one JSON
// line: { "compileMs": number | null, "execMs": number } or { "error": string, "phase": "load" | "compile" | "run" }.
// The module's bytes are read before any clock starts; loading the engine's own code is not timed.
// A script only: the runner imports nothing but its types.

import { readFileSync, writeSync } from 'node:fs';
import { engineByName, type EngineContext, type ModuleKind, type Outcome } from './engines.js';

export interface CellSpec {
  readonly engine: string;
  readonly kind: ModuleKind;
  readonly path: string;
  readonly args: readonly string[];
  readonly root: string;
}

export type CellReport =
  | { readonly compileMs: number | null; readonly execMs: number }
  | { readonly error: string; readonly phase: 'load' | 'compile' | 'run' };

const REPORT_FD = 3;

/** The unsigned decimal of a run() result (i32 arrives signed, i64 as a signed BigInt or a decimal string). */
function unsignedDecimal(result: number | bigint | string): string {
  if (typeof result === 'number') return String(result >>> 0);
  return BigInt.asUintN(64, BigInt(result)).toString();
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`.split('\n')[0]!.trim();
  return String(e);
}

async function cell(spec: CellSpec): Promise<CellReport> {
  const engine = engineByName(spec.engine);
  if (engine === undefined) return { error: `unknown engine '${spec.engine}'`, phase: 'load' };
  const ctx: EngineContext = { root: spec.root, node: process.execPath };
  const bytes = new Uint8Array(readFileSync(spec.path));
  let phase: 'load' | 'compile' | 'run' = 'load';
  try {
    const loaded = await engine.load(ctx);
    phase = 'compile';
    const t0 = performance.now();
    const runnable = await loaded.compile({ kind: spec.kind, path: spec.path, bytes, args: spec.args });
    const t1 = performance.now();
    phase = 'run';
    const outcome: Outcome = await runnable.run();
    const t2 = performance.now();
    if ('exitCode' in outcome) {
      if (outcome.exitCode !== 0) return { error: `exit code ${outcome.exitCode}`, phase };
    } else {
      writeSync(1, `checksum: ${unsignedDecimal(outcome.result)}\n`);
    }
    return runnable.compileInExec === true ? { compileMs: null, execMs: t2 - t0 } : { compileMs: t1 - t0, execMs: t2 - t1 };
  } catch (e) {
    return { error: describeError(e), phase };
  }
}

async function main(): Promise<void> {
  let report: CellReport;
  try {
    report = await cell(JSON.parse(process.argv[2] ?? '') as CellSpec);
  } catch (e) {
    report = { error: describeError(e), phase: 'load' };
  }
  writeSync(REPORT_FD, `${JSON.stringify(report)}\n`);
  process.exit(0);
}

await main();
