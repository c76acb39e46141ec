/* The HTTP/1.1 parser (parser.h).  Heads are parsed from their first byte
 * on every call, as picohttpparser does: no state survives between calls,
 * which is what makes every split of the input give the same answer.  The
 * byte loops that matter -- request-targets and field values, most of a
 * head -- run through a SIMD scanner (scan.c's kernels, below) that finds
 * the first byte needing a closer look. */
#include "parser.h"
#include "parser.internal.h"
#include "../base/errors.h"
#include "../buf/buf.internal.h"
#include "../base/thread.internal.h"

#include <stdint.h>
#include <string.h>

#if ASY__X86_SIMD
#include <emmintrin.h>
#endif

/* ---- the scanner ---------------------------------------------------------
 * Returns the first p in [p, end) whose byte is below `lo` (unsigned) or
 * DEL; bytes 0x80-0xFF (obs-text) pass.  lo is 0x20 for field values (the
 * caller then looks at HTAB and CR itself) and 0x21 for request-targets.
 * SSE2 is part of x86-64, so the 16-byte kernel needs no dispatch; AVX2
 * is picked at run time. */

#if ASY__X86_SIMD
ASY__TARGET_AVX2 ASY__INTERNAL const char *asy__http_scan_avx2(const char *p, const char *end,
                                                                char lo) {
    const __m256i vlo = _mm256_set1_epi8(lo), vm1 = _mm256_set1_epi8(-1),
                  vdel = _mm256_set1_epi8(0x7f);
    while (end - p >= 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
        /* signed compares: 0x80-0xFF are negative, so "v < lo && v > -1"
         * is exactly the unsigned range [0, lo) */
        __m256i bad = _mm256_or_si256(
            _mm256_and_si256(_mm256_cmpgt_epi8(vlo, v), _mm256_cmpgt_epi8(v, vm1)),
            _mm256_cmpeq_epi8(v, vdel));
        unsigned m = (unsigned)_mm256_movemask_epi8(bad);
        if (m) return p + __builtin_ctz(m);
        p += 32;
    }
    return p;
}

ASY__INTERNAL const char *asy__http_scan_sse2(const char *p, const char *end, char lo) {
    const __m128i vlo = _mm_set1_epi8(lo), vm1 = _mm_set1_epi8(-1), vdel = _mm_set1_epi8(0x7f);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i bad = _mm_or_si128(_mm_and_si128(_mm_cmplt_epi8(v, vlo), _mm_cmpgt_epi8(v, vm1)),
                                   _mm_cmpeq_epi8(v, vdel));
        unsigned m = (unsigned)_mm_movemask_epi8(bad);
        if (m) return p + __builtin_ctz(m);
        p += 16;
    }
    return p;
}
#endif

/* The level a parse call uses: 0 scalar, 1 SSE2, 2 AVX2.  The tests set
 * asy__http_force_level (> 0 forces level - 1) to cover every kernel. */
static int asy__http_force_level;

/* The detected level, plus one (0: not detected yet); relaxed atomics,
 * since every thread that races here stores the same value. */
static int asy__http_cpu_level;

ASY__INTERNAL int asy__http_simd_level(void) {
    int lvl;
    if (asy__http_force_level > 0) return asy__http_force_level - 1;
    lvl = asy__atomic_load(&asy__http_cpu_level, ASY__RELAXED);
    if (lvl) return lvl - 1;
#if ASY__X86_SIMD
    __builtin_cpu_init();
    lvl = __builtin_cpu_supports("avx2") ? 2 : 1;
#else
    lvl = 0;
#endif
    asy__atomic_store(&asy__http_cpu_level, lvl + 1, ASY__RELAXED);
    return lvl;
}

ASY__INTERNAL const char *asy__http_scan(int level, const char *p, const char *end, unsigned lo) {
#if ASY__X86_SIMD
    /* a kernel stops at the first byte to look at, or where fewer than a
     * whole vector is left: only then does the next one go on */
    if (level == 2 && end - p >= 32) {
        p = asy__http_scan_avx2(p, end, (char)lo);
        if (end - p >= 32) return p;
    }
    if (level >= 1 && end - p >= 16) {
        p = asy__http_scan_sse2(p, end, (char)lo);
        if (end - p >= 16) return p;
    }
#else
    (void)level;
#endif
    for (; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < lo || c == 0x7f) break;
    }
    return p;
}

/* ---- small pieces -------------------------------------------------------- */

ASYNCRT_API int asy_http_name_eq(const char *name, size_t len, const char *lit) {
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char a = (unsigned char)name[i], b = (unsigned char)lit[i];
        if (b == 0) return 0;
        if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
        if (a != b) return 0;
    }
    return lit[len] == 0;
}

/* An end of line at p: 2 (CRLF) or 1 (bare LF, lenient), 0 incomplete,
 * ASY_EHTTP_CRLF otherwise.  p < end. */
ASY__INTERNAL int asy__http_eol(const char *p, const char *end, unsigned flags) {
    if (*p == '\r') {
        if (p + 1 == end) return 0;
        return p[1] == '\n' ? 2 : ASY_EHTTP_CRLF;
    }
    if (*p == '\n' && (flags & ASY_HTTP_LENIENT)) return 1;
    return ASY_EHTTP_CRLF;
}

/* "HTTP/" DIGIT "." DIGIT at p: 8, 0 when a correct prefix is all there
 * is, or ASY_EHTTP_VERSION. */
ASY__INTERNAL int asy__http_version(const char *p, const char *end, int *major, int *minor) {
    static const char tmpl[] = "HTTP/0.0";
    size_t i, n = (size_t)(end - p) < 8 ? (size_t)(end - p) : 8;
    if (n == 8 && memcmp(p, "HTTP/1.", 7) == 0 && p[7] >= '0' && p[7] <= '9') {
        *major = 1;
        *minor = p[7] - '0';
        return 8;
    }
    for (i = 0; i < n; i++) {
        if (tmpl[i] == '0') {
            if (p[i] < '0' || p[i] > '9') return ASY_EHTTP_VERSION;
        } else if (p[i] != tmpl[i]) {
            return ASY_EHTTP_VERSION;
        }
    }
    if (n < 8) return 0;
    *major = p[5] - '0';
    *minor = p[7] - '0';
    return 8;
}

/* The framing facts gathered from the fields. */
typedef struct {
    unsigned flags;
    int is_request;
    int hosts;
    int chunked_last; /* the last coding seen was chunked */
    int64_t content_length;
    unsigned mflags; /* ASY_HTTP_F_* */
} asy__http_sem;

/* 1 when [p, e) is the token lit, case-insensitively. */
#define ASY__HTTP_IS(p, e, lit) asy_http_name_eq((p), (size_t)((e) - (p)), (lit))

ASY__INTERNAL int asy__http_content_length(asy__http_sem *s, const char *v, size_t n) {
    int64_t x = 0;
    size_t i;
    if (n == 0) return ASY_EHTTP_CONTENT_LENGTH;
    for (i = 0; i < n; i++) {
        int d = v[i] - '0';
        if (d < 0 || d > 9) return ASY_EHTTP_CONTENT_LENGTH;
        if (x > (INT64_MAX - d) / 10) return ASY_EHTTP_CONTENT_LENGTH;
        x = x * 10 + d;
    }
    if (s->mflags & ASY_HTTP_F_CONTENT_LENGTH) {
        if (!(s->flags & ASY_HTTP_LENIENT) || x != s->content_length) return ASY_EHTTP_CONTENT_LENGTH;
    }
    s->mflags |= ASY_HTTP_F_CONTENT_LENGTH;
    s->content_length = x;
    return 0;
}

/* Calls each element of a comma-separated list (RFC 9110 5.6.1; empty
 * elements are skipped), trimmed, with any ";parameters" cut off. */
typedef int (*asy__http_elem_fn)(asy__http_sem *s, const char *b, const char *e);

ASY__INTERNAL int asy__http_list(asy__http_sem *s, const char *v, size_t n, asy__http_elem_fn fn) {
    const char *p = v, *end = v + n;
    while (p < end) {
        const char *b, *e, *stop;
        int r;
        while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) p++;
        if (p == end) break;
        b = p;
        while (p < end && *p != ',') p++;
        stop = p;
        e = b;
        while (e < stop && ASY__HTTP_TCHAR(*e)) e++;
        r = fn(s, b, e == b ? stop : e);
        if (r < 0) return r;
    }
    return 0;
}

ASY__INTERNAL int asy__http_te_elem(asy__http_sem *s, const char *b, const char *e) {
    if (s->chunked_last) {
        /* chunked must be the last coding, and applied once */
        if (s->is_request) return ASY_EHTTP_TE_CHUNKED;
        s->chunked_last = 0;
    }
    if (ASY__HTTP_IS(b, e, "chunked")) {
        s->chunked_last = 1;
        return 0;
    }
    if (ASY__HTTP_IS(b, e, "gzip") || ASY__HTTP_IS(b, e, "x-gzip") ||
        ASY__HTTP_IS(b, e, "deflate") || ASY__HTTP_IS(b, e, "compress") ||
        ASY__HTTP_IS(b, e, "x-compress"))
        return 0;
    /* a response with an unknown coding is still delimited by the close */
    return s->is_request ? ASY_EHTTP_TE_UNKNOWN : 0;
}

ASY__INTERNAL int asy__http_conn_elem(asy__http_sem *s, const char *b, const char *e) {
    if (ASY__HTTP_IS(b, e, "close"))
        s->mflags |= ASY_HTTP_F_CONN_CLOSE;
    else if (ASY__HTTP_IS(b, e, "keep-alive"))
        s->mflags |= ASY_HTTP_F_CONN_KEEP_ALIVE;
    else if (ASY__HTTP_IS(b, e, "upgrade"))
        s->mflags |= ASY_HTTP_F_CONN_UPGRADE;
    return 0;
}

/* What a field means for the framing. */
ASY__INTERNAL int asy__http_field(asy__http_sem *s, const char *name, size_t nlen, const char *v,
                                  size_t vlen) {
    if (!s) return 0;
    switch (nlen) {
    case 4:
        if (s->is_request && asy_http_name_eq(name, 4, "host") && ++s->hosts > 1)
            return ASY_EHTTP_HOST;
        break;
    case 6:
        if (s->is_request && asy_http_name_eq(name, 6, "expect")) {
            if (asy_http_name_eq(v, vlen, "100-continue"))
                s->mflags |= ASY_HTTP_F_EXPECT_CONTINUE;
            else
                return ASY_EHTTP_EXPECT;
        }
        break;
    case 7:
        if (asy_http_name_eq(name, 7, "upgrade")) s->mflags |= ASY_HTTP_F_UPGRADE;
        break;
    case 10:
        if (asy_http_name_eq(name, 10, "connection"))
            return asy__http_list(s, v, vlen, asy__http_conn_elem);
        break;
    case 14:
        if (asy_http_name_eq(name, 14, "content-length"))
            return asy__http_content_length(s, v, vlen);
        break;
    case 17:
        if (asy_http_name_eq(name, 17, "transfer-encoding")) {
            s->mflags |= ASY_HTTP_F_TE;
            if (vlen == 0) return s->is_request ? ASY_EHTTP_TE_UNKNOWN : 0;
            return asy__http_list(s, v, vlen, asy__http_te_elem);
        }
        break;
    default:
        break;
    }
    return 0;
}

/* The field lines from p through the empty line: the bytes used, 0 when
 * incomplete, or an error.  sem (may be NULL) sees every field. */
ASY__INTERNAL ptrdiff_t asy__http_fields(int level, const char *buf, const char *end,
                                         asy_http_header_t *out, size_t max, size_t *num,
                                         size_t *dropped, unsigned flags, asy__http_sem *sem) {
    const char *p = buf;
    int lenient = (flags & ASY_HTTP_LENIENT) != 0;
    *num = 0;
    if (dropped) *dropped = 0;
    for (;;) {
        const char *name, *v, *ve;
        size_t nlen = 0;
        int r;
        if (p == end) return 0;
        if (*p == '\r' || *p == '\n') {
            r = asy__http_eol(p, end, flags);
            if (r <= 0) return r;
            return (p + r) - buf;
        }
        name = p;
        if (*p == ' ' || *p == '\t') {
            /* obs-fold: a continuation of the previous line (or, first of
             * all, whitespace before the first field) */
            if (!lenient || p == buf) return p == buf ? ASY_EHTTP_HEADER_NAME : ASY_EHTTP_OBS_FOLD;
        } else {
            while (p < end && ASY__HTTP_TCHAR(*p)) p++;
            if (p == end) return 0;
            if (*p != ':' || p == name) return ASY_EHTTP_HEADER_NAME;
            nlen = (size_t)(p - name);
            p++;
        }
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        v = p;
        for (;;) {
            unsigned char c;
            p = asy__http_scan(level, p, end, 0x20);
            if (p == end) return 0;
            c = (unsigned char)*p;
            if (c == '\t') {
                p++;
                continue;
            }
            if (c == '\r' || c == '\n') {
                r = asy__http_eol(p, end, flags);
                if (r <= 0) return r;
                ve = p;
                p += r;
                break;
            }
            if (lenient && c != 0) {
                p++;
                continue;
            }
            return ASY_EHTTP_HEADER_VALUE;
        }
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
        if (*num < max) {
            out[*num].name = name;
            out[*num].name_len = nlen;
            out[*num].value = v;
            out[*num].value_len = (size_t)(ve - v);
            (*num)++;
        } else if (dropped) {
            (*dropped)++;
        }
        if (nlen) {
            r = asy__http_field(sem, name, nlen, v, (size_t)(ve - v));
            if (r < 0) return r;
        }
    }
}

ASY__INTERNAL void asy__http_head_reset(asy_http_head_t *h) {
    h->method = h->target = h->reason = NULL;
    h->method_len = h->target_len = h->reason_len = 0;
    h->status = 0;
    h->version_major = h->version_minor = 0;
    h->num_headers = h->dropped_headers = 0;
    h->content_length = -1;
    h->flags = 0;
}

/* The framing rules that need the whole head. */
ASY__INTERNAL int asy__http_finish(asy_http_head_t *h, asy__http_sem *s, unsigned flags) {
    unsigned f = s->mflags;
    int v11 = h->version_minor >= 1;
    if (f & ASY_HTTP_F_TE) {
        if (s->is_request && !v11) return ASY_EHTTP_TE_HTTP10;
        if (f & ASY_HTTP_F_CONTENT_LENGTH) {
            if (!(flags & ASY_HTTP_LENIENT)) return ASY_EHTTP_TE_CL;
            /* RFC 9112 6.3: Transfer-Encoding wins; close afterwards */
            f &= ~(unsigned)ASY_HTTP_F_CONTENT_LENGTH;
            f |= ASY_HTTP_F_LENIENT_CLOSE;
            s->content_length = -1;
        }
        if (s->chunked_last)
            f |= ASY_HTTP_F_CHUNKED;
        else if (s->is_request)
            return ASY_EHTTP_TE_CHUNKED;
    }
    if (s->is_request && v11 && s->hosts == 0) return ASY_EHTTP_HOST;
    if (v11 ? !(f & ASY_HTTP_F_CONN_CLOSE)
            : ((f & ASY_HTTP_F_CONN_KEEP_ALIVE) && !(f & ASY_HTTP_F_CONN_CLOSE)))
        f |= ASY_HTTP_F_KEEP_ALIVE;
    if ((f & ASY_HTTP_F_LENIENT_CLOSE) ||
        (!s->is_request && (f & ASY_HTTP_F_TE) && !(f & ASY_HTTP_F_CHUNKED)))
        f &= ~(unsigned)ASY_HTTP_F_KEEP_ALIVE;
    h->flags = f;
    h->content_length = (f & ASY_HTTP_F_CONTENT_LENGTH) ? s->content_length : -1;
    return 0;
}

ASYNCRT_API ptrdiff_t asy_http_parse_request(const char *buf, size_t len, asy_http_head_t *h,
                                             const asy_http_parse_opts_t *opts) {
    const char *p = buf, *end = buf + len, *start;
    unsigned flags = opts ? opts->flags : 0;
    size_t max_target = opts && opts->max_target_len ? opts->max_target_len : 8192;
    int level = asy__http_simd_level(), r;
    asy__http_sem s;
    ptrdiff_t n;
    asy__http_head_reset(h);
    /* RFC 9112 2.2: ignore at least one empty line before the request */
    while (p < end && (*p == '\r' || *p == '\n')) {
        r = asy__http_eol(p, end, flags);
        if (r <= 0) return r;
        p += r;
    }
    start = p;
    while (p < end && ASY__HTTP_TCHAR(*p)) p++;
    if (p == end) return 0;
    if (*p != ' ' || p == start) return ASY_EHTTP_METHOD;
    h->method = start;
    h->method_len = (size_t)(p - start);
    start = ++p;
    p = asy__http_scan(level, p, end, 0x21);
    if ((size_t)(p - start) > max_target) return ASY_EHTTP_URI_TOO_LONG;
    if (p == end) return 0;
    if (*p != ' ' || p == start) return ASY_EHTTP_TARGET;
    h->target = start;
    h->target_len = (size_t)(p - start);
    p++;
    r = asy__http_version(p, end, &h->version_major, &h->version_minor);
    if (r <= 0) return r;
    p += r;
    if (p == end) return 0;
    r = asy__http_eol(p, end, flags);
    if (r <= 0) return r == 0 ? 0 : ASY_EHTTP_VERSION;
    p += r;
    if (h->version_major != 1) return ASY_EHTTP_VERSION_UNSUP;
    memset(&s, 0, sizeof(s));
    s.flags = flags;
    s.is_request = 1;
    n = asy__http_fields(level, p, end, h->headers, h->headers ? h->max_headers : 0,
                         &h->num_headers, &h->dropped_headers, flags, &s);
    if (n <= 0) return n;
    r = asy__http_finish(h, &s, flags);
    if (r < 0) return r;
    return (p + n) - buf;
}

ASYNCRT_API ptrdiff_t asy_http_parse_response(const char *buf, size_t len, asy_http_head_t *h,
                                              const asy_http_parse_opts_t *opts) {
    const char *p = buf, *end = buf + len, *start;
    unsigned flags = opts ? opts->flags : 0;
    int level = asy__http_simd_level(), r, i;
    asy__http_sem s;
    ptrdiff_t n;
    asy__http_head_reset(h);
    r = asy__http_version(p, end, &h->version_major, &h->version_minor);
    if (r <= 0) return r == 0 ? 0 : ASY_EHTTP_STATUS;
    p += r;
    if (h->version_major != 1) return ASY_EHTTP_VERSION_UNSUP;
    if (p == end) return 0;
    if (*p++ != ' ') return ASY_EHTTP_STATUS;
    for (i = 0; i < 3; i++, p++) {
        if (p == end) return 0;
        if (*p < '0' || *p > '9') return ASY_EHTTP_STATUS;
        h->status = h->status * 10 + (*p - '0');
    }
    if (h->status < 100) return ASY_EHTTP_STATUS;
    if (p == end) return 0;
    if (*p == ' ') {
        /* reason-phrase = *( HTAB / SP / VCHAR / obs-text ) */
        start = ++p;
        for (;;) {
            p = asy__http_scan(level, p, end, 0x20);
            if (p == end) return 0;
            if (*p != '\t') break;
            p++;
        }
        h->reason = start;
        h->reason_len = (size_t)(p - start);
    } else {
        h->reason = p;
    }
    r = asy__http_eol(p, end, flags);
    if (r <= 0) return r == 0 ? 0 : ASY_EHTTP_STATUS;
    p += r;
    memset(&s, 0, sizeof(s));
    s.flags = flags;
    n = asy__http_fields(level, p, end, h->headers, h->headers ? h->max_headers : 0,
                         &h->num_headers, &h->dropped_headers, flags, &s);
    if (n <= 0) return n;
    r = asy__http_finish(h, &s, flags);
    if (r < 0) return r;
    return (p + n) - buf;
}

ASYNCRT_API ptrdiff_t asy_http_parse_fields(const char *buf, size_t len, asy_http_header_t *fields,
                                            size_t max_fields, size_t *num_fields,
                                            unsigned flags) {
    size_t n = 0;
    ptrdiff_t r = asy__http_fields(asy__http_simd_level(), buf, buf + len, fields,
                                   fields ? max_fields : 0, &n, NULL, flags, NULL);
    if (num_fields) *num_fields = n;
    return r;
}

ASYNCRT_API int asy_http_response_has_body(int status, int request_was_head) {
    if (request_was_head) return 0;
    return !(status / 100 == 1 || status == 204 || status == 304);
}
