/* The streaming writer and JSON.stringify over a tree. */
#include "json.internal.h"

#define ASY__JW_OBJECT 1u /* level is an object (else an array) */
#define ASY__JW_ITEMS 2u  /* level has an item already */
#define ASY__JW_KEYED 4u  /* object: a key was written, its value is due */
#define ASY__JW_SINK_BUF 4096u

ASY__INTERNAL int asy__jw_flush(asy_json_writer_t *w) {
    int r;
    if (!w->fn_ || w->len_ == 0) return 0;
    r = w->fn_(w->arg_, w->buf_, w->len_);
    w->len_ = 0;
    if (r < 0) return w->err_ = r;
    return 0;
}

/* Room for n more bytes (a sink writer flushes first). */
ASY__INTERNAL int asy__jw_reserve_slow(asy_json_writer_t *w, size_t n) {
    size_t cap;
    char *nb;
    if (w->fn_ && w->len_ && asy__jw_flush(w) < 0) return w->err_;
    if (w->len_ + n <= w->cap_) return 0;
    cap = w->cap_ ? w->cap_ : (w->fn_ ? ASY__JW_SINK_BUF : 256);
    while (cap < w->len_ + n + 1) cap *= 2;
    nb = (char *)asy__realloc(w->buf_, cap);
    if (!nb) return w->err_ = ASY_ENOMEM;
    w->buf_ = nb;
    w->cap_ = cap;
    return 0;
}

#define ASY__JW_RESERVE(w, n) \
    ((w)->len_ + (n) < (w)->cap_ ? 0 : asy__jw_reserve_slow((w), (n)))

ASY__INTERNAL int asy__jw_put(asy_json_writer_t *w, const char *s, size_t n) {
    if (ASY__JW_RESERVE(w, n) < 0) return w->err_;
    memcpy(w->buf_ + w->len_, s, n);
    w->len_ += n;
    return 0;
}

ASYNCRT_API int asy_json_writer_init(asy_json_writer_t *w, int indent, asy_json_sink_fn fn, void *arg) {
    if (!w) return ASY_EINVAL;
    memset(w, 0, sizeof(*w));
    w->indent_ = indent < 0 ? 0 : indent > 10 ? 10 : indent;
    w->fn_ = fn;
    w->arg_ = arg;
    return 0;
}

ASYNCRT_API void asy_json_writer_free(asy_json_writer_t *w) {
    if (!w) return;
    asy__free(w->buf_);
    asy__free(w->stack_);
    memset(w, 0, sizeof(*w));
}

/* Newline and indentation for the current depth. */
ASY__INTERNAL int asy__jw_newline(asy_json_writer_t *w, size_t depth) {
    size_t n = depth * (size_t)w->indent_;
    if (ASY__JW_RESERVE(w, n + 1) < 0) return w->err_;
    w->buf_[w->len_++] = '\n';
    memset(w->buf_ + w->len_, ' ', n);
    w->len_ += n;
    return 0;
}

/* Before a value: the separator of its array (objects wrote it with the
 * key), or a check that the top level is still empty. */
ASY__INTERNAL int asy__jw_before_value(asy_json_writer_t *w) {
    unsigned char *top;
    if (w->err_) return w->err_;
    if (w->depth_ == 0) return w->done_ ? ASY_EJSON_WRITER : 0;
    top = &w->stack_[w->depth_ - 1];
    if (*top & ASY__JW_OBJECT) {
        if (!(*top & ASY__JW_KEYED)) return ASY_EJSON_WRITER;
        *top = (unsigned char)(*top & ~ASY__JW_KEYED);
        return 0;
    }
    if ((*top & ASY__JW_ITEMS) && asy__jw_put(w, ",", 1) < 0) return w->err_;
    *top |= ASY__JW_ITEMS;
    if (w->indent_ && asy__jw_newline(w, w->depth_) < 0) return w->err_;
    return 0;
}

ASY__INTERNAL void asy__jw_after_value(asy_json_writer_t *w) {
    if (w->depth_ == 0) w->done_ = 1;
}

ASY__INTERNAL int asy__jw_begin(asy_json_writer_t *w, unsigned kind, char c) {
    int r = asy__jw_before_value(w);
    if (r < 0) return r;
    if (w->depth_ == w->stack_cap_) {
        size_t cap = w->stack_cap_ ? w->stack_cap_ * 2 : 32;
        unsigned char *ns = (unsigned char *)asy__realloc(w->stack_, cap);
        if (!ns) return w->err_ = ASY_ENOMEM;
        w->stack_ = ns;
        w->stack_cap_ = cap;
    }
    if (asy__jw_put(w, &c, 1) < 0) return w->err_;
    w->stack_[w->depth_++] = (unsigned char)kind;
    return 0;
}

ASY__INTERNAL int asy__jw_end(asy_json_writer_t *w, unsigned kind, char c) {
    unsigned char top;
    if (w->err_) return w->err_;
    if (w->depth_ == 0) return ASY_EJSON_WRITER;
    top = w->stack_[w->depth_ - 1];
    if ((top & ASY__JW_OBJECT) != kind || (top & ASY__JW_KEYED)) return ASY_EJSON_WRITER;
    if ((top & ASY__JW_ITEMS) && w->indent_ && asy__jw_newline(w, w->depth_ - 1) < 0) return w->err_;
    if (asy__jw_put(w, &c, 1) < 0) return w->err_;
    w->depth_--;
    asy__jw_after_value(w);
    return 0;
}

ASYNCRT_API int asy_json_write_begin_object(asy_json_writer_t *w) {
    return w ? asy__jw_begin(w, ASY__JW_OBJECT, '{') : ASY_EINVAL;
}
ASYNCRT_API int asy_json_write_end_object(asy_json_writer_t *w) {
    return w ? asy__jw_end(w, ASY__JW_OBJECT, '}') : ASY_EINVAL;
}
ASYNCRT_API int asy_json_write_begin_array(asy_json_writer_t *w) {
    return w ? asy__jw_begin(w, 0, '[') : ASY_EINVAL;
}
ASYNCRT_API int asy_json_write_end_array(asy_json_writer_t *w) {
    return w ? asy__jw_end(w, 0, ']') : ASY_EINVAL;
}

static const char asy__jw_hex[] = "0123456789abcdef";

/* 1: byte needs care (quote, backslash, control, non-ASCII) */
static const unsigned char asy__jw_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

/* A quoted string as JSON.stringify writes it: \" \\ \b \f \n \r \t, other
 * controls and lone surrogates as \u00xx / \udxxx, everything else as is.
 * validate: check UTF-8 first (the tree's strings are valid already). */
ASY__INTERNAL int asy__jw_quote(asy_json_writer_t *w, const char *s, size_t len, int validate) {
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    char *o;
    if (validate) {
        size_t i = 0;
        while (i < len) {
            size_t n = asy__json_utf8_len(p + i, len - i, 1);
            if (!n) return ASY_EJSON_UTF8;
            i += n;
        }
    }
    /* worst case: every byte becomes \u00xx (6), a 3-byte surrogate 6 */
    if (len > ((size_t)-1) / 6 - 4) return w->err_ = ASY_ENOMEM;
    if (w->fn_ && len * 6 + 2 > ASY__JW_SINK_BUF) {
        /* a long string through a sink: in slices of the buffer's size,
         * cut at character boundaries */
        size_t i = 0;
        if (asy__jw_put(w, "\"", 1) < 0) return w->err_;
        while (i < len) {
            size_t take = 0, step;
            while (i + take < len && take < 600) {
                step = p[i + take] < 0x80 ? 1 : asy__json_utf8_len(p + i + take, len - i - take, 1);
                take += step ? step : 1;
            }
            if (i + take > len) take = len - i;
            {
                /* quote the slice without its own quote marks (room first,
                 * so no flush moves the slice) */
                size_t before;
                int r;
                if (ASY__JW_RESERVE(w, take * 6 + 3) < 0) return w->err_;
                before = w->len_;
                r = asy__jw_quote(w, s + i, take, 0);
                if (r < 0) return r;
                /* drop the slice's quotes: the first and the last byte */
                memmove(w->buf_ + before, w->buf_ + before + 1, w->len_ - before - 2);
                w->len_ -= 2;
            }
            i += take;
        }
        return asy__jw_put(w, "\"", 1);
    }
    if (ASY__JW_RESERVE(w, len * 6 + 2) < 0) return w->err_;
    o = w->buf_ + w->len_;
    *o++ = '"';
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && !asy__jw_special[*p]) p++;
        memcpy(o, run, (size_t)(p - run));
        o += p - run;
        if (p >= end) break;
        if (*p >= 0x80) {
            size_t n = asy__json_utf8_len(p, (size_t)(end - p), 1);
            if (n == 0) n = 1; /* unreachable for validated input */
            if (n == 3 && p[0] == 0xED && p[1] >= 0xA0) { /* lone surrogate */
                unsigned cu = 0xD000u | ((unsigned)(p[1] & 0x3F) << 6) | (unsigned)(p[2] & 0x3F);
                *o++ = '\\';
                *o++ = 'u';
                *o++ = asy__jw_hex[(cu >> 12) & 15];
                *o++ = asy__jw_hex[(cu >> 8) & 15];
                *o++ = asy__jw_hex[(cu >> 4) & 15];
                *o++ = asy__jw_hex[cu & 15];
            } else {
                memcpy(o, p, n);
                o += n;
            }
            p += n;
            continue;
        }
        *o++ = '\\';
        switch (*p) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = asy__jw_hex[*p >> 4];
            *o++ = asy__jw_hex[*p & 15];
        }
        p++;
    }
    *o++ = '"';
    w->len_ = (size_t)(o - w->buf_);
    return 0;
}

ASY__INTERNAL int asy__jw_key(asy_json_writer_t *w, const char *key, size_t len, int validate) {
    unsigned char *top;
    size_t mark;
    int r;
    if (w->err_) return w->err_;
    if (w->depth_ == 0) return ASY_EJSON_WRITER;
    top = &w->stack_[w->depth_ - 1];
    if (!(*top & ASY__JW_OBJECT) || (*top & ASY__JW_KEYED)) return ASY_EJSON_WRITER;
    mark = w->len_;
    if ((*top & ASY__JW_ITEMS) && asy__jw_put(w, ",", 1) < 0) return w->err_;
    if (w->indent_ && asy__jw_newline(w, w->depth_) < 0) return w->err_;
    r = asy__jw_quote(w, key ? key : "", len, validate);
    if (r == ASY_EJSON_UTF8 && !w->err_) { /* nothing written for a bad key */
        if (mark <= w->len_) w->len_ = mark;
        return r;
    }
    if (r < 0) return r;
    if (asy__jw_put(w, w->indent_ ? ": " : ":", w->indent_ ? 2 : 1) < 0) return w->err_;
    *top |= ASY__JW_ITEMS | ASY__JW_KEYED;
    return 0;
}

ASYNCRT_API int asy_json_write_keyn(asy_json_writer_t *w, const char *key, size_t len) {
    if (!w || (!key && len)) return ASY_EINVAL;
    return asy__jw_key(w, key, len, 1);
}

ASYNCRT_API int asy_json_write_key(asy_json_writer_t *w, const char *key) {
    if (!key) return ASY_EINVAL;
    return asy_json_write_keyn(w, key, strlen(key));
}

/* Writes a scalar's text after the separator. */
ASY__INTERNAL int asy__jw_scalar(asy_json_writer_t *w, const char *s, size_t n) {
    int r;
    if (!w) return ASY_EINVAL;
    if ((r = asy__jw_before_value(w)) < 0) return r;
    if (asy__jw_put(w, s, n) < 0) return w->err_;
    asy__jw_after_value(w);
    return 0;
}

ASYNCRT_API int asy_json_write_stringn(asy_json_writer_t *w, const char *s, size_t len) {
    int r;
    if (!w || (!s && len)) return ASY_EINVAL;
    if (w->err_) return w->err_;
    {
        /* validate first so a bad string leaves no separator behind */
        size_t i = 0;
        while (i < len) {
            size_t n = asy__json_utf8_len((const unsigned char *)s + i, len - i, 1);
            if (!n) return ASY_EJSON_UTF8;
            i += n;
        }
    }
    if ((r = asy__jw_before_value(w)) < 0) return r;
    if ((r = asy__jw_quote(w, s ? s : "", len, 0)) < 0) return r;
    asy__jw_after_value(w);
    return 0;
}

ASYNCRT_API int asy_json_write_string(asy_json_writer_t *w, const char *s) {
    if (!s) return ASY_EINVAL;
    return asy_json_write_stringn(w, s, strlen(s));
}

ASYNCRT_API int asy_json_write_number(asy_json_writer_t *w, double d) {
    char buf[ASY_JSON_NUMBER_BUF];
    size_t n;
    if (d != d || d > 1.7976931348623157e308 || d < -1.7976931348623157e308)
        return asy__jw_scalar(w, "null", 4);
    n = asy_json_format_number(d, buf);
    return asy__jw_scalar(w, buf, n);
}

ASYNCRT_API int asy_json_write_int64(asy_json_writer_t *w, int64_t i) {
    char tmp[24], buf[24];
    size_t n = 0, k = 0;
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (i < 0) buf[k++] = '-';
    while (n) buf[k++] = tmp[--n];
    return asy__jw_scalar(w, buf, k);
}

ASYNCRT_API int asy_json_write_bool(asy_json_writer_t *w, int b) {
    return b ? asy__jw_scalar(w, "true", 4) : asy__jw_scalar(w, "false", 5);
}

ASYNCRT_API int asy_json_write_null(asy_json_writer_t *w) { return asy__jw_scalar(w, "null", 4); }

ASYNCRT_API int asy_json_writer_finish(asy_json_writer_t *w) {
    if (!w) return ASY_EINVAL;
    if (w->err_) return w->err_;
    if (!w->done_ || w->depth_) return ASY_EJSON_WRITER;
    return asy__jw_flush(w);
}

ASYNCRT_API char *asy_json_writer_take(asy_json_writer_t *w, size_t *len) {
    char *s;
    if (!w || w->fn_ || w->err_ || !w->done_ || w->depth_) return NULL;
    if (ASY__JW_RESERVE(w, 1) < 0) return NULL;
    w->buf_[w->len_] = 0;
    s = w->buf_;
    if (len) *len = w->len_;
    w->buf_ = NULL;
    w->len_ = w->cap_ = 0;
    return s;
}

/* ---- a tree, without recursion ---- */

typedef struct asy__jw_frame {
    const asy_json_value_t *v;
    size_t i;
} asy__jw_frame;

ASY__INTERNAL int asy__jw_leaf(asy_json_writer_t *w, const asy_json_value_t *v) {
    switch (v->type) {
    case ASY_JSON_NULL: return asy_json_write_null(w);
    case ASY_JSON_FALSE: return asy_json_write_bool(w, 0);
    case ASY_JSON_TRUE: return asy_json_write_bool(w, 1);
    case ASY_JSON_NUMBER: return asy_json_write_number(w, v->u.num);
    case ASY_JSON_STRING: {
        int r = asy__jw_before_value(w);
        if (r < 0) return r;
        if ((r = asy__jw_quote(w, v->u.str, v->len, 0)) < 0) return r;
        asy__jw_after_value(w);
        return 0;
    }
    case ASY_JSON_ARRAY: return asy_json_write_begin_array(w);
    case ASY_JSON_OBJECT: return asy_json_write_begin_object(w);
    default: return ASY_EINVAL;
    }
}

ASYNCRT_API int asy_json_write_value(asy_json_writer_t *w, const asy_json_value_t *v) {
    asy__jw_frame *st = NULL, *nst;
    size_t n = 0, cap = 0;
    int r;
    if (!w || !v) return ASY_EINVAL;
    if ((r = asy__jw_leaf(w, v)) < 0 || (v->type != ASY_JSON_ARRAY && v->type != ASY_JSON_OBJECT))
        return r;
    for (;;) {
        asy__jw_frame *f;
        const asy_json_value_t *child;
        if (n == 0 || st[n - 1].v != v) { /* entering v */
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                nst = (asy__jw_frame *)asy__realloc(st, cap * sizeof(*st));
                if (!nst) {
                    asy__free(st);
                    return w->err_ = ASY_ENOMEM;
                }
                st = nst;
            }
            st[n].v = v;
            st[n].i = 0;
            n++;
        }
        f = &st[n - 1];
        if (f->i >= f->v->len) {
            r = f->v->type == ASY_JSON_ARRAY ? asy_json_write_end_array(w) : asy_json_write_end_object(w);
            if (r < 0 || --n == 0) break;
            v = st[n - 1].v;
            continue;
        }
        if (f->v->type == ASY_JSON_ARRAY) {
            child = &f->v->u.items[f->i];
        } else {
            const asy_json_member_t *m = &f->v->u.members[f->i];
            if ((r = asy__jw_key(w, m->key, m->key_len, 0)) < 0) break;
            child = &m->value;
        }
        f->i++;
        if ((r = asy__jw_leaf(w, child)) < 0) break;
        v = (child->type == ASY_JSON_ARRAY || child->type == ASY_JSON_OBJECT) ? child : f->v;
    }
    asy__free(st);
    return r;
}

ASYNCRT_API int asy_json_stringify(const asy_json_value_t *v, int indent, char **out, size_t *len) {
    asy_json_writer_t w;
    int r;
    if (!v || !out) return ASY_EINVAL;
    *out = NULL;
    asy_json_writer_init(&w, indent, NULL, NULL);
    if ((r = asy_json_write_value(&w, v)) == 0 && (r = asy_json_writer_finish(&w)) == 0) {
        *out = asy_json_writer_take(&w, len);
        if (!*out) r = ASY_ENOMEM;
    }
    asy_json_writer_free(&w);
    return r;
}
