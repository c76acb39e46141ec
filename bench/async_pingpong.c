/* async_pingpong: round trips per second between two loops in two threads
 * that wake each other with async handles.
 *
 * The main loop owns main_async, a worker thread runs its own loop with
 * worker_async.  The worker sends to main_async once to start; each
 * callback answers by sending to the other side's handle.  A round trip is
 * one main callback plus one worker callback; after NUM_PINGS each side
 * closes its handle and both loops end.  Timed: from the main asy_run until
 * the worker thread is joined; the figure is pings / seconds.  Each wake-up
 * crosses threads, so this is the latency of the whole wake path: the
 * send, the sleeping loop's poll returning, the callback.
 *
 * On a loaded machine a run could take minutes, so once TIME_LIMIT_NS has
 * passed (checked every 1024 pings) the main side lowers the count to the
 * ping it is about to send, and both sides stop there.
 *
 * Twin: bench/peers/async_pingpong_uv.c is libuv's benchmark-async.c with
 * one worker thread ("async1"), NUM_PINGS lowered from 1M to 200k to keep
 * a run short, the same sent/seen checks; both sides use the same count and
 * the same time limit.
 *
 *   BENCH async_pingpong <round trips/s> roundtrips/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NUM_PINGS (200 * 1000)
#define TIME_LIMIT_NS (5ull * 1000 * 1000 * 1000)

struct ctx {
    asy_loop_t loop;
    pthread_t thread;
    asy_async_t main_async;   /* wakes the main thread */
    asy_async_t worker_async; /* wakes the worker */
    unsigned main_sent, main_seen, worker_sent, worker_seen;
    unsigned limit; /* pings to exchange: NUM_PINGS, or fewer once time is up */
    uint64_t start_ns;
};

#define CHECK(x)                                                                 \
    do {                                                                         \
        if (!(x)) {                                                              \
            fprintf(stderr, "async_pingpong: %s failed (line %d)\n", #x, __LINE__); \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

static void worker_async_cb(asy_async_t *handle) {
    struct ctx *ctx = ASY_CONTAINER_OF(handle, struct ctx, worker_async);
    CHECK(asy_async_send(&ctx->main_async) == 0);
    ctx->worker_sent++;
    ctx->worker_seen++;
    if (ctx->worker_sent >= __atomic_load_n(&ctx->limit, __ATOMIC_SEQ_CST))
        asy_close((asy_handle_t *)&ctx->worker_async, NULL);
}

static void main_async_cb(asy_async_t *handle) {
    struct ctx *ctx = ASY_CONTAINER_OF(handle, struct ctx, main_async);
    /* Time is up: this ping is the last.  The new limit is stored before
     * the send, so the worker sees it when the ping arrives. */
    if (ctx->main_sent % 1024 == 1023 && asy_hrtime() - ctx->start_ns > TIME_LIMIT_NS &&
        ctx->main_sent + 1 < ctx->limit)
        __atomic_store_n(&ctx->limit, ctx->main_sent + 1, __ATOMIC_SEQ_CST);
    CHECK(asy_async_send(&ctx->worker_async) == 0);
    ctx->main_sent++;
    ctx->main_seen++;
    if (ctx->main_sent >= ctx->limit) asy_close((asy_handle_t *)&ctx->main_async, NULL);
}

static void *worker(void *arg) {
    struct ctx *ctx = (struct ctx *)arg;
    CHECK(asy_async_send(&ctx->main_async) == 0);
    CHECK(asy_run(&ctx->loop, ASY_RUN_DEFAULT) == 0);
    CHECK(asy_loop_close(&ctx->loop) == 0);
    return NULL;
}

int main(void) {
    static struct ctx ctx;
    asy_loop_t main_loop;
    uint64_t ns;
    CHECK(asy_loop_init(&main_loop, NULL) == 0);
    CHECK(asy_loop_init(&ctx.loop, NULL) == 0);
    CHECK(asy_async_init(&ctx.loop, &ctx.worker_async, worker_async_cb) == 0);
    CHECK(asy_async_init(&main_loop, &ctx.main_async, main_async_cb) == 0);
    ctx.limit = NUM_PINGS;
    CHECK(pthread_create(&ctx.thread, NULL, worker, &ctx) == 0);
    ns = ctx.start_ns = asy_hrtime();
    CHECK(asy_run(&main_loop, ASY_RUN_DEFAULT) == 0);
    CHECK(pthread_join(ctx.thread, NULL) == 0);
    ns = asy_hrtime() - ns;
    CHECK(ctx.worker_sent == ctx.limit && ctx.worker_seen == ctx.limit);
    CHECK(ctx.main_sent == ctx.limit && ctx.main_seen == ctx.limit);
    CHECK(asy_loop_close(&main_loop) == 0);
    fprintf(stderr, "async1: %.2f sec (%.0f/sec)\n", ns / 1e9, ctx.limit / (ns / 1e9));
    printf("BENCH async_pingpong %.0f roundtrips/s higher\n", ctx.limit / (ns / 1e9));
    return 0;
}
