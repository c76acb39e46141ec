/* Private pieces of the buf layer shared between its files. */
#pragma once
#include "buf.h"
#include "../base/sys.internal.h"

/* The memory behind one or more views.  Storage the library allocates lives
 * in the same block as this header (bytes start ASY__BUF_HDR after it);
 * external storage points at the caller's memory. */
struct asy__buf_storage {
    size_t refs;
    size_t cap;  /* bytes usable at base */
    size_t used; /* no view reaches past base + used: the chain may append
                    in place beyond it */
    uint8_t *base;
    asy_buf_free_cb free_cb; /* external storage only */
    void *hint;
    int external;
};

/* Header size rounded up so the bytes after it are 16-byte aligned, like
 * malloc's own result. */
#define ASY__BUF_HDR ((sizeof(struct asy__buf_storage) + 15u) & ~(size_t)15u)

/* Allocates storage with room for cap bytes and sets *out to a view of its
 * first len of them (len <= cap); zeroes the len bytes when zero is set. */
ASY__INTERNAL int asy__buf_make(asy_buf_t *out, size_t cap, size_t len, int zero);
/* Gives back unused capacity of a freshly made, unshared buffer. */
ASY__INTERNAL void asy__buf_shrink(asy_buf_t *b);
ASY__INTERNAL void asy__buf_clear(asy_buf_t *b);
/* Defined in buf_storage.c, used by perf/memory.c. */
ASY__INTERNAL void asy__buf_stats(int64_t *bytes, int64_t *external);

/* ---- encodings --------------------------------------------------------
 * Encoders write exactly the length the matching *_encoded_len reports and
 * never fail.  Decoders write at most cap bytes, stop at a unit boundary
 * when full, report the bytes written in *written, and return 0 or
 * ASY_EINVAL (strict mode, bad input met before they stopped). */

ASY__INTERNAL size_t asy__hex_encode(const uint8_t *src, size_t n, char *dst);
ASY__INTERNAL int asy__hex_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                  unsigned flags, size_t *written);
ASY__INTERNAL ptrdiff_t asy__hex_decoded_len(const char *src, size_t n, unsigned flags);

ASY__INTERNAL size_t asy__base64_encoded_len(size_t n, int url);
ASY__INTERNAL size_t asy__base64_encode(const uint8_t *src, size_t n, char *dst, int url);
ASY__INTERNAL int asy__base64_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                     unsigned flags, int url, size_t *written);
ASY__INTERNAL ptrdiff_t asy__base64_decoded_len(const char *src, size_t n, unsigned flags,
                                                int url);

/* The text encodings whose C-side form is UTF-8: utf8, latin1, ascii,
 * utf16le.  dst NULL only counts (cap is then ignored). */
ASY__INTERNAL size_t asy__text_encoded_len(asy_encoding_t enc, const uint8_t *src, size_t n);
ASY__INTERNAL size_t asy__text_encode(asy_encoding_t enc, const uint8_t *src, size_t n,
                                      char *dst);
ASY__INTERNAL int asy__text_decode(asy_encoding_t enc, const char *src, size_t n, uint8_t *dst,
                                   size_t cap, unsigned flags, size_t *written);

/* Returns the code point at s[*i] and advances *i; for an ill-formed
 * sequence returns -1 and advances past its maximal subpart (one U+FFFD
 * each, as WHATWG and Node decode). */
ASY__INTERNAL int32_t asy__utf8_next(const uint8_t *s, size_t n, size_t *i);

/* The SIMD kernels of enc_simd.c (the http parser uses the same test).
 * Define ASYNCRT_NO_SIMD to build without them. */
#if !defined(ASYNCRT_NO_SIMD) && defined(__x86_64__) && !defined(_WIN32) && \
    ((defined(__clang__) && __clang_major__ >= 8) ||                     \
     (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 8))
#define ASY__X86_SIMD 1
#include <immintrin.h>
#define ASY__TARGET_AVX2 __attribute__((target("avx2")))
#define ASY__TARGET_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))
#else
#define ASY__X86_SIMD 0
#endif

/* Which kernels to use; the tests force each level. */
enum { ASY__SIMD_NONE = 0, ASY__SIMD_AVX2 = 1, ASY__SIMD_VBMI = 2 };

/* Defined in enc_simd.c, used by enc_base64.c, enc_hex.c. */
ASY__INTERNAL int asy__simd_level(void);
ASY__INTERNAL size_t asy__hex_enc_simd(int level, const uint8_t *src, size_t n, char *dst);
ASY__INTERNAL size_t asy__hex_dec_simd(int level, const uint8_t *src, size_t pairs,
                                       uint8_t *dst);
ASY__INTERNAL size_t asy__b64_enc_simd(int level, const uint8_t *src, size_t n, char *dst,
                                       int url);
ASY__INTERNAL size_t asy__b64_dec_simd(int level, const uint8_t *src, size_t n, uint8_t *dst,
                                       size_t room, const uint8_t *table);

/* Defined in encoding.c, used by buf_ops.c. */
ASY__INTERNAL int asy__enc_ok(asy_encoding_t enc);
