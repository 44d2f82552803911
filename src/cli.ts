// The `wajit` command line: `run` compiles a module with wajit and runs it (WASI commands, or one export with
// --invoke), `compile` writes it out as an ES module, `dump` prints a decoded module in the text format. bin/wajit.js calls main() from the build
// output. Each command lives in src/cli/; errors and exit codes are described in src/cli/common.ts.
// The compiler is loaded only when a command needs it, so `--help` works on its own.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bench } from './cli/bench.js';
import { CliError, EXIT, explainWasmError, type Io, oneLine, usage } from './cli/common.js';
import { compile } from './cli/compile.js';
import { dump, parseArgsMessage } from './cli/dump.js';
import { run } from './cli/run.js';

export type { Io } from './cli/common.js';

const MAIN_HELP = `wajit: a WebAssembly-to-JavaScript compiler

Usage:
  wajit run [OPTIONS] MODULE.wasm [ARGS...]   compile MODULE and run it: a WASI command's _start, or one
                                              export with --invoke NAME; options as wasmtime's:
                                              --dir HOST[::GUEST], --env NAME[=VALUE], --invoke NAME,
                                              --argv0 NAME
  wajit compile MODULE.wasm -o OUT.js         compile MODULE to an ES module needing only wajit/runtime
                                              (instantiate, module; --wasi: main), with OUT.d.ts and
                                              OUT.js.map (to OUT.wat, or C lines from DWARF: --map-to);
                                              --standalone (no import), --runtime SPECIFIER, --pretty
  wajit dump [--func NAME] MODULE.wasm        print MODULE as WAT, or its IR (--ir) or generated JS (--js)
  wajit bench [PROGRAMS...] [OPTIONS]         run the benchmark corpus on every engine, compared with
                                              native WebAssembly (--engines, --size, --runs, --list)
  wajit --help                                show this help
  wajit --version                             print the version

Run 'wajit COMMAND --help' for the options of a command.

Exit codes: 0 success (or the module's own exit code); 1 error (missing file, invalid module, link
error); 2 usage error; 134 trap.
`;

function version(): string {
  // package.json is two levels up from dist/src/cli.js and one from src/cli.ts.
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wajit') return pkg.version ?? 'unknown';
    } catch {
      // not here: look further up
    }
  }
  return 'unknown';
}

function global(argv: readonly string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (e) {
    throw usage(parseArgsMessage(e));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw usage(`unexpected '${positionals[0]}' (the command comes first)`);
  if (values.help === true) {
    io.stdout.write(MAIN_HELP);
    return EXIT.ok;
  }
  if (values.version === true) {
    io.stdout.write(`wajit ${version()}\n`);
    return EXIT.ok;
  }
  throw usage('no command given');
}

/** Runs the command line `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = process): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'run': return await run(rest, io);
      case 'compile': return await compile(rest, io);
      case 'dump': return await dump(rest, io);
      case 'bench': return await bench(rest, io);
      case undefined:
        io.stderr.write(MAIN_HELP);
        return EXIT.usage;
      default:
        if (!command.startsWith('-')) throw usage(`unknown command '${command}'`);
        return global(argv, io);
    }
  } catch (e) {
    const err = e instanceof CliError ? e : explainWasmError(e, argv.find((a) => a.endsWith('.wasm')) ?? 'module');
    io.stderr.write(`wajit: error: ${oneLine(err)}\n`);
    if (err instanceof CliError) for (const line of err.details) io.stderr.write(`${line}\n`);
    if (process.env.WAJIT_DEBUG && e instanceof Error && e.stack !== undefined) io.stderr.write(`${e.stack}\n`);
    return err instanceof CliError ? err.exitCode : EXIT.error;
  }
}
