/* Private parts of the loop shared by its files and the layers above. */
#pragma once
#include "timer.h"
#include "async.h"
#include "signal.h"
#include "poll.h"
#include "loop.h"
#include "../base/time.h"
#include "../base/sys.internal.h"
enum {
    ASY__H_ACTIVE = 1u << 0,
    ASY__H_REF = 1u << 1,
    ASY__H_CLOSING = 1u << 2,
    ASY__H_CLOSED = 1u << 3,
    ASY__H_INTERNAL = 1u << 4 /* owned by the library: not listed, not EBUSY */
};

struct asy__task {
    asy_fn fn;
    void *arg;
};

/* A loop between asy_loop_init and asy_loop_close.  Every public call
 * that takes a loop checks it, so a closed (zeroed) loop gives an error
 * code or id 0, never a write through its zeroed state. */
#define ASY__LOOP_LIVE 0x6c797361u /* "asyl" */
static inline int asy__loop_live(const asy_loop_t *loop) {
    return loop && loop->live_ == ASY__LOOP_LIVE;
}

/* A handle type's operations.  Every layer that defines a handle type
 * supplies one (a static const object) to asy__handle_init, so asy_close
 * and the close phase never name the layers above the loop.
 *   close         asy_close: stop the handle's work and release what it
 *                 holds (fds, watches); the loop then deactivates it and
 *                 queues it for the close phase.  NULL: nothing to do.
 *   finish_close  the close phase, just before close_cb: deliver what the
 *                 close cancelled (completions of pending operations).
 *                 NULL: nothing to do. */
typedef struct asy__handle_class {
    asy_handle_type_t type;
    const char *name;
    void (*close)(asy_handle_t *h);
    void (*finish_close)(asy_handle_t *h);
} asy__handle_class;

/* Handle bookkeeping every handle type uses. */
ASY__INTERNAL void asy__handle_init(asy_loop_t *loop, asy_handle_t *h,
                                    const asy__handle_class *cls, const char *file, int line);
static inline int asy__handle_active(const asy_handle_t *h) { return (h->flags_ & ASY__H_ACTIVE) != 0; }
static inline void asy__handle_start(asy_handle_t *h) {
    if (h->flags_ & ASY__H_ACTIVE) return;
    h->flags_ |= ASY__H_ACTIVE;
    if (h->flags_ & ASY__H_REF) h->loop->active_handles_++;
}
static inline void asy__handle_stop(asy_handle_t *h) {
    if (!(h->flags_ & ASY__H_ACTIVE)) return;
    h->flags_ &= ~(unsigned)ASY__H_ACTIVE;
    if (h->flags_ & ASY__H_REF) h->loop->active_handles_--;
}

/* Runs the nextTick and microtask queues if either has work: called after
 * every callback the loop makes. */
ASY__INTERNAL void asy__drain(asy_loop_t *loop);
static inline void asy__after_cb(asy_loop_t *loop) {
    if (loop->ticks_.count | loop->microtasks_.count | loop->watch_) asy__drain(loop);
}

/* Reports an error nobody handled to the loop's hook (loop/uncaught.c). */
ASY__INTERNAL void asy__uncaught(asy_loop_t *loop, int error, const char *what,
                                  asy_handle_type_t type, const void *object, const char *file,
                                  int line);

/* Names the callback about to run, for the slow-callback watch; costs a
 * load and a branch while the watch is off.  The start time is taken here
 * so library work between callbacks is not blamed on the next one. */
ASY__INTERNAL void asy__cb_site_slow(asy_loop_t *loop, const char *kind, const asy_handle_t *h,
                                     void (*fn)(void));
static inline void asy__cb_site(asy_loop_t *loop, const char *kind, const asy_handle_t *h,
                                void (*fn)(void)) {
    if (ASY__UNLIKELY(loop->watch_)) asy__cb_site_slow(loop, kind, h, fn);
}
/* Names a callback made from inside another (a stream event from a read
 * completion) without restarting its clock. */
static inline void asy__cb_name(asy_loop_t *loop, const char *kind, const char *file, int line,
                                void (*fn)(void)) {
    if (ASY__UNLIKELY(loop->watch_)) {
        loop->cb_.kind = kind;
        loop->cb_.file = file;
        loop->cb_.line = line;
        loop->cb_.fn = fn;
    }
}

/* Unlink the loop's own internal handles (the pool's async and phase
 * handles) without the close phase, when their owner is torn down. */
ASY__INTERNAL void asy__phase_close(asy_phase_t *h);
ASY__INTERNAL void asy__async_close(asy_async_t *h);

ASY__INTERNAL int asy__timers_init(asy_loop_t *loop);
ASY__INTERNAL void asy__timers_free(asy_loop_t *loop);
ASY__INTERNAL void asy__run_timers(asy_loop_t *loop);
ASY__INTERNAL void asy__immediates_init(asy_loop_t *loop);
ASY__INTERNAL void asy__immediates_free(asy_loop_t *loop);
/* Whether the timers phase has anything to run now. */
static inline int asy__timers_due(const asy_loop_t *loop) {
    return loop->timers_.count && loop->timers_.items[0].key <= loop->time_;
}
/* ms until the next timer is due; -1 when there is none */
ASY__INTERNAL int64_t asy__next_timeout(const asy_loop_t *loop);
ASY__INTERNAL void asy__run_immediates(asy_loop_t *loop);
ASY__INTERNAL void asy__async_dispatch(asy_loop_t *loop);
ASY__INTERNAL void asy__signal_loop_close(asy_loop_t *loop);
ASY__INTERNAL void asy__lag_monitor_free(asy_loop_t *loop);

/* The loop lag monitor: defined in metrics.c; diag/report.c reads it. */
#define ASY__LAG_BUCKETS 1024

struct asy__lag_monitor {
    asy_timer_t timer;
    uint64_t resolution_ms;
    uint64_t expected_ns;
    uint64_t count, min_ns, max_ns;
    double sum_ns;
    uint32_t buckets[ASY__LAG_BUCKETS];
};
/* Defined in metrics.c, used by diag/report.c. */
ASY__INTERNAL size_t asy__lag_histogram(const asy_loop_t *loop, uint64_t *lower_ns,
                                        uint64_t *counts, size_t max);

/* ---- the backend ------------------------------------------------------
 * The table is in backend/backend.h, the selection in backend/backend.c.
 * The loop reaches it only through the calls below (defined in
 * backend/backend.c, a layer above): each poll phase calls
 * asy__backend_poll, async sends call asy__backend_wake. */
/* Extra revents bit: error or hang-up on the fd.  io_update's how bit: the
 * fd is closed right after and no other reference to it exists. */
enum { ASY__IO_ERR = 16 };
enum { ASY__IO_GONE = 1 };
/* Picks the backend (name, else ASYNCRT_BACKEND, else the best compiled in)
 * and starts it; 0, ASY_ENOSYS for a name this build lacks, or its error. */
ASY__INTERNAL int asy__backend_init(asy_loop_t *loop, const char *name);
/* A backend's wait that may have blocked ended; t0 is asy_hrtime() from
 * before it.  Counts the idle time and refreshes the loop's clock from the
 * same clock read (one read fewer per iteration than doing both apart). */
static inline void asy__backend_wait_ended(asy_loop_t *loop, uint64_t t0) {
    uint64_t t1 = asy_hrtime();
    loop->idle_ns_ += t1 - t0;
    loop->cb_.start_ns = t1; /* a wait is not a callback blocking the loop */
    if (!loop->opts_.virtual_clock) loop->time_ = t1 / 1000000u;
}
ASY__INTERNAL void asy__backend_close(asy_loop_t *loop);
ASY__INTERNAL const char *asy__backend_name(const asy_loop_t *loop);
/* The running backend's poll (timeout_ms: -1 no limit, 0 do not block;
 * returns how many it delivered) and wake (any thread). */
static int asy__backend_poll(asy_loop_t *loop, int timeout_ms);
static int asy__backend_wake(asy_loop_t *loop);

/* Readiness registrations (backend/readiness.c), through the table's
 * io_update: the readiness backends only (ASY_ENOSYS elsewhere). */
ASY__INTERNAL void asy__io_init(asy__io *io, asy_os_fd_t fd, asy__io_cb cb);
/* Adds events to the interest set; 0 or a negative code (bad fd). */
ASY__INTERNAL int asy__io_start(asy_loop_t *loop, asy__io *io, unsigned events);
ASY__INTERNAL void asy__io_stop(asy_loop_t *loop, asy__io *io, unsigned events);
/* Forgets the fd entirely (call before closing it). */
ASY__INTERNAL void asy__io_close(asy_loop_t *loop, asy__io *io);
/* Like asy__io_close for an fd that is closed right after: when the caller
 * holds the only reference to the open file (sole_owner) the kernel drops
 * the registration itself and no syscall is made. */
ASY__INTERNAL void asy__io_forget(asy_loop_t *loop, asy__io *io, int sole_owner);

/* Small POSIX helpers. */
ASY__INTERNAL int asy__set_nonblock_cloexec(int fd);

/* Defined in loop.c, used by pool/pool.c. */
static int asy__poll_timeout(asy_loop_t *loop);

/* Defined in taskq.c, used by loop.c, promise/promise.c, promise/unhandled.c. */
ASY__INTERNAL int asy__taskq_push(asy__taskq *q, asy_fn fn, void *arg);
ASY__INTERNAL void asy__taskq_free(asy__taskq *q);
