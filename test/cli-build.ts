// Tests that spawn `bin/wajit.js` need dist/: this builds it once when it is missing or older than the
// TypeScript sources it is compiled from (a fresh `npm ci` builds it too, through `prepare`).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of the TypeScript sources that the CLI is built from. */
function newestSource(): number {
  let newest = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src', 'compiler', 'runtime']) if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
  return newest;
}

export function ensureCliBuilt(): void {
  const built = join(ROOT, 'dist', 'src', 'cli.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}
