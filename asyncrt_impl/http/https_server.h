/* Node's https.createServer: the HTTP server over TLS connections
 * (docs/tls.md, "HTTPS server").  Built with ASYNCRT_WITH_MBEDTLS.
 *
 *   asy_tls_context_t *ctx;
 *   asy_tls_context_new(&ctx, ASY_TLS_SERVER,
 *                       &(asy_tls_context_opts_t){ .cert_file = "cert.pem",
 *                                                  .key_file = "key.pem" });
 *   asy_https_server_init(loop, &srv, ctx, NULL, on_request);
 *   asy_https_server_listen(&srv, "127.0.0.1", 8443, 511);
 *
 * on_request gets &srv.http: every asy_http_req_* / asy_http_res_* call
 * and option works as on a plain server.  Each accepted connection is an
 * asy_tls_t that the server hands to asy_http_server_serve; the HTTP code
 * knows nothing of TLS.  asy_http_req_io(req) is the connection's TLS
 * stream (an asy_tls_t *, for asy_tls_peer_certificate,
 * asy_tls_alpn_protocol...). */
#pragma once
#include "server.h"
#include "../loop/timer.h"
#include "../tls/tls.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

typedef struct asy_https_server_s {
    asy_http_server_t http; /* first: the request callback's srv is &https->http */
    asy_tls_server_t tls;   /* the listener */
    void *data;
    /* -- private -- */
    asy_tls_opts_t tls_opts_;
    asy_tls_context_t *ctx_;
    asy_timer_t retry_; /* out of memory for a connection: try again */
    asy_close_cb close_cb_;
    unsigned state_, closing_;
} asy_https_server_t;

/* ctx: a server context (asy_tls_context_new with ASY_TLS_SERVER); the
 * server holds a reference.  opts: the HTTP server's (may be NULL).
 * ASY_EINVAL, ASY_ENOMEM. */
ASYNCRT_API int asy_https_server_init(asy_loop_t *loop, asy_https_server_t *srv,
                                      asy_tls_context_t *ctx, const asy_http_server_opts_t *opts,
                                      asy_http_request_cb cb);
/* TLS options for every connection (SNI hook, on_secure, handshake
 * timeout...; the context is the server's); before listen. */
ASYNCRT_API int asy_https_server_set_tls_opts(asy_https_server_t *srv, const asy_tls_opts_t *opts);
/* host: an IP address (NULL: every interface); port 0 picks one. */
ASYNCRT_API int asy_https_server_listen(asy_https_server_t *srv, const char *host, int port,
                                        int backlog);
ASYNCRT_API int asy_https_server_port(const asy_https_server_t *srv);
/* server.close(), as asy_http_server_close: stops listening, lets the
 * connections finish their request; close_cb (may be NULL, gets
 * &srv->http's handle) once everything is closed. */
ASYNCRT_API void asy_https_server_close(asy_https_server_t *srv, asy_close_cb close_cb);

#endif
