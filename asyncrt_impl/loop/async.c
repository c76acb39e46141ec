#include "loop.internal.h"
#include "../base/queue.h"
#include "../base/thread.internal.h"
/* Async handles.  A send marks its handle pending, then the loop pending
 * (wake_pending_); only the send that flips wake_pending_ from 0 looks
 * further, and it calls the backend's wake (epoll, poll(2): a write to an
 * eventfd or pipe) only if the loop said it may block (sleeping_).  A loop
 * that is busy finds wake_pending_ set at its next poll phase without any
 * syscall on either side, so sends to a working loop cost a few atomics.
 *
 * The handshake is a store-then-load on both sides, all seq_cst:
 *   loop:   sleeping_ = 1;  if (wake_pending_) don't block;  wait
 *   sender: wake_pending_ = 1;  if (sleeping_) wake the backend
 * so either the loop sees the flag and does not block, or the sender sees
 * the loop asleep and wakes it (or both, which costs one spare wake-up).
 * The loop clears wake_pending_ *before* scanning the handles, so a send
 * racing the scan is either seen by the scan or flips the flag again: the
 * final wake is never lost.
 */

/* Runs the callbacks of pending async handles; the poll phase calls it
 * when wake_pending_ is set. */
ASY__INTERNAL void asy__async_dispatch(asy_loop_t *loop) {
    asy__queue q;
    asy__atomic_store(&loop->wake_pending_, 0, ASY__SEQ_CST);
    /* Walk a moved-aside list so callbacks may close or init any handle. */
    asy__queue_init(&q);
    asy__queue_move(&loop->async_handles_, &q);
    while (!asy__queue_empty(&q)) {
        asy_async_t *h = ASY_CONTAINER_OF(asy__queue_head(&q), asy_async_t, async_link_);
        asy__queue_remove(&h->async_link_);
        asy__queue_insert_tail(&loop->async_handles_, &h->async_link_);
        if (asy__atomic_exchange(&h->pending_, 0, ASY__SEQ_CST) == 0) continue;
        asy__cb_site(loop, NULL, (asy_handle_t *)h, (void (*)(void))h->cb_);
        h->cb_(h);
        asy__after_cb(loop);
    }
}

static void asy__async_class_close(asy_handle_t *h) { asy__async_close((asy_async_t *)h); }
static const asy__handle_class asy__async_class = {ASY_HANDLE_ASYNC, "async",
                                                   asy__async_class_close, NULL};

ASYNCRT_API int asy_async_init_at(asy_loop_t *loop, asy_async_t *h, asy_async_cb cb,
                                  const char *file, int line) {
    if (!asy__loop_live(loop) || !h || !cb) return ASY_EINVAL;
    asy__handle_init(loop, (asy_handle_t *)h, &asy__async_class, file, line);
    h->cb_ = cb;
    h->pending_ = 0;
    asy__queue_insert_tail(&loop->async_handles_, &h->async_link_);
    asy__handle_start((asy_handle_t *)h);
    return 0;
}

ASYNCRT_API int asy_async_send(asy_async_t *h) {
    asy_loop_t *loop;
    if (!h) return ASY_EINVAL;
    /* Already pending: the loop will see it. */
    if (asy__atomic_load(&h->pending_, ASY__RELAXED) ||
        asy__atomic_exchange(&h->pending_, 1, ASY__SEQ_CST))
        return 0;
    loop = h->loop;
    if (asy__atomic_exchange(&loop->wake_pending_, 1, ASY__SEQ_CST)) return 0;
    if (!asy__atomic_load(&loop->sleeping_, ASY__SEQ_CST)) return 0; /* it will look */
    return asy__backend_wake(loop);
}

ASY__INTERNAL void asy__async_close(asy_async_t *h) {
    asy__queue_remove(&h->async_link_);
    asy__handle_stop((asy_handle_t *)h);
}
