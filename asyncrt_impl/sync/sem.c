/* The semaphore.  Waiters are records from a per-semaphore slot pool (ids
 * with generations, so asy_sem_cancel is an O(1) lookup and a stale id is
 * harmless) linked into one FIFO; timeouts use the loop's pooled timers.
 * Nothing user-visible runs inside asy_sem_release: granting settles a
 * promise or queues a microtask. */
#include "sem.h"
#include "../base/queue.h"
#include "../loop/timer.h"
#include "../loop/slots.internal.h"
#include "../promise/promise.internal.h"
enum { ASY__SEM_WAITING = 1, ASY__SEM_DELIVER, ASY__SEM_RUNNING };

typedef struct asy__sem_rec {
    asy__slot slot_;
    asy__queue link;
    asy_sem_t *sem;
    size_t n;
    asy_sem_cb cb;          /* callback style */
    void *arg;
    asy_promise_t *promise; /* promise style, or asy_sem_run's result */
    asy_task_fn task;       /* asy_sem_run */
    asy_promise_t *inner;
    asy_timer_id_t timer;
    int state, status;
} asy__sem_rec;

struct asy_sem_s {
    asy_loop_t *loop;
    size_t permits, available, nwaiting;
    asy__queue waiters;
    asy__slots recs;
    int freed;
    int busy; /* > 0: inside a call that still uses the semaphore */
};

static void asy__sem_maybe_destroy(asy_sem_t *s) {
    if (!s->freed || s->busy || s->recs.live || s->available != s->permits) return;
    asy__slots_free(&s->recs);
    asy__free(s);
}

static void asy__sem_rec_free(asy__sem_rec *w) {
    asy_sem_t *s = w->sem;
    asy__slots_release(&s->recs, &w->slot_);
    asy__sem_maybe_destroy(s);
}

/* asy_sem_run's task is over (its result settled): give everything back */
static void asy__sem_run_end(asy__sem_rec *w) {
    asy_sem_t *s = w->sem;
    asy__promise_unref(w->promise);
    if (w->inner) asy__promise_unref(w->inner);
    s->busy++; /* s must outlive the release below */
    asy_sem_release(s, w->n);
    s->busy--;
    asy__sem_rec_free(w);
}

static void asy__sem_run_done(void *arg, const asy_settled_t *in) {
    asy__sem_rec *w = (asy__sem_rec *)arg;
    asy__promise_settle_like(w->promise, in->promise);
    asy__sem_run_end(w);
}

static void asy__sem_deliver(void *arg) {
    asy__sem_rec *w = (asy__sem_rec *)arg;
    asy__watch watch;
    asy_ret_t ret;
    if (!w->task) {
        w->cb(w->sem, w->status, w->arg);
        asy__sem_rec_free(w);
        return;
    }
    /* asy_sem_run: the permits are ours, start the task.  They go back when
     * its outcome is known: the memory to learn it is taken first, else the
     * task does not run at all. */
    w->state = ASY__SEM_RUNNING;
    if (asy__watch_prepare(w->sem->loop, &watch) != 0) {
        asy_promise_reject(w->promise, ASY_ENOMEM, NULL);
        asy__sem_run_end(w);
        return;
    }
    ret = w->task(w->arg);
    w->inner = asy__watch_ret(&watch, &ret, asy__sem_run_done, w);
}

/* w stops waiting (or is granted at once): deliver status */
static void asy__sem_finish(asy__sem_rec *w, int status) {
    asy_sem_t *s = w->sem;
    if (w->state == ASY__SEM_WAITING) {
        asy__queue_remove(&w->link);
        s->nwaiting--;
    }
    if (w->timer.id) {
        asy_clear_timer(s->loop, w->timer);
        w->timer.id = 0;
    }
    if (w->promise && !w->task) {
        if (status == 0) asy__promise_fulfill(w->promise, NULL);
        else asy_promise_reject(w->promise, status, NULL);
        asy__promise_unref(w->promise);
        asy__sem_rec_free(w);
        return;
    }
    if (w->task && status != 0) {
        asy_promise_reject(w->promise, status, NULL);
        asy__promise_unref(w->promise);
        asy__sem_rec_free(w);
        return;
    }
    w->state = ASY__SEM_DELIVER;
    w->status = status;
    if (asy_queue_microtask(s->loop, asy__sem_deliver, w) != 0) asy__sem_deliver(w);
}

static void asy__sem_grant(asy_sem_t *s) {
    while (!asy__queue_empty(&s->waiters)) {
        asy__sem_rec *w = ASY_CONTAINER_OF(asy__queue_head(&s->waiters), asy__sem_rec, link);
        if (w->n > s->available) break; /* strict FIFO: the head blocks the rest */
        s->available -= w->n;
        asy__sem_finish(w, 0);
    }
}

static void asy__sem_timeout(void *arg) {
    asy__sem_rec *w = (asy__sem_rec *)arg;
    asy_sem_t *s = w->sem;
    w->timer.id = 0;
    asy__sem_finish(w, ASY_ETIMEDOUT);
    asy__sem_grant(s); /* the head may have been what held others back */
}

/* A record, granted at once or queued.  0 or a negative code. */
static int asy__sem_enqueue(asy_sem_t *s, size_t n, uint64_t timeout_ms, asy__sem_rec **out,
                            asy_sem_wait_t *wait) {
    asy__sem_rec *w;
    if (wait) wait->id = 0;
    if (n == 0 || n > s->permits || s->freed) return ASY_EINVAL;
    if (!(w = (asy__sem_rec *)(void *)asy__slots_alloc(&s->recs))) return ASY_ENOMEM;
    asy__queue_init(&w->link);
    w->sem = s;
    w->n = n;
    w->cb = NULL;
    w->arg = NULL;
    w->promise = w->inner = NULL;
    w->task = NULL;
    w->timer.id = 0;
    w->state = 0;
    w->status = 0;
    if (asy__queue_empty(&s->waiters) && n <= s->available) {
        s->available -= n;
    } else {
        if (timeout_ms) {
            w->timer = asy_set_timeout(s->loop, asy__sem_timeout, w, timeout_ms);
            if (!w->timer.id) {
                asy__slots_release(&s->recs, &w->slot_);
                return ASY_ENOMEM;
            }
        }
        w->state = ASY__SEM_WAITING;
        asy__queue_insert_tail(&s->waiters, &w->link);
        s->nwaiting++;
        if (wait) wait->id = asy__slot_id(&w->slot_);
    }
    *out = w;
    return 0;
}

ASYNCRT_API asy_sem_t *asy_sem_new(asy_loop_t *loop, size_t permits, int *err) {
    asy_sem_t *s;
    int dummy;
    if (!err) err = &dummy;
    *err = ASY_EINVAL;
    if (!loop || permits == 0) return NULL;
    *err = ASY_ENOMEM;
    if (!(s = ASY__NEW(asy_sem_t))) return NULL;
    *err = 0;
    memset(s, 0, sizeof(*s));
    s->loop = loop;
    s->permits = s->available = permits;
    asy__queue_init(&s->waiters);
    asy__slots_init(&s->recs, sizeof(asy__sem_rec));
    return s;
}

ASYNCRT_API int asy_sem_try_acquire(asy_sem_t *s, size_t n) {
    if (!s || n == 0 || n > s->permits || s->freed) return ASY_EINVAL;
    if (n > s->available || !asy__queue_empty(&s->waiters)) return ASY_EAGAIN;
    s->available -= n;
    return 0;
}

ASYNCRT_API int asy_sem_acquire_cb(asy_sem_t *s, size_t n, uint64_t timeout_ms, asy_sem_cb cb,
                                   void *arg, asy_sem_wait_t *wait) {
    asy__sem_rec *w;
    int r;
    if (wait) wait->id = 0;
    if (!s || !cb) return ASY_EINVAL;
    if ((r = asy__sem_enqueue(s, n, timeout_ms, &w, wait)) != 0) return r;
    w->cb = cb;
    w->arg = arg;
    if (w->state != ASY__SEM_WAITING) asy__sem_finish(w, 0);
    return 0;
}

ASYNCRT_API asy_promise_t *asy_sem_acquire(asy_sem_t *s, size_t n, uint64_t timeout_ms,
                                           asy_sem_wait_t *wait) {
    asy__sem_rec *w;
    asy_promise_t *p;
    if (wait) wait->id = 0;
    if (!s || n == 0 || n > s->permits || s->freed) return NULL;
    if (asy__queue_empty(&s->waiters) && n <= s->available) {
        /* the common case needs no record */
        if (!(p = asy_promise_resolved(s->loop, NULL))) return NULL;
        s->available -= n;
        return p;
    }
    if (!(p = asy_promise_new(s->loop))) return NULL;
    if (asy__sem_enqueue(s, n, timeout_ms, &w, wait) != 0) {
        asy__promise_unref(p);
        return NULL;
    }
    w->promise = p;
    p->refs_++; /* ours and the caller's */
    return p;
}

ASYNCRT_API asy_promise_t *asy_sem_run(asy_sem_t *s, size_t n, asy_task_fn fn, void *arg) {
    asy__sem_rec *w;
    asy_promise_t *p;
    if (!s || !fn) return NULL;
    if (!(p = asy_promise_new(s->loop))) return NULL;
    if (asy__sem_enqueue(s, n, 0, &w, NULL) != 0) {
        asy__promise_unref(p);
        return NULL;
    }
    w->task = fn;
    w->arg = arg;
    w->promise = p;
    p->refs_++;
    if (w->state != ASY__SEM_WAITING) asy__sem_finish(w, 0);
    return p;
}

ASYNCRT_API int asy_sem_cancel(asy_sem_t *s, asy_sem_wait_t wait) {
    asy__slot *slot;
    asy__sem_rec *w;
    if (!s) return ASY_EINVAL;
    slot = asy__slots_lookup(&s->recs, wait.id);
    if (!slot) return ASY_ENOENT;
    w = (asy__sem_rec *)(void *)slot;
    if (w->state != ASY__SEM_WAITING) return ASY_ENOENT;
    asy__sem_finish(w, ASY_ECANCELED);
    asy__sem_grant(s);
    return 0;
}

ASYNCRT_API int asy_sem_release(asy_sem_t *s, size_t n) {
    if (!s || n == 0 || n > s->permits - s->available) return ASY_EINVAL;
    s->available += n;
    if (s->freed) {
        asy__sem_maybe_destroy(s);
        return 0;
    }
    asy__sem_grant(s);
    return 0;
}

ASYNCRT_API size_t asy_sem_available(const asy_sem_t *s) { return s ? s->available : 0; }
ASYNCRT_API size_t asy_sem_waiting(const asy_sem_t *s) { return s ? s->nwaiting : 0; }
ASYNCRT_API size_t asy_sem_permits(const asy_sem_t *s) { return s ? s->permits : 0; }

ASYNCRT_API void asy_sem_free(asy_sem_t *s) {
    if (!s || s->freed) return;
    s->freed = 1;
    s->busy++; /* hold it while the waiters go */
    while (!asy__queue_empty(&s->waiters))
        asy__sem_finish(ASY_CONTAINER_OF(asy__queue_head(&s->waiters), asy__sem_rec, link),
                        ASY_ECANCELED);
    s->busy--;
    asy__sem_maybe_destroy(s);
}
