/* Node's tls: a TLS connection as a Duplex stream over any other duplex
 * (docs/tls.md).  Built with ASYNCRT_WITH_MBEDTLS (link -lmbedtls
 * -lmbedx509 -lmbedcrypto); mbedTLS 2.28 speaks TLS 1.2 (no TLS 1.3).
 *
 *   asy_tls_context_t *ctx;                  // tls.createSecureContext
 *   asy_tls_context_new(&ctx, ASY_TLS_CLIENT, NULL);   // system CAs
 *   asy_tls_connect(loop, &tls, "127.0.0.1", 443,
 *                   &(asy_tls_opts_t){ .context = ctx, .servername = "example.com" },
 *                   on_secure);
 *   asy_stream_write_bytes(&tls.stream, "GET / ...", n, NULL, NULL);
 *
 * asy_tls_t is an asy_stream_t of cleartext (the `stream` member, first).
 * It runs over a transport stream: a socket it opened itself
 * (asy_tls_connect, asy_tls_server_accept) or any duplex the caller gives
 * (asy_tls_wrap: a socket, a pipe, a pair of in-memory streams).  The TLS
 * connection takes the transport over -- its events and its data pointer
 * are the TLS connection's until the TLS stream closes -- and destroys it
 * when it is destroyed; the TLS stream's on_close comes after the
 * transport's, so both may be freed there.
 *
 * Safe by default, as Node: a client verifies the chain against the
 * system CA bundle (or the context's CAs) and the host name, and fails
 * the connection with an ASY_ETLS_* code when either is wrong; setting
 * reject_unauthorized_off is the explicit opt-out (the result is then in
 * asy_tls_authorized / asy_tls_authorization_error).  TLS 1.2 is the
 * minimum, cipher suites are ECDHE/DHE with AEAD ciphers only, and a
 * handshake must finish within handshake_timeout_ms (120 s). */
#pragma once
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../stream/stream.h"
#include "../net/socket.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

typedef struct asy_tls_s asy_tls_t;
typedef struct asy_tls_context_s asy_tls_context_t;
typedef struct asy__tls_state asy__tls_state;
typedef struct asy_tls_server_s asy_tls_server_t;

enum { ASY_TLS_CLIENT = 0, ASY_TLS_SERVER = 1 };

/* The default system CA bundle (Debian's). */
#define ASY_TLS_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/* Zero means default everywhere.  Files and PEM strings may be mixed;
 * each *_pem is NUL-terminated PEM text (one or more blocks). */
typedef struct asy_tls_context_opts_t {
    const char *cert_file; /* own certificate chain: leaf first, then intermediates */
    const char *key_file;  /* its private key (unencrypted PEM or DER) */
    const char *cert_pem;
    const char *key_pem;
    /* CAs to trust.  A client loads the system bundle (system_ca_file)
     * when neither ca_file nor ca_pem is given; given, they replace it, as
     * Node's `ca` option does, unless add_system_ca keeps it too. */
    const char *ca_file;
    const char *ca_pem;
    int add_system_ca;
    const char *system_ca_file; /* NULL: ASY_TLS_DEFAULT_CA_FILE */
    /* Server: ask clients for a certificate (requestCert) and, with
     * reject_unauthorized, refuse those without a valid one. */
    int request_cert;
    int reject_unauthorized;
    /* ALPN protocols in preference order, NULL-terminated (NULL: none). */
    const char *const *alpn;
    /* Cipher suites as IANA/mbedTLS names ("TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256"),
     * NULL-terminated.  NULL: the safe default list.  Naming a suite here
     * is how RC4/3DES/CBC suites are "asked for". */
    const char *const *ciphers;
    /* Server: session tickets (RFC 5077) are on unless this is set; a
     * session cache (ID-based resumption) is always on. */
    int no_session_tickets;
    uint32_t session_timeout_s; /* tickets and cache entries; 0: 300 s (Node) */
} asy_tls_context_opts_t;

/* Creates a context (role ASY_TLS_CLIENT or ASY_TLS_SERVER); *out gets it
 * with one reference.  ASY_ETLS_CONFIG for a certificate, key or CA that
 * cannot be read or parsed, or a key that is not the certificate's;
 * ASY_ENOENT for a missing file; ASY_EINVAL for bad options.  A server
 * context needs a certificate and key.  A context is used by connections
 * of one thread at a time. */
ASYNCRT_API int asy_tls_context_new(asy_tls_context_t **out, int role,
                                    const asy_tls_context_opts_t *opts);
ASYNCRT_API void asy_tls_context_ref(asy_tls_context_t *ctx);
/* Drops a reference; connections using the context hold their own. */
ASYNCRT_API void asy_tls_context_unref(asy_tls_context_t *ctx);

/* Server: the SNI callback (Node's SNICallback) picks the context whose
 * certificate answers `servername`; NULL keeps the server's own. */
typedef asy_tls_context_t *(*asy_tls_sni_cb)(asy_tls_t *tls, const char *servername);
/* 'secureConnect' / 'secure': status 0 once the handshake is done (and,
 * for a verifying client, the peer verified), or the error -- the stream
 * is then destroyed with it, so on_error and on_close follow. */
typedef void (*asy_tls_secure_cb)(asy_tls_t *tls, int status);
/* 'session': a session the client may resume later (serialised; pass it
 * as opts.session).  Borrowed: asy_buf_retain it to keep it. */
typedef void (*asy_tls_session_cb)(asy_tls_t *tls, const asy_buf_t *session);

typedef struct asy_tls_opts_t {
    /* NULL on a client: a context of its own with the system CAs (reading
     * the bundle costs milliseconds: share a context instead).  A server
     * needs one. */
    asy_tls_context_t *context;
    /* Client: SNI and the name the certificate must match; NULL: none
     * sent and no host name check (as Node when host is an IP address:
     * give servername to check one). */
    const char *servername;
    /* rejectUnauthorized: false -- a client goes on whatever the
     * verification said (a server's counterpart is in the context). */
    int reject_unauthorized_off;
    /* Client: ALPN protocols to offer (NULL: the context's). */
    const char *const *alpn;
    /* Client: a session from asy_tls_get_session / on_session to resume. */
    const asy_buf_t *session;
    uint64_t handshake_timeout_ms; /* 0: 120 s; ASY_TLS_NO_TIMEOUT: none */
    asy_tls_sni_cb sni;            /* server */
    asy_tls_secure_cb on_secure;
    asy_tls_session_cb on_session; /* client */
    size_t high_water_mark;        /* the cleartext stream, both sides; 0: 16 KiB */
    /* allowHalfOpen for the cleartext stream (Node's default: off, so the
     * peer's close_notify ends the writable side as well). */
    int allow_half_open;
} asy_tls_opts_t;

#define ASY_TLS_NO_TIMEOUT ((uint64_t)-1)

struct asy_tls_s {
    asy_stream_t stream; /* cleartext (first member) */
    /* the transport, once given (asy_tls_wrap) or opened; do not read or
     * write it while the TLS connection runs */
    asy_stream_t *transport;
    /* -- private -- */
    asy__tls_state *st_;
};

/* Wraps transport (an open or opening duplex) in TLS as a client or
 * server (opts->context's role; a client without a context makes one).
 * The handshake starts at once; writes made before it ends wait for it. */
ASYNCRT_API int asy_tls_wrap(asy_loop_t *loop, asy_tls_t *tls, asy_stream_t *transport,
                             const asy_tls_opts_t *opts);
/* tls.connect: a TCP connection to ip:port (an IP address: resolve names
 * with asy_dns_lookup and give the name as servername) wrapped in TLS;
 * on_secure (opts->on_secure or cb) reports the handshake. */
ASYNCRT_API int asy_tls_connect(asy_loop_t *loop, asy_tls_t *tls, const char *ip, int port,
                                const asy_tls_opts_t *opts, asy_tls_secure_cb cb);

/* ---- the connection, once secure ------------------------------------------ */

/* socket.authorized: 1 when the peer's certificate verified (chain and,
 * for a client, name). */
ASYNCRT_API int asy_tls_authorized(const asy_tls_t *tls);
/* socket.authorizationError: 0 or the ASY_ETLS_* verification code. */
ASYNCRT_API int asy_tls_authorization_error(const asy_tls_t *tls);
/* The ALPN protocol agreed (NULL: none). */
ASYNCRT_API const char *asy_tls_alpn_protocol(const asy_tls_t *tls);
/* Server: the name the client sent (NULL: none).  Client: the one sent. */
ASYNCRT_API const char *asy_tls_servername(const asy_tls_t *tls);
/* "TLSv1.2", the cipher suite's name; NULL before the handshake ends. */
ASYNCRT_API const char *asy_tls_protocol(const asy_tls_t *tls);
ASYNCRT_API const char *asy_tls_cipher(const asy_tls_t *tls);
/* socket.isSessionReused(): 1 when the handshake was an abbreviated one. */
ASYNCRT_API int asy_tls_is_session_reused(const asy_tls_t *tls);
/* socket.getSession(): the session, serialised, for opts.session.
 * ASY_EINVAL before the handshake ends (or on a server). */
ASYNCRT_API int asy_tls_get_session(const asy_tls_t *tls, asy_buf_t *out);

/* getPeerCertificate(): the peer's leaf.  Strings are NUL-terminated
 * (truncated to fit); dates are "YYYY-MM-DD HH:MM:SS" UTC. */
typedef struct asy_tls_cert_info_t {
    char subject[256];   /* "CN=localhost, O=..." */
    char issuer[256];
    char subject_cn[128];
    char altnames[512];  /* "DNS:a.example, DNS:b.example" */
    char valid_from[24];
    char valid_to[24];
    char serial[80];     /* hex, colon-separated, as mbedTLS prints it */
    char fingerprint256[96]; /* "AB:CD:..." SHA-256 of the DER */
    int is_ca;
    size_t chain_len;    /* certificates the peer sent */
} asy_tls_cert_info_t;

/* ASY_ENOENT when the peer sent no certificate (or before the handshake). */
ASYNCRT_API int asy_tls_peer_certificate(const asy_tls_t *tls, asy_tls_cert_info_t *out);

/* ---- tls.createServer --------------------------------------------------- */

/* The connection callback calls asy_tls_server_accept with an asy_tls_t
 * of the caller's; the TCP socket underneath is the library's. */
typedef void (*asy_tls_server_cb)(asy_tls_server_t *srv, int status);

struct asy_tls_server_s {
    asy_server_t net; /* the listening socket */
    void *data;
    asy_loop_t *loop;
    /* -- private -- */
    asy_tls_context_t *ctx_;
    asy_tls_opts_t opts_;
    asy_tls_server_cb cb_;
    asy_close_cb close_cb_;
};

/* Listens on host:port (as asy_server_listen) with ctx (a server context;
 * the server holds a reference).  opts (may be NULL) are the defaults for
 * every accepted connection (sni, on_secure, timeouts). */
ASYNCRT_API int asy_tls_server_listen(asy_loop_t *loop, asy_tls_server_t *srv,
                                      asy_tls_context_t *ctx, const asy_tls_opts_t *opts,
                                      const char *host, int port, int backlog,
                                      asy_tls_server_cb cb);
ASYNCRT_API int asy_tls_server_accept(asy_tls_server_t *srv, asy_tls_t *tls);
ASYNCRT_API int asy_tls_server_port(const asy_tls_server_t *srv);
ASYNCRT_API void asy_tls_server_close(asy_tls_server_t *srv, asy_close_cb close_cb);

/* Counters of a context since it was made: full and abbreviated
 * handshakes it completed (for tests and benchmarks). */
typedef struct asy_tls_context_stats_t {
    uint64_t handshakes, resumed;
} asy_tls_context_stats_t;
ASYNCRT_API void asy_tls_context_get_stats(const asy_tls_context_t *ctx,
                                           asy_tls_context_stats_t *out);

#endif
