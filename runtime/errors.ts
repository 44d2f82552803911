// The three error classes of the WebAssembly JS API. They extend the host's own classes when the host has
// WebAssembly, so `e instanceof globalThis.WebAssembly.RuntimeError` holds for wajit's errors too.

const host = (globalThis as { WebAssembly?: Record<string, unknown> }).WebAssembly;
type ErrorCtor = new (message?: string) => Error;
const base = (name: string): ErrorCtor => (host?.[name] as ErrorCtor | undefined) ?? Error;

/** Raised for a module that cannot be decoded or does not validate. */
export class CompileError extends base('CompileError') {
  /** Absolute byte offset in the module where the problem was found. */
  readonly offset: number;
  /** Stable identifier of the problem (e.g. 'type-mismatch', 'unexpected-end'). */
  readonly code: string;
  constructor(message: string, offset: number, code = 'invalid') {
    super(`${message} (at offset 0x${offset.toString(16)})`);
    this.name = 'CompileError';
    this.offset = offset;
    this.code = code;
  }
}

/** Raised when imports do not satisfy a module's import declarations. */
export class LinkError extends base('LinkError') {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** Raised by a trap. */
export class RuntimeError extends base('RuntimeError') {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}
