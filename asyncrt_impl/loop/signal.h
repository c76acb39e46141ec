/* Signal handles deliver signals (SIGINT, SIGTERM, SIGCHLD, ...) as loop
 * callbacks in the poll phase.  Any number of handles, on any number of
 * loops in any threads, may watch the same signal; each gets the
 * callback.  The process-wide part (sigaction, the handler) is thread-safe
 * and restores the previous disposition when the last watcher stops. */
#pragma once
#include "handle.h"
#include "../base/queue.h"
typedef struct asy_signal_s asy_signal_t;
typedef void (*asy_signal_cb)(asy_signal_t *handle, int signum);

struct asy_signal_s {
    ASY_HANDLE_FIELDS
    asy_signal_cb cb_;
    int signum_;
    int oneshot_;
    asy__queue signal_link_;
};

ASYNCRT_API int asy_signal_init_at(asy_loop_t *loop, asy_signal_t *h, const char *file, int line);
#define asy_signal_init(loop, h) asy_signal_init_at((loop), (h), ASY_HERE)
/* ASY_EINVAL for a signal that cannot be caught (SIGKILL, SIGSTOP) or out
 * of range. */
ASYNCRT_API int asy_signal_start(asy_signal_t *h, asy_signal_cb cb, int signum);
/* Like start, but the handle stops itself after the first delivery. */
ASYNCRT_API int asy_signal_start_oneshot(asy_signal_t *h, asy_signal_cb cb, int signum);
ASYNCRT_API int asy_signal_stop(asy_signal_t *h);
