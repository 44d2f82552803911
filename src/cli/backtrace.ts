// The wasm backtrace of a trap, recovered from the JavaScript stack of the RuntimeError.
//
// Generated code declares wasm function N as the JS function `fN` inside the module factory, which
// src/pipeline.ts evaluates with `new Function`; V8 therefore prints those frames as
// `at fN (eval at ..., <anonymous>:LINE:COLUMN)`. Only such frames are wasm frames: runtime helpers, export
// wrappers and host functions (WASI) are left out.
//
// A function compiled lazily (src/pipeline.ts) is evaluated on its own and names itself in its frames:
// `at fN (wajit:wasm-function[N]:LINE:COLUMN)`.
//
// Byte offsets come from a source map, which wajit emits only on request (a map built for every run would
// cost time and memory). So after a trap the code is generated once more with a map: generation is
// deterministic, so the LINE:COLUMN of the first run name the same code in the second. For a lazily compiled
// function only that function is generated again; for an eagerly compiled module the whole module is, which
// is skipped for very large modules (see OFFSET_LIMIT), leaving the offsets unknown.
//
// Traps that V8 raises itself (out-of-bounds memory access, call stack exhausted) are translated into a new
// RuntimeError at the export boundary, which drops the original stack: those traps carry no wasm frames.

import { SourceMapConsumer } from 'source-map';
import type { Module as DecodedModule } from '../../compiler/ir/module.js';

export interface WasmFrame {
  /** Function index in the module's function index space. */
  readonly func: number;
  /** Position in the generated JavaScript (1-based line of the evaluated source, 1-based column). */
  readonly line: number;
  readonly column: number;
  /** True for a function compiled on its first call: LINE:COLUMN are in its own code, not the module's. */
  readonly lazy: boolean;
  /** Byte offset in the module of the instruction being executed, when known. */
  offset?: number;
}

/** Frames shown after the trap line; deeper ones are summarised in one line. */
const MAX_FRAMES = 20;

/** Modules larger than this get no offsets: regenerating them with a source map would take too long. */
const OFFSET_LIMIT = 16 * 1024 * 1024;

/**
 * `new Function('rt', code)` evaluates `(function anonymous(rt\n) {\n` + code + `\n})`: line 1 of the
 * generated code is line 3 of the evaluated source.
 */
const FUNCTION_PREAMBLE_LINES = 2;

// `at f12 (eval at evaluate (file:///.../pipeline.js:20:16), <anonymous>:14:12)`, or for a lazily compiled
// function `at f12 (wajit:wasm-function[12]:3:7)`; a call through a table may print a receiver
// (`at Array.f12`) or an alias (`[as x]`).
// A loop compiled to a function of its own (compiler/codegen/func.ts, outline) is `f12$7`: a frame of f12, whose
// next frame (the call of the loop) is not another wasm frame.
const FRAME = /^\s*at (?:[\w$]+\.)?f(\d+)(\$\d+)?(?: \[as [^\]]*\])? \((?:eval at .*<anonymous>|(wajit:wasm-function\[\d+\])):(\d+):(\d+)\)$/;

/** The wasm frames of a JavaScript stack trace, innermost first. */
export function wasmFrames(stack: string | undefined): WasmFrame[] {
  const frames: WasmFrame[] = [];
  let inLoopOf = -1;
  for (const line of (stack ?? '').split('\n')) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    const func = Number(m[1]);
    const caller = inLoopOf === func;
    inLoopOf = m[2] !== undefined ? func : -1;
    if (!caller) frames.push({ func, lazy: m[3] !== undefined, line: Number(m[4]), column: Number(m[5]) });
  }
  return frames;
}

type MapJSON = ConstructorParameters<typeof SourceMapConsumer>[0];

/** Fills in each frame's byte offset by generating the code again, with a source map. */
export async function addOffsets(bytes: Uint8Array, frames: WasmFrame[]): Promise<void> {
  if (frames.length === 0) return;
  const { decodeModule } = await import('../../compiler/decode/decode.js');
  const { validateDecls } = await import('../../compiler/validate/validate.js');
  const { generateLazyFunction, generateModule } = await import('../../compiler/codegen/module.js');
  const decls = validateDecls(decodeModule(bytes));
  const opts = { filename: 'module.wasm', sourceMap: true };
  const eager = frames.filter((f) => !f.lazy);
  if (eager.length > 0 && bytes.length <= OFFSET_LIMIT) {
    const { map } = generateModule(decls, opts);
    // `new Function` puts its own lines before the generated code.
    if (map !== undefined) await lookUp(map, eager, FUNCTION_PREAMBLE_LINES);
  }
  for (const f of frames) {
    if (!f.lazy) continue;
    const { map } = generateLazyFunction(decls, f.func - decls.module.numImportedFuncs, opts);
    if (map !== undefined) await lookUp(map, [f], 0);
  }
}

/** Sets each frame's offset from `map`, in which generated line 1 is line `1 + skip` of the frames. */
async function lookUp(map: string, frames: WasmFrame[], skip: number): Promise<void> {
  const consumer = await new SourceMapConsumer(JSON.parse(map) as MapJSON);
  try {
    for (const f of frames) {
      const pos = consumer.originalPositionFor({
        line: f.line - skip,
        column: f.column - 1,
        bias: SourceMapConsumer.GREATEST_LOWER_BOUND,
      });
      // The map puts every instruction on line 1 with its byte offset as the column.
      if (pos.line === 1 && typeof pos.column === 'number') f.offset = pos.column;
    }
  } finally {
    consumer.destroy();
  }
}

/** `name (func[N])` with the name-section name, or `func[N]` without one. */
export function funcLabel(m: DecodedModule | undefined, index: number): string {
  const name = m?.names.funcs.get(index);
  return name === undefined ? `func[${index}]` : `${printable(name)} (func[${index}])`;
}

/**
 * A name from the module made safe for a terminal: control characters, line and paragraph separators,
 * bidirectional overrides and other invisible format characters (which could fake lines or reorder what
 * is shown) and backslashes are written as `\u{...}` escapes.
 */
export function printable(name: string): string {
  return name.replace(/[\\\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The trap line's location part: ` in NAME (func[N]) at offset 0x..` (empty without frames). */
export function trapLocation(m: DecodedModule | undefined, frames: readonly WasmFrame[]): string {
  const top = frames[0];
  if (top === undefined) return '';
  return ` in ${funcLabel(m, top.func)}${top.offset === undefined ? '' : ` at offset ${hex(top.offset)}`}`;
}

/**
 * The backtrace lines printed after the trap line: `    0: 0x1a3 - name (func[N])`, innermost first, each
 * followed by `at file.c:LINE:COLUMN` when `sourceOf` knows the frame's source position (DWARF line info).
 */
export function backtraceLines(
  m: DecodedModule | undefined, frames: readonly WasmFrame[], sourceOf?: (offset: number) => string | undefined,
): string[] {
  if (frames.length === 0) return [];
  const shown = frames.slice(0, MAX_FRAMES);
  const width = Math.max(...shown.map((f) => (f.offset === undefined ? 1 : hex(f.offset).length)));
  const lines = ['wasm backtrace:'];
  shown.forEach((f, i) => {
    const at = (f.offset === undefined ? '?' : hex(f.offset)).padStart(width);
    const index = String(i).padStart(String(shown.length - 1).length);
    lines.push(`  ${index}: ${at} - ${funcLabel(m, f.func)}`);
    const source = f.offset === undefined ? undefined : sourceOf?.(f.offset);
    if (source !== undefined) lines.push(`  ${' '.repeat(index.length + width + 4)}at ${printable(source)}`);
  });
  if (frames.length > shown.length) lines.push(`  ... ${frames.length - shown.length} more frame(s)`);
  return lines;
}
