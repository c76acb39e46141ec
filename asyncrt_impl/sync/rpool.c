/* The resource pool.
 *
 * Objects are in exactly one state: idle (on the idle list, oldest at the
 * head), borrowed, validating, or destroying; plus creates in flight.
 * Waiting clients sit in one FIFO per priority level.  asy__rpool_dispense
 * matches them: idle objects go to waiters (through validation when asked)
 * and the shortfall is created, up to max.  Every entry point (public call
 * or callback) runs between asy__rpool_enter/leave, so the pool can finish
 * an asy_rpool_end and free itself only when nothing is using it. */
#include "rpool.h"
#include "../base/ptrmap.internal.h"
#include "../base/queue.h"
#include "../loop/timer.h"
#include "../loop/loop.h"
#include "../promise/promise.internal.h"
enum { ASY__RO_IDLE = 1, ASY__RO_BORROWED, ASY__RO_VALIDATING, ASY__RO_DESTROYING };

typedef struct asy__robj {
    asy__queue link; /* idle list */
    asy_rpool_t *pool;
    void *resource;
    uint64_t idle_since;
    int state;
    int for_borrow; /* validating before lending (else: after a release) */
} asy__robj;

typedef struct asy__rwaiter {
    asy__queue link;
    asy_rpool_t *pool;
    asy_promise_t *promise;
    asy_timer_id_t timer;
    struct asy__rwaiter *next_free;
} asy__rwaiter;

typedef struct asy__rcreate {
    asy_rpool_t *pool;
    unsigned attempt;
    int for_waiter;
} asy__rcreate;

typedef struct {
    asy_rpool_t *pool;
    asy_rpool_use_fn fn;
    void *arg;
    void *resource;
    asy_promise_t *result, *acquired, *inner;
} asy__ruse;

struct asy_rpool_s {
    asy_loop_t *loop;
    asy_rpool_factory_t f;
    asy_rpool_opts_t o;
    asy__ptrmap objs; /* resource -> asy__robj, every object not yet destroyed */
    asy__queue idle;
    asy__queue *waiters; /* o.priorities FIFOs */
    size_t nidle, nborrowed, nwaiting, nvalidating, nvalidating_borrow;
    size_t ncreating, ndestroying;
    asy__rwaiter *free_waiters;
    asy_timer_id_t evictor;
    asy_promise_t *drain_p, *clear_p, *end_p;
    int draining, clearing, ending, warm_failed;
    int dispensing, again;
    int busy; /* entry points running */
};

static void asy__rpool_dispense(asy_rpool_t *pool);
static void asy__rpool_ensure_min(asy_rpool_t *pool);
static void asy__rpool_destroy_obj(asy_rpool_t *pool, asy__robj *obj);

static inline void asy__rpool_enter(asy_rpool_t *pool) { pool->busy++; }

static void asy__rpool_free_mem(asy_rpool_t *pool) {
    while (pool->free_waiters) {
        asy__rwaiter *w = pool->free_waiters;
        pool->free_waiters = w->next_free;
        asy__free(w);
    }
    asy__ptrmap_free(&pool->objs);
    asy__free(pool->waiters);
    asy__free(pool);
}

/* Settles drain / clear / end when their conditions hold.  Returns non-zero
 * when the pool has ended and must be freed. */
static int asy__rpool_check(asy_rpool_t *pool) {
    int drained = pool->nwaiting == 0 && pool->nborrowed == 0 && pool->nvalidating_borrow == 0;
    if (pool->drain_p && drained) {
        asy_promise_t *p = pool->drain_p;
        pool->drain_p = NULL;
        asy_promise_resolve(p, NULL);
        asy__promise_unref(p);
    }
    if (pool->ending && drained && !pool->clearing &&
        (pool->nidle || pool->ncreating || pool->nvalidating)) {
        asy_promise_t *c = asy_rpool_clear(pool); /* end = drain, then clear */
        if (c) asy__promise_unref(c);
    }
    if (pool->clear_p && pool->ncreating == 0 && pool->ndestroying == 0 &&
        pool->nvalidating == 0 && pool->nidle == 0) {
        asy_promise_t *p = pool->clear_p;
        pool->clear_p = NULL;
        pool->clearing = 0;
        asy_promise_resolve(p, NULL);
        asy__promise_unref(p);
    }
    return pool->ending && drained && !pool->drain_p && !pool->clear_p && pool->nidle == 0 &&
           pool->ncreating == 0 && pool->ndestroying == 0 && pool->nvalidating == 0;
}

static void asy__rpool_leave_slow(asy_rpool_t *pool) {
    pool->busy++; /* settling below may not free us halfway */
    if (asy__rpool_check(pool) && pool->end_p) {
        asy_promise_t *p = pool->end_p;
        pool->end_p = NULL;
        if (pool->evictor.id) asy_clear_timer(pool->loop, pool->evictor);
        asy__rpool_free_mem(pool);
        asy_promise_resolve(p, NULL);
        asy__promise_unref(p);
        return;
    }
    pool->busy--;
}

static inline void asy__rpool_leave(asy_rpool_t *pool) {
    if (--pool->busy) return;
    if (pool->drain_p || pool->clear_p || pool->ending) asy__rpool_leave_slow(pool);
}

static size_t asy__rpool_size(const asy_rpool_t *pool) {
    return pool->nidle + pool->nborrowed + pool->nvalidating + pool->ncreating;
}

/* ---- waiters --------------------------------------------------------------- */
static asy__rwaiter *asy__rpool_pop_waiter(asy_rpool_t *pool) {
    unsigned i;
    for (i = 0; i < pool->o.priorities; i++)
        if (!asy__queue_empty(&pool->waiters[i])) {
            asy__rwaiter *w =
                ASY_CONTAINER_OF(asy__queue_head(&pool->waiters[i]), asy__rwaiter, link);
            asy__queue_remove(&w->link);
            pool->nwaiting--;
            if (w->timer.id) asy_clear_timer(pool->loop, w->timer);
            w->timer.id = 0;
            return w;
        }
    return NULL;
}

static void asy__rpool_waiter_free(asy_rpool_t *pool, asy__rwaiter *w) {
    asy__promise_unref(w->promise);
    w->promise = NULL;
    w->next_free = pool->free_waiters;
    pool->free_waiters = w;
}

static void asy__rpool_waiter_timeout(void *arg) {
    asy__rwaiter *w = (asy__rwaiter *)arg;
    asy_rpool_t *pool = w->pool;
    asy__rpool_enter(pool);
    w->timer.id = 0;
    asy__queue_remove(&w->link);
    pool->nwaiting--;
    asy_promise_reject(w->promise, ASY_ETIMEDOUT, "timed out waiting for a pool resource");
    asy__rpool_waiter_free(pool, w);
    asy__rpool_leave(pool);
}

/* ---- objects ------------------------------------------------------------------ */
static void asy__rpool_lend(asy_rpool_t *pool, asy__robj *obj, asy__rwaiter *w) {
    obj->state = ASY__RO_BORROWED;
    pool->nborrowed++;
    asy__promise_fulfill(w->promise, obj->resource);
    asy__rpool_waiter_free(pool, w);
}

static void asy__rpool_to_idle(asy_rpool_t *pool, asy__robj *obj) {
    if (pool->clearing && pool->nwaiting == 0) {
        asy__rpool_destroy_obj(pool, obj);
        return;
    }
    obj->state = ASY__RO_IDLE;
    obj->idle_since = asy_now(pool->loop);
    asy__queue_insert_tail(&pool->idle, &obj->link);
    pool->nidle++;
}

static asy__robj *asy__rpool_take_idle(asy_rpool_t *pool) {
    asy__queue *q = pool->o.lifo ? asy__queue_tail(&pool->idle) : asy__queue_head(&pool->idle);
    asy__robj *obj = ASY_CONTAINER_OF(q, asy__robj, link);
    asy__queue_remove(&obj->link);
    pool->nidle--;
    return obj;
}

static void asy__rpool_destroy_done(void *arg, const asy_settled_t *in) {
    asy__robj *obj = (asy__robj *)arg;
    asy_rpool_t *pool = obj->pool;
    (void)in; /* a failed destroy still ends the object */
    asy__rpool_enter(pool);
    asy__ptrmap_del(&pool->objs, obj->resource);
    asy__free(obj);
    pool->ndestroying--;
    pool->warm_failed = 0; /* a loss: try to get back to min once */
    asy__rpool_ensure_min(pool);
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
}

static void asy__rpool_destroy_obj(asy_rpool_t *pool, asy__robj *obj) {
    asy_promise_t *op;
    obj->state = ASY__RO_DESTROYING;
    pool->ndestroying++;
    asy__rpool_enter(pool);
    if (pool->f.destroy) {
        asy_ret_t ret = pool->f.destroy(pool->f.ctx, obj->resource);
        op = asy__promise_from_ret(pool->loop, &ret);
    } else {
        op = asy_promise_resolved(pool->loop, NULL);
    }
    if (!op || asy_promise_on_settled(op, asy__rpool_destroy_done, obj) != 0) {
        asy_promise_mark_handled(op);
        asy__rpool_destroy_done(obj, NULL);
    }
    asy_promise_release(op);
    asy__rpool_leave(pool);
}

static void asy__rpool_validate_done(void *arg, const asy_settled_t *in) {
    asy__robj *obj = (asy__robj *)arg;
    asy_rpool_t *pool = obj->pool;
    int ok = in && in->state == ASY_PROMISE_FULFILLED;
    asy__rpool_enter(pool);
    pool->nvalidating--;
    if (obj->for_borrow) pool->nvalidating_borrow--;
    if (!ok) {
        asy__rpool_destroy_obj(pool, obj);
    } else if (obj->for_borrow && pool->nwaiting > 0) {
        asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
    } else {
        asy__rpool_to_idle(pool, obj);
    }
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
}

static void asy__rpool_validate(asy_rpool_t *pool, asy__robj *obj, int for_borrow) {
    asy_promise_t *op;
    obj->state = ASY__RO_VALIDATING;
    obj->for_borrow = for_borrow;
    pool->nvalidating++;
    if (for_borrow) pool->nvalidating_borrow++;
    {
        asy_ret_t ret = pool->f.validate(pool->f.ctx, obj->resource);
        op = asy__promise_from_ret(pool->loop, &ret);
    }
    if (!op || asy_promise_on_settled(op, asy__rpool_validate_done, obj) != 0) {
        asy_promise_mark_handled(op);
        asy__rpool_validate_done(obj, NULL); /* cannot tell: treat as invalid */
    }
    asy_promise_release(op);
}

/* ---- creating --------------------------------------------------------------------- */
static void asy__rpool_create_attempt(asy__rcreate *c);

static void asy__rpool_create_retry(void *arg) {
    asy__rcreate *c = (asy__rcreate *)arg;
    asy_rpool_t *pool = c->pool;
    asy__rpool_enter(pool);
    asy__rpool_create_attempt(c);
    asy__rpool_leave(pool);
}

/* Ends a resource the pool has no record for (out of memory before it
 * could keep it); nothing waits for that destroy. */
static void asy__rpool_discard(asy_rpool_t *pool, void *resource) {
    asy_ret_t ret;
    asy_promise_t *op;
    if (!pool->f.destroy) return;
    ret = pool->f.destroy(pool->f.ctx, resource);
    op = asy__promise_from_ret(pool->loop, &ret);
    asy_promise_mark_handled(op);
    asy_promise_release(op);
}

static void asy__rpool_create_done(void *arg, const asy_settled_t *in) {
    asy__rcreate *c = (asy__rcreate *)arg;
    asy_rpool_t *pool = c->pool;
    asy__robj *obj = NULL;
    int err = ASY_ENOMEM;
    const char *msg = NULL;
    asy__rpool_enter(pool);
    if (in && in->state == ASY_PROMISE_FULFILLED) {
        err = 0;
        if (!in->value) {
            err = ASY_EINVAL;
            msg = "pool factory created a NULL resource";
        } else if (!(obj = ASY__NEW(asy__robj)) ||
                   (err = asy__ptrmap_put(&pool->objs, in->value, obj)) != 0) {
            if (err == ASY_EEXIST) msg = "pool factory created a resource the pool already holds";
            else asy__rpool_discard(pool, in->value); /* cannot keep it: end it */
            asy__free(obj);
            obj = NULL;
        }
    } else if (in) {
        err = in->error;
        msg = in->message;
    }
    if (obj) {
        pool->ncreating--;
        pool->warm_failed = 0;
        asy__queue_init(&obj->link);
        obj->pool = pool;
        obj->resource = in->value;
        obj->for_borrow = 0;
        if (pool->nwaiting > 0) asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
        else asy__rpool_to_idle(pool, obj);
        asy__free(c);
    } else if (c->for_waiter && pool->nwaiting > 0 && c->attempt < pool->o.create_retries) {
        /* bounded retries with a doubling delay */
        uint64_t delay = pool->o.create_backoff_ms << (c->attempt < 20 ? c->attempt : 20);
        c->attempt++;
        if (!asy_set_timeout(pool->loop, asy__rpool_create_retry, c, delay).id)
            asy__rpool_create_attempt(c);
        asy__rpool_leave(pool);
        return;
    } else {
        pool->ncreating--;
        if (c->for_waiter && pool->nwaiting > 0) {
            /* the client this create was for learns why */
            asy__rwaiter *w = asy__rpool_pop_waiter(pool);
            asy_promise_reject(w->promise, err, msg);
            asy__rpool_waiter_free(pool, w);
        } else if (!c->for_waiter) {
            pool->warm_failed = 1; /* no retry until something changes */
        }
        asy__free(c);
    }
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
}

/* What a create makes must reach create_done, or the resource is lost:
 * the memory to watch it is taken before the factory runs. */
static void asy__rpool_create_attempt(asy__rcreate *c) {
    asy_rpool_t *pool = c->pool;
    asy__watch w;
    asy_ret_t ret;
    if (asy__watch_prepare(pool->loop, &w) != 0) {
        c->attempt = pool->o.create_retries; /* out of memory: no retries */
        asy__rpool_create_done(c, NULL);
        return;
    }
    ret = pool->f.create(pool->f.ctx);
    asy_promise_release(asy__watch_ret(&w, &ret, asy__rpool_create_done, c));
}

static int asy__rpool_create(asy_rpool_t *pool, int for_waiter) {
    asy__rcreate *c = ASY__NEW(asy__rcreate);
    if (!c) return ASY_ENOMEM;
    c->pool = pool;
    c->attempt = 0;
    c->for_waiter = for_waiter;
    pool->ncreating++;
    asy__rpool_create_attempt(c);
    return 0;
}

static void asy__rpool_ensure_min(asy_rpool_t *pool) {
    while (!pool->draining && !pool->warm_failed && asy__rpool_size(pool) < pool->o.min)
        if (asy__rpool_create(pool, 0) != 0) break;
}

/* ---- matching waiters with objects ---------------------------------------------------- */
static void asy__rpool_dispense(asy_rpool_t *pool) {
    if (pool->dispensing) {
        pool->again = 1;
        return;
    }
    pool->dispensing = 1;
    do {
        pool->again = 0;
        while (pool->nwaiting > pool->nvalidating_borrow && pool->nidle > 0) {
            asy__robj *obj = asy__rpool_take_idle(pool);
            if (pool->o.validate_on_borrow && pool->f.validate)
                asy__rpool_validate(pool, obj, 1);
            else
                asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
        }
        while (pool->nwaiting > pool->nvalidating_borrow + pool->ncreating &&
               asy__rpool_size(pool) < pool->o.max)
            if (asy__rpool_create(pool, 1) != 0) break;
    } while (pool->again);
    pool->dispensing = 0;
}

static void asy__rpool_evict(void *arg) {
    asy_rpool_t *pool = (asy_rpool_t *)arg;
    uint64_t now = asy_now(pool->loop);
    asy__rpool_enter(pool);
    /* the idle list is in return order: only its head can have expired */
    while (pool->nidle > 0 && asy__rpool_size(pool) > pool->o.min) {
        asy__robj *obj = ASY_CONTAINER_OF(asy__queue_head(&pool->idle), asy__robj, link);
        if (now - obj->idle_since < pool->o.idle_timeout_ms) break;
        asy__queue_remove(&obj->link);
        pool->nidle--;
        asy__rpool_destroy_obj(pool, obj);
    }
    pool->warm_failed = 0;
    asy__rpool_ensure_min(pool);
    asy__rpool_leave(pool);
}

/* ---- public ------------------------------------------------------------------------ */
ASYNCRT_API asy_rpool_t *asy_rpool_new(asy_loop_t *loop, const asy_rpool_factory_t *factory,
                                       const asy_rpool_opts_t *opts, int *err) {
    asy_rpool_t *pool;
    unsigned i;
    int dummy;
    if (!err) err = &dummy;
    *err = ASY_EINVAL;
    if (!loop || !factory || !factory->create) return NULL;
    *err = ASY_ENOMEM;
    if (!(pool = ASY__NEW(asy_rpool_t))) return NULL;
    memset(pool, 0, sizeof(*pool));
    pool->loop = loop;
    pool->f = *factory;
    if (opts) pool->o = *opts;
    if (!pool->o.max) pool->o.max = 10;
    if (!pool->o.priorities) pool->o.priorities = 1;
    if (!pool->o.create_backoff_ms) pool->o.create_backoff_ms = 100;
    if (pool->o.min > pool->o.max || pool->o.priorities > 1024) {
        asy__free(pool);
        *err = ASY_EINVAL;
        return NULL;
    }
    asy__queue_init(&pool->idle);
    if (!(pool->waiters = ASY__NEW_ARRAY(asy__queue, pool->o.priorities))) {
        asy__free(pool);
        return NULL;
    }
    for (i = 0; i < pool->o.priorities; i++) asy__queue_init(&pool->waiters[i]);
    if (pool->o.idle_timeout_ms) {
        uint64_t every = pool->o.evict_interval_ms ? pool->o.evict_interval_ms
                                                   : pool->o.idle_timeout_ms / 2;
        pool->evictor = asy_set_interval(loop, asy__rpool_evict, pool, every ? every : 1);
        if (!pool->evictor.id) {
            asy__free(pool->waiters);
            asy__free(pool);
            return NULL;
        }
        asy_timer_unref(loop, pool->evictor); /* like an unref'd setInterval */
    }
    asy__rpool_enter(pool);
    asy__rpool_ensure_min(pool);
    asy__rpool_leave(pool);
    *err = 0;
    return pool;
}

ASYNCRT_API asy_promise_t *asy_rpool_acquire(asy_rpool_t *pool, unsigned priority) {
    asy__rwaiter *w;
    asy_promise_t *p;
    if (!pool) return NULL;
    if (pool->draining)
        return asy_promise_rejected(pool->loop, ASY_ESHUTDOWN, "the pool is draining");
    if (priority >= pool->o.priorities) priority = pool->o.priorities - 1;
    asy__rpool_enter(pool);
    if (pool->nwaiting == 0 && pool->nidle > 0 && !(pool->o.validate_on_borrow && pool->f.validate)) {
        /* the common case: an idle object, nobody ahead */
        asy__robj *obj = asy__rpool_take_idle(pool);
        if ((p = asy_promise_resolved(pool->loop, obj->resource)) != NULL) {
            obj->state = ASY__RO_BORROWED;
            pool->nborrowed++;
        } else {
            asy__rpool_to_idle(pool, obj);
        }
        asy__rpool_leave(pool);
        return p;
    }
    if (pool->o.max_waiting && pool->nwaiting >= pool->o.max_waiting) {
        asy__rpool_leave(pool);
        return asy_promise_rejected(pool->loop, ASY_EBUSY, "too many clients waiting for the pool");
    }
    p = asy_promise_new(pool->loop);
    if ((w = pool->free_waiters) != NULL) pool->free_waiters = w->next_free;
    else w = ASY__NEW(asy__rwaiter);
    if (!p || !w) {
        asy__free(w);
        asy_promise_release(p);
        asy__rpool_leave(pool);
        return NULL;
    }
    w->pool = pool;
    w->promise = p;
    w->timer.id = 0;
    w->next_free = NULL;
    if (pool->o.acquire_timeout_ms) {
        w->timer = asy_set_timeout(pool->loop, asy__rpool_waiter_timeout, w,
                                   pool->o.acquire_timeout_ms);
        if (!w->timer.id) {
            asy__free(w);
            asy_promise_release(p);
            asy__rpool_leave(pool);
            return NULL;
        }
    }
    asy__queue_insert_tail(&pool->waiters[priority], &w->link);
    pool->nwaiting++;
    p->refs_++; /* the waiter's and the caller's */
    if (pool->nidle || asy__rpool_size(pool) < pool->o.max) asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
    return p;
}

static int asy__rpool_give_back(asy_rpool_t *pool, void *resource, int broken) {
    asy__robj *obj;
    if (!pool) return ASY_EINVAL;
    obj = (asy__robj *)asy__ptrmap_get(&pool->objs, resource);
    if (!obj || obj->state != ASY__RO_BORROWED) return ASY_EINVAL;
    asy__rpool_enter(pool);
    pool->nborrowed--;
    if (broken) {
        asy__rpool_destroy_obj(pool, obj);
    } else if (pool->o.validate_on_return && pool->f.validate) {
        asy__rpool_validate(pool, obj, 0);
    } else if (pool->nwaiting > pool->nvalidating_borrow && pool->nidle == 0 &&
               !(pool->o.validate_on_borrow && pool->f.validate)) {
        /* the busy pool's common case: straight to the next client */
        asy__rpool_lend(pool, obj, asy__rpool_pop_waiter(pool));
        asy__rpool_leave(pool);
        return 0;
    } else {
        asy__rpool_to_idle(pool, obj);
    }
    asy__rpool_dispense(pool);
    asy__rpool_leave(pool);
    return 0;
}

ASYNCRT_API int asy_rpool_release(asy_rpool_t *pool, void *resource) {
    return asy__rpool_give_back(pool, resource, 0);
}

ASYNCRT_API int asy_rpool_destroy(asy_rpool_t *pool, void *resource) {
    return asy__rpool_give_back(pool, resource, 1);
}

/* use(): acquire -> fn -> release, whatever happens */
static void asy__ruse_finish(asy__ruse *u) {
    asy_promise_release(u->inner);
    asy__promise_unref(u->acquired);
    asy__promise_unref(u->result);
    asy__free(u);
}

static void asy__ruse_done(void *arg, const asy_settled_t *in) {
    asy__ruse *u = (asy__ruse *)arg;
    asy__promise_settle_like(u->result, in->promise);
    asy_rpool_release(u->pool, u->resource);
    asy__ruse_finish(u);
}

static void asy__ruse_start(void *arg, const asy_settled_t *in) {
    asy__ruse *u = (asy__ruse *)arg;
    asy__watch w;
    asy_ret_t ret;
    if (in->state != ASY_PROMISE_FULFILLED) { /* never got a resource */
        asy__promise_settle_like(u->result, in->promise);
        asy__ruse_finish(u);
        return;
    }
    u->resource = in->value;
    /* the resource goes back when fn's outcome is known: the memory to
     * learn it is taken before fn runs, else fn does not run at all */
    if (asy__watch_prepare(u->pool->loop, &w) != 0) {
        asy_promise_reject(u->result, ASY_ENOMEM, NULL);
        asy_rpool_release(u->pool, u->resource);
        asy__ruse_finish(u);
        return;
    }
    ret = u->fn(u->arg, u->resource);
    u->inner = asy__watch_ret(&w, &ret, asy__ruse_done, u);
}

ASYNCRT_API asy_promise_t *asy_rpool_use(asy_rpool_t *pool, unsigned priority,
                                         asy_rpool_use_fn fn, void *arg) {
    asy__ruse *u;
    asy__watch w;
    asy_promise_t *acquired;
    asy_ret_t ret;
    if (!pool || !fn) return NULL;
    if (!(u = ASY__NEW(asy__ruse))) return NULL;
    memset(u, 0, sizeof(*u));
    u->pool = pool;
    u->fn = fn;
    u->arg = arg;
    /* once the acquire is queued its resource must reach ruse_start, or it
     * would be lent to nobody: the watch is allocated first */
    if (!(u->result = asy_promise_new(pool->loop)) || asy__watch_prepare(pool->loop, &w) != 0) {
        asy_promise_release(u->result);
        asy__free(u);
        return NULL;
    }
    if (!(acquired = asy_rpool_acquire(pool, priority))) {
        asy__watch_cancel(&w);
        asy_promise_release(u->result);
        asy__free(u);
        return NULL;
    }
    ret = asy_chain(acquired);
    u->acquired = asy__watch_ret(&w, &ret, asy__ruse_start, u);
    u->result->refs_++;
    return u->result;
}

ASYNCRT_API asy_promise_t *asy_rpool_drain(asy_rpool_t *pool) {
    asy_promise_t *p;
    if (!pool) return NULL;
    if (!pool->drain_p && !(pool->drain_p = asy_promise_new(pool->loop))) return NULL;
    pool->draining = 1;
    p = asy_promise_retain(pool->drain_p);
    asy__rpool_enter(pool);
    asy__rpool_leave(pool); /* settles it at once if nothing is out */
    return p;
}

ASYNCRT_API asy_promise_t *asy_rpool_clear(asy_rpool_t *pool) {
    asy_promise_t *p;
    if (!pool) return NULL;
    if (!pool->clear_p && !(pool->clear_p = asy_promise_new(pool->loop))) return NULL;
    p = asy_promise_retain(pool->clear_p);
    pool->clearing = 1;
    asy__rpool_enter(pool);
    while (pool->nidle > 0) asy__rpool_destroy_obj(pool, asy__rpool_take_idle(pool));
    asy__rpool_leave(pool);
    return p;
}

ASYNCRT_API asy_promise_t *asy_rpool_end(asy_rpool_t *pool) {
    asy_promise_t *mine;
    if (!pool) return NULL;
    if (pool->end_p) return asy_promise_retain(pool->end_p);
    if (!(pool->end_p = asy_promise_new(pool->loop))) return NULL;
    mine = asy_promise_retain(pool->end_p); /* the caller's; the pool holds the other */
    pool->ending = 1;
    pool->draining = 1;
    asy__rpool_enter(pool);
    asy__rpool_leave(pool); /* may free the pool */
    return mine;
}

ASYNCRT_API int asy_rpool_stats(const asy_rpool_t *pool, asy_rpool_stats_t *out) {
    if (!pool || !out) return ASY_EINVAL;
    out->size = asy__rpool_size(pool);
    out->available = pool->nidle;
    out->borrowed = pool->nborrowed;
    out->pending = pool->nwaiting;
    out->min = pool->o.min;
    out->max = pool->o.max;
    return 0;
}
