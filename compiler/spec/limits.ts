// The implementation limits of the WebAssembly JS API ("Implementation-defined Limits" of the WebAssembly
// JavaScript Interface): a module past one of them must be rejected with a CompileError, so wajit rejects the
// same modules as the engines it stands in for. The decoder checks counts as it reads them, after its own
// "length out of bounds" check, so malformed input keeps the reference interpreter's messages.
//
// Two limits are not here: memories (wajit takes one, see validate.ts) and memory pages (65,536, a validation
// rule of 32-bit memories). V8's own extra limits (e.g. 65,520 br_table targets, 100,000-byte names) are not
// the JS API's and are not enforced. Node 20's V8 still has the older 100,000 for imports and exports, and
// rejects a table of more than 10,000,000 elements only when it is instantiated (with a RangeError).

import { CompileError } from '../../runtime/errors.js';
import { MAX_TABLE_SIZE } from '../../runtime/abi.js';

export const LIMITS = {
  /** Bytes in a module (1 GiB). */
  moduleSize: 1_073_741_824,
  types: 1_000_000,
  /** Functions defined in the module (imports not counted). */
  functions: 1_000_000,
  imports: 1_000_000,
  exports: 1_000_000,
  globals: 1_000_000,
  dataSegments: 100_000,
  /** Tables, imported ones included. */
  tables: 100_000,
  /** Initial size of a table (the runtime's table.grow stops there too). */
  tableSize: MAX_TABLE_SIZE,
  /** Entries of one element segment. */
  elemEntries: 10_000_000,
  params: 1_000,
  results: 1_000,
  /** Bytes of a function body, its locals declarations included. */
  bodySize: 7_654_321,
  /** Locals of a function, its parameters included. */
  locals: 50_000,
} as const;

export type Limit = keyof typeof LIMITS;

const WHAT: Readonly<Record<Limit, string>> = {
  moduleSize: 'module size', types: 'types', functions: 'functions', imports: 'imports', exports: 'exports',
  globals: 'globals', dataSegments: 'data segments', tables: 'tables', tableSize: 'initial table size',
  elemEntries: 'element segment entries', params: 'parameters', results: 'results', bodySize: 'function body size',
  locals: 'locals',
};

/** Throws the CompileError for `n` past `limit` (code `implementation-limit`) when it is. */
export function checkLimit(limit: Limit, n: number, at: number): void {
  const max = LIMITS[limit];
  if (n > max) {
    throw new CompileError(`${WHAT[limit]} ${n} exceeds the implementation limit of ${max}`, at, 'implementation-limit');
  }
}
