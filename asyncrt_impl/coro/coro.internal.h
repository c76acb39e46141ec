/* Private state of the coroutine layer. */
#pragma once
#include "stack.internal.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/loop.h"
#include "../promise/promise.h"
#if ASYNCRT_OS_POSIX

typedef struct asy__coro asy__coro;
typedef struct asy__coro_state asy__coro_state;

/* The per-loop slot the coroutine layer uses.  loop.h numbers the slots of
 * the layers below; coroutines take the last one, so the loop need not
 * know about them, and asy_loop_close (which closes slots from the highest
 * down) cancels suspended coroutines while promises, streams and the
 * thread pool are still alive. */
#define ASY__LAYER_CORO (ASY__LAYER_MAX - 1)

struct asy__coro {
    asy__ctx ctx;        /* the coroutine, while it is suspended */
    asy__ctx parent_ctx; /* whoever resumed it, while it runs */
    asy__coro *parent;   /* the coroutine that resumed it; NULL: a plain stack */
    asy__coro_state *st;
    asy__stack *stack;
    asy_async_fn fn;
    void *arg;
    asy_promise_t *result;
    asy_ret_t ret;
    int running;  /* on the CPU, or has resumed another coroutine */
    int finished; /* fn returned: the parent settles and frees */
    int woke_early; /* woken while still running: the await must not yield */
    int job_queued; /* an await of a settled promise queued its resume job */
    /* what resumes an await */
    int wake_err;
    void *wake_value;
    asy_buf_t wake_chunk;
    asy__queue link; /* asy__coro_state.live (zombies once returned) */
#ifdef ASY__CORO_ASAN
    void *asan_fake;
    const void *parent_bottom;
    size_t parent_size;
#endif
#ifdef ASY__CORO_TSAN
    void *tsan_fiber;
    void *tsan_parent;
#endif
};

struct asy__coro_state {
    asy_loop_t *loop;
    asy__stack_pool stacks;
    asy__queue live; /* started, not yet returned */
    asy__queue zombies; /* returned while their resume job was queued (loop close) */
    size_t nlive;
    int closing;
};
#endif /* ASYNCRT_OS_POSIX */
