/* The common part of Node's crypto over mbedTLS (docs/tls.md): random
 * bytes from the OS, createHash / createHmac (md5, sha1, sha256, sha512;
 * sha224 and sha384 too) as Transform streams and one-shot, timingSafeEqual,
 * pbkdf2 on the thread pool.  Built with ASYNCRT_WITH_MBEDTLS. */
#pragma once
#include "../loop/handle.h"
#include "../pool/pool.h"
#include "../stream/stream.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#define ASY_CRYPTO_MAX_DIGEST 64

/* crypto.randomBytes / randomFillSync: n bytes from the kernel
 * (getrandom), never from a user-space generator.  0 or ASY_E*. */
ASYNCRT_API int asy_crypto_random_bytes(void *buf, size_t n);

/* The digest size of an algorithm name ("sha256"; case-insensitive, as
 * Node), or ASY_EINVAL for a name it does not know. */
ASYNCRT_API int asy_crypto_digest_size(const char *alg);

/* One-shot hash and HMAC: out needs asy_crypto_digest_size(alg) bytes
 * (ASY_CRYPTO_MAX_DIGEST is always enough); returns that size or ASY_E*. */
ASYNCRT_API int asy_crypto_hash(const char *alg, const void *data, size_t len, uint8_t *out);
ASYNCRT_API int asy_crypto_hmac(const char *alg, const void *key, size_t key_len,
                                const void *data, size_t len, uint8_t *out);

/* createHash / createHmac.  Either use update / digest directly, or the
 * stream: a Transform whose input is hashed and whose only output, at
 * the end, is the digest (binary; asy_buf_to_string it for hex). */
typedef struct asy_crypto_hash_s {
    asy_stream_t stream; /* Transform (first member) */
    /* -- private -- */
    void *md_;           /* mbedtls_md_context_t */
    int hmac_, done_;
    size_t size_;
} asy_crypto_hash_t;

/* loop may be NULL when the stream is not used.  ASY_EINVAL for an
 * unknown algorithm.  Release with asy_crypto_hash_free (the stream, if
 * used, must have closed first). */
ASYNCRT_API int asy_crypto_hash_init(asy_loop_t *loop, asy_crypto_hash_t *h, const char *alg);
ASYNCRT_API int asy_crypto_hmac_init(asy_loop_t *loop, asy_crypto_hash_t *h, const char *alg,
                                     const void *key, size_t key_len);
ASYNCRT_API int asy_crypto_hash_update(asy_crypto_hash_t *h, const void *data, size_t len);
/* digest(): the size, with the bytes in out; once (ASY_EINVAL after). */
ASYNCRT_API int asy_crypto_hash_digest(asy_crypto_hash_t *h, uint8_t *out);
ASYNCRT_API void asy_crypto_hash_free(asy_crypto_hash_t *h);

/* crypto.timingSafeEqual: 1 equal, 0 not, in time that depends only on
 * len. */
ASYNCRT_API int asy_crypto_timing_safe_equal(const void *a, const void *b, size_t len);

/* crypto.pbkdf2 on the thread pool (class cpu): cb on the loop with
 * status 0 and the derived key (valid during the call), or the error. */
typedef struct asy_crypto_pbkdf2_s asy_crypto_pbkdf2_t;
typedef void (*asy_crypto_pbkdf2_cb)(asy_crypto_pbkdf2_t *req, int status, const uint8_t *key,
                                     size_t key_len);
struct asy_crypto_pbkdf2_s {
    void *data;
    /* -- private -- */
    asy_work_t work_;
    asy_crypto_pbkdf2_cb cb_;
    uint8_t *pw_, *salt_, *out_;
    size_t pw_len_, salt_len_, key_len_;
    unsigned iterations_;
    int md_type_, status_;
};

/* ASY_EINVAL for iterations 0, key_len 0 or an unknown digest. */
ASYNCRT_API int asy_crypto_pbkdf2(asy_loop_t *loop, asy_crypto_pbkdf2_t *req, const void *password,
                                  size_t password_len, const void *salt, size_t salt_len,
                                  unsigned iterations, size_t key_len, const char *digest,
                                  asy_crypto_pbkdf2_cb cb);

#endif
