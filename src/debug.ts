// Source maps for code compiled in this process (the `sourceMap` compile option, src/pipeline.ts). The module
// factory and each lazily compiled function become scripts named `wasm://wajit/<id>/<name>.js` with an inline
// source map to the module's WAT listing (embedded) or its original sources, so a debugger attached with
// `node --inspect` shows WAT or C. Node applies such maps to stack traces only under --enable-source-maps
// (and there is no map with `inline: false`), so trap stacks are mapped here as well: this object is the
// module's runtime/stack.ts mapper.
//
// The mapper holds a table of byte offsets by generated position per script (recorded while printing), so a
// trap never needs the source-map consumer or the code generator. It stays reachable from the compiled
// module and, through a weak map, from the functions of every instance (see `retain`).

import type { Module } from '../compiler/ir/module.js';
import { DebugInfo, safeName, type MapTarget } from '../compiler/debug/debug-info.js';
import { sourceMappingURL } from '../compiler/debug/source-map.js';
import { base64 } from '../compiler/emit/esm.js';
import type { MapOrigin, OffsetTable } from '../compiler/emit/print.js';
import type { GenerateOptions } from '../compiler/codegen/module.js';
import type { LinkResult } from '../runtime/abi.js';
import { base64Decode } from '../runtime/base64.js';
import { registerStackMapper, SCRIPT_URL_PREFIX, type FramePosition, type StackMapper } from '../runtime/stack.js';

export interface SourceMapOptions {
  /**
   * What maps and trap stacks point to: `wat`, wajit's WAT listing of the module; `source`, the original
   * sources where the module's DWARF line table or `inputSourceMap` knows them (the listing elsewhere).
   * Default: `source` when the module has such debug info, else `wat`.
   */
  to?: 'wat' | 'source';
  /** A source map of the .wasm file (JSON text or object, columns = byte offsets) to compose with. */
  inputSourceMap?: string | object;
  /** Called with a message for debug info that cannot be used (default: ignored). */
  onWarning?: (message: string) => void;
  /**
   * Give generated scripts an inline source map, for debuggers (default true). Without it only trap stacks
   * are mapped, which costs far less: the map embeds the WAT listing, often several times the size of the
   * code, and V8 reads it at every evaluation.
   */
  inline?: boolean;
}

/**
 * `new Function(params, body)` compiles `(function anonymous(rt,source\n) {\n` + body + `\n})`: the body's
 * first line is line 3 of the script.
 */
const FUNCTION_PREAMBLE_LINES = 2;

const encoder = new TextEncoder();

/** A name from the module made safe for a stack line or a script URL: no line breaks, parentheses or colons. */
function safe(s: string, pattern: RegExp): string {
  return s.replace(pattern, '_');
}

/** Objects kept alive by an instance's functions: the mapper must outlive the code it maps. */
const retain = new WeakMap<object, JitDebug>();

export class JitDebug implements StackMapper {
  private readonly m: Module;
  private readonly opts: SourceMapOptions;
  private readonly wasmName: string;
  private infoCache: DebugInfo | undefined;
  private targetCache: MapTarget | undefined;
  private readonly base: string;
  private readonly stem: string;
  private readonly scripts = new Map<string, OffsetTable>();
  /** Deferred mode: how to generate a script's positions again, until a trap's stack needs them. */
  private readonly pending = new Map<string, () => OffsetTable | undefined>();
  private readonly inline: boolean;
  /** The offset translation for maps, made once (it indexes the functions' starts). */
  private origin: ((offset: number) => MapOrigin | undefined) | undefined;

  /**
   * `deferred`: no maps and no positions at compile time, only script names; a trap's stack is mapped from
   * positions generated again when it is first read (see defer).
   */
  constructor(m: Module, filename: string | undefined, opts: SourceMapOptions, readonly deferred = false) {
    this.m = m;
    this.opts = opts;
    this.wasmName = safe((filename ?? 'module.wasm').replace(/^[\s\S]*[\\/]/, ''), /[^\w.+-]/g) || 'module.wasm';
    if (!deferred) void this.info;
    this.inline = opts.inline !== false && !deferred;
    this.stem = this.wasmName.replace(/\.wasm$/, '');
    this.base = `${SCRIPT_URL_PREFIX}${registerStackMapper(this)}/`;
  }

  /** The module's debug info: read at construction, or in deferred mode when a stack first needs it. */
  get info(): DebugInfo {
    if (this.infoCache === undefined) {
      const m = this.m, opts = this.opts;
      // A map the module embeds as a data: URL is used too; one elsewhere would have to be fetched.
      const embedded = sourceMappingURL(m.customs);
      const inputMap = opts.inputSourceMap === undefined ? embedded?.startsWith('data:') ? dataURL(embedded) : undefined
        : typeof opts.inputSourceMap === 'string' ? opts.inputSourceMap : JSON.stringify(opts.inputSourceMap);
      this.infoCache = new DebugInfo(m, { wasmName: this.wasmName, inputMap, onWarning: opts.onWarning });
    }
    return this.infoCache;
  }

  private get target(): MapTarget {
    return (this.targetCache ??= this.opts.to ?? (this.info.hasSources ? 'source' : 'wat'));
  }

  /** Deferred mode: `positions` generates the offset table of script `file` again, on first need. */
  defer(file: string, positions: () => OffsetTable | undefined): void {
    this.pending.set(file, positions);
  }

  /** Generate options that give the same code as options(file, evaluated) and record its positions. */
  regenerateOptions(file: string, evaluated: boolean): GenerateOptions {
    const firstLine = evaluated ? 1 + FUNCTION_PREAMBLE_LINES : 1;
    return { sourceURL: this.base + file, map: { firstLine, recordOffsets: true } };
  }

  /**
   * Generate options for the module factory (`evaluated`: run by new Function, and its map embeds the WAT
   * listing) or a lazily compiled function (whose map refers to the same listing, by the same URL, without
   * embedding it again: a debugger has it from the module's map).
   */
  options(file: string, evaluated: boolean): GenerateOptions {
    if (this.deferred) return { sourceURL: this.base + file };
    if (!this.inline) return this.regenerateOptions(file, evaluated);
    const firstLine = evaluated ? 1 + FUNCTION_PREAMBLE_LINES : 1;
    return {
      sourceMap: true,
      filename: this.info.wasmName,
      sourceURL: this.base + file,
      map: {
        origin: (this.origin ??= this.info.origin(this.target)),
        sourcesContent: evaluated ? this.info.sourcesContent(this.target) : [],
        firstLine,
        recordOffsets: true,
        generatedFile: this.base + file,
      },
    };
  }

  /** Script file names: the module factory, and function `index` compiled lazily. */
  get moduleFile(): string {
    return `${this.stem}.js`;
  }

  functionFile(index: number): string {
    return `${this.stem}.f${index}.js`;
  }

  /**
   * The code to evaluate: `code` with its script name (unless it names itself already, as lazily compiled
   * functions do) and inline source map. Records the script's offsets for trap stacks.
   */
  finish(file: string, code: string, map: string | undefined, offsets: OffsetTable | undefined, named: boolean): string {
    if (offsets !== undefined) this.scripts.set(file, offsets);
    let tail = named ? '' : `//# sourceURL=${this.base}${file}\n`;
    if (map !== undefined) tail += `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${toBase64(map)}\n`;
    return code + tail;
  }

  /** Keeps this mapper alive as long as any function of the instance `result` is. */
  retain(result: LinkResult, numImported: number): void {
    for (let i = numImported; i < result.funcs.length; i++) {
      const f = result.funcs[i];
      if (typeof f === 'function') retain.set(f, this);
    }
  }

  frame(file: string, line: number, column: number): FramePosition | null | undefined {
    let table = this.scripts.get(file);
    const positions = this.pending.get(file);
    if (table === undefined && positions !== undefined) {
      this.pending.delete(file);
      table = positions();
      if (table !== undefined) this.scripts.set(file, table);
    }
    if (table === undefined) return undefined;
    const offset = offsetAt(table, line, column - 1);
    // No position on that line: code without one is wajit's glue (a lazy stub, the link function).
    if (offset === undefined) return null;
    const origin = this.target === 'source' ? this.info.sourceOrigin(offset) ?? this.info.watOrigin(offset) : this.info.watOrigin(offset);
    if (origin === undefined) return undefined;
    const func = this.info.functionAt(offset);
    return {
      func: func === undefined ? '?' : safeName(this.info.functionName(func)),
      file: safe(origin.source, /[\r\n\u2028\u2029()]/g),
      line: origin.line,
      column: origin.column + 1,
    };
  }
}

/** UTF-8 text as base64: Node's native encoder where there is one (maps are large: the listing is in them). */
function toBase64(text: string): string {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): { toString(enc: string): string } } }).Buffer;
  return B !== undefined ? B.from(text, 'utf8').toString('base64') : base64(encoder.encode(text));
}

/** The text of a `data:` URL (base64 or percent-encoded), or undefined when it is malformed. */
export function dataURL(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) return undefined;
  const body = url.slice(comma + 1);
  try {
    return url.slice(5, comma).endsWith(';base64') ? new TextDecoder().decode(base64Decode(body)) : decodeURIComponent(body);
  } catch {
    return undefined;
  }
}

/** The byte offset mapped at or before (line, column) on the same generated line. */
function offsetAt(t: OffsetTable, line: number, column: number): number | undefined {
  let lo = 0, hi = t.lines.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const l = t.lines[mid]!;
    if (l < line || (l === line && t.columns[mid]! <= column)) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0 || t.lines[found] !== line) return undefined;
  return t.offsets[found];
}
