/* Stream semantics: buffering, highWaterMark, read(n), unshift, cork and
 * writev, destroy, errors, construct/final, duplex, finished, pipe,
 * object mode, the async pull-read, bad arguments. */
#include "../asyncrt.h"
#include "test.h"
#include "stream_util.h"

static asy_loop_t L;

/* ---- a sink that records what it got ------------------------------------------ */

typedef struct {
    char data[4096];
    size_t len;
    int writes, writevs, finals, destroys, last_writev_n;
    int async;         /* 1: complete writes on an immediate; 2: never */
    int fail_at;       /* write number (1-based) that fails with ASY_EIO */
    int final_status;  /* what _final reports */
} sink_t;

static sink_t SK;
static asy_stream_t *sk_pending;
static asy_immediate_id_t sk_imm;

static void sink_append(const asy_buf_t *c) {
    if (SK.len + c->len <= sizeof(SK.data)) {
        memcpy(SK.data + SK.len, c->data, c->len);
        SK.len += c->len;
    }
}
static void sink_done_later(void *arg) {
    asy_stream_t *s = (asy_stream_t *)arg;
    sk_pending = NULL;
    ASSERT_OK(asy_stream_write_done(s, 0));
}
static void sink_write(asy_stream_t *s, const asy_buf_t *c) {
    SK.writes++;
    if (SK.fail_at && SK.writes == SK.fail_at) {
        asy_stream_write_done(s, ASY_EIO);
        return;
    }
    sink_append(c);
    if (SK.async == 2) return; /* never completes */
    if (SK.async) {
        sk_pending = s;
        sk_imm = asy_set_immediate(&L, sink_done_later, s);
        ASSERT(sk_imm.id != 0);
    } else {
        ASSERT_OK(asy_stream_write_done(s, 0));
    }
}
static void sink_writev(asy_stream_t *s, const asy_buf_t *chunks, size_t n) {
    size_t i;
    SK.writevs++;
    SK.last_writev_n = (int)n;
    for (i = 0; i < n; i++) sink_append(&chunks[i]);
    ASSERT_OK(asy_stream_write_done(s, 0));
}
static void sink_final(asy_stream_t *s) {
    SK.finals++;
    tlog("_final");
    asy_stream_final_done(s, SK.final_status);
}
/* A well-behaved implementer: an outstanding write is cancelled before
 * _destroy completes (after that the stream may be freed). */
static void sink_destroy(asy_stream_t *s, int err) {
    SK.destroys++;
    if (sk_pending == s) {
        asy_clear_immediate(&L, sk_imm);
        sk_pending = NULL;
        asy_stream_write_done(s, ASY_ECANCELED);
    }
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t sink_impl = {NULL, NULL, sink_write, NULL, sink_final, sink_destroy,
                                          NULL, NULL};
static const asy_stream_impl_t sinkv_impl = {NULL, NULL, sink_write, sink_writev, NULL, sink_destroy,
                                           NULL, NULL};

/* ---- event counters ----------------------------------------------------------------- */

static int n_data, n_end, n_error, n_close, n_finish, n_drain, last_err;
static void reset_counts(void) {
    n_data = n_end = n_error = n_close = n_finish = n_drain = 0;
    last_err = 0;
    memset(&SK, 0, sizeof(SK));
    tlog_reset();
}
static void c_data(asy_stream_t *s, const asy_buf_t *c) {
    (void)s;
    n_data++;
    tlogf("data %s", cstr(c));
}
static void c_end(asy_stream_t *s) { (void)s; n_end++; tlog("end"); }
static void c_error(asy_stream_t *s, int e) {
    (void)s;
    n_error++;
    last_err = e;
    tlogf("error %s", asy_err_name(e));
}
static void c_close(asy_stream_t *s) { (void)s; n_close++; tlog("close"); }
static void c_finish(asy_stream_t *s) { (void)s; n_finish++; tlog("finish"); }
static void c_drain(asy_stream_t *s) { (void)s; n_drain++; tlog("drain"); }

static const asy_stream_events_t counting = {c_data, NULL, c_end, c_error, c_drain, c_finish, c_close,
                                           NULL, NULL};
static const asy_stream_events_t counting_nodata = {NULL, NULL, c_end, c_error, c_drain, c_finish,
                                                  c_close, NULL, NULL};

static void run_loop(void) { ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0); }

/* ---- readable ---------------------------------------------------------------------- */

TEST(stream_readable_hwm_bytes_and_push_result) {
    asy_stream_t r;
    asy_stream_opts_t o;
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 8;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, &o));
    ASSERT_EQ(asy_stream_readable_hwm(&r), 8);
    ASSERT_EQ(push_str(&r, "abc"), 1);   /* 3 < 8 */
    ASSERT_EQ(push_str(&r, "defg"), 1);  /* 7 < 8 */
    ASSERT_EQ(push_str(&r, "h"), 0);     /* 8: at the mark */
    ASSERT_EQ(push_str(&r, "ijk"), 0);   /* above: still buffered */
    ASSERT_EQ(asy_stream_readable_length(&r), 11);
    /* empty pushes change nothing */
    ASSERT_EQ(push_str(&r, ""), 0);
    ASSERT_EQ(asy_stream_readable_length(&r), 11);
    ASSERT_OK(asy_stream_destroy(&r, 0));
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_default_hwm) {
    asy_stream_t r, o2;
    asy_stream_opts_t o;
    memset(&o, 0, sizeof(o));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_EQ(asy_stream_readable_hwm(&r), 16384);
    o.object_mode = 1;
    ASSERT_OK(asy_readable_init(&L, &o2, NULL, &o));
    ASSERT_EQ(asy_stream_readable_hwm(&o2), 16);
    asy_stream_destroy(&r, 0);
    asy_stream_destroy(&o2, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_read_n_across_chunks) {
    asy_stream_t r;
    asy_buf_t c;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    push_str(&r, "ab");
    push_str(&r, "cde");
    push_str(&r, "f");
    ASSERT_EQ(asy_stream_read(&r, 4, &c), 1); /* spans two chunks: copied together */
    ASSERT_STR_EQ(cstr(&c), "abcd");
    asy_buf_release(&c);
    ASSERT_EQ(asy_stream_read(&r, 10, &c), 0); /* not enough and not ended */
    ASSERT_EQ(asy_stream_readable_length(&r), 2);
    ASSERT_EQ(asy_stream_read(&r, ASY_STREAM_READ_ALL, &c), 1);
    ASSERT_STR_EQ(cstr(&c), "ef");
    asy_buf_release(&c);
    ASSERT_EQ(asy_stream_read(&r, ASY_STREAM_READ_ALL, &c), 0);
    ASSERT_EQ(c.len, 0);
    /* ended: read(n) returns what is left even if short */
    push_str(&r, "xyz");
    asy_stream_push_end(&r);
    ASSERT_EQ(asy_stream_read(&r, 10, &c), 1);
    ASSERT_STR_EQ(cstr(&c), "xyz");
    asy_buf_release(&c);
    asy_stream_destroy(&r, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_read_raises_hwm) {
    asy_stream_t r;
    asy_buf_t c;
    asy_stream_opts_t o;
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 4;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, &o));
    ASSERT_EQ(asy_stream_read(&r, 100, &c), 0);
    ASSERT_EQ(asy_stream_readable_hwm(&r), 128); /* next power of two */
    ASSERT_ERR(asy_stream_read(&r, (size_t)2 << 30, &c), ASY_ERANGE);
    asy_stream_destroy(&r, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_unshift_goes_first) {
    asy_stream_t r;
    asy_buf_t c, back;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    push_str(&r, "hello ");
    push_str(&r, "world");
    ASSERT_EQ(asy_stream_read(&r, 3, &c), 1);
    ASSERT_STR_EQ(cstr(&c), "hel");
    ASSERT_OK(asy_buf_slice(&back, &c, 1, ASY_BUF_END)); /* put "el" back */
    ASSERT_EQ(asy_stream_unshift(&r, &back), 1);
    asy_buf_release(&back);
    asy_buf_release(&c);
    ASSERT_EQ(asy_stream_read(&r, ASY_STREAM_READ_ALL, &c), 1);
    ASSERT_STR_EQ(cstr(&c), "ello world");
    asy_buf_release(&c);
    asy_stream_destroy(&r, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_push_after_eof_errors) {
    asy_stream_t r;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&r, &counting_nodata));
    ASSERT_OK(asy_stream_push_end(&r));
    ASSERT_ERR(push_str(&r, "late"), ASY_EPUSH_AFTER_EOF);
    ASSERT(asy_stream_is_destroyed(&r));
    run_loop();
    ASSERT_EQ(n_error, 1);
    ASSERT_ERR(last_err, ASY_EPUSH_AFTER_EOF);
    ASSERT_EQ(n_close, 1);
    ASSERT_EQ(n_end, 0);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_flowing_emits_everything_then_end_and_close) {
    asy_stream_t r;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    push_str(&r, "a");
    push_str(&r, "b");
    asy_stream_push_end(&r);
    ASSERT_EQ(asy_stream_readable_flowing(&r), -1);
    ASSERT_OK(asy_stream_set_events(&r, &counting));
    ASSERT_EQ(asy_stream_readable_flowing(&r), 1);
    ASSERT_EQ(n_data, 0); /* flowing starts on the next tick */
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "data a\ndata b\nend\nclose\n");
    ASSERT(asy_stream_readable_ended(&r));
    ASSERT(asy_stream_is_closed(&r));
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_explicit_pause_beats_on_data) {
    asy_stream_t r;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    push_str(&r, "a");
    ASSERT_OK(asy_stream_pause(&r));
    ASSERT_OK(asy_stream_set_events(&r, &counting)); /* paused explicitly: no flow */
    run_loop();
    ASSERT_EQ(n_data, 0);
    ASSERT(asy_stream_is_paused(&r));
    ASSERT_OK(asy_stream_resume(&r));
    asy_stream_push_end(&r);
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "data a\nend\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_readable_object_mode_counts_items) {
    asy_stream_t r;
    asy_buf_t c;
    asy_stream_opts_t o;
    int i;
    memset(&o, 0, sizeof(o));
    o.object_mode = 1;
    o.high_water_mark = 3;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, &o));
    ASSERT_EQ(push_str(&r, "a long item"), 1);
    ASSERT_EQ(push_str(&r, ""), 1); /* empty items count in object mode */
    ASSERT_EQ(push_str(&r, "x"), 0);
    ASSERT_EQ(asy_stream_readable_length(&r), 3);
    /* n is ignored: one item per read */
    ASSERT_EQ(asy_stream_read(&r, 1, &c), 1);
    ASSERT_STR_EQ(cstr(&c), "a long item");
    asy_buf_release(&c);
    ASSERT_EQ(asy_stream_read(&r, ASY_STREAM_READ_ALL, &c), 1);
    ASSERT_EQ(c.len, 0);
    asy_buf_release(&c);
    /* the ring grows past its first size */
    for (i = 0; i < 40; i++) push_str(&r, "y");
    ASSERT_EQ(asy_stream_readable_length(&r), 41);
    for (i = 0; i < 41; i++) {
        ASSERT_EQ(asy_stream_read(&r, ASY_STREAM_READ_ALL, &c), 1);
        asy_buf_release(&c);
    }
    asy_stream_destroy(&r, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

static int freed_objs;
static void obj_free(void *obj, void *hint) {
    (void)hint;
    freed_objs++;
    free(obj);
}

TEST(stream_object_mode_pointers_are_freed) {
    asy_stream_t r, w;
    asy_stream_opts_t o;
    asy_buf_t c;
    int *v;
    freed_objs = 0;
    memset(&o, 0, sizeof(o));
    o.object_mode = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, &o));
    v = (int *)malloc(sizeof(int));
    *v = 42;
    ASSERT_EQ(asy_stream_push_obj(&r, v, obj_free, NULL), 1);
    ASSERT_EQ(asy_stream_read(&r, 0 + 1, &c), 1);
    ASSERT_EQ(*(int *)c.data, 42);
    asy_buf_release(&c);
    ASSERT_EQ(freed_objs, 1);
    /* still buffered when destroyed: freed at close */
    asy_stream_push_obj(&r, malloc(4), obj_free, NULL);
    asy_stream_push_obj(&r, malloc(4), obj_free, NULL);
    asy_stream_destroy(&r, 0);
    run_loop();
    ASSERT_EQ(freed_objs, 3);
    /* a byte-mode stream refuses objects */
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_ERR(asy_stream_push_obj(&r, v, NULL, NULL), ASY_EINVAL);
    memset(&SK, 0, sizeof(SK));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_ERR(asy_stream_write_obj(&w, v, NULL, NULL, NULL, NULL), ASY_EINVAL);
    asy_stream_destroy(&r, 0);
    asy_stream_destroy(&w, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- writable ---------------------------------------------------------------------- */

/* docs/stream.md's loop: write until write() says stop.  On a destroyed
 * stream that must be at once, not never (a negative code is true in C). */
TEST(stream_write_loop_ends_on_a_destroyed_stream) {
    asy_stream_t w;
    int writes = 0;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    ASSERT_OK(asy_stream_destroy(&w, ASY_ECONNRESET));
    while (asy_stream_write_bytes(&w, "z", 1, log_cb, (void *)"refused") && writes < 1000) writes++;
    ASSERT_EQ(writes, 0);
    run_loop();
    /* node 20 calls the refused write's callback after 'close'; here every
     * callback of a stream runs before its on_close, which may free it */
    ASSERT_STR_EQ(tlog_buf, "error ECONNRESET\nrefused ESTREAM_DESTROYED\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_writable_write_after_end) {
    asy_stream_t w;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    ASSERT_EQ(write_str(&w, "x", NULL, NULL), 1);
    ASSERT_OK(asy_stream_end(&w, NULL, NULL));
    ASSERT(asy_stream_writable_ended(&w));
    /* refused: 0 (never negative, so while (write()) loops end), and the
     * callback gets the error on a nextTick, as in Node */
    ASSERT_EQ(write_str(&w, "y", log_cb, (void *)"late"), 0);
    run_loop();
    /* as in Node (checked against node 20): _final already ran and
     * 'finish' was queued before the bad write; its callback, then the
     * stream's error */
    ASSERT_STR_EQ(tlog_buf, "_final\nfinish\nlate EWRITE_AFTER_END\nerror EWRITE_AFTER_END\nclose\n");
    ASSERT_EQ(n_error, 1);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_writable_end_twice_and_after_finish) {
    asy_stream_t w;
    asy_stream_opts_t o;
    reset_counts();
    memset(&o, 0, sizeof(o));
    o.no_auto_destroy = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, &o));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    ASSERT_OK(asy_stream_end(&w, log_cb, (void *)"end1"));
    ASSERT_OK(asy_stream_end(&w, log_cb, (void *)"end2")); /* forgiving, both called */
    run_loop();
    ASSERT(asy_stream_writable_finished(&w));
    ASSERT_EQ(n_close, 0); /* no autoDestroy */
    ASSERT_ERR(asy_stream_end(&w, log_cb, (void *)"end3"), ASY_ESTREAM_FINISHED);
    ASSERT_OK(asy_stream_destroy(&w, 0));
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "_final\nend1\nend2\nfinish\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_writable_cork_uses_writev) {
    asy_stream_t w;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sinkv_impl, NULL));
    ASSERT_OK(asy_stream_cork(&w));
    ASSERT_OK(asy_stream_cork(&w));
    write_str(&w, "ab", NULL, NULL);
    write_str(&w, "cd", log_cb, (void *)"cb cd");
    write_str(&w, "ef", log_cb, (void *)"cb ef");
    ASSERT_EQ(asy_stream_writable_corked(&w), 2);
    ASSERT_EQ(SK.writes + SK.writevs, 0);
    ASSERT_EQ(asy_stream_writable_length(&w), 6);
    ASSERT_OK(asy_stream_uncork(&w)); /* still corked once */
    ASSERT_EQ(SK.writevs, 0);
    ASSERT_OK(asy_stream_uncork(&w));
    ASSERT_EQ(SK.writevs, 1);
    ASSERT_EQ(SK.last_writev_n, 3);
    ASSERT_EQ(SK.writes, 0);
    ASSERT_EQ(asy_stream_writable_length(&w), 0);
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "cb cd\ncb ef\n");
    ASSERT_MEM_EQ(SK.data, "abcdef", 6);
    /* without writev: one write each */
    ASSERT_OK(asy_stream_destroy(&w, 0));
    run_loop();
    reset_counts();
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    asy_stream_cork(&w);
    write_str(&w, "ab", NULL, NULL);
    write_str(&w, "cd", NULL, NULL);
    /* end() uncorks fully */
    ASSERT_OK(asy_stream_end(&w, NULL, NULL));
    ASSERT_EQ(SK.writes, 2);
    run_loop();
    ASSERT_MEM_EQ(SK.data, "abcd", 4);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_writable_buffered_writes_go_to_writev) {
    asy_stream_t w;
    int i;
    reset_counts();
    SK.async = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sinkv_impl, NULL));
    for (i = 0; i < 5; i++) write_str(&w, "x", NULL, NULL);
    ASSERT_EQ(SK.writes, 1); /* the first is in flight, four wait */
    run_loop();
    ASSERT_EQ(SK.writevs, 1);
    ASSERT_EQ(SK.last_writev_n, 4);
    ASSERT_EQ(SK.len, 5);
    asy_stream_destroy(&w, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_writable_hwm_zero_always_needs_drain) {
    asy_stream_t w;
    asy_stream_opts_t o;
    reset_counts();
    SK.async = 1;
    memset(&o, 0, sizeof(o));
    o.high_water_mark = ASY_STREAM_HWM_ZERO;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, &o));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    ASSERT_EQ(asy_stream_writable_hwm(&w), 0);
    ASSERT_EQ(write_str(&w, "a", NULL, NULL), 0);
    run_loop();
    ASSERT_EQ(n_drain, 1);
    asy_stream_destroy(&w, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_writable_write_error_destroys) {
    asy_stream_t w;
    reset_counts();
    SK.fail_at = 2;
    SK.async = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    write_str(&w, "a", log_cb, (void *)"cb a");
    write_str(&w, "b", log_cb, (void *)"cb b");
    write_str(&w, "c", log_cb, (void *)"cb c");
    ASSERT_OK(asy_stream_end(&w, log_cb, (void *)"end cb"));
    run_loop();
    /* b fails synchronously in _write (its callback on the next tick) while
     * c was already handed to the sink; the destroy that follows cancels
     * c, and the end callback gets the stream's error.  (Node lets c
     * complete after 'close'; here the implementer cancels it first.) */
    ASSERT_STR_EQ(tlog_buf, "cb a\ncb b EIO\ncb c ECANCELED\nend cb EIO\nerror EIO\nclose\n");
    ASSERT_EQ(asy_stream_errored(&w), ASY_EIO);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_write_done_twice_is_an_error) {
    asy_stream_t w;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    write_str(&w, "a", NULL, NULL); /* completes synchronously */
    ASSERT_ERR(asy_stream_write_done(&w, 0), ASY_EMULTIPLE_CALLBACK);
    run_loop();
    ASSERT_EQ(n_error, 1);
    ASSERT_ERR(last_err, ASY_EMULTIPLE_CALLBACK);
    ASSERT_EQ(n_close, 1);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_final_error_fails_end) {
    asy_stream_t w;
    reset_counts();
    SK.final_status = ASY_ENOSPC;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    write_str(&w, "a", NULL, NULL);
    ASSERT_OK(asy_stream_end(&w, log_cb, (void *)"end cb"));
    run_loop();
    /* Node: _final, error, close, end cb -- the end callback was queued
     * before 'close', so here it runs before it: on_close stays last */
    ASSERT_STR_EQ(tlog_buf, "_final\nerror ENOSPC\nend cb ENOSPC\nclose\n");
    ASSERT_EQ(n_finish, 0);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- destroy ----------------------------------------------------------------------- */

TEST(stream_destroy_error_then_close_once) {
    asy_stream_t d;
    reset_counts();
    SK.async = 2;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_duplex_init(&L, &d, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&d, &counting_nodata));
    write_str(&d, "a", log_cb, (void *)"cb a"); /* in flight: never completes */
    write_str(&d, "b", log_cb, (void *)"cb b"); /* buffered: fails */
    ASSERT_OK(asy_stream_end(&d, log_cb, (void *)"end cb"));
    ASSERT_OK(asy_stream_destroy(&d, ASY_ECONNRESET));
    ASSERT_OK(asy_stream_destroy(&d, ASY_EPIPE)); /* ignored */
    ASSERT_OK(asy_stream_destroy(&d, 0));
    ASSERT(asy_stream_is_destroyed(&d));
    ASSERT(!asy_stream_is_writable(&d));
    ASSERT(!asy_stream_is_readable(&d));
    ASSERT_EQ(asy_stream_write_bytes(&d, "c", 1, NULL, NULL), 0);
    run_loop();
    ASSERT_EQ(n_error, 1);
    ASSERT_EQ(n_close, 1);
    ASSERT_ERR(last_err, ASY_ECONNRESET);
    ASSERT_EQ(SK.destroys, 1);
    /* Node skips the buffered callbacks while a write is in flight; the
     * in-flight one never completes, so nothing but error and close */
    ASSERT_STR_EQ(tlog_buf, "error ECONNRESET\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_destroy_fails_buffered_writes) {
    asy_stream_t w;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting_nodata));
    asy_stream_cork(&w);
    write_str(&w, "a", log_cb, (void *)"cb a");
    write_str(&w, "b", log_cb, (void *)"cb b");
    ASSERT_OK(asy_stream_destroy(&w, 0));
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "cb a ESTREAM_DESTROYED\ncb b ESTREAM_DESTROYED\nclose\n");
    ASSERT_EQ(SK.writes, 0);
    /* end() uncorks before the destroy: the writes happen (as in Node) */
    reset_counts();
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting_nodata));
    asy_stream_cork(&w);
    write_str(&w, "a", log_cb, (void *)"cb a");
    write_str(&w, "b", log_cb, (void *)"cb b");
    ASSERT_OK(asy_stream_end(&w, log_cb, (void *)"end cb"));
    ASSERT_OK(asy_stream_destroy(&w, 0));
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "_final\ncb a\nend cb ESTREAM_DESTROYED\ncb b\nfinish\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_destroy_without_error_closes_only) {
    asy_stream_t r;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&r, &counting_nodata));
    push_str(&r, "never read");
    ASSERT_OK(asy_stream_destroy(&r, 0));
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "close\n");
    ASSERT_OK(asy_loop_close(&L));
}

static asy_stream_t *slow_destroy_s;
static void slow_destroy_done(void *arg) {
    (void)arg;
    tlog("destroy done");
    ASSERT_OK(asy_stream_destroy_done(slow_destroy_s, ASY_ETIMEDOUT));
}
static void slow_destroy(asy_stream_t *s, int err) {
    tlogf("_destroy %s", err ? asy_err_name(err) : "0");
    slow_destroy_s = s;
    ASSERT(asy_set_immediate(&L, slow_destroy_done, NULL).id != 0);
}

TEST(stream_destroy_waits_for_implementer) {
    static const asy_stream_impl_t impl = {NULL, NULL, NULL, NULL, NULL, slow_destroy, NULL, NULL};
    asy_stream_t r;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, &impl, NULL));
    ASSERT_OK(asy_stream_set_events(&r, &counting));
    ASSERT_OK(asy_stream_destroy(&r, 0));
    ASSERT(!asy_stream_is_closed(&r));
    run_loop();
    /* _destroy may report an error of its own */
    ASSERT_STR_EQ(tlog_buf, "_destroy 0\ndestroy done\nerror ETIMEDOUT\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- construct --------------------------------------------------------------------- */

static asy_stream_t *ctor_s;
static int ctor_err;
static void ctor_done(void *arg) {
    (void)arg;
    tlog("constructed");
    asy_stream_construct_done(ctor_s, ctor_err);
}
static void ctor(asy_stream_t *s) {
    tlog("_construct");
    ctor_s = s;
    ASSERT(asy_set_immediate(&L, ctor_done, NULL).id != 0);
}
static void ctor_write(asy_stream_t *s, const asy_buf_t *c) {
    tlogf("_write %s", cstr(c));
    asy_stream_write_done(s, 0);
}

TEST(stream_construct_delays_writes) {
    static const asy_stream_impl_t impl = {ctor, NULL, ctor_write, NULL, NULL, NULL, NULL, NULL};
    asy_stream_t w;
    reset_counts();
    ctor_err = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    write_str(&w, "a", NULL, NULL);
    write_str(&w, "b", NULL, NULL);
    asy_stream_end(&w, NULL, NULL);
    tlog("main");
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "main\n_construct\nconstructed\n_write a\n_write b\nfinish\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_construct_error_and_destroy_while_constructing) {
    static const asy_stream_impl_t impl = {ctor, NULL, ctor_write, NULL, NULL, NULL, NULL, NULL};
    asy_stream_t w;
    reset_counts();
    ctor_err = ASY_ENOENT;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "_construct\nconstructed\nerror ENOENT\nclose\n");
    /* destroy before construct finished: _destroy waits for it */
    reset_counts();
    ctor_err = 0;
    ASSERT_OK(asy_writable_init(&L, &w, &impl, NULL));
    ASSERT_OK(asy_stream_set_events(&w, &counting));
    ASSERT_OK(asy_stream_destroy(&w, ASY_ECANCELED));
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "_construct\nconstructed\nerror ECANCELED\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- duplex ------------------------------------------------------------------------ */

TEST(stream_duplex_autodestroy_waits_for_both_sides) {
    asy_stream_t d;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_duplex_init(&L, &d, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&d, &counting));
    asy_stream_push_end(&d);
    run_loop();
    ASSERT_EQ(n_end, 1);
    ASSERT_EQ(n_close, 0); /* the writable side is still open (half-open) */
    ASSERT(asy_stream_is_writable(&d));
    write_str(&d, "x", NULL, NULL);
    asy_stream_end(&d, NULL, NULL);
    run_loop();
    ASSERT_EQ(n_finish, 1);
    ASSERT_EQ(n_close, 1);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_duplex_no_half_open_ends_writable) {
    asy_stream_t d;
    asy_stream_opts_t o;
    reset_counts();
    memset(&o, 0, sizeof(o));
    o.no_half_open = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_duplex_init(&L, &d, &sink_impl, &o));
    ASSERT_OK(asy_stream_set_events(&d, &counting));
    asy_stream_push_end(&d);
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "end\n_final\nfinish\nclose\n");
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- transform ---------------------------------------------------------------------- */

TEST(stream_transform_backpressure_follows_readable_side) {
    asy_stream_t t;
    asy_stream_opts_t o;
    asy_buf_t c;
    int i, r = 1;
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 4;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_passthrough_init(&L, &t, &o));
    /* nobody reads: the readable side fills (4), then the writable (4) */
    for (i = 0; i < 10 && r == 1; i++) r = write_str(&t, "ab", NULL, NULL);
    ASSERT_EQ(r, 0);
    ASSERT_EQ(asy_stream_readable_length(&t), 4);
    ASSERT_GE(asy_stream_writable_length(&t), 4);
    ASSERT(asy_stream_writable_need_drain(&t));
    /* reading releases the held transform, whose output joins the read */
    ASSERT_EQ(asy_stream_read(&t, ASY_STREAM_READ_ALL, &c), 1);
    ASSERT_STR_EQ(cstr(&c), "ababab");
    asy_buf_release(&c);
    asy_stream_destroy(&t, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_transform_done_twice_is_an_error) {
    asy_stream_t t;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_passthrough_init(&L, &t, NULL));
    ASSERT_OK(asy_stream_set_events(&t, &counting_nodata));
    ASSERT_ERR(asy_stream_transform_done(&t, 0), ASY_EMULTIPLE_CALLBACK);
    ASSERT_ERR(asy_stream_flush_done(&t, 0), ASY_EMULTIPLE_CALLBACK);
    run_loop();
    ASSERT_EQ(n_error, 1);
    ASSERT_EQ(n_close, 1);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- finished ------------------------------------------------------------------------ */

static int fin_status, fin_calls;
static void fin_cb(asy_stream_t *s, int status, void *arg) {
    (void)s;
    (void)arg;
    fin_calls++;
    fin_status = status;
    tlogf("finished %s", status ? asy_err_name(status) : "ok");
}

TEST(stream_finished_reports_end_error_and_premature_close) {
    asy_stream_t r, w;
    asy_buf_t c;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    /* normal end: after close, before on_close */
    fin_calls = 0;
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&r, &counting));
    ASSERT_OK(asy_finished(&r, fin_cb, NULL));
    push_str(&r, "x");
    asy_stream_push_end(&r);
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "data x\nend\nfinished ok\nclose\n");
    ASSERT_EQ(fin_calls, 1);
    /* destroyed before the end */
    reset_counts();
    fin_calls = 0;
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_finished(&r, fin_cb, NULL));
    push_str(&r, "x");
    asy_stream_destroy(&r, 0);
    run_loop();
    ASSERT_EQ(fin_calls, 1);
    ASSERT_ERR(fin_status, ASY_EPREMATURE_CLOSE);
    /* an error */
    fin_calls = 0;
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    ASSERT_OK(asy_finished(&w, fin_cb, NULL));
    asy_stream_destroy(&w, ASY_EIO);
    run_loop();
    ASSERT_EQ(fin_calls, 1);
    ASSERT_ERR(fin_status, ASY_EIO);
    /* already finished, no autoDestroy: reported on the next tick */
    {
        asy_stream_opts_t o;
        memset(&o, 0, sizeof(o));
        o.no_auto_destroy = 1;
        fin_calls = 0;
        ASSERT_OK(asy_readable_init(&L, &r, NULL, &o));
        asy_stream_push_end(&r);
        ASSERT_EQ(asy_stream_read(&r, ASY_STREAM_READ_ALL, &c), 0);
        run_loop();
        ASSERT(asy_stream_readable_ended(&r));
        ASSERT_OK(asy_finished(&r, fin_cb, NULL));
        ASSERT_EQ(fin_calls, 0);
        run_loop();
        ASSERT_EQ(fin_calls, 1);
        ASSERT_EQ(fin_status, 0);
        asy_stream_destroy(&r, 0);
        run_loop();
    }
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- pipe (the old one) ------------------------------------------------------------------ */

TEST(stream_pipe_backpressure_and_end) {
    asy_stream_t src, dst;
    asy_stream_opts_t o;
    int i, max_wlen = 0;
    char line[32];
    reset_counts();
    SK.async = 1;
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 8;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &src, NULL, &o));
    ASSERT_OK(asy_writable_init(&L, &dst, &sink_impl, &o));
    ASSERT_OK(asy_stream_set_events(&dst, &counting));
    for (i = 0; i < 50; i++) {
        snprintf(line, sizeof(line), "%02d", i);
        push_str(&src, line);
    }
    asy_stream_push_end(&src);
    ASSERT_OK(asy_stream_pipe(&src, &dst, NULL));
    while (asy_run(&L, ASY_RUN_ONCE)) {
        if ((int)asy_stream_writable_length(&dst) > max_wlen)
            max_wlen = (int)asy_stream_writable_length(&dst);
    }
    ASSERT_EQ(SK.len, 100);
    ASSERT_MEM_EQ(SK.data, "0001020304", 10);
    ASSERT_LE(max_wlen, 8 + 2); /* paused at the mark */
    ASSERT_GE(n_drain, 1);
    ASSERT_EQ(n_finish, 1);
    ASSERT_EQ(n_close, 1);
    ASSERT_OK(asy_loop_close(&L));
}

static int src_err;
static void src_error(asy_stream_t *s, int err) {
    (void)s;
    src_err = err;
}
/* the source's own listener: without one its error is uncaught (Node) */
static const asy_stream_events_t src_err_events = {NULL, NULL, NULL, src_error, NULL,
                                                 NULL, NULL, NULL, NULL};

TEST(stream_pipe_does_not_forward_errors) {
    asy_stream_t src, dst;
    reset_counts();
    src_err = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &src, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&src, &src_err_events));
    ASSERT_OK(asy_writable_init(&L, &dst, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&dst, &counting));
    ASSERT_OK(asy_stream_pipe(&src, &dst, NULL));
    push_str(&src, "abc");
    run_loop();
    asy_stream_destroy(&src, ASY_EIO);
    run_loop();
    ASSERT_ERR(src_err, ASY_EIO);
    /* the destination was neither ended nor destroyed */
    ASSERT_EQ(n_error, 0);
    ASSERT_EQ(n_finish, 0);
    ASSERT_EQ(n_close, 0);
    ASSERT(asy_stream_is_writable(&dst));
    ASSERT_EQ(SK.len, 3);
    asy_stream_destroy(&dst, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_pipe_no_end_and_unpipe) {
    asy_stream_t src, dst;
    asy_pipe_opts_t po;
    reset_counts();
    memset(&po, 0, sizeof(po));
    po.no_end = 1;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &src, NULL, NULL));
    ASSERT_OK(asy_writable_init(&L, &dst, &sink_impl, NULL));
    ASSERT_OK(asy_stream_set_events(&dst, &counting));
    ASSERT_OK(asy_stream_pipe(&src, &dst, &po));
    push_str(&src, "abc");
    run_loop();
    ASSERT_EQ(SK.len, 3);
    ASSERT_OK(asy_stream_unpipe(&src, &dst));
    ASSERT_ERR(asy_stream_unpipe(&src, &dst), ASY_ENOENT);
    ASSERT(asy_stream_is_paused(&src));
    push_str(&src, "def");
    run_loop();
    ASSERT_EQ(SK.len, 3); /* unpiped: nothing more arrives */
    ASSERT_OK(asy_stream_pipe(&src, &dst, &po));
    asy_stream_push_end(&src);
    run_loop();
    ASSERT_EQ(SK.len, 6);
    ASSERT_EQ(n_finish, 0); /* no_end: dst stays open */
    asy_stream_destroy(&dst, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_pipe_one_source_two_destinations) {
    asy_stream_t src, d1, d2;
    sink_t first;
    int i;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &src, NULL, NULL));
    ASSERT_OK(asy_passthrough_init(&L, &d1, NULL));
    ASSERT_OK(asy_writable_init(&L, &d2, &sink_impl, NULL));
    ASSERT_OK(asy_stream_pipe(&src, &d1, NULL));
    ASSERT_OK(asy_stream_pipe(&src, &d2, NULL));
    for (i = 0; i < 3; i++) push_str(&src, "xy");
    asy_stream_push_end(&src);
    run_loop();
    first = SK;
    ASSERT_EQ(first.len, 6);
    /* d1 buffered everything on its readable side (nobody reads it) */
    ASSERT_EQ(asy_stream_readable_length(&d1), 6);
    asy_stream_destroy(&d1, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- async pull-read errors ----------------------------------------------------------------- */

static int ra_status;
static void ra_cb(asy_stream_t *s, int status, const asy_buf_t *c, void *arg) {
    (void)arg;
    ra_status = status;
    if (status == 0) {
        tlogf("got %s", cstr(c));
        ASSERT_OK(asy_stream_next(s, ra_cb, NULL));
    } else {
        tlogf("stop %s", asy_err_name(status));
    }
}

TEST(stream_read_async_reports_error) {
    asy_stream_t r;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&r, &counting_nodata));
    push_str(&r, "a");
    ASSERT_OK(asy_stream_next(&r, ra_cb, NULL));
    ASSERT_ERR(asy_stream_next(&r, ra_cb, NULL), ASY_EBUSY);
    run_loop();
    asy_stream_destroy(&r, ASY_EPIPE);
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "got a\nerror EPIPE\nclose\nstop EPIPE\n");
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_read_async_on_transform_ends_at_end) {
    asy_stream_t t;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_passthrough_init(&L, &t, NULL));
    ASSERT_OK(asy_stream_set_events(&t, &counting_nodata));
    ASSERT_OK(asy_stream_next(&t, ra_cb, NULL));
    write_str(&t, "p", NULL, NULL);
    write_str(&t, "q", NULL, NULL);
    asy_stream_end(&t, NULL, NULL);
    run_loop();
    ASSERT_STR_EQ(tlog_buf, "finish\ngot pq\nend\nclose\nstop EOF\n"); /* as Node */
    ASSERT_ERR(ra_status, ASY_EOF);
    ASSERT_EQ(n_close, 1);
    ASSERT_EQ(n_end, 1);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- events can change -------------------------------------------------------------------- */

TEST(stream_removing_on_data_stops_data_listening) {
    asy_stream_t r;
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_stream_set_events(&r, &counting));
    push_str(&r, "a");
    run_loop();
    ASSERT_EQ(n_data, 1);
    ASSERT_OK(asy_stream_set_events(&r, &counting_nodata));
    ASSERT_OK(asy_stream_pause(&r));
    push_str(&r, "b");
    run_loop();
    ASSERT_EQ(n_data, 1);
    ASSERT_EQ(asy_stream_readable_length(&r), 1);
    /* still flowing without a listener, data is read and lost, as in Node */
    ASSERT_OK(asy_stream_resume(&r));
    run_loop();
    ASSERT_EQ(n_data, 1);
    ASSERT_EQ(asy_stream_readable_length(&r), 0);
    asy_stream_destroy(&r, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- bad arguments ------------------------------------------------------------------------ */

TEST(stream_bad_arguments) {
    asy_stream_t r, w;
    static const asy_stream_impl_t empty = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    asy_buf_t c;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_readable_init(NULL, &r, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_readable_init(&L, NULL, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_writable_init(&L, &w, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_writable_init(&L, &w, &empty, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_duplex_init(&L, &w, &empty, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_transform_init(&L, &w, &empty, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_transform_init(&L, &w, NULL, NULL), ASY_EINVAL);
    ASSERT_OK(asy_readable_init(&L, &r, NULL, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &sink_impl, NULL));
    /* a readable is not writable and the other way round */
    ASSERT_ERR(write_str(&r, "x", NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_end(&r, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(push_str(&w, "x"), ASY_EINVAL);
    ASSERT_ERR(asy_stream_read(&w, 1, &c), ASY_EINVAL);
    ASSERT_ERR(asy_stream_pipe(&w, &r, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_pipe(NULL, &w, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_next(&w, ra_cb, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_next(&r, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_push(&r, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_push_bytes(&r, NULL, 3), ASY_EINVAL);
    ASSERT_ERR(asy_stream_write(&w, NULL, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_write_done(&r, 0), ASY_EINVAL);
    ASSERT_ERR(asy_stream_destroy_done(&r, 0), ASY_EINVAL); /* no _destroy waiting */
    ASSERT_ERR(asy_stream_transform_done(&r, 0), ASY_EINVAL);
    ASSERT_ERR(asy_finished(NULL, fin_cb, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_finished(&r, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_stream_destroy(NULL, 0), ASY_EINVAL);
    ASSERT_ERR(asy_stream_set_events(NULL, NULL), ASY_EINVAL);
    ASSERT_EQ(asy_stream_readable_length(NULL), 0);
    ASSERT_EQ(asy_stream_is_destroyed(NULL), 0);
    ASSERT_EQ(asy_stream_readable_flowing(NULL), -1);
    asy_stream_destroy(&r, 0);
    asy_stream_destroy(&w, 0);
    run_loop();
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- memory: a stream may be freed in on_close --------------------------------------------- */

static void free_on_close(asy_stream_t *s) {
    n_close++;
    memset(s, 0xAB, sizeof(*s)); /* poison: any later use shows under ASan/UBSan */
    free(s);
}

TEST(stream_memory_may_be_freed_in_on_close) {
    static const asy_stream_events_t ev = {NULL, NULL, NULL, NULL, NULL, NULL, free_on_close, NULL,
                                         NULL};
    asy_stream_t *a = (asy_stream_t *)malloc(sizeof(asy_stream_t));
    asy_stream_t *b = (asy_stream_t *)malloc(sizeof(asy_stream_t));
    asy_stream_t *c = (asy_stream_t *)malloc(sizeof(asy_stream_t));
    asy_stream_t *all[3];
    reset_counts();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, a, NULL, NULL));
    ASSERT_OK(asy_passthrough_init(&L, b, NULL));
    ASSERT_OK(asy_writable_init(&L, c, &sink_impl, NULL));
    asy_stream_set_events(a, &ev);
    asy_stream_set_events(b, &ev);
    asy_stream_set_events(c, &ev);
    all[0] = a;
    all[1] = b;
    all[2] = c;
    ASSERT_ERR(asy_pipeline(all, 3, NULL, NULL), ASY_EINVAL);
    ASSERT_OK(asy_stream_pipe(a, b, NULL));
    ASSERT_OK(asy_stream_pipe(b, c, NULL));
    ASSERT_OK(asy_finished(a, fin_cb, NULL));
    ASSERT_OK(asy_stream_next(b, ra_cb, NULL));
    push_str(a, "data");
    asy_stream_push_end(a);
    run_loop();
    ASSERT_EQ(n_close, 3);
    ASSERT_EQ(SK.len, 4);
    ASSERT_OK(asy_loop_close(&L));
}
