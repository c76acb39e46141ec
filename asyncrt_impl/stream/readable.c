/* The readable side: Node's readable.js.  The buffer is a byte chain in
 * byte mode (O(1) push and consume, read(n) across chunks) and a ring of
 * chunks in object mode. */
#include "stream.internal.h"
#include "../buf/bufchain.h"

ASY__INTERNAL int asy__readable_read_impl(asy_stream_t *s, size_t n, asy_buf_t *out);

ASY__INTERNAL void asy__readable_init(asy_stream_t *s, const asy_stream_opts_t *o) {
    int object = o && (o->object_mode || o->readable_object_mode);
    s->rflags_ = ASY__RD_SYNC | (object ? (unsigned)ASY__RD_OBJECT : 0u);
    s->rhwm_ = asy__stream_pick_hwm(o, o ? o->readable_high_water_mark : 0, object);
}

ASY__INTERNAL void asy__readable_release(asy_stream_t *s) {
    asy_bufchain_reset(&s->rbuf_);
    while (s->rcount_) {
        asy_buf_release(&s->ritems_[s->rhead_]);
        s->rhead_ = (s->rhead_ + 1) & (s->rcap_ - 1);
        s->rcount_--;
    }
    asy__free(s->ritems_);
    s->ritems_ = NULL;
    s->rcap_ = s->rhead_ = 0;
    s->rlen_ = 0;
}

/* ---- the object-mode ring ------------------------------------------------ */

ASY__INTERNAL int asy__robj_store(asy_stream_t *s, asy_buf_t *chunk, int front) {
    size_t i;
    if (s->rcount_ == s->rcap_) {
        size_t cap = s->rcap_ ? s->rcap_ * 2 : 8;
        asy_buf_t *items = ASY__NEW_ARRAY(asy_buf_t, cap);
        if (!items) return ASY_ENOMEM;
        for (i = 0; i < s->rcount_; i++) items[i] = s->ritems_[(s->rhead_ + i) & (s->rcap_ - 1)];
        asy__free(s->ritems_);
        s->ritems_ = items;
        s->rcap_ = cap;
        s->rhead_ = 0;
    }
    if (front) {
        s->rhead_ = (s->rhead_ - 1) & (s->rcap_ - 1);
        s->ritems_[s->rhead_] = *chunk;
    } else {
        s->ritems_[(s->rhead_ + s->rcount_) & (s->rcap_ - 1)] = *chunk;
    }
    s->rcount_++;
    memset(chunk, 0, sizeof(*chunk));
    return 0;
}

/* Node's fromList: n bytes (all of them when n >= length), or the first
 * chunk in object mode.  1 with *out set, 0 when empty, ASY_ENOMEM. */
ASY__INTERNAL int asy__readable_from_list(asy_stream_t *s, size_t n, asy_buf_t *out) {
    int r;
    if (s->rlen_ == 0) return 0;
    if (s->rflags_ & ASY__RD_OBJECT) {
        *out = s->ritems_[s->rhead_];
        memset(&s->ritems_[s->rhead_], 0, sizeof(asy_buf_t));
        s->rhead_ = (s->rhead_ + 1) & (s->rcap_ - 1);
        s->rcount_--;
        return 1;
    }
    r = asy_bufchain_take(&s->rbuf_, n >= s->rlen_ ? s->rlen_ : n, out);
    return r < 0 ? r : 1;
}

/* ---- ticks ---------------------------------------------------------------------- */

ASY__INTERNAL void asy__readable_flow(asy_stream_t *s) {
    asy_buf_t c;
    while ((s->rflags_ & ASY__RD_FLOWING) && asy__readable_read_impl(s, ASY_STREAM_READ_ALL, &c) == 1)
        asy_buf_release(&c);
}

ASY__INTERNAL void asy__readable_emit_readable_now(asy_stream_t *s) {
    if (!(s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERRORED)) &&
        (s->rlen_ || (s->rflags_ & ASY__RD_ENDED))) {
        asy__stream_emit(s, ASY__EV_READABLE, NULL, 0);
        s->rflags_ &= ~(unsigned)ASY__RD_EMITTED_READABLE;
    }
    /* Another 'readable' is needed unless flowing does the work, the
     * stream ended, or the buffer is above the mark. */
    if (!(s->rflags_ & (ASY__RD_FLOWING | ASY__RD_ENDED)) && s->rlen_ <= s->rhwm_)
        s->rflags_ |= ASY__RD_NEED_READABLE;
    asy__readable_flow(s);
}

ASY__INTERNAL void asy__readable_emit_readable_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__readable_emit_readable_now(s);
    asy__stream_tick_done(s);
}

/* Not right away: emitting from inside read() could recurse. */
ASY__INTERNAL void asy__readable_emit_readable(asy_stream_t *s) {
    s->rflags_ &= ~(unsigned)ASY__RD_NEED_READABLE;
    if (!(s->rflags_ & ASY__RD_EMITTED_READABLE)) {
        s->rflags_ |= ASY__RD_EMITTED_READABLE;
        asy__stream_tick(s, asy__readable_emit_readable_tick);
    }
}

/* Reads ahead until the buffer reaches the mark (or, flowing, until
 * something arrives), stopping as soon as a read produces nothing now. */
ASY__INTERNAL void asy__readable_read_more_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    while (!(s->rflags_ & (ASY__RD_READING | ASY__RD_ENDED)) &&
           (s->rlen_ < s->rhwm_ || ((s->rflags_ & ASY__RD_FLOWING) && s->rlen_ == 0))) {
        size_t len = s->rlen_;
        asy__readable_read_impl(s, 0, NULL);
        if (len == s->rlen_) break;
    }
    s->rflags_ &= ~(unsigned)ASY__RD_READING_MORE;
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_maybe_read_more(asy_stream_t *s) {
    if (!(s->rflags_ & ASY__RD_READING_MORE) && (s->sflags_ & ASY__STREAM_CONSTRUCTED)) {
        s->rflags_ |= ASY__RD_READING_MORE;
        asy__stream_tick(s, asy__readable_read_more_tick);
    }
}

ASY__INTERNAL void asy__writable_end_from_readable(asy_stream_t *s);

ASY__INTERNAL void asy__readable_end_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (!(s->sflags_ & (ASY__STREAM_ERRORED | ASY__STREAM_CLOSE_EMITTED)) &&
        !(s->rflags_ & ASY__RD_END_EMITTED) && s->rlen_ == 0) {
        s->rflags_ |= ASY__RD_END_EMITTED;
        asy__stream_emit(s, ASY__EV_END, NULL, 0);
        if ((s->sflags_ & ASY__STREAM_WRITABLE) && asy__writable_is_writable(s) &&
            !(s->sflags_ & ASY__STREAM_HALF_OPEN)) {
            asy__writable_end_from_readable(s);
        } else if (s->sflags_ & ASY__STREAM_AUTO_DESTROY) {
            /* a duplex waits for its writable side too */
            if (!(s->sflags_ & ASY__STREAM_WRITABLE) || (s->wflags_ & ASY__W_FINISHED))
                asy_stream_destroy(s, 0);
        }
    }
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_end(asy_stream_t *s) {
    if (!(s->rflags_ & ASY__RD_END_EMITTED)) {
        s->rflags_ |= ASY__RD_ENDED;
        asy__stream_tick(s, asy__readable_end_tick);
    }
}

/* ---- read ---------------------------------------------------------------------------- */

ASY__INTERNAL size_t asy__readable_how_much(const asy_stream_t *s, size_t n) {
    if (n == 0 || (s->rlen_ == 0 && (s->rflags_ & ASY__RD_ENDED))) return 0;
    if (s->rflags_ & ASY__RD_OBJECT) return 1;
    if (n == ASY_STREAM_READ_ALL) {
        /* flowing hands out one buffered chunk at a time */
        if ((s->rflags_ & ASY__RD_FLOWING) && s->rlen_) {
            asy_buf_t first;
            if (asy_bufchain_segment(&s->rbuf_, 0, &first) == 0) return first.len;
        }
        return s->rlen_;
    }
    if (n <= s->rlen_) return n;
    return (s->rflags_ & ASY__RD_ENDED) ? s->rlen_ : 0;
}

ASY__INTERNAL void asy__readable_call_read(asy_stream_t *s) {
    if (s->sflags_ & ASY__STREAM_TRANSFORM) {
        asy__transform_read(s);
        /* a transform that makes one chunk's output in steps (zlib) waits
         * for this before its next step */
        if (s->impl_ && s->impl_->read && !(s->sflags_ & ASY__STREAM_DESTROYED))
            s->impl_->read(s, s->rhwm_);
    } else if (s->impl_ && s->impl_->read) {
        s->impl_->read(s, s->rhwm_);
    }
}

ASY__INTERNAL int asy__readable_read_impl(asy_stream_t *s, size_t n, asy_buf_t *out) {
    size_t norig = n;
    int do_read, got = 0;
    asy_buf_t chunk;
    memset(&chunk, 0, sizeof(chunk));
    if (out) memset(out, 0, sizeof(*out));
    if (n != ASY_STREAM_READ_ALL && n > s->rhwm_) {
        size_t h = 1;
        if (n > ASY__STREAM_MAX_HWM) return ASY_ERANGE;
        while (h < n) h <<= 1; /* the next power of two: no creeping growth */
        s->rhwm_ = h;
    }
    if (n != 0) s->rflags_ &= ~(unsigned)ASY__RD_EMITTED_READABLE;
    /* read(0) with enough buffered (or the end reached) only signals */
    if (n == 0 && (s->rflags_ & ASY__RD_NEED_READABLE) &&
        ((s->rhwm_ ? s->rlen_ >= s->rhwm_ : s->rlen_ > 0) || (s->rflags_ & ASY__RD_ENDED))) {
        if (s->rlen_ == 0 && (s->rflags_ & ASY__RD_ENDED))
            asy__readable_end(s);
        else
            asy__readable_emit_readable(s);
        return 0;
    }
    n = asy__readable_how_much(s, n);
    if (n == 0 && (s->rflags_ & ASY__RD_ENDED)) {
        if (s->rlen_ == 0) asy__readable_end(s);
        return 0;
    }
    /* Call _read when a 'readable' is awaited or the buffer would drop
     * below the mark -- unless a read is pending, the data ended, the
     * stream failed or is still constructing. */
    do_read = (s->rflags_ & ASY__RD_NEED_READABLE) != 0;
    if (s->rlen_ == 0 || s->rlen_ - n < s->rhwm_) do_read = 1;
    if ((s->rflags_ & (ASY__RD_READING | ASY__RD_ENDED)) ||
        (s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERRORED)) || !(s->sflags_ & ASY__STREAM_CONSTRUCTED)) {
        do_read = 0;
    } else if (do_read) {
        s->rflags_ |= ASY__RD_READING | ASY__RD_SYNC;
        if (s->rlen_ == 0) s->rflags_ |= ASY__RD_NEED_READABLE;
        asy__readable_call_read(s);
        s->rflags_ &= ~(unsigned)ASY__RD_SYNC;
        /* a synchronous push changed what can be returned */
        if (!(s->rflags_ & ASY__RD_READING)) n = asy__readable_how_much(s, norig);
    }
    if (n > 0) {
        got = asy__readable_from_list(s, n, &chunk);
        if (got < 0) {
            asy_stream_destroy(s, got);
            return got;
        }
    }
    if (!got) {
        if (s->rlen_ <= s->rhwm_) s->rflags_ |= ASY__RD_NEED_READABLE;
        n = 0;
    } else {
        s->rlen_ -= (s->rflags_ & ASY__RD_OBJECT) ? 1 : chunk.len;
        n = (s->rflags_ & ASY__RD_OBJECT) ? 1 : chunk.len;
        if (s->await_drain_) asy__pipe_clear_await(s);
    }
    if (s->rlen_ == 0) {
        if (!(s->rflags_ & ASY__RD_ENDED)) s->rflags_ |= ASY__RD_NEED_READABLE;
        if (norig != n && (s->rflags_ & ASY__RD_ENDED)) asy__readable_end(s);
    }
    if (got && !(s->sflags_ & (ASY__STREAM_ERROR_EMITTED | ASY__STREAM_CLOSE_EMITTED))) {
        s->rflags_ |= ASY__RD_DATA_EMITTED;
        asy__stream_emit(s, ASY__EV_DATA, &chunk, 0);
    }
    if (out)
        *out = chunk;
    else
        asy_buf_release(&chunk);
    return got;
}

ASY__INTERNAL int asy__readable_read(asy_stream_t *s, size_t n, asy_buf_t *out) {
    return asy__readable_read_impl(s, n, out);
}

ASYNCRT_API int asy_stream_read(asy_stream_t *s, size_t n, asy_buf_t *out) {
    if (out) memset(out, 0, sizeof(*out));
    if (!s || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    return asy__readable_read_impl(s, n, out);
}

/* ---- push / unshift -------------------------------------------------------------------- */

ASY__INTERNAL int asy__readable_can_push_more(const asy_stream_t *s) {
    return !(s->rflags_ & ASY__RD_ENDED) && (s->rlen_ < s->rhwm_ || s->rlen_ == 0);
}

/* Node's addChunk: straight to 'data' when flowing with nothing buffered
 * (and not inside _read), else into the buffer. */
ASY__INTERNAL int asy__readable_add_chunk(asy_stream_t *s, asy_buf_t *chunk, int front) {
    if ((s->rflags_ & (ASY__RD_FLOWING | ASY__RD_SYNC | ASY__RD_DATA_LISTENING)) ==
            (ASY__RD_FLOWING | ASY__RD_DATA_LISTENING) &&
        s->rlen_ == 0) {
        if (s->await_drain_) asy__pipe_clear_await(s);
        s->rflags_ |= ASY__RD_DATA_EMITTED;
        asy__stream_emit(s, ASY__EV_DATA, chunk, 0);
        asy_buf_release(chunk);
    } else {
        size_t add = (s->rflags_ & ASY__RD_OBJECT) ? 1 : chunk->len;
        int r;
        if (s->rflags_ & ASY__RD_OBJECT)
            r = asy__robj_store(s, chunk, front);
        else if (front) {
            r = asy_bufchain_prepend(&s->rbuf_, chunk);
            asy_buf_release(chunk);
        } else
            r = asy_bufchain_append_move(&s->rbuf_, chunk);
        if (r < 0) {
            asy_buf_release(chunk);
            return r;
        }
        s->rlen_ += add;
        if (s->rflags_ & ASY__RD_NEED_READABLE) asy__readable_emit_readable(s);
    }
    asy__readable_maybe_read_more(s);
    return 0;
}

/* chunk is taken over (released whatever happens). */
ASY__INTERNAL int asy__readable_add(asy_stream_t *s, asy_buf_t *chunk, int unshift) {
    int object = (s->rflags_ & ASY__RD_OBJECT) != 0, r;
    if (unshift) {
        if (!object && chunk->len == 0) {
            asy_buf_release(chunk);
            return asy__readable_can_push_more(s);
        }
        if (s->rflags_ & ASY__RD_END_EMITTED) {
            asy_buf_release(chunk);
            asy__stream_error_or_destroy(s, ASY_EUNSHIFT_AFTER_END, 0);
            return ASY_EUNSHIFT_AFTER_END;
        }
        if (s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERRORED)) {
            asy_buf_release(chunk);
            return 0;
        }
    } else {
        if (!object && chunk->len == 0) {
            asy_buf_release(chunk);
            s->rflags_ &= ~(unsigned)ASY__RD_READING;
            asy__readable_maybe_read_more(s);
            return asy__readable_can_push_more(s);
        }
        if (s->rflags_ & ASY__RD_ENDED) {
            asy_buf_release(chunk);
            asy__stream_error_or_destroy(s, ASY_EPUSH_AFTER_EOF, 0);
            return ASY_EPUSH_AFTER_EOF;
        }
        if (s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERRORED)) {
            asy_buf_release(chunk);
            return 0;
        }
        s->rflags_ &= ~(unsigned)ASY__RD_READING;
    }
    r = asy__readable_add_chunk(s, chunk, unshift);
    if (r < 0) {
        asy_stream_destroy(s, r);
        return r;
    }
    return asy__readable_can_push_more(s);
}

/* push(null) */
ASY__INTERNAL void asy__readable_eof(asy_stream_t *s) {
    s->rflags_ &= ~(unsigned)ASY__RD_READING;
    if (s->rflags_ & ASY__RD_ENDED) return;
    s->rflags_ |= ASY__RD_ENDED;
    if (s->rflags_ & ASY__RD_SYNC) {
        asy__readable_emit_readable(s);
    } else {
        /* outside _read: signal now, some consumers rely on it */
        s->rflags_ &= ~(unsigned)ASY__RD_NEED_READABLE;
        s->rflags_ |= ASY__RD_EMITTED_READABLE;
        asy__readable_emit_readable_now(s);
    }
}

ASYNCRT_API int asy_stream_push_move(asy_stream_t *s, asy_buf_t *chunk) {
    asy_buf_t c;
    if (!s || !chunk || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    c = *chunk;
    memset(chunk, 0, sizeof(*chunk));
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_buf_t c;
    int r;
    if (!s || !chunk || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    if ((r = asy_buf_retain(&c, chunk)) < 0) return r;
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push_bytes(asy_stream_t *s, const void *bytes, size_t n) {
    asy_buf_t c;
    int r;
    if (!s || (!bytes && n) || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    if ((r = asy_buf_from_bytes(&c, bytes, n)) < 0) return r;
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                    void *hint) {
    asy_buf_t c;
    int r;
    if (!s || !(s->sflags_ & ASY__STREAM_READABLE) || !(s->rflags_ & ASY__RD_OBJECT)) return ASY_EINVAL;
    if ((r = asy_buf_from_external(&c, obj, 0, free_cb, hint)) < 0) return r;
    return asy__readable_add(s, &c, 0);
}

ASYNCRT_API int asy_stream_push_end(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    asy__readable_eof(s);
    return 0;
}

ASYNCRT_API int asy_stream_unshift(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_buf_t c;
    int r;
    if (!s || !chunk || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    if ((r = asy_buf_retain(&c, chunk)) < 0) return r;
    return asy__readable_add(s, &c, 1);
}

/* ---- flowing and paused ----------------------------------------------------------------- */

ASY__INTERNAL void asy__readable_resume_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (!(s->rflags_ & ASY__RD_READING)) asy__readable_read_impl(s, 0, NULL);
    s->rflags_ &= ~(unsigned)ASY__RD_RESUME_SCHEDULED;
    asy__stream_emit(s, ASY__EV_RESUME, NULL, 0);
    asy__readable_flow(s);
    if ((s->rflags_ & (ASY__RD_FLOWING | ASY__RD_READING)) == ASY__RD_FLOWING)
        asy__readable_read_impl(s, 0, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_resume(asy_stream_t *s) {
    if (!(s->rflags_ & ASY__RD_FLOWING)) {
        /* flowing only when no one listens for 'readable' */
        s->rflags_ |= ASY__RD_HAS_FLOWING;
        if (!(s->rflags_ & ASY__RD_READABLE_LISTENING))
            s->rflags_ |= ASY__RD_FLOWING;
        else
            s->rflags_ &= ~(unsigned)ASY__RD_FLOWING;
        if (!(s->rflags_ & ASY__RD_RESUME_SCHEDULED)) {
            s->rflags_ |= ASY__RD_RESUME_SCHEDULED;
            asy__stream_tick(s, asy__readable_resume_tick);
        }
    }
    s->rflags_ |= ASY__RD_HAS_PAUSED;
    s->rflags_ &= ~(unsigned)ASY__RD_PAUSED;
}

ASY__INTERNAL void asy__readable_pause(asy_stream_t *s) {
    if ((s->rflags_ & (ASY__RD_HAS_FLOWING | ASY__RD_FLOWING)) != ASY__RD_HAS_FLOWING) {
        s->rflags_ |= ASY__RD_HAS_FLOWING;
        s->rflags_ &= ~(unsigned)ASY__RD_FLOWING;
        asy__stream_emit(s, ASY__EV_PAUSE, NULL, 0);
    }
    s->rflags_ |= ASY__RD_HAS_PAUSED | ASY__RD_PAUSED;
}

ASYNCRT_API int asy_stream_resume(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    asy__readable_resume(s);
    return 0;
}

ASYNCRT_API int asy_stream_pause(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__STREAM_READABLE)) return ASY_EINVAL;
    asy__readable_pause(s);
    return 0;
}

ASYNCRT_API int asy_stream_is_paused(const asy_stream_t *s) {
    if (!s) return 0;
    return (s->rflags_ & ASY__RD_PAUSED) ||
           (s->rflags_ & (ASY__RD_HAS_FLOWING | ASY__RD_FLOWING)) == ASY__RD_HAS_FLOWING;
}

/* ---- listeners: on('data'), on('readable') and their removal ------------------------------- */

ASY__INTERNAL void asy__readable_n_reading_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__readable_read_impl(s, 0, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_update_listening_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (s->readable_listeners_)
        s->rflags_ |= ASY__RD_READABLE_LISTENING;
    else
        s->rflags_ &= ~(unsigned)ASY__RD_READABLE_LISTENING;
    if ((s->rflags_ & (ASY__RD_HAS_PAUSED | ASY__RD_PAUSED | ASY__RD_RESUME_SCHEDULED)) ==
        (ASY__RD_HAS_PAUSED | ASY__RD_RESUME_SCHEDULED))
        /* a resume() is on its way: it must flow */
        s->rflags_ |= ASY__RD_HAS_FLOWING | ASY__RD_FLOWING;
    else if (s->rflags_ & ASY__RD_DATA_LISTENING)
        asy__readable_resume(s);
    else if (!(s->rflags_ & ASY__RD_READABLE_LISTENING))
        s->rflags_ &= ~(unsigned)(ASY__RD_HAS_FLOWING | ASY__RD_FLOWING);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__readable_data_listener(asy_stream_t *s, int delta) {
    if (!(s->sflags_ & ASY__STREAM_READABLE)) return;
    if (delta > 0) {
        s->data_listeners_++;
        s->rflags_ |= ASY__RD_DATA_LISTENING;
        if (s->readable_listeners_) s->rflags_ |= ASY__RD_READABLE_LISTENING;
        /* start flowing unless paused explicitly */
        if ((s->rflags_ & (ASY__RD_HAS_FLOWING | ASY__RD_FLOWING)) != ASY__RD_HAS_FLOWING)
            asy__readable_resume(s);
    } else if (s->data_listeners_) {
        if (--s->data_listeners_ == 0) s->rflags_ &= ~(unsigned)ASY__RD_DATA_LISTENING;
    }
}

ASY__INTERNAL void asy__readable_readable_listener(asy_stream_t *s, int delta) {
    if (!(s->sflags_ & ASY__STREAM_READABLE)) return;
    if (delta > 0) {
        s->readable_listeners_++;
        if (!(s->rflags_ & (ASY__RD_END_EMITTED | ASY__RD_READABLE_LISTENING))) {
            s->rflags_ |= ASY__RD_READABLE_LISTENING | ASY__RD_NEED_READABLE | ASY__RD_HAS_FLOWING;
            s->rflags_ &= ~(unsigned)(ASY__RD_FLOWING | ASY__RD_EMITTED_READABLE);
            if (s->rlen_)
                asy__readable_emit_readable(s);
            else if (!(s->rflags_ & ASY__RD_READING))
                asy__stream_tick(s, asy__readable_n_reading_tick);
        }
    } else if (s->readable_listeners_) {
        s->readable_listeners_--;
        /* after the current 'readable' round, as in Node */
        asy__stream_tick(s, asy__readable_update_listening_tick);
    }
}

ASY__INTERNAL void asy__readable_on_constructed(asy_stream_t *s) {
    if (s->rflags_ & ASY__RD_NEED_READABLE) asy__readable_maybe_read_more(s);
}

/* Node's isReadableFinished. */
ASY__INTERNAL int asy__readable_finished(const asy_stream_t *s, int strict) {
    if (s->sflags_ & ASY__STREAM_ERRORED) return 0;
    return (s->rflags_ & ASY__RD_END_EMITTED) ||
           (!strict && (s->rflags_ & ASY__RD_ENDED) && s->rlen_ == 0);
}

/* Node's .readable getter. */
ASY__INTERNAL int asy__readable_is_readable(const asy_stream_t *s) {
    return (s->sflags_ & ASY__STREAM_READABLE) &&
           !(s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERROR_EMITTED)) &&
           !(s->rflags_ & ASY__RD_END_EMITTED);
}
