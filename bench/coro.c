/* Coroutines: the cost of an await, two ways, best of 3 rounds.
 *   coro_ns_per_await_settled  `await p` on an already-fulfilled promise,
 *                              1M times in one coroutine: the switch out,
 *                              the reaction microtask, the switch back in.
 *   coro_ns_per_await_loop     `await new Promise(r => setImmediate(r))`,
 *                              200k times: each await also takes one turn
 *                              of the loop (the check phase).
 * Twin: bench/peers/coro.mjs (the same async functions under Node). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>

enum { N_SETTLED = 1000000, N_LOOP = 200000, ROUNDS = 3 };

static asy_loop_t loop;
static long sum;

static asy_ret_t await_settled(void *arg) {
    asy_promise_t *p = asy_promise_resolved(&loop, (void *)(intptr_t)1);
    long i;
    (void)arg;
    for (i = 0; i < N_SETTLED; i++) {
        void *v;
        if (asy_await(p, &v) != 0) return asy_fail(ASY_EIO, "await failed");
        sum += (long)(intptr_t)v;
    }
    asy_promise_release(p);
    return asy_ok(NULL);
}

static void resolve_cb(void *arg) { asy_promise_resolve((asy_promise_t *)arg, (void *)(intptr_t)1); }

static asy_ret_t await_loop(void *arg) {
    long i;
    (void)arg;
    for (i = 0; i < N_LOOP; i++) {
        asy_promise_t *p = asy_promise_new(&loop);
        void *v;
        asy_set_immediate(&loop, resolve_cb, p);
        if (asy_await(p, &v) != 0) return asy_fail(ASY_EIO, "await failed");
        sum += (long)(intptr_t)v;
        asy_promise_release(p);
    }
    return asy_ok(NULL);
}

/* ns per await of one run of fn */
static double run(asy_async_fn fn, long n) {
    uint64_t t0 = asy_hrtime(), t1;
    asy_promise_t *done;
    sum = 0;
    done = asy_async(&loop, fn, NULL, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    t1 = asy_hrtime();
    if (asy_promise_state_of(done) != ASY_PROMISE_FULFILLED || sum != n) {
        fprintf(stderr, "coro: wrong result (sum %ld)\n", sum);
        return -1;
    }
    asy_promise_release(done);
    return (double)(t1 - t0) / (double)n;
}

int main(void) {
    double best_settled = 1e30, best_loop = 1e30, t;
    int round;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    for (round = 0; round < ROUNDS; round++) {
        if ((t = run(await_settled, N_SETTLED)) < 0) return 1;
        if (t < best_settled) best_settled = t;
        if ((t = run(await_loop, N_LOOP)) < 0) return 1;
        if (t < best_loop) best_loop = t;
    }
    printf("BENCH coro_ns_per_await_settled %.1f ns lower\n", best_settled);
    printf("BENCH coro_ns_per_await_loop %.1f ns lower\n", best_loop);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
