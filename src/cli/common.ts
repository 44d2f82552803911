// What every `wajit` command shares: where output goes, the error that ends a command with one line, reading
// a module file, and turning the JS API's errors into that one line.
//
// Exit codes (EXIT below): 0 success; 1 an error about the module or its run (missing file, invalid module,
// link error); 2 a usage error; 134 a trap (128 + SIGABRT, what wasmtime returns on Unix). A module's own
// exit code (WASI proc_exit) passes through unchanged.

import { readFileSync } from 'node:fs';

/** Where the CLI writes; tests may pass their own. */
export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

export const EXIT = { ok: 0, error: 1, usage: 2, trap: 134 } as const;

/**
 * An error that ends the command: one `wajit: error: ...` line on stderr, then `details` (already formatted
 * lines, e.g. a wasm backtrace), and the given exit code.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.error, readonly details: readonly string[] = []) {
    super(message);
  }
}

export const usage = (message: string, command?: string): CliError =>
  new CliError(`${message} (see 'wajit ${command === undefined ? '' : `${command} `}--help')`, EXIT.usage);

export function readModule(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory'
      : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`cannot read '${file}': ${why}`);
  }
}

/** Turns the JS API's compile and link errors into one-line CLI errors; other errors pass through. */
export function explainWasmError(e: unknown, file: string): unknown {
  if (!(e instanceof Error)) return e;
  switch (e.name) {
    case 'CompileError': return new CliError(`invalid module '${file}': ${e.message}`);
    case 'LinkError': return new CliError(`cannot link '${file}': ${e.message}`);
    default: return e;
  }
}

/** Calls into the engine, turning its compile and link errors into CLI errors. */
export function wasmCall<T>(fn: () => T, file: string): T {
  try {
    return fn();
  } catch (e) {
    throw explainWasmError(e, file);
  }
}

/** The message of anything thrown, on one line. */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/\s*\n\s*/g, ' ');
}
