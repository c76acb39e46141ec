/* The IPC channel: framed messages over an AF_UNIX stream socket.
 *
 * Sends are copied into one queue and written by a nextTick flush, so the
 * messages of one callback leave in one sendmsg.  Frames that carry fds
 * are recorded as attachments at their queue offset; the flush sends each
 * attachment's fds with the first byte of its frame (SCM_RIGHTS), which is
 * where the receiver finds them: the kernel never hands out a byte before
 * the fds that came with it.  The receiver keeps fds in arrival order and
 * gives each frame as many as its header announces. */
#include "ipc.h"
#include "process.internal.h"
#include "../base/queue.h"
#include "../loop/loop.internal.h"
#define ASY__IPC_RFDS_MAX 64 /* fds one recvmsg accepts */

static int asy__ipc_closing(const asy_ipc_t *ch) {
    return (ch->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED)) != 0;
}

static void asy__ipc_update_active(asy_ipc_t *ch) {
    if (asy__ipc_closing(ch)) return;
    if (ch->connected_ && (ch->reading_ || ch->wlen_ > ch->woff_))
        asy__handle_start((asy_handle_t *)ch);
    else
        asy__handle_stop((asy_handle_t *)ch);
}

static void asy__ipc_drop_queues(asy_ipc_t *ch) {
    int i, j;
    for (i = 0; i < ch->natt_; i++)
        for (j = 0; j < ch->att_[i].nfds; j++) close(ch->att_[i].fds[j]);
    ch->natt_ = 0;
    for (i = 0; i < ch->nrfds_; i++) close(ch->rfds_[i]);
    ch->nrfds_ = 0;
    ch->wlen_ = ch->woff_ = 0;
}

static void asy__ipc_report(void *arg) {
    asy_ipc_t *ch = (asy_ipc_t *)arg;
    ch->report_queued_ = 0;
    if (asy__ipc_closing(ch) || ch->reported_) return;
    ch->reported_ = 1;
    if (ch->on_disconnect_) ch->on_disconnect_(ch, ch->disc_status_);
}

/* The channel is gone (status 0: in order).  The disconnect callback runs
 * from a nextTick so it never re-enters the caller of send/disconnect. */
static void asy__ipc_shutdown(asy_ipc_t *ch, int status) {
    if (!ch->connected_) return;
    ch->connected_ = 0;
    ch->reading_ = 0;
    ch->disconnecting_ = 0;
    ch->disc_status_ = status;
    if (ch->io_.fd >= 0) {
        asy__io_close(ch->loop, &ch->io_);
        close(ch->io_.fd);
        ch->io_.fd = -1;
    }
    asy__ipc_drop_queues(ch);
    asy__ipc_update_active(ch);
    if (!ch->report_queued_ && asy_next_tick(ch->loop, asy__ipc_report, ch) == 0)
        ch->report_queued_ = 1;
}

static void asy__ipc_events(asy_ipc_t *ch) {
    unsigned want = 0;
    if (ch->io_.fd < 0) return;
    if (ch->reading_) want |= ASY_READABLE;
    if (ch->wlen_ > ch->woff_) want |= ASY_WRITABLE;
    asy__io_stop(ch->loop, &ch->io_, (ASY_READABLE | ASY_WRITABLE) & ~want);
    if (want && asy__io_start(ch->loop, &ch->io_, want) != 0) asy__ipc_shutdown(ch, ASY_EBADF);
}

/* Writes the queue; returns 0 or the error. */
static int asy__ipc_write(asy_ipc_t *ch) {
    while (ch->woff_ < ch->wlen_) {
        struct msghdr msg;
        struct iovec iov;
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(sizeof(int) * ASY_IPC_MAX_FDS)];
        } ctl;
        size_t end = ch->wlen_;
        int with_fds = ch->natt_ > 0 && ch->att_[0].off == ch->woff_;
        ssize_t n;
        if (with_fds && ch->natt_ > 1) end = ch->att_[1].off;
        if (!with_fds && ch->natt_ > 0) end = ch->att_[0].off;
        memset(&msg, 0, sizeof(msg));
        iov.iov_base = ch->wbuf_ + ch->woff_;
        iov.iov_len = end - ch->woff_;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        if (with_fds) {
            struct cmsghdr *cm;
            size_t fl = sizeof(int) * (size_t)ch->att_[0].nfds;
            memset(&ctl, 0, sizeof(ctl));
            msg.msg_control = ctl.buf;
            msg.msg_controllen = CMSG_SPACE(fl);
            cm = CMSG_FIRSTHDR(&msg);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(fl);
            memcpy(CMSG_DATA(cm), ch->att_[0].fds, fl);
        }
        n = sendmsg(ch->io_.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
            return asy__errno();
        }
        if (with_fds && n > 0) { /* the fds went with the first byte */
            int j;
            for (j = 0; j < ch->att_[0].nfds; j++) close(ch->att_[0].fds[j]);
            ch->natt_--;
            memmove(ch->att_, ch->att_ + 1, sizeof(ch->att_[0]) * (size_t)ch->natt_);
        }
        ch->woff_ += (size_t)n;
    }
    ch->woff_ = ch->wlen_ = 0;
    return 0;
}

/* Flush and its consequences: drain callback, deferred disconnect. */
static void asy__ipc_flush(asy_ipc_t *ch, int from_io) {
    int err;
    if (!ch->connected_ || asy__ipc_closing(ch)) return;
    err = asy__ipc_write(ch);
    if (err) {
        asy__ipc_shutdown(ch, err == ASY_EPIPE ? 0 : err);
        return;
    }
    asy__ipc_events(ch);
    asy__ipc_update_active(ch);
    if (ch->wlen_ > ch->woff_) return;
    if (ch->disconnecting_) {
        asy__ipc_shutdown(ch, 0);
        return;
    }
    if (ch->want_drain_) {
        ch->want_drain_ = 0;
        if (ch->on_drain_) {
            ch->on_drain_(ch);
            if (from_io) asy__after_cb(ch->loop);
        }
    }
}

/* Replies sent while this channel's own messages are being dispatched
 * leave together after the batch (asy__ipc_io), not one write each. */
static void asy__ipc_flush_tick(void *arg) {
    asy_ipc_t *ch = (asy_ipc_t *)arg;
    if (ch->in_read_) return; /* flush_queued_ stays set: the read path flushes */
    ch->flush_queued_ = 0;
    asy__ipc_flush(ch, 0);
}

/* Hands every whole buffered frame to on_message.  Returns non-zero when
 * the handle was closed or the channel went down meanwhile. */
static int asy__ipc_decode(asy_ipc_t *ch, int from_io) {
    size_t off = 0;
    int r = 0;
    while (ch->reading_ && ch->connected_) {
        asy_ipc_frame_info_t info;
        int fds[ASY_IPC_MAX_FDS], nfds, i;
        r = asy_ipc_frame_decode(ch->rbuf_ + off, ch->rlen_ - off, ch->max_msg_, &info);
        if (r <= 0) break;
        nfds = (int)info.nfds;
        if (nfds > ch->nrfds_) {
            r = ASY_EPROTO; /* a frame announced fds that never came */
            break;
        }
        if (nfds) {
            memcpy(fds, ch->rfds_, sizeof(int) * (size_t)nfds);
            ch->nrfds_ -= nfds;
            memmove(ch->rfds_, ch->rfds_ + nfds, sizeof(int) * (size_t)ch->nrfds_);
        }
        if (ch->on_message_)
            ch->on_message_(ch, ch->rbuf_ + off + ASY_IPC_HEADER_SIZE, info.payload_len, fds,
                            nfds);
        for (i = 0; i < nfds; i++)
            if (fds[i] >= 0) close(fds[i]);
        if (from_io) asy__after_cb(ch->loop);
        if (asy__ipc_closing(ch)) return 1;
        off += info.frame_len;
        if (!ch->connected_) return 1;
    }
    if (r < 0) {
        asy__ipc_shutdown(ch, r);
        return 1;
    }
    if (off) {
        memmove(ch->rbuf_, ch->rbuf_ + off, ch->rlen_ - off);
        ch->rlen_ -= off;
    }
    return 0;
}

/* Room for the next read: at least 16 KiB free, and the whole pending
 * frame once its header says how big it is. */
static int asy__ipc_reserve(asy_ipc_t *ch) {
    size_t need = ch->rlen_ + 16384;
    if (ch->rlen_ >= ASY_IPC_HEADER_SIZE) {
        const unsigned char *b = ch->rbuf_;
        size_t flen = ASY_IPC_HEADER_SIZE + ((size_t)b[0] | ((size_t)b[1] << 8) |
                                             ((size_t)b[2] << 16) | ((size_t)b[3] << 24));
        if (flen > need && flen <= ch->max_msg_ + ASY_IPC_HEADER_SIZE) need = flen;
    }
    if (need < 65536) need = 65536;
    if (ch->rcap_ < need) {
        unsigned char *nb = (unsigned char *)asy__realloc(ch->rbuf_, need);
        if (!nb) return ASY_ENOMEM;
        ch->rbuf_ = nb;
        ch->rcap_ = need;
    }
    return 0;
}

static int asy__ipc_take_fds(asy_ipc_t *ch, struct msghdr *msg) {
    struct cmsghdr *cm;
    for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
        int n, i;
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
        n = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        if (n <= 0) continue;
        if (ch->nrfds_ + n > ch->rfdcap_) {
            int ncap = ch->rfdcap_ ? ch->rfdcap_ : 16;
            int *nf;
            while (ncap < ch->nrfds_ + n) ncap *= 2;
            nf = (int *)asy__realloc(ch->rfds_, sizeof(int) * (size_t)ncap);
            if (!nf) { /* cannot keep them: do not leak them either */
                for (i = 0; i < n; i++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(cm) + sizeof(int) * (size_t)i, sizeof(int));
                    close(fd);
                }
                return ASY_ENOMEM;
            }
            ch->rfds_ = nf;
            ch->rfdcap_ = ncap;
        }
        memcpy(ch->rfds_ + ch->nrfds_, CMSG_DATA(cm), sizeof(int) * (size_t)n);
        ch->nrfds_ += n;
    }
    return (msg->msg_flags & MSG_CTRUNC) ? ASY_EPROTO : 0;
}

static void asy__ipc_read(asy_ipc_t *ch) {
    int k;
    for (k = 0; k < 16 && ch->reading_ && ch->connected_; k++) {
        struct msghdr msg;
        struct iovec iov;
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(sizeof(int) * ASY__IPC_RFDS_MAX)];
        } ctl;
        ssize_t n;
        int r;
        if ((r = asy__ipc_reserve(ch)) != 0) {
            asy__ipc_shutdown(ch, r);
            return;
        }
        memset(&msg, 0, sizeof(msg));
        iov.iov_base = ch->rbuf_ + ch->rlen_;
        iov.iov_len = ch->rcap_ - ch->rlen_;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl.buf;
        msg.msg_controllen = sizeof(ctl.buf);
        n = recvmsg(ch->io_.fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            asy__ipc_shutdown(ch, errno == ECONNRESET ? 0 : asy__errno());
            return;
        }
        if ((r = asy__ipc_take_fds(ch, &msg)) != 0) {
            asy__ipc_shutdown(ch, r);
            return;
        }
        if (n == 0) {
            /* the peer is gone; half a frame left over is a protocol error */
            asy__ipc_shutdown(ch, ch->rlen_ ? ASY_EPROTO : 0);
            return;
        }
        ch->rlen_ += (size_t)n;
        if (asy__ipc_decode(ch, 1)) return;
        if ((size_t)n < iov.iov_len) return;
    }
}

static void asy__ipc_io(asy_loop_t *loop, asy__io *io, unsigned revents) {
    asy_ipc_t *ch = ASY_CONTAINER_OF(io, asy_ipc_t, io_);
    (void)loop;
    if (ch->wlen_ > ch->woff_ && (revents & (ASY_WRITABLE | ASY__IO_ERR))) {
        asy__ipc_flush(ch, 1);
        if (asy__ipc_closing(ch) || !ch->connected_) return;
    }
    if (ch->reading_ && (revents & (ASY_READABLE | ASY__IO_ERR))) {
        ch->in_read_ = 1;
        asy__ipc_read(ch);
        if (asy__ipc_closing(ch)) return;
        ch->in_read_ = 0;
        if (ch->flush_queued_) {
            ch->flush_queued_ = 0;
            asy__ipc_flush(ch, 1);
        }
    }
}

ASY__INTERNAL void asy__ipc_init_handle(asy_ipc_t *ch, asy_loop_t *loop, const char *file,
                                       int line) {
    memset(ch, 0, sizeof(*ch));
    asy__handle_init(loop, (asy_handle_t *)ch, &asy__ipc_class, file, line);
    asy__io_init(&ch->io_, -1, asy__ipc_io);
    ch->max_msg_ = ASY_IPC_DEFAULT_MAX_MESSAGE;
    ch->hwm_ = 1024 * 1024;
}

ASY__INTERNAL int asy__ipc_attach_fd(asy_ipc_t *ch, int fd) {
    int r = asy__set_nonblock_cloexec(fd);
    if (r) return r;
    asy__io_init(&ch->io_, fd, asy__ipc_io);
    ch->connected_ = 1;
    return 0;
}

ASYNCRT_API int asy_ipc_open_at(asy_loop_t *loop, asy_ipc_t *ch, asy_os_fd_t fd, const char *file,
                                int line) {
    int r;
    if (!asy__loop_live(loop) || !ch || fd < 0) return ASY_EINVAL;
    asy__ipc_init_handle(ch, loop, file, line);
    if ((r = asy__ipc_attach_fd(ch, fd)) != 0) {
        asy__queue_remove(&ch->handle_link_);
        return r;
    }
    return 0;
}

ASYNCRT_API int asy_ipc_open_child_at(asy_loop_t *loop, asy_ipc_t *ch, const char *file,
                                      int line) {
    const char *v;
    char *end;
    long fd;
    int r;
    if (!loop || !ch) return ASY_EINVAL;
    v = getenv(ASY_IPC_ENV);
    if (!v || !*v) return ASY_ENOENT;
    fd = strtol(v, &end, 10);
    if (*end || fd < 0 || fd > INT_MAX) return ASY_EINVAL;
    if (fcntl((int)fd, F_GETFD) < 0) return ASY_EBADF;
    r = asy_ipc_open_at(loop, ch, (int)fd, file, line);
    if (r == 0) unsetenv(ASY_IPC_ENV);
    return r;
}

static void asy__ipc_decode_tick(void *arg) {
    asy_ipc_t *ch = (asy_ipc_t *)arg;
    ch->decode_queued_ = 0;
    if (!asy__ipc_closing(ch)) asy__ipc_decode(ch, 0);
}

ASYNCRT_API int asy_ipc_start(asy_ipc_t *ch, asy_ipc_message_cb on_message,
                              asy_ipc_disconnect_cb on_disconnect) {
    if (!ch || !on_message || asy__ipc_closing(ch)) return ASY_EINVAL;
    if (!ch->connected_) return ASY_ENOTCONN;
    ch->on_message_ = on_message;
    ch->on_disconnect_ = on_disconnect;
    ch->reading_ = 1;
    asy__ipc_events(ch);
    asy__ipc_update_active(ch);
    /* frames that arrived before a stop wait in the buffer */
    if (ch->rlen_ >= ASY_IPC_HEADER_SIZE && !ch->decode_queued_ &&
        asy_next_tick(ch->loop, asy__ipc_decode_tick, ch) == 0)
        ch->decode_queued_ = 1;
    return 0;
}

ASYNCRT_API int asy_ipc_stop(asy_ipc_t *ch) {
    if (!ch) return ASY_EINVAL;
    ch->reading_ = 0;
    asy__ipc_events(ch);
    asy__ipc_update_active(ch);
    return 0;
}

static int asy__ipc_wreserve(asy_ipc_t *ch, size_t len) {
    if (ch->woff_ && ch->wcap_ - ch->wlen_ < len) {
        int i;
        memmove(ch->wbuf_, ch->wbuf_ + ch->woff_, ch->wlen_ - ch->woff_);
        for (i = 0; i < ch->natt_; i++) ch->att_[i].off -= ch->woff_;
        ch->wlen_ -= ch->woff_;
        ch->woff_ = 0;
    }
    if (ch->wcap_ - ch->wlen_ < len) {
        size_t ncap = ch->wcap_ ? ch->wcap_ : 65536;
        unsigned char *nb;
        while (ncap - ch->wlen_ < len) {
            if (ncap > SIZE_MAX / 2) return ASY_ENOMEM;
            ncap *= 2;
        }
        nb = (unsigned char *)asy__realloc(ch->wbuf_, ncap);
        if (!nb) return ASY_ENOMEM;
        ch->wbuf_ = nb;
        ch->wcap_ = ncap;
    }
    return 0;
}

ASYNCRT_API int asy_ipc_send(asy_ipc_t *ch, const void *data, size_t len, const int *fds,
                             int nfds) {
    unsigned char hdr[ASY_IPC_HEADER_SIZE];
    int r, i;
    if (!ch || (!data && len) || nfds < 0 || nfds > ASY_IPC_MAX_FDS || (nfds && !fds) ||
        asy__ipc_closing(ch))
        return ASY_EINVAL;
    if (!ch->connected_ || ch->disconnecting_) return ASY_ENOTCONN;
    if ((r = asy_ipc_frame_header(hdr, len, (unsigned)nfds)) != 0) return r;
    if (len > SIZE_MAX - ASY_IPC_HEADER_SIZE) return ASY_EMSGSIZE;
    if ((r = asy__ipc_wreserve(ch, ASY_IPC_HEADER_SIZE + len)) != 0) return r;
    if (nfds) {
        struct asy__ipc_attach *a;
        if (ch->natt_ == ch->attcap_) {
            int ncap = ch->attcap_ ? ch->attcap_ * 2 : 4;
            struct asy__ipc_attach *na = (struct asy__ipc_attach *)asy__realloc(
                ch->att_, sizeof(struct asy__ipc_attach) * (size_t)ncap);
            if (!na) return ASY_ENOMEM;
            ch->att_ = na;
            ch->attcap_ = ncap;
        }
        a = &ch->att_[ch->natt_];
        for (i = 0; i < nfds; i++) {
            a->fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
            if (a->fds[i] < 0) {
                r = asy__errno();
                while (i-- > 0) close(a->fds[i]);
                return r;
            }
        }
        a->nfds = nfds;
        a->off = ch->wlen_;
        ch->natt_++;
    }
    memcpy(ch->wbuf_ + ch->wlen_, hdr, ASY_IPC_HEADER_SIZE);
    if (len) memcpy(ch->wbuf_ + ch->wlen_ + ASY_IPC_HEADER_SIZE, data, len);
    ch->wlen_ += ASY_IPC_HEADER_SIZE + len;
    if (!ch->flush_queued_ && asy_next_tick(ch->loop, asy__ipc_flush_tick, ch) == 0)
        ch->flush_queued_ = 1;
    asy__ipc_update_active(ch);
    if (ch->wlen_ - ch->woff_ < ch->hwm_) return 1;
    ch->want_drain_ = 1;
    return 0;
}

ASYNCRT_API void asy_ipc_on_drain(asy_ipc_t *ch, asy_ipc_drain_cb cb, size_t high_water_mark) {
    if (!ch) return;
    ch->on_drain_ = cb;
    ch->hwm_ = high_water_mark ? high_water_mark : 1024 * 1024;
}

ASYNCRT_API void asy_ipc_set_max_message(asy_ipc_t *ch, size_t max) {
    if (ch) ch->max_msg_ = max ? max : ASY_IPC_DEFAULT_MAX_MESSAGE;
}

ASYNCRT_API int asy_ipc_disconnect(asy_ipc_t *ch) {
    if (!ch || asy__ipc_closing(ch)) return ASY_EINVAL;
    if (!ch->connected_) return ASY_ENOTCONN;
    ch->reading_ = 0;
    ch->disconnecting_ = 1;
    if (ch->wlen_ == ch->woff_) {
        asy__ipc_shutdown(ch, 0);
    } else {
        asy__ipc_events(ch);
        asy__ipc_update_active(ch);
    }
    return 0;
}

ASYNCRT_API int asy_ipc_connected(const asy_ipc_t *ch) {
    return ch && ch->connected_ && !ch->disconnecting_;
}

ASY__INTERNAL void asy__ipc_close(asy_handle_t *h) {
    asy_ipc_t *ch = (asy_ipc_t *)h;
    if (ch->io_.fd >= 0) {
        asy__io_close(ch->loop, &ch->io_);
        close(ch->io_.fd);
        ch->io_.fd = -1;
    }
    ch->connected_ = 0;
    ch->reading_ = 0;
    asy__ipc_drop_queues(ch);
    asy__free(ch->rbuf_);
    asy__free(ch->wbuf_);
    asy__free(ch->rfds_);
    asy__free(ch->att_);
    ch->rbuf_ = ch->wbuf_ = NULL;
    ch->rfds_ = NULL;
    ch->att_ = NULL;
    ch->rlen_ = ch->rcap_ = ch->wcap_ = 0;
    ch->rfdcap_ = ch->attcap_ = 0;
}
