/* process.nextTick and queueMicrotask: the two queues the loop drains
 * after every callback (asy__drain), in Node's order.
 *
 * asy__taskq: FIFO ring of (fn, arg).  Grows by doubling; never shrinks
 * while the loop lives, so steady-state pushes do not allocate. */
#include "loop.internal.h"
ASY__INTERNAL int asy__taskq_push(asy__taskq *q, asy_fn fn, void *arg) {
    uint32_t tail;
    if (q->count == q->cap) {
        uint32_t ncap = q->cap ? q->cap * 2 : 64, i;
        struct asy__task *ni;
        if (ncap < q->cap) return ASY_ENOMEM;
        ni = ASY__NEW_ARRAY(struct asy__task, ncap);
        if (!ni) return ASY_ENOMEM;
        for (i = 0; i < q->count; i++) ni[i] = q->items[(q->head + i) & (q->cap - 1)];
        asy__free(q->items);
        q->items = ni;
        q->cap = ncap;
        q->head = 0;
    }
    tail = (q->head + q->count) & (q->cap - 1);
    q->items[tail].fn = fn;
    q->items[tail].arg = arg;
    q->count++;
    return 0;
}

static inline struct asy__task asy__taskq_pop(asy__taskq *q) {
    struct asy__task t = q->items[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->count--;
    return t;
}

ASY__INTERNAL void asy__taskq_free(asy__taskq *q) {
    asy__free(q->items);
    memset(q, 0, sizeof(*q));
}

/* Node >= 11: all nextTicks (including ones they queue), then all
 * microtasks (including ones they queue; ticks queued meanwhile wait),
 * and again until both queues are empty. */
ASY__INTERNAL void asy__drain(asy_loop_t *loop) {
    do {
        do {
            while (loop->ticks_.count) {
                struct asy__task t = asy__taskq_pop(&loop->ticks_);
                t.fn(t.arg);
            }
            while (loop->microtasks_.count) {
                struct asy__task t = asy__taskq_pop(&loop->microtasks_);
                t.fn(t.arg);
            }
        } while (loop->ticks_.count);
        if (loop->after_drain_) loop->after_drain_(loop);
    } while (loop->ticks_.count | loop->microtasks_.count);
    if (loop->watch_) loop->watch_fn_(loop);
}

ASYNCRT_API int asy_next_tick(asy_loop_t *loop, asy_fn cb, void *arg) {
    if (!asy__loop_live(loop) || !cb) return ASY_EINVAL;
    return asy__taskq_push(&loop->ticks_, cb, arg);
}

ASYNCRT_API int asy_queue_microtask(asy_loop_t *loop, asy_fn cb, void *arg) {
    if (!asy__loop_live(loop) || !cb) return ASY_EINVAL;
    return asy__taskq_push(&loop->microtasks_, cb, arg);
}

ASYNCRT_API void asy_run_microtasks(asy_loop_t *loop) {
    if (loop) asy__after_cb(loop);
}
