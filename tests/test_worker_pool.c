/* The worker pool (piscina's features on workers and the semaphore). */
#include "../asyncrt.h"
#include "test.h"

/* in: n (uint32); out: the sum 1..n (uint64).  n == 0: fails with ASY_EINVAL.
 * With a shared buffer as arg, n == 0xFFFFFFFF blocks until cell 0 is set. */
static int sum_task(asy_worker_self_t *self, void *arg, const uint8_t *in, size_t len,
                    asy_buf_t *out) {
    uint32_t n, i;
    uint64_t s = 0;
    (void)self;
    if (len != sizeof(n)) return ASY_EINVAL;
    memcpy(&n, in, sizeof(n));
    if (n == 0) return ASY_EINVAL;
    if (n == 0xFFFFFFFFu) {
        asy_shared_buf_t *sb = (asy_shared_buf_t *)arg;
        asy_atomics_add(sb, 1, 1); /* "started" */
        while (asy_atomics_load(sb, 0) == 0 && !asy_worker_should_stop(self))
            asy_atomics_wait(sb, 0, 0, 5);
        n = 1;
    }
    for (i = 1; i <= n; i++) s += i;
    return asy_buf_from_bytes(out, &s, sizeof(s));
}

typedef struct {
    int ok, failed, cancelled, again;
    uint64_t sum;
} pool_tally;

static pool_tally tally;

static void tally_cb(void *arg, const asy_settled_t *in) {
    (void)arg;
    if (in->state == ASY_PROMISE_FULFILLED) {
        const asy_buf_t *b = (const asy_buf_t *)in->value;
        uint64_t v;
        ASSERT_EQ(b->len, sizeof(v));
        memcpy(&v, b->data, sizeof(v));
        tally.sum += v;
        tally.ok++;
    } else if (in->error == ASY_ECANCELED) {
        tally.cancelled++;
    } else if (in->error == ASY_EAGAIN) {
        tally.again++;
    } else {
        ASSERT_EQ(in->error, ASY_EINVAL);
        tally.failed++;
    }
}

static void run_n(asy_wpool_t *pool, uint32_t n, asy_wpool_task_t *id) {
    asy_promise_t *p = asy_wpool_run(pool, &n, sizeof(n), id);
    ASSERT_NOT_NULL(p);
    ASSERT_OK(asy_promise_on_settled(p, tally_cb, NULL));
    asy_promise_release(p);
}

static void destroy_when_done(void *arg) { asy_wpool_destroy((asy_wpool_t *)arg); }

TEST_T(wpool_runs_tasks_as_promises_within_max_threads, 60000) {
    asy_loop_t loop;
    asy_wpool_opts_t o;
    asy_wpool_t *pool;
    asy_wpool_stats_t st;
    uint64_t want = 0;
    uint32_t i;
    int err = 1;
    memset(&tally, 0, sizeof(tally));
    ASSERT_OK(asy_loop_init(&loop, NULL));
    memset(&o, 0, sizeof(o));
    o.fn = sum_task;
    o.max_threads = 2;
    o.idle_timeout_ms = 50;
    pool = asy_wpool_new(&loop, &o, &err);
    ASSERT_NOT_NULL(pool);
    ASSERT_EQ(err, 0);
    for (i = 1; i <= 50; i++) {
        run_n(pool, i * 1000, NULL);
        want += (uint64_t)i * 1000 * (i * 1000 + 1) / 2;
    }
    run_n(pool, 0, NULL); /* a failing task */
    asy_wpool_stats(pool, &st);
    ASSERT_EQ(st.queued, 51); /* permits are granted as microtasks */
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(tally.ok, 50);
    ASSERT_EQ(tally.failed, 1);
    ASSERT_EQ_U64(tally.sum, want);
    asy_wpool_stats(pool, &st);
    ASSERT_EQ_U64(st.completed, 51);
    ASSERT_EQ(st.running, 0);
    ASSERT(st.threads <= 2);
    asy_wpool_destroy(pool);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_OK(asy_loop_close(&loop));
}

TEST_T(wpool_max_queue_abort_queued_and_running, 60000) {
    asy_loop_t loop;
    asy_wpool_opts_t o;
    asy_wpool_t *pool;
    asy_wpool_task_t blocker, queued1, queued2;
    asy_wpool_stats_t st;
    asy_shared_buf_t *sb = asy_shared_buf_new(8, NULL);
    memset(&tally, 0, sizeof(tally));
    ASSERT_OK(asy_loop_init(&loop, NULL));
    memset(&o, 0, sizeof(o));
    o.fn = sum_task;
    o.arg = sb;
    o.min_threads = 1;
    o.max_threads = 1;
    o.max_queue = 2;
    pool = asy_wpool_new(&loop, &o, NULL);
    ASSERT_NOT_NULL(pool);
    run_n(pool, 0xFFFFFFFFu, &blocker);
    ASSERT_OK(asy_run(&loop, ASY_RUN_NOWAIT)); /* the blocker takes the thread */
    while (asy_atomics_load(sb, 1) == 0) asy_atomics_wait(sb, 1, 0, 5);
    run_n(pool, 10, &queued1);
    run_n(pool, 20, &queued2);
    run_n(pool, 30, NULL); /* a third waiting task: the queue is full */
    ASSERT_OK(asy_run(&loop, ASY_RUN_NOWAIT));
    ASSERT_EQ(tally.again, 1);
    asy_wpool_stats(pool, &st);
    ASSERT_EQ(st.running, 1);
    ASSERT_EQ(st.queued, 2);
    ASSERT_OK(asy_wpool_abort(pool, queued1)); /* never runs */
    ASSERT_OK(asy_wpool_abort(pool, blocker)); /* its worker is terminated */
    ASSERT_ERR(asy_wpool_abort(pool, blocker), ASY_ENOENT);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT)); /* queued2 runs on a new thread */
    ASSERT_EQ(tally.cancelled, 2);
    ASSERT_EQ(tally.ok, 1);
    ASSERT_EQ_U64(tally.sum, 210);
    ASSERT_ERR(asy_wpool_abort(pool, queued2), ASY_ENOENT);
    asy_set_timeout(&loop, destroy_when_done, pool, 1);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_OK(asy_loop_close(&loop));
    asy_shared_buf_release(sb);
}

TEST_T(wpool_destroy_rejects_pending_tasks, 60000) {
    asy_loop_t loop;
    asy_wpool_opts_t o;
    asy_wpool_t *pool;
    asy_shared_buf_t *sb = asy_shared_buf_new(8, NULL);
    int i;
    memset(&tally, 0, sizeof(tally));
    ASSERT_OK(asy_loop_init(&loop, NULL));
    memset(&o, 0, sizeof(o));
    o.fn = sum_task;
    o.arg = sb;
    o.max_threads = 2;
    pool = asy_wpool_new(&loop, &o, NULL);
    ASSERT_NOT_NULL(pool);
    for (i = 0; i < 5; i++) run_n(pool, 0xFFFFFFFFu, NULL);
    ASSERT_OK(asy_run(&loop, ASY_RUN_NOWAIT));
    while (asy_atomics_load(sb, 1) < 2) asy_atomics_wait(sb, 1, asy_atomics_load(sb, 1), 5);
    asy_wpool_destroy(pool); /* 2 running (their workers stop), 3 queued */
    ASSERT_NULL(asy_wpool_run(pool, "x", 1, NULL) == NULL ? NULL : (void *)1);
    ASSERT_OK(asy_run(&loop, ASY_RUN_DEFAULT));
    ASSERT_EQ(tally.cancelled, 5);
    ASSERT_OK(asy_loop_close(&loop));
    asy_shared_buf_release(sb);
}

TEST(wpool_bad_input) {
    asy_loop_t loop;
    asy_wpool_opts_t o;
    int err = 0;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    memset(&o, 0, sizeof(o));
    ASSERT_NULL(asy_wpool_new(&loop, &o, &err)); /* no fn */
    ASSERT_EQ(err, ASY_EINVAL);
    o.fn = sum_task;
    o.min_threads = 3;
    o.max_threads = 2;
    ASSERT_NULL(asy_wpool_new(&loop, &o, &err));
    ASSERT_EQ(err, ASY_EINVAL);
    ASSERT_NULL(asy_wpool_new(NULL, &o, NULL));
    ASSERT_NULL(asy_wpool_run(NULL, "x", 1, NULL));
    ASSERT_ERR(asy_wpool_abort(NULL, (asy_wpool_task_t){1}), ASY_EINVAL);
    asy_wpool_destroy(NULL);
    ASSERT_OK(asy_loop_close(&loop));
}
