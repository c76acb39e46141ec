/* then / catch / finally / on_settled: attaching continuations. */
#include "promise.internal.h"
#include "../base/errors.h"
#include "../loop/handle.h"

static asy_promise_t *asy__then_kind(asy_promise_t *p, int kind, asy_then_fn on_ok,
                                     asy_then_fn on_err, void *arg) {
    asy__promise_state *st;
    asy__reaction *r;
    asy_promise_t *d;
    if (!p) return NULL;
    st = p->st_;
    if (!(r = asy__reaction_alloc(st))) return NULL;
    if (!(d = asy__promise_alloc(st))) {
        asy__reaction_free(st, r);
        return NULL;
    }
    r->kind = kind;
    r->fn_a = (asy__any_fn)on_ok;
    r->fn_b = (asy__any_fn)on_err;
    r->arg = arg;
    r->derived = d;
    d->refs_++; /* one for the caller, one for the reaction */
    asy__promise_attach(p, r);
    return d;
}

ASYNCRT_API asy_promise_t *asy_promise_then(asy_promise_t *p, asy_then_fn on_ok,
                                            asy_then_fn on_err, void *arg) {
    return asy__then_kind(p, ASY__REACT_THEN, on_ok, on_err, arg);
}

ASYNCRT_API asy_promise_t *asy_promise_catch(asy_promise_t *p, asy_then_fn on_err, void *arg) {
    return asy__then_kind(p, ASY__REACT_THEN, NULL, on_err, arg);
}

ASYNCRT_API asy_promise_t *asy_promise_finally(asy_promise_t *p, asy_then_fn fn, void *arg) {
    if (!fn) return asy__then_kind(p, ASY__REACT_THEN, NULL, NULL, NULL); /* p.finally() */
    return asy__then_kind(p, ASY__REACT_FINALLY, fn, NULL, arg);
}

/* What V8's thenFinally / catchFinally do:
 *     Promise.resolve(fn()).then(() => outcome of p)
 * and the derived promise is resolved with that promise.  Doing it with
 * real promises gives the same number of ticks as Node. */
ASY__INTERNAL void asy__finally_job(asy__reaction *r, asy_promise_t *src) {
    asy__promise_state *st = src->st_;
    asy_ret_t ret = ((asy_then_fn)r->fn_a)(r->arg, &src->res_);
    asy_promise_t *pr, *tail;
    asy__reaction *thunk;
    if (ret.kind_ == ASY__RET_ERROR ||
        (ret.kind_ == ASY__RET_PASS && ret.promise_ &&
         ret.promise_->res_.state == ASY_PROMISE_REJECTED)) {
        asy__promise_resolve(r->derived, &ret); /* fn threw */
        return;
    }
    if (ret.kind_ == ASY__RET_PASS) ret = asy_ok(NULL); /* a value: ignored */
    pr = asy__promise_from_ret(st->loop, &ret);
    tail = pr ? asy__promise_alloc(st) : NULL;
    thunk = tail ? asy__reaction_alloc(st) : NULL;
    if (!thunk) {
        if (tail) asy__promise_unref(tail);
        if (pr) asy__promise_unref(pr);
        ret = asy_fail(ASY_ENOMEM, NULL);
        asy__promise_resolve(r->derived, &ret);
        return;
    }
    thunk->kind = ASY__REACT_FTHUNK;
    thunk->derived = tail;
    tail->refs_++;
    thunk->arg = src;
    src->refs_++;
    asy__promise_attach(pr, thunk);
    asy__promise_unref(pr);
    ret = asy_chain(tail);
    asy__promise_resolve(r->derived, &ret);
}

ASYNCRT_API int asy_promise_on_settled(asy_promise_t *p, asy_settled_fn fn, void *arg) {
    asy__reaction *r;
    if (!p || !fn) return ASY_EINVAL;
    if (!(r = asy__reaction_alloc(p->st_))) return ASY_ENOMEM;
    r->kind = ASY__REACT_OBSERVE;
    r->fn_a = (asy__any_fn)fn;
    r->arg = arg;
    asy__promise_attach(p, r);
    return 0;
}

ASY__INTERNAL int asy__watch_prepare(asy_loop_t *loop, asy__watch *w) {
    asy__promise_state *st = asy__promise_st(loop);
    w->p = NULL;
    w->r = NULL;
    if (!st || !(w->r = asy__reaction_alloc(st))) return ASY_ENOMEM;
    if (!(w->p = asy__promise_alloc(st))) {
        asy__reaction_free(st, w->r);
        w->r = NULL;
        return ASY_ENOMEM;
    }
    return 0;
}

ASY__INTERNAL void asy__watch_cancel(asy__watch *w) {
    if (w->r) asy__reaction_free(w->p->st_, w->r);
    if (w->p) asy__promise_unref(w->p);
    w->p = NULL;
    w->r = NULL;
}

ASY__INTERNAL asy_promise_t *asy__watch_ret(asy__watch *w, asy_ret_t *ret, asy_settled_fn fn,
                                            void *arg) {
    asy_promise_t *op = w->p, *q = ret->promise_;
    if (ret->kind_ == ASY__RET_PROMISE && q && q->st_ == op->st_) {
        /* a chained promise is followed as is (Promise.resolve(q) === q) */
        ret->promise_ = NULL;
        asy__promise_unref(op);
        op = q;
    } else {
        /* settling a value, an error or a pass allocates nothing; the
         * observer attached below handles a rejection */
        op->flags_ |= ASY__PROM_HANDLED;
        asy__promise_resolve(op, ret);
    }
    w->r->kind = ASY__REACT_OBSERVE;
    w->r->fn_a = (asy__any_fn)fn;
    w->r->arg = arg;
    asy__promise_attach(op, w->r);
    w->p = NULL;
    w->r = NULL;
    return op;
}
