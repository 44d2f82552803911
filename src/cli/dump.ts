// `wajit dump [--func NAME] MODULE.wasm`: print a decoded module (or one function) in the text format.

import { parseArgs } from 'node:util';
import type { Module as DecodedModule } from '../../compiler/ir/module.js';
import { CliError, EXIT, type Io, readModule, usage, wasmCall } from './common.js';

export const DUMP_HELP = `Usage: wajit dump [--func NAME] [--wat | --ir | --js] MODULE.wasm

Decodes MODULE.wasm and prints it: in the WebAssembly text format (the default), as wajit's validated IR,
or as the JavaScript wajit generates for it.

Options:
  --func NAME     print only this function: an export name, a name-section name ($name) or an index
  --wat           the WebAssembly text format (default)
  --ir            the IR: one statement per line, expression trees, the byte offset of each instruction
  --js            the generated JavaScript, indented (for a whole module: the module factory's body)
  -h, --help      show this help
`;

/** A function index from an index, an export name or a name-section name (with or without `$`). */
function resolveFunc(m: DecodedModule, name: string, file: string): number {
  const count = m.numImportedFuncs + m.funcs.length;
  let index: number | undefined;
  if (/^\d+$/.test(name)) index = Number(name);
  index ??= m.exports.find((e) => e.kind === 'func' && e.name === name)?.index;
  const bare = name.startsWith('$') ? name.slice(1) : name;
  index ??= [...m.names.funcs].find(([, n]) => n === bare)?.[0];
  if (index === undefined || index >= count) throw new CliError(`no function '${name}' in '${file}'`);
  return index;
}

export async function dump(args: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        func: { type: 'string' }, wat: { type: 'boolean' }, ir: { type: 'boolean' }, js: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (e) {
    throw usage(parseArgsMessage(e), 'dump');
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(DUMP_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw usage(positionals.length === 0 ? 'no module given' : 'dump takes one module', 'dump');
  const file = positionals[0]!;
  const bytes = readModule(file);
  const { decodeModule } = await import('../../compiler/decode/decode.js');
  const m = wasmCall(() => decodeModule(bytes), file);
  const formats = (['wat', 'ir', 'js'] as const).filter((f) => values[f] === true);
  if (formats.length > 1) throw usage(`options ${formats.map((f) => `'--${f}'`).join(' and ')} exclude each other`, 'dump');
  const format = formats[0] ?? 'wat';
  const func = typeof values.func === 'string' ? resolveFunc(m, values.func, file) : undefined;
  let text: string;
  if (format === 'wat') {
    const { disassemble } = await import('../../compiler/disasm/wat.js');
    text = disassemble(m, func === undefined ? {} : { func });
  } else {
    if (func !== undefined && func < m.numImportedFuncs) throw new CliError(`function ${func} of '${file}' is imported: it has no code`);
    const { validateDecls, validateBody } = await import('../../compiler/validate/validate.js');
    const decls = wasmCall(() => validateDecls(m), file);
    const defined = func === undefined ? m.funcs.map((_, k) => k) : [func - m.numImportedFuncs];
    if (format === 'ir') {
      const { printFunc } = await import('../../compiler/ir/print.js');
      text = defined.map((k) => {
        const ir = wasmCall(() => validateBody(decls, k), file);
        return printFunc(ir, m.names.funcs.get(ir.index));
      }).join('\n\n');
    } else {
      const { generateFunction, generateModule } = await import('../../compiler/codegen/module.js');
      text = func === undefined
        ? wasmCall(() => generateModule(decls, { pretty: true }), file).code
        : wasmCall(() => generateFunction(decls, defined[0]!, { pretty: true }), file).code;
    }
  }
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.ok;
}

/** parseArgs' own messages, shortened to the first sentence with the option quoted our way. */
export function parseArgsMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const option = /'(--?[\w-]+)/.exec(err.message ?? '')?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return `unknown option '${option}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message ?? '') ? `option '${option}' needs a value` : `option '${option}' takes no value`;
    default: return (err.message ?? String(e)).split('\n')[0]!;
  }
}
