/* The completion-based operation layer over the readiness backends (see
 * loop/op.h).  Sockets, pipes and TTYs (net layer) and later files use it,
 * so the layers above never see whether epoll, poll(2), io_uring or IOCP
 * runs underneath. */
#pragma once
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../loop/op.h"

/* op->state_ */
enum { ASY__OPS_IDLE = 0, ASY__OPS_QUEUED = 1, ASY__OPS_DONE = 2 };
/* opfd->flags_ */
enum {
    ASY__FD_SOCKET = 1, /* send with MSG_NOSIGNAL: never SIGPIPE */
    ASY__FD_CLOSED = 2,
    /* another reference to the open file may exist (an adopted fd, one
     * handed out by asy_sock_fileno, one a child process inherits or one
     * sent over a Unix socket): unregister explicitly on close.  Code that
     * shares an fd of a handle by other means must set it. */
    ASY__FD_SHARED = 4,
    ASY__FD_CORKED = 8 /* in the loop's corked list */
};
/* The size suggested to lazy allocators (libuv's 64 KiB). */
#define ASY__READ_SUGGEST 65536
/* The loop's shared read buffer: one serves every socket of the loop.
 * 64 KiB like libuv's suggestion -- a larger one saves reads but copies
 * into memory that no longer stays in cache (pump1: 256 KiB was 25%
 * slower per CPU second). */
#define ASY__LOOPBUF_SIZE (64 * 1024)

ASY__INTERNAL void asy__opfd_init(asy__opfd *f, int fd, unsigned flags);
/* Queues op on f (op->kind and its arguments set by the caller).  0, or
 * a negative code when the fd cannot be watched (nothing is queued then
 * and the callback never runs).  Writes, sends, connects and shutdowns
 * are tried at once when nothing is ahead of them; their completion is
 * still delivered from the loop's pending phase. */
ASY__INTERNAL int asy__op_submit(asy_loop_t *loop, asy__opfd *f, asy__op *op);
/* A queued op completes with ASY_ECANCELED (from the loop); 0, or
 * ASY_EALREADY when its result is already decided (or it is not queued). */
ASY__INTERNAL int asy__op_cancel(asy_loop_t *loop, asy__op *op);
/* Cancels every queued op and forgets the fd; call right before
 * close(fd) (an fd the caller keeps open must be ASY__FD_SHARED). */
ASY__INTERNAL void asy__opfd_close(asy_loop_t *loop, asy__opfd *f);
/* Delivers now the completions of f still waiting for the pending phase:
 * the close phase calls it so they run before the handle's close callback. */
ASY__INTERNAL void asy__opfd_flush(asy_loop_t *loop, asy__opfd *f);
static inline int asy__opfd_busy(const asy__opfd *f) {
    return !asy__queue_empty(&f->readq_) || !asy__queue_empty(&f->writeq_) || f->ndone_ > 0;
}
ASY__INTERNAL void asy__ops_loop_init(asy_loop_t *loop);
ASY__INTERNAL void asy__ops_loop_close(asy_loop_t *loop);
/* One write or send attempt outside the queue (try_write / try_send):
 * bytes written, ASY_EAGAIN when it would block or writes are queued. */
ASY__INTERNAL ptrdiff_t asy__opfd_try_write(asy__opfd *f, const asy_iov_t *iov, unsigned n,
                                            const void *addr, unsigned addrlen);
