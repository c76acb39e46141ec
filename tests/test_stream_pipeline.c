/* pipeline(): data end to end, the first error destroying every stream,
 * the callback exactly once after every stream closed; and memory that
 * stays bounded when a fast source feeds a slow sink. */
#include "../asyncrt.h"
#include "test.h"
#include "stream_util.h"

static asy_loop_t L;

/* One stage of a test pipeline with its counters. */
typedef struct {
    asy_stream_t s;
    const char *name;
    int closes, errors, last_err, fail_at, calls, async, destroys;
    unsigned long long bytes;
    uint32_t sum; /* of the bytes seen, for integrity */
} stage_t;

static int cb_calls, cb_status, closes_at_cb;
static stage_t ST[6];
static size_t NST;
static int src_chunks;

static stage_t *stage_of(asy_stream_t *s) { return ASY_CONTAINER_OF(s, stage_t, s); }

static void st_error(asy_stream_t *s, int err) {
    stage_t *st = stage_of(s);
    st->errors++;
    st->last_err = err;
}
static void st_close(asy_stream_t *s) {
    stage_of(s)->closes++;
}
static const asy_stream_events_t st_events = {NULL, NULL, NULL, st_error, NULL, NULL, st_close, NULL,
                                            NULL};

static void pl_cb(asy_stream_t *last, int status, void *arg) {
    (void)last;
    size_t i;
    (void)arg;
    cb_calls++;
    cb_status = status;
    closes_at_cb = 0;
    for (i = 0; i < NST; i++) closes_at_cb += ST[i].closes;
}

static uint32_t mix(uint32_t h, const uint8_t *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

/* source: src_chunks chunks of 100 bytes, produced on immediates */
static void src_push(void *arg) {
    stage_t *st = (stage_t *)arg;
    uint8_t b[100];
    size_t i;
    if (asy_stream_is_destroyed(&st->s)) return;
    st->calls++;
    if (st->fail_at && st->calls == st->fail_at) {
        asy_stream_destroy(&st->s, ASY_EIO);
        return;
    }
    if (st->calls > src_chunks) {
        asy_stream_push_end(&st->s);
        return;
    }
    for (i = 0; i < sizeof(b); i++) b[i] = (uint8_t)(st->calls * 7 + i);
    st->sum = mix(st->sum, b, sizeof(b));
    st->bytes += sizeof(b);
    asy_stream_push_bytes(&st->s, b, sizeof(b));
}
static asy_immediate_id_t src_imm;
static void src_read(asy_stream_t *s, size_t size) {
    (void)size;
    src_imm = asy_set_immediate(&L, src_push, stage_of(s));
}
static void src_destroy(asy_stream_t *s, int err) {
    asy_clear_immediate(&L, src_imm);
    stage_of(s)->destroys++;
    asy_stream_destroy_done(s, err);
}

/* middle: passes chunks on, fails on its fail_at-th */
static void mid_transform(asy_stream_t *s, const asy_buf_t *c) {
    stage_t *st = stage_of(s);
    st->calls++;
    if (st->fail_at && st->calls == st->fail_at) {
        asy_stream_transform_done(s, ASY_EPROTO);
        return;
    }
    st->bytes += c->len;
    asy_stream_push(s, c);
    asy_stream_transform_done(s, 0);
}
static void mid_destroy(asy_stream_t *s, int err) {
    stage_of(s)->destroys++;
    asy_stream_destroy_done(s, err);
}

/* sink: completes writes on immediates, fails on its fail_at-th */
static asy_stream_t *sink_pending;
static asy_immediate_id_t sink_imm;
static void sink_done(void *arg) {
    asy_stream_t *s = (asy_stream_t *)arg;
    sink_pending = NULL;
    asy_stream_write_done(s, 0);
}
static void sink_write(asy_stream_t *s, const asy_buf_t *c) {
    stage_t *st = stage_of(s);
    st->calls++;
    if (st->fail_at && st->calls == st->fail_at) {
        asy_stream_write_done(s, ASY_ENOSPC);
        return;
    }
    st->bytes += c->len;
    st->sum = mix(st->sum, c->data, c->len);
    sink_pending = s;
    sink_imm = asy_set_immediate(&L, sink_done, s);
}
static void sink_destroy(asy_stream_t *s, int err) {
    stage_of(s)->destroys++;
    if (sink_pending == s) { /* cancel the write in flight first */
        asy_clear_immediate(&L, sink_imm);
        sink_pending = NULL;
        asy_stream_write_done(s, ASY_ECANCELED);
    }
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t src_impl = {NULL, src_read, NULL, NULL, NULL, src_destroy, NULL, NULL};
static const asy_stream_impl_t mid_impl = {NULL, NULL, NULL, NULL, NULL, mid_destroy, mid_transform,
                                         NULL};
static const asy_stream_impl_t sink_impl = {NULL, NULL, sink_write, NULL, NULL, sink_destroy, NULL,
                                          NULL};

/* src -> nmid transforms -> sink */
static void build(size_t nmid, int src_fail, int mid_fail, int sink_fail) {
    asy_stream_t *all[6];
    size_t i;
    memset(ST, 0, sizeof(ST));
    cb_calls = cb_status = closes_at_cb = 0;
    sink_pending = NULL;
    NST = nmid + 2;
    ASSERT_OK(asy_readable_init(&L, &ST[0].s, &src_impl, NULL));
    ST[0].fail_at = src_fail;
    for (i = 1; i <= nmid; i++) {
        ASSERT_OK(asy_transform_init(&L, &ST[i].s, &mid_impl, NULL));
        ST[i].fail_at = i == 1 ? mid_fail : 0;
    }
    ASSERT_OK(asy_writable_init(&L, &ST[NST - 1].s, &sink_impl, NULL));
    ST[NST - 1].fail_at = sink_fail;
    for (i = 0; i < NST; i++) {
        ASSERT_OK(asy_stream_set_events(&ST[i].s, &st_events));
        all[i] = &ST[i].s;
    }
    ASSERT_OK(asy_pipeline(all, NST, pl_cb, NULL));
}

/* Every stream destroyed and closed exactly once, before the callback,
 * which ran once. */
static void check_all_closed(void) {
    size_t i;
    ASSERT_EQ(cb_calls, 1);
    for (i = 0; i < NST; i++) {
        ASSERT_EQ(ST[i].closes, 1);
        ASSERT(asy_stream_is_destroyed(&ST[i].s));
        ASSERT_LE(ST[i].errors, 1);
    }
    ASSERT_EQ(closes_at_cb, (int)NST);
}

TEST(stream_pipeline_success) {
    ASSERT_OK(asy_loop_init(&L, NULL));
    src_chunks = 200;
    build(3, 0, 0, 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    check_all_closed();
    ASSERT_EQ(cb_status, 0);
    ASSERT_EQ(ST[4].bytes, 20000);
    ASSERT_EQ(ST[4].sum, ST[0].sum);
    ASSERT_EQ(ST[0].errors + ST[1].errors + ST[4].errors, 0);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_pipeline_error_in_source) {
    ASSERT_OK(asy_loop_init(&L, NULL));
    src_chunks = 100;
    build(1, 5, 0, 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    check_all_closed();
    ASSERT_ERR(cb_status, ASY_EIO);
    /* the error reached every stream */
    ASSERT_ERR(ST[0].last_err, ASY_EIO);
    ASSERT_ERR(ST[1].last_err, ASY_EIO);
    ASSERT_ERR(ST[2].last_err, ASY_EIO);
    ASSERT_LT(ST[2].bytes, 500);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_pipeline_error_in_middle) {
    ASSERT_OK(asy_loop_init(&L, NULL));
    src_chunks = 100;
    build(2, 0, 7, 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    check_all_closed();
    ASSERT_ERR(cb_status, ASY_EPROTO);
    ASSERT_EQ(ST[1].errors, 1);
    ASSERT_ERR(ST[0].last_err, ASY_EPROTO);
    ASSERT_ERR(ST[2].last_err, ASY_EPROTO);
    ASSERT_ERR(ST[3].last_err, ASY_EPROTO);
    ASSERT_EQ(ST[0].destroys, 1); /* the source's _destroy ran */
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_pipeline_error_in_sink) {
    ASSERT_OK(asy_loop_init(&L, NULL));
    src_chunks = 100;
    build(1, 0, 0, 3);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    check_all_closed();
    ASSERT_ERR(cb_status, ASY_ENOSPC);
    ASSERT_ERR(ST[0].last_err, ASY_ENOSPC);
    ASSERT_ERR(ST[1].last_err, ASY_ENOSPC);
    ASSERT_OK(asy_loop_close(&L));
}

/* Failure at every position of every stage: always one callback, with
 * the error of the stage that failed, and everything closed. */
TEST_T(stream_pipeline_fail_anywhere, 30000) {
    int where, at;
    ASSERT_OK(asy_loop_init(&L, NULL));
    src_chunks = 12;
    for (where = 0; where < 3; where++) {
        for (at = 1; at <= 13; at++) {
            build(2, where == 0 ? at : 0, where == 1 ? at : 0, where == 2 ? at : 0);
            ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
            check_all_closed();
            if (where == 0)
                ASSERT_ERR(cb_status, ASY_EIO); /* the 13th call was the end */
            else if (where == 1 && at <= 12)
                ASSERT_ERR(cb_status, ASY_EPROTO);
            else if (where == 2 && at <= 12)
                ASSERT_ERR(cb_status, ASY_ENOSPC);
            else
                ASSERT_EQ(cb_status, 0); /* failing after the last chunk: never */
        }
    }
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_pipeline_premature_close) {
    ASSERT_OK(asy_loop_init(&L, NULL));
    src_chunks = 50;
    build(1, 0, 0, 0);
    /* run a little, then destroy the middle stream without an error */
    while (ST[2].bytes < 300) ASSERT(asy_run(&L, ASY_RUN_ONCE) != 0);
    asy_stream_destroy(&ST[1].s, 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    check_all_closed();
    ASSERT_ERR(cb_status, ASY_EPREMATURE_CLOSE);
    ASSERT_OK(asy_loop_close(&L));
}

static void plain_write(asy_stream_t *s, const asy_buf_t *c) {
    (void)c;
    asy_stream_write_done(s, 0);
}

TEST(stream_pipeline_bad_arguments) {
    static const asy_stream_impl_t plain = {NULL, NULL, plain_write, NULL, NULL, NULL, NULL, NULL};
    asy_stream_t r, w, *all[3];
    ASSERT_OK(asy_loop_init(&L, NULL));
    cb_calls = 0;
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &plain, NULL));
    all[0] = &r;
    all[1] = &w;
    all[2] = NULL;
    ASSERT_ERR(asy_pipeline(all, 1, pl_cb, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_pipeline(all, 3, pl_cb, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_pipeline(NULL, 2, pl_cb, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_pipeline(all, 2, NULL, NULL), ASY_EINVAL);
    all[0] = &w; /* a writable cannot be a source */
    all[1] = &r;
    ASSERT_ERR(asy_pipeline(all, 2, pl_cb, NULL), ASY_EINVAL);
    asy_stream_destroy(&r, 0);
    asy_stream_destroy(&w, 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(cb_calls, 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- the promise forms (stream/promises) -------------------------------------------- */

static int settled_calls, settled_error;
static void on_settled(void *arg, const asy_settled_t *in) {
    (void)arg;
    settled_calls++;
    settled_error = in->error;
}

TEST(stream_pipeline_promise_forms) {
    asy_stream_t *all[4];
    asy_promise_t *p, *f;
    size_t i;
    ASSERT_OK(asy_loop_init(&L, NULL));
    src_chunks = 20;
    /* fulfilled */
    memset(ST, 0, sizeof(ST));
    NST = 3;
    ASSERT_OK(asy_readable_init(&L, &ST[0].s, &src_impl, NULL));
    ASSERT_OK(asy_transform_init(&L, &ST[1].s, &mid_impl, NULL));
    ASSERT_OK(asy_writable_init(&L, &ST[2].s, &sink_impl, NULL));
    for (i = 0; i < 3; i++) all[i] = &ST[i].s;
    p = asy_pipelinep(all, 3);
    ASSERT_NOT_NULL(p);
    f = asy_finishedp(&ST[2].s);
    ASSERT_NOT_NULL(f);
    settled_calls = 0;
    ASSERT_OK(asy_promise_on_settled(p, on_settled, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(settled_calls, 1);
    ASSERT_EQ(settled_error, 0);
    ASSERT_EQ(asy_promise_state_of(f), ASY_PROMISE_FULFILLED);
    ASSERT_EQ(ST[2].bytes, 2000);
    asy_promise_release(p);
    asy_promise_release(f);
    /* rejected with the first error */
    memset(ST, 0, sizeof(ST));
    ASSERT_OK(asy_readable_init(&L, &ST[0].s, &src_impl, NULL));
    ASSERT_OK(asy_writable_init(&L, &ST[2].s, &sink_impl, NULL));
    ST[2].fail_at = 2;
    all[0] = &ST[0].s;
    all[1] = &ST[2].s;
    p = asy_pipelinep(all, 2);
    ASSERT_NOT_NULL(p);
    f = asy_finishedp(&ST[0].s);
    ASSERT_NOT_NULL(f);
    ASSERT_OK(asy_promise_on_settled(p, on_settled, NULL));
    ASSERT_OK(asy_promise_on_settled(f, on_settled, NULL));
    settled_calls = 0;
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(settled_calls, 2);
    ASSERT_EQ(asy_promise_state_of(p), ASY_PROMISE_REJECTED);
    ASSERT_ERR(asy_promise_result(p)->error, ASY_ENOSPC);
    ASSERT_ERR(asy_promise_result(f)->error, ASY_ENOSPC);
    asy_promise_release(p);
    asy_promise_release(f);
    /* bad arguments: no promise */
    ASSERT_NULL(asy_pipelinep(all, 1));
    ASSERT_NULL(asy_finishedp(NULL));
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- memory under backpressure ---------------------------------------------------------
 * A source producing 1 GiB as fast as asked, through a passthrough, into a
 * sink that completes each write only on a later loop iteration (every
 * 64th on a timer).  Every chunk is fresh memory whose release is counted,
 * so the bytes alive at any time are known exactly; four buffers hold data
 * (the source's readable side, both sides of the passthrough, the sink's
 * writable side), so they must stay within 4 x highWaterMark plus the
 * chunk in flight and the one being made.  In a plain build (not under a
 * sanitizer, whose quarantine keeps freed memory resident, nor valgrind)
 * RSS is checked the same way. */

#define MEM_CHUNK ((size_t)64 * 1024)
#define MEM_HWM ((size_t)64 * 1024)
#define MEM_TOTAL ((unsigned long long)1 << 30)

#if defined(__SANITIZE_ADDRESS__)
#define MEM_CHECK_RSS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define MEM_CHECK_RSS 0
#endif
#endif
#ifndef MEM_CHECK_RSS
#define MEM_CHECK_RSS 1
#endif

static unsigned long long mem_made, mem_got;
static size_t mem_live, mem_live_max;
static size_t rss_base, rss_max;
static asy_stream_t MS, MP, MK;
static unsigned mem_slow;

static size_t rss_now(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, res = 0;
    if (!f) return 0;
    if (fscanf(f, "%lu %lu", &size, &res) != 2) res = 0;
    fclose(f);
    return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

static void mem_free(void *data, void *hint) {
    (void)hint;
    mem_live -= MEM_CHUNK;
    free(data);
}

static void mem_read(asy_stream_t *s, size_t size) {
    asy_buf_t b;
    (void)size;
    if (mem_made >= MEM_TOTAL) {
        asy_stream_push_end(s);
        return;
    }
    /* as fast as asked: keep pushing while push() says there is room */
    do {
        void *p = malloc(MEM_CHUNK);
        ASSERT_NOT_NULL(p);
        memset(p, (int)(mem_made >> 16), MEM_CHUNK); /* touch every page */
        ASSERT_OK(asy_buf_from_external(&b, p, MEM_CHUNK, mem_free, NULL));
        mem_made += MEM_CHUNK;
        mem_live += MEM_CHUNK;
        if (mem_live > mem_live_max) mem_live_max = mem_live;
    } while (asy_stream_push_move(s, &b) == 1 && mem_made < MEM_TOTAL);
}

static void mem_done(void *arg) {
    (void)arg;
    ASSERT_OK(asy_stream_write_done(&MK, 0));
}

static void mem_write(asy_stream_t *s, const asy_buf_t *c) {
    size_t rss;
    (void)s;
    ASSERT_EQ(c->data[0], (uint8_t)(mem_got >> 16));
    mem_got += c->len;
    if (mem_got == 64 * MEM_CHUNK) rss_base = rss_now(); /* warmed up */
    if (rss_base && (mem_got & (16 * MEM_CHUNK - 1)) == 0 && (rss = rss_now()) > rss_max)
        rss_max = rss;
    /* slow: every write waits for a later iteration, every 64th for a timer */
    if (++mem_slow % 64 == 0)
        ASSERT(asy_set_timeout(&L, mem_done, NULL, 1).id != 0);
    else
        ASSERT(asy_set_immediate(&L, mem_done, NULL).id != 0);
}

static int mem_cb_status = 1;
static void mem_cb(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    mem_cb_status = status;
}

TEST_T(stream_pipeline_memory_bounded_under_backpressure, 120000) {
    static const asy_stream_impl_t src = {NULL, mem_read, NULL, NULL, NULL, NULL, NULL, NULL};
    static const asy_stream_impl_t sink = {NULL, NULL, mem_write, NULL, NULL, NULL, NULL, NULL};
    asy_stream_opts_t o;
    asy_stream_t *all[3];
    size_t limit;
    memset(&o, 0, sizeof(o));
    o.high_water_mark = MEM_HWM;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &MS, &src, &o));
    ASSERT_OK(asy_passthrough_init(&L, &MP, &o));
    ASSERT_OK(asy_writable_init(&L, &MK, &sink, &o));
    all[0] = &MS;
    all[1] = &MP;
    all[2] = &MK;
    ASSERT_OK(asy_pipeline(all, 3, mem_cb, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(mem_cb_status, 0);
    ASSERT_EQ_U64(mem_got, MEM_TOTAL);
    ASSERT_EQ_U64(mem_made, MEM_TOTAL);
    ASSERT_EQ(mem_live, 0); /* everything released */
    printf("live max %zu KiB; rss base %zu KiB, max %zu KiB\n", mem_live_max / 1024,
           rss_base / 1024, rss_max / 1024);
    /* the buffers, the chunk in the sink, the one the source was making */
    ASSERT_LE(mem_live_max, 4 * MEM_HWM + 2 * MEM_CHUNK);
    /* valgrind and sanitizers (a scaled timeout) keep memory their own way */
    if (MEM_CHECK_RSS && asyt_timeout_scale() <= 1.0) {
        limit = 4 * MEM_HWM + 2 * 1024 * 1024; /* plus allocator slack */
        ASSERT(rss_base > 0);
        ASSERT_LE(rss_max, rss_base + limit);
    }
    ASSERT_OK(asy_loop_close(&L));
}
