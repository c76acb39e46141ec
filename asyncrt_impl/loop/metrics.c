/* Loop lag histogram: microsecond values in log-linear buckets, 16 per
 * power of two (about 6% precision), enough for 0 us .. hours. */
#include "loop.internal.h"
#include "../base/time.h"
#include "../base/queue.h"
static unsigned asy__lag_bucket(uint64_t ns) {
    uint64_t us = ns / 1000u;
    unsigned e = 0, idx;
    if (us < 16) return (unsigned)us;
    while ((us >> e) >= 32) e++; /* us >> e is in [16, 32) */
    idx = (e + 1) * 16 + (unsigned)((us >> e) & 15);
    return idx < ASY__LAG_BUCKETS ? idx : ASY__LAG_BUCKETS - 1;
}

/* The bucket's lower bound, in ns. */
static uint64_t asy__lag_bucket_value(unsigned idx) {
    unsigned e;
    if (idx < 16) return (uint64_t)idx * 1000u;
    e = idx / 16 - 1;
    return ((uint64_t)(16 + idx % 16) << e) * 1000u;
}

static void asy__lag_fire(asy_timer_t *t) {
    struct asy__lag_monitor *m = (struct asy__lag_monitor *)t->data;
    uint64_t now = asy_hrtime();
    uint64_t lag = now > m->expected_ns ? now - m->expected_ns : 0;
    m->buckets[asy__lag_bucket(lag)]++;
    if (m->count == 0 || lag < m->min_ns) m->min_ns = lag;
    if (lag > m->max_ns) m->max_ns = lag;
    m->sum_ns += (double)lag;
    m->count++;
    m->expected_ns = now + m->resolution_ms * 1000000u;
}

ASY__INTERNAL void asy__lag_monitor_free(asy_loop_t *loop) {
    if (!loop->lag_) return;
    asy_timer_stop(&loop->lag_->timer);
    asy__free(loop->lag_);
    loop->lag_ = NULL;
}

ASYNCRT_API int asy_loop_lag_monitor(asy_loop_t *loop, uint64_t resolution_ms) {
    struct asy__lag_monitor *m;
    int r;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    asy__lag_monitor_free(loop);
    if (resolution_ms == 0) return 0;
    m = ASY__NEW(struct asy__lag_monitor);
    if (!m) return ASY_ENOMEM;
    memset(m, 0, sizeof(*m));
    m->resolution_ms = resolution_ms;
    /* an internal, unref'd timer: it neither lists nor keeps the loop alive */
    m->timer.loop = loop;
    m->timer.type = ASY_HANDLE_TIMER;
    m->timer.flags_ = ASY__H_INTERNAL;
    m->timer.data = m;
    asy__queue_init(&m->timer.handle_link_);
    asy__queue_init(&m->timer.closing_link_);
    asy__heap_node_init(&m->timer.heap_node_);
    m->expected_ns = asy_hrtime() + resolution_ms * 1000000u;
    r = asy_timer_start(&m->timer, asy__lag_fire, resolution_ms, resolution_ms);
    if (r) {
        asy__free(m);
        return r;
    }
    loop->lag_ = m;
    return 0;
}

static uint64_t asy__lag_percentile(const struct asy__lag_monitor *m, double p) {
    uint64_t want = (uint64_t)(p * (double)m->count + 0.5), seen = 0;
    unsigned i;
    if (want == 0) want = 1;
    for (i = 0; i < ASY__LAG_BUCKETS; i++) {
        seen += m->buckets[i];
        if (seen >= want) {
            uint64_t v = asy__lag_bucket_value(i);
            if (v < m->min_ns) v = m->min_ns;
            return v > m->max_ns ? m->max_ns : v;
        }
    }
    return m->max_ns;
}

/* The lag histogram's non-empty buckets (lower bound in ns, count), for
 * reports: returns how many there are and fills up to max. */
ASY__INTERNAL size_t asy__lag_histogram(const asy_loop_t *loop, uint64_t *lower_ns,
                                        uint64_t *counts, size_t max) {
    size_t n = 0;
    unsigned i;
    if (!loop->lag_) return 0;
    for (i = 0; i < ASY__LAG_BUCKETS; i++) {
        if (!loop->lag_->buckets[i]) continue;
        if (n < max) {
            lower_ns[n] = asy__lag_bucket_value(i);
            counts[n] = loop->lag_->buckets[i];
        }
        n++;
    }
    return n;
}

ASYNCRT_API int asy_loop_metrics(asy_loop_t *loop, asy_loop_metrics_t *out) {
    uint64_t now;
    if (!asy__loop_live(loop) || !out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    now = asy_hrtime();
    out->iterations = loop->iterations_;
    out->events = loop->events_;
    out->idle_ns = loop->idle_ns_;
    out->elapsed_ns = now - loop->start_ns_;
    out->utilization =
        out->elapsed_ns ? 1.0 - (double)out->idle_ns / (double)out->elapsed_ns : 0.0;
    if (out->utilization < 0) out->utilization = 0;
    if (loop->lag_ && loop->lag_->count) {
        const struct asy__lag_monitor *m = loop->lag_;
        out->lag_samples = m->count;
        out->lag_min_ns = m->min_ns;
        out->lag_max_ns = m->max_ns;
        out->lag_mean_ns = m->sum_ns / (double)m->count;
        out->lag_p50_ns = asy__lag_percentile(m, 0.50);
        out->lag_p90_ns = asy__lag_percentile(m, 0.90);
        out->lag_p99_ns = asy__lag_percentile(m, 0.99);
    }
    return 0;
}

ASYNCRT_API double asy_loop_elu(const asy_loop_metrics_t *now, const asy_loop_metrics_t *prev) {
    uint64_t el, idle;
    if (!now) return 0.0;
    if (!prev) return now->utilization;
    el = now->elapsed_ns - prev->elapsed_ns;
    idle = now->idle_ns - prev->idle_ns;
    return el ? 1.0 - (double)idle / (double)el : 0.0;
}

/* The slow-callback watch's record of the callback about to run (the
 * diag layer reads it). */
ASY__INTERNAL void asy__cb_site_slow(asy_loop_t *loop, const char *kind, const asy_handle_t *h,
                                     void (*fn)(void)) {
    loop->cb_.kind = kind ? kind : h ? asy_handle_type_name(h->type) : NULL;
    loop->cb_.file = h ? h->origin_file_ : NULL;
    loop->cb_.line = h ? h->origin_line_ : 0;
    loop->cb_.fn = fn;
    loop->cb_.start_ns = asy_hrtime();
}
