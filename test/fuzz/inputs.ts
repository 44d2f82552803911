// Shared pieces of the robustness tests: the seed corpus (the spec suite's binary modules when present, the
// differential WAT modules and C programs), seeded byte-level mutations, a watchdog for calls that might
// not return, and a reference validator (wabt restricted to WebAssembly 2.0) to tell a disagreement with
// native V8 caused by V8's extra features (tail calls, exception handling, SIMD) from a wajit bug.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import wabtInit from 'wabt';
import { Rng, WAT_DIR, loadWat, watToWasm } from '../diff/harness.js';

export { Rng };

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The spec suite's core directory (WASM_SPEC_DIR, default ../shared/spec, relative to the repo root). */
export const SPEC_CORE = join(resolve(REPO_ROOT, process.env.WASM_SPEC_DIR ?? '../shared/spec'), 'core');
export const HAVE_SPEC = existsSync(SPEC_CORE);
/** Under CI the spec suite must be there; elsewhere its part is skipped when missing. */
export const SPEC_REQUIRED = process.env.CI === 'true';

export interface Seed { readonly name: string; readonly bytes: Uint8Array }

/** Binary modules of the spec suite, SIMD ones excluded (wajit has no SIMD yet), sorted by name. */
export function specSeeds(): Seed[] {
  if (!HAVE_SPEC) return [];
  return readdirSync(SPEC_CORE)
    .filter((f) => f.endsWith('.wasm') && !f.startsWith('simd_'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(SPEC_CORE, f))) }));
}

/** The differential tests' own modules: test/diff/wat/*.wat, test/diff/wat-link/*.wat, test/diff/c/*.wasm. */
export function ownSeeds(): Seed[] {
  const wat = readdirSync(WAT_DIR).filter((f) => f.endsWith('.wat')).sort()
    .map((f) => ({ name: f, bytes: loadWat(f) }));
  const linkDir = new URL('../diff/wat-link/', import.meta.url);
  const linked = readdirSync(linkDir).filter((f) => f.endsWith('.wat')).sort()
    .map((f) => ({ name: `link/${f}`, bytes: watToWasm(f, readFileSync(new URL(f, linkDir), 'utf8')) }));
  const cDir = new URL('../diff/c/', import.meta.url);
  const c = readdirSync(cDir).filter((f) => f.endsWith('.wasm')).sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(new URL(f, cDir))) }));
  return [...wat, ...linked, ...c];
}

// ---------------------------------------------------------------------------------------------------------
// Mutations.

function splice(b: Uint8Array, at: number, remove: number, insert: ArrayLike<number> = []): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** Positions past the 8-byte header, mostly (an occasional header hit checks the magic/version paths). */
function position(r: Rng, b: Uint8Array): number {
  if (b.length <= 8 || r.below(40) === 0) return r.below(b.length + 1);
  return 8 + r.below(b.length - 8 + 1);
}

const INTERESTING = [0x00, 0x01, 0x02, 0x0b, 0x40, 0x41, 0x60, 0x6f, 0x70, 0x7f, 0x80, 0xfc, 0xfd, 0xff];

export type MutationKind = 'flip' | 'insert' | 'delete' | 'duplicate' | 'leb' | 'set' | 'truncate';
const KINDS: readonly MutationKind[] = ['flip', 'insert', 'delete', 'duplicate', 'leb', 'leb', 'set', 'truncate'];

/** One mutation of `b` (a new array). */
export function mutateOnce(r: Rng, b: Uint8Array, kind: MutationKind = r.pick(KINDS)): Uint8Array {
  const at = position(r, b);
  switch (kind) {
    case 'flip': {
      if (b.length === 0) return b;
      const out = b.slice();
      const i = Math.min(at, b.length - 1);
      out[i]! ^= 1 << r.below(8);
      return out;
    }
    case 'insert':
      return splice(b, at, 0, Array.from({ length: 1 + r.below(8) }, () => (r.below(2) ? r.pick(INTERESTING) : r.below(256))));
    case 'delete':
      return splice(b, at, Math.min(1 + r.below(16), b.length - at));
    case 'duplicate': {
      if (b.length === 0) return b;
      const from = r.below(b.length);
      const len = Math.min(1 + r.below(32), b.length - from);
      return splice(b, at, 0, b.slice(from, from + len));
    }
    case 'leb': {
      // Turn bytes into LEB continuation or maximal bytes: overlong encodings, huge counts and sizes.
      const out = b.slice();
      const n = 1 + r.below(5);
      for (let i = at; i < Math.min(at + n, out.length); i++) out[i] = r.below(2) ? 0x80 : 0xff;
      return out;
    }
    case 'set': {
      if (b.length === 0) return b;
      const out = b.slice();
      out[Math.min(at, b.length - 1)] = r.pick(INTERESTING);
      return out;
    }
    case 'truncate':
      return b.slice(0, at);
  }
}

/** One mutation of `b` most of the time (more mutants stay valid and reach code generation), else two or three. */
export function mutate(r: Rng, b: Uint8Array): Uint8Array {
  let out = b;
  for (let n = r.below(4) === 0 ? 2 + r.below(2) : 1; n > 0; n--) out = mutateOnce(r, out);
  return out;
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A valid header and then random bytes, or random sections with plausible ids and exact sizes. */
export function randomModule(r: Rng): Uint8Array {
  const body: number[] = [];
  if (r.below(2) === 0) {
    for (let n = r.below(200); n > 0; n--) body.push(r.below(256));
  } else {
    for (let s = 1 + r.below(6); s > 0; s--) {
      const size = r.below(40);
      body.push(r.below(14), size);
      for (let i = 0; i < size; i++) body.push(r.below(3) === 0 ? r.pick(INTERESTING) : r.below(256));
    }
  }
  return new Uint8Array([...HEADER, ...body]);
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

// ---------------------------------------------------------------------------------------------------------
// A watchdog: vm's timeout terminates whatever JavaScript runs in the isolate, including functions of the
// main context called from the guarded script, so a compile that never returns fails the test instead of
// hanging the run.

const context = vm.createContext({ run: null as null | (() => unknown) });
const script = new vm.Script('run()');

export type Guarded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown; readonly timedOut: boolean };

export function guard<T>(f: () => T, timeoutMs = 10_000): Guarded<T> {
  context.run = f;
  try {
    return { ok: true, value: script.runInContext(context, { timeout: timeoutMs }) as T };
  } catch (error) {
    // The termination error comes from vm itself (not from the guarded code, whose errors pass unchanged).
    const message = (error as { message?: unknown } | null)?.message;
    const timedOut = typeof message === 'string' && message.startsWith('Script execution timed out');
    return { ok: false, error, timedOut };
  } finally {
    context.run = null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reference validation: wabt with exactly the WebAssembly 2.0 features.

const wabt = await wabtInit();

export function wabtValidate20(bytes: Uint8Array): boolean {
  let mod: ReturnType<typeof wabt.readWasm> | undefined;
  try {
    mod = wabt.readWasm(bytes, {
      readDebugNames: false, check: true,
      mutable_globals: true, sat_float_to_int: true, sign_extension: true, multi_value: true, bulk_memory: true,
      reference_types: true, simd: false, tail_call: false, exceptions: false, threads: false,
      extended_const: false, gc: false, function_references: false, relaxed_simd: false,
    });
    mod.validate();
    return true;
  } catch {
    return false;
  } finally {
    mod?.destroy();
  }
}

/** The ids of the sections of a module that decodes (custom sections included). */
export function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    let size = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[p++]!;
      size += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) break;
    }
    ids.push(id);
    p += size;
  }
  return ids;
}
