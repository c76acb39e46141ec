/* The worker side of the pool: picking jobs, parking, spinning, threads. */
#include "pool.internal.h"
#include "../base/time.h"
#include "../base/queue.h"
#include "../loop/async.h"

/* Runnable jobs: every normal job, slow ones only below the slow limit.
 * Published for the spinning worker, which reads it without the lock. */
ASY__INTERNAL void asy__pool_recount(asy__pool *p) {
    unsigned n = p->queued[0];
    if (p->slow_running < p->slow_max) n += p->queued[1];
    asy__atomic_store(&p->runnable_hint, n, ASY__RELEASE);
}

/* The oldest runnable job, marked running; NULL when none.  Under mu. */
static asy_work_t *asy__pool_pop(asy__pool *p) {
    asy_work_t *a = NULL, *b = NULL, *job;
    int slow;
    if (!asy__queue_empty(&p->queue[0]))
        a = ASY_CONTAINER_OF(asy__queue_head(&p->queue[0]), asy_work_t, link_);
    if (p->slow_running < p->slow_max && !asy__queue_empty(&p->queue[1]))
        b = ASY_CONTAINER_OF(asy__queue_head(&p->queue[1]), asy_work_t, link_);
    if (!a && !b) return NULL;
    slow = !a || (b && b->seq_ < a->seq_);
    job = slow ? b : a;
    asy__queue_remove(&job->link_);
    p->queued[slow]--;
    p->running++;
    if (slow) p->slow_running++;
    job->state_ = ASY__WORK_RUNNING;
    asy__pool_recount(p);
    return job;
}

/* Takes the most recently parked worker (its caches are warmest) off the
 * idle list and marks it woken; the caller signals it with
 * asy__worker_signal after unlocking, so the worker does not wake up only
 * to block on the mutex the waker still holds.  Under mu. */
ASY__INTERNAL asy__worker *asy__pool_take_idle(asy__pool *p) {
    asy__worker *w = p->idle;
    if (!w) return NULL;
    p->idle = w->next_idle;
    w->next_idle = NULL;
    w->woken = 1;
    p->starting++;
    return w;
}

/* A woken worker cannot leave (and be freed) before the loop thread, the
 * only waker and the only reaper, is done here. */
ASY__INTERNAL void asy__worker_signal(asy__worker *w) { asy__cond_signal(&w->cond); }

/* For the rare paths (resize, close): wake one, signalling under mu. */
ASY__INTERNAL void asy__pool_wake_one(asy__pool *p) {
    asy__worker *w = asy__pool_take_idle(p);
    if (w) asy__worker_signal(w);
}

/* Hands a finished job to the loop.  After the push the job belongs to the
 * loop again (it may be freed at once), so nothing here touches it later. */
static void asy__pool_complete(asy__pool *p, asy_work_t *job) {
    asy_work_t *old = asy__atomic_load(&p->done_head, ASY__RELAXED);
    do {
        job->next_done_ = old;
    } while (!asy__atomic_cas_weak(&p->done_head, &old, job, ASY__SEQ_CST, ASY__RELAXED));
    /* A spinning loop sees the push itself; it clears the flag and then
     * looks at the stack again, so either it sees this job or we see the
     * cleared flag and wake it (both accesses are sequentially consistent). */
    if (!asy__atomic_load(&p->loop_spinning, ASY__SEQ_CST)) asy_async_send(&p->async);
}

/* Busy-waits for runnable work for a few tens of microseconds, without the
 * lock.  Returns with the lock held. */
static void asy__worker_spin(asy__pool *p) {
    uint64_t deadline;
    unsigned i = 0;
    p->spinners = 1;
    asy__mutex_unlock(&p->mu);
    deadline = asy_hrtime() + ASY__WORKER_SPIN_NS;
    while (asy__atomic_load(&p->runnable_hint, ASY__ACQUIRE) == 0) {
        asy__cpu_relax();
        if ((++i & 7) == 0 && asy__spin_yield(deadline)) break;
    }
    asy__mutex_lock(&p->mu);
    p->spinners = 0;
}

ASY__INTERNAL void asy__worker_main_loop(asy__worker *w) {
    asy__pool *p = w->pool;
    int spun = 0;
    asy__mutex_lock(&p->mu);
    p->starting--; /* counted by asy__pool_spawn */
    while (!p->stopping && p->nthreads <= p->size) {
        asy_work_t *job = asy__pool_pop(p);
        if (job) {
            int slow = job->class_ == ASY_WORK_SLOW_IO;
            asy__mutex_unlock(&p->mu);
            job->work_cb_(job);
            asy__atomic_add(&p->finishing, 1, ASY__RELAXED);
            asy__pool_complete(p, job);
            asy__mutex_lock(&p->mu);
            asy__atomic_sub(&p->finishing, 1, ASY__RELAXED);
            p->running--;
            if (slow) {
                p->slow_running--;
                asy__pool_recount(p);
            }
            spun = 0;
            continue;
        }
        /* Spin only with a CPU to spare: while as many jobs are in flight
         * as there are CPUs, the loop (busy delivering and submitting) and
         * the other workers need them all, and a spinning thread would
         * take a CPU from the very threads it waits for. */
        if (!spun && p->spinners == 0 &&
            asy__atomic_load(&p->inflight_fast, ASY__RELAXED) < p->ncpu) {
            asy__worker_spin(p);
            spun = 1;
            continue;
        }
        spun = 0;
        w->woken = 0;
        w->next_idle = p->idle;
        p->idle = w;
        while (!w->woken) asy__cond_wait(&w->cond, &p->mu);
        p->starting--;
    }
    /* Leaving (pool closing or shrunk); the joiner frees w. */
    p->nthreads--;
    w->exited = 1;
    asy__mutex_unlock(&p->mu);
}

static void asy__worker_thread(void *arg) { asy__worker_main_loop((asy__worker *)arg); }

/* Joins workers that left after a shrink.  Under mu: a worker marks itself
 * exited under mu as its last step before returning, so joining it here
 * cannot deadlock. */
static void asy__pool_reap(asy__pool *p) {
    asy__worker **pw = &p->workers;
    while (*pw) {
        asy__worker *w = *pw;
        if (w->exited) {
            *pw = w->next;
            asy__thread_join(w->tid);
            asy__cond_destroy(&w->cond);
            asy__free(w);
        } else {
            pw = &w->next;
        }
    }
}

/* Starts one worker.  Signals are blocked in it so they reach the loop
 * thread.  Under mu. */
ASY__INTERNAL int asy__pool_spawn(asy__pool *p) {
    asy__worker *w;
    asy__thread_opts opts;
    int r;
    asy__pool_reap(p);
    w = ASY__NEW(asy__worker);
    if (!w) return ASY_ENOMEM;
    memset(w, 0, sizeof(*w));
    w->pool = p;
    if ((r = asy__cond_init(&w->cond)) != 0) {
        asy__free(w);
        return r;
    }
    memset(&opts, 0, sizeof(opts));
    opts.flags = ASY__THREAD_BLOCK_SIGNALS;
    if ((r = asy__thread_create(&w->tid, &opts, asy__worker_thread, w)) != 0) {
        asy__cond_destroy(&w->cond);
        asy__free(w);
        return r;
    }
    w->next = p->workers;
    p->workers = w;
    p->nthreads++;
    p->starting++;
    return 0;
}
