/* asy_loop_report: one JSON document about a loop (process.report). */
#include "diag.internal.h"
#include "../base/version.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../loop/timer.h"
#include "../loop/signal.h"
#include "../loop/loop.h"
#include "../loop/loop.internal.h"
#include "../loop/slots.internal.h"
#include "../pool/pool.h"
#include "../perf/perf.h"
#include <sys/time.h>

static void asy__diag_close(asy_loop_t *loop, void *state) {
    asy__diag_state *st = (asy__diag_state *)state;
    if (st->sig_on) {
        asy_signal_stop(&st->sig);
        asy__queue_remove(&st->sig.handle_link_);
    }
    if (loop->watch_fn_) {
        loop->watch_ = 0;
        loop->watch_fn_ = NULL;
    }
    asy__free(st->directory);
    asy__free(st);
    loop->layers_[ASY__LAYER_DIAG].state = NULL;
    loop->layers_[ASY__LAYER_DIAG].close = NULL;
}

ASY__INTERNAL asy__diag_state *asy__diag_st(asy_loop_t *loop) {
    asy__diag_state *st = (asy__diag_state *)loop->layers_[ASY__LAYER_DIAG].state;
    if (st) return st;
    st = ASY__NEW(asy__diag_state);
    if (!st) return NULL;
    memset(st, 0, sizeof(*st));
    st->loop = loop;
    loop->layers_[ASY__LAYER_DIAG].state = st;
    loop->layers_[ASY__LAYER_DIAG].close = asy__diag_close;
    return st;
}

static void asy__report_site(asy__jw *w, const char *file, int line) {
    char site[512];
    if (!file) {
        asy__diag_jw_str(w, "origin", NULL);
        return;
    }
    snprintf(site, sizeof(site), "%s:%d", file, line);
    asy__diag_jw_str(w, "origin", site);
}

static void asy__report_fn(asy__jw *w, void (*fn)(void)) {
    char addr[32];
    union {
        void (*fn)(void);
        uintptr_t u;
    } cv;
    if (!fn) {
        asy__diag_jw_str(w, "callback", NULL);
        return;
    }
    cv.fn = fn;
    snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)cv.u);
    asy__diag_jw_str(w, "callback", addr);
}

static void asy__report_header(asy__jw *w, asy_loop_t *loop, const char *trigger) {
    char buf[64], cwd[1024];
    struct timeval tv;
    struct tm tm;
    time_t t;
    asy__diag_jw_open(w, "header", '{');
    asy__diag_jw_u64(w, "reportVersion", 1);
    asy__diag_jw_str(w, "event", trigger);
    asy__diag_jw_str(w, "trigger", trigger);
    gettimeofday(&tv, NULL);
    t = tv.tv_sec;
    gmtime_r(&t, &tm);
    snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(tv.tv_usec / 1000));
    asy__diag_jw_str(w, "dumpEventTime", buf);
    asy__diag_jw_u64(w, "dumpEventTimeStamp", (uint64_t)tv.tv_sec * 1000u + (uint64_t)tv.tv_usec / 1000u);
    asy__diag_jw_u64(w, "processId", (uint64_t)getpid());
    asy__diag_jw_str(w, "cwd", getcwd(cwd, sizeof(cwd)) ? cwd : NULL);
    asy__diag_jw_str(w, "asyncrtVersion", asy_version_string());
    asy__diag_jw_str(w, "backend", asy_loop_backend(loop));
    asy__diag_jw_close(w, '}');
}

static void asy__report_loop(asy__jw *w, asy_loop_t *loop) {
    asy_loop_metrics_t m;
    asy_loop_metrics(loop, &m);
    asy__diag_jw_open(w, "loop", '{');
    asy__diag_jw_bool(w, "alive", asy_loop_alive(loop));
    asy__diag_jw_bool(w, "running", loop->running_);
    asy__diag_jw_bool(w, "virtualClock", loop->opts_.virtual_clock);
    asy__diag_jw_u64(w, "nowMs", loop->time_);
    asy__diag_jw_u64(w, "iterations", m.iterations);
    asy__diag_jw_u64(w, "events", m.events);
    asy__diag_jw_num(w, "elapsedMs", (double)m.elapsed_ns / 1e6);
    asy__diag_jw_num(w, "idleMs", (double)m.idle_ns / 1e6);
    asy__diag_jw_num(w, "utilization", m.utilization);
    asy__diag_jw_u64(w, "activeHandles", loop->active_handles_);
    asy__diag_jw_u64(w, "activeRequests", loop->active_reqs_);
    asy__diag_jw_u64(w, "immediates", loop->immediate_refs_);
    asy__diag_jw_u64(w, "nextTicks", loop->ticks_.count);
    asy__diag_jw_u64(w, "microtasks", loop->microtasks_.count);
    asy__diag_jw_close(w, '}');
}

static void asy__report_handles(asy__jw *w, asy_loop_t *loop) {
    asy__queue *q;
    unsigned internal = 0;
    asy__diag_jw_open(w, "handles", '[');
    for (q = loop->handles_.next; q != &loop->handles_; q = q->next) {
        asy_handle_t *h = ASY_CONTAINER_OF(q, asy_handle_t, handle_link_);
        char addr[32];
        if (h->flags_ & ASY__H_INTERNAL) {
            internal++;
            continue;
        }
        asy__diag_jw_open(w, NULL, '{');
        asy__diag_jw_str(w, "type", asy_handle_type_name(h->type));
        snprintf(addr, sizeof(addr), "%p", (void *)h);
        asy__diag_jw_str(w, "address", addr);
        asy__diag_jw_bool(w, "active", (h->flags_ & ASY__H_ACTIVE) != 0);
        asy__diag_jw_bool(w, "ref", (h->flags_ & ASY__H_REF) != 0);
        asy__diag_jw_bool(w, "closing", (h->flags_ & ASY__H_CLOSING) != 0);
        asy__report_site(w, h->origin_file_, h->origin_line_);
        if (h->type == ASY_HANDLE_TIMER && (h->flags_ & ASY__H_ACTIVE)) {
            const asy_timer_t *t = (const asy_timer_t *)h;
            asy__diag_jw_u64(w, "dueInMs", asy_timer_get_due_in(t));
            asy__diag_jw_u64(w, "repeatMs", t->repeat_);
        }
        asy__diag_jw_close(w, '}');
    }
    asy__diag_jw_close(w, ']');
    asy__diag_jw_u64(w, "internalHandles", internal);
}

/* Timers in due order (the heap's array is not sorted: sort a copy of the
 * first 64 by (key, seq)). */
#define ASY__REPORT_TIMERS 64
static void asy__report_timers(asy__jw *w, asy_loop_t *loop) {
    asy__heap_entry pick[ASY__REPORT_TIMERS];
    uint32_t i, n = 0, due = 0;
    const asy__heap *hp = &loop->timers_;
    for (i = 0; i < hp->count; i++) {
        const asy__heap_entry *e = &hp->items[i];
        uint32_t j;
        if (e->key <= loop->time_) due++;
        if (n == ASY__REPORT_TIMERS &&
            (e->key > pick[n - 1].key || (e->key == pick[n - 1].key && e->seq > pick[n - 1].seq)))
            continue;
        j = n < ASY__REPORT_TIMERS ? n++ : n - 1;
        while (j > 0 && (pick[j - 1].key > e->key ||
                         (pick[j - 1].key == e->key && pick[j - 1].seq > e->seq))) {
            pick[j] = pick[j - 1];
            j--;
        }
        pick[j] = *e;
    }
    asy__diag_jw_open(w, "timers", '{');
    asy__diag_jw_u64(w, "count", hp->count);
    asy__diag_jw_u64(w, "due", due);
    asy__diag_jw_open(w, "list", '[');
    for (i = 0; i < n; i++) {
        asy_timer_t *t = ASY_CONTAINER_OF(pick[i].node, asy_timer_t, heap_node_);
        asy__diag_jw_open(w, NULL, '{');
        if (t->cb_ == asy__ctimer_fire) {
            const asy__ctimer *c = ASY_CONTAINER_OF(t, asy__ctimer, timer);
            asy__diag_jw_str(w, "kind", c->interval ? "setInterval" : "setTimeout");
            asy__report_site(w, NULL, 0);
            asy__report_fn(w, (void (*)(void))c->cb);
        } else if (loop->lag_ && t == &loop->lag_->timer) {
            asy__diag_jw_str(w, "kind", "lagMonitor");
            asy__report_site(w, NULL, 0);
            asy__report_fn(w, NULL);
        } else {
            asy__diag_jw_str(w, "kind", "timer");
            asy__report_site(w, t->origin_file_, t->origin_line_);
            asy__report_fn(w, (void (*)(void))t->cb_);
        }
        asy__diag_jw_i64(w, "dueInMs", pick[i].key > loop->time_ ? (int64_t)(pick[i].key - loop->time_)
                                                            : -(int64_t)(loop->time_ - pick[i].key));
        asy__diag_jw_u64(w, "repeatMs", t->repeat_);
        asy__diag_jw_bool(w, "ref", (t->flags_ & ASY__H_REF) != 0);
        asy__diag_jw_close(w, '}');
    }
    asy__diag_jw_close(w, ']');
    asy__diag_jw_close(w, '}');
}

static void asy__report_pool(asy__jw *w, asy_loop_t *loop) {
    asy_pool_stats_t ps;
    asy_pool_stats(loop, &ps);
    asy__diag_jw_open(w, "threadpool", '{');
    asy__diag_jw_bool(w, "started", loop->layers_[ASY__LAYER_POOL].state != NULL);
    asy__diag_jw_u64(w, "size", ps.size);
    asy__diag_jw_u64(w, "threads", ps.threads);
    asy__diag_jw_u64(w, "queued", ps.queued);
    asy__diag_jw_u64(w, "running", ps.running);
    asy__diag_jw_u64(w, "slowIoRunning", ps.slow_running);
    asy__diag_jw_u64(w, "slowIoMax", ps.slow_max);
    asy__diag_jw_u64(w, "completed", ps.completed);
    asy__diag_jw_close(w, '}');
}

#define ASY__REPORT_LAG_BUCKETS 256
static void asy__report_lag(asy__jw *w, asy_loop_t *loop) {
    asy_loop_metrics_t m;
    uint64_t lower[ASY__REPORT_LAG_BUCKETS], counts[ASY__REPORT_LAG_BUCKETS];
    size_t n, i;
    asy_loop_metrics(loop, &m);
    asy__diag_jw_open(w, "loopLag", '{');
    asy__diag_jw_bool(w, "monitoring", loop->lag_ != NULL);
    asy__diag_jw_u64(w, "resolutionMs", loop->lag_ ? loop->lag_->resolution_ms : 0);
    asy__diag_jw_u64(w, "samples", m.lag_samples);
    asy__diag_jw_num(w, "minMs", (double)m.lag_min_ns / 1e6);
    asy__diag_jw_num(w, "meanMs", m.lag_mean_ns / 1e6);
    asy__diag_jw_num(w, "p50Ms", (double)m.lag_p50_ns / 1e6);
    asy__diag_jw_num(w, "p90Ms", (double)m.lag_p90_ns / 1e6);
    asy__diag_jw_num(w, "p99Ms", (double)m.lag_p99_ns / 1e6);
    asy__diag_jw_num(w, "maxMs", (double)m.lag_max_ns / 1e6);
    n = asy__lag_histogram(loop, lower, counts, ASY__REPORT_LAG_BUCKETS);
    if (n > ASY__REPORT_LAG_BUCKETS) n = ASY__REPORT_LAG_BUCKETS;
    asy__diag_jw_open(w, "histogram", '[');
    for (i = 0; i < n; i++) {
        asy__diag_jw_open(w, NULL, '{');
        asy__diag_jw_num(w, "fromMs", (double)lower[i] / 1e6);
        asy__diag_jw_u64(w, "count", counts[i]);
        asy__diag_jw_close(w, '}');
    }
    asy__diag_jw_close(w, ']');
    asy__diag_jw_close(w, '}');
}

static void asy__report_memory(asy__jw *w) {
    asy_memory_usage_t mu;
    asy_memory_usage(&mu);
    asy__diag_jw_open(w, "memoryUsage", '{');
    asy__diag_jw_u64(w, "rss", mu.rss);
    asy__diag_jw_i64(w, "heapUsed", mu.heap_used);
    asy__diag_jw_i64(w, "heapBlocks", mu.heap_blocks);
    asy__diag_jw_i64(w, "arrayBuffers", mu.array_buffers);
    asy__diag_jw_i64(w, "external", mu.external);
    asy__diag_jw_close(w, '}');
}

static int asy__report_write(asy_loop_t *loop, FILE *out, const char *trigger) {
    asy__jw w;
    memset(&w, 0, sizeof(w));
    w.f = out;
    w.first = 1;
    asy__diag_jw_open(&w, NULL, '{');
    asy__report_header(&w, loop, trigger);
    asy__report_loop(&w, loop);
    asy__report_handles(&w, loop);
    asy__report_timers(&w, loop);
    asy__report_pool(&w, loop);
    asy__report_lag(&w, loop);
    asy__report_memory(&w);
    asy__diag_jw_close(&w, '}');
    fputc('\n', out);
    if (fflush(out) != 0 || ferror(out)) return ASY_EIO;
    return 0;
}

ASYNCRT_API int asy_loop_report(asy_loop_t *loop, FILE *out) {
    if (!asy__loop_live(loop) || !out) return ASY_EINVAL;
    return asy__report_write(loop, out, "API");
}
