/* asy_stream_next: Node's Readable async iterator
 * (createAsyncIterator) with the awaits turned into callbacks.  It
 * listens for 'readable' (paused mode), reads one chunk at a time, and
 * learns the end or the error from finished(stream, {writable: false}).
 *
 * Chunks are handed over in a microtask that counts against the stream
 * (so it stays open for it).  The end and errors come in a microtask that
 * does not: as in Node, the loop's exit runs after 'close', and the
 * iterator then never touches the stream again. */
#include "stream.internal.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/loop.h"

enum { ASY__ITER_RUNNING, ASY__ITER_ENDED, ASY__ITER_ERRORED };
enum { ASY__ITER_DELIVER = 1, ASY__ITER_TRY = 2 };

struct asy__stream_iter {
    asy__stream_listener l;
    asy_stream_t *s;
    asy__eos *eos;
    asy_stream_read_cb cb; /* the outstanding call */
    void *arg;
    int state, err;
    int waiting;  /* a read is parked until 'readable' or the end */
    int queued;   /* a counted microtask: ASY__ITER_DELIVER or _TRY */
    int final_queued; /* the uncounted end/error microtask */
    int detached; /* the stream emitted 'close' */
    asy_buf_t chunk; /* what a DELIVER microtask hands over */
    int final_status;
};
typedef struct asy__stream_iter asy__iter;

ASY__INTERNAL void asy__iter_try(asy__iter *it, int direct);

ASY__INTERNAL void asy__iter_free_maybe(asy__iter *it) {
    if (it->detached && !it->eos && !it->queued && !it->final_queued) {
        asy_buf_release(&it->chunk);
        asy__free(it);
    }
}

ASY__INTERNAL void asy__iter_final_micro(void *p) {
    asy__iter *it = (asy__iter *)p;
    asy_stream_read_cb cb = it->cb;
    void *arg = it->arg;
    asy_stream_t *s = it->s;
    int status = it->final_status;
    it->final_queued = 0;
    it->cb = NULL;
    /* the loop is over: like the iterator's `finally`, destroy the stream
     * (unless it already closed and may be gone) */
    if (!it->detached && (s->sflags_ & ASY__STREAM_AUTO_DESTROY) && !(s->sflags_ & ASY__STREAM_DESTROYED))
        asy_stream_destroy(s, 0);
    asy__iter_free_maybe(it);
    if (cb) cb(s, status, NULL, arg);
}

ASY__INTERNAL void asy__iter_deliver(asy__iter *it, const asy_buf_t *chunk) {
    asy_stream_read_cb cb = it->cb;
    void *arg = it->arg;
    it->cb = NULL;
    if (cb) cb(it->s, 0, chunk, arg);
}

ASY__INTERNAL void asy__iter_micro(void *p) {
    asy__iter *it = (asy__iter *)p;
    asy_stream_t *s = it->s;
    int mode = it->queued;
    it->queued = 0;
    if (mode == ASY__ITER_DELIVER) {
        asy_buf_t c = it->chunk;
        memset(&it->chunk, 0, sizeof(it->chunk));
        asy__iter_deliver(it, &c);
        asy_buf_release(&c);
    } else {
        asy__iter_try(it, 1);
    }
    asy__stream_tick_done(s); /* may emit 'close', which may free it */
}

ASY__INTERNAL void asy__iter_queue(asy__iter *it, int mode) {
    asy_stream_t *s = it->s;
    it->queued = mode;
    s->ticks_++;
    if (asy_queue_microtask(s->loop, asy__iter_micro, it) != 0) asy__iter_micro(it);
}

/* One turn of the iterator's loop: a chunk, else the end or the error,
 * else wait.  direct: we already are in the microtask that resumes the
 * loop (or in 'close', where nothing counted can be queued). */
ASY__INTERNAL void asy__iter_try(asy__iter *it, int direct) {
    asy_stream_t *s = it->s;
    asy_buf_t c;
    memset(&c, 0, sizeof(c));
    if (!it->cb) return;
    if (!(s->sflags_ & ASY__STREAM_DESTROYED) && asy__readable_read(s, ASY_STREAM_READ_ALL, &c) == 1) {
        if (direct) {
            asy__iter_deliver(it, &c);
            asy_buf_release(&c);
        } else {
            it->chunk = c;
            asy__iter_queue(it, ASY__ITER_DELIVER);
        }
    } else if (it->state != ASY__ITER_RUNNING) {
        it->final_status = it->state == ASY__ITER_ERRORED ? it->err : ASY_EOF;
        it->final_queued = 1;
        if (asy_queue_microtask(s->loop, asy__iter_final_micro, it) != 0) asy__iter_final_micro(it);
    } else {
        it->waiting = 1;
    }
}

ASY__INTERNAL void asy__iter_wake(asy__iter *it) {
    if (!it->waiting) return;
    it->waiting = 0;
    if (it->s->sflags_ & ASY__STREAM_CLOSE_EMITTED)
        asy__iter_try(it, 1);
    else
        asy__iter_queue(it, ASY__ITER_TRY);
}

ASY__INTERNAL void asy__iter_on_readable(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    asy__iter_wake((asy__iter *)l);
}

ASY__INTERNAL void asy__iter_on_close(asy__stream_listener *l, asy_stream_t *s) {
    asy__iter *it = (asy__iter *)l;
    if (s->iter_ == it) s->iter_ = NULL;
    it->detached = 1;
    asy__iter_free_maybe(it);
}

static const asy__stream_listener_vt asy__iter_vt = {
    NULL, asy__iter_on_readable, NULL, NULL, NULL, NULL, asy__iter_on_close};

ASY__INTERNAL void asy__iter_eos(asy_stream_t *s, int status, void *arg) {
    asy__iter *it = (asy__iter *)arg;
    (void)s;
    it->eos = NULL;
    it->state = status ? ASY__ITER_ERRORED : ASY__ITER_ENDED;
    it->err = status;
    asy__iter_wake(it);
    asy__iter_free_maybe(it);
}

ASYNCRT_API int asy_stream_next(asy_stream_t *s, asy_stream_read_cb cb, void *arg) {
    asy__iter *it;
    if (!s || !cb || !(s->sflags_ & ASY__STREAM_READABLE) || (s->sflags_ & ASY__STREAM_CLOSE_EMITTED))
        return ASY_EINVAL;
    it = s->iter_;
    if (it && it->cb) return ASY_EBUSY;
    if (!it) {
        it = ASY__NEW(asy__iter);
        if (!it) return ASY_ENOMEM;
        memset(it, 0, sizeof(*it));
        it->s = s;
        asy__queue_init(&it->l.link);
        it->eos = asy__eos_start(s, 1, 0, asy__iter_eos, it);
        if (!it->eos) {
            asy__free(it);
            return ASY_ENOMEM;
        }
        s->iter_ = it;
        asy__stream_listen(s, &it->l, &asy__iter_vt); /* on('readable') */
    }
    it->cb = cb;
    it->arg = arg;
    asy__iter_try(it, 0);
    return 0;
}
