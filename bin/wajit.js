#!/usr/bin/env node
// The `wajit` command: a launcher for the CLI compiled from src/cli.ts into dist/ by `npm run build`
// (which `npm ci` runs as the prepare script).

import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("wajit: error: dist/src/cli.js is missing: run 'npm run build' first\n");
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
