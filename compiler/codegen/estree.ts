// The one factory for ESTree nodes. Every node the code generator builds comes from here, so positions
// (`loc`, the wasm byte offset of the instruction as line 1, column = offset) and literal printing rules live
// in one place. astring prints a number Literal with JSON.stringify, which would turn -0 into 0 and NaN or
// Infinity into null; `num` emits those as unary/identifier nodes instead.

import type * as ES from 'estree';

export type { ES };

let tracking = false;
let currentLoc: ES.SourceLocation | null = null;

/** Turns source positions on or off (they cost an object per instruction; only source maps need them). */
export function trackPositions(on: boolean): void {
  tracking = on;
  currentLoc = null;
}

/** Sets the byte offset that nodes built from now on carry as their source position (-1: none). */
export function setPos(at: number): void {
  if (!tracking) return;
  currentLoc = at >= 0 ? { start: { line: 1, column: at }, end: { line: 1, column: at } } : null;
}

/**
 * Makes nodes built from now on carry the byte offset `at` (an instruction inside a statement, so that a trap
 * in it maps to its own line) and returns the position to restore with leavePos when its nodes are built.
 * Nothing happens unless positions are tracked.
 */
export function enterPos(at: number): ES.SourceLocation | null {
  if (!tracking) return null;
  const saved = currentLoc;
  currentLoc = { start: { line: 1, column: at }, end: { line: 1, column: at } };
  return saved;
}

/** Restores the position enterPos replaced. */
export function leavePos(saved: ES.SourceLocation | null): void {
  if (tracking) currentLoc = saved;
}

function loc<T extends ES.Node>(n: T): T {
  if (currentLoc) (n as ES.Node).loc = currentLoc;
  return n;
}

export const id = (name: string): ES.Identifier => loc({ type: 'Identifier', name });

/** A number literal that prints exactly: negatives, -0, NaN and ±Infinity included. */
export function num(v: number): ES.Expression {
  if (Number.isNaN(v)) return id('NaN');
  if (v === Infinity) return id('Infinity');
  if (v === -Infinity) return unary('-', id('Infinity'));
  if (v < 0 || Object.is(v, -0)) return unary('-', { type: 'Literal', value: -v });
  return loc({ type: 'Literal', value: v });
}

export const str = (s: string): ES.Literal => ({ type: 'Literal', value: s });
export const bool = (b: boolean): ES.Literal => ({ type: 'Literal', value: b });
export const nul = (): ES.Literal => ({ type: 'Literal', value: null });

export const unary = (operator: ES.UnaryOperator, argument: ES.Expression): ES.UnaryExpression =>
  ({ type: 'UnaryExpression', operator, prefix: true, argument });
export const bin = (operator: ES.BinaryOperator, left: ES.Expression, right: ES.Expression): ES.BinaryExpression =>
  ({ type: 'BinaryExpression', operator, left, right });
export const logical = (operator: ES.LogicalOperator, left: ES.Expression, right: ES.Expression): ES.LogicalExpression =>
  ({ type: 'LogicalExpression', operator, left, right });
export const cond = (test: ES.Expression, consequent: ES.Expression, alternate: ES.Expression): ES.ConditionalExpression =>
  ({ type: 'ConditionalExpression', test, consequent, alternate });
export const call = (callee: ES.Expression, args: ES.Expression[]): ES.CallExpression =>
  loc({ type: 'CallExpression', callee, arguments: args, optional: false });
export const member = (object: ES.Expression, property: string): ES.MemberExpression =>
  ({ type: 'MemberExpression', object, property: id(property), computed: false, optional: false });
export const index = (object: ES.Expression, property: ES.Expression): ES.MemberExpression =>
  ({ type: 'MemberExpression', object, property, computed: true, optional: false });
export const assign = (left: ES.Pattern | ES.MemberExpression, right: ES.Expression): ES.AssignmentExpression =>
  ({ type: 'AssignmentExpression', operator: '=', left, right });
export const array = (elements: ES.Expression[]): ES.ArrayExpression => ({ type: 'ArrayExpression', elements });
export const object = (props: [string, ES.Expression][]): ES.ObjectExpression => ({
  type: 'ObjectExpression',
  properties: props.map(([k, v]) => ({
    type: 'Property', key: id(k), value: v, kind: 'init', method: false, shorthand: false, computed: false,
  })),
});
export const arrow = (body: ES.BlockStatement): ES.ArrowFunctionExpression =>
  ({ type: 'ArrowFunctionExpression', params: [], body, expression: false, async: false, generator: false });

// Statements carry the current position.
export const exprStmt = (expression: ES.Expression): ES.ExpressionStatement => loc({ type: 'ExpressionStatement', expression });
export const assignStmt = (left: ES.Pattern | ES.MemberExpression, right: ES.Expression): ES.ExpressionStatement =>
  exprStmt(assign(left, right));
export const block = (body: ES.Statement[]): ES.BlockStatement => ({ type: 'BlockStatement', body });
export const labeled = (label: string, body: ES.Statement): ES.LabeledStatement => loc({ type: 'LabeledStatement', label: id(label), body });
export const ifStmt = (test: ES.Expression, consequent: ES.Statement, alternate: ES.Statement | null = null): ES.IfStatement =>
  loc({ type: 'IfStatement', test, consequent, alternate });
export const whileTrue = (body: ES.Statement): ES.WhileStatement => loc({ type: 'WhileStatement', test: bool(true), body });
export const brk = (label: string | null): ES.BreakStatement => loc({ type: 'BreakStatement', label: label ? id(label) : null });
export const cont = (label: string): ES.ContinueStatement => loc({ type: 'ContinueStatement', label: id(label) });
export const ret = (argument: ES.Expression | null): ES.ReturnStatement => loc({ type: 'ReturnStatement', argument });
export const switchStmt = (discriminant: ES.Expression, cases: ES.SwitchCase[]): ES.SwitchStatement =>
  loc({ type: 'SwitchStatement', discriminant, cases });
export const switchCase = (test: ES.Expression | null, consequent: ES.Statement[]): ES.SwitchCase =>
  ({ type: 'SwitchCase', test, consequent });
export const letDecl = (names: [string, ES.Expression | null][], kind: 'let' | 'const' | 'var' = 'let'): ES.VariableDeclaration => ({
  type: 'VariableDeclaration', kind,
  declarations: names.map(([n, init]) => ({ type: 'VariableDeclarator', id: id(n), init })),
});
export const funcDecl = (name: string, params: string[], body: ES.Statement[]): ES.FunctionDeclaration => loc({
  type: 'FunctionDeclaration', id: id(name), params: params.map(id), body: block(body), generator: false, async: false,
});
export const funcExpr = (params: string[], body: ES.Statement[]): ES.FunctionExpression => ({
  type: 'FunctionExpression', id: null, params: params.map(id), body: block(body), generator: false, async: false,
});
export const program = (body: ES.Statement[]): ES.Program => ({ type: 'Program', body, sourceType: 'script' });

/** True for expressions that are safe to duplicate: identifiers and literals (incl. -x of a literal). */
export function isAtom(e: ES.Expression): boolean {
  return e.type === 'Identifier' || e.type === 'Literal' ||
    (e.type === 'UnaryExpression' && e.operator === '-' && (e.argument.type === 'Literal' || e.argument.type === 'Identifier'));
}
