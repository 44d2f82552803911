// A readable listing of the IR (`wajit dump --ir`): one statement per line, expression trees in prefix form,
// every line ending with the byte offset of its instruction. Names follow the generated JavaScript (locals
// l<i>, temps t<i>, labels L<i>, functions f<i>), so the IR, the WAT and the JS of a function can be read side
// by side.
//
//   func f3 (param l0 i32 l1 i64) (result i32)                        ;; @0x1a3
//     (local l2 i32)
//     (temp t0 i32)
//     block L1                                                         ;; @0x1a9
//       l2 = i32.add(l0, 1)                                            ;; @0x1ad
//       br_if L1 i32.eqz(l2)                                           ;; @0x1b2

import type { BranchTarget, Expr, ExprVisitor, FuncIR, Stmt } from './ir.js';

const COMMENT_COLUMN = 64;

/** The IR listing of one function; `name` (from the name section) is shown next to its index. */
export function printFunc(f: FuncIR, name?: string): string {
  const lines: string[] = [];
  const line = (depth: number, text: string, at: number) => {
    const s = '  '.repeat(depth) + text;
    lines.push(`${s.padEnd(COMMENT_COLUMN - 1)} ;; @0x${at.toString(16)}`);
  };
  const params = f.params.map((t, i) => `l${i} ${t}`).join(' ');
  const head = `func f${f.index}${name === undefined ? '' : ` $${name}`}` +
    (params ? ` (param ${params})` : '') + (f.results.length ? ` (result ${f.results.join(' ')})` : '');
  line(0, head, f.at);
  const locals = f.locals.slice(f.params.length).map((t, i) => `l${f.params.length + i} ${t}`);
  if (locals.length) lines.push(`  (local ${locals.join(', ')})`);
  if (f.temps.length) lines.push(`  (temp ${f.temps.map((t, i) => `t${i} ${t}`).join(', ')})`);
  stmts(f.body, 1, line);
  return lines.join('\n');
}

type Line = (depth: number, text: string, at: number) => void;

function stmts(list: readonly Stmt[], depth: number, line: Line): void {
  for (const s of list) stmt(s, depth, line);
}

function stmt(s: Stmt, d: number, line: Line): void {
  switch (s.kind) {
    case 'local.set': return line(d, `l${s.index} = ${expr(s.value)}`, s.at);
    case 'global.set': return line(d, `g${s.index} = ${expr(s.value)}`, s.at);
    case 'store': return line(d, `${s.op}${memarg(s.offset, s.align)}(${expr(s.addr)}, ${expr(s.value)})`, s.at);
    case 'eval': {
      const into = s.results.length ? `${s.results.map((t) => `t${t}`).join(', ')} = ` : '';
      return line(d, `${into}${expr(s.value)}`, s.at);
    }
    case 'block': case 'loop':
      line(d, `${s.kind} L${s.label}`, s.at);
      return stmts(s.body, d + 1, line);
    case 'if':
      line(d, `if L${s.label} ${expr(s.cond)}`, s.at);
      stmts(s.then, d + 1, line);
      if (s.else.length) {
        line(d, 'else', s.at);
        stmts(s.else, d + 1, line);
      }
      return;
    case 'br': return line(d, `br ${target(s.target)}${values(s.values)}`, s.at);
    case 'br_if': return line(d, `br_if ${target(s.target)} ${expr(s.cond)}${values(s.values)}`, s.at);
    case 'br_table':
      return line(d, `br_table [${s.targets.map(target).join(' ')}] default ${target(s.default)} ${expr(s.index)}${values(s.values)}`, s.at);
    case 'return': return line(d, `return${s.values.length ? ` ${s.values.map(expr).join(', ')}` : ''}`, s.at);
    case 'unreachable': return line(d, 'unreachable', s.at);
    case 'memory.init': return line(d, `memory.init data${s.data} (${[s.dest, s.src, s.len].map(expr).join(', ')})`, s.at);
    case 'data.drop': return line(d, `data.drop data${s.data}`, s.at);
    case 'memory.copy': return line(d, `memory.copy (${[s.dest, s.src, s.len].map(expr).join(', ')})`, s.at);
    case 'memory.fill': return line(d, `memory.fill (${[s.dest, s.value, s.len].map(expr).join(', ')})`, s.at);
    case 'table.init': return line(d, `table.init T${s.table} elem${s.elem} (${[s.dest, s.src, s.len].map(expr).join(', ')})`, s.at);
    case 'elem.drop': return line(d, `elem.drop elem${s.elem}`, s.at);
    case 'table.copy': return line(d, `table.copy T${s.dstTable} T${s.srcTable} (${[s.dest, s.src, s.len].map(expr).join(', ')})`, s.at);
    case 'table.fill': return line(d, `table.fill T${s.table} (${[s.index, s.value, s.len].map(expr).join(', ')})`, s.at);
    case 'table.set': return line(d, `table.set T${s.table} (${expr(s.index)}, ${expr(s.value)})`, s.at);
  }
}

/** A branch target: its label, `(return)` for the function body, and the temps it fills. */
function target(t: BranchTarget): string {
  const name = t.isReturn ? 'return' : `L${t.label}`;
  return t.temps.length ? `${name}->(${t.temps.map((x) => `t${x}`).join(', ')})` : name;
}

const values = (vs: readonly Expr[]): string => (vs.length ? ` with ${vs.map(expr).join(', ')}` : '');

const memarg = (offset: number, align: number): string => `${offset ? ` offset=${offset}` : ''} align=${2 ** align}`;

const EXPR: ExprVisitor<string> = {
  'const': (e) => {
    if (e.type === 'i32') return String(e.value);
    if (e.type === 'i64') return `${e.value}L`;
    if (Number.isNaN(e.value)) return `${e.type}.bits(0x${e.bits.toString(16)})`;
    return `${e.type}.const ${Object.is(e.value, -0) ? '-0' : e.value}`;
  },
  'local.get': (e) => `l${e.index}`,
  'global.get': (e) => `g${e.index}`,
  'temp': (e) => `t${e.id}`,
  'unary': (e) => `${e.op}(${expr(e.arg)})`,
  'binary': (e) => `${e.op}(${expr(e.left)}, ${expr(e.right)})`,
  'load': (e) => `${e.op}${memarg(e.offset, e.align)}(${expr(e.addr)})`,
  'select': (e) => `select(${expr(e.cond)} ? ${expr(e.ifTrue)} : ${expr(e.ifFalse)})`,
  'call': (e) => `call f${e.func}(${e.args.map(expr).join(', ')})`,
  'call_indirect': (e) => `call_indirect T${e.table} type${e.typeIndex} [${expr(e.callee)}](${e.args.map(expr).join(', ')})`,
  'memory.size': () => 'memory.size',
  'memory.grow': (e) => `memory.grow(${expr(e.delta)})`,
  'ref.null': (e) => `ref.null ${e.type}`,
  'ref.func': (e) => `ref.func f${e.func}`,
  'ref.is_null': (e) => `ref.is_null(${expr(e.arg)})`,
  'table.get': (e) => `table.get T${e.table}(${expr(e.index)})`,
  'table.size': (e) => `table.size T${e.table}`,
  'table.grow': (e) => `table.grow T${e.table}(${expr(e.init)}, ${expr(e.delta)})`,
};

export function expr(e: Expr): string {
  return (EXPR[e.kind] as (x: Expr) => string)(e);
}
