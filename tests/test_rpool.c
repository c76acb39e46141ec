/* asy_rpool (generic-pool / pg.Pool): min, max, waiters by priority,
 * idle eviction, validation, create failures (bounded), drain / clear /
 * end, use(), misuse.  Virtual clock throughout. */
#include "../asyncrt.h"
#include "test.h"
#include "loop_util.h"

static asy_loop_t L;
static asy_rpool_t *P;

typedef struct {
    int id;
    int valid;
} res_t;

static int created, destroyed, create_calls, validate_calls, live_max, fail_creates;
static int async_create; /* create through a 5 ms timer */
static int fail_from_start;
static uint64_t create_times[16];
static size_t pool_max;

static void check_size(void) {
    asy_rpool_stats_t st;
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_LE(st.size, pool_max);
    ASSERT_LE(created - destroyed, (int)pool_max);
    ASSERT_EQ(st.size, st.available + st.borrowed + (st.size - st.available - st.borrowed));
}

static void finish_create(void *arg) {
    asy_promise_t *p = (asy_promise_t *)arg;
    res_t *r = (res_t *)calloc(1, sizeof(res_t));
    r->id = ++created;
    r->valid = 1;
    if (created - destroyed > live_max) live_max = created - destroyed;
    ASSERT_OK(asy_promise_resolve(p, r));
    asy_promise_release(p);
}

static asy_ret_t f_create(void *ctx) {
    ASSERT_PTR_EQ(ctx, &L);
    if (create_calls < 16) create_times[create_calls] = asy_now(&L);
    create_calls++;
    if (fail_creates) return asy_fail(ASY_ECONNREFUSED, "db down");
    if (async_create) {
        asy_promise_t *p = asy_promise_new(&L);
        ASSERT(asy_set_timeout(&L, finish_create, asy_promise_retain(p), 5).id != 0);
        return asy_chain(p);
    } else {
        res_t *r = (res_t *)calloc(1, sizeof(res_t));
        r->id = ++created;
        r->valid = 1;
        if (created - destroyed > live_max) live_max = created - destroyed;
        return asy_ok(r);
    }
}

static asy_ret_t f_destroy(void *ctx, void *res) {
    (void)ctx;
    destroyed++;
    free(res);
    return asy_ok(NULL);
}

static asy_ret_t f_validate(void *ctx, void *res) {
    (void)ctx;
    validate_calls++;
    return ((res_t *)res)->valid ? asy_ok(NULL) : asy_fail(ASY_EPIPE, "stale connection");
}

static void setup(const asy_rpool_opts_t *o, int with_validate) {
    asy_loop_opts_t lo;
    asy_rpool_factory_t f;
    memset(&lo, 0, sizeof(lo));
    lo.virtual_clock = 1;
    ASSERT_OK(asy_loop_init(&L, &lo));
    created = destroyed = create_calls = validate_calls = live_max = 0;
    fail_creates = fail_from_start;
    async_create = 0;
    memset(&f, 0, sizeof(f));
    f.create = f_create;
    f.destroy = f_destroy;
    f.validate = with_validate ? f_validate : NULL;
    f.ctx = &L;
    P = asy_rpool_new(&L, &f, o, NULL);
    ASSERT_NOT_NULL(P);
    pool_max = o && o->max ? o->max : 10;
}

static void end_pool(void) {
    asy_promise_t *e = asy_rpool_end(P);
    ASSERT_NOT_NULL(e);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_promise_state_of(e), ASY_PROMISE_FULFILLED);
    asy_promise_release(e);
    ASSERT_EQ(created, destroyed); /* everything the factory made is gone */
    ASSERT_OK(asy_loop_close(&L));
}

/* take the resource out of a fulfilled acquire */
static res_t *got(asy_promise_t *p) {
    const asy_settled_t *r = asy_promise_result(p);
    ASSERT_NOT_NULL(r);
    ASSERT_EQ(r->state, ASY_PROMISE_FULFILLED);
    return (res_t *)r->value;
}

static asy_rpool_opts_t opts(size_t min, size_t max) {
    asy_rpool_opts_t o;
    memset(&o, 0, sizeof(o));
    o.min = min;
    o.max = max;
    return o;
}

TEST(rpool_min_is_kept_warm) {
    asy_rpool_opts_t o = opts(2, 5);
    asy_rpool_stats_t st;
    asy_promise_t *a;
    setup(&o, 0);
    asy_run_microtasks(&L);
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.size, 2);
    ASSERT_EQ(st.available, 2);
    ASSERT_EQ(st.min, 2);
    ASSERT_EQ(st.max, 5);
    a = asy_rpool_acquire(P, 0);
    ASSERT_EQ(got(a)->id, 1); /* oldest idle first */
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.available, 1);
    ASSERT_EQ(st.borrowed, 1);
    ASSERT_EQ(create_calls, 2); /* borrowing does not create while idle ones exist */
    ASSERT_OK(asy_rpool_release(P, got(a)));
    asy_promise_release(a);
    end_pool();
}

TEST(rpool_max_bounds_size_and_waiters_are_served_in_order) {
    asy_rpool_opts_t o = opts(0, 2);
    asy_promise_t *p[5];
    asy_rpool_stats_t st;
    int i;
    setup(&o, 0);
    async_create = 1;
    for (i = 0; i < 5; i++) p[i] = asy_rpool_acquire(P, 0);
    ASSERT_EQ(create_calls, 2); /* never more than max */
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.size, 2);
    ASSERT_EQ(st.pending, 5);
    ASSERT_OK(asy_loop_advance(&L, 5));
    ASSERT_EQ(asy_promise_state_of(p[0]), ASY_PROMISE_FULFILLED);
    ASSERT_EQ(asy_promise_state_of(p[1]), ASY_PROMISE_FULFILLED);
    ASSERT_EQ(asy_promise_state_of(p[2]), ASY_PROMISE_PENDING);
    check_size();
    for (i = 2; i < 5; i++) {
        /* each release goes to the next waiter, in arrival order */
        ASSERT_OK(asy_rpool_release(P, got(p[i - 2])));
        ASSERT_EQ(asy_promise_state_of(p[i]), ASY_PROMISE_FULFILLED);
        if (i + 1 < 5) ASSERT_EQ(asy_promise_state_of(p[i + 1]), ASY_PROMISE_PENDING);
        check_size();
    }
    ASSERT_OK(asy_rpool_release(P, got(p[3])));
    ASSERT_OK(asy_rpool_release(P, got(p[4])));
    for (i = 0; i < 5; i++) asy_promise_release(p[i]);
    ASSERT_EQ(live_max, 2);
    ASSERT_EQ(create_calls, 2);
    end_pool();
}

TEST(rpool_priority_levels) {
    asy_rpool_opts_t o = opts(0, 1);
    asy_promise_t *first, *low, *high, *mid;
    res_t *r;
    o.priorities = 3;
    setup(&o, 0);
    first = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    r = got(first);
    low = asy_rpool_acquire(P, 2);
    high = asy_rpool_acquire(P, 0);
    mid = asy_rpool_acquire(P, 1);
    ASSERT_OK(asy_rpool_release(P, r));
    ASSERT_EQ(asy_promise_state_of(high), ASY_PROMISE_FULFILLED);
    ASSERT_EQ(asy_promise_state_of(mid), ASY_PROMISE_PENDING);
    ASSERT_OK(asy_rpool_release(P, got(high)));
    ASSERT_EQ(asy_promise_state_of(mid), ASY_PROMISE_FULFILLED);
    ASSERT_EQ(asy_promise_state_of(low), ASY_PROMISE_PENDING);
    ASSERT_OK(asy_rpool_release(P, got(mid)));
    ASSERT_OK(asy_rpool_release(P, got(low)));
    asy_promise_release(first);
    asy_promise_release(low);
    asy_promise_release(high);
    asy_promise_release(mid);
    end_pool();
}

TEST(rpool_idle_objects_are_evicted_down_to_min) {
    asy_rpool_opts_t o = opts(1, 4);
    asy_promise_t *p[4];
    asy_rpool_stats_t st;
    int i;
    o.idle_timeout_ms = 100;
    o.evict_interval_ms = 10;
    setup(&o, 0);
    for (i = 0; i < 4; i++) p[i] = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    for (i = 0; i < 4; i++) ASSERT_OK(asy_rpool_release(P, got(p[i])));
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.available, 4);
    ASSERT_OK(asy_loop_advance(&L, 90));
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.available, 4); /* not idle long enough yet */
    ASSERT_OK(asy_loop_advance(&L, 20));
    asy_run_microtasks(&L);
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.size, 1); /* min survives */
    ASSERT_EQ(destroyed, 3);
    for (i = 0; i < 4; i++) asy_promise_release(p[i]);
    /* the evictor is unref'd: it does not keep the loop alive */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    end_pool();
}

TEST(rpool_validate_on_borrow_replaces_bad_objects) {
    asy_rpool_opts_t o = opts(1, 3);
    asy_promise_t *a, *b;
    res_t *r;
    o.validate_on_borrow = 1;
    setup(&o, 1);
    asy_run_microtasks(&L);
    a = asy_rpool_acquire(P, 0); /* validates object 1 first */
    ASSERT_EQ(asy_promise_state_of(a), ASY_PROMISE_PENDING);
    asy_run_microtasks(&L);
    r = got(a);
    ASSERT_EQ(r->id, 1);
    ASSERT_EQ(validate_calls, 1);
    ASSERT_OK(asy_rpool_release(P, r));
    r->valid = 0; /* it went stale while idle */
    b = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    ASSERT_EQ(got(b)->id, 2); /* a fresh one */
    ASSERT_EQ(destroyed, 1);
    ASSERT_OK(asy_rpool_release(P, got(b)));
    asy_promise_release(a);
    asy_promise_release(b);
    end_pool();
}

TEST(rpool_validate_on_return_destroys_bad_objects) {
    asy_rpool_opts_t o = opts(0, 3);
    asy_promise_t *a;
    asy_rpool_stats_t st;
    o.validate_on_return = 1;
    setup(&o, 1);
    a = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    got(a)->valid = 0;
    ASSERT_OK(asy_rpool_release(P, got(a)));
    asy_run_microtasks(&L);
    ASSERT_EQ(validate_calls, 1);
    ASSERT_EQ(destroyed, 1);
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.size, 0);
    asy_promise_release(a);
    end_pool();
}

TEST(rpool_create_failure_rejects_with_factory_error_once) {
    asy_rpool_opts_t o = opts(0, 3);
    asy_promise_t *a;
    setup(&o, 0);
    fail_creates = 1;
    a = asy_rpool_acquire(P, 0);
    asy_promise_mark_handled(a);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0); /* ends: nothing spins */
    ASSERT_EQ(asy_promise_result(a)->error, ASY_ECONNREFUSED);
    ASSERT_STR_EQ(asy_promise_result(a)->message, "db down");
    ASSERT_EQ(create_calls, 1);
    asy_promise_release(a);
    /* the backend comes back: the pool recovers */
    fail_creates = 0;
    a = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    ASSERT_OK(asy_rpool_release(P, got(a)));
    asy_promise_release(a);
    end_pool();
}

TEST(rpool_create_retries_with_bounded_backoff) {
    asy_rpool_opts_t o = opts(0, 3);
    asy_promise_t *a;
    o.create_retries = 3;
    o.create_backoff_ms = 10;
    setup(&o, 0);
    fail_creates = 1;
    a = asy_rpool_acquire(P, 0);
    asy_promise_mark_handled(a);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(create_calls, 4); /* the first try and three retries */
    ASSERT_EQ(create_times[0], 0);
    ASSERT_EQ(create_times[1], 10);
    ASSERT_EQ(create_times[2], 30); /* doubling */
    ASSERT_EQ(create_times[3], 70);
    ASSERT_EQ(asy_promise_result(a)->error, ASY_ECONNREFUSED);
    asy_promise_release(a);
    end_pool();
}

TEST(rpool_failing_warm_up_does_not_spin) {
    asy_rpool_opts_t o = opts(3, 5);
    asy_rpool_stats_t st;
    o.idle_timeout_ms = 1000;
    o.evict_interval_ms = 500;
    fail_from_start = 1;
    setup(&o, 0);
    fail_from_start = 0;
    asy_run_microtasks(&L);
    ASSERT_EQ(create_calls, 3); /* one attempt per missing object */
    ASSERT_OK(asy_loop_advance(&L, 499));
    ASSERT_EQ(create_calls, 3); /* no retry loop in between */
    ASSERT_OK(asy_loop_advance(&L, 1)); /* the evictor tries again, once each */
    asy_run_microtasks(&L);
    ASSERT_EQ(create_calls, 6);
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.size, 0);
    fail_creates = 0;
    ASSERT_OK(asy_loop_advance(&L, 500));
    asy_run_microtasks(&L);
    ASSERT_EQ(create_calls, 9);
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.size, 3); /* recovered to min */
    end_pool();
}

TEST(rpool_drain_waits_for_borrowed_and_refuses_new) {
    asy_rpool_opts_t o = opts(0, 3);
    asy_promise_t *a, *b, *c, *d, *late;
    asy_rpool_stats_t st;
    setup(&o, 0);
    a = asy_rpool_acquire(P, 0);
    b = asy_rpool_acquire(P, 0);
    c = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    ASSERT_OK(asy_rpool_release(P, got(c))); /* one idle */
    d = asy_rpool_drain(P);
    late = asy_rpool_acquire(P, 0);
    asy_promise_mark_handled(late);
    ASSERT_EQ(asy_promise_result(late)->error, ASY_ESHUTDOWN);
    asy_run_microtasks(&L);
    ASSERT_EQ(asy_promise_state_of(d), ASY_PROMISE_PENDING);
    ASSERT_OK(asy_rpool_release(P, got(a)));
    asy_run_microtasks(&L);
    ASSERT_EQ(asy_promise_state_of(d), ASY_PROMISE_PENDING);
    ASSERT_OK(asy_rpool_release(P, got(b)));
    asy_run_microtasks(&L);
    ASSERT_EQ(asy_promise_state_of(d), ASY_PROMISE_FULFILLED);
    asy_promise_release(d);
    /* clear destroys the idle objects */
    d = asy_rpool_clear(P);
    asy_run_microtasks(&L);
    ASSERT_EQ(asy_promise_state_of(d), ASY_PROMISE_FULFILLED);
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.size, 0);
    ASSERT_EQ(destroyed, 3);
    asy_promise_release(d);
    asy_promise_release(a);
    asy_promise_release(b);
    asy_promise_release(c);
    asy_promise_release(late);
    end_pool();
}

TEST(rpool_release_twice_or_foreign_is_einval) {
    asy_rpool_opts_t o = opts(0, 2);
    asy_promise_t *a;
    res_t *r, other;
    setup(&o, 0);
    a = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    r = got(a);
    ASSERT_OK(asy_rpool_release(P, r));
    ASSERT_ERR(asy_rpool_release(P, r), ASY_EINVAL);
    ASSERT_ERR(asy_rpool_destroy(P, r), ASY_EINVAL);
    ASSERT_ERR(asy_rpool_release(P, &other), ASY_EINVAL);
    ASSERT_ERR(asy_rpool_release(P, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_rpool_release(NULL, r), ASY_EINVAL);
    asy_promise_release(a);
    /* destroy(): a broken object is not reused */
    a = asy_rpool_acquire(P, 0);
    ASSERT_EQ(got(a)->id, 1);
    ASSERT_OK(asy_rpool_destroy(P, got(a)));
    asy_promise_release(a);
    asy_run_microtasks(&L);
    ASSERT_EQ(destroyed, 1);
    a = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    ASSERT_EQ(got(a)->id, 2);
    ASSERT_OK(asy_rpool_release(P, got(a)));
    asy_promise_release(a);
    end_pool();
}

TEST(rpool_acquire_timeout_and_waiting_cap) {
    asy_rpool_opts_t o = opts(0, 1);
    asy_promise_t *a, *b, *c;
    o.acquire_timeout_ms = 50;
    o.max_waiting = 1;
    setup(&o, 0);
    a = asy_rpool_acquire(P, 0);
    asy_run_microtasks(&L);
    got(a);
    b = asy_rpool_acquire(P, 0); /* waits */
    c = asy_rpool_acquire(P, 0); /* one too many */
    asy_promise_mark_handled(b);
    asy_promise_mark_handled(c);
    ASSERT_EQ(asy_promise_result(c)->error, ASY_EBUSY);
    ASSERT_OK(asy_loop_advance(&L, 50));
    ASSERT_EQ(asy_promise_result(b)->error, ASY_ETIMEDOUT);
    ASSERT_OK(asy_rpool_release(P, got(a)));
    asy_promise_release(a);
    asy_promise_release(b);
    asy_promise_release(c);
    end_pool();
}

TEST(rpool_fifo_and_lifo_idle_order) {
    int lifo;
    for (lifo = 0; lifo < 2; lifo++) {
        asy_rpool_opts_t o = opts(0, 3);
        asy_promise_t *a, *b, *c;
        o.lifo = lifo;
        setup(&o, 0);
        a = asy_rpool_acquire(P, 0);
        b = asy_rpool_acquire(P, 0);
        asy_run_microtasks(&L);
        ASSERT_OK(asy_rpool_release(P, got(a))); /* 1 returned first */
        ASSERT_OK(asy_rpool_release(P, got(b))); /* then 2 */
        c = asy_rpool_acquire(P, 0);
        ASSERT_EQ(got(c)->id, lifo ? 2 : 1);
        ASSERT_OK(asy_rpool_release(P, got(c)));
        asy_promise_release(a);
        asy_promise_release(b);
        asy_promise_release(c);
        end_pool();
    }
}

static asy_ret_t use_ok(void *arg, void *res) {
    (void)arg;
    return asy_ok((void *)(intptr_t)((res_t *)res)->id);
}
static asy_ret_t use_fail(void *arg, void *res) {
    (void)arg;
    (void)res;
    return asy_fail(ASY_EIO, "query failed");
}

TEST(rpool_use_always_releases) {
    asy_rpool_opts_t o = opts(0, 1);
    asy_promise_t *u1, *u2, *u3;
    asy_rpool_stats_t st;
    setup(&o, 0);
    u1 = asy_rpool_use(P, 0, use_ok, NULL);
    u2 = asy_rpool_use(P, 0, use_fail, NULL);
    u3 = asy_rpool_use(P, 0, use_ok, NULL);
    asy_promise_mark_handled(u2);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ((intptr_t)asy_promise_result(u1)->value, 1);
    ASSERT_EQ(asy_promise_result(u2)->error, ASY_EIO);
    ASSERT_EQ((intptr_t)asy_promise_result(u3)->value, 1); /* the same object, released twice */
    ASSERT_OK(asy_rpool_stats(P, &st));
    ASSERT_EQ(st.borrowed, 0);
    ASSERT_EQ(st.available, 1);
    asy_promise_release(u1);
    asy_promise_release(u2);
    asy_promise_release(u3);
    end_pool();
}

TEST(rpool_end_with_async_factory) {
    asy_rpool_opts_t o = opts(2, 4);
    asy_promise_t *a, *e;
    setup(&o, 0);
    async_create = 1;
    a = asy_rpool_acquire(P, 0); /* min creates are in flight: waits for one */
    e = asy_rpool_end(P);        /* the borrowed one must come back first */
    ASSERT_OK(asy_loop_advance(&L, 5));
    asy_run_microtasks(&L);
    ASSERT_EQ(asy_promise_state_of(e), ASY_PROMISE_PENDING);
    ASSERT_OK(asy_rpool_release(P, got(a)));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_promise_state_of(e), ASY_PROMISE_FULFILLED);
    ASSERT_EQ(created, destroyed);
    asy_promise_release(a);
    asy_promise_release(e);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(rpool_bad_arguments) {
    asy_rpool_factory_t f;
    asy_rpool_opts_t o = opts(5, 2);
    asy_loop_opts_t lo;
    int err = 1;
    memset(&lo, 0, sizeof(lo));
    ASSERT_OK(asy_loop_init(&L, &lo));
    memset(&f, 0, sizeof(f));
    ASSERT_NULL(asy_rpool_new(&L, &f, NULL, &err)); /* no create */
    ASSERT_EQ(err, ASY_EINVAL);
    f.create = f_create;
    ASSERT_NULL(asy_rpool_new(&L, &f, &o, &err)); /* min > max */
    ASSERT_EQ(err, ASY_EINVAL);
    ASSERT_NULL(asy_rpool_new(NULL, &f, NULL, NULL));
    ASSERT_NULL(asy_rpool_acquire(NULL, 0));
    ASSERT_NULL(asy_rpool_use(NULL, 0, use_ok, NULL));
    ASSERT_ERR(asy_rpool_stats(NULL, NULL), ASY_EINVAL);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- property test: random acquire / release / destroy / time -------------
 * Invariants after every step: size <= max, borrowed equals what the model
 * holds, no resource is lent to two clients at once, every acquire gets
 * exactly one outcome; at the end the pool ends with everything destroyed. */
enum { PMAX = 600 };
typedef struct {
    asy_promise_t *p;
    int outcome; /* 0 pending, 1 lent, -1 failed */
    int returned;
} pacq_t;
static pacq_t pacq[PMAX];
static int lent_to[4096]; /* resource id -> acquire index + 1 while lent */
static int n_lent, n_timeouts, n_busy;

static uint64_t prng;
static unsigned prand(unsigned n) {
    prng = prng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((prng >> 33) % n);
}

static void pacq_done(void *arg, const asy_settled_t *in) {
    pacq_t *a = (pacq_t *)arg;
    ASSERT_EQ(a->outcome, 0);
    if (in->state == ASY_PROMISE_FULFILLED) {
        res_t *r = (res_t *)in->value;
        ASSERT(r->id > 0 && r->id < 4096);
        ASSERT_EQ(lent_to[r->id], 0); /* never lent twice */
        lent_to[r->id] = (int)(a - pacq) + 1;
        a->outcome = 1;
        n_lent++;
    } else {
        n_timeouts += in->error == ASY_ETIMEDOUT;
        n_busy += in->error == ASY_EBUSY;
        ASSERT(in->error == ASY_ETIMEDOUT || in->error == ASY_EBUSY || in->error == ASY_EPIPE);
        a->outcome = -1;
    }
}

TEST_T(rpool_property_random_interleavings, 30000) {
    int seed;
    n_lent = n_timeouts = n_busy = 0;
    for (seed = 1; seed <= 25; seed++) {
        asy_rpool_opts_t o = opts((size_t)(seed % 3), (size_t)(2 + seed % 4));
        asy_rpool_stats_t st;
        int n = 0, step, i, held;
        prng = (uint64_t)seed * 7919u;
        o.priorities = 3;
        o.lifo = seed & 1;
        o.acquire_timeout_ms = seed % 2 ? 30 : 0;
        o.max_waiting = seed % 5 == 0 ? 4 : 0;
        o.idle_timeout_ms = 40;
        o.evict_interval_ms = 7;
        o.validate_on_borrow = seed % 3 == 0;
        o.validate_on_return = seed % 4 == 0;
        setup(&o, 1);
        async_create = seed % 2;
        memset(lent_to, 0, sizeof(lent_to));
        for (step = 0; step < 300 && n < PMAX; step++) {
            unsigned op = prand(10);
            if (op < 4) {
                pacq_t *a = &pacq[n++];
                memset(a, 0, sizeof(*a));
                a->p = asy_rpool_acquire(P, prand(3));
                ASSERT_NOT_NULL(a->p);
                ASSERT_OK(asy_promise_on_settled(a->p, pacq_done, a));
            } else if (op < 7) { /* give something back */
                for (i = 0; i < n; i++)
                    if (pacq[i].outcome == 1 && !pacq[i].returned) {
                        res_t *r = (res_t *)asy_promise_result(pacq[i].p)->value;
                        asy_rpool_stats_t before;
                        ASSERT_OK(asy_rpool_stats(P, &before));
                        lent_to[r->id] = 0;
                        pacq[i].returned = 1;
                        if (prand(4) == 0) {
                            r->valid = 0; /* broken in use */
                            ASSERT_OK(prand(2) ? asy_rpool_destroy(P, r) : asy_rpool_release(P, r));
                        } else {
                            ASSERT_OK(asy_rpool_release(P, r));
                        }
                        /* a second release is refused, unless a waiter
                         * already got the object: then it is theirs */
                        if (before.pending == 0) ASSERT_ERR(asy_rpool_release(P, r), ASY_EINVAL);
                        break;
                    }
            } else if (op < 9) {
                ASSERT_OK(asy_loop_advance(&L, prand(12)));
            } else {
                asy_run_microtasks(&L);
            }
            ASSERT_OK(asy_rpool_stats(P, &st));
            ASSERT_LE(st.size, o.max);
            ASSERT_LE(created - destroyed, (int)o.max + (int)st.size); /* destroys in flight */
            /* lent = fulfilled and not given back (delivery to the
             * observer may still be a microtask away) */
            held = 0;
            for (i = 0; i < n; i++)
                held += asy_promise_state_of(pacq[i].p) == ASY_PROMISE_FULFILLED && !pacq[i].returned;
            ASSERT_EQ(st.borrowed, held);
        }
        /* settle everything: return what is lent, let timers fire */
        for (step = 0; step < 100; step++) {
            asy_run_microtasks(&L);
            for (i = 0; i < n; i++)
                if (pacq[i].outcome == 1 && !pacq[i].returned) {
                    res_t *r = (res_t *)asy_promise_result(pacq[i].p)->value;
                    lent_to[r->id] = 0;
                    pacq[i].returned = 1;
                    ASSERT_OK(asy_rpool_release(P, r));
                }
            ASSERT_OK(asy_loop_advance(&L, 50));
        }
        for (i = 0; i < n; i++) {
            ASSERT(pacq[i].outcome != 0); /* nobody waits for ever */
            asy_promise_release(pacq[i].p);
        }
        end_pool();
    }
    ASSERT_GT(n_lent, 500);
    ASSERT_GT(n_timeouts, 10);
    ASSERT_GT(n_busy, 5);
}
