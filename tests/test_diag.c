/* Diagnostics: the loop report, the report on a signal, the slow-callback
 * warning. */
#include "../asyncrt.h"
#include "test.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

static asy_loop_t L;

/* Checks that text is one JSON value (strings, numbers, true/false/null,
 * objects, arrays) and nothing else: enough to catch a broken writer. */
static const char *json_value(const char *p);
static const char *json_ws(const char *p) {
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
    return p;
}
static const char *json_string(const char *p) {
    if (*p++ != '"') return NULL;
    while (*p && *p != '"') {
        if ((unsigned char)*p < 0x20) return NULL;
        if (*p == '\\') p++;
        if (*p) p++;
    }
    return *p == '"' ? p + 1 : NULL;
}
static const char *json_value(const char *p) {
    p = json_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int obj = *p == '{';
        p = json_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (obj) {
                if (!(p = json_string(json_ws(p)))) return NULL;
                p = json_ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = json_value(p))) return NULL;
            p = json_ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            return *p == close ? p + 1 : NULL;
        }
    }
    if (*p == '"') return json_string(p);
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        char *end;
        strtod(p, &end);
        return end;
    }
    return NULL;
}
static void assert_json(const char *text) {
    const char *end = json_value(text);
    if (!end || *json_ws(end)) FAIL("not one JSON value:\n%s", text);
}

static char *read_all(FILE *f) {
    static char buf[1 << 16];
    size_t n;
    rewind(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    return buf;
}

static void nop_timer(asy_timer_t *t) { (void)t; }
static void nop_fn(void *arg) { (void)arg; }

TEST(diag_loop_report_is_json_with_handles_timers_pool_lag_memory) {
    asy_timer_t t;
    asy_check_t chk;
    FILE *f = tmpfile();
    char *text, want[256];
    int tline, cline;
    asy_timer_id_t long_id;
    ASSERT_NOT_NULL(f);
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_loop_report(&L, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_loop_report(NULL, f), ASY_EINVAL);
    ASSERT_OK(asy_loop_lag_monitor(&L, 1));
    tline = __LINE__ + 1;
    ASSERT_OK(asy_timer_init(&L, &t));
    ASSERT_OK(asy_timer_start(&t, nop_timer, 60000, 0));
    cline = __LINE__ + 1;
    ASSERT_OK(asy_check_init(&L, &chk));
    long_id = asy_set_timeout(&L, nop_fn, NULL, 30000);
    ASSERT(long_id.id != 0);
    ASSERT_OK(asy_loop_report(&L, f));
    text = read_all(f);
    assert_json(text);
    snprintf(want, sizeof(want), "\"origin\": \"%s:%d\"", __FILE__, tline);
    ASSERT(strstr(text, want) != NULL);
    snprintf(want, sizeof(want), "\"origin\": \"%s:%d\"", __FILE__, cline);
    ASSERT(strstr(text, want) != NULL);
    ASSERT(strstr(text, "\"type\": \"timer\"") != NULL);
    ASSERT(strstr(text, "\"type\": \"check\"") != NULL);
    ASSERT(strstr(text, "\"trigger\": \"API\"") != NULL);
    ASSERT(strstr(text, "\"kind\": \"setTimeout\"") != NULL);
    ASSERT(strstr(text, "\"kind\": \"lagMonitor\"") != NULL);
    ASSERT(strstr(text, "\"threadpool\"") != NULL);
    ASSERT(strstr(text, "\"loopLag\"") != NULL);
    ASSERT(strstr(text, "\"memoryUsage\"") != NULL);
    ASSERT(strstr(text, "\"utilization\"") != NULL);
    /* the timers in due order: lag monitor (1 ms), setTimeout, the handle */
    {
        const char *a = strstr(text, "\"kind\": \"lagMonitor\"");
        const char *b = strstr(text, "\"kind\": \"setTimeout\"");
        const char *c = strstr(text, "\"kind\": \"timer\"");
        ASSERT(a && b && c && a < b && b < c);
    }
    fclose(f);
    ASSERT_OK(asy_close((asy_handle_t *)&t, NULL));
    ASSERT_OK(asy_close((asy_handle_t *)&chk, NULL));
    ASSERT_OK(asy_loop_lag_monitor(&L, 0));
    ASSERT_OK(asy_clear_timer(&L, long_id));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
}

static int reports, report_status = 1;
static char report_name[1100];
static void on_report(void *arg, const char *filename, int status) {
    ASSERT_PTR_EQ(arg, &L);
    reports++;
    report_status = status;
    snprintf(report_name, sizeof(report_name), "%s", filename ? filename : "");
}

static void raise_usr2(void *arg) {
    (void)arg;
    kill(getpid(), SIGUSR2);
}

static void stop_if_reported(asy_timer_t *t) {
    if (reports) asy_timer_stop(t);
}

TEST(diag_report_on_signal_writes_nodes_file_name) {
    char dir[] = "/tmp/obs-diag-XXXXXX";
    asy_timer_t poll;
    FILE *f;
    char *text;
    reports = 0;
    ASSERT_NOT_NULL(mkdtemp(dir));
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_loop_report_on_signal(&L, &(asy_report_signal_opts_t){.signum = SIGKILL}),
               ASY_EINVAL);
    ASSERT_OK(asy_loop_report_on_signal(
        &L, &(asy_report_signal_opts_t){.directory = dir, .on_report = on_report, .arg = &L}));
    /* the watcher alone does not keep the loop alive */
    ASSERT_EQ(asy_run(&L, ASY_RUN_NOWAIT), 0);
    ASSERT(asy_set_timeout(&L, raise_usr2, NULL, 1).id != 0);
    ASSERT_OK(asy_timer_init(&L, &poll));
    ASSERT_OK(asy_timer_start(&poll, stop_if_reported, 5, 5));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(reports, 1);
    ASSERT_OK(report_status);
    ASSERT(strncmp(report_name, dir, strlen(dir)) == 0);
    ASSERT(strstr(report_name, "/report.") != NULL);
    ASSERT(strstr(report_name, ".001.json") != NULL);
    f = fopen(report_name, "r");
    ASSERT_NOT_NULL(f);
    text = read_all(f);
    fclose(f);
    assert_json(text);
    ASSERT(strstr(text, "\"trigger\": \"Signal\"") != NULL);
    unlink(report_name);
    /* to a stream instead, and then off */
    f = tmpfile();
    ASSERT_NOT_NULL(f);
    reports = 0;
    ASSERT_OK(asy_loop_report_on_signal(
        &L, &(asy_report_signal_opts_t){.out = f, .on_report = on_report, .arg = &L}));
    ASSERT(asy_set_timeout(&L, raise_usr2, NULL, 1).id != 0);
    ASSERT_OK(asy_timer_start(&poll, stop_if_reported, 5, 5));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(reports, 1);
    ASSERT_STR_EQ(report_name, "");
    assert_json(read_all(f));
    fclose(f);
    ASSERT_OK(asy_loop_report_on_signal_stop(&L));
    ASSERT_OK(asy_loop_report_on_signal_stop(&L));
    ASSERT_OK(asy_close((asy_handle_t *)&poll, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
    ASSERT_OK(rmdir(dir)); /* no other file was written */
}

static int slow_n;
static asy_slow_callback_t slow_last;
static char slow_file[256];
static void on_slow(void *arg, const asy_slow_callback_t *info) {
    ASSERT_PTR_EQ(arg, &L);
    slow_n++;
    slow_last = *info;
    snprintf(slow_file, sizeof(slow_file), "%s", info->file ? info->file : "");
}

static void block_ms(int ms) {
    uint64_t t0 = asy_hrtime();
    while (asy_hrtime() - t0 < (uint64_t)ms * 1000000u) {
    }
}
static void slow_timer(asy_timer_t *t) {
    (void)t;
    block_ms(40);
}
static void slow_fn(void *arg) {
    (void)arg;
    block_ms(40);
}
static void fast_fn(void *arg) { (void)arg; }
static void slow_tick(void *arg) {
    (void)arg;
    block_ms(40);
}
static void queues_slow_tick(void *arg) { asy_next_tick(&L, slow_tick, arg); }

TEST(diag_slow_callback_warning_names_the_site) {
    asy_timer_t t;
    int line;
    slow_n = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_loop_slow_callback_warning(&L, -1, on_slow, &L), ASY_EINVAL);
    ASSERT_OK(asy_loop_slow_callback_warning(&L, 25, on_slow, &L));
    /* a timer handle: named by its creation site */
    line = __LINE__ + 1;
    ASSERT_OK(asy_timer_init(&L, &t));
    ASSERT_OK(asy_timer_start(&t, slow_timer, 0, 0));
    ASSERT(asy_set_timeout(&L, fast_fn, NULL, 0).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(slow_n, 1);
    ASSERT_STR_EQ(slow_last.kind, "timer");
    ASSERT_STR_EQ(slow_file, __FILE__);
    ASSERT_EQ(slow_last.line, line);
    ASSERT(slow_last.fn == (void (*)(void))slow_timer);
    ASSERT(slow_last.ms >= 39.0);
    /* setImmediate: no handle, named by its kind and function */
    ASSERT(asy_set_immediate(&L, slow_fn, NULL).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(slow_n, 2);
    ASSERT_STR_EQ(slow_last.kind, "setImmediate");
    ASSERT_STR_EQ(slow_file, "");
    ASSERT(slow_last.fn == (void (*)(void))slow_fn);
    /* the nextTicks a callback queues count as part of it */
    ASSERT(asy_set_timeout(&L, queues_slow_tick, NULL, 0).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(slow_n, 3);
    ASSERT_STR_EQ(slow_last.kind, "setTimeout");
    ASSERT(slow_last.fn == (void (*)(void))queues_slow_tick);
    /* fast callbacks are never reported; a sleeping loop is not blocked */
    ASSERT(asy_set_timeout(&L, fast_fn, NULL, 60).id != 0);
    ASSERT(asy_set_immediate(&L, fast_fn, NULL).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(slow_n, 3);
    /* off */
    ASSERT_OK(asy_loop_slow_callback_warning(&L, 0, NULL, NULL));
    ASSERT(asy_set_immediate(&L, slow_fn, NULL).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(slow_n, 3);
    ASSERT_OK(asy_close((asy_handle_t *)&t, NULL));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&L));
}
