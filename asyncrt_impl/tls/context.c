/* tls.createSecureContext: one mbedTLS configuration (role, own
 * certificate and key, trusted CAs, cipher suites, ALPN, session tickets
 * and cache) shared by every connection made with it. */
#include "tls.h"
#include "tls.internal.h"
#include "../base/sys.internal.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* The safe default suites: forward-secret key exchange and an AEAD
 * cipher, AES-128-GCM first (what Node and OpenSSL pick first for 1.2). */
ASY__INTERNAL int asy__tls_suite_rank(const mbedtls_ssl_ciphersuite_t *cs) {
    if (cs->key_exchange != MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA &&
        cs->key_exchange != MBEDTLS_KEY_EXCHANGE_ECDHE_RSA &&
        cs->key_exchange != MBEDTLS_KEY_EXCHANGE_DHE_RSA)
        return -1;
    if (cs->max_minor_ver < MBEDTLS_SSL_MINOR_VERSION_3) return -1;
    if (cs->flags & MBEDTLS_CIPHERSUITE_SHORT_TAG) return -1;
    switch (cs->cipher) {
    case MBEDTLS_CIPHER_AES_128_GCM: return 0;
    case MBEDTLS_CIPHER_AES_256_GCM: return 1;
    case MBEDTLS_CIPHER_CHACHA20_POLY1305: return 2;
    case MBEDTLS_CIPHER_AES_128_CCM:
    case MBEDTLS_CIPHER_AES_256_CCM: return 3;
    default: return -1;
    }
}

ASY__INTERNAL int asy__tls_ciphers(asy_tls_context_t *c, const char *const *names) {
    const int *all = mbedtls_ssl_list_ciphersuites();
    size_t n = 0, i, k;
    int rank;
    while (all[n]) n++;
    if (names) {
        size_t m = 0;
        while (names[m]) m++;
        if (m == 0) return ASY_EINVAL;
        c->ciphers = ASY__NEW_ARRAY(int, m + 1);
        if (!c->ciphers) return ASY_ENOMEM;
        for (i = 0; i < m; i++) {
            int id = mbedtls_ssl_get_ciphersuite_id(names[i]);
            if (id == 0) return ASY_EINVAL;
            c->ciphers[i] = id;
        }
        c->ciphers[m] = 0;
        return 0;
    }
    c->ciphers = ASY__NEW_ARRAY(int, n + 1);
    if (!c->ciphers) return ASY_ENOMEM;
    k = 0;
    for (rank = 0; rank <= 3; rank++)
        for (i = 0; i < n; i++) {
            const mbedtls_ssl_ciphersuite_t *cs = mbedtls_ssl_ciphersuite_from_id(all[i]);
            if (cs && asy__tls_suite_rank(cs) == rank) c->ciphers[k++] = all[i];
        }
    c->ciphers[k] = 0;
    return k ? 0 : ASY_ETLS_CONFIG;
}

ASY__INTERNAL int asy__tls_file_check(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return errno == ENOENT ? ASY_ENOENT : ASY_ETLS_CONFIG;
    return 0;
}

/* PEM text: mbedTLS wants the terminating NUL counted. */
ASY__INTERNAL int asy__tls_parse_crts(mbedtls_x509_crt *crt, const char *file, const char *pem) {
    int r;
    if (file) {
        if ((r = asy__tls_file_check(file)) != 0) return r;
        /* a bundle may hold certificates mbedTLS cannot parse (>0): the
         * others still count, as OpenSSL skips what it cannot use */
        if (mbedtls_x509_crt_parse_file(crt, file) < 0) return ASY_ETLS_CONFIG;
    }
    if (pem) {
        if (mbedtls_x509_crt_parse(crt, (const unsigned char *)pem, strlen(pem) + 1) != 0)
            return ASY_ETLS_CONFIG;
    }
    return 0;
}

ASY__INTERNAL int asy__tls_alpn(asy_tls_context_t *c, const char *const *alpn) {
    size_t n = 0, total = 0, i;
    char *p;
    if (!alpn) return 0;
    while (alpn[n]) {
        size_t len = strlen(alpn[n]);
        if (len == 0 || len > 255) return ASY_EINVAL;
        total += len + 1;
        n++;
    }
    if (n == 0) return 0;
    if (n > ASY__TLS_MAX_ALPN) return ASY_EINVAL;
    c->alpn_store = (char *)asy__malloc(total);
    if (!c->alpn_store) return ASY_ENOMEM;
    p = c->alpn_store;
    for (i = 0; i < n; i++) {
        size_t len = strlen(alpn[i]);
        memcpy(p, alpn[i], len + 1);
        c->alpn[i] = p;
        p += len + 1;
    }
    c->alpn[n] = NULL;
    if (mbedtls_ssl_conf_alpn_protocols(&c->conf, c->alpn) != 0) return ASY_EINVAL;
    return 0;
}

ASY__INTERNAL void asy__tls_context_free(asy_tls_context_t *c) {
    mbedtls_ssl_config_free(&c->conf);
    if (c->have_ticket) mbedtls_ssl_ticket_free(&c->ticket);
    if (c->have_cache) mbedtls_ssl_cache_free(&c->cache);
    mbedtls_x509_crt_free(&c->cert);
    mbedtls_x509_crt_free(&c->ca);
    mbedtls_pk_free(&c->key);
    mbedtls_ctr_drbg_free(&c->drbg);
    mbedtls_entropy_free(&c->entropy);
    asy__free(c->ciphers);
    asy__free(c->alpn_store);
    asy__free(c);
}

ASY__INTERNAL int asy__tls_context_setup(asy_tls_context_t *c, int role,
                                         const asy_tls_context_opts_t *o) {
    static const char pers[] = "asyncrt tls";
    uint32_t timeout = o->session_timeout_s ? o->session_timeout_s : 300;
    int r;
    if (mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
                              (const unsigned char *)pers, sizeof(pers) - 1) != 0)
        return ASY_ETLS;
    if (mbedtls_ssl_config_defaults(&c->conf,
                                    role == ASY_TLS_SERVER ? MBEDTLS_SSL_IS_SERVER
                                                           : MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        return ASY_ETLS;
    mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
    mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    if ((r = asy__tls_ciphers(c, o->ciphers)) != 0) return r;
    mbedtls_ssl_conf_ciphersuites(&c->conf, c->ciphers);

    /* own certificate */
    if (o->cert_file || o->cert_pem) {
        if (!(o->key_file || o->key_pem)) return ASY_EINVAL;
        if ((r = asy__tls_parse_crts(&c->cert, o->cert_file, o->cert_pem)) != 0) return r;
        if (o->key_file) {
            if ((r = asy__tls_file_check(o->key_file)) != 0) return r;
            if (mbedtls_pk_parse_keyfile(&c->key, o->key_file, NULL) != 0) return ASY_ETLS_CONFIG;
        } else if (mbedtls_pk_parse_key(&c->key, (const unsigned char *)o->key_pem,
                                        strlen(o->key_pem) + 1, NULL, 0) != 0) {
            return ASY_ETLS_CONFIG;
        }
        if (mbedtls_pk_check_pair(&c->cert.pk, &c->key) != 0) return ASY_ETLS_CONFIG;
        if (mbedtls_ssl_conf_own_cert(&c->conf, &c->cert, &c->key) != 0) return ASY_ETLS_CONFIG;
        c->have_cert = 1;
    } else if (o->key_file || o->key_pem) {
        return ASY_EINVAL;
    }
    if (role == ASY_TLS_SERVER && !c->have_cert) return ASY_EINVAL;

    /* trusted CAs: the caller's replace the system bundle unless asked */
    if (o->ca_file || o->ca_pem) {
        if ((r = asy__tls_parse_crts(&c->ca, o->ca_file, o->ca_pem)) != 0) return r;
        c->have_ca = 1;
    }
    if (role == ASY_TLS_CLIENT && (!c->have_ca || o->add_system_ca)) {
        const char *sys = o->system_ca_file ? o->system_ca_file : ASY_TLS_DEFAULT_CA_FILE;
        /* a machine without the bundle trusts nothing: every verification
         * then fails, which is the safe outcome */
        if (asy__tls_file_check(sys) == 0 && mbedtls_x509_crt_parse_file(&c->ca, sys) >= 0)
            c->have_ca = 1;
    }
    if (c->have_ca) mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);

    /* verification is ours (asy__tls_verify_code): mbedTLS records it */
    if (role == ASY_TLS_CLIENT) {
        mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
    } else {
        c->request_cert = o->request_cert || o->reject_unauthorized;
        c->reject_unauthorized = o->reject_unauthorized;
        mbedtls_ssl_conf_authmode(&c->conf, c->request_cert ? MBEDTLS_SSL_VERIFY_OPTIONAL
                                                            : MBEDTLS_SSL_VERIFY_NONE);
        mbedtls_ssl_conf_sni(&c->conf, asy__tls_sni_thunk, c);
        mbedtls_ssl_cache_init(&c->cache);
        c->have_cache = 1;
        mbedtls_ssl_cache_set_timeout(&c->cache, (int)timeout);
        mbedtls_ssl_conf_session_cache(&c->conf, &c->cache, mbedtls_ssl_cache_get,
                                       mbedtls_ssl_cache_set);
        if (!o->no_session_tickets) {
            mbedtls_ssl_ticket_init(&c->ticket);
            c->have_ticket = 1;
            if (mbedtls_ssl_ticket_setup(&c->ticket, mbedtls_ctr_drbg_random, &c->drbg,
                                         MBEDTLS_CIPHER_AES_256_GCM, timeout) != 0)
                return ASY_ETLS;
            mbedtls_ssl_conf_session_tickets_cb(&c->conf, mbedtls_ssl_ticket_write,
                                                mbedtls_ssl_ticket_parse, &c->ticket);
        }
    }
    if ((r = asy__tls_alpn(c, o->alpn)) != 0) return r;
    return 0;
}

ASYNCRT_API int asy_tls_context_new(asy_tls_context_t **out, int role,
                                    const asy_tls_context_opts_t *opts) {
    asy_tls_context_opts_t o;
    asy_tls_context_t *c;
    int r;
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (role != ASY_TLS_CLIENT && role != ASY_TLS_SERVER) return ASY_EINVAL;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    c = ASY__NEW(asy_tls_context_t);
    if (!c) return ASY_ENOMEM;
    memset(c, 0, sizeof(*c));
    c->role = role;
    c->refs = 1;
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_entropy_init(&c->entropy);
    mbedtls_ctr_drbg_init(&c->drbg);
    mbedtls_x509_crt_init(&c->cert);
    mbedtls_x509_crt_init(&c->ca);
    mbedtls_pk_init(&c->key);
    r = asy__tls_context_setup(c, role, &o);
    if (r != 0) {
        asy__tls_context_free(c);
        return r;
    }
    *out = c;
    return 0;
}

ASYNCRT_API void asy_tls_context_ref(asy_tls_context_t *ctx) {
    if (ctx) ctx->refs++;
}

ASYNCRT_API void asy_tls_context_unref(asy_tls_context_t *ctx) {
    if (ctx && --ctx->refs == 0) asy__tls_context_free(ctx);
}

ASYNCRT_API void asy_tls_context_get_stats(const asy_tls_context_t *ctx,
                                           asy_tls_context_stats_t *out) {
    if (!out) return;
    if (!ctx)
        memset(out, 0, sizeof(*out));
    else
        *out = ctx->stats;
}

#endif
