/* The client's connection: DNS (host names only), TCP connect (each
 * address in the resolver's order until one answers), the socket's events
 * and its end.  A connection belongs to an origin of an agent, or to one
 * request (agent NULL).  Its memory goes in the socket's on_close, or at
 * the end of a lookup that was overtaken by a failure. */
#include "client.internal.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/timer.h"
#include "../stream/stream.h"
#include "../net/socket.h"
#include "../dns/dns.h"
#if ASYNCRT_OS_POSIX

#include <string.h>

ASY__INTERNAL void asy__cc_connect_next(asy__http_cconn *c);

ASY__INTERNAL void asy__cc_timer_stop(asy__http_cconn *c) {
    if (c->timer.id) asy_clear_timer(c->loop, c->timer);
    c->timer.id = 0;
}

ASY__INTERNAL void asy__cc_free(asy__http_cconn *c) {
    asy__cc_timer_stop(c);
    asy__cc_tls_free(c);
    asy__agent_conn_gone(c);
    asy_free(c);
}

/* The connection failed or is being closed: its request (if any) learns
 * why; the socket goes (its on_close frees c). */
ASY__INTERNAL void asy__cc_kill(asy__http_cconn *c, int err) {
    asy_http_client_req_t *req;
    if (c->flags & ASY__CC_DEAD) return;
    c->flags |= ASY__CC_DEAD;
    c->flags &= ~(unsigned)ASY__CC_NEXT_ADDR;
    if (!c->err) c->err = err;
    asy__cc_timer_stop(c);
    if (c->flags & ASY__CC_IDLE) {
        asy__queue_remove(&c->link);
        c->flags &= ~(unsigned)ASY__CC_IDLE;
        if (c->origin) c->origin->nfree--;
    }
    req = c->req;
    if (req) asy__cr_conn_lost(req, err); /* detaches, retries or fails it */
    if (c->req == req && req) {           /* (defensive: never left attached) */
        c->req = NULL;
        req->conn_ = NULL;
    }
    if (c->flags & ASY__CC_SOCK) {
        if (!asy_stream_is_destroyed(c->io)) asy_stream_destroy(c->io, 0);
    } else if (c->flags & ASY__CC_DNS) {
        asy_dns_lookup_cancel(&c->dns); /* the callback frees c */
    } else {
        asy__cc_free(c);
    }
}

ASY__INTERNAL void asy__cc_on_data(asy_stream_t *s, const asy_buf_t *chunk) {
    asy__http_cconn *c = (asy__http_cconn *)s->data;
    asy_http_client_req_t *req = c->req;
    int r;
    if (c->flags & ASY__CC_DEAD) return;
    if (!req) {
        /* bytes nobody asked for on an idle connection */
        asy__cc_kill(c, ASY_EPROTO);
        return;
    }
    r = asy__cr_feed(req, chunk);
    if (r < 0 && c->req == req) {
        c->flags |= ASY__CC_NO_REUSE;
        asy__cr_fail(req, r);
    }
}

ASY__INTERNAL void asy__cc_on_end(asy_stream_t *s) {
    asy__http_cconn *c = (asy__http_cconn *)s->data;
    asy__cc_kill(c, ASY_EOF);
}

ASY__INTERNAL void asy__cc_on_error(asy_stream_t *s, int err) {
    asy__http_cconn *c = (asy__http_cconn *)s->data;
    if (c->flags & ASY__CC_NEXT_ADDR) return; /* on_close tries the next one */
    asy__cc_kill(c, err);
}

ASY__INTERNAL void asy__cc_on_close(asy_stream_t *s) {
    asy__http_cconn *c = (asy__http_cconn *)s->data;
    if ((c->flags & ASY__CC_NEXT_ADDR) && !(c->flags & ASY__CC_DEAD)) {
        c->flags &= ~(unsigned)(ASY__CC_NEXT_ADDR | ASY__CC_SOCK);
        asy__cc_tls_free(c);
        c->addr_i++;
        asy__cc_connect_next(c);
        return;
    }
    /* the stream is destroyed by now, so kill does not free c */
    if (!(c->flags & ASY__CC_DEAD)) asy__cc_kill(c, ASY_EHTTP_HANG_UP);
    c->flags &= ~(unsigned)ASY__CC_SOCK;
    asy__cc_free(c);
}

static const asy_stream_events_t asy__cc_events = {asy__cc_on_data, NULL, asy__cc_on_end,
                                                 asy__cc_on_error, NULL, NULL,
                                                 asy__cc_on_close, NULL, NULL};

ASY__INTERNAL void asy__cc_connected(asy_socket_t *sock, int status) {
    asy__http_cconn *c = ASY_CONTAINER_OF(sock, asy__http_cconn, sock);
    if (c->flags & ASY__CC_DEAD) return;
    if (status == 0) {
        c->flags |= ASY__CC_CONNECTED;
        if (c->tls) return; /* the request waits for the handshake (https.c) */
        asy__cc_timer_stop(c);
        /* the request goes out once the connection is up, so that a
         * refused address can be followed by the next one */
        if (c->req) asy__cr_on_assigned(c->req);
        return;
    }
    /* the socket is destroyed with status; try the next address first */
    if (c->addr_i + 1 < c->naddrs &&
        (status == ASY_ECONNREFUSED || status == ASY_ENETUNREACH || status == ASY_EHOSTUNREACH ||
         status == ASY_EADDRNOTAVAIL || status == ASY_EAFNOSUPPORT))
        c->flags |= ASY__CC_NEXT_ADDR;
    else
        asy__cc_kill(c, status);
}

ASY__INTERNAL void asy__cc_connect_next(asy__http_cconn *c) {
    asy_socket_opts_t so;
    int r;
    memset(&so, 0, sizeof(so));
    so.no_delay = 1;
    if ((r = asy_socket_init(c->loop, &c->sock, &so)) != 0) {
        asy__cc_kill(c, r);
        return;
    }
    c->sock.stream.data = c;
    c->flags |= ASY__CC_SOCK;
    c->io = &c->sock.stream;
    asy_stream_set_events(&c->sock.stream, &asy__cc_events);
    r = asy_socket_connect(&c->sock, c->addrs[c->addr_i], c->port, asy__cc_connected);
    if (r == 0 && c->req && c->req->https_) r = asy__cc_tls_start(c, &asy__cc_events);
    if (r != 0) {
        /* no callback comes: on_close (after the destroy) goes on */
        if (c->addr_i + 1 < c->naddrs) {
            c->flags |= ASY__CC_NEXT_ADDR;
            asy_stream_destroy(c->io, 0);
        } else {
            asy__cc_kill(c, r);
        }
    }
}

ASY__INTERNAL void asy__cc_resolved(asy_dns_lookup_t *dreq, int status,
                                    const asy_dns_address_t *addrs, size_t count) {
    asy__http_cconn *c = ASY_CONTAINER_OF(dreq, asy__http_cconn, dns);
    size_t i;
    c->flags &= ~(unsigned)ASY__CC_DNS;
    if (c->flags & ASY__CC_DEAD) {
        asy__cc_free(c);
        return;
    }
    if (status != 0 || count == 0) {
        c->flags |= ASY__CC_DEAD;
        if (c->req) asy__cr_conn_lost(c->req, status ? status : ASY_EAI_NONAME);
        asy__cc_free(c);
        return;
    }
    c->naddrs = 0;
    for (i = 0; i < count && c->naddrs < ASY__CC_MAX_ADDRS; i++) {
        memcpy(c->addrs[c->naddrs], addrs[i].address, sizeof(c->addrs[0]));
        c->addrs[c->naddrs][sizeof(c->addrs[0]) - 1] = 0;
        c->naddrs++;
    }
    c->addr_i = 0;
    asy__cc_connect_next(c);
}

ASY__INTERNAL void asy__cc_timeout(void *arg) {
    asy__http_cconn *c = (asy__http_cconn *)arg;
    c->timer.id = 0;
    /* connecting: ASY_EHTTP_CONNECT_TIMEOUT; idle: just close */
    asy__cc_kill(c, (c->flags & ASY__CC_IDLE) ? 0 : ASY_EHTTP_CONNECT_TIMEOUT);
}

/* A new connection for req (which it is assigned to at once). */
ASY__INTERNAL int asy__cc_new(asy_loop_t *loop, asy_http_agent_t *agent, asy__http_origin *origin,
                              asy_http_client_req_t *req) {
    asy__http_cconn *c = ASY__NEW(asy__http_cconn);
    if (!c) return ASY_ENOMEM;
    memset(c, 0, sizeof(*c));
    c->loop = loop;
    c->agent = agent;
    c->origin = origin;
    c->port = req->port_;
    asy__queue_init(&c->link);
    asy__queue_init(&c->all_link);
    if (origin) {
        asy__queue_insert_tail(&origin->conns, &c->all_link);
        origin->nsock++;
        agent->stats_.sockets++;
        agent->stats_.created++;
    }
    c->req = req;
    req->conn_ = c;
    c->nreqs = 1;
    if (req->opts_.connect_timeout_ms != ASY_HTTP_NO_TIMEOUT)
        c->timer = asy_set_timeout(loop, asy__cc_timeout, c, req->opts_.connect_timeout_ms);
    if (req->host_is_ip_) {
        size_t n = strlen(req->host_);
        if (n >= sizeof(c->addrs[0])) n = sizeof(c->addrs[0]) - 1;
        memcpy(c->addrs[0], req->host_, n);
        c->addrs[0][n] = 0;
        c->naddrs = 1;
        asy__cc_connect_next(c);
    } else {
        int r = asy_dns_lookup(loop, &c->dns, req->host_, NULL, asy__cc_resolved);
        if (r != 0) {
            c->flags |= ASY__CC_DEAD;
            asy__cr_conn_lost(req, r); /* fails it, on a nextTick */
            asy__cc_free(c);
            return 0;
        }
        c->flags |= ASY__CC_DNS;
    }
    return 0;
}

/* An idle connection takes req. */
ASY__INTERNAL void asy__cc_assign(asy__http_cconn *c, asy_http_client_req_t *req) {
    c->req = req;
    req->conn_ = c;
    c->nreqs++;
    req->flags_ |= ASY__CR_REUSED;
    if (c->agent) c->agent->stats_.reused++;
    if (c->flags & ASY__CC_SOCK) asy_ref((asy_handle_t *)&c->sock.h.tcp);
    asy__cr_on_assigned(req);
}

/* The exchange on c is over: back to the pool, or closed. */
ASY__INTERNAL void asy__cc_release(asy__http_cconn *c) {
    if (!c->agent || (c->flags & (ASY__CC_NO_REUSE | ASY__CC_DEAD)) ||
        c->agent->opts_.no_keep_alive || !(c->flags & ASY__CC_SOCK)) {
        c->flags |= ASY__CC_NO_REUSE;
        asy__cc_kill(c, 0);
        return;
    }
    asy__agent_release(c);
}

#endif /* ASYNCRT_OS_POSIX */
