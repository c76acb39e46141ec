/* asy_async / asy_await: coroutines that suspend on promises and resume as
 * their reactions (microtasks), as V8 resumes an async function. */
#include "coro.internal.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/loop.internal.h"
#include "../promise/promise.h"
#include "../promise/promise.internal.h"
#include "../stream/stream.h"
#if ASYNCRT_OS_POSIX

/* The coroutine running on this thread (NULL: a plain stack). */
static __thread asy__coro *asy__coro_current;

static void asy__coro_layer_close(asy_loop_t *loop, void *state);

ASY__INTERNAL asy__coro_state *asy__coro_state_get(asy_loop_t *loop) {
    asy__coro_state *st = (asy__coro_state *)loop->layers_[ASY__LAYER_CORO].state;
    if (st) return st;
    if (!(st = ASY__NEW(asy__coro_state))) return NULL;
    memset(st, 0, sizeof(*st));
    st->loop = loop;
    asy__queue_init(&st->live);
    asy__queue_init(&st->zombies);
    loop->layers_[ASY__LAYER_CORO].state = st;
    loop->layers_[ASY__LAYER_CORO].close = asy__coro_layer_close;
    return st;
}

ASY__INTERNAL void asy__coro_finish(asy__coro *co);

/* Switches from the running context (a plain stack or a coroutine) into
 * co, which runs until it awaits or returns. */
ASY__INTERNAL void asy__coro_resume(asy__coro *co) {
#ifdef ASY__CORO_ASAN
    void *fake = NULL;
#endif
    co->parent = asy__coro_current;
    co->running = 1;
    asy__coro_current = co;
#ifdef ASY__CORO_ASAN
    __sanitizer_start_switch_fiber(&fake, co->stack->base, co->stack->size);
#endif
#ifdef ASY__CORO_TSAN
    co->tsan_parent = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(co->tsan_fiber, 0);
#endif
    asy__ctx_jump(&co->parent_ctx, &co->ctx);
#ifdef ASY__CORO_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
    asy__coro_current = co->parent;
    co->running = 0;
    if (co->finished) asy__coro_finish(co);
}

/* From inside co: back to whoever resumed it.  Returns when co is resumed
 * again (never, once co has finished). */
ASY__INTERNAL void asy__coro_yield(asy__coro *co) {
#ifdef ASY__CORO_ASAN
    /* NULL on the last switch: ASan frees the coroutine's fake stack */
    __sanitizer_start_switch_fiber(co->finished ? NULL : &co->asan_fake, co->parent_bottom,
                                   co->parent_size);
#endif
#ifdef ASY__CORO_TSAN
    __tsan_switch_to_fiber(co->tsan_parent, 0);
#endif
    asy__ctx_jump(&co->ctx, &co->parent_ctx);
#ifdef ASY__CORO_ASAN
    __sanitizer_finish_switch_fiber(co->asan_fake, &co->parent_bottom, &co->parent_size);
#endif
}

/* The first frame of every coroutine. */
static void asy__coro_main(void *arg) {
    asy__coro *co = (asy__coro *)arg;
#ifdef ASY__CORO_ASAN
    __sanitizer_finish_switch_fiber(NULL, &co->parent_bottom, &co->parent_size);
#endif
    co->ret = co->fn(co->arg);
    co->finished = 1;
    asy__coro_yield(co);
}

/* On the parent's stack, right after co's last switch: the return value
 * settles the promise (in the same job as the coroutine's last step, as
 * an async function's return does), and the stack goes back to the pool. */
ASY__INTERNAL void asy__coro_finish(asy__coro *co) {
    asy__coro_state *st = co->st;
    asy_promise_settle(co->result, co->ret);
    asy_promise_release(co->result);
    asy__queue_remove(&co->link);
    st->nlive--;
    asy__stack_put(&st->stacks, co->stack);
#ifdef ASY__CORO_TSAN
    __tsan_destroy_fiber(co->tsan_fiber);
#endif
    if (co->job_queued) {
        /* cancelled by asy_loop_close while its resume job was queued: the
         * job still points here, so the struct waits for it (or for the
         * end of the close, after which no microtask runs) */
        asy__queue_insert_tail(&st->zombies, &co->link);
        return;
    }
    asy__free(co);
}

ASYNCRT_API asy_promise_t *asy_async(asy_loop_t *loop, asy_async_fn fn, void *arg,
                                     const asy_async_opts_t *opts) {
    asy__coro_state *st;
    asy__coro *co;
    asy_promise_t *mine;
    size_t size;
    if (!loop || !fn || !asy__loop_live(loop)) return NULL;
    if (!(size = asy__stack_round(opts ? opts->stack_size : 0))) return NULL;
    if (!(st = asy__coro_state_get(loop)) || st->closing) return NULL;
    if (!(co = ASY__NEW(asy__coro))) return NULL;
    memset(co, 0, sizeof(*co));
    co->st = st;
    co->fn = fn;
    co->arg = arg;
    if (!(co->stack = asy__stack_get(&st->stacks, size))) {
        asy__free(co);
        return NULL;
    }
    if (!(co->result = asy_promise_new(loop))) {
        asy__stack_put(&st->stacks, co->stack);
        asy__free(co);
        return NULL;
    }
#ifdef ASY__CORO_TSAN
    co->tsan_fiber = __tsan_create_fiber(0);
#endif
    asy__ctx_make(&co->ctx, co->stack->base, co->stack->size, asy__coro_main, co);
    asy__queue_insert_tail(&st->live, &co->link);
    st->nlive++;
    mine = asy_promise_retain(co->result);
    asy__coro_resume(co); /* co may be gone when this returns */
    return mine;
}

/* Resumes co after an await's outcome was stored.  A wake-up that finds
 * co still running (its own stack, or one it resumed, drained the
 * microtasks) is only recorded: the await sees it and does not yield. */
ASY__INTERNAL void asy__coro_wake_up(asy__coro *co) {
    if (co->running) co->woke_early = 1;
    else asy__coro_resume(co);
}

/* The reaction an await attaches: runs as a microtask. */
static void asy__coro_wake(void *arg, const asy_settled_t *in) {
    asy__coro *co = (asy__coro *)arg;
    co->wake_err = in->state == ASY_PROMISE_REJECTED ? in->error : 0;
    co->wake_value = in->state == ASY_PROMISE_REJECTED ? NULL : in->value;
    asy__coro_wake_up(co);
}

/* The job of an await of a settled promise (asy__promise_queue_settled):
 * the outcome was read at the await, so all it does is resume. */
static void asy__coro_settled_job(void *arg) {
    asy__coro *co = (asy__coro *)arg;
    co->job_queued = 0;
    if (co->finished) { /* a zombie: see asy__coro_finish */
        asy__queue_remove(&co->link);
        asy__free(co);
        return;
    }
    asy__coro_wake_up(co);
}

/* Suspends co until a wake-up (unless one came already). */
ASY__INTERNAL void asy__coro_wait(asy__coro *co) {
    if (!co->woke_early) asy__coro_yield(co);
    co->woke_early = 0;
}

/* The running coroutine if it may await on loop (NULL: ASY_EINVAL). */
ASY__INTERNAL asy__coro *asy__coro_awaiter(asy_loop_t *loop) {
    asy__coro *co = asy__coro_current;
    if (!co || (loop && co->st->loop != loop)) return NULL;
    return co;
}

ASYNCRT_API int asy_await(asy_promise_t *p, void **value) {
    asy__coro *co;
    int err;
    if (value) *value = NULL;
    if (!p || !(co = asy__coro_awaiter(asy_promise_loop(p)))) return ASY_EINVAL;
    if (co->st->closing) return ASY_ECANCELED;
    if (asy__promise_queue_settled(p, asy__coro_settled_job, co) == 0) {
        /* Settled: the outcome is final, so it is read now, and the job
         * queued where a reaction's would be only resumes.  No reaction,
         * no reference (the caller's keeps p and its value alive). */
        const asy_settled_t *res = &p->res_;
        int rejected = res->state == ASY_PROMISE_REJECTED;
        co->wake_err = rejected ? res->error : 0;
        co->wake_value = rejected ? NULL : res->value;
        co->job_queued = 1;
        asy__coro_wait(co);
    } else {
        asy_promise_retain(p);
        if ((err = asy_promise_on_settled(p, asy__coro_wake, co)) != 0) {
            asy_promise_release(p);
            return err;
        }
        asy__coro_wait(co);
        asy_promise_release(p);
    }
    err = co->wake_err;
    if (value && !err) *value = co->wake_value;
    return err;
}

static void asy__coro_read_cb(asy_stream_t *s, int status, const asy_buf_t *chunk, void *arg) {
    asy__coro *co = (asy__coro *)arg;
    (void)s;
    co->wake_err = status;
    if (status == 0 && chunk) {
        int err = asy_buf_retain(&co->wake_chunk, chunk);
        if (err) co->wake_err = err;
    }
    asy__coro_wake_up(co);
}

ASYNCRT_API int asy_await_read(asy_stream_t *s, asy_buf_t *chunk) {
    asy__coro *co;
    int err;
    if (chunk) memset(chunk, 0, sizeof(*chunk));
    if (!s || !chunk || !(co = asy__coro_awaiter(s->loop))) return ASY_EINVAL;
    if (co->st->closing) return ASY_ECANCELED;
    memset(&co->wake_chunk, 0, sizeof(co->wake_chunk));
    if ((err = asy_stream_next(s, asy__coro_read_cb, co)) < 0) return err;
    asy__coro_wait(co);
    err = co->wake_err;
    if (err == 0) *chunk = co->wake_chunk;
    else asy_buf_release(&co->wake_chunk);
    memset(&co->wake_chunk, 0, sizeof(co->wake_chunk));
    return err;
}

static void asy__coro_sleep_cb(void *arg) {
    asy_promise_t *p = (asy_promise_t *)arg;
    asy_promise_resolve(p, NULL);
    asy_promise_release(p);
}

ASYNCRT_API int asy_await_sleep(uint64_t ms) {
    asy__coro *co = asy__coro_awaiter(NULL);
    asy_promise_t *p;
    asy_timer_id_t id;
    int err;
    if (!co) return ASY_EINVAL;
    if (co->st->closing) return ASY_ECANCELED;
    if (!(p = asy_promise_new(co->st->loop))) return ASY_ENOMEM;
    asy_promise_retain(p); /* the timer's */
    id = asy_set_timeout(co->st->loop, asy__coro_sleep_cb, p, ms);
    if (!id.id) {
        asy_promise_release(p);
        asy_promise_release(p);
        return ASY_ENOMEM;
    }
    err = asy_await(p, NULL);
    if (err == ASY_ECANCELED) asy_clear_timer(co->st->loop, id);
    asy_promise_release(p);
    return err;
}

ASYNCRT_API int asy_in_coroutine(void) { return asy__coro_current != NULL; }

ASYNCRT_API size_t asy_coro_count(asy_loop_t *loop) {
    asy__coro_state *st;
    if (!loop) return 0;
    st = (asy__coro_state *)loop->layers_[ASY__LAYER_CORO].state;
    return st ? st->nlive : 0;
}

/* asy_loop_close: nothing is left that could settle what the suspended
 * coroutines await (open handles and requests in flight make the close
 * ASY_EBUSY before it gets here), so each is resumed with ASY_ECANCELED
 * (later awaits fail with it at once) and runs to its return, freeing
 * what it holds.  Then the stacks go. */
static void asy__coro_layer_close(asy_loop_t *loop, void *state) {
    asy__coro_state *st = (asy__coro_state *)state;
    asy__queue *q;
    st->closing = 1;
    if (st->nlive && loop->opts_.debug_handles)
        fprintf(stderr, "asy_loop_close: cancelling %lu suspended coroutine(s)\n",
                (unsigned long)st->nlive);
    while (!asy__queue_empty(&st->live)) {
        asy__coro *co = NULL;
        ASY__QUEUE_FOREACH(q, &st->live) {
            asy__coro *c = ASY_CONTAINER_OF(q, asy__coro, link);
            if (!c->running) {
                co = c;
                break;
            }
        }
        if (!co) {
            /* Only a coroutine that is running right now is left: the close
             * was called from a coroutine's stack, which the loop's memory
             * is about to be pulled from under.  Refuse loudly. */
            fprintf(stderr, "asyncrt: asy_loop_close called from inside a coroutine\n");
            abort();
        }
        co->wake_err = ASY_ECANCELED;
        co->wake_value = NULL;
        asy__coro_resume(co);
    }
    while (!asy__queue_empty(&st->zombies)) { /* their jobs will never run now */
        q = asy__queue_head(&st->zombies);
        asy__queue_remove(q);
        asy__free(ASY_CONTAINER_OF(q, asy__coro, link));
    }
    asy__stack_pool_free(&st->stacks);
    loop->layers_[ASY__LAYER_CORO].state = NULL;
    loop->layers_[ASY__LAYER_CORO].close = NULL;
    asy__free(st);
}
#endif /* ASYNCRT_OS_POSIX */
