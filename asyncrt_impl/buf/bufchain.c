/* The byte chain: a ring of views that grows by doubling, so appending,
 * prepending and consuming are O(1) (amortised) and never copy data. */
#include "bufchain.h"
#include "buf.internal.h"

/* Size of a segment made for copied bytes: one 4 KiB block with its header,
 * enough for a batch of header lines or small writes. */
#define ASY__CHAIN_SEG ((size_t)4096 - ASY__BUF_HDR)

ASY__INTERNAL asy_buf_t *asy__seg(const asy_bufchain_t *c, size_t i) {
    return &c->segs[(c->head + i) & (c->cap - 1)];
}

ASY__INTERNAL int asy__chain_room(asy_bufchain_t *c) {
    asy_buf_t *segs;
    size_t cap, i;
    if (c->count < c->cap) return 0;
    cap = c->cap ? c->cap * 2 : 8;
    if (cap > SIZE_MAX / sizeof(asy_buf_t)) return ASY_ENOMEM;
    segs = ASY__NEW_ARRAY(asy_buf_t, cap);
    if (!segs) return ASY_ENOMEM;
    for (i = 0; i < c->count; i++) segs[i] = *asy__seg(c, i);
    asy__free(c->segs);
    c->segs = segs;
    c->cap = cap;
    c->head = 0;
    return 0;
}

ASY__INTERNAL void asy__chain_pop(asy_bufchain_t *c) {
    asy_buf_t *s = asy__seg(c, 0);
    c->len -= s->len;
    asy_buf_release(s);
    c->head = (c->head + 1) & (c->cap - 1);
    c->count--;
}

ASYNCRT_API void asy_bufchain_init(asy_bufchain_t *c) {
    if (c) memset(c, 0, sizeof(*c));
}

ASYNCRT_API void asy_bufchain_reset(asy_bufchain_t *c) {
    if (!c) return;
    while (c->count) asy__chain_pop(c);
    asy__free(c->segs);
    memset(c, 0, sizeof(*c));
}

ASYNCRT_API size_t asy_bufchain_len(const asy_bufchain_t *c) { return c ? c->len : 0; }

ASYNCRT_API size_t asy_bufchain_count(const asy_bufchain_t *c) { return c ? c->count : 0; }

ASYNCRT_API int asy_bufchain_append(asy_bufchain_t *c, const asy_buf_t *b) {
    int r;
    if (!c || !b) return ASY_EINVAL;
    if (b->len == 0) return 0;
    if ((r = asy__chain_room(c)) < 0) return r;
    if (b->store) b->store->refs++;
    *asy__seg(c, c->count++) = *b;
    c->len += b->len;
    return 0;
}

ASYNCRT_API int asy_bufchain_append_move(asy_bufchain_t *c, asy_buf_t *b) {
    int r;
    if (!c || !b) return ASY_EINVAL;
    if (b->len == 0) {
        asy_buf_release(b);
        return 0;
    }
    if ((r = asy__chain_room(c)) < 0) return r;
    *asy__seg(c, c->count++) = *b;
    c->len += b->len;
    asy__buf_clear(b);
    return 0;
}

ASYNCRT_API int asy_bufchain_prepend(asy_bufchain_t *c, const asy_buf_t *b) {
    int r;
    if (!c || !b) return ASY_EINVAL;
    if (b->len == 0) return 0;
    if ((r = asy__chain_room(c)) < 0) return r;
    if (b->store) b->store->refs++;
    c->head = (c->head - 1) & (c->cap - 1);
    c->count++;
    *asy__seg(c, 0) = *b;
    c->len += b->len;
    return 0;
}

ASYNCRT_API int asy_bufchain_append_bytes(asy_bufchain_t *c, const void *bytes, size_t n) {
    const uint8_t *p = (const uint8_t *)bytes;
    asy_buf_t seg;
    int r;
    if (!c || (!bytes && n)) return ASY_EINVAL;
    if (n == 0) return 0;
    if (c->count) {
        /* Spare room after the last view, which no other view reaches
         * (storage->used marks the end of every view), takes the bytes in
         * place. */
        asy_buf_t *t = asy__seg(c, c->count - 1);
        asy__buf_storage *s = t->store;
        if (s && !s->external && t->data + t->len == s->base + s->used && s->used < s->cap) {
            size_t k = s->cap - s->used < n ? s->cap - s->used : n;
            memcpy(t->data + t->len, p, k);
            t->len += k;
            s->used += k;
            c->len += k;
            p += k;
            n -= k;
            if (n == 0) return 0;
        }
    }
    if ((r = asy__chain_room(c)) < 0) return r;
    r = asy__buf_make(&seg, n > ASY__CHAIN_SEG ? n : ASY__CHAIN_SEG, n, 0);
    if (r < 0) return r;
    memcpy(seg.data, p, n);
    *asy__seg(c, c->count++) = seg;
    c->len += n;
    return 0;
}

ASYNCRT_API size_t asy_bufchain_consume(asy_bufchain_t *c, size_t n) {
    size_t done = 0;
    if (!c) return 0;
    while (n > done && c->count) {
        asy_buf_t *s = asy__seg(c, 0);
        size_t k = n - done;
        if (s->len <= k) {
            done += s->len;
            asy__chain_pop(c);
        } else {
            s->data += k;
            s->len -= k;
            c->len -= k;
            done += k;
        }
    }
    return done;
}

ASYNCRT_API size_t asy_bufchain_peek(const asy_bufchain_t *c, size_t offset, void *dst,
                                     size_t n) {
    uint8_t *d = (uint8_t *)dst;
    size_t i, done = 0;
    if (!c || (!dst && n)) return 0;
    for (i = 0; i < c->count && done < n; i++) {
        const asy_buf_t *s = asy__seg(c, i);
        size_t k;
        if (offset >= s->len) {
            offset -= s->len;
            continue;
        }
        k = s->len - offset < n - done ? s->len - offset : n - done;
        memcpy(d + done, s->data + offset, k);
        done += k;
        offset = 0;
    }
    return done;
}

ASYNCRT_API int asy_bufchain_take(asy_bufchain_t *c, size_t n, asy_buf_t *out) {
    asy_buf_t *s;
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!c) return ASY_EINVAL;
    if (n > c->len) n = c->len;
    if (n == 0) return 0;
    s = asy__seg(c, 0);
    if (s->len == n) { /* the whole first segment changes hands */
        *out = *s;
        asy__buf_clear(s);
        c->len -= n;
        c->head = (c->head + 1) & (c->cap - 1);
        c->count--;
        return 0;
    }
    if (s->len > n) {
        if (s->store) s->store->refs++;
        out->store = s->store;
        out->data = s->data;
        out->len = n;
        s->data += n;
        s->len -= n;
        c->len -= n;
        return 0;
    }
    r = asy__buf_make(out, n, n, 0);
    if (r < 0) return r;
    asy_bufchain_peek(c, 0, out->data, n);
    asy_bufchain_consume(c, n);
    return 0;
}

ASYNCRT_API int asy_bufchain_flatten(const asy_bufchain_t *c, asy_buf_t *out) {
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!c) return ASY_EINVAL;
    if (c->count == 0) return 0;
    if (c->count == 1) return asy_buf_retain(out, asy__seg(c, 0));
    r = asy__buf_make(out, c->len, c->len, 0);
    if (r < 0) return r;
    asy_bufchain_peek(c, 0, out->data, c->len);
    return 0;
}

ASYNCRT_API int asy_bufchain_segment(const asy_bufchain_t *c, size_t i, asy_buf_t *view) {
    if (!view) return ASY_EINVAL;
    asy__buf_clear(view);
    if (!c) return ASY_EINVAL;
    if (i >= c->count) return ASY_ERANGE;
    *view = *asy__seg(c, i);
    return 0;
}

ASYNCRT_API size_t asy_bufchain_gather(const asy_bufchain_t *c, asy_iov_t *iov,
                                       size_t max_iov, size_t max_bytes) {
    size_t i, bytes = 0;
    if (!c || !iov) return 0;
    for (i = 0; i < c->count && i < max_iov && bytes < max_bytes; i++) {
        const asy_buf_t *s = asy__seg(c, i);
        size_t k = s->len < max_bytes - bytes ? s->len : max_bytes - bytes;
        iov[i].base = s->data;
        iov[i].len = k;
        bytes += k;
    }
    return i;
}

/* Whether needle[0, n) matches the chain from segment i, offset off on. */
ASY__INTERNAL int asy__chain_match(const asy_bufchain_t *c, size_t i, size_t off,
                                   const uint8_t *needle, size_t n) {
    while (n && i < c->count) {
        const asy_buf_t *s = asy__seg(c, i);
        size_t k = s->len - off < n ? s->len - off : n;
        if (memcmp(s->data + off, needle, k) != 0) return 0;
        needle += k;
        n -= k;
        off = 0;
        i++;
    }
    return n == 0;
}

ASYNCRT_API ptrdiff_t asy_bufchain_index_of(const asy_bufchain_t *c, const void *needle,
                                            size_t n, size_t offset) {
    const uint8_t *nd = (const uint8_t *)needle;
    size_t i, base = 0;
    if (!c || (!needle && n)) return -1;
    if (n == 0) return (ptrdiff_t)(offset < c->len ? offset : c->len);
    if (offset >= c->len || n > c->len - offset) return -1;
    for (i = 0; i < c->count; base += asy__seg(c, i)->len, i++) {
        const asy_buf_t *s = asy__seg(c, i);
        const uint8_t *p, *end = s->data + s->len;
        if (base + s->len <= offset) continue;
        p = s->data + (offset > base ? offset - base : 0);
        while (p < end && (p = (const uint8_t *)memchr(p, nd[0], (size_t)(end - p))) != NULL) {
            size_t pos = base + (size_t)(p - s->data);
            if (n > c->len - pos) return -1;
            if (asy__chain_match(c, i, (size_t)(p - s->data), nd, n)) return (ptrdiff_t)pos;
            p++;
        }
    }
    return -1;
}
