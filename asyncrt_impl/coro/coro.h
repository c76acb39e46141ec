/* Coroutines over promises: async / await in C.
 *
 *   static asy_ret_t job(void *arg) {           // async function job(arg)
 *       void *v;
 *       asy_promise_t *p = asy_fsp_read_file(...);
 *       int err = asy_await(p, &v);             // const v = await p
 *       ...
 *       asy_promise_release(p);
 *       return err ? asy_fail(err, NULL) : asy_ok(result);
 *   }
 *   asy_promise_t *done = asy_async(loop, job, arg, NULL);
 *
 * asy_async runs fn on a stack of its own, at once, up to its first await
 * (as calling an async function does), and returns a promise of fn's
 * return value: asy_ok / asy_ok_owned fulfil it, asy_fail rejects it (a
 * throw), asy_chain(q) follows q (return q).  asy_await suspends the
 * coroutine until the promise settles; the coroutine then resumes as that
 * promise's reaction, a microtask, exactly where V8 resumes an async
 * function, also when the promise was already settled.  Everything runs on
 * the loop's thread: a coroutine is a stack, not a thread.
 *
 * The await functions return ASY_EINVAL outside a coroutine (never
 * blocking, never crashing), and ASY_ECANCELED once asy_loop_close has
 * begun: a coroutine still suspended when its loop closes is resumed with
 * ASY_ECANCELED so it can free what it holds and return (docs/coro.md). */
#pragma once
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../promise/promise.h"
#include "../stream/stream.h"

/* Coroutine stack sizes (asy_async_opts_t.stack_size). */
#define ASY_CORO_STACK_DEFAULT ((size_t)256 * 1024)
#define ASY_CORO_STACK_MIN ((size_t)16 * 1024)

#if ASYNCRT_OS_POSIX
typedef asy_ret_t (*asy_async_fn)(void *arg);

typedef struct asy_async_opts_t {
    /* Usable stack in bytes, rounded up to whole pages, at least 16 KiB;
     * 0 means ASY_CORO_STACK_DEFAULT.  Below it sits an inaccessible guard
     * page: running off the end is a SIGSEGV, never silent corruption. */
    size_t stack_size;
} asy_async_opts_t;


/* Starts fn(arg) as a coroutine (opts may be NULL).  Returns the promise
 * of its result (yours to release), NULL on ENOMEM or bad arguments (fn
 * never runs).  Callable from a coroutine too (the child runs until its
 * first await, then the caller continues). */
ASYNCRT_API asy_promise_t *asy_async(asy_loop_t *loop, asy_async_fn fn, void *arg,
                                     const asy_async_opts_t *opts);

/* await p: 0 with the value in *value (may be NULL), or the rejection's
 * code (its message: asy_promise_result(p)->message).  p is borrowed; the
 * value stays valid while p is alive.  ASY_EINVAL outside a coroutine, for
 * a NULL p or a promise of another loop. */
ASYNCRT_API int asy_await(asy_promise_t *p, void **value);

/* One turn of `for await (const chunk of stream)`: 0 with the next chunk
 * in *chunk (a reference: asy_buf_release it), ASY_EOF after the last one
 * (the stream has then been destroyed, as leaving the loop does in Node),
 * or the stream's error. */
ASYNCRT_API int asy_await_read(asy_stream_t *s, asy_buf_t *chunk);

/* await setTimeout(ms) from node:timers/promises: 0 once ms have passed. */
ASYNCRT_API int asy_await_sleep(uint64_t ms);

/* 1 while running inside a coroutine (on its stack), else 0. */
ASYNCRT_API int asy_in_coroutine(void);

/* Coroutines of the loop that have started and not yet returned. */
ASYNCRT_API size_t asy_coro_count(asy_loop_t *loop);
#endif /* ASYNCRT_OS_POSIX */
