/* The stream-socket machinery shared by TCP, pipes and TTYs: reading,
 * writing, shutdown, connect and close, each an asy__op on the socket's
 * opfd.  A socket is active (keeps the loop alive) while it reads,
 * listens, or has an operation in flight. */
#include "pipe.h"
#include "net.internal.h"
#include "../loop/loop.internal.h"
#include "../backend/ops.internal.h"

ASY__INTERNAL void asy__ignore_sigpipe(void) {
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) != 0) return;
    if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL) {
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
}

ASY__INTERNAL int asy__socket_fd(int domain, int type) {
    int fd;
#if ASYNCRT_OS_LINUX
    fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return asy__errno();
#else
    int r;
    fd = socket(domain, type, 0);
    if (fd < 0) return asy__errno();
    if ((r = asy__set_nonblock_cloexec(fd)) != 0) {
        close(fd);
        return r;
    }
#endif
#ifdef SO_NOSIGPIPE
    {
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
    }
#endif
    return fd;
}

ASY__INTERNAL asy_iov_t *asy__iov_copy(asy_iov_t *inline4, const asy_iov_t *bufs, unsigned n,
                                       size_t *total) {
    asy_iov_t *v = inline4;
    unsigned i;
    size_t sum = 0;
    if (n > 4) {
        v = ASY__NEW_ARRAY(asy_iov_t, n);
        if (!v) return NULL;
    }
    for (i = 0; i < n; i++) {
        v[i] = bufs[i];
        sum += bufs[i].len;
    }
    *total = sum;
    return v;
}

ASY__INTERNAL void asy__sock_init(asy_loop_t *loop, asy_sock_t *s, asy_handle_type_t type,
                                  const char *file, int line) {
    const asy__handle_class *cls =
        type == ASY_HANDLE_TCP ? &asy__tcp_class : type == ASY_HANDLE_PIPE ? &asy__pipe_class
                                                                           : &asy__tty_class;
    asy__handle_init(loop, (asy_handle_t *)s, cls, file, line);
    asy__opfd_init(&s->fd_, -1, 0);
    memset(&s->rop_, 0, sizeof(s->rop_));
    s->alloc_cb_ = NULL;
    s->cb_.read = NULL;
    s->write_queue_size_ = 0;
}

ASY__INTERNAL void asy__sock_adopt(asy_sock_t *s, asy_os_fd_t fd, unsigned opfd_flags) {
    asy__opfd_init(&s->fd_, fd, opfd_flags);
}

ASY__INTERNAL int asy__sock_ensure_fd(asy_sock_t *s, int domain) {
    int fd;
    if (s->fd_.io.fd >= 0) return 0;
    fd = asy__socket_fd(domain, SOCK_STREAM);
    if (fd < 0) return fd;
    asy__sock_adopt(s, fd, ASY__FD_SOCKET);
    return 0;
}

ASY__INTERNAL void asy__sock_update_active(asy_sock_t *s) {
    if (asy__sock_closing(s)) return;
    if ((s->flags_ & (ASY__SOCK_READING | ASY__SOCK_LISTENING)) || asy__opfd_busy(&s->fd_))
        asy__handle_start((asy_handle_t *)s);
    else
        asy__handle_stop((asy_handle_t *)s);
}

static int asy__sock_ok(const asy_sock_t *s) {
    return s && asy__is_stream_type(s->type) && !asy__sock_closing(s);
}

/* ---- reading ---------------------------------------------------------- */

static void asy__sock_alloc(asy__op *op, size_t suggested) {
    asy_sock_t *s = ASY_CONTAINER_OF(op, asy_sock_t, rop_);
    asy_iov_t b;
    b.base = NULL;
    b.len = 0;
    s->alloc_cb_((asy_handle_t *)s, suggested, &b);
    /* no microtask drain here: we are inside the read itself, and a
     * drained task that closed the socket would pull the op from under
     * it; the drain follows the read callback */
    op->u.rw.base = (char *)b.base;
    op->u.rw.len = b.base ? b.len : 0;
}

static void asy__sock_arm_read(asy_sock_t *s) {
    asy__op *op = &s->rop_;
    op->kind = ASY__OP_READ;
    if (op->flags & ASY__OPF_BACKEND_BUF) { /* never keep the backend's buffer as ours */
        op->u.rw.base = NULL;
        op->u.rw.len = 0;
    }
    op->flags = (unsigned short)(s->alloc_cb_ ? 0 : ASY__OPF_BACKEND_BUF);
    op->u.rw.alloc = s->alloc_cb_ ? asy__sock_alloc : NULL;
    op->u.rw.addr = NULL;
}

static void asy__sock_read_done(asy__op *op) {
    asy_sock_t *s = ASY_CONTAINER_OF(op, asy_sock_t, rop_);
    ptrdiff_t n = op->result;
    int backend_buf = (op->flags & ASY__OPF_BACKEND_BUF) != 0;
    asy_iov_t b;
    b.base = op->u.rw.base;
    b.len = backend_buf ? (n > 0 ? (size_t)n : 0) : op->u.rw.len;
    op->u.rw.base = NULL;
    op->u.rw.len = 0;
    if (n == ASY_ECANCELED) {
        /* read_stop or close: hand back a lent buffer */
        if (b.base && !backend_buf) s->cb_.read(s, 0, &b);
    } else {
        if (n == 0) {
            n = ASY_EOF;
            s->flags_ |= ASY__SOCK_EOF;
        }
        if (n < 0) s->flags_ &= ~(unsigned)ASY__SOCK_READING;
        s->cb_.read(s, n, &b);
    }
    if ((s->flags_ & ASY__SOCK_READING) && !asy__sock_closing(s) && op->state_ == ASY__OPS_IDLE) {
        int r;
        asy__sock_arm_read(s);
        r = asy__op_submit(s->loop, &s->fd_, op);
        if (r) {
            s->flags_ &= ~(unsigned)ASY__SOCK_READING;
            b.base = NULL;
            b.len = 0;
            s->cb_.read(s, r, &b);
        }
    }
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_read_start(asy_sock_t *s, asy_alloc_cb alloc_cb, asy_read_cb read_cb) {
    int r;
    if (!asy__sock_ok(s) || !read_cb || (s->flags_ & ASY__SOCK_LISTENING)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) return ASY_ENOTCONN;
    s->cb_.read = read_cb;
    if (s->flags_ & ASY__SOCK_READING) {
        /* switch allocation mode unless a lent buffer is still out */
        if (s->rop_.state_ != ASY__OPS_DONE &&
            (!s->rop_.u.rw.base || (s->rop_.flags & ASY__OPF_BACKEND_BUF))) {
            s->alloc_cb_ = alloc_cb;
            asy__sock_arm_read(s);
        }
        return 0;
    }
    s->alloc_cb_ = alloc_cb;
    s->flags_ |= ASY__SOCK_READING;
    if (s->rop_.state_ == ASY__OPS_IDLE) { /* else a cancelled read is due: it re-arms */
        s->rop_.cb = asy__sock_read_done;
        s->rop_.u.rw.base = NULL;
        asy__sock_arm_read(s);
        r = asy__op_submit(s->loop, &s->fd_, &s->rop_);
        if (r) {
            s->flags_ &= ~(unsigned)ASY__SOCK_READING;
            return r;
        }
    }
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API int asy_sock_read_stop(asy_sock_t *s) {
    if (!s || !asy__is_stream_type(s->type)) return ASY_EINVAL;
    if (!(s->flags_ & ASY__SOCK_READING)) return 0;
    s->flags_ &= ~(unsigned)ASY__SOCK_READING;
    asy__op_cancel(s->loop, &s->rop_);
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API int asy_sock_is_reading(const asy_sock_t *s) {
    return s && asy__is_stream_type(s->type) && (s->flags_ & ASY__SOCK_READING) != 0;
}

/* ---- writing ---------------------------------------------------------- */

static void asy__sock_write_done(asy__op *op) {
    asy_write_t *req = ASY_CONTAINER_OF(op, asy_write_t, op_);
    asy_sock_t *s = req->handle;
    int status = op->result < 0 ? (int)op->result : 0;
    s->write_queue_size_ -= req->queued_;
    req->queued_ = 0;
    if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
    req->bufs_ = NULL;
    if (req->cb_) req->cb_(req, status);
    else if (status < 0 && status != ASY_ECANCELED) /* a close cancels: not an error */
        asy_loop_uncaught(s->loop, status, (const asy_handle_t *)s, "write with no callback");
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_write(asy_write_t *req, asy_sock_t *s, const asy_iov_t *bufs,
                               unsigned nbufs, asy_write_cb cb) {
    size_t total;
    int r;
    if (!req || !s || !asy__is_stream_type(s->type) || (!bufs && nbufs)) return ASY_EINVAL;
    if (asy__sock_closing(s) || s->fd_.io.fd < 0) return ASY_EBADF;
    if (s->flags_ & ASY__SOCK_LISTENING) return ASY_EINVAL;
    if (s->flags_ & ASY__SOCK_SHUT) return ASY_EPIPE;
    memset(&req->op_, 0, sizeof(req->op_));
    req->bufs_ = asy__iov_copy(req->bufsml_, bufs, nbufs, &total);
    if (!req->bufs_) return ASY_ENOMEM;
    req->handle = s;
    req->cb_ = cb;
    req->queued_ = 0;
    req->op_.kind = ASY__OP_WRITE;
    req->op_.cb = asy__sock_write_done;
    req->op_.u.wv.iov = req->bufs_;
    req->op_.u.wv.n = nbufs;
    r = asy__op_submit(s->loop, &s->fd_, &req->op_);
    if (r) {
        if (req->bufs_ != req->bufsml_) asy__free(req->bufs_);
        req->bufs_ = NULL;
        return r;
    }
    if (req->op_.state_ == ASY__OPS_QUEUED) {
        req->queued_ = total - (size_t)req->op_.result;
        s->write_queue_size_ += req->queued_;
    }
    asy__sock_update_active(s);
    return 0;
}

ASYNCRT_API ptrdiff_t asy_sock_try_write(asy_sock_t *s, const asy_iov_t *bufs, unsigned nbufs) {
    if (!asy__sock_ok(s) || (!bufs && nbufs)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) return ASY_EBADF;
    if (s->flags_ & ASY__SOCK_SHUT) return ASY_EPIPE;
    if (s->flags_ & ASY__SOCK_CONNECTING) return ASY_EAGAIN;
    return asy__opfd_try_write(s->loop, &s->fd_, bufs, nbufs, NULL, 0);
}

ASYNCRT_API size_t asy_sock_write_queue_size(const asy_sock_t *s) {
    return s ? s->write_queue_size_ : 0;
}

ASYNCRT_API int asy_sock_fileno(asy_sock_t *s, asy_os_sock_t *fd) {
    if (fd) *fd = ASY_OS_SOCK_INVALID;
    if (!s || !fd) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) return ASY_EBADF;
    /* the caller may dup or pass it on: close it the careful way */
    s->fd_.flags_ |= ASY__FD_SHARED;
    *fd = s->fd_.io.fd;
    return 0;
}

/* ---- shutdown --------------------------------------------------------- */

static void asy__sock_shutdown_done(asy__op *op) {
    asy_shutdown_t *req = ASY_CONTAINER_OF(op, asy_shutdown_t, op_);
    asy_sock_t *s = req->handle;
    if (req->cb_) req->cb_(req, op->result < 0 ? (int)op->result : 0);
    asy__sock_update_active(s);
}

ASYNCRT_API int asy_sock_shutdown(asy_shutdown_t *req, asy_sock_t *s, asy_shutdown_cb cb) {
    int r;
    if (!req || !asy__sock_ok(s) || (s->flags_ & ASY__SOCK_LISTENING)) return ASY_EINVAL;
    if (s->fd_.io.fd < 0) return ASY_ENOTCONN;
    if (s->flags_ & ASY__SOCK_SHUT) return ASY_EALREADY;
    memset(&req->op_, 0, sizeof(req->op_));
    req->handle = s;
    req->cb_ = cb;
    req->op_.kind = ASY__OP_SHUTDOWN;
    req->op_.cb = asy__sock_shutdown_done;
    r = asy__op_submit(s->loop, &s->fd_, &req->op_);
    if (r) return r;
    s->flags_ |= ASY__SOCK_SHUT;
    asy__sock_update_active(s);
    return 0;
}

/* ---- connect ---------------------------------------------------------- */

static void asy__connect_timeout(void *arg) {
    asy_connect_t *req = (asy_connect_t *)arg;
    req->timer_.id = 0;
    req->op_.flags |= ASY__OPF_TIMEDOUT;
    asy__op_cancel(req->handle->loop, &req->op_);
}

static void asy__sock_connect_done(asy__op *op) {
    asy_connect_t *req = ASY_CONTAINER_OF(op, asy_connect_t, op_);
    asy_sock_t *s = req->handle;
    int status = (int)op->result;
    if (req->timer_.id) {
        asy_clear_timer(s->loop, req->timer_);
        req->timer_.id = 0;
    }
    if (status == ASY_ECANCELED && (op->flags & ASY__OPF_TIMEDOUT)) status = ASY_ETIMEDOUT;
    s->flags_ &= ~(unsigned)ASY__SOCK_CONNECTING;
    if (status == 0) s->flags_ |= ASY__SOCK_CONNECTED;
    if (req->cb_) req->cb_(req, status);
    asy__sock_update_active(s);
}

ASY__INTERNAL int asy__sock_connect(asy_connect_t *req, asy_sock_t *s, const void *sa,
                                    unsigned salen, uint64_t timeout_ms, asy_connect_cb cb) {
    int r;
    if (s->flags_ & (ASY__SOCK_CONNECTING | ASY__SOCK_CONNECTED)) return ASY_EISCONN;
    if (s->flags_ & ASY__SOCK_LISTENING) return ASY_EINVAL;
    memset(&req->op_, 0, sizeof(req->op_));
    req->handle = s;
    req->cb_ = cb;
    req->timer_.id = 0;
    req->op_.kind = ASY__OP_CONNECT;
    req->op_.cb = asy__sock_connect_done;
    req->op_.u.wv.addr = sa;
    req->op_.aux = salen;
    /* the timer first: failing to get one must not leave a connect going */
    if (timeout_ms) {
        req->timer_ = asy_set_timeout(s->loop, asy__connect_timeout, req, timeout_ms);
        if (!req->timer_.id) return ASY_ENOMEM;
    }
    r = asy__op_submit(s->loop, &s->fd_, &req->op_);
    req->op_.u.wv.addr = NULL; /* connect() has read it; it may live on the caller's stack */
    if (r) {
        if (req->timer_.id) asy_clear_timer(s->loop, req->timer_);
        req->timer_.id = 0;
        return r;
    }
    s->flags_ |= ASY__SOCK_CONNECTING;
    asy__sock_update_active(s);
    return 0;
}

/* ---- close ------------------------------------------------------------ */

ASY__INTERNAL void asy__sock_close(asy_sock_t *s) {
    int fd = s->fd_.io.fd;
    if (s->type == ASY_HANDLE_TTY) asy__tty_restore((asy_tty_t *)s);
    asy__listen_close(s);
    s->flags_ &= ~(unsigned)(ASY__SOCK_READING | ASY__SOCK_LISTENING);
    asy__opfd_close(s->loop, &s->fd_);
    if (fd >= 0) {
        if (s->flags_ & ASY__SOCK_RESET) {
            struct linger l;
            l.l_onoff = 1;
            l.l_linger = 0;
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        }
        /* stdio stays open, as in libuv: other code may still print */
        if (!(s->flags_ & ASY__SOCK_NOCLOSE)) close(fd);
    }
    if (s->type == ASY_HANDLE_PIPE) {
        asy_pipe_t *p = (asy_pipe_t *)s;
        if (p->path_) {
            unlink(p->path_);
            asy__free(p->path_);
            p->path_ = NULL;
        }
    }
}

/* The net classes' close and finish_close (net.internal.h). */
ASY__INTERNAL void asy__net_close(asy_handle_t *h) {
    if (asy__is_stream_type(h->type))
        asy__sock_close((asy_sock_t *)h);
    else if (h->type == ASY_HANDLE_UDP)
        asy__udp_close((asy_udp_t *)h);
}

ASY__INTERNAL void asy__net_finish_close(asy_handle_t *h) {
    asy__opfd *f;
    if (asy__is_stream_type(h->type))
        f = &((asy_sock_t *)h)->fd_;
    else if (h->type == ASY_HANDLE_UDP)
        f = &((asy_udp_t *)h)->fd_;
    else
        return;
    /* cancelled writes, connects and reads report before close_cb */
    asy__opfd_flush(h->loop, f);
    /* an fd came free: servers paused on EMFILE may accept again */
    asy__listen_kick(h->loop);
}
