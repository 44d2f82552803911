// The module linker behind standalone output (compiler/emit/bundle.ts), on small module graphs: imports of
// every form, re-exports followed to the module that declares a name (so unrelated modules stay out),
// evaluation order, top-level await, builtins, names that clash between modules, and the graphs it refuses.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { BundleError, bundleModules, type Bundle } from '../../../compiler/emit/bundle.js';

type Files = Readonly<Record<string, string>>;

function bundle(files: Files, names: readonly string[], entry = 'index.js'): Bundle {
  return bundleModules({
    read: (p) => {
      const text = files[p];
      if (text === undefined) throw new Error('no such file');
      return text;
    },
    entry, names, binding: 'rt',
  });
}

const AsyncFunction = (async () => undefined).constructor as new (...args: string[]) => () => Promise<unknown>;

/** Runs a bundle without imports and returns what it declares as `rt` (with a log of what ran, in order). */
async function run(b: Bundle): Promise<{ rt: Record<string, unknown>; log: unknown[] }> {
  const log: unknown[] = [];
  (globalThis as { bundleLog?: unknown[] }).bundleLog = log;
  try {
    const rt = await new AsyncFunction(`${b.code}\nreturn rt;`)() as Record<string, unknown>;
    return { rt, log };
  } finally {
    delete (globalThis as { bundleLog?: unknown[] }).bundleLog;
  }
}

const GRAPH: Files = {
  'index.js': `export * from './a.js';
    export { b as renamed, B } from './sub/b.js';
    export * as unused from './unused.js';
    export * as refused from './refused.js';
    export { helper } from './helper.js';`,
  'a.js': `import { B, b as bee } from './sub/b.js';
    import * as H from './helper.js';
    bundleLog.push('a');
    export const a = () => bee() + H.helper() + B;
    export function twice() { return 2 * a(); }`,
  'sub/b.js': `import { helper } from '../helper.js';
    bundleLog.push('b');
    let B = 100;
    B += helper();
    export { B };
    export function b() { return 10; }`,
  'helper.js': `bundleLog.push('helper');
    export function helper() { return 1; }
    export class Unrelated {}`,
  'unused.js': `bundleLog.push('unused'); export const never = 1;`,
  // What the linker refuses does not matter in a module it leaves out.
  'refused.js': `export default () => import('./elsewhere.js');`,
};

describe('bundleModules', () => {
  it('links imports and re-exports of every form, running each module once, after its imports', async () => {
    const b = bundle(GRAPH, ['a', 'twice', 'renamed', 'B', 'helper']);
    expect(b.modules).toEqual(['helper.js', 'sub/b.js', 'a.js']);
    expect(b.builtins).toEqual([]);
    const { rt, log } = await run(b);
    expect(log).toEqual(['helper', 'b', 'a']);
    expect(Object.keys(rt)).toEqual(['B', 'a', 'helper', 'renamed', 'twice']);
    expect([(rt.a as () => number)(), (rt.twice as () => number)(), (rt.renamed as () => number)(), rt.B])
      .toEqual([112, 224, 10, 101]);
    expect(Object.isFrozen(rt)).toBe(true);
    expect(Object.getPrototypeOf(rt)).toBeNull();
  });

  it('includes only the modules the names asked for reach', async () => {
    expect(bundle(GRAPH, ['helper']).modules).toEqual(['helper.js']);
    const ns = bundle(GRAPH, ['unused']);
    expect(ns.modules).toEqual(['unused.js']);
    const { rt } = await run(ns);
    expect(Object.keys(rt.unused as object)).toEqual(['never']);
  });

  it('keeps each module\'s top-level names apart, and avoids every name the modules use', async () => {
    const b = bundle({
      'index.js': `export { x as x1 } from './one.js'; export { x as x2 } from './two.js';`,
      'one.js': `const rt$two = 'taken'; const helper = () => rt$two; export const x = helper();`,
      'two.js': `const helper = () => 'two'; export const x = helper();`,
    }, ['x1', 'x2']);
    const { rt } = await run(b);
    expect([rt.x1, rt.x2]).toEqual(['taken', 'two']);
  });

  it('awaits a module with top-level await, and keeps node: builtins as imports', async () => {
    const b = bundle({
      'index.js': `export { value } from './tla.js'; export { sep } from './fs.js';`,
      'tla.js': `export const value = await Promise.resolve(42);`,
      'fs.js': `import { sep } from 'node:path'; import * as os from 'node:os'; export { sep }; export const eol = os.EOL;`,
    }, ['value', 'sep']);
    expect(b.builtins).toEqual(['node:path', 'node:os']);
    expect(b.code).toMatch(/^import \* as rt\$node_path from "node:path";\nimport \* as rt\$node_os from "node:os";\nconst rt = await \(async/);
    const dir = mkdtempSync(join(tmpdir(), 'wajit-bundle-'));
    writeFileSync(join(dir, 'b.mjs'), `${b.code}export default rt;\n`);
    const rt = (await import(pathToFileURL(join(dir, 'b.mjs')).href) as { default: Record<string, unknown> }).default;
    expect([rt.value, rt.sep]).toEqual([42, '/']);
  });

  it('prints a script that parses, without comments', () => {
    const b = bundle({ 'index.js': '// a comment\nexport const x = /* inline */ 1n << 2n;' }, ['x']);
    expect(b.code).not.toContain('comment');
    expect(() => parse(b.code, { ecmaVersion: 'latest', sourceType: 'module' })).not.toThrow();
  });

  it('refuses what it cannot link faithfully', () => {
    const refused = (files: Files, names: string[]): string => {
      try {
        bundle(files, names);
      } catch (e) {
        expect(e).toBeInstanceOf(BundleError);
        return (e as Error).message;
      }
      throw new Error('bundled');
    };
    expect(refused({ 'index.js': `import './b.js'; export const x = 1;`, 'b.js': `import { x } from './index.js';` }, ['x']))
      .toBe('import cycle: index.js -> b.js -> index.js');
    expect(refused({ 'index.js': `export let n = 0; export function inc() { n++; }` }, ['n']))
      .toBe(`index.js: exported 'n' assigned after the module has run`);
    expect(refused({ 'index.js': `import x from 'wajit/runtime'; export { x };` }, ['x']))
      .toBe(`index.js: cannot inline an import of 'wajit/runtime'`);
    expect(refused({ 'index.js': `export const f = () => import('./lazy.js');` }, ['f']))
      .toBe('index.js: cannot inline import() of anything but a node: builtin');
    expect(refused({ 'index.js': `export { x } from './b.js';`, 'b.js': 'export const x = 1; export default x;' }, ['x']))
      .toBe('b.js: cannot inline a default export');
    expect(refused({ 'index.js': `export const x = 1;` }, ['y'])).toBe(`module 'index.js' has no export 'y'`);
    expect(refused({ 'index.js': `import { y } from './b.js'; export const x = y;`, 'b.js': 'export const z = 1;' }, ['x']))
      .toBe(`index.js: module 'b.js' has no export 'y'`);
    expect(refused({ 'index.js': `export * from './a.js'; export * from './b.js';`, 'a.js': 'export const x = 1;', 'b.js': 'export const x = 2;' }, ['x']))
      .toBe(`index.js: 'x' is exported ambiguously by several 'export *'`);
    expect(refused({ 'index.js': `export { x } from './missing.js';` }, ['x'])).toBe(`cannot read module 'missing.js': no such file`);
  });
});
