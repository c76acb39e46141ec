// Twin of bench/plimit.c: the seed's pLimit, with its queue made O(1)
// (a head index instead of Array.shift(), which is O(n) and takes minutes
// at 1M queued tasks).  1M tasks `() => Promise.resolve(i)` at concurrency
// 10, awaited with Promise.all; ns per task, best of 3 rounds on one limiter.
function pLimit(concurrency) {
  let active = 0;
  let queue = [];
  let head = 0;
  function next() {
    if (active >= concurrency || head === queue.length) return;
    active++;
    const { fn, resolve, reject } = queue[head];
    queue[head++] = undefined;
    if (head === queue.length) { queue = []; head = 0; }
    fn().then(resolve, reject).finally(() => { active--; next(); });
  }
  const limit = (fn) => new Promise((resolve, reject) => {
    queue.push({ fn, resolve, reject });
    next();
  });
  limit.activeCount = () => active;
  return limit;
}

const N = 1000000, CONCURRENCY = 10, ROUNDS = 3;
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
console.log(`BENCH plimit_ns_per_task ${best.toFixed(1)} ns lower`);
