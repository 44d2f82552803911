// Source maps that come with a module: the map a `sourceMappingURL` custom section names, or one given with
// `--input-source-map` (what Emscripten's -gsource-map and similar tools write). By the WebAssembly tool
// convention such a map has one generated line, and its columns are byte offsets in the .wasm file; wajit
// composes it with its own map (generated JS -> byte offset -> original position).
//
// The map is untrusted input: anything malformed is an InputMapError with a message for a warning, never a
// crash. Decoding is synchronous (the `source-map` package's consumer is asynchronous), and only the first
// generated line is kept.

import { Reader } from '../decode/reader.js';

/** A map that cannot be used, and why. */
export class InputMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputMapError';
  }
}

/** An original position: 1-based line, 0-based column (source map conventions). */
export interface OriginalPosition {
  readonly source: string;
  readonly line: number;
  readonly column: number;
}

export interface InputMap {
  /** Source names (with the map's sourceRoot), by index. */
  readonly sources: readonly string[];
  /** Embedded source texts, by source index, where the map has them. */
  readonly sourcesContent: readonly (string | undefined)[];
  /** Segments of the first generated line, sorted by offset: source index -1 marks an unmapped segment. */
  readonly offsets: Int32Array;
  readonly sourceIndex: Int32Array;
  readonly lines: Int32Array;
  readonly columns: Int32Array;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Parses a source map's JSON text. */
export function parseInputMap(text: string): InputMap {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputMapError(`not JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputMapError('not a source map object');
  const map = raw as Record<string, unknown>;
  if (map.version !== 3) throw new InputMapError(`unsupported source map version ${JSON.stringify(map.version) ?? 'undefined'}`);
  if (map.sections !== undefined) throw new InputMapError('indexed source maps (with sections) are not supported');
  if (!Array.isArray(map.sources) || !map.sources.every((s) => typeof s === 'string' || s === null)) {
    throw new InputMapError("'sources' must be a list of strings");
  }
  if (typeof map.mappings !== 'string') throw new InputMapError("'mappings' must be a string");
  const root = typeof map.sourceRoot === 'string' && map.sourceRoot !== '' ? map.sourceRoot.replace(/\/?$/, '/') : '';
  const sources = (map.sources as (string | null)[]).map((s) => (s === null ? '' : /^[a-z][\w+.-]*:|^\//i.test(s) ? s : root + s));
  const contents = Array.isArray(map.sourcesContent) ? map.sourcesContent as unknown[] : [];
  const sourcesContent = sources.map((_, i) => (typeof contents[i] === 'string' ? contents[i] as string : undefined));
  return { sources, sourcesContent, ...decodeFirstLine(map.mappings, sources.length) };
}

/** The segments of the first line of `mappings` (up to the first `;`). */
function decodeFirstLine(mappings: string, nSources: number): Pick<InputMap, 'offsets' | 'sourceIndex' | 'lines' | 'columns'> {
  const end = mappings.indexOf(';');
  const text = end < 0 ? mappings : mappings.slice(0, end);
  const offsets: number[] = [], sourceIndex: number[] = [], lines: number[] = [], columns: number[] = [];
  // Fields are deltas from the previous segment's (the generated column restarts on each line).
  let column = 0, source = 0, line = 0, origColumn = 0;
  let pos = 0;
  const fields: number[] = [];
  while (pos < text.length) {
    fields.length = 0;
    while (pos < text.length && text[pos] !== ',') {
      let value = 0, shift = 0, digit;
      do {
        const ch = text.charCodeAt(pos++);
        digit = ch < 128 ? B64_VALUE[ch]! : -1;
        if (digit < 0 || pos > text.length) throw new InputMapError(`bad character in 'mappings' at ${pos - 1}`);
        value += (digit & 31) * 2 ** shift;
        shift += 5;
        if (shift > 35) throw new InputMapError(`number too large in 'mappings' at ${pos - 1}`);
      } while (digit & 32);
      fields.push(value % 2 === 1 ? -Math.floor(value / 2) : value / 2);
    }
    pos++; // the comma
    if (fields.length === 0) continue;
    if (fields.length !== 1 && fields.length !== 4 && fields.length !== 5) {
      throw new InputMapError(`a segment of ${fields.length} fields in 'mappings'`);
    }
    column += fields[0]!;
    if (fields.length === 1) {
      offsets.push(column); sourceIndex.push(-1); lines.push(0); columns.push(0);
      continue;
    }
    source += fields[1]!;
    line += fields[2]!;
    origColumn += fields[3]!;
    if (source < 0 || source >= nSources || line < 0 || origColumn < 0 || column < 0) {
      throw new InputMapError('a segment out of range in \'mappings\'');
    }
    offsets.push(column); sourceIndex.push(source); lines.push(line + 1); columns.push(origColumn);
  }
  // Sorted by offset (maps are written in order; a stable sort keeps the last of equal offsets last).
  const order = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]! || a - b);
  const pick = (xs: number[]): Int32Array => Int32Array.from(order, (i) => xs[i]!);
  return { offsets: pick(offsets), sourceIndex: pick(sourceIndex), lines: pick(lines), columns: pick(columns) };
}

/** The original position of byte offset `offset`: the last segment at or before it, unless that one is unmapped. */
export function inputPosition(map: InputMap, offset: number): OriginalPosition | undefined {
  const { offsets } = map;
  let lo = 0, hi = offsets.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid]! <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const s = map.sourceIndex[found]!;
  if (s < 0) return undefined;
  return { source: map.sources[s]!, line: map.lines[found]!, column: map.columns[found]! };
}

/**
 * The URL of a `sourceMappingURL` custom section (its payload is one length-prefixed UTF-8 string), or
 * undefined when the module has none or it is malformed.
 */
export function sourceMappingURL(customs: readonly { readonly name: string; readonly bytes: Uint8Array }[]): string | undefined {
  const section = customs.find((c) => c.name === 'sourceMappingURL');
  if (section === undefined) return undefined;
  try {
    return new Reader(section.bytes).name();
  } catch {
    return undefined;
  }
}
