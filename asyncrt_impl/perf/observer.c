/* PerformanceObserver: entries are batched per observer and delivered
 * from one immediate for all observers (Node's queuePending). */
#include "perf.h"
#include "perf.internal.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../loop/timer.h"
#include "../loop/immediate.h"
#include "../loop/loop.internal.h"

static void asy__perf_batch_free(asy_perf_observer_t *obs) {
    size_t i;
    for (i = 0; i < obs->n_; i++) asy__free((void *)obs->batch_[i].name);
    obs->n_ = 0;
}

static void asy__perf_deliver(void *arg) {
    asy__perf_state *st = (asy__perf_state *)arg;
    asy__queue ready, *q;
    st->deliver.id = 0;
    /* move the observers with entries aside: a callback may disconnect or
     * observe (itself or another), and new entries start a new round */
    asy__queue_init(&ready);
    q = st->observers.next;
    while (q != &st->observers) {
        asy_perf_observer_t *obs = ASY_CONTAINER_OF(q, asy_perf_observer_t, link_);
        q = q->next;
        if (!obs->queued_) continue;
        asy__queue_remove(&obs->link_);
        asy__queue_insert_tail(&ready, &obs->link_);
    }
    while (!asy__queue_empty(&ready)) {
        asy_perf_observer_t *obs =
            ASY_CONTAINER_OF(asy__queue_head(&ready), asy_perf_observer_t, link_);
        asy_perf_entry_t *batch = obs->batch_;
        size_t n = obs->n_, i;
        asy__queue_remove(&obs->link_);
        asy__queue_insert_tail(&st->observers, &obs->link_);
        obs->queued_ = 0;
        /* the batch is handed over: entries the callback causes go to a
         * fresh one, delivered next round */
        obs->batch_ = NULL;
        obs->n_ = obs->cap_ = 0;
        obs->cb_(obs, batch, n, obs->arg_);
        for (i = 0; i < n; i++) asy__free((void *)batch[i].name);
        asy__free(batch);
    }
}

ASY__INTERNAL void asy__perf_enqueue(asy__perf_state *st, const asy_perf_entry_t *e) {
    asy__queue *q;
    for (q = st->observers.next; q != &st->observers; q = q->next) {
        asy_perf_observer_t *obs = ASY_CONTAINER_OF(q, asy_perf_observer_t, link_);
        asy_perf_entry_t *slot;
        char *copy;
        if (!((unsigned)e->type & obs->types_)) continue;
        if (obs->n_ == obs->cap_) {
            size_t ncap = obs->cap_ ? obs->cap_ * 2 : 8;
            asy_perf_entry_t *nb =
                (asy_perf_entry_t *)asy__realloc(obs->batch_, ncap * sizeof(*nb));
            if (!nb) continue; /* out of memory: this observer misses the entry */
            obs->batch_ = nb;
            obs->cap_ = ncap;
        }
        copy = asy__strdup(e->name);
        if (!copy) continue;
        slot = &obs->batch_[obs->n_++];
        *slot = *e;
        slot->name = copy;
        obs->queued_ = 1;
        if (!st->deliver.id) st->deliver = asy_set_immediate(st->loop, asy__perf_deliver, st);
    }
}

ASY__INTERNAL void asy__perf_observers_close(asy__perf_state *st) {
    if (st->deliver.id) asy_clear_immediate(st->loop, st->deliver);
    st->deliver.id = 0;
    while (!asy__queue_empty(&st->observers)) {
        asy_perf_observer_t *obs =
            ASY_CONTAINER_OF(asy__queue_head(&st->observers), asy_perf_observer_t, link_);
        asy_perf_disconnect(obs);
    }
}

ASYNCRT_API int asy_perf_observe(asy_loop_t *loop, asy_perf_observer_t *obs, unsigned types,
                                 asy_perf_observer_cb cb, void *arg) {
    asy__perf_state *st;
    if (!asy__loop_live(loop) || !obs || !cb || (types & ~(unsigned)ASY_PERF_ALL) || !types)
        return ASY_EINVAL;
    if (obs->loop_ && obs->loop_ == loop && !asy__queue_empty(&obs->link_)) {
        obs->types_ = types; /* observe() again: new types, same observer */
        obs->cb_ = cb;
        obs->arg_ = arg;
        return 0;
    }
    if (!(st = asy__perf_st(loop))) return ASY_ENOMEM;
    obs->loop_ = loop;
    obs->types_ = types;
    obs->cb_ = cb;
    obs->arg_ = arg;
    obs->batch_ = NULL;
    obs->n_ = obs->cap_ = 0;
    obs->queued_ = 0;
    asy__queue_insert_tail(&st->observers, &obs->link_);
    return 0;
}

ASYNCRT_API int asy_perf_disconnect(asy_perf_observer_t *obs) {
    if (!obs || !obs->loop_ || asy__queue_empty(&obs->link_)) return ASY_EINVAL;
    asy__queue_remove(&obs->link_);
    asy__queue_init(&obs->link_);
    asy__perf_batch_free(obs);
    asy__free(obs->batch_);
    obs->batch_ = NULL;
    obs->cap_ = 0;
    obs->queued_ = 0;
    return 0;
}
