/* Timers.  Two ways to use them:
 *
 *   - Node style: asy_set_timeout / asy_set_interval return an id;
 *     asy_clear_timer clears either kind.  Ids carry a generation, so a
 *     stale id (fired, cleared, reused slot) is harmless.  No malloc per
 *     call in steady state: slots come from a per-loop pool.
 *   - libuv style: a caller-owned asy_timer_t handle with start / stop /
 *     again, for code that wants the memory in its own struct.
 *
 * Times are milliseconds against the loop's cached clock (asy_now).  A
 * timeout of 0 is due at once: it runs in the next timers phase.  Timers
 * due at the same time run in the order they were started. */
#pragma once
#include "handle.h"
#include "../base/heap.h"
typedef struct asy_timer_s asy_timer_t;
typedef void (*asy_timer_cb)(asy_timer_t *timer);

typedef struct { uint64_t id; } asy_timer_id_t; /* 0 = failed; a stale id is harmless */

struct asy_timer_s {
    ASY_HANDLE_FIELDS
    asy_timer_cb cb_;
    asy__heap_node heap_node_;
    uint64_t due_;
    uint64_t repeat_;
};

ASYNCRT_API int asy_timer_init_at(asy_loop_t *loop, asy_timer_t *timer, const char *file, int line);
#define asy_timer_init(loop, timer) asy_timer_init_at((loop), (timer), ASY_HERE)
/* Starts (or restarts) the timer: cb runs after `timeout` ms, then every
 * `repeat` ms when repeat > 0.  ASY_EINVAL without a callback or when the
 * handle is closing. */
ASYNCRT_API int asy_timer_start(asy_timer_t *timer, asy_timer_cb cb, uint64_t timeout,
                                uint64_t repeat);
ASYNCRT_API int asy_timer_stop(asy_timer_t *timer);
/* Restarts a repeating timer from now with its repeat as the timeout;
 * ASY_EINVAL if it was never started or is closing. */
ASYNCRT_API int asy_timer_again(asy_timer_t *timer);
ASYNCRT_API void asy_timer_set_repeat(asy_timer_t *timer, uint64_t repeat);
ASYNCRT_API uint64_t asy_timer_get_repeat(const asy_timer_t *timer);
/* Milliseconds until the timer fires; 0 if due or stopped. */
ASYNCRT_API uint64_t asy_timer_get_due_in(const asy_timer_t *timer);

/* Node's setTimeout / setInterval / clearTimeout / clearInterval. */
ASYNCRT_API asy_timer_id_t asy_set_timeout(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms);
ASYNCRT_API asy_timer_id_t asy_set_interval(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms);
/* 0, or ASY_ENOENT for an id that is no longer live (cleared, fired). */
ASYNCRT_API int asy_clear_timer(asy_loop_t *loop, asy_timer_id_t id);
/* timeout.refresh(): restart the countdown from now with the same delay. */
ASYNCRT_API int asy_timer_refresh(asy_loop_t *loop, asy_timer_id_t id);
/* timeout.ref() / unref() / hasRef(). */
ASYNCRT_API int asy_timer_ref(asy_loop_t *loop, asy_timer_id_t id);
ASYNCRT_API int asy_timer_unref(asy_loop_t *loop, asy_timer_id_t id);
ASYNCRT_API int asy_timer_has_ref(asy_loop_t *loop, asy_timer_id_t id);
