// WASI clocks: realtime, monotonic, process and thread CPU time, in nanoseconds as bigint, plus the sleep that
// poll_oneoff uses. Works with Node's `process` (hrtime, cpuUsage) and without it (performance.now, Date).
//
// Realtime is the wall clock with nanosecond steps: a monotonic reading plus an offset taken from Date.now(),
// re-taken whenever the two drift apart by more than 2 ms (the system clock was set), so readings follow the
// wall clock like CLOCK_REALTIME does while still resolving below a millisecond.

import { CLOCK } from './constants.js';

interface NodeProcess {
  hrtime?: { bigint?: () => bigint };
  cpuUsage?: () => { user: number; system: number };
  threadCpuUsage?: () => { user: number; system: number };
}

const proc = (globalThis as { process?: NodeProcess }).process;
const hrtime = proc?.hrtime?.bigint?.bind(proc.hrtime);
const perf = (globalThis as { performance?: { now(): number } }).performance;

/** Monotonic nanoseconds from an arbitrary origin. */
export const monotonicNow: () => bigint =
  hrtime ?? (perf ? () => BigInt(Math.round(perf.now() * 1e6)) : () => BigInt(Date.now()) * 1_000_000n);

let realtimeOffset = BigInt(Date.now()) * 1_000_000n - monotonicNow();

/** Wall-clock nanoseconds since the Unix epoch. */
export function realtimeNow(): bigint {
  const t = realtimeOffset + monotonicNow();
  const wall = BigInt(Date.now()) * 1_000_000n;
  const drift = t - wall;
  if (drift > 2_000_000n || drift < -2_000_000n) {
    realtimeOffset += wall - t;
    return wall;
  }
  return t;
}

const startMono = monotonicNow();
const cpu = proc?.cpuUsage?.bind(proc);
const threadCpu = proc?.threadCpuUsage?.bind(proc) ?? cpu;

/** Process CPU time (user + system) in ns; without Node, time since this module loaded (an upper bound). */
export function processCpuNow(): bigint {
  if (cpu === undefined) return monotonicNow() - startMono;
  const u = cpu();
  return BigInt(u.user + u.system) * 1000n;
}

/** Thread CPU time in ns (Node 23.9+ measures the thread itself; older versions report the process). */
export function threadCpuNow(): bigint {
  if (threadCpu === undefined) return monotonicNow() - startMono;
  const u = threadCpu();
  return BigInt(u.user + u.system) * 1000n;
}

/** The reading of clock `id`, or undefined for an unknown clock id. */
export function clockNow(id: number): bigint | undefined {
  switch (id) {
    case CLOCK.REALTIME: return realtimeNow();
    case CLOCK.MONOTONIC: return monotonicNow();
    case CLOCK.PROCESS_CPUTIME_ID: return processCpuNow();
    case CLOCK.THREAD_CPUTIME_ID: return threadCpuNow();
    default: return undefined;
  }
}

/** The resolution of clock `id` in ns, or undefined for an unknown clock id. */
export function clockResolution(id: number): bigint | undefined {
  switch (id) {
    case CLOCK.REALTIME:
    case CLOCK.MONOTONIC:
      // hrtime counts nanoseconds; performance.now() is coarsened by browsers to a few microseconds.
      return hrtime !== undefined ? 1n : 1000n;
    case CLOCK.PROCESS_CPUTIME_ID:
    case CLOCK.THREAD_CPUTIME_ID:
      // cpuUsage() counts microseconds.
      return 1000n;
    default: return undefined;
  }
}

// ---- sleeping -------------------------------------------------------------------------------------------

let sleepCell: Int32Array | null | undefined;

/** A private Int32Array cell for Atomics.wait, or null where SharedArrayBuffer is unavailable. */
function cell(): Int32Array | null {
  if (sleepCell === undefined) {
    try {
      sleepCell = new Int32Array(new SharedArrayBuffer(4));
    } catch {
      sleepCell = null;
    }
  }
  return sleepCell;
}

/**
 * Blocks the thread for `ns` nanoseconds with Atomics.wait on a private cell nobody notifies. Where the
 * thread may not block (a browser's main thread, no SharedArrayBuffer), it spins on the monotonic clock.
 */
export function sleepNs(ns: bigint): void {
  if (ns <= 0n) return;
  const deadline = monotonicNow() + ns;
  const c = cell();
  for (;;) {
    const left = deadline - monotonicNow();
    if (left <= 0n) return;
    if (c !== null) {
      try {
        // Atomics.wait takes milliseconds as a double; it may wake early, hence the loop.
        Atomics.wait(c, 0, 0, Number(left) / 1e6);
        continue;
      } catch {
        // This thread may not block: spin below.
      }
    }
    while (monotonicNow() < deadline) { /* spin */ }
    return;
  }
}
