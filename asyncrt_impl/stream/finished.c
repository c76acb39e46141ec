/* finished() / end-of-stream (Node's end-of-stream.js): one callback when
 * the sides asked for are done.  A stream that will emit 'close'
 * (autoDestroy) is done at 'close'; otherwise at 'end' / 'finish'. */
#include "stream.internal.h"
#include "../base/queue.h"
#include "../loop/handle.h"

struct asy__eos {
    asy__stream_listener l;
    asy_stream_t *s;
    asy_stream_cb cb;
    void *arg;
    int readable, writable;  /* the sides to wait for */
    int will_emit_close;
    int readable_finished, writable_finished;
    int ticks;  /* our own nextTicks still queued */
    int done;   /* cb ran or was cancelled */
};

ASY__INTERNAL void asy__eos_free_maybe(asy__eos *e) {
    if (e->done && !e->ticks && asy__queue_empty(&e->l.link)) asy__free(e);
}

ASY__INTERNAL void asy__eos_fire(asy__eos *e, int status) {
    asy_stream_t *s = e->s;
    if (e->done) return;
    e->done = 1;
    asy__stream_unlisten(s, &e->l);
    if (e->cb) e->cb(s, status, e->arg);
    asy__eos_free_maybe(e);
}

ASY__INTERNAL void asy__eos_cancel(asy__eos *e) {
    if (e->done) return;
    e->done = 1;
    e->cb = NULL;
    asy__stream_unlisten(e->s, &e->l);
    asy__eos_free_maybe(e);
}

/* Node's isReadable / isWritable: 1, 0, or -1 (null: no such side). */
ASY__INTERNAL int asy__eos_is_readable(const asy_stream_t *s) {
    if (!(s->sflags_ & ASY__STREAM_READABLE)) return -1;
    if (s->sflags_ & ASY__STREAM_DESTROYED) return 0;
    return asy__readable_is_readable(s) && !asy__readable_finished(s, 1);
}

ASY__INTERNAL int asy__eos_is_writable(const asy_stream_t *s) {
    if (!(s->sflags_ & ASY__STREAM_WRITABLE)) return -1;
    if (s->sflags_ & ASY__STREAM_DESTROYED) return 0;
    return asy__writable_is_writable(s);
}

ASY__INTERNAL void asy__eos_on_end(asy__stream_listener *l, asy_stream_t *s) {
    asy__eos *e = (asy__eos *)l;
    e->readable_finished = 1;
    if (s->sflags_ & ASY__STREAM_DESTROYED) e->will_emit_close = 0;
    if (e->will_emit_close && (!asy__writable_is_writable(s) || e->writable)) return;
    if (!e->writable || e->writable_finished) asy__eos_fire(e, 0);
}

ASY__INTERNAL void asy__eos_on_finish(asy__stream_listener *l, asy_stream_t *s) {
    asy__eos *e = (asy__eos *)l;
    e->writable_finished = 1;
    if (s->sflags_ & ASY__STREAM_DESTROYED) e->will_emit_close = 0;
    if (e->will_emit_close && (!asy__readable_is_readable(s) || e->readable)) return;
    if (!e->readable || e->readable_finished) asy__eos_fire(e, 0);
}

ASY__INTERNAL void asy__eos_on_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    (void)s;
    asy__eos_fire((asy__eos *)l, err);
}

ASY__INTERNAL void asy__eos_closed(asy__eos *e) {
    asy_stream_t *s = e->s;
    if (s->sflags_ & ASY__STREAM_ERRORED) {
        asy__eos_fire(e, s->err_);
        return;
    }
    if (e->readable && !e->readable_finished && (s->sflags_ & ASY__STREAM_READABLE) &&
        !asy__readable_finished(s, 0)) {
        asy__eos_fire(e, ASY_EPREMATURE_CLOSE);
        return;
    }
    if (e->writable && !e->writable_finished && !asy__writable_finished(s, 0)) {
        asy__eos_fire(e, ASY_EPREMATURE_CLOSE);
        return;
    }
    asy__eos_fire(e, 0);
}

ASY__INTERNAL void asy__eos_on_close(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    asy__eos_closed((asy__eos *)l);
}

static const asy__stream_listener_vt asy__eos_vt = {
    NULL, NULL, asy__eos_on_end, asy__eos_on_error, NULL, asy__eos_on_finish, asy__eos_on_close};

/* The stream was already closed when we started. */
ASY__INTERNAL void asy__eos_close_tick(void *p) {
    asy__eos *e = (asy__eos *)p;
    asy_stream_t *s = e->s;
    if (!e->done) asy__eos_closed(e);
    e->ticks--; /* only now: firing must not free e under us */
    asy__eos_free_maybe(e);
    asy__stream_tick_done(s);
}

/* Already done by other means (errored, or the sides asked for are over). */
ASY__INTERNAL void asy__eos_done_tick(void *p) {
    asy__eos *e = (asy__eos *)p;
    asy_stream_t *s = e->s;
    if (!e->done) asy__eos_fire(e, (s->sflags_ & ASY__STREAM_ERRORED) ? s->err_ : 0);
    e->ticks--;
    asy__eos_free_maybe(e);
    asy__stream_tick_done(s);
}

ASY__INTERNAL asy__eos *asy__eos_new(void) {
    asy__eos *e = ASY__NEW(asy__eos);
    if (e) {
        memset(e, 0, sizeof(*e));
        asy__queue_init(&e->l.link);
    }
    return e;
}

/* Cannot fail; s must not have emitted 'close' yet. */
ASY__INTERNAL void asy__eos_begin(asy__eos *e, asy_stream_t *s, int readable, int writable,
                                  asy_stream_cb cb, void *arg) {
    int has_r = (s->sflags_ & ASY__STREAM_READABLE) != 0, has_w = (s->sflags_ & ASY__STREAM_WRITABLE) != 0;
    asy_fn tick = NULL;
    e->s = s;
    e->cb = cb;
    e->arg = arg;
    e->readable = readable;
    e->writable = writable;
    e->will_emit_close = (s->sflags_ & ASY__STREAM_AUTO_DESTROY) && !(s->sflags_ & ASY__STREAM_CLOSED) &&
                         has_r == readable && has_w == writable;
    e->writable_finished = has_w && asy__writable_finished(s, 0);
    e->readable_finished = has_r && asy__readable_finished(s, 0);

    if (s->sflags_ & ASY__STREAM_CLOSED) {
        tick = asy__eos_close_tick;
    } else if (s->sflags_ & ASY__STREAM_ERROR_EMITTED) {
        if (!e->will_emit_close) tick = asy__eos_done_tick;
    } else if (!readable && (!e->will_emit_close || asy__eos_is_readable(s) == 1) &&
               (e->writable_finished || asy__eos_is_writable(s) == 0) && s->pendingcb_ == 0) {
        tick = asy__eos_done_tick;
    } else if (!writable && (!e->will_emit_close || asy__eos_is_writable(s) == 1) &&
               (e->readable_finished || asy__eos_is_readable(s) == 0)) {
        tick = asy__eos_done_tick;
    }
    asy__stream_listen(s, &e->l, &asy__eos_vt);
    if (tick) {
        e->ticks++;
        asy__stream_tick_arg(s, tick, e);
    }
}

ASY__INTERNAL asy__eos *asy__eos_start(asy_stream_t *s, int readable, int writable,
                                       asy_stream_cb cb, void *arg) {
    asy__eos *e;
    if (s->sflags_ & ASY__STREAM_CLOSE_EMITTED) return NULL;
    if ((e = asy__eos_new()) != NULL) asy__eos_begin(e, s, readable, writable, cb, arg);
    return e;
}

ASYNCRT_API int asy_finished(asy_stream_t *s, asy_stream_cb cb, void *arg) {
    if (!s || !cb || (s->sflags_ & ASY__STREAM_CLOSE_EMITTED)) return ASY_EINVAL;
    if (!asy__eos_start(s, (s->sflags_ & ASY__STREAM_READABLE) != 0,
                        (s->sflags_ & ASY__STREAM_WRITABLE) != 0, cb, arg))
        return ASY_ENOMEM;
    return 0;
}
