/* Ordering of nextTick, microtasks, timers, immediates and I/O callbacks,
 * checked against the output of Node twins (tests/node/order_NAME.cjs), stored here
 * and re-checked against node when it is installed. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "loop_util.h"

static asy_loop_t L;

/* ---- the seed's example ---------------------------------------------- */
TEST(loop_seed_order_is_deterministic) {
    int run;
    for (run = 0; run < 200; run++) {
        tlog_reset();
        ASSERT_OK(asy_loop_init(&L, NULL));
        ASSERT(asy_set_timeout(&L, tlog_fn, (void *)"1: timer", 0).id != 0);
        ASSERT(asy_set_immediate(&L, tlog_fn, (void *)"2: immediate").id != 0);
        ASSERT_OK(asy_next_tick(&L, tlog_fn, (void *)"3: nextTick"));
        ASSERT_OK(asy_queue_microtask(&L, tlog_fn, (void *)"4: promise"));
        ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
        ASSERT_STR_EQ(tlog_buf, "3: nextTick\n4: promise\n1: timer\n2: immediate\n");
        ASSERT_OK(asy_loop_close(&L));
    }
}

/* ---- order_main.cjs ------------------------------------------------------ */
static const char order_main_expected[] =
    "main\ntick1\ntick1.tick\npromise1\ntick1.promise\npromise1.promise\npromise1.tick\n"
    "tick1.promise.tick\ntimer1\ntimer1.tick\ntimer1.promise\ntimer2\nimmediate1\n"
    "immediate1.tick\nimmediate2\ntimer1.immediate\ntimer1.timer\nimmediate1.immediate\n";

static void m_timer1(void *a) {
    (void)a;
    tlog("timer1");
    asy_next_tick(&L, tlog_fn, (void *)"timer1.tick");
    asy_queue_microtask(&L, tlog_fn, (void *)"timer1.promise");
    asy_set_immediate(&L, tlog_fn, (void *)"timer1.immediate");
    asy_set_timeout(&L, tlog_fn, (void *)"timer1.timer", 0);
}
static void m_immediate1(void *a) {
    (void)a;
    tlog("immediate1");
    asy_next_tick(&L, tlog_fn, (void *)"immediate1.tick");
    asy_set_immediate(&L, tlog_fn, (void *)"immediate1.immediate");
}
static void m_tick1_promise(void *a) {
    (void)a;
    tlog("tick1.promise");
    asy_next_tick(&L, tlog_fn, (void *)"tick1.promise.tick");
}
static void m_tick1(void *a) {
    (void)a;
    tlog("tick1");
    asy_queue_microtask(&L, m_tick1_promise, NULL);
    asy_next_tick(&L, tlog_fn, (void *)"tick1.tick");
}
static void m_promise1(void *a) {
    (void)a;
    tlog("promise1");
    asy_next_tick(&L, tlog_fn, (void *)"promise1.tick");
    asy_queue_microtask(&L, tlog_fn, (void *)"promise1.promise");
}

TEST(loop_order_main_matches_node) {
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    asy_set_timeout(&L, m_timer1, NULL, 0);
    asy_set_timeout(&L, tlog_fn, (void *)"timer2", 0);
    asy_set_immediate(&L, m_immediate1, NULL);
    asy_set_immediate(&L, tlog_fn, (void *)"immediate2");
    asy_next_tick(&L, m_tick1, NULL);
    asy_queue_microtask(&L, m_promise1, NULL);
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, order_main_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- order_io.cjs: inside an I/O callback, immediate before timer ------ */
static const char order_io_expected[] =
    "io\nio.tick\nio.promise\nio.immediate\nio.immediate.tick\nio.timer\n";

static void io_immediate(void *a) {
    (void)a;
    tlog("io.immediate");
    asy_next_tick(&L, tlog_fn, (void *)"io.immediate.tick");
}
static void io_ready(asy_poll_t *p, int status, unsigned events) {
    (void)status;
    (void)events;
    asy_poll_stop(p);
    asy_close((asy_handle_t *)p, NULL);
    tlog("io");
    asy_set_timeout(&L, tlog_fn, (void *)"io.timer", 0);
    asy_set_immediate(&L, io_immediate, NULL);
    asy_queue_microtask(&L, tlog_fn, (void *)"io.promise");
    asy_next_tick(&L, tlog_fn, (void *)"io.tick");
}

TEST(loop_order_io_matches_node) {
    int fds[2], run;
    for (run = 0; run < 50; run++) {
        asy_poll_t p;
        tlog_reset();
        ASSERT_EQ(pipe(fds), 0);
        ASSERT_EQ(write(fds[1], "x", 1), 1);
        ASSERT_OK(asy_loop_init(&L, NULL));
        ASSERT_OK(asy_poll_init(&L, &p, fds[0]));
        ASSERT_OK(asy_poll_start(&p, ASY_READABLE, io_ready));
        ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
        ASSERT_STR_EQ(tlog_buf, order_io_expected);
        ASSERT_OK(asy_loop_close(&L));
        close(fds[0]);
        close(fds[1]);
    }
}

/* ---- order_nested.cjs ------------------------------------------------------ */
static const char order_nested_expected[] =
    "interval 1\ninterval.promise 1\nimmediate\ntick.a\ntick.a.tick\np.a\np.b\np.a.tick\n"
    "interval 2\ninterval.promise 2\ninterval 3\ninterval.promise 3\n";

static asy_timer_id_t nested_iv;
static int nested_n;
static char nested_msgs[4][32];

static void n_interval(void *a) {
    char buf[32];
    (void)a;
    nested_n++;
    snprintf(buf, sizeof(buf), "interval %d", nested_n);
    tlog(buf);
    snprintf(nested_msgs[nested_n], sizeof(nested_msgs[0]), "interval.promise %d", nested_n);
    asy_queue_microtask(&L, tlog_fn, nested_msgs[nested_n]);
    if (nested_n == 3) ASSERT_OK(asy_clear_timer(&L, nested_iv));
}
static void n_pb(void *a) {
    (void)a;
    tlog("p.b");
}
static void n_pa(void *a) {
    (void)a;
    tlog("p.a");
    asy_next_tick(&L, tlog_fn, (void *)"p.a.tick");
    asy_queue_microtask(&L, n_pb, NULL); /* the chained .then */
}
static void n_tick_a(void *a) {
    (void)a;
    tlog("tick.a");
    asy_next_tick(&L, tlog_fn, (void *)"tick.a.tick");
}
static void n_immediate(void *a) {
    (void)a;
    tlog("immediate");
    asy_queue_microtask(&L, n_pa, NULL);
    asy_next_tick(&L, n_tick_a, NULL);
}

TEST(loop_order_nested_matches_node) {
    tlog_reset();
    nested_n = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    nested_iv = asy_set_interval(&L, n_interval, NULL, 0);
    ASSERT(nested_iv.id != 0);
    asy_set_immediate(&L, n_immediate, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, order_nested_expected);
    ASSERT_EQ(nested_n, 3);
    /* clearing again, after it is gone, is harmless */
    ASSERT_ERR(asy_clear_timer(&L, nested_iv), ASY_ENOENT);
    ASSERT_OK(asy_loop_close(&L));
}

/* The stored expectations are what node prints for the twins. */
TEST_T(loop_node_twins_agree, 20000) {
    const char *out;
    if (!have_node()) SKIP("node is not installed");
    out = run_node_twin("order_main.cjs");
    ASSERT_NOT_NULL(out);
    ASSERT_STR_EQ(out, order_main_expected);
    out = run_node_twin("order_io.cjs");
    ASSERT_NOT_NULL(out);
    ASSERT_STR_EQ(out, order_io_expected);
    out = run_node_twin("order_nested.cjs");
    ASSERT_NOT_NULL(out);
    ASSERT_STR_EQ(out, order_nested_expected);
}
