/* Shared between the client's files: the request (client.c), the
 * connection (conn.c) and the pool (agent.c). */
#pragma once
#include "client.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../loop/timer.h"
#include "../net/socket.h"
#include "../dns/dns.h"
#include "../url/url.h"
#if ASYNCRT_OS_POSIX

/* req->flags_ */
enum {
    ASY__CR_ENDED = 1u << 0,       /* no more body: end() was called */
    ASY__CR_BODY_WHOLE = 1u << 1,  /* body_ holds all of it (replayable) */
    ASY__CR_STREAMED = 1u << 2,    /* a chunk came through req->stream */
    ASY__CR_HEAD_SENT = 1u << 3,
    ASY__CR_SENT = 1u << 4,        /* the whole request is written */
    ASY__CR_CHUNKED = 1u << 5,     /* the body is framed chunked */
    ASY__CR_WRITE_WAIT = 1u << 6,  /* a stream write waits for write_done */
    ASY__CR_FINAL_WAIT = 1u << 7,  /* the stream's final waits */
    ASY__CR_GOT_BYTES = 1u << 8,   /* response bytes arrived */
    ASY__CR_RETRIED = 1u << 9,
    ASY__CR_DONE = 1u << 10,       /* the exchange is over (well or not) */
    ASY__CR_ERRORED = 1u << 11,
    ASY__CR_RES_INIT = 1u << 12,   /* res.stream exists */
    ASY__CR_PAUSED = 1u << 13,     /* the socket is paused for res.stream */
    ASY__CR_USER_CL = 1u << 14,    /* headers had Content-Length */
    ASY__CR_USER_TE = 1u << 15,    /* headers had Transfer-Encoding */
    ASY__CR_USER_CONN = 1u << 16,  /* headers had Connection */
    ASY__CR_HEAD = 1u << 17,       /* method HEAD */
    ASY__CR_IDEMPOTENT = 1u << 18,
    ASY__CR_NO_BODY_METHOD = 1u << 19, /* GET, HEAD, DELETE...: no CL for empty */
    ASY__CR_QUEUED = 1u << 20,     /* on an origin's waiting list */
    ASY__CR_CONN_CLOSE = 1u << 21, /* sent Connection: close */
    ASY__CR_CLOSED = 1u << 22,     /* on_close ran */
    ASY__CR_REUSED = 1u << 23      /* sent on a connection used before */
};

/* req->rstate_ */
enum {
    ASY__CRS_HEAD = 0,
    ASY__CRS_CL,
    ASY__CRS_CHUNKED,
    ASY__CRS_EOF,    /* until the server closes */
    ASY__CRS_DONE
};

/* conn->flags */
enum {
    ASY__CC_DNS = 1u << 0,      /* a lookup is in flight */
    ASY__CC_SOCK = 1u << 1,     /* sock is initialised (until its on_close) */
    ASY__CC_CONNECTED = 1u << 2,
    ASY__CC_DEAD = 1u << 3,     /* failed or closing: never reused */
    ASY__CC_IDLE = 1u << 4,     /* on the origin's free list */
    ASY__CC_NO_REUSE = 1u << 5,
    ASY__CC_NEXT_ADDR = 1u << 6 /* connect failed: the next address follows */
};

#define ASY__CC_MAX_ADDRS 4

struct asy__http_cconn {
    asy_socket_t sock;
    /* what the exchange reads and writes: &sock.stream, or the TLS
     * stream over it (https.c) */
    asy_stream_t *io;
    void *tls;
    asy__queue link;     /* the origin's free list */
    asy__queue all_link; /* the origin's every connection */
    asy_loop_t *loop;
    asy_http_agent_t *agent;  /* NULL for a one-shot connection */
    asy__http_origin *origin; /* NULL for a one-shot connection */
    asy_http_client_req_t *req;
    unsigned flags;
    unsigned nreqs; /* requests assigned to it */
    int err;
    int port;
    unsigned naddrs, addr_i;
    char addrs[ASY__CC_MAX_ADDRS][46];
    asy_dns_lookup_t dns;
    asy_timer_id_t timer;  /* connect timeout, then the idle timeout */
    uint64_t keep_alive_ms; /* the server's Keep-Alive: timeout hint, 0: none */
};

struct asy__http_origin {
    asy__queue link; /* agent->origins_ */
    asy_http_agent_t *agent;
    char *key;
    asy__queue free_conns;
    asy__queue conns; /* all of them */
    asy__queue waiting;
    size_t nsock, nfree, npending;
};

/* client.c */
ASY__INTERNAL void asy__cr_on_assigned(asy_http_client_req_t *req);
ASY__INTERNAL int asy__cr_feed(asy_http_client_req_t *req, const asy_buf_t *chunk);
ASY__INTERNAL void asy__cr_fail(asy_http_client_req_t *req, int err);
ASY__INTERNAL void asy__cr_conn_lost(asy_http_client_req_t *req, int err);
ASY__INTERNAL void asy__cr_unref(asy_http_client_req_t *req);
/* conn.c */
ASY__INTERNAL int asy__cc_new(asy_loop_t *loop, asy_http_agent_t *agent, asy__http_origin *origin,
                              asy_http_client_req_t *req);
ASY__INTERNAL void asy__cc_assign(asy__http_cconn *c, asy_http_client_req_t *req);
ASY__INTERNAL void asy__cc_kill(asy__http_cconn *c, int err);
ASY__INTERNAL void asy__cc_release(asy__http_cconn *c);
ASY__INTERNAL void asy__cc_timer_stop(asy__http_cconn *c);
/* https.c: the transport seam */
ASY__INTERNAL int asy__http_scheme_ok(const asy_url_t *u);
ASY__INTERNAL int asy__cc_tls_start(asy__http_cconn *c, const asy_stream_events_t *events);
ASY__INTERNAL void asy__cc_tls_free(asy__http_cconn *c);
ASY__INTERNAL void asy__agent_tls_free(asy_http_agent_t *agent);
/* agent.c */
ASY__INTERNAL int asy__agent_dispatch(asy_http_agent_t *agent, asy_http_client_req_t *req,
                                      int fresh);
ASY__INTERNAL void asy__agent_release(asy__http_cconn *c);
ASY__INTERNAL void asy__agent_conn_gone(asy__http_cconn *c);
ASY__INTERNAL void asy__agent_unqueue(asy_http_client_req_t *req);

#endif /* ASYNCRT_OS_POSIX */
