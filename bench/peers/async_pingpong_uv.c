/* libuv twin of bench/async_pingpong.c: libuv's benchmark-async.c with one
 * worker (async1): the worker's loop and the default loop ping-pong through
 * two uv_async_t; NUM_PINGS = 200k (1M in libuv), same as the asyncrt side,
 * and the same TIME_LIMIT_NS cut-off (libuv's original has none).
 *
 *   BENCH async_pingpong <round trips/s> roundtrips/s higher */
#include <uv.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define NUM_PINGS (200 * 1000)
#define TIME_LIMIT_NS (5ull * 1000 * 1000 * 1000)
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

struct ctx {
    uv_loop_t loop;
    uv_thread_t thread;
    uv_async_t main_async;   /* wake up main thread */
    uv_async_t worker_async; /* wake up worker */
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

static void worker_async_cb(uv_async_t *handle) {
    struct ctx *ctx = container_of(handle, struct ctx, worker_async);
    CHECK(uv_async_send(&ctx->main_async) == 0);
    ctx->worker_sent++;
    ctx->worker_seen++;
    if (ctx->worker_sent >= __atomic_load_n(&ctx->limit, __ATOMIC_SEQ_CST))
        uv_close((uv_handle_t *)&ctx->worker_async, NULL);
}

static void main_async_cb(uv_async_t *handle) {
    struct ctx *ctx = container_of(handle, struct ctx, main_async);
    /* Time is up: this ping is the last.  The new limit is stored before
     * the send, so the worker sees it when the ping arrives. */
    if (ctx->main_sent % 1024 == 1023 && uv_hrtime() - ctx->start_ns > TIME_LIMIT_NS &&
        ctx->main_sent + 1 < ctx->limit)
        __atomic_store_n(&ctx->limit, ctx->main_sent + 1, __ATOMIC_SEQ_CST);
    CHECK(uv_async_send(&ctx->worker_async) == 0);
    ctx->main_sent++;
    ctx->main_seen++;
    if (ctx->main_sent >= ctx->limit) uv_close((uv_handle_t *)&ctx->main_async, NULL);
}

static void worker(void *arg) {
    struct ctx *ctx = (struct ctx *)arg;
    CHECK(uv_async_send(&ctx->main_async) == 0);
    CHECK(uv_run(&ctx->loop, UV_RUN_DEFAULT) == 0);
    uv_loop_close(&ctx->loop);
}

int main(void) {
    static struct ctx ctx;
    uv_loop_t *main_loop = uv_default_loop();
    uint64_t ns;
    CHECK(uv_loop_init(&ctx.loop) == 0);
    CHECK(uv_async_init(&ctx.loop, &ctx.worker_async, worker_async_cb) == 0);
    CHECK(uv_async_init(main_loop, &ctx.main_async, main_async_cb) == 0);
    ctx.limit = NUM_PINGS;
    CHECK(uv_thread_create(&ctx.thread, worker, &ctx) == 0);
    ns = ctx.start_ns = uv_hrtime();
    CHECK(uv_run(main_loop, UV_RUN_DEFAULT) == 0);
    CHECK(uv_thread_join(&ctx.thread) == 0);
    ns = uv_hrtime() - ns;
    CHECK(ctx.worker_sent == ctx.limit && ctx.worker_seen == ctx.limit);
    CHECK(ctx.main_sent == ctx.limit && ctx.main_seen == ctx.limit);
    CHECK(uv_loop_close(main_loop) == 0);
    fprintf(stderr, "async1: %.2f sec (%.0f/sec)\n", ns / 1e9, ctx.limit / (ns / 1e9));
    printf("BENCH async_pingpong %.0f roundtrips/s higher\n", ctx.limit / (ns / 1e9));
    return 0;
}
