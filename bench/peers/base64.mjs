// Node twin of bench/base64.c: the same sizes (64 KiB unsuffixed, 1 MiB
// "_1m"), the same bytes and metric names; GB/s of binary bytes encoded or
// produced by decoding, with Buffer's own calls.  Node's base64 decoder is
// always lenient, so base64_decode and base64_decode_lenient time the same
// call.
const seconds = Number(process.env.BENCH_SECONDS) > 0 ? Number(process.env.BENCH_SECONDS) : 1;

let sink = 0;

// Warm-up for half the measuring time first: V8's JIT and heap sizing take
// a while to settle, and the C side warms up the same way.
function run(op, size) {
  const limit = BigInt(Math.round(seconds * 1e9));
  const w0 = process.hrtime.bigint();
  while (process.hrtime.bigint() - w0 < limit / 2n) for (let i = 0; i < 16; i++) op();
  const t0 = process.hrtime.bigint();
  let ops = 0;
  let t;
  do {
    for (let i = 0; i < 16; i++) op();
    ops += 16;
    t = process.hrtime.bigint() - t0;
  } while (t < limit);
  return (size * ops) / Number(t);
}

function data(size) {
  const bin = Buffer.allocUnsafe(size);
  const M = (1n << 64n) - 1n;
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < size; i++) {
    x ^= (x << 13n) & M;
    x ^= x >> 7n;
    x ^= (x << 17n) & M;
    bin[i] = Number((x >> 24n) & 0xffn);
  }
  return bin;
}

function benchSize(size, suffix) {
  const bin = data(size);
  const line = (name, v) => console.log(`BENCH ${name}${suffix} ${v.toFixed(3)} GB/s higher`);
  line('base64_encode', run(() => { const s = bin.toString('base64'); sink += s.charCodeAt(s.length >> 1); }, size));
  const b64 = bin.toString('base64');
  const dec = () => { const b = Buffer.from(b64, 'base64'); sink += b[b.length >> 1]; };
  line('base64_decode', run(dec, size));
  line('base64_decode_lenient', run(dec, size));
  line('hex_encode', run(() => { const s = bin.toString('hex'); sink += s.charCodeAt(s.length >> 1); }, size));
  const hex = bin.toString('hex');
  line('hex_decode', run(() => { const b = Buffer.from(hex, 'hex'); sink += b[b.length >> 1]; }, size));
}

benchSize(64 << 10, '');
benchSize(1 << 20, '_1m');
if (sink === -1) console.log(sink);
