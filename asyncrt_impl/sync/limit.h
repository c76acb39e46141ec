/* Concurrency primitives (p-limit, semaphore, resource pool) run on the
 * loop's thread: no locks, every operation O(1).  They take callbacks and
 * return promises (docs/sync.md).
 *
 * A task is a function returning what a promise continuation returns:
 * asy_ok(value) or asy_fail(code, msg) when it finishes synchronously,
 * asy_chain(promise) when it finishes later. */
#pragma once
#include "../loop/handle.h"
#include "../promise/promise.h"
typedef asy_ret_t (*asy_task_fn)(void *arg);
/* A task over an index, for the limited map. */
typedef asy_ret_t (*asy_map_fn)(void *arg, size_t index);

/* ---- limit: p-limit ---------------------------------------------------------
 *
 *   asy_limit_t *lim = asy_limit_new(loop, 10, NULL);
 *   asy_promise_t *p = asy_limit_run(lim, read_one, name);  // like limit(() => readFile(name))
 *
 * At most `concurrency` tasks run at once; the others wait in a FIFO queue
 * and start, in order, as running tasks settle.  A task starts inside
 * asy_limit_run when a slot is free (the seed's pLimit does the same; the
 * p-limit package waits a microtask).  Its slot is freed, and the next
 * task started, one microtask after its outcome is known, in the same job
 * that settles the promise asy_limit_run returned. */
typedef struct asy_limit_s asy_limit_t;

/* concurrency >= 1 (SIZE_MAX: unlimited).  NULL with *err (err may be
 * NULL) set to ASY_EINVAL (no loop, concurrency 0) or ASY_ENOMEM. */
ASYNCRT_API asy_limit_t *asy_limit_new(asy_loop_t *loop, size_t concurrency, int *err);
/* Queues fn(arg); the promise settles like the task.  A failing task
 * rejects its promise and frees its slot.  NULL on ENOMEM / bad input (fn
 * is then never called); out of memory when the task is due to start
 * rejects its promise with ASY_ENOMEM and fn does not run. */
ASYNCRT_API asy_promise_t *asy_limit_run(asy_limit_t *lim, asy_task_fn fn, void *arg);
/* A limited map: fn(arg, i) for i in [0, n), at most `concurrency` at a
 * time, in order; the promise is Promise.all of them (a void ** array of
 * the n results, or the first failure; the other tasks still run). */
ASYNCRT_API asy_promise_t *asy_limit_map(asy_limit_t *lim, size_t n, asy_map_fn fn, void *arg);
ASYNCRT_API size_t asy_limit_active(const asy_limit_t *lim);  /* running */
ASYNCRT_API size_t asy_limit_pending(const asy_limit_t *lim); /* waiting */
ASYNCRT_API size_t asy_limit_concurrency(const asy_limit_t *lim);
/* Changes the limit at run time; raising it starts waiting tasks at once,
 * lowering it lets running tasks finish.  ASY_EINVAL for 0. */
ASYNCRT_API int asy_limit_set_concurrency(asy_limit_t *lim, size_t concurrency);
/* Rejects every waiting task's promise with ASY_ECANCELED (p-limit's
 * clearQueue with rejectOnClear); running tasks are not touched.  Returns
 * how many were cleared. */
ASYNCRT_API size_t asy_limit_clear_queue(asy_limit_t *lim);
/* Clears the queue and frees the limiter; running tasks still settle their
 * promises, and the memory goes after the last one.  Free limiters before
 * closing their loop. */
ASYNCRT_API void asy_limit_free(asy_limit_t *lim);
