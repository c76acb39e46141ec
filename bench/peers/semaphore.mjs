// Twin of bench/semaphore.c: the seed's Semaphore class (its waiter queue
// made O(1): a head index instead of shift()).  10 workers share 4
// permits, each looping `await acquire(); release()` until 1M pairs are
// done.  Pairs per second, best of 3 rounds.
class Semaphore {
  constructor(max) { this.max = max; this.active = 0; this.waiters = []; this.head = 0; }
  async acquire() {
    if (this.active < this.max) { this.active++; return; }
    await new Promise((resolve) => this.waiters.push(resolve));
  }
  release() {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      this.waiters[this.head++] = undefined;
      if (this.head === this.waiters.length) { this.waiters = []; this.head = 0; }
      next();
    } else {
      this.active--;
    }
  }
}

const PAIRS = 1000000, WORKERS = 10, PERMITS = 4, ROUNDS = 3;
const sem = new Semaphore(PERMITS);
let best = 0;
for (let round = 0; round < ROUNDS; round++) {
  let started = 0, done = 0;
  const worker = async () => {
    while (started < PAIRS) {
      started++;
      await sem.acquire();
      sem.release();
      done++;
    }
  };
  const t0 = process.hrtime.bigint();
  const ws = [];
  for (let w = 0; w < WORKERS; w++) ws.push(worker());
  await Promise.all(ws);
  const t1 = process.hrtime.bigint();
  if (done !== PAIRS || sem.active !== 0) throw new Error('wrong result');
  best = Math.max(best, PAIRS / (Number(t1 - t0) / 1e9));
}
console.log(`BENCH sem_pairs_per_sec ${best.toFixed(0)} pairs/s higher`);
