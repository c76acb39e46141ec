/* Promise job ordering against V8, with nextTick, timers and immediates:
 * the C twin of tests/node/promise_order.cjs.  The expected text is what
 * node prints; loop_node_twins_agree-style, the last test re-runs node
 * when it is installed. */
#include "../asyncrt.h"
#include "test.h"
#include "loop_util.h"

static asy_loop_t L;

static asy_ret_t log_then(void *arg, const asy_settled_t *in) {
    (void)in;
    tlog((const char *)arg);
    return asy_ok(NULL);
}

/* p.then(() => log(msg)), giving up our reference of p */
static asy_promise_t *then_log(asy_promise_t *p, const char *msg) {
    asy_promise_t *d = asy_promise_then(p, log_then, NULL, (void *)msg);
    ASSERT_NOT_NULL(d);
    asy_promise_release(p);
    return d;
}
static asy_promise_t *then_fn(asy_promise_t *p, asy_then_fn fn) {
    asy_promise_t *d = asy_promise_then(p, fn, NULL, NULL);
    ASSERT_NOT_NULL(d);
    asy_promise_release(p);
    return d;
}
static asy_promise_t *catch_log(asy_promise_t *p, const char *msg) {
    asy_promise_t *d = asy_promise_catch(p, log_then, (void *)msg);
    ASSERT_NOT_NULL(d);
    asy_promise_release(p);
    return d;
}
static asy_promise_t *finally_log(asy_promise_t *p, const char *msg) {
    asy_promise_t *d = asy_promise_finally(p, log_then, (void *)msg);
    ASSERT_NOT_NULL(d);
    asy_promise_release(p);
    return d;
}
static asy_promise_t *ok(void) { return asy_promise_resolved(&L, NULL); }
static asy_promise_t *err(const char *m) { return asy_promise_rejected(&L, ASY_EIO, m); }

static asy_ret_t b1(void *arg, const asy_settled_t *in) {
    (void)arg;
    (void)in;
    tlog("b1");
    return asy_chain(asy_promise_resolved(&L, (void *)"b"));
}

static asy_promise_t *pending;

static void tick_cb(void *arg) {
    (void)arg;
    tlog("tick");
    asy_promise_release(then_log(ok(), "tick.then"));
    asy_next_tick(&L, tlog_fn, (void *)"tick.tick");
}

static asy_ret_t then_queues_tick(void *arg, const asy_settled_t *in) {
    (void)arg;
    (void)in;
    tlog("then.queues.tick");
    asy_next_tick(&L, tlog_fn, (void *)"then.tick");
    return asy_ok(NULL);
}

static void timer_cb(void *arg) {
    (void)arg;
    tlog("timer");
    ASSERT_OK(asy_promise_resolve(pending, NULL));
    asy_next_tick(&L, tlog_fn, (void *)"timer.tick");
    asy_promise_release(then_log(ok(), "timer.then"));
}

static void immediate_cb(void *arg) {
    asy_promise_t *in[2];
    (void)arg;
    tlog("immediate");
    in[0] = pending;
    in[1] = asy_promise_new(&L); /* never settles */
    asy_promise_release(then_log(asy_promise_race(&L, in, 2), "immediate.race"));
    asy_promise_release(in[1]);
}

static const char promise_order_expected[] =
    "main\ntick\ntick.tick\na1\nb1\nf1\nf2\nall.empty\nany.empty\nthen.queues.tick\ntick.then\n"
    "a2\nr.caught\nall\nrace\nallSettled\nany\na3\nresolve.with.promise\na4\nb.adopted\n"
    "f1.after\nf2.caught\na5\nthen.tick\ntimer\ntimer.tick\npending.then1\npending.then2\n"
    "timer.then\npending.then2.then\nimmediate\nimmediate.race\n";

static void run_twin(void) {
    asy_promise_t *p, *in[2], *r;
    int i;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_promise_resolved(&L, (void *)"a");
    p = then_log(p, "a1");
    p = then_log(p, "a2");
    p = then_log(p, "a3");
    p = then_log(p, "a4");
    asy_promise_release(then_log(p, "a5"));

    asy_promise_release(then_log(then_fn(ok(), b1), "b.adopted"));
    asy_promise_release(then_log(finally_log(ok(), "f1"), "f1.after"));
    asy_promise_release(catch_log(finally_log(err("x"), "f2"), "f2.caught"));
    asy_promise_release(catch_log(then_log(err("r"), "never"), "r.caught"));

    in[0] = asy_promise_resolved(&L, (void *)1);
    in[1] = asy_promise_resolved(&L, (void *)2);
    asy_promise_release(then_log(asy_promise_all(&L, in, 2), "all"));
    asy_promise_release(then_log(asy_promise_race(&L, in, 2), "race"));
    for (i = 0; i < 2; i++) asy_promise_release(in[i]);
    in[0] = asy_promise_resolved(&L, (void *)1);
    in[1] = err("s");
    asy_promise_release(then_log(asy_promise_all_settled(&L, in, 2), "allSettled"));
    for (i = 0; i < 2; i++) asy_promise_release(in[i]);
    in[0] = err("y");
    in[1] = asy_promise_resolved(&L, (void *)2);
    asy_promise_release(then_log(asy_promise_any(&L, in, 2), "any"));
    for (i = 0; i < 2; i++) asy_promise_release(in[i]);
    asy_promise_release(then_log(asy_promise_all(&L, NULL, 0), "all.empty"));
    asy_promise_release(catch_log(asy_promise_any(&L, NULL, 0), "any.empty"));

    r = asy_promise_new(&L);
    ASSERT_OK(asy_promise_settle(r, asy_chain(asy_promise_resolved(&L, (void *)3))));
    asy_promise_release(then_log(r, "resolve.with.promise"));

    ASSERT_OK(asy_next_tick(&L, tick_cb, NULL));
    asy_promise_release(then_fn(ok(), then_queues_tick));

    pending = asy_promise_new(&L);
    asy_promise_release(asy_promise_then(pending, log_then, NULL, (void *)"pending.then1"));
    asy_promise_release(then_log(asy_promise_then(pending, log_then, NULL, (void *)"pending.then2"),
                                 "pending.then2.then"));
    ASSERT(asy_set_timeout(&L, timer_cb, NULL, 0).id != 0);
    ASSERT(asy_set_immediate(&L, immediate_cb, NULL).id != 0);
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    asy_promise_release(pending);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(promise_order_matches_node) {
    run_twin();
    ASSERT_STR_EQ(tlog_buf, promise_order_expected);
}

/* Same program, many times: the order is a property of the queues, not of
 * timing. */
TEST(promise_order_is_deterministic) {
    int i;
    for (i = 0; i < 50; i++) {
        run_twin();
        ASSERT_STR_EQ(tlog_buf, promise_order_expected);
    }
}

/* The seed's example with a real promise: Promise.resolve().then(...). */
TEST(promise_seed_example_order) {
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT(asy_set_timeout(&L, tlog_fn, (void *)"1: timer", 0).id != 0);
    ASSERT(asy_set_immediate(&L, tlog_fn, (void *)"2: immediate").id != 0);
    ASSERT_OK(asy_next_tick(&L, tlog_fn, (void *)"3: nextTick"));
    asy_promise_release(then_log(ok(), "4: promise"));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "3: nextTick\n4: promise\n1: timer\n2: immediate\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST_T(promise_node_twin_agrees, 20000) {
    const char *out;
    if (!have_node()) SKIP("node is not installed");
    out = run_node_twin("promise_order.cjs");
    ASSERT_NOT_NULL(out);
    ASSERT_STR_EQ(out, promise_order_expected);
}
