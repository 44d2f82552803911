// A safety check of generated JavaScript, independent of the code generator: the code is parsed again (with
// acorn) and must stay inside a small, explicit subset of the language. It guards the property that no string
// from the module (import, export, custom section or name-section names) ever becomes code: were one to slip
// through, unescaped or as an identifier, it would show up here as a string literal, a name from outside the
// allowlists or a construct generated code never uses.
//
// The rules, each an allowlist:
// - node types: declarations, functions, blocks, loops, labels, switch, and operators the generator emits.
//   Nothing that reaches objects by other means (`this`, `new`, `import()`, templates, classes, spread,
//   getters, regular expressions, BigInt literals, `with`). `var` only directly in a function's or the
//   program's body, where it scopes like `let` (no hoisting out of a block to reason about).
// - free identifiers (those no enclosing scope declares, found by scope analysis: parameters, let/const,
//   var/let/const, function names and labels are declarations, `.name` after a dot is a property, not an identifier):
//   FREE_NAMES only. A free identifier may not be assigned. The one exception is lazy compilation's direct
//   eval, allowed in exactly the form `eval(source(x))`; the names visible there are returned, and code
//   evaluated by that eval is checked with them as its extra free names (`evalScope`).
// - property names, after a dot or as object keys: PROPERTIES only (so never `constructor`, `__proto__`,
//   `prototype`, `call`, `bind`, ...).
// - computed members (`x[k]`): strings can still be made without string literals (`f0 + 1` is a function's
//   source text, `typeof` a type name), and their characters picked and joined into any property name. So
//   a computed member's object must be a field (`I.types[0]`, `T0.elems[i]`) or one of the return areas
//   RI/RF/RR as the factory declares them, never a value that could be a string; its key must be a number
//   literal, except for table elements (`T0.elems[i]`, a call_indirect's index). `typeof` is refused.
//
// A violation is a wajit bug (or an attack that got past the compiler): it throws UnsafeCodeError, which the
// JS API reports as an internal CompileError. Used by tests on every module they compile, and available in
// production as a compile option.

import { parse } from 'acorn';
import type { ES } from '../codegen/estree.js';

/** Names generated code may use without declaring them: the runtime namespace and JS's own constants. */
export const FREE_NAMES: ReadonlySet<string> = new Set(['rt', 'Math', 'NaN', 'Infinity', 'undefined']);

/** The return areas (runtime/ret.ts): typed arrays and an array, indexed by number literals. */
const RETURN_AREAS: ReadonlySet<string> = new Set(['RI', 'RF', 'RR']);

/**
 * Fields whose elements generated code reads with a computed key that is not a literal: a table's elements
 * (call_indirect). TODO(codegen): with the key coerced where it is generated (`T0.elems[x >>> 0]`), this
 * exception can require a numeric key too.
 */
const INDEXED_BY_VALUE: ReadonlySet<string> = new Set(['elems']);

/**
 * Runtime helpers generated code takes from `rt` (runtime/index.ts exports). Deliberately a copy of
 * compiler/codegen/module.ts's HELPERS rather than an import: the check must not trust the generator's own
 * list (a name added there could open `rt.constructor`). A test requires the two to agree, so a new helper
 * gets reviewed here.
 */
export const RUNTIME_HELPERS: readonly string[] = [
  'trap', 'RI', 'RF', 'RR',
  'i32_div_s', 'i32_div_u', 'i32_rem_s', 'i32_rem_u', 'i32_ctz', 'i32_popcnt', 'i32_rotl', 'i32_rotr',
  'i32_trunc_s', 'i32_trunc_u', 'i32_trunc_sat_s', 'i32_trunc_sat_u',
  'i64_trunc_s', 'i64_trunc_u', 'i64_trunc_sat_s', 'i64_trunc_sat_u',
  'fmin', 'fmax', 'fnearest', 'fcopysign', 'fceil', 'ffloor', 'ftrunc', 'f64_promote_f32', 'f32_load', 'f32_store',
  'f32_reinterpret_i32', 'i32_reinterpret_f32', 'f64_reinterpret_i64', 'i64_reinterpret_f64', 'f32_from_bits', 'f64_from_bits',
  'i64_add', 'i64_sub', 'i64_mul', 'i64_div_s', 'i64_div_u', 'i64_rem_s', 'i64_rem_u',
  'i64_shl', 'i64_shr_s', 'i64_shr_u', 'i64_rotl', 'i64_rotr', 'i64_clz', 'i64_ctz', 'i64_popcnt',
  'i64_lt_s', 'i64_lt_u', 'i64_gt_s', 'i64_gt_u', 'i64_le_s', 'i64_le_u', 'i64_ge_s', 'i64_ge_u',
  'f64_convert_i64_s', 'f64_convert_i64_u', 'f32_convert_i64_s', 'f32_convert_i64_u',
  'memory_fill', 'memory_copy', 'memory_init',
  'table_get', 'table_set', 'table_grow', 'table_fill', 'table_copy', 'table_init', 'icall',
];

/**
 * Property names generated code may use. Reviewed by hand: each is a runtime helper, a Math function, a
 * DataView accessor, or a field of the link record (runtime/abi.ts LinkRecord, LinkResult), a memory
 * instance (runtime/memory.ts), a table instance, a global cell, a raw function (`t`, its type id) or, in
 * metered code, of the fuel counter (runtime/meter.ts).
 */
export const PROPERTIES: ReadonlySet<string> = new Set([
  ...RUNTIME_HELPERS,
  // Math
  'fround', 'imul', 'clz32', 'abs', 'sqrt', 'floor',
  // DataView
  'getInt8', 'getUint8', 'getInt16', 'getUint16', 'getInt32', 'getUint32', 'getFloat32', 'getFloat64',
  'setInt8', 'setUint8', 'setInt16', 'setUint16', 'setInt32', 'setUint32', 'setFloat32', 'setFloat64',
  // link record and result
  'types', 'funcs', 'mems', 'tables', 'globals', 'data', 'elems',
  // memory instance, table instance (elems above), global cell, raw function
  'dv', 'pages', 'grow', 'onGrow', 'length', 'v', 'h', 't',
  // metered code: the link record's refuel, and the fuel counter's accessors in the link result
  'refuel', 'counter', 'get', 'set',
]);

/** Generated code failed the safety check: a wajit bug, never a problem of the input module. */
export class UnsafeCodeError extends Error {
  constructor(readonly problem: string, readonly line: number, readonly column: number) {
    super(`generated code failed the safety check: ${problem} at line ${line}, column ${column}`);
    this.name = 'UnsafeCodeError';
  }
}

export interface CheckOptions {
  /**
   * Extra free names: the scope of the direct eval that evaluates this code (what checkGenerated returned
   * for the module code). Without it, the code is a module factory body and must start with 'use strict'.
   */
  readonly evalScope?: ReadonlySet<string>;
}

export interface CheckResult {
  /** Every name visible at the module's `eval(source(x))`, when it has one (lazy compilation). */
  readonly evalScope?: ReadonlySet<string>;
}

/** Parses `code` and checks it against the allowlists; throws UnsafeCodeError at the first violation. */
export function checkGenerated(code: string, opts: CheckOptions = {}): CheckResult {
  let program: ES.Program;
  try {
    const options = { ecmaVersion: 2022, sourceType: 'script', allowReturnOutsideFunction: true, locations: true } as const;
    program = parse(code, options) as unknown as ES.Program;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    throw new UnsafeCodeError(`unparsable code (${(e as Error).message})`, loc?.line ?? 0, (loc?.column ?? -1) + 1);
  }
  const checker = new Checker(opts.evalScope);
  if (opts.evalScope === undefined && !isUseStrict(program.body[0])) checker.fail('no \'use strict\' directive first', program);
  try {
    checker.program(program);
  } catch (e) {
    // The walk recurses once per nesting level: code nested deeper than the stack allows cannot be verified,
    // so it is refused (fail closed). The code generator itself goes deeper (test/fuzz/limits.test.ts).
    if (e instanceof RangeError) throw new UnsafeCodeError('code nested too deeply to be checked', 0, 0);
    throw e;
  }
  return checker.evalScope === undefined ? {} : { evalScope: checker.evalScope };
}

function isUseStrict(s: ES.Node | undefined): boolean {
  return s?.type === 'ExpressionStatement' && (s as ES.Directive).directive === 'use strict';
}

class Scope {
  readonly names = new Set<string>();
  /** `top`: the scope of a function's or the program's body, the only place `var` is accepted. */
  constructor(readonly parent: Scope | null, readonly top = false) {}

  has(name: string): boolean {
    return this.owner(name) !== null;
  }

  /** The scope that declares `name`, or null. */
  owner(name: string): Scope | null {
    for (let s: Scope | null = this; s !== null; s = s.parent) if (s.names.has(name)) return s;
    return null;
  }
}

type FunctionNode = ES.FunctionDeclaration | ES.FunctionExpression | ES.ArrowFunctionExpression;

class Checker {
  evalScope: Set<string> | undefined;
  private readonly free: ReadonlySet<string>;
  /** Top-level constants of the factory bound to the runtime helper of the same name (`const RI = rt.RI`). */
  private readonly runtimeBound = new Set<string>();
  /** Checking code that a direct eval evaluates: it may not contain another one. */
  private readonly evaluated: boolean;

  constructor(outer: ReadonlySet<string> | undefined) {
    this.evaluated = outer !== undefined;
    this.free = outer === undefined ? FREE_NAMES : new Set([...FREE_NAMES, ...outer]);
  }

  fail(problem: string, node: ES.Node): never {
    const at = node.loc?.start;
    throw new UnsafeCodeError(problem, at?.line ?? 0, (at?.column ?? -1) + 1);
  }

  program(p: ES.Program): void {
    const scope = new Scope(null, true);
    this.statements(p.body as ES.Statement[], scope);
  }

  /** A statement list forming one block scope: its let/const/function declarations are hoisted first. */
  private statements(list: readonly ES.Statement[], scope: Scope): void {
    for (const s of list) this.declare(s, scope);
    for (const s of list) this.statement(s, scope);
  }

  private declare(s: ES.Statement, scope: Scope): void {
    if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) {
        if (d.id.type !== 'Identifier') this.fail(`destructuring ${d.id.type}`, d.id);
        // JS refuses a second let/const, but a second `var` would assign the binding (say, a return area).
        if (scope.names.has(d.id.name)) this.fail(`second declaration of '${d.id.name}'`, d.id);
        scope.names.add(d.id.name);
        // `const RI = rt.RI` at the factory's top level: a return area the code may index.
        const init = d.init;
        const fromRuntime = init?.type === 'MemberExpression' && !init.computed && init.object.type === 'Identifier' &&
          init.object.name === 'rt' && init.property.type === 'Identifier' && init.property.name === d.id.name;
        if (fromRuntime && scope.parent === null && !this.evaluated && s.kind !== 'let') this.runtimeBound.add(d.id.name);
      }
    } else if (s.type === 'FunctionDeclaration') {
      scope.names.add(s.id!.name);
    }
  }

  private statement(s: ES.Statement, scope: Scope): void {
    switch (s.type) {
      case 'ExpressionStatement':
        if ((s as ES.Directive).directive !== undefined) {
          if ((s as ES.Directive).directive !== 'use strict') this.fail(`directive '${(s as ES.Directive).directive}'`, s);
          return;
        }
        return this.expression(s.expression, scope);
      case 'VariableDeclaration':
        if (s.kind === 'var' && !scope.top) this.fail('\'var\' declaration inside a block', s);
        for (const d of s.declarations) if (d.init) this.expression(d.init, scope);
        return;
      case 'FunctionDeclaration': return this.function(s, scope);
      case 'BlockStatement': return this.statements(s.body, new Scope(scope));
      case 'EmptyStatement': return;
      case 'ReturnStatement': if (s.argument) this.expression(s.argument, scope); return;
      case 'IfStatement':
        this.expression(s.test, scope);
        this.substatement(s.consequent, scope);
        if (s.alternate) this.substatement(s.alternate, scope);
        return;
      case 'WhileStatement':
        this.expression(s.test, scope);
        return this.substatement(s.body, scope);
      case 'DoWhileStatement':
        this.substatement(s.body, scope);
        return this.expression(s.test, scope);
      case 'ForStatement': {
        const inner = new Scope(scope);
        if (s.init) {
          if (s.init.type === 'VariableDeclaration') {
            this.declare(s.init, inner);
            this.statement(s.init, inner);
          } else this.expression(s.init, inner);
        }
        if (s.test) this.expression(s.test, inner);
        if (s.update) this.expression(s.update, inner);
        return this.substatement(s.body, inner);
      }
      // Labels live in their own namespace (and acorn rejects a jump to an undeclared one).
      case 'LabeledStatement': return this.substatement(s.body, scope);
      case 'BreakStatement': case 'ContinueStatement': return;
      case 'SwitchStatement': {
        this.expression(s.discriminant, scope);
        const inner = new Scope(scope);
        for (const c of s.cases) for (const x of c.consequent) this.declare(x, inner);
        for (const c of s.cases) {
          if (c.test) this.expression(c.test, inner);
          for (const x of c.consequent) this.statement(x, inner);
        }
        return;
      }
      default:
        this.fail(`statement ${s.type}`, s);
    }
  }

  /** The body of an if, loop or label: a lone declaration there still gets its own scope. */
  private substatement(s: ES.Statement, scope: Scope): void {
    if (s.type === 'BlockStatement') return this.statement(s, scope);
    const inner = new Scope(scope);
    this.declare(s, inner);
    this.statement(s, inner);
  }

  private function(f: FunctionNode, scope: Scope): void {
    if (f.async || f.generator) this.fail('async or generator function', f);
    const inner = new Scope(scope, true);
    // A function expression's own name is visible inside it only.
    if (f.type === 'FunctionExpression' && f.id) inner.names.add(f.id.name);
    for (const p of f.params) {
      if (p.type !== 'Identifier') this.fail(`parameter pattern ${p.type}`, p);
      inner.names.add(p.name);
    }
    if (f.body.type === 'BlockStatement') this.statements(f.body.body, inner);
    else this.expression(f.body, inner);
  }

  private reference(id: ES.Identifier, scope: Scope, assigned: boolean): void {
    const owner = scope.owner(id.name);
    // A return area the factory bound to the runtime (a `var`, which JS would let code assign) stays that
    // binding, also in evaluated code, which sees it as a free name.
    const factoryArea = owner === null ? this.evaluated : owner.parent === null && this.runtimeBound.has(id.name);
    if (assigned && RETURN_AREAS.has(id.name) && factoryArea) this.fail(`assignment to return area '${id.name}'`, id);
    if (owner !== null) return;
    if (!this.free.has(id.name)) this.fail(`free identifier '${id.name}'`, id);
    if (assigned && FREE_NAMES.has(id.name)) this.fail(`assignment to free identifier '${id.name}'`, id);
  }

  private property(key: ES.Node, node: ES.Node): void {
    if (key.type !== 'Identifier') this.fail(`property key ${key.type}`, node);
    if (!PROPERTIES.has(key.name)) this.fail(`property '${key.name}'`, key);
  }

  private expression(e: ES.Expression | ES.Pattern | ES.Super | ES.SpreadElement | ES.PrivateIdentifier, scope: Scope): void {
    switch (e.type) {
      case 'Identifier': return this.reference(e, scope, false);
      case 'Literal':
        // Numbers, booleans and null only: no strings, regular expressions (objects) or BigInts.
        if (e.value === null || typeof e.value === 'number' || typeof e.value === 'boolean') return;
        return this.fail(`literal ${e.raw ?? typeof e.value}`, e);
      case 'BinaryExpression': case 'LogicalExpression':
        this.expression(e.left, scope);
        return this.expression(e.right, scope);
      case 'UnaryExpression':
        if (e.operator === 'delete' || e.operator === 'typeof') return this.fail(e.operator, e);
        return this.expression(e.argument, scope);
      case 'UpdateExpression': return this.assignTarget(e.argument, scope);
      case 'ConditionalExpression':
        this.expression(e.test, scope);
        this.expression(e.consequent, scope);
        return this.expression(e.alternate, scope);
      case 'SequenceExpression':
        for (const x of e.expressions) this.expression(x, scope);
        return;
      case 'AssignmentExpression':
        this.assignTarget(e.left, scope);
        return this.expression(e.right, scope);
      case 'CallExpression': {
        if (e.optional) return this.fail('optional call', e);
        if (this.isLazyEval(e, scope)) return;
        this.expression(e.callee, scope);
        for (const a of e.arguments) this.expression(a, scope);
        return;
      }
      case 'MemberExpression':
        if (e.optional || e.object.type === 'Super') return this.fail('optional or super member', e);
        this.expression(e.object, scope);
        if (e.computed) return this.computed(e, scope);
        return this.property(e.property, e);
      case 'ArrayExpression':
        for (const x of e.elements) if (x) this.expression(x, scope);
        return;
      case 'ObjectExpression':
        for (const p of e.properties) {
          const plain = p.type === 'Property' && p.kind === 'init' && !p.method && !p.shorthand && !p.computed;
          if (!plain) this.fail('object property form', p);
          this.property(p.key, p);
          this.expression(p.value, scope);
        }
        return;
      case 'FunctionExpression': case 'ArrowFunctionExpression': return this.function(e, scope);
      default:
        this.fail(`expression ${e.type}`, e);
    }
  }

  /** `object[key]`: see the header for why both are restricted. */
  private computed(e: ES.MemberExpression, scope: Scope): void {
    const o = e.object;
    const field = o.type === 'MemberExpression' && !o.computed && o.property.type === 'Identifier' ? o.property.name : undefined;
    const area = o.type === 'Identifier' && RETURN_AREAS.has(o.name) && this.declaredByFactory(o.name, scope);
    if (field === undefined && !area) this.fail('computed member of something other than a field or a return area', e);
    const k = e.property;
    if (k.type === 'Literal' && typeof k.value === 'number') return;
    if (field !== undefined && INDEXED_BY_VALUE.has(field)) return this.expression(k, scope);
    this.fail('computed member with a key other than a number literal', k);
  }

  /** True when `name` here is the factory's own top-level declaration (for evaluated code: the eval's scope). */
  private declaredByFactory(name: string, scope: Scope): boolean {
    const owner = scope.owner(name);
    // Evaluated code sees the factory's bindings through the eval's scope, which holds a return area's name
    // only when the factory bound it to the runtime (see isLazyEval).
    if (owner === null) return this.evaluated && this.free.has(name) && !FREE_NAMES.has(name);
    return owner.parent === null && !this.evaluated && this.runtimeBound.has(name);
  }

  private assignTarget(t: ES.Pattern | ES.Expression, scope: Scope): void {
    if (t.type === 'Identifier') return this.reference(t, scope, true);
    if (t.type === 'MemberExpression') return this.expression(t, scope);
    this.fail(`assignment target ${t.type}`, t);
  }

  /**
   * `eval(source(x))`, where neither `eval` nor `source` is declared: lazy compilation's direct eval
   * (compiler/codegen/module.ts). Records the names visible there, which the evaluated code may use.
   */
  private isLazyEval(e: ES.CallExpression, scope: Scope): boolean {
    const [arg] = e.arguments;
    if (e.callee.type !== 'Identifier' || e.callee.name !== 'eval' || scope.has('eval')) return false;
    if (this.evaluated) return false;
    const ok = e.arguments.length === 1 && arg.type === 'CallExpression' && !arg.optional &&
      arg.callee.type === 'Identifier' && arg.callee.name === 'source' && !scope.has('source') &&
      arg.arguments.length === 1 && arg.arguments[0].type === 'Identifier';
    if (!ok) return false;
    this.reference(arg.arguments[0] as ES.Identifier, scope, false);
    const visible = (this.evalScope ??= new Set());
    for (let s: Scope | null = scope; s !== null; s = s.parent) {
      for (const n of s.names) {
        // A return area's name counts only where it is the factory's runtime binding (see computed).
        if (!RETURN_AREAS.has(n) || scope.owner(n) === s && s.parent === null && this.runtimeBound.has(n)) visible.add(n);
      }
    }
    return true;
  }
}
