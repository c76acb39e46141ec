/* The writable side: Node's writable.js.  One write is in flight at a
 * time; later ones wait in a ring (and go to writev together when the
 * implementer has one). */
#include "stream.internal.h"
#include "../buf/buf.h"

ASY__INTERNAL void asy__writable_finish_maybe(asy_stream_t *s, int sync);

ASY__INTERNAL void asy__writable_init(asy_stream_t *s, const asy_stream_opts_t *o) {
    int object = o && (o->object_mode || o->writable_object_mode);
    s->wflags_ = ASY__W_SYNC | ASY__W_ALL_NOOP | (object ? (unsigned)ASY__W_OBJECT : 0u);
    s->whwm_ = asy__stream_pick_hwm(o, o ? o->writable_high_water_mark : 0, object);
}

ASY__INTERNAL size_t asy__wlen_of(const asy_stream_t *s, const asy_buf_t *chunk) {
    return (s->wflags_ & ASY__W_OBJECT) ? 1 : chunk->len;
}

/* ---- the buffered-write ring ---------------------------------------------------- */

ASY__INTERNAL int asy__wq_push(asy_stream_t *s, asy_buf_t *chunk, asy_stream_cb cb, void *arg) {
    struct asy__stream_wreq *w;
    size_t i;
    if (s->wq_count_ == s->wq_cap_) {
        size_t cap = s->wq_cap_ ? s->wq_cap_ * 2 : 16;
        struct asy__stream_wreq *q = ASY__NEW_ARRAY(struct asy__stream_wreq, cap);
        if (!q) return ASY_ENOMEM;
        for (i = 0; i < s->wq_count_; i++) q[i] = s->wq_[(s->wq_head_ + i) & (s->wq_cap_ - 1)];
        asy__free(s->wq_);
        s->wq_ = q;
        s->wq_cap_ = cap;
        s->wq_head_ = 0;
    }
    w = &s->wq_[(s->wq_head_ + s->wq_count_) & (s->wq_cap_ - 1)];
    w->chunk = *chunk;
    w->cb = cb;
    w->arg = arg;
    memset(chunk, 0, sizeof(*chunk));
    s->wq_count_++;
    return 0;
}

ASY__INTERNAL struct asy__stream_wreq asy__wq_pop(asy_stream_t *s) {
    struct asy__stream_wreq w = s->wq_[s->wq_head_];
    s->wq_head_ = (s->wq_head_ + 1) & (s->wq_cap_ - 1);
    s->wq_count_--;
    return w;
}

ASY__INTERNAL void asy__wq_reset(asy_stream_t *s) {
    s->wq_head_ = 0;
    s->wq_count_ = 0;
    s->wflags_ |= ASY__W_ALL_NOOP;
}

/* ---- callbacks ------------------------------------------------------------------------ */

ASY__INTERNAL void asy__wcbs_call(asy_stream_t *s, asy_stream_cb cb, void *arg,
                                  struct asy__stream_cblist *list, int status) {
    size_t i;
    if (list) {
        for (i = 0; i < list->n; i++)
            if (list->items[i].cb) list->items[i].cb(s, status, list->items[i].arg);
    } else if (cb) {
        cb(s, status, arg);
    }
}

ASY__INTERNAL void asy__writable_call_finished(asy_stream_t *s, int err) {
    struct asy__stream_endcb *cbs = s->endcbs_;
    size_t i, n = s->nendcbs_;
    if (!n) return;
    s->endcbs_ = NULL;
    s->nendcbs_ = s->endcbs_cap_ = 0;
    for (i = 0; i < n; i++) cbs[i].cb(s, err, cbs[i].arg);
    asy__free(cbs);
}

/* Buffered writes (and end callbacks) fail once the stream is destroyed. */
ASY__INTERNAL void asy__writable_error_buffer(asy_stream_t *s) {
    int err;
    if (s->wflags_ & ASY__W_WRITING) return;
    err = (s->sflags_ & ASY__STREAM_ERRORED) ? s->err_ : ASY_ESTREAM_DESTROYED;
    while (s->wq_count_) {
        struct asy__stream_wreq w = asy__wq_pop(s);
        s->wlen_ -= asy__wlen_of(s, &w.chunk);
        asy_buf_release(&w.chunk);
        if (w.cb) w.cb(s, err, w.arg);
    }
    asy__writable_call_finished(s, (s->sflags_ & ASY__STREAM_ERRORED) ? s->err_ : ASY_ESTREAM_DESTROYED);
    asy__wq_reset(s);
}

ASY__INTERNAL void asy__writable_error_buffer_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__writable_error_buffer(s);
    asy__stream_tick_done(s);
}

/* ---- starting writes ------------------------------------------------------------------- */

ASY__INTERNAL void asy__writable_call_write(asy_stream_t *s, const asy_buf_t *chunk) {
    if (s->sflags_ & ASY__STREAM_TRANSFORM)
        asy__transform_write(s, chunk);
    else if (s->impl_->write)
        s->impl_->write(s, chunk);
    else
        s->impl_->writev(s, chunk, 1);
}

ASY__INTERNAL void asy__writable_do_write(asy_stream_t *s, struct asy__stream_wreq *w) {
    s->writelen_ = asy__wlen_of(s, &w->chunk);
    s->writecb_ = w->cb;
    s->writecb_arg_ = w->arg;
    s->writecbs_ = NULL;
    s->wcur_ = w->chunk;
    s->wflags_ |= ASY__W_WRITING | ASY__W_SYNC | ASY__W_EXPECT_WRITE_CB;
    if (s->sflags_ & ASY__STREAM_DESTROYED)
        asy_stream_write_done(s, ASY_ESTREAM_DESTROYED);
    else
        asy__writable_call_write(s, &s->wcur_);
    s->wflags_ &= ~(unsigned)ASY__W_SYNC;
}

/* Everything buffered in one writev.  0, or ASY_ENOMEM with nothing
 * changed (the caller then writes one at a time). */
ASY__INTERNAL int asy__writable_do_writev(asy_stream_t *s) {
    size_t i, n = s->wq_count_;
    struct asy__stream_cblist *list = NULL;
    if (s->wv_cap_ < n) {
        asy_buf_t *b = ASY__NEW_ARRAY(asy_buf_t, n);
        if (!b) return ASY_ENOMEM;
        asy__free(s->wv_bufs_);
        s->wv_bufs_ = b;
        s->wv_cap_ = n;
    }
    if (!(s->wflags_ & ASY__W_ALL_NOOP)) {
        list = (struct asy__stream_cblist *)asy__malloc(sizeof(struct asy__stream_cblist) +
                                                        n * sizeof(struct asy__stream_cbent));
        if (!list) return ASY_ENOMEM;
        list->n = n;
        list->items = (struct asy__stream_cbent *)(void *)(list + 1);
    }
    for (i = 0; i < n; i++) {
        struct asy__stream_wreq w = asy__wq_pop(s);
        s->wv_bufs_[i] = w.chunk;
        if (list) {
            list->items[i].cb = w.cb;
            list->items[i].arg = w.arg;
        }
    }
    s->wv_n_ = n;
    asy__wq_reset(s);
    s->pendingcb_ -= n - 1;
    s->writelen_ = s->wlen_;
    s->writecb_ = NULL;
    s->writecb_arg_ = NULL;
    s->writecbs_ = list;
    s->wflags_ |= ASY__W_WRITING | ASY__W_SYNC | ASY__W_EXPECT_WRITE_CB;
    if (s->sflags_ & ASY__STREAM_DESTROYED)
        asy_stream_write_done(s, ASY_ESTREAM_DESTROYED);
    else
        s->impl_->writev(s, s->wv_bufs_, n);
    s->wflags_ &= ~(unsigned)ASY__W_SYNC;
    return 0;
}

ASY__INTERNAL void asy__writable_clear_buffer(asy_stream_t *s) {
    if ((s->sflags_ & ASY__STREAM_DESTROYED) || (s->wflags_ & ASY__W_BUFFER_PROCESSING) ||
        s->corked_ || !s->wq_count_ || !(s->sflags_ & ASY__STREAM_CONSTRUCTED))
        return;
    s->wflags_ |= ASY__W_BUFFER_PROCESSING;
    if (s->wq_count_ > 1 && s->impl_ && s->impl_->writev && !(s->sflags_ & ASY__STREAM_TRANSFORM) &&
        asy__writable_do_writev(s) == 0) {
        /* all of it went in one call */
    } else {
        do {
            struct asy__stream_wreq w = asy__wq_pop(s);
            asy__writable_do_write(s, &w);
        } while (s->wq_count_ && !(s->wflags_ & ASY__W_WRITING));
        if (!s->wq_count_) asy__wq_reset(s);
    }
    s->wflags_ &= ~(unsigned)ASY__W_BUFFER_PROCESSING;
}

ASY__INTERNAL int asy__writable_write_or_buffer(asy_stream_t *s, asy_buf_t *chunk,
                                                asy_stream_cb cb, void *arg) {
    size_t len = asy__wlen_of(s, chunk);
    int ret;
    s->wlen_ += len;
    if ((s->wflags_ & ASY__W_WRITING) || (s->sflags_ & ASY__STREAM_ERRORED) || s->corked_ ||
        !(s->sflags_ & ASY__STREAM_CONSTRUCTED)) {
        int r = asy__wq_push(s, chunk, cb, arg);
        if (r < 0) {
            s->wlen_ -= len;
            s->pendingcb_--;
            asy_buf_release(chunk);
            return r;
        }
        if (cb) s->wflags_ &= ~(unsigned)ASY__W_ALL_NOOP;
    } else {
        s->writelen_ = len;
        s->writecb_ = cb;
        s->writecb_arg_ = arg;
        s->writecbs_ = NULL;
        s->wcur_ = *chunk;
        memset(chunk, 0, sizeof(*chunk));
        s->wflags_ |= ASY__W_WRITING | ASY__W_SYNC | ASY__W_EXPECT_WRITE_CB;
        asy__writable_call_write(s, &s->wcur_);
        s->wflags_ &= ~(unsigned)ASY__W_SYNC;
    }
    ret = s->wlen_ < s->whwm_ || s->wlen_ == 0;
    if (!ret) s->wflags_ |= ASY__W_NEED_DRAIN;
    /* 0 when failed, to break `while (write(...))` loops */
    return ret && !(s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERRORED));
}

/* chunk is taken over. */
/* Every write() lands here.  made: 0, or the error of making the chunk
 * (then chunk holds nothing).  A write that cannot be taken returns 0, not
 * a negative code, so `while (asy_stream_write(...))` ends: as in Node,
 * its callback gets the error on a nextTick and the stream errors. */
ASY__INTERNAL int asy__writable_write(asy_stream_t *s, asy_buf_t *chunk, int made,
                                      asy_stream_cb cb, void *arg) {
    int err = made;
    if (!err && (s->wflags_ & ASY__W_ENDING)) err = ASY_EWRITE_AFTER_END;
    if (!err && (s->sflags_ & ASY__STREAM_DESTROYED)) err = ASY_ESTREAM_DESTROYED;
    if (err) {
        if (!made) asy_buf_release(chunk);
        asy__stream_defer_cb(s, cb, arg, err);
        asy__stream_error_or_destroy(s, err, 1);
        return 0;
    }
    s->pendingcb_++;
    return asy__writable_write_or_buffer(s, chunk, cb, arg);
}

ASYNCRT_API int asy_stream_write(asy_stream_t *s, const asy_buf_t *chunk, asy_stream_cb cb,
                                 void *arg) {
    asy_buf_t c;
    if (!s || !chunk || !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    return asy__writable_write(s, &c, asy_buf_retain(&c, chunk), cb, arg);
}

ASYNCRT_API int asy_stream_write_bytes(asy_stream_t *s, const void *bytes, size_t n,
                                       asy_stream_cb cb, void *arg) {
    asy_buf_t c;
    if (!s || (!bytes && n) || !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    return asy__writable_write(s, &c, asy_buf_from_bytes(&c, bytes, n), cb, arg);
}

ASYNCRT_API int asy_stream_write_obj(asy_stream_t *s, void *obj, asy_buf_free_cb free_cb,
                                     void *hint, asy_stream_cb cb, void *arg) {
    asy_buf_t c;
    if (!s || !(s->sflags_ & ASY__STREAM_WRITABLE) || !(s->wflags_ & ASY__W_OBJECT)) return ASY_EINVAL;
    return asy__writable_write(s, &c, asy_buf_from_external(&c, obj, 0, free_cb, hint), cb, arg);
}

/* ---- completions ------------------------------------------------------------------------ */

ASY__INTERNAL void asy__writable_after_write(asy_stream_t *s, size_t count, asy_stream_cb cb,
                                             void *arg, struct asy__stream_cblist *list) {
    s->wflags_ &= ~(unsigned)ASY__W_AFTER_WRITE_PENDING;
    if ((s->wflags_ & (ASY__W_ENDING | ASY__W_NEED_DRAIN)) == ASY__W_NEED_DRAIN &&
        !(s->sflags_ & ASY__STREAM_DESTROYED) && s->wlen_ == 0) {
        s->wflags_ &= ~(unsigned)ASY__W_NEED_DRAIN;
        asy__stream_emit(s, ASY__EV_DRAIN, NULL, 0);
    }
    while (count-- > 0) {
        s->pendingcb_--;
        asy__wcbs_call(s, cb, arg, list, 0);
    }
    asy__free(list);
    if (s->sflags_ & ASY__STREAM_DESTROYED) asy__writable_error_buffer(s);
    if (s->wflags_ & ASY__W_ENDING) asy__writable_finish_maybe(s, 1);
}

ASY__INTERNAL void asy__writable_after_write_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__writable_after_write(s, 1, NULL, NULL, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_after_write_info_tick(void *p) {
    struct asy__stream_awinfo *info = (struct asy__stream_awinfo *)p;
    asy_stream_t *s = info->s;
    struct asy__stream_awinfo copy = *info;
    /* As in Node, any later info is forgotten too: the next write starts
     * a new one. */
    s->wflags_ &= ~(unsigned)ASY__W_AFTER_WRITE_TICK_INFO;
    s->aw_cur_ = NULL;
    if (!s->aw_spare_)
        s->aw_spare_ = info;
    else
        asy__free(info);
    asy__writable_after_write(s, copy.count, copy.cb, copy.arg, copy.list);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_onwrite_error(asy_stream_t *s, int status, asy_stream_cb cb,
                                               void *arg, struct asy__stream_cblist *list) {
    s->pendingcb_--;
    asy__wcbs_call(s, cb, arg, list, status);
    asy__free(list);
    asy__writable_error_buffer(s);
    asy__stream_error_or_destroy(s, status, 0);
}

ASY__INTERNAL void asy__writable_onwrite_error_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    struct asy__stream_cblist *list = s->werr_list_;
    s->werr_list_ = NULL;
    asy__writable_onwrite_error(s, s->werr_status_, s->werr_cb_, s->werr_arg_, list);
    asy__stream_tick_done(s);
}

ASYNCRT_API int asy_stream_write_done(asy_stream_t *s, int status) {
    asy_stream_cb cb;
    void *arg;
    struct asy__stream_cblist *list;
    size_t i;
    int sync;
    if (!s || !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    if (!(s->wflags_ & ASY__W_EXPECT_WRITE_CB)) {
        asy__stream_error_or_destroy(s, ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    sync = (s->wflags_ & ASY__W_SYNC) != 0;
    cb = s->writecb_;
    arg = s->writecb_arg_;
    list = s->writecbs_;
    s->writecb_ = NULL;
    s->writecb_arg_ = NULL;
    s->writecbs_ = NULL;
    s->wflags_ &= ~(unsigned)(ASY__W_WRITING | ASY__W_EXPECT_WRITE_CB);
    s->wlen_ -= s->writelen_;
    s->writelen_ = 0;
    asy_buf_release(&s->wcur_);
    for (i = 0; i < s->wv_n_; i++) asy_buf_release(&s->wv_bufs_[i]);
    s->wv_n_ = 0;

    if (status) {
        asy__stream_set_error(s, status);
        if (sync) {
            s->werr_cb_ = cb;
            s->werr_arg_ = arg;
            s->werr_list_ = list;
            s->werr_status_ = status;
            asy__stream_tick(s, asy__writable_onwrite_error_tick);
        } else {
            asy__writable_onwrite_error(s, status, cb, arg, list);
        }
        return 0;
    }
    if (s->wq_count_) asy__writable_clear_buffer(s);
    if (!sync) {
        asy__writable_after_write(s, 1, cb, arg, list);
        return 0;
    }
    {
        int need_drain = (s->wflags_ & ASY__W_NEED_DRAIN) && s->wlen_ == 0;
        /* Node 20 tests `state & kDestroyed !== 0`, which is the object
         * mode bit: object-mode writes always take the tick. */
        int need_tick = need_drain || (s->wflags_ & ASY__W_OBJECT) || cb || list;
        if (!cb && !list) {
            if (!(s->wflags_ & ASY__W_AFTER_WRITE_PENDING) && need_tick) {
                asy__stream_tick(s, asy__writable_after_write_tick);
                s->wflags_ |= ASY__W_AFTER_WRITE_PENDING;
            } else {
                s->pendingcb_--;
                if (s->wflags_ & ASY__W_ENDING) asy__writable_finish_maybe(s, 1);
            }
        } else if ((s->wflags_ & ASY__W_AFTER_WRITE_TICK_INFO) && !list && s->aw_cur_ &&
                   !s->aw_cur_->list && s->aw_cur_->cb == cb && s->aw_cur_->arg == arg) {
            s->aw_cur_->count++;
        } else {
            struct asy__stream_awinfo *info = s->aw_spare_;
            if (info)
                s->aw_spare_ = NULL;
            else
                info = ASY__NEW(struct asy__stream_awinfo);
            if (!info) { /* out of memory: complete now instead of on the tick */
                asy__writable_after_write(s, 1, cb, arg, list);
                return 0;
            }
            info->s = s;
            info->cb = cb;
            info->arg = arg;
            info->list = list;
            info->count = 1;
            s->aw_cur_ = info;
            s->wflags_ |= ASY__W_AFTER_WRITE_PENDING | ASY__W_AFTER_WRITE_TICK_INFO;
            asy__stream_tick_arg(s, asy__writable_after_write_info_tick, info);
        }
    }
    return 0;
}

/* ---- cork ---------------------------------------------------------------------------------- */

ASYNCRT_API int asy_stream_cork(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    s->corked_++;
    return 0;
}

ASYNCRT_API int asy_stream_uncork(asy_stream_t *s) {
    if (!s || !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    if (s->corked_) {
        s->corked_--;
        if (!(s->wflags_ & ASY__W_WRITING)) asy__writable_clear_buffer(s);
    }
    return 0;
}

/* ---- end, final, finish --------------------------------------------------------------------- */

ASY__INTERNAL int asy__writable_need_finish(const asy_stream_t *s) {
    return (s->wflags_ & ASY__W_ENDING) &&
           !(s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERROR_EMITTED | ASY__STREAM_CLOSE_EMITTED |
                           ASY__STREAM_ERRORED)) &&
           (s->sflags_ & ASY__STREAM_CONSTRUCTED) &&
           !(s->wflags_ & (ASY__W_FINISHED | ASY__W_WRITING)) && s->wq_count_ == 0 &&
           s->wlen_ == 0;
}

ASY__INTERNAL void asy__writable_finish(asy_stream_t *s) {
    s->pendingcb_--;
    s->wflags_ |= ASY__W_FINISHED;
    asy__writable_call_finished(s, 0);
    asy__stream_emit(s, ASY__EV_FINISH, NULL, 0);
    if (s->sflags_ & ASY__STREAM_AUTO_DESTROY) {
        /* a duplex waits for its readable side too */
        if (!(s->sflags_ & ASY__STREAM_READABLE) || (s->rflags_ & ASY__RD_END_EMITTED))
            asy_stream_destroy(s, 0);
    }
}

ASY__INTERNAL void asy__writable_finish_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    asy__writable_finish(s);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_finish_maybe_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (asy__writable_need_finish(s))
        asy__writable_finish(s);
    else
        s->pendingcb_--;
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_prefinish(asy_stream_t *s) {
    int has_final = (s->sflags_ & ASY__STREAM_TRANSFORM) || (s->impl_ && s->impl_->final);
    if (s->wflags_ & (ASY__W_PREFINISHED | ASY__W_FINAL_CALLED)) return;
    if (has_final && !(s->sflags_ & ASY__STREAM_DESTROYED)) {
        s->wflags_ |= ASY__W_FINAL_CALLED | ASY__W_SYNC | ASY__W_FINAL_WAIT;
        s->pendingcb_++;
        if (s->sflags_ & ASY__STREAM_TRANSFORM)
            asy__transform_final(s);
        else
            s->impl_->final(s);
        s->wflags_ &= ~(unsigned)ASY__W_SYNC;
    } else {
        s->wflags_ |= ASY__W_FINAL_CALLED | ASY__W_PREFINISHED;
    }
}

ASY__INTERNAL void asy__writable_finish_maybe(asy_stream_t *s, int sync) {
    if (!asy__writable_need_finish(s)) return;
    asy__writable_prefinish(s);
    if (s->pendingcb_ != 0) return;
    if (sync) {
        s->pendingcb_++;
        asy__stream_tick(s, asy__writable_finish_maybe_tick);
    } else if (asy__writable_need_finish(s)) {
        s->pendingcb_++;
        asy__writable_finish(s);
    }
}

ASYNCRT_API int asy_stream_final_done(asy_stream_t *s, int status) {
    if (!s || !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    if (!(s->wflags_ & ASY__W_FINAL_WAIT)) {
        asy__stream_error_or_destroy(s, status ? status : ASY_EMULTIPLE_CALLBACK, 0);
        return ASY_EMULTIPLE_CALLBACK;
    }
    s->wflags_ &= ~(unsigned)ASY__W_FINAL_WAIT;
    s->pendingcb_--;
    if (status) {
        asy__writable_call_finished(s, status);
        asy__stream_error_or_destroy(s, status, (s->wflags_ & ASY__W_SYNC) != 0);
    } else if (asy__writable_need_finish(s)) {
        s->wflags_ |= ASY__W_PREFINISHED;
        /* 'finish' stays asynchronous to _final's callback */
        s->pendingcb_++;
        asy__stream_tick(s, asy__writable_finish_tick);
    }
    return 0;
}

ASY__INTERNAL int asy__writable_end(asy_stream_t *s, asy_stream_cb cb, void *arg) {
    int err = 0;
    if (cb && s->nendcbs_ == s->endcbs_cap_) {
        /* room first, so running out of memory changes nothing */
        size_t cap = s->endcbs_cap_ ? s->endcbs_cap_ * 2 : 2;
        struct asy__stream_endcb *a = (struct asy__stream_endcb *)asy__realloc(
            s->endcbs_, cap * sizeof(struct asy__stream_endcb));
        if (!a) return ASY_ENOMEM;
        s->endcbs_ = a;
        s->endcbs_cap_ = cap;
    }
    if (s->corked_) { /* end() fully uncorks */
        s->corked_ = 1;
        asy_stream_uncork(s);
    }
    if (!(s->wflags_ & ASY__W_ENDING) && !(s->sflags_ & ASY__STREAM_ERRORED)) {
        s->wflags_ |= ASY__W_ENDING;
        asy__writable_finish_maybe(s, 1);
        s->wflags_ |= ASY__W_ENDED;
    } else if (s->wflags_ & ASY__W_FINISHED) {
        err = ASY_ESTREAM_FINISHED;
    } else if (s->sflags_ & ASY__STREAM_DESTROYED) {
        err = ASY_ESTREAM_DESTROYED;
    }
    if (err) return err;
    if (cb) {
        if (s->sflags_ & ASY__STREAM_ERRORED)
            asy__stream_defer_cb(s, cb, arg, s->err_);
        else if (s->wflags_ & ASY__W_FINISHED)
            asy__stream_defer_cb(s, cb, arg, 0);
        else {
            s->endcbs_[s->nendcbs_].cb = cb;
            s->endcbs_[s->nendcbs_].arg = arg;
            s->nendcbs_++;
        }
    }
    return 0;
}

ASYNCRT_API int asy_stream_end(asy_stream_t *s, asy_stream_cb cb, void *arg) {
    if (!s || !(s->sflags_ & ASY__STREAM_WRITABLE)) return ASY_EINVAL;
    return asy__writable_end(s, cb, arg);
}

/* allowHalfOpen: false -- the readable side ended, so end this one. */
ASY__INTERNAL void asy__writable_end_tick(void *p) {
    asy_stream_t *s = (asy_stream_t *)p;
    if (asy__writable_is_writable(s) && !(s->wflags_ & ASY__W_ENDING)) asy__writable_end(s, NULL, NULL);
    asy__stream_tick_done(s);
}

ASY__INTERNAL void asy__writable_end_from_readable(asy_stream_t *s) {
    asy__stream_tick(s, asy__writable_end_tick);
}

/* ---- lifecycle hooks -------------------------------------------------------------------------- */

ASY__INTERNAL void asy__writable_on_constructed(asy_stream_t *s) {
    if (!(s->wflags_ & ASY__W_WRITING)) asy__writable_clear_buffer(s);
    if (s->wflags_ & ASY__W_ENDING) asy__writable_finish_maybe(s, 0);
}

ASY__INTERNAL void asy__writable_destroying(asy_stream_t *s) {
    if ((s->wq_count_ || s->nendcbs_) && !(s->sflags_ & ASY__STREAM_DESTROYED))
        asy__stream_tick(s, asy__writable_error_buffer_tick);
}

ASY__INTERNAL int asy__writable_finished(const asy_stream_t *s, int strict) {
    if (s->sflags_ & ASY__STREAM_ERRORED) return 0;
    return (s->wflags_ & ASY__W_FINISHED) ||
           (!strict && (s->wflags_ & ASY__W_ENDED) && s->wlen_ == 0);
}

ASY__INTERNAL int asy__writable_is_writable(const asy_stream_t *s) {
    return (s->sflags_ & ASY__STREAM_WRITABLE) &&
           !(s->sflags_ & (ASY__STREAM_DESTROYED | ASY__STREAM_ERRORED)) &&
           !(s->wflags_ & (ASY__W_ENDING | ASY__W_ENDED));
}

ASY__INTERNAL void asy__writable_release(asy_stream_t *s) {
    size_t i;
    while (s->wq_count_) {
        struct asy__stream_wreq w = asy__wq_pop(s);
        asy_buf_release(&w.chunk);
    }
    asy__free(s->wq_);
    s->wq_ = NULL;
    s->wq_cap_ = 0;
    asy_buf_release(&s->wcur_);
    for (i = 0; i < s->wv_n_; i++) asy_buf_release(&s->wv_bufs_[i]);
    asy__free(s->wv_bufs_);
    s->wv_bufs_ = NULL;
    s->wv_n_ = s->wv_cap_ = 0;
    asy__free(s->writecbs_);
    s->writecbs_ = NULL;
    asy__free(s->werr_list_);
    s->werr_list_ = NULL;
    asy__free(s->aw_spare_);
    s->aw_spare_ = NULL;
    asy__free(s->endcbs_);
    s->endcbs_ = NULL;
    s->nendcbs_ = s->endcbs_cap_ = 0;
}
