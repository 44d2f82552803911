// Links ES modules into one piece of script, for `wajit compile --standalone`: the output carries the runtime
// modules it uses (src/standalone.ts hands over the built runtime) instead of importing them.
//
//   const rt = (() => {
//     const rt$abi = (() => { <abi.js>; return Object.freeze({ __proto__: null, Trap, ... }); })();
//     const rt$trap = (() => { const { Trap, TRAP_MESSAGES } = rt$abi; <trap.js>; return ...; })();
//     ...
//     return Object.freeze({ __proto__: null, trap: rt$trap.trap, ... });   // the names asked for
//   })();
//
// Each module keeps a scope of its own (a function), so top-level names of different modules cannot clash,
// and runs once, after the modules it imports, in the order ES module evaluation runs them. Its import
// declarations become `const` declarations that read the imported modules' namespace objects; its export
// declarations lose `export`, and the names they export make up the namespace object it returns. A `const`
// copies what ES modules share as a live binding: the same as long as no exported binding is assigned after
// its module has run, which is checked (assigning an exported name inside a function is refused), as are
// import cycles (a module that runs before one of its imports). A module with top-level `await` becomes an
// async function that is awaited, which needs an ES module around the result.
//
// Only modules reachable from the names asked for are included: a name the entry module re-exports
// (`export { x } from`, `export *`) is taken from the module that declares it, so the entry module's other
// re-exports stay out. Static imports of `node:` builtins stay imports (declared before the script); any other
// specifier that is not relative, dynamic `import()` of anything but a `node:` builtin, and default exports
// are refused. Comments are dropped. The modules' free names (globals) resolve through the scope the script is
// placed in, so that scope must not declare a global a module reads (esm.ts declares `descriptor`, `link`,
// `module`, `instantiate`, `main` and the runtime's class names, none of them a global).

import { parse } from 'acorn';
import { generate } from 'astring';
import * as J from '../codegen/estree.js';
import type { ES } from '../codegen/estree.js';

export interface BundleOptions {
  /** Reads a module: paths are '/'-separated and relative to one root ('link.js', 'wasi/index.js'). */
  readonly read: (path: string) => string;
  /** The module whose exports are asked for. */
  readonly entry: string;
  /** The entry module's exports the script provides. */
  readonly names: readonly string[];
  /** The constant the script declares: a frozen object holding the names asked for. */
  readonly binding: string;
  /** Indent the script (default: no indentation). */
  readonly pretty?: boolean;
}

export interface Bundle {
  /** Import declarations of builtins, then `const <binding> = ...;`: statements for a module's top level. */
  readonly code: string;
  /** The modules included, in the order they run. */
  readonly modules: readonly string[];
  /** The builtins imported statically (`node:` specifiers). */
  readonly builtins: readonly string[];
}

/** A module graph the linker cannot put into a script: an unsupported construct, a cycle, a missing name. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/** Where an exported name comes from: a binding of `module` (its namespace's property `name`), or its namespace. */
interface Origin {
  readonly module: string;
  readonly name?: string;
}

interface ModuleInfo {
  readonly path: string;
  readonly body: ES.Program['body'];
  /** Modules requested (imports and re-exports), in source order: resolved paths, or `node:` specifiers. */
  readonly requests: string[];
  /** Exported name -> local binding. */
  readonly locals: Map<string, string>;
  /** Exported name -> [module, its export name], or [module, undefined] for `export * as name from`. */
  readonly indirect: Map<string, [string, string | undefined]>;
  /** Modules of `export * from`. */
  readonly stars: string[];
  /** Why the module cannot be inlined, if it is included: found when it is read, reported when it is included. */
  readonly problems: string[];
  readonly usesAwait: boolean;
  /** Every identifier the module mentions (so generated names avoid them). */
  readonly identifiers: Set<string>;
}

type AnyNode = ES.Node & Record<string, unknown>;

const isNode = (x: unknown): x is AnyNode =>
  typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Visits `node` and every node below it; `inFunction`: whether the node is inside a function. */
function walk(node: AnyNode, visit: (n: AnyNode, inFunction: boolean) => void, inFunction = false): void {
  visit(node, inFunction);
  const inner = inFunction || FUNCTIONS.has(node.type);
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) walk(x, visit, inner);
    } else if (isNode(v)) walk(v, visit, inner);
  }
}

/** The names a binding pattern (or assignment target) binds. */
function patternNames(p: ES.Node | null, into: string[] = []): string[] {
  if (p === null) return into;
  switch (p.type) {
    case 'Identifier': into.push(p.name); break;
    case 'ObjectPattern': for (const q of p.properties) patternNames(q.type === 'RestElement' ? q : q.value, into); break;
    case 'ArrayPattern': for (const q of p.elements) patternNames(q, into); break;
    case 'AssignmentPattern': patternNames(p.left, into); break;
    case 'RestElement': patternNames(p.argument, into); break;
    default: break; // a member expression: binds nothing
  }
  return into;
}

/** `a/b.js` + `../c.js` -> `c.js`. */
function resolve(from: string, specifier: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const s of specifier.split('/')) {
    if (s === '..') {
      if (parts.length === 0) throw new BundleError(`${from}: '${specifier}' leaves the root`);
      parts.pop();
    } else if (s !== '.' && s !== '') parts.push(s);
  }
  return parts.join('/');
}

const nameOf = (n: ES.Identifier | ES.Literal): string => (n.type === 'Identifier' ? n.name : String(n.value));

function load(path: string, source: string): ModuleInfo {
  let program: ES.Program;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as ES.Program;
  } catch (e) {
    throw new BundleError(`${path}: ${(e as Error).message}`);
  }
  const info: ModuleInfo = {
    path, body: [], requests: [], locals: new Map(), indirect: new Map(), stars: [], problems: [],
    usesAwait: false, identifiers: new Set(),
  };
  const request = (spec: string, reexport = false): string => {
    const target = spec.startsWith('./') || spec.startsWith('../') ? resolve(path, spec)
      : spec.startsWith('node:') && !reexport ? spec : undefined;
    if (target === undefined) throw new BundleError(`${path}: cannot inline an import of '${spec}'`);
    if (!info.requests.includes(target)) info.requests.push(target);
    return target;
  };
  for (const s of program.body) {
    switch (s.type) {
      case 'ImportDeclaration':
        request(String(s.source.value));
        info.body.push(s);
        break;
      case 'ExportNamedDeclaration':
        if (s.source) {
          const from = request(String(s.source.value), true);
          for (const x of s.specifiers) info.indirect.set(nameOf(x.exported), [from, nameOf(x.local)]);
        } else if (s.declaration) {
          const d = s.declaration;
          const names = d.type === 'VariableDeclaration' ? d.declarations.flatMap((x) => patternNames(x.id)) : [d.id!.name];
          for (const n of names) info.locals.set(n, n);
          info.body.push(d);
        } else {
          for (const x of s.specifiers) info.locals.set(nameOf(x.exported), nameOf(x.local));
        }
        break;
      case 'ExportAllDeclaration': {
        const from = request(String(s.source.value), true);
        if (s.exported) info.indirect.set(nameOf(s.exported), [from, undefined]);
        else info.stars.push(from);
        break;
      }
      case 'ExportDefaultDeclaration':
        info.problems.push('cannot inline a default export');
        break;
      default:
        info.body.push(s);
    }
  }
  // Assignments to exported bindings inside functions (every exported binding counts: a `const` cannot be
  // assigned anyway), import() of modules, top-level await, and every identifier.
  const exported = new Set(info.locals.values());
  const assigned = new Set<string>();
  let usesAwait = false;
  for (const s of info.body) {
    walk(s as AnyNode, (n, inFunction) => {
      const node = n as ES.Node;
      switch (node.type) {
        case 'Identifier': info.identifiers.add(node.name); return;
        case 'AwaitExpression': usesAwait ||= !inFunction; return;
        case 'ImportExpression': {
          const src = node.source;
          if (src.type !== 'Literal' || typeof src.value !== 'string' || !src.value.startsWith('node:')) {
            info.problems.push('cannot inline import() of anything but a node: builtin');
          }
          return;
        }
        default: break;
      }
      if (node.type === 'ForOfStatement' && node.await) usesAwait ||= !inFunction;
      if (!inFunction) return;
      const targets = node.type === 'AssignmentExpression' ? patternNames(node.left)
        : node.type === 'UpdateExpression' ? patternNames(node.argument)
          : (node.type === 'ForInStatement' || node.type === 'ForOfStatement') && node.left.type !== 'VariableDeclaration'
            ? patternNames(node.left) : [];
      for (const t of targets) if (exported.has(t)) assigned.add(t);
    });
  }
  if (assigned.size > 0) {
    info.problems.push(`exported ${[...assigned].map((n) => `'${n}'`).join(', ')} assigned after the module has run`);
  }
  return { ...info, usesAwait };
}

const isIdentifier = (name: string): boolean => /^[A-Za-z_$][\w$]*$/.test(name);

/** The property `name` of `object`, with a dot when `name` is an identifier. */
const prop = (object: ES.Expression, name: string): ES.Expression =>
  (isIdentifier(name) ? J.member(object, name) : J.index(object, J.str(name)));

/** `name: value` in an object literal or pattern (shorthand when it can be; never the literal's prototype). */
function property<V extends ES.Expression | ES.Pattern>(name: string, value: V): ES.Property & { value: V; kind: 'init' } {
  const simple = isIdentifier(name) && name !== '__proto__';
  return {
    type: 'Property', key: simple ? J.id(name) : J.str(name), value, kind: 'init', method: false,
    shorthand: simple && value.type === 'Identifier' && value.name === name, computed: !simple,
  };
}

/** A frozen object with a null prototype: the entries given, sorted by name as a module namespace's are. */
function namespace(entries: Map<string, ES.Expression>): ES.Expression {
  const proto: ES.Property = {
    type: 'Property', key: J.id('__proto__'), value: J.nul(), kind: 'init', method: false, shorthand: false, computed: false,
  };
  const properties = [proto, ...[...entries.keys()].sort().map((name) => property(name, entries.get(name)!))];
  return J.call(J.member(J.id('Object'), 'freeze'), [{ type: 'ObjectExpression', properties }]);
}

/** `(() => { body })()`, or `await (async () => { body })()`. */
function run(body: ES.Statement[], async: boolean): ES.Expression {
  const fn: ES.ArrowFunctionExpression = { ...J.arrow(J.block(body)), async };
  const called = J.call(fn, []);
  return async ? { type: 'AwaitExpression', argument: called } : called;
}

export function bundleModules(opts: BundleOptions): Bundle {
  const modules = new Map<string, ModuleInfo>();
  const get = (path: string): ModuleInfo => {
    let m = modules.get(path);
    if (m === undefined) {
      let source: string;
      try {
        source = opts.read(path);
      } catch (e) {
        throw new BundleError(`cannot read module '${path}': ${(e as Error).message}`);
      }
      modules.set(path, (m = load(path, source)));
    }
    return m;
  };

  // The module a name comes from, following re-exports (ES module semantics: a name two `export *` provide
  // from different bindings is ambiguous).
  const origin = (path: string, name: string, seen: string[] = []): Origin | undefined => {
    if (path.startsWith('node:')) return { module: path, name };
    if (seen.includes(path)) return undefined;
    const m = get(path);
    if (m.locals.has(name)) return { module: path, name };
    const ind = m.indirect.get(name);
    if (ind !== undefined) {
      return ind[1] === undefined ? { module: ind[0] } : origin(ind[0], ind[1], [...seen, path]);
    }
    if (name === 'default') return undefined;
    const found = new Map<string, Origin>();
    for (const star of m.stars) {
      const o = origin(star, name, [...seen, path]);
      if (o !== undefined) found.set(`${o.module}\0${o.name ?? '*'}`, o);
    }
    if (found.size > 1) throw new BundleError(`${path}: '${name}' is exported ambiguously by several 'export *'`);
    return found.values().next().value;
  };
  const namesOf = new Map<string, Set<string>>();
  const exportNames = (path: string, seen: string[] = []): Set<string> => {
    const m = get(path);
    const names = new Set([...m.locals.keys(), ...m.indirect.keys()]);
    if (seen.includes(path)) return names;
    const known = namesOf.get(path);
    if (known !== undefined) return known;
    for (const star of m.stars) {
      for (const n of exportNames(star, [...seen, path])) {
        if (n === 'default' || names.has(n)) continue;
        try {
          if (origin(path, n) !== undefined) names.add(n);
        } catch (e) {
          if (!(e instanceof BundleError)) throw e; // ambiguous: not exported, as in a module namespace
        }
      }
    }
    if (seen.length === 0) namesOf.set(path, names);
    return names;
  };
  const originOrThrow = (path: string, name: string): Origin => {
    const o = origin(path, name);
    if (o === undefined) throw new BundleError(`module '${path}' has no export '${name}'`);
    return o;
  };

  // The modules to include, in evaluation order: depth first through the requests, each after its own.
  const wanted = opts.names.map((n) => [n, originOrThrow(opts.entry, n)] as const);
  const order: string[] = [];
  const builtins: string[] = [];
  const stack: string[] = [];
  const visit = (path: string): void => {
    if (path.startsWith('node:')) {
      if (!builtins.includes(path)) builtins.push(path);
      return;
    }
    if (order.includes(path)) return;
    if (stack.includes(path)) {
      throw new BundleError(`import cycle: ${[...stack.slice(stack.indexOf(path)), path].join(' -> ')}`);
    }
    stack.push(path);
    const m = get(path);
    if (m.problems.length > 0) throw new BundleError(`${path}: ${m.problems[0]}`);
    for (const r of m.requests) visit(r);
    stack.pop();
    order.push(path);
  };
  for (const [, o] of wanted) visit(o.module);

  // Names for the namespace objects that no included module mentions.
  const used = new Set<string>([opts.binding]);
  for (const p of order) for (const n of get(p).identifiers) used.add(n);
  const nsName = new Map<string, string>();
  for (const p of [...builtins, ...order]) {
    let n = `${opts.binding}$${p.replace(/\.js$/, '').replace(/[^\w$]/g, (c) => (c === '/' ? '$' : '_'))}`;
    while (used.has(n)) n += '_';
    used.add(n);
    nsName.set(p, n);
  }
  const ns = (p: string): ES.Identifier => J.id(nsName.get(p)!);
  const ref = (o: Origin): ES.Expression => (o.name === undefined ? ns(o.module) : prop(ns(o.module), o.name));

  const top: ES.Program['body'] = builtins.map((b): ES.ImportDeclaration => ({
    type: 'ImportDeclaration', specifiers: [{ type: 'ImportNamespaceSpecifier', local: ns(b) }], source: J.str(b),
    attributes: [],
  }));
  const inner: ES.Statement[] = [];
  let anyAwait = false;
  for (const path of order) {
    const m = get(path);
    const body: ES.Statement[] = [];
    for (const s of m.body) {
      if (s.type !== 'ImportDeclaration') {
        body.push(s as ES.Statement);
        continue;
      }
      const from = s.source.value as string;
      const target = from.startsWith('node:') ? from : resolve(path, from);
      const fields: ES.AssignmentProperty[] = [];
      for (const x of s.specifiers) {
        if (x.type === 'ImportNamespaceSpecifier') {
          body.push(J.letDecl([[x.local.name, ns(target)]], 'const'));
          continue;
        }
        const imported = x.type === 'ImportDefaultSpecifier' ? 'default' : nameOf(x.imported);
        if (!target.startsWith('node:') && !exportNames(target).has(imported)) {
          throw new BundleError(`${path}: module '${target}' has no export '${imported}'`);
        }
        fields.push(property(imported, J.id(x.local.name)));
      }
      if (fields.length > 0) {
        const id: ES.ObjectPattern = { type: 'ObjectPattern', properties: fields };
        body.push({ type: 'VariableDeclaration', kind: 'const', declarations: [{ type: 'VariableDeclarator', id, init: ns(target) }] });
      }
    }
    const entries = new Map<string, ES.Expression>();
    for (const [exported, local] of m.locals) entries.set(exported, J.id(local));
    for (const name of exportNames(path)) if (!entries.has(name)) entries.set(name, ref(originOrThrow(path, name)));
    body.push(J.ret(namespace(entries)));
    anyAwait ||= m.usesAwait;
    inner.push(J.letDecl([[nsName.get(path)!, run(body, m.usesAwait)]], 'const'));
  }
  inner.push(J.ret(namespace(new Map(wanted.map(([n, o]) => [n, ref(o)])))));
  top.push(J.letDecl([[opts.binding, run(inner, anyAwait)]], 'const'));

  const program: ES.Program = { type: 'Program', body: top, sourceType: 'module' };
  const code = generate(program, { indent: opts.pretty === true ? '  ' : '' });
  return { code: code.endsWith('\n') ? code : `${code}\n`, modules: order, builtins };
}
