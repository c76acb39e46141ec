/* The per-loop thread pool (docs/pool.md).
 *
 * Submission: the loop thread pushes a job on one of two FIFO queues
 * (normal, slow) under the pool mutex.  An idle worker is woken through its
 * own condition variable, so exactly one thread wakes per job (no thundering
 * herd, no lost or wasted signals); when no worker is idle and the pool is
 * below its size, a new thread starts.
 *
 * Spinning: a worker that runs out of work spins briefly (only one worker
 * at a time) watching an atomic count of runnable jobs before it parks; the
 * loop, when it is about to block in the poll phase with pool work in
 * flight, spins briefly watching the completion stack.  A job submitted
 * right after the previous one finished, or finishing within a few
 * microseconds, then crosses threads without a futex wake or an eventfd
 * round trip.
 *
 * Completion: workers push finished jobs on a lock-free stack; the loop
 * takes the whole stack at once (one batch per wake-up), reverses it to
 * completion order and runs the done callbacks.  Workers write the async
 * wake-up only when the loop is not spinning. */
#pragma once
#include "pool.h"
#include "../base/time.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/phases.h"
#include "../loop/async.h"
#include "../base/thread.internal.h"

enum { ASY__WORK_IDLE = 0, ASY__WORK_QUEUED, ASY__WORK_RUNNING, ASY__WORK_DONE };
enum { ASY__POOL_MAX_SIZE = 1024 };

typedef struct asy__worker {
    struct asy__pool *pool;
    asy__thread_t tid;
    asy__cond_t cond;       /* this worker's wake-up */
    int woken;              /* set by the waker, under the pool mutex */
    int exited;             /* the thread has left its loop (join it) */
    struct asy__worker *next;      /* every started worker */
    struct asy__worker *next_idle; /* parked workers */
    struct asy__worker *next_wake; /* the loop's list of workers to signal */
} asy__worker;

typedef struct asy__pool {
    asy_loop_t *loop;
    asy__mutex_t mu;
    /* -- under mu -- */
    asy__queue queue[2];   /* 0: cpu + fast io, 1: slow io */
    unsigned queued[2];
    unsigned size, slow_max;
    unsigned nthreads;     /* alive */
    unsigned running, slow_running;
    unsigned spinners;     /* 0 or 1 */
    unsigned ncpu;         /* online CPUs: spinning only pays on an idle one */
    /* workers back from a job and about to take the lock again: they will
     * look at the queue before parking (raised without the lock, lowered
     * under it) */
    unsigned finishing;
    unsigned starting;     /* woken or new workers not yet back under mu */
    uint64_t seq;
    int stopping;
    asy__worker *workers;
    asy__worker *idle;
    /* runnable jobs, for the spinning worker to watch without the lock */
    unsigned runnable_hint;
    /* -- completions: lock-free stack, workers push, the loop takes all -- */
    asy_work_t *done_head;
    int loop_spinning;
    /* -- loop thread only -- */
    asy_async_t async;
    asy_prepare_t prepare; /* active while non-slow work is in flight */
    asy_idle_t again;      /* keeps the next poll from blocking (see prepare_cb) */
    unsigned inflight;     /* submitted, done callback not yet run */
    unsigned inflight_fast; /* of which not SLOW_IO; workers read it (atomics) */
    int delivering;        /* running done callbacks (asy__pool_deliver) */
    unsigned spin_skip;    /* backoff after spins that found nothing */
    unsigned spin_misses;
    uint64_t completed;
} asy__pool;

/* The loop's pool, created (without threads) on first use; NULL: ENOMEM
 * or a failing mutex/async init. */
ASY__INTERNAL asy__pool *asy__pool_get(asy_loop_t *loop, int *err);
ASY__INTERNAL void asy__worker_main_loop(asy__worker *w);
/* Queues a job; what asy_queue_work_class, fs and dns use. */
ASY__INTERNAL int asy__pool_submit(asy_loop_t *loop, asy_work_t *req, int cls,
                                   asy_work_cb work_cb, asy_after_work_cb done_cb);
ASY__INTERNAL int asy__pool_spawn(asy__pool *p);
ASY__INTERNAL void asy__pool_recount(asy__pool *p);
ASY__INTERNAL void asy__pool_wake_one(asy__pool *p);
ASY__INTERNAL asy__worker *asy__pool_take_idle(asy__pool *p);
ASY__INTERNAL void asy__worker_signal(asy__worker *w);
/* Every few spins: give the CPU to another runnable thread, if any (on a
 * busy machine it may be the very thread we wait for, sharing this CPU),
 * and tell whether the spin's deadline has passed.  On an idle machine
 * yielding returns at once. */
static inline int asy__spin_yield(uint64_t deadline) {
    asy__thread_yield();
    return asy_hrtime() > deadline;
}
/* Spin budgets (ns): long enough to cover a round trip through a done
 * callback, short enough not to matter when the work is long. */
enum { ASY__WORKER_SPIN_NS = 50000, ASY__LOOP_SPIN_NS = 30000 };

/* Defined in worker.c, used by pool.c. */
static void asy__pool_complete(asy__pool *p, asy_work_t *job);
