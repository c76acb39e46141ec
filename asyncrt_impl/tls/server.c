/* tls.createServer: a listening socket whose connections are wrapped in
 * TLS with the server's context, and the SNI hook of server contexts. */
#include "tls.h"
#include "tls.internal.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../net/addr.h"
#include "../net/socket.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <string.h>

/* mbedTLS asks while it reads the ClientHello; the connection's state
 * starts with its ssl context, so the context pointer finds it. */
ASY__INTERNAL int asy__tls_sni_thunk(void *p, mbedtls_ssl_context *ssl, const unsigned char *name,
                                     size_t len) {
    asy__tls_state *st = (asy__tls_state *)(void *)ssl;
    asy_tls_context_t *c;
    (void)p;
    if (len >= sizeof(st->servername)) return -1;
    memcpy(st->servername, name, len);
    st->servername[len] = 0;
    if (!st->opts.sni) return 0;
    c = st->opts.sni(st->tls, st->servername);
    if (!c || c == st->ctx) return 0;
    if (!c->have_cert) return -1;
    asy_tls_context_ref(c);
    if (st->sni_ctx) asy_tls_context_unref(st->sni_ctx);
    st->sni_ctx = c;
    if (c->have_ca) mbedtls_ssl_set_hs_ca_chain(ssl, &c->ca, NULL);
    return mbedtls_ssl_set_hs_own_cert(ssl, &c->cert, &c->key);
}

ASY__INTERNAL void asy__tls_server_conn(asy_server_t *net, int status) {
    asy_tls_server_t *srv = ASY_CONTAINER_OF(net, asy_tls_server_t, net);
    if (srv->cb_) srv->cb_(srv, status);
}

ASYNCRT_API int asy_tls_server_listen(asy_loop_t *loop, asy_tls_server_t *srv,
                                      asy_tls_context_t *ctx, const asy_tls_opts_t *opts,
                                      const char *host, int port, int backlog,
                                      asy_tls_server_cb cb) {
    int r;
    void *data;
    if (!loop || !srv || !ctx || !cb || ctx->role != ASY_TLS_SERVER) return ASY_EINVAL;
    data = srv->data;
    memset(srv, 0, sizeof(*srv));
    srv->data = data;
    srv->loop = loop;
    if (opts) srv->opts_ = *opts;
    srv->opts_.context = ctx;
    srv->opts_.servername = NULL;
    srv->opts_.session = NULL;
    srv->cb_ = cb;
    r = asy_server_listen(loop, &srv->net, host, port, backlog, 0, asy__tls_server_conn);
    if (r != 0) return r;
    asy_tls_context_ref(ctx);
    srv->ctx_ = ctx;
    return 0;
}

ASYNCRT_API int asy_tls_server_accept(asy_tls_server_t *srv, asy_tls_t *tls) {
    asy_socket_t *sock;
    asy_socket_opts_t so;
    int r;
    if (!srv || !tls || !srv->ctx_) return ASY_EINVAL;
    sock = ASY__NEW(asy_socket_t);
    if (!sock) return ASY_ENOMEM;
    memset(&so, 0, sizeof(so));
    so.allow_half_open = 1;
    so.no_delay = 1;
    /* four full records in flight before the writer waits for a drain */
    so.high_water_mark = 64 * 1024;
    if ((r = asy_socket_init(srv->loop, sock, &so)) != 0) {
        asy__free(sock);
        return r;
    }
    r = asy_server_accept(&srv->net, sock);
    if (r == 0) r = asy__tls_setup(srv->loop, tls, &sock->stream, &srv->opts_, sock);
    if (r != 0) asy__tls_orphan(sock, 0);
    return r;
}

ASYNCRT_API int asy_tls_server_port(const asy_tls_server_t *srv) {
    asy_addr_t a;
    if (!srv || asy_server_address(&srv->net, &a) != 0) return ASY_EBADF;
    return asy_addr_port(&a);
}

ASY__INTERNAL void asy__tls_server_closed(asy_handle_t *h) {
    asy_tls_server_t *srv = ASY_CONTAINER_OF((void *)h, asy_tls_server_t, net.h);
    asy_close_cb cb = srv->close_cb_;
    asy_tls_context_unref(srv->ctx_);
    srv->ctx_ = NULL;
    if (cb) cb(h);
}

ASYNCRT_API void asy_tls_server_close(asy_tls_server_t *srv, asy_close_cb close_cb) {
    if (!srv || !srv->ctx_) return;
    srv->close_cb_ = close_cb;
    asy_server_close(&srv->net, asy__tls_server_closed);
}

#endif
