/* Idle, prepare and check handles: a callback once per loop iteration in
 * their phase.  Idle handles also keep the poll phase from blocking.
 * (setImmediate is built on the check phase.) */
#pragma once
#include "handle.h"
#include "../base/queue.h"
typedef struct asy_phase_s asy_phase_t;
typedef asy_phase_t asy_idle_t;
typedef asy_phase_t asy_prepare_t;
typedef asy_phase_t asy_check_t;
typedef void (*asy_phase_cb)(asy_phase_t *handle);

struct asy_phase_s {
    ASY_HANDLE_FIELDS
    asy_phase_cb cb_;
    asy__queue phase_link_;
};

ASYNCRT_API int asy_idle_init_at(asy_loop_t *loop, asy_idle_t *h, const char *file, int line);
ASYNCRT_API int asy_prepare_init_at(asy_loop_t *loop, asy_prepare_t *h, const char *file, int line);
ASYNCRT_API int asy_check_init_at(asy_loop_t *loop, asy_check_t *h, const char *file, int line);
#define asy_idle_init(loop, h) asy_idle_init_at((loop), (h), ASY_HERE)
#define asy_prepare_init(loop, h) asy_prepare_init_at((loop), (h), ASY_HERE)
#define asy_check_init(loop, h) asy_check_init_at((loop), (h), ASY_HERE)
/* Start / stop work for all three kinds (the handle knows its phase).
 * Starting an active handle only changes its callback. */
ASYNCRT_API int asy_idle_start(asy_idle_t *h, asy_phase_cb cb);
ASYNCRT_API int asy_idle_stop(asy_idle_t *h);
ASYNCRT_API int asy_prepare_start(asy_prepare_t *h, asy_phase_cb cb);
ASYNCRT_API int asy_prepare_stop(asy_prepare_t *h);
ASYNCRT_API int asy_check_start(asy_check_t *h, asy_phase_cb cb);
ASYNCRT_API int asy_check_stop(asy_check_t *h);

/* The pending-callbacks phase: work deferred from the previous iteration
 * (I/O completions that must not run re-entrantly).  The request is
 * caller-owned and must stay valid until cb runs. */
typedef struct asy_pending_s {
    asy_fn cb;
    void *arg;
    asy__queue link_;
} asy_pending_t;
ASYNCRT_API int asy_defer(asy_loop_t *loop, asy_pending_t *req, asy_fn cb, void *arg);
