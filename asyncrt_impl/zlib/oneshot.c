/* One-shot calls (zlib.gzip / gzipSync and friends): the whole input
 * through one engine into one growing block, handed out as a buffer.
 * The block grows by realloc, so a bomb stopped by max_output_length has
 * held at most the limit (plus one byte). */
#include "oneshot.h"
#include "zlib.internal.h"
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../promise/promise.h"
#include "../pool/pool.h"

/* Inputs up to this size compress into one deflateBound buffer. */
#define ASY__ZONE_SMALL (64 * 1024)

ASY__INTERNAL void asy__zone_free_block(void *data, void *hint) {
    (void)hint;
    asy__free(data);
}

/* A small input known in full needs no 32 KiB window and 32K-entry hash
 * (setting up and clearing those is most of the time of a 1 KiB gzip):
 * a window that still covers the whole input finds the same matches, and
 * the output is as valid for any inflater.  Only when the caller left
 * windowBits and memLevel at their defaults. */
ASY__INTERNAL void asy__zone_size_window(asy_zlib_mode_t mode, const asy_zlib_opts_t *opts, size_t len,
                                         asy__zopts *o) {
    int wb = 9;
    if (mode != ASY_ZLIB_GZIP && mode != ASY_ZLIB_DEFLATE && mode != ASY_ZLIB_DEFLATE_RAW) return;
    if (opts && (opts->window_bits || opts->mem_level)) return;
    /* zlib matches at most 2^wb - 262 bytes back */
    while (wb < 15 && ((size_t)1 << wb) < len + 262) wb++;
    o->window_bits = wb;
    o->mem_level = wb - 6 < 8 ? wb - 6 : 8; /* a hash twice the window */
}

ASYNCRT_API int asy_zlib_sync(asy_zlib_mode_t mode, const void *data, size_t len,
                              const asy_zlib_opts_t *opts, asy_buf_t *out, const char **message) {
    asy__zopts o;
    asy__zeng e;
    const uint8_t *p = (const uint8_t *)data;
    uint8_t *blk = NULL;
    size_t left = len, cap, used = 0, limit, give, n;
    uInt before_in;
    int r;
    if (message) *message = "";
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    if (!data && len) return ASY_EINVAL;
    if ((r = asy__zopts_check(mode, opts, &o)) < 0) return r;
    asy__zone_size_window(mode, opts, len, &o);
    if ((r = asy__zeng_init(&e, mode, &o)) < 0) {
        if (message && e.msg) *message = e.msg;
        return r;
    }
    /* one byte past the limit is what tells "too large" */
    limit = o.max_output && o.max_output < SIZE_MAX ? o.max_output + 1 : SIZE_MAX;
    if (e.deflating && len <= ASY__ZONE_SMALL && o.finish_flush == Z_FINISH) {
        /* small messages: one buffer of deflateBound, one deflate call */
        cap = (size_t)deflateBound(&e.zs, (uLong)len);
        if (cap <= limit) {
            if ((r = asy_buf_alloc_unsafe(out, cap)) < 0) {
                asy__zeng_end(&e);
                return r;
            }
            e.zs.next_in = (Bytef *)(uintptr_t)p;
            e.zs.avail_in = (uInt)len;
            e.zs.next_out = out->data;
            e.zs.avail_out = (uInt)cap;
            r = asy__zeng_run(&e, Z_FINISH);
            out->len = cap - e.zs.avail_out; /* a shorter view of the block */
            if (r == 0 && e.zs.avail_in) r = ASY_Z_STREAM_ERROR; /* cannot be: the bound holds it all */
            if (r < 0) {
                if (message && e.msg) *message = e.msg;
                asy_buf_release(out);
            }
            asy__zeng_end(&e);
            return r;
        }
    }
    if (e.deflating && len <= UINT_MAX)
        cap = (size_t)deflateBound(&e.zs, (uLong)len);
    else
        cap = len < 1024 ? 1024 : (len > SIZE_MAX / 4 ? SIZE_MAX : len * 4);
    if (cap > limit) cap = limit;
    if (!(blk = (uint8_t *)asy__malloc(cap))) {
        asy__zeng_end(&e);
        return ASY_ENOMEM;
    }
    for (;;) {
        if (!e.zs.avail_in && left) {
            size_t k = left > (1u << 30) ? (1u << 30) : left;
            e.zs.next_in = (Bytef *)(uintptr_t)p; /* zlib only reads it */
            e.zs.avail_in = (uInt)k;
            p += k;
            left -= k;
        }
        if (used == cap) {
            size_t ncap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
            uint8_t *nb;
            if (ncap > limit) ncap = limit;
            if (ncap == cap) { /* at the limit and more is coming */
                r = ASY_EBUFFER_TOO_LARGE;
                break;
            }
            if (!(nb = (uint8_t *)asy__realloc(blk, ncap))) {
                r = ASY_ENOMEM;
                e.msg = NULL;
                break;
            }
            blk = nb;
            cap = ncap;
        }
        give = cap - used > UINT_MAX ? UINT_MAX : cap - used;
        e.zs.next_out = blk + used;
        e.zs.avail_out = (uInt)give;
        before_in = e.zs.avail_in;
        r = asy__zeng_run(&e, left ? Z_NO_FLUSH : o.finish_flush);
        n = give - e.zs.avail_out;
        used += n;
        if (r < 0) break;
        if (used > o.max_output && o.max_output) {
            r = ASY_EBUFFER_TOO_LARGE;
            break;
        }
        if (e.zs.avail_out == 0) continue;
        if (e.zs.avail_in || left) {
            if (n == 0 && e.zs.avail_in == before_in) break;
            continue;
        }
        break;
    }
    if (r == ASY_EBUFFER_TOO_LARGE) e.msg = "Cannot create a Buffer larger than maxOutputLength";
    if (r < 0) {
        if (message && e.msg) *message = e.msg;
        asy__zeng_end(&e);
        asy__free(blk);
        return r;
    }
    asy__zeng_end(&e);
    if (used == 0) {
        asy__free(blk);
        return 0;
    }
    if (cap - used > 4096 && cap - used > used / 4) {
        uint8_t *nb = (uint8_t *)asy__realloc(blk, used);
        if (nb) blk = nb; /* keeping the larger block is harmless */
    }
    r = asy_buf_from_external(out, blk, used, asy__zone_free_block, NULL);
    if (r < 0) asy__free(blk);
    return r;
}

/* ---- callback and promise forms: the sync call on the pool -------------- */

typedef struct asy__zone_req {
    asy_work_t work;
    asy_zlib_mode_t mode;
    asy_zlib_opts_t opts;
    int has_opts;
    const void *data;
    size_t len;
    asy_zlib_cb cb;
    void *arg;
    asy_promise_t *p;
    asy_buf_t out;
    int status;
    const char *msg;
} asy__zone_req;

ASY__INTERNAL void asy__zone_work(asy_work_t *w) {
    asy__zone_req *q = (asy__zone_req *)w->data;
    q->status = asy_zlib_sync(q->mode, q->data, q->len, q->has_opts ? &q->opts : NULL, &q->out,
                              &q->msg);
}

ASY__INTERNAL void asy__zone_free_buf(void *v) {
    asy_buf_t *b = (asy_buf_t *)v;
    asy_buf_release(b);
    asy__free(b);
}

ASY__INTERNAL void asy__zone_done(asy_work_t *w, int status) {
    asy__zone_req *q = (asy__zone_req *)w->data;
    if (status) q->status = status;
    if (q->p) {
        asy_buf_t *b;
        if (q->status < 0) {
            asy_promise_reject(q->p, q->status, q->msg && *q->msg ? q->msg : asy_strerror(q->status));
        } else if (!(b = ASY__NEW(asy_buf_t))) {
            asy_promise_reject(q->p, ASY_ENOMEM, asy_strerror(ASY_ENOMEM));
        } else {
            *b = q->out;
            memset(&q->out, 0, sizeof(q->out));
            asy_promise_settle(q->p, asy_ok_owned(b, asy__zone_free_buf));
        }
        asy_promise_release(q->p);
    } else {
        q->cb(q->status, &q->out, q->status < 0 && q->msg && *q->msg ? q->msg
                                  : q->status < 0 ? asy_strerror(q->status) : "",
              q->arg);
    }
    asy_buf_release(&q->out);
    asy__free(q);
}

ASY__INTERNAL int asy__zone_start(asy_loop_t *loop, asy_zlib_mode_t mode, const void *data,
                                  size_t len, const asy_zlib_opts_t *opts, asy_zlib_cb cb,
                                  void *arg, asy_promise_t *p) {
    asy__zopts o;
    asy__zone_req *q;
    int r;
    if (!loop || (!data && len)) return ASY_EINVAL;
    if ((r = asy__zopts_check(mode, opts, &o)) < 0) return r;
    if (!(q = (asy__zone_req *)asy__calloc(1, sizeof(*q)))) return ASY_ENOMEM;
    q->mode = mode;
    if (opts) {
        q->opts = *opts;
        q->has_opts = 1;
    }
    q->data = data;
    q->len = len;
    q->cb = cb;
    q->arg = arg;
    q->p = p;
    q->work.data = q;
    r = asy_queue_work_class(loop, &q->work, ASY_WORK_CPU, asy__zone_work, asy__zone_done);
    if (r < 0) asy__free(q);
    return r;
}

ASYNCRT_API int asy_zlib_buf(asy_loop_t *loop, asy_zlib_mode_t mode, const void *data, size_t len,
                             const asy_zlib_opts_t *opts, asy_zlib_cb cb, void *arg) {
    if (!cb) return ASY_EINVAL;
    return asy__zone_start(loop, mode, data, len, opts, cb, arg, NULL);
}

ASYNCRT_API asy_promise_t *asy_zlibp(asy_loop_t *loop, asy_zlib_mode_t mode, const void *data,
                                     size_t len, const asy_zlib_opts_t *opts) {
    asy_promise_t *p;
    int r;
    if (!loop || !(p = asy_promise_new(loop))) return NULL;
    r = asy__zone_start(loop, mode, data, len, opts, NULL, NULL, asy_promise_retain(p));
    if (r < 0) {
        asy_promise_reject(p, r, asy_strerror(r));
        asy_promise_release(p); /* the reference meant for the request */
    }
    return p;
}

#define ASY__ZLIB_ONESHOT_DEF(name, mode)                                                    \
    ASYNCRT_API int asy_zlib_##name##_sync(const void *data, size_t len,                     \
                                           const asy_zlib_opts_t *opts, asy_buf_t *out) {      \
        return asy_zlib_sync(mode, data, len, opts, out, NULL);                              \
    }                                                                                        \
    ASYNCRT_API int asy_zlib_##name##_buf(asy_loop_t *loop, const void *data, size_t len,    \
                                          const asy_zlib_opts_t *opts, asy_zlib_cb cb,         \
                                          void *arg) {                                       \
        return asy_zlib_buf(loop, mode, data, len, opts, cb, arg);                           \
    }                                                                                        \
    ASYNCRT_API asy_promise_t *asy_zlibp_##name(asy_loop_t *loop, const void *data, size_t len, \
                                                const asy_zlib_opts_t *opts) {                 \
        return asy_zlibp(loop, mode, data, len, opts);                                       \
    }
ASY__ZLIB_ONESHOT_DEF(gzip, ASY_ZLIB_GZIP)
ASY__ZLIB_ONESHOT_DEF(gunzip, ASY_ZLIB_GUNZIP)
ASY__ZLIB_ONESHOT_DEF(deflate, ASY_ZLIB_DEFLATE)
ASY__ZLIB_ONESHOT_DEF(inflate, ASY_ZLIB_INFLATE)
ASY__ZLIB_ONESHOT_DEF(deflate_raw, ASY_ZLIB_DEFLATE_RAW)
ASY__ZLIB_ONESHOT_DEF(inflate_raw, ASY_ZLIB_INFLATE_RAW)
ASY__ZLIB_ONESHOT_DEF(unzip, ASY_ZLIB_UNZIP)
#undef ASY__ZLIB_ONESHOT_DEF
