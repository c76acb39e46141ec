/* Per-loop state of the perf layer (loop->layers_[ASY__LAYER_PERF]). */
#pragma once
#include "perf.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../loop/timer.h"
#include "../loop/immediate.h"
#include "../loop/loop.h"
typedef struct {
    asy_loop_t *loop;
    asy_perf_entry_t *entries; /* the timeline, in insertion order; names owned */
    size_t n, cap;
    asy__queue observers;      /* asy_perf_observer_t.link_ */
    asy_immediate_id_t deliver;  /* pending delivery, or 0 */
} asy__perf_state;

ASY__INTERNAL asy__perf_state *asy__perf_st(asy_loop_t *loop);
/* Hands a new entry to every observer of its type (names copied). */
ASY__INTERNAL void asy__perf_enqueue(asy__perf_state *st, const asy_perf_entry_t *e);
ASY__INTERNAL void asy__perf_observers_close(asy__perf_state *st);

static inline double asy__perf_ms(const asy_loop_t *loop, uint64_t ns) {
    return (double)(ns - loop->start_ns_) / 1e6;
}
