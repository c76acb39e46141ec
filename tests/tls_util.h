/* Helpers for the TLS tests: the test PKI (made by tests/tls_certs.sh
 * with openssl, once per build folder, never committed), an echo server
 * and a client that collects what it reads. */
#ifndef ASYRT_TLS_UTIL_H
#define ASYRT_TLS_UTIL_H
#include "example_server.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The folder with the PKI (relative to the runner's folder).  Made once;
 * remade when older than a day, since the certificates last 30. */
__attribute__((unused)) static const char *tls_pki(void) {
    static char dir[200];
    struct stat st;
    char cwd[160], tmp[220], probe[240], cmd[1024];
    if (!getcwd(cwd, sizeof(cwd))) FAIL("getcwd");
    snprintf(dir, sizeof(dir), "%s/tls-pki", cwd);
    snprintf(probe, sizeof(probe), "%s/expired.crt", dir);
    if (stat(probe, &st) == 0 && time(NULL) - st.st_mtime < 86400) return dir;
    if (system("command -v openssl >/dev/null 2>&1") != 0) SKIP("openssl is not installed");
    if (stat(probe, &st) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir); /* stale */
        if (system(cmd) != 0) FAIL("rm");
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp.%d", dir, (int)getpid());
    snprintf(cmd, sizeof(cmd), "sh '%s/tests/tls_certs.sh' '%s'", ASYT_TOP, tmp);
    if (system(cmd) != 0) FAIL("tests/tls_certs.sh failed");
    if (rename(tmp, dir) != 0) { /* another test won the race */
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
        if (system(cmd) != 0) FAIL("rm");
    }
    return dir;
}

/* "<pki>/name" in a static ring of buffers. */
__attribute__((unused)) static const char *pki(const char *name) {
    static char bufs[16][300];
    static int i;
    char *b = bufs[i++ & 15];
    snprintf(b, 300, "%s/%s", tls_pki(), name);
    return b;
}

__attribute__((unused)) static asy_tls_context_t *server_ctx(const char *cert, const char *key,
                                                            const char *const *alpn) {
    asy_tls_context_t *c = NULL;
    asy_tls_context_opts_t o;
    memset(&o, 0, sizeof(o));
    o.cert_file = pki(cert);
    o.key_file = pki(key);
    o.alpn = alpn;
    ASSERT_OK(asy_tls_context_new(&c, ASY_TLS_SERVER, &o));
    return c;
}

__attribute__((unused)) static asy_tls_context_t *client_ctx(const char *ca,
                                                            const char *const *alpn) {
    asy_tls_context_t *c = NULL;
    asy_tls_context_opts_t o;
    memset(&o, 0, sizeof(o));
    o.ca_file = ca ? pki(ca) : NULL;
    o.alpn = alpn;
    ASSERT_OK(asy_tls_context_new(&c, ASY_TLS_CLIENT, &o));
    return c;
}

/* One TLS connection of a test, either side. */
typedef struct tconn {
    asy_tls_t tls;
    int secure;      /* 1 after on_secure(0) */
    int secure_err;  /* on_secure's error */
    int err, ended, finished, closed;
    char *buf;
    size_t len, cap;
    uint64_t total;
    int echo;        /* server side: write back what comes */
    int reply_end;   /* server side: answer "pong:<data>" and end */
    int end_on_end;  /* end our side when the peer ends */
    int free_on_close;
    struct tsrv *srv;
} tconn;

typedef struct tsrv {
    asy_tls_server_t srv;
    asy_tls_context_t *ctx;
    int accepted, secured, failed, closed;
    int last_err;
    int stop_after; /* close the server after this many connections closed */
    tconn *last;
    char sni_seen[256];
    asy_tls_context_t *sni_other;
    int resumed;
    int reply_end; /* connections answer once and end */
} tsrv;

__attribute__((unused)) static void tc_data(asy_stream_t *s, const asy_buf_t *b) {
    tconn *c = (tconn *)s->data;
    c->total += b->len;
    if (c->reply_end) {
        asy_stream_write_bytes(s, "pong:", 5, NULL, NULL);
        asy_stream_write(s, b, NULL, NULL);
        asy_stream_end(s, NULL, NULL);
        c->reply_end = 0;
        return;
    }
    if (c->echo) {
        asy_stream_write(s, b, NULL, NULL);
        return;
    }
    if (c->len + b->len + 1 > c->cap) {
        c->cap = (c->len + b->len + 1) * 2;
        c->buf = (char *)realloc(c->buf, c->cap);
    }
    memcpy(c->buf + c->len, b->data, b->len);
    c->len += b->len;
    c->buf[c->len] = 0;
}
__attribute__((unused)) static void tc_end(asy_stream_t *s) {
    tconn *c = (tconn *)s->data;
    c->ended = 1;
}
__attribute__((unused)) static void tc_error(asy_stream_t *s, int e) {
    tconn *c = (tconn *)s->data;
    c->err = e;
}
__attribute__((unused)) static void tc_finish(asy_stream_t *s) { ((tconn *)s->data)->finished = 1; }
__attribute__((unused)) static void tc_close(asy_stream_t *s) {
    tconn *c = (tconn *)s->data;
    tsrv *sv = c->srv;
    c->closed = 1;
    if (sv) {
        sv->closed++;
        if (c->err) sv->last_err = c->err;
        if (sv->stop_after && sv->closed == sv->stop_after) asy_tls_server_close(&sv->srv, NULL);
    }
    if (c->free_on_close) {
        free(c->buf);
        free(c);
    }
}
static const asy_stream_events_t tc_events = {tc_data, NULL, tc_end, tc_error, NULL,
                                            tc_finish, tc_close, NULL, NULL};

__attribute__((unused)) static void tc_secure(asy_tls_t *tls, int status) {
    tconn *c = (tconn *)tls->stream.data;
    if (status == 0) {
        c->secure = 1;
        if (c->srv) {
            c->srv->secured++;
            if (asy_tls_is_session_reused(tls)) c->srv->resumed++;
        }
    } else {
        c->secure_err = status;
        if (c->srv) c->srv->failed++;
    }
}

__attribute__((unused)) static asy_tls_context_t *tsrv_sni(asy_tls_t *tls, const char *name) {
    tconn *c = (tconn *)tls->stream.data;
    snprintf(c->srv->sni_seen, sizeof(c->srv->sni_seen), "%s", name);
    if (strcmp(name, "other.test") == 0) return c->srv->sni_other;
    return NULL;
}

__attribute__((unused)) static void tsrv_conn(asy_tls_server_t *srv, int status) {
    tsrv *sv = (tsrv *)srv->data;
    tconn *c;
    ASSERT_EQ(status, 0);
    c = (tconn *)calloc(1, sizeof(*c));
    c->echo = 1;
    c->reply_end = sv->reply_end;
    c->free_on_close = 1;
    c->srv = sv;
    c->tls.stream.data = c;
    ASSERT_OK(asy_tls_server_accept(srv, &c->tls));
    c->tls.stream.data = c;
    asy_stream_set_events(&c->tls.stream, &tc_events);
    sv->accepted++;
    sv->last = c;
}

/* An echo server on 127.0.0.1 (port from tsrv_port). */
__attribute__((unused)) static void tsrv_start(asy_loop_t *loop, tsrv *sv, asy_tls_context_t *ctx,
                                               uint64_t hs_timeout_ms) {
    asy_tls_opts_t o;
    memset(&o, 0, sizeof(o));
    o.on_secure = tc_secure;
    o.sni = tsrv_sni;
    o.handshake_timeout_ms = hs_timeout_ms;
    sv->ctx = ctx;
    sv->srv.data = sv;
    ASSERT_OK(asy_tls_server_listen(loop, &sv->srv, ctx, &o, "127.0.0.1", 0, 64, tsrv_conn));
    sv->srv.data = sv;
}

__attribute__((unused)) static int tsrv_port(tsrv *sv) { return asy_tls_server_port(&sv->srv); }

/* A client connection to 127.0.0.1:port. */
__attribute__((unused)) static void tc_connect(asy_loop_t *loop, tconn *c, int port,
                                               asy_tls_context_t *ctx, const char *servername,
                                               int no_reject) {
    asy_tls_opts_t o;
    memset(&o, 0, sizeof(o));
    o.context = ctx;
    o.servername = servername;
    o.reject_unauthorized_off = no_reject;
    o.on_secure = tc_secure;
    c->tls.stream.data = c;
    ASSERT_OK(asy_tls_connect(loop, &c->tls, "127.0.0.1", port, &o, NULL));
    c->tls.stream.data = c;
    asy_stream_set_events(&c->tls.stream, &tc_events);
}

/* Runs a shell command in the background (its own process group);
 * returns the pid.  tls_kill ends the group. */
__attribute__((unused)) static pid_t tls_spawn(const char *cmd) {
    pid_t p = fork();
    if (p < 0) FAIL("fork");
    if (p == 0) {
        setpgid(0, 0);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(p, p);
    return p;
}
__attribute__((unused)) static void tls_kill(pid_t p) {
    int st;
    kill(-p, SIGTERM);
    waitpid(p, &st, 0);
}
__attribute__((unused)) static int tls_have(const char *prog) {
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}
/* Waits (up to ms) until something listens on port. */
__attribute__((unused)) static void tls_wait_port(int port, int ms) {
    int i;
    for (i = 0; i < ms / 20; i++) {
        struct sockaddr_in sin;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)port);
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
            close(fd);
            return;
        }
        close(fd);
        usleep(20000);
    }
    FAIL("nothing listens on port %d", port);
}
#endif
