/* TLS 1.2 in one process: handshakes per second (client and server on
 * one loop over 127.0.0.1, one connection at a time) with ECDHE-ECDSA
 * P-256 and ECDHE-RSA 2048, full and resumed (session ticket), and bulk
 * throughput over one connection with AES-128-GCM.  The certificates are
 * made by tests/tls_certs.sh (openssl) in a temporary folder.  The Node
 * twin (peers/tls.mjs) does the same with node:tls.
 *
 *   BENCH hs_ecdsa <handshakes/s> higher      BENCH hs_ecdsa_resumed ...
 *   BENCH hs_rsa <handshakes/s> higher        BENCH hs_rsa_resumed ...
 *   BENCH bulk_aes128gcm <MB/s> higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static asy_loop_t loop;
static char dir[128];
static asy_tls_server_t srv;
static asy_tls_context_t *cctx;
static asy_buf_t session;
static int resume, done_hs, closed;
static uint64_t got, want;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int r) {
    fprintf(stderr, "tls bench: %s: %s\n", what, asy_strerror(r));
    exit(1);
}

/* ---- server: counts bytes, answers the end ------------------------------- */
static void s_data(asy_stream_t *s, const asy_buf_t *b) {
    (void)s;
    got += b->len;
}
static void s_end(asy_stream_t *s) { asy_stream_end(s, NULL, NULL); }
static void s_close(asy_stream_t *s) { free(s); }
static const asy_stream_events_t s_events = {s_data, NULL, s_end, NULL, NULL, NULL, s_close, NULL, NULL};
static void s_conn(asy_tls_server_t *sv, int status) {
    asy_tls_t *t = (asy_tls_t *)calloc(1, sizeof(*t));
    int r;
    if (status) die("accept", status);
    if ((r = asy_tls_server_accept(sv, t)) != 0) die("accept", r);
    asy_stream_set_events(&t->stream, &s_events);
}

/* ---- client ------------------------------------------------------------ */
static void c_close(asy_stream_t *s) {
    (void)s;
    closed = 1;
}
static void c_error(asy_stream_t *s, int e) {
    (void)s;
    die("client", e);
}
static const asy_stream_events_t c_events = {NULL, NULL, NULL, c_error, NULL, NULL, c_close, NULL, NULL};
static void c_session(asy_tls_t *t, const asy_buf_t *s) {
    (void)t;
    if (!session.len) asy_buf_retain(&session, s);
}
static void c_secure(asy_tls_t *t, int status) {
    if (status) die("handshake", status);
    if (resume && session.len && !asy_tls_is_session_reused(t)) die("not resumed", ASY_ETLS);
    done_hs = 1;
    asy_stream_end(&t->stream, NULL, NULL);
}

static void one_connection(asy_tls_t *t, int port, asy_tls_secure_cb cb) {
    asy_tls_opts_t o;
    int r;
    memset(&o, 0, sizeof(o));
    o.context = cctx;
    o.servername = "localhost";
    o.on_session = c_session;
    o.session = (resume && session.len) ? &session : NULL;
    closed = 0;
    if ((r = asy_tls_connect(&loop, t, "127.0.0.1", port, &o, cb)) != 0) die("connect", r);
    asy_stream_set_events(&t->stream, &c_events);
    while (!closed) asy_run(&loop, ASY_RUN_ONCE);
}

static const char *path(const char *name) {
    static char b[4][200];
    static int i;
    char *p = b[i++ & 3];
    snprintf(p, 200, "%s/%s", dir, name);
    return p;
}

static void start_server(const char *cert, const char *key) {
    asy_tls_context_t *sctx;
    asy_tls_context_opts_t so;
    int r;
    memset(&so, 0, sizeof(so));
    so.cert_file = path(cert);
    so.key_file = path(key);
    if ((r = asy_tls_context_new(&sctx, ASY_TLS_SERVER, &so)) != 0) die("server context", r);
    if ((r = asy_tls_server_listen(&loop, &srv, sctx, NULL, "127.0.0.1", 0, 128, s_conn)) != 0)
        die("listen", r);
    asy_tls_context_unref(sctx);
}

static void stop_server(void) {
    asy_tls_server_close(&srv, NULL);
    asy_run(&loop, ASY_RUN_NOWAIT);
}

static double handshakes(const char *cert, const char *key, int resumed, double secs) {
    asy_tls_t t;
    double t0, end;
    long n = 0;
    start_server(cert, key);
    resume = resumed;
    asy_buf_release(&session);
    one_connection(&t, asy_tls_server_port(&srv), c_secure); /* warm up, take a session */
    t0 = now_s();
    end = t0 + secs;
    while (now_s() < end) {
        one_connection(&t, asy_tls_server_port(&srv), c_secure);
        n++;
    }
    t0 = now_s() - t0;
    stop_server();
    return n / t0;
}

/* bulk: 16 KiB writes as fast as the backpressure allows */
static asy_buf_t chunk;
static asy_tls_t *bulk_t;
static uint64_t sent;
static void pump(void);
static void b_drain(asy_stream_t *s) {
    (void)s;
    pump();
}
static const asy_stream_events_t b_events = {NULL, NULL, NULL, c_error, b_drain, NULL, c_close, NULL, NULL};
static void pump(void) {
    while (sent < want) {
        int r = asy_stream_write(&bulk_t->stream, &chunk, NULL, NULL);
        sent += chunk.len;
        if (r == 0) return;
    }
    asy_stream_end(&bulk_t->stream, NULL, NULL);
}
static void b_secure(asy_tls_t *t, int status) {
    if (status) die("handshake", status);
    bulk_t = t;
    asy_stream_set_events(&t->stream, &b_events);
    pump();
}

int main(void) {
    char cmd[400];
    asy_tls_context_opts_t co;
    static const char *const gcm[] = {"TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
                                      "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256", NULL};
    double secs = getenv("TLS_BENCH_SECS") ? atof(getenv("TLS_BENCH_SECS")) : 2.0, t0;
    asy_tls_t t;
    int r;
    snprintf(dir, sizeof(dir), "/tmp/tls-bench-%d", (int)getpid());
    snprintf(cmd, sizeof(cmd), "sh tests/tls_certs.sh %s", dir);
    if (system(cmd) != 0) die("tests/tls_certs.sh (run from the repository)", ASY_ENOENT);
    asy_loop_init(&loop, NULL);
    memset(&co, 0, sizeof(co));
    co.ca_file = path("ca.crt");
    co.ciphers = gcm;
    if ((r = asy_tls_context_new(&cctx, ASY_TLS_CLIENT, &co)) != 0) die("client context", r);
    printf("BENCH hs_ecdsa %.1f handshakes/s higher\n", handshakes("chain.crt", "leaf.key", 0, secs));
    printf("BENCH hs_ecdsa_resumed %.1f handshakes/s higher\n",
           handshakes("chain.crt", "leaf.key", 1, secs));
    printf("BENCH hs_rsa %.1f handshakes/s higher\n", handshakes("rsa.crt", "rsa.key", 0, secs));
    printf("BENCH hs_rsa_resumed %.1f handshakes/s higher\n",
           handshakes("rsa.crt", "rsa.key", 1, secs));
    fflush(stdout);
    /* bulk */
    start_server("chain.crt", "leaf.key");
    asy_buf_alloc(&chunk, 16384);
    want = (uint64_t)(256u << 20);
    got = sent = 0;
    resume = 0;
    t0 = now_s();
    one_connection(&t, asy_tls_server_port(&srv), b_secure);
    while (got < want) asy_run(&loop, ASY_RUN_ONCE);
    t0 = now_s() - t0;
    printf("BENCH bulk_aes128gcm %.1f MB/s higher\n", (double)got / 1e6 / t0);
    stop_server();
    asy_buf_release(&chunk);
    asy_buf_release(&session);
    asy_tls_context_unref(cctx);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_loop_close(&loop);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return 0;
}
