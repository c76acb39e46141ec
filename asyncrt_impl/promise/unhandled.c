/* Unhandled rejections, checked the way Node does: a promise rejected with
 * no continuation goes on a list; when the nextTick/microtask drain that
 * saw it is over, every listed promise that still has none is reported
 * once.  So a catch attached later in the same drain silences it, and one
 * attached in a later callback (a timer) comes too late. */
#include "promise.internal.h"
#include "../loop/loop.internal.h"

static void asy__promise_noop(void *arg) { (void)arg; }

static void asy__default_unhandled(void *arg, const asy_settled_t *reason) {
    (void)arg;
    fprintf(stderr, "asyncrt: unhandled promise rejection: %s: %s%s%s%s\n",
            asy_err_name(reason->error), asy_strerror(reason->error),
            reason->message ? " (" : "", reason->message ? reason->message : "",
            reason->message ? ")" : "");
    fflush(stderr);
    abort();
}

static void asy__report(asy__promise_state *st, asy_promise_t *p) {
    if (p->flags_ & (ASY__PROM_HANDLED | ASY__PROM_REPORTED)) return;
    p->flags_ |= ASY__PROM_REPORTED;
    if (st->hook) st->hook(st->hook_arg, &p->res_);
    else asy__default_unhandled(NULL, &p->res_);
}

ASY__INTERNAL void asy__unhandled_add(asy__promise_state *st, asy_promise_t *p) {
    asy_loop_t *loop = st->loop;
    if (st->n_unhandled == st->cap_unhandled) {
        size_t ncap = st->cap_unhandled ? st->cap_unhandled * 2 : 16;
        asy_promise_t **a =
            (asy_promise_t **)asy__realloc(st->unhandled, ncap * sizeof(asy_promise_t *));
        if (!a) {
            asy__report(st, p); /* no room to wait: report now rather than never */
            return;
        }
        st->unhandled = a;
        st->cap_unhandled = ncap;
    }
    st->unhandled[st->n_unhandled++] = p;
    p->refs_++;
    /* the check runs when a drain ends, so make sure one happens even if
     * the rejection queued nothing (a promise without continuations) */
    if (!(loop->ticks_.count | loop->microtasks_.count))
        asy__taskq_push(&loop->microtasks_, asy__promise_noop, NULL);
}

ASY__INTERNAL void asy__promise_after_drain(asy_loop_t *loop) {
    asy__promise_state *st = (asy__promise_state *)loop->layers_[ASY__LAYER_PROMISE].state;
    asy_promise_t **batch;
    size_t n, i, cap;
    if (!st) return;
    if (st->overflow_head) {
        /* jobs that found the microtask ring full; if they queue work the
         * drain goes on and comes back here, else this drain is over */
        asy__reaction *r = st->overflow_head;
        st->overflow_head = st->overflow_tail = NULL;
        while (r) {
            asy__reaction *next = r->next;
            asy__promise_run_job(r);
            r = next;
        }
        if (loop->ticks_.count | loop->microtasks_.count) return;
    }
    if (!st->n_unhandled) return;
    /* swap lists: rejections made by the hook wait for the next round */
    batch = st->unhandled;
    n = st->n_unhandled;
    cap = st->cap_unhandled;
    st->unhandled = st->unhandled_spare;
    st->cap_unhandled = st->cap_spare;
    st->n_unhandled = 0;
    st->unhandled_spare = NULL;
    st->cap_spare = 0;
    for (i = 0; i < n; i++) asy__report(st, batch[i]);
    for (i = 0; i < n; i++) asy__promise_unref(batch[i]);
    if (st->unhandled_spare) { /* a nested drain (the hook ran microtasks) refilled it */
        asy__free(batch);
    } else {
        st->unhandled_spare = batch;
        st->cap_spare = cap;
    }
}

ASYNCRT_API int asy_promise_on_unhandled(asy_loop_t *loop, asy_unhandled_fn fn, void *arg) {
    asy__promise_state *st;
    if (!loop) return ASY_EINVAL;
    if (!(st = asy__promise_st(loop))) return ASY_ENOMEM;
    st->hook = fn;
    st->hook_arg = arg;
    return 0;
}
