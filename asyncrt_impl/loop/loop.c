#include "loop.internal.h"
#include "../base/time.h"
#include "../base/queue.h"
#include "../base/thread.internal.h"
ASY__INTERNAL void asy__run_closing(asy_loop_t *loop);

ASYNCRT_API int asy_loop_init(asy_loop_t *loop, const asy_loop_opts_t *opts) {
    int r;
    if (!loop) return ASY_EINVAL;
    memset(loop, 0, sizeof(*loop));
    if (opts) loop->opts_ = *opts;
    asy__queue_init(&loop->handles_);
    asy__queue_init(&loop->idle_);
    asy__queue_init(&loop->prepare_);
    asy__queue_init(&loop->check_);
    asy__queue_init(&loop->pending_);
    asy__queue_init(&loop->closing_);
    asy__queue_init(&loop->immediate_q_);
    asy__queue_init(&loop->async_handles_);
    asy__queue_init(&loop->signal_handles_);
    loop->signal_slot_ = -1;
    loop->signal_wfd_ = -1;
    loop->start_ns_ = asy_hrtime();
    loop->time_ = loop->opts_.virtual_clock ? 0 : loop->start_ns_ / 1000000u;
    asy__immediates_init(loop);
    r = asy__timers_init(loop);
    if (r == 0) r = asy__backend_init(loop, loop->opts_.backend);
    if (r) {
        asy__timers_free(loop);
        asy__immediates_free(loop);
        memset(loop, 0, sizeof(*loop));
    } else {
        loop->live_ = ASY__LOOP_LIVE;
    }
    return r;
}

ASYNCRT_API uint64_t asy_now(const asy_loop_t *loop) { return loop ? loop->time_ : 0; }

ASYNCRT_API void asy_update_time(asy_loop_t *loop) {
    if (loop && !loop->opts_.virtual_clock) loop->time_ = asy_hrtime() / 1000000u;
}

ASYNCRT_API int asy_loop_alive(const asy_loop_t *loop) {
    return asy__loop_live(loop) && (loop->active_handles_ > 0 || loop->active_reqs_ > 0 ||
                    loop->immediate_refs_ > 0 || !asy__queue_empty(&loop->pending_) ||
                    !asy__queue_empty(&loop->closing_));
}

ASYNCRT_API void asy_stop(asy_loop_t *loop) {
    if (loop) loop->stop_flag_ = 1;
}

ASYNCRT_API const char *asy_loop_backend(const asy_loop_t *loop) {
    return loop ? asy__backend_name(loop) : "none";
}

ASYNCRT_API int asy_defer(asy_loop_t *loop, asy_pending_t *req, asy_fn cb, void *arg) {
    if (!asy__loop_live(loop) || !req || !cb) return ASY_EINVAL;
    req->cb = cb;
    req->arg = arg;
    asy__queue_insert_tail(&loop->pending_, &req->link_);
    return 0;
}

/* Returns whether any pending callback ran. */
static inline int asy__run_pending(asy_loop_t *loop) {
    asy__queue q;
    if (asy__queue_empty(&loop->pending_)) return 0;
    asy__queue_init(&q);
    asy__queue_move(&loop->pending_, &q);
    while (!asy__queue_empty(&q)) {
        asy_pending_t *req = ASY_CONTAINER_OF(asy__queue_head(&q), asy_pending_t, link_);
        asy__queue_remove(&req->link_);
        asy__cb_site(loop, "pending", NULL, (void (*)(void))req->cb);
        req->cb(req->arg);
        asy__after_cb(loop);
    }
    return 1;
}

/* Runs the handles of one phase.  The list is moved aside first so a
 * callback may stop or start any handle; stopped ones are simply gone from
 * the moved list, started ones run next iteration. */
static void asy__run_phase(asy_loop_t *loop, asy__queue *list) {
    asy__queue q;
    if (asy__queue_empty(list)) return;
    asy__queue_init(&q);
    asy__queue_move(list, &q);
    while (!asy__queue_empty(&q)) {
        asy_phase_t *h = ASY_CONTAINER_OF(asy__queue_head(&q), asy_phase_t, phase_link_);
        asy__queue_remove(&h->phase_link_);
        asy__queue_insert_tail(list, &h->phase_link_);
        asy__cb_site(loop, NULL, (asy_handle_t *)h, (void (*)(void))h->cb_);
        h->cb_(h);
        asy__after_cb(loop);
    }
}

static int asy__poll_timeout(asy_loop_t *loop) {
    int64_t t;
    if (loop->stop_flag_ || !asy__queue_empty(&loop->idle_) ||
        !asy__queue_empty(&loop->pending_) || !asy__queue_empty(&loop->closing_) ||
        !asy__queue_empty(&loop->immediate_q_))
        return 0;
    if (!asy_loop_alive(loop)) return 0;
    t = asy__next_timeout(loop);
    if (t > INT_MAX) t = INT_MAX;
    return (int)t;
}

/* The poll phase.  With a virtual clock the loop never sleeps on a timer:
 * it looks for I/O without blocking and, finding none, jumps the clock to
 * the next timer.  Requests in flight (thread pool work) hold the clock:
 * their completion is real work the program is waiting for.
 *
 * Before it may block the loop raises sleeping_ and looks at wake_pending_
 * (the async handshake, loop/async.c); pending async handles run after the
 * backend's events.  A poll that may not block while the backend watches
 * nothing but its wake-up costs no syscall: wake_pending_ says all that
 * the wake-up would. */
static void asy__poll_phase(asy_loop_t *loop, int timeout) {
    int wait = timeout, jump = 0, n = 0, may_block;
    if (loop->opts_.virtual_clock && timeout > 0) {
        if (loop->active_reqs_ > 0) {
            wait = -1;
        } else {
            wait = 0;
            jump = 1;
        }
    }
    may_block = wait != 0;
    if (may_block) {
        asy__atomic_store(&loop->sleeping_, 1, ASY__SEQ_CST);
        if (asy__atomic_load(&loop->wake_pending_, ASY__SEQ_CST)) wait = 0;
    }
    if (wait != 0 || loop->backend_watched_ > 0) n = asy__backend_poll(loop, wait);
    if (may_block) asy__atomic_store(&loop->sleeping_, 0, ASY__RELAXED);
    if (asy__atomic_load(&loop->wake_pending_, ASY__ACQUIRE)) {
        asy__async_dispatch(loop);
        n++;
    }
    if (jump && n == 0) loop->time_ += (uint64_t)timeout;
}

ASYNCRT_API int asy_run(asy_loop_t *loop, asy_run_mode_t mode) {
    int alive, ran_pending;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    if (loop->running_) return ASY_EBUSY; /* asy_run from a callback */
    loop->running_ = 1;
    loop->cb_.start_ns = loop->watch_ ? asy_hrtime() : 0; /* main code is not a callback */
    /* Code that ran before asy_run is the "main module": its nextTicks and
     * microtasks run before the first phase, as in Node. */
    asy__after_cb(loop);
    alive = asy_loop_alive(loop);
    if (!alive) asy_update_time(loop);
    /* Each phase is entered only when it has work: an idle turn of the loop
     * is a handful of tests and one clock read. */
    while (alive && !loop->stop_flag_) {
        int timeout = 0;
        asy_update_time(loop);
        if (asy__timers_due(loop)) asy__run_timers(loop);
        ran_pending = asy__run_pending(loop);
        if (!asy__queue_empty(&loop->idle_)) asy__run_phase(loop, &loop->idle_);
        if (!asy__queue_empty(&loop->prepare_)) asy__run_phase(loop, &loop->prepare_);
        if ((mode == ASY_RUN_ONCE && !ran_pending) || mode == ASY_RUN_DEFAULT)
            timeout = asy__poll_timeout(loop);
        asy__poll_phase(loop, timeout);
        if (!asy__queue_empty(&loop->check_)) asy__run_phase(loop, &loop->check_);
        if (!asy__queue_empty(&loop->immediate_q_)) asy__run_immediates(loop);
        if (!asy__queue_empty(&loop->closing_)) asy__run_closing(loop);
        loop->iterations_++;
        if (mode == ASY_RUN_ONCE) {
            /* ONCE promises progress: timers that came due while polling */
            asy_update_time(loop);
            if (asy__timers_due(loop)) asy__run_timers(loop);
        }
        alive = asy_loop_alive(loop);
        if (mode != ASY_RUN_DEFAULT) break;
    }
    loop->stop_flag_ = 0;
    loop->running_ = 0;
    return alive;
}

ASYNCRT_API int asy_loop_advance(asy_loop_t *loop, uint64_t ms) {
    uint64_t target;
    if (!asy__loop_live(loop) || !loop->opts_.virtual_clock) return ASY_EINVAL;
    /* the clock saturates, as due times do: it never runs backwards */
    target = ms > UINT64_MAX - loop->time_ ? UINT64_MAX : loop->time_ + ms;
    /* step from deadline to deadline so callbacks see the time they were due */
    for (;;) {
        int64_t next = asy__next_timeout(loop);
        if (next < 0 || (uint64_t)next > target - loop->time_) break;
        loop->time_ += (uint64_t)next;
        asy__run_timers(loop);
        /* at the end of time a repeat is due again at once: run it once */
        if (loop->time_ == UINT64_MAX) break;
    }
    loop->time_ = target;
    return 0;
}

/* Closing twice, or a loop that was never initialised, is ASY_EINVAL.
 * Requests in flight (thread pool work, fs, dns) make it ASY_EBUSY, as in
 * libuv: they are kept, and complete when the loop runs again. */
ASYNCRT_API int asy_loop_close(asy_loop_t *loop) {
    int i;
    if (!asy__loop_live(loop)) return ASY_EINVAL;
    if (loop->running_) return ASY_EBUSY;
    /* Let handles whose close is in progress finish first. */
    if (!asy__queue_empty(&loop->closing_)) asy__run_closing(loop);
    if (asy_loop_print_handles(loop, NULL) > 0) {
        if (loop->opts_.debug_handles) {
            fprintf(stderr, "asy_loop_close: open handles:\n");
            asy_loop_print_handles(loop, stderr);
        }
        return ASY_EBUSY;
    }
    if (loop->active_reqs_ > 0) {
        if (loop->opts_.debug_handles)
            fprintf(stderr, "asy_loop_close: %u requests in flight\n", loop->active_reqs_);
        return ASY_EBUSY;
    }
    for (i = ASY__LAYER_MAX; i-- > 0;)
        if (loop->layers_[i].close) loop->layers_[i].close(loop, loop->layers_[i].state);
    asy__lag_monitor_free(loop);
    asy__signal_loop_close(loop);
    asy__timers_free(loop);
    asy__immediates_free(loop);
    asy__backend_close(loop);
    asy__taskq_free(&loop->ticks_);
    asy__taskq_free(&loop->microtasks_);
    memset(loop, 0, sizeof(*loop));
    return 0;
}

ASY__INTERNAL int asy__set_nonblock_cloexec(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return asy__errno();
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) return asy__errno();
    return 0;
}
