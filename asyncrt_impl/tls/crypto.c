/* crypto over mbedTLS's message digests; random bytes from getrandom. */
#include "crypto.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../pool/pool.h"
#include "../stream/stream.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <errno.h>
#include <mbedtls/pkcs5.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

ASYNCRT_API int asy_crypto_random_bytes(void *buf, size_t n) {
    uint8_t *p = (uint8_t *)buf;
    if (!buf && n) return ASY_EINVAL;
    while (n) {
        ssize_t r = getrandom(p, n > 33554431 ? 33554431 : n, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Node's names (OpenSSL's), case-insensitive. */
ASY__INTERNAL const mbedtls_md_info_t *asy__crypto_md(const char *alg) {
    static const struct {
        const char *name;
        mbedtls_md_type_t t;
    } names[] = {{"md5", MBEDTLS_MD_MD5},       {"sha1", MBEDTLS_MD_SHA1},
                 {"sha224", MBEDTLS_MD_SHA224}, {"sha256", MBEDTLS_MD_SHA256},
                 {"sha384", MBEDTLS_MD_SHA384}, {"sha512", MBEDTLS_MD_SHA512},
                 {"sha-1", MBEDTLS_MD_SHA1},    {"sha-256", MBEDTLS_MD_SHA256},
                 {"sha-512", MBEDTLS_MD_SHA512}};
    size_t i;
    if (!alg) return NULL;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(alg, names[i].name) == 0) return mbedtls_md_info_from_type(names[i].t);
    return NULL;
}

ASYNCRT_API int asy_crypto_digest_size(const char *alg) {
    const mbedtls_md_info_t *md = asy__crypto_md(alg);
    return md ? (int)mbedtls_md_get_size(md) : ASY_EINVAL;
}

ASYNCRT_API int asy_crypto_hash(const char *alg, const void *data, size_t len, uint8_t *out) {
    const mbedtls_md_info_t *md = asy__crypto_md(alg);
    if (!md || !out || (!data && len)) return ASY_EINVAL;
    if (mbedtls_md(md, (const unsigned char *)data, len, out) != 0) return ASY_EINVAL;
    return (int)mbedtls_md_get_size(md);
}

ASYNCRT_API int asy_crypto_hmac(const char *alg, const void *key, size_t key_len,
                                const void *data, size_t len, uint8_t *out) {
    const mbedtls_md_info_t *md = asy__crypto_md(alg);
    static const unsigned char none = 0;
    if (!md || !out || (!data && len) || (!key && key_len)) return ASY_EINVAL;
    if (mbedtls_md_hmac(md, key ? (const unsigned char *)key : &none, key_len,
                        data ? (const unsigned char *)data : &none, len, out) != 0)
        return ASY_EINVAL;
    return (int)mbedtls_md_get_size(md);
}

/* ---- createHash / createHmac ---------------------------------------------- */

ASY__INTERNAL void asy__crypto_transform(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_crypto_hash_t *h = (asy_crypto_hash_t *)s->impl_data;
    asy_stream_transform_done(s, asy_crypto_hash_update(h, chunk->data, chunk->len));
}

ASY__INTERNAL void asy__crypto_flush(asy_stream_t *s) {
    asy_crypto_hash_t *h = (asy_crypto_hash_t *)s->impl_data;
    uint8_t d[ASY_CRYPTO_MAX_DIGEST];
    int n = asy_crypto_hash_digest(h, d);
    if (n > 0) n = asy_stream_push_bytes(s, d, (size_t)n) < 0 ? ASY_ENOMEM : 0;
    asy_stream_flush_done(s, n < 0 ? n : 0);
}

static const asy_stream_impl_t asy__crypto_impl = {
    NULL, NULL, NULL, NULL, NULL, NULL, asy__crypto_transform, asy__crypto_flush};

ASY__INTERNAL int asy__crypto_init(asy_loop_t *loop, asy_crypto_hash_t *h, const char *alg,
                                   int hmac, const void *key, size_t key_len) {
    const mbedtls_md_info_t *md = asy__crypto_md(alg);
    mbedtls_md_context_t *ctx;
    static const unsigned char none = 0;
    if (!h) return ASY_EINVAL;
    memset(h, 0, sizeof(*h));
    if (!md || (hmac && !key && key_len)) return ASY_EINVAL;
    ctx = ASY__NEW(mbedtls_md_context_t);
    if (!ctx) return ASY_ENOMEM;
    mbedtls_md_init(ctx);
    if (mbedtls_md_setup(ctx, md, hmac) != 0 ||
        (hmac ? mbedtls_md_hmac_starts(ctx, key ? (const unsigned char *)key : &none, key_len)
              : mbedtls_md_starts(ctx)) != 0) {
        mbedtls_md_free(ctx);
        asy__free(ctx);
        return ASY_ENOMEM;
    }
    h->md_ = ctx;
    h->hmac_ = hmac;
    h->size_ = mbedtls_md_get_size(md);
    if (loop) {
        int r = asy_transform_init(loop, &h->stream, &asy__crypto_impl, NULL);
        if (r != 0) {
            asy_crypto_hash_free(h);
            return r;
        }
        h->stream.impl_data = h;
    }
    return 0;
}

ASYNCRT_API int asy_crypto_hash_init(asy_loop_t *loop, asy_crypto_hash_t *h, const char *alg) {
    return asy__crypto_init(loop, h, alg, 0, NULL, 0);
}

ASYNCRT_API int asy_crypto_hmac_init(asy_loop_t *loop, asy_crypto_hash_t *h, const char *alg,
                                     const void *key, size_t key_len) {
    return asy__crypto_init(loop, h, alg, 1, key, key_len);
}

ASYNCRT_API int asy_crypto_hash_update(asy_crypto_hash_t *h, const void *data, size_t len) {
    mbedtls_md_context_t *ctx;
    int r;
    if (!h || !h->md_ || h->done_ || (!data && len)) return ASY_EINVAL;
    if (len == 0) return 0;
    ctx = (mbedtls_md_context_t *)h->md_;
    r = h->hmac_ ? mbedtls_md_hmac_update(ctx, (const unsigned char *)data, len)
                 : mbedtls_md_update(ctx, (const unsigned char *)data, len);
    return r == 0 ? 0 : ASY_EINVAL;
}

ASYNCRT_API int asy_crypto_hash_digest(asy_crypto_hash_t *h, uint8_t *out) {
    mbedtls_md_context_t *ctx;
    int r;
    if (!h || !h->md_ || h->done_ || !out) return ASY_EINVAL;
    ctx = (mbedtls_md_context_t *)h->md_;
    r = h->hmac_ ? mbedtls_md_hmac_finish(ctx, out) : mbedtls_md_finish(ctx, out);
    h->done_ = 1;
    return r == 0 ? (int)h->size_ : ASY_EINVAL;
}

ASYNCRT_API void asy_crypto_hash_free(asy_crypto_hash_t *h) {
    if (!h || !h->md_) return;
    mbedtls_md_free((mbedtls_md_context_t *)h->md_);
    asy__free(h->md_);
    h->md_ = NULL;
}

ASYNCRT_API int asy_crypto_timing_safe_equal(const void *a, const void *b, size_t len) {
    const volatile uint8_t *x = (const volatile uint8_t *)a, *y = (const volatile uint8_t *)b;
    uint8_t diff = 0;
    size_t i;
    if ((!a || !b) && len) return ASY_EINVAL;
    for (i = 0; i < len; i++) diff |= (uint8_t)(x[i] ^ y[i]);
    return diff == 0;
}

/* ---- pbkdf2 on the pool --------------------------------------------------- */

ASY__INTERNAL void asy__pbkdf2_work(asy_work_t *w) {
    asy_crypto_pbkdf2_t *req = ASY_CONTAINER_OF(w, asy_crypto_pbkdf2_t, work_);
    mbedtls_md_context_t ctx;
    mbedtls_md_init(&ctx);
    if (mbedtls_md_setup(&ctx, mbedtls_md_info_from_type((mbedtls_md_type_t)req->md_type_), 1) != 0)
        req->status_ = ASY_ENOMEM;
    else if (mbedtls_pkcs5_pbkdf2_hmac(&ctx, req->pw_, req->pw_len_, req->salt_, req->salt_len_,
                                       req->iterations_, (uint32_t)req->key_len_, req->out_) != 0)
        req->status_ = ASY_EINVAL;
    mbedtls_md_free(&ctx);
}

ASY__INTERNAL void asy__pbkdf2_done(asy_work_t *w, int status) {
    asy_crypto_pbkdf2_t *req = ASY_CONTAINER_OF(w, asy_crypto_pbkdf2_t, work_);
    uint8_t *out = req->out_;
    if (status == 0) status = req->status_;
    asy__free(req->pw_);
    asy__free(req->salt_);
    req->pw_ = req->salt_ = req->out_ = NULL;
    req->cb_(req, status, status == 0 ? out : NULL, status == 0 ? req->key_len_ : 0);
    asy__free(out);
}

ASYNCRT_API int asy_crypto_pbkdf2(asy_loop_t *loop, asy_crypto_pbkdf2_t *req, const void *password,
                                  size_t password_len, const void *salt, size_t salt_len,
                                  unsigned iterations, size_t key_len, const char *digest,
                                  asy_crypto_pbkdf2_cb cb) {
    const mbedtls_md_info_t *md = asy__crypto_md(digest);
    int r;
    if (!loop || !req || !cb || !md || iterations == 0 || key_len == 0 ||
        key_len > 0xffffffffu || (!password && password_len) || (!salt && salt_len))
        return ASY_EINVAL;
    {
        void *data = req->data;
        memset(req, 0, sizeof(*req));
        req->data = data;
    }
    req->pw_ = (uint8_t *)asy__malloc(password_len);
    req->salt_ = (uint8_t *)asy__malloc(salt_len);
    req->out_ = (uint8_t *)asy__malloc(key_len);
    if (!req->pw_ || !req->salt_ || !req->out_) {
        asy__free(req->pw_);
        asy__free(req->salt_);
        asy__free(req->out_);
        return ASY_ENOMEM;
    }
    if (password_len) memcpy(req->pw_, password, password_len);
    if (salt_len) memcpy(req->salt_, salt, salt_len);
    req->pw_len_ = password_len;
    req->salt_len_ = salt_len;
    req->key_len_ = key_len;
    req->iterations_ = iterations;
    req->md_type_ = (int)mbedtls_md_get_type(md);
    req->cb_ = cb;
    r = asy_queue_work(loop, &req->work_, asy__pbkdf2_work, asy__pbkdf2_done);
    if (r != 0) {
        asy__free(req->pw_);
        asy__free(req->salt_);
        asy__free(req->out_);
        req->pw_ = req->salt_ = req->out_ = NULL;
    }
    return r;
}

#endif
