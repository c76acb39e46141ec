/* fetch (WHATWG Fetch, as Node's undici does it) over the HTTP client
 * (docs/http.md).
 *
 *   asy_promise_t *p = asy_fetch(loop, "http://127.0.0.1:3000/x", NULL);
 *   // fulfils with an asy_fetch_response_t * (owned by the promise: valid
 *   // while p is alive); rejects with an ASY_E* code and a message
 *   asy_promise_t *t = asy_fetch_text(res);   // the body, whole
 *
 * Redirects as undici: 'follow' (at most 20; 303 turns any method but
 * HEAD into GET, 301/302 turn POST into GET, both dropping the body and
 * its Content-* headers; 307/308 keep both, which a streamed body cannot
 * do: ASY_EHTTP_REDIRECT_BODY), 'error' (ASY_EHTTP_REDIRECT), 'manual'
 * (the 3xx response is the result).  Authorization, Cookie and
 * Proxy-Authorization are dropped when a redirect changes the origin.
 * data: URLs are decoded locally.  Built with ASYNCRT_WITH_ZLIB, fetch
 * sends `Accept-Encoding: gzip, deflate` (unless the caller set one;
 * `identity` with a Range header) and undoes the response's
 * Content-Encoding as undici does: the codings from last to first, gzip /
 * x-gzip through gunzip, deflate through inflate (zlib or raw deflate),
 * with Z_SYNC_FLUSH (a truncated body ends without an error, corrupt data
 * errors the body with ASY_Z_DATA_ERROR); a coding it does not know
 * leaves the body as sent; more than 5 codings reject with
 * ASY_EFETCH_CODINGS; HEAD, CONNECT and 101/204/205/304 have no body to
 * decode.  The headers stay as sent (Content-Encoding, Content-Length).
 * Without zlib the body comes as the server sent it and no
 * Accept-Encoding is sent. */
#pragma once
#include "client.h"
#include "../base/queue.h"
#include "../loop/handle.h"
#include "../promise/promise.h"
#include "../stream/stream.h"
#if ASYNCRT_OS_POSIX

/* ---- Headers: case-insensitive, values of one name combined with ", ",
 * except Set-Cookie, whose values stay apart.  Names are stored
 * lowercased, in sorted order (the Fetch standard's iteration). */
typedef struct asy__hdr_entry asy__hdr_entry;
typedef struct asy_headers_s {
    asy__hdr_entry *items_;
    size_t n_, cap_;
    char *cookie_cache_; /* get("set-cookie"): all of them combined */
} asy_headers_t;

ASYNCRT_API void asy_headers_init(asy_headers_t *h);
ASYNCRT_API void asy_headers_free(asy_headers_t *h);
ASYNCRT_API int asy_headers_copy(asy_headers_t *dst, const asy_headers_t *src);
/* ASY_EINVAL for a name that is not a token or a value with CR, LF or NUL. */
ASYNCRT_API int asy_headers_append(asy_headers_t *h, const char *name, const char *value);
ASYNCRT_API int asy_headers_appendn(asy_headers_t *h, const char *name, size_t name_len,
                                    const char *value, size_t value_len);
ASYNCRT_API int asy_headers_set(asy_headers_t *h, const char *name, const char *value);
ASYNCRT_API int asy_headers_delete(asy_headers_t *h, const char *name);
/* The combined value (NUL-terminated, valid until h changes), NULL if none. */
ASYNCRT_API const char *asy_headers_get(asy_headers_t *h, const char *name);
ASYNCRT_API int asy_headers_has(const asy_headers_t *h, const char *name);
/* Iteration in sorted order: entries (Set-Cookie once per value). */
ASYNCRT_API size_t asy_headers_count(const asy_headers_t *h);
ASYNCRT_API int asy_headers_at(const asy_headers_t *h, size_t i, const char **name,
                               const char **value);
/* getSetCookie(): how many, and the i-th. */
ASYNCRT_API size_t asy_headers_set_cookie_count(const asy_headers_t *h);
ASYNCRT_API const char *asy_headers_set_cookie(const asy_headers_t *h, size_t i);

/* ---- AbortController / AbortSignal ---- */
typedef struct asy__abort_waiter asy__abort_waiter;
struct asy__abort_waiter {
    asy__queue link;
    void (*fn)(asy__abort_waiter *w, int reason);
};
typedef struct asy_abort_signal_s {
    int aborted;
    int reason; /* ASY_EHTTP_ABORTED unless given */
    asy__queue waiters_;
} asy_abort_signal_t;

ASYNCRT_API void asy_abort_signal_init(asy_abort_signal_t *s);
/* controller.abort(reason): reason 0 is ASY_EHTTP_ABORTED.  Every fetch
 * using the signal rejects (or its body errors) with it.  Once only. */
ASYNCRT_API void asy_abort_signal_abort(asy_abort_signal_t *s, int reason);

/* ---- fetch ---- */
enum { ASY_FETCH_FOLLOW = 0, ASY_FETCH_ERROR = 1, ASY_FETCH_MANUAL = 2 };

/* Zero means the default everywhere; NULL: all defaults. */
typedef struct asy_fetch_opts_t {
    const char *method;           /* "GET" */
    const asy_headers_t *headers; /* copied */
    const void *body;             /* a buffer (copied), or */
    size_t body_len;
    asy_stream_t *body_stream;    /* a Readable, piped into the request */
    int redirect;                 /* ASY_FETCH_FOLLOW / ERROR / MANUAL */
    asy_abort_signal_t *signal;   /* must outlive the fetch */
    uint64_t timeout_ms;          /* AbortSignal.timeout: head and body; 0: none */
    asy_http_agent_t *agent;      /* the pool; NULL: a connection per request */
    /* https without an agent: the client TLS context (NULL: system CAs)
     * and rejectUnauthorized: false (an agent's own options apply) */
    struct asy_tls_context_s *tls_context;
    int reject_unauthorized_off;
    uint64_t connect_timeout_ms, headers_timeout_ms, body_timeout_ms; /* the client's */
} asy_fetch_opts_t;

typedef struct asy__fetch asy__fetch;

typedef struct asy_fetch_response_s {
    int status;
    const char *status_text; /* the reason phrase the server sent */
    int ok;                  /* 200..299 */
    int redirected;
    const char *url;         /* the final URL */
    asy_headers_t headers;
    /* The body, a Readable (NULL once it has closed, or for a null body
     * of a 'manual' redirect).  Read it, or use asy_fetch_text. */
    asy_stream_t *body;
    asy__fetch *f_; /* private */
} asy_fetch_response_t;

/* What asy_fetch_text / asy_fetch_bytes fulfil with (owned by the
 * promise): data is NUL-terminated for convenience. */
typedef struct asy_fetch_bytes_s {
    char *data;
    size_t len;
} asy_fetch_bytes_t;

/* NULL only on ENOMEM or a NULL loop/url: every other failure rejects:
 * ASY_EINVALID_URL, ASY_EPROTONOSUPPORT (not http: or data:), ASY_EINVAL
 * (a bad method or header), the client's errors, the redirect codes,
 * ASY_EBAD_DATA_URL, ASY_EFETCH_TIMEOUT, the signal's reason. */
ASYNCRT_API asy_promise_t *asy_fetch(asy_loop_t *loop, const char *url, const asy_fetch_opts_t *opts);
/* res.text() / res.arrayBuffer(): the whole body.  ASY_EFETCH_BODY_USED
 * when the body was read already. */
ASYNCRT_API asy_promise_t *asy_fetch_text(asy_fetch_response_t *res);
ASYNCRT_API asy_promise_t *asy_fetch_bytes(asy_fetch_response_t *res);

#endif /* ASYNCRT_OS_POSIX */
