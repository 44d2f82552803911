// Measures the two ways generated code could read and write linear memory: a DataView (bounds checked by
// the engine, unaligned and little-endian access included) or typed arrays with an explicit bounds check
// and an alignment test that falls back to byte access. Run: `node bench/memory-access.mjs`.
// Reports the median of 5 interleaved runs of a load/add/store loop over 16 MiB, 20 passes.

const SIZE = 1 << 24;
const buf = new ArrayBuffer(SIZE);
const dv = new DataView(buf);
const H32 = new Int32Array(buf), HU8 = new Uint8Array(buf);
const LIM = buf.byteLength;
function oob() { throw new RangeError('out of bounds'); }
function load32Bytes(a) { return HU8[a] | (HU8[a + 1] << 8) | (HU8[a + 2] << 16) | (HU8[a + 3] << 24); }

function viaDataView(n) {
  let s = 0;
  for (let r = 0; r < 20; r++) {
    for (let i = 0; i < n; i = (i + 4) | 0) {
      s = (s + dv.getInt32(i >>> 0, true)) | 0;
      dv.setInt32((i + 8) >>> 0, s, true);
    }
  }
  return s;
}

function viaTypedArray(n) {
  let s = 0;
  for (let r = 0; r < 20; r++) {
    for (let i = 0; i < n; i = (i + 4) | 0) {
      let a = i >>> 0;
      if (a + 4 > LIM) oob();
      s = (s + ((a & 3) === 0 ? H32[a >> 2] : load32Bytes(a))) | 0;
      a = (i + 8) >>> 0;
      if (a + 4 > LIM) oob();
      if ((a & 3) === 0) H32[a >> 2] = s; else { HU8[a] = s; HU8[a + 1] = s >> 8; HU8[a + 2] = s >> 16; HU8[a + 3] = s >> 24; }
    }
  }
  return s;
}

const N = SIZE - 16;
const engines = [['DataView', viaDataView], ['typed arrays + checks', viaTypedArray]];
const times = new Map(engines.map(([k]) => [k, []]));
let answer;
for (const [, f] of engines) { H32.fill(1); f(4096); }
for (let r = 0; r < 5; r++) {
  for (const [name, f] of engines) {
    H32.fill(1);
    const t = performance.now();
    const res = f(N);
    times.get(name).push(performance.now() - t);
    answer ??= res;
    if (res !== answer) throw new Error(`${name} computed ${res}, expected ${answer}`);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`memory access, node ${process.version}`);
for (const [name] of engines) console.log(`  ${name.padEnd(24)} ${median(times.get(name)).toFixed(1).padStart(8)} ms`);
