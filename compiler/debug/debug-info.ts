// What a byte offset of a module stands for, for source maps and trap stacks: its line in wajit's WAT listing
// of the module (compiler/disasm/wat.ts), its line in the original sources when the module says (DWARF
// `.debug_line`, compiler/debug/dwarf.ts, or an input source map, compiler/debug/source-map.ts), and the
// function it lies in. Three targets for a map:
//
//   wasm     the .wasm file itself, line 1, column = byte offset (the WebAssembly tool convention)
//   wat      the WAT listing, which goes along as the map's sourcesContent
//   source   the original sources where known (an input map first, then DWARF), the WAT listing elsewhere
//            (code without debug info, such as libc built without -g, still maps somewhere readable)
//
// Debug info never stops compilation: what cannot be read is reported through `onWarning` and left out.

import { Reader } from '../decode/reader.js';
import type { Module } from '../ir/module.js';
import { disassembleWithPositions, watPosition, type WatPositions } from '../disasm/wat.js';
import type { MapOrigin } from '../emit/print.js';
import { DwarfError, lineAt, readLineTable, type LineTable } from './dwarf.js';
import { inputPosition, parseInputMap, type InputMap } from './source-map.js';

export type MapTarget = 'wasm' | 'wat' | 'source';

export interface DebugInfoOptions {
  /** Name of the .wasm file: the source of `wasm` maps. */
  readonly wasmName: string;
  /** Name of the WAT listing (default: wasmName with `.wat` for `.wasm`). */
  readonly watName?: string;
  /** A source map of the .wasm file (JSON text) to compose with; it takes precedence over DWARF. */
  readonly inputMap?: string;
  /** Called with a one-line message for debug info that cannot be used. */
  readonly onWarning?: (message: string) => void;
  /** Read the module's DWARF line table (default true; a map to the listing needs none). */
  readonly dwarf?: boolean;
}

/** Longest listing embedded in a map (characters): a debugger or Node loads all of it with the map. */
export const EMBED_LIMIT = 16 * 2 ** 20;

/** Bytes of each data segment the listing shows (as `wajit dump` would); the rest is left out. */
export const DATA_LIMIT = 256;

/** A name from the module made safe for a stack trace line: no spaces, parentheses, control characters. */
export function safeName(name: string): string {
  return name.replace(/[\s()\\\p{Cc}\p{Cf}\u2028\u2029]/gu, '_');
}

/** `name.wasm` -> `name.wat`; any other name gets `.wat` appended. */
export function watNameFor(wasmName: string): string {
  return wasmName.endsWith('.wasm') ? `${wasmName.slice(0, -5)}.wat` : `${wasmName}.wat`;
}

/** The start and size of the code section's contents, found by walking the section headers. */
function codeSection(bytes: Uint8Array): { start: number; size: number } | undefined {
  try {
    const r = new Reader(bytes, 8);
    while (!r.eof()) {
      const id = r.u8();
      const size = r.u32();
      if (id === 10) return { start: r.pos, size };
      r.pos += size;
    }
  } catch {
    // A malformed header: no code section to map.
  }
  return undefined;
}

export class DebugInfo {
  readonly wasmName: string;
  readonly watName: string;
  private readonly m: Module;
  private listingCache: { text: string; positions: WatPositions } | undefined;
  private readonly lines: LineTable | undefined;
  private readonly codeStart: number;
  private readonly input: InputMap | undefined;
  private readonly warn: (message: string) => void;

  constructor(m: Module, opts: DebugInfoOptions) {
    this.m = m;
    this.wasmName = opts.wasmName;
    this.watName = opts.watName ?? watNameFor(opts.wasmName);
    const warn = (this.warn = opts.onWarning ?? ((): void => {}));
    const code = codeSection(m.bytes);
    this.codeStart = code?.start ?? 0;

    // The readers raise their own errors for bad input; anything else would be a wajit bug, which must not
    // stop compilation either: the debug info is left out all the same.
    if (opts.inputMap !== undefined) {
      try {
        this.input = parseInputMap(opts.inputMap);
      } catch (e) {
        warn(`ignoring the input source map: ${(e as Error).message}`);
      }
    }

    const section = (name: string): Uint8Array | undefined => m.customs.find((c) => c.name === name)?.bytes;
    const debugLine = section('.debug_line');
    if (debugLine !== undefined && code !== undefined && opts.dwarf !== false) {
      let table: LineTable;
      try {
        table = readLineTable(debugLine, code.size, { debugStr: section('.debug_str'), debugLineStr: section('.debug_line_str') });
      } catch (e) {
        table = { ranges: [], error: new DwarfError(`internal error: ${(e as Error).message}`, 0) };
      }
      if (table.error !== undefined) {
        warn(`${table.ranges.length > 0 ? 'ignoring part of' : 'ignoring'} the DWARF line table: ${table.error.message}`);
      }
      if (table.ranges.length > 0) this.lines = table;
    }
  }

  /** True when some code maps to original sources (DWARF lines or an input map). */
  get hasSources(): boolean {
    return this.lines !== undefined || this.input !== undefined;
  }

  /**
   * The WAT listing and the position of each instruction in it (made on first use). Data segments are cut
   * to their first DATA_LIMIT bytes: the listing goes into maps, and data can be megabytes.
   */
  get listing(): { text: string; positions: WatPositions } {
    return (this.listingCache ??= disassembleWithPositions(this.m, { dataLimit: DATA_LIMIT }));
  }

  /** The instruction at `offset` in the WAT listing. */
  watOrigin(offset: number): MapOrigin | undefined {
    const p = watPosition(this.listing.positions, offset);
    return p === undefined ? undefined : { source: this.watName, line: p.line, column: p.column };
  }

  /** The original source position of `offset`, from the input map or DWARF. */
  sourceOrigin(offset: number): MapOrigin | undefined {
    if (this.input !== undefined) {
      const p = inputPosition(this.input, offset);
      if (p !== undefined) return p;
    }
    if (this.lines !== undefined) {
      const r = lineAt(this.lines, offset - this.codeStart);
      // DWARF columns count from 1 (0: unknown); source map columns from 0.
      if (r !== undefined) return { source: r.file, line: r.line, column: Math.max(r.column - 1, 0) };
    }
    return undefined;
  }

  /**
   * The function translating offsets for a map to `target`. A function's own position (its code entry, where
   * its JavaScript function starts) carries the function's name, which Node shows for mapped frames.
   */
  origin(target: MapTarget): ((offset: number) => MapOrigin | undefined) | undefined {
    if (target === 'wasm') return undefined;
    const starts = new Map<number, number>();
    this.m.codes.forEach((c, k) => starts.set(c.at, this.m.numImportedFuncs + k));
    // Nodes of one instruction come in runs: the last answer is often the next one.
    let last = -1;
    let lastOrigin: MapOrigin | undefined;
    return (o) => {
      if (o === last) return lastOrigin;
      const p = target === 'source' ? this.sourceOrigin(o) ?? this.watOrigin(o) : this.watOrigin(o);
      const func = starts.get(o);
      last = o;
      lastOrigin = p === undefined || func === undefined ? p : { ...p, name: safeName(this.functionName(func)) };
      return lastOrigin;
    };
  }

  /**
   * Sources to embed in a map to `target`: the WAT listing (unless longer than EMBED_LIMIT characters, which
   * is reported as a warning), and what an input map embeds.
   */
  sourcesContent(target: MapTarget): [string, string][] {
    if (target === 'wasm') return [];
    const text = this.listing.text;
    const list: [string, string][] = [];
    if (text.length <= EMBED_LIMIT) list.push([this.watName, text]);
    else this.warn(`the WAT listing (${Math.ceil(text.length / 2 ** 20)} MiB) is too large to embed in the source map; it is referred to as ${this.watName}`);
    if (target === 'source' && this.input !== undefined) {
      this.input.sources.forEach((s, i) => {
        const text = this.input!.sourcesContent[i];
        if (text !== undefined) list.push([s, text]);
      });
    }
    return list;
  }

  /** The index of the function whose code contains `offset`, if any. */
  functionAt(offset: number): number | undefined {
    const codes = this.m.codes;
    let lo = 0, hi = codes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = codes[mid]!;
      if (offset < c.at) hi = mid - 1;
      else if (offset >= c.end) lo = mid + 1;
      else return this.m.numImportedFuncs + mid;
    }
    return undefined;
  }

  /** The name-section name of function `index`, or `func[index]`. */
  functionName(index: number): string {
    return this.m.names.funcs.get(index) ?? `func[${index}]`;
  }
}
