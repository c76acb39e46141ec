// Twin of bench/plimit_seed.c: the seed's pLimit exactly as the seed
// document writes it (queue.shift(), O(n) per task once the queue is long),
// 100k tasks `() => Promise.resolve(i)` at concurrency 10, awaited with
// Promise.all; ns per task, best of 3 rounds.  bench/peers/plimit.mjs is
// the same with an O(1) queue at 1M tasks.
function pLimit(concurrency) {
  let active = 0;
  const queue = [];
  function next() {
    if (active >= concurrency || queue.length === 0) return;
    active++;
    const { fn, resolve, reject } = queue.shift();
    fn().then(resolve, reject).finally(() => {
      active--;
      next();
    });
  }
  const limit = (fn) => new Promise((resolve, reject) => {
    queue.push({ fn, resolve, reject });
    next();
  });
  limit.activeCount = () => active;
  return limit;
}

const N = 100000, CONCURRENCY = 10, ROUNDS = 3;
let best = Infinity;
const limit = pLimit(CONCURRENCY);
for (let round = 0; round < ROUNDS; round++) {
  let maxActive = 0;
  const t0 = process.hrtime.bigint();
  const ps = new Array(N);
  for (let i = 0; i < N; i++) {
    ps[i] = limit(() => {
      if (limit.activeCount() > maxActive) maxActive = limit.activeCount();
      return Promise.resolve(i);
    });
  }
  const values = await Promise.all(ps);
  const t1 = process.hrtime.bigint();
  if (values[N - 1] !== N - 1 || maxActive !== CONCURRENCY) throw new Error('wrong result');
  best = Math.min(best, Number(t1 - t0) / N);
}
console.log(`BENCH plimit_seed_ns_per_task ${best.toFixed(1)} ns lower`);
