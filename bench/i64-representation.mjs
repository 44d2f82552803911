// Measures the two ways generated code could represent i64: BigInt values (BigInt.asIntN after every op)
// or a pair of int32 numbers. The kernel is a 64-bit hash loop (xor-shift, multiply, add), written by hand
// in both styles the way a code generator would emit it, plus the same kernel as WebAssembly, run natively
// and through wajit (which uses pairs). Run: `node bench/i64-representation.mjs [iterations]`
// (after `npm run build`). Reports the median of 5 runs of each, interleaved.

import wabtInit from 'wabt';
import { WebAssembly as W } from '../dist/src/index.js';

const N = Number(process.argv[2] ?? 5_000_000);

function bigintKernel(n) {
  let x = 0x123456789abcdefn, acc = 0n;
  for (let i = 0; i < n; i++) {
    x = BigInt.asIntN(64, x ^ (BigInt.asUintN(64, x) >> 33n));
    x = BigInt.asIntN(64, x * -49064778989728563n);
    x = BigInt.asIntN(64, x ^ (BigInt.asUintN(64, x) >> 29n));
    x = BigInt.asIntN(64, x + BigInt(i));
    acc = BigInt.asIntN(64, acc ^ x);
  }
  return acc;
}

let HI = 0;
function mul64(al, ah, bl, bh) {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  HI = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return ((p00 & 0xffff) | (mid << 16)) | 0;
}
function pairKernel(n) {
  let xl = 0x89abcdef | 0, xh = 0x01234567, al = 0, ah = 0;
  for (let i = 0; i < n; i++) {
    xl = xl ^ (xh >>> 1);
    xl = mul64(xl, xh, 0xed558ccd | 0, 0xff51afd7 | 0); xh = HI;
    xl = xl ^ ((xl >>> 29) | (xh << 3)); xh = xh ^ (xh >>> 29);
    const l = (xl + i) | 0; xh = (xh + ((l >>> 0) < (xl >>> 0) ? 1 : 0)) | 0; xl = l;
    al ^= xl; ah ^= xh;
  }
  return BigInt.asIntN(64, (BigInt(ah) << 32n) | BigInt(al >>> 0));
}

const WAT = `(module (func (export "run") (param $n i32) (result i64)
  (local $x i64) (local $acc i64) (local $i i32)
  (local.set $x (i64.const 0x0123456789abcdef))
  (block $done (loop $l
    (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
    (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 33))))
    (local.set $x (i64.mul (local.get $x) (i64.const 0xff51afd7ed558ccd)))
    (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 29))))
    (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $i))))
    (local.set $acc (i64.xor (local.get $acc) (local.get $x)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $l)))
  (local.get $acc)))`;

const wabt = await wabtInit();
const bytes = wabt.parseWat('k.wat', WAT).toBinary({}).buffer;
const native = (await globalThis.WebAssembly.instantiate(bytes)).instance.exports.run;
const wajit = (await W.instantiate(bytes)).instance.exports.run;

const engines = [['bigint (hand-written)', bigintKernel], ['int32 pair (hand-written)', pairKernel],
  ['wajit (pairs)', wajit], ['native wasm', native]];
const times = new Map(engines.map(([k]) => [k, []]));
let answer;
for (const [, f] of engines) f(1000); // warm up
for (let r = 0; r < 5; r++) {
  for (const [name, f] of engines) {
    const t = performance.now();
    const res = f(N);
    times.get(name).push(performance.now() - t);
    answer ??= res;
    if (res !== answer) throw new Error(`${name} computed ${res}, expected ${answer}`);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = median(times.get('native wasm'));
console.log(`i64 representation, ${N} iterations, node ${process.version}`);
for (const [name] of engines) {
  const m = median(times.get(name));
  console.log(`  ${name.padEnd(26)} ${m.toFixed(1).padStart(8)} ms  ${(m / base).toFixed(2).padStart(6)}x native`);
}
