// A child process of the fuzz driver (fuzz.ts): runs the inputs [start, start + count) of one seed, or one
// saved input file, and reports on file descriptor 3, one line per event, written synchronously (a line
// written before a hang or a fatal error has reached the driver, which must know which input was running):
//   READY            the corpus is loaded
//   B <i>            input i begins
//   T                still alive (before each step that may take long: an instantiation, a call)
//   F <json>         a finding: { i, kind, message, origin }
//   S <json>         the statistics, at the end
// The driver gives the configuration as JSON in argv[2].

import { readFileSync, writeSync } from 'node:fs';
import { Rng } from '../diff/harness.js';
import { loadCorpus, makeInput, newStats, runInput } from './campaign.js';
import { loadSpecModules, makeDiffInput, runDiffInput } from './diff-campaign.js';

export interface ChildConfig {
  readonly seed: number;
  readonly start: number;
  readonly count: number;
  /** Date.now() after which no new input begins. */
  readonly deadline: number;
  /** Differential mode (diff-campaign.ts) instead of mutations. */
  readonly diff?: boolean;
  /** A saved input to run instead (start and count are ignored). */
  readonly replay?: string;
  /** The driver's self-test: inputs that hang, exhaust memory or crash the compiler on purpose. */
  readonly selftest?: { readonly hang?: readonly number[]; readonly oom?: readonly number[]; readonly crash?: readonly number[] };
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const line = (s: string): void => void writeSync(3, `${s}\n`);
const stats = newStats();
const tick = (): void => line('T');

if (cfg.replay !== undefined) {
  line('READY');
  line('B 0');
  const findings = runInput(new Uint8Array(readFileSync(cfg.replay)), new Rng(0), stats, { tick });
  for (const f of findings) line(`F ${JSON.stringify({ i: 0, ...f, origin: cfg.replay })}`);
} else if (cfg.diff) {
  const spec = loadSpecModules();
  line('READY');
  for (let i = cfg.start; i < cfg.start + cfg.count && Date.now() < cfg.deadline; i++) {
    line(`B ${i}`);
    const input = makeDiffInput(spec, cfg.seed, i);
    const findings = runDiffInput(input, stats);
    for (const f of findings) line(`F ${JSON.stringify({ i, ...f, origin: input.origin })}`);
  }
} else {
  const corpus = loadCorpus();
  line('READY');
  const t = cfg.selftest ?? {};
  for (let i = cfg.start; i < cfg.start + cfg.count && Date.now() < cfg.deadline; i++) {
    line(`B ${i}`);
    if (t.hang?.includes(i)) for (;;);
    if (t.oom?.includes(i)) {
      // Memory outside the JS heap, touched at once: the driver's resident-size watch must see it within its
      // hang limit (a heap filled to its limit makes V8 collect for seconds first, which read as a hang).
      const hoard: Uint8Array[] = [];
      for (;;) hoard.push(new Uint8Array(1 << 26).fill(i & 0xff | 1));
    }
    const input = makeInput(corpus, cfg.seed, i);
    const findings = runInput(input.bytes, input.rng, stats, { tick, injectCrash: t.crash?.includes(i) });
    for (const f of findings) line(`F ${JSON.stringify({ i, ...f, origin: input.origin })}`);
  }
}
line(`S ${JSON.stringify(stats)}`);
