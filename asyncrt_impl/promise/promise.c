/* The promise core: per-loop pools, reference counts, settling, and the
 * microtask job that runs a reaction. */
#include "promise.internal.h"
#include "../loop/loop.internal.h"

static void asy__promise_layer_close(asy_loop_t *loop, void *state);

ASY__INTERNAL asy__promise_state *asy__promise_state_create(asy_loop_t *loop) {
    asy__promise_state *st = ASY__NEW(asy__promise_state);
    if (!st) return NULL;
    /* A job that finds the microtask ring full is parked until the end of
     * the drain those queued jobs will cause.  A ring never allocated is
     * empty, so no drain would come: the layer starts with one. */
    if (!loop->microtasks_.cap) {
        asy__taskq *q = &loop->microtasks_;
        if (!(q->items = ASY__NEW_ARRAY(struct asy__task, 64))) {
            asy__free(st);
            return NULL;
        }
        q->cap = 64;
        q->head = q->count = 0;
    }
    memset(st, 0, sizeof(*st));
    st->loop = loop;
    asy__objpool_init(&st->promises, sizeof(asy_promise_t), st);
    asy__objpool_init(&st->reactions, sizeof(asy__reaction), ASY__OBJ_LIVE);
    loop->layers_[ASY__LAYER_PROMISE].state = st;
    loop->layers_[ASY__LAYER_PROMISE].close = asy__promise_layer_close;
    loop->after_drain_ = asy__promise_after_drain;
    return st;
}

ASY__INTERNAL asy_promise_t *asy__promise_alloc(asy__promise_state *st) {
    asy_promise_t *p = (asy_promise_t *)asy__objpool_alloc(&st->promises);
    if (!p) return NULL;
    p->res_.state = ASY_PROMISE_PENDING;
    p->res_.error = 0;
    p->res_.value = NULL;
    p->res_.message = NULL;
    p->res_.promise = p;
    p->refs_ = 1;
    p->flags_ = 0;
    p->own_.keep = NULL;
    p->rtail_ = NULL;
    return p; /* st_ is the pool's live tag: already set */
}

ASY__INTERNAL asy__reaction *asy__reaction_alloc(asy__promise_state *st) {
    asy__reaction *r = (asy__reaction *)asy__objpool_alloc(&st->reactions);
    if (!r) return NULL;
    r->next = NULL;
    r->src = r->derived = NULL;
    r->fn_a = r->fn_b = NULL;
    r->arg = NULL;
    r->index = 0;
    r->kind = 0;
    return r;
}

ASY__INTERNAL void asy__reaction_free(asy__promise_state *st, asy__reaction *r) {
    r->kind = 0;
    asy__objpool_free(&st->reactions, r);
}

/* A reaction whose promise died pending: it will never run. */
static void asy__reaction_drop(asy__promise_state *st, asy__reaction *r) {
    switch (r->kind) {
    case ASY__REACT_FTHUNK:
        asy__promise_unref((asy_promise_t *)r->arg);
        break;
    case ASY__REACT_ALL:
    case ASY__REACT_SETTLED:
    case ASY__REACT_RACE:
    case ASY__REACT_ANY:
        asy__combo_unref(r->arg);
        break;
    default:
        break;
    }
    if (r->derived) asy__promise_unref(r->derived);
    asy__reaction_free(st, r);
}

/* Takes the continuations off a promise, first attached first. */
static asy__reaction *asy__promise_take_reactions(asy_promise_t *p) {
    asy__reaction *tail = p->rtail_, *head;
    if (!tail) return NULL;
    p->rtail_ = NULL;
    head = tail->next;
    tail->next = NULL;
    return head;
}

/* st is passed in: p's header already links the worklist */
static void asy__promise_destroy(asy__promise_state *st, asy_promise_t *p) {
    asy__reaction *r = asy__promise_take_reactions(p);
    while (r) {
        asy__reaction *next = r->next;
        asy__reaction_drop(st, r);
        r = next;
    }
    if (p->flags_ & ASY__PROM_FREEFN) p->own_.free_fn(p->res_.value);
    if (p->flags_ & ASY__PROM_MSG_OWNED) asy__free((void *)(uintptr_t)p->res_.message);
    if (p->flags_ & ASY__PROM_KEEP) asy__promise_unref(p->own_.keep);
    asy__objpool_free(&st->promises, p);
}

/* Destruction goes through a worklist: a promise's death releases others
 * (derived promises, kept owners...), and a long chain must not recurse. */
ASY__INTERNAL void asy__promise_unref(asy_promise_t *p) {
    asy__promise_state *st;
    if (--p->refs_) return;
    st = p->st_;
    if (st->closing) return; /* the layer's close reclaims everything */
    if (!p->rtail_ && !(p->flags_ & (ASY__PROM_FREEFN | ASY__PROM_MSG_OWNED | ASY__PROM_KEEP))) {
        /* the common death: nothing else to let go of */
        asy__objpool_free(&st->promises, p);
        return;
    }
    *(asy_promise_t **)(void *)p = st->dying; /* the header links the worklist */
    st->dying = p;
    if (st->reaping) return;
    st->reaping = 1;
    while ((p = st->dying) != NULL) {
        st->dying = *(asy_promise_t **)(void *)p;
        asy__promise_destroy(st, p);
    }
    st->reaping = 0;
}

/* Queues a job on the loop's microtask ring: the fast path writes the
 * ring directly, asy__taskq_push grows it. */
ASY__INTERNAL int asy__promise_push_microtask(asy__promise_state *st, asy_fn fn, void *arg) {
    asy__taskq *q = &st->loop->microtasks_;
    if (ASY__LIKELY(q->count < q->cap)) {
        struct asy__task *t = &q->items[(q->head + q->count) & (q->cap - 1)];
        t->fn = fn;
        t->arg = arg;
        q->count++;
        return 0;
    }
    return asy__taskq_push(q, fn, arg);
}

static void asy__queue_job(asy__promise_state *st, asy__reaction *r) {
    r->next = NULL;
    if (ASY__LIKELY(st->overflow_head == NULL) &&
        asy__promise_push_microtask(st, asy__promise_run_job, r) == 0)
        return;
    /* The ring could not grow.  Dropping the job would leave a promise
     * pending for ever; park it (no allocation) and run it at the end of
     * the drain instead, giving up only the exact ordering. */
    if (st->overflow_tail) st->overflow_tail->next = r;
    else st->overflow_head = r;
    st->overflow_tail = r;
}

/* The job a reaction attached to the settled p now would get, without the
 * reaction: fn(arg) goes on the microtask queue exactly where that
 * reaction's job would, and p counts as handled.  For callers that only
 * need to be called back (an await of a settled promise) and read p's
 * outcome themselves.  ASY_EAGAIN: p is pending, or jobs are parked
 * after an out-of-memory (attach a reaction, which keeps the order). */
ASY__INTERNAL int asy__promise_queue_settled(asy_promise_t *p, asy_fn fn, void *arg) {
    asy__promise_state *st = p->st_;
    if (p->res_.state == ASY_PROMISE_PENDING || st->overflow_head) return ASY_EAGAIN;
    if (asy__promise_push_microtask(st, fn, arg) != 0) return ASY_EAGAIN;
    p->flags_ |= ASY__PROM_HANDLED;
    return 0;
}

ASY__INTERNAL void asy__promise_attach(asy_promise_t *p, asy__reaction *r) {
    p->flags_ |= ASY__PROM_HANDLED;
    if (p->res_.state == ASY_PROMISE_PENDING) {
        if (p->rtail_) {
            r->next = p->rtail_->next;
            p->rtail_->next = r;
        } else {
            r->next = r;
        }
        p->rtail_ = r;
        return;
    }
    r->src = p;
    p->refs_++;
    asy__queue_job(p->st_, r);
}

ASY__INTERNAL void asy__promise_settle_raw(asy_promise_t *p, asy_promise_state_t state, void *value,
                                           void (*free_fn)(void *), int error,
                                           const char *message, int msg_owned,
                                           asy_promise_t *keep) {
    asy__reaction *r;
    p->res_.state = state;
    p->res_.value = value;
    p->res_.error = error;
    p->res_.message = message;
    if (free_fn) {
        p->own_.free_fn = free_fn;
        p->flags_ |= ASY__PROM_FREEFN;
    } else if (keep) {
        p->own_.keep = keep;
        p->flags_ |= ASY__PROM_KEEP;
    }
    if (msg_owned) p->flags_ |= ASY__PROM_MSG_OWNED;
    r = asy__promise_take_reactions(p);
    if (!r) {
        if (state == ASY_PROMISE_REJECTED && !(p->flags_ & ASY__PROM_HANDLED))
            asy__unhandled_add(p->st_, p);
        return;
    }
    /* V8 queues one job per reaction, in the order they were attached */
    while (r) {
        asy__reaction *next = r->next;
        r->src = p;
        p->refs_++;
        asy__queue_job(p->st_, r);
        r = next;
    }
}

ASY__INTERNAL void asy__promise_adopt(asy_promise_t *x, asy_promise_t *q) {
    asy_promise_t *owner = asy__promise_owner(q);
    if (owner) owner->refs_++;
    asy__promise_settle_raw(x, q->res_.state, q->res_.value, NULL, q->res_.error, q->res_.message,
                            0, owner);
}

static void asy__reject_static(asy_promise_t *x, int code, const char *message) {
    asy__promise_settle_raw(x, ASY_PROMISE_REJECTED, NULL, NULL, code, message, 0, NULL);
}

ASY__INTERNAL void asy__promise_resolve(asy_promise_t *x, asy_ret_t *ret) {
    asy_promise_t *q = ret->promise_;
    switch (ret->kind_) {
    case ASY__RET_VALUE:
        asy__promise_settle_raw(x, ASY_PROMISE_FULFILLED, ret->value_, ret->free_fn_, 0, NULL, 0,
                                NULL);
        break;
    case ASY__RET_ERROR:
        asy__promise_settle_raw(x, ASY_PROMISE_REJECTED, NULL, NULL,
                                ret->error_ ? ret->error_ : ASY_EUNKNOWN, ret->message_,
                                ret->message_ != NULL, NULL);
        break;
    case ASY__RET_PASS:
        if (!q || q->res_.state == ASY_PROMISE_PENDING)
            asy__reject_static(x, ASY_EINVAL, "asy_pass of a pending outcome");
        else
            asy__promise_adopt(x, q);
        break;
    case ASY__RET_PROMISE:
        if (!q) {
            asy__reject_static(x, ASY_ENOMEM, NULL);
        } else if (q == x || q->st_ != x->st_) {
            /* settle before letting go: the ret's reference may be x's last */
            asy__reject_static(x, ASY_EINVAL,
                               q == x ? "chaining cycle: a promise resolved with itself"
                                      : "promise of another loop");
            asy__promise_unref(q);
        } else {
            asy__reaction *r = asy__reaction_alloc(x->st_);
            if (!r) {
                asy__promise_unref(q);
                asy__reject_static(x, ASY_ENOMEM, NULL);
                break;
            }
            /* Like V8: one job to subscribe to q, one more when q settles,
             * so adoption costs two extra ticks, exactly as under Node. */
            r->kind = ASY__REACT_THENABLE;
            r->src = q; /* the ret's reference */
            r->derived = x;
            x->refs_++;
            x->flags_ |= ASY__PROM_LOCKED;
            asy__queue_job(x->st_, r);
        }
        break;
    default:
        asy__reject_static(x, ASY_EINVAL, "bad asy_ret_t");
        break;
    }
    memset(ret, 0, sizeof(*ret));
}

/* finally (then.c) */
ASY__INTERNAL void asy__finally_job(asy__reaction *r, asy_promise_t *src);

ASY__INTERNAL void asy__promise_run_job(void *arg) {
    asy__reaction *r = (asy__reaction *)arg;
    asy_promise_t *src = r->src;
    asy__promise_state *st = src->st_;
    asy_ret_t ret;
    switch (r->kind) {
    case ASY__REACT_THEN: {
        asy_then_fn fn = (asy_then_fn)(src->res_.state == ASY_PROMISE_FULFILLED ? r->fn_a : r->fn_b);
        ret = fn ? fn(r->arg, &src->res_) : asy_pass(&src->res_);
        asy__promise_resolve(r->derived, &ret);
        break;
    }
    case ASY__REACT_FINALLY:
        asy__finally_job(r, src);
        break;
    case ASY__REACT_FTHUNK: {
        asy_promise_t *orig = (asy_promise_t *)r->arg;
        ret = asy_pass(src->res_.state == ASY_PROMISE_REJECTED ? &src->res_ : &orig->res_);
        asy__promise_resolve(r->derived, &ret);
        asy__promise_unref(orig);
        break;
    }
    case ASY__REACT_OBSERVE:
        ((asy_settled_fn)r->fn_a)(r->arg, &src->res_);
        break;
    case ASY__REACT_THENABLE:
        /* the same node now waits on src as derived's adoption */
        r->kind = ASY__REACT_ADOPT;
        r->src = NULL;
        asy__promise_attach(src, r);
        asy__promise_unref(src);
        return;
    case ASY__REACT_ADOPT:
        ret = asy_pass(&src->res_);
        asy__promise_resolve(r->derived, &ret);
        break;
    case ASY__REACT_ALL:
    case ASY__REACT_SETTLED:
    case ASY__REACT_RACE:
    case ASY__REACT_ANY:
        asy__combo_element(r, src);
        break;
    default:
        break;
    }
    if (r->derived) asy__promise_unref(r->derived);
    asy__reaction_free(st, r);
    asy__promise_unref(src);
}

/* asy_loop_close: everything still alive goes, and owned values with it. */
static void asy__teardown_reaction(void *obj, void *ctx) {
    asy__reaction *r = (asy__reaction *)obj;
    (void)ctx;
    if (r->kind >= ASY__REACT_ALL) asy__combo_unref(r->arg);
}

static void asy__teardown_promise(void *obj, void *ctx) {
    asy_promise_t *p = (asy_promise_t *)obj;
    (void)ctx;
    if (p->flags_ & ASY__PROM_FREEFN) p->own_.free_fn(p->res_.value);
    if (p->flags_ & ASY__PROM_MSG_OWNED) asy__free((void *)(uintptr_t)p->res_.message);
}

static void asy__promise_layer_close(asy_loop_t *loop, void *state) {
    asy__promise_state *st = (asy__promise_state *)state;
    st->closing = 1;
    asy__objpool_each_live(&st->reactions, asy__teardown_reaction, NULL);
    asy__objpool_each_live(&st->promises, asy__teardown_promise, NULL);
    asy__objpool_destroy(&st->reactions);
    asy__objpool_destroy(&st->promises);
    asy__free(st->unhandled);
    asy__free(st->unhandled_spare);
    asy__free(st);
    loop->layers_[ASY__LAYER_PROMISE].state = NULL;
    loop->layers_[ASY__LAYER_PROMISE].close = NULL;
    loop->after_drain_ = NULL;
}

/* ---- public: rets, construction, settling, references ----------------- */
ASYNCRT_API asy_ret_t asy_fail(int code, const char *message) {
    asy_ret_t r = asy_ok(NULL);
    r.kind_ = ASY__RET_ERROR;
    r.error_ = code ? code : ASY_EUNKNOWN;
    if (message) r.message_ = asy__strdup(message); /* NULL on ENOMEM: the code survives */
    return r;
}

ASYNCRT_API void asy_ret_discard(asy_ret_t *ret) {
    if (!ret) return;
    if (ret->kind_ == ASY__RET_VALUE && ret->free_fn_) ret->free_fn_(ret->value_);
    asy__free(ret->message_);
    if (ret->kind_ == ASY__RET_PROMISE && ret->promise_) asy__promise_unref(ret->promise_);
    memset(ret, 0, sizeof(*ret));
}

ASYNCRT_API asy_promise_t *asy_promise_new(asy_loop_t *loop) {
    asy__promise_state *st;
    if (!asy__loop_live(loop) || !(st = asy__promise_st(loop))) return NULL;
    return asy__promise_alloc(st);
}

ASY__INTERNAL asy_promise_t *asy__promise_from_ret(asy_loop_t *loop, asy_ret_t *ret) {
    asy__promise_state *st;
    asy_promise_t *p;
    if (ret->kind_ == ASY__RET_PROMISE && ret->promise_) {
        p = ret->promise_;
        ret->promise_ = NULL;
        return p;
    }
    if (!loop || !(st = asy__promise_st(loop)) || !(p = asy__promise_alloc(st))) {
        asy_ret_discard(ret);
        return NULL;
    }
    asy__promise_resolve(p, ret);
    return p;
}

ASYNCRT_API asy_promise_t *asy_promise_from(asy_loop_t *loop, asy_ret_t ret) {
    return asy__promise_from_ret(loop, &ret);
}

ASYNCRT_API asy_promise_t *asy_promise_resolved(asy_loop_t *loop, void *value) {
    asy__promise_state *st;
    asy_promise_t *p;
    /* the most common promise of all (Promise.resolve(v)): no asy_ret_t,
     * no continuations to look for */
    if (!loop || !(st = asy__promise_st(loop)) || !(p = asy__promise_alloc(st))) return NULL;
    p->res_.state = ASY_PROMISE_FULFILLED;
    p->res_.value = value;
    return p;
}

ASYNCRT_API asy_promise_t *asy_promise_rejected(asy_loop_t *loop, int code, const char *message) {
    if (!loop) return NULL;
    return asy_promise_from(loop, asy_fail(code, message));
}

ASY__INTERNAL int asy__promise_settle_ret(asy_promise_t *p, asy_ret_t *ret) {
    if (!p || p->res_.state != ASY_PROMISE_PENDING || (p->flags_ & ASY__PROM_LOCKED)) {
        asy_ret_discard(ret);
        return ASY_EINVAL;
    }
    asy__promise_resolve(p, ret);
    return 0;
}

ASY__INTERNAL void asy__promise_fulfill(asy_promise_t *p, void *value) {
    if (p->res_.state == ASY_PROMISE_PENDING && !(p->flags_ & ASY__PROM_LOCKED))
        asy__promise_settle_raw(p, ASY_PROMISE_FULFILLED, value, NULL, 0, NULL, 0, NULL);
}

ASY__INTERNAL void asy__promise_settle_like(asy_promise_t *p, asy_promise_t *src) {
    if (p->res_.state == ASY_PROMISE_PENDING && !(p->flags_ & ASY__PROM_LOCKED))
        asy__promise_adopt(p, src);
}

ASYNCRT_API int asy_promise_settle(asy_promise_t *p, asy_ret_t ret) {
    return asy__promise_settle_ret(p, &ret);
}

ASYNCRT_API int asy_promise_resolve(asy_promise_t *p, void *value) {
    return asy_promise_settle(p, asy_ok(value));
}

ASYNCRT_API int asy_promise_reject(asy_promise_t *p, int code, const char *message) {
    if (!p || p->res_.state != ASY_PROMISE_PENDING || (p->flags_ & ASY__PROM_LOCKED))
        return ASY_EINVAL;
    return asy_promise_settle(p, asy_fail(code, message));
}

ASYNCRT_API asy_promise_t *asy_promise_retain(asy_promise_t *p) {
    if (p) p->refs_++;
    return p;
}

ASYNCRT_API void asy_promise_release(asy_promise_t *p) {
    if (p) asy__promise_unref(p);
}

ASYNCRT_API asy_promise_state_t asy_promise_state_of(const asy_promise_t *p) {
    return p ? p->res_.state : ASY_PROMISE_PENDING;
}

ASYNCRT_API const asy_settled_t *asy_promise_result(const asy_promise_t *p) {
    return p && p->res_.state != ASY_PROMISE_PENDING ? &p->res_ : NULL;
}

ASYNCRT_API asy_loop_t *asy_promise_loop(const asy_promise_t *p) {
    return p ? p->st_->loop : NULL;
}

ASYNCRT_API void asy_promise_mark_handled(asy_promise_t *p) {
    if (p) p->flags_ |= ASY__PROM_HANDLED;
}
