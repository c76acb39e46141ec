/* perf_hooks: marks, measures, entries, observers, timerify; memoryUsage. */
#include "../asyncrt.h"
#include "test.h"

#include <time.h>

static asy_loop_t L;

static void sleep_ms(int ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

TEST(perf_mark_measure_get_entries_by_name) {
    asy_perf_entry_t e[8], m;
    double before, after;
    ASSERT_OK(asy_loop_init(&L, NULL));
    before = asy_perf_now(&L);
    ASSERT(before >= 0);
    ASSERT_OK(asy_perf_mark(&L, "start"));
    sleep_ms(20);
    ASSERT_OK(asy_perf_mark(&L, "end"));
    ASSERT_OK(asy_perf_measure(&L, "my-op", "start", "end", &m));
    after = asy_perf_now(&L);
    ASSERT_STR_EQ(m.name, "my-op");
    ASSERT_EQ(m.type, ASY_PERF_MEASURE);
    ASSERT(m.duration >= 19.0);
    ASSERT(m.start_time >= before && m.start_time + m.duration <= after);
    /* getEntriesByName("my-op") */
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, "my-op", 0, e, 8), 1);
    ASSERT_STR_EQ(e[0].name, "my-op");
    ASSERT(e[0].duration == m.duration);
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, "start", ASY_PERF_MARK, e, 8), 1);
    ASSERT(e[0].duration == 0);
    ASSERT(e[0].start_time == m.start_time);
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, "start", ASY_PERF_MEASURE, e, 8), 0);
    /* every entry, in start-time order; max 0 only counts */
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, NULL, 0, NULL, 0), 3);
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, NULL, 0, e, 8), 3);
    ASSERT(e[0].start_time <= e[1].start_time && e[1].start_time <= e[2].start_time);
    /* measure from the time origin, and to now */
    ASSERT_OK(asy_perf_measure(&L, "since-origin", NULL, "start", &m));
    ASSERT(m.start_time == 0 && m.duration == e[0].start_time);
    ASSERT_OK(asy_perf_measure(&L, "to-now", "end", NULL, &m));
    ASSERT(m.duration >= 0);
    /* a mark back in time sorts first, and is kept to max */
    ASSERT_OK(asy_perf_mark_at(&L, "early", 0.0));
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, NULL, ASY_PERF_MARK, e, 1), 3);
    ASSERT_STR_EQ(e[0].name, "early");
    /* a later mark with the same name is the one measures use */
    sleep_ms(5);
    ASSERT_OK(asy_perf_mark(&L, "start"));
    ASSERT_OK(asy_perf_measure(&L, "short", "start", NULL, &m));
    ASSERT(m.duration < 5.0);
    /* errors */
    ASSERT_ERR(asy_perf_measure(&L, "x", "nope", NULL, NULL), ASY_ENOENT);
    ASSERT_ERR(asy_perf_measure(&L, "x", NULL, "nope", NULL), ASY_ENOENT);
    ASSERT_ERR(asy_perf_mark(&L, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_perf_mark_at(&L, "neg", -1.0), ASY_EINVAL);
    ASSERT_ERR(asy_perf_mark(NULL, "x"), ASY_EINVAL);
    /* clearMarks(name), clearMeasures() */
    asy_perf_clear_marks(&L, "start");
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, "start", 0, NULL, 0), 0);
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, NULL, ASY_PERF_MARK, NULL, 0), 2);
    asy_perf_clear_measures(&L, NULL);
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, NULL, ASY_PERF_MEASURE, NULL, 0), 0);
    asy_perf_clear_marks(&L, NULL);
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, NULL, 0, NULL, 0), 0);
    ASSERT_OK(asy_loop_close(&L));
    ASSERT(asy_perf_now(&L) < 0);
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, NULL, 0, NULL, 0), 0);
}

static asy_perf_observer_t OBS;
static int batches, seen;
static char names[16][32];
static int in_main;

static void observed(asy_perf_observer_t *obs, const asy_perf_entry_t *e, size_t n, void *arg) {
    size_t i;
    ASSERT_PTR_EQ(obs, &OBS);
    ASSERT_PTR_EQ(arg, &L);
    ASSERT(!in_main); /* delivered later, from an immediate */
    batches++;
    for (i = 0; i < n && seen < 16; i++)
        snprintf(names[seen++], sizeof(names[0]), "%s%s", e[i].type == ASY_PERF_MEASURE ? "M:" : "",
                 e[i].name);
    /* entries made here wait for the next batch */
    if (batches == 1) ASSERT_OK(asy_perf_mark(&L, "from-callback"));
    if (batches == 2) ASSERT_OK(asy_perf_disconnect(obs));
}

TEST(perf_observer_gets_batches_from_an_immediate) {
    batches = seen = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    memset(&OBS, 0, sizeof(OBS));
    ASSERT_ERR(asy_perf_observe(&L, &OBS, 0, observed, &L), ASY_EINVAL);
    ASSERT_ERR(asy_perf_observe(&L, &OBS, ASY_PERF_MARK, NULL, &L), ASY_EINVAL);
    ASSERT_ERR(asy_perf_disconnect(&OBS), ASY_EINVAL);
    ASSERT_OK(asy_perf_observe(&L, &OBS, ASY_PERF_MARK | ASY_PERF_MEASURE, observed, &L));
    in_main = 1;
    ASSERT_OK(asy_perf_mark(&L, "a"));
    ASSERT_OK(asy_perf_mark(&L, "b"));
    ASSERT_OK(asy_perf_measure(&L, "a-b", "a", "b", NULL));
    in_main = 0;
    ASSERT_EQ(batches, 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(batches, 2);
    ASSERT_EQ(seen, 4);
    ASSERT_STR_EQ(names[0], "a");
    ASSERT_STR_EQ(names[1], "b");
    ASSERT_STR_EQ(names[2], "M:a-b");
    ASSERT_STR_EQ(names[3], "from-callback");
    /* disconnected: nothing more arrives */
    ASSERT_OK(asy_perf_mark(&L, "after"));
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(batches, 2);
    ASSERT_ERR(asy_perf_disconnect(&OBS), ASY_EINVAL);
    /* an observer still connected when the loop closes is let go */
    ASSERT_OK(asy_perf_observe(&L, &OBS, ASY_PERF_MARK, observed, &L));
    ASSERT_OK(asy_perf_mark(&L, "never delivered"));
    ASSERT_OK(asy_loop_close(&L));
    ASSERT_EQ(batches, 2);
}

static int work_calls;
static void work(void *arg) {
    ASSERT_PTR_EQ(arg, &work_calls);
    work_calls++;
    sleep_ms(10);
}
static int fn_entries;
static double fn_total;
static void fn_observed(asy_perf_observer_t *obs, const asy_perf_entry_t *e, size_t n, void *arg) {
    size_t i;
    (void)obs, (void)arg;
    for (i = 0; i < n; i++) {
        ASSERT_EQ(e[i].type, ASY_PERF_FUNCTION);
        ASSERT_STR_EQ(e[i].name, "work");
        fn_entries++;
        fn_total += e[i].duration;
    }
}

TEST(perf_timerify_times_each_call) {
    asy_perf_timerified_t t;
    work_calls = fn_entries = 0;
    fn_total = 0;
    ASSERT_OK(asy_loop_init(&L, NULL));
    ASSERT_ERR(asy_perf_timerify(&t, &L, "work", NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_perf_timerify(&t, NULL, "work", work, NULL), ASY_EINVAL);
    ASSERT_OK(asy_perf_timerify(&t, &L, "work", work, &work_calls));
    memset(&OBS, 0, sizeof(OBS));
    ASSERT_OK(asy_perf_observe(&L, &OBS, ASY_PERF_FUNCTION, fn_observed, NULL));
    ASSERT(asy_set_timeout(&L, asy_perf_timerified_call, &t, 1).id != 0);
    ASSERT(asy_set_immediate(&L, asy_perf_timerified_call, &t).id != 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(work_calls, 2);
    ASSERT_EQ_U64(t.calls, 2);
    ASSERT(t.total_ms >= 19.0);
    ASSERT(t.max_ms >= t.last_ms && t.max_ms >= 9.5);
    ASSERT_EQ(fn_entries, 2);
    ASSERT(fn_total == t.total_ms);
    /* function entries are not in the timeline (Node) */
    ASSERT_EQ(asy_perf_get_entries_by_name(&L, "work", 0, NULL, 0), 0);
    asy_perf_timerify_free(&t);
    asy_perf_timerified_call(&t); /* released: does nothing */
    ASSERT_EQ(work_calls, 2);
    ASSERT_OK(asy_perf_disconnect(&OBS));
    ASSERT_OK(asy_loop_close(&L));
}

static int freed;
static void ext_free(void *data, void *hint) {
    (void)data, (void)hint;
    freed++;
}

TEST(perf_memory_usage_counts_heap_and_buffers) {
    asy_memory_usage_t a, b, c;
    asy_buf_t big, ext;
    static char outside[4096];
    ASSERT_ERR(asy_memory_usage(NULL), ASY_EINVAL);
    ASSERT_OK(asy_memory_usage(&a));
    ASSERT(a.rss > 0);
    ASSERT_OK(asy_buf_alloc(&big, 1 << 20));
    ASSERT_OK(asy_buf_from_external(&ext, outside, sizeof(outside), ext_free, NULL));
    ASSERT_OK(asy_memory_usage(&b));
    ASSERT_EQ(b.array_buffers - a.array_buffers, (1 << 20) + (int64_t)sizeof(outside));
    ASSERT_EQ(b.external - a.external, (int64_t)sizeof(outside));
    if (a.heap_used >= 0) {
        /* the megabyte (plus its header) and the external one's header */
        ASSERT_GE(b.heap_used - a.heap_used, 1 << 20);
        ASSERT_LT(b.heap_used - a.heap_used, (1 << 20) + 65536);
        ASSERT_EQ(b.heap_blocks - a.heap_blocks, 2);
    }
    ASSERT(b.rss >= (uint64_t)(1 << 20) / 2); /* calloc'd pages were touched */
    asy_buf_release(&big);
    asy_buf_release(&ext);
    ASSERT_EQ(freed, 1);
    ASSERT_OK(asy_memory_usage(&c));
    ASSERT_EQ(c.array_buffers, a.array_buffers);
    ASSERT_EQ(c.external, a.external);
    ASSERT_EQ(c.heap_used, a.heap_used);
    ASSERT_EQ(c.heap_blocks, a.heap_blocks);
}
