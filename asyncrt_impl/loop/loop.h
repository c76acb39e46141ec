/* The event loop: Node's phases, in this order every iteration
 *
 *   timers -> pending -> idle -> prepare -> poll (I/O) -> check -> close
 *
 * and after every single callback, in every phase, the nextTick queue and
 * then the promise (microtask) queue are drained, repeatedly, until both
 * are empty.  Like Node, a microtask that keeps queueing microtasks starves
 * the loop: I/O and timers wait until the queues are empty.
 *
 * One loop belongs to one thread.  Only asy_async_send (and the thread
 * pool) may be called from other threads. */
#pragma once
#include "op.h"
#include "../base/queue.h"
#include "../base/heap.h"
#include "uncaught.h"
typedef enum { ASY_RUN_DEFAULT, ASY_RUN_ONCE, ASY_RUN_NOWAIT } asy_run_mode_t;

/* Zero means "default" for every field; NULL options mean all defaults. */
typedef struct {
    /* Thread pool size for this loop; 0: ASYNCRT_THREADPOOL_SIZE or 4. */
    unsigned threadpool_size;
    /* Virtual clock: time moves only through asy_loop_advance(), or, when
     * the loop has nothing to do but wait for a timer, it jumps straight to
     * that timer.  Timeout tests run instantly and deterministically. */
    int virtual_clock;
    /* Print every open handle (type, file:line) to stderr when
     * asy_loop_close() fails with ASY_EBUSY. */
    int debug_handles;
    /* "epoll", "poll", ... (asy_loop_backend_at lists them); NULL: the
     * ASYNCRT_BACKEND environment variable, else the platform's best.  A
     * name this build lacks fails asy_loop_init with ASY_ENOSYS. */
    const char *backend;
} asy_loop_opts_t;

/* A queue of (fn, arg) jobs in a growable ring: no allocation per job once
 * it has grown to the working size. */
typedef struct {
    struct asy__task *items;
    uint32_t head, count, cap;
} asy__taskq;

/* Fixed-size slots with generation counters, for id-based conveniences. */
typedef struct {
    void **chunks;
    uint32_t nchunks;
    uint32_t free_head; /* slot index + 1; 0 = none free */
    uint32_t item_size;
    uint32_t live;
} asy__slots;

typedef struct {
    uint64_t iterations;   /* loop iterations so far */
    uint64_t events;       /* I/O events dispatched */
    uint64_t idle_ns;      /* time spent blocked in the poll phase */
    uint64_t elapsed_ns;   /* time since asy_loop_init */
    double utilization;    /* 1 - idle/elapsed (Node's eventLoopUtilization) */
    /* loop lag (how late the lag monitor's timer fired), see
     * asy_loop_lag_monitor; all 0 until it has samples */
    uint64_t lag_samples;
    uint64_t lag_min_ns, lag_p50_ns, lag_p90_ns, lag_p99_ns, lag_max_ns;
    double lag_mean_ns;
} asy_loop_metrics_t;

/* A slot for a layer above the loop (promises, thread pool...) to hang its
 * per-loop state on, with a hook the loop calls from asy_loop_close. */
typedef struct {
    void *state;
    void (*close)(asy_loop_t *loop, void *state);
} asy__layer_slot;

enum {
    ASY__LAYER_PROMISE,
    ASY__LAYER_POOL,
    ASY__LAYER_FS,
    ASY__LAYER_PROCESS,
    ASY__LAYER_NET,
    ASY__LAYER_PERF,
    ASY__LAYER_DIAG,
    /* the last two slots: worker (MAX - 2) and coro (MAX - 1) */
    ASY__LAYER_MAX = 10
};

/* The callback the loop is running, for the diag layer's slow-callback
 * warning: set before a callback when watch_ is on (asy__cb_site). */
typedef struct {
    uint64_t start_ns;
    const char *kind;           /* "timer", "setTimeout", "immediate"... */
    const char *file;           /* creation site of its handle, or NULL */
    int line;
    void (*fn)(void);           /* the callback, when known */
} asy__cb_site_t;

struct asy_loop_s {
    void *data; /* for the caller */
    /* -- everything below is private -- */
    uint64_t time_;       /* cached now, ms */
    uint64_t start_ns_;
    unsigned active_handles_; /* active and referenced */
    unsigned active_reqs_;
    unsigned live_; /* ASY__LOOP_LIVE between init and close */
    int stop_flag_;
    int running_;
    asy_loop_opts_t opts_;
    asy__queue handles_; /* every open handle */
    asy__queue idle_, prepare_, check_;
    asy__queue pending_;
    asy__queue closing_;
    asy__heap timers_;
    asy__slots ctimers_;    /* asy_set_timeout / asy_set_interval */
    asy__slots immediates_; /* asy_set_immediate */
    asy__queue immediate_q_;
    unsigned immediate_refs_;
    asy__taskq ticks_, microtasks_;
    /* The backend (backend/backend.h): its table, its private state, and
     * how many fds or operations it watches besides its own wake-up (0:
     * only a timeout or a wake can end its wait). */
    const struct asy__backend_s *backend_;
    void *backend_data_;
    unsigned backend_watched_;
    asy__ops_state ops_; /* completion-based operations (backend/ops.c) */
    /* async wake-up (loop/async.c; the backend's wake does the waking) */
    volatile int wake_pending_; /* some async handle is pending, not yet scanned */
    volatile int sleeping_;     /* the poll phase may block: senders must write the fd */
    asy__queue async_handles_;
    /* signals */
    asy__io signal_io_;
    int signal_wfd_;
    int signal_slot_;
    asy__queue signal_handles_;
    /* metrics */
    uint64_t iterations_, events_, idle_ns_;
    struct asy__lag_monitor *lag_;
    asy__layer_slot layers_[ASY__LAYER_MAX];
    /* Called when a nextTick/microtask drain has emptied both queues (the
     * promise layer reports unhandled rejections there, as Node does after
     * processTicksAndRejections); it may queue more work. */
    void (*after_drain_)(asy_loop_t *loop);
    /* Errors nobody handled (loop/uncaught.c); NULL: print and abort. */
    asy_uncaught_fn uncaught_;
    void *uncaught_arg_;
    /* Callback watch (the diag layer's slow-callback warning): while
     * watch_ is set, each callback's start is recorded in cb_ and
     * watch_fn_ runs once the callback and its microtasks are done. */
    unsigned watch_;
    void (*watch_fn_)(asy_loop_t *loop);
    asy__cb_site_t cb_;
};

ASYNCRT_API int asy_loop_init(asy_loop_t *loop, const asy_loop_opts_t *opts);
/* Runs the loop.  DEFAULT: until no referenced handle, request or timer is
 * left (or asy_stop); ONCE: one iteration, blocking for I/O if needed;
 * NOWAIT: one iteration without blocking.  Returns non-zero when work is
 * left, 0 when none. */
ASYNCRT_API int asy_run(asy_loop_t *loop, asy_run_mode_t mode);
/* Makes asy_run return after the current iteration. */
ASYNCRT_API void asy_stop(asy_loop_t *loop);
/* ASY_EBUSY while handles are open (asy_loop_print_handles names them);
 * the loop is still usable then.  0 once everything is released. */
ASYNCRT_API int asy_loop_close(asy_loop_t *loop);
/* Non-zero while referenced handles, requests, timers or immediates remain. */
ASYNCRT_API int asy_loop_alive(const asy_loop_t *loop);
/* The loop's cached time in ms, updated at the start of each iteration. */
ASYNCRT_API uint64_t asy_now(const asy_loop_t *loop);
ASYNCRT_API void asy_update_time(asy_loop_t *loop);
/* Virtual clock only: moves time forward by ms and runs the timers that
 * become due, in order (each followed by the microtask drain).  ASY_EINVAL
 * on a real-clock loop. */
ASYNCRT_API int asy_loop_advance(asy_loop_t *loop, uint64_t ms);
/* Name of the backend in use: "epoll", "poll", ... */
ASYNCRT_API const char *asy_loop_backend(const asy_loop_t *loop);
/* The backends compiled in, best first: the i-th one's name, NULL past the
 * last ("epoll", "poll" on Linux; "poll" elsewhere).  Any of them may be
 * named in opts.backend or ASYNCRT_BACKEND. */
ASYNCRT_API const char *asy_loop_backend_at(unsigned i);
/* Prints every open handle: type, active/ref flags and the file:line that
 * created it.  Returns how many there were. */
ASYNCRT_API int asy_loop_print_handles(asy_loop_t *loop, FILE *out);
/* Calls fn for every open handle (uv_walk). */
ASYNCRT_API void asy_loop_walk(asy_loop_t *loop, void (*fn)(asy_handle_t *h, void *arg),
                               void *arg);

/* process.nextTick: runs after the current callback, before promises. */
ASYNCRT_API int asy_next_tick(asy_loop_t *loop, asy_fn cb, void *arg);
/* queueMicrotask / promise jobs: after the nextTick queue. */
ASYNCRT_API int asy_queue_microtask(asy_loop_t *loop, asy_fn cb, void *arg);
/* Drains both queues now (the loop does this after every callback). */
ASYNCRT_API void asy_run_microtasks(asy_loop_t *loop);

/* Metrics, readable at any time.  Utilization is measured from
 * asy_loop_init; take two snapshots and use asy_loop_elu for an interval. */
ASYNCRT_API int asy_loop_metrics(asy_loop_t *loop, asy_loop_metrics_t *out);
ASYNCRT_API double asy_loop_elu(const asy_loop_metrics_t *now, const asy_loop_metrics_t *prev);
/* Loop lag (Node's monitorEventLoopDelay): an unref'd timer fires every
 * resolution_ms and records how late it ran in a histogram (1 us buckets
 * growing logarithmically).  0 stops it; restarting resets it. */
ASYNCRT_API int asy_loop_lag_monitor(asy_loop_t *loop, uint64_t resolution_ms);
