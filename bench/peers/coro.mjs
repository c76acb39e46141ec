// Twin of bench/coro.c: the cost of an await under Node, best of 3 rounds.
//   coro_ns_per_await_settled  `await p` on an already-fulfilled promise, 1M times
//   coro_ns_per_await_loop     `await new Promise(r => setImmediate(r))`, 200k times
const N_SETTLED = 1000000, N_LOOP = 200000, ROUNDS = 3;

async function awaitSettled() {
  const p = Promise.resolve(1);
  let sum = 0;
  for (let i = 0; i < N_SETTLED; i++) sum += await p;
  return sum;
}

async function awaitLoop() {
  let sum = 0;
  for (let i = 0; i < N_LOOP; i++) sum += await new Promise((r) => setImmediate(() => r(1)));
  return sum;
}

async function run(fn, n) {
  const t0 = process.hrtime.bigint();
  const sum = await fn();
  const t1 = process.hrtime.bigint();
  if (sum !== n) throw new Error('wrong result');
  return Number(t1 - t0) / n;
}

let bestSettled = Infinity, bestLoop = Infinity;
for (let round = 0; round < ROUNDS; round++) {
  bestSettled = Math.min(bestSettled, await run(awaitSettled, N_SETTLED));
  bestLoop = Math.min(bestLoop, await run(awaitLoop, N_LOOP));
}
console.log(`BENCH coro_ns_per_await_settled ${bestSettled.toFixed(1)} ns lower`);
console.log(`BENCH coro_ns_per_await_loop ${bestLoop.toFixed(1)} ns lower`);
