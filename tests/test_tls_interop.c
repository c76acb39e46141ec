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
    int port = asyt_free_port(), err;
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
    int port = asyt_free_port(), err;
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


/* A Node https server on port with cert/key ("chain.crt"...), answering
 * "node:<url>"; returns its pid once it listens. */
static pid_t node_https(int port, const char *cert, const char *key) {
    char cmd[4096];
    pid_t p;
    snprintf(cmd, sizeof(cmd),
             "exec node -e \"const fs=require('fs');require('https').createServer("
             "{key:fs.readFileSync('%s'),cert:fs.readFileSync('%s')},(q,r)=>{"
             "r.end('node:'+q.url)}).listen(%d,'127.0.0.1')\" >/dev/null 2>&1",
             pki(key), pki(cert), port);
    p = tls_spawn(cmd);
    tls_wait_port(port, 15000);
    return p;
}

static int run_sh(const char *cmd) {
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* examples/fetch_url over https: the CA from CA_FILE; without it the
 * self-made CA is unknown and the fetch fails with the code. */
TEST_T(tls_fetch_url_example_https_against_node, 40000) {
    char cmd[2048], out[64], *text;
    int port = asyt_free_port();
    pid_t p;
    if (!tls_have("node")) SKIP("node is not installed");
    p = node_https(port, "chain.crt", "leaf.key");
    snprintf(out, sizeof(out), "tls-fetch-%d.out", (int)getpid());
    snprintf(cmd, sizeof(cmd), "CA_FILE='%s' ../examples/fetch_url https://localhost:%d/hi >%s 2>&1",
             pki("ca.crt"), port, out);
    ASSERT_EQ(run_sh(cmd), 0);
    text = slurp(out);
    if (!strstr(text, "200\nnode:/hi")) FAIL("fetch_url said:\n%s", text);
    free(text);
    snprintf(cmd, sizeof(cmd), "../examples/fetch_url https://127.0.0.1:%d/ip >%s 2>&1", port, out);
    ASSERT_EQ(run_sh(cmd), 1);
    text = slurp(out);
    if (!strstr(text, "UNABLE_TO_VERIFY_LEAF_SIGNATURE") && !strstr(text, "ETLS_"))
        FAIL("fetch_url said:\n%s", text);
    free(text);
    unlink(out);
    tls_kill(p);
}

/* https in the agent: one pooled TLS connection for both requests. */
typedef struct fres {
    asy_promise_t *p; /* the response lives as long as this */
    int status, done, err;
    char body[256];
} fres;
static void f_body(void *arg, const asy_settled_t *in) {
    fres *f = (fres *)arg;
    f->done = 1;
    if (in->state == ASY_PROMISE_REJECTED) {
        f->err = in->error;
        return;
    }
    snprintf(f->body, sizeof(f->body), "%s", ((asy_fetch_bytes_t *)in->value)->data);
}
static void f_res(void *arg, const asy_settled_t *in) {
    fres *f = (fres *)arg;
    asy_promise_t *t;
    if (in->state == ASY_PROMISE_REJECTED) {
        f->err = in->error;
        f->done = 1;
        return;
    }
    f->status = ((asy_fetch_response_t *)in->value)->status;
    t = asy_fetch_text((asy_fetch_response_t *)in->value);
    asy_promise_on_settled(t, f_body, f);
    asy_promise_release(t);
}

TEST_T(tls_fetch_agent_pools_https, 40000) {
    asy_loop_t loop;
    asy_http_agent_t agent;
    asy_http_agent_opts_t ao;
    asy_http_agent_stats_t st;
    asy_fetch_opts_t fo;
    fres f[2];
    char url[128];
    int port = asyt_free_port(), i;
    pid_t p;
    asy_tls_context_t *cctx;
    if (!tls_have("node")) SKIP("node is not installed");
    p = node_https(port, "chain.crt", "leaf.key");
    memset(f, 0, sizeof(f));
    net_loop_init(&loop, "epoll");
    cctx = client_ctx("ca.crt", h11);
    memset(&ao, 0, sizeof(ao));
    ao.tls_context = cctx;
    ASSERT_OK(asy_http_agent_init(&loop, &agent, &ao));
    memset(&fo, 0, sizeof(fo));
    fo.agent = &agent;
    for (i = 0; i < 2; i++) {
        asy_promise_t *pr;
        snprintf(url, sizeof(url), "https://localhost:%d/n%d", port, i);
        pr = asy_fetch(&loop, url, &fo);
        asy_promise_on_settled(pr, f_res, &f[i]);
        while (!f[i].done) asy_run(&loop, ASY_RUN_ONCE);
        asy_promise_release(pr);
        ASSERT_EQ(f[i].err, 0);
        ASSERT_EQ(f[i].status, 200);
    }
    ASSERT_STR_EQ(f[0].body, "node:/n0");
    ASSERT_STR_EQ(f[1].body, "node:/n1");
    asy_http_agent_get_stats(&agent, &st);
    ASSERT_EQ_U64(st.created, 1);
    ASSERT_EQ_U64(st.reused, 1);
    asy_http_agent_close(&agent, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_tls_context_unref(cctx);
    tls_kill(p);
    net_loop_finish(&loop);
}

/* the same URL over http: and https: are two origins; a wrong host fails */
TEST_T(tls_fetch_https_verification_failure, 40000) {
    asy_loop_t loop;
    asy_fetch_opts_t fo;
    fres f;
    char url[128];
    int port = asyt_free_port();
    pid_t p;
    asy_tls_context_t *cctx;
    asy_promise_t *pr;
    if (!tls_have("node")) SKIP("node is not installed");
    p = node_https(port, "other.crt", "other.key");
    memset(&f, 0, sizeof(f));
    net_loop_init(&loop, "epoll");
    cctx = client_ctx("ca.crt", NULL);
    memset(&fo, 0, sizeof(fo));
    fo.tls_context = cctx;
    snprintf(url, sizeof(url), "https://localhost:%d/", port);
    pr = asy_fetch(&loop, url, &fo);
    asy_promise_on_settled(pr, f_res, &f);
    while (!f.done) asy_run(&loop, ASY_RUN_ONCE);
    asy_promise_mark_handled(pr);
    asy_promise_release(pr);
    ASSERT_ERR(f.err, ASY_ETLS_CERT_ALTNAME_INVALID);
    /* the opt-out lets it through */
    memset(&f, 0, sizeof(f));
    fo.reject_unauthorized_off = 1;
    pr = asy_fetch(&loop, url, &fo);
    asy_promise_on_settled(pr, f_res, &f);
    while (!f.done) asy_run(&loop, ASY_RUN_ONCE);
    asy_promise_mark_handled(pr);
    asy_promise_release(pr);
    ASSERT_EQ(f.err, 0);
    ASSERT_STR_EQ(f.body, "node:/");
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_tls_context_unref(cctx);
    tls_kill(p);
    net_loop_finish(&loop);
}
#endif
