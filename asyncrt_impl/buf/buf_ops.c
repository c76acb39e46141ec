/* Comparing, searching, filling, copying and concatenating buffers, with
 * Node's rules for positions and out-of-range arguments. */
#include "buf.internal.h"
#include "../base/errors.h"

ASYNCRT_API int asy_buf_equals(const asy_buf_t *a, const asy_buf_t *b) {
    if (!a || !b) return a == b;
    if (a->len != b->len) return 0;
    return a->len == 0 || a->data == b->data || memcmp(a->data, b->data, a->len) == 0;
}

ASYNCRT_API int asy_buf_compare(const asy_buf_t *a, const asy_buf_t *b) {
    size_t la = a ? a->len : 0, lb = b ? b->len : 0, n = la < lb ? la : lb;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return la < lb ? -1 : la > lb ? 1 : 0;
}

/* Node's starting point for indexOf (forward) and lastIndexOf: negative
 * offsets count from the end; -1 means nothing can match. */
ASY__INTERNAL ptrdiff_t asy__index_start(size_t len, ptrdiff_t off, size_t n, int forward) {
    if (off < 0) {
        size_t back = (size_t)(-(off + 1)) + 1;
        if (back <= len) return (ptrdiff_t)(len - back);
        return forward || n == 0 ? 0 : -1;
    }
    if ((size_t)off <= len && n <= len - (size_t)off) return off;
    if (n == 0) return (ptrdiff_t)len;
    if (forward) return -1;
    return (ptrdiff_t)len - 1;
}

ASY__INTERNAL ptrdiff_t asy__find(const uint8_t *h, size_t hlen, const uint8_t *nd, size_t n,
                                  size_t from) {
    const uint8_t *p = h + from, *last;
    if (n > hlen || from > hlen - n) return -1;
    last = h + (hlen - n); /* the last place a match can start */
    while (p <= last) {
        p = (const uint8_t *)memchr(p, nd[0], (size_t)(last - p) + 1);
        if (!p) return -1;
        if (memcmp(p + 1, nd + 1, n - 1) == 0) return (ptrdiff_t)(p - h);
        p++;
    }
    return -1;
}

ASY__INTERNAL ptrdiff_t asy__find_last(const uint8_t *h, size_t hlen, const uint8_t *nd,
                                       size_t n, size_t from) {
    size_t i;
    if (n > hlen) return -1;
    i = from < hlen - n ? from : hlen - n;
    for (;;) {
        if (h[i] == nd[0] && memcmp(h + i + 1, nd + 1, n - 1) == 0) return (ptrdiff_t)i;
        if (i-- == 0) return -1;
    }
}

ASYNCRT_API ptrdiff_t asy_buf_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                       ptrdiff_t byte_offset) {
    ptrdiff_t start;
    if (!b || (!needle && n)) return -1;
    start = asy__index_start(b->len, byte_offset, n, 1);
    if (n == 0 || start < 0) return start;
    return asy__find(b->data, b->len, (const uint8_t *)needle, n, (size_t)start);
}

ASYNCRT_API ptrdiff_t asy_buf_last_index_of(const asy_buf_t *b, const void *needle, size_t n,
                                            ptrdiff_t byte_offset) {
    ptrdiff_t start;
    if (!b || (!needle && n)) return -1;
    start = asy__index_start(b->len, byte_offset, n, 0);
    if (n == 0 || start < 0) return start;
    return asy__find_last(b->data, b->len, (const uint8_t *)needle, n, (size_t)start);
}

ASYNCRT_API int asy_buf_includes(const asy_buf_t *b, const void *needle, size_t n,
                                 ptrdiff_t byte_offset) {
    return asy_buf_index_of(b, needle, n, byte_offset) >= 0;
}

/* The bytes str stands for in enc: utf8 is used as is, anything else is
 * decoded (strictly) into *tmp, which the caller releases. */
ASY__INTERNAL int asy__needle(const char *str, asy_encoding_t enc, asy_buf_t *tmp,
                              const uint8_t **p, size_t *n) {
    int r;
    asy__buf_clear(tmp);
    if (!str) return ASY_EINVAL;
    if (enc == ASY_ENC_UTF8) {
        *p = (const uint8_t *)str;
        *n = strlen(str);
        return 0;
    }
    r = asy_buf_from_string(tmp, str, enc);
    *p = tmp->data;
    *n = tmp->len;
    return r;
}

ASYNCRT_API ptrdiff_t asy_buf_index_of_string(const asy_buf_t *b, const char *str,
                                              ptrdiff_t byte_offset, asy_encoding_t enc) {
    asy_buf_t tmp;
    const uint8_t *p = NULL;
    size_t n = 0;
    ptrdiff_t r = -1;
    if (asy__needle(str, enc, &tmp, &p, &n) == 0) r = asy_buf_index_of(b, p, n, byte_offset);
    asy_buf_release(&tmp);
    return r;
}

ASYNCRT_API ptrdiff_t asy_buf_last_index_of_string(const asy_buf_t *b, const char *str,
                                                   ptrdiff_t byte_offset, asy_encoding_t enc) {
    asy_buf_t tmp;
    const uint8_t *p = NULL;
    size_t n = 0;
    ptrdiff_t r = -1;
    if (asy__needle(str, enc, &tmp, &p, &n) == 0)
        r = asy_buf_last_index_of(b, p, n, byte_offset);
    asy_buf_release(&tmp);
    return r;
}

ASYNCRT_API int asy_buf_includes_string(const asy_buf_t *b, const char *str,
                                        ptrdiff_t byte_offset, asy_encoding_t enc) {
    return asy_buf_index_of_string(b, str, byte_offset, enc) >= 0;
}

/* [start, end) of a fill, or ASY_ERANGE; start past the end is an empty
 * range, as in Node. */
ASY__INTERNAL int asy__fill_range(const asy_buf_t *b, ptrdiff_t start, ptrdiff_t end, size_t *s,
                                  size_t *e) {
    if (start < 0) return ASY_ERANGE;
    if (end == ASY_BUF_END) end = (ptrdiff_t)b->len;
    if (end < 0 || (size_t)end > b->len) return ASY_ERANGE;
    *s = (size_t)start;
    *e = (size_t)end;
    return 0;
}

ASYNCRT_API int asy_buf_fill(asy_buf_t *b, const void *pattern, size_t n, ptrdiff_t start,
                             ptrdiff_t end) {
    size_t s, e, done;
    int r;
    if (!b || (!pattern && n)) return ASY_EINVAL;
    r = asy__fill_range(b, start, end, &s, &e);
    if (r < 0) return r;
    if (n == 0) return ASY_EINVAL;
    if (s >= e) return 0;
    if (n == 1) {
        memset(b->data + s, *(const uint8_t *)pattern, e - s);
        return 0;
    }
    /* one copy of the pattern, then double what is written */
    done = n < e - s ? n : e - s;
    memmove(b->data + s, pattern, done);
    while (done < e - s) {
        size_t k = done < e - s - done ? done : e - s - done;
        memcpy(b->data + s + done, b->data + s, k);
        done += k;
    }
    return 0;
}

ASYNCRT_API int asy_buf_fill_byte(asy_buf_t *b, int value, ptrdiff_t start, ptrdiff_t end) {
    uint8_t v = (uint8_t)(value & 0xff);
    return asy_buf_fill(b, &v, 1, start, end);
}

ASYNCRT_API int asy_buf_fill_string(asy_buf_t *b, const char *str, asy_encoding_t enc,
                                    ptrdiff_t start, ptrdiff_t end) {
    asy_buf_t tmp;
    const uint8_t *p = NULL;
    size_t n = 0;
    int r;
    if (!b || !str || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (!*str) return asy_buf_fill_byte(b, 0, start, end); /* Node fills "" with zeros */
    r = asy__needle(str, enc, &tmp, &p, &n);
    if (r == 0) r = asy_buf_fill(b, p, n, start, end);
    asy_buf_release(&tmp);
    return r;
}

ASYNCRT_API ptrdiff_t asy_buf_copy(const asy_buf_t *source, asy_buf_t *target,
                                   ptrdiff_t target_start, ptrdiff_t source_start,
                                   ptrdiff_t source_end) {
    size_t ts, ss, se, n;
    if (!source || !target) return ASY_EINVAL;
    if (target_start < 0 || source_start < 0 || source_end < 0) return ASY_ERANGE;
    if ((size_t)source_start > source->len) return ASY_ERANGE;
    ts = (size_t)target_start;
    ss = (size_t)source_start;
    se = (size_t)source_end < source->len ? (size_t)source_end : source->len;
    if (ts >= target->len || ss >= se) return 0;
    n = se - ss;
    if (n > target->len - ts) n = target->len - ts;
    memmove(target->data + ts, source->data + ss, n);
    return (ptrdiff_t)n;
}

ASYNCRT_API int asy_buf_concat(asy_buf_t *out, const asy_buf_t *list, size_t count,
                               ptrdiff_t total_len) {
    size_t sum = 0, total, o = 0, i;
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if (!list && count) return ASY_EINVAL;
    if (total_len < 0) return ASY_ERANGE;
    for (i = 0; i < count; i++) {
        if (list[i].len > SIZE_MAX - sum) return ASY_ENOMEM;
        sum += list[i].len;
    }
    total = total_len == ASY_BUF_END ? sum : (size_t)total_len;
    r = asy__buf_make(out, total, total, 0);
    if (r < 0) return r;
    for (i = 0; i < count && o < total; i++) {
        size_t k = list[i].len < total - o ? list[i].len : total - o;
        if (k) memcpy(out->data + o, list[i].data, k);
        o += k;
    }
    if (o < total) memset(out->data + o, 0, total - o);
    return 0;
}
