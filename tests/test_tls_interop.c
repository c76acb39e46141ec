/* TLS against other implementations: openssl s_client and s_server,
 * Node's https server. */
#include "../asyncrt.h"
#include "test.h"
#include "net_util.h"
#include "tls_util.h"

#ifdef ASYNCRT_WITH_MBEDTLS

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    char *b;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (char *)calloc(1, (size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
    fclose(f);
    return b;
}

static const char *const h11[] = {"http/1.1", NULL};

TEST_T(tls_openssl_s_client_against_server, 30000) {
    asy_loop_t loop;
    tsrv sv;
    asy_tls_context_t *sctx;
    char cmd[2048], out[64];
    char *text;
    pid_t p;
    int st;
    memset(&sv, 0, sizeof(sv));
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", h11);
    tsrv_start(&loop, &sv, sctx, 0);
    sv.reply_end = 1;
    sv.stop_after = 1;
    snprintf(out, sizeof(out), "tls-sclient-%d.out", (int)getpid());
    snprintf(cmd, sizeof(cmd),
             "printf 'hello from s_client' | exec openssl s_client -connect 127.0.0.1:%d "
             "-CAfile '%s' -verify_return_error -servername localhost -verify_hostname localhost "
             "-alpn http/1.1 -ign_eof >%s 2>&1",
             tsrv_port(&sv), pki("ca.crt"), out);
    p = tls_spawn(cmd);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(waitpid(p, &st, 0), p);
    text = slurp(out);
    ASSERT_NOT_NULL(text);
    if (!strstr(text, "pong:hello from s_client")) FAIL("s_client output:\n%s", text);
    ASSERT(strstr(text, "Verify return code: 0 (ok)") != NULL);
    ASSERT(strstr(text, "ALPN protocol: http/1.1") != NULL);
    ASSERT(strstr(text, "TLSv1.2") != NULL);
    ASSERT_EQ(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
    ASSERT_EQ(sv.secured, 1);
    ASSERT_EQ(sv.last_err, 0);
    free(text);
    unlink(out);
    asy_tls_context_unref(sctx);
    net_loop_finish(&loop);
}

/* s_client refuses TLS 1.1 from us: the server's minimum is 1.2. */
TEST_T(tls_rejects_tls11, 30000) {
    asy_loop_t loop;
    tsrv sv;
    asy_tls_context_t *sctx;
    char cmd[2048];
    pid_t p;
    int st;
    memset(&sv, 0, sizeof(sv));
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", NULL);
    tsrv_start(&loop, &sv, sctx, 0);
    sv.stop_after = 1;
    snprintf(cmd, sizeof(cmd),
             "exec openssl s_client -connect 127.0.0.1:%d -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' "
             "</dev/null >/dev/null 2>&1",
             tsrv_port(&sv));
    p = tls_spawn(cmd);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(waitpid(p, &st, 0), p);
    ASSERT_EQ(sv.secured, 0);
    ASSERT_EQ(sv.failed, 1);
    ASSERT(sv.last_err == ASY_ETLS_VERSION || sv.last_err == ASY_ETLS_BAD_RECORD ||
           sv.last_err == ASY_ETLS_NO_SHARED_CIPHER);
    asy_tls_context_unref(sctx);
    net_loop_finish(&loop);
}

/* An asyncrt client against a foreign server on port: sends req, reads
 * everything, returns the text. */
static char *client_fetch(int port, const char *servername, const char *req, int *err) {
    asy_loop_t loop;
    tconn c;
    asy_tls_context_t *cctx;
    char *text;
    memset(&c, 0, sizeof(c));
    net_loop_init(&loop, "epoll");
    cctx = client_ctx("ca.crt", h11);
    tc_connect(&loop, &c, port, cctx, servername, 0);
    asy_stream_write_bytes(&c.tls.stream, req, strlen(req), NULL, NULL);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    *err = c.err;
    text = c.buf ? c.buf : strdup("");
    asy_tls_context_unref(cctx);
    net_loop_finish(&loop);
    return text;
}

TEST_T(tls_client_against_openssl_s_server, 30000) {
    char cmd[2048];
    int port = tls_free_port(), err;
    pid_t p;
    char *text;
    snprintf(cmd, sizeof(cmd),
             "exec openssl s_server -accept 127.0.0.1:%d -cert '%s' -cert_chain '%s' -key '%s' "
             "-www -naccept 2 >/dev/null 2>&1",
             port, pki("leaf.crt"), pki("int.crt"), pki("leaf.key"));
    p = tls_spawn(cmd);
    tls_wait_port(port, 10000);
    text = client_fetch(port, "localhost", "GET / HTTP/1.0\r\n\r\n", &err);
    tls_kill(p);
    ASSERT_EQ(err, 0);
    if (!strstr(text, "HTTP/1.0 200 ok")) FAIL("s_server said:\n%s", text);
    ASSERT(strstr(text, "TLSv1.2") != NULL);
    free(text);
}

TEST_T(tls_client_against_node_https, 30000) {
    char cmd[4096];
    int port = tls_free_port(), err;
    pid_t p;
    char *text;
    if (!tls_have("node")) SKIP("node is not installed");
    snprintf(cmd, sizeof(cmd),
             "exec node -e \"const fs=require('fs');require('https').createServer("
             "{key:fs.readFileSync('%s'),cert:fs.readFileSync('%s')},(q,r)=>{"
             "r.setHeader('Connection','close');r.end('node says '+q.socket.alpnProtocol+' '+"
             "q.socket.servername)}).listen(%d,'127.0.0.1')\" >/dev/null 2>&1",
             pki("leaf.key"), pki("chain.crt"), port);
    p = tls_spawn(cmd);
    tls_wait_port(port, 15000);
    text = client_fetch(port, "localhost", "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                        &err);
    tls_kill(p);
    ASSERT_EQ(err, 0);
    if (!strstr(text, "node says false localhost") && !strstr(text, "node says http/1.1 localhost"))
        FAIL("node said:\n%s", text);
    ASSERT(strstr(text, "HTTP/1.1 200 OK") != NULL);
    free(text);
}

#endif
