/* base64 and base64url (RFC 4648).  Encoding: base64 is padded with '=',
 * base64url is not (as Node does).
 *
 * Strict decoding accepts exactly the encoding's alphabet, padded or not;
 * padding, when present, must complete the last quantum (so the length is a
 * multiple of 4).  Bits left over in the last character are ignored, as in
 * Node.  Lenient decoding is Node's: both alphabets, every other character
 * skipped, decoding ends at the first '=', and a final lone character is
 * dropped. */
#include "buf.internal.h"
#include "enc_tables.internal.h"
#include "../base/errors.h"

ASY__INTERNAL size_t asy__base64_encoded_len(size_t n, int url) {
    if (!url) return (n + 2) / 3 * 4;
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

ASY__INTERNAL size_t asy__base64_encode_with(int level, const uint8_t *src, size_t n, char *dst,
                                             int url) {
    const char *a = url ? asy__b64_alpha_url : asy__b64_alpha_std;
    size_t i = asy__b64_enc_simd(level, src, n, dst, url), o = i / 3 * 4;
    uint32_t v;
    for (; n - i >= 3; i += 3, o += 4) {
        v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8) | src[i + 2];
        dst[o] = a[v >> 18];
        dst[o + 1] = a[(v >> 12) & 63];
        dst[o + 2] = a[(v >> 6) & 63];
        dst[o + 3] = a[v & 63];
    }
    if (n - i == 0) return o;
    v = (uint32_t)src[i] << 16;
    if (n - i == 2) v |= (uint32_t)src[i + 1] << 8;
    dst[o++] = a[v >> 18];
    dst[o++] = a[(v >> 12) & 63];
    if (n - i == 2) dst[o++] = a[(v >> 6) & 63];
    if (!url) {
        dst[o++] = '=';
        if (n - i == 1) dst[o++] = '=';
    }
    return o;
}

ASY__INTERNAL size_t asy__base64_encode(const uint8_t *src, size_t n, char *dst, int url) {
    return asy__base64_encode_with(asy__simd_level(), src, n, dst, url);
}

/* Writes the top k (1..3) bytes of a 24-bit group, as many as fit. */
ASY__INTERNAL size_t asy__b64_put(uint8_t *dst, size_t o, size_t cap, uint32_t v, size_t k) {
    if (k > cap - o) k = cap - o;
    if (k > 0) dst[o] = (uint8_t)(v >> 16);
    if (k > 1) dst[o + 1] = (uint8_t)(v >> 8);
    if (k > 2) dst[o + 2] = (uint8_t)v;
    return o + k;
}

/* Strict: the length without padding, or ASY_EINVAL when the padding or
 * the length is wrong (characters are checked while decoding). */
ASY__INTERNAL ptrdiff_t asy__b64_strict_shape(const uint8_t *s, size_t n) {
    size_t m = n, pad = 0;
    while (m > 0 && pad < 2 && s[m - 1] == '=') {
        m--;
        pad++;
    }
    if (m % 4 == 1) return ASY_EINVAL;
    if (pad && (n % 4 != 0 || m % 4 + pad != 4)) return ASY_EINVAL;
    return (ptrdiff_t)m;
}

ASY__INTERNAL int asy__b64_decode_strict(int level, const uint8_t *s, size_t n, uint8_t *dst,
                                         size_t cap, const uint8_t *t, size_t *written) {
    ptrdiff_t shape = asy__b64_strict_shape(s, n);
    size_t m, i, o;
    uint8_t a, b, c, d;
    *written = 0;
    if (shape < 0) return (int)shape;
    m = (size_t)shape;
    i = asy__b64_dec_simd(level, s, m, dst, cap, t);
    o = i / 4 * 3;
    for (; m - i >= 4; i += 4) {
        a = ASY__DEC7(t, s[i]);
        b = ASY__DEC7(t, s[i + 1]);
        c = ASY__DEC7(t, s[i + 2]);
        d = ASY__DEC7(t, s[i + 3]);
        if ((a | b | c | d) & 0x80) {
            *written = o;
            return ASY_EINVAL;
        }
        if (cap - o < 3) {
            *written = asy__b64_put(dst, o, cap, ((uint32_t)a << 18) | ((uint32_t)b << 12) |
                                                     ((uint32_t)c << 6) | d, 3);
            return 0;
        }
        dst[o] = (uint8_t)((a << 2) | (b >> 4));
        dst[o + 1] = (uint8_t)((b << 4) | (c >> 2));
        dst[o + 2] = (uint8_t)((c << 6) | d);
        o += 3;
    }
    if (m - i >= 2) { /* 2 or 3 characters left: 1 or 2 bytes */
        a = ASY__DEC7(t, s[i]);
        b = ASY__DEC7(t, s[i + 1]);
        c = m - i == 3 ? ASY__DEC7(t, s[i + 2]) : 0;
        if ((a | b | c) & 0x80) {
            *written = o;
            return ASY_EINVAL;
        }
        o = asy__b64_put(dst, o, cap, ((uint32_t)a << 18) | ((uint32_t)b << 12) | ((uint32_t)c << 6),
                         m - i - 1);
    }
    *written = o;
    return 0;
}

ASY__INTERNAL size_t asy__b64_decode_lenient(int level, const uint8_t *s, size_t n, uint8_t *dst,
                                             size_t cap) {
    const uint8_t *t = asy__b64_dec_any;
    size_t i = 0, o = 0, next_simd = 0;
    uint32_t acc = 0;
    int k = 0;
    while (i < n) {
        uint8_t c, v;
        /* Whole blocks go to SIMD while the quantum is aligned; after a
         * block it refused (junk in it), the scalar loop gets past that
         * block before SIMD is tried again. */
        if (k == 0 && i >= next_simd && level) {
            size_t used = asy__b64_dec_simd(level, s + i, n - i, dst + o, cap - o, t);
            i += used;
            o += used / 4 * 3;
            next_simd = i + 64;
            if (i >= n) break;
        }
        /* whole valid quanta without the per-character bookkeeping */
        while (k == 0 && n - i >= 4 && cap - o >= 3) {
            uint8_t a = ASY__DEC7(t, s[i]), b = ASY__DEC7(t, s[i + 1]);
            uint8_t d = ASY__DEC7(t, s[i + 2]), e = ASY__DEC7(t, s[i + 3]);
            if ((a | b | d | e) & 0x80) break;
            dst[o] = (uint8_t)((a << 2) | (b >> 4));
            dst[o + 1] = (uint8_t)((b << 4) | (d >> 2));
            dst[o + 2] = (uint8_t)((d << 6) | e);
            o += 3;
            i += 4;
        }
        if (i >= n) break;
        c = s[i++];
        v = ASY__DEC7(t, c);
        if (v & 0x80) {
            if (c == '=') break;
            continue;
        }
        acc = (acc << 6) | v;
        if (++k == 4) {
            if (cap - o < 3) return asy__b64_put(dst, o, cap, acc, 3);
            dst[o] = (uint8_t)(acc >> 16);
            dst[o + 1] = (uint8_t)(acc >> 8);
            dst[o + 2] = (uint8_t)acc;
            o += 3;
            acc = 0;
            k = 0;
        }
    }
    if (k >= 2) o = asy__b64_put(dst, o, cap, acc << (6 * (4 - k)), (size_t)k - 1);
    return o;
}

ASY__INTERNAL int asy__base64_decode_with(int level, const char *src, size_t n, uint8_t *dst,
                                          size_t cap, unsigned flags, int url,
                                          size_t *written) {
    const uint8_t *s = (const uint8_t *)src;
    if (flags & ASY_BUF_LENIENT) {
        *written = asy__b64_decode_lenient(level, s, n, dst, cap);
        return 0;
    }
    return asy__b64_decode_strict(level, s, n, dst, cap, url ? asy__b64_dec_url : asy__b64_dec_std,
                                  written);
}

ASY__INTERNAL int asy__base64_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                                     unsigned flags, int url, size_t *written) {
    return asy__base64_decode_with(asy__simd_level(), src, n, dst, cap, flags, url, written);
}

ASY__INTERNAL ptrdiff_t asy__base64_decoded_len(const char *src, size_t n, unsigned flags,
                                                int url) {
    const uint8_t *s = (const uint8_t *)src;
    size_t i, valid = 0;
    if (flags & ASY_BUF_LENIENT) {
        for (i = 0; i < n && s[i] != '='; i++) valid += !(ASY__DEC7(asy__b64_dec_any, s[i]) & 0x80);
    } else {
        const uint8_t *t = url ? asy__b64_dec_url : asy__b64_dec_std;
        ptrdiff_t shape = asy__b64_strict_shape(s, n);
        if (shape < 0) return shape;
        valid = (size_t)shape;
        for (i = 0; i < valid; i++)
            if (ASY__DEC7(t, s[i]) & 0x80) return ASY_EINVAL;
    }
    return (ptrdiff_t)(valid / 4 * 3 + (valid % 4 > 1 ? valid % 4 - 1 : 0));
}
