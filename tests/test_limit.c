/* asy_limit (p-limit): order, fairness, the concurrency bound checked at
 * every step, failures, set_concurrency, clear_queue, map.  Tasks finish on
 * timers of a virtual-clock loop, so every run is instant and identical. */
#include "../asyncrt.h"
#include "test.h"
#include "loop_util.h"

static asy_loop_t L;
static asy_limit_t *lim;
static size_t running, max_running, bound;
static int start_order[256], nstarted;

typedef struct {
    int id;
    uint64_t ms;
    int fail;
    asy_promise_t *p;
} job_t;

static void check_bound(void) {
    ASSERT_LE(running, bound);
    ASSERT_EQ(asy_limit_active(lim), running);
}

static void job_finish(void *arg) {
    job_t *j = (job_t *)arg;
    check_bound();
    running--;
    if (j->fail) ASSERT_OK(asy_promise_reject(j->p, ASY_EIO, "job failed"));
    else ASSERT_OK(asy_promise_resolve(j->p, (void *)(intptr_t)(j->id * 10)));
    asy_promise_release(j->p);
}

static asy_ret_t timed_task(void *arg) {
    job_t *j = (job_t *)arg;
    running++;
    if (running > max_running) max_running = running;
    start_order[nstarted++] = j->id;
    check_bound();
    j->p = asy_promise_new(&L);
    ASSERT(asy_set_timeout(&L, job_finish, j, j->ms).id != 0);
    return asy_chain(asy_promise_retain(j->p));
}

typedef struct {
    int calls;
    int error;
    void *value;
} out_t;
static void record(void *arg, const asy_settled_t *in) {
    out_t *o = (out_t *)arg;
    o->calls++;
    o->error = in->error;
    o->value = in->value;
}

static void setup(size_t concurrency) {
    asy_loop_opts_t o;
    memset(&o, 0, sizeof(o));
    o.virtual_clock = 1;
    ASSERT_OK(asy_loop_init(&L, &o));
    lim = asy_limit_new(&L, concurrency, NULL);
    ASSERT_NOT_NULL(lim);
    bound = concurrency;
    running = max_running = 0;
    nstarted = 0;
}
static void teardown(void) {
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    asy_limit_free(lim);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(limit_never_exceeds_and_starts_in_order) {
    enum { N = 40 };
    job_t jobs[N];
    out_t outs[N];
    int i;
    setup(3);
    for (i = 0; i < N; i++) {
        asy_promise_t *p;
        jobs[i].id = i;
        jobs[i].ms = (uint64_t)((i * 7) % 11 + 1); /* finish out of order */
        jobs[i].fail = 0;
        memset(&outs[i], 0, sizeof(outs[i]));
        p = asy_limit_run(lim, timed_task, &jobs[i]);
        ASSERT_NOT_NULL(p);
        ASSERT_OK(asy_promise_on_settled(p, record, &outs[i]));
        asy_promise_release(p);
    }
    /* the first three started synchronously, the rest wait */
    ASSERT_EQ(asy_limit_active(lim), 3);
    ASSERT_EQ(asy_limit_pending(lim), N - 3);
    ASSERT_EQ(nstarted, 3);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(max_running, 3);
    ASSERT_EQ(nstarted, N);
    for (i = 0; i < N; i++) {
        ASSERT_EQ(start_order[i], i); /* FIFO: fair */
        ASSERT_EQ(outs[i].calls, 1);
        ASSERT_EQ((intptr_t)outs[i].value, i * 10);
    }
    ASSERT_EQ(asy_limit_active(lim), 0);
    ASSERT_EQ(asy_limit_pending(lim), 0);
    teardown();
}

TEST(limit_failure_rejects_and_frees_the_slot) {
    job_t jobs[4];
    out_t outs[4];
    int i;
    setup(1);
    for (i = 0; i < 4; i++) {
        asy_promise_t *p;
        jobs[i].id = i;
        jobs[i].ms = 5;
        jobs[i].fail = (i == 1 || i == 2);
        memset(&outs[i], 0, sizeof(outs[i]));
        p = asy_limit_run(lim, timed_task, &jobs[i]);
        asy_promise_on_settled(p, record, &outs[i]);
        asy_promise_release(p);
    }
    teardown();
    ASSERT_EQ(nstarted, 4); /* failures did not leak slots */
    ASSERT_EQ(outs[0].error, 0);
    ASSERT_EQ(outs[1].error, ASY_EIO);
    ASSERT_EQ(outs[2].error, ASY_EIO);
    ASSERT_EQ(outs[3].error, 0);
    ASSERT_EQ((intptr_t)outs[3].value, 30);
}

static int sync_calls;
static asy_ret_t sync_ok(void *arg) {
    sync_calls++;
    return asy_ok(arg);
}
static asy_ret_t sync_fail(void *arg) {
    (void)arg;
    sync_calls++;
    return asy_fail(ASY_EPERM, "nope");
}

TEST(limit_synchronous_tasks_free_their_slot_a_tick_later) {
    asy_promise_t *a, *b, *c;
    out_t oa, ob, oc;
    setup(1);
    sync_calls = 0;
    memset(&oa, 0, sizeof(oa));
    memset(&ob, 0, sizeof(ob));
    memset(&oc, 0, sizeof(oc));
    a = asy_limit_run(lim, sync_ok, (void *)1);
    b = asy_limit_run(lim, sync_fail, NULL);
    c = asy_limit_run(lim, sync_ok, (void *)3);
    ASSERT_EQ(sync_calls, 1); /* a ran at once; its slot is held until a microtask */
    ASSERT_EQ(asy_limit_active(lim), 1);
    ASSERT_EQ(asy_limit_pending(lim), 2);
    ASSERT_EQ(asy_promise_state_of(a), ASY_PROMISE_PENDING);
    asy_promise_on_settled(a, record, &oa);
    asy_promise_on_settled(b, record, &ob);
    asy_promise_on_settled(c, record, &oc);
    asy_run_microtasks(&L);
    ASSERT_EQ(sync_calls, 3);
    ASSERT_EQ((intptr_t)oa.value, 1);
    ASSERT_EQ(ob.error, ASY_EPERM);
    ASSERT_EQ((intptr_t)oc.value, 3);
    asy_promise_release(a);
    asy_promise_release(b);
    asy_promise_release(c);
    teardown();
}

TEST(limit_set_concurrency_up_starts_waiting_tasks_at_once) {
    enum { N = 10 };
    job_t jobs[N];
    int i;
    setup(2);
    for (i = 0; i < N; i++) {
        jobs[i].id = i;
        jobs[i].ms = 10;
        jobs[i].fail = 0;
        asy_promise_release(asy_limit_run(lim, timed_task, &jobs[i]));
    }
    ASSERT_EQ(nstarted, 2);
    bound = 5;
    ASSERT_OK(asy_limit_set_concurrency(lim, 5));
    ASSERT_EQ(nstarted, 5); /* synchronously */
    ASSERT_EQ(asy_limit_concurrency(lim), 5);
    ASSERT_EQ(asy_limit_pending(lim), 5);
    teardown();
    ASSERT_EQ(max_running, 5);
    ASSERT_EQ(nstarted, N);
}

static void lower_to_one(void *arg) {
    (void)arg;
    ASSERT_OK(asy_limit_set_concurrency(lim, 1));
}

TEST(limit_set_concurrency_down_lets_running_tasks_finish) {
    enum { N = 8 };
    job_t jobs[N];
    int i;
    setup(4);
    for (i = 0; i < N; i++) {
        jobs[i].id = i;
        jobs[i].ms = (uint64_t)(10 + i);
        jobs[i].fail = 0;
        asy_promise_release(asy_limit_run(lim, timed_task, &jobs[i]));
    }
    ASSERT_EQ(running, 4);
    /* at t=5 the limit drops to 1: the 4 running keep going, nothing new
     * starts until only... none is left running */
    ASSERT(asy_set_timeout(&L, lower_to_one, NULL, 5).id != 0);
    ASSERT_OK(asy_loop_advance(&L, 5));
    bound = 4;
    ASSERT_OK(asy_loop_advance(&L, 5)); /* t=10: job 0 ends, 3 still run: no start */
    ASSERT_EQ(nstarted, 4);
    ASSERT_OK(asy_loop_advance(&L, 3)); /* t=13: all four done; job 4 starts */
    ASSERT_EQ(nstarted, 5);
    ASSERT_EQ(running, 1);
    bound = 1;
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(nstarted, N);
    for (i = 0; i < N; i++) ASSERT_EQ(start_order[i], i);
    asy_limit_free(lim);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(limit_clear_queue_rejects_waiting_tasks_only) {
    enum { N = 6 };
    job_t jobs[N];
    out_t outs[N];
    int i;
    setup(2);
    for (i = 0; i < N; i++) {
        asy_promise_t *p;
        jobs[i].id = i;
        jobs[i].ms = 5;
        jobs[i].fail = 0;
        memset(&outs[i], 0, sizeof(outs[i]));
        p = asy_limit_run(lim, timed_task, &jobs[i]);
        asy_promise_on_settled(p, record, &outs[i]);
        asy_promise_release(p);
    }
    ASSERT_EQ(asy_limit_clear_queue(lim), N - 2);
    ASSERT_EQ(asy_limit_pending(lim), 0);
    ASSERT_EQ(asy_limit_active(lim), 2);
    teardown();
    ASSERT_EQ(nstarted, 2);
    for (i = 0; i < 2; i++) ASSERT_EQ(outs[i].error, 0);
    for (i = 2; i < N; i++) {
        ASSERT_EQ(outs[i].calls, 1);
        ASSERT_EQ(outs[i].error, ASY_ECANCELED);
    }
}

static size_t map_running, map_max;
typedef struct {
    asy_promise_t *p;
    intptr_t v;
} mjob_t;
static mjob_t mjobs[16];
static void map_done(void *arg) {
    mjob_t *m = (mjob_t *)arg;
    map_running--;
    ASSERT_OK(asy_promise_resolve(m->p, (void *)m->v));
    asy_promise_release(m->p);
}
static const int squares_in[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
static asy_ret_t square_at(void *arg, size_t i) {
    intptr_t v = squares_in[i] * squares_in[i];
    ASSERT_PTR_EQ(arg, mjobs);
    map_running++;
    if (map_running > map_max) map_max = map_running;
    if (i % 3 == 0) { /* some synchronous, some later */
        map_running--;
        return asy_ok((void *)v);
    }
    mjobs[i].p = asy_promise_new(&L);
    mjobs[i].v = v;
    ASSERT(asy_set_timeout(&L, map_done, &mjobs[i], (uint64_t)(10 - i)).id != 0);
    return asy_chain(asy_promise_retain(mjobs[i].p));
}

TEST(limit_map_keeps_order_and_bound) {
    asy_promise_t *all;
    out_t o;
    void **vals;
    size_t i;
    setup(3);
    map_running = map_max = 0;
    memset(&o, 0, sizeof(o));
    all = asy_limit_map(lim, ASY_ARRAY_SIZE(squares_in), square_at, mjobs);
    ASSERT_NOT_NULL(all);
    asy_promise_on_settled(all, record, &o);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(o.calls, 1);
    ASSERT_EQ(o.error, 0);
    ASSERT_EQ(map_max, 3);
    vals = (void **)o.value;
    for (i = 0; i < ASY_ARRAY_SIZE(squares_in); i++)
        ASSERT_EQ((intptr_t)vals[i], squares_in[i] * squares_in[i]);
    asy_promise_release(all);
    /* empty map: an empty array at once */
    all = asy_limit_map(lim, 0, square_at, mjobs);
    ASSERT_EQ(asy_promise_state_of(all), ASY_PROMISE_FULFILLED);
    asy_promise_release(all);
    teardown();
}

static asy_ret_t map_fail_at_2(void *arg, size_t i) {
    (void)arg;
    return i == 2 ? asy_fail(ASY_ENOSPC, "full") : asy_ok(NULL);
}

TEST(limit_map_rejects_with_first_failure) {
    asy_promise_t *all;
    out_t o;
    setup(2);
    memset(&o, 0, sizeof(o));
    all = asy_limit_map(lim, 5, map_fail_at_2, NULL);
    asy_promise_on_settled(all, record, &o);
    asy_promise_release(all);
    teardown();
    ASSERT_EQ(o.error, ASY_ENOSPC);
}

TEST(limit_free_with_running_tasks_waits_for_them) {
    job_t jobs[3];
    out_t outs[3];
    int i;
    setup(1);
    for (i = 0; i < 3; i++) {
        asy_promise_t *p;
        jobs[i].id = i;
        jobs[i].ms = 5;
        jobs[i].fail = 0;
        memset(&outs[i], 0, sizeof(outs[i]));
        p = asy_limit_run(lim, timed_task, &jobs[i]);
        asy_promise_on_settled(p, record, &outs[i]);
        asy_promise_release(p);
    }
    asy_limit_free(lim); /* one running, two waiting */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
    ASSERT_EQ(outs[0].error, 0);
    ASSERT_EQ((intptr_t)outs[0].value, 0);
    ASSERT_EQ(outs[1].error, ASY_ECANCELED);
    ASSERT_EQ(outs[2].error, ASY_ECANCELED);
}

static asy_ret_t nested_run(void *arg) {
    /* a task that queues another task: it waits its turn */
    asy_promise_release(asy_limit_run(lim, sync_ok, arg));
    return asy_ok(NULL);
}

TEST(limit_task_may_queue_tasks) {
    setup(1);
    sync_calls = 0;
    asy_promise_release(asy_limit_run(lim, nested_run, NULL));
    ASSERT_EQ(sync_calls, 0);
    ASSERT_EQ(asy_limit_pending(lim), 1);
    teardown();
    ASSERT_EQ(sync_calls, 1);
}

TEST(limit_bad_arguments) {
    setup(1);
    int err = 1;
    ASSERT_NULL(asy_limit_new(&L, 0, NULL));
    ASSERT_NULL(asy_limit_new(&L, 0, &err));
    ASSERT_EQ(err, ASY_EINVAL);
    ASSERT_NULL(asy_limit_new(NULL, 1, &err));
    ASSERT_EQ(err, ASY_EINVAL);
    ASSERT_NULL(asy_limit_run(NULL, sync_ok, NULL));
    ASSERT_NULL(asy_limit_run(lim, NULL, NULL));
    ASSERT_NULL(asy_limit_map(lim, 3, NULL, NULL));
    ASSERT_ERR(asy_limit_set_concurrency(lim, 0), ASY_EINVAL);
    ASSERT_EQ(asy_limit_concurrency(lim), 1);
    ASSERT_EQ(asy_limit_clear_queue(NULL), 0);
    asy_limit_free(NULL);
    teardown();
}
