/* getPeerCertificate(): the peer's leaf certificate as strings. */
#include "tls.h"
#include "tls.internal.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <stdio.h>
#include <string.h>

ASY__INTERNAL void asy__tls_append(char *dst, size_t cap, const char *s, size_t n) {
    size_t have = strlen(dst);
    if (have + 1 >= cap) return;
    if (n > cap - have - 1) n = cap - have - 1;
    memcpy(dst + have, s, n);
    dst[have + n] = 0;
}

ASY__INTERNAL void asy__tls_time(char *dst, size_t cap, const mbedtls_x509_time *t) {
    snprintf(dst, cap, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->mon, t->day, t->hour,
             t->min, t->sec);
}

ASYNCRT_API int asy_tls_peer_certificate(const asy_tls_t *tls, asy_tls_cert_info_t *out) {
    const mbedtls_x509_crt *crt, *c;
    const mbedtls_x509_name *n;
    const mbedtls_x509_sequence *san;
    unsigned char fp[32];
    size_t i;
    if (!tls || !out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    if (!tls->st_ || !(tls->st_->flags & ASY__TLS_SECURE)) return ASY_ENOENT;
    crt = mbedtls_ssl_get_peer_cert(&tls->st_->ssl);
    if (!crt) return ASY_ENOENT;
    if (mbedtls_x509_dn_gets(out->subject, sizeof(out->subject), &crt->subject) < 0)
        out->subject[0] = 0;
    if (mbedtls_x509_dn_gets(out->issuer, sizeof(out->issuer), &crt->issuer) < 0)
        out->issuer[0] = 0;
    for (n = &crt->subject; n; n = n->next) {
        if (n->oid.p && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
            size_t len = n->val.len < sizeof(out->subject_cn) - 1 ? n->val.len
                                                                  : sizeof(out->subject_cn) - 1;
            memcpy(out->subject_cn, n->val.p, len);
            out->subject_cn[len] = 0;
            break;
        }
    }
    for (san = &crt->subject_alt_names; san && san->buf.p; san = san->next) {
        int tag = san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
        char tmp[64];
        if (out->altnames[0]) asy__tls_append(out->altnames, sizeof(out->altnames), ", ", 2);
        if (tag == 2) {
            asy__tls_append(out->altnames, sizeof(out->altnames), "DNS:", 4);
            asy__tls_append(out->altnames, sizeof(out->altnames), (const char *)san->buf.p,
                            san->buf.len);
        } else if (tag == 7 && san->buf.len == 4) {
            snprintf(tmp, sizeof(tmp), "IP Address:%u.%u.%u.%u", san->buf.p[0], san->buf.p[1],
                     san->buf.p[2], san->buf.p[3]);
            asy__tls_append(out->altnames, sizeof(out->altnames), tmp, strlen(tmp));
        } else if (tag == 7 && san->buf.len == 16) {
            asy__tls_append(out->altnames, sizeof(out->altnames), "IP Address:", 11);
            for (i = 0; i < 16; i += 2) {
                snprintf(tmp, sizeof(tmp), "%s%X", i ? ":" : "",
                         (unsigned)(san->buf.p[i] << 8 | san->buf.p[i + 1]));
                asy__tls_append(out->altnames, sizeof(out->altnames), tmp, strlen(tmp));
            }
        } else {
            snprintf(tmp, sizeof(tmp), "othername:<%d>", tag);
            asy__tls_append(out->altnames, sizeof(out->altnames), tmp, strlen(tmp));
        }
    }
    asy__tls_time(out->valid_from, sizeof(out->valid_from), &crt->valid_from);
    asy__tls_time(out->valid_to, sizeof(out->valid_to), &crt->valid_to);
    if (mbedtls_x509_serial_gets(out->serial, sizeof(out->serial), &crt->serial) < 0)
        out->serial[0] = 0;
    if (mbedtls_sha256_ret(crt->raw.p, crt->raw.len, fp, 0) == 0) {
        static const char hex[] = "0123456789ABCDEF";
        char *p = out->fingerprint256; /* 32 * 3 - 1 characters and the NUL */
        for (i = 0; i < 32; i++) {
            if (i) *p++ = ':';
            *p++ = hex[fp[i] >> 4];
            *p++ = hex[fp[i] & 15];
        }
        *p = 0;
    }
    out->is_ca = crt->ca_istrue;
    for (c = crt; c; c = c->next) out->chain_len++;
    return 0;
}

#endif
