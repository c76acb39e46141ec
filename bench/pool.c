/* Resource pool: 10 workers share a pool of at most 4 objects; each loops
 * `const r = await pool.acquire(); pool.release(r)` until 1M pairs are
 * done, so clients queue for objects all the time.  Acquire/release pairs
 * per second, best of 3 rounds.
 * Twin: bench/peers/pool.mjs (the seed's Pool class, O(1) waiter queue). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>

enum { PAIRS = 1000000, WORKERS = 10, MAX = 4, ROUNDS = 3 };

static asy_loop_t loop;
static asy_rpool_t *pool;
static long started, done;
static int objects[MAX], nobjects;

static asy_ret_t make_object(void *ctx) {
    (void)ctx;
    return asy_ok(&objects[nobjects++]);
}

static void step(void *arg, const asy_settled_t *in);

static void next_acquire(void *worker) {
    asy_promise_t *p;
    if (started >= PAIRS) return;
    started++;
    p = asy_rpool_acquire(pool, 0);
    asy_promise_on_settled(p, step, worker);
    asy_promise_release(p);
}

static void step(void *arg, const asy_settled_t *in) {
    if (in->error || asy_rpool_release(pool, in->value) != 0) {
        fprintf(stderr, "pool: acquire/release failed\n");
        exit(1);
    }
    done++;
    next_acquire(arg);
}

int main(void) {
    asy_rpool_factory_t f;
    asy_rpool_opts_t o;
    asy_rpool_stats_t st;
    asy_promise_t *end;
    double best = 0;
    int round, w;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    memset(&f, 0, sizeof(f));
    f.create = make_object;
    memset(&o, 0, sizeof(o));
    o.max = MAX;
    pool = asy_rpool_new(&loop, &f, &o, NULL);
    for (round = 0; round < ROUNDS; round++) {
        uint64_t t0, t1;
        double rate;
        started = done = 0;
        t0 = asy_hrtime();
        for (w = 0; w < WORKERS; w++) next_acquire((void *)(intptr_t)w);
        asy_run(&loop, ASY_RUN_DEFAULT);
        t1 = asy_hrtime();
        asy_rpool_stats(pool, &st);
        if (done != PAIRS || st.borrowed != 0 || st.size > MAX) {
            fprintf(stderr, "pool: wrong result (%ld pairs)\n", done);
            return 1;
        }
        rate = PAIRS / ((double)(t1 - t0) / 1e9);
        if (rate > best) best = rate;
    }
    end = asy_rpool_end(pool);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(end);
    printf("BENCH pool_pairs_per_sec %.0f pairs/s higher\n", best);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
