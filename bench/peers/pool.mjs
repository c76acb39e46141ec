// Twin of bench/pool.c: the seed's Pool class (its waiter queue made O(1):
// a head index instead of shift()).  10 workers share at most 4 objects,
// each looping `const r = await pool.acquire(); pool.release(r)` until 1M
// pairs are done.  Pairs per second, best of 3 rounds.
class Pool {
  constructor({ create, destroy, max = 10 }) {
    this.create = create; this.destroy = destroy; this.max = max;
    this.available = []; this.size = 0; this.waiters = []; this.head = 0;
  }
  async acquire() {
    if (this.available.length > 0) return this.available.pop();
    if (this.size < this.max) { this.size++; return await this.create(); }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(resource) {
    if (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      this.waiters[this.head++] = undefined;
      if (this.head === this.waiters.length) { this.waiters = []; this.head = 0; }
      next(resource);
    } else {
      this.available.push(resource);
    }
  }
}

const PAIRS = 1000000, WORKERS = 10, MAX = 4, ROUNDS = 3;
let made = 0;
const pool = new Pool({ create: async () => ({ id: made++ }), destroy: async () => {}, max: MAX });
let best = 0;
for (let round = 0; round < ROUNDS; round++) {
  let started = 0, done = 0;
  const worker = async () => {
    while (started < PAIRS) {
      started++;
      const r = await pool.acquire();
      pool.release(r);
      done++;
    }
  };
  const t0 = process.hrtime.bigint();
  const ws = [];
  for (let w = 0; w < WORKERS; w++) ws.push(worker());
  await Promise.all(ws);
  const t1 = process.hrtime.bigint();
  if (done !== PAIRS || pool.size > MAX) throw new Error('wrong result');
  best = Math.max(best, PAIRS / (Number(t1 - t0) / 1e9));
}
console.log(`BENCH pool_pairs_per_sec ${best.toFixed(0)} pairs/s higher`);
