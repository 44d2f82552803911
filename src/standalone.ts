// The runtime pieces a standalone output (`wajit compile --standalone`) carries: the built runtime's modules
// (dist/runtime/*.js) that provide the names the output uses, linked into one script by
// compiler/emit/bundle.ts. Without WASI that is the runtime core; runtime/wasi/** only comes with --wasi.
//
// The built runtime is found next to this module once compiled (dist/src/standalone.js -> dist/runtime/), or,
// when this module runs from its TypeScript source (tests), in dist/ of the checkout, which must be built.
// Files are read with node:fs, fetched when needed, so that importing wajit does not need Node.

import { bundleModules } from '../compiler/emit/bundle.js';

export interface StandaloneRuntime {
  /** Statements for the output's top level that declare `rt`, the names asked for. */
  readonly code: string;
  /** The runtime modules included, relative to dist/runtime. */
  readonly modules: readonly string[];
}

type ReadFile = (path: URL, encoding: 'utf8') => string;

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

function readFile(): ReadFile {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as { readFileSync: ReadFile } | undefined;
  if (fs === undefined) throw new Error('standalone output needs Node.js 20.16 or later (process.getBuiltinModule)');
  return fs.readFileSync;
}

/** The directory of the built runtime, as a URL ending in '/'. */
function runtimeDir(read: ReadFile): URL {
  const candidates = [new URL('../runtime/', import.meta.url), new URL('../dist/runtime/', import.meta.url)];
  for (const dir of candidates) {
    try {
      read(new URL('index.js', dir), 'utf8');
      return dir;
    } catch {
      // not there: the next candidate
    }
  }
  throw new Error('standalone output needs the built runtime (dist/runtime/index.js; run `npm run build`)');
}

/** A comment naming the modules, wrapped. */
function header(modules: readonly string[]): string {
  const lines = ['// The wajit runtime (Apache-2.0), each module a function returning its exports:'];
  let line = '//  ';
  for (const [i, m] of modules.entries()) {
    const item = ` ${m}${i < modules.length - 1 ? ',' : ''}`;
    if (line.length + item.length > 110) {
      lines.push(line);
      line = '//  ';
    }
    line += item;
  }
  lines.push(line);
  return `${lines.join('\n')}\n`;
}

const cache = new Map<string, StandaloneRuntime>();

/** The runtime modules that export `names` (names of wajit/runtime), linked into a script that declares `rt`. */
export function standaloneRuntime(names: readonly string[], pretty: boolean): StandaloneRuntime {
  const key = `${pretty}:${names.join(',')}`;
  let r = cache.get(key);
  if (r === undefined) {
    const read = readFile();
    const dir = runtimeDir(read);
    const bundle = bundleModules({
      read: (p) => read(new URL(p, dir), 'utf8'), entry: 'index.js', names, binding: 'rt', pretty,
    });
    r = { code: `${header(bundle.modules)}${bundle.code}`, modules: bundle.modules };
    cache.set(key, r);
  }
  return r;
}
