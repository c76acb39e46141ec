/* ---- resource pool (generic-pool, pg.Pool) -----------------------------------
 *
 *   asy_rpool_factory_t f = { db_connect, db_close, db_ping, ctx };
 *   asy_rpool_t *pool = asy_rpool_new(loop, &f, &(asy_rpool_opts_t){ .min = 2, .max = 20 }, NULL);
 *   asy_promise_t *c = asy_rpool_acquire(pool, 0);     // value: the resource
 *   ... asy_rpool_release(pool, conn);                 // back to the pool, not closed
 *   asy_promise_t *r = asy_rpool_use(pool, 0, query, q); // acquire, run, always release
 *
 * Resources are the factory's void * pointers.  The pool creates them on
 * demand up to max, keeps min of them alive, hands idle ones out (oldest
 * first, or newest with lifo), validates them when asked, evicts idle ones
 * after idle_timeout_ms, and serves waiting clients by priority, then in
 * order of arrival.  Every operation is O(1) (a pointer-keyed hash table
 * finds a released resource); the evictor visits only expired objects. */
#pragma once
#include "../loop/handle.h"
#include "../promise/promise.h"
typedef struct asy_rpool_s asy_rpool_t;

typedef struct {
    /* Makes a resource: asy_ok(resource), asy_chain(promise of it), or
     * asy_fail(...), which reaches the client that was waiting. */
    asy_ret_t (*create)(void *ctx);
    /* Optional.  Ends a resource; the pool waits for a chained promise. */
    asy_ret_t (*destroy)(void *ctx, void *resource);
    /* Optional.  Fulfilled: usable; rejected: destroyed and replaced. */
    asy_ret_t (*validate)(void *ctx, void *resource);
    void *ctx;
} asy_rpool_factory_t;

/* Zero means "default" for every field. */
typedef struct {
    size_t min;                  /* kept alive (created at start and after losses) */
    size_t max;                  /* 0: 10 */
    size_t max_waiting;          /* clients allowed to wait; 0: no limit; beyond: ASY_EBUSY */
    uint64_t acquire_timeout_ms; /* 0: wait for ever; else ASY_ETIMEDOUT */
    unsigned priorities;         /* priority levels, 0 (first) .. n-1; 0: 1 level */
    int lifo;                    /* hand out the most recently returned idle object first */
    uint64_t idle_timeout_ms;    /* destroy objects idle this long (keeping min); 0: never */
    uint64_t evict_interval_ms;  /* evictor period; 0: idle_timeout_ms / 2 (at least 1) */
    int validate_on_borrow;      /* validate before handing out (testOnBorrow) */
    int validate_on_return;      /* validate when released (testOnReturn) */
    /* A failed create made for a waiting client is retried this many times,
     * after create_backoff_ms, doubling each time (0: 100 ms), before the
     * client gets the factory's error.  0 retries: the error at once.  A
     * failed warm-up create (for min) is not retried until the pool next
     * loses an object or the evictor runs, so a dead backend never makes
     * the pool spin. */
    unsigned create_retries;
    uint64_t create_backoff_ms;
} asy_rpool_opts_t;

typedef struct {
    size_t size;      /* every object: idle, borrowed, being validated or created */
    size_t available; /* idle */
    size_t borrowed;
    size_t pending;   /* clients waiting */
    size_t min, max;
} asy_rpool_stats_t;

/* NULL with *err (err may be NULL) set to ASY_EINVAL (no loop, no
 * create, min > max, more than 1024 priorities) or ASY_ENOMEM. */
ASYNCRT_API asy_rpool_t *asy_rpool_new(asy_loop_t *loop, const asy_rpool_factory_t *factory,
                                       const asy_rpool_opts_t *opts, int *err);
/* A promise of a resource (its value).  Rejects with the factory's error,
 * ASY_ETIMEDOUT, ASY_EBUSY (too many waiting) or ASY_ESHUTDOWN (draining).
 * priority >= levels is taken as the last level.  NULL on ENOMEM. */
ASYNCRT_API asy_promise_t *asy_rpool_acquire(asy_rpool_t *pool, unsigned priority);
/* Gives a borrowed resource back.  ASY_EINVAL if the pool did not lend it
 * to you (released twice, or not one of its resources). */
ASYNCRT_API int asy_rpool_release(asy_rpool_t *pool, void *resource);
/* Gives a borrowed resource back to be destroyed (it is broken). */
ASYNCRT_API int asy_rpool_destroy(asy_rpool_t *pool, void *resource);
/* Acquires, runs fn(arg, resource) and releases the resource once the
 * outcome of fn is known, whatever it is; settles like fn (or rejects with
 * ASY_ENOMEM without running fn when memory runs out as it would start). */
typedef asy_ret_t (*asy_rpool_use_fn)(void *arg, void *resource);
ASYNCRT_API asy_promise_t *asy_rpool_use(asy_rpool_t *pool, unsigned priority,
                                         asy_rpool_use_fn fn, void *arg);
/* Stops lending: new acquires reject with ASY_ESHUTDOWN; fulfils once every
 * waiting client has been served and every borrowed object returned. */
ASYNCRT_API asy_promise_t *asy_rpool_drain(asy_rpool_t *pool);
/* Destroys every idle object; fulfils when those destroys are done. */
ASYNCRT_API asy_promise_t *asy_rpool_clear(asy_rpool_t *pool);
/* pg's pool.end(): drain, clear, then free the pool; the promise fulfils
 * once everything is destroyed and the pool is gone. */
ASYNCRT_API asy_promise_t *asy_rpool_end(asy_rpool_t *pool);
ASYNCRT_API int asy_rpool_stats(const asy_rpool_t *pool, asy_rpool_stats_t *out);
