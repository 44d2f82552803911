// The spec suite's binary assert_malformed modules (core, SIMD files excluded): each must be rejected with a
// CompileError whose message starts with the expected text (the reference interpreter's own check is a
// prefix match). Cases only visible inside function bodies are checked with a minimal body walk, the reading
// the validator does: opcodes and immediates through the Reader, plus the "data count section required" rule.
// Every `module` command's binary must decode. Skipped when the suite is missing, unless CI is 'true'.

import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModule } from '../../../compiler/decode/decode.js';
import { Reader, skipImmediates } from '../../../compiler/decode/reader.js';
import type { Module } from '../../../compiler/ir/module.js';
import { CompileError } from '../../../runtime/errors.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const specDir = resolve(root, process.env.WASM_SPEC_DIR ?? '../shared/spec');
const coreDir = join(specDir, 'core');
const present = existsSync(coreDir);
if (!present && process.env.CI === 'true') throw new Error(`spec suite not found at ${coreDir}`);

interface Command { type: string; line: number; filename?: string; text?: string; module_type?: string }

/** What the validator must also reject while reading a body (see the decoder's notes for the validator). */
function walkBodies(m: Module): void {
  for (const c of m.codes) {
    const r = new Reader(m.bytes, c.start, c.end);
    for (let depth = 1; depth > 0;) {
      const at = r.pos;
      const row = r.op();
      if ((row.name === 'memory.init' || row.name === 'data.drop') && m.dataCount < 0) {
        r.fail('data count section required', at, 'data-count-required');
      }
      skipImmediates(r, row);
      if (row.imm === 'blocktype') depth++;
      else if (row.name === 'end') depth--;
    }
    if (r.pos !== c.end) r.fail('section size mismatch', r.pos, 'section-size-mismatch');
  }
}

function commands(): { file: string; c: Command }[] {
  const out: { file: string; c: Command }[] = [];
  for (const file of readdirSync(coreDir).filter((f) => f.endsWith('.json') && !f.startsWith('simd_')).sort()) {
    const json = JSON.parse(readFileSync(join(coreDir, file), 'utf8')) as { commands: Command[] };
    for (const c of json.commands) if (c.filename?.endsWith('.wasm')) out.push({ file, c });
  }
  return out;
}

describe.skipIf(!present)('spec suite binaries', () => {
  const all = present ? commands() : [];

  it('rejects every binary assert_malformed module with the expected text', () => {
    const malformed = all.filter(({ c }) => c.type === 'assert_malformed');
    expect(malformed.length).toBeGreaterThan(700);
    const failures: string[] = [];
    for (const { file, c } of malformed) {
      const bytes = new Uint8Array(readFileSync(join(coreDir, c.filename!)));
      try {
        walkBodies(decodeModule(bytes));
        failures.push(`${file}:${c.line} accepted, expected "${c.text}"`);
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        const text = e.message.replace(/ \(at offset 0x[0-9a-f]+\)$/, '');
        if (!text.startsWith(c.text!)) failures.push(`${file}:${c.line} "${text}", expected "${c.text}"`);
        expect(e.offset).toBeGreaterThanOrEqual(0);
        expect(e.offset).toBeLessThanOrEqual(bytes.length);
      }
    }
    expect(failures).toEqual([]);
  });

  it('decodes every other binary module', () => {
    const failures: string[] = [];
    for (const { file, c } of all.filter(({ c }) => c.type !== 'assert_malformed')) {
      try {
        decodeModule(new Uint8Array(readFileSync(join(coreDir, c.filename!))));
      } catch (e) {
        failures.push(`${file}:${c.line} ${c.type}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
