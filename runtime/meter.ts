// Resource limits of one instance: fuel (an instruction budget) and a wall-clock timeout built on it.
//
// Code compiled with metering keeps a counter in the instance's scope and subtracts, at every function entry
// and loop header, the size of the code that runs until the next such point (IR nodes, about one per wasm
// instruction; see compiler/codegen/func.ts). A counter below zero calls `refuel`, which moves fuel from the
// instance's budget into the counter in chunks (so the counter stays a small integer V8 keeps unboxed) and,
// between chunks, checks the clock. An exhausted budget or a passed deadline traps; the counter then stays
// negative, so every later check traps too until `setFuel` (or a new timeout) gives the instance more.
//
//   fuel: N        the instance may execute about N instructions in all (refillable with setFuel)
//   timeout: ms    instantiation (the start function) and each call of an exported function from JavaScript
//                  may run this long (wall clock); checked once per chunk of TIMEOUT_CHUNK units, about
//                  every millisecond of generated code. (A function reached another way, e.g. read from a
//                  table, runs against the deadline of the last such call.)

import { Trap } from './abi.js';
import { trap } from './trap.js';

/**
 * Fuel moved into the counter at a time when only fuel is limited: the largest small integer (V8 keeps a
 * counter in that range untagged; one beyond it is a heap number, allocated on every store).
 */
const FUEL_CHUNK = 2 ** 30 - 1;
/** Fuel per clock check when a timeout is set (a few hundred microseconds to a few ms of generated code). */
const TIMEOUT_CHUNK = 1 << 18;
/** With a timeout: refuels of one unit at the start (see refuel). */
const WARMUP = 50_000;

export interface Limits {
  /** Instruction budget; Infinity (or undefined) for none. */
  readonly fuel?: number;
  /** Wall-clock limit in milliseconds per call from JavaScript into the instance. */
  readonly timeout?: number;
}

export class Meter {
  /** Fuel not yet moved into the counter. */
  private reserve: number;
  private readonly chunk: number;
  private readonly timeout: number;
  private deadline = Infinity;
  private warm = 0;
  /** The generated code's counter (set once the instance is linked). */
  counter: { get(): number; set(n: number): void } = { get: () => 0, set: () => {} };

  constructor(limits: Limits) {
    const fuel = limits.fuel ?? Infinity;
    const timeout = limits.timeout ?? Infinity;
    if (!(fuel >= 0)) throw new RangeError(`fuel must be a number >= 0, not ${String(limits.fuel)}`);
    if (!(timeout > 0)) throw new RangeError(`timeout must be a number of milliseconds > 0, not ${String(limits.timeout)}`);
    this.reserve = fuel;
    this.timeout = timeout;
    this.chunk = timeout === Infinity ? FUEL_CHUNK : TIMEOUT_CHUNK;
    if (timeout === Infinity) this.warm = WARMUP;
  }

  /** The generated code's refuel callback: `counter` is below zero; returns its next value or traps. */
  readonly refuel = (counter: number): number => {
    // The overdraw was spent: take it from the reserve.
    this.reserve += counter;
    if (this.reserve < 0) {
      this.reserve = 0;
      trap(Trap.FuelExhausted);
    }
    if (performance.now() > this.deadline) trap(Trap.Timeout);
    // How often refuel runs decides what V8 makes of the check points (docs/performance.md, "Fuel metering").
    // A refuel call V8 never saw executed is compiled as a deoptimization exit: out of line, nothing spilled
    // for it. Once it has run, it is an ordinary call in the loop, and the loop gets slower (measured: sort
    // 1.0x → 1.5x of unmetered code; presumably values spilled around the call). With fuel only, the chunk is as large
    // as the counter allows, so refuels (and the one deoptimization each check point's first refuel costs)
    // are about a billion units apart. A timeout needs the clock read every chunk, so its chunks are small;
    // there the first refuels hand out one unit at a time instead, so that every check point the program
    // passes early calls refuel while V8 still interprets it, and no optimized function is thrown out later
    // (without it: 4 deoptimizations, +120% on i32-loops).
    const take = Math.min(this.warm < WARMUP ? (this.warm++, 1) : this.chunk, this.reserve);
    this.reserve -= take;
    return take;
  };

  /** Fuel left: the reserve plus what the counter still holds. */
  get fuel(): number {
    return this.reserve + Math.max(0, this.counter.get());
  }

  /** Replaces the remaining fuel (the next check point refills the counter from it). */
  set fuel(n: number) {
    if (!(n >= 0)) throw new RangeError(`fuel must be a number >= 0, not ${String(n)}`);
    this.reserve = n;
    this.counter.set(0);
  }

  /** Calls from JavaScript currently running in the instance (re-entry through imports nests). */
  private depth = 0;

  /** Runs `f` as a call from JavaScript into the instance: the outermost one starts the timeout. */
  call<T>(f: () => T): T {
    if (this.depth++ === 0) this.deadline = performance.now() + this.timeout;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /** True when this meter limits time. */
  get timed(): boolean {
    return this.timeout !== Infinity;
  }
}
