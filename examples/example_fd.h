/* A small fd source and sink for the stream examples (the real file and
 * pipe streams belong to the fs and net modules).  It is also a worked
 * example of the implementer interface: a Readable whose _read waits on a
 * poll handle, a Writable whose _write does.
 *
 * Blocking-safe without O_NONBLOCK: the fd is left as it is (stdin and
 * stdout are shared with the shell, and setting O_NONBLOCK on them leaks
 * into it), so each read or write waits for the poll handle to report the
 * fd ready and then does one call that cannot block: a read returns what
 * is there, a write sends at most PIPE_BUF bytes, which a writable pipe
 * always takes whole.  Regular files (and devices epoll refuses, like
 * /dev/null) are always ready, so they are read and written straight
 * away, one read per loop iteration. */
#ifndef ASYNCRT_EXAMPLE_FD_H
#define ASYNCRT_EXAMPLE_FD_H

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

/* not every example uses both halves */
#if defined(__GNUC__) || defined(__clang__)
#define EX_UNUSED __attribute__((unused))
#else
#define EX_UNUSED
#endif

typedef struct ex_fd {
    asy_stream_t stream; /* what the example pipes */
    asy_poll_t poll;
    asy_immediate_id_t imm;
    int fd;
    int is_file;  /* no poll handle: always ready */
    int has_poll; /* poll initialised (to be closed on destroy) */
    int destroy_err;
    asy_buf_t pending; /* sink: the chunk being written */
    size_t off;
} ex_fd;

EX_UNUSED static ex_fd *ex_fd_of(asy_stream_t *s) { return ASY_CONTAINER_OF(s, ex_fd, stream); }

/* ---- source ------------------------------------------------------------------ */

EX_UNUSED static void ex_src_pull(ex_fd *f);

EX_UNUSED static void ex_src_on_poll(asy_poll_t *p, int status, unsigned events) {
    ex_fd *f = ASY_CONTAINER_OF(p, ex_fd, poll);
    (void)events;
    if (status < 0) {
        asy_poll_stop(p);
        asy_stream_destroy(&f->stream, status);
        return;
    }
    ex_src_pull(f);
}

EX_UNUSED static void ex_src_on_imm(void *arg) {
    ex_fd *f = (ex_fd *)arg;
    f->imm.id = 0;
    ex_src_pull(f);
}

/* Keeps reading while the stream wants more. */
EX_UNUSED static void ex_src_wait(ex_fd *f) {
    int r;
    if (!f->is_file && (r = asy_poll_start(&f->poll, ASY_READABLE, ex_src_on_poll)) < 0) {
        if (r != ASY_EPERM) {
            asy_stream_destroy(&f->stream, r);
            return;
        }
        f->is_file = 1; /* epoll refuses it (/dev/null...): never blocks either */
    }
    if (f->is_file && !f->imm.id) f->imm = asy_set_immediate(f->stream.loop, ex_src_on_imm, f);
}

EX_UNUSED static void ex_src_pull(ex_fd *f) {
    asy_buf_t b, got;
    ssize_t n;
    int more;
    if (asy_buf_alloc_unsafe(&b, 64 * 1024) < 0) {
        asy_stream_destroy(&f->stream, ASY_ENOMEM);
        return;
    }
    do
        n = read(f->fd, b.data, b.len);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) { /* spurious wake-up: keep waiting */
        asy_buf_release(&b);
        return;
    }
    if (f->has_poll) asy_poll_stop(&f->poll);
    if (n <= 0) {
        asy_buf_release(&b);
        if (n == 0)
            asy_stream_push_end(&f->stream);
        else
            asy_stream_destroy(&f->stream, -errno);
        return;
    }
    asy_buf_slice(&got, &b, 0, n); /* a view of what was read */
    asy_buf_release(&b);
    more = asy_stream_push_move(&f->stream, &got);
    if (more == 1) ex_src_wait(f); /* else _read comes back when wanted */
}

EX_UNUSED static void ex_src_read(asy_stream_t *s, size_t size) {
    (void)size;
    ex_src_wait(ex_fd_of(s));
}

/* ---- sink ---------------------------------------------------------------------- */

EX_UNUSED static void ex_sink_finish(ex_fd *f, int status) {
    if (f->has_poll) asy_poll_stop(&f->poll);
    asy_buf_release(&f->pending);
    asy_stream_write_done(&f->stream, status);
}

/* Writes what the fd takes now; 1 when the chunk is done. */
EX_UNUSED static int ex_sink_push(ex_fd *f) {
    while (f->off < f->pending.len) {
        size_t left = f->pending.len - f->off;
        ssize_t n;
        if (!f->is_file && left > PIPE_BUF) left = PIPE_BUF;
        n = write(f->fd, f->pending.data + f->off, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        if (n < 0) {
            ex_sink_finish(f, -errno);
            return -1;
        }
        f->off += (size_t)n;
        if (!f->is_file) break; /* one call per readiness report */
    }
    if (f->off < f->pending.len) return 0;
    ex_sink_finish(f, 0);
    return 1;
}

EX_UNUSED static void ex_sink_on_poll(asy_poll_t *p, int status, unsigned events) {
    ex_fd *f = ASY_CONTAINER_OF(p, ex_fd, poll);
    (void)events;
    if (status < 0)
        ex_sink_finish(f, status);
    else
        ex_sink_push(f);
}

EX_UNUSED static void ex_sink_write(asy_stream_t *s, const asy_buf_t *chunk) {
    ex_fd *f = ex_fd_of(s);
    int r;
    asy_buf_retain(&f->pending, chunk);
    f->off = 0;
    if (!f->is_file && (r = asy_poll_start(&f->poll, ASY_WRITABLE, ex_sink_on_poll)) < 0) {
        if (r != ASY_EPERM) {
            ex_sink_finish(f, r);
            return;
        }
        f->is_file = 1; /* epoll refuses it (/dev/null...): never blocks either */
    }
    if (f->is_file) ex_sink_push(f);
}

/* ---- both: _destroy closes the poll handle, then reports ----------------------- */

EX_UNUSED static void ex_fd_poll_closed(asy_handle_t *h) {
    ex_fd *f = ASY_CONTAINER_OF((asy_poll_t *)h, ex_fd, poll);
    asy_stream_destroy_done(&f->stream, f->destroy_err);
}

EX_UNUSED static void ex_fd_destroy(asy_stream_t *s, int err) {
    ex_fd *f = ex_fd_of(s);
    if (f->imm.id) asy_clear_immediate(s->loop, f->imm);
    f->imm.id = 0;
    if (f->pending.len) ex_sink_finish(f, ASY_ECANCELED); /* a write in flight */
    f->destroy_err = err;
    if (f->has_poll)
        asy_close((asy_handle_t *)&f->poll, ex_fd_poll_closed);
    else
        asy_stream_destroy_done(s, err);
}

EX_UNUSED static const asy_stream_impl_t ex_source_impl = {NULL, ex_src_read, NULL, NULL, NULL, ex_fd_destroy,
                                               NULL, NULL};
EX_UNUSED static const asy_stream_impl_t ex_sink_impl = {NULL, NULL, ex_sink_write, NULL, NULL, ex_fd_destroy,
                                             NULL, NULL};

EX_UNUSED static int ex_fd_setup(asy_loop_t *loop, ex_fd *f, int fd) {
    struct stat st;
    memset(f, 0, sizeof(*f));
    f->fd = fd;
    f->is_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (!f->is_file) {
        int r = asy_poll_init(loop, &f->poll, fd);
        if (r < 0) return r;
        f->has_poll = 1;
    }
    return 0;
}

/* The fd is not closed by the stream (it may be stdin or stdout). */
EX_UNUSED static int ex_fd_source(asy_loop_t *loop, ex_fd *f, int fd, const asy_stream_opts_t *opts) {
    int r = ex_fd_setup(loop, f, fd);
    return r < 0 ? r : asy_readable_init(loop, &f->stream, &ex_source_impl, opts);
}

EX_UNUSED static int ex_fd_sink(asy_loop_t *loop, ex_fd *f, int fd, const asy_stream_opts_t *opts) {
    int r = ex_fd_setup(loop, f, fd);
    return r < 0 ? r : asy_writable_init(loop, &f->stream, &ex_sink_impl, opts);
}

#endif
