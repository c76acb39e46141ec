/* p-limit: 1M tasks through a limit of 10, each task returning an
 * already-resolved promise (`() => Promise.resolve(i)`), all awaited with
 * Promise.all; ns per task from the first run() to the all() settling,
 * best of 3 rounds on one limiter (warm pools, as in a long-running
 * program; the twin gets the same warm-up for its JIT).
 * Twin: bench/peers/plimit.mjs (the seed's pLimit with an O(1) queue). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>
#include <stdlib.h>

/* bench/plimit_seed.c reuses this file with 100k tasks */
#ifndef PLIMIT_N
#define PLIMIT_N 1000000
#define PLIMIT_METRIC "plimit_ns_per_task"
#endif

enum { N = PLIMIT_N, CONCURRENCY = 10, ROUNDS = 3 };

static asy_loop_t loop;
static size_t max_active;
static asy_limit_t *lim;

static asy_ret_t task(void *arg) {
    size_t a = asy_limit_active(lim);
    if (a > max_active) max_active = a;
    return asy_chain(asy_promise_resolved(&loop, arg));
}

static void done(void *arg, const asy_settled_t *in) {
    int *ok = (int *)arg;
    *ok = in->state == ASY_PROMISE_FULFILLED && ((void **)in->value)[N - 1] == (void *)(intptr_t)(N - 1);
}

int main(void) {
    static asy_promise_t *ps[N];
    double best = 1e30;
    int round;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    lim = asy_limit_new(&loop, CONCURRENCY, NULL);
    for (round = 0; round < ROUNDS; round++) {
        asy_promise_t *all;
        uint64_t t0, t1;
        int ok = 0;
        size_t i;
        t0 = asy_hrtime();
        for (i = 0; i < N; i++) ps[i] = asy_limit_run(lim, task, (void *)(intptr_t)i);
        all = asy_promise_all(&loop, ps, N);
        asy_promise_on_settled(all, done, &ok);
        for (i = 0; i < N; i++) asy_promise_release(ps[i]);
        asy_run(&loop, ASY_RUN_DEFAULT);
        t1 = asy_hrtime();
        asy_promise_release(all);
        if (!ok || max_active != CONCURRENCY) {
            fprintf(stderr, "plimit: wrong result (ok %d, max active %zu)\n", ok, max_active);
            return 1;
        }
        if ((double)(t1 - t0) / N < best) best = (double)(t1 - t0) / N;
    }
    asy_limit_free(lim);
    printf("BENCH " PLIMIT_METRIC " %.1f ns lower\n", best);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
