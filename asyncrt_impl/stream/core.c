/* The stream core: creation, nextTicks that keep the stream alive, event
 * emission to library listeners and the user's callbacks, state getters. */
#include "stream.internal.h"
#include "../base/queue.h"
#include "../buf/bufchain.h"
#include "../loop/loop.internal.h"

/* A nextTick that will use the stream.  'close' waits until every such
 * tick has run (asy__stream_tick_done), so on_close really is the last
 * call and its memory may be freed there.  Out of memory for the tick
 * queue, the function runs at once: timing degrades, nothing is lost. */
ASY__INTERNAL void asy__stream_tick_arg(asy_stream_t *s, asy_fn fn, void *arg) {
    /* after 'close' the stream may be gone: nothing more is scheduled */
    if (s->sflags_ & ASY__STREAM_CLOSE_EMITTED) return;
    s->ticks_++;
    if (asy_next_tick(s->loop, fn, arg) != 0) fn(arg);
}

ASY__INTERNAL void asy__stream_tick(asy_stream_t *s, asy_fn fn) { asy__stream_tick_arg(s, fn, s); }

ASY__INTERNAL void asy__stream_emit_close(asy_stream_t *s);

ASY__INTERNAL void asy__stream_tick_done(asy_stream_t *s) {
    if (--s->ticks_ == 0 && (s->sflags_ & ASY__STREAM_CLOSE_WAITING)) asy__stream_emit_close(s);
}

ASY__INTERNAL size_t asy__stream_pick_hwm(const asy_stream_opts_t *o, size_t side, int object) {
    size_t v = o ? o->high_water_mark : 0;
    if (!v) v = side;
    if (!v) return object ? ASY__STREAM_DEFAULT_OBJ_HWM : ASY__STREAM_DEFAULT_HWM;
    return v == ASY_STREAM_HWM_ZERO ? 0 : v;
}

/* ---- listeners ------------------------------------------------------------ */

ASY__INTERNAL void asy__stream_listen(asy_stream_t *s, asy__stream_listener *l,
                                      const asy__stream_listener_vt *vt) {
    l->vt = vt;
    asy__queue_insert_tail(&s->listeners_, &l->link);
    /* Node's end-of-stream leaves its 'error' listener behind when it has
     * fired (pipeline and finished never remove it), so a stream once
     * watched never makes an uncaught error; pipe's listener does not
     * count, as in Node */
    if (vt->on_error && !asy__pipe_is_dst_listener(l)) s->sflags_ |= ASY__STREAM_ERROR_OPTIONAL;
    if (vt->on_data) asy__readable_data_listener(s, 1);
    if (vt->on_readable) asy__readable_readable_listener(s, 1);
}

ASY__INTERNAL void asy__stream_unlisten(asy_stream_t *s, asy__stream_listener *l) {
    struct asy__stream_cursor *c;
    if (asy__queue_empty(&l->link)) return;
    for (c = s->cursors_; c; c = c->up)
        if (c->next == &l->link) c->next = l->link.next;
    asy__queue_remove(&l->link);
    if (l->vt->on_data) asy__readable_data_listener(s, -1);
    if (l->vt->on_readable) asy__readable_readable_listener(s, -1);
}

/* Library listeners first, in the order they attached, then the user's
 * callback. */
ASY__INTERNAL void asy__stream_emit(asy_stream_t *s, int ev, const asy_buf_t *chunk, int err) {
    struct asy__stream_cursor cur;
    const asy_stream_events_t *e;
    asy__queue *q;
    if (!asy__queue_empty(&s->listeners_)) {
        cur.up = s->cursors_;
        s->cursors_ = &cur;
        q = s->listeners_.next;
        while (q != &s->listeners_) {
            asy__stream_listener *l = ASY_CONTAINER_OF(q, asy__stream_listener, link);
            const asy__stream_listener_vt *vt = l->vt;
            cur.next = q->next;
            switch (ev) {
            case ASY__EV_DATA: if (vt->on_data) vt->on_data(l, s, chunk); break;
            case ASY__EV_READABLE: if (vt->on_readable) vt->on_readable(l, s); break;
            case ASY__EV_END: if (vt->on_end) vt->on_end(l, s); break;
            case ASY__EV_ERROR: if (vt->on_error) vt->on_error(l, s, err); break;
            case ASY__EV_DRAIN: if (vt->on_drain) vt->on_drain(l, s); break;
            case ASY__EV_FINISH: if (vt->on_finish) vt->on_finish(l, s); break;
            default: break;
            }
            q = cur.next;
        }
        s->cursors_ = cur.up;
    }
    e = s->events_;
    if (!e) return;
    asy__cb_name(s->loop, "stream event", s->origin_file_, s->origin_line_, NULL);
    switch (ev) {
    case ASY__EV_DATA: if (e->on_data) e->on_data(s, chunk); break;
    case ASY__EV_READABLE: if (e->on_readable) e->on_readable(s); break;
    case ASY__EV_END: if (e->on_end) e->on_end(s); break;
    case ASY__EV_ERROR: if (e->on_error) e->on_error(s, err); break;
    case ASY__EV_DRAIN: if (e->on_drain) e->on_drain(s); break;
    case ASY__EV_FINISH: if (e->on_finish) e->on_finish(s); break;
    case ASY__EV_PAUSE: if (e->on_pause) e->on_pause(s); break;
    case ASY__EV_RESUME: if (e->on_resume) e->on_resume(s); break;
    default: break;
    }
}

/* 'close': library listeners (detached first, so pipe, pipeline and
 * finished forget the stream), then every buffer is released, then the
 * user's on_close.  Nothing touches the stream afterwards. */
ASY__INTERNAL void asy__stream_emit_close(asy_stream_t *s) {
    const asy_stream_events_t *e = s->events_;
    s->sflags_ &= ~(unsigned)ASY__STREAM_CLOSE_WAITING;
    s->sflags_ |= ASY__STREAM_CLOSE_EMITTED;
    while (!asy__queue_empty(&s->listeners_)) {
        asy__stream_listener *l =
            ASY_CONTAINER_OF(asy__queue_head(&s->listeners_), asy__stream_listener, link);
        /* no listener accounting now: the stream is done with flowing */
        asy__queue_remove(&l->link);
        if (l->vt->on_close) l->vt->on_close(l, s);
    }
    asy__readable_release(s);
    asy__writable_release(s);
    if (e && e->on_close) e->on_close(s);
}

/* ---- the user's events ------------------------------------------------------- */

ASYNCRT_API int asy_stream_set_events(asy_stream_t *s, const asy_stream_events_t *events) {
    const asy_stream_events_t *old;
    int had_data, had_readable, has_data, has_readable;
    if (!s) return ASY_EINVAL;
    old = s->events_;
    s->events_ = events;
    had_data = old && old->on_data;
    had_readable = old && old->on_readable;
    has_data = events && events->on_data;
    has_readable = events && events->on_readable;
    if (!(s->sflags_ & ASY__STREAM_READABLE)) return 0;
    /* Node adds or removes the listeners one at a time; 'readable' first,
     * so a stream with both ends up in paused mode as in Node. */
    if (has_readable && !had_readable) asy__readable_readable_listener(s, 1);
    if (!has_readable && had_readable) asy__readable_readable_listener(s, -1);
    if (has_data && !had_data) asy__readable_data_listener(s, 1);
    if (!has_data && had_data) asy__readable_data_listener(s, -1);
    return 0;
}

/* ---- creating ------------------------------------------------------------------ */

ASY__INTERNAL void asy__stream_construct_tick(void *arg);

ASY__INTERNAL int asy__stream_init(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl_t *impl,
                                   const asy_stream_opts_t *o, unsigned kind) {
    if (!asy__loop_live(loop) || !s) return ASY_EINVAL;
    memset(s, 0, sizeof(*s));
    s->loop = loop;
    s->impl_ = impl;
    asy__queue_init(&s->listeners_);
    asy_bufchain_init(&s->rbuf_);
    s->sflags_ = kind | ASY__STREAM_CONSTRUCTED | ASY__STREAM_AUTO_DESTROY | ASY__STREAM_HALF_OPEN;
    if (o && o->no_auto_destroy) s->sflags_ &= ~(unsigned)ASY__STREAM_AUTO_DESTROY;
    if (o && o->no_half_open) s->sflags_ &= ~(unsigned)ASY__STREAM_HALF_OPEN;
    if (kind & ASY__STREAM_READABLE) asy__readable_init(s, o);
    if (kind & ASY__STREAM_WRITABLE) asy__writable_init(s, o);
    if (impl && impl->construct) {
        s->sflags_ &= ~(unsigned)ASY__STREAM_CONSTRUCTED;
        asy__stream_tick(s, asy__stream_construct_tick);
    }
    return 0;
}

ASYNCRT_API void asy_stream_set_origin(asy_stream_t *s, const char *file, int line) {
    if (!s) return;
    s->origin_file_ = file;
    s->origin_line_ = line;
}

static int asy__stream_init_origin(int r, asy_stream_t *s, const char *file, int line) {
    if (r == 0) asy_stream_set_origin(s, file, line);
    return r;
}

ASYNCRT_API int asy_readable_init_at(asy_loop_t *loop, asy_stream_t *s,
                                     const asy_stream_impl_t *impl, const asy_stream_opts_t *opts,
                                     const char *file, int line) {
    return asy__stream_init_origin(asy__stream_init(loop, s, impl, opts, ASY__STREAM_READABLE), s,
                                   file, line);
}

ASYNCRT_API int asy_writable_init_at(asy_loop_t *loop, asy_stream_t *s,
                                     const asy_stream_impl_t *impl, const asy_stream_opts_t *opts,
                                     const char *file, int line) {
    if (!impl || (!impl->write && !impl->writev)) return ASY_EINVAL;
    return asy__stream_init_origin(asy__stream_init(loop, s, impl, opts, ASY__STREAM_WRITABLE), s,
                                   file, line);
}

ASYNCRT_API int asy_duplex_init_at(asy_loop_t *loop, asy_stream_t *s, const asy_stream_impl_t *impl,
                                   const asy_stream_opts_t *opts, const char *file, int line) {
    if (!impl || (!impl->write && !impl->writev)) return ASY_EINVAL;
    return asy__stream_init_origin(
        asy__stream_init(loop, s, impl, opts, ASY__STREAM_READABLE | ASY__STREAM_WRITABLE), s, file, line);
}

/* ---- deferred user callbacks ------------------------------------------------------ */

struct asy__stream_deferred {
    asy_stream_t *s;
    asy_stream_cb cb;
    void *arg;
    int status;
};

ASY__INTERNAL void asy__stream_deferred_run(void *p) {
    struct asy__stream_deferred *d = (struct asy__stream_deferred *)p;
    asy_stream_t *s = d->s;
    d->cb(s, d->status, d->arg);
    asy__free(d);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__stream_defer_cb(asy_stream_t *s, asy_stream_cb cb, void *arg, int status) {
    struct asy__stream_deferred *d;
    if (!cb || (s->sflags_ & ASY__STREAM_CLOSE_EMITTED)) return;
    d = ASY__NEW(struct asy__stream_deferred);
    if (!d) { /* out of memory: call it now rather than never */
        cb(s, status, arg);
        return;
    }
    d->s = s;
    d->cb = cb;
    d->arg = arg;
    d->status = status;
    asy__stream_tick_arg(s, asy__stream_deferred_run, d);
}

/* ---- state ----------------------------------------------------------------------- */

ASYNCRT_API int asy_stream_is_destroyed(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_DESTROYED) != 0;
}
ASYNCRT_API int asy_stream_is_closed(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_CLOSED) != 0;
}
ASYNCRT_API int asy_stream_errored(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_ERRORED) ? s->err_ : 0;
}
ASYNCRT_API int asy_stream_is_readable(const asy_stream_t *s) {
    return s && asy__readable_is_readable(s);
}
ASYNCRT_API int asy_stream_is_writable(const asy_stream_t *s) {
    return s && asy__writable_is_writable(s);
}
ASYNCRT_API int asy_stream_readable_ended(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_READABLE) && (s->rflags_ & ASY__RD_END_EMITTED);
}
ASYNCRT_API int asy_stream_readable_eof(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_READABLE) && (s->rflags_ & ASY__RD_ENDED);
}
ASYNCRT_API int asy_stream_readable_flowing(const asy_stream_t *s) {
    if (!s || !(s->rflags_ & ASY__RD_HAS_FLOWING)) return -1;
    return (s->rflags_ & ASY__RD_FLOWING) != 0;
}
ASYNCRT_API size_t asy_stream_readable_length(const asy_stream_t *s) { return s ? s->rlen_ : 0; }
ASYNCRT_API size_t asy_stream_readable_hwm(const asy_stream_t *s) { return s ? s->rhwm_ : 0; }
ASYNCRT_API int asy_stream_writable_ended(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_WRITABLE) && (s->wflags_ & ASY__W_ENDING);
}
ASYNCRT_API int asy_stream_writable_finished(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_WRITABLE) && (s->wflags_ & ASY__W_FINISHED);
}
ASYNCRT_API int asy_stream_writable_need_drain(const asy_stream_t *s) {
    return s && (s->sflags_ & ASY__STREAM_WRITABLE) && !(s->sflags_ & ASY__STREAM_DESTROYED) &&
           (s->wflags_ & (ASY__W_ENDING | ASY__W_NEED_DRAIN)) == ASY__W_NEED_DRAIN;
}
ASYNCRT_API size_t asy_stream_writable_length(const asy_stream_t *s) { return s ? s->wlen_ : 0; }
ASYNCRT_API size_t asy_stream_writable_hwm(const asy_stream_t *s) { return s ? s->whwm_ : 0; }
ASYNCRT_API unsigned asy_stream_writable_corked(const asy_stream_t *s) {
    return s ? s->corked_ : 0;
}
