/* https.createServer: a TLS listener whose connections are handed, as
 * Duplex streams, to an HTTP server (asy_http_server_serve).  The HTTP
 * server never knows it runs over TLS; this file never parses HTTP. */
#include "https_server.h"
#include "../base/sys.internal.h"
#include "../loop/handle.h"
#include "../stream/stream.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <string.h>

/* state_: which of the three handles (HTTP server, TLS listener, retry
 * timer) are still open once closing */
enum { ASY__HTTPS_LISTENING = 1u, ASY__HTTPS_WAITING = 2u };

#define ASY__HTTPS_RETRY_MS 50

/* The TLS connection's own close is the last thing to touch it (the HTTP
 * server's part of the close runs before), so it is freed here. */
ASY__INTERNAL void asy__https_conn_closed(asy_stream_t *s) { asy__free((asy_tls_t *)(void *)s); }

static const asy_stream_events_t asy__https_conn_events = {NULL, NULL, NULL, NULL, NULL,
                                                           NULL, asy__https_conn_closed, NULL, NULL};

/* Takes the connection waiting on the listener.  Out of memory, it stays
 * in the kernel's backlog and the retry timer comes back for it: nothing
 * is dropped. */
ASY__INTERNAL void asy__https_retry_cb(asy_timer_t *t);

ASY__INTERNAL void asy__https_take(asy_https_server_t *srv) {
    asy_tls_t *tls;
    int r;
    if (srv->closing_) return;
    tls = ASY__NEW(asy_tls_t);
    if (!tls) {
        srv->state_ |= ASY__HTTPS_WAITING;
        asy_timer_start(&srv->retry_, asy__https_retry_cb, ASY__HTTPS_RETRY_MS, 0);
        return;
    }
    srv->state_ &= ~(unsigned)ASY__HTTPS_WAITING;
    memset(tls, 0, sizeof(*tls));
    if ((r = asy_tls_server_accept(&srv->tls, tls)) != 0) {
        /* the socket is closed by the tls layer: the client sees a reset */
        asy__free(tls);
        return;
    }
    asy_stream_set_events(&tls->stream, &asy__https_conn_events);
    if ((r = asy_http_server_serve(&srv->http, &tls->stream)) != 0)
        asy_stream_destroy(&tls->stream, r); /* closes, then frees itself */
}

ASY__INTERNAL void asy__https_retry_cb(asy_timer_t *t) {
    asy_https_server_t *srv = ASY_CONTAINER_OF(t, asy_https_server_t, retry_);
    if (srv->state_ & ASY__HTTPS_WAITING) asy__https_take(srv);
}

ASY__INTERNAL void asy__https_on_connection(asy_tls_server_t *ts, int status) {
    asy_https_server_t *srv = ASY_CONTAINER_OF(ts, asy_https_server_t, tls);
    if (status < 0) return; /* EMFILE...: the net layer retries */
    asy__https_take(srv);
}

ASYNCRT_API int asy_https_server_init(asy_loop_t *loop, asy_https_server_t *srv,
                                      asy_tls_context_t *ctx, const asy_http_server_opts_t *opts,
                                      asy_http_request_cb cb) {
    int r;
    if (!loop || !srv || !ctx || !cb) return ASY_EINVAL;
    memset(srv, 0, sizeof(*srv));
    if ((r = asy_http_server_init(loop, &srv->http, opts, cb)) != 0) return r;
    asy_tls_context_ref(ctx);
    srv->ctx_ = ctx;
    srv->tls_opts_.context = ctx;
    asy_timer_init(loop, &srv->retry_);
    asy_unref((asy_handle_t *)&srv->retry_);
    return 0;
}

ASYNCRT_API int asy_https_server_set_tls_opts(asy_https_server_t *srv, const asy_tls_opts_t *opts) {
    if (!srv || !opts || !srv->ctx_ || (srv->state_ & ASY__HTTPS_LISTENING)) return ASY_EINVAL;
    srv->tls_opts_ = *opts;
    srv->tls_opts_.context = srv->ctx_;
    return 0;
}

ASYNCRT_API int asy_https_server_listen(asy_https_server_t *srv, const char *host, int port,
                                        int backlog) {
    int r;
    if (!srv || !srv->ctx_ || srv->closing_ || (srv->state_ & ASY__HTTPS_LISTENING))
        return ASY_EINVAL;
    r = asy_tls_server_listen(srv->http.loop, &srv->tls, srv->ctx_, &srv->tls_opts_,
                              host ? host : "0.0.0.0", port, backlog > 0 ? backlog : 511,
                              asy__https_on_connection);
    if (r != 0) return r;
    srv->state_ |= ASY__HTTPS_LISTENING;
    return 0;
}

ASYNCRT_API int asy_https_server_port(const asy_https_server_t *srv) {
    if (!srv || !(srv->state_ & ASY__HTTPS_LISTENING)) return ASY_EBADF;
    return asy_tls_server_port(&srv->tls);
}

ASY__INTERNAL void asy__https_part_closed(asy_https_server_t *srv) {
    asy_close_cb cb;
    if (--srv->closing_ > 1) return; /* closing_ counts the parts left, + 1 */
    cb = srv->close_cb_;
    asy_tls_context_unref(srv->ctx_);
    srv->ctx_ = NULL;
    srv->tls.net.h.sock.data = srv;
    if (cb) cb((asy_handle_t *)&srv->tls.net.h.sock);
}

ASY__INTERNAL void asy__https_http_closed(asy_handle_t *h) {
    asy_https_server_t *srv = ASY_CONTAINER_OF((void *)h, asy_https_server_t, http.tcp_);
    asy__https_part_closed(srv);
}

ASY__INTERNAL void asy__https_listener_closed(asy_handle_t *h) {
    asy_https_server_t *srv = ASY_CONTAINER_OF((void *)h, asy_https_server_t, tls.net.h);
    asy__https_part_closed(srv);
}

ASY__INTERNAL void asy__https_retry_closed(asy_handle_t *h) {
    asy_https_server_t *srv = ASY_CONTAINER_OF((void *)h, asy_https_server_t, retry_);
    asy__https_part_closed(srv);
}

ASYNCRT_API void asy_https_server_close(asy_https_server_t *srv, asy_close_cb close_cb) {
    if (!srv || !srv->ctx_ || srv->closing_) return;
    srv->close_cb_ = close_cb;
    /* parts: the HTTP server, the retry timer, the listener if it runs */
    srv->closing_ = 1 + 2 + ((srv->state_ & ASY__HTTPS_LISTENING) ? 1u : 0u);
    if (srv->state_ & ASY__HTTPS_LISTENING) asy_tls_server_close(&srv->tls, asy__https_listener_closed);
    srv->state_ &= ~(unsigned)(ASY__HTTPS_LISTENING | ASY__HTTPS_WAITING);
    asy_close((asy_handle_t *)&srv->retry_, asy__https_retry_closed);
    asy_http_server_close(&srv->http, asy__https_http_closed);
}

#endif
