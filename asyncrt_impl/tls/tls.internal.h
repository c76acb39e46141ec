/* Private pieces of the tls layer: the mbedTLS objects behind a context
 * and a connection.  mbedTLS headers stay in the implementation part. */
#pragma once
#include "tls.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"
#include "../loop/timer.h"
#include "../net/socket.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#define ASY__TLS_MAX_ALPN 8

struct asy_tls_context_s {
    int role;
    unsigned refs;
    unsigned have_cert, have_ca, have_ticket, have_cache;
    int request_cert, reject_unauthorized;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
    mbedtls_x509_crt ca;
    mbedtls_ssl_ticket_context ticket;
    mbedtls_ssl_cache_context cache;
    int *ciphers; /* 0-terminated ids */
    char *alpn_store;
    const char *alpn[ASY__TLS_MAX_ALPN + 1];
    asy_tls_context_stats_t stats;
};

/* st->flags */
enum {
    ASY__TLS_SECURE = 1u << 0,       /* handshake done (and verified) */
    ASY__TLS_T_EOF = 1u << 1,        /* the transport ended */
    ASY__TLS_T_PAUSED = 1u << 2,     /* we paused the transport */
    ASY__TLS_R_BLOCKED = 1u << 3,    /* the cleartext buffer is full */
    ASY__TLS_NEED_DRAIN = 1u << 4,   /* the transport is above its mark */
    ASY__TLS_FINAL = 1u << 5,        /* _final waits for the handshake */
    ASY__TLS_NOTIFY_SENT = 1u << 6,  /* close_notify went out */
    ASY__TLS_PEER_DONE = 1u << 7,    /* the peer's data ended */
    ASY__TLS_FAILED = 1u << 8,
    ASY__TLS_DESTROYING = 1u << 9,   /* _destroy ran */
    ASY__TLS_T_CLOSED = 1u << 10,    /* the transport's on_close ran */
    ASY__TLS_SAW_CERT = 1u << 11,    /* the handshake passed ServerCertificate */
    ASY__TLS_RESUMED = 1u << 12,
    ASY__TLS_SERVER = 1u << 13,
    ASY__TLS_WPENDING = 1u << 14,    /* wchunk is being encrypted */
    ASY__TLS_FREE_LATER = 1u << 15,  /* destroy finished inside drive */
    ASY__TLS_AUTHORIZED = 1u << 16,
    ASY__TLS_SNI_IP = 1u << 17,      /* servername is an IP: check IP SANs */
    ASY__TLS_VERIFIED = 1u << 18     /* asy__tls_verify ran */
};

struct asy__tls_state {
    mbedtls_ssl_context ssl; /* first: the SNI callback finds us from it */
    asy_tls_t *tls;
    asy_loop_t *loop;
    asy_tls_context_t *ctx;
    asy_tls_context_t *sni_ctx;
    asy_socket_t *own_sock; /* the TCP socket we opened, if any */
    unsigned flags;
    unsigned in_drive, again;
    int verify_err;
    int destroy_err;
    int last_out_type; /* content type of the last record handed out */
    asy_bufchain_t in;  /* ciphertext received, not yet read by mbedTLS */
    asy_buf_t out;      /* ciphertext being gathered */
    size_t out_len;
    asy_buf_t wchunk;   /* cleartext being written */
    size_t woff;
    asy_timer_id_t timer;
    asy_tls_opts_t opts;
    char servername[256];
    uint8_t scratch[16384];
};

ASY__INTERNAL int asy__tls_map_error(int mbed);
ASY__INTERNAL const mbedtls_x509_crt *asy__tls_peer(const asy__tls_state *st);
ASY__INTERNAL int asy__tls_verify_code(asy__tls_state *st, uint32_t flags);
ASY__INTERNAL int asy__tls_check_ip(const mbedtls_x509_crt *crt, const char *ip);
ASY__INTERNAL int asy__tls_sni_thunk(void *p, mbedtls_ssl_context *ssl, const unsigned char *name,
                                     size_t len);
/* Defined in conn.c, used by server.c. */
ASY__INTERNAL int asy__tls_setup(asy_loop_t *loop, asy_tls_t *tls, asy_stream_t *transport,
                                 const asy_tls_opts_t *opts, asy_socket_t *own);
ASY__INTERNAL void asy__tls_orphan(asy_socket_t *sock, int err);

#endif
