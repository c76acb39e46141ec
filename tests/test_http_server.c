/* The HTTP server over real sockets: raw bytes in, raw bytes out.  Each
 * test runs a server on its own loop thread (http_util.h). */
#include "../asyncrt.h"
#include "test.h"
#include "http_util.h"
#include "net_util.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

static char big[1 << 20];

/* One connection: send the bytes, read until the server closes. */
static ptrdiff_t exchange(int port, const char *req, size_t n, int ms) {
    int fd = http_connect(port);
    ptrdiff_t r;
    send_all(fd, req, n);
    r = read_until_eof(fd, big, sizeof(big), ms);
    close(fd);
    return r;
}

TEST(http_server_get_keep_alive) {
    tsrv t;
    int port, fd;
    const char *req = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, hello_cb);
    fd = http_connect(port);
    send_all(fd, req, strlen(req));
    ASSERT(read_until(fd, big, sizeof(big), "Hello World", 2000) > 0);
    ASSERT(strncmp(big, "HTTP/1.1 200 OK\r\n", 17) == 0);
    ASSERT(strstr(big, "Content-Length: 11\r\n") != NULL);
    ASSERT(strstr(big, "Content-Type: text/plain\r\n") != NULL);
    ASSERT(strstr(big, "\r\nDate: ") != NULL);
    /* the same connection serves a second request */
    send_all(fd, req, strlen(req));
    ASSERT(read_until(fd, big, sizeof(big), "Hello World", 2000) > 0);
    close(fd);
    tsrv_stop(&t);
}

/* Answers with the request-target, after a delay taken from it
 * ("/d<ms>/..."), so later requests may be ready first. */
typedef struct {
    asy_http_res_t *res;
    char path[64];
} delayed;

static void delayed_fire(void *arg) {
    delayed *d = (delayed *)arg;
    asy_http_res_end(d->res, d->path, strlen(d->path));
    free(d);
}

static void path_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    delayed *d = (delayed *)calloc(1, sizeof(*d));
    int ms = 0;
    size_t n = req->head.target_len < 63 ? req->head.target_len : 63;
    memcpy(d->path, req->head.target, n);
    d->res = res;
    if (sscanf(d->path, "/d%d", &ms) == 1 && ms > 0)
        asy_set_timeout(srv->loop, delayed_fire, d, (uint64_t)ms);
    else
        delayed_fire(d);
}

TEST(http_server_pipelined_in_order) {
    tsrv t;
    int port, fd, i;
    char req[8192], *p = req, want[64];
    const char *at;
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, path_cb);
    for (i = 0; i < 20; i++)
        p += sprintf(p, "GET /d%d/%d HTTP/1.1\r\nHost: a\r\n\r\n", (20 - i) % 4 * 15, i);
    p += sprintf(p, "GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    fd = http_connect(port);
    send_all(fd, req, (size_t)(p - req));
    ASSERT_GT(read_until_eof(fd, big, sizeof(big), 5000), 0);
    close(fd);
    at = big;
    for (i = 0; i < 20; i++) {
        sprintf(want, "\r\n\r\n/d%d/%d", (20 - i) % 4 * 15, i);
        at = strstr(at, want);
        if (!at) FAIL("response %d missing or out of order:\n%s", i, big);
    }
    ASSERT(strstr(at, "/last") != NULL);
    ASSERT_EQ(count_str(big, "HTTP/1.1 200 OK"), 21);
    tsrv_stop(&t);
}

/* A pipelined batch (content-length body, chunked body with trailers, a
 * GET) written in two pieces split at every offset: the same answers. */
TEST_T(http_server_split_at_every_offset, 30000) {
    static const char batch[] =
        "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3;x=y\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n"
        "GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    static char first[4096];
    tsrv t;
    int port;
    size_t k, n = sizeof(batch) - 1;
    ptrdiff_t len0 = 0;
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, hello_cb);
    for (k = 0; k <= n; k++) {
        int fd = http_connect(port);
        ptrdiff_t r;
        char *a, *b;
        send_all(fd, batch, k);
        usleep(1000);
        send_all(fd, batch + k, n - k);
        r = read_until_eof(fd, big, sizeof(big), 3000);
        close(fd);
        if (r <= 0) FAIL("split %zu: no close (%lld)", k, (long long)r);
        ASSERT_EQ(count_str(big, "HTTP/1.1 200 OK"), 3);
        ASSERT(strstr(big, "\r\n\r\nhello") != NULL);
        ASSERT(strstr(big, "\r\n\r\nabcdefg") != NULL);
        ASSERT(strstr(big, "\r\n\r\nHello World") != NULL);
        /* byte for byte the same, but for the Date lines */
        a = strstr(big, "Date: ");
        while (a) {
            memset(a + 6, 'x', 29);
            a = strstr(a + 6, "Date: ");
        }
        if (k == 0) {
            memcpy(first, big, (size_t)r + 1);
            len0 = r;
        } else {
            ASSERT_EQ(r, len0);
            b = first;
            ASSERT(memcmp(b, big, (size_t)r) == 0);
        }
    }
    tsrv_stop(&t);
}

typedef struct {
    const char *bytes;
    int status;
} reject;

static const reject rejects[] = {
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo\r\n\r\n", 501},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 501},
    {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nx", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 1\r\n\r\nx", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,1\r\n\r\nx", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551617\r\n\r\nx", 400},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n  folded\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400},
    {"GET / HTTP/1.1\nHost: a\n\n", 400},
    {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHo\"st: a\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fz\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a\r\nX: a\0z\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\nx\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxx\r\n0\r\n\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a=\"b\x01\"\r\nx\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\r\nx\r\n", 400},
    {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400},
    {"GET / HTTP/1.1\r\n\r\n", 400},
    {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
    {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
    {"GET / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n", 417},
    {"G@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
};

static void check_rejected(const char *what, int status, ptrdiff_t r) {
    char want[32];
    if (r < 0) FAIL("%s: the server did not close (got %lld bytes: %s)", what, (long long)(-1 - r), big);
    sprintf(want, "HTTP/1.1 %d ", status);
    if (strncmp(big, want, strlen(want)) != 0) FAIL("%s: want %d, got:\n%s", what, status, big);
    /* one response and nothing after it */
    if (count_str(big, "HTTP/1.1 ") != 1) FAIL("%s: more than one response:\n%s", what, big);
    if (!strstr(big, "Connection: close\r\n")) FAIL("%s: no Connection: close", what);
    if (strlen(strstr(big, "\r\n\r\n")) != 4) FAIL("%s: bytes after the response", what);
}

TEST_T(http_server_rejections, 20000) {
    tsrv t;
    int port;
    size_t i;
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, hello_cb);
    for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
        char what[32];
        size_t n = strlen(rejects[i].bytes);
        if (i == 22) n = strlen("GET / HTTP/1.1\r\nHost: a\r\nX: a") + 1 + strlen("z\r\n\r\n");
        sprintf(what, "case %zu", i);
        check_rejected(what, rejects[i].status, exchange(port, rejects[i].bytes, n, 2000));
    }
    tsrv_stop(&t);
}

TEST(http_server_reject_sizes) {
    tsrv t;
    asy_http_server_opts_t o;
    int port;
    size_t n;
    static char req[40000];
    memset(&t, 0, sizeof(t));
    memset(&o, 0, sizeof(o));
    o.max_body_size = 10;
    port = tsrv_start(&t, &o, hello_cb);
    /* a head above maxHeaderSize (16 KiB): 431 */
    n = (size_t)sprintf(req, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
    memset(req + n, 'a', 17000);
    n += 17000;
    n += (size_t)sprintf(req + n, "\r\n\r\n");
    check_rejected("431", 431, exchange(port, req, n, 2000));
    /* a 431 while the head is still arriving, too */
    check_rejected("431 partial", 431, exchange(port, req, 16500, 2000));
    /* a request-target above 8 KiB: 414 */
    n = (size_t)sprintf(req, "GET /");
    memset(req + n, 'a', 9000);
    n += 9000;
    n += (size_t)sprintf(req + n, " HTTP/1.1\r\nHost: a\r\n\r\n");
    check_rejected("414", 414, exchange(port, req, n, 2000));
    /* a body above max_body_size: 413, by length or by chunks */
    n = (size_t)sprintf(req, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n0123456789a");
    check_rejected("413", 413, exchange(port, req, n, 2000));
    n = (size_t)sprintf(req, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n");
    check_rejected("413 chunked", 413, exchange(port, req, n, 2000));
    tsrv_stop(&t);
}

TEST(http_server_data_after_close_ignored) {
    tsrv t;
    int port;
    const char *req = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                      "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n";
    ptrdiff_t r;
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, hello_cb);
    r = exchange(port, req, strlen(req), 2000);
    ASSERT_GT(r, 0);
    ASSERT_EQ(count_str(big, "HTTP/1.1 "), 1);
    ASSERT(strstr(big, "Connection: close\r\n") != NULL);
    ASSERT(strcmp(strstr(big, "\r\n\r\n"), "\r\n\r\nHello World") == 0);
    tsrv_stop(&t);
}

TEST_T(http_server_drip_client_gets_408, 10000) {
    tsrv t;
    asy_http_server_opts_t o;
    int port, fd, i;
    const char *req = "GET / HTTP/1.1\r\nHost: a\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    double t0;
    ptrdiff_t r;
    memset(&t, 0, sizeof(t));
    memset(&o, 0, sizeof(o));
    o.headers_timeout_ms = 2000;
    port = tsrv_start(&t, &o, hello_cb);
    fd = http_connect(port);
    t0 = now_ms();
    /* one byte every 100 ms: never a whole head before the deadline */
    for (i = 0; i < 40 && req[i]; i++) {
        struct pollfd p;
        send_all(fd, req + i, 1);
        p.fd = fd;
        p.events = POLLIN;
        if (poll(&p, 1, 100) > 0) break;
    }
    r = read_until_eof(fd, big, sizeof(big), 5000);
    close(fd);
    check_rejected("drip", 408, r);
    if (now_ms() - t0 > 3000) FAIL("408 after %.0f ms", now_ms() - t0);
    if (now_ms() - t0 < 1900) FAIL("408 too early: %.0f ms", now_ms() - t0);
    tsrv_stop(&t);
}

TEST(http_server_expect_continue) {
    tsrv t;
    int port, fd;
    const char *head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, hello_cb);
    fd = http_connect(port);
    send_all(fd, head, strlen(head));
    ASSERT(read_until(fd, big, sizeof(big), "\r\n\r\n", 2000) > 0);
    ASSERT_STR_EQ(big, "HTTP/1.1 100 Continue\r\n\r\n");
    send_all(fd, "body", 4);
    ASSERT(read_until(fd, big, sizeof(big), "\r\n\r\nbody", 2000) > 0);
    ASSERT(strncmp(big, "HTTP/1.1 200 OK\r\n", 17) == 0);
    close(fd);
    tsrv_stop(&t);
}

static void check_continue_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    (void)req;
    asy_http_res_write_head(res, 417, NULL);
    asy_http_res_end(res, NULL, 0);
}

TEST(http_server_check_continue_hook) {
    tsrv t;
    asy_http_server_opts_t o;
    int port, fd;
    const char *head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
    memset(&t, 0, sizeof(t));
    memset(&o, 0, sizeof(o));
    o.check_continue = check_continue_cb;
    port = tsrv_start(&t, &o, hello_cb);
    fd = http_connect(port);
    send_all(fd, head, strlen(head));
    ASSERT(read_until(fd, big, sizeof(big), "\r\n\r\n", 2000) > 0);
    ASSERT(strncmp(big, "HTTP/1.1 417 Expectation Failed\r\n", 33) == 0);
    close(fd);
    tsrv_stop(&t);
}

static void chunked_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    (void)req;
    ASSERT_OK(asy_http_res_set_header(res, "X-Later", "1"));
    ASSERT_OK(asy_http_res_set_header(res, "x-later", "2")); /* replaces */
    ASSERT(strcmp(asy_http_res_get_header(res, "X-LATER"), "2") == 0);
    ASSERT_OK(asy_http_res_set_header(res, "X-Gone", "1"));
    ASSERT_OK(asy_http_res_remove_header(res, "x-gone"));
    ASSERT(asy_http_res_get_header(res, "x-gone") == NULL);
    ASSERT_ERR(asy_http_res_set_header(res, "Bad Name", "1"), ASY_EINVAL);
    ASSERT_ERR(asy_http_res_set_header(res, "X", "a\r\nInjected: 1"), ASY_EINVAL);
    asy_http_res_write_head(res, 201, "Made");
    asy_http_res_write(res, "abc", 3, NULL, NULL);
    ASSERT_ERR(asy_http_res_set_header(res, "X-Late", "1"), ASY_EBUSY);
    asy_http_res_write(res, "defgh", 5, NULL, NULL);
    asy_http_res_add_trailer(res, "X-Sum", "8");
    asy_http_res_end(res, NULL, 0);
}

TEST(http_server_chunked_response_with_trailers) {
    tsrv t;
    int port;
    const char *req = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, chunked_cb);
    ASSERT_GT(exchange(port, req, strlen(req), 2000), 0);
    ASSERT(strncmp(big, "HTTP/1.1 201 Made\r\n", 19) == 0);
    ASSERT(strstr(big, "\r\nx-later: 2\r\n") != NULL); /* the last casing, as Node */
    ASSERT(strstr(big, "X-Gone") == NULL);
    ASSERT(strstr(big, "Transfer-Encoding: chunked\r\n") != NULL);
    ASSERT(strstr(big, "\r\n\r\n3\r\nabc\r\n5\r\ndefgh\r\n0\r\nX-Sum: 8\r\n\r\n") != NULL);
    tsrv_stop(&t);
}

TEST(http_server_head_and_http10) {
    tsrv t;
    int port;
    const char *head = "HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    const char *v10 = "GET / HTTP/1.0\r\n\r\n";
    const char *v10ka = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n";
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, hello_cb);
    ASSERT_GT(exchange(port, head, strlen(head), 2000), 0);
    ASSERT(strstr(big, "Content-Length: 11\r\n") != NULL);
    ASSERT(strlen(strstr(big, "\r\n\r\n")) == 4); /* no body */
    ASSERT_GT(exchange(port, v10, strlen(v10), 2000), 0); /* closes after one */
    ASSERT(strstr(big, "Connection: close\r\n") != NULL);
    ASSERT_GT(exchange(port, v10ka, strlen(v10ka), 2000), 0);
    ASSERT_EQ(count_str(big, "HTTP/1.1 200 OK"), 2);
    ASSERT(strstr(big, "Connection: keep-alive\r\n") != NULL);
    tsrv_stop(&t);
}

TEST(http_server_keep_alive_timeout) {
    tsrv t;
    asy_http_server_opts_t o;
    int port, fd;
    double t0;
    const char *req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    memset(&t, 0, sizeof(t));
    memset(&o, 0, sizeof(o));
    o.keep_alive_timeout_ms = 300;
    port = tsrv_start(&t, &o, hello_cb);
    fd = http_connect(port);
    send_all(fd, req, strlen(req));
    t0 = now_ms();
    ASSERT_GT(read_until_eof(fd, big, sizeof(big), 3000), 0); /* the server closes it */
    ASSERT_LT(now_ms() - t0, 1500);
    ASSERT_GE(now_ms() - t0, 250);
    ASSERT_EQ(count_str(big, "HTTP/1.1 200"), 1);
    close(fd);
    tsrv_stop(&t);
}

TEST(http_server_max_requests_per_socket) {
    tsrv t;
    asy_http_server_opts_t o;
    int port;
    const char *req = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
    memset(&t, 0, sizeof(t));
    memset(&o, 0, sizeof(o));
    o.max_requests_per_socket = 2;
    port = tsrv_start(&t, &o, hello_cb);
    ASSERT_GT(exchange(port, req, strlen(req), 2000), 0);
    ASSERT_EQ(count_str(big, "HTTP/1.1 200"), 2);
    ASSERT_EQ(count_str(big, "Connection: close"), 1);
    tsrv_stop(&t);
}

static void upgrade_cb(asy_http_server_t *srv, asy_http_req_t *req, int fd, const char *head,
                       size_t n) {
    char out[256];
    int len;
    (void)srv;
    ASSERT(asy_http_req_header(req, "upgrade", NULL) != NULL);
    len = snprintf(out, sizeof(out), "HTTP/1.1 101 Switching Protocols\r\n\r\n[%.*s]", (int)n, head);
    ASSERT_EQ(write(fd, out, (size_t)len), len);
    close(fd);
}

TEST(http_server_upgrade_hook) {
    tsrv t;
    asy_http_server_opts_t o;
    int port;
    const char *req = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nRAW";
    memset(&t, 0, sizeof(t));
    memset(&o, 0, sizeof(o));
    o.on_upgrade = upgrade_cb;
    port = tsrv_start(&t, &o, hello_cb);
    ASSERT_GT(exchange(port, req, strlen(req), 2000), 0);
    ASSERT_STR_EQ(big, "HTTP/1.1 101 Switching Protocols\r\n\r\n[RAW]");
    tsrv_stop(&t);
}

static void trailers_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res);
static asy_http_req_t *trailer_req;
static asy_http_res_t *trailer_res;

static void trailers_end(asy_stream_t *s) {
    size_t n;
    const char *v = asy_http_req_trailer(trailer_req, "x-checksum", &n);
    (void)s;
    asy_http_res_end(trailer_res, v ? v : "none", v ? n : 4);
}

static void trailers_data(asy_stream_t *s, const asy_buf_t *b) {
    (void)s;
    (void)b;
}

static const asy_stream_events_t trailer_events = {trailers_data, NULL, trailers_end, NULL, NULL,
                                                 NULL,          NULL, NULL,         NULL};

static void trailers_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    trailer_req = req;
    trailer_res = res;
    asy_stream_set_events(&req->stream, &trailer_events);
}

TEST(http_server_request_trailers) {
    tsrv t;
    int port;
    const char *req = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                      "2\r\nab\r\n0\r\nX-Checksum: 42\r\n\r\n";
    memset(&t, 0, sizeof(t));
    port = tsrv_start(&t, NULL, trailers_cb);
    ASSERT_GT(exchange(port, req, strlen(req), 2000), 0);
    ASSERT(strstr(big, "\r\n\r\n42") != NULL);
    tsrv_stop(&t);
}

/* ---- slow clients and many clients --------------------------------------- */

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = -1;
    fclose(f);
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

#define HUNDRED_MB (100u * 1024 * 1024)
static size_t flood_sent;
static asy_http_res_t *flood_res;
static char flood_chunk[65536];

static void flood_more(asy_stream_t *s) {
    (void)s;
    while (flood_sent < HUNDRED_MB) {
        int r = asy_http_res_write(flood_res, flood_chunk, sizeof(flood_chunk), NULL, NULL);
        flood_sent += sizeof(flood_chunk);
        if (r == 0) return; /* wait for drain */
    }
    asy_http_res_end(flood_res, NULL, 0);
}

static const asy_stream_events_t flood_events = {NULL, NULL, NULL, NULL, flood_more,
                                               NULL, NULL, NULL, NULL};

static void flood_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    (void)req;
    flood_res = res;
    asy_http_res_set_header(res, "Content-Length", "104857600");
    asy_stream_set_events(&res->stream, &flood_events);
    flood_more(&res->stream);
}

TEST_T(http_server_never_read_100mb_response_bounded, 20000) {
    tsrv t;
    int port, fd, rcv = 4096;
    long before, after;
    const char *req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    memset(&t, 0, sizeof(t));
    before = rss_kb();
    port = tsrv_start(&t, NULL, flood_cb);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
    close(fd);
    fd = http_connect(port);
    send_all(fd, req, strlen(req));
    usleep(1500 * 1000); /* the client never reads */
    after = rss_kb();
    close(fd);
    tsrv_stop(&t); /* flood_sent is the server thread's until then */
    printf("sent into the socket: %zu bytes; RSS %ld -> %ld KiB\n", flood_sent, before, after);
    ASSERT_LT(flood_sent, 16u * 1024 * 1024); /* held back by TCP and the highWaterMark */
    ASSERT_LT(after - before, 16 * 1024);
}

/* The client side lives in a child process, so each process needs only
 * 10,000 descriptors. */
TEST_T(http_server_10k_idle_keep_alive, 20000) {
    enum { N = 10000 };
    tsrv t;
    asy_http_server_opts_t o;
    int port, i, to_child[2], from_child[2], status;
    long before, after;
    char ok = 0;
    pid_t pid;
    raise_nofile(N + 200);
    if (pipe(to_child) != 0 || pipe(from_child) != 0) FAIL("pipe");
    pid = fork();
    if (pid == 0) {
        static int fds[N];
        const char *req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        char buf[4096], c = 'k';
        if (read(to_child[0], &port, sizeof(port)) != (ssize_t)sizeof(port)) _exit(2);
        for (i = 0; i < N; i++) {
            fds[i] = http_connect(port);
            send_all(fds[i], req, strlen(req));
            if (read_until(fds[i], buf, sizeof(buf), "Hello World", 3000) < 0) _exit(3);
        }
        if (write(from_child[1], &c, 1) != 1) _exit(4);
        if (read(to_child[0], &c, 1) != 1) _exit(5); /* hold them until told */
        _exit(0);
    }
    memset(&t, 0, sizeof(t));
    memset(&o, 0, sizeof(o));
    o.keep_alive_timeout_ms = 60000;
    before = rss_kb();
    port = tsrv_start(&t, &o, hello_cb);
    ASSERT_EQ(write(to_child[1], &port, sizeof(port)), (ssize_t)sizeof(port));
    ASSERT_EQ(read(from_child[0], &ok, 1), 1);
    usleep(100 * 1000); /* the last responses' writes complete */
    after = rss_kb();
    ASSERT_EQ(tsrv_connections(&t), N);
    printf("10000 idle keep-alive connections, one request served on each: %.0f bytes of server "
           "RSS per connection\n", (after - before) * 1024.0 / N);
    ASSERT_LT((after - before) * 1024.0 / N, 16384);
    ASSERT_EQ(write(to_child[1], &ok, 1), 1);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    tsrv_stop(&t);
}

/* ---- keep-alive requests answered later (from a timer) ------------------ */

/* Each of 3 connections carries 6 sequential requests; the handler answers
 * after `ms` (0: asy_set_immediate).  mode 0: request k+1 is written only
 * once response k was read; mode 1: request k+1 is written while response
 * k is still pending (pipelined behind it); mode 2: both at once. */
static void later_keep_alive(int ms, int mode) {
    tsrv t;
    int port, fd[3], i, k, delay = ms;
    const char *req = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
    memset(&t, 0, sizeof(t));
    t.data = &delay;
    port = tsrv_start(&t, NULL, later_cb);
    for (i = 0; i < 3; i++) fd[i] = http_connect(port);
    for (k = 0; k < 6; k += mode ? 2 : 1) {
        for (i = 0; i < 3; i++) {
            send_all(fd[i], req, strlen(req));
            if (mode == 2) send_all(fd[i], req, strlen(req));
        }
        if (mode == 1) {
            usleep(ms > 1 ? (useconds_t)ms * 250 : 200); /* response k still pending */
            for (i = 0; i < 3; i++) send_all(fd[i], req, strlen(req));
        }
        for (i = 0; i < 3; i++) {
            ptrdiff_t n = 0;
            size_t have = 0;
            int want = mode ? 2 : 1;
            double end = now_ms() + 3000;
            big[0] = 0;
            /* read until `want` whole responses arrived */
            while (count_str(big, "Hello World") < want) {
                struct pollfd p;
                p.fd = fd[i];
                p.events = POLLIN;
                if (now_ms() > end)
                    FAIL("ms=%d mode=%d: conn %d request %d never answered; got:\n%s", ms, mode,
                         i, k, big);
                if (poll(&p, 1, 100) <= 0) continue;
                n = recv(fd[i], big + have, sizeof(big) - 1 - have, 0);
                if (n <= 0) FAIL("ms=%d mode=%d: conn %d closed at request %d", ms, mode, i, k);
                have += (size_t)n;
                big[have] = 0;
            }
            ASSERT_EQ(count_str(big, "HTTP/1.1 200 OK"), want);
        }
    }
    for (i = 0; i < 3; i++) close(fd[i]);
    tsrv_stop(&t);
}

TEST_T(http_server_keep_alive_answered_later_sequential, 10000) {
    later_keep_alive(0, 0);
    later_keep_alive(1, 0);
    later_keep_alive(20, 0);
}

TEST_T(http_server_keep_alive_answered_later_pipelined, 10000) {
    later_keep_alive(0, 1);
    later_keep_alive(1, 1);
    later_keep_alive(20, 1);
    later_keep_alive(0, 2);
    later_keep_alive(1, 2);
    later_keep_alive(20, 2);
}
