// Shared pieces of the source-map tests: a WAT module whose division traps (assembled with its name section,
// which the shared watToWasm leaves out), the C programs built with -g (test/maps/c/, see build.sh there),
// and small helpers to find things in listings, generated code and maps.

import { readFileSync } from 'node:fs';
import { SourceMapConsumer } from 'source-map';
import wabtInit from 'wabt';

const wabt = await wabtInit();

/** Assembles WAT text, with a name section for its function and local names. */
export function watWithNames(name: string, text: string): Uint8Array {
  const mod = wabt.parseWat(name, text, { multi_value: true, bulk_memory: true, reference_types: true });
  try {
    return mod.toBinary({ write_debug_names: true }).buffer;
  } finally {
    mod.destroy();
  }
}

/** `div` divides and stores the quotient before using it, so the division is not its statement's last instruction. */
export const DIV_WAT = `(module
  (func $div (export "div") (param $a i32) (param $b i32) (result i32)
    (local $q i32)
    local.get $a
    local.get $b
    i32.div_s
    local.set $q
    local.get $q
    i32.const 1
    i32.add)
  (func $outer (export "outer") (param $x i32) (result i32)
    local.get $x
    i32.const 0
    call $div))
`;

export const divWasm = (): Uint8Array => watWithNames('div.wat', DIV_WAT);

/** The C program (divide.c, DWARF 4, a WASI command) and its libc-free DWARF 5 build. */
export const C_DIR = new URL('./c/', import.meta.url);
export const divideWasm = (): Uint8Array => readFileSync(new URL('divide.wasm', C_DIR));
export const divideDwarf5Wasm = (): Uint8Array => readFileSync(new URL('divide-dwarf5.wasm', C_DIR));
/** The line of divide.c with the division (the file says to keep it there). */
export const DIVISION_LINE = readFileSync(new URL('divide.c', C_DIR), 'utf8').split('\n').findIndex((l) => l.includes('total / parts')) + 1;
/** The line of the call to ratio() in main. */
export const CALL_LINE = readFileSync(new URL('divide.c', C_DIR), 'utf8').split('\n').findIndex((l) => l.includes('return ratio(')) + 1;

/** 1-based line numbers of the listing's lines whose text (trimmed) is `instr`. */
export function linesOf(listing: string, instr: string): number[] {
  const found: number[] = [];
  listing.split('\n').forEach((l, i) => { if (l.trim() === instr) found.push(i + 1); });
  return found;
}

/** The generated position (1-based line, 0-based column) of the first `needle` in `code` at or after `from`. */
export function positionOf(code: string, needle: string, from = 0): { line: number; column: number } {
  const at = code.indexOf(needle, from);
  if (at < 0) throw new Error(`'${needle}' not in the generated code`);
  const before = code.slice(0, at);
  return { line: before.split('\n').length, column: at - (before.lastIndexOf('\n') + 1) };
}

export type MapJSON = ConstructorParameters<typeof SourceMapConsumer>[0];

/** The original position of a generated one (as a stack frame would be looked up). */
export async function originalOf(map: string, pos: { line: number; column: number }): Promise<{ source: string | null; line: number | null; column: number | null }> {
  const consumer = await new SourceMapConsumer(JSON.parse(map) as MapJSON);
  try {
    const { source, line, column } = consumer.originalPositionFor({ ...pos, bias: SourceMapConsumer.GREATEST_LOWER_BOUND });
    return { source, line, column };
  } finally {
    consumer.destroy();
  }
}

/** Makes the first unit length of the module's .debug_line a reserved value (the section keeps its size). */
export function corruptLineTable(bytes: Uint8Array): void {
  const name = new TextEncoder().encode('.debug_line');
  for (let i = 0; i + name.length < bytes.length; i++) {
    if (bytes[i - 1] === name.length && name.every((b, k) => bytes[i + k] === b)) {
      bytes.set([0xf0, 0xff, 0xff, 0xff], i + name.length);
      return;
    }
  }
  throw new Error('no .debug_line section');
}
