/* p-limit.  Waiting tasks sit in a growable ring of small records (push at
 * the tail, pop at the head: O(1), where the seed's Array.shift() is O(n),
 * and contiguous, so a million queued tasks stream through the cache);
 * running tasks get a record from a pool that holds at most `concurrency`
 * of them, always warm.  A steady stream of tasks allocates nothing but
 * the promises it hands out. */
#include "limit.h"
#include "../loop/handle.h"
#include "../promise/promise.internal.h"
typedef struct {       /* 32 bytes */
    asy__any_fn fn;    /* an asy_task_fn, or an asy_map_fn when index is not */
    void *arg;         /* ASY__LIMIT_TASK */
    size_t index;
    asy_promise_t *result; /* what asy_limit_run returned (our reference) */
} asy__limit_item;

#define ASY__LIMIT_TASK SIZE_MAX

typedef struct asy__limit_running {
    void *pool_link_;
    asy_limit_t *lim;
    asy_promise_t *result;
    asy_promise_t *inner; /* the task's promise */
} asy__limit_running;

struct asy_limit_s {
    asy_loop_t *loop;
    size_t concurrency, active;
    asy__limit_item *ring; /* cap is a power of two */
    size_t head, count, cap;
    asy__objpool running;
    int starting; /* inside asy__limit_next: callbacks must not recurse into it */
    int freed;    /* asy_limit_free called: goes when the last task ends */
};

static void asy__limit_destroy(asy_limit_t *lim) {
    asy__objpool_destroy(&lim->running);
    asy__free(lim->ring);
    asy__free(lim);
}

static void asy__limit_next(asy_limit_t *lim);

static void asy__limit_finish(asy__limit_running *t) {
    asy_limit_t *lim = t->lim;
    if (t->inner) asy__promise_unref(t->inner);
    asy__promise_unref(t->result);
    asy__objpool_free(&lim->running, t);
    lim->active--;
    asy__limit_next(lim);
}

/* One microtask after the task's outcome is known (the tick a reaction
 * would take): settle (unless the caller settled it by hand), free the slot. */
static void asy__limit_task_done_job(void *arg) {
    asy__limit_running *t = (asy__limit_running *)arg;
    asy__promise_settle_like(t->result, t->inner);
    asy__limit_finish(t);
}

static void asy__limit_task_done(void *arg, const asy_settled_t *in) {
    (void)in;
    asy__limit_task_done_job(arg);
}

static void asy__limit_start(asy_limit_t *lim, const asy__limit_item *it) {
    asy__limit_running *t = (asy__limit_running *)asy__objpool_alloc(&lim->running);
    asy__promise_state *st = it->result->st_;
    asy__reaction *r = NULL;
    asy_promise_t *inner;
    asy_ret_t ret;
    /* The slot is freed when the task's outcome is known: the reaction that
     * learns it is taken before the task runs, which otherwise does not
     * run (a task still at work must keep its slot). */
    if (!t || !(r = asy__reaction_alloc(st))) {
        if (t) asy__objpool_free(&lim->running, t);
        asy_promise_reject(it->result, ASY_ENOMEM, NULL);
        asy__promise_unref(it->result);
        return;
    }
    t->lim = lim;
    t->result = it->result;
    t->inner = NULL;
    lim->active++;
    ret = it->index == ASY__LIMIT_TASK ? ((asy_task_fn)it->fn)(it->arg)
                                       : ((asy_map_fn)it->fn)(it->arg, it->index);
    t->inner = inner = asy__promise_from_ret(lim->loop, &ret);
    if (inner) {
        /* already settled (the usual synchronous task): queue its job
         * without a reaction record */
        if (inner->res_.state != ASY_PROMISE_PENDING &&
            asy__promise_push_microtask(inner->st_, asy__limit_task_done_job, t) == 0) {
            inner->flags_ |= ASY__PROM_HANDLED;
            asy__reaction_free(st, r);
            return;
        }
        if (inner->st_ == st) {
            r->kind = ASY__REACT_OBSERVE;
            r->fn_a = (asy__any_fn)asy__limit_task_done;
            r->arg = t;
            asy__promise_attach(inner, r);
            return;
        }
        asy__reaction_free(st, r);
        if (asy_promise_on_settled(inner, asy__limit_task_done, t) == 0) return;
        asy_promise_mark_handled(inner);
    } else {
        asy__reaction_free(st, r); /* the task is over; its outcome is lost */
    }
    asy_promise_reject(t->result, ASY_ENOMEM, NULL);
    asy__limit_finish(t);
}

static void asy__limit_next(asy_limit_t *lim) {
    if (lim->starting) return;
    lim->starting = 1;
    while (lim->active < lim->concurrency && lim->count) {
        asy__limit_item it = lim->ring[lim->head];
        lim->head = (lim->head + 1) & (lim->cap - 1);
        lim->count--;
        if (lim->count > 4) ASY__PREFETCH(lim->ring[(lim->head + 4) & (lim->cap - 1)].result);
        asy__limit_start(lim, &it);
    }
    lim->starting = 0;
    if (lim->freed && lim->active == 0) asy__limit_destroy(lim);
}

ASYNCRT_API asy_limit_t *asy_limit_new(asy_loop_t *loop, size_t concurrency, int *err) {
    asy_limit_t *lim;
    int dummy;
    if (!err) err = &dummy;
    *err = ASY_EINVAL;
    if (!loop || concurrency == 0) return NULL;
    *err = ASY_ENOMEM;
    if (!(lim = ASY__NEW(asy_limit_t))) return NULL;
    *err = 0;
    memset(lim, 0, sizeof(*lim));
    lim->loop = loop;
    lim->concurrency = concurrency;
    asy__objpool_init(&lim->running, sizeof(asy__limit_running), ASY__OBJ_LIVE);
    return lim;
}

static int asy__limit_grow(asy_limit_t *lim) {
    size_t ncap = lim->cap ? lim->cap * 2 : 64, i;
    asy__limit_item *n;
    if (ncap < lim->cap || !(n = ASY__NEW_ARRAY(asy__limit_item, ncap))) return ASY_ENOMEM;
    for (i = 0; i < lim->count; i++) n[i] = lim->ring[(lim->head + i) & (lim->cap - 1)];
    asy__free(lim->ring);
    lim->ring = n;
    lim->cap = ncap;
    lim->head = 0;
    return 0;
}

static asy_promise_t *asy__limit_push(asy_limit_t *lim, asy__any_fn fn, void *arg, size_t index) {
    asy__limit_item *it;
    asy_promise_t *result;
    if (lim->count == lim->cap && asy__limit_grow(lim) != 0) return NULL;
    if (!(result = asy_promise_new(lim->loop))) return NULL;
    it = &lim->ring[(lim->head + lim->count) & (lim->cap - 1)];
    it->fn = fn;
    it->arg = arg;
    it->index = index;
    it->result = result;
    result->refs_++; /* ours and the caller's */
    lim->count++;
    asy__limit_next(lim);
    return result;
}

ASYNCRT_API asy_promise_t *asy_limit_run(asy_limit_t *lim, asy_task_fn fn, void *arg) {
    if (!lim || !fn || lim->freed) return NULL;
    return asy__limit_push(lim, (asy__any_fn)fn, arg, ASY__LIMIT_TASK);
}

ASYNCRT_API asy_promise_t *asy_limit_map(asy_limit_t *lim, size_t n, asy_map_fn fn, void *arg) {
    asy_promise_t **ps, *all = NULL;
    size_t i;
    if (!lim || !fn || lim->freed) return NULL;
    if (n == 0) return asy_promise_all(lim->loop, NULL, 0);
    if (n >= ASY__LIMIT_TASK) return NULL;
    /* Everything that can fail comes before the first task is queued, so a
     * NULL return leaves no task behind. */
    while (lim->cap - lim->count < n)
        if (asy__limit_grow(lim) != 0) return NULL;
    if (!(ps = ASY__NEW_ARRAY(asy_promise_t *, n))) return NULL;
    for (i = 0; i < n; i++)
        if (!(ps[i] = asy_promise_new(lim->loop))) break;
    if (i == n) all = asy_promise_all(lim->loop, ps, n);
    if (!all) {
        while (i-- > 0) asy__promise_unref(ps[i]);
        asy__free(ps);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        asy__limit_item *it = &lim->ring[(lim->head + lim->count) & (lim->cap - 1)];
        it->fn = (asy__any_fn)fn;
        it->arg = arg;
        it->index = i;
        it->result = ps[i]; /* the queue's reference */
        lim->count++;
    }
    asy__free(ps);
    asy__limit_next(lim);
    return all;
}

ASYNCRT_API size_t asy_limit_active(const asy_limit_t *lim) { return lim ? lim->active : 0; }
ASYNCRT_API size_t asy_limit_pending(const asy_limit_t *lim) { return lim ? lim->count : 0; }
ASYNCRT_API size_t asy_limit_concurrency(const asy_limit_t *lim) {
    return lim ? lim->concurrency : 0;
}

ASYNCRT_API int asy_limit_set_concurrency(asy_limit_t *lim, size_t concurrency) {
    if (!lim || concurrency == 0 || lim->freed) return ASY_EINVAL;
    lim->concurrency = concurrency;
    asy__limit_next(lim);
    return 0;
}

ASYNCRT_API size_t asy_limit_clear_queue(asy_limit_t *lim) {
    size_t n = 0;
    if (!lim) return 0;
    while (lim->count) {
        asy__limit_item it = lim->ring[lim->head];
        lim->head = (lim->head + 1) & (lim->cap - 1);
        lim->count--;
        asy_promise_reject(it.result, ASY_ECANCELED, "cleared from the limit queue");
        asy__promise_unref(it.result);
        n++;
    }
    return n;
}

ASYNCRT_API void asy_limit_free(asy_limit_t *lim) {
    if (!lim || lim->freed) return;
    asy_limit_clear_queue(lim);
    lim->freed = 1;
    if (lim->active == 0 && !lim->starting) asy__limit_destroy(lim);
}
