/* The https server: examples/https_server against curl, openssl s_client
 * and Node's fetch (outside clients, each skipped with the reason when
 * missing), asyncrt's own fetch against an in-process asy_https_server,
 * and asy_http_server_serve over a plain Duplex (the seam itself). */
#include "../asyncrt.h"
#include "test.h"
#include "net_util.h"
#include "tls_util.h"
#include "example_server.h"

#ifdef ASYNCRT_WITH_MBEDTLS

/* ---- examples/https_server as a child ------------------------------------ */

static pid_t hs_pid;
static int hs_port;

static void hs_start(void) {
    const char *args[3];
    args[0] = pki("chain.crt");
    args[1] = pki("leaf.key");
    args[2] = NULL;
    hs_port = asyt_free_port();
    hs_pid = asyt_example_start("https_server", args, hs_port);
}

static void hs_stop(void) { asyt_example_stop(hs_pid); }

/* Runs a shell command with $URL (https://localhost:PORT), $PORT and $CA
 * set; returns its output (stdout and stderr). */
static const char *hs_sh(const char *cmdline) {
    static char out[65536];
    char cmd[4096], v[128];
    FILE *f;
    size_t n;
    snprintf(v, sizeof(v), "https://localhost:%d", hs_port);
    setenv("URL", v, 1);
    snprintf(v, sizeof(v), "%d", hs_port);
    setenv("PORT", v, 1);
    setenv("CA", pki("ca.crt"), 1);
    snprintf(cmd, sizeof(cmd), "%s 2>&1", cmdline);
    f = popen(cmd, "r");
    if (!f) FAIL("popen");
    n = fread(out, 1, sizeof(out) - 1, f);
    out[n] = 0;
    pclose(f);
    return out;
}

TEST_T(https_server_curl_get_post_and_keep_alive, 30000) {
    const char *out;
    if (!tls_have("curl")) SKIP("curl is not installed");
    hs_start();
    /* two requests on one command line share the connection: the second
     * makes no new connect */
    out = hs_sh("curl -sS --cacert \"$CA\" -w ' %{num_connects} %{http_version} %{ssl_verify_result}\\n' "
                "\"$URL/\" \"$URL/second\"");
    if (strcmp(out, "Hello World 1 1.1 0\nHello World 0 1.1 0\n") != 0) FAIL("curl said:\n%s", out);
    out = hs_sh("curl -sS --cacert \"$CA\" --data-binary 'say \"hi\"' \"$URL/echo\"");
    ASSERT_STR_EQ(out, "{\"received\":\"say \\\"hi\\\"\"}");
    /* 256 KiB of body through TLS records and back (the echo escapes
     * nothing in it) */
    out = hs_sh("head -c 262144 /dev/zero | tr '\\0' x | curl -sS --cacert \"$CA\" "
                "--data-binary @- \"$URL/big\" | wc -c");
    ASSERT_EQ(atoi(out), 262144 + 15); /* + {"received":""} */
    /* without the CA curl must refuse the certificate */
    out = hs_sh("curl -sS --capath /nonexistent --cacert /dev/null \"$URL/\" >/dev/null; echo rc=$?");
    if (!strstr(out, "rc=60") && !strstr(out, "rc=77")) FAIL("curl without the CA:\n%s", out);
    hs_stop();
}

TEST_T(https_server_openssl_s_client, 30000) {
    const char *out;
    if (!tls_have("openssl")) SKIP("openssl is not installed");
    hs_start();
    out = hs_sh("printf 'GET /x HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' | "
                "openssl s_client -connect 127.0.0.1:$PORT -CAfile \"$CA\" -verify_return_error "
                "-servername localhost -verify_hostname localhost -alpn http/1.1 -ign_eof");
    if (!strstr(out, "HTTP/1.1 200 OK")) FAIL("s_client output:\n%s", out);
    ASSERT(strstr(out, "Connection: close") != NULL);
    ASSERT(strstr(out, "Hello World") != NULL);
    ASSERT(strstr(out, "Verify return code: 0 (ok)") != NULL);
    ASSERT(strstr(out, "ALPN protocol: http/1.1") != NULL);
    ASSERT(strstr(out, "TLSv1.2") != NULL);
    hs_stop();
}

TEST_T(https_server_node_fetch, 30000) {
    const char *out;
    if (!tls_have("node")) SKIP("node is not installed");
    hs_start();
    out = hs_sh("NODE_EXTRA_CA_CERTS=\"$CA\" node -e \"(async () => {"
                "const a = await fetch(process.env.URL + '/');"
                "const b = await fetch(process.env.URL + '/p', {method: 'POST', body: 'from node'});"
                "console.log(a.status, await a.text(), b.status, await b.text());"
                "})().catch(e => { console.log('failed', e.cause || e); process.exit(1); })\"");
    ASSERT_STR_EQ(out, "200 Hello World 200 {\"received\":\"from node\"}\n");
    hs_stop();
}

/* Not TLS at all on the TLS port: plain HTTP, then bytes that look like a
 * record header and are not.  Each gets an alert or a close; the server
 * lives on and still answers, and exits cleanly. */
TEST_T(https_server_plain_http_and_garbage_get_closed, 30000) {
    const char *out;
    int i, fd;
    struct sockaddr_in sin;
    static const struct {
        const char *b;
        size_t n;
    } junk[] = {
        {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27},
        {"\x16\x03\x01\x00\x05hello", 10},
        {"\x16\x03\x03\xff\xff", 5},             /* a record longer than allowed */
        {"\x15\x03\x03\x00\x02\x02\x28", 7},   /* an alert before any hello */
        {"\x16\x03\x01\x00\x04\x01\x00\x00\x00", 9}, /* an empty ClientHello */
    };
    if (!tls_have("curl")) SKIP("curl is not installed");
    hs_start();
    for (i = 0; i < (int)(sizeof(junk) / sizeof(junk[0])); i++) {
        char buf[512];
        ssize_t n, total = 0;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)hs_port);
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_OK(connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
        ASSERT_EQ(write(fd, junk[i].b, junk[i].n), (ssize_t)junk[i].n);
        /* the server closes (after an alert, at most a few bytes): read to EOF */
        while ((n = read(fd, buf, sizeof(buf))) > 0) total += n;
        ASSERT(n == 0 || errno == ECONNRESET);
        ASSERT(total < 64);
        close(fd);
    }
    out = hs_sh("curl -sS --cacert \"$CA\" \"$URL/after\"");
    ASSERT_STR_EQ(out, "Hello World");
    hs_stop();
}

/* ---- in process: asyncrt's fetch against asy_https_server --------------- */

static asy_https_server_t hsrv;
static int hs_reqs;
static char hs_alpn[32];

static void hs_request(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    asy_tls_t *tls = (asy_tls_t *)(void *)asy_http_req_io(req);
    const char *alpn;
    ASSERT(srv == &hsrv.http);
    ASSERT_NOT_NULL(tls);
    alpn = asy_tls_alpn_protocol(tls);
    snprintf(hs_alpn, sizeof(hs_alpn), "%s", alpn ? alpn : "none");
    hs_reqs++;
    asy_http_res_set_header(res, "Content-Type", "text/plain");
    asy_http_res_end(res, "secure hello", 12);
}

typedef struct {
    int state; /* 0 waiting, 1 got the text, 2 failed */
    int status, err;
    char text[64];
} hs_got;

static void hs_text_done(void *arg, const asy_settled_t *in) {
    hs_got *g = (hs_got *)arg;
    if (in->state == ASY_PROMISE_REJECTED) {
        g->err = in->error;
        g->state = 2;
        return;
    }
    snprintf(g->text, sizeof(g->text), "%s", ((asy_fetch_bytes_t *)in->value)->data);
    g->state = 1;
}

static void hs_fetched(void *arg, const asy_settled_t *in) {
    hs_got *g = (hs_got *)arg;
    asy_promise_t *t;
    if (in->state == ASY_PROMISE_REJECTED) {
        g->err = in->error;
        g->state = 2;
        return;
    }
    g->status = ((asy_fetch_response_t *)in->value)->status;
    t = asy_fetch_text((asy_fetch_response_t *)in->value);
    ASSERT_NOT_NULL(t);
    asy_promise_on_settled(t, hs_text_done, g);
    asy_promise_release(t);
}

static void hs_fetch(asy_loop_t *loop, const char *url, asy_http_agent_t *agent,
                     asy_tls_context_t *ctx, hs_got *g) {
    asy_fetch_opts_t o;
    asy_promise_t *p;
    memset(&o, 0, sizeof(o));
    memset(g, 0, sizeof(*g));
    o.agent = agent;
    o.tls_context = ctx;
    p = asy_fetch(loop, url, &o);
    ASSERT_NOT_NULL(p);
    asy_promise_on_settled(p, hs_fetched, g);
    while (g->state == 0) asy_run(loop, ASY_RUN_ONCE);
    asy_promise_release(p);
}

static int hs_closed_n;
static void hs_closed(asy_handle_t *h) {
    ASSERT(h->data == &hsrv);
    hs_closed_n++;
}
static void hs_agent_closed(asy_http_agent_t *a) { (void)a; }

/* Three fetches through one agent: one TLS connection, reused twice;
 * the handler sees the TLS stream (ALPN) through asy_http_req_io. */
TEST_T(https_server_asyncrt_fetch_keep_alive, 30000) {
    static const char *const h11[] = {"http/1.1", NULL};
    asy_loop_t loop;
    asy_tls_context_t *sctx, *cctx;
    asy_http_agent_t agent;
    asy_http_agent_opts_t ao;
    asy_http_agent_stats_t st;
    hs_got g;
    char url[96];
    int i;
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", h11);
    cctx = client_ctx("ca.crt", h11);
    hs_reqs = 0;
    hs_closed_n = 0;
    ASSERT_OK(asy_https_server_init(&loop, &hsrv, sctx, NULL, hs_request));
    ASSERT_OK(asy_https_server_listen(&hsrv, "127.0.0.1", 0, 0));
    asy_tls_context_unref(sctx); /* the server keeps its reference */
    memset(&ao, 0, sizeof(ao));
    ao.tls_context = cctx;
    ASSERT_OK(asy_http_agent_init(&loop, &agent, &ao));
    snprintf(url, sizeof(url), "https://localhost:%d/n", asy_https_server_port(&hsrv));
    for (i = 0; i < 3; i++) {
        hs_fetch(&loop, url, &agent, NULL, &g);
        if (g.state != 1) FAIL("fetch %d: %s", i, asy_err_name(g.err));
        ASSERT_EQ(g.status, 200);
        ASSERT_STR_EQ(g.text, "secure hello");
    }
    ASSERT_EQ(hs_reqs, 3);
    ASSERT_STR_EQ(hs_alpn, "http/1.1");
    asy_http_agent_get_stats(&agent, &st);
    ASSERT_EQ(st.created, 1);
    ASSERT_EQ(st.reused, 2);
    /* a client that does not trust the CA fails with a verification code */
    hs_fetch(&loop, url, NULL, NULL, &g);
    ASSERT_EQ(g.state, 2);
    ASSERT(g.err != 0);
    asy_http_agent_close(&agent, hs_agent_closed);
    asy_https_server_close(&hsrv, hs_closed);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(hs_closed_n, 1);
    ASSERT_EQ(asy_https_server_port(&hsrv), ASY_EBADF);
    asy_tls_context_unref(cctx);
    ASSERT_OK(asy_loop_close(&loop));
}

TEST(https_server_bad_arguments) {
    static const char *const h11[] = {"http/1.1", NULL};
    asy_loop_t loop;
    asy_tls_context_t *sctx, *cctx;
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", h11);
    cctx = client_ctx("ca.crt", h11);
    ASSERT_ERR(asy_https_server_init(NULL, &hsrv, sctx, NULL, hs_request), ASY_EINVAL);
    ASSERT_ERR(asy_https_server_init(&loop, &hsrv, NULL, NULL, hs_request), ASY_EINVAL);
    ASSERT_ERR(asy_https_server_init(&loop, &hsrv, sctx, NULL, NULL), ASY_EINVAL);
    ASSERT_OK(asy_https_server_init(&loop, &hsrv, sctx, NULL, hs_request));
    ASSERT_ERR(asy_https_server_port(&hsrv), ASY_EBADF); /* not listening */
    ASSERT_ERR(asy_https_server_listen(&hsrv, "not an address", 0, 0), ASY_EINVAL);
    ASSERT_OK(asy_https_server_listen(&hsrv, "127.0.0.1", 0, 0));
    ASSERT_ERR(asy_https_server_listen(&hsrv, "127.0.0.1", 0, 0), ASY_EINVAL);
    ASSERT_ERR(asy_https_server_set_tls_opts(&hsrv, NULL), ASY_EINVAL);
    asy_https_server_close(&hsrv, NULL);
    asy_https_server_close(&hsrv, NULL); /* once is enough */
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(cctx);
    ASSERT_OK(asy_loop_close(&loop));
}

/* ---- the seam: asy_http_server_serve over any Duplex --------------------- */

static asy_http_server_t plain;
static int plain_io_closed;

static void plain_request(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    char body[64];
    int n = snprintf(body, sizeof(body), "%.*s %.*s", (int)req->head.method_len,
                     req->head.method, (int)req->head.target_len, req->head.target);
    (void)srv;
    ASSERT_NOT_NULL(asy_http_req_io(req));
    asy_http_res_end(res, body, (size_t)n);
}

static void plain_sock_closed(asy_stream_t *s) {
    plain_io_closed++;
    free(s);
}
static const asy_stream_events_t plain_sock_events = {NULL, NULL, NULL, NULL, NULL,
                                                      NULL, plain_sock_closed, NULL, NULL};

/* An asy_socket_t on one end of a socketpair is the Duplex; the test
 * speaks raw HTTP/1.1 on the other end: two pipelined requests, then a
 * third with Connection: close, and the server must end the stream. */
TEST_T(http_server_serves_any_duplex, 15000) {
    asy_loop_t loop;
    asy_socket_t *sock;
    asy_os_sock_t sv[2];
    char buf[2048];
    size_t got = 0;
    static const char reqs[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                               "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                               "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    net_loop_init(&loop, "epoll");
    plain_io_closed = 0;
    ASSERT_OK(asy_http_server_init(&loop, &plain, NULL, plain_request));
    ASSERT_OK(asy_socketpair(sv));
    sock = (asy_socket_t *)calloc(1, sizeof(*sock));
    ASSERT_NOT_NULL(sock);
    ASSERT_OK(asy_socket_init(&loop, sock, NULL));
    ASSERT_OK(asy_socket_open(sock, sv[0]));
    ASSERT_OK(asy_stream_set_events(&sock->stream, &plain_sock_events));
    ASSERT_OK(asy_http_server_serve(&plain, &sock->stream));
    ASSERT_EQ(asy_http_server_connections(&plain), 1);
    ASSERT_EQ(write(sv[1], reqs, sizeof(reqs) - 1), (ssize_t)(sizeof(reqs) - 1));
    /* the server ends its side after the third response: read to EOF */
    while (!plain_io_closed || got == 0) {
        ssize_t n;
        asy_run(&loop, ASY_RUN_NOWAIT);
        n = recv(sv[1], buf + got, sizeof(buf) - 1 - got, MSG_DONTWAIT);
        if (n > 0) got += (size_t)n;
        if (n == 0) break;
        if (n < 0) usleep(1000);
    }
    buf[got] = 0;
    ASSERT(strstr(buf, "GET /a") != NULL);
    ASSERT(strstr(buf, "POST /b") != NULL);
    ASSERT(strstr(buf, "GET /c") != NULL);
    ASSERT(strstr(buf, "GET /a") < strstr(buf, "POST /b")); /* in request order */
    ASSERT(strstr(buf, "POST /b") < strstr(buf, "GET /c"));
    ASSERT(strstr(buf, "Connection: close") != NULL);
    close(sv[1]);
    while (!plain_io_closed) asy_run(&loop, ASY_RUN_ONCE);
    ASSERT_EQ(asy_http_server_connections(&plain), 0);
    /* a readable-only stream is not a connection */
    ASSERT_ERR(asy_http_server_serve(&plain, NULL), ASY_EINVAL);
    asy_http_server_close(&plain, NULL);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_OK(asy_loop_close(&loop));
}

#endif
