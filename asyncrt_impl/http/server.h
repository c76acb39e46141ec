/* Node's http.createServer (docs/http.md).
 *
 *   static void on_request(asy_http_server_t *srv, asy_http_req_t *req,
 *                          asy_http_res_t *res) {
 *       asy_http_res_set_header(res, "Content-Type", "text/plain");
 *       asy_http_res_end(res, "Hello World", 11);
 *   }
 *   asy_http_server_init(loop, &srv, NULL, on_request);
 *   asy_http_server_listen(&srv, "127.0.0.1", 3000, 511);
 *
 * The request is a Readable stream of the body (req->stream: on_data,
 * on_end, pause/resume, pipe); the response a Writable (res->stream, or
 * asy_http_res_write / asy_http_res_end).  Backpressure runs both ways: a
 * request body nobody reads stops the socket reading; a response written
 * faster than the client reads makes write() return 0 until on_drain.
 *
 * Lifetime: req and res belong to the server and stay valid until both
 * streams have closed (their on_close); the request's head (method,
 * target, headers) stays valid as long as req.  After the response ends,
 * a request body not read is discarded, as Node does.  Keep-alive,
 * pipelining (responses leave in request order), timeouts and limits
 * follow Node's http.Server. */
#pragma once
#include "parser.h"
#include "../base/queue.h"
#include "../loop/timer.h"
#include "../loop/phases.h"
#include "../stream/stream.h"
#include "../net/tcp.h"
#if ASYNCRT_OS_POSIX

typedef struct asy_http_server_s asy_http_server_t;
typedef struct asy_http_req_s asy_http_req_t;
typedef struct asy_http_res_s asy_http_res_t;
typedef struct asy__http_conn asy__http_conn;
typedef struct asy__http_exch asy__http_exch;

typedef void (*asy_http_request_cb)(asy_http_server_t *srv, asy_http_req_t *req,
                                    asy_http_res_t *res);
/* 'upgrade' (and CONNECT): the connection is the callee's from now on: fd
 * is a new descriptor for it (wrap it with asy_tcp_open or
 * asy_socket_open; close it when done) and head/head_len the bytes that
 * followed the request head.  req stays valid during the call only. */
typedef void (*asy_http_upgrade_cb)(asy_http_server_t *srv, asy_http_req_t *req, int fd,
                                    const char *head, size_t head_len);
/* 'clientError': a request was rejected (err is an ASY_EHTTP_* code or a
 * socket error).  The server has answered it and closes the connection. */
typedef void (*asy_http_client_error_cb)(asy_http_server_t *srv, int err);

/* Zero means Node's default everywhere. */
typedef struct asy_http_server_opts_t {
    size_t max_header_size;          /* 16 KiB: a bigger head gets 431 */
    size_t max_headers_count;        /* 2000; fields past it are dropped */
    uint64_t headers_timeout_ms;     /* 60 s for the whole head -> 408 */
    uint64_t request_timeout_ms;     /* 300 s for head + body -> 408 */
    uint64_t keep_alive_timeout_ms;  /* 5 s idle between requests */
    unsigned max_requests_per_socket; /* 0: no limit */
    size_t high_water_mark;          /* 16 KiB, both streams */
    uint64_t max_body_size;          /* 0: no limit; above -> 413 */
    size_t max_target_len;           /* 8 KiB -> 414 */
    int insecure_http_parser;        /* ASY_HTTP_LENIENT */
    int no_date;                     /* sendDate = false */
    int no_delay_off;                /* noDelay: on unless this is set */
    /* 'checkContinue': called instead of the request callback for
     * Expect: 100-continue; call asy_http_res_write_continue to go on.
     * NULL: 100 Continue is sent at once, then the request callback. */
    asy_http_request_cb check_continue;
    asy_http_upgrade_cb on_upgrade;  /* NULL: upgrades are plain requests */
    asy_http_client_error_cb on_client_error;
} asy_http_server_opts_t;

struct asy_http_req_s {
    asy_stream_t stream; /* Readable: the body (first member) */
    void *data;
    asy_http_server_t *server;
    /* method, target, version, headers; valid while req is */
    asy_http_head_t head;
    /* Trailer fields of a chunked body, after on_end. */
    asy_http_header_t *trailers;
    size_t num_trailers;
    /* -- private -- */
    asy__http_exch *exch_;
};

struct asy_http_res_s {
    asy_stream_t stream; /* Writable: the body (first member) */
    void *data;
    int status_code;     /* statusCode: 200 until changed */
    /* -- private -- */
    asy__http_exch *exch_;
};

struct asy_http_server_s {
    void *data;
    asy_loop_t *loop;
    /* -- private -- */
    asy_tcp_t tcp_;
    asy_http_server_opts_t opts_;
    asy_http_request_cb cb_;
    asy_close_cb close_cb_;
    asy_timer_t timer_;
    asy_check_t flush_;
    asy_idle_t idle_;
    asy__queue conns_;     /* every connection */
    asy__queue dirty_;     /* connections with output to send */
    asy__queue free_exch_; /* recycled request/response pairs */
    asy_http_header_t *scratch_; /* the parser's field array */
    unsigned handles_;
    size_t nconns_, nfree_exch_;
    unsigned state_;
    long long date_sec_;
    char date_[96]; /* "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n" (room for any int) */
};

ASYNCRT_API int asy_http_server_init(asy_loop_t *loop, asy_http_server_t *srv,
                                     const asy_http_server_opts_t *opts, asy_http_request_cb cb);
/* host: an IP address (NULL: every interface); port 0 picks one. */
ASYNCRT_API int asy_http_server_listen(asy_http_server_t *srv, const char *host, int port,
                                       int backlog);
ASYNCRT_API int asy_http_server_port(const asy_http_server_t *srv);
/* server.emit('connection', duplex): serves HTTP over any Duplex stream --
 * a TLS stream (that is what asy_https_server does), a pipe, an
 * in-memory pair -- exactly as over an accepted socket: keep-alive,
 * pipelining, backpressure, timeouts, limits.  The server takes io's
 * reading (it listens to its data, end, error and close; do not read io
 * yourself) and its writing, ends it when the connection is done and
 * destroys it when it closes the connection; io must emit its close once
 * destroyed (every asyncrt stream does).  The server is done with io when
 * io closes: free io in its own on_close (the server's part runs before
 * it), never earlier.  Upgrades are not offered
 * over a stream (they hand over a socket): such requests are plain
 * requests.  ASY_EINVAL (io not a Duplex, a closing server; the caller
 * keeps io), ASY_ENOMEM. */
ASYNCRT_API int asy_http_server_serve(asy_http_server_t *srv, asy_stream_t *io);
/* The Duplex a request came over when its server serves one (above; the
 * TLS stream of an https server), else NULL (a plain socket, or the
 * exchange is over). */
ASYNCRT_API asy_stream_t *asy_http_req_io(const asy_http_req_t *req);
/* server.close(): stops listening, closes idle connections, lets the
 * others finish their current request; close_cb (may be NULL) once the
 * last connection is gone and the server's handles are closed.  The
 * struct is reusable from close_cb on. */
ASYNCRT_API void asy_http_server_close(asy_http_server_t *srv, asy_close_cb close_cb);
ASYNCRT_API void asy_http_server_close_idle_connections(asy_http_server_t *srv);
ASYNCRT_API void asy_http_server_close_all_connections(asy_http_server_t *srv);
ASYNCRT_API size_t asy_http_server_connections(const asy_http_server_t *srv);

/* The first field of that name (case-insensitive), NULL if none; *len
 * (may be NULL) gets the value's length.  Values are not NUL-terminated. */
ASYNCRT_API const char *asy_http_req_header(const asy_http_req_t *req, const char *name,
                                            size_t *len);
ASYNCRT_API const char *asy_http_req_trailer(const asy_http_req_t *req, const char *name,
                                             size_t *len);

/* Response headers, Node's setHeader / getHeader / removeHeader: names
 * are case-insensitive; set replaces.  ASY_EBUSY once headers are sent
 * (ERR_HTTP_HEADERS_SENT), ASY_EINVAL for a bad name or value. */
ASYNCRT_API int asy_http_res_set_header(asy_http_res_t *res, const char *name, const char *value);
ASYNCRT_API int asy_http_res_append_header(asy_http_res_t *res, const char *name,
                                           const char *value);
ASYNCRT_API const char *asy_http_res_get_header(const asy_http_res_t *res, const char *name);
ASYNCRT_API int asy_http_res_remove_header(asy_http_res_t *res, const char *name);
ASYNCRT_API int asy_http_res_headers_sent(const asy_http_res_t *res);
/* writeHead(status[, reason]): reason NULL for the standard text.  The
 * head goes out with the first write or the end. */
ASYNCRT_API int asy_http_res_write_head(asy_http_res_t *res, int status, const char *reason);
/* write / end over res->stream (backpressure: 0 means wait for drain).
 * Without a Content-Length header, a body written in several pieces is
 * sent chunked (HTTP/1.1) or delimited by the close (HTTP/1.0); end with
 * no earlier write sends a Content-Length. */
ASYNCRT_API int asy_http_res_write(asy_http_res_t *res, const void *data, size_t len,
                                   asy_stream_cb cb, void *arg);
ASYNCRT_API int asy_http_res_end(asy_http_res_t *res, const void *data, size_t len);
/* addTrailers: sent after a chunked body (ignored otherwise). */
ASYNCRT_API int asy_http_res_add_trailer(asy_http_res_t *res, const char *name,
                                         const char *value);
/* writeContinue: "HTTP/1.1 100 Continue" now (from check_continue). */
ASYNCRT_API int asy_http_res_write_continue(asy_http_res_t *res);

#endif /* ASYNCRT_OS_POSIX */
