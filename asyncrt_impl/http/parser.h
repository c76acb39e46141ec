/* HTTP/1.1 message parsing (RFC 9112): request heads, response heads,
 * field blocks (trailers) and the chunked transfer coding.
 *
 * Pure functions over the caller's bytes, as picohttpparser: no
 * allocation, no loop, no global state.  Names and values point into the
 * buffer (zero-copy), so the buffer must outlive their use.
 *
 *   head parsers   asy_http_parse_request / asy_http_parse_response look
 *                  at everything received so far (from the first byte of
 *                  the message) and return the length of the head once it
 *                  is complete, 0 while it is not, or an ASY_EHTTP_* code
 *                  as soon as a byte makes the message invalid.  They keep
 *                  no state, so any split of the input gives the same
 *                  result; call again when more bytes arrive.
 *   chunked body   asy_http_chunked_t is a small state machine that
 *                  streams: each call consumes what it can and points at
 *                  the body bytes it found (again inside the buffer).
 *
 * Strict by default, like llhttp 9: everything RFC 9112 lets a recipient
 * reject and that smuggling attacks use is rejected (docs/http.md has the
 * table).  ASY_HTTP_LENIENT is Node's insecureHTTPParser. */
#pragma once
#include "../base/errors.h"

/* Errors, each with the status a server answers (asy_http_error_status). */
#define ASY_EHTTP_METHOD (-4300)         /* 400 method is not a token */
#define ASY_EHTTP_TARGET (-4301)         /* 400 bad request-target byte */
#define ASY_EHTTP_VERSION (-4302)        /* 400 malformed HTTP-version */
#define ASY_EHTTP_VERSION_UNSUP (-4303)  /* 505 HTTP/2.0, HTTP/0.9... */
#define ASY_EHTTP_CRLF (-4304)           /* 400 bare CR or bare LF */
#define ASY_EHTTP_HEADER_NAME (-4305)    /* 400 non-token name, space before ':' */
#define ASY_EHTTP_HEADER_VALUE (-4306)   /* 400 control character in a value */
#define ASY_EHTTP_OBS_FOLD (-4307)       /* 400 obsolete line folding */
#define ASY_EHTTP_CONTENT_LENGTH (-4308) /* 400 malformed, duplicate, overflow */
#define ASY_EHTTP_TE_CL (-4309)          /* 400 Transfer-Encoding with Content-Length */
#define ASY_EHTTP_TE_CHUNKED (-4310)     /* 400 chunked not last, or twice */
#define ASY_EHTTP_TE_UNKNOWN (-4311)     /* 501 unknown transfer coding */
#define ASY_EHTTP_TE_HTTP10 (-4312)      /* 400 Transfer-Encoding in HTTP/1.0 */
#define ASY_EHTTP_HOST (-4313)           /* 400 missing (HTTP/1.1) or duplicate Host */
#define ASY_EHTTP_HEADERS_TOO_LARGE (-4314) /* 431 head above maxHeaderSize */
#define ASY_EHTTP_URI_TOO_LONG (-4315)   /* 414 request-target too long */
#define ASY_EHTTP_BODY_TOO_LARGE (-4316) /* 413 body above the server's limit */
#define ASY_EHTTP_CHUNK_SIZE (-4317)     /* 400 bad chunk size or chunk end */
#define ASY_EHTTP_CHUNK_EXT (-4318)      /* 400 bad chunk extension */
#define ASY_EHTTP_AFTER_CLOSE (-4319)    /* 400 data after Connection: close */
#define ASY_EHTTP_STATUS (-4320)         /* malformed status line (responses) */
#define ASY_EHTTP_EXPECT (-4321)         /* 417 an Expect other than 100-continue */
#define ASY_EHTTP_TIMEOUT (-4322)        /* 408 headersTimeout / requestTimeout */
#define ASY_EHTTP_CONNECTION (-4323)     /* 400 malformed Connection header */

/* Parser flags. */
enum {
    /* insecureHTTPParser: accept bare LF, obs-fold (the continuation is
     * kept as a field with an empty name), Transfer-Encoding with
     * Content-Length (the length is ignored; the connection closes after
     * the message), duplicate equal Content-Lengths, data after
     * Connection: close, any byte but NUL, CR and LF in values. */
    ASY_HTTP_LENIENT = 1
};

/* Message flags (asy_http_head_t.flags). */
enum {
    ASY_HTTP_F_CHUNKED = 1,        /* Transfer-Encoding ends in chunked */
    ASY_HTTP_F_CONTENT_LENGTH = 2, /* a Content-Length was given */
    ASY_HTTP_F_CONN_CLOSE = 4,     /* Connection: close */
    ASY_HTTP_F_CONN_KEEP_ALIVE = 8,/* Connection: keep-alive */
    ASY_HTTP_F_CONN_UPGRADE = 16,  /* Connection: upgrade */
    ASY_HTTP_F_UPGRADE = 32,       /* an Upgrade header */
    ASY_HTTP_F_EXPECT_CONTINUE = 64, /* Expect: 100-continue */
    ASY_HTTP_F_TE = 128,           /* any Transfer-Encoding (a response not
                                      ending in chunked reads until close) */
    ASY_HTTP_F_KEEP_ALIVE = 256,   /* the connection persists after this
                                      message (version + Connection) */
    ASY_HTTP_F_LENIENT_CLOSE = 512 /* lenient mode accepted something that
                                      forces a close after the message */
};

typedef struct asy_http_header_s {
    const char *name;
    const char *value;
    size_t name_len;
    size_t value_len; /* without leading and trailing whitespace */
} asy_http_header_t;

/* The parsed head of a request or a response.  Before parsing, set
 * `headers` to an array and `max_headers` to its size: fields past it are
 * still checked and still decide the framing, but are not stored
 * (Node's maxHeadersCount); `num_headers` counts the stored ones,
 * `dropped_headers` the others. */
typedef struct asy_http_head_s {
    const char *method;  /* requests */
    const char *target;
    size_t method_len, target_len;
    int status;          /* responses */
    const char *reason;
    size_t reason_len;
    int version_major, version_minor;
    asy_http_header_t *headers;
    size_t max_headers, num_headers, dropped_headers;
    /* The framing, from Content-Length / Transfer-Encoding: -1 when no
     * Content-Length was given. */
    int64_t content_length;
    unsigned flags;      /* ASY_HTTP_F_* */
} asy_http_head_t;

typedef struct asy_http_parse_opts_t {
    unsigned flags;         /* ASY_HTTP_LENIENT */
    size_t max_target_len;  /* 0: 8192 -> ASY_EHTTP_URI_TOO_LONG (414) */
} asy_http_parse_opts_t;

/* A request head in buf[0..len): the head's length (through the empty
 * line) when complete, 0 when more bytes are needed, or ASY_EHTTP_*.
 * opts may be NULL.  Leading empty lines (RFC 9112 2.2) are skipped and
 * counted in the returned length. */
ASYNCRT_API ptrdiff_t asy_http_parse_request(const char *buf, size_t len, asy_http_head_t *head,
                                             const asy_http_parse_opts_t *opts);
/* A response head; status, reason and framing filled.  Whether the
 * response has a body also depends on the request (HEAD) and the status
 * (1xx, 204, 304): asy_http_response_has_body. */
ASYNCRT_API ptrdiff_t asy_http_parse_response(const char *buf, size_t len, asy_http_head_t *head,
                                              const asy_http_parse_opts_t *opts);
/* A field block ending in an empty line, such as the trailer section of
 * a chunked body: its length, 0 when incomplete, or ASY_EHTTP_*.  The
 * fields are checked as header fields are. */
ASYNCRT_API ptrdiff_t asy_http_parse_fields(const char *buf, size_t len, asy_http_header_t *fields,
                                            size_t max_fields, size_t *num_fields,
                                            unsigned flags);
ASYNCRT_API int asy_http_response_has_body(int status, int request_was_head);

/* The chunked transfer coding, streamed.  Zero it (asy_http_chunked_init)
 * at the start of a body, then feed it bytes: */
typedef struct asy_http_chunked_s {
    uint64_t remaining; /* data bytes left in the current chunk */
    unsigned state_;
    unsigned flags_;
    unsigned digits_;
    size_t ext_len_;
} asy_http_chunked_t;

ASYNCRT_API void asy_http_chunked_init(asy_http_chunked_t *c, unsigned flags);
/* Consumes bytes of buf[0..len) and returns how many (>= 0), or
 * ASY_EHTTP_CHUNK_SIZE / ASY_EHTTP_CHUNK_EXT / ASY_EHTTP_CRLF.  When body
 * data was found, *data and *data_len point at it (inside the consumed
 * bytes) and the call returns right after it; otherwise *data_len is 0.
 * Once the last chunk's size line is consumed,
 * asy_http_chunked_in_trailers() is 1: the trailer section follows (the
 * caller parses it with asy_http_parse_fields, it ends the body). */
ASYNCRT_API ptrdiff_t asy_http_chunked_parse(asy_http_chunked_t *c, const char *buf, size_t len,
                                             const char **data, size_t *data_len);
ASYNCRT_API int asy_http_chunked_in_trailers(const asy_http_chunked_t *c);

/* The status a server answers for an ASY_EHTTP_* code (400 for others). */
ASYNCRT_API int asy_http_error_status(int err);
/* llhttp-like name ("HPE_INVALID_HEADER_TOKEN"...) and a message. */
ASYNCRT_API const char *asy_http_error_name(int err);
ASYNCRT_API const char *asy_http_strerror(int err);
/* "OK", "Not Found"...; "" for unknown codes. */
ASYNCRT_API const char *asy_http_status_text(int status);
/* Case-insensitive ASCII comparison of a field name with a C string. */
ASYNCRT_API int asy_http_name_eq(const char *name, size_t len, const char *lit);
