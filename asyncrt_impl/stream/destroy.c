/* destroy(err) -> _destroy -> 'error' then 'close' on a nextTick, each at
 * most once; errorOrDestroy; _construct (Node's destroy.js). */
#include "stream.internal.h"
#include "../base/errors.h"
#include "../loop/loop.internal.h"

ASY__INTERNAL void asy__stream_emit_close(asy_stream_t *s);

ASY__INTERNAL void asy__stream_set_error(asy_stream_t *s, int err) {
    if (err && !(s->sflags_ & ASY__STREAM_ERRORED)) {
        s->err_ = err;
        s->sflags_ |= ASY__STREAM_ERRORED;
    }
}

ASY__INTERNAL int asy__stream_error_listened(const asy_stream_t *s) {
    const asy__queue *q;
    if ((s->events_ && s->events_->on_error) || s->iter_) return 1;
    for (q = s->listeners_.next; q != &s->listeners_; q = q->next) {
        const asy__stream_listener *l = ASY_CONTAINER_OF(q, asy__stream_listener, link);
        if (l->vt->on_error && !asy__pipe_is_dst_listener(l)) return 1;
    }
    return 0;
}

/* Node: an 'error' event without a listener throws.  Here it goes to the
 * loop's uncaught hook (default: print where the stream was created and
 * abort), after the library listeners (a pipe unpipes) have seen it. */
ASY__INTERNAL void asy__stream_emit_error(asy_stream_t *s, int err) {
    int listened;
    if (s->sflags_ & ASY__STREAM_ERROR_EMITTED) return;
    s->sflags_ |= ASY__STREAM_ERROR_EMITTED;
    /* ESTREAM_DESTROYED is the echo of the caller's own destroy() (an
     * in-flight write told the stream is gone), never news to anyone */
    listened = (s->sflags_ & ASY__STREAM_ERROR_OPTIONAL) || err == ASY_ESTREAM_DESTROYED ||
               asy__stream_error_listened(s);
    asy__stream_emit(s, ASY__EV_ERROR, NULL, err);
    if (!listened)
        asy__uncaught(s->loop, err, "'error' event with no listener", ASY_HANDLE_STREAM, s,
                      s->origin_file_, s->origin_line_);
}

ASY__INTERNAL void asy__stream_error_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__stream_emit_error(s, s->err_);
    asy__stream_tick_done(s);
}

/* The tick that emits 'close' gives up its own count first; if other
 * ticks still wait to use the stream, the last of them emits it. */
ASY__INTERNAL void asy__stream_close_from_tick(asy_stream_t *s) {
    if (s->ticks_ > 1) {
        s->sflags_ |= ASY__STREAM_CLOSE_WAITING;
        s->ticks_--;
        return;
    }
    s->ticks_ = 0;
    asy__stream_emit_close(s);
}

ASY__INTERNAL void asy__stream_close_tick(void *p) {
    asy__stream_close_from_tick((asy_stream_t *)p);
}

ASY__INTERNAL void asy__stream_error_close_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__stream_emit_error(s, s->close_err_);
    asy__stream_close_from_tick(s);
}

ASY__INTERNAL void asy__stream_do_destroy(asy_stream_t *s, int err) {
    s->sflags_ |= ASY__STREAM_DESTROY_WAIT;
    if (s->impl_ && s->impl_->destroy)
        s->impl_->destroy(s, err);
    else
        asy_stream_destroy_done(s, err);
}

ASYNCRT_API int asy_stream_destroy_done(asy_stream_t *s, int err) {
    if (!s || !(s->sflags_ & ASY__STREAM_DESTROY_WAIT)) return ASY_EINVAL;
    s->sflags_ &= ~(unsigned)ASY__STREAM_DESTROY_WAIT;
    asy__stream_set_error(s, err);
    s->sflags_ |= ASY__STREAM_CLOSED;
    if (err) {
        s->close_err_ = err;
        asy__stream_tick(s, asy__stream_error_close_tick);
    } else {
        asy__stream_tick(s, asy__stream_close_tick);
    }
    return 0;
}

ASYNCRT_API int asy_stream_destroy(asy_stream_t *s, int err) {
    if (!s) return ASY_EINVAL;
    if (s->sflags_ & ASY__STREAM_DESTROYED) return 0;
    if (s->sflags_ & ASY__STREAM_WRITABLE) asy__writable_destroying(s);
    asy__stream_set_error(s, err);
    s->sflags_ |= ASY__STREAM_DESTROYED;
    if (!(s->sflags_ & ASY__STREAM_CONSTRUCTED)) {
        /* _destroy waits for _construct to finish */
        s->sflags_ |= ASY__STREAM_DESTROY_PENDING;
        s->close_err_ = err;
        return 0;
    }
    asy__stream_do_destroy(s, err);
    return 0;
}

/* Node's errorOrDestroy: destroy when autoDestroy, else just error. */
ASY__INTERNAL void asy__stream_error_or_destroy(asy_stream_t *s, int err, int sync) {
    if (s->sflags_ & ASY__STREAM_DESTROYED) return;
    if (s->sflags_ & ASY__STREAM_AUTO_DESTROY) {
        asy_stream_destroy(s, err);
    } else if (err) {
        asy__stream_set_error(s, err);
        if (sync)
            asy__stream_tick(s, asy__stream_error_tick);
        else
            asy__stream_emit_error(s, err);
    }
}

/* ---- _construct ------------------------------------------------------------- */

ASY__INTERNAL void asy__stream_construct_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    s->sflags_ |= ASY__STREAM_CONSTRUCT_WAIT;
    s->impl_->construct(s);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__stream_constructed_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    int err = s->construct_err_;
    s->sflags_ |= ASY__STREAM_CONSTRUCTED;
    if (s->sflags_ & ASY__STREAM_DESTROYED) {
        if (s->sflags_ & ASY__STREAM_DESTROY_PENDING) {
            s->sflags_ &= ~(unsigned)ASY__STREAM_DESTROY_PENDING;
            asy__stream_do_destroy(s, err ? err : s->close_err_);
        }
    } else if (err) {
        asy__stream_error_or_destroy(s, err, 1);
    } else {
        if (s->sflags_ & ASY__STREAM_READABLE) asy__readable_on_constructed(s);
        if (s->sflags_ & ASY__STREAM_WRITABLE) asy__writable_on_constructed(s);
    }
    asy__stream_tick_done(s);
}

ASYNCRT_API int asy_stream_construct_done(asy_stream_t *s, int err) {
    if (!s) return ASY_EINVAL;
    if (!(s->sflags_ & ASY__STREAM_CONSTRUCT_WAIT)) {
        asy__stream_error_or_destroy(s, err ? err : ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->sflags_ &= ~(unsigned)ASY__STREAM_CONSTRUCT_WAIT;
    s->construct_err_ = err;
    asy__stream_tick(s, asy__stream_constructed_tick);
    return 0;
}
