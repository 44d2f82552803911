// `wajit compile [options] MODULE.wasm -o OUT.js`: compile a module ahead of time to an ES module that needs
// only the wajit runtime, with its TypeScript declarations (OUT.d.ts) and source map (OUT.js.map).

import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, EXIT, type Io, readModule, usage, wasmCall } from './common.js';
import { parseArgsMessage } from './dump.js';

export const COMPILE_HELP = `Usage: wajit compile [OPTIONS] MODULE.wasm -o OUT.js

Compiles MODULE.wasm to OUT.js, an ES module that imports only the wajit runtime and exports
  instantiate(imports)   the instance's exports, as new WebAssembly.Instance(module, imports).exports
  module                 the module's imports and exports, as WebAssembly.Module.imports/exports list them
  main(args, options)    with --wasi: runs the module as a WASI command and returns its exit code
and writes OUT.d.ts (TypeScript declarations of all of it) and OUT.js.map (a source map from the
generated code to byte offsets in MODULE.wasm).

Options:
  -o, --output FILE     the ES module to write (required); declarations and map go next to it
  --wasi                also export main(args, options): args after argv[0]; options as wajit's WASI
                        takes them (env, preopens, stdin, stdout, stderr) and argv0
  --runtime SPECIFIER   where the output imports the runtime from (default: wajit/runtime)
  --pretty              indent the generated code for reading
  -h, --help            show this help
`;

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
        pretty: { type: 'boolean' },
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
  const file = positionals[0]!;
  const bytes = readModule(file);
  const { compileToModule } = await import('../aot.js');
  let result;
  try {
    result = wasmCall(() => compileToModule(bytes, {
      wasi: values.wasi === true,
      pretty: values.pretty === true,
      filename: basename(file),
      output: out,
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
  return EXIT.ok;
}
