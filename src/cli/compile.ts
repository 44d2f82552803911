// `wajit compile [options] MODULE.wasm -o OUT.js`: compile a module ahead of time to an ES module that needs
// only the wajit runtime (or nothing, with --standalone), with its TypeScript declarations (OUT.d.ts) and
// source map (OUT.js.map), by default to the WAT listing written next to it (OUT.wat).

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CliError, EXIT, type Io, readModule, usage, wasmCall } from './common.js';
import { parseArgsMessage } from './dump.js';

export const COMPILE_HELP = `Usage: wajit compile [OPTIONS] MODULE.wasm -o OUT.js

Compiles MODULE.wasm to OUT.js, an ES module that imports only the wajit runtime (nothing, with
--standalone) and exports
  instantiate(imports)   the instance's exports, as new WebAssembly.Instance(module, imports).exports
  module                 the module's imports and exports, as WebAssembly.Module.imports/exports list them
  main(args, options)    with --wasi: runs the module as a WASI command and returns its exit code
  RuntimeError, ...      the runtime's classes: RuntimeError, LinkError, CompileError (for instanceof),
                         Memory, Table, Global (to make imports)
and writes OUT.d.ts (TypeScript declarations of all of it) and OUT.js.map, a source map from the
generated code to OUT.wat, wajit's WAT listing of the module (also written), or to the C (or other)
sources when the module has DWARF line info (clang -g) or a source map. Run the output under
node --enable-source-maps and trap stacks show those lines.

Options:
  -o, --output FILE     the ES module to write (required); declarations and map go next to it
  --wasi                also export main(args, options): args after argv[0]; options as wajit's WASI
                        takes them (env, preopens, stdin, stdout, stderr) and argv0
  --runtime SPECIFIER   where the output imports the runtime from (default: wajit/runtime)
  --standalone          import nothing: the output carries the runtime modules it uses (with --wasi,
                        the WASI runtime too, which reaches node:fs and node:tty when run on Node)
  --pretty              indent the generated code for reading
  --map-to TARGET       what OUT.js.map points to: wat (OUT.wat, embedded in the map as well), wasm
                        (byte offsets in MODULE.wasm: line 1, column = offset), source (the original
                        sources from DWARF line info or a source map; OUT.wat for code they do not
                        cover), auto (the default: source when the module has such info, else wat)
  --input-source-map FILE
                        a source map of MODULE.wasm (columns = byte offsets) to compose with, instead
                        of the one a sourceMappingURL section names
  -h, --help            show this help
`;

const MAP_TARGETS = ['auto', 'wat', 'wasm', 'source'] as const;

/**
 * The text of the source map a module's sourceMappingURL section names: a path (relative to the module's
 * directory) or a file: URL; other URLs cannot be read here.
 */
function readNamedMap(url: string, wasmFile: string): string | undefined {
  let path: string;
  try {
    if (url.startsWith('file:')) path = fileURLToPath(url);
    else if (/^[a-z][\w+.-]*:/i.test(url)) return undefined;
    else path = resolve(dirname(wasmFile), decodeURIComponent(url));
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** OUT.d.ts for OUT.js (OUT.d.mts for OUT.mjs; FILE.d.ts for any other name). */
export function declarationsFile(out: string): string {
  if (out.endsWith('.mjs')) return `${out.slice(0, -4)}.d.mts`;
  if (out.endsWith('.js')) return `${out.slice(0, -3)}.d.ts`;
  return `${out}.d.ts`;
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory'
      : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`cannot write '${file}': ${why}`);
  }
}

export async function compile(args: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        output: { type: 'string', short: 'o' },
        wasi: { type: 'boolean' },
        runtime: { type: 'string' },
        standalone: { type: 'boolean' },
        pretty: { type: 'boolean' },
        'map-to': { type: 'string' },
        'input-source-map': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (e) {
    throw usage(parseArgsMessage(e), 'compile');
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(COMPILE_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw usage(positionals.length === 0 ? 'no module given' : 'compile takes one module', 'compile');
  }
  const out = values.output;
  if (out === undefined || out === '') throw usage('no output file given (-o OUT.js)', 'compile');
  if (values.runtime === '') throw usage('--runtime needs a module specifier', 'compile');
  if (values.runtime !== undefined && values.standalone === true) {
    throw usage('--runtime and --standalone exclude each other (a standalone output imports no runtime)', 'compile');
  }
  const mapTo = values['map-to'] ?? 'auto';
  if (!(MAP_TARGETS as readonly string[]).includes(mapTo)) {
    throw usage(`--map-to takes ${MAP_TARGETS.join(', ')}, not '${mapTo}'`, 'compile');
  }
  const inputMapFile = values['input-source-map'];
  if (inputMapFile === '') throw usage('--input-source-map needs a file', 'compile');
  const file = positionals[0]!;
  const bytes = readModule(file);
  let inputSourceMap: string | undefined;
  if (inputMapFile !== undefined) {
    try {
      inputSourceMap = readFileSync(inputMapFile, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read '${inputMapFile}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
  }
  const { compileToModule, watFileFor } = await import('../aot.js');
  let result;
  try {
    result = wasmCall(() => compileToModule(bytes, {
      wasi: values.wasi === true,
      standalone: values.standalone === true,
      pretty: values.pretty === true,
      filename: basename(file),
      output: out,
      mapTo: mapTo as (typeof MAP_TARGETS)[number],
      ...(inputSourceMap === undefined ? {} : { inputSourceMap }),
      readSourceMap: (url) => readNamedMap(url, file),
      onWarning: (message) => io.stderr.write(`wajit: warning: ${message}\n`),
      ...(values.runtime === undefined ? {} : { runtime: values.runtime }),
    }), file);
  } catch (e) {
    // The one option error only the module can reveal.
    if (e instanceof TypeError && /_start/.test(e.message)) throw new CliError(`--wasi: '${file}' has no _start export`);
    throw e;
  }
  write(out, result.js);
  write(declarationsFile(out), result.dts);
  if (result.map !== undefined) write(`${out}.map`, result.map);
  if (result.wat !== undefined) write(watFileFor(out), result.wat);
  return EXIT.ok;
}
