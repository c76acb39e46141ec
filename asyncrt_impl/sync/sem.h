/* ---- semaphore ----------------------------------------------------------------
 *
 *   asy_sem_t *sem = asy_sem_new(loop, 5, NULL);
 *   asy_promise_t *p = asy_sem_acquire(sem, 1, 0, NULL);  // await sem.acquire()
 *   ... once it fulfils: work, then asy_sem_release(sem, 1);
 *
 * A counter of permits.  Waiters are served strictly first come, first
 * served: a waiter asking for 5 permits holds back a later one asking for
 * 1 (no starvation of large requests), and try_acquire never barges past
 * a queue.  Acquiring is never synchronous: the callback or the promise
 * reaction runs as a microtask even when permits are free (they are taken
 * at once, though).  Releasing more than is held is refused, never
 * silently over-counted. */
#pragma once
#include "limit.h"
#include "../loop/handle.h"
#include "../promise/promise.h"
typedef struct asy_sem_s asy_sem_t;
/* Names a waiter, to cancel it.  A stale id is harmless; 0 names none. */
typedef struct {
    uint64_t id;
} asy_sem_wait_t;
/* status: 0 (the permits are yours: release them), ASY_ETIMEDOUT or
 * ASY_ECANCELED (asy_sem_cancel, asy_sem_free). */
typedef void (*asy_sem_cb)(asy_sem_t *sem, int status, void *arg);

/* permits >= 1.  NULL with *err (err may be NULL) set to ASY_EINVAL (no
 * loop, permits 0) or ASY_ENOMEM. */
ASYNCRT_API asy_sem_t *asy_sem_new(asy_loop_t *loop, size_t permits, int *err);
/* Takes n permits now if they are free and nobody waits: 0, else
 * ASY_EAGAIN.  ASY_EINVAL for n = 0 or n > the semaphore's permits. */
ASYNCRT_API int asy_sem_try_acquire(asy_sem_t *sem, size_t n);
/* Callback style: cb(sem, status, arg) runs as a microtask once n permits are
 * yours, or with ASY_ETIMEDOUT after timeout_ms (0: wait for ever), or
 * with ASY_ECANCELED.  `wait` (may be NULL) receives the waiter's id.
 * 0, or ASY_EINVAL / ASY_ENOMEM (cb never runs). */
ASYNCRT_API int asy_sem_acquire_cb(asy_sem_t *sem, size_t n, uint64_t timeout_ms, asy_sem_cb cb,
                                   void *arg, asy_sem_wait_t *wait);
/* Promise style: fulfils (value NULL) once n permits are yours, rejects
 * with ASY_ETIMEDOUT or ASY_ECANCELED.  NULL on ENOMEM / bad input. */
ASYNCRT_API asy_promise_t *asy_sem_acquire(asy_sem_t *sem, size_t n, uint64_t timeout_ms,
                                           asy_sem_wait_t *wait);
/* Withdraws a waiter: its callback gets ASY_ECANCELED / its promise
 * rejects with it.  ASY_ENOENT if it is no longer waiting (granted, timed
 * out, cancelled). */
ASYNCRT_API int asy_sem_cancel(asy_sem_t *sem, asy_sem_wait_t wait);
/* Gives n permits back and wakes waiters in order.  ASY_EINVAL for n = 0
 * or more than are currently acquired. */
ASYNCRT_API int asy_sem_release(asy_sem_t *sem, size_t n);
/* Acquires n permits, runs fn(arg), releases them when its outcome is known
 * (whatever it is) and settles like it: the try/finally of the seed.  Out
 * of memory as fn would start: rejects with ASY_ENOMEM, fn does not run. */
ASYNCRT_API asy_promise_t *asy_sem_run(asy_sem_t *sem, size_t n, asy_task_fn fn, void *arg);
ASYNCRT_API size_t asy_sem_available(const asy_sem_t *sem);
ASYNCRT_API size_t asy_sem_waiting(const asy_sem_t *sem); /* waiters queued */
ASYNCRT_API size_t asy_sem_permits(const asy_sem_t *sem);
/* Cancels every waiter (ASY_ECANCELED) and frees the semaphore once the
 * callbacks and tasks in flight are done.  Free it before its loop. */
ASYNCRT_API void asy_sem_free(asy_sem_t *sem);
