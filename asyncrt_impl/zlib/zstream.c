/* createGzip() and friends: a Transform whose chunks go through the
 * engine in steps.  A step turns input into at most step_max output bytes
 * (the readable highWaterMark, at least 64 KiB); it runs on the pool's
 * cpu class, or on the loop thread for small chunks and opts.in_loop.
 * Between steps the output is pushed; when the readable side is full the
 * next step waits for the consumer's _read, so one input chunk that
 * inflates to gigabytes never sits in memory at once.  One step is in
 * flight per stream at a time: it owns the engine and the output buffer
 * until its completion comes back to the loop. */
#include "zlib.internal.h"
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../pool/pool.h"
#include "../stream/stream.h"

/* Chunks up to this size compress on the loop thread. */
#define ASY__ZLIB_INLINE_MAX 1024
#define ASY__ZLIB_STEP_MIN (64 * 1024)
#define ASY__ZLIB_PARAMS_MAX 8
/* zlib takes at most this much input per call (avail_in is 32 bits). */
#define ASY__ZLIB_FEED_MAX (1u << 30)

enum { ASY__ZOP_NONE = 0, ASY__ZOP_CHUNK, ASY__ZOP_FINAL, ASY__ZOP_FLUSH, ASY__ZOP_PARAMS };

/* flush() and params() write a marker chunk, ordered with the data: a
 * borrowed one-byte view told apart by where it points (an empty chunk
 * would lose its pointer), entry k for a flush of kind k, the last entry
 * for params.  Its byte is never compressed. */
#define ASY__ZLIB_MARK_PARAMS 6
static const uint8_t asy__zlib_marks[ASY__ZLIB_MARK_PARAMS + 1] = {0, 0, 0, 0, 0, 0, 0};

struct asy__zlib_state {
    asy__zeng eng;
    asy__zopts o;
    asy_zlib_t *z;
    asy_work_t work;
    size_t step_max;
    /* the operation: a chunk (borrowed until transform_done), the final
     * flush, a flush() or a params() */
    int op, op_flush, op_level, op_strategy;
    asy_buf_t in;
    size_t in_off; /* bytes of `in` handed to zlib */
    int busy;      /* a step is on the pool */
    int stepping;  /* pushing a step's output (user code may run) */
    int want_read; /* the next step waits for _read */
    int destroying, destroy_err;
    /* a step's outcome */
    int err, more;
    uint64_t total_out;
    /* output: the buffer being filled (bytes [opushed, ooff) not pushed
     * yet) and the buffers a step filled completely */
    asy_buf_t obuf;
    size_t ooff, opushed;
    asy_buf_t *full;
    size_t nfull, cap_full;
    /* params() waiting for their marker */
    int pq_level[ASY__ZLIB_PARAMS_MAX], pq_strategy[ASY__ZLIB_PARAMS_MAX];
    unsigned pq_head, pq_n;
};

ASY__INTERNAL void asy__zls_free(struct asy__zlib_state *st) {
    size_t i;
    for (i = 0; i < st->nfull; i++) asy_buf_release(&st->full[i]);
    asy__free(st->full);
    asy_buf_release(&st->obuf);
    asy__zeng_end(&st->eng);
    asy__free(st);
}

ASY__INTERNAL void asy__zls_finish_destroy(struct asy__zlib_state *st) {
    asy_zlib_t *z = st->z;
    int err = st->destroy_err;
    z->st_ = NULL;
    asy__zls_free(st);
    asy_stream_destroy_done(&z->stream, err);
}

/* One step; any thread.  Touches only the engine, `in` and the output. */
ASY__INTERNAL void asy__zls_step(struct asy__zlib_state *st) {
    asy__zeng *e = &st->eng;
    size_t made = 0, room, n;
    uInt before_in;
    int r = 0, full_out;
    st->more = 0;
    for (;;) {
        if (!e->zs.avail_in && st->in_off < st->in.len) {
            size_t left = st->in.len - st->in_off;
            e->zs.next_in = st->in.data + st->in_off;
            e->zs.avail_in = (uInt)(left > ASY__ZLIB_FEED_MAX ? ASY__ZLIB_FEED_MAX : left);
            st->in_off += e->zs.avail_in;
        }
        if (!st->obuf.store) {
            if ((r = asy_buf_alloc_unsafe(&st->obuf, st->o.chunk_size)) < 0) {
                e->msg = NULL;
                break;
            }
            st->ooff = st->opushed = 0;
        }
        room = st->o.chunk_size - st->ooff;
        /* with a limit, never make more than one byte past it */
        if (st->o.max_output && room > st->o.max_output + 1 - st->total_out)
            room = (size_t)(st->o.max_output + 1 - st->total_out);
        e->zs.next_out = st->obuf.data + st->ooff;
        e->zs.avail_out = (uInt)room;
        before_in = e->zs.avail_in;
        r = asy__zeng_run(e, st->op_flush);
        n = room - e->zs.avail_out;
        full_out = e->zs.avail_out == 0;
        st->ooff += n;
        made += n;
        st->total_out += n;
        if (r < 0) break;
        if (st->o.max_output && st->total_out > st->o.max_output) {
            /* the byte past the limit only told us: it is not output */
            st->ooff -= (size_t)(st->total_out - st->o.max_output);
            st->total_out = st->o.max_output;
            e->msg = "Cannot create a Buffer larger than maxOutputLength";
            r = ASY_EBUFFER_TOO_LARGE;
            break;
        }
        if (st->ooff == st->o.chunk_size) {
            asy_buf_t *f = &st->full[st->nfull++];
            f->store = st->obuf.store;
            f->data = st->obuf.data + st->opushed;
            f->len = st->ooff - st->opushed;
            memset(&st->obuf, 0, sizeof(st->obuf));
        }
        if (full_out) {
            /* more output may be waiting */
            if (made >= st->step_max || st->nfull == st->cap_full) {
                st->more = 1;
                break;
            }
            continue;
        }
        if (e->zs.avail_in || st->in_off < st->in.len) {
            if (n == 0 && e->zs.avail_in == before_in) break; /* no progress possible */
            continue;
        }
        break;
    }
    if (r == 0 && !st->more && st->op == ASY__ZOP_PARAMS)
        r = asy__zeng_params(e, st->op_level, st->op_strategy);
    st->err = r;
}

ASY__INTERNAL void asy__zls_kick(struct asy__zlib_state *st);

ASY__INTERNAL void asy__zls_work(asy_work_t *w) { asy__zls_step((struct asy__zlib_state *)w->data); }

/* The operation is over: hand its completion to the stream layer (which
 * may start the next chunk at once, or destroy the stream). */
ASY__INTERNAL void asy__zls_complete(struct asy__zlib_state *st, int status) {
    asy_stream_t *s = &st->z->stream;
    int op = st->op;
    if (op == ASY__ZOP_CHUNK) st->z->bytes_in_ += st->in.len;
    st->op = ASY__ZOP_NONE;
    memset(&st->in, 0, sizeof(st->in));
    st->in_off = 0;
    st->eng.zs.next_in = NULL;
    st->eng.zs.avail_in = 0;
    if (status) st->z->msg_ = st->eng.msg ? st->eng.msg : asy_strerror(status);
    if (op == ASY__ZOP_FINAL)
        asy_stream_flush_done(s, status);
    else
        asy_stream_transform_done(s, status);
}

/* On the loop after a step: push its output, then complete the operation,
 * go on, or wait for _read.  1 when the next step should start now. */
ASY__INTERNAL int asy__zls_after(struct asy__zlib_state *st) {
    asy_zlib_t *z = st->z;
    asy_stream_t *s = &z->stream;
    size_t i;
    int room = 1;
    st->stepping = 1;
    for (i = 0; i < st->nfull; i++) {
        if (!st->destroying && !asy_stream_is_destroyed(s)) {
            z->bytes_out_ += st->full[i].len;
            room = asy_stream_push_move(s, &st->full[i]) == 1;
        }
        asy_buf_release(&st->full[i]);
    }
    st->nfull = 0;
    if (st->ooff > st->opushed && !st->destroying && !asy_stream_is_destroyed(s)) {
        asy_buf_t v;
        if (asy_buf_subarray(&v, &st->obuf, (ptrdiff_t)st->opushed, (ptrdiff_t)st->ooff) == 0) {
            z->bytes_out_ += v.len;
            room = asy_stream_push_move(s, &v) == 1;
        }
        st->opushed = st->ooff;
    }
    st->stepping = 0;
    if (st->destroying) {
        asy__zls_finish_destroy(st);
        return 0;
    }
    if (asy_stream_is_destroyed(s)) return 0; /* _destroy comes later and frees */
    if (st->err) {
        asy__zls_complete(st, st->err);
        return 0;
    }
    if (st->more) {
        if (room) return 1;
        st->want_read = 1;
        return 0;
    }
    asy__zls_complete(st, 0);
    return 0;
}

ASY__INTERNAL void asy__zls_done(asy_work_t *w, int status) {
    struct asy__zlib_state *st = (struct asy__zlib_state *)w->data;
    (void)status; /* never cancelled */
    st->busy = 0;
    if (st->destroying) {
        asy__zls_finish_destroy(st);
        return;
    }
    if (asy__zls_after(st)) asy__zls_kick(st);
}

/* Runs steps until the operation completes or waits. */
ASY__INTERNAL void asy__zls_kick(struct asy__zlib_state *st) {
    for (;;) {
        size_t left = st->in.len - (st->in_off - st->eng.zs.avail_in);
        int here = st->o.in_loop ||
                   (!st->more && ((st->op == ASY__ZOP_CHUNK && left <= ASY__ZLIB_INLINE_MAX) ||
                                  (st->op == ASY__ZOP_FINAL && !st->eng.deflating)));
        if (!here) {
            int r = asy_queue_work_class(st->z->stream.loop, &st->work, ASY_WORK_CPU,
                                         asy__zls_work, asy__zls_done);
            if (r < 0) {
                st->eng.msg = NULL;
                asy__zls_complete(st, r);
                return;
            }
            st->busy = 1;
            return;
        }
        asy__zls_step(st);
        if (!asy__zls_after(st)) return;
    }
}

ASY__INTERNAL struct asy__zlib_state *asy__zls_of(asy_stream_t *s) {
    return ASY_CONTAINER_OF(s, asy_zlib_t, stream)->st_;
}

ASY__INTERNAL void asy__zls_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    struct asy__zlib_state *st = asy__zls_of(s);
    int k;
    st->op = ASY__ZOP_CHUNK;
    st->op_flush = st->o.flush;
    memset(&st->in, 0, sizeof(st->in));
    if (chunk->len == 1 && !chunk->store) {
        for (k = 0; k <= ASY__ZLIB_MARK_PARAMS; k++)
            if (chunk->data == asy__zlib_marks + k) break;
        if (k < ASY__ZLIB_MARK_PARAMS) {
            st->op = ASY__ZOP_FLUSH;
            st->op_flush = k;
        } else if (k == ASY__ZLIB_MARK_PARAMS) {
            st->op = ASY__ZOP_PARAMS;
            st->op_flush = Z_SYNC_FLUSH;
            st->op_level = st->pq_level[st->pq_head];
            st->op_strategy = st->pq_strategy[st->pq_head];
            st->pq_head = (st->pq_head + 1) % ASY__ZLIB_PARAMS_MAX;
            st->pq_n--;
        }
    }
    if (st->op == ASY__ZOP_CHUNK) st->in = *chunk; /* valid until transform_done */
    st->in_off = 0;
    asy__zls_kick(st);
}

ASY__INTERNAL void asy__zls_flush(asy_stream_t *s) {
    struct asy__zlib_state *st = asy__zls_of(s);
    st->op = ASY__ZOP_FINAL;
    st->op_flush = st->o.finish_flush;
    memset(&st->in, 0, sizeof(st->in));
    st->in_off = 0;
    asy__zls_kick(st);
}

ASY__INTERNAL void asy__zls_read(asy_stream_t *s, size_t size) {
    struct asy__zlib_state *st = asy__zls_of(s);
    (void)size;
    if (!st || !st->want_read || st->busy || st->stepping) return;
    st->want_read = 0;
    asy__zls_kick(st);
}

ASY__INTERNAL void asy__zls_destroy(asy_stream_t *s, int err) {
    struct asy__zlib_state *st = asy__zls_of(s);
    if (!st) {
        asy_stream_destroy_done(s, err);
        return;
    }
    st->destroying = 1;
    st->destroy_err = err;
    /* a step in flight owns the engine: the step's completion frees */
    if (st->busy || st->stepping) return;
    asy__zls_finish_destroy(st);
}

static const asy_stream_impl_t asy__zlib_impl = {NULL,
                                               asy__zls_read,
                                               NULL,
                                               NULL,
                                               NULL,
                                               asy__zls_destroy,
                                               asy__zls_transform,
                                               asy__zls_flush};

ASYNCRT_API int asy_zlib_create(asy_loop_t *loop, asy_zlib_t *z, asy_zlib_mode_t mode,
                                const asy_zlib_opts_t *opts) {
    asy__zopts o;
    asy_stream_opts_t so;
    struct asy__zlib_state *st;
    size_t hwm;
    int r;
    if (!loop || !z) return ASY_EINVAL;
    if ((r = asy__zopts_check(mode, opts, &o)) < 0) return r;
    if (!(st = (struct asy__zlib_state *)asy__calloc(1, sizeof(*st)))) return ASY_ENOMEM;
    if ((r = asy__zeng_init(&st->eng, mode, &o)) < 0) {
        asy__free(st);
        return r;
    }
    st->o = o;
    memset(z, 0, sizeof(*z));
    memset(&so, 0, sizeof(so));
    so.high_water_mark = o.hwm;
    if ((r = asy_transform_init(loop, &z->stream, &asy__zlib_impl, &so)) < 0) {
        asy__zls_free(st);
        return r;
    }
    hwm = asy_stream_readable_hwm(&z->stream);
    st->step_max = hwm > ASY__ZLIB_STEP_MIN ? hwm : ASY__ZLIB_STEP_MIN;
    st->cap_full = st->step_max / o.chunk_size + 2;
    if (!(st->full = ASY__NEW_ARRAY(asy_buf_t, st->cap_full))) {
        asy__zls_free(st);
        return ASY_ENOMEM;
    }
    st->z = z;
    st->work.data = st;
    z->st_ = st;
    z->msg_ = "";
    return 0;
}

#define ASY__ZLIB_CREATE(name, mode)                                                         \
    ASYNCRT_API int asy_zlib_##name(asy_loop_t *loop, asy_zlib_t *z, const asy_zlib_opts_t *opts) { \
        return asy_zlib_create(loop, z, mode, opts);                                         \
    }
ASY__ZLIB_CREATE(gzip, ASY_ZLIB_GZIP)
ASY__ZLIB_CREATE(gunzip, ASY_ZLIB_GUNZIP)
ASY__ZLIB_CREATE(deflate, ASY_ZLIB_DEFLATE)
ASY__ZLIB_CREATE(inflate, ASY_ZLIB_INFLATE)
ASY__ZLIB_CREATE(deflate_raw, ASY_ZLIB_DEFLATE_RAW)
ASY__ZLIB_CREATE(inflate_raw, ASY_ZLIB_INFLATE_RAW)
ASY__ZLIB_CREATE(unzip, ASY_ZLIB_UNZIP)
#undef ASY__ZLIB_CREATE

ASYNCRT_API asy_zlib_t *asy_zlib_of(asy_stream_t *s) {
    if (!s || s->impl_ != &asy__zlib_impl) return NULL;
    return ASY_CONTAINER_OF(s, asy_zlib_t, stream);
}

ASY__INTERNAL int asy__zlib_mark(asy_zlib_t *z, int k, asy_stream_cb cb, void *arg) {
    asy_buf_t m;
    int r;
    m.store = NULL;
    m.data = (uint8_t *)(asy__zlib_marks + k); /* never written through */
    m.len = 1;
    r = asy_stream_write(&z->stream, &m, cb, arg);
    return r < 0 ? r : 0;
}

ASYNCRT_API int asy_zlib_flush(asy_zlib_t *z, int kind, asy_stream_cb cb, void *arg) {
    if (!z || asy_zlib_of(&z->stream) != z) return ASY_EINVAL;
    if (kind == 0) kind = Z_FULL_FLUSH;
    if (kind < 0 || kind > Z_BLOCK) return ASY_ERANGE;
    if (asy_stream_writable_ended(&z->stream)) return ASY_EWRITE_AFTER_END;
    if (!z->st_) return ASY_ESTREAM_DESTROYED;
    return asy__zlib_mark(z, kind, cb, arg);
}

ASYNCRT_API int asy_zlib_params(asy_zlib_t *z, int level, int strategy, asy_stream_cb cb,
                                void *arg) {
    struct asy__zlib_state *st;
    unsigned at;
    int r;
    if (!z || asy_zlib_of(&z->stream) != z) return ASY_EINVAL;
    if (level < -1 || level > 9 || strategy < 0 || strategy > Z_FIXED) return ASY_ERANGE;
    if (asy_stream_writable_ended(&z->stream)) return ASY_EWRITE_AFTER_END;
    if (!(st = z->st_)) return ASY_ESTREAM_DESTROYED;
    if (!st->eng.deflating) return ASY_EINVAL;
    if (st->pq_n == ASY__ZLIB_PARAMS_MAX) return ASY_EBUSY;
    at = (st->pq_head + st->pq_n) % ASY__ZLIB_PARAMS_MAX;
    st->pq_level[at] = level;
    st->pq_strategy[at] = strategy;
    st->pq_n++;
    if ((r = asy__zlib_mark(z, ASY__ZLIB_MARK_PARAMS, cb, arg)) < 0) st->pq_n--;
    return r;
}

ASYNCRT_API uint64_t asy_zlib_bytes_written(const asy_zlib_t *z) { return z ? z->bytes_in_ : 0; }
ASYNCRT_API uint64_t asy_zlib_bytes_pushed(const asy_zlib_t *z) { return z ? z->bytes_out_ : 0; }
ASYNCRT_API const char *asy_zlib_message(const asy_zlib_t *z) {
    return z && z->msg_ ? z->msg_ : "";
}
