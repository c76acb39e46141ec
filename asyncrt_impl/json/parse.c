/* The parser: one pass over the text with an explicit stack (no
 * recursion, so depth costs heap, not C stack).  Values are gathered on a
 * scratch stack; when a container closes its children are copied into
 * the arena as one contiguous array, so the finished tree is compact and
 * the scratch stack is reused for the next container. */
#include "json.internal.h"

typedef struct asy__json_frame {
    int type;           /* ASY_JSON_ARRAY / ASY_JSON_OBJECT */
    size_t start;       /* first child on the value stack */
    const char *key;    /* this container's key in its parent object */
    size_t key_len;
} asy__json_frame;

typedef struct asy__json_parser {
    asy_json_doc_t *doc;
    const char *text, *end;
    asy_json_member_t *vals;
    size_t nvals, capvals;
    asy__json_frame *frames;
    size_t nframes, capframes;
    unsigned max_depth, flags;
    int err;
    const char *err_at;
} asy__json_parser;

/* 0: plain byte inside a string; 1: '"' or '\\'; 2: control; 3: non-ASCII */
static const unsigned char asy__json_strclass[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};

ASY__INTERNAL int asy__json_fail(asy__json_parser *ps, int code, const char *at) {
    ps->err = code;
    ps->err_at = at;
    return code;
}

ASY__INTERNAL int asy__json_hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* *pp points after the opening quote; on success it points after the
 * closing one and *out / *outlen hold the decoded string (in the arena). */
ASY__INTERNAL int asy__json_string(asy__json_parser *ps, const char **pp, const char **out,
                                   size_t *outlen) {
    const char *p = *pp, *end = ps->end, *q = p;
    char *dst, *o;
    /* the closing quote bounds the decoded size (escapes only shrink) */
    for (;;) {
        const char *b;
        q = (const char *)memchr(q, '"', (size_t)(end - q));
        if (!q) {
            q = end;
            break;
        }
        for (b = q; b > p && b[-1] == '\\'; b--) {}
        if (((q - b) & 1) == 0) break;
        q++;
    }
    o = dst = (char *)asy__json_alloc(ps->doc, (size_t)(q - p) + 1);
    if (!dst) return asy__json_fail(ps, ASY_ENOMEM, p);
    for (;;) {
        const char *run = p;
        size_t n;
        while (p < end && asy__json_strclass[(unsigned char)*p] == 0) p++;
        memcpy(o, run, (size_t)(p - run));
        o += p - run;
        if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
        switch (asy__json_strclass[(unsigned char)*p]) {
        case 1:
            if (*p == '"') {
                *o = 0;
                *out = dst;
                *outlen = (size_t)(o - dst);
                *pp = p + 1;
                return 0;
            }
            if (p + 1 >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
            switch (p[1]) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '/': *o++ = '/'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u': {
                unsigned cp, lo;
                if (end - p < 6) return asy__json_fail(ps, ASY_EJSON_EOF, end);
                if (asy__json_hex4(p + 2, &cp) < 0) return asy__json_fail(ps, ASY_EJSON_ESCAPE, p);
                if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 12 && p[6] == '\\' && p[7] == 'u' &&
                    asy__json_hex4(p + 8, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
                o += asy__json_put_utf8(o, cp); /* a lone surrogate: WTF-8 */
                p += 4;
                break;
            }
            default: return asy__json_fail(ps, ASY_EJSON_ESCAPE, p);
            }
            p += 2;
            break;
        case 2: return asy__json_fail(ps, ASY_EJSON_CONTROL, p);
        default:
            n = asy__json_utf8_len((const unsigned char *)p, (size_t)(end - p), 0);
            if (!n) return asy__json_fail(ps, ASY_EJSON_UTF8, p);
            memcpy(o, p, n);
            o += n;
            p += n;
            break;
        }
    }
}

ASY__INTERNAL int asy__json_number(asy__json_parser *ps, const char **pp, double *out) {
    const char *p = *pp, *start = p, *end = ps->end;
    uint64_t m = 0;
    int ndig = 0, simple = 1;
    if (*p == '-') p++;
    if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9')
        while (p < end && *p >= '0' && *p <= '9') {
            m = m * 10 + (uint64_t)(*p++ - '0');
            ndig++;
        }
    else
        return asy__json_fail(ps, ASY_EJSON_NUMBER, p);
    if (p < end && *p == '.') {
        simple = 0;
        p++;
        if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
        if (*p < '0' || *p > '9') return asy__json_fail(ps, ASY_EJSON_NUMBER, p);
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        simple = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
        if (*p < '0' || *p > '9') return asy__json_fail(ps, ASY_EJSON_NUMBER, p);
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (simple && ndig <= 15) *out = *start == '-' ? -(double)m : (double)m;
    else *out = asy__json_strtod(start, (size_t)(p - start));
    *pp = p;
    return 0;
}

ASY__INTERNAL int asy__json_push(asy__json_parser *ps, const char *key, size_t key_len,
                                 const asy_json_value_t *v) {
    asy_json_member_t *m;
    if (ASY__UNLIKELY(ps->nvals == ps->capvals)) {
        size_t cap = ps->capvals ? ps->capvals * 2 : 64;
        asy_json_member_t *nv =
            (asy_json_member_t *)asy__realloc(ps->vals, cap * sizeof(asy_json_member_t));
        if (!nv) return ASY_ENOMEM;
        ps->vals = nv;
        ps->capvals = cap;
    }
    m = &ps->vals[ps->nvals++];
    m->key = key;
    m->key_len = key_len;
    m->value = *v;
    return 0;
}

/* "0".."4294967294" without leading zeros: a JS array index, which JS
 * objects list first, in ascending order. */
ASY__INTERNAL int asy__json_index_key(const char *k, size_t n, uint64_t *idx) {
    uint64_t v = 0;
    size_t i;
    if (n == 0 || n > 10 || (n > 1 && k[0] == '0')) return 0;
    for (i = 0; i < n; i++) {
        if (k[i] < '0' || k[i] > '9') return 0;
        v = v * 10 + (uint64_t)(k[i] - '0');
    }
    if (v > 4294967294u) return 0;
    *idx = v;
    return 1;
}

ASY__INTERNAL uint64_t asy__json_hash(const char *k, size_t n) {
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
    return h;
}

/* JS object semantics on members m[0..n): a repeated key keeps its first
 * place and takes the later value; array-index keys move to the front in
 * ascending order.  Returns the new count, or ASY_ENOMEM. */
ASY__INTERNAL long asy__json_js_order(asy_json_member_t *m, size_t n, asy_json_member_t *out) {
    size_t kept = 0, i, j, nidx = 0, a;
    uint64_t idx;
    if (n <= 16) {
        /* a 64-bit filter of (length, first, last byte): a key whose bit
         * is clear cannot repeat an earlier one, so the usual object
         * (no repeats) costs no comparisons */
        uint64_t seen = 0;
        for (i = 0; i < n; i++) {
            size_t kl = m[i].key_len;
            unsigned h = kl ? (unsigned)(kl * 31u + (unsigned char)m[i].key[0] +
                                         7u * (unsigned char)m[i].key[kl - 1]) & 63u
                            : 0u;
            if (!(seen & ((uint64_t)1 << h))) {
                seen |= (uint64_t)1 << h;
                m[kept++] = m[i];
                continue;
            }
            for (j = 0; j < kept; j++)
                if (m[j].key_len == m[i].key_len && memcmp(m[j].key, m[i].key, m[i].key_len) == 0)
                    break;
            if (j < kept) m[j].value = m[i].value;
            else m[kept++] = m[i];
        }
    } else {
        size_t size = 32, mask;
        size_t *table;
        while (size < n * 2) size *= 2;
        mask = size - 1;
        table = ASY__NEW_ARRAY(size_t, size);
        if (!table) return ASY_ENOMEM;
        for (i = 0; i < size; i++) table[i] = (size_t)-1;
        for (i = 0; i < n; i++) {
            size_t h = (size_t)asy__json_hash(m[i].key, m[i].key_len) & mask;
            while (table[h] != (size_t)-1) {
                asy_json_member_t *o = &m[table[h]];
                if (o->key_len == m[i].key_len && memcmp(o->key, m[i].key, m[i].key_len) == 0) break;
                h = (h + 1) & mask;
            }
            if (table[h] != (size_t)-1) m[table[h]].value = m[i].value;
            else {
                table[h] = kept;
                m[kept++] = m[i];
            }
        }
        asy__free(table);
    }
    /* index keys first, ascending (insertion sort: usually few or sorted) */
    for (i = 0; i < kept; i++) {
        if (!asy__json_index_key(m[i].key, m[i].key_len, &idx)) continue;
        for (a = nidx; a > 0; a--) {
            uint64_t prev;
            asy__json_index_key(out[a - 1].key, out[a - 1].key_len, &prev);
            if (prev < idx) break;
            out[a] = out[a - 1];
        }
        out[a] = m[i];
        nidx++;
    }
    for (i = 0; i < kept; i++)
        if (nidx == 0 || !asy__json_index_key(m[i].key, m[i].key_len, &idx)) out[nidx++] = m[i];
    return (long)kept;
}

/* Closes the top container: its children go to the arena. */
ASY__INTERNAL int asy__json_close(asy__json_parser *ps) {
    asy__json_frame *f = &ps->frames[--ps->nframes];
    size_t n = ps->nvals - f->start, i;
    asy_json_value_t v;
    memset(&v, 0, sizeof(v));
    v.type = f->type;
    if (f->type == ASY_JSON_ARRAY) {
        asy_json_value_t *items = NULL;
        if (n) {
            items = (asy_json_value_t *)asy__json_alloc(ps->doc, n * sizeof(asy_json_value_t));
            if (!items) return ASY_ENOMEM;
            for (i = 0; i < n; i++) items[i] = ps->vals[f->start + i].value;
        }
        v.u.items = items;
        v.len = v.cap = n;
    } else {
        asy_json_member_t *mem = NULL;
        if (n) {
            mem = (asy_json_member_t *)asy__json_alloc(ps->doc, n * sizeof(asy_json_member_t));
            if (!mem) return ASY_ENOMEM;
            if (ps->flags & ASY_JSON_DOC_ORDER) {
                memcpy(mem, ps->vals + f->start, n * sizeof(asy_json_member_t));
            } else {
                long k = asy__json_js_order(ps->vals + f->start, n, mem);
                if (k < 0) return (int)k;
                n = (size_t)k;
            }
        }
        v.u.members = mem;
        v.len = v.cap = n;
    }
    ps->nvals = f->start;
    return asy__json_push(ps, f->key, f->key_len, &v);
}

ASY__INTERNAL int asy__json_open(asy__json_parser *ps, int type, const char *key, size_t key_len,
                                 const char *at) {
    asy__json_frame *f;
    if (ps->nframes >= ps->max_depth) return asy__json_fail(ps, ASY_EJSON_DEPTH, at);
    if (ps->nframes == ps->capframes) {
        size_t cap = ps->capframes ? ps->capframes * 2 : 32;
        asy__json_frame *nf =
            (asy__json_frame *)asy__realloc(ps->frames, cap * sizeof(asy__json_frame));
        if (!nf) return asy__json_fail(ps, ASY_ENOMEM, at);
        ps->frames = nf;
        ps->capframes = cap;
    }
    f = &ps->frames[ps->nframes++];
    f->type = type;
    f->start = ps->nvals;
    f->key = key;
    f->key_len = key_len;
    return 0;
}

#define ASY__JSON_WS(c) ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t')

ASY__INTERNAL int asy__json_run(asy__json_parser *ps) {
    const char *p = ps->text, *end = ps->end;
    const char *key = NULL;
    size_t key_len = 0;
    asy_json_value_t v;
    int r;
    memset(&v, 0, sizeof(v));
value:
    while (p < end && ASY__JSON_WS(*p)) p++;
    if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
    switch (*p) {
    case '{':
        if ((r = asy__json_open(ps, ASY_JSON_OBJECT, key, key_len, p)) < 0) return r;
        p++;
        while (p < end && ASY__JSON_WS(*p)) p++;
        if (p < end && *p == '}') {
            p++;
            if ((r = asy__json_close(ps)) < 0) return asy__json_fail(ps, r, p);
            goto after;
        }
        goto member;
    case '[':
        if ((r = asy__json_open(ps, ASY_JSON_ARRAY, key, key_len, p)) < 0) return r;
        p++;
        while (p < end && ASY__JSON_WS(*p)) p++;
        if (p < end && *p == ']') {
            p++;
            if ((r = asy__json_close(ps)) < 0) return asy__json_fail(ps, r, p);
            goto after;
        }
        key = NULL;
        key_len = 0;
        goto value;
    case '"':
        p++;
        v.type = ASY_JSON_STRING;
        if ((r = asy__json_string(ps, &p, &v.u.str, &v.len)) < 0) return r;
        break;
    case 't':
        if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
            v.type = ASY_JSON_TRUE;
            p += 4;
            break;
        }
        goto literal_error;
    case 'f':
        if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
            v.type = ASY_JSON_FALSE;
            p += 5;
            break;
        }
        goto literal_error;
    case 'n':
        if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            v.type = ASY_JSON_NULL;
            p += 4;
            break;
        }
        goto literal_error;
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9')) {
            v.type = ASY_JSON_NUMBER;
            if ((r = asy__json_number(ps, &p, &v.u.num)) < 0) return r;
            v.len = 0;
            break;
        }
        return asy__json_fail(ps, ASY_EJSON_SYNTAX, p);
    }
    if ((r = asy__json_push(ps, key, key_len, &v)) < 0) return asy__json_fail(ps, r, p);
    v.len = 0;
after:
    if (ps->nframes == 0) {
        while (p < end && ASY__JSON_WS(*p)) p++;
        if (p < end) return asy__json_fail(ps, ASY_EJSON_TRAILING, p);
        return 0;
    }
    while (p < end && ASY__JSON_WS(*p)) p++;
    if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
    if (*p == ',') {
        p++;
        if (ps->frames[ps->nframes - 1].type == ASY_JSON_ARRAY) {
            key = NULL;
            key_len = 0;
            goto value;
        }
        while (p < end && ASY__JSON_WS(*p)) p++;
        goto member;
    }
    if ((*p == ']' && ps->frames[ps->nframes - 1].type == ASY_JSON_ARRAY) ||
        (*p == '}' && ps->frames[ps->nframes - 1].type == ASY_JSON_OBJECT)) {
        p++;
        if ((r = asy__json_close(ps)) < 0) return asy__json_fail(ps, r, p);
        goto after;
    }
    return asy__json_fail(ps, ASY_EJSON_SYNTAX, p);
member: /* at a key of an object (whitespace skipped) */
    if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
    if (*p != '"') return asy__json_fail(ps, ASY_EJSON_SYNTAX, p);
    p++;
    if ((r = asy__json_string(ps, &p, &key, &key_len)) < 0) return r;
    while (p < end && ASY__JSON_WS(*p)) p++;
    if (p >= end) return asy__json_fail(ps, ASY_EJSON_EOF, end);
    if (*p != ':') return asy__json_fail(ps, ASY_EJSON_SYNTAX, p);
    p++;
    goto value;
literal_error: {
    /* a prefix of the literal cut by the end is EOF, else a syntax error */
    const char *lit = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
    size_t i, n = strlen(lit);
    for (i = 0; i < n && p + i < end; i++)
        if (p[i] != lit[i]) return asy__json_fail(ps, ASY_EJSON_SYNTAX, p + i);
    return asy__json_fail(ps, ASY_EJSON_EOF, end);
}
}

ASYNCRT_API int asy_json_parse(asy_json_doc_t *doc, const char *text, size_t len,
                               const asy_json_parse_opts_t *opts, asy_json_error_t *err) {
    asy__json_parser ps;
    int r;
    if (err) memset(err, 0, sizeof(*err));
    if (!doc) return ASY_EINVAL;
    asy_json_doc_init(doc);
    if (!text && len) {
        if (err) err->code = ASY_EINVAL;
        return ASY_EINVAL;
    }
    memset(&ps, 0, sizeof(ps));
    ps.doc = doc;
    ps.text = text ? text : "";
    ps.end = ps.text + len;
    ps.max_depth = opts && opts->max_depth ? opts->max_depth : 1000;
    ps.flags = opts ? opts->flags : 0;
    r = asy__json_run(&ps);
    if (r == 0) {
        doc->root = (asy_json_value_t *)asy__json_alloc(doc, sizeof(asy_json_value_t));
        if (!doc->root) {
            r = ASY_ENOMEM;
            ps.err_at = ps.end;
        } else
            *doc->root = ps.vals[0].value;
    }
    if (r < 0) {
        if (!ps.err_at) ps.err_at = ps.end;
        if (err) {
            const char *q;
            err->code = r;
            err->offset = (size_t)(ps.err_at - ps.text);
            err->line = 1;
            err->column = 1;
            for (q = ps.text; q < ps.err_at; q++) {
                if (*q == '\n') {
                    err->line++;
                    err->column = 1;
                } else
                    err->column++;
            }
        }
        asy_json_doc_free(doc);
    }
    asy__free(ps.vals);
    asy__free(ps.frames);
    return r;
}
