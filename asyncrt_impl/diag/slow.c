/* The slow-callback warning.  The loop (loop.internal.h) records when each
 * callback starts and, while loop->watch_ is set, calls asy__slow_check
 * once the callback and its microtasks are done. */
#include "diag.h"
#include "diag.internal.h"
#include "../base/time.h"
#include "../loop/handle.h"
#include "../loop/loop.h"
#include "../loop/loop.internal.h"

static void asy__slow_print(void *arg, const asy_slow_callback_t *info) {
    union {
        void (*fn)(void);
        uintptr_t u;
    } cv;
    (void)arg;
    fprintf(stderr, "asyncrt: slow callback: %s", info->kind ? info->kind : "callback");
    if (info->file) fprintf(stderr, " created at %s:%d", info->file, info->line);
    if (info->fn) {
        cv.fn = info->fn;
        fprintf(stderr, " (fn 0x%llx)", (unsigned long long)cv.u);
    }
    fprintf(stderr, " blocked the loop for %.1f ms\n", info->ms);
}

static void asy__slow_check(asy_loop_t *loop) {
    const asy__diag_state *st = (const asy__diag_state *)loop->layers_[ASY__LAYER_DIAG].state;
    uint64_t now = asy_hrtime();
    if (st && loop->cb_.start_ns && now - loop->cb_.start_ns >= st->slow_ns) {
        asy_slow_callback_t info;
        info.kind = loop->cb_.kind;
        info.file = loop->cb_.file;
        info.line = loop->cb_.line;
        info.fn = loop->cb_.fn;
        info.ms = (double)(now - loop->cb_.start_ns) / 1e6;
        (st->slow_fn ? st->slow_fn : asy__slow_print)(st->slow_arg, &info);
        now = asy_hrtime(); /* the report's own time is not the next callback's */
    }
    /* until the next site is named, time counts from here */
    loop->cb_.start_ns = now;
    loop->cb_.kind = NULL;
    loop->cb_.file = NULL;
    loop->cb_.line = 0;
    loop->cb_.fn = NULL;
}

ASYNCRT_API int asy_loop_slow_callback_warning(asy_loop_t *loop, double threshold_ms,
                                               asy_slow_callback_fn fn, void *arg) {
    asy__diag_state *st;
    if (!asy__loop_live(loop) || !(threshold_ms >= 0) || threshold_ms > 1e12) return ASY_EINVAL;
    if (threshold_ms == 0) {
        loop->watch_ = 0;
        loop->watch_fn_ = NULL;
        return 0;
    }
    if (!(st = asy__diag_st(loop))) return ASY_ENOMEM;
    st->slow_ns = (uint64_t)(threshold_ms * 1e6);
    if (st->slow_ns == 0) st->slow_ns = 1;
    st->slow_fn = fn;
    st->slow_arg = arg;
    loop->watch_fn_ = asy__slow_check;
    loop->cb_.start_ns = asy_hrtime();
    loop->cb_.kind = NULL;
    loop->cb_.file = NULL;
    loop->cb_.fn = NULL;
    loop->watch_ = 1;
    return 0;
}
