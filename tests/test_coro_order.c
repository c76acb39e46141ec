/* Where coroutines resume among promise reactions, nextTick, immediates
 * and timers: the C twin of tests/node/coro_order.cjs.  The expected text
 * is what node prints; the last test re-runs node when it is installed. */
#include "../asyncrt.h"
#include "test.h"
#include "loop_util.h"

static asy_loop_t L;
static asy_promise_t *later;

static const char coro_order_expected[] =
    "a.start\nb.start\nchild.x.start\nmain.end\ntick\na.1\nchild.x.end\np1\na.2\nb.got x\n"
    "child.y.start\np2\nchild.y.end\np3\np4\nb.done y\np5\np6\na.tick\nimmediate\n"
    "immediate.tick\na.later L\nimmediate.then\na.caught\na.slept\na.done A\n";

static char msg[64];

/* await null */
static int await_null(void) {
    asy_promise_t *p = asy_promise_resolved(&L, NULL);
    int err = asy_await(p, NULL);
    asy_promise_release(p);
    return err;
}

static asy_ret_t child(void *arg) {
    const char *name = (const char *)arg;
    snprintf(msg, sizeof(msg), "child.%s.start", name);
    tlog(msg);
    ASSERT_OK(await_null());
    snprintf(msg, sizeof(msg), "child.%s.end", name);
    tlog(msg);
    return asy_ok(arg);
}

static asy_ret_t a(void *arg) {
    asy_promise_t *p;
    void *v;
    (void)arg;
    tlog("a.start");
    ASSERT_OK(await_null());
    tlog("a.1");
    ASSERT_OK(asy_next_tick(&L, tlog_fn, (void *)"a.tick"));
    ASSERT_OK(await_null()); /* await Promise.resolve() */
    tlog("a.2");
    ASSERT_OK(asy_await(later, &v));
    snprintf(msg, sizeof(msg), "a.later %s", (const char *)v);
    tlog(msg);
    p = asy_promise_rejected(&L, ASY_EIO, "boom");
    if (asy_await(p, NULL) == ASY_EIO) tlog("a.caught");
    asy_promise_release(p);
    ASSERT_OK(asy_await_sleep(1));
    tlog("a.slept");
    return asy_ok((void *)"A");
}

static asy_ret_t b(void *arg) {
    asy_promise_t *c;
    void *v;
    (void)arg;
    tlog("b.start");
    c = asy_async(&L, child, (void *)"x", NULL);
    ASSERT_NOT_NULL(c);
    ASSERT_OK(asy_await(c, &v));
    asy_promise_release(c);
    snprintf(msg, sizeof(msg), "b.got %s", (const char *)v);
    tlog(msg);
    return asy_chain(asy_async(&L, child, (void *)"y", NULL));
}

static asy_ret_t log_done(void *arg, const asy_settled_t *in) {
    char m[64];
    snprintf(m, sizeof(m), "%s %s", (const char *)arg, (const char *)in->value);
    tlog(m);
    return asy_ok(NULL);
}
static asy_ret_t log_then(void *arg, const asy_settled_t *in) {
    (void)in;
    tlog((const char *)arg);
    return asy_ok(NULL);
}
static asy_promise_t *then_log(asy_promise_t *p, const char *m) {
    asy_promise_t *d = asy_promise_then(p, log_then, NULL, (void *)m);
    ASSERT_NOT_NULL(d);
    asy_promise_release(p);
    return d;
}

static void immediate_cb(void *arg) {
    (void)arg;
    tlog("immediate");
    ASSERT_OK(asy_promise_resolve(later, (void *)"L"));
    asy_promise_release(then_log(asy_promise_resolved(&L, NULL), "immediate.then"));
    ASSERT_OK(asy_next_tick(&L, tlog_fn, (void *)"immediate.tick"));
}

TEST(coro_order_matches_node) {
    asy_promise_t *pa, *pb, *p;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_NOT_NULL(later = asy_promise_new(&L));
    pa = asy_async(&L, a, NULL, NULL);
    asy_promise_release(asy_promise_then(pa, log_done, NULL, (void *)"a.done"));
    pb = asy_async(&L, b, NULL, NULL);
    asy_promise_release(asy_promise_then(pb, log_done, NULL, (void *)"b.done"));
    p = asy_promise_resolved(&L, NULL);
    p = then_log(p, "p1");
    p = then_log(p, "p2");
    p = then_log(p, "p3");
    p = then_log(p, "p4");
    p = then_log(p, "p5");
    p = then_log(p, "p6");
    asy_promise_release(p);
    ASSERT_OK(asy_next_tick(&L, tlog_fn, (void *)"tick"));
    ASSERT(asy_set_immediate(&L, immediate_cb, NULL).id != 0);
    tlog("main.end");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, coro_order_expected);
    asy_promise_release(pa);
    asy_promise_release(pb);
    asy_promise_release(later);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(coro_order_node_twin_agrees) {
    const char *out;
    if (!have_node()) SKIP("node is not installed");
    out = run_node_twin("coro_order.cjs");
    ASSERT_NOT_NULL(out);
    ASSERT_STR_EQ(out, coro_order_expected);
}
