/* Timers live in the loop's heap keyed by due time (ms); the heap keeps
 * equal deadlines in start order. */
#include "loop.internal.h"
#include "slots.internal.h"
#include "../base/queue.h"

ASY__INTERNAL int asy__timers_init(asy_loop_t *loop) {
    asy__heap_init(&loop->timers_);
    asy__slots_init(&loop->ctimers_, sizeof(asy__ctimer));
    return 0;
}

ASY__INTERNAL void asy__timers_free(asy_loop_t *loop) {
    asy__heap_free(&loop->timers_);
    asy__slots_free(&loop->ctimers_);
}

static void asy__timer_setup(asy_loop_t *loop, asy_timer_t *t) {
    t->cb_ = NULL;
    t->due_ = 0;
    t->repeat_ = 0;
    asy__heap_node_init(&t->heap_node_);
    (void)loop;
}

static void asy__timer_close(asy_handle_t *h) { asy_timer_stop((asy_timer_t *)h); }
static const asy__handle_class asy__timer_class = {ASY_HANDLE_TIMER, "timer", asy__timer_close,
                                                   NULL};

ASYNCRT_API int asy_timer_init_at(asy_loop_t *loop, asy_timer_t *t, const char *file, int line) {
    if (!asy__loop_live(loop) || !t) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)t, &asy__timer_class, file, line);
    asy__timer_setup(loop, t);
    return 0;
}

static int asy__timer_arm(asy_timer_t *t, uint64_t timeout) {
    asy_loop_t *loop = t->loop;
    uint64_t due = loop->time_ + timeout;
    if (due < loop->time_) due = UINT64_MAX; /* saturate huge timeouts */
    asy__heap_remove(&loop->timers_, &t->heap_node_);
    if (asy__heap_insert(&loop->timers_, &t->heap_node_, due)) {
        asy__handle_stop((asy_handle_t *)t);
        return ASY_ENOMEM;
    }
    t->due_ = due;
    asy__handle_start((asy_handle_t *)t);
    return 0;
}

ASYNCRT_API int asy_timer_start(asy_timer_t *t, asy_timer_cb cb, uint64_t timeout,
                                uint64_t repeat) {
    if (!t || !cb || (t->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED))) return ASY_EINVAL;
    t->cb_ = cb;
    t->repeat_ = repeat;
    return asy__timer_arm(t, timeout);
}

ASYNCRT_API int asy_timer_stop(asy_timer_t *t) {
    if (!t) return ASY_EINVAL;
    asy__heap_remove(&t->loop->timers_, &t->heap_node_);
    asy__handle_stop((asy_handle_t *)t);
    return 0;
}

ASYNCRT_API int asy_timer_again(asy_timer_t *t) {
    if (!t || !t->cb_ || (t->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED))) return ASY_EINVAL;
    if (t->repeat_ == 0) return 0;
    return asy__timer_arm(t, t->repeat_);
}

ASYNCRT_API void asy_timer_set_repeat(asy_timer_t *t, uint64_t repeat) {
    if (t) t->repeat_ = repeat;
}

ASYNCRT_API uint64_t asy_timer_get_repeat(const asy_timer_t *t) { return t ? t->repeat_ : 0; }

ASYNCRT_API uint64_t asy_timer_get_due_in(const asy_timer_t *t) {
    if (!t || !asy__heap_node_active(&t->heap_node_) || t->due_ <= t->loop->time_) return 0;
    return t->due_ - t->loop->time_;
}

ASY__INTERNAL int64_t asy__next_timeout(const asy_loop_t *loop) {
    const asy__heap_entry *min = asy__heap_min(&loop->timers_);
    if (!min) return -1;
    if (min->key <= loop->time_) return 0;
    return (int64_t)(min->key - loop->time_ > (uint64_t)INT64_MAX ? INT64_MAX
                                                                    : min->key - loop->time_);
}

/* The timers phase.  Only timers started before the phase began may run
 * in it (seq below the mark): a 0 ms timer started by a timer callback
 * waits for the next iteration, as in Node. */
ASY__INTERNAL void asy__run_timers(asy_loop_t *loop) {
    uint64_t mark = loop->timers_.next_seq;
    for (;;) {
        const asy__heap_entry *min = asy__heap_min(&loop->timers_);
        asy_timer_t *t;
        if (!min || min->key > loop->time_ || min->seq >= mark) break;
        t = ASY_CONTAINER_OF(min->node, asy_timer_t, heap_node_);
        asy__heap_remove(&loop->timers_, &t->heap_node_);
        if (t->repeat_) {
            /* re-armed before the callback so the callback may stop it */
            if (asy__timer_arm(t, t->repeat_)) asy__handle_stop((asy_handle_t *)t);
        } else {
            asy__handle_stop((asy_handle_t *)t);
        }
        /* The callback may free t (a one-shot convenience timer's slot is
         * released by it): t is not touched afterwards. */
        asy__cb_site(loop, "timer", (asy_handle_t *)t, (void (*)(void))t->cb_);
        t->cb_(t);
        asy__after_cb(loop);
    }
}

/* ---- setTimeout / setInterval ------------------------------------------ */

static void asy__ctimer_fire(asy_timer_t *t) {
    asy__ctimer *c = ASY_CONTAINER_OF(t, asy__ctimer, timer);
    asy_loop_t *loop = t->loop;
    if (!c->interval) {
        asy_fn cb = c->cb;
        void *arg = c->arg;
        asy__slots_release(&loop->ctimers_, &c->slot); /* a clear from cb is a no-op */
        asy__cb_name(loop, "setTimeout", NULL, 0, (void (*)(void))cb);
        cb(arg);
    } else {
        asy__cb_name(loop, "setInterval", NULL, 0, (void (*)(void))c->cb);
        c->cb(c->arg);
    }
}

static asy_timer_id_t asy__ctimer_new(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms,
                                    int interval) {
    asy_timer_id_t id;
    asy__ctimer *c;
    id.id = 0;
    if (!asy__loop_live(loop) || !cb) return id;
    c = (asy__ctimer *)(void *)asy__slots_alloc(&loop->ctimers_);
    if (!c) return id;
    c->cb = cb;
    c->arg = arg;
    c->ms = ms;
    c->interval = interval;
    c->timer.loop = loop;
    c->timer.type = ASY_HANDLE_TIMER;
    c->timer.flags_ = ASY__H_REF | ASY__H_INTERNAL;
    c->timer.data = c;
    asy__queue_init(&c->timer.handle_link_);
    asy__queue_init(&c->timer.closing_link_);
    asy__timer_setup(loop, &c->timer);
    c->timer.cb_ = asy__ctimer_fire;
    /* Node clamps interval repeats below 1 ms to 1 ms */
    c->timer.repeat_ = interval ? (ms ? ms : 1) : 0;
    if (asy__timer_arm(&c->timer, ms)) {
        asy__slots_release(&loop->ctimers_, &c->slot);
        return id;
    }
    id.id = asy__slot_id(&c->slot);
    return id;
}

ASYNCRT_API asy_timer_id_t asy_set_timeout(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms) {
    return asy__ctimer_new(loop, cb, arg, ms, 0);
}

ASYNCRT_API asy_timer_id_t asy_set_interval(asy_loop_t *loop, asy_fn cb, void *arg, uint64_t ms) {
    return asy__ctimer_new(loop, cb, arg, ms, 1);
}

static asy__ctimer *asy__ctimer_get(asy_loop_t *loop, asy_timer_id_t id) {
    if (!loop) return NULL;
    return (asy__ctimer *)(void *)asy__slots_lookup(&loop->ctimers_, id.id);
}

ASYNCRT_API int asy_clear_timer(asy_loop_t *loop, asy_timer_id_t id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    asy_timer_stop(&c->timer);
    asy__slots_release(&loop->ctimers_, &c->slot);
    return 0;
}

ASYNCRT_API int asy_timer_refresh(asy_loop_t *loop, asy_timer_id_t id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    return asy__timer_arm(&c->timer, c->ms);
}

ASYNCRT_API int asy_timer_ref(asy_loop_t *loop, asy_timer_id_t id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    asy_ref((asy_handle_t *)&c->timer);
    return 0;
}

ASYNCRT_API int asy_timer_unref(asy_loop_t *loop, asy_timer_id_t id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    asy_unref((asy_handle_t *)&c->timer);
    return 0;
}

ASYNCRT_API int asy_timer_has_ref(asy_loop_t *loop, asy_timer_id_t id) {
    asy__ctimer *c = asy__ctimer_get(loop, id);
    if (!c) return loop ? ASY_ENOENT : ASY_EINVAL;
    return asy_has_ref((asy_handle_t *)&c->timer);
}
