// Printing generated code: ESTree nodes to JavaScript text, one top-level piece at a time, and the source
// map of the whole text.
//
// A module is printed piece by piece (the link prelude, then each function as soon as it is generated), so
// the syntax tree of a large module never exists all at once: each function's tree is garbage as soon as its
// text is out. The text goes into one growing byte buffer (generated code is ASCII), decoded into a string
// once at the end: built by string concatenation instead, the many small strings of a large module outlive
// the young generation and fill the old one (measured: ten times the text's size, with most of the compile
// time spent in the garbage collector).
//
// The printer knows the node types code generation builds (estree.ts) and hands anything else to astring.
// Parentheses come from operator precedence; tokens that would fuse (`a - -b`, `return x`) get a space.
// Two layouts: compact (the default: each top-level statement, a function say, on one line, no indentation,
// no optional spaces, no braces around a lone jump, booleans as !0 and !1; about half the text of a
// conventional layout, all of it what nobody reads and V8 does not need) and pretty (a statement per line,
// two spaces per level, spaces around operators, for people reading the output).
//
// Source positions: a node with `loc` (line 1, column = byte offset in the module) gets a mapping at its
// first character, as astring would place it; when several nodes start at the same character (a call and its
// callee), the outermost one, printed first, keeps it. The map's original positions are the .wasm file's
// (line 1, column = offset) unless an `origin` function translates offsets to another source: the WAT
// listing, C lines from DWARF (compiler/debug/). An offset it cannot place ends the previous mapping there
// with an unmapped segment, so a lookup never lands on the wrong line.

import { generate as astring } from 'astring';
import { MapWriter } from './map-writer.js';
import type { ES } from '../codegen/estree.js';

export interface PrintOptions {
  /** Indentation and spaces for reading (default: compact). */
  readonly pretty?: boolean;
  /**
   * Name of the .wasm file positions refer to: with it, a source map is built (line 1, column = byte offset
   * of the instruction in the module).
   */
  readonly sourceMapFile?: string;
  /** Name of the generated file in the map (default: sourceMapFile + '.js'). */
  readonly generatedFile?: string;
  /**
   * Where the instruction at a byte offset comes from, for the map's original positions (default: the .wasm
   * file, line 1, column = offset); undefined leaves the position unmapped.
   */
  readonly origin?: (offset: number) => MapOrigin | undefined;
  /** Original sources embedded in the map (`sourcesContent`): [source name, text] pairs. */
  readonly sourcesContent?: readonly (readonly [string, string])[];
  /** Generated line of the first line printed (default 1): `new Function` puts two lines before the code. */
  readonly firstLine?: number;
  /** Record the byte offset of each mapped position too (offsets()), to map stack traces without a map. */
  readonly recordOffsets?: boolean;
}

/** An original position: 1-based line, 0-based column, as source maps count them. */
export interface MapOrigin {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  /** The original name (of the function, at its start), for the map's `names`. */
  readonly name?: string;
}

/** Mapped positions in printing order (so sorted): generated 1-based line, 0-based column, byte offset. */
export interface OffsetTable {
  readonly lines: Int32Array;
  readonly columns: Int32Array;
  readonly offsets: Int32Array;
}

// Precedence levels, loosest first. An operand printed where a level is required gets parentheses when its
// own level is lower.
const SEQUENCE = 1;
const ASSIGN = 2; // also arrow functions
const CONDITIONAL = 3;
const UNARY = 16;
const POSTFIX = 17;
const CALL = 18; // calls, member accesses, new
const PRIMARY = 19;

const BINARY: Readonly<Record<string, number>> = {
  '??': 4, '||': 5, '&&': 6, '|': 7, '^': 8, '&': 9,
  '==': 10, '!=': 10, '===': 10, '!==': 10,
  '<': 11, '>': 11, '<=': 11, '>=': 11, in: 11, instanceof: 11,
  '<<': 12, '>>': 12, '>>>': 12, '+': 13, '-': 13, '*': 14, '/': 14, '%': 14, '**': 15,
};

function level(e: ES.Node): number {
  switch (e.type) {
    case 'Identifier': case 'ArrayExpression': case 'ObjectExpression': case 'FunctionExpression':
    case 'ThisExpression':
      return PRIMARY;
    // Negative numbers print with a minus, booleans in the compact layout as !0 and !1.
    case 'Literal': return (typeof e.value === 'number' && (e.value < 0 || Object.is(e.value, -0))) ||
      typeof e.value === 'boolean' ? UNARY : PRIMARY;
    case 'MemberExpression': case 'CallExpression': case 'NewExpression': return CALL;
    case 'UpdateExpression': return e.prefix ? UNARY : POSTFIX;
    case 'UnaryExpression': return UNARY;
    case 'BinaryExpression': case 'LogicalExpression': return BINARY[e.operator] ?? 0;
    case 'ConditionalExpression': return CONDITIONAL;
    case 'AssignmentExpression': case 'ArrowFunctionExpression': return ASSIGN;
    case 'SequenceExpression': return SEQUENCE;
    default: return 0; // printed by astring: always parenthesized
  }
}

const isIdentChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;

const PLUS = 43, MINUS = 45, LT = 60, BANG = 33;

const decoder = new TextDecoder();

/** The text of the integers 0..1023. */
const SMALL: readonly string[] = Array.from({ length: 1024 }, (_, i) => String(i));

export class Printer {
  private buf = new Uint8Array(1 << 16);
  private pos = 0;
  /** Position where the current line starts (the column is pos - lineStart). */
  private lineStart = 0;
  private readonly pretty: boolean;
  /** The optional space: ' ' when pretty, '' when compact. */
  private readonly sp: string;
  private readonly map: MapWriter | undefined;
  private readonly file: string;
  private readonly origin: ((offset: number) => MapOrigin | undefined) | undefined;
  /** True when positions are recorded (a map, an offset table or both): lines are counted then. */
  private readonly tracking: boolean;
  /** The offset table being recorded (recordOffsets), as growable lists. */
  private readonly recorded: { lines: number[]; columns: number[]; offsets: number[] } | undefined;

  private depth = 0;
  /** 1-based line of the next character (counted only when tracking positions). */
  private line: number;
  /** Generated position of the last mapping: a node starting at the same character is not mapped again. */
  private lastLine = 0;
  private lastColumn = -1;

  constructor(opts: PrintOptions = {}) {
    this.pretty = opts.pretty === true;
    this.sp = this.pretty ? ' ' : '';
    this.file = opts.sourceMapFile ?? '';
    this.line = opts.firstLine ?? 1;
    this.origin = opts.origin;
    this.map = opts.sourceMapFile === undefined ? undefined : new MapWriter(opts.generatedFile ?? opts.sourceMapFile + '.js');
    if (this.map !== undefined) for (const [name, text] of opts.sourcesContent ?? []) this.map.setSourceContent(name, text);
    this.recorded = opts.recordOffsets === true ? { lines: [], columns: [], offsets: [] } : undefined;
    this.tracking = this.map !== undefined || this.recorded !== undefined;
  }

  /** True when positions are recorded (nodes should carry them). */
  get mapped(): boolean {
    return this.tracking;
  }

  /** Appends whole lines of text that map to nothing. */
  text(s: string): void {
    this.put(s);
    if (this.tracking) this.line += countLines(s);
    this.lineStart = this.pos;
  }

  /** Appends a statement (or function) at nesting `depth`, followed by a line end. */
  node(n: ES.Node, depth = 0): void {
    this.depth = depth;
    this.indent();
    this.stmt(n as ES.Statement);
    this.text('\n');
  }

  /** The source map as JSON, when one was asked for. */
  sourceMap(): string | undefined {
    return this.map?.toString();
  }

  /** The byte offsets of the mapped positions, when recordOffsets was asked for. */
  offsets(): OffsetTable | undefined {
    const r = this.recorded;
    return r === undefined ? undefined
      : { lines: Int32Array.from(r.lines), columns: Int32Array.from(r.columns), offsets: Int32Array.from(r.offsets) };
  }

  toString(): string {
    return decoder.decode(this.buf.subarray(0, this.pos));
  }

  // ---- output ---------------------------------------------------------------------------------------------

  /** Copies `s` into the buffer; characters beyond ASCII become \\u escapes (valid in identifiers and strings). */
  private put(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    let buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        buf[pos++] = c;
        continue;
      }
      // Six characters instead of one: make room for the escape and the rest of the string.
      if (pos + 6 + (n - i) > buf.length) {
        this.pos = pos;
        this.grow(6 + n - i);
        buf = this.buf;
      }
      const hex = c.toString(16).padStart(4, '0');
      buf[pos++] = 92; // backslash
      buf[pos++] = 117; // u
      for (let k = 0; k < 4; k++) buf[pos++] = hex.charCodeAt(k);
    }
    this.pos = pos;
  }

  private grow(n: number): void {
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n + 1024));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  /** Writes a token, with a space first when it would otherwise fuse with the previous one. */
  private w(s: string): void {
    const c = s.charCodeAt(0);
    const p = this.pos > 0 ? this.buf[this.pos - 1]! : 10;
    if ((isIdentChar(c) && isIdentChar(p)) || ((c === PLUS || c === MINUS) && c === p) || (c === BANG && p === LT)) {
      this.put(' ');
    }
    this.put(s);
  }

  /** Writes punctuation that never fuses with its neighbours (most often one character: a short path). */
  private p(s: string): void {
    if (s.length !== 1) {
      this.put(s);
      return;
    }
    if (this.pos === this.buf.length) this.grow(1);
    this.buf[this.pos++] = s.charCodeAt(0);
  }

  /** A line break between statements; the compact layout has none (a function is one line). */
  private newline(): void {
    if (!this.pretty) return;
    this.put('\n');
    if (this.tracking) this.line++;
    this.lineStart = this.pos;
    this.indent();
  }

  private indent(): void {
    if (this.pretty && this.depth > 0) this.put('  '.repeat(this.depth));
  }

  private mark(n: ES.Node): void {
    if (!this.tracking || n.loc == null) return;
    const line = this.line;
    const column = this.pos - this.lineStart;
    if (line === this.lastLine && column === this.lastColumn) return;
    this.lastLine = line;
    this.lastColumn = column;
    const offset = n.loc.start.column;
    const r = this.recorded;
    if (r !== undefined) {
      r.lines.push(line);
      r.columns.push(column);
      r.offsets.push(offset);
    }
    const map = this.map;
    if (map === undefined) return;
    if (this.origin === undefined) {
      map.add(line, column, this.file, n.loc.start.line, offset);
      return;
    }
    const o = this.origin(offset);
    // An unmapped segment: without it, this position would read as part of the previous mapping.
    if (o === undefined) map.add(line, column);
    else map.add(line, column, o.source, o.line, o.column, o.name);
  }

  // ---- statements -----------------------------------------------------------------------------------------

  private body(list: readonly ES.Statement[]): void {
    if (list.length === 0) { this.p('{}'); return; }
    this.p('{');
    this.depth++;
    for (const s of list) {
      this.newline();
      this.stmt(s);
    }
    this.depth--;
    this.newline();
    this.p('}');
  }

  /** A statement after `if (...)`, `else`, `while (...)`, a label: a block stays on the same line. */
  private sub(s: ES.Statement): void {
    // Compact: a block of one jump or expression loses its braces (`if(c)break L1;`, the most common statement
    // of generated code). Never a block holding an `if`, which could take an `else` that is not its own.
    if (!this.pretty && s.type === 'BlockStatement' && s.body.length === 1 && isSimple(s.body[0]!)) {
      this.stmt(s.body[0]!);
      return;
    }
    if (s.type === 'BlockStatement') {
      this.p(this.sp);
      this.body(s.body);
    } else {
      this.depth++;
      this.newline();
      this.stmt(s);
      this.depth--;
    }
  }

  private stmt(s: ES.Statement | ES.Directive | ES.ModuleDeclaration): void {
    this.mark(s);
    const sp = this.sp;
    switch (s.type) {
      case 'ExpressionStatement':
        if (startsAmbiguously(s.expression)) {
          this.p('(');
          this.expr(s.expression, SEQUENCE);
          this.p(')');
        } else this.expr(s.expression, SEQUENCE);
        this.p(';');
        return;
      case 'VariableDeclaration':
        this.declaration(s);
        this.p(';');
        return;
      case 'FunctionDeclaration':
        this.func(s);
        return;
      case 'BlockStatement':
        this.body(s.body);
        return;
      case 'EmptyStatement':
        this.p(';');
        return;
      case 'IfStatement': {
        this.w('if');
        this.p(`${sp}(`);
        this.expr(s.test, SEQUENCE);
        this.p(')');
        // `if (a) if (b) x; else y` would give the else to the inner if: a block keeps it ours.
        const cons = s.alternate !== null && s.alternate !== undefined && s.consequent.type !== 'BlockStatement'
          ? { type: 'BlockStatement', body: [s.consequent] } as ES.BlockStatement : s.consequent;
        this.sub(cons);
        if (s.alternate) {
          if (cons.type === 'BlockStatement') this.p(sp); else this.newline();
          this.w('else');
          if (s.alternate.type === 'IfStatement') {
            this.p(' ');
            this.stmt(s.alternate);
          } else this.sub(s.alternate);
        }
        return;
      }
      case 'LabeledStatement':
        this.w(s.label.name);
        this.p(`:${sp}`);
        this.stmt(s.body);
        return;
      case 'WhileStatement':
        this.w('while');
        this.p(`${sp}(`);
        this.expr(s.test, SEQUENCE);
        this.p(')');
        this.sub(s.body);
        return;
      case 'DoWhileStatement':
        this.w('do');
        if (s.body.type !== 'BlockStatement') this.p(' ');
        this.sub(s.body);
        this.p(sp);
        this.w('while');
        this.p(`${sp}(`);
        this.expr(s.test, SEQUENCE);
        this.p(');');
        return;
      case 'ForStatement':
        this.w('for');
        this.p(`${sp}(`);
        if (s.init) {
          if (s.init.type === 'VariableDeclaration') this.declaration(s.init);
          else this.expr(s.init, SEQUENCE);
        }
        this.p(';');
        if (s.test) { this.p(sp); this.expr(s.test, SEQUENCE); }
        this.p(';');
        if (s.update) { this.p(sp); this.expr(s.update, SEQUENCE); }
        this.p(')');
        this.sub(s.body);
        return;
      case 'SwitchStatement':
        this.w('switch');
        this.p(`${sp}(`);
        this.expr(s.discriminant, SEQUENCE);
        this.p(`)${sp}{`);
        this.depth++;
        for (const c of s.cases) {
          this.newline();
          if (c.test) {
            this.w('case');
            this.p(' ');
            this.expr(c.test, SEQUENCE);
            this.p(':');
          } else this.w('default:');
          this.depth++;
          for (const x of c.consequent) {
            this.newline();
            this.stmt(x);
          }
          this.depth--;
        }
        this.depth--;
        this.newline();
        this.p('}');
        return;
      case 'ReturnStatement':
        this.w('return');
        if (s.argument) {
          this.p(' ');
          this.expr(s.argument, SEQUENCE);
        }
        this.p(';');
        return;
      case 'BreakStatement': case 'ContinueStatement':
        this.w(s.type === 'BreakStatement' ? 'break' : 'continue');
        if (s.label) {
          this.p(' ');
          this.w(s.label.name);
        }
        this.p(';');
        return;
      case 'ThrowStatement':
        this.w('throw');
        this.p(' ');
        this.expr(s.argument, SEQUENCE);
        this.p(';');
        return;
      default:
        this.foreign(s);
    }
  }

  private declaration(d: ES.VariableDeclaration): void {
    this.w(d.kind);
    this.p(' ');
    d.declarations.forEach((x, i) => {
      if (i > 0) this.p(`,${this.sp}`);
      this.mark(x);
      this.expr(x.id as ES.Expression, PRIMARY);
      if (x.init) {
        this.p(`${this.sp}=${this.sp}`);
        this.expr(x.init, ASSIGN);
      }
    });
  }

  private func(f: ES.FunctionDeclaration | ES.FunctionExpression): void {
    if (f.async || f.generator) { this.foreign(f); return; }
    this.w('function');
    if (f.id) {
      this.p(' ');
      this.w(f.id.name);
    } else this.p(this.sp);
    this.params(f.params);
    this.p(this.sp);
    this.body(f.body.body);
  }

  private params(ps: readonly ES.Pattern[]): void {
    this.p('(');
    ps.forEach((x, i) => {
      if (i > 0) this.p(`,${this.sp}`);
      this.expr(x as ES.Expression, ASSIGN);
    });
    this.p(')');
  }

  /** Anything this printer does not know, printed by astring. */
  private foreign(n: ES.Node): void {
    const text = astring(n, { indent: this.pretty ? '  ' : '', startingIndentLevel: this.depth }) as unknown as string;
    this.w(text);
    const nl = text.lastIndexOf('\n');
    if (nl >= 0) {
      if (this.tracking) this.line += countLines(text);
      this.lineStart = this.pos - (text.length - nl - 1);
    }
  }

  // ---- expressions ----------------------------------------------------------------------------------------

  /** Prints `e` where an expression of at least `min` is required, in parentheses when it binds looser. */
  private expr(e: ES.Expression, min: number): void {
    // Identifiers, the most common operand, straight to the text.
    if (e.type === 'Identifier') {
      this.mark(e);
      this.w(e.name);
      return;
    }
    if (level(e) < min) {
      this.p('(');
      this.bare(e);
      this.p(')');
    } else this.bare(e);
  }

  private bare(e: ES.Expression): void {
    this.mark(e);
    const sp = this.sp;
    switch (e.type) {
      case 'Identifier':
        this.w(e.name);
        return;
      case 'Literal':
        this.literal(e);
        return;
      case 'BinaryExpression': case 'LogicalExpression': {
        const op = e.operator;
        const l = BINARY[op]!;
        // Left-associative: an equal level on the right needs parentheses. `**` is the other way round, and
        // a unary operand on its left is a syntax error without them.
        const left = e.left as ES.Expression;
        if (op === '**') this.expr(left, POSTFIX);
        else if (op === '??' ? isAndOr(left) : isNullish(left) && (op === '||' || op === '&&')) {
          this.p('(');
          this.bare(left);
          this.p(')');
        } else this.expr(left, l);
        if (sp || isIdentChar(op.charCodeAt(0))) {
          this.p(' ');
          this.w(op);
          this.p(' ');
        } else this.w(op);
        const right = e.right;
        if (op === '??' ? isAndOr(right) : isNullish(right) && (op === '||' || op === '&&')) {
          this.p('(');
          this.bare(right);
          this.p(')');
        } else this.expr(right, op === '**' ? l : l + 1);
        return;
      }
      case 'UnaryExpression': {
        const op = e.operator;
        this.w(op);
        if (isIdentChar(op.charCodeAt(0))) this.p(' ');
        this.expr(e.argument, UNARY);
        return;
      }
      case 'UpdateExpression':
        if (e.prefix) {
          this.w(e.operator);
          this.expr(e.argument, UNARY);
        } else {
          this.expr(e.argument, POSTFIX);
          this.w(e.operator);
        }
        return;
      case 'AssignmentExpression':
        this.expr(e.left as ES.Expression, CALL);
        this.p(sp);
        this.w(e.operator);
        this.p(sp);
        this.expr(e.right, ASSIGN);
        return;
      case 'ConditionalExpression':
        this.expr(e.test, CONDITIONAL + 1);
        this.p(`${sp}?${sp}`);
        this.expr(e.consequent, ASSIGN);
        this.p(`${sp}:${sp}`);
        this.expr(e.alternate, ASSIGN);
        return;
      case 'CallExpression':
        if (e.callee.type === 'Super') { this.foreign(e); return; }
        this.expr(e.callee, CALL);
        if (e.optional) this.p('?.');
        this.args(e.arguments as ES.Expression[]);
        return;
      case 'NewExpression':
        this.w('new');
        this.p(' ');
        // `new f()(x)` and `new (f())` differ: a callee containing a call is parenthesized.
        if (hasCall(e.callee as ES.Expression)) {
          this.p('(');
          this.bare(e.callee as ES.Expression);
          this.p(')');
        } else this.expr(e.callee as ES.Expression, CALL);
        this.args(e.arguments as ES.Expression[]);
        return;
      case 'MemberExpression': {
        const o = e.object as ES.Expression;
        // `1.x` would read as a number with a fraction.
        if (o.type === 'Literal' && typeof o.value === 'number') {
          this.p('(');
          this.bare(o);
          this.p(')');
        } else this.expr(o, CALL);
        if (e.computed) {
          this.p(e.optional ? '?.[' : '[');
          this.expr(e.property as ES.Expression, SEQUENCE);
          this.p(']');
        } else {
          this.p(e.optional ? '?.' : '.');
          this.w((e.property as ES.Identifier).name);
        }
        return;
      }
      case 'ArrayExpression':
        this.p('[');
        e.elements.forEach((x, i) => {
          if (i > 0) this.p(`,${sp}`);
          if (x === null) return;
          if (x.type === 'SpreadElement') { this.p('...'); this.expr(x.argument, ASSIGN); } else this.expr(x, ASSIGN);
        });
        // A trailing hole needs its own comma.
        if (e.elements.length > 0 && e.elements[e.elements.length - 1] === null) this.p(',');
        this.p(']');
        return;
      case 'ObjectExpression': {
        const simple = e.properties.every((x) => x.type === 'Property' && x.kind === 'init' && !x.method && !x.shorthand);
        if (!simple) { this.foreign(e); return; }
        this.p('{');
        (e.properties as ES.Property[]).forEach((x, i) => {
          if (i > 0) this.p(`,${sp}`);
          if (x.computed) {
            this.p('[');
            this.expr(x.key as ES.Expression, ASSIGN);
            this.p(']');
          } else if (x.key.type === 'Identifier') this.w(x.key.name);
          else this.bare(x.key as ES.Expression);
          this.p(`:${sp}`);
          this.expr(x.value as ES.Expression, ASSIGN);
        });
        this.p('}');
        return;
      }
      case 'FunctionExpression':
        this.func(e);
        return;
      case 'ArrowFunctionExpression':
        if (e.async) { this.foreign(e); return; }
        this.params(e.params);
        this.p(`${sp}=>${sp}`);
        if (e.body.type === 'BlockStatement') this.body(e.body.body);
        else if (e.body.type === 'ObjectExpression') {
          this.p('(');
          this.bare(e.body);
          this.p(')');
        } else this.expr(e.body, ASSIGN);
        return;
      case 'SequenceExpression':
        e.expressions.forEach((x, i) => {
          if (i > 0) this.p(`,${sp}`);
          this.expr(x, ASSIGN);
        });
        return;
      case 'ThisExpression':
        this.w('this');
        return;
      default:
        this.p('(');
        this.foreign(e);
        this.p(')');
    }
  }

  private args(as: readonly ES.Expression[]): void {
    this.p('(');
    for (let i = 0; i < as.length; i++) {
      if (i > 0) this.p(`,${this.sp}`);
      const a = as[i]!;
      if ((a as ES.Node).type === 'SpreadElement') {
        this.p('...');
        this.expr((a as unknown as ES.SpreadElement).argument, ASSIGN);
      } else this.expr(a, ASSIGN);
    }
    this.p(')');
  }

  private literal(e: ES.Literal): void {
    const v = e.value;
    if (typeof v === 'number') {
      // String() is exact for every double; negative values and -0 read as a unary minus (see `level`).
      // Small integers, most literals, come from a table.
      if (Object.is(v, -0)) this.w('-0');
      else this.w(v >= 0 && v < SMALL.length && (v | 0) === v ? SMALL[v]! : String(v));
    } else if (typeof v === 'string') this.w(JSON.stringify(v));
    // V8's parser folds !0 into the literal true: the same code, half the characters.
    else if (typeof v === 'boolean') this.w(this.pretty ? String(v) : v ? '!0' : '!1');
    else if (v === null) this.w('null');
    else if (typeof v === 'bigint') this.w(`${v}n`);
    else this.foreign(e);
  }
}

/** Statements that stand alone after `if (...)` or `else` without changing what follows them. */
function isSimple(s: ES.Statement): boolean {
  switch (s.type) {
    case 'BreakStatement': case 'ContinueStatement': case 'ReturnStatement': case 'ThrowStatement':
    case 'ExpressionStatement':
      return true;
    default:
      return false;
  }
}

const isAndOr = (e: ES.Node): boolean => e.type === 'LogicalExpression' && (e.operator === '||' || e.operator === '&&');
const isNullish = (e: ES.Node): boolean => e.type === 'LogicalExpression' && e.operator === '??';

/** True when a call occurs in `e` outside parentheses of its own (the callee chain of `new`). */
function hasCall(e: ES.Expression): boolean {
  for (let x: ES.Node = e; ;) {
    if (x.type === 'CallExpression') return true;
    if (x.type !== 'MemberExpression') return false;
    x = x.object;
  }
}

/**
 * True when an expression statement would begin with `function`, `class`, `{` or `let [`, which JavaScript
 * reads as something other than an expression: such statements are parenthesized.
 */
function startsAmbiguously(e: ES.Expression): boolean {
  for (let x: ES.Node = e; ;) {
    switch (x.type) {
      case 'FunctionExpression': case 'ClassExpression': case 'ObjectExpression': return true;
      case 'Identifier': return x.name === 'let';
      case 'BinaryExpression': case 'LogicalExpression': case 'AssignmentExpression': x = x.left; break;
      case 'CallExpression': x = x.callee; break;
      case 'MemberExpression': x = x.object; break;
      case 'ConditionalExpression': x = x.test; break;
      case 'SequenceExpression': x = x.expressions[0]!; break;
      case 'UpdateExpression': if (x.prefix) return false; x = x.argument; break;
      default: return false;
    }
  }
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
