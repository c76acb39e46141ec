/* Stream event sequences checked against Node 20: each scenario has a
 * twin in tests/node/stream_NAME.cjs whose output is stored here, and
 * stream_node_twins_agree re-runs the twins when node is installed. */
#include "../asyncrt.h"
#include "test.h"
#include "stream_util.h"

static asy_loop_t L;

static void tick_log(void *arg) { tlog((const char *)arg); }

/* ---- stream_hwm_drain ------------------------------------------------------ */
static const char hwm_drain_expected[] =
    "_write aaaa\nwrite aaaa true len=4 needDrain=false\nwrite bbbb true len=8 needDrain=false\n"
    "write cccc false len=12 needDrain=true\nwrite dddd false len=16 needDrain=true\ntick\n"
    "done aaaa\n_write bbbb\ncb aaaa\ndone bbbb\n_write cccc\ncb bbbb\ndone cccc\n_write dddd\n"
    "cb cccc\ndone dddd\ndrain len=0\nafter end\ncb dddd\nend cb\nfinish\nclose\n";

static asy_stream_t HW;
static char hw_cur[16];

static void hw_done(void *arg) {
    (void)arg;
    tlogf("done %s", hw_cur);
    ASSERT_OK(asy_stream_write_done(&HW, 0));
}
static void hw_write(asy_stream_t *s, const asy_buf_t *chunk) {
    (void)s;
    snprintf(hw_cur, sizeof(hw_cur), "%s", cstr(chunk));
    tlogf("_write %s", hw_cur);
    ASSERT(asy_set_immediate(&L, hw_done, NULL).id != 0);
}
static void hw_drain(asy_stream_t *s) {
    tlogf("drain len=%zu", asy_stream_writable_length(s));
    ASSERT_OK(asy_stream_end(s, log_cb, (void *)"end cb"));
    tlog("after end");
}
static void on_finish_log(asy_stream_t *s) { (void)s; tlog("finish"); }
static void on_close_log(asy_stream_t *s) { (void)s; tlog("close"); }
static void on_end_log(asy_stream_t *s) { (void)s; tlog("end"); }

TEST(stream_order_hwm_drain) {
    static const asy_stream_impl_t impl = {NULL, NULL, hw_write, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    static const char *strs[4] = {"aaaa", "bbbb", "cccc", "dddd"};
    static char cbnames[4][16];
    asy_stream_opts_t o;
    int i;
    tlog_reset();
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 10;
    ev.on_drain = hw_drain;
    ev.on_finish = on_finish_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &HW, &impl, &o));
    ASSERT_OK(asy_stream_set_events(&HW, &ev));
    for (i = 0; i < 4; i++) {
        int r;
        snprintf(cbnames[i], sizeof(cbnames[i]), "cb %s", strs[i]);
        r = write_str(&HW, strs[i], log_cb, cbnames[i]);
        ASSERT(r >= 0);
        tlogf("write %s %s len=%zu needDrain=%s", strs[i], tf(r), asy_stream_writable_length(&HW),
              tf(asy_stream_writable_need_drain(&HW)));
    }
    ASSERT_OK(asy_next_tick(&L, tick_log, (void *)"tick"));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, hwm_drain_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_sync_write ------------------------------------------------------- */
static const char sync_write_expected[] =
    "_write abcd\nw1 true\n_write efgh\nw2 true\n_write ij\nw3 true\nmain\ncb\ncb\ntick1\n"
    "_write kl\nw4 true\ncb4\ntick2\nend cb\nfinish\nclose\n";

static asy_stream_t SW;

static void sw_write(asy_stream_t *s, const asy_buf_t *chunk) {
    tlogf("_write %s", cstr(chunk));
    ASSERT_OK(asy_stream_write_done(s, 0));
}
static void sw_tick1(void *arg) {
    (void)arg;
    tlog("tick1");
    tlogf("w4 %s", tf(write_str(&SW, "kl", log_cb, (void *)"cb4")));
    ASSERT_OK(asy_stream_end(&SW, log_cb, (void *)"end cb"));
    ASSERT_OK(asy_next_tick(&L, tick_log, (void *)"tick2"));
}

TEST(stream_order_sync_write) {
    static const asy_stream_impl_t impl = {NULL, NULL, sw_write, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    asy_stream_opts_t o;
    tlog_reset();
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 6;
    ev.on_finish = on_finish_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &SW, &impl, &o));
    ASSERT_OK(asy_stream_set_events(&SW, &ev));
    tlogf("w1 %s", tf(write_str(&SW, "abcd", log_cb, (void *)"cb")));
    tlogf("w2 %s", tf(write_str(&SW, "efgh", log_cb, (void *)"cb")));
    tlogf("w3 %s", tf(write_str(&SW, "ij", NULL, NULL)));
    ASSERT_OK(asy_next_tick(&L, sw_tick1, NULL));
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, sync_write_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_pause_resume --------------------------------------------------------- */
static const char pause_resume_expected[] =
    "flowing null\nflowing true\n_read 8\nresume event\n_read 8\ndata one len=3\n_read 8\n"
    "data two len=5\npause event\npaused true flowing false\ntick\n_read 8\nresume\n"
    "resume event\n_read 8\ndata three len=4\ndata four len=0\nend\nclose\n";

static asy_stream_t PR;
static int pr_n;

static const char *flowing_str(asy_stream_t *s) {
    int f = asy_stream_readable_flowing(s);
    return f < 0 ? "null" : tf(f);
}
static void pr_read(asy_stream_t *s, size_t size) {
    static const char *items[4] = {"one", "two", "three", "four"};
    tlogf("_read %zu", size);
    if (pr_n < 4)
        push_str(s, items[pr_n++]);
    else
        asy_stream_push_end(s);
}
static void pr_resume(void *arg) {
    (void)arg;
    tlog("resume");
    ASSERT_OK(asy_stream_resume(&PR));
}
static void pr_data(asy_stream_t *s, const asy_buf_t *c) {
    tlogf("data %s len=%zu", cstr(c), asy_stream_readable_length(s));
    if (c->len == 3 && memcmp(c->data, "two", 3) == 0) {
        ASSERT_OK(asy_stream_pause(s));
        tlogf("paused %s flowing %s", tf(asy_stream_is_paused(s)), flowing_str(s));
        ASSERT(asy_set_immediate(&L, pr_resume, NULL).id != 0);
    }
}
static void pr_pause(asy_stream_t *s) { (void)s; tlog("pause event"); }
static void pr_resume_ev(asy_stream_t *s) { (void)s; tlog("resume event"); }

TEST(stream_order_pause_resume) {
    static const asy_stream_impl_t impl = {NULL, pr_read, NULL, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    asy_stream_opts_t o;
    tlog_reset();
    pr_n = 0;
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 8;
    ev.on_data = pr_data;
    ev.on_pause = pr_pause;
    ev.on_resume = pr_resume_ev;
    ev.on_end = on_end_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &PR, &impl, &o));
    tlogf("flowing %s", flowing_str(&PR));
    ASSERT_OK(asy_stream_set_events(&PR, &ev));
    tlogf("flowing %s", flowing_str(&PR));
    ASSERT_OK(asy_next_tick(&L, tick_log, (void *)"tick"));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, pause_resume_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_end_finish ------------------------------------------------------------ */
static const char end_finish_expected[] =
    "data a\nw true\ndata b\nw true\nmain\ncb a\ncb b\nend\nend cb\nfinish\ntick\nclose\n"
    "immediate\n";

static void data_log(asy_stream_t *s, const asy_buf_t *c) {
    (void)s;
    tlogf("data %s", cstr(c));
}

TEST(stream_order_end_finish) {
    static asy_stream_t P;
    static asy_stream_events_t ev;
    tlog_reset();
    ev.on_data = data_log;
    ev.on_finish = on_finish_log;
    ev.on_end = on_end_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_passthrough_init(&L, &P, NULL));
    ASSERT_OK(asy_stream_set_events(&P, &ev));
    tlogf("w %s", tf(write_str(&P, "a", log_cb, (void *)"cb a")));
    tlogf("w %s", tf(write_str(&P, "b", log_cb, (void *)"cb b")));
    ASSERT_OK(asy_stream_end(&P, log_cb, (void *)"end cb"));
    ASSERT_OK(asy_next_tick(&L, tick_log, (void *)"tick"));
    ASSERT(asy_set_immediate(&L, tick_log, (void *)"immediate").id != 0);
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, end_finish_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_transform_flush -------------------------------------------------------- */
static const char transform_flush_expected[] =
    "transform hello \ntransform world\nflush\nmain\nreadable\nread HELLO WORLD<tail>\n"
    "flush done\nreadable\nend\nfinish\nclose\n";

static asy_stream_t TF;

static void tf_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    char up[64];
    size_t i;
    tlogf("transform %s", cstr(chunk));
    for (i = 0; i < chunk->len && i < sizeof(up); i++)
        up[i] = (char)((chunk->data[i] >= 'a' && chunk->data[i] <= 'z') ? chunk->data[i] - 32
                                                                         : chunk->data[i]);
    asy_stream_push_bytes(s, up, i);
    ASSERT_OK(asy_stream_transform_done(s, 0));
}
static void tf_flush_done(void *arg) {
    (void)arg;
    tlog("flush done");
    ASSERT_OK(asy_stream_flush_done(&TF, 0));
}
static void tf_flush(asy_stream_t *s) {
    tlog("flush");
    push_str(s, "<tail>");
    ASSERT(asy_set_immediate(&L, tf_flush_done, NULL).id != 0);
}
static void tf_readable(asy_stream_t *s) {
    asy_buf_t c;
    tlog("readable");
    while (asy_stream_read(s, ASY_STREAM_READ_ALL, &c) == 1) {
        tlogf("read %s", cstr(&c));
        asy_buf_release(&c);
    }
}

TEST(stream_order_transform_flush) {
    static const asy_stream_impl_t impl = {NULL, NULL, NULL, NULL, NULL, NULL, tf_transform, tf_flush};
    static asy_stream_events_t ev;
    tlog_reset();
    ev.on_readable = tf_readable;
    ev.on_finish = on_finish_log;
    ev.on_end = on_end_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_transform_init(&L, &TF, &impl, NULL));
    ASSERT_OK(asy_stream_set_events(&TF, &ev));
    write_str(&TF, "hello ", NULL, NULL);
    write_str(&TF, "world", NULL, NULL);
    ASSERT_OK(asy_stream_end(&TF, NULL, NULL));
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, transform_flush_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_destroy_pipeline --------------------------------------------------------- */
static const char destroy_pipeline_expected[] =
    "mid c1\ndst c1\nmid c2\nmid c3\nmid error boom\nmid close\nsrc error boom\nsrc close\n"
    "dst error boom\ndst close\npipeline boom\ndestroyed true true true\n";

static asy_stream_t DS, DM, DD;
static int dp_n, dp_seen;
#define BOOM ASY_EIO

static void dp_read(asy_stream_t *s, size_t size) {
    char b[16];
    (void)size;
    dp_n++;
    snprintf(b, sizeof(b), "c%d", dp_n);
    push_str(s, b);
    if (dp_n == 6) asy_stream_push_end(s);
}
static void dp_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    dp_seen++;
    tlogf("mid %s", cstr(chunk));
    if (dp_seen == 3) {
        ASSERT_OK(asy_stream_transform_done(s, BOOM));
    } else {
        asy_stream_push(s, chunk);
        ASSERT_OK(asy_stream_transform_done(s, 0));
    }
}
static void dp_done(void *arg) { ASSERT_OK(asy_stream_write_done((asy_stream_t *)arg, 0)); }
/* "_write X", completed on an immediate */
static void dp_write_named(asy_stream_t *s, const asy_buf_t *chunk) {
    tlogf("_write %s", cstr(chunk));
    ASSERT(asy_set_immediate(&L, dp_done, s).id != 0);
}
static void dp_write(asy_stream_t *s, const asy_buf_t *chunk) {
    tlogf("dst %s", cstr(chunk));
    ASSERT(asy_set_immediate(&L, dp_done, s).id != 0);
}
static void named_error(asy_stream_t *s, int err) {
    tlogf("%s error %s", (const char *)s->data, err == BOOM ? "boom" : asy_err_name(err));
}
static void named_close(asy_stream_t *s) { tlogf("%s close", (const char *)s->data); }
static void dp_cb(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    tlogf("pipeline %s", status == BOOM ? "boom" : status ? asy_err_name(status) : "ok");
    tlogf("destroyed %s %s %s", tf(asy_stream_is_destroyed(&DS)), tf(asy_stream_is_destroyed(&DM)),
          tf(asy_stream_is_destroyed(&DD)));
}

TEST(stream_order_destroy_pipeline) {
    static const asy_stream_impl_t src_impl = {NULL, dp_read, NULL, NULL, NULL, NULL, NULL, NULL};
    static const asy_stream_impl_t mid_impl = {NULL, NULL, NULL, NULL, NULL, NULL, dp_transform, NULL};
    static const asy_stream_impl_t dst_impl = {NULL, NULL, dp_write, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    asy_stream_t *all[3];
    tlog_reset();
    dp_n = dp_seen = 0;
    ev.on_error = named_error;
    ev.on_close = named_close;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &DS, &src_impl, NULL));
    ASSERT_OK(asy_transform_init(&L, &DM, &mid_impl, NULL));
    ASSERT_OK(asy_writable_init(&L, &DD, &dst_impl, NULL));
    DS.data = (void *)"src";
    DM.data = (void *)"mid";
    DD.data = (void *)"dst";
    all[0] = &DS;
    all[1] = &DM;
    all[2] = &DD;
    ASSERT_OK(asy_stream_set_events(&DS, &ev));
    ASSERT_OK(asy_stream_set_events(&DM, &ev));
    ASSERT_OK(asy_stream_set_events(&DD, &ev));
    ASSERT_OK(asy_pipeline(all, 3, dp_cb, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, destroy_pipeline_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_readable_event ---------------------------------------------------------- */
static const char readable_event_expected[] =
    "push true\npush false\nreadable len=5\nread3 abc\nleft 2\npush false\nreadable len=4\n"
    "read3 def\nread3 g\nleft 0\npushed null\nreadable len=0\nleft 0\nend\nclose\n";

static asy_stream_t RE;

static void re_readable(asy_stream_t *s) {
    asy_buf_t c;
    tlogf("readable len=%zu", asy_stream_readable_length(s));
    while (asy_stream_read(s, 3, &c) == 1) {
        tlogf("read3 %s", cstr(&c));
        asy_buf_release(&c);
    }
    tlogf("left %zu", asy_stream_readable_length(s));
}
static void re_later(void *arg) {
    (void)arg;
    tlogf("push %s", tf(push_str(&RE, "fg")));
    ASSERT_OK(asy_stream_push_end(&RE));
    tlog("pushed null");
}

TEST(stream_order_readable_event) {
    static asy_stream_events_t ev;
    asy_stream_opts_t o;
    tlog_reset();
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 4;
    ev.on_readable = re_readable;
    ev.on_end = on_end_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &RE, NULL, &o));
    ASSERT_OK(asy_stream_set_events(&RE, &ev));
    tlogf("push %s", tf(push_str(&RE, "ab")));
    tlogf("push %s", tf(push_str(&RE, "cde")));
    ASSERT(asy_set_immediate(&L, re_later, NULL).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, readable_event_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_for_await ------------------------------------------------------------------ */
static const char for_await_expected[] = "got x1\ngot x2\ngot x3\nend\nclose\nloop done\n";

static asy_stream_t FA;
static int fa_i;

static void fa_push(void *arg) {
    static const char *data[3] = {"x1", "x2", "x3"};
    (void)arg;
    if (fa_i < 3)
        push_str(&FA, data[fa_i++]);
    else
        asy_stream_push_end(&FA);
}
static void fa_read(asy_stream_t *s, size_t size) {
    (void)s;
    (void)size;
    ASSERT(asy_set_immediate(&L, fa_push, NULL).id != 0);
}
static void fa_next(asy_stream_t *s, int status, const asy_buf_t *chunk, void *arg) {
    (void)arg;
    if (status == 0) {
        tlogf("got %s", cstr(chunk));
        ASSERT_OK(asy_stream_next(s, fa_next, NULL));
    } else {
        ASSERT_ERR(status, ASY_EOF);
        tlog("loop done");
    }
}

TEST(stream_order_for_await) {
    static const asy_stream_impl_t impl = {NULL, fa_read, NULL, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    tlog_reset();
    fa_i = 0;
    ev.on_end = on_end_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &FA, &impl, NULL));
    ASSERT_OK(asy_stream_set_events(&FA, &ev));
    ASSERT_OK(asy_stream_next(&FA, fa_next, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, for_await_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_object_mode ------------------------------------------------------------------ */
static const char object_mode_expected[] =
    "_write a\nw true\n_write b\nw true\nmain\ntick1\nfinish\ntick2\nclose\n";

static void om_tick1(void *arg) {
    (void)arg;
    tlog("tick1");
    ASSERT_OK(asy_next_tick(&L, tick_log, (void *)"tick2"));
}

TEST(stream_order_object_mode) {
    static const asy_stream_impl_t impl = {NULL, NULL, sw_write, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    asy_stream_t w;
    asy_stream_opts_t o;
    tlog_reset();
    memset(&o, 0, sizeof(o));
    o.object_mode = 1;
    o.high_water_mark = 2;
    ev.on_finish = on_finish_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &w, &impl, &o));
    ASSERT_OK(asy_stream_set_events(&w, &ev));
    tlogf("w %s", tf(write_str(&w, "a", NULL, NULL)));
    tlogf("w %s", tf(write_str(&w, "b", NULL, NULL)));
    ASSERT_OK(asy_stream_end(&w, NULL, NULL));
    ASSERT_OK(asy_next_tick(&L, om_tick1, NULL));
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, object_mode_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_cork ------------------------------------------------------------------------- */
static const char cork_expected[] =
    "w true\nw false\nw false\nmain\nuncork\n_writev ab,cd,ef\nw false\n_write gh\ncb ab\n"
    "cb cd\ncb gh\nend cb\nfinish\nclose\n";

static asy_stream_t CK;

static void ck_writev_done(void *arg) {
    (void)arg;
    ASSERT_OK(asy_stream_write_done(&CK, 0));
}
static void ck_writev(asy_stream_t *s, const asy_buf_t *chunks, size_t n) {
    char line[128];
    size_t i, len;
    (void)s;
    len = (size_t)snprintf(line, sizeof(line), "_writev ");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i ? "," : "",
                                cstr(&chunks[i]));
    tlog(line);
    ASSERT(asy_set_immediate(&L, ck_writev_done, NULL).id != 0);
}
static void ck_tick(void *arg) {
    (void)arg;
    tlog("uncork");
    ASSERT_OK(asy_stream_uncork(&CK));
    tlogf("w %s", tf(write_str(&CK, "gh", log_cb, (void *)"cb gh")));
    ASSERT_OK(asy_stream_end(&CK, log_cb, (void *)"end cb"));
}
static void on_drain_log(asy_stream_t *s) { (void)s; tlog("drain"); }

TEST(stream_order_cork) {
    static const asy_stream_impl_t impl = {NULL, NULL, sw_write, ck_writev, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    asy_stream_opts_t o;
    tlog_reset();
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 4;
    ev.on_drain = on_drain_log;
    ev.on_finish = on_finish_log;
    ev.on_close = on_close_log;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_writable_init(&L, &CK, &impl, &o));
    ASSERT_OK(asy_stream_set_events(&CK, &ev));
    ASSERT_OK(asy_stream_cork(&CK));
    tlogf("w %s", tf(write_str(&CK, "ab", log_cb, (void *)"cb ab")));
    tlogf("w %s", tf(write_str(&CK, "cd", log_cb, (void *)"cb cd")));
    tlogf("w %s", tf(write_str(&CK, "ef", NULL, NULL)));
    ASSERT_OK(asy_next_tick(&L, ck_tick, NULL));
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, cork_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_pipe ---------------------------------------------------------------------------- */
static const char pipe_expected[] =
    "push true\npush false\npush false\npush false\nmain\n_write aaa\npause\nresume\n"
    "_write bbb\ndrain\nresume\n_write ccc\npause\nsrc end\nsrc close\n_write ddd\nfinish\n"
    "dst close\n";

static void named_log(asy_stream_t *s, const char *what) {
    if (s->data)
        tlogf("%s %s", (const char *)s->data, what);
    else
        tlog(what);
}
static void pp_pause(asy_stream_t *s) { (void)s; tlog("pause"); }
static void pp_resume(asy_stream_t *s) { (void)s; tlog("resume"); }
static void pp_end(asy_stream_t *s) { named_log(s, "end"); }
static void pp_close(asy_stream_t *s) { named_log(s, "close"); }

TEST(stream_order_pipe) {
    static const asy_stream_impl_t dst_impl = {NULL, NULL, dp_write_named, NULL, NULL, NULL, NULL,
                                             NULL};
    static asy_stream_events_t src_ev, dst_ev;
    static const char *items[4] = {"aaa", "bbb", "ccc", "ddd"};
    asy_stream_t src, dst;
    asy_stream_opts_t o;
    int i;
    tlog_reset();
    memset(&o, 0, sizeof(o));
    o.high_water_mark = 4;
    src_ev.on_pause = pp_pause;
    src_ev.on_resume = pp_resume;
    src_ev.on_end = pp_end;
    src_ev.on_close = pp_close;
    dst_ev.on_drain = on_drain_log;
    dst_ev.on_finish = on_finish_log;
    dst_ev.on_close = pp_close;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &src, NULL, &o));
    ASSERT_OK(asy_writable_init(&L, &dst, &dst_impl, &o));
    src.data = (void *)"src";
    dst.data = (void *)"dst";
    ASSERT_OK(asy_stream_set_events(&src, &src_ev));
    ASSERT_OK(asy_stream_set_events(&dst, &dst_ev));
    for (i = 0; i < 4; i++) tlogf("push %s", tf(push_str(&src, items[i])));
    ASSERT_OK(asy_stream_push_end(&src));
    ASSERT_OK(asy_stream_pipe(&src, &dst, NULL));
    tlog("main");
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, pipe_expected);
    ASSERT_OK(asy_loop_close(&L));
}

/* ---- stream_pipeline_ok and stream_premature --------------------------------------------------- */
static const char pipeline_ok_expected[] =
    "main\ndst x\nsrc end\nmid end\nmid finish\nsrc close\nmid close\ndst y\ndst finish\n"
    "dst close\npipeline ok\n";
static const char premature_expected[] =
    "dst x\ndestroy mid\nmid close\nsrc error ERR_STREAM_PREMATURE_CLOSE\nsrc close\n"
    "dst error ERR_STREAM_PREMATURE_CLOSE\ndst close\npipeline ERR_STREAM_PREMATURE_CLOSE\n";

static void dst_write_x(asy_stream_t *s, const asy_buf_t *chunk) {
    tlogf("dst %s", cstr(chunk));
    ASSERT(asy_set_immediate(&L, dp_done, s).id != 0);
}
static const char *node_code(int err) {
    return err == ASY_EPREMATURE_CLOSE ? "ERR_STREAM_PREMATURE_CLOSE" : asy_err_name(err);
}
static void ps_error(asy_stream_t *s, int err) { tlogf("%s error %s", (const char *)s->data, node_code(err)); }
static void ps_finish(asy_stream_t *s) { named_log(s, "finish"); }
static void ps_cb(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)arg;
    tlogf("pipeline %s", status ? node_code(status) : "ok");
}
static asy_stream_t PM;
static void destroy_mid(void *arg) {
    (void)arg;
    tlog("destroy mid");
    asy_stream_destroy(&PM, 0);
}

static void run_three(int premature) {
    static const asy_stream_impl_t dst_impl = {NULL, NULL, dst_write_x, NULL, NULL, NULL, NULL, NULL};
    static asy_stream_events_t ev;
    asy_stream_t src, dst, *all[3];
    /* each twin logs what it logs */
    ev.on_end = premature ? NULL : pp_end;
    ev.on_finish = premature ? NULL : ps_finish;
    ev.on_error = premature ? ps_error : NULL;
    ev.on_close = pp_close;
    tlog_reset();
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_OK(asy_readable_init(&L, &src, NULL, NULL));
    ASSERT_OK(asy_passthrough_init(&L, &PM, NULL));
    ASSERT_OK(asy_writable_init(&L, &dst, &dst_impl, NULL));
    src.data = (void *)"src";
    PM.data = (void *)"mid";
    dst.data = (void *)"dst";
    all[0] = &src;
    all[1] = &PM;
    all[2] = &dst;
    ASSERT_OK(asy_stream_set_events(&src, &ev));
    ASSERT_OK(asy_stream_set_events(&PM, &ev));
    ASSERT_OK(asy_stream_set_events(&dst, &ev));
    ASSERT_OK(asy_pipeline(all, 3, ps_cb, NULL));
    push_str(&src, "x");
    if (premature) {
        ASSERT(asy_set_immediate(&L, destroy_mid, NULL).id != 0);
    } else {
        push_str(&src, "y");
        asy_stream_push_end(&src);
        tlog("main");
    }
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_STR_EQ(tlog_buf, premature ? premature_expected : pipeline_ok_expected);
    ASSERT_OK(asy_loop_close(&L));
}

TEST(stream_order_pipeline_ok) { run_three(0); }
TEST(stream_order_premature) { run_three(1); }

/* ---- the stored expectations are what node prints ------------------------------------------ */
TEST_T(stream_node_twins_agree, 30000) {
    static const struct {
        const char *file;
        const char *expected;
    } twins[] = {
        {"stream_hwm_drain.cjs", hwm_drain_expected},
        {"stream_sync_write.cjs", sync_write_expected},
        {"stream_pause_resume.cjs", pause_resume_expected},
        {"stream_end_finish.cjs", end_finish_expected},
        {"stream_transform_flush.cjs", transform_flush_expected},
        {"stream_destroy_pipeline.cjs", destroy_pipeline_expected},
        {"stream_readable_event.cjs", readable_event_expected},
        {"stream_for_await.cjs", for_await_expected},
        {"stream_object_mode.cjs", object_mode_expected},
        {"stream_cork.cjs", cork_expected},
        {"stream_pipe.cjs", pipe_expected},
        {"stream_pipeline_ok.cjs", pipeline_ok_expected},
        {"stream_premature.cjs", premature_expected},
    };
    size_t i;
    if (!have_node()) SKIP("node is not installed");
    for (i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
        const char *out = run_node_twin(twins[i].file);
        ASSERT_NOT_NULL(out);
        if (strcmp(out, twins[i].expected) != 0) FAIL("%s printed:\n%s", twins[i].file, out);
    }
}
