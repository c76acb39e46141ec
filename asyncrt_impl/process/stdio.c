/* The parent's ends of the child's stdio pipes: a reader that hands each
 * chunk to a callback straight from the loop's shared read buffer (no
 * allocation per read), and a writer with a queue and a high-water mark
 * (write returns 0 above it; on_drain says when to go on), so a producer
 * that respects it keeps memory bounded however slow the child is. */
#include "process.internal.h"
#include "../loop/loop.internal.h"
static void asy__cpipe_close(asy_loop_t *loop, struct asy__child_pipe *cp) {
    if (cp->io.fd >= 0) {
        asy__io_close(loop, &cp->io);
        close(cp->io.fd);
        cp->io.fd = -1;
    }
    asy__free(cp->wbuf);
    cp->wbuf = NULL;
    cp->wlen = cp->woff = cp->wcap = 0;
    cp->reading = 0;
}

ASY__INTERNAL void asy__proc_pipes_free(asy_process_t *p) {
    int i;
    for (i = 0; i < p->npipes_; i++) {
        asy__cpipe_close(p->loop, &p->pipes_[i]);
        asy__cstream_detach(&p->pipes_[i]);
    }
    asy__free(p->pipes_);
    p->pipes_ = NULL;
    p->npipes_ = 0;
}

static int asy__closing(const asy_process_t *p) {
    return (p->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}

static void asy__cpipe_events(asy_process_t *p, struct asy__child_pipe *cp) {
    unsigned want = 0;
    if (cp->io.fd < 0) return;
    if (cp->reading && !cp->eof) want |= ASY_READABLE;
    if (cp->wlen > cp->woff) want |= ASY_WRITABLE;
    asy__io_stop(p->loop, &cp->io, (ASY_READABLE | ASY_WRITABLE) & ~want);
    if (want) asy__io_start(p->loop, &cp->io, want);
}

/* The read side is done (EOF or error): a one-way pipe closes; a duplex
 * one keeps its write side. */
static void asy__cpipe_read_done(asy_process_t *p, struct asy__child_pipe *cp) {
    cp->eof = 1;
    cp->reading = 0;
    if (!cp->writable || cp->ending || cp->err)
        asy__cpipe_close(p->loop, cp);
    else
        asy__cpipe_events(p, cp);
    asy__proc_update_active(p);
}

static void asy__cpipe_read(asy_process_t *p, struct asy__child_pipe *cp) {
    struct asy__proc_loop *pl = (struct asy__proc_loop *)p->loop->layers_[ASY__LAYER_PROCESS].state;
    int k;
    /* a few reads per wake-up, then let other fds have their turn */
    for (k = 0; k < 16 && cp->reading; k++) {
        ssize_t n = read(cp->io.fd, pl->rbuf, ASY__PROC_RBUF);
        if (n > 0) {
            cp->read_cb(p, cp->index, pl->rbuf, (long)n);
            asy__after_cb(p->loop);
            if (asy__closing(p)) return;
            if (n < ASY__PROC_RBUF) break;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        {
            int err = n == 0 ? ASY_EOF : asy__errno();
            /* ECONNRESET from a socketpair whose peer died is an end too */
            if (err == ASY_ECONNRESET) err = ASY_EOF;
            asy__cpipe_read_done(p, cp);
            cp->read_cb(p, cp->index, NULL, (long)err);
            asy__after_cb(p->loop);
            if (asy__closing(p)) return;
            asy__proc_maybe_close_event(p);
            return;
        }
    }
}

/* Writes what it can of the queue; returns 0 or the write error. */
static int asy__cpipe_flush(struct asy__child_pipe *cp) {
    while (cp->woff < cp->wlen) {
        ssize_t n = send(cp->io.fd, cp->wbuf + cp->woff, cp->wlen - cp->woff, MSG_NOSIGNAL);
        if (n >= 0) {
            cp->woff += (size_t)n;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return asy__errno();
    }
    cp->woff = cp->wlen = 0;
    return 0;
}

static void asy__cpipe_write_ready(asy_process_t *p, struct asy__child_pipe *cp) {
    int err = asy__cpipe_flush(cp);
    if (err) {
        cp->err = err;
        cp->want_drain = 0;
        asy__cpipe_close(p->loop, cp);
        asy__proc_update_active(p);
        if (asy__cstream_notify(p, cp, err)) return;
        if (p->drain_cb_) {
            p->drain_cb_(p, cp->index, err);
            asy__after_cb(p->loop);
        }
        return;
    }
    if (cp->wlen > cp->woff) return;
    if (cp->ending) {
        if (cp->readable && !cp->eof) {
            shutdown(cp->io.fd, SHUT_WR);
            asy__cpipe_events(p, cp);
        } else {
            asy__cpipe_close(p->loop, cp);
        }
    } else {
        asy__cpipe_events(p, cp);
    }
    asy__proc_update_active(p);
    if (asy__cstream_notify(p, cp, 0)) return;
    if (cp->want_drain) {
        cp->want_drain = 0;
        if (p->drain_cb_) {
            p->drain_cb_(p, cp->index, 0);
            asy__after_cb(p->loop);
        }
    }
}

static void asy__cpipe_io(asy_loop_t *loop, asy__io *io, unsigned revents) {
    struct asy__child_pipe *cp = ASY_CONTAINER_OF(io, struct asy__child_pipe, io);
    asy_process_t *p = cp->owner;
    (void)loop;
    if (cp->wlen > cp->woff && (revents & (ASY_WRITABLE | ASY__IO_ERR))) {
        asy__cpipe_write_ready(p, cp);
        if (asy__closing(p) || cp->io.fd < 0) return;
    }
    if (cp->reading && (revents & (ASY_READABLE | ASY__IO_ERR))) asy__cpipe_read(p, cp);
}

static struct asy__child_pipe *asy__cpipe_get(asy_process_t *p, int fd) {
    if (!p || fd < 0 || fd >= p->npipes_ || asy__closing(p)) return NULL;
    return &p->pipes_[fd];
}

ASYNCRT_API int asy_process_read_start(asy_process_t *p, int fd, asy_process_read_cb cb) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    if (!cp || !cb || !cp->readable) return ASY_EINVAL;
    if (cp->eof || cp->io.fd < 0) return ASY_EOF;
    cp->read_cb = cb;
    cp->started = 1;
    cp->reading = 1;
    asy__cpipe_events(p, cp);
    asy__proc_update_active(p);
    return 0;
}

ASYNCRT_API int asy_process_read_stop(asy_process_t *p, int fd) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    if (!cp || !cp->readable) return ASY_EINVAL;
    cp->reading = 0;
    asy__cpipe_events(p, cp);
    asy__proc_update_active(p);
    return 0;
}

static int asy__cpipe_append(struct asy__child_pipe *cp, const char *data, size_t len) {
    if (cp->woff && cp->wcap - cp->wlen < len) { /* reuse the consumed front */
        memmove(cp->wbuf, cp->wbuf + cp->woff, cp->wlen - cp->woff);
        cp->wlen -= cp->woff;
        cp->woff = 0;
    }
    if (cp->wcap - cp->wlen < len) {
        size_t ncap = cp->wcap ? cp->wcap : 16384;
        char *nb;
        while (ncap - cp->wlen < len) {
            if (ncap > SIZE_MAX / 2) return ASY_ENOMEM;
            ncap *= 2;
        }
        nb = (char *)asy__realloc(cp->wbuf, ncap);
        if (!nb) return ASY_ENOMEM;
        cp->wbuf = nb;
        cp->wcap = ncap;
    }
    memcpy(cp->wbuf + cp->wlen, data, len);
    cp->wlen += len;
    return 0;
}

ASYNCRT_API int asy_process_write(asy_process_t *p, int fd, const void *data, size_t len) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    const char *d = (const char *)data;
    int r;
    if (!cp || !cp->writable || (!data && len)) return ASY_EINVAL;
    if (cp->err) return cp->err;
    if (cp->io.fd < 0 || cp->ending) return ASY_EPIPE;
    /* nothing queued: most writes complete right here */
    while (cp->wlen == cp->woff && len > 0) {
        ssize_t n = send(cp->io.fd, d, len, MSG_NOSIGNAL);
        if (n >= 0) {
            d += n;
            len -= (size_t)n;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        cp->err = asy__errno();
        return cp->err;
    }
    if (len) {
        if ((r = asy__cpipe_append(cp, d, len)) != 0) return r;
        asy__cpipe_events(p, cp);
        asy__proc_update_active(p);
    }
    if (cp->wlen - cp->woff < p->hwm_) return 1;
    cp->want_drain = 1;
    return 0;
}

ASYNCRT_API int asy_process_end(asy_process_t *p, int fd) {
    struct asy__child_pipe *cp = asy__cpipe_get(p, fd);
    if (!cp || !cp->writable) return ASY_EINVAL;
    if (cp->ending || cp->io.fd < 0) return 0;
    cp->ending = 1;
    if (cp->wlen > cp->woff) return 0; /* closed when the queue is written */
    if (cp->readable && !cp->eof) {
        shutdown(cp->io.fd, SHUT_WR);
    } else {
        asy__cpipe_close(p->loop, cp);
        asy__proc_update_active(p);
    }
    return 0;
}

ASYNCRT_API int asy_process_stdio_fd(const asy_process_t *p, int fd, asy_os_fd_t *out) {
    if (out) *out = ASY_OS_FD_INVALID;
    if (!p || !out || fd < 0) return ASY_EINVAL;
    if (fd >= p->npipes_ || p->pipes_[fd].io.fd < 0) return ASY_EBADF;
    *out = p->pipes_[fd].io.fd;
    return 0;
}
