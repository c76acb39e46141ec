#include "backend.h"
#include "ops.internal.h"
#include "../base/queue.h"
#include "../base/thread.internal.h"
#include "../loop/loop.internal.h"
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>
/* The readiness emulation: completion-based operations over readiness
 * (epoll, poll(2)), and the readiness registrations (asy__io) themselves.
 *
 * Each fd has a read queue and a write queue over one asy__io.  Readiness
 * runs the head of the matching queue: it performs the system call and,
 * unless it would block, completes the op at once (the loop is already
 * dispatching, so this is never re-entrant).  Submitting a write, send,
 * shutdown or connect tries the system call immediately when nothing is
 * queued ahead -- most writes finish there -- and parks the completion in
 * the loop's done queue, delivered in the next pending phase.  Reads wait
 * for readiness: an op is never completed from inside asy__op_submit.
 *
 * Write coalescing: a write submitted while an earlier write of the same
 * fd has finished but not yet been reported is held back ("corked") and
 * goes out with the writes that follow it in one writev when the pending
 * phase delivers that report -- as Node's Writable batches the writes made
 * while one is in flight into _writev.  A lone write still goes out at
 * once, so request/response traffic sees no delay.
 *
 * Reads with ASY__OPF_BACKEND_BUF go to the loop's 64 KiB read buffer,
 * picked when readiness runs the read (so an idle socket holds none). */

/* asy_iov_t must be a struct iovec in disguise: arrays of them go to
 * writev / sendmsg unchanged. */
typedef char asy__iov_layout_check[(sizeof(asy_iov_t) == sizeof(struct iovec) &&
                                    offsetof(asy_iov_t, base) == offsetof(struct iovec, iov_base) &&
                                    offsetof(asy_iov_t, len) == offsetof(struct iovec, iov_len))
                                       ? 1
                                       : -1];

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* BSDs: SO_NOSIGPIPE is set on the socket instead */
#endif

/* How a perform step ended. */
enum {
    ASY__PERF_AGAIN = 0,
    ASY__PERF_DONE = 1,
    ASY__PERF_DONE_SHORT = 2,
    /* the allocator closed the fd: the op was cancelled, hands off */
    ASY__PERF_GONE = 3
};
/* Ops run per readiness event and queue, so one busy fd cannot starve
 * the others. */
#define ASY__OPS_BUDGET 32
/* The loop's shared read buffer: one serves every socket of the loop.
 * 64 KiB like libuv's suggestion -- a larger one saves reads but copies
 * into memory that no longer stays in cache (pump1: 256 KiB was 25%
 * slower per CPU second). */
#define ASY__LOOPBUF_SIZE (64 * 1024)

static inline asy__emu_state *asy__emu(asy_loop_t *loop) {
    return (asy__emu_state *)loop->backend_data_;
}

/* Process-wide: set in the parent by the first fork().  A child of fork
 * shares our open files, so closing an fd no longer proves the kernel
 * drops its epoll registration; from then on asy__io_forget unregisters
 * explicitly. */
static volatile int asy__forked;
static asy__once_t asy__atfork_once = ASY__ONCE_INIT;
/* atomics: several threads may fork (or spawn) at once */
static void asy__note_fork(void) { asy__atomic_store(&asy__forked, 1, ASY__RELAXED); }
static void asy__atfork_install(void) { pthread_atfork(NULL, asy__note_fork, NULL); }

ASY__INTERNAL int asy__emu_forked(void) { return asy__atomic_load(&asy__forked, ASY__RELAXED); }

ASY__INTERNAL void asy__emu_init(asy__emu_state *st) {
    asy__once(&asy__atfork_once, asy__atfork_install);
    memset(st, 0, sizeof(*st));
}

ASY__INTERNAL void asy__emu_free(asy__emu_state *st) {
    asy__free(st->rbuf);
    asy__free(st->corked);
    memset(st, 0, sizeof(*st));
}

/* ---- readiness registrations ------------------------------------------ */

ASY__INTERNAL void asy__io_init(asy__io *io, asy_os_fd_t fd, asy__io_cb cb) {
    io->fd = fd;
    io->events = 0;
    io->registered = 0;
    io->cb = cb;
    io->slot = 0;
}

ASY__INTERNAL int asy__io_start(asy_loop_t *loop, asy__io *io, unsigned events) {
    unsigned want = io->events | events;
    int r;
    if (io->fd < 0) return ASY_EBADF;
    if (!loop->backend_->io_update) return ASY_ENOSYS;
    r = loop->backend_->io_update(loop, io, want, 0);
    if (r == 0) io->events = want;
    return r;
}

ASY__INTERNAL void asy__io_stop(asy_loop_t *loop, asy__io *io, unsigned events) {
    unsigned want = io->events & ~events;
    if (!loop->backend_->io_update) return;
    io->events = want;
    if (loop->backend_->io_update(loop, io, want, 0) != 0) {
        /* could not narrow the interest: drop the fd entirely */
        loop->backend_->io_update(loop, io, 0, 0);
        io->events = 0;
    }
}

ASY__INTERNAL void asy__io_close(asy_loop_t *loop, asy__io *io) {
    asy__io_stop(loop, io, io->events | io->registered);
}

ASY__INTERNAL void asy__io_forget(asy_loop_t *loop, asy__io *io, int sole_owner) {
    unsigned how = sole_owner && !asy__emu_forked() ? ASY__IO_GONE : 0;
    if (!loop->backend_->io_update) return;
    loop->backend_->io_update(loop, io, 0, how);
    io->events = 0;
}

/* ---- operations --------------------------------------------------------- */

/* Adds f to the corked list; 0 or ASY_ENOMEM. */
static int asy__ops_cork(asy_loop_t *loop, asy__opfd *f) {
    asy__emu_state *st = asy__emu(loop);
    if (f->flags_ & ASY__FD_CORKED) return 0;
    if (st->ncorked == st->corked_cap) {
        unsigned ncap = st->corked_cap ? st->corked_cap * 2 : 16;
        asy__opfd **n = (asy__opfd **)asy__realloc(st->corked, ncap * sizeof(*n));
        if (!n) return ASY_ENOMEM;
        st->corked = n;
        st->corked_cap = ncap;
    }
    st->corked[st->ncorked++] = f;
    f->flags_ |= ASY__FD_CORKED;
    return 0;
}

static void asy__ops_uncork_remove(asy_loop_t *loop, asy__opfd *f) {
    asy__emu_state *st = asy__emu(loop);
    unsigned i;
    if (!(f->flags_ & ASY__FD_CORKED)) return;
    f->flags_ &= ~(unsigned)ASY__FD_CORKED;
    for (i = 0; i < st->ncorked; i++)
        if (st->corked[i] == f) {
            st->corked[i] = st->corked[--st->ncorked];
            break;
        }
}

static void asy__opfd_run(asy_loop_t *loop, asy__opfd *f, asy__queue *q, unsigned rev);

/* The table's release: sends the held-back writes (gathered); what the
 * socket does not take waits for POLLOUT as usual.  Bounded by the fds
 * corked on entry: the callbacks of these writes may cork again, for the
 * next round.  Non-zero while fds are still corked. */
ASY__INTERNAL int asy__emu_release(asy_loop_t *loop) {
    asy__emu_state *st = asy__emu(loop);
    unsigned guard = st->ncorked;
    while (st->ncorked && guard-- > 0) {
        asy__opfd *f = st->corked[--st->ncorked];
        f->flags_ &= ~(unsigned)ASY__FD_CORKED;
        if (asy__queue_empty(&f->writeq_)) continue;
        asy__opfd_run(loop, f, &f->writeq_, ASY_WRITABLE);
        if ((f->flags_ & (ASY__FD_CLOSED | ASY__FD_CORKED)) || asy__queue_empty(&f->writeq_))
            continue;
        if (!(f->io.events & ASY_WRITABLE) && asy__io_start(loop, &f->io, ASY_WRITABLE) != 0) {
            /* cannot wait for this fd: fail what it still holds */
            while (!asy__queue_empty(&f->writeq_)) {
                asy__op *op =
                    ASY_CONTAINER_OF(asy__queue_head(&f->writeq_), asy__op, link_);
                asy__queue_remove(&op->link_);
                op->result = ASY_EBADF;
                op->state_ = ASY__OPS_IDLE;
                op->cb(op);
                asy__after_cb(loop);
                if (f->flags_ & ASY__FD_CLOSED) break;
            }
        }
    }
    return st->ncorked != 0;
}

static int asy__would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

/* The buffer a read goes to: the backend's pick (the loop's buffer) for
 * ASY__OPF_BACKEND_BUF, else the op's own or its allocator's. */
static int asy__op_buffer(asy_loop_t *loop, asy__op *op) {
    if (op->flags & ASY__OPF_BACKEND_BUF) {
        asy__emu_state *st = asy__emu(loop);
        if (!st->rbuf) st->rbuf = (char *)asy__malloc(ASY__LOOPBUF_SIZE + 4096);
        if (!st->rbuf) return ASY_ENOMEM;
        /* page-aligned: the kernel's copy into it avoids split cache lines */
        op->u.rw.base = st->rbuf + (4096 - ((uintptr_t)st->rbuf & 4095));
        op->u.rw.len = ASY__LOOPBUF_SIZE;
        return 0;
    }
    if (!op->u.rw.base && op->u.rw.alloc) op->u.rw.alloc(op, ASY__READ_SUGGEST);
    return op->u.rw.base && op->u.rw.len ? 0 : ASY_ENOBUFS;
}

static int asy__perform_write(asy__opfd *f, asy__op *op) {
    for (;;) {
        asy_iov_t *iov = op->u.wv.iov;
        unsigned cnt = op->u.wv.n, i;
        size_t want = 0;
        ssize_t n;
        while (cnt && iov->len == 0) {
            iov++;
            cnt--;
        }
        op->u.wv.iov = iov;
        op->u.wv.n = cnt;
        if (cnt == 0) return ASY__PERF_DONE;
        if (cnt > 1024) cnt = 1024; /* IOV_MAX on every system we run on */
        for (i = 0; i < cnt; i++) want += iov[i].len;
        if ((f->flags_ & ASY__FD_SOCKET) && cnt == 1) {
            /* send() skips sendmsg's msghdr copy: the common case */
            n = send(f->io.fd, iov->base, iov->len, MSG_NOSIGNAL);
        } else if (f->flags_ & ASY__FD_SOCKET) {
            struct msghdr m;
            memset(&m, 0, sizeof(m));
            m.msg_iov = (struct iovec *)(void *)iov;
            m.msg_iovlen = cnt;
            n = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
        } else {
            n = writev(f->io.fd, (const struct iovec *)(const void *)iov, (int)cnt);
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (asy__would_block(errno)) return ASY__PERF_AGAIN;
            op->result = asy__errno();
            return ASY__PERF_DONE;
        }
        op->result += n;
        {
            size_t left = (size_t)n;
            while (left > 0 && left >= iov->len) {
                left -= iov->len;
                iov->len = 0;
                iov++;
                op->u.wv.n--;
            }
            if (left) {
                iov->base = (char *)iov->base + left;
                iov->len -= left;
            }
            op->u.wv.iov = iov;
        }
        /* a short write means the kernel buffer is full: wait for POLLOUT */
        if ((size_t)n < want) return ASY__PERF_AGAIN;
    }
}

static int asy__perform_read(asy_loop_t *loop, asy__opfd *f, asy__op *op) {
    ssize_t n;
    int r = asy__op_buffer(loop, op);
    if (f->flags_ & ASY__FD_CLOSED) return ASY__PERF_GONE;
    if (r) {
        op->result = r;
        return ASY__PERF_DONE_SHORT;
    }
    do
        n = read(f->io.fd, op->u.rw.base, op->u.rw.len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__PERF_AGAIN;
        op->result = asy__errno();
        return ASY__PERF_DONE_SHORT;
    }
    op->result = n;
    /* a short read drained the socket: the next read would only say EAGAIN */
    return (size_t)n < op->u.rw.len ? ASY__PERF_DONE_SHORT : ASY__PERF_DONE;
}

static int asy__perform_recvmsg(asy_loop_t *loop, asy__opfd *f, asy__op *op) {
    struct msghdr m;
    struct iovec v;
    ssize_t n;
    int r = asy__op_buffer(loop, op);
    if (f->flags_ & ASY__FD_CLOSED) return ASY__PERF_GONE;
    if (r) {
        op->result = r;
        return ASY__PERF_DONE_SHORT;
    }
    memset(&m, 0, sizeof(m));
    v.iov_base = op->u.rw.base;
    v.iov_len = op->u.rw.len;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    if (op->u.rw.addr) {
        memset(op->u.rw.addr, 0, sizeof(struct sockaddr_storage));
        m.msg_name = op->u.rw.addr;
        m.msg_namelen = sizeof(struct sockaddr_storage);
    }
    do
        n = recvmsg(f->io.fd, &m, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__PERF_AGAIN;
        op->result = asy__errno();
        return ASY__PERF_DONE;
    }
    op->result = n;
    op->aux = (unsigned)m.msg_flags;
    return ASY__PERF_DONE;
}

static int asy__perform_sendmsg(asy__opfd *f, asy__op *op) {
    struct msghdr m;
    ssize_t n;
    memset(&m, 0, sizeof(m));
    m.msg_name = (void *)(uintptr_t)op->u.wv.addr;
    m.msg_namelen = op->u.wv.addr ? (socklen_t)op->aux : 0;
    m.msg_iov = (struct iovec *)(void *)op->u.wv.iov;
    m.msg_iovlen = op->u.wv.n;
    do
        n = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__PERF_AGAIN;
        op->result = asy__errno();
        return ASY__PERF_DONE;
    }
    op->result = n;
    return ASY__PERF_DONE;
}

static int asy__perform_accept(asy__opfd *f, asy__op *op) {
    for (;;) {
        socklen_t len = sizeof(struct sockaddr_storage);
        struct sockaddr *sa = (struct sockaddr *)op->u.rw.addr;
        int nfd;
#if ASYNCRT_OS_LINUX
        nfd = accept4(f->io.fd, sa, sa ? &len : NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
        nfd = accept(f->io.fd, sa, sa ? &len : NULL);
        if (nfd >= 0 && asy__set_nonblock_cloexec(nfd) != 0) {
            close(nfd);
            continue;
        }
#endif
        if (nfd >= 0) {
            op->result = nfd;
            return ASY__PERF_DONE;
        }
        /* a connection that died in the backlog is not the server's error */
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (asy__would_block(errno)) return ASY__PERF_AGAIN;
        op->result = asy__errno();
        return ASY__PERF_DONE_SHORT;
    }
}

static int asy__op_perform(asy_loop_t *loop, asy__opfd *f, asy__op *op, unsigned rev) {
    switch (op->kind) {
        case ASY__OP_READ:
            return asy__perform_read(loop, f, op);
        case ASY__OP_WRITE:
            return asy__perform_write(f, op);
        case ASY__OP_ACCEPT:
            return asy__perform_accept(f, op);
        case ASY__OP_RECVMSG:
            return asy__perform_recvmsg(loop, f, op);
        case ASY__OP_SENDMSG:
            return asy__perform_sendmsg(f, op);
        case ASY__OP_SHUTDOWN:
            /* a pipe has no half-close: its reader sees EOF at close */
            if (!(f->flags_ & ASY__FD_SOCKET)) return ASY__PERF_DONE;
            op->result = shutdown(f->io.fd, SHUT_WR) == 0 ? 0 : asy__errno();
            return ASY__PERF_DONE;
        case ASY__OP_CONNECT: {
            int err = 0;
            socklen_t len = sizeof(err);
            /* writable without an error condition: connected, no need to
             * ask (a failed connect always raises EPOLLERR / POLLERR) */
            if ((rev & ASY_WRITABLE) && !(rev & ASY__IO_ERR)) {
                op->result = 0;
                return ASY__PERF_DONE;
            }
            if (getsockopt(f->io.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
            if (err == EINPROGRESS) return ASY__PERF_AGAIN;
            op->result = err ? asy_translate_sys_error(err) : 0;
            return ASY__PERF_DONE;
        }
        case ASY__OP_POLL:
            if (!(rev & (op->aux | ASY__IO_ERR))) return ASY__PERF_AGAIN;
            op->result = (ptrdiff_t)(rev & (op->aux | ASY__IO_ERR));
            return ASY__PERF_DONE;
        default:
            op->result = ASY_EINVAL;
            return ASY__PERF_DONE;
    }
}

/* Several writes queued behind each other go out in one writev /
 * sendmsg: a queue forms when the socket buffer was full, and then one
 * syscall serves many small writes.  Returns ASY__PERF_AGAIN when the socket
 * took less than everything gathered (or nothing), ASY__PERF_DONE when every
 * gathered write completed, -1 when there was nothing to gather (fewer
 * than two writes at the head). */
#define ASY__GATHER_IOV 256
static int asy__opfd_gather(asy_loop_t *loop, asy__opfd *f) {
    struct iovec v[ASY__GATHER_IOV];
    asy__queue *q, done;
    int nv = 0, nops = 0;
    ssize_t n;
    size_t total = 0;
    ASY__QUEUE_FOREACH(q, &f->writeq_) {
        asy__op *op = ASY_CONTAINER_OF(q, asy__op, link_);
        unsigned i;
        if (op->kind != ASY__OP_WRITE || nv + (int)op->u.wv.n > ASY__GATHER_IOV) break;
        for (i = 0; i < op->u.wv.n; i++) {
            v[nv].iov_base = op->u.wv.iov[i].base;
            v[nv].iov_len = op->u.wv.iov[i].len;
            total += v[nv].iov_len;
            nv++;
        }
        nops++;
    }
    if (nops < 2) return -1;
    do {
        if (f->flags_ & ASY__FD_SOCKET) {
            struct msghdr m;
            memset(&m, 0, sizeof(m));
            m.msg_iov = v;
            m.msg_iovlen = (size_t)nv;
            n = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
        } else {
            n = writev(f->io.fd, v, nv);
        }
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (asy__would_block(errno)) return ASY__PERF_AGAIN;
        return -1; /* the head write fails on its own and reports it */
    }
    /* hand the bytes to the writes in order; the finished ones leave the
     * queue before any callback runs, so a callback that closes the fd
     * cannot cancel writes that are already complete */
    asy__queue_init(&done);
    {
        size_t left = (size_t)n;
        while (!asy__queue_empty(&f->writeq_) && nops-- > 0) {
            asy__op *op = ASY_CONTAINER_OF(asy__queue_head(&f->writeq_), asy__op, link_);
            while (op->u.wv.n > 0 && left >= op->u.wv.iov->len) {
                left -= op->u.wv.iov->len;
                op->result += (ptrdiff_t)op->u.wv.iov->len;
                op->u.wv.iov->len = 0;
                op->u.wv.iov++;
                op->u.wv.n--;
            }
            if (op->u.wv.n > 0) {
                if (left) {
                    op->u.wv.iov->base = (char *)op->u.wv.iov->base + left;
                    op->u.wv.iov->len -= left;
                    op->result += (ptrdiff_t)left;
                }
                break;
            }
            asy__queue_remove(&op->link_);
            asy__queue_insert_tail(&done, &op->link_);
        }
    }
    while (!asy__queue_empty(&done)) {
        asy__op *op = ASY_CONTAINER_OF(asy__queue_head(&done), asy__op, link_);
        asy__queue_remove(&op->link_);
        op->state_ = ASY__OPS_IDLE;
        op->cb(op);
        asy__after_cb(loop);
    }
    return (size_t)n < total ? ASY__PERF_AGAIN : ASY__PERF_DONE;
}

/* Runs the head ops of one queue until one would block. */
static void asy__opfd_run(asy_loop_t *loop, asy__opfd *f, asy__queue *q, unsigned rev) {
    int budget = ASY__OPS_BUDGET;
    while (!asy__queue_empty(q) && budget-- > 0) {
        asy__op *op = ASY_CONTAINER_OF(asy__queue_head(q), asy__op, link_);
        int r;
        if (q == &f->writeq_ && op->kind == ASY__OP_WRITE) {
            r = asy__opfd_gather(loop, f);
            if (r == ASY__PERF_AGAIN || (f->flags_ & ASY__FD_CLOSED)) return;
            if (r == ASY__PERF_DONE) continue;
        }
        r = asy__op_perform(loop, f, op, rev);
        if (r == ASY__PERF_AGAIN) break;
        if (r == ASY__PERF_GONE) return;
        asy__queue_remove(&op->link_);
        op->state_ = ASY__OPS_IDLE;
        op->cb(op);
        asy__after_cb(loop);
        if (f->flags_ & ASY__FD_CLOSED) return;
        if (r == ASY__PERF_DONE_SHORT) break;
    }
}

static void asy__opfd_io(asy_loop_t *loop, asy__io *io, unsigned rev) {
    asy__opfd *f = ASY_CONTAINER_OF(io, asy__opfd, io);
    /* an error: a pending connect reports it before any read does */
    if ((rev & ASY__IO_ERR) && !asy__queue_empty(&f->writeq_)) {
        asy__opfd_run(loop, f, &f->writeq_, rev);
        if (f->flags_ & ASY__FD_CLOSED) return;
    }
    if (rev & (ASY_READABLE | ASY_DISCONNECT | ASY__IO_ERR)) {
        asy__opfd_run(loop, f, &f->readq_, rev);
        if (f->flags_ & ASY__FD_CLOSED) return;
        /* lazily: a callback that re-armed its read kept the interest */
        if (asy__queue_empty(&f->readq_) && (io->events & ASY_READABLE))
            asy__io_stop(loop, io, ASY_READABLE);
    }
    if (rev & (ASY_WRITABLE | ASY__IO_ERR)) {
        asy__opfd_run(loop, f, &f->writeq_, rev);
        if (f->flags_ & ASY__FD_CLOSED) return;
        if (asy__queue_empty(&f->writeq_) && (io->events & ASY_WRITABLE))
            asy__io_stop(loop, io, ASY_WRITABLE);
    }
}

static int asy__opfd_queue(asy_loop_t *loop, asy__opfd *f, asy__queue *q, asy__op *op,
                           unsigned ev) {
    if ((f->io.events & ev) != ev) {
        int r = asy__io_start(loop, &f->io, ev);
        if (r) return r;
    }
    asy__queue_insert_tail(q, &op->link_);
    op->state_ = ASY__OPS_QUEUED;
    return 0;
}

/* The table's submit (asy__op_submit checked the op and the fd). */
ASY__INTERNAL int asy__emu_submit(asy_loop_t *loop, asy__opfd *f, asy__op *op) {
    /* every registration of f, whoever makes it (a queue, the uncork of a
     * write that was never queued), reports here */
    f->io.cb = asy__opfd_io;
    switch (op->kind) {
        case ASY__OP_READ:
        case ASY__OP_ACCEPT:
        case ASY__OP_RECVMSG:
            return asy__opfd_queue(loop, f, &f->readq_, op, ASY_READABLE);
        case ASY__OP_POLL:
            if (op->aux == ASY_READABLE) return asy__opfd_queue(loop, f, &f->readq_, op, ASY_READABLE);
            if (op->aux == ASY_WRITABLE) return asy__opfd_queue(loop, f, &f->writeq_, op, ASY_WRITABLE);
            return ASY_EINVAL;
        case ASY__OP_CONNECT: {
            int r;
            if (!asy__queue_empty(&f->writeq_)) return ASY_EALREADY;
            do
                r = connect(f->io.fd, (const struct sockaddr *)op->u.wv.addr, (socklen_t)op->aux);
            while (r != 0 && errno == EINTR);
            /* watch reads too: the connect callback nearly always starts
             * reading, and one registration now saves a second later */
            if (r != 0 && errno == EINPROGRESS)
                return asy__opfd_queue(loop, f, &f->writeq_, op, ASY_WRITABLE | ASY_READABLE);
            op->result = r == 0 ? 0 : asy__errno();
            asy__op_done(loop, op);
            return 0;
        }
        case ASY__OP_WRITE:
        case ASY__OP_SENDMSG:
        case ASY__OP_SHUTDOWN:
            if (op->kind == ASY__OP_WRITE &&
                (asy__queue_empty(&f->writeq_) ? f->ndone_ > 0 : (f->flags_ & ASY__FD_CORKED)) &&
                asy__ops_cork(loop, f) == 0) {
                /* an earlier write is done but unreported: hold this one
                 * back to go out with whatever follows (see the top) */
                asy__queue_insert_tail(&f->writeq_, &op->link_);
                op->state_ = ASY__OPS_QUEUED;
                asy__ops_arm(loop); /* the pending phase releases it */
                return 0;
            }
            if (asy__queue_empty(&f->writeq_) &&
                asy__op_perform(loop, f, op, ASY_WRITABLE) != ASY__PERF_AGAIN) {
                asy__op_done(loop, op);
                return 0;
            }
            return asy__opfd_queue(loop, f, &f->writeq_, op, ASY_WRITABLE);
        default:
            return ASY_EINVAL;
    }
}

/* The table's cancel: the op leaves its queue and completes from the
 * pending phase. */
ASY__INTERNAL int asy__emu_cancel(asy_loop_t *loop, asy__op *op) {
    asy__queue_remove(&op->link_);
    op->result = ASY_ECANCELED;
    asy__op_done(loop, op);
    return 0;
}

ASY__INTERNAL void asy__emu_fd_close(asy_loop_t *loop, asy__opfd *f) {
    asy__ops_uncork_remove(loop, f);
    if (f->io.fd >= 0) asy__io_forget(loop, &f->io, !(f->flags_ & ASY__FD_SHARED));
}

ASY__INTERNAL ptrdiff_t asy__emu_try_write(asy__opfd *f, const asy_iov_t *iov, unsigned n,
                                           const void *addr, unsigned addrlen) {
    struct msghdr m;
    ssize_t r;
    if (n > 1024) n = 1024;
    memset(&m, 0, sizeof(m));
    m.msg_name = (void *)(uintptr_t)addr;
    m.msg_namelen = addr ? (socklen_t)addrlen : 0;
    m.msg_iov = (struct iovec *)(uintptr_t)iov;
    m.msg_iovlen = n;
    do {
        if (f->flags_ & ASY__FD_SOCKET)
            r = sendmsg(f->io.fd, &m, MSG_NOSIGNAL);
        else
            r = writev(f->io.fd, (const struct iovec *)(const void *)iov, (int)n);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return asy__would_block(errno) ? ASY_EAGAIN : asy__errno();
    return r;
}
