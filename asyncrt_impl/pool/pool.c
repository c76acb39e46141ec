/* The loop side of the pool: creation, submission, cancellation and the
 * delivery of completions in batches. */
#include "pool.internal.h"
#include "../base/time.h"
#include "../base/queue.h"
#include "../loop/loop.internal.h"

static unsigned asy__pool_default_size(const asy_loop_t *loop) {
    const char *env;
    if (loop->opts_.threadpool_size) return loop->opts_.threadpool_size;
    env = getenv("ASYNCRT_THREADPOOL_SIZE");
    if (env && *env) {
        char *end;
        unsigned long v = strtoul(env, &end, 10);
        if (*end == 0 && v > 0)
            return v > ASY__POOL_MAX_SIZE ? (unsigned)ASY__POOL_MAX_SIZE : (unsigned)v;
    }
    return 4;
}

static void asy__pool_set_limits(asy__pool *p, unsigned size) {
    if (size > ASY__POOL_MAX_SIZE) size = ASY__POOL_MAX_SIZE;
    p->size = size;
    p->slow_max = size / 2 ? size / 2 : 1;
}

/* Wakes (or starts) a worker for each runnable job no worker is coming
 * back for: the deferred wake-ups of asy__pool_submit. */
static void asy__pool_flush(asy__pool *p) {
    asy__worker *list = NULL, *w;
    unsigned coming, runnable;
    asy__mutex_lock(&p->mu);
    coming = p->spinners + p->starting + asy__atomic_load(&p->finishing, ASY__RELAXED);
    runnable = p->runnable_hint;
    while (runnable > coming && p->idle) {
        w = asy__pool_take_idle(p);
        w->next_wake = list;
        list = w;
        coming++;
    }
    while (runnable > coming && p->nthreads < p->size && asy__pool_spawn(p) == 0) coming++;
    asy__mutex_unlock(&p->mu);
    while ((w = list) != NULL) {
        list = w->next_wake;
        asy__worker_signal(w);
    }
}

/* Runs the done callbacks of every finished job, oldest first. */
static void asy__pool_deliver(asy__pool *p) {
    asy_loop_t *loop = p->loop;
    asy_work_t *w = asy__atomic_exchange(&p->done_head, (asy_work_t *)NULL, ASY__ACQUIRE);
    asy_work_t *rev = NULL;
    while (w) {
        asy_work_t *next = w->next_done_;
        w->next_done_ = rev;
        rev = w;
        w = next;
    }
    p->delivering = 1;
    while (rev) {
        asy_work_t *next = rev->next_done_;
        asy_after_work_cb cb = rev->done_cb_;
        loop->active_reqs_--;
        p->inflight--;
        p->completed++;
        if (rev->class_ != ASY_WORK_SLOW_IO &&
            asy__atomic_sub(&p->inflight_fast, 1, ASY__RELAXED) == 0)
            asy_prepare_stop(&p->prepare);
        rev->state_ = ASY__WORK_IDLE;
        if (cb) {
            cb(rev, rev->status_);
            asy__after_cb(loop);
        }
        rev = next;
    }
    p->delivering = 0;
    if (asy__atomic_load(&p->runnable_hint, ASY__RELAXED)) asy__pool_flush(p);
}

static void asy__pool_async_cb(asy_async_t *h) {
    asy__pool_deliver(ASY_CONTAINER_OF(h, asy__pool, async));
}

static void asy__pool_again_cb(asy_idle_t *h) { asy_idle_stop(h); }

/* Just before the loop would block in the poll phase with short work in
 * flight, wait a little for it here instead: a completion then costs no
 * eventfd write, no epoll wake-up.  Only while the jobs in flight leave a
 * CPU for this thread to spin on.  Spins that find nothing back off
 * exponentially (up to 64 iterations without spinning), so long jobs cost
 * next to nothing. */
static void asy__pool_prepare_cb(asy_prepare_t *h) {
    asy__pool *p = ASY_CONTAINER_OF(h, asy__pool, prepare);
    if (!asy__atomic_load(&p->done_head, ASY__ACQUIRE) && p->inflight_fast &&
        p->inflight_fast < p->ncpu && asy__poll_timeout(p->loop) != 0) {
        if (p->spin_skip) {
            p->spin_skip--;
        } else {
            uint64_t deadline = asy_hrtime() + ASY__LOOP_SPIN_NS;
            unsigned i = 0;
            asy__atomic_store(&p->loop_spinning, 1, ASY__SEQ_CST);
            while (!asy__atomic_load(&p->done_head, ASY__ACQUIRE)) {
                asy__cpu_relax();
                if ((++i & 7) == 0 && asy__spin_yield(deadline)) break;
            }
            asy__atomic_store(&p->loop_spinning, 0, ASY__SEQ_CST);
            if (asy__atomic_load(&p->done_head, ASY__SEQ_CST)) {
                p->spin_misses = 0;
            } else {
                if (p->spin_misses < 6) p->spin_misses++;
                p->spin_skip = 1u << p->spin_misses;
            }
        }
    }
    if (asy__atomic_load(&p->done_head, ASY__ACQUIRE)) {
        asy__pool_deliver(p);
        /* Callbacks ran in this iteration, before the poll phase: the poll
         * must not block now (asy_run ONCE returns after progress; and if
         * the callbacks queued more short work, a chain of requests, the
         * common case, the loop comes straight back here so the next
         * completion is caught by the spin as well). */
        asy_idle_start(&p->again, asy__pool_again_cb);
    }
}

/* asy_loop_close: stops and joins every thread (a job still running is
 * waited for; queued jobs are dropped) and unlinks the internal handles. */
static void asy__pool_close(asy_loop_t *loop, void *state) {
    asy__pool *p = (asy__pool *)state;
    asy__worker *w;
    asy__mutex_lock(&p->mu);
    p->stopping = 1;
    while (p->idle) asy__pool_wake_one(p);
    asy__mutex_unlock(&p->mu);
    while ((w = p->workers) != NULL) {
        p->workers = w->next;
        asy__thread_join(w->tid);
        asy__cond_destroy(&w->cond);
        asy__free(w);
    }
    asy__mutex_destroy(&p->mu);
    asy__async_close(&p->async);
    asy__queue_remove(&p->async.handle_link_);
    asy__phase_close(&p->prepare);
    asy__queue_remove(&p->prepare.handle_link_);
    asy__phase_close(&p->again);
    asy__queue_remove(&p->again.handle_link_);
    loop->active_reqs_ -= p->inflight;
    loop->layers_[ASY__LAYER_POOL].state = NULL;
    loop->layers_[ASY__LAYER_POOL].close = NULL;
    asy__free(p);
}

/* Library-owned handles: not listed, never EBUSY, never keep the loop
 * alive (requests in flight do). */
static void asy__internal_handle(asy_handle_t *h) {
    h->flags_ |= ASY__H_INTERNAL;
    asy_unref(h);
}

ASY__INTERNAL asy__pool *asy__pool_get(asy_loop_t *loop, int *err) {
    asy__pool *p = (asy__pool *)loop->layers_[ASY__LAYER_POOL].state;
    int r;
    if (p) return p;
    p = ASY__NEW(asy__pool);
    if (!p) {
        *err = ASY_ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->loop = loop;
    /* The pool lock is held for a few dozen instructions at a time, by the
     * loop and the workers: an adaptive mutex spins a little before it
     * sleeps, which saves a futex round trip on most contended
     * acquisitions. */
    if ((r = asy__mutex_init_adaptive(&p->mu)) != 0) {
        asy__free(p);
        *err = r;
        return NULL;
    }
    asy__queue_init(&p->queue[0]);
    asy__queue_init(&p->queue[1]);
    asy__pool_set_limits(p, asy__pool_default_size(loop));
    {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        p->ncpu = n > 0 ? (unsigned)n : 1;
    }
    asy_async_init_at(loop, &p->async, asy__pool_async_cb, __FILE__, __LINE__);
    asy__internal_handle((asy_handle_t *)&p->async);
    asy_prepare_init_at(loop, &p->prepare, __FILE__, __LINE__);
    asy__internal_handle((asy_handle_t *)&p->prepare);
    asy_idle_init_at(loop, &p->again, __FILE__, __LINE__);
    asy__internal_handle((asy_handle_t *)&p->again);
    loop->layers_[ASY__LAYER_POOL].state = p;
    loop->layers_[ASY__LAYER_POOL].close = asy__pool_close;
    return p;
}

/* What fs and dns use: like asy_queue_work_class without argument checks. */
ASY__INTERNAL int asy__pool_submit(asy_loop_t *loop, asy_work_t *req, int cls,
                                   asy_work_cb work_cb, asy_after_work_cb done_cb) {
    int err = 0, slow = cls == ASY_WORK_SLOW_IO;
    unsigned before;
    asy__worker *wake = NULL;
    asy__pool *p = asy__pool_get(loop, &err);
    if (!p) return err;
    req->loop = loop;
    req->work_cb_ = work_cb;
    req->done_cb_ = done_cb;
    req->next_done_ = NULL;
    req->class_ = cls;
    req->state_ = ASY__WORK_QUEUED;
    req->status_ = 0;
    asy__mutex_lock(&p->mu);
    req->seq_ = p->seq++;
    asy__queue_insert_tail(&p->queue[slow], &req->link_);
    p->queued[slow]++;
    before = asy__atomic_load(&p->runnable_hint, ASY__RELAXED);
    asy__pool_recount(p);
    if (p->runnable_hint > before) {
        /* A spinning worker, or one coming back from its job, takes the job
         * by itself; otherwise wake a parked one, else start a thread while
         * the pool is below its size.  (A chain of requests, each queued by
         * the previous one's callback, so runs on a single thread.) */
        unsigned coming =
            p->spinners + p->starting + asy__atomic_load(&p->finishing, ASY__RELAXED);
        if (p->runnable_hint <= coming) {
            /* nothing */
        } else if (p->delivering && !slow && p->running >= p->ncpu) {
            /* Queued by a done callback while every CPU already has a
             * worker on it: another worker could not run now anyway, and
             * the running ones take short jobs as they finish.  Whatever is
             * still queued once the batch of callbacks is over wakes
             * workers then (asy__pool_flush). */
        } else if (p->idle) {
            wake = asy__pool_take_idle(p);
        } else if (p->nthreads < p->size) {
            int r = asy__pool_spawn(p);
            if (r && p->nthreads == 0) {
                asy__queue_remove(&req->link_);
                p->queued[slow]--;
                asy__pool_recount(p);
                asy__mutex_unlock(&p->mu);
                req->state_ = ASY__WORK_IDLE;
                return r;
            }
        }
    }
    asy__mutex_unlock(&p->mu);
    if (wake) asy__worker_signal(wake);
    loop->active_reqs_++;
    p->inflight++;
    if (!slow && asy__atomic_add(&p->inflight_fast, 1, ASY__RELAXED) == 1)
        asy_prepare_start(&p->prepare, asy__pool_prepare_cb);
    return 0;
}

ASYNCRT_API int asy_queue_work_class(asy_loop_t *loop, asy_work_t *req, asy_work_class_t cls,
                                     asy_work_cb work_cb, asy_after_work_cb done_cb) {
    if (!asy__loop_live(loop) || !req || !work_cb || (unsigned)cls > (unsigned)ASY_WORK_SLOW_IO)
        return ASY_EINVAL;
    return asy__pool_submit(loop, req, (int)cls, work_cb, done_cb);
}

ASYNCRT_API int asy_queue_work(asy_loop_t *loop, asy_work_t *req, asy_work_cb work_cb,
                               asy_after_work_cb done_cb) {
    return asy_queue_work_class(loop, req, ASY_WORK_CPU, work_cb, done_cb);
}

ASYNCRT_API int asy_work_cancel(asy_work_t *req) {
    asy__pool *p;
    int slow;
    if (!req || !req->loop) return ASY_EINVAL;
    p = (asy__pool *)req->loop->layers_[ASY__LAYER_POOL].state;
    if (!p) return ASY_EINVAL;
    asy__mutex_lock(&p->mu);
    if (req->state_ != ASY__WORK_QUEUED) {
        asy__mutex_unlock(&p->mu);
        return ASY_EBUSY;
    }
    slow = req->class_ == ASY_WORK_SLOW_IO;
    asy__queue_remove(&req->link_);
    p->queued[slow]--;
    asy__pool_recount(p);
    req->state_ = ASY__WORK_RUNNING; /* no longer cancellable */
    req->status_ = ASY_ECANCELED;
    asy__mutex_unlock(&p->mu);
    /* The done callback runs from the loop, never inside this call. */
    asy__pool_complete(p, req);
    return 0;
}

ASYNCRT_API unsigned asy_pool_size(asy_loop_t *loop) {
    asy__pool *p;
    unsigned n;
    if (!loop) return 0;
    p = (asy__pool *)loop->layers_[ASY__LAYER_POOL].state;
    if (!p) return asy__pool_default_size(loop);
    asy__mutex_lock(&p->mu);
    n = p->size;
    asy__mutex_unlock(&p->mu);
    return n;
}

ASYNCRT_API int asy_pool_set_size(asy_loop_t *loop, unsigned size) {
    asy__pool *p;
    int err = 0;
    unsigned want;
    if (!loop || size == 0 || size > ASY__POOL_MAX_SIZE) return ASY_EINVAL;
    if (!(p = asy__pool_get(loop, &err))) return err;
    asy__mutex_lock(&p->mu);
    asy__pool_set_limits(p, size);
    asy__pool_recount(p);
    if (p->nthreads > size) {
        /* parked surplus workers must wake up to leave */
        while (p->idle) asy__pool_wake_one(p);
    } else {
        want = p->runnable_hint;
        while (p->idle && want > 0) {
            asy__pool_wake_one(p);
            want--;
        }
        while (want > 0 && p->nthreads < p->size && asy__pool_spawn(p) == 0) want--;
    }
    asy__mutex_unlock(&p->mu);
    return 0;
}

ASYNCRT_API int asy_pool_stats(asy_loop_t *loop, asy_pool_stats_t *out) {
    asy__pool *p;
    if (!loop || !out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    p = (asy__pool *)loop->layers_[ASY__LAYER_POOL].state;
    if (!p) {
        out->size = asy__pool_default_size(loop);
        out->slow_max = out->size / 2 ? out->size / 2 : 1;
        return 0;
    }
    asy__mutex_lock(&p->mu);
    out->size = p->size;
    out->threads = p->nthreads;
    out->queued = p->queued[0] + p->queued[1];
    out->running = p->running;
    out->slow_running = p->slow_running;
    out->slow_max = p->slow_max;
    asy__mutex_unlock(&p->mu);
    out->completed = p->completed;
    return 0;
}
