/* The client's transport seam: an https: connection is the same
 * connection with a TLS stream (the tls layer) between the socket and
 * the exchange.  Everything the exchange does goes through c->io, which
 * is the socket's stream for http: and the TLS stream for https:.
 * Without ASYNCRT_WITH_MBEDTLS https: URLs are ASY_EPROTONOSUPPORT. */
#include "client.h"
#include "client.internal.h"
#include "../base/sys.internal.h"
#include "../stream/stream.h"
#include "../url/url.h"
#include "../tls/tls.h"
#if ASYNCRT_OS_POSIX

#include <string.h>

ASY__INTERNAL int asy__http_scheme_ok(const asy_url_t *u) {
    int t = (int)asy_url_scheme_type(u);
#ifdef ASYNCRT_WITH_MBEDTLS
    if (t == (int)ASY_URL_SCHEME_HTTPS) return 1;
#endif
    return t == (int)ASY_URL_SCHEME_HTTP;
}

#ifdef ASYNCRT_WITH_MBEDTLS

ASY__INTERNAL void asy__cc_tls_secure(asy_tls_t *tls, int status) {
    asy__http_cconn *c = (asy__http_cconn *)tls->stream.data;
    if (status != 0 || (c->flags & ASY__CC_DEAD)) return; /* on_error follows */
    asy__cc_timer_stop(c);
    if (c->req) asy__cr_on_assigned(c->req);
}

/* Wraps the socket that is connecting in TLS; the exchange's events move
 * to the TLS stream.  The connect timeout runs until the handshake ends. */
ASY__INTERNAL int asy__cc_tls_start(asy__http_cconn *c, const asy_stream_events_t *events) {
    asy_tls_t *tls;
    asy_tls_opts_t o;
    asy_http_agent_t *agent = c->agent;
    asy_http_client_req_t *req = c->req;
    int r;
    memset(&o, 0, sizeof(o));
    if (agent) {
        o.context = agent->opts_.tls_context ? agent->opts_.tls_context : agent->tls_ctx_;
        if (!o.context) {
            if ((r = asy_tls_context_new(&agent->tls_ctx_, ASY_TLS_CLIENT, NULL)) != 0) return r;
            o.context = agent->tls_ctx_;
        }
        o.reject_unauthorized_off = agent->opts_.reject_unauthorized_off;
    } else {
        o.context = req->opts_.tls_context; /* NULL: the connection makes one */
        o.reject_unauthorized_off = req->opts_.reject_unauthorized_off;
    }
    o.servername = req->host_; /* an address is checked against IP SANs */
    o.on_secure = asy__cc_tls_secure;
    o.handshake_timeout_ms = ASY_TLS_NO_TIMEOUT; /* the connect timeout covers it */
    tls = ASY__NEW(asy_tls_t);
    if (!tls) return ASY_ENOMEM;
    memset(tls, 0, sizeof(*tls));
    tls->stream.data = c;
    if ((r = asy_tls_wrap(c->loop, tls, &c->sock.stream, &o)) != 0) {
        /* the socket keeps its events: destroying it reaches on_close */
        asy__free(tls);
        return r;
    }
    tls->stream.data = c;
    asy_stream_set_events(&tls->stream, events);
    c->tls = tls;
    c->io = &tls->stream;
    return 0;
}

ASY__INTERNAL void asy__cc_tls_free(asy__http_cconn *c) {
    asy__free(c->tls);
    c->tls = NULL;
    c->io = &c->sock.stream;
}

ASY__INTERNAL void asy__agent_tls_free(asy_http_agent_t *agent) {
    if (agent->tls_ctx_) asy_tls_context_unref(agent->tls_ctx_);
    agent->tls_ctx_ = NULL;
}

#else

ASY__INTERNAL int asy__cc_tls_start(asy__http_cconn *c, const asy_stream_events_t *events) {
    (void)c;
    (void)events;
    return ASY_EPROTONOSUPPORT;
}
ASY__INTERNAL void asy__cc_tls_free(asy__http_cconn *c) { c->io = &c->sock.stream; }
ASY__INTERNAL void asy__agent_tls_free(asy_http_agent_t *agent) { (void)agent; }

#endif
#endif /* ASYNCRT_OS_POSIX */
