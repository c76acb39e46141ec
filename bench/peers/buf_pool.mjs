// Node twin of bench/buf_pool.c: ns per allocate + fill + drop.
//   alloc_<n>  Buffer.allocUnsafeSlow(n): a buffer of its own (no pool)
//   pool_<n>   Buffer.allocUnsafe(n): carved from Node's 8 KiB pool
// and the alive_* forms with 256 buffers alive at once.
const OPS = 2000000;
const LIVE = 256;
let sink = 0;

function oneAtATime(alloc, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) {
    const b = alloc(n);
    b.fill(i & 255);
    sink += b[n - 1];
  }
  return Number(process.hrtime.bigint() - t0) / OPS;
}

function manyAlive(alloc, n) {
  const live = new Array(LIVE);
  const rounds = Math.floor(OPS / LIVE);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < LIVE; k++) {
      live[k] = alloc(n);
      live[k].fill(k);
    }
    for (let k = 0; k < LIVE; k++) {
      sink += live[k][0];
      live[k] = null;
    }
  }
  return Number(process.hrtime.bigint() - t0) / (rounds * LIVE);
}

const own = (n) => Buffer.allocUnsafeSlow(n);
const pooled = (n) => Buffer.allocUnsafe(n);
for (const n of [16, 64, 256, 1024]) {
  console.log(`BENCH alloc_${n} ${oneAtATime(own, n).toFixed(1)} ns lower`);
  console.log(`BENCH pool_${n} ${oneAtATime(pooled, n).toFixed(1)} ns lower`);
  console.log(`BENCH alive_alloc_${n} ${manyAlive(own, n).toFixed(1)} ns lower`);
  console.log(`BENCH alive_pool_${n} ${manyAlive(pooled, n).toFixed(1)} ns lower`);
}
if (sink === -1) console.log(sink);
