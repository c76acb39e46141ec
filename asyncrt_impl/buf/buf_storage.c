/* Storage and views: allocation, reference counting, slices. */
#include "buf.internal.h"

/* Bytes behind live buffers, process-wide (asy_memory_usage's
 * array_buffers), and of those the caller's own memory (external). */
static int64_t asy__buf_bytes, asy__buf_external_bytes;

ASY__INTERNAL void asy__buf_stats(int64_t *bytes, int64_t *external) {
    *bytes = ASY__COUNTER_LOAD(asy__buf_bytes);
    *external = ASY__COUNTER_LOAD(asy__buf_external_bytes);
}

ASY__INTERNAL void asy__buf_clear(asy_buf_t *b) {
    b->store = NULL;
    b->data = NULL;
    b->len = 0;
}

ASY__INTERNAL int asy__buf_make(asy_buf_t *out, size_t cap, size_t len, int zero) {
    asy__buf_storage *s;
    asy__buf_clear(out);
    if (cap == 0) return 0;
    if (cap > SIZE_MAX - ASY__BUF_HDR) return ASY_ENOMEM;
    s = (asy__buf_storage *)asy__malloc(ASY__BUF_HDR + cap);
    if (!s) return ASY_ENOMEM;
    s->refs = 1;
    s->cap = cap;
    s->used = len;
    s->base = (uint8_t *)s + ASY__BUF_HDR;
    s->free_cb = NULL;
    s->hint = NULL;
    s->external = 0;
    ASY__COUNTER_ADD(asy__buf_bytes, cap);
    if (zero) memset(s->base, 0, len);
    out->store = s;
    out->data = s->base;
    out->len = len;
    return 0;
}

/* Decoders size their output for the worst case; lenient input full of
 * junk can leave most of it unused. */
ASY__INTERNAL void asy__buf_shrink(asy_buf_t *b) {
    asy__buf_storage *s = b->store, *ns;
    if (!s) return;
    if (b->len == 0) {
        asy_buf_release(b);
        return;
    }
    if (s->external || s->refs != 1 || b->data != s->base) return;
    if (s->cap - b->len < 256 || s->cap / 2 < b->len) return;
    ns = (asy__buf_storage *)asy__realloc(s, ASY__BUF_HDR + b->len);
    if (!ns) return; /* keeping the larger block is harmless */
    ns->base = (uint8_t *)ns + ASY__BUF_HDR;
    ASY__COUNTER_ADD(asy__buf_bytes, -(int64_t)(ns->cap - b->len));
    ns->cap = b->len;
    ns->used = b->len;
    b->store = ns;
    b->data = ns->base;
}

ASYNCRT_API void asy_buf_init(asy_buf_t *b) {
    if (b) asy__buf_clear(b);
}

ASYNCRT_API int asy_buf_alloc(asy_buf_t *out, size_t len) {
    if (!out) return ASY_EINVAL;
    return asy__buf_make(out, len, len, 1);
}

ASYNCRT_API int asy_buf_alloc_unsafe(asy_buf_t *out, size_t len) {
    if (!out) return ASY_EINVAL;
    return asy__buf_make(out, len, len, 0);
}

ASYNCRT_API int asy_buf_from_bytes(asy_buf_t *out, const void *bytes, size_t len) {
    int r;
    if (!out) return ASY_EINVAL;
    if (!bytes && len) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    r = asy__buf_make(out, len, len, 0);
    if (r == 0 && len) memcpy(out->data, bytes, len);
    return r;
}

ASYNCRT_API int asy_buf_from_external(asy_buf_t *out, void *data, size_t len,
                                      asy_buf_free_cb free_cb, void *hint) {
    asy__buf_storage *s;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!data && len) return ASY_EINVAL;
    s = ASY__NEW(asy__buf_storage);
    if (!s) return ASY_ENOMEM;
    s->refs = 1;
    s->cap = len;
    s->used = len;
    s->base = (uint8_t *)data;
    s->free_cb = free_cb;
    s->hint = hint;
    s->external = 1;
    ASY__COUNTER_ADD(asy__buf_bytes, len);
    ASY__COUNTER_ADD(asy__buf_external_bytes, len);
    out->store = s;
    out->data = (uint8_t *)data;
    out->len = len;
    return 0;
}

ASYNCRT_API int asy_buf_dup(asy_buf_t *out, const asy_buf_t *src) {
    if (!out) return ASY_EINVAL;
    if (!src) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    return asy_buf_from_bytes(out, src->data, src->len);
}

ASYNCRT_API int asy_buf_retain(asy_buf_t *out, const asy_buf_t *src) {
    return asy_buf_slice(out, src, 0, ASY_BUF_END);
}

ASYNCRT_API void asy_buf_release(asy_buf_t *b) {
    asy__buf_storage *s;
    if (!b) return;
    s = b->store;
    asy__buf_clear(b);
    if (!s || --s->refs) return;
    ASY__COUNTER_ADD(asy__buf_bytes, -(int64_t)s->cap);
    if (s->external) {
        ASY__COUNTER_ADD(asy__buf_external_bytes, -(int64_t)s->cap);
        if (s->free_cb) s->free_cb(s->base, s->hint);
    }
    asy__free(s);
}

ASYNCRT_API size_t asy_buf_refcount(const asy_buf_t *b) {
    return b && b->store ? b->store->refs : 0;
}

/* Node's relative-index rule for slice/subarray: negative counts from the
 * end, then both clamp to [0, len]. */
ASY__INTERNAL size_t asy__buf_clamp_pos(ptrdiff_t pos, size_t len) {
    if (pos < 0) {
        size_t back = (size_t)(-(pos + 1)) + 1; /* no overflow at PTRDIFF_MIN */
        return back >= len ? 0 : len - back;
    }
    return (size_t)pos > len ? len : (size_t)pos;
}

ASYNCRT_API int asy_buf_slice(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                              ptrdiff_t end) {
    size_t s, e;
    if (!out) return ASY_EINVAL;
    if (!src) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    s = asy__buf_clamp_pos(start, src->len);
    e = asy__buf_clamp_pos(end, src->len);
    if (e <= s) {
        asy__buf_clear(out);
        return 0;
    }
    if (src->store) src->store->refs++;
    out->store = src->store;
    out->data = src->data + s;
    out->len = e - s;
    return 0;
}

ASYNCRT_API int asy_buf_subarray(asy_buf_t *out, const asy_buf_t *src, ptrdiff_t start,
                                 ptrdiff_t end) {
    return asy_buf_slice(out, src, start, end);
}

