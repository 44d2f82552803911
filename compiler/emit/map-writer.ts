// Writing a source map (version 3): mappings arrive in generated order, as the printer emits them, and are
// encoded straight into the `mappings` string (base64 VLQ, each field relative to the previous segment's;
// the generated column restarts on each line). Written out instead of using the source-map package's
// generator: that one validates, stores and sorts every mapping as an object, which made maps for code
// compiled in-process several times slower to build than the code itself.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class MapWriter {
  private readonly sources = new Map<string, number>();
  private readonly contents = new Map<string, string>();
  private readonly names = new Map<string, number>();
  /** The mappings text, in parts (joined once). */
  private readonly parts: string[] = [];
  private chunk = '';
  private line = 1;
  private column = 0;
  /** Whether the current generated line has a segment yet (segments are separated by commas). */
  private segments = false;
  private source = 0;
  private origLine = 0;
  private origColumn = 0;
  private name = 0;

  constructor(private readonly file: string) {}

  /** Embeds the text of `source` (`sourcesContent`). */
  setSourceContent(source: string, text: string): void {
    this.index(this.sources, source);
    this.contents.set(source, text);
  }

  /**
   * Adds a mapping at generated `line` (1-based) and `column` (0-based), which must not come before the
   * previous one. Without `source`, the segment is unmapped: it ends the previous mapping there.
   */
  add(line: number, column: number, source?: string, origLine = 1, origColumn = 0, name?: string): void {
    if (line > this.line) {
      this.chunk += ';'.repeat(line - this.line);
      this.line = line;
      this.column = 0;
      this.segments = false;
    }
    if (this.segments) this.chunk += ',';
    this.segments = true;
    this.vlq(column - this.column);
    this.column = column;
    if (source !== undefined) {
      const s = this.index(this.sources, source);
      this.vlq(s - this.source);
      this.source = s;
      // Original lines are 0-based in the encoding.
      this.vlq(origLine - 1 - this.origLine);
      this.origLine = origLine - 1;
      this.vlq(origColumn - this.origColumn);
      this.origColumn = origColumn;
      if (name !== undefined) {
        const n = this.index(this.names, name);
        this.vlq(n - this.name);
        this.name = n;
      }
    }
    // Short chunks, joined once: one long string grown a few characters at a time is slow to build.
    if (this.chunk.length >= 4096) {
      this.parts.push(this.chunk);
      this.chunk = '';
    }
  }

  toString(): string {
    const sources = [...this.sources.keys()];
    const json = JSON.stringify;
    const fields = [
      '"version":3',
      `"file":${json(this.file)}`,
      `"sources":${json(sources)}`,
      `"names":${json([...this.names.keys()])}`,
      `"mappings":${json(this.parts.join('') + this.chunk)}`,
    ];
    if (this.contents.size > 0) fields.push(`"sourcesContent":${json(sources.map((s) => this.contents.get(s) ?? null))}`);
    return `{${fields.join(',')}}`;
  }

  private index(table: Map<string, number>, key: string): number {
    let i = table.get(key);
    if (i === undefined) table.set(key, (i = table.size));
    return i;
  }

  /** Appends one signed value as base64 VLQ: sign in the lowest bit, 5 bits per digit, 32 = more follow. */
  private vlq(value: number): void {
    let v = value < 0 ? (-value << 1) | 1 : value << 1;
    do {
      let digit = v & 31;
      v >>>= 5;
      if (v > 0) digit |= 32;
      this.chunk += B64[digit];
    } while (v > 0);
  }
}
