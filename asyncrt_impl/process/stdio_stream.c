/* The child's stdio as Node streams: an asy_stream_impl_t over the pipe
 * reader/writer of stdio.c.  Reading follows the stream's demand (the pipe
 * is read only while the stream asks for data, so a slow consumer stops
 * the child through the full pipe); a write completes when the pipe's
 * queue is below its mark or, after that, when it has drained; end()
 * finishes once the queue is written and the pipe closed. */
#include "process.internal.h"
#include "../base/errors.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../stream/stream.internal.h"
static struct asy__child_pipe *asy__cs_pipe(asy_stream_t *s) {
    return (struct asy__child_pipe *)s->impl_data;
}

static void asy__cs_on_read(asy_process_t *p, int fd, const char *data, long n) {
    asy_stream_t *s = p->pipes_[fd].stream;
    if (!s) return;
    if (n > 0) {
        /* may emit 'data' at once; p's pipes may be gone afterwards */
        if (asy_stream_push_bytes(s, data, (size_t)n) <= 0) asy_process_read_stop(p, fd);
    } else if (n == ASY_EOF) {
        asy_stream_push_end(s);
    } else {
        asy_stream_destroy(s, (int)n);
    }
}

static void asy__cs_read(asy_stream_t *s, size_t size) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    (void)size;
    if (!cp || cp->eof || cp->io.fd < 0) return;
    asy_process_read_start(cp->owner, cp->index, asy__cs_on_read);
}

static void asy__cs_write(asy_stream_t *s, const asy_buf_t *chunk) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    int r;
    if (!cp) {
        asy_stream_write_done(s, ASY_EPIPE);
        return;
    }
    r = asy_process_write(cp->owner, cp->index, chunk->data, chunk->len);
    if (r == 0)
        cp->stream_wpending = 1; /* asy__cstream_notify completes it */
    else
        asy_stream_write_done(s, r > 0 ? 0 : r);
}

static void asy__cs_final(asy_stream_t *s) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    if (!cp || cp->io.fd < 0) {
        asy_stream_final_done(s, (cp && cp->err) ? cp->err : 0);
        return;
    }
    asy_process_end(cp->owner, cp->index);
    if (cp->io.fd >= 0 && cp->wlen > cp->woff)
        cp->stream_final_pending = 1;
    else
        asy_stream_final_done(s, 0);
}

static void asy__cs_destroy(asy_stream_t *s, int err) {
    struct asy__child_pipe *cp = asy__cs_pipe(s);
    if (cp) {
        asy_process_t *p = cp->owner;
        cp->stream = NULL;
        s->impl_data = NULL;
        if (cp->io.fd >= 0) { /* Node: destroying child.stdout closes the pipe */
            asy__cpipe_close(p->loop, cp);
            cp->eof = 1;
            asy__proc_update_active(p);
            asy__proc_maybe_close_event(p);
        }
    }
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t asy__cs_impl = {
    NULL, asy__cs_read, asy__cs_write, NULL, asy__cs_final, asy__cs_destroy, NULL, NULL};

/* A write queue emptied (status 0) or failed.  Returns 1 when the pipe
 * belongs to a stream (which then gets the news instead of on_drain). */
ASY__INTERNAL int asy__cstream_notify(asy_process_t *p, struct asy__child_pipe *cp, int status) {
    asy_stream_t *s = cp->stream;
    (void)p;
    if (!s) return 0;
    cp->want_drain = 0;
    if (cp->stream_wpending) {
        cp->stream_wpending = 0;
        asy_stream_write_done(s, status);
    }
    if (cp->stream_final_pending && (status || cp->io.fd < 0 || cp->wlen == cp->woff)) {
        cp->stream_final_pending = 0;
        asy_stream_final_done(s, status);
    }
    return 1;
}

/* A readable stdio stream emitted 'close': the process's on_close may be
 * due now (Node's maybeClose).  The listener is already detached. */
static void asy__cs_closed(asy__stream_listener *l, asy_stream_t *s) {
    struct asy__child_pipe *cp = ASY_CONTAINER_OF(l, struct asy__child_pipe, close_listener);
    (void)s;
    cp->watched = NULL;
    asy__proc_maybe_close_event(cp->owner);
}

static const asy__stream_listener_vt asy__cs_close_vt = {NULL, NULL, NULL, NULL,
                                                         NULL, NULL, asy__cs_closed};

/* The process handle is closing: streams still attached are destroyed. */
ASY__INTERNAL void asy__cstream_detach(struct asy__child_pipe *cp) {
    asy_stream_t *s = cp->stream;
    if (cp->watched) { /* the pipes' memory goes away with the handle */
        asy__stream_unlisten(cp->watched, &cp->close_listener);
        cp->watched = NULL;
    }
    if (!s) return;
    cp->stream = NULL;
    s->impl_data = NULL;
    if (!asy_stream_is_destroyed(s)) asy_stream_destroy(s, 0);
}

/* Called by asy_spawn for every slot that asked for a stream; child_ok 0:
 * the child did not start, the streams are destroyed at once. */
static void asy__cstream_attach(asy_process_t *p, const asy_process_opts_t *o, int child_ok) {
    int i, n = o ? (o->stdio_count ? o->stdio_count : 3) : 0;
    for (i = 0; i < n; i++) {
        asy_stream_t *s = o->stdio[i].stream;
        struct asy__child_pipe *cp = (child_ok && p->pipes_ && i < p->npipes_) ? &p->pipes_[i] : NULL;
        if (o->stdio[i].kind != ASY_STDIO_PIPE || !s || o->stdio[i].pipe) continue;
        if (i == 0)
            asy_writable_init(p->loop, s, &asy__cs_impl, NULL);
        else if (i <= 2)
            asy_readable_init(p->loop, s, &asy__cs_impl, NULL);
        else
            asy_duplex_init(p->loop, s, &asy__cs_impl, NULL);
        if (!cp || cp->io.fd < 0) {
            s->impl_data = NULL;
            asy_stream_destroy(s, 0);
            continue;
        }
        s->impl_data = cp;
        cp->stream = s;
        if (cp->readable) {
            asy__queue_init(&cp->close_listener.link);
            asy__stream_listen(s, &cp->close_listener, &asy__cs_close_vt);
            cp->watched = s;
        }
    }
}
