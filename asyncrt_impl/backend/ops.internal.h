/* The op layer: the contract every backend serves (backend/ops.c) and the
 * readiness emulation epoll and poll(2) share (backend/readiness.c). */

#pragma once
#include "backend.h"
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
    ASY__FD_CORKED = 8 /* readiness emulation: in the corked list */
};
/* The size suggested to lazy allocators (libuv's 64 KiB). */
#define ASY__READ_SUGGEST 65536

/* ---- the contract (backend/ops.c) ------------------------------------ */
ASY__INTERNAL void asy__opfd_init(asy__opfd *f, asy_os_fd_t fd, unsigned flags);
/* Queues op on f (op->kind and its arguments set by the caller).  0, or
 * a negative code when the op cannot start (nothing is queued then and the
 * callback never runs).  The callback always comes from the loop. */
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
/* One write or send attempt outside the queue (try_write / try_send):
 * bytes written, ASY_EAGAIN when it would block or writes are queued. */
ASY__INTERNAL ptrdiff_t asy__opfd_try_write(asy_loop_t *loop, asy__opfd *f, const asy_iov_t *iov,
                                            unsigned n, const void *addr, unsigned addrlen);
ASY__INTERNAL void asy__ops_loop_init(asy_loop_t *loop);
/* For backends: a finished op (result set) is parked in the loop's done
 * queue and delivered from the next pending phase. */
ASY__INTERNAL void asy__op_done(asy_loop_t *loop, asy__op *op);
/* For backends: makes sure the pending phase runs (and calls release). */
ASY__INTERNAL void asy__ops_arm(asy_loop_t *loop);

/* ---- the readiness emulation (backend/readiness.c) --------------------
 * A readiness backend's private state begins with this struct, so the
 * emulation finds it at loop->backend_data_ whichever backend runs. */
typedef struct {
    char *rbuf;            /* the loop's read buffer (ASY__OPF_BACKEND_BUF) */
    asy__opfd **corked;    /* fds whose writes wait to go out together */
    unsigned ncorked, corked_cap;
} asy__emu_state;
ASY__INTERNAL void asy__emu_init(asy__emu_state *st);
ASY__INTERNAL void asy__emu_free(asy__emu_state *st);
/* The emulation's entries for a backend table. */
ASY__INTERNAL int asy__emu_submit(asy_loop_t *loop, asy__opfd *f, asy__op *op);
ASY__INTERNAL int asy__emu_cancel(asy_loop_t *loop, asy__op *op);
ASY__INTERNAL void asy__emu_fd_close(asy_loop_t *loop, asy__opfd *f);
ASY__INTERNAL int asy__emu_release(asy_loop_t *loop);
ASY__INTERNAL ptrdiff_t asy__emu_try_write(asy__opfd *f, const asy_iov_t *iov, unsigned n,
                                           const void *addr, unsigned addrlen);
/* Process-wide: whether this process has forked (pthread_atfork), after
 * which closing an fd no longer proves the kernel dropped its epoll
 * registration. */
ASY__INTERNAL int asy__emu_forked(void);

/* Defined in readiness.c, used by process/spawn.c: a fork is coming, so
 * closing an fd no longer proves the kernel dropped its registration. */
static void asy__note_fork(void);

/* Each backend's table, defined in its file and listed, best first, by
 * backend.c. */
#if ASYNCRT_OS_LINUX
static const asy__backend_t *asy__epoll_table(void);
#endif
static const asy__backend_t *asy__pollb_table(void);
