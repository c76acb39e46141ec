// Node twin of bench/base64.c: same data size, same metric names, GB/s of
// binary bytes encoded or produced by decoding, with Buffer's own calls.
// Node's base64 decoder is always lenient, so base64_decode and
// base64_decode_lenient are the same operation here.
const SIZE = 1 << 20;
const seconds = Number(process.env.BENCH_SECONDS) > 0 ? Number(process.env.BENCH_SECONDS) : 1;

let sink = 0;

function run(op) {
  for (let i = 0; i < 3; i++) op();
  const limit = BigInt(Math.round(seconds * 1e9));
  const t0 = process.hrtime.bigint();
  let ops = 0;
  let t;
  do {
    for (let i = 0; i < 16; i++) op();
    ops += 16;
    t = process.hrtime.bigint() - t0;
  } while (t < limit);
  return (SIZE * ops) / Number(t);
}

const bin = Buffer.allocUnsafe(SIZE);
let x = 0x9e3779b97f4a7c15n;
const M = (1n << 64n) - 1n;
for (let i = 0; i < SIZE; i++) {
  x ^= (x << 13n) & M;
  x ^= x >> 7n;
  x ^= (x << 17n) & M;
  bin[i] = Number((x >> 24n) & 0xffn);
}

const line = (name, v) => console.log(`BENCH ${name} ${v.toFixed(3)} GB/s higher`);

line('base64_encode', run(() => { const s = bin.toString('base64'); sink += s.charCodeAt(s.length >> 1); }));
const b64 = bin.toString('base64');
const dec = () => { const b = Buffer.from(b64, 'base64'); sink += b[b.length >> 1]; };
line('base64_decode', run(dec));
line('base64_decode_lenient', run(dec));

line('hex_encode', run(() => { const s = bin.toString('hex'); sink += s.charCodeAt(s.length >> 1); }));
const hex = bin.toString('hex');
line('hex_decode', run(() => { const b = Buffer.from(hex, 'hex'); sink += b[b.length >> 1]; }));
if (sink === -1) console.log(sink);
