/* asy_sem: FIFO fairness with weights, try_acquire, timeouts on the
 * virtual clock, cancellation, over-release, run(), and a property test of
 * random acquire / release / cancel / time interleavings. */
#include "../asyncrt.h"
#include "test.h"
#include "loop_util.h"

static asy_loop_t L;
static asy_sem_t *S;

static void setup(size_t permits) {
    asy_loop_opts_t o;
    memset(&o, 0, sizeof(o));
    o.virtual_clock = 1;
    ASSERT_OK(asy_loop_init(&L, &o));
    S = asy_sem_new(&L, permits, NULL);
    ASSERT_NOT_NULL(S);
}
static void teardown(void) {
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    asy_sem_free(S);
    ASSERT_OK(asy_loop_close(&L));
}

/* callback-style waiters log "name:status" */
static char glog[512];
static void log_cb(asy_sem_t *sem, int status, void *arg) {
    char buf[64];
    ASSERT(sem == S);
    snprintf(buf, sizeof(buf), "%s:%s ", (const char *)arg, status ? asy_err_name(status) : "ok");
    strncat(glog, buf, sizeof(glog) - strlen(glog) - 1);
}

TEST(sem_fifo_with_weights_no_barging) {
    setup(3);
    glog[0] = 0;
    ASSERT_OK(asy_sem_acquire_cb(S, 2, 0, log_cb, (void *)"A", NULL)); /* granted */
    ASSERT_OK(asy_sem_acquire_cb(S, 2, 0, log_cb, (void *)"B", NULL)); /* waits: 1 free */
    ASSERT_OK(asy_sem_acquire_cb(S, 1, 0, log_cb, (void *)"C", NULL)); /* waits behind B */
    ASSERT_EQ(asy_sem_available(S), 1);
    ASSERT_EQ(asy_sem_waiting(S), 2);
    ASSERT_ERR(asy_sem_try_acquire(S, 1), ASY_EAGAIN); /* would barge past B */
    ASSERT_STR_EQ(glog, "");                            /* never synchronous */
    asy_run_microtasks(&L);
    ASSERT_STR_EQ(glog, "A:ok ");
    ASSERT_OK(asy_sem_release(S, 2)); /* 3 free: B (2) then C (1) */
    ASSERT_EQ(asy_sem_available(S), 0);
    ASSERT_EQ(asy_sem_waiting(S), 0);
    asy_run_microtasks(&L);
    ASSERT_STR_EQ(glog, "A:ok B:ok C:ok ");
    ASSERT_OK(asy_sem_release(S, 2));
    ASSERT_OK(asy_sem_release(S, 1));
    ASSERT_EQ(asy_sem_available(S), 3);
    teardown();
}

TEST(sem_try_acquire_and_over_release) {
    setup(2);
    ASSERT_OK(asy_sem_try_acquire(S, 1));
    ASSERT_OK(asy_sem_try_acquire(S, 1));
    ASSERT_ERR(asy_sem_try_acquire(S, 1), ASY_EAGAIN);
    ASSERT_ERR(asy_sem_try_acquire(S, 3), ASY_EINVAL); /* more than exists */
    ASSERT_ERR(asy_sem_try_acquire(S, 0), ASY_EINVAL);
    ASSERT_ERR(asy_sem_release(S, 3), ASY_EINVAL); /* only 2 are held */
    ASSERT_EQ(asy_sem_available(S), 0);
    ASSERT_OK(asy_sem_release(S, 2));
    ASSERT_ERR(asy_sem_release(S, 1), ASY_EINVAL); /* never over-counts */
    ASSERT_ERR(asy_sem_release(S, 0), ASY_EINVAL);
    ASSERT_EQ(asy_sem_available(S), 2);
    ASSERT_EQ(asy_sem_permits(S), 2);
    teardown();
}

TEST(sem_timeout_then_next_waiter_served) {
    asy_promise_t *p;
    setup(2);
    glog[0] = 0;
    ASSERT_OK(asy_sem_try_acquire(S, 1));
    /* B wants 2 (only 1 free) with a 50 ms timeout; C wants 1 behind it */
    ASSERT_OK(asy_sem_acquire_cb(S, 2, 50, log_cb, (void *)"B", NULL));
    ASSERT_OK(asy_sem_acquire_cb(S, 1, 0, log_cb, (void *)"C", NULL));
    ASSERT_OK(asy_loop_advance(&L, 49));
    asy_run_microtasks(&L);
    ASSERT_STR_EQ(glog, "");
    ASSERT_OK(asy_loop_advance(&L, 1)); /* B times out; C gets the free permit */
    ASSERT_STR_EQ(glog, "B:ETIMEDOUT C:ok ");
    ASSERT_EQ(asy_sem_available(S), 0);
    /* promise style timeout */
    p = asy_sem_acquire(S, 1, 10, NULL);
    ASSERT_NOT_NULL(p);
    asy_promise_mark_handled(p); /* we look at it by hand below */
    ASSERT_OK(asy_loop_advance(&L, 10));
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_REJECTED);
    ASSERT_EQ(asy_promise_result(p)->error, ASY_ETIMEDOUT);
    asy_promise_release(p);
    ASSERT_OK(asy_sem_release(S, 2));
    teardown();
}

TEST(sem_cancel_waiter) {
    asy_sem_wait_t w1, w2, w3;
    asy_promise_t *p;
    setup(1);
    glog[0] = 0;
    ASSERT_OK(asy_sem_try_acquire(S, 1));
    ASSERT_OK(asy_sem_acquire_cb(S, 1, 1000, log_cb, (void *)"A", &w1));
    ASSERT(w1.id != 0);
    p = asy_sem_acquire(S, 1, 0, &w2);
    ASSERT(w2.id != 0);
    asy_promise_mark_handled(p);
    ASSERT_OK(asy_sem_acquire_cb(S, 1, 0, log_cb, (void *)"C", &w3));
    ASSERT_OK(asy_sem_cancel(S, w1));
    ASSERT_ERR(asy_sem_cancel(S, w1), ASY_ENOENT); /* stale id: harmless */
    ASSERT_OK(asy_sem_cancel(S, w2));
    ASSERT_EQ(asy_sem_waiting(S), 1);
    asy_run_microtasks(&L);
    ASSERT_STR_EQ(glog, "A:ECANCELED ");
    ASSERT_EQ(asy_promise_result(p)->error, ASY_ECANCELED);
    asy_promise_release(p);
    ASSERT_OK(asy_sem_release(S, 1)); /* C is next */
    asy_run_microtasks(&L);
    ASSERT_STR_EQ(glog, "A:ECANCELED C:ok ");
    ASSERT_ERR(asy_sem_cancel(S, w3), ASY_ENOENT); /* granted: nothing to cancel */
    ASSERT_OK(asy_sem_release(S, 1));
    /* the cancelled timer does not fire later */
    ASSERT_OK(asy_loop_advance(&L, 2000));
    ASSERT_STR_EQ(glog, "A:ECANCELED C:ok ");
    teardown();
}

/* the seed's doWork(): acquire, work, always release */
static int in_flight, max_in_flight, done_ok, done_err;
typedef struct {
    asy_promise_t *p;
    int fail;
} work_t;
static void work_end(void *arg) {
    work_t *w = (work_t *)arg;
    in_flight--;
    if (w->fail) asy_promise_reject(w->p, ASY_EIO, NULL);
    else asy_promise_resolve(w->p, NULL);
    asy_promise_release(w->p);
}
static asy_ret_t do_work(void *arg) {
    work_t *w = (work_t *)arg;
    in_flight++;
    if (in_flight > max_in_flight) max_in_flight = in_flight;
    ASSERT_LE(in_flight, 2);
    w->p = asy_promise_new(&L);
    asy_set_timeout(&L, work_end, w, 3);
    return asy_chain(asy_promise_retain(w->p));
}
static void count_outcome(void *arg, const asy_settled_t *in) {
    (void)arg;
    if (in->error) done_err++;
    else done_ok++;
}

TEST(sem_run_always_releases) {
    work_t w[7];
    int i;
    setup(2);
    in_flight = max_in_flight = done_ok = done_err = 0;
    for (i = 0; i < 7; i++) {
        asy_promise_t *p;
        w[i].fail = i % 3 == 0;
        p = asy_sem_run(S, 1, do_work, &w[i]);
        ASSERT_NOT_NULL(p);
        asy_promise_on_settled(p, count_outcome, NULL);
        asy_promise_release(p);
    }
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(max_in_flight, 2);
    ASSERT_EQ(done_ok + done_err, 7);
    ASSERT_EQ(done_err, 3);
    ASSERT_EQ(asy_sem_available(S), 2); /* failures released too */
    teardown();
}

TEST(sem_free_cancels_waiters) {
    asy_promise_t *p;
    setup(1);
    glog[0] = 0;
    ASSERT_OK(asy_sem_try_acquire(S, 1));
    ASSERT_OK(asy_sem_acquire_cb(S, 1, 0, log_cb, (void *)"A", NULL));
    p = asy_sem_acquire(S, 1, 100, NULL);
    asy_promise_mark_handled(p);
    asy_sem_free(S); /* stays until the held permit comes back */
    asy_run_microtasks(&L);
    ASSERT_STR_EQ(glog, "A:ECANCELED ");
    ASSERT_EQ(asy_promise_result(p)->error, ASY_ECANCELED);
    asy_promise_release(p);
    ASSERT_OK(asy_sem_release(S, 1)); /* the last use: now it is freed */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(sem_bad_arguments) {
    setup(2);
    int err = 1;
    ASSERT_NULL(asy_sem_new(&L, 0, NULL));
    ASSERT_NULL(asy_sem_new(&L, 0, &err));
    ASSERT_EQ(err, ASY_EINVAL);
    ASSERT_NULL(asy_sem_new(NULL, 1, &err));
    ASSERT_EQ(err, ASY_EINVAL);
    ASSERT_ERR(asy_sem_acquire_cb(S, 1, 0, NULL, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_sem_acquire_cb(S, 3, 0, log_cb, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_sem_acquire_cb(NULL, 1, 0, log_cb, NULL, NULL), ASY_EINVAL);
    ASSERT_NULL(asy_sem_acquire(S, 0, 0, NULL));
    ASSERT_NULL(asy_sem_acquire(S, 5, 0, NULL));
    ASSERT_NULL(asy_sem_run(S, 1, NULL, NULL));
    ASSERT_ERR(asy_sem_cancel(S, (asy_sem_wait_t){0}), ASY_ENOENT);
    ASSERT_ERR(asy_sem_cancel(S, (asy_sem_wait_t){12345678}), ASY_ENOENT);
    ASSERT_EQ(asy_sem_available(NULL), 0);
    asy_sem_free(NULL);
    teardown();
}

/* ---- property test ---------------------------------------------------------
 * Random operations against a model.  Invariants after every step:
 *   held + available == permits, available never negative (unsigned, but
 *   checked through the model), grants happen in queue order, no waiter
 *   is granted while one queued before it still waits, a waiter is granted
 *   exactly once or gets exactly one ECANCELED / ETIMEDOUT. */
enum { MAXW = 4000 };
typedef struct {
    size_t n;
    int status;   /* 0 pending, 1 granted, negative: error */
    int delivered;
    int released;
    uint64_t seq; /* queue order of a waiting waiter */
    asy_sem_wait_t id;
} pw_t;
static pw_t pw[MAXW];
static int npw;
static uint64_t last_granted_seq;
static size_t model_held;
static int n_queued_grants, n_timeouts, n_cancels;

static void prop_cb(asy_sem_t *sem, int status, void *arg) {
    pw_t *w = (pw_t *)arg;
    ASSERT(sem == S);
    ASSERT_EQ(w->delivered, 0);
    w->delivered = 1;
    if (status == 0) {
        w->status = 1;
        ASSERT(w->seq > last_granted_seq || w->seq == 0); /* FIFO */
        if (w->seq) {
            last_granted_seq = w->seq;
            n_queued_grants++;
        }
    } else {
        w->status = status;
        if (status == ASY_ETIMEDOUT) n_timeouts++;
        else n_cancels++;
        ASSERT(status == ASY_ECANCELED || status == ASY_ETIMEDOUT);
    }
}

static uint64_t rng_state;
static unsigned rnd(unsigned n) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

TEST_T(sem_property_random_interleavings, 30000) {
    int seed;
    n_queued_grants = n_timeouts = n_cancels = 0;
    for (seed = 1; seed <= 40; seed++) {
        size_t permits = 1 + (size_t)(seed % 5);
        uint64_t seq = 0;
        int step, i;
        rng_state = (uint64_t)seed;
        setup(permits);
        npw = 0;
        last_granted_seq = 0;
        model_held = 0;
        for (step = 0; step < 400 && npw < MAXW; step++) {
            unsigned op = rnd(10);
            if (op < 4) { /* acquire, weighted, maybe with a timeout */
                pw_t *w = &pw[npw++];
                memset(w, 0, sizeof(*w));
                w->n = 1 + rnd((unsigned)permits);
                w->seq = ++seq;
                ASSERT_OK(asy_sem_acquire_cb(S, w->n, rnd(3) ? 0 : 1 + rnd(20), prop_cb, w,
                                             &w->id));
                if (!w->id.id) w->seq = 0; /* granted at once, was not queued */
            } else if (op < 7) { /* release a granted waiter's permits */
                for (i = 0; i < npw; i++)
                    if (pw[i].status == 1 && !pw[i].released) {
                        ASSERT_OK(asy_sem_release(S, pw[i].n));
                        pw[i].released = 1;
                        break;
                    }
            } else if (op < 8) { /* cancel some waiter, maybe a stale one */
                if (npw) {
                    pw_t *w = &pw[rnd((unsigned)npw)];
                    int r = asy_sem_cancel(S, w->id);
                    ASSERT(r == 0 || r == ASY_ENOENT);
                }
            } else if (op < 9) {
                ASSERT_OK(asy_loop_advance(&L, rnd(10)));
            } else {
                asy_run_microtasks(&L);
            }
            /* invariants (granted includes granted-but-not-yet-delivered) */
            model_held = 0;
            for (i = 0; i < npw; i++)
                if (pw[i].status == 1 && !pw[i].released) model_held += pw[i].n;
            ASSERT_LE(model_held + asy_sem_available(S), permits);
            ASSERT_LE(asy_sem_available(S), permits);
        }
        /* drain: deliver everything, release everything, let timers run */
        asy_run_microtasks(&L);
        for (;;) {
            int progressed = 0;
            for (i = 0; i < npw; i++)
                if (pw[i].status == 1 && !pw[i].released) {
                    ASSERT_OK(asy_sem_release(S, pw[i].n));
                    pw[i].released = 1;
                    progressed = 1;
                }
            ASSERT_OK(asy_loop_advance(&L, 100));
            asy_run_microtasks(&L);
            if (!progressed && asy_sem_waiting(S) == 0) break;
        }
        for (i = 0; i < npw; i++) ASSERT_EQ(pw[i].delivered, 1); /* exactly one outcome each */
        ASSERT_EQ(asy_sem_available(S), permits);
        ASSERT_ERR(asy_sem_release(S, 1), ASY_EINVAL);
        teardown();
    }
    /* the random walk did reach every path */
    ASSERT_GT(n_queued_grants, 100);
    ASSERT_GT(n_timeouts, 10);
    ASSERT_GT(n_cancels, 10);
}
