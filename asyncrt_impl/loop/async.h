/* Async handles wake the loop from any thread (uv_async_send).  Sends
 * coalesce: several sends before the loop gets to the handle give one
 * callback, but a send is never lost: a send that happens after the
 * callback started gives another callback. */
#pragma once
#include "handle.h"
#include "../base/queue.h"
typedef struct asy_async_s asy_async_t;
typedef void (*asy_async_cb)(asy_async_t *handle);

struct asy_async_s {
    ASY_HANDLE_FIELDS
    asy_async_cb cb_;
    asy__queue async_link_;
    volatile int pending_; /* set by senders, cleared by the loop (atomics) */
};

/* Starts active and referenced: an async handle keeps the loop alive until
 * it is closed or unref'd.  cb may not be NULL. */
ASYNCRT_API int asy_async_init_at(asy_loop_t *loop, asy_async_t *handle, asy_async_cb cb,
                                  const char *file, int line);
#define asy_async_init(loop, h, cb) asy_async_init_at((loop), (h), (cb), ASY_HERE)
/* Safe from any thread and from signal handlers. */
ASYNCRT_API int asy_async_send(asy_async_t *handle);
