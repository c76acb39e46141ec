#include "loop.internal.h"
#include "../base/queue.h"
#include "../base/thread.internal.h"
#if ASYNCRT_OS_LINUX
#include <sys/eventfd.h>
#endif
/* Async handles.  A send marks its handle pending, then the loop pending
 * (wake_pending_); only the send that flips wake_pending_ from 0 looks
 * further, and it writes the loop's wake-up fd (an eventfd on Linux, a
 * pipe elsewhere) only if the loop said it may block (sleeping_).  A loop
 * that is busy finds wake_pending_ set at its next poll phase without any
 * syscall on either side, so sends to a working loop cost a few atomics.
 *
 * The handshake is a store-then-load on both sides, all seq_cst:
 *   loop:   sleeping_ = 1;  if (wake_pending_) don't block;  wait on the fd
 *   sender: wake_pending_ = 1;  if (sleeping_) write the fd
 * so either the loop sees the flag and does not block, or the sender sees
 * the loop asleep and wakes it (or both, which costs one spare wake-up).
 * The loop clears wake_pending_ *before* scanning the handles, so a send
 * racing the scan is either seen by the scan or flips the flag again: the
 * final wake is never lost.
 *
 * With epoll the eventfd is edge-triggered: every write is a new edge, so
 * the loop never has to read the counter back (it would take 2^64 writes
 * to fill it).  The poll backend is level-triggered, so the fd is drained
 * there. */

static void asy__wake_read(asy_loop_t *loop, asy__io *io, unsigned revents) {
    char buf[256];
    (void)revents;
    if (io->registered & ASY__IO_EDGE) return;
    for (;;) {
        ssize_t n = read(io->fd, buf, sizeof(buf));
        if (n == (ssize_t)sizeof(buf) && io->fd != loop->wake_wfd_) continue; /* pipe */
        if (n < 0 && errno == EINTR) continue;
        break;
    }
}

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

ASY__INTERNAL int asy__async_loop_init(asy_loop_t *loop) {
    int rfd, r;
    unsigned events = ASY_READABLE;
#if ASYNCRT_OS_LINUX
    rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (rfd < 0) return asy__errno();
    loop->wake_wfd_ = rfd;
    if (loop->backend_.kind == ASY__BACKEND_EPOLL) events |= ASY__IO_EDGE;
#else
    int fds[2];
    if (pipe(fds) != 0) return asy__errno();
    if ((r = asy__set_nonblock_cloexec(fds[0])) || (r = asy__set_nonblock_cloexec(fds[1]))) {
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    rfd = fds[0];
    loop->wake_wfd_ = fds[1];
#endif
    asy__io_init(&loop->wake_io_, rfd, asy__wake_read);
    r = asy__io_start(loop, &loop->wake_io_, events);
    if (r) {
        close(rfd);
        if (loop->wake_wfd_ != rfd) close(loop->wake_wfd_);
        loop->wake_wfd_ = -1;
    }
    return r;
}

ASY__INTERNAL void asy__async_loop_close(asy_loop_t *loop) {
    int rfd = loop->wake_io_.fd;
    if (rfd < 0) return;
    asy__io_close(loop, &loop->wake_io_);
    close(rfd);
    if (loop->wake_wfd_ >= 0 && loop->wake_wfd_ != rfd) close(loop->wake_wfd_);
    loop->wake_wfd_ = -1;
    loop->wake_io_.fd = -1;
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
    for (;;) {
#if ASYNCRT_OS_LINUX
        uint64_t one = 1;
        ssize_t n = write(loop->wake_wfd_, &one, sizeof(one));
#else
        char one = 1;
        ssize_t n = write(loop->wake_wfd_, &one, 1);
#endif
        if (n >= 0 || errno == EAGAIN) return 0; /* EAGAIN: a wake is queued anyway */
        if (errno != EINTR) return asy__errno();
    }
}

ASY__INTERNAL void asy__async_close(asy_async_t *h) {
    asy__queue_remove(&h->async_link_);
    asy__handle_stop((asy_handle_t *)h);
}
