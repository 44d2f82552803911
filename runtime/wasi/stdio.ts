// Standard input and output streams behind descriptors 0, 1 and 2: a host file descriptor (node:fs, fully
// synchronous, as the guest expects its writes to have happened when fd_write returns), a JavaScript function
// (tests, browsers), or, without Node, the console. node:fs is fetched with process.getBuiltinModule so this
// module loads anywhere.
//
// Non-blocking host descriptors (a pipe a parent process set O_NONBLOCK on) answer EAGAIN: writes retry after
// a 1 ms sleep until every byte is out, reads wait 10 ms and try again, so the guest always sees blocking I/O.

import { sleepNs } from './clock.js';
import { E } from './constants.js';
import { FsError } from './fs.js';

type NodeFs = typeof import('node:fs');
type NodeTty = typeof import('node:tty');

const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } } })
  .process;
// Node before 20.16 has no getBuiltinModule: there, require the modules once through createRequire.
let builtin: ((id: string) => unknown) | undefined;
if (typeof proc?.getBuiltinModule === 'function') builtin = proc.getBuiltinModule.bind(proc);
else if (proc?.versions?.node !== undefined) builtin = (await import('node:module')).createRequire(import.meta.url);
const nodeFs = builtin?.('node:fs') as NodeFs | undefined;
const nodeTty = builtin?.('node:tty') as NodeTty | undefined;

/** A byte sink: writes everything or throws FsError. */
export interface OutputStream {
  /** Writes mem[off, off + len); returns len. */
  write(mem: Uint8Array, off: number, len: number): number;
  /** Whether the stream is a terminal (fdstat reports a character device then). */
  readonly isatty: boolean;
}

/** A byte source. */
export interface InputStream {
  /** Reads up to len bytes into mem at off, blocking until at least one is there; 0 at end of input. */
  read(mem: Uint8Array, off: number, len: number): number;
  readonly isatty: boolean;
}

/** What the WASI options accept for stdout/stderr and stdin. */
export type OutputSpec = number | ((bytes: Uint8Array) => void);
export type InputSpec = number | ((max: number) => Uint8Array | null | undefined);

// Host errno names (libuv's `code`) to WASI errno values, for the errors a stream read or write can meet.
const HOST_ERRNO: Record<string, number> = {
  EAGAIN: E.AGAIN, EBADF: E.BADF, EPIPE: E.PIPE, EIO: E.IO, ENOSPC: E.NOSPC, EDQUOT: E.DQUOT, EFBIG: E.FBIG,
  EINVAL: E.INVAL, EISDIR: E.ISDIR, EACCES: E.ACCES, EPERM: E.PERM, ECONNRESET: E.CONNRESET, ENXIO: E.NXIO,
};

function hostError(e: unknown): FsError {
  const code = (e as { code?: unknown } | null)?.code;
  return new FsError((typeof code === 'string' && HOST_ERRNO[code]) || E.IO, String(code ?? e));
}

function hostIsatty(fd: number): boolean {
  try {
    return nodeTty?.isatty(fd) ?? false;
  } catch {
    return false;
  }
}

class HostOutput implements OutputStream {
  #tty: boolean | undefined;
  constructor(private readonly fs: NodeFs, readonly fd: number) {}

  get isatty(): boolean {
    return (this.#tty ??= hostIsatty(this.fd));
  }

  write(mem: Uint8Array, off: number, len: number): number {
    let done = 0;
    while (done < len) {
      try {
        done += this.fs.writeSync(this.fd, mem, off + done, len - done);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === 'EAGAIN' || code === 'EINTR') {
          sleepNs(1_000_000n);
          continue;
        }
        throw hostError(e);
      }
    }
    return len;
  }
}

class HostInput implements InputStream {
  #tty: boolean | undefined;
  constructor(private readonly fs: NodeFs, readonly fd: number) {}

  get isatty(): boolean {
    return (this.#tty ??= hostIsatty(this.fd));
  }

  read(mem: Uint8Array, off: number, len: number): number {
    if (len === 0) return 0;
    for (;;) {
      try {
        // position null: read from the current position, which is what a pipe or terminal has anyway.
        return this.fs.readSync(this.fd, mem, off, len, null);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === 'EAGAIN' || code === 'EINTR') {
          sleepNs(10_000_000n);
          continue;
        }
        if (code === 'EOF') return 0; // Windows reports the end of a pipe this way
        throw hostError(e);
      }
    }
  }
}

class FunctionOutput implements OutputStream {
  readonly isatty = false;
  constructor(private readonly fn: (bytes: Uint8Array) => void) {}

  write(mem: Uint8Array, off: number, len: number): number {
    // A copy: the callee may keep the bytes, and guest memory changes under it.
    this.fn(mem.slice(off, off + len));
    return len;
  }
}

class FunctionInput implements InputStream {
  readonly isatty = false;
  #pending: Uint8Array | null = null;
  #ended = false;
  constructor(private readonly fn: (max: number) => Uint8Array | null | undefined) {}

  read(mem: Uint8Array, off: number, len: number): number {
    if (len === 0) return 0;
    let chunk = this.#pending;
    this.#pending = null;
    if (chunk === null) {
      if (this.#ended) return 0;
      const got = this.fn(len);
      if (got === null || got === undefined || got.length === 0) {
        this.#ended = true;
        return 0;
      }
      chunk = got;
    }
    // The function may return more than asked: keep the rest for the next read.
    const n = Math.min(len, chunk.length);
    mem.set(n === chunk.length ? chunk : chunk.subarray(0, n), off);
    if (n < chunk.length) this.#pending = chunk.subarray(n);
    return n;
  }
}

/** Without Node: text to console.log / console.error, line by line. */
class ConsoleOutput implements OutputStream {
  readonly isatty = false;
  #decoder = new TextDecoder();
  #line = '';
  constructor(private readonly error: boolean) {}

  write(mem: Uint8Array, off: number, len: number): number {
    this.#line += this.#decoder.decode(mem.slice(off, off + len), { stream: true });
    let nl: number;
    while ((nl = this.#line.indexOf('\n')) >= 0) {
      const text = this.#line.slice(0, nl);
      this.#line = this.#line.slice(nl + 1);
      if (this.error) console.error(text);
      else console.log(text);
    }
    return len;
  }
}

/** Without Node and without a stdin function: input is empty. */
const emptyInput: InputStream = { isatty: false, read: () => 0 };

/** The stream for an output option: a host fd number or a function. */
export function makeOutput(spec: OutputSpec, error: boolean): OutputStream {
  if (typeof spec === 'function') return new FunctionOutput(spec);
  return nodeFs !== undefined ? new HostOutput(nodeFs, spec) : new ConsoleOutput(error);
}

/** The stream for the stdin option: a host fd number or a function. */
export function makeInput(spec: InputSpec): InputStream {
  if (typeof spec === 'function') return new FunctionInput(spec);
  return nodeFs !== undefined ? new HostInput(nodeFs, spec) : emptyInput;
}
