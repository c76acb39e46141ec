/* Node's http.request / http.get and http.Agent (docs/http.md).
 *
 *   static void on_response(asy_http_client_req_t *req, asy_http_client_res_t *res) {
 *       printf("%d\n", res->status);
 *       asy_stream_set_events(&res->stream, &body_events);   // the body, a Readable
 *   }
 *   static const asy_http_client_events_t ev = {on_response, on_error, NULL};
 *   asy_http_agent_init(loop, &agent, NULL);                 // keep-alive pool
 *   asy_http_request_opts_t o;  memset(&o, 0, sizeof(o));
 *   o.url = "http://127.0.0.1:3000/x";  o.agent = &agent;
 *   asy_http_request(loop, &o, &ev, &req);
 *   asy_http_request_end(req, NULL, 0);                      // or write req->stream
 *
 * The request is a Writable (req->stream: the body, framed with
 * Content-Length when asy_http_request_end gives the whole body at once or
 * a Content-Length header was set, chunked otherwise); the response a
 * Readable (res->stream) whose backpressure stops the socket reading.
 *
 * Lifetime: the library allocates the request; it stays valid until
 * events->on_close(req) returns, which comes after the request stream,
 * the response stream (if there was a response) and the connection are
 * done with.  on_error(req, err) comes at most once, before on_close; an
 * error after the response head also destroys res->stream with err.
 *
 * Agent: a keep-alive pool per origin (host:port) with maxSockets,
 * maxFreeSockets, an idle timeout (the smaller of the agent's and the
 * server's "Keep-Alive: timeout=N" minus one second, as undici does) and
 * LIFO reuse.  Idle sockets do not keep the loop alive.  A request that
 * fails on a reused socket before any byte of the response arrived (the
 * server closed it while it was idle: ECONNRESET, EPIPE or EOF) is sent
 * again, once, on a new connection when its method is idempotent and its
 * body is replayable (none, or given whole to asy_http_request_end). */
#pragma once
#include "parser.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/timer.h"
#include "../stream/stream.h"
#if ASYNCRT_OS_POSIX

typedef struct asy_http_agent_s asy_http_agent_t;
typedef struct asy_http_client_req_s asy_http_client_req_t;
typedef struct asy_http_client_res_s asy_http_client_res_t;
typedef struct asy__http_origin asy__http_origin;
typedef struct asy__http_cconn asy__http_cconn;

/* Disables one of the request timeouts below. */
#define ASY_HTTP_NO_TIMEOUT ((uint64_t)-1)

typedef struct asy_http_client_events_t {
    /* 'response': the head arrived (1xx are skipped); read res->stream. */
    void (*on_response)(asy_http_client_req_t *req, asy_http_client_res_t *res);
    /* 'error': ASY_EHTTP_* (parse errors and the codes of errors.h:
     * ASY_EHTTP_CONNECT_TIMEOUT, ASY_EHTTP_HEADERS_TIMEOUT,
     * ASY_EHTTP_BODY_TIMEOUT, ASY_EHTTP_ABORTED, ASY_EHTTP_HANG_UP), a
     * socket error (ASY_ECONNREFUSED, ASY_ECONNRESET...) or ASY_EAI_*. */
    void (*on_error)(asy_http_client_req_t *req, int err);
    /* The last call with req; its memory goes when this returns. */
    void (*on_close)(asy_http_client_req_t *req);
} asy_http_client_events_t;

/* Zero means the default everywhere. */
typedef struct asy_http_agent_opts_t {
    int no_keep_alive;         /* keepAlive: false -> Connection: close */
    size_t max_sockets;        /* per origin; 0: no limit (Node: Infinity) */
    size_t max_free_sockets;   /* idle ones kept per origin; 0: 256 */
    size_t max_total_sockets;  /* every origin; 0: no limit */
    uint64_t idle_timeout_ms;  /* a free socket closes after; 0: 4000 */
    int fifo;                  /* scheduling 'fifo'; default 'lifo' */
    /* https: origins (built with ASYNCRT_WITH_MBEDTLS): the client TLS
     * context (CAs, ALPN...) of every connection; NULL: one the agent
     * makes with the system CAs on first use, freed by agent_close. */
    struct asy_tls_context_s *tls_context;
    int reject_unauthorized_off; /* rejectUnauthorized: false */
} asy_http_agent_opts_t;

typedef struct asy_http_agent_stats_t {
    size_t sockets;      /* open connections (busy, idle and connecting) */
    size_t free_sockets; /* idle ones in the pool */
    size_t pending;      /* requests waiting for a socket */
    uint64_t created;    /* connections opened so far */
    uint64_t reused;     /* requests sent on a reused connection */
    uint64_t retried;    /* requests sent again after a reused socket failed */
} asy_http_agent_stats_t;

typedef void (*asy_http_agent_close_cb)(asy_http_agent_t *agent);

struct asy_http_agent_s {
    void *data;
    asy_loop_t *loop;
    /* -- private -- */
    asy_http_agent_opts_t opts_;
    asy__queue origins_;
    asy_http_agent_stats_t stats_;
    asy_http_agent_close_cb close_cb_;
    int closing_;
    struct asy_tls_context_s *tls_ctx_; /* the one made on first use */
};

typedef struct asy_http_request_opts_t {
    const char *url;    /* "http[s]://host[:port]/path?query" (required) */
    const char *method; /* NULL: "GET" */
    /* Sent as given, after Host; a Host, Connection, Content-Length or
     * Transfer-Encoding here replaces the one the client would add. */
    const asy_http_header_t *headers;
    size_t num_headers;
    asy_http_agent_t *agent; /* NULL: a connection of its own (agent: false) */
    uint64_t connect_timeout_ms; /* DNS + TCP connect; 0: 10 s */
    uint64_t headers_timeout_ms; /* request sent -> response head; 0: 300 s */
    uint64_t body_timeout_ms;    /* between body bytes (not while paused); 0: 300 s */
    size_t max_header_size;      /* 0: 16 KiB -> ASY_EHTTP_HEADERS_TOO_LARGE */
    size_t high_water_mark;      /* the response stream; 0: 64 KiB */
    int insecure_http_parser;    /* ASY_HTTP_LENIENT */
    /* https: without an agent (with one, the agent's options apply):
     * the TLS context (NULL: the system CAs) and the opt-out. */
    struct asy_tls_context_s *tls_context;
    int reject_unauthorized_off;
} asy_http_request_opts_t;

struct asy_http_client_res_s {
    asy_stream_t stream; /* Readable: the body (first member) */
    void *data;
    int status;          /* statusCode */
    /* the head: version, reason, headers (valid while the request is) */
    asy_http_head_t head;
    asy_http_header_t *trailers; /* a chunked body's, after the end */
    size_t num_trailers;
    asy_http_client_req_t *req;
};

struct asy_http_client_req_s {
    asy_stream_t stream; /* Writable: the request body (first member) */
    void *data;
    asy_loop_t *loop;
    asy_http_client_res_t res;
    /* -- private -- */
    const asy_http_client_events_t *ev_;
    asy_http_agent_t *agent_;
    asy__http_cconn *conn_;
    asy__http_origin *origin_;
    asy__queue link_;     /* an origin's waiting list */
    asy_http_request_opts_t opts_;
    char *key_;           /* "host:port" */
    char *host_;          /* for DNS / connect, without brackets */
    int port_;
    int host_is_ip_;
    int https_;           /* the connection runs over TLS */
    char *head_;          /* request line + headers, without the end */
    size_t head_len_;
    unsigned flags_;
    int err_;
    unsigned refs_;
    asy_buf_t body_;      /* the whole body given to asy_http_request_end */
    asy_buf_t wchunk_;    /* a streamed chunk waiting for the connection */
    int64_t content_length_;
    /* response parsing */
    char *hbuf_;
    size_t hlen_, hcap_;
    asy_http_header_t *hdrs_;
    size_t nhdrs_cap_;
    unsigned rstate_;
    uint64_t remaining_;
    asy_http_chunked_t chunked_;
    char *tbuf_;
    size_t tlen_;
    asy_timer_id_t timer_;
    unsigned timer_kind_;
    asy__stream_listener req_l_, res_l_;
    char lenbuf_[24];
};

ASYNCRT_API int asy_http_agent_init(asy_loop_t *loop, asy_http_agent_t *agent,
                                    const asy_http_agent_opts_t *opts);
/* agent.destroy(): closes every socket, idle or busy (requests in flight
 * fail with ASY_EHTTP_ABORTED); cb (may be NULL) once the last one is
 * closed, from which the struct is the caller's again. */
ASYNCRT_API void asy_http_agent_close(asy_http_agent_t *agent, asy_http_agent_close_cb cb);
ASYNCRT_API void asy_http_agent_get_stats(const asy_http_agent_t *agent,
                                          asy_http_agent_stats_t *out);

/* http.request(url, options): 0 and *out, or ASY_EINVALID_URL,
 * ASY_EPROTONOSUPPORT (not http:), ASY_EINVAL (bad method or header),
 * ASY_ENOMEM; nothing is called back then.  The connection is asked for
 * at once; the head leaves with the first write or the end. */
ASYNCRT_API int asy_http_request(asy_loop_t *loop, const asy_http_request_opts_t *opts,
                                 const asy_http_client_events_t *events,
                                 asy_http_client_req_t **out);
/* http.get: a GET request, ended. */
ASYNCRT_API int asy_http_get(asy_loop_t *loop, const char *url, asy_http_agent_t *agent,
                             const asy_http_client_events_t *events, asy_http_client_req_t **out);
/* req.end(data): the whole body at once (copied; sent with Content-Length
 * when nothing was written before), then the end of the request. */
ASYNCRT_API int asy_http_request_end(asy_http_client_req_t *req, const void *data, size_t len);
/* req.destroy(): aborts at any phase (waiting for a socket, DNS,
 * connecting, sending, waiting for the head, reading the body): on_error
 * gets ASY_EHTTP_ABORTED, or err when non-zero.  A no-op once finished. */
ASYNCRT_API void asy_http_request_abort(asy_http_client_req_t *req, int err);
/* The first response header of that name (case-insensitive), NULL if none. */
ASYNCRT_API const char *asy_http_client_res_header(const asy_http_client_res_t *res,
                                                   const char *name, size_t *len);
/* 1 when the request went out on a reused connection. */
ASYNCRT_API int asy_http_request_reused(const asy_http_client_req_t *req);

#endif /* ASYNCRT_OS_POSIX */
