/* performance.timerify for C callbacks. */
#include "perf.h"
#include "perf.internal.h"
#include "../base/time.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../loop/loop.h"
#include "../loop/loop.internal.h"

ASYNCRT_API int asy_perf_timerify(asy_perf_timerified_t *t, asy_loop_t *loop, const char *name,
                                  asy_fn fn, void *arg) {
    if (!t || !asy__loop_live(loop) || !name || !fn) return ASY_EINVAL;
    memset(t, 0, sizeof(*t));
    t->name_ = asy__strdup(name);
    if (!t->name_) return ASY_ENOMEM;
    t->loop_ = loop;
    t->fn_ = fn;
    t->arg_ = arg;
    return 0;
}

ASYNCRT_API void asy_perf_timerified_call(void *timerified) {
    asy_perf_timerified_t *t = (asy_perf_timerified_t *)timerified;
    uint64_t t0, t1;
    asy_loop_t *loop;
    double ms;
    if (!t || !t->fn_) return;
    loop = t->loop_;
    t0 = asy_hrtime();
    t->fn_(t->arg_);
    t1 = asy_hrtime();
    /* the wrapper's memory must outlive the call; the callback may have
     * released it with asy_perf_timerify_free, which clears name_ */
    ms = (double)(t1 - t0) / 1e6;
    if (t->name_) {
        asy__perf_state *st;
        t->calls++;
        t->total_ms += ms;
        t->last_ms = ms;
        if (ms > t->max_ms) t->max_ms = ms;
        if (asy__loop_live(loop) && (st = (asy__perf_state *)loop->layers_[ASY__LAYER_PERF].state)) {
            asy_perf_entry_t e;
            e.name = t->name_;
            e.type = ASY_PERF_FUNCTION;
            e.start_time = asy__perf_ms(loop, t0);
            e.duration = ms;
            asy__perf_enqueue(st, &e);
        }
    }
}

ASYNCRT_API void asy_perf_timerify_free(asy_perf_timerified_t *t) {
    if (!t) return;
    asy__free(t->name_);
    t->name_ = NULL;
    t->fn_ = NULL;
}
