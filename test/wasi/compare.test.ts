// The WASI programs under Node's native WebAssembly + node:wasi, compared with the expected transcripts
// (what wajit's WASI prints; test/wasi/programs.test.ts holds wajit to them). Every line where node:wasi
// differs must be listed in test/wasi/node-wasi-differences.md, and every listed line must still differ:
// the document is the known, complete list, with which side follows the WASI spec and why.
//
// A run's differences, one per line, as the document's ```text blocks write them:
//   <id>: + <line>     a line node:wasi prints that the expected transcript has not (a mismatch line of the
//                      program's own checks, "label: got [want expected]", carries both values)
//   <id>: - <line>     an expected line node:wasi does not print (and no mismatch line stands for it)
//   <id>: exit <how>   node:wasi ended otherwise than the program's checks predict (timeout, signal, code)
//   hostile: outside <change> <path>   a change to the host tree outside the sandbox
// The program's closing "mismatches: N" line is left out (the + lines already count). Lines may carry a tag
// (see documented()); the lists were taken under Node 20 and Node 24, the versions CI runs.
//
// WAJIT_WASI_DUMP=dir writes node:wasi's transcripts there (to help update the document).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diffLines, lines, makeHostileTree, readExpected, ROOT, RUNS, runEntry, runProgram, snapshotTree, treeChanges,
  type HostileTree, type RunResult,
} from './harness.js';

const DOC = join(ROOT, 'test', 'wasi', 'node-wasi-differences.md');
/** node:wasi hangs in two programs (documented); a run is stopped after this long. */
const TIMEOUT_MS = 8_000;

/** The difference lines of one run. */
function differences(id: string, expectedText: string, r: RunResult, expectedExit: number): string[] {
  const keep = (l: string): boolean => !l.startsWith('mismatches: ');
  const expected = lines(expectedText).filter(keep);
  const actual = lines(r.stdout).filter(keep);
  const { removed, added } = diffLines(expected, actual);
  const wants = added.filter((l) => l.includes(' [want '));
  // "label: got [want W]" stands for the expected "label: W".
  const covered = new Set(wants.map((l) => `${l.slice(0, l.indexOf(': '))}: ${l.slice(l.indexOf(' [want ') + 7, -1)}`));
  const out = [
    ...added.map((l) => `${id}: + ${l}`),
    ...removed.filter((l) => !covered.has(l)).map((l) => `${id}: - ${l}`),
  ];
  const predicted = expectedExit === 0 ? Math.min(wants.length, 100) : expectedExit;
  if (r.end !== undefined) out.push(`${id}: exit ${r.end}`);
  else if (r.exitCode !== predicted) out.push(`${id}: exit ${r.exitCode}`);
  return out;
}

/**
 * The lines of every ```text block in the document (blank lines ignored), for the Node running the test. A
 * line may start with a tag: "[node 24] " (only under that major version of Node), "[sometimes] " (a timing
 * difference node:wasi shows on some runs only: allowed, not required).
 */
function documented(): { required: string[]; allowed: string[] } {
  const doc = readFileSync(DOC, 'utf8');
  const major = process.versions.node.split('.')[0];
  const required: string[] = [];
  const allowed: string[] = [];
  for (const m of doc.matchAll(/```text\n([\s\S]*?)```/g)) {
    for (const raw of lines(m[1]!).filter((l) => l.trim() !== '')) {
      const tag = /^\[(node (\d+)|sometimes)\] (.*)$/.exec(raw);
      if (!tag) required.push(raw);
      else if (tag[1] === 'sometimes') allowed.push(tag[3]!);
      else if (tag[2] === major) required.push(tag[3]!);
    }
  }
  return { required, allowed };
}

const results = new Map<string, RunResult>();
let hostileChanges: string[] = [];
let tree: HostileTree | undefined;

beforeAll(async () => {
  const runs = RUNS.map(async (run) => results.set(run.id, await runEntry('node', run, TIMEOUT_MS)));
  const hostile = (async () => {
    tree = makeHostileTree();
    const before = snapshotTree(tree.base, tree.skip);
    results.set('hostile', await runProgram('node', 'hostile', { dirs: { '/sandbox': tree.sandbox }, timeoutMs: TIMEOUT_MS }));
    hostileChanges = treeChanges(before, snapshotTree(tree.base, tree.skip)).map((c) => {
      const [kind, path] = c.split(/[ :]/, 2);
      return `hostile: outside ${kind} ${path}`;
    });
  })();
  await Promise.all([...runs, hostile]);
  const dump = process.env.WAJIT_WASI_DUMP;
  if (dump) {
    mkdirSync(dump, { recursive: true });
    for (const [id, r] of results) writeFileSync(join(dump, `${id}.node`), `${r.stdout}--- exit ${r.end ?? r.exitCode}\n${r.stderr}`);
    writeFileSync(join(dump, 'hostile.outside'), hostileChanges.map((l) => `${l}\n`).join(''));
  }
}, 60_000);

afterAll(() => {
  if (tree) rmSync(tree.base, { recursive: true, force: true });
});

describe('native WebAssembly + node:wasi compared with the expected transcripts', () => {
  it('differs exactly as test/wasi/node-wasi-differences.md documents', () => {
    const actual: string[] = [];
    for (const run of RUNS) actual.push(...differences(run.id, readExpected(run.id), results.get(run.id)!, run.exitCode));
    actual.push(...differences('hostile', readExpected('hostile'), results.get('hostile')!, 0));
    actual.push(...hostileChanges);
    const { required, allowed } = documented();
    const undocumented = actual.filter((l) => !required.includes(l) && !allowed.includes(l));
    const stale = required.filter((l) => !actual.includes(l));
    expect({ undocumented, stale }).toEqual({ undocumented: [], stale: [] });
  });

  it('agrees with the expected transcripts on most lines (the comparison is not vacuous)', () => {
    let same = 0;
    let total = 0;
    for (const run of RUNS) {
      const expected = lines(readExpected(run.id));
      const { removed } = diffLines(expected, lines(results.get(run.id)!.stdout));
      total += expected.length;
      same += expected.length - removed.length;
    }
    expect(same / total).toBeGreaterThan(0.75);
  });
});
