/* Regressions of issue 22: closing at the wrong moment must neither lose
 * data nor crash.
 *   1. a child's stdout behind a slow pipeline, the process handle closed
 *      from opts.on_close: every line arrives, the pipeline calls back 0;
 *   2. a paused source that pushes EOF and is destroyed before 'end':
 *      the pipeline calls back ASY_EPREMATURE_CLOSE (it used to hang);
 *   3. asy_loop_close twice;
 *   4. calls on a closed loop fail cleanly;
 *   and asy_close of a zeroed handle, asy_loop_close with fs work in flight. */
#include "../asyncrt.h"
#include "test.h"

#include <unistd.h>

static asy_loop_t L;

/* ---- 1. seq 1 200000 | lines | sink taking 1 ms per chunk ------------------ */

typedef struct {
    asy_stream_t s;
    long lines;          /* lines received */
    long expect_next;    /* the next line's number, to check order */
    int bad;             /* a line out of order or malformed */
    long slow_every;     /* one write in this many takes delay_ms */
    uint64_t delay_ms;   /* 0: that write waits until the sink is destroyed */
    int held;
    asy_timer_id_t timer;  /* the write in flight completes when it fires */
} slow_sink_t;

static slow_sink_t SINK;
static int pl_calls, pl_status, proc_closes, handle_closes, exits, out_closed_at_close;
static asy_process_t PROC;
static asy_stream_t CHILD_OUT;
static asy_line_splitter_t LINES;

static void sink_write_done(void *arg) {
    slow_sink_t *k = (slow_sink_t *)arg;
    k->timer.id = 0;
    asy_stream_write_done(&k->s, 0);
}

static void sink_write(asy_stream_t *s, const asy_buf_t *line) {
    slow_sink_t *k = ASY_CONTAINER_OF(s, slow_sink_t, s);
    char num[32];
    size_t n = line->len < sizeof(num) - 1 ? line->len : sizeof(num) - 1;
    memcpy(num, line->data, n);
    num[n] = 0;
    if (k->expect_next && atol(num) != k->expect_next) k->bad = 1;
    k->expect_next++;
    k->lines++;
    /* 1 ms for one line in 64 keeps the test near 3 s while the child
     * finishes long before the sink (the case that lost data) */
    if (k->lines % k->slow_every == 0 && !k->delay_ms)
        k->held = 1;
    else if (k->lines % k->slow_every == 0)
        k->timer = asy_set_timeout(&L, sink_write_done, k, k->delay_ms);
    else
        asy_stream_write_done(s, 0);
}

static void sink_destroy(asy_stream_t *s, int err) {
    slow_sink_t *k = ASY_CONTAINER_OF(s, slow_sink_t, s);
    if (k->timer.id || k->held) {
        if (k->timer.id) asy_clear_timer(&L, k->timer);
        k->timer.id = 0;
        k->held = 0;
        asy_stream_write_done(s, ASY_ECANCELED);
    }
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t sink_impl = {NULL, NULL, sink_write, NULL, NULL, sink_destroy, NULL,
                                          NULL};

static void on_pipeline(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    pl_calls++;
    pl_status = status;
}

static void on_handle_closed(asy_handle_t *h) {
    (void)h;
    handle_closes++;
}

static void on_exit_cb(asy_process_t *p, int status, int code, int sig) {
    (void)p, (void)status, (void)code, (void)sig;
    exits++;
}

/* docs/process.md's pattern: close the handle from 'close'. */
static void on_proc_close(asy_process_t *p, int status, int code, int sig) {
    ASSERT_OK(status);
    ASSERT_EQ(code, 0);
    ASSERT_EQ(sig, 0);
    ASSERT_EQ(exits, 1);
    /* Node: 'close' comes after the stdio streams ended and closed */
    out_closed_at_close = asy_stream_is_destroyed(&CHILD_OUT);
    proc_closes++;
    asy_close((asy_handle_t *)p, on_handle_closed);
}

TEST_T(lifecycle_child_stdout_complete_when_handle_closes_on_close, 30000) {
    static const char *argv[] = {"seq", "1", "200000", NULL};
    asy_process_opts_t o;
    asy_stream_t *all[3];
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&o, 0, sizeof(o));
    memset(&SINK, 0, sizeof(SINK));
    SINK.expect_next = 1;
    SINK.slow_every = 64;
    SINK.delay_ms = 1;
    o.on_close = on_proc_close;
    o.stdio[1].stream = &CHILD_OUT;
    ASSERT_OK(asy_spawn(&L, &PROC, "seq", argv, &o, on_exit_cb));
    ASSERT_OK(asy_line_splitter_init(&L, &LINES, NULL));
    ASSERT_OK(asy_writable_init(&L, &SINK.s, &sink_impl,
                                &(asy_stream_opts_t){.object_mode = 1, .high_water_mark = 16}));
    all[0] = &CHILD_OUT;
    all[1] = &LINES.stream;
    all[2] = &SINK.s;
    ASSERT_OK(asy_pipeline(all, 3, on_pipeline, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(pl_calls, 1);
    ASSERT_OK(pl_status);
    ASSERT_EQ(SINK.lines, 200000);
    ASSERT_EQ(SINK.bad, 0);
    ASSERT_EQ(proc_closes, 1);
    ASSERT_EQ(out_closed_at_close, 1);
    ASSERT_EQ(handle_closes, 1);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- 2. a paused source pushes EOF and is destroyed before 'end' ------------- */

static asy_stream_t SRC;

static void src_read(asy_stream_t *s, size_t size) {
    (void)s, (void)size; /* a pure push source */
}

static const asy_stream_impl_t src_impl = {NULL, src_read, NULL, NULL, NULL, NULL, NULL, NULL};

static void end_and_destroy(void *arg) {
    (void)arg;
    ASSERT_OK(asy_stream_push_end(&SRC));
    ASSERT_OK(asy_stream_destroy(&SRC, 0));
}

/* chunk bytes x n pushed at once; push_end + destroy(0) from a timer
 * (when_ms > 0) or an immediate (when_ms == 0). */
static void paused_source_case(size_t chunk_len, int n, uint64_t when_ms) {
    static char chunk[65536];
    asy_stream_t *all[2];
    int i;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&SINK, 0, sizeof(SINK));
    SINK.slow_every = 1;
    SINK.delay_ms = 0; /* the sink is still busy when the source goes */
    pl_calls = 0;
    pl_status = 1;
    memset(chunk, '7', sizeof(chunk));
    ASSERT_OK(asy_readable_init(&L, &SRC, &src_impl, NULL));
    ASSERT_OK(asy_writable_init(&L, &SINK.s, &sink_impl, NULL));
    all[0] = &SRC;
    all[1] = &SINK.s;
    ASSERT_OK(asy_pipeline(all, 2, on_pipeline, NULL));
    /* 64 KiB: the pipe pauses the source behind the slow sink */
    for (i = 0; i < n; i++) asy_stream_push_bytes(&SRC, chunk, chunk_len);
    if (when_ms)
        asy_set_timeout(&L, end_and_destroy, NULL, when_ms);
    else
        asy_set_immediate(&L, end_and_destroy, NULL);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(pl_calls, 1);
    ASSERT_ERR(pl_status, ASY_EPREMATURE_CLOSE);
    ASSERT(asy_stream_is_destroyed(&SINK.s));
    ASSERT_OK(asy_loop_close(&L));
}

TEST(lifecycle_pipeline_calls_back_when_paused_source_ends_and_is_destroyed) {
    /* the hang: one 64 KiB chunk in the sink, the source paused with an
     * empty buffer, EOF pushed and the source destroyed before 'end' */
    paused_source_case(65536, 1, 0);
    /* the same with data still in the source's buffer */
    paused_source_case(4096, 16, 0);
    paused_source_case(4096, 16, 2);
}

/* ---- 3 and 4. a closed loop ----------------------------------------------------- */

static void never(void *arg) {
    (void)arg;
    ASSERT(0);
}

TEST(lifecycle_loop_close_twice_is_harmless) {
    asy_loop_t loop;
    int r;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_loop_close(&loop));
    r = asy_loop_close(&loop);
    ASSERT_ERR(r, ASY_EINVAL);
}

TEST(lifecycle_calls_on_a_closed_loop_fail_cleanly) {
    asy_loop_t loop;
    asy_timer_t t;
    asy_async_t a;
    ASSERT_OK(asy_loop_init(&loop, NULL));
    ASSERT_OK(asy_loop_close(&loop));
    ASSERT_EQ(asy_set_timeout(&loop, never, NULL, 1).id, 0);
    ASSERT_EQ(asy_set_interval(&loop, never, NULL, 1).id, 0);
    ASSERT_EQ(asy_set_immediate(&loop, never, NULL).id, 0);
    ASSERT(asy_next_tick(&loop, never, NULL) < 0);
    ASSERT(asy_queue_microtask(&loop, never, NULL) < 0);
    ASSERT(asy_timer_init(&loop, &t) < 0);
    ASSERT(asy_async_init(&loop, &a, NULL) < 0);
    ASSERT(asy_run(&loop, ASY_RUN_DEFAULT) <= 0);
    ASSERT_EQ(asy_loop_alive(&loop), 0);
    ASSERT_ERR(asy_loop_close(&loop), ASY_EINVAL);
}

TEST(lifecycle_close_of_a_zeroed_handle_is_einval) {
    asy_timer_t t;
    memset(&t, 0, sizeof(t));
    ASSERT_ERR(asy_close((asy_handle_t *)&t, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_close(NULL, NULL), ASY_EINVAL);
}

/* ---- asy_loop_close with fs work in flight ------------------------------------- */

static int stat_calls;
static void on_stat(asy_fs_t *req) {
    ASSERT_OK(req->result);
    stat_calls++;
}

TEST(lifecycle_loop_close_with_fs_request_in_flight_is_ebusy) {
    asy_fs_t req;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_fs_stat(&L, &req, "/", on_stat));
    ASSERT_ERR(asy_loop_close(&L), ASY_EBUSY);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(stat_calls, 1); /* the request was kept and completed */
    asy_fs_req_cleanup(&req);
    ASSERT_OK(asy_loop_close(&L));
}
