// Trap stacks in the module's own terms. Code that wajit compiles in this process with source maps on
// (src/pipeline.ts, `sourceMap: true`) names its scripts `wasm://wajit/<id>/<file>.js` and registers a mapper
// for `<id>` here; when a trap's RuntimeError is made, the frames of such scripts are rewritten to the
// wasm function's name and its place in the WAT listing or the original source:
//
//   at f3 (wasm://wajit/1/prog.js:12:17)   becomes   at ratio (divide.c:4:21)
//
// Node maps such scripts only under --enable-source-maps (frames it has mapped are left as they are). Frames
// above the innermost mapped one (the runtime's helpers that raised the trap) are left out, as engines
// show wasm traps. Nothing here runs unless a mapper is registered; other errors, host exceptions included,
// are never touched. The registry holds mappers weakly: a mapper lives as long as its compiled module or
// the functions of its instances (the compiler's side keeps it reachable from them).

/** A frame's place in the module's sources: function name, file, 1-based line, 1-based column (0: none). */
export interface FramePosition {
  readonly func: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Maps a position in one of a module's scripts (`file` after `wasm://wajit/<id>/`; V8's 1-based numbers):
 * null for a position in wajit's glue code (a lazy stub, the link function), undefined for a file that is
 * not one of its scripts (e.g. a frame Node has already mapped with --enable-source-maps).
 */
export interface StackMapper {
  frame(file: string, line: number, column: number): FramePosition | null | undefined;
}

/** The URL prefix of the scripts of registered modules. */
export const SCRIPT_URL_PREFIX = 'wasm://wajit/';

const mappers = new Map<string, WeakRef<StackMapper>>();
const cleanup = new FinalizationRegistry<string>((id) => {
  if (mappers.get(id)?.deref() === undefined) mappers.delete(id);
});
let nextId = 1;

/** Registers a mapper; returns the id its scripts are named with (`wasm://wajit/<id>/...`). */
export function registerStackMapper(mapper: StackMapper): string {
  const id = String(nextId++);
  mappers.set(id, new WeakRef(mapper));
  cleanup.register(mapper, id);
  return id;
}

// `    at NAME (wasm://wajit/ID/FILE:LINE:COLUMN)`, or without a name `    at wasm://wajit/ID/FILE:LINE:COLUMN`.
const OUTLINED = /(?:^|\.)f\d+\$\d+(?: \[as [^\]]*\])?$/;
const FRAME = /^(\s*at )(?:(.*) \()?wasm:\/\/wajit\/(\d+)\/([^\s():]+):(\d+):(\d+)\)?$/;

/** The stack text with registered frames mapped; undefined when none of its frames is registered. */
export function mapStackText(stack: string): string | undefined {
  const lines: (string | undefined)[] = stack.split('\n');
  let first = -1;
  // A loop compiled to a function of its own (`f12$7`, compiler/codegen/func.ts) is a frame of its wasm
  // function; the frame below it, the call of the loop in that function, is dropped.
  let inLoopOf: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const m = FRAME.exec(lines[i]!);
    if (m === null) continue;
    const mapper = mappers.get(m[3]!)?.deref();
    if (mapper === undefined) continue;
    const pos = mapper.frame(m[4]!, Number(m[5]), Number(m[6]));
    if (pos === undefined) continue;
    if (pos === null) {
      lines[i] = undefined;
      continue;
    }
    const caller = inLoopOf === pos.func;
    inLoopOf = OUTLINED.test(m[2] ?? '') ? pos.func : null;
    if (caller) {
      lines[i] = undefined;
      continue;
    }
    const where = `${pos.file}:${pos.line}${pos.column > 0 ? `:${pos.column}` : ''}`;
    lines[i] = `${m[1]}${pos.func} (${where})`;
    if (first < 0) first = i;
  }
  if (first < 0) return undefined;
  // The message (which may span lines) stays; the helper frames between it and the first mapped frame go.
  let head = first;
  while (head > 0 && (lines[head - 1] === undefined || /^\s*at /.test(lines[head - 1]!))) head--;
  return [...lines.slice(0, head), ...lines.slice(first)].filter((l) => l !== undefined).join('\n');
}

/**
 * Gives a trap's error a stack in the module's terms, computed when first read. Does nothing (one size
 * check) unless some module registered a mapper.
 */
export function mapTrapStack(err: Error): void {
  if (mappers.size === 0) return;
  const d = Object.getOwnPropertyDescriptor(err, 'stack');
  if (d === undefined || d.configurable !== true) return;
  // V8 before 12 keeps the stack as a data property (reading the descriptor formats it); later versions
  // have an accessor that formats on first read.
  const original = d.get !== undefined ? (): unknown => d.get!.call(err) : (): unknown => d.value;
  let mapped: string | undefined;
  const settle = (value: unknown): void => {
    Object.defineProperty(err, 'stack', { value, writable: true, configurable: true, enumerable: d.enumerable === true });
  };
  Object.defineProperty(err, 'stack', {
    configurable: true,
    enumerable: d.enumerable === true,
    get(): unknown {
      const text = original();
      if (typeof text !== 'string') return text;
      // Reading a stack must never throw: a mapper that fails leaves the stack as the engine wrote it.
      try {
        mapped ??= mapStackText(text) ?? text;
      } catch {
        mapped = text;
      }
      settle(mapped);
      return mapped;
    },
    set(value: unknown): void {
      settle(value);
    },
  });
}
