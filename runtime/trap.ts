// Traps and error translation at the boundary between generated code and JavaScript.
//
// Generated code raises a trap by calling `trap(code)`. Two traps are not raised by us but by V8 itself and
// arrive as RangeErrors: stack overflow ("Maximum call stack size exceeded") and a DataView bounds check
// ("Offset is outside the bounds of the DataView"), which is how out-of-bounds loads and stores surface.
// The boundary (exported function wrappers, the linker) passes every caught error through translateError.
// Errors thrown by host JavaScript must pass through unchanged even when they look alike, so wrappers of
// imported functions mark them with markHost first.
//
// When modules compiled with source maps exist in this process, a trap's stack is mapped to their sources
// (runtime/stack.ts); otherwise that costs one size check per trap.

import { Trap, TRAP_MESSAGES } from './abi.js';
import { RuntimeError } from './errors.js';
import { mapTrapStack } from './stack.js';

/** Raise the trap `code` as a RuntimeError worded as the spec's reference interpreter words it. */
export function trap(code: Trap): never {
  const err = new RuntimeError(TRAP_MESSAGES[code]!);
  mapTrapStack(err);
  throw err;
}

// Objects thrown by host code. Primitives need no mark: only RangeError objects are ever translated.
const hostErrors = new WeakSet<object>();

/** Remember that `e` was thrown by host JavaScript, so translateError leaves it alone. */
export function markHost(e: unknown): void {
  if ((typeof e === 'object' && e !== null) || typeof e === 'function') hostErrors.add(e);
}

/**
 * The error to report for `e` caught at the boundary: a RuntimeError for V8's stack-overflow and DataView
 * bounds RangeErrors (unless host code threw them), otherwise `e` itself.
 */
export function translateError(e: unknown): unknown {
  if (!(e instanceof RangeError) || hostErrors.has(e)) return e;
  const m = e.message;
  if (m.includes('call stack size')) return retrap(Trap.CallStackExhausted, e);
  // V8 words every DataView range failure this way; "outside the bounds" also covers the typed array
  // variants ("Start offset ... is outside the bounds of the buffer") should a helper ever use one.
  if (m.includes('outside the bounds')) return retrap(Trap.MemoryOutOfBounds, e);
  return e;
}

/** The trap an engine error stands for, keeping the engine's stack (where in the wasm code it happened). */
function retrap(code: Trap, e: RangeError): RuntimeError {
  const err = new RuntimeError(TRAP_MESSAGES[code]!);
  const frames = typeof e.stack === 'string' ? e.stack.slice(e.stack.indexOf('\n') + 1) : '';
  if (frames) err.stack = `${err.name}: ${err.message}\n${frames}`;
  Object.defineProperty(err, 'cause', { value: e, configurable: true, writable: true });
  mapTrapStack(err);
  return err;
}
