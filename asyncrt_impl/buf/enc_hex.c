/* hex: two lowercase digits per byte; decoding takes either case.  Node's
 * decoder stops at the first pair that is not two hex digits and drops an
 * odd last digit; that is what ASY_BUF_LENIENT does, while strict decoding
 * rejects both. */
#include "buf.internal.h"
#include "enc_tables.internal.h"
#include "../base/errors.h"

ASY__INTERNAL size_t asy__hex_encode_with(int level, const uint8_t *src, size_t n, char *dst) {
    size_t i = asy__hex_enc_simd(level, src, n, dst);
    for (; i < n; i++) memcpy(dst + 2 * i, asy__hex_pairs + 2 * src[i], 2);
    return 2 * n;
}

ASY__INTERNAL size_t asy__hex_encode(const uint8_t *src, size_t n, char *dst) {
    return asy__hex_encode_with(asy__simd_level(), src, n, dst);
}

/* Decodes pairs [from, to); returns the index of the first bad pair, or to. */
ASY__INTERNAL size_t asy__hex_run(const uint8_t *s, size_t from, size_t to, uint8_t *dst) {
    size_t i = from;
    /* Blocks of 16 pairs test validity once; a bad block is redone one
     * pair at a time to find where it stops. */
    while (i + 16 <= to) {
        uint8_t bad = 0;
        size_t k;
        for (k = i; k < i + 16; k++) {
            uint8_t hi = ASY__DEC7(asy__hex_dec, s[2 * k]);
            uint8_t lo = ASY__DEC7(asy__hex_dec, s[2 * k + 1]);
            bad |= (uint8_t)(hi | lo);
            dst[k] = (uint8_t)((hi << 4) | (lo & 0x0f));
        }
        if (bad & 0x80) break;
        i += 16;
    }
    for (; i < to; i++) {
        uint8_t hi = ASY__DEC7(asy__hex_dec, s[2 * i]);
        uint8_t lo = ASY__DEC7(asy__hex_dec, s[2 * i + 1]);
        if ((hi | lo) & 0x80) return i;
        dst[i] = (uint8_t)((hi << 4) | lo);
    }
    return to;
}

ASY__INTERNAL int asy__hex_decode_with(int level, const char *src, size_t n, uint8_t *dst,
                                       size_t cap, unsigned flags, size_t *written) {
    size_t pairs = n / 2, got;
    int lenient = (flags & ASY_BUF_LENIENT) != 0;
    *written = 0;
    if (!lenient && (n & 1)) return ASY_EINVAL;
    if (pairs > cap) pairs = cap;
    got = asy__hex_dec_simd(level, (const uint8_t *)src, pairs, dst);
    got = asy__hex_run((const uint8_t *)src, got, pairs, dst);
    *written = got;
    return got < pairs && !lenient ? ASY_EINVAL : 0;
}

ASY__INTERNAL int asy__hex_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                  unsigned flags, size_t *written) {
    return asy__hex_decode_with(asy__simd_level(), src, n, dst, cap, flags, written);
}

ASY__INTERNAL ptrdiff_t asy__hex_decoded_len(const char *src, size_t n, unsigned flags) {
    const uint8_t *s = (const uint8_t *)src;
    size_t i, pairs = n / 2;
    if (!(flags & ASY_BUF_LENIENT) && (n & 1)) return ASY_EINVAL;
    for (i = 0; i < pairs; i++) {
        if ((ASY__DEC7(asy__hex_dec, s[2 * i]) | ASY__DEC7(asy__hex_dec, s[2 * i + 1])) & 0x80)
            return flags & ASY_BUF_LENIENT ? (ptrdiff_t)i : (ptrdiff_t)ASY_EINVAL;
    }
    return (ptrdiff_t)pairs;
}
