/* Allocation failure: "a failed allocation gets a clear error code and
 * loses nothing".  This translation unit has its own copy of the library
 * built over a counting allocator that can fail the Nth allocation (or
 * every allocation from the Nth on).  Each scenario is first run with no
 * failure to count its allocations, then once for every N: every call must
 * either work or report an error (and then never call its callback), the
 * loop must close, and every byte must come back. */
#include <stdlib.h>

static long oom_count, oom_fail_at, oom_live;
static int oom_persist;
static size_t oom_fail_size; /* non-zero: every allocation of exactly this size fails */

static int oom_should_fail(size_t n) {
    oom_count++;
    if (oom_fail_size && n == oom_fail_size) return 1;
    return oom_fail_at > 0 && (oom_count == oom_fail_at || (oom_persist && oom_count > oom_fail_at));
}
static void *oom_malloc(size_t n) {
    void *p;
    if (oom_should_fail(n)) return NULL;
    p = malloc(n);
    if (p) oom_live++;
    return p;
}
static void *oom_realloc(void *p, size_t n) {
    void *q;
    int fresh = p == NULL;
    if (oom_should_fail(n)) return NULL;
    q = realloc(p, n);
    if (q && fresh) oom_live++;
    return q;
}
static void oom_free(void *p) {
    if (!p) return;
    oom_live--;
    free(p);
}

#define ASYNCRT_MALLOC(n) oom_malloc(n)
#define ASYNCRT_REALLOC(p, n) oom_realloc((p), (n))
#define ASYNCRT_FREE(p) oom_free(p)
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

/* Runs scenario() with no failure, then failing each allocation in turn
 * (once, or from there on with persist).  The scenario asserts its own
 * invariants; here every run must give back all it took. */
static void oom_sweep(void (*scenario)(void), int persist) {
    long total, n;
    oom_fail_at = 0;
    oom_count = 0;
    oom_live = 0;
    scenario();
    ASSERT_EQ(oom_live, 0);
    total = oom_count;
    ASSERT_GT(total, 0);
    for (n = 1; n <= total + 1; n++) {
        oom_count = 0;
        oom_live = 0;
        oom_persist = persist;
        oom_fail_at = n;
        printf("fail at allocation %ld of %ld%s\n", n, total, persist ? " and after" : "");
        fflush(stdout);
        scenario();
        oom_fail_at = 0;
        if (oom_live != 0) FAIL("allocation %ld failing: %ld allocations never freed", n, oom_live);
    }
}

/* ---- loop: timers, intervals, immediates, ticks, microtasks -------------- */

typedef struct {
    int fired;
    int failed; /* the call that scheduled it reported an error */
} oom_flag;

static void oom_fire(void *arg) { ((oom_flag *)arg)->fired++; }

typedef struct {
    asy_loop_t *loop;
    asy_timer_id_t id;
    int fired;
} oom_iv;

static void oom_iv_fire(void *arg) {
    oom_iv *iv = (oom_iv *)arg;
    if (++iv->fired == 3) ASSERT_OK(asy_clear_timer(iv->loop, iv->id));
}

static void oom_check_flags(const oom_flag *f, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (f[i].failed) ASSERT_EQ(f[i].fired, 0);
        else ASSERT_EQ(f[i].fired, 1);
    }
}

static void oom_scenario_loop(void) {
    asy_loop_t loop;
    asy_loop_opts_t o;
    oom_flag timers[80], imms[300], ticks[100], mts[100];
    oom_iv ivs[4];
    size_t i;
    memset(&o, 0, sizeof(o));
    o.virtual_clock = 1;
    memset(timers, 0, sizeof(timers));
    memset(imms, 0, sizeof(imms));
    memset(ticks, 0, sizeof(ticks));
    memset(mts, 0, sizeof(mts));
    memset(ivs, 0, sizeof(ivs));
    if (asy_loop_init(&loop, &o) != 0) return;
    for (i = 0; i < 80; i++)
        timers[i].failed = !asy_set_timeout(&loop, oom_fire, &timers[i], i % 7).id;
    for (i = 0; i < 4; i++) {
        ivs[i].loop = &loop;
        ivs[i].id = asy_set_interval(&loop, oom_iv_fire, &ivs[i], 5);
    }
    for (i = 0; i < 300; i++) imms[i].failed = !asy_set_immediate(&loop, oom_fire, &imms[i]).id;
    for (i = 0; i < 100; i++) {
        int r = asy_next_tick(&loop, oom_fire, &ticks[i]);
        ASSERT(r == 0 || r == ASY_ENOMEM);
        ticks[i].failed = r != 0;
        r = asy_queue_microtask(&loop, oom_fire, &mts[i]);
        ASSERT(r == 0 || r == ASY_ENOMEM);
        mts[i].failed = r != 0;
    }
    {
        int r = asy_loop_lag_monitor(&loop, 3);
        ASSERT(r == 0 || r == ASY_ENOMEM);
    }
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    oom_check_flags(timers, 80);
    oom_check_flags(imms, 300);
    oom_check_flags(ticks, 100);
    oom_check_flags(mts, 100);
    for (i = 0; i < 4; i++) ASSERT_EQ(ivs[i].fired, ivs[i].id.id ? 3 : 0);
    ASSERT_OK(asy_loop_close(&loop));
}

TEST_T(oom_loop, 60000) { oom_sweep(oom_scenario_loop, 0); }
TEST_T(oom_loop_persistent, 60000) { oom_sweep(oom_scenario_loop, 1); }

/* ---- promises: then/catch/finally, adoption, combinators, owned values -- */

typedef struct {
    int ran;
    int failed; /* the call that attached it returned NULL / an error */
} oom_cont;

static int oom_unhandled;
static void oom_on_unhandled(void *arg, const asy_settled_t *reason) {
    (void)arg;
    (void)reason;
    oom_unhandled++;
}

static asy_ret_t oom_then_pass(void *arg, const asy_settled_t *in) {
    ((oom_cont *)arg)->ran++;
    return asy_pass(in);
}
static asy_ret_t oom_then_fail(void *arg, const asy_settled_t *in) {
    (void)in;
    ((oom_cont *)arg)->ran++;
    return asy_fail(ASY_EIO, "a message that is copied");
}
static asy_ret_t oom_then_owned(void *arg, const asy_settled_t *in) {
    void *v;
    (void)in;
    ((oom_cont *)arg)->ran++;
    if (!(v = oom_malloc(24))) return asy_fail(ASY_ENOMEM, NULL);
    return asy_ok_owned(v, oom_free);
}
static void oom_observe(void *arg, const asy_settled_t *in) {
    (void)in;
    ((oom_cont *)arg)->ran++;
}

/* a continuation that returns a promise settled later by a timer */
typedef struct {
    asy_loop_t *loop;
    oom_cont c;
} oom_chain_ctx;
static void oom_settle_later(void *arg) {
    asy_promise_t *p = (asy_promise_t *)arg;
    asy_promise_resolve(p, NULL);
    asy_promise_release(p);
}
static asy_ret_t oom_then_chain(void *arg, const asy_settled_t *in) {
    oom_chain_ctx *x = (oom_chain_ctx *)arg;
    asy_promise_t *q = asy_promise_new(x->loop);
    (void)in;
    x->c.ran++;
    if (q && !asy_set_timeout(x->loop, oom_settle_later, asy_promise_retain(q), 2).id) {
        asy_promise_release(q); /* the timer's reference */
        asy_promise_resolve(q, NULL);
    }
    return asy_chain(q); /* NULL: rejects with ENOMEM */
}

#define OOM_NC 16
static oom_cont oom_conts[OOM_NC];
static int oom_nc;

/* attaches an observer that must run exactly when attaching worked */
static void oom_watch(asy_promise_t *p) {
    oom_cont *c = &oom_conts[oom_nc++];
    if (!p) {
        c->failed = 1;
        return;
    }
    c->failed = asy_promise_on_settled(p, oom_observe, c) != 0;
}

static void oom_scenario_promise(void) {
    asy_loop_t loop;
    asy_loop_opts_t o;
    asy_promise_t *ps[10], *p, *q, *comb[3];
    oom_cont th[6];
    oom_chain_ctx cx;
    size_t i, np = 0;
    memset(&o, 0, sizeof(o));
    o.virtual_clock = 1;
    memset(th, 0, sizeof(th));
    memset(oom_conts, 0, sizeof(oom_conts));
    memset(&cx, 0, sizeof(cx));
    oom_nc = 0;
    oom_unhandled = 0;
    if (asy_loop_init(&loop, &o) != 0) return;
    cx.loop = &loop;
    if (asy_promise_on_unhandled(&loop, oom_on_unhandled, NULL) != 0) {
        ASSERT_OK(asy_loop_close(&loop));
        return;
    }
    p = asy_promise_new(&loop);
    if (p) {
        ps[np++] = p;
        q = asy_promise_then(p, oom_then_owned, NULL, &th[0]);
        th[0].failed = !q;
        if (q) ps[np++] = q;
        q = asy_promise_then(q ? q : p, oom_then_chain, NULL, &cx);
        cx.c.failed = !q;
        if (q) ps[np++] = q;
        q = asy_promise_then(q ? q : p, oom_then_fail, NULL, &th[1]);
        th[1].failed = !q;
        if (q) ps[np++] = q;
        q = asy_promise_catch(q ? q : p, oom_then_pass, &th[2]);
        th[2].failed = !q;
        if (q) ps[np++] = q;
        q = asy_promise_finally(q ? q : p, oom_then_owned, &th[3]);
        th[3].failed = !q;
        if (q) ps[np++] = q;
        q = asy_promise_from(&loop, asy_chain(asy_promise_retain(p)));
        if (q) ps[np++] = q;
    }
    q = asy_promise_rejected(&loop, ASY_ENOENT, "rejected at once");
    if (q) ps[np++] = q;
    q = asy_promise_resolved(&loop, NULL);
    if (q) ps[np++] = q;
    comb[0] = asy_promise_all(&loop, ps, np);
    comb[1] = asy_promise_all_settled(&loop, ps, np);
    comb[2] = asy_promise_any(&loop, ps, np);
    for (i = 0; i < 3; i++) oom_watch(comb[i]);
    oom_watch(asy_promise_race(&loop, ps, np));
    for (i = 0; i < np; i++) oom_watch(ps[i]);
    if (p) {
        void *v = oom_malloc(16);
        if (v) ASSERT_OK(asy_promise_settle(p, asy_ok_owned(v, oom_free)));
        else ASSERT_OK(asy_promise_resolve(p, NULL));
    }
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    for (i = 0; i < 4; i++)
        if (th[i].failed) ASSERT_EQ(th[i].ran, 0);
    if (cx.c.failed) ASSERT_EQ(cx.c.ran, 0);
    for (i = 0; i < (size_t)oom_nc; i++) {
        if (oom_conts[i].failed) ASSERT_EQ(oom_conts[i].ran, 0);
        else if (oom_conts[i].ran != 1) FAIL("observer %zu of %d ran %d times", i, oom_nc, oom_conts[i].ran);
    }
    for (i = 0; i < 3; i++) asy_promise_release(comb[i]);
    for (i = 0; i < np; i++) asy_promise_release(ps[i]);
    ASSERT_OK(asy_loop_close(&loop));
}

TEST_T(oom_promise, 60000) { oom_sweep(oom_scenario_promise, 0); }
TEST_T(oom_promise_persistent, 60000) { oom_sweep(oom_scenario_promise, 1); }

/* A settled promise's job that cannot get a place on the microtask ring is
 * parked and must still run, even when the ring has never been allocated. */
TEST(oom_promise_job_runs_when_ring_cannot_grow) {
    asy_loop_t loop;
    asy_promise_t *p;
    oom_cont c;
    memset(&c, 0, sizeof(c));
    oom_fail_at = 0;
    oom_live = 0;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_NOT_NULL(p = asy_promise_new(&loop));
    ASSERT_OK(asy_promise_on_settled(p, oom_observe, &c));
    oom_count = 0;
    oom_fail_at = 1; /* the next allocation fails */
    ASSERT_OK(asy_promise_resolve(p, NULL));
    oom_fail_at = 0;
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(c.ran, 1);
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(oom_live, 0);
}

/* ---- limit: run and map ----------------------------------------------------- */

typedef struct {
    asy_loop_t *loop;
    int calls[2 + 100];
} oom_tasks;

static asy_ret_t oom_task_sync(void *arg) {
    oom_tasks *t = (oom_tasks *)arg;
    t->calls[0]++;
    return asy_ok(NULL);
}
static asy_ret_t oom_task_later(void *arg) {
    oom_tasks *t = (oom_tasks *)arg;
    asy_promise_t *q = asy_promise_new(t->loop);
    t->calls[1]++;
    if (q && !asy_set_timeout(t->loop, oom_settle_later, asy_promise_retain(q), 1).id) {
        asy_promise_release(q);
        asy_promise_resolve(q, NULL);
    }
    return asy_chain(q);
}
static asy_ret_t oom_map_fn(void *arg, size_t i) {
    oom_tasks *t = (oom_tasks *)arg;
    t->calls[2 + i]++;
    return i % 2 ? oom_task_later(arg) : asy_ok(NULL);
}

static void oom_scenario_limit(void) {
    asy_loop_t loop;
    asy_loop_opts_t o;
    asy_limit_t *lim;
    asy_promise_t *ps[40], *m;
    oom_tasks t;
    int i, expect_sync = 0, expect_later = 0;
    memset(&o, 0, sizeof(o));
    o.virtual_clock = 1;
    memset(&t, 0, sizeof(t));
    t.loop = &loop;
    memset(ps, 0, sizeof(ps));
    if (asy_loop_init(&loop, &o) != 0) return;
    if (asy_promise_on_unhandled(&loop, oom_on_unhandled, NULL) != 0 ||
        !(lim = asy_limit_new(&loop, 2, NULL))) {
        ASSERT_OK(asy_loop_close(&loop));
        return;
    }
    for (i = 0; i < 40; i++) {
        ps[i] = asy_limit_run(lim, i % 3 ? oom_task_sync : oom_task_later, &t);
        if (ps[i]) *(i % 3 ? &expect_sync : &expect_later) += 1;
        /* a NULL run must not have called its task */
        ASSERT_LE(t.calls[0], expect_sync);
        ASSERT_LE(t.calls[1], expect_later);
    }
    m = asy_limit_map(lim, 100, oom_map_fn, &t); /* the ring grows midway */
    if (m) oom_watch(m);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    /* every task of a map that worked ran once; none of one that failed */
    for (i = 0; i < 100; i++) ASSERT_EQ(t.calls[2 + i], (m ? 1 : 0));
    ASSERT_EQ(asy_limit_active(lim), 0);
    ASSERT_EQ(asy_limit_pending(lim), 0);
    asy_limit_free(lim);
    for (i = 0; i < 40; i++) {
        if (ps[i]) ASSERT(asy_promise_state_of(ps[i]) != ASY_PROMISE_PENDING);
        asy_promise_release(ps[i]);
    }
    asy_promise_release(m);
    ASSERT_OK(asy_loop_close(&loop));
}

static void oom_scenario_limit_outer(void) {
    oom_nc = 0;
    memset(oom_conts, 0, sizeof(oom_conts));
    oom_scenario_limit();
}

TEST_T(oom_limit, 60000) { oom_sweep(oom_scenario_limit_outer, 0); }
TEST_T(oom_limit_persistent, 60000) { oom_sweep(oom_scenario_limit_outer, 1); }

/* A map that reports ENOMEM must not leave any of its tasks queued. */
TEST(oom_limit_map_failure_runs_no_task) {
    asy_loop_t loop;
    asy_limit_t *lim;
    asy_promise_t *first;
    oom_tasks t;
    int i;
    memset(&t, 0, sizeof(t));
    t.loop = &loop;
    oom_fail_at = 0;
    oom_live = 0;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_NOT_NULL(lim = asy_limit_new(&loop, 1, NULL));
    ASSERT_NOT_NULL(first = asy_limit_run(lim, oom_task_later, &t)); /* holds the slot */
    oom_count = 0;
    oom_fail_at = 3; /* somewhere in the middle of queueing 100 tasks */
    oom_persist = 0;
    ASSERT_NULL(asy_limit_map(lim, 100, oom_map_fn, &t));
    oom_fail_at = 0;
    ASSERT_EQ(asy_limit_pending(lim), 0);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    for (i = 0; i < 100; i++) ASSERT_EQ(t.calls[2 + i], 0);
    asy_limit_free(lim);
    asy_promise_release(first);
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(oom_live, 0);
}

/* ---- semaphore ---------------------------------------------------------------- */

typedef struct {
    asy_sem_t *sem;
    int status[3]; /* calls with 0, ETIMEDOUT, ECANCELED */
    int other;
} oom_semlog;

static void oom_sem_cb(asy_sem_t *sem, int status, void *arg) {
    oom_semlog *l = (oom_semlog *)arg;
    ASSERT(sem == l->sem);
    if (status == 0) {
        l->status[0]++;
        ASSERT_OK(asy_sem_release(l->sem, 1));
    } else if (status == ASY_ETIMEDOUT) {
        l->status[1]++;
    } else if (status == ASY_ECANCELED) {
        l->status[2]++;
    } else {
        l->other++;
    }
}
static asy_ret_t oom_sem_task(void *arg) {
    ((oom_cont *)arg)->ran++;
    return asy_ok(NULL);
}

static void oom_scenario_sem(void) {
    asy_loop_t loop;
    asy_loop_opts_t o;
    asy_sem_t *sem;
    asy_sem_wait_t w[300];
    asy_promise_t *ps[4];
    oom_semlog l;
    oom_cont tasks[2];
    int i, queued = 0;
    memset(&o, 0, sizeof(o));
    o.virtual_clock = 1;
    memset(&l, 0, sizeof(l));
    memset(tasks, 0, sizeof(tasks));
    memset(ps, 0, sizeof(ps));
    oom_nc = 0;
    memset(oom_conts, 0, sizeof(oom_conts));
    if (asy_loop_init(&loop, &o) != 0) return;
    if (asy_promise_on_unhandled(&loop, oom_on_unhandled, NULL) != 0) {
        ASSERT_OK(asy_loop_close(&loop));
        return;
    }
    {
        int err = 1;
        if (!(sem = asy_sem_new(&loop, 2, &err))) {
            ASSERT_EQ(err, ASY_ENOMEM); /* the only way it fails here */
            ASSERT_OK(asy_loop_close(&loop));
            return;
        }
        ASSERT_EQ(err, 0);
    }
    l.sem = sem;
    ASSERT_OK(asy_sem_try_acquire(sem, 2)); /* everyone below waits */
    for (i = 0; i < 300; i++) { /* past one chunk of waiter records */
        int r = asy_sem_acquire_cb(sem, 1, i % 2 ? 0 : 5, oom_sem_cb, &l, &w[i]);
        ASSERT(r == 0 || r == ASY_ENOMEM);
        if (r == 0) queued++;
        else ASSERT_EQ(w[i].id, 0);
    }
    for (i = 0; i < 2; i++) {
        ps[i] = asy_sem_acquire(sem, 1, 3, NULL);
        oom_watch(ps[i]);
    }
    for (i = 2; i < 4; i++) {
        ps[i] = asy_sem_run(sem, 1, oom_sem_task, &tasks[i - 2]);
        oom_watch(ps[i]);
    }
    for (i = 1; i < 300; i += 10)
        if (w[i].id) {
            ASSERT_OK(asy_sem_cancel(sem, w[i]));
        }
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_sem_release(sem, 2));
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(l.status[0] + l.status[1] + l.status[2], queued); /* each exactly once */
    ASSERT_EQ(l.other, 0);
    for (i = 2; i < 4; i++) {
        /* a task runs exactly when its run fulfils (ENOMEM: it never ran) */
        if (ps[i]) ASSERT_EQ(tasks[i - 2].ran, (asy_promise_state_of(ps[i]) == ASY_PROMISE_FULFILLED));
        else ASSERT_EQ(tasks[i - 2].ran, 0);
    }
    for (i = 0; i < oom_nc; i++) {
        if (oom_conts[i].failed) ASSERT_EQ(oom_conts[i].ran, 0);
        else ASSERT_EQ(oom_conts[i].ran, 1);
    }
    ASSERT_EQ(asy_sem_available(sem), 2);
    asy_sem_free(sem);
    for (i = 0; i < 4; i++) asy_promise_release(ps[i]);
    ASSERT_OK(asy_loop_close(&loop));
}

TEST_T(oom_sem, 60000) { oom_sweep(oom_scenario_sem, 0); }
TEST_T(oom_sem_persistent, 60000) { oom_sweep(oom_scenario_sem, 1); }

/* ---- resource pool ---------------------------------------------------------------- */

static int oom_res[64];
static int oom_res_next, oom_res_live;

static asy_ret_t oom_res_create(void *ctx) {
    (void)ctx;
    if (oom_res_next == 64) return asy_fail(ASY_EMFILE, "out of resources");
    oom_res_live++;
    return asy_ok(&oom_res[oom_res_next++]);
}
static asy_ret_t oom_res_destroy(void *ctx, void *r) {
    (void)ctx;
    (void)r;
    oom_res_live--;
    return asy_ok(NULL);
}
static asy_ret_t oom_res_validate(void *ctx, void *r) {
    (void)ctx;
    (void)r;
    return asy_ok(NULL);
}
static asy_ret_t oom_use_fn(void *arg, void *r) {
    (void)r;
    ((oom_cont *)arg)->ran++;
    return asy_ok(NULL);
}
static asy_rpool_t *oom_pool;
static void oom_got(void *arg, const asy_settled_t *in) {
    ((oom_cont *)arg)->ran++;
    if (in->state == ASY_PROMISE_FULFILLED) ASSERT_OK(asy_rpool_release(oom_pool, in->value));
}

static void oom_scenario_rpool(void) {
    asy_loop_t loop;
    asy_loop_opts_t o;
    asy_rpool_factory_t f;
    asy_rpool_opts_t po;
    asy_promise_t *ps[12], *end;
    oom_cont got[12], used[4];
    int i;
    memset(&o, 0, sizeof(o));
    o.virtual_clock = 1;
    memset(&f, 0, sizeof(f));
    f.create = oom_res_create;
    f.destroy = oom_res_destroy;
    f.validate = oom_res_validate;
    memset(&po, 0, sizeof(po));
    po.min = 1;
    po.max = 3;
    po.validate_on_borrow = 1;
    po.acquire_timeout_ms = 50;
    po.idle_timeout_ms = 20;
    memset(got, 0, sizeof(got));
    memset(used, 0, sizeof(used));
    memset(ps, 0, sizeof(ps));
    oom_res_next = oom_res_live = 0;
    if (asy_loop_init(&loop, &o) != 0) return;
    if (asy_promise_on_unhandled(&loop, oom_on_unhandled, NULL) != 0 ||
        !(oom_pool = asy_rpool_new(&loop, &f, &po, NULL))) {
        ASSERT_OK(asy_loop_close(&loop));
        ASSERT_EQ(oom_res_live, 0);
        return;
    }
    for (i = 0; i < 8; i++) {
        ps[i] = asy_rpool_acquire(oom_pool, 0);
        got[i].failed = !ps[i] || asy_promise_on_settled(ps[i], oom_got, &got[i]) != 0;
        if (ps[i] && got[i].failed) asy_promise_mark_handled(ps[i]);
    }
    for (i = 0; i < 4; i++) {
        ps[8 + i] = asy_rpool_use(oom_pool, 0, oom_use_fn, &used[i]);
        if (ps[8 + i]) asy_promise_mark_handled(ps[8 + i]);
        else used[i].failed = 1;
    }
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    for (i = 0; i < 8; i++) ASSERT_EQ(got[i].ran, got[i].failed ? 0 : 1);
    for (i = 0; i < 4; i++)
        if (used[i].failed) ASSERT_EQ(used[i].ran, 0);
    end = asy_rpool_end(oom_pool);
    if (!end) { /* ENOMEM: the pool lives on; end it once memory is back */
        oom_fail_at = 0;
        end = asy_rpool_end(oom_pool);
    }
    if (end) {
        asy_promise_mark_handled(end);
        ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
        ASSERT_EQ(asy_promise_state_of(end), ASY_PROMISE_FULFILLED);
        ASSERT_EQ(oom_res_live, 0); /* every resource made was destroyed */
        asy_promise_release(end);
    }
    for (i = 0; i < 12; i++) asy_promise_release(ps[i]);
    ASSERT_OK(asy_loop_close(&loop));
}

TEST_T(oom_rpool, 60000) { oom_sweep(oom_scenario_rpool, 0); }
TEST_T(oom_rpool_persistent, 60000) { oom_sweep(oom_scenario_rpool, 1); }

/* Jobs parked at the end of a drain (the ring could not grow) must not
 * make that drain skip its unhandled-rejection check. */
static void oom_noop(void *arg) { (void)arg; }

TEST(oom_parked_jobs_do_not_hide_unhandled_rejections) {
    asy_loop_t loop;
    asy_promise_t *p, *q;
    oom_cont c;
    int i;
    memset(&c, 0, sizeof(c));
    oom_fail_at = 0;
    oom_live = 0;
    oom_unhandled = 0;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_promise_on_unhandled(&loop, oom_on_unhandled, NULL));
    ASSERT_NOT_NULL(q = asy_promise_rejected(&loop, ASY_EIO, NULL)); /* nobody handles it */
    ASSERT_NOT_NULL(p = asy_promise_new(&loop));
    ASSERT_OK(asy_promise_on_settled(p, oom_observe, &c));
    while (loop.microtasks_.count < loop.microtasks_.cap) /* the ring is full */
        ASSERT_OK(asy_queue_microtask(&loop, oom_noop, NULL));
    oom_count = 0;
    oom_fail_at = 1; /* it cannot grow: p's job is parked */
    ASSERT_OK(asy_promise_resolve(p, NULL));
    oom_fail_at = 0;
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(c.ran, 1);
    ASSERT_EQ(oom_unhandled, 1);
    for (i = 0; i < 2; i++) asy_promise_release(i ? p : q);
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(oom_live, 0);
}

/* ---- out of memory right after a task ran ----------------------------------
 * The reaction pool is used up exactly, and its next chunk (a size no other
 * allocation here has) fails: whatever watches a task's outcome cannot be
 * allocated.  A task must then not run at all, and what it would have held
 * (a pool resource, permits) must not be lent to nobody or handed back while
 * the task still works. */
static oom_cont oom_sink;
static asy_promise_t *oom_exhaust_reactions(asy_loop_t *loop) {
    asy__promise_state *st = asy__promise_st(loop);
    asy_promise_t *dummy;
    ASSERT_NOT_NULL(st);
    ASSERT_OK(asy__objpool_reserve(&st->promises, 16));
    ASSERT_NOT_NULL(dummy = asy_promise_new(loop));
    while (st->reactions.live < st->reactions.total)
        ASSERT_OK(asy_promise_on_settled(dummy, oom_observe, &oom_sink));
    oom_fail_size = st->reactions.next_items * st->reactions.item_size + 64;
    return dummy; /* pending: released, it drops its observers */
}

typedef struct {
    asy_loop_t *loop;
    int ran;
} oom_work;
static asy_ret_t oom_use_pending(void *arg, void *resource) {
    oom_work *wk = (oom_work *)arg;
    asy_promise_t *q = asy_promise_new(wk->loop);
    (void)resource;
    wk->ran++;
    ASSERT_NOT_NULL(q);
    ASSERT(asy_set_timeout(wk->loop, oom_settle_later, asy_promise_retain(q), 10).id);
    return asy_chain(q);
}
static asy_ret_t oom_task_pending(void *arg) { return oom_use_pending(arg, NULL); }

static void oom_pool_setup(asy_loop_t *loop, void **held) {
    asy_rpool_factory_t f;
    asy_rpool_opts_t po;
    asy_promise_t *p;
    memset(&f, 0, sizeof(f));
    f.create = oom_res_create;
    f.destroy = oom_res_destroy;
    memset(&po, 0, sizeof(po));
    po.max = 1;
    oom_res_next = oom_res_live = 0;
    oom_fail_at = 0;
    oom_fail_size = 0;
    oom_live = 0;
    ASSERT_OK(asy_loop_init(loop, NULL));
    ASSERT_NOT_NULL(oom_pool = asy_rpool_new(loop, &f, &po, NULL));
    ASSERT_NOT_NULL(p = asy_rpool_acquire(oom_pool, 0)); /* the only resource */
    asy_run(loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_FULFILLED);
    *held = asy_promise_result(p)->value;
    asy_promise_release(p);
}

static void oom_pool_end(asy_loop_t *loop) {
    asy_promise_t *end;
    ASSERT_NOT_NULL(end = asy_rpool_end(oom_pool));
    asy_run(loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(asy_promise_state_of(end), ASY_PROMISE_FULFILLED); /* nothing left out */
    ASSERT_EQ(oom_res_live, 0);
    asy_promise_release(end);
    ASSERT_OK(asy_loop_close(loop));
    ASSERT_EQ(oom_live, 0);
}

TEST(oom_rpool_use_that_fails_lends_to_nobody) {
    asy_loop_t loop;
    asy_promise_t *dummy, *u;
    oom_work wk;
    void *held;
    oom_pool_setup(&loop, &held);
    memset(&wk, 0, sizeof(wk));
    wk.loop = &loop;
    dummy = oom_exhaust_reactions(&loop);
    u = asy_rpool_use(oom_pool, 0, oom_use_pending, &wk); /* must wait: max 1 */
    oom_fail_size = 0;
    asy_promise_release(dummy);
    ASSERT_NULL(u);
    ASSERT_OK(asy_rpool_release(oom_pool, held)); /* no hidden waiter takes it */
    asy_run(&loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(wk.ran, 0);
    oom_pool_end(&loop);
}

TEST(oom_rpool_use_task_does_not_run_without_its_watch) {
    asy_loop_t loop;
    asy_promise_t *dummy, *u;
    oom_work wk;
    void *held;
    asy_rpool_stats_t st;
    oom_pool_setup(&loop, &held);
    memset(&wk, 0, sizeof(wk));
    wk.loop = &loop;
    ASSERT_NOT_NULL(u = asy_rpool_use(oom_pool, 0, oom_use_pending, &wk));
    asy_promise_mark_handled(u);
    dummy = oom_exhaust_reactions(&loop);
    ASSERT_OK(asy_rpool_release(oom_pool, held)); /* lent to the use() */
    asy_run(&loop, ASY_RUN_NOWAIT);
    oom_fail_size = 0;
    asy_promise_release(dummy);
    ASSERT_OK(asy_rpool_stats(oom_pool, &st));
    if (wk.ran) { /* fn works on the resource: it is still borrowed */
        ASSERT_EQ(st.borrowed, 1);
        ASSERT_EQ(asy_promise_state_of(u), ASY_PROMISE_PENDING);
    } else {
        ASSERT_EQ(asy_promise_result(u)->error, ASY_ENOMEM);
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(u);
    oom_pool_end(&loop);
}

TEST(oom_sem_run_task_does_not_run_without_its_watch) {
    asy_loop_t loop;
    asy_sem_t *sem;
    asy_promise_t *dummy, *r;
    oom_work wk;
    oom_fail_at = 0;
    oom_fail_size = 0;
    oom_live = 0;
    memset(&wk, 0, sizeof(wk));
    wk.loop = &loop;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_NOT_NULL(sem = asy_sem_new(&loop, 1, NULL));
    ASSERT_OK(asy_sem_try_acquire(sem, 1));
    ASSERT_NOT_NULL(r = asy_sem_run(sem, 1, oom_task_pending, &wk)); /* waits */
    asy_promise_mark_handled(r);
    dummy = oom_exhaust_reactions(&loop);
    ASSERT_OK(asy_sem_release(sem, 1)); /* granted to the run */
    asy_run_microtasks(&loop);
    oom_fail_size = 0;
    asy_promise_release(dummy);
    if (wk.ran) { /* the task works: it still holds the permit */
        ASSERT_EQ(asy_sem_available(sem), 0);
        ASSERT_EQ(asy_promise_state_of(r), ASY_PROMISE_PENDING);
    } else {
        ASSERT_EQ(asy_promise_result(r)->error, ASY_ENOMEM);
        ASSERT_EQ(asy_sem_available(sem), 1);
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_sem_free(sem);
    asy_promise_release(r);
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(oom_live, 0);
}

/* ---- buffers and byte chains ------------------------------------------------- */

static int oom_ext_freed;
static void oom_ext_free(void *data, void *hint) {
    (void)data;
    (void)hint;
    oom_ext_freed++;
}

/* An output left by a failed call must be empty. */
static int oom_buf_ok(int r, const asy_buf_t *b) {
    if (r < 0) {
        ASSERT_EQ(r, ASY_ENOMEM);
        ASSERT_NULL(b->store);
        ASSERT_EQ(b->len, 0);
        return 0;
    }
    return 1;
}

static void oom_scenario_buf(void) {
    static const char *const texts[] = {"aGVsbG8gd29ybGQ=", "68656c6c6f", "h\xc3\xa9llo",
                                        "!!aG!!Vs!!bG!!8=!!"};
    static const asy_encoding_t encs[] = {ASY_ENC_BASE64, ASY_ENC_HEX, ASY_ENC_UTF8,
                                          ASY_ENC_BASE64};
    static char ext[32], big[5000];
    char junk[600];
    asy_buf_t b[4], s, c, e, t;
    asy_bufchain_t ch;
    char *str;
    size_t i;
    int r, made[4];
    memset(junk, '!', sizeof(junk));
    memcpy(junk + 300, "aGk=", 4);
    junk[sizeof(junk) - 1] = 0;
    for (i = 0; i < 4; i++) {
        r = asy_buf_from_stringn(&b[i], texts[i], strlen(texts[i]), encs[i],
                                 i == 3 ? ASY_BUF_LENIENT : 0);
        made[i] = oom_buf_ok(r, &b[i]);
    }
    r = asy_buf_from_stringn(&t, junk, strlen(junk), ASY_ENC_BASE64, ASY_BUF_LENIENT);
    if (oom_buf_ok(r, &t)) { /* shrunk to fit (a realloc that may fail harmlessly) */
        ASSERT_EQ(t.len, 2);
        ASSERT_MEM_EQ(t.data, "hi", 2);
        asy_buf_release(&t);
    }
    if (made[0]) {
        r = asy_buf_to_string(&b[0], ASY_ENC_HEX, &str, NULL);
        if (r == 0) {
            ASSERT_STR_EQ(str, "68656c6c6f20776f726c64");
            asy_free(str);
        } else {
            ASSERT_EQ(r, ASY_ENOMEM);
            ASSERT_NULL(str);
        }
        ASSERT_OK(asy_buf_slice(&s, &b[0], 1, -1));
        if (oom_buf_ok(asy_buf_dup(&c, &s), &c)) asy_buf_release(&c);
        asy_buf_release(&s);
    }
    oom_ext_freed = 0;
    r = asy_buf_from_external(&e, ext, sizeof(ext), oom_ext_free, NULL);
    if (oom_buf_ok(r, &e)) {
        asy_buf_release(&e);
        ASSERT_EQ(oom_ext_freed, 1);
    } else {
        ASSERT_EQ(oom_ext_freed, 0); /* still the caller's memory */
    }
    asy_bufchain_init(&ch);
    for (i = 0; i < 4; i++) {
        size_t before = asy_bufchain_len(&ch);
        if (made[i]) {
            r = asy_bufchain_append(&ch, &b[i]);
            ASSERT(r == 0 || r == ASY_ENOMEM);
            ASSERT_EQ(asy_bufchain_len(&ch), before + (r == 0 ? b[i].len : 0));
        }
        before = asy_bufchain_len(&ch);
        r = asy_bufchain_append_bytes(&ch, big, sizeof(big));
        ASSERT(r == 0 || r == ASY_ENOMEM);
        if (r == 0) ASSERT_EQ(asy_bufchain_len(&ch), before + sizeof(big));
    }
    if (oom_buf_ok(asy_bufchain_flatten(&ch, &c), &c)) {
        ASSERT_EQ(c.len, asy_bufchain_len(&ch));
        asy_buf_release(&c);
    }
    {
        size_t before = asy_bufchain_len(&ch), want = before / 2;
        r = asy_bufchain_take(&ch, want, &c);
        if (oom_buf_ok(r, &c)) {
            ASSERT_EQ(c.len, want);
            ASSERT_EQ(asy_bufchain_len(&ch), before - want);
            asy_buf_release(&c);
        } else {
            ASSERT_EQ(asy_bufchain_len(&ch), before); /* nothing consumed */
        }
    }
    if (made[0] && made[1]) {
        r = asy_buf_concat(&c, b, 2, ASY_BUF_END);
        if (oom_buf_ok(r, &c)) asy_buf_release(&c);
    }
    asy_bufchain_reset(&ch);
    for (i = 0; i < 4; i++) asy_buf_release(&b[i]);
}

TEST_T(oom_buf, 60000) { oom_sweep(oom_scenario_buf, 0); }
TEST_T(oom_buf_persistent, 60000) { oom_sweep(oom_scenario_buf, 1); }

TEST(oom_limit_task_does_not_run_without_its_watch) {
    asy_loop_t loop;
    asy_limit_t *lim;
    asy_promise_t *dummy, *r;
    oom_work wk;
    oom_tasks warm;
    oom_fail_at = 0;
    oom_fail_size = 0;
    oom_live = 0;
    memset(&wk, 0, sizeof(wk));
    wk.loop = &loop;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_NOT_NULL(lim = asy_limit_new(&loop, 1, NULL));
    memset(&warm, 0, sizeof(warm));
    ASSERT_NOT_NULL(r = asy_limit_run(lim, oom_task_sync, &warm)); /* warms the pools up */
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(r);
    dummy = oom_exhaust_reactions(&loop);
    r = asy_limit_run(lim, oom_task_pending, &wk); /* starts at once */
    oom_fail_size = 0;
    asy_promise_release(dummy);
    ASSERT_NOT_NULL(r);
    asy_promise_mark_handled(r);
    if (wk.ran) { /* the task works: it still holds its slot */
        ASSERT_EQ(asy_limit_active(lim), 1);
        ASSERT_EQ(asy_promise_state_of(r), ASY_PROMISE_PENDING);
    } else {
        asy_run_microtasks(&loop);
        ASSERT_EQ(asy_promise_result(r)->error, ASY_ENOMEM);
        ASSERT_EQ(asy_limit_active(lim), 0);
    }
    asy_run(&loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(asy_limit_active(lim), 0);
    asy_limit_free(lim);
    asy_promise_release(r);
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(oom_live, 0);
}

/* path.parse: one allocation, and all fields NULL when it fails. */
static void oom_scenario_path_parse(void) {
    asy_path_parsed_t p;
    int r = asy_path_posix_parse(&p, "/home/user/file.txt");
    if (r == 0) {
        ASSERT_STR_EQ(p.dir, "/home/user");
        ASSERT_STR_EQ(p.base, "file.txt");
        ASSERT_STR_EQ(p.name, "file");
        ASSERT_STR_EQ(p.ext, ".txt");
        asy_path_parsed_free(&p);
    } else {
        ASSERT_EQ(r, ASY_ENOMEM);
        ASSERT_NULL(p.storage);
        ASSERT_NULL(p.dir);
        ASSERT_NULL(p.name);
    }
}

TEST(oom_path_parse) { oom_sweep(oom_scenario_path_parse, 0); }

/* ---- http server: no memory for a new connection ------------------------ */

#if ASYNCRT_OS_POSIX
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static void oom_http_hello(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    (void)req;
    asy_http_res_end(res, "still here", 10);
}

/* The connection's struct cannot be allocated when the client connects:
 * the connection is neither dropped nor reset -- it waits in the backlog
 * and is served once memory is back (the server's timer takes it). */
TEST_T(oom_http_server_connection_waits_for_memory, 20000) {
    asy_loop_t loop;
    asy_http_server_t srv;
    struct sockaddr_in sin;
    char buf[1024];
    size_t got = 0;
    int fd, i;
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    oom_fail_at = 0;
    oom_fail_size = 0;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_http_server_init(&loop, &srv, NULL, oom_http_hello));
    ASSERT_OK(asy_http_server_listen(&srv, "127.0.0.1", 0, 16));
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)asy_http_server_port(&srv));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    oom_fail_size = sizeof(asy__http_conn);
    ASSERT_OK(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
    ASSERT_EQ(write(fd, req, sizeof(req) - 1), (ssize_t)(sizeof(req) - 1));
    for (i = 0; i < 20 && !(srv.state_ & ASY__HSRV_ACCEPT_WAIT); i++) {
        asy_run(&loop, ASY_RUN_NOWAIT);
        usleep(2000);
    }
    ASSERT(srv.state_ & ASY__HSRV_ACCEPT_WAIT);
    ASSERT_EQ(asy_http_server_connections(&srv), 0);
    oom_fail_size = 0;
    for (i = 0; i < 2000; i++) {
        ssize_t n;
        asy_run(&loop, ASY_RUN_NOWAIT);
        n = recv(fd, buf + got, sizeof(buf) - 1 - got, MSG_DONTWAIT);
        if (n == 0) break;
        if (n > 0) got += (size_t)n;
        else usleep(1000);
    }
    buf[got] = 0;
    ASSERT(strstr(buf, "HTTP/1.1 200 OK") != NULL);
    ASSERT(strstr(buf, "still here") != NULL);
    close(fd);
    asy_http_server_close(&srv, NULL);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(oom_live, 0);
}
#endif
