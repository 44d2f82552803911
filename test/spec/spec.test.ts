// The WebAssembly core spec suite as vitest tests: one test per JSON file of `WASM_SPEC_DIR/core`, run by
// harness.ts against the engine named by WAJIT_SPEC_ENGINE (`wajit`, the default, or `native` to check the
// runner against the host's WebAssembly). WAJIT_SPEC_LAZY=1 runs wajit with lazy compilation (every function
// compiled on its first call), WAJIT_SPEC_LAZY=0 with eager compilation; the expected failures are the same.
//
// Conformance is data: expected-failures.json (expected-failures.native.json for the native engine) lists
// the commands known to fail, by file and line (line null = the whole file). A test fails on a failure not
// listed and on a listed line that passes now, so the list only shrinks. WAJIT_SPEC_WRITE_FAILURES=1
// rewrites the list from the current run (developer use: review the diff; new entries get reason "TODO").

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTotals, loadEngine, runSpecFile, tally, type CommandResult, type Engine, type FileResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The directory holding package.json, found upwards from this file. */
function repoRoot(): string {
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('no package.json above test/spec');
  }
}

const root = repoRoot();
const specDir = resolve(root, process.env.WASM_SPEC_DIR ?? '../shared/spec');
const coreDir = join(specDir, 'core');
const engineName = process.env.WAJIT_SPEC_ENGINE ?? 'wajit';
const lazyEnv = process.env.WAJIT_SPEC_LAZY;
const lazy = lazyEnv === '1' ? true : lazyEnv === '0' ? false : undefined;
const writeFailures = process.env.WAJIT_SPEC_WRITE_FAILURES === '1';
const listPath = join(here, engineName === 'native' ? 'expected-failures.native.json' : 'expected-failures.json');

/** Generous per-file limits: the slowest file takes a few seconds on the native engine. */
const FILE_TIMEOUT_MS = 180_000;
const FILE_BUDGET_MS = 150_000;
const CALL_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------------------
// The expected-failures list.

interface ExpectedFailure {
  readonly file: string;
  readonly line: number | null;
  readonly reason: string;
}

function readList(): ExpectedFailure[] {
  if (!existsSync(listPath)) return [];
  const list = JSON.parse(readFileSync(listPath, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error(`${listPath}: not a JSON array`);
  for (const e of list as Partial<ExpectedFailure>[]) {
    if (typeof e.file !== 'string' || !(e.line === null || Number.isInteger(e.line)) || typeof e.reason !== 'string') {
      throw new Error(`${listPath}: malformed entry ${JSON.stringify(e)}`);
    }
  }
  return list as ExpectedFailure[];
}

const expected = readList();

function entriesOf(file: string): ExpectedFailure[] {
  return expected.filter((e) => e.file === file);
}

/** Failures not listed, and listed entries that no longer fail. */
function compare(result: FileResult): { unexpected: CommandResult[]; stale: ExpectedFailure[] } {
  const entries = entriesOf(result.file);
  const failures = result.commands.filter((c) => c.status === 'failed');
  const failingLines = new Set(failures.map((c) => c.line));
  const listedLines = new Set(entries.map((e) => e.line));
  const wholeFile = listedLines.has(null);
  return {
    unexpected: wholeFile ? [] : failures.filter((c) => !listedLines.has(c.line)),
    stale: entries.filter((e) => (e.line === null ? failures.length === 0 : !failingLines.has(e.line))),
  };
}

/**
 * The list rewritten from this run: files that ran get their current failures, other files of the suite
 * keep theirs, entries naming files the suite no longer has go.
 */
function rewrittenList(results: Map<string, FileResult>, suiteFiles: readonly string[]): ExpectedFailure[] {
  const kept = expected.filter((e) => !results.has(e.file) && suiteFiles.includes(e.file));
  const fresh: ExpectedFailure[] = [];
  for (const [file, result] of results) {
    const entries = entriesOf(file);
    const failing = result.commands.filter((c) => c.status === 'failed');
    if (failing.length === 0) continue;
    const whole = entries.find((e) => e.line === null);
    if (whole !== undefined) {
      fresh.push(whole);
      continue;
    }
    for (const line of new Set(failing.map((c) => c.line))) {
      fresh.push({ file, line, reason: entries.find((e) => e.line === line)?.reason ?? 'TODO' });
    }
  }
  return [...kept, ...fresh].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? -1) - (b.line ?? -1));
}

function formatList(list: readonly ExpectedFailure[]): string {
  return `[\n${list.map((e) => `  ${JSON.stringify({ file: e.file, line: e.line, reason: e.reason })}`).join(',\n')}\n]\n`;
}

function explain(result: FileResult, unexpected: CommandResult[], stale: ExpectedFailure[]): string {
  const lines: string[] = [];
  const shown = 30;
  if (unexpected.length > 0) {
    lines.push(`${unexpected.length} unexpected failure(s):`);
    for (const c of unexpected.slice(0, shown)) lines.push(`  ${result.file}:${c.line} ${c.type}: ${c.reason ?? ''}`);
    if (unexpected.length > shown) lines.push(`  ... and ${unexpected.length - shown} more`);
  }
  if (stale.length > 0) {
    lines.push(`${stale.length} listed failure(s) now pass: remove them from ${listPath.slice(root.length + 1)}:`);
    for (const e of stale.slice(0, shown)) lines.push(`  ${e.file}:${e.line ?? '(whole file)'} (${e.reason})`);
    if (stale.length > shown) lines.push(`  ... and ${stale.length - shown} more`);
  }
  lines.push('(WAJIT_SPEC_WRITE_FAILURES=1 rewrites the list from the current run)');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// The tests.

const suitePresent = existsSync(coreDir);
const files = suitePresent ? readdirSync(coreDir).filter((f) => f.endsWith('.json')).sort() : [];
const results = new Map<string, FileResult>();

describe(`spec core (${engineName}${lazy === undefined ? '' : lazy ? ', lazy' : ', eager'})`, () => {
  if (!suitePresent) {
    const note = `spec suite not found at ${coreDir} (set WASM_SPEC_DIR to the directory holding core/)`;
    if (process.env.CI === 'true') {
      it('spec suite is present', () => { throw new Error(note); });
    } else {
      console.warn(`\n*** SKIPPING THE SPEC SUITE: ${note} ***\n`);
      it.skip('spec suite is present', () => {});
    }
    return;
  }

  // Loaded once; a failure to load shows in every file's test rather than aborting collection.
  const engine: Promise<Engine> = loadEngine(engineName, lazy);
  engine.catch(() => {});

  it('expected-failures list names only files of the suite, once per line', () => {
    const known = new Set(files);
    expect(expected.filter((e) => !known.has(e.file))).toEqual([]);
    const keys = expected.map((e) => `${e.file}:${e.line}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  for (const file of files) {
    it(file, async () => {
      let eng: Engine;
      try {
        eng = await engine;
      } catch (e) {
        throw new Error(`engine '${engineName}' failed to load: ${e instanceof Error ? e.message : String(e)}`);
      }
      const result = runSpecFile(coreDir, file, eng, { callTimeoutMs: CALL_TIMEOUT_MS, fileBudgetMs: FILE_BUDGET_MS });
      results.set(file, result);
      if (writeFailures) return;
      const { unexpected, stale } = compare(result);
      if (unexpected.length > 0 || stale.length > 0) throw new Error(explain(result, unexpected, stale));
    }, FILE_TIMEOUT_MS);
  }

  afterAll(() => {
    if (results.size === 0) return;
    const totals = tally(results.values());
    const lines = [formatTotals('core', totals)];
    // The Wasm 2.0 feature set without SIMD, the part judged now (SIMD files are listed as expected failures).
    lines.push(formatTotals('core without simd_*', tally([...results.values()].filter((r) => !r.file.startsWith('simd_')))));
    if (engineName === 'wajit') {
      lines.push(`trap messages lacking the spec text (soft, not failures): ${totals.trapTextMismatches}`);
      const examples = [...results.values()].flatMap((r) =>
        r.commands.filter((c) => c.trapTextMatched === false).map((c) => `  ${r.file}:${c.line} ${c.reason ?? ''}`));
      lines.push(...examples.slice(0, 10));
    }
    const slowest = [...results.values()].sort((a, b) => b.ms - a.ms).slice(0, 3);
    lines.push(`slowest files: ${slowest.map((r) => `${r.file} ${(r.ms / 1000).toFixed(1)} s`).join(', ')}`);
    if (writeFailures) {
      const list = rewrittenList(results, files);
      writeFileSync(listPath, formatList(list));
      lines.push(`wrote ${list.length} entries to ${listPath.slice(root.length + 1)}`);
    }
    console.log(`\n${lines.join('\n')}\n`);
  });
});
