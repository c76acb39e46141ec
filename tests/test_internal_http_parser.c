/* The HTTP/1.1 parser: heads, fields, the chunked coding; strictness
 * table; every input split at every offset under each SIMD level.  Static
 * copy of the implementation (ASYNCRT_STATIC) to force the SIMD level. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "test.h"

#define NLEVELS 3

static asy_http_header_t hdrs[64];

static ptrdiff_t parse_req(const char *s, size_t n, asy_http_head_t *h, unsigned flags) {
    asy_http_parse_opts_t o;
    char *copy = (char *)malloc(n ? n : 1); /* exact size: asan sees overreads */
    ptrdiff_t r;
    memset(&o, 0, sizeof(o));
    o.flags = flags;
    memcpy(copy, s, n);
    h->headers = hdrs;
    h->max_headers = 64;
    r = asy_http_parse_request(copy, n, h, &o);
    /* pointers must not outlive copy in the callers' checks: re-point */
    if (r > 0) {
        size_t i;
        h->method = s + (h->method - copy);
        h->target = s + (h->target - copy);
        for (i = 0; i < h->num_headers; i++) {
            hdrs[i].name = s + (hdrs[i].name - copy);
            hdrs[i].value = s + (hdrs[i].value - copy);
        }
    }
    free(copy);
    return r;
}

static ptrdiff_t parse_res(const char *s, size_t n, asy_http_head_t *h, unsigned flags) {
    asy_http_parse_opts_t o;
    char *copy = (char *)malloc(n ? n : 1);
    ptrdiff_t r;
    memset(&o, 0, sizeof(o));
    o.flags = flags;
    memcpy(copy, s, n);
    h->headers = hdrs;
    h->max_headers = 64;
    r = asy_http_parse_response(copy, n, h, &o);
    free(copy);
    return r;
}

/* The result for the whole input, after checking that every prefix gives
 * 0 (need more) or that same result, and that the answer never changes
 * once given -- under every SIMD level, with equal results. */
static ptrdiff_t split_check(const char *s, unsigned flags, int response) {
    size_t n = strlen(s), k;
    ptrdiff_t want = 0;
    int lvl;
    for (lvl = 0; lvl < NLEVELS; lvl++) {
        asy_http_head_t h;
        ptrdiff_t full, seen = 0;
        asy__http_force_level = lvl + 1;
        full = response ? parse_res(s, n, &h, flags) : parse_req(s, n, &h, flags);
        if (lvl == 0) want = full;
        if (full != want) FAIL("level %d: %lld vs %lld", lvl, (long long)full, (long long)want);
        for (k = 0; k < n; k++) {
            ptrdiff_t r = response ? parse_res(s, k, &h, flags) : parse_req(s, k, &h, flags);
            if (r > 0 && r <= (ptrdiff_t)k && r == full) {
                /* a complete head followed by body bytes: fine */
            } else if (r != 0 && r != full) {
                FAIL("level %d, prefix %zu of %zu: %lld, whole input %lld", lvl, k, n,
                     (long long)r, (long long)full);
            }
            if (seen != 0 && r != seen) FAIL("prefix %zu: answer changed", k);
            seen = r;
        }
    }
    asy__http_force_level = 0;
    return want;
}

static int hdr_is(const asy_http_header_t *h, const char *name, const char *value) {
    return h->name_len == strlen(name) && memcmp(h->name, name, h->name_len) == 0 &&
           h->value_len == strlen(value) && memcmp(h->value, value, h->value_len) == 0;
}

TEST(http_parse_request_basic) {
    static const char req[] =
        "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  curl/8 \t\r\n"
        "Accept: */*\r\nX-Empty:\r\n\r\nBODY";
    asy_http_head_t h;
    ptrdiff_t r = split_check(req, 0, 0);
    ASSERT_EQ(r, (ptrdiff_t)strlen(req) - 4);
    r = parse_req(req, strlen(req), &h, 0);
    ASSERT_EQ(h.method_len, 3);
    ASSERT(memcmp(h.method, "GET", 3) == 0);
    ASSERT_EQ(h.target_len, strlen("/index.html?q=1"));
    ASSERT_EQ(h.version_major, 1);
    ASSERT_EQ(h.version_minor, 1);
    ASSERT_EQ(h.num_headers, 4);
    ASSERT(hdr_is(&hdrs[0], "Host", "example.com"));
    ASSERT(hdr_is(&hdrs[1], "User-Agent", "curl/8"));
    ASSERT(hdr_is(&hdrs[2], "Accept", "*/*"));
    ASSERT(hdr_is(&hdrs[3], "X-Empty", ""));
    ASSERT_EQ(h.content_length, -1);
    ASSERT(h.flags & ASY_HTTP_F_KEEP_ALIVE);
    ASSERT(!(h.flags & ASY_HTTP_F_CHUNKED));
}

TEST(http_parse_request_framing) {
    asy_http_head_t h;
    const char *r1 = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n";
    const char *r2 = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
    const char *r3 = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    const char *r4 = "GET / HTTP/1.0\r\n\r\n";
    const char *r5 = "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n"
                     "Expect: 100-Continue\r\n\r\n";
    const char *r6 = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
    ASSERT_EQ(parse_req(r1, strlen(r1), &h, 0), (ptrdiff_t)strlen(r1));
    ASSERT_EQ(h.content_length, 42);
    ASSERT(h.flags & ASY_HTTP_F_CONTENT_LENGTH);
    ASSERT_EQ(parse_req(r2, strlen(r2), &h, 0), (ptrdiff_t)strlen(r2));
    ASSERT(h.flags & ASY_HTTP_F_CHUNKED);
    ASSERT_EQ(h.content_length, -1);
    ASSERT_EQ(parse_req(r3, strlen(r3), &h, 0), (ptrdiff_t)strlen(r3));
    ASSERT(h.flags & ASY_HTTP_F_KEEP_ALIVE);
    ASSERT_EQ(h.version_minor, 0);
    ASSERT_EQ(parse_req(r4, strlen(r4), &h, 0), (ptrdiff_t)strlen(r4));
    ASSERT(!(h.flags & ASY_HTTP_F_KEEP_ALIVE));
    ASSERT_EQ(parse_req(r5, strlen(r5), &h, 0), (ptrdiff_t)strlen(r5));
    ASSERT(!(h.flags & ASY_HTTP_F_KEEP_ALIVE));
    ASSERT(h.flags & ASY_HTTP_F_UPGRADE);
    ASSERT(h.flags & ASY_HTTP_F_CONN_UPGRADE);
    ASSERT(h.flags & ASY_HTTP_F_EXPECT_CONTINUE);
    ASSERT_EQ(split_check(r6, 0, 0), (ptrdiff_t)strlen(r6));
    ASSERT_EQ(split_check(r1, 0, 0), (ptrdiff_t)strlen(r1));
    ASSERT_EQ(split_check(r5, 0, 0), (ptrdiff_t)strlen(r5));
}

TEST(http_parse_max_headers_drops_but_checks) {
    asy_http_head_t h;
    asy_http_header_t two[2];
    const char *r = "POST / HTTP/1.1\r\nA: 1\r\nB: 2\r\nHost: x\r\nContent-Length: 5\r\n\r\n";
    const char *bad = "POST / HTTP/1.1\r\nA: 1\r\nB: 2\r\nHost: x\r\nContent-Length: 5x\r\n\r\n";
    h.headers = two;
    h.max_headers = 2;
    ASSERT_EQ(asy_http_parse_request(r, strlen(r), &h, NULL), (ptrdiff_t)strlen(r));
    ASSERT_EQ(h.num_headers, 2);
    ASSERT_EQ(h.dropped_headers, 2);
    ASSERT_EQ(h.content_length, 5);
    ASSERT_ERR(asy_http_parse_request(bad, strlen(bad), &h, NULL), ASY_EHTTP_CONTENT_LENGTH);
}

typedef struct {
    const char *bytes;
    int strict; /* expected error, strict */
    int lenient; /* expected result in lenient mode: 0 = parses, else error */
} reject_case;

static const reject_case rejects[] = {
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
     ASY_EHTTP_TE_CL, 0},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", ASY_EHTTP_TE_CHUNKED,
     ASY_EHTTP_TE_CHUNKED},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     ASY_EHTTP_TE_CHUNKED, ASY_EHTTP_TE_CHUNKED},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", ASY_EHTTP_TE_CHUNKED,
     ASY_EHTTP_TE_CHUNKED},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo, chunked\r\n\r\n", ASY_EHTTP_TE_UNKNOWN,
     ASY_EHTTP_TE_UNKNOWN},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", ASY_EHTTP_TE_UNKNOWN,
     ASY_EHTTP_TE_UNKNOWN},
    {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", ASY_EHTTP_TE_HTTP10, ASY_EHTTP_TE_HTTP10},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
     ASY_EHTTP_CONTENT_LENGTH, 0},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
     ASY_EHTTP_CONTENT_LENGTH, ASY_EHTTP_CONTENT_LENGTH},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", ASY_EHTTP_CONTENT_LENGTH,
     ASY_EHTTP_CONTENT_LENGTH},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", ASY_EHTTP_CONTENT_LENGTH,
     ASY_EHTTP_CONTENT_LENGTH},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", ASY_EHTTP_CONTENT_LENGTH,
     ASY_EHTTP_CONTENT_LENGTH},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", ASY_EHTTP_CONTENT_LENGTH,
     ASY_EHTTP_CONTENT_LENGTH},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", ASY_EHTTP_CONTENT_LENGTH,
     ASY_EHTTP_CONTENT_LENGTH},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
     ASY_EHTTP_CONTENT_LENGTH, ASY_EHTTP_CONTENT_LENGTH},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n",
     ASY_EHTTP_CONTENT_LENGTH, ASY_EHTTP_CONTENT_LENGTH},
    {"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", ASY_EHTTP_OBS_FOLD, 0},
    {"GET / HTTP/1.1\r\n Host: a\r\n\r\n", ASY_EHTTP_HEADER_NAME, ASY_EHTTP_HEADER_NAME},
    {"GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", ASY_EHTTP_CRLF, ASY_EHTTP_CRLF},
    {"GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", ASY_EHTTP_CRLF, 0},
    {"GET / HTTP/1.1\rHost: a\r\n\r\n", ASY_EHTTP_VERSION, ASY_EHTTP_VERSION},
    {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", ASY_EHTTP_HEADER_NAME, ASY_EHTTP_HEADER_NAME},
    {"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", ASY_EHTTP_HEADER_NAME, ASY_EHTTP_HEADER_NAME},
    {"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", ASY_EHTTP_HEADER_NAME, ASY_EHTTP_HEADER_NAME},
    {"GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n", ASY_EHTTP_HEADER_NAME, ASY_EHTTP_HEADER_NAME},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01" "b\r\n\r\n", ASY_EHTTP_HEADER_VALUE, 0},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f" "b\r\n\r\n", ASY_EHTTP_HEADER_VALUE, 0},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: 0123456789abcdef0123456789abcdef0123456789\x1f\r\n\r\n",
     ASY_EHTTP_HEADER_VALUE, 0},
    {"GET / HTTP/1.1\r\n\r\n", ASY_EHTTP_HOST, ASY_EHTTP_HOST},
    {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ASY_EHTTP_HOST, ASY_EHTTP_HOST},
    {"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", ASY_EHTTP_METHOD, ASY_EHTTP_METHOD},
    {" GET / HTTP/1.1\r\nHost: a\r\n\r\n", ASY_EHTTP_METHOD, ASY_EHTTP_METHOD},
    {"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", ASY_EHTTP_TARGET, ASY_EHTTP_TARGET},
    {"GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", ASY_EHTTP_TARGET, ASY_EHTTP_TARGET},
    {"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", ASY_EHTTP_VERSION, ASY_EHTTP_VERSION},
    {"GET / HTTP/11\r\nHost: a\r\n\r\n", ASY_EHTTP_VERSION, ASY_EHTTP_VERSION},
    {"GET / http/1.1\r\nHost: a\r\n\r\n", ASY_EHTTP_VERSION, ASY_EHTTP_VERSION},
    {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", ASY_EHTTP_VERSION_UNSUP, ASY_EHTTP_VERSION_UNSUP},
    {"GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", ASY_EHTTP_EXPECT, ASY_EHTTP_EXPECT},
    {"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", ASY_EHTTP_TE_UNKNOWN,
     ASY_EHTTP_TE_UNKNOWN},
};

TEST(http_parse_rejections_every_split) {
    size_t i;
    for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
        ptrdiff_t r = split_check(rejects[i].bytes, 0, 0);
        if (r != rejects[i].strict)
            FAIL("case %zu: strict got %lld (%s), want %d", i, (long long)r,
                 asy_http_error_name((int)r), rejects[i].strict);
        r = split_check(rejects[i].bytes, ASY_HTTP_LENIENT, 0);
        if (rejects[i].lenient == 0 ? r <= 0 : r != rejects[i].lenient)
            FAIL("case %zu: lenient got %lld, want %d", i, (long long)r, rejects[i].lenient);
    }
}

TEST(http_parse_lenient_te_cl_closes) {
    asy_http_head_t h;
    const char *r =
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n";
    ASSERT_GT(parse_req(r, strlen(r), &h, ASY_HTTP_LENIENT), 0);
    ASSERT(h.flags & ASY_HTTP_F_CHUNKED);
    ASSERT_EQ(h.content_length, -1);
    ASSERT(!(h.flags & ASY_HTTP_F_KEEP_ALIVE));
}

TEST(http_parse_target_limit) {
    char big[9000 + 64];
    asy_http_head_t h;
    asy_http_parse_opts_t o;
    memset(big, 'a', sizeof(big));
    memcpy(big, "GET /", 5);
    memcpy(big + 9000, " HTTP/1.1\r\nHost: a\r\n\r\n", 22);
    h.headers = NULL;
    ASSERT_ERR(asy_http_parse_request(big, 9022, &h, NULL), ASY_EHTTP_URI_TOO_LONG);
    /* before the target ends, too: no need to wait */
    ASSERT_ERR(asy_http_parse_request(big, 8500, &h, NULL), ASY_EHTTP_URI_TOO_LONG);
    memset(&o, 0, sizeof(o));
    o.max_target_len = 10000;
    ASSERT_EQ(asy_http_parse_request(big, 9022, &h, &o), 9022);
}

TEST(http_parse_response) {
    asy_http_head_t h;
    const char *r1 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello";
    const char *r2 = "HTTP/1.1 204\r\n\r\n";
    const char *r3 = "HTTP/1.0 404 Not  Found\t!\r\nTransfer-Encoding: gzip\r\n\r\n";
    const char *r4 = "HTTP/1.1 20 OK\r\n\r\n";
    const char *r5 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n";
    ASSERT_EQ(split_check(r1, 0, 1), (ptrdiff_t)strlen(r1) - 5);
    parse_res(r1, strlen(r1), &h, 0);
    ASSERT_EQ(h.status, 200);
    ASSERT_EQ(h.reason_len, 2);
    ASSERT_EQ(h.content_length, 5);
    ASSERT(h.flags & ASY_HTTP_F_KEEP_ALIVE);
    ASSERT_EQ(split_check(r2, 0, 1), (ptrdiff_t)strlen(r2));
    parse_res(r2, strlen(r2), &h, 0);
    ASSERT_EQ(h.status, 204);
    ASSERT_EQ(h.reason_len, 0);
    ASSERT_EQ(split_check(r3, 0, 1), (ptrdiff_t)strlen(r3));
    parse_res(r3, strlen(r3), &h, 0);
    ASSERT_EQ(h.status, 404);
    ASSERT_EQ(h.reason_len, strlen("Not  Found\t!"));
    ASSERT(h.flags & ASY_HTTP_F_TE);
    ASSERT(!(h.flags & ASY_HTTP_F_CHUNKED)); /* read until close */
    ASSERT(!(h.flags & ASY_HTTP_F_KEEP_ALIVE));
    ASSERT_EQ(split_check(r4, 0, 1), ASY_EHTTP_STATUS);
    ASSERT_EQ(split_check(r5, 0, 1), ASY_EHTTP_TE_CL);
    ASSERT_EQ(asy_http_response_has_body(304, 0), 0);
    ASSERT_EQ(asy_http_response_has_body(200, 1), 0);
    ASSERT_EQ(asy_http_response_has_body(200, 0), 1);
}

/* Decodes a whole chunked body fed in pieces: cut1/cut2 split the input in
 * three.  Returns 0 with the data in out, or the error. */
static int chunked_run(const char *in, size_t n, size_t cut1, size_t cut2, unsigned flags,
                       char *out, size_t *outlen, size_t *trailer_at) {
    asy_http_chunked_t c;
    size_t pos = 0, stops[3];
    int i;
    stops[0] = cut1;
    stops[1] = cut2;
    stops[2] = n;
    *outlen = 0;
    asy_http_chunked_init(&c, flags);
    for (i = 0; i < 3; i++) {
        while (pos < stops[i]) {
            const char *d;
            size_t dl;
            char *piece = (char *)malloc(stops[i] - pos);
            ptrdiff_t r;
            memcpy(piece, in + pos, stops[i] - pos);
            r = asy_http_chunked_parse(&c, piece, stops[i] - pos, &d, &dl);
            if (r < 0) {
                free(piece);
                return (int)r;
            }
            if (dl) {
                ASSERT(d >= piece && d + dl <= piece + r);
                memcpy(out + *outlen, d, dl);
                *outlen += dl;
            }
            free(piece);
            pos += (size_t)r;
            if (asy_http_chunked_in_trailers(&c)) {
                *trailer_at = pos;
                return 0;
            }
            if (r == 0) break; /* needs more */
        }
    }
    return 1; /* incomplete */
}

TEST(http_chunked_every_split) {
    static const struct {
        const char *in;
        const char *data; /* NULL: error expected */
        int err;
    } cases[] = {
        {"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", 0},
        {"A;name=val;q=\"a \\\" b\"\r\n0123456789\r\n000\r\nX-T: 1\r\n\r\n", "0123456789", 0},
        {"1; a = b ;c\r\nx\r\n0\r\n\r\n", "x", 0},
        {"fF\r\n", NULL, 1},
        {"g\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"1 \r\nx\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"-1\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"1000000000000000\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"1\r\nxy\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"1\r\nx\n0\r\n\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"1\nx\r\n", NULL, ASY_EHTTP_CHUNK_SIZE},
        {"1\rx", NULL, ASY_EHTTP_CRLF},
        {"1;\r\nx\r\n", NULL, ASY_EHTTP_CHUNK_EXT},
        {"1;a=\r\nx\r\n", NULL, ASY_EHTTP_CHUNK_EXT},
        {"1;a=\"b\r\nx\r\n", NULL, ASY_EHTTP_CHUNK_EXT},
        {"1;a\x01\r\nx\r\n", NULL, ASY_EHTTP_CHUNK_EXT},
        {"1;a=b=c\r\nx\r\n", NULL, ASY_EHTTP_CHUNK_EXT},
    };
    size_t i, n, a, b, outlen, tat;
    char out[256];
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int want;
        n = strlen(cases[i].in);
        want = chunked_run(cases[i].in, n, n, n, 0, out, &outlen, &tat);
        if (cases[i].data) {
            ASSERT_EQ(want, 0);
            ASSERT_EQ(outlen, strlen(cases[i].data));
            ASSERT(memcmp(out, cases[i].data, outlen) == 0);
        } else if (want != cases[i].err) {
            FAIL("case %zu: %d want %d", i, want, cases[i].err);
        }
        for (a = 0; a <= n; a++)
            for (b = a; b <= n; b++) {
                size_t ol2, tat2 = 0;
                char out2[256];
                int r = chunked_run(cases[i].in, n, a, b, 0, out2, &ol2, &tat2);
                if (r != want) FAIL("case %zu split %zu/%zu: %d want %d", i, a, b, r, want);
                if (want == 0) {
                    ASSERT_EQ(ol2, outlen);
                    ASSERT(memcmp(out2, out, outlen) == 0);
                    ASSERT_EQ(tat2, tat);
                }
            }
    }
    /* lenient: bare LFs */
    ASSERT_EQ(chunked_run("1\nx\n0\n", 6, 6, 6, ASY_HTTP_LENIENT, out, &outlen, &tat), 0);
    ASSERT_EQ(outlen, 1);
    ASSERT_EQ(tat, 6);
}

TEST(http_chunked_ext_limit) {
    char in[6000];
    char out[16];
    size_t outlen, tat;
    memset(in, 'a', sizeof(in));
    memcpy(in, "1;", 2);
    ASSERT_EQ(chunked_run(in, sizeof(in), 100, 3000, 0, out, &outlen, &tat), ASY_EHTTP_CHUNK_EXT);
}

TEST(http_parse_trailers) {
    asy_http_header_t f[4];
    size_t nf;
    const char *t = "X-Sum: 12\r\nX-B: c\r\n\r\n";
    ASSERT_EQ(asy_http_parse_fields(t, strlen(t), f, 4, &nf, 0), (ptrdiff_t)strlen(t));
    ASSERT_EQ(nf, 2);
    ASSERT(hdr_is(&f[0], "X-Sum", "12"));
    ASSERT_EQ(asy_http_parse_fields("\r\n", 2, f, 4, &nf, 0), 2);
    ASSERT_EQ(nf, 0);
    ASSERT_EQ(asy_http_parse_fields("X: a", 4, f, 4, &nf, 0), 0);
    ASSERT_ERR(asy_http_parse_fields("X : a\r\n\r\n", 9, f, 4, &nf, 0), ASY_EHTTP_HEADER_NAME);
}

/* Random mutations of valid requests: every SIMD level agrees, and no
 * parse reads outside its input (asan build). */
TEST(http_parse_levels_agree_random) {
    static const char base[] =
        "POST /some/long/path/with/segments?and=query&more=stuff HTTP/1.1\r\n"
        "Host: www.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        "Cookie: a=b; c=d; eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee=ffffffffffffffff\r\n"
        "Content-Length: 10\r\n\r\n";
    static const char bytes[] = {'\t', '\r', '\n', ' ', 0x7f, 0x01, 0x1f, (char)0x80, (char)0xff,
                                 ':', 'a', ',', ';', '"', 0};
    unsigned seed = 12345;
    int it;
    char buf[sizeof(base)];
    for (it = 0; it < 3000; it++) {
        asy_http_head_t h;
        ptrdiff_t r0 = 0;
        int lvl, m;
        memcpy(buf, base, sizeof(base));
        for (m = 0; m < 1 + it % 3; m++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % (sizeof(base) - 1)] = bytes[(seed >> 20) % sizeof(bytes)];
        }
        for (lvl = 0; lvl < NLEVELS; lvl++) {
            ptrdiff_t r;
            asy__http_force_level = lvl + 1;
            r = parse_req(buf, sizeof(base) - 1, &h, it & 1 ? ASY_HTTP_LENIENT : 0);
            if (lvl == 0) r0 = r;
            else if (r != r0) FAIL("iteration %d: level %d gives %lld, scalar %lld", it, lvl,
                                   (long long)r, (long long)r0);
        }
    }
    asy__http_force_level = 0;
}

TEST(http_error_names) {
    ASSERT_EQ(asy_http_error_status(ASY_EHTTP_TE_UNKNOWN), 501);
    ASSERT_EQ(asy_http_error_status(ASY_EHTTP_HEADERS_TOO_LARGE), 431);
    ASSERT_EQ(asy_http_error_status(ASY_EHTTP_URI_TOO_LONG), 414);
    ASSERT_EQ(asy_http_error_status(ASY_EHTTP_BODY_TOO_LARGE), 413);
    ASSERT_EQ(asy_http_error_status(ASY_EHTTP_CRLF), 400);
    ASSERT(strcmp(asy_http_error_name(ASY_EHTTP_HEADER_NAME), "HPE_INVALID_HEADER_TOKEN") == 0);
    ASSERT(strcmp(asy_http_status_text(431), "Request Header Fields Too Large") == 0);
    ASSERT(strcmp(asy_http_status_text(299), "") == 0);
}
