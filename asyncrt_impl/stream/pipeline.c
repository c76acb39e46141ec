/* pipeline(streams..., cb): Node's pipeline.js for streams.  Each pair is
 * piped (backpressure end to end) with the end handled here; every stream
 * is watched (finished) and any error destroys all the others with it;
 * cb runs once, on a nextTick, when every watch has reported. */
#include "pipeline.h"
#include "stream.internal.h"
#include "../base/queue.h"
#include "../loop/loop.h"

typedef struct asy__pl asy__pl;

typedef struct asy__pl_member {
    asy__stream_listener l;     /* 'close' and 'error' of the stream */
    asy__stream_listener end_l; /* its 'end', as the source of the next pipe */
    asy__pl *pl;
    asy_stream_t *s;
    size_t i;
    int finished;  /* done well (or closed): not destroyed by the pipeline */
    int ended;     /* as a destination: end() was called for it */
    int closed;    /* emitted 'close': never touched again */
    int end_armed;
    asy__eos *eos_self, *eos_as_src, *eos_as_dst;
} asy__pl_member;

struct asy__pl {
    asy_loop_t *loop;
    size_t n;
    asy__pl_member *m;
    int error;
    long count; /* reports still expected (Node's finishCount) */
    int destroyed_all;
    int finalized;
    int refs;   /* our queued nextTicks */
    asy_stream_cb cb;
    void *arg;
};

ASY__INTERNAL void asy__pl_free_maybe(asy__pl *pl) {
    if (pl->finalized && !pl->refs) {
        asy__free(pl->m);
        asy__free(pl);
    }
}

ASY__INTERNAL void asy__pl_cb_tick(void *p) {
    asy__pl *pl = (asy__pl *)p;
    asy__pl_member *last = &pl->m[pl->n - 1];
    pl->refs--;
    /* a stream that closed may be freed already (its on_close): NULL */
    pl->cb(last->closed ? NULL : last->s, pl->error, pl->arg);
    asy__pl_free_maybe(pl);
}

/* Every report is in: forget the streams that are still open, then call
 * back on the next tick. */
ASY__INTERNAL void asy__pl_finalize(asy__pl *pl) {
    size_t i;
    pl->finalized = 1;
    for (i = 0; i < pl->n; i++) {
        asy__pl_member *m = &pl->m[i];
        if (m->closed) continue;
        asy__stream_unlisten(m->s, &m->l);
        asy__stream_unlisten(m->s, &m->end_l);
        if (m->eos_self) asy__eos_cancel(m->eos_self);
        if (m->eos_as_src) asy__eos_cancel(m->eos_as_src);
        if (m->eos_as_dst) asy__eos_cancel(m->eos_as_dst);
        m->eos_self = m->eos_as_src = m->eos_as_dst = NULL;
    }
    pl->refs++;
    if (asy_next_tick(pl->loop, asy__pl_cb_tick, pl) != 0) asy__pl_cb_tick(pl);
}

ASY__INTERNAL void asy__pl_finish(asy__pl *pl, int err) {
    size_t i;
    int final = --pl->count == 0;
    if (pl->finalized) return;
    /* the first error wins, except over a premature close */
    if (err && (!pl->error || pl->error == ASY_EPREMATURE_CLOSE)) pl->error = err;
    if (!pl->error && !final) return;
    if (!pl->destroyed_all) {
        pl->destroyed_all = 1;
        for (i = 0; i < pl->n; i++) {
            asy__pl_member *m = &pl->m[i];
            if (m->finished || m->closed) continue;
            m->finished = 1;
            asy_stream_destroy(m->s, pl->error ? pl->error : ASY_ESTREAM_DESTROYED);
        }
    }
    if (final) asy__pl_finalize(pl);
}

/* ---- per-stream listeners ---------------------------------------------------------- */

ASY__INTERNAL void asy__pl_on_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    asy__pl_member *m = (asy__pl_member *)l;
    (void)s;
    if (err && err != ASY_ECANCELED && err != ASY_EPREMATURE_CLOSE) asy__pl_finish(m->pl, err);
}

ASY__INTERNAL void asy__pl_on_close(asy__stream_listener *l, asy_stream_t *s) {
    asy__pl_member *m = (asy__pl_member *)l;
    (void)s;
    m->closed = 1;
    m->finished = 1;
    /* a destination that closed before its source ended it */
    if (m->i > 0 && !m->ended && !m->pl->finalized) asy__pl_finish(m->pl, ASY_EPREMATURE_CLOSE);
}

static const asy__stream_listener_vt asy__pl_vt = {
    NULL, NULL, NULL, asy__pl_on_error, NULL, NULL, asy__pl_on_close};

ASY__INTERNAL void asy__pl_end_dst(asy__pl_member *src) {
    asy__pl_member *dst = &src->pl->m[src->i + 1];
    dst->ended = 1;
    if (!dst->closed) asy__writable_end(dst->s, NULL, NULL);
}

ASY__INTERNAL void asy__pl_on_end(asy__stream_listener *l, asy_stream_t *s) {
    asy__pl_member *m = ASY_CONTAINER_OF(l, asy__pl_member, end_l);
    (void)s;
    if (!m->end_armed) return;
    m->end_armed = 0;
    asy__stream_unlisten(m->s, &m->end_l);
    asy__pl_end_dst(m);
}

static const asy__stream_listener_vt asy__pl_end_vt = {
    NULL, NULL, asy__pl_on_end, NULL, NULL, NULL, NULL};

/* The source had already ended when the pipeline started. */
ASY__INTERNAL void asy__pl_end_tick(void *p) {
    asy__pl_member *m = (asy__pl_member *)p;
    asy__pl *pl = m->pl;
    asy_stream_t *s = m->s;
    if (!pl->finalized) asy__pl_end_dst(m);
    pl->refs--;
    asy__pl_free_maybe(pl);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__pl_self_done(asy_stream_t *s, int status, void *arg) {
    asy__pl_member *m = (asy__pl_member *)arg;
    (void)s;
    m->eos_self = NULL;
    m->finished = !status;
}

ASY__INTERNAL void asy__pl_src_done(asy_stream_t *s, int status, void *arg) {
    asy__pl_member *m = (asy__pl_member *)arg;
    (void)s;
    m->eos_as_src = NULL;
    /* Node waits for a late 'end' when a source closed after its EOF
     * without an error; that 'end' cannot come after 'close', so the
     * premature close is reported as is and cb still runs once.  A source
     * destroyed after pushing EOF but before emitting 'end' (paused behind
     * a slow destination) counts as finished for finished(), yet its 'end'
     * never reaches the pipe, so the destination would never be ended:
     * that is a premature close of the pipeline too (Node 20 hangs). */
    if (!status && m->end_armed) status = ASY_EPREMATURE_CLOSE;
    asy__pl_finish(m->pl, status);
}

ASY__INTERNAL void asy__pl_dst_done(asy_stream_t *s, int status, void *arg) {
    asy__pl_member *m = (asy__pl_member *)arg;
    (void)s;
    m->eos_as_dst = NULL;
    asy__pl_finish(m->pl, status);
}

ASYNCRT_API int asy_pipeline(asy_stream_t *const *streams, size_t n, asy_stream_cb cb,
                             void *arg) {
    asy__pl *pl;
    asy__eos **eos = NULL;
    asy__pipe **pipes = NULL;
    size_t i, k, neos, ok = 0;
    if (!streams || n < 2 || !cb) return ASY_EINVAL;
    for (i = 0; i < n; i++) {
        asy_stream_t *s = streams[i];
        if (!s || (s->sflags_ & ASY__STREAM_CLOSE_EMITTED)) return ASY_EINVAL;
        if (i < n - 1 && !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
        if (i > 0 && !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    }
    /* Everything is allocated up front, so nothing is half-attached when
     * memory runs out. */
    neos = 3 * n - 2;
    pl = ASY__NEW(asy__pl);
    eos = ASY__NEW_ARRAY(asy__eos *, neos);
    pipes = ASY__NEW_ARRAY(asy__pipe *, n - 1);
    if (pl) {
        memset(pl, 0, sizeof(*pl));
        pl->m = ASY__NEW_ARRAY(asy__pl_member, n);
    }
    if (pl && pl->m && eos && pipes) {
        memset(eos, 0, neos * sizeof(*eos));
        memset(pipes, 0, (n - 1) * sizeof(*pipes));
        ok = 1;
        for (k = 0; k < neos && ok; k++) ok = (eos[k] = asy__eos_new()) != NULL;
        for (k = 0; k < n - 1 && ok; k++) ok = (pipes[k] = asy__pipe_new()) != NULL;
    }
    if (!ok) {
        if (eos)
            for (k = 0; k < neos; k++) asy__free(eos[k]);
        if (pipes)
            for (k = 0; k < n - 1; k++) asy__free(pipes[k]);
        asy__free(eos);
        asy__free(pipes);
        if (pl) asy__free(pl->m);
        asy__free(pl);
        return ASY_ENOMEM;
    }
    memset(pl->m, 0, n * sizeof(asy__pl_member));
    pl->loop = streams[0]->loop;
    pl->n = n;
    pl->cb = cb;
    pl->arg = arg;
    pl->count = 2 * (long)(n - 1);
    k = 0;
    for (i = 0; i < n; i++) {
        asy__pl_member *m = &pl->m[i];
        m->pl = pl;
        m->s = streams[i];
        m->i = i;
        asy__queue_init(&m->l.link);
        asy__queue_init(&m->end_l.link);
        asy__stream_listen(m->s, &m->l, &asy__pl_vt);
        m->eos_self = eos[k++];
        asy__eos_begin(m->eos_self, m->s, i < n - 1, i > 0, asy__pl_self_done, m);
        if (i > 0) {
            asy__pl_member *src = &pl->m[i - 1];
            asy__pipe_begin(pipes[i - 1], src->s, m->s, 0);
            if (asy__readable_finished(src->s, 0)) {
                pl->refs++;
                asy__stream_tick_arg(src->s, asy__pl_end_tick, src);
            } else {
                src->end_armed = 1;
                asy__stream_listen(src->s, &src->end_l, &asy__pl_end_vt);
            }
            src->eos_as_src = eos[k++];
            asy__eos_begin(src->eos_as_src, src->s, 1, 0, asy__pl_src_done, src);
            m->eos_as_dst = eos[k++];
            asy__eos_begin(m->eos_as_dst, m->s, 0, 1, asy__pl_dst_done, m);
        }
    }
    asy__free(eos);
    asy__free(pipes);
    return 0;
}
