/* Transform and PassThrough: a duplex whose _write runs _transform and
 * whose _read releases a held transform callback (Node's transform.js).
 * The writable side's backpressure therefore follows the readable side:
 * a transform that produced output above the readable mark does not take
 * the next chunk until that output is read. */
#include "stream.internal.h"
#include "../base/errors.h"
#include "../buf/buf.h"
#include "../loop/handle.h"

ASY__INTERNAL void asy__transform_write(asy_stream_t *s, const asy_buf_t *chunk) {
    s->xform_rlen_ = s->rlen_;
    s->sflags_ |= ASY__STREAM_XFORM_WAIT;
    s->impl_->transform(s, chunk);
}

ASY__INTERNAL void asy__transform_read(asy_stream_t *s) {
    if (s->sflags_ & ASY__STREAM_XFORM_HELD) {
        s->sflags_ &= ~(unsigned)ASY__STREAM_XFORM_HELD;
        asy_stream_write_done(s, 0);
    }
}

ASY__INTERNAL void asy__transform_done_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy_stream_write_done(s, 0);
    asy__stream_tick_done(s);
}

ASYNCRT_API int asy_stream_transform_done(asy_stream_t *s, int status) {
    if (!s || !(s->sflags_ & ASY__STREAM_TRANSFORM)) return ASY_EINVAL;
    if (!(s->sflags_ & ASY__STREAM_XFORM_WAIT)) {
        asy__stream_error_or_destroy(s, ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->sflags_ &= ~(unsigned)ASY__STREAM_XFORM_WAIT;
    if (status) return asy_stream_write_done(s, status);
    if (s->rflags_ & ASY__RD_ENDED) {
        /* the transform pushed the end itself: let that settle first */
        asy__stream_tick(s, asy__transform_done_tick);
    } else if ((s->wflags_ & ASY__W_ENDED) || s->xform_rlen_ == s->rlen_ || s->rlen_ < s->rhwm_) {
        asy_stream_write_done(s, 0);
    } else {
        s->sflags_ |= ASY__STREAM_XFORM_HELD; /* released by the next _read */
    }
    return 0;
}

/* The transform's _final: _flush, then the end of the readable side. */
ASY__INTERNAL void asy__transform_final(asy_stream_t *s) {
    if (s->impl_->flush && !(s->sflags_ & ASY__STREAM_DESTROYED)) {
        s->sflags_ |= ASY__STREAM_FLUSH_WAIT;
        s->impl_->flush(s);
    } else {
        asy__readable_eof(s);
        asy_stream_final_done(s, 0);
    }
}

ASYNCRT_API int asy_stream_flush_done(asy_stream_t *s, int status) {
    if (!s || !(s->sflags_ & ASY__STREAM_TRANSFORM)) return ASY_EINVAL;
    if (!(s->sflags_ & ASY__STREAM_FLUSH_WAIT)) {
        asy__stream_error_or_destroy(s, ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->sflags_ &= ~(unsigned)ASY__STREAM_FLUSH_WAIT;
    if (status) return asy_stream_final_done(s, status);
    asy__readable_eof(s);
    return asy_stream_final_done(s, 0);
}

ASY__INTERNAL int asy__transform_init(asy_loop_t *loop, asy_stream_t *s,
                                      const asy_stream_impl_t *impl, const asy_stream_opts_t *opts) {
    asy_stream_opts_t o;
    int r, robj;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    robj = o.object_mode || o.readable_object_mode;
    if (asy__stream_pick_hwm(&o, o.readable_high_water_mark, robj) == 0) {
        /* A readable mark of 0 buffers nothing on the writable side
         * either, unless asked: the transform holds hwm chunks, not 2x. */
        o.high_water_mark = 0;
        o.readable_high_water_mark = ASY_STREAM_HWM_ZERO;
        if (!o.writable_high_water_mark) o.writable_high_water_mark = ASY_STREAM_HWM_ZERO;
    }
    r = asy__stream_init(loop, s, impl, &o, ASY__STREAM_READABLE | ASY__STREAM_WRITABLE | ASY__STREAM_TRANSFORM);
    if (r < 0) return r;
    /* _read is ours and safe to call at once */
    s->rflags_ &= ~(unsigned)ASY__RD_SYNC;
    return 0;
}

ASYNCRT_API int asy_transform_init_at(asy_loop_t *loop, asy_stream_t *s,
                                      const asy_stream_impl_t *impl, const asy_stream_opts_t *opts,
                                      const char *file, int line) {
    int r;
    if (!impl || !impl->transform) return ASY_EINVAL;
    r = asy__transform_init(loop, s, impl, opts);
    if (r == 0) asy_stream_set_origin(s, file, line);
    return r;
}

ASY__INTERNAL void asy__passthrough_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    /* a failed push already destroyed the stream */
    asy_stream_push(s, chunk);
    asy_stream_transform_done(s, 0);
}

static const asy_stream_impl_t asy__passthrough_impl = {
    NULL, NULL, NULL, NULL, NULL, NULL, asy__passthrough_transform, NULL};

ASYNCRT_API int asy_passthrough_init_at(asy_loop_t *loop, asy_stream_t *s,
                                        const asy_stream_opts_t *opts, const char *file, int line) {
    int r = asy__transform_init(loop, s, &asy__passthrough_impl, opts);
    if (r == 0) asy_stream_set_origin(s, file, line);
    return r;
}
