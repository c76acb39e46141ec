/* What went wrong, as a code: mbedTLS return values and certificate
 * verification flags mapped to ASY_ETLS_*, with Node's (OpenSSL's) names
 * for the verification failures. */
#include "tls.h"
#include "tls.internal.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <arpa/inet.h>
#include <string.h>

ASY__INTERNAL int asy__tls_map_error(int e) {
    switch (e) {
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: return ASY_ETLS_ALERT;
    case MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION: return ASY_ETLS_VERSION;
    case MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN:
    case MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE:
        return ASY_ETLS_NO_SHARED_CIPHER;
    case MBEDTLS_ERR_SSL_CONN_EOF: return ASY_ETLS_CLOSED;
    case MBEDTLS_ERR_SSL_ALLOC_FAILED: return ASY_ENOMEM;
    case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
    case MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED:
        return ASY_ETLS_NO_PEER_CERT;
    case MBEDTLS_ERR_SSL_INVALID_RECORD:
    case MBEDTLS_ERR_SSL_INVALID_MAC:
    case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
    case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
    case MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO:
    case MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO:
    case MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE:
    case MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_REQUEST:
    case MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE:
    case MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO_DONE:
    case MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE:
    case MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_RP:
    case MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_CS:
    case MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_VERIFY:
    case MBEDTLS_ERR_SSL_BAD_HS_CHANGE_CIPHER_SPEC:
    case MBEDTLS_ERR_SSL_BAD_HS_FINISHED:
    case MBEDTLS_ERR_SSL_BAD_HS_NEW_SESSION_TICKET:
        return ASY_ETLS_BAD_RECORD;
    default: return ASY_ETLS;
    }
}

/* A certificate whose subject is its issuer. */
ASY__INTERNAL int asy__tls_self_issued(const mbedtls_x509_crt *c) {
    return c->issuer_raw.len == c->subject_raw.len &&
           memcmp(c->issuer_raw.p, c->subject_raw.p, c->issuer_raw.len) == 0;
}

/* The chain first (as OpenSSL checks it before the name), then dates,
 * then the rest, then the name. */
ASY__INTERNAL int asy__tls_verify_code(asy__tls_state *st, uint32_t flags) {
    const mbedtls_x509_crt *peer = asy__tls_peer(st);
    if (!peer || (flags & MBEDTLS_X509_BADCERT_MISSING)) return ASY_ETLS_NO_PEER_CERT;
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        const mbedtls_x509_crt *last = peer;
        if (!peer->next && asy__tls_self_issued(peer)) return ASY_ETLS_DEPTH_ZERO_SELF_SIGNED_CERT;
        while (last->next) last = last->next;
        if (last != peer && asy__tls_self_issued(last)) return ASY_ETLS_SELF_SIGNED_CERT_IN_CHAIN;
        return ASY_ETLS_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
    }
    if (flags & MBEDTLS_X509_BADCERT_EXPIRED) return ASY_ETLS_CERT_HAS_EXPIRED;
    if (flags & MBEDTLS_X509_BADCERT_FUTURE) return ASY_ETLS_CERT_NOT_YET_VALID;
    if (flags & ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH) return ASY_ETLS_CERT_INVALID;
    if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) return ASY_ETLS_CERT_ALTNAME_INVALID;
    return 0;
}

/* An IP address host matches an iPAddress SAN only (RFC 6125, Node's
 * checkServerIdentity): 0 or ASY_ETLS_CERT_ALTNAME_INVALID. */
ASY__INTERNAL int asy__tls_check_ip(const mbedtls_x509_crt *crt, const char *ip) {
    unsigned char want[16];
    size_t wlen;
    const mbedtls_x509_sequence *san;
    if (inet_pton(AF_INET, ip, want) == 1)
        wlen = 4;
    else if (inet_pton(AF_INET6, ip, want) == 1)
        wlen = 16;
    else
        return ASY_ETLS_CERT_ALTNAME_INVALID;
    if (!crt) return ASY_ETLS_NO_PEER_CERT;
    for (san = &crt->subject_alt_names; san && san->buf.p; san = san->next) {
        if ((san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) == 7 && san->buf.len == wlen &&
            memcmp(san->buf.p, want, wlen) == 0)
            return 0;
    }
    return ASY_ETLS_CERT_ALTNAME_INVALID;
}

#endif
