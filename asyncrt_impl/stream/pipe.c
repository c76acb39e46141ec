/* src.pipe(dst): Node's Readable.prototype.pipe.  Backpressure (a write
 * that returns 0 pauses src until dst drains), dst.end() at src's end, and
 * nothing else: errors are not forwarded. */
#include "pipeline.h"
#include "stream.internal.h"
#include "../base/queue.h"
#include "../buf/buf.h"

struct asy__pipe {
    asy__stream_listener src_l; /* data, end, close on src */
    asy__stream_listener dst_l; /* drain, error, finish, close on dst */
    asy_stream_t *src, *dst;
    int do_end;      /* end dst at src's end (else only unpipe) */
    int awaiting;    /* src waits for this dst's 'drain' */
    int drain_on;    /* the drain handler is live (from the first pause) */
    int end_seen;    /* src's 'end' was handled (a once listener) */
    int end_tick;    /* the end handler is queued on a nextTick */
    int cleaned;
};

ASY__INTERNAL asy__pipe *asy__pipe_of_src(asy__stream_listener *l) {
    return ASY_CONTAINER_OF(l, asy__pipe, src_l);
}
ASY__INTERNAL asy__pipe *asy__pipe_of_dst(asy__stream_listener *l) {
    return ASY_CONTAINER_OF(l, asy__pipe, dst_l);
}

ASY__INTERNAL void asy__pipe_free_maybe(asy__pipe *p) {
    if (p->cleaned && !p->end_tick) asy__free(p);
}

ASY__INTERNAL void asy__pipe_on_drain_now(asy__pipe *p) {
    asy_stream_t *src = p->src;
    if (p->awaiting) {
        p->awaiting = 0;
        src->await_drain_--;
    }
    if (src->await_drain_ == 0 && (src->rflags_ & ASY__RD_DATA_LISTENING)) asy__readable_resume(src);
}

/* The pipe is broken: forget both streams.  The drain src may have been
 * waiting for from this dst is granted now, as Node does. */
ASY__INTERNAL void asy__pipe_cleanup(asy__pipe *p) {
    asy_stream_t *src = p->src, *dst = p->dst;
    asy__stream_unlisten(dst, &p->dst_l);
    asy__stream_unlisten(src, &p->src_l);
    p->cleaned = 1;
    if (p->drain_on && src->await_drain_ &&
        (!(dst->sflags_ & ASY__STREAM_WRITABLE) || asy_stream_writable_need_drain(dst)))
        asy__pipe_on_drain_now(p);
    if (p->awaiting) { /* no drain will come from a dst we left */
        p->awaiting = 0;
        src->await_drain_--;
    }
    asy__pipe_free_maybe(p);
}

ASY__INTERNAL void asy__pipe_unpipe(asy__pipe *p) {
    asy_stream_t *src = p->src;
    if (p->cleaned) return;
    src->pipes_--;
    if (src->pipes_ == 0) asy__readable_pause(src);
    asy__pipe_cleanup(p);
}

/* A write returned 0: pause src until this dst drains. */
ASY__INTERNAL void asy__pipe_pause(asy__pipe *p) {
    asy_stream_t *src = p->src;
    if (!p->cleaned) {
        if (!p->awaiting) {
            p->awaiting = 1;
            src->await_drain_++;
        }
        asy__readable_pause(src);
    }
    p->drain_on = 1;
}

ASY__INTERNAL void asy__pipe_on_data(asy__stream_listener *l, asy_stream_t *s, const asy_buf_t *c) {
    asy__pipe *p = asy__pipe_of_src(l);
    int r = asy_stream_write(p->dst, c, NULL, NULL);
    (void)s;
    if (r <= 0) asy__pipe_pause(p);
}

ASY__INTERNAL void asy__pipe_end_now(asy__pipe *p) {
    if (p->do_end) {
        if (p->dst->sflags_ & ASY__STREAM_WRITABLE) asy__writable_end(p->dst, NULL, NULL);
    } else {
        asy__pipe_unpipe(p);
    }
}

ASY__INTERNAL void asy__pipe_on_end(asy__stream_listener *l, asy_stream_t *s) {
    asy__pipe *p = asy__pipe_of_src(l);
    (void)s;
    if (p->end_seen) return;
    p->end_seen = 1;
    asy__pipe_end_now(p);
}

/* src closed: it may be freed right after, so only bookkeeping here. */
ASY__INTERNAL void asy__pipe_on_src_close(asy__stream_listener *l, asy_stream_t *s) {
    asy__pipe *p = asy__pipe_of_src(l);
    if (p->cleaned) return;
    s->pipes_--;
    if (p->awaiting) {
        p->awaiting = 0;
        s->await_drain_--;
    }
    asy__stream_unlisten(p->dst, &p->dst_l);
    p->cleaned = 1;
    asy__pipe_free_maybe(p);
}

ASY__INTERNAL void asy__pipe_on_drain(asy__stream_listener *l, asy_stream_t *s) {
    asy__pipe *p = asy__pipe_of_dst(l);
    (void)s;
    if (p->drain_on) asy__pipe_on_drain_now(p);
}

ASY__INTERNAL void asy__pipe_on_dst_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    (void)s;
    (void)err;
    asy__pipe_unpipe(asy__pipe_of_dst(l));
}

ASY__INTERNAL void asy__pipe_on_dst_done(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    asy__pipe_unpipe(asy__pipe_of_dst(l));
}

static const asy__stream_listener_vt asy__pipe_src_vt = {
    asy__pipe_on_data, NULL, asy__pipe_on_end, NULL, NULL, NULL, asy__pipe_on_src_close};
static const asy__stream_listener_vt asy__pipe_dst_vt = {
    NULL, NULL, NULL, asy__pipe_on_dst_error, asy__pipe_on_drain, asy__pipe_on_dst_done,
    asy__pipe_on_dst_done};

ASY__INTERNAL int asy__pipe_is_dst_listener(const asy__stream_listener *l) {
    return l->vt == &asy__pipe_dst_vt;
}

ASY__INTERNAL void asy__pipe_clear_await(asy_stream_t *src) {
    asy__queue *q;
    ASY__QUEUE_FOREACH(q, &src->listeners_) {
        asy__stream_listener *l = ASY_CONTAINER_OF(q, asy__stream_listener, link);
        if (l->vt == &asy__pipe_src_vt) asy__pipe_of_src(l)->awaiting = 0;
    }
    src->await_drain_ = 0;
}

ASY__INTERNAL void asy__pipe_end_tick(void *arg) {
    asy__pipe *p = (asy__pipe *)arg;
    asy_stream_t *src = p->src;
    if (!p->cleaned && !p->end_seen) {
        p->end_seen = 1;
        asy__pipe_end_now(p);
    }
    p->end_tick = 0; /* only now: unpiping must not free p under us */
    asy__pipe_free_maybe(p);
    asy__stream_tick_done(src);
}

ASY__INTERNAL asy__pipe *asy__pipe_new(void) {
    asy__pipe *p = ASY__NEW(asy__pipe);
    if (p) memset(p, 0, sizeof(*p));
    return p;
}

/* Cannot fail once p is allocated. */
ASY__INTERNAL void asy__pipe_begin(asy__pipe *p, asy_stream_t *src, asy_stream_t *dst, int do_end) {
    p->src = src;
    p->dst = dst;
    p->do_end = do_end;
    asy__queue_init(&p->src_l.link);
    asy__queue_init(&p->dst_l.link);
    src->pipes_++;
    if (src->rflags_ & ASY__RD_END_EMITTED) {
        p->end_tick = 1;
        asy__stream_tick_arg(src, asy__pipe_end_tick, p);
    }
    asy__stream_listen(src, &p->src_l, &asy__pipe_src_vt); /* on('data') resumes */
    asy__stream_listen(dst, &p->dst_l, &asy__pipe_dst_vt);
    if (asy_stream_writable_need_drain(dst))
        asy__pipe_pause(p);
    else if (!(src->rflags_ & ASY__RD_FLOWING))
        asy__readable_resume(src);
}

ASYNCRT_API int asy_stream_pipe(asy_stream_t *src, asy_stream_t *dst, const asy_pipe_opts_t *opts) {
    asy__pipe *p;
    if (!src || !dst || !(src->sflags_ & ASY__STREAM_READABLE) || !(dst->sflags_ & ASY__STREAM_WRITABLE) ||
        (src->sflags_ & ASY__STREAM_CLOSE_EMITTED) || (dst->sflags_ & ASY__STREAM_CLOSE_EMITTED))
        return ASY_EINVAL;
    if (!(p = asy__pipe_new())) return ASY_ENOMEM;
    asy__pipe_begin(p, src, dst, !(opts && opts->no_end));
    return 0;
}

ASYNCRT_API int asy_stream_unpipe(asy_stream_t *src, asy_stream_t *dst) {
    asy__queue *q;
    int found = 0;
    if (!src || !(src->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    if (!dst && src->pipes_) {
        /* all of them: pause once, then let each go */
        src->pipes_ = 0;
        asy__readable_pause(src);
    }
    for (q = src->listeners_.next; q != &src->listeners_;) {
        asy__stream_listener *l = ASY_CONTAINER_OF(q, asy__stream_listener, link);
        q = q->next;
        if (l->vt != &asy__pipe_src_vt) continue;
        if (dst && asy__pipe_of_src(l)->dst != dst) continue;
        found = 1;
        if (dst)
            asy__pipe_unpipe(asy__pipe_of_src(l));
        else
            asy__pipe_cleanup(asy__pipe_of_src(l));
        if (dst) break;
        q = src->listeners_.next; /* cleanup may have changed the list */
    }
    return found || !dst ? 0 : ASY_ENOENT;
}
