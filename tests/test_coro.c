/* Coroutines over promises: asy_async / asy_await and friends. */
#include "../asyncrt.h"
#include "test.h"
#include "loop_util.h"
#include "stream_util.h"
#include <signal.h>
#include <sys/wait.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VG 1
#endif
#endif

static asy_loop_t L;

/* ---- the basics ------------------------------------------------------------ */
static asy_ret_t plain(void *arg) {
    tlog("plain.body");
    return asy_ok(arg);
}

TEST(coro_runs_at_once_and_fulfils) {
    asy_promise_t *p;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_EQ(asy_in_coroutine(), 0);
    p = asy_async(&L, plain, (void *)"v", NULL);
    ASSERT_NOT_NULL(p);
    tlog("after.async");
    ASSERT_STR_EQ(tlog_buf, "plain.body\nafter.async\n");
    /* it returned without awaiting: settled already, as an async function
     * without await returns a resolved promise */
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_FULFILLED);
    ASSERT_STR_EQ((const char *)asy_promise_result(p)->value, "v");
    ASSERT_EQ(asy_coro_count(&L), 0);
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
}

static asy_ret_t awaits_settled(void *arg) {
    void *v = NULL;
    asy_promise_t *p = asy_promise_resolved(&L, (void *)"x");
    (void)arg;
    ASSERT_EQ(asy_in_coroutine(), 1);
    tlog("before.await");
    ASSERT_OK(asy_await(p, &v));
    ASSERT_STR_EQ((const char *)v, "x");
    tlog("after.await");
    asy_promise_release(p);
    return asy_ok((void *)"done");
}

static asy_ret_t log_then(void *arg, const asy_settled_t *in) {
    (void)in;
    tlog((const char *)arg);
    return asy_ok(NULL);
}

TEST(coro_await_of_settled_promise_resumes_as_microtask) {
    asy_promise_t *p, *q;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_async(&L, awaits_settled, NULL, NULL);
    ASSERT_NOT_NULL(p);
    q = asy_promise_then(p, log_then, NULL, (void *)"result.then");
    tlog("main");
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_PENDING);
    ASSERT_EQ(asy_coro_count(&L), 1);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "before.await\nmain\nafter.await\nresult.then\n");
    ASSERT_STR_EQ((const char *)asy_promise_result(p)->value, "done");
    ASSERT_EQ(asy_coro_count(&L), 0);
    asy_promise_release(p);
    asy_promise_release(q);
    ASSERT_OK(asy_loop_close(&L));
}

static asy_ret_t awaits_rejection(void *arg) {
    asy_promise_t *p = asy_promise_rejected(&L, ASY_EIO, "disk on fire");
    void *v = (void *)"untouched";
    int err;
    (void)arg;
    err = asy_await(p, &v);
    ASSERT_ERR(err, ASY_EIO);
    ASSERT_NULL(v);
    ASSERT_STR_EQ(asy_promise_result(p)->message, "disk on fire");
    asy_promise_release(p);
    return asy_fail(ASY_ENOENT, "rethrown");
}

TEST(coro_rejection_is_an_error_code_and_fail_rejects) {
    asy_promise_t *p;
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_async(&L, awaits_rejection, NULL, NULL);
    ASSERT_NOT_NULL(p);
    asy_promise_mark_handled(p); /* else: an unhandled rejection, as in Node */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_REJECTED);
    ASSERT_ERR(asy_promise_result(p)->error, ASY_ENOENT);
    ASSERT_STR_EQ(asy_promise_result(p)->message, "rethrown");
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(coro_await_outside_a_coroutine_is_einval) {
    asy_promise_t *p;
    void *v = (void *)"x";
    asy_buf_t b;
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_promise_resolved(&L, NULL);
    ASSERT_ERR(asy_await(p, &v), ASY_EINVAL);
    ASSERT_NULL(v);
    ASSERT_ERR(asy_await(NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_await_sleep(1), ASY_EINVAL);
    ASSERT_ERR(asy_await_read(NULL, &b), ASY_EINVAL);
    ASSERT_NULL(asy_async(NULL, plain, NULL, NULL));
    ASSERT_NULL(asy_async(&L, NULL, NULL, NULL));
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
    ASSERT_NULL(asy_async(&L, plain, NULL, NULL)); /* a closed loop */
}

static asy_loop_t L2;
static asy_ret_t awaits_other_loop(void *arg) {
    asy_promise_t *p = asy_promise_resolved(&L2, NULL);
    (void)arg;
    ASSERT_ERR(asy_await(p, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_await(NULL, NULL), ASY_EINVAL);
    asy_promise_release(p);
    return asy_ok(NULL);
}

TEST(coro_await_of_another_loops_promise_is_einval) {
    asy_promise_t *p;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_loop_init(&L2, NULL));
    p = asy_async(&L, awaits_other_loop, NULL, NULL);
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_FULFILLED);
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L2));
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- nesting, chaining, many coroutines ------------------------------------------- */
static asy_ret_t child(void *arg) {
    asy_promise_t *p = asy_promise_resolved(&L, NULL);
    tlogf("child.%s.start", (const char *)arg);
    ASSERT_OK(asy_await(p, NULL));
    tlogf("child.%s.end", (const char *)arg);
    asy_promise_release(p);
    return asy_ok(arg);
}

static asy_ret_t parent(void *arg) {
    void *v;
    asy_promise_t *c = asy_async(&L, child, (void *)"a", NULL);
    (void)arg;
    ASSERT_NOT_NULL(c);
    tlog("parent.started.child");
    ASSERT_OK(asy_await(c, &v));
    tlogf("parent.got.%s", (const char *)v);
    asy_promise_release(c);
    /* return child("b"): the result follows the child's promise */
    return asy_chain(asy_async(&L, child, (void *)"b", NULL));
}

TEST(coro_nested_and_chained) {
    asy_promise_t *p;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_async(&L, parent, NULL, NULL);
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "child.a.start\nparent.started.child\nmain\nchild.a.end\n"
                            "parent.got.a\nchild.b.start\nchild.b.end\n");
    ASSERT_STR_EQ((const char *)asy_promise_result(p)->value, "b");
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
}

static int counter;
static asy_ret_t loops_awaiting(void *arg) {
    int i, n = (int)(intptr_t)arg;
    for (i = 0; i < n; i++) {
        asy_promise_t *p = asy_promise_resolved(&L, (void *)(intptr_t)i);
        void *v;
        ASSERT_OK(asy_await(p, &v));
        ASSERT_EQ((intptr_t)v, i);
        counter++;
        asy_promise_release(p);
    }
    return asy_ok(NULL);
}

TEST_T(coro_many_coroutines_interleave_and_reuse_stacks, 30000) {
    enum { N = 300, AWAITS = 100 };
    static asy_promise_t *ps[N];
    int i, round;
    ASSERT_OK(asy_loop_init(&L, NULL));
    for (round = 0; round < 3; round++) {
        counter = 0;
        for (i = 0; i < N; i++) ASSERT_NOT_NULL(ps[i] = asy_async(&L, loops_awaiting, (void *)(intptr_t)AWAITS, NULL));
        ASSERT_EQ(asy_coro_count(&L), N);
        ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
        ASSERT_EQ(counter, N * AWAITS);
        ASSERT_EQ(asy_coro_count(&L), 0);
        for (i = 0; i < N; i++) {
            ASSERT_EQ(asy_promise_state_of(ps[i]), ASY_PROMISE_FULFILLED);
            asy_promise_release(ps[i]);
        }
    }
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- sleeping, reading a stream ------------------------------------------------------- */
static asy_ret_t sleeper(void *arg) {
    uint64_t t0 = asy_now(&L);
    (void)arg;
    ASSERT_OK(asy_await_sleep(20));
    ASSERT(asy_now(&L) - t0 >= 20);
    tlog("slept");
    return asy_ok(NULL);
}

TEST(coro_await_sleep) {
    asy_promise_t *p;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_async(&L, sleeper, NULL, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "slept\n");
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
}

static asy_stream_t R;
static int r_i;
static void r_push(void *arg) {
    static const char *data[3] = {"x1", "x2", "x3"};
    (void)arg;
    if (r_i < 3)
        push_str(&R, data[r_i++]);
    else
        asy_stream_push_end(&R);
}
static void r_read(asy_stream_t *s, size_t size) {
    (void)s;
    (void)size;
    ASSERT(asy_set_immediate(&L, r_push, NULL).id != 0);
}
static void on_end_log(asy_stream_t *s) {
    (void)s;
    tlog("end");
}
static void on_close_log(asy_stream_t *s) {
    (void)s;
    tlog("close");
}

static asy_ret_t reader(void *arg) {
    asy_buf_t chunk;
    int err;
    (void)arg;
    while ((err = asy_await_read(&R, &chunk)) == 0) {
        tlogf("got %s", cstr(&chunk));
        asy_buf_release(&chunk);
    }
    ASSERT_ERR(err, ASY_EOF);
    tlog("loop done");
    return asy_ok(NULL);
}

/* the same program as tests/node/stream_for_await.cjs, with await */
TEST(coro_await_read_is_for_await) {
    static const asy_stream_impl_t impl = {NULL, r_read, NULL, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    asy_promise_t *p;
    tlog_reset();
    r_i = 0;
    ev.on_end = on_end_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &R, &impl, NULL));
    ASSERT_OK(asy_stream_set_events(&R, &ev));
    p = asy_async(&L, reader, NULL, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "got x1\ngot x2\ngot x3\nend\nclose\nloop done\n");
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- cancellation ----------------------------------------------------------------------- */
static asy_sem_t *SEM;
static asy_sem_wait_t WAIT;
static asy_ret_t sem_waiter(void *arg) {
    asy_promise_t *p = asy_sem_acquire(SEM, 1, 0, &WAIT);
    int err;
    (void)arg;
    ASSERT_NOT_NULL(p);
    err = asy_await(p, NULL);
    asy_promise_release(p);
    tlogf("waiter %s", err ? asy_err_name(err) : "ok");
    return asy_ok(NULL);
}
static void cancel_waiter(void *arg) {
    (void)arg;
    ASSERT_OK(asy_sem_cancel(SEM, WAIT));
}

TEST(coro_awaiting_a_cancelled_operation_gets_ecanceled) {
    asy_promise_t *p;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_NOT_NULL(SEM = asy_sem_new(&L, 1, NULL));
    ASSERT_OK(asy_sem_try_acquire(SEM, 1)); /* held: the waiter waits */
    p = asy_async(&L, sem_waiter, NULL, NULL);
    ASSERT(asy_set_timeout(&L, cancel_waiter, NULL, 5).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "waiter ECANCELED\n");
    asy_promise_release(p);
    asy_sem_free(SEM);
    ASSERT_OK(asy_loop_close(&L));
}

static asy_ret_t waits_forever(void *arg) {
    asy_promise_t *never = asy_promise_new(&L);
    char *mem = (char *)malloc(100); /* freed on the way out: valgrind sees no leak */
    int err;
    (void)arg;
    ASSERT_NOT_NULL(mem);
    err = asy_await(never, NULL);
    tlogf("forever %s", asy_err_name(err));
    /* later awaits fail at once */
    ASSERT_ERR(asy_await(never, NULL), ASY_ECANCELED);
    ASSERT_ERR(asy_await_sleep(1), ASY_ECANCELED);
    free(mem);
    asy_promise_release(never);
    return asy_ok(NULL);
}

TEST(coro_loop_close_cancels_suspended_coroutines) {
    asy_promise_t *p;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_async(&L, waits_forever, NULL, NULL);
    ASSERT_NOT_NULL(asy_async(&L, waits_forever, NULL, NULL)); /* its promise forgotten */
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_coro_count(&L), 2);
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L));
    ASSERT_STR_EQ(tlog_buf, "forever ECANCELED\nforever ECANCELED\n");
}

/* An await of a settled promise queues its resume job directly (no
 * reaction object); asy_loop_close before that job ran must still cancel
 * the coroutine, free it, and never run the job on freed memory. */
static asy_ret_t awaits_settled_then_logs(void *arg) {
    asy_promise_t *p = asy_promise_resolved(&L, arg);
    char *mem = (char *)malloc(64); /* freed on the way out: no leak under valgrind / ASan */
    void *v = NULL;
    int err;
    ASSERT_NOT_NULL(mem);
    err = asy_await(p, &v);
    tlogf("settled %s %s", asy_err_name(err), v ? (const char *)v : "-");
    free(mem);
    asy_promise_release(p);
    return asy_ok(NULL);
}

TEST(coro_loop_close_with_a_settled_await_queued) {
    asy_promise_t *p;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    p = asy_async(&L, awaits_settled_then_logs, (void *)"v", NULL);
    ASSERT_NOT_NULL(p);
    ASSERT_EQ(asy_coro_count(&L), 1); /* suspended, its resume job queued */
    asy_promise_release(p);
    ASSERT_OK(asy_loop_close(&L)); /* no asy_run: the job never runs */
    ASSERT_STR_EQ(tlog_buf, "settled ECANCELED -\n");
}

/* Awaiting an already-rejected promise handles it, in the same drain, as
 * `await` does in Node: no unhandled rejection is reported. */
static int unhandled_seen;
static void count_unhandled(void *arg, const asy_settled_t *reason) {
    (void)arg;
    (void)reason;
    unhandled_seen++;
}

static asy_ret_t awaits_given(void *arg) {
    int err = asy_await((asy_promise_t *)arg, NULL);
    tlogf("awaited %s", asy_err_name(err));
    return asy_ok(NULL);
}

TEST(coro_await_of_a_settled_rejection_handles_it) {
    asy_promise_t *r, *a, *b;
    tlog_reset();
    unhandled_seen = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_promise_on_unhandled(&L, count_unhandled, NULL));
    r = asy_promise_rejected(&L, ASY_EPIPE, NULL);
    a = asy_async(&L, awaits_given, r, NULL);
    /* a control: rejected and never awaited is reported */
    b = asy_promise_rejected(&L, ASY_EIO, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, "awaited EPIPE\n");
    ASSERT_EQ(unhandled_seen, 1);
    asy_promise_release(r);
    asy_promise_release(a);
    asy_promise_release(b);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stacks ------------------------------------------------------------------------------- */
static size_t deep(size_t n) {
    volatile char pad[1024];
    pad[0] = (char)n;
    if (n == 0) return (size_t)pad[0];
    return deep(n - 1) + (size_t)pad[0] + 1;
}

static asy_ret_t uses_stack(void *arg) {
    size_t kb = (size_t)(uintptr_t)arg;
    asy_promise_t *p = asy_promise_resolved(&L, NULL);
    ASSERT_OK(asy_await(p, NULL)); /* deep frames on a resumed stack too */
    asy_promise_release(p);
    return asy_ok((void *)(uintptr_t)deep(kb));
}

TEST(coro_stack_size_option) {
    asy_async_opts_t o;
    asy_promise_t *p;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    o.stack_size = 4u << 20;
    /* ~2 MiB of frames: would not fit the 256 KiB default */
    p = asy_async(&L, uses_stack, (void *)(uintptr_t)2000, &o);
    ASSERT_NOT_NULL(p);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_FULFILLED);
    asy_promise_release(p);
    o.stack_size = (size_t)1 << 60; /* absurd */
    ASSERT_NULL(asy_async(&L, uses_stack, NULL, &o));
    ASSERT_OK(asy_loop_close(&L));
}

/* Running off the end of the stack hits the guard page: SIGSEGV, in a
 * child process.  Sanitizers and valgrind report it their own way. */
TEST(coro_stack_overflow_hits_the_guard_page) {
    pid_t pid;
    int status;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    SKIP("the sanitizer reports the overflow itself");
#endif
#ifdef HAVE_VG
    if (RUNNING_ON_VALGRIND) SKIP("valgrind reports the overflow itself");
#endif
    fflush(NULL);
    pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        asy_async_opts_t o;
        signal(SIGSEGV, SIG_DFL);
        if (asy_loop_init(&L, NULL) != 0) _exit(3);
        memset(&o, 0, sizeof(o));
        o.stack_size = 64 * 1024;
        asy_async(&L, uses_stack, (void *)(uintptr_t)1000, &o); /* ~1 MiB of frames */
        asy_run(&L, ASY_RUN_DEFAULT);
        _exit(0);
    }
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT(WIFSIGNALED(status));
    ASSERT_EQ(WTERMSIG(status), SIGSEGV);
}

/* Each coroutine keeps its own floating-point control state (callee-saved
 * in the ABI): a rounding mode set in one does not leak into the other. */
#include <fenv.h>
static asy_ret_t rounds(void *arg) {
    int mode = (int)(intptr_t)arg, i;
    ASSERT_OK(fesetround(mode));
    for (i = 0; i < 3; i++) {
        asy_promise_t *p = asy_promise_resolved(&L, NULL);
        ASSERT_OK(asy_await(p, NULL));
        asy_promise_release(p);
        ASSERT_EQ(fegetround(), mode);
    }
    return asy_ok(NULL);
}

TEST(coro_keep_their_own_rounding_mode) {
    asy_promise_t *a, *b;
    ASSERT_OK(asy_loop_init(&L, NULL));
    a = asy_async(&L, rounds, (void *)(intptr_t)FE_UPWARD, NULL);
    b = asy_async(&L, rounds, (void *)(intptr_t)FE_TOWARDZERO, NULL);
    ASSERT_EQ(fegetround(), FE_TONEAREST);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(fegetround(), FE_TONEAREST);
    ASSERT_EQ(asy_promise_state_of(a), ASY_PROMISE_FULFILLED);
    ASSERT_EQ(asy_promise_state_of(b), ASY_PROMISE_FULFILLED);
    asy_promise_release(a);
    asy_promise_release(b);
    ASSERT_OK(asy_loop_close(&L));
}
