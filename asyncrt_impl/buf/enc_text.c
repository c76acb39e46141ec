/* The text encodings: utf8, latin1, ascii, utf16le.  On the C side text is
 * always UTF-8, so "encode" turns bytes into UTF-8 and "decode" turns UTF-8
 * into bytes of the encoding.  Ill-formed UTF-8 is replaced with U+FFFD per
 * maximal subpart, the rule of WHATWG's decoder that Node uses. */
#include "buf.h"
#include "../base/sys.internal.h"

ASY__INTERNAL int32_t asy__utf8_next(const uint8_t *s, size_t n, size_t *i) {
    uint8_t c = s[*i], lo = 0x80, hi = 0xbf;
    int need;
    int32_t cp;
    (*i)++;
    if (c < 0x80) return c;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        cp = c & 0x0f;
        if (c == 0xe0) lo = 0xa0; /* overlong */
        if (c == 0xed) hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        cp = c & 0x07;
        if (c == 0xf0) lo = 0x90; /* overlong */
        if (c == 0xf4) hi = 0x8f; /* above U+10FFFF */
    } else {
        return -1;
    }
    /* A byte that cannot continue the sequence is not consumed: it starts
     * the next one. */
    while (need--) {
        if (*i >= n) return -1;
        c = s[*i];
        if (c < lo || c > hi) return -1;
        lo = 0x80;
        hi = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
        (*i)++;
    }
    return cp;
}

ASY__INTERNAL size_t asy__utf8_put(uint8_t *d, uint32_t cp) {
    if (cp < 0x80) {
        d[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (uint8_t)(0xc0 | (cp >> 6));
        d[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (uint8_t)(0xe0 | (cp >> 12));
        d[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        d[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (uint8_t)(0xf0 | (cp >> 18));
    d[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    d[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    d[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

ASY__INTERNAL size_t asy__utf8_len(uint32_t cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Length of the leading run of ASCII bytes, eight at a time. */
ASY__INTERNAL size_t asy__ascii_prefix(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
    }
    while (i < n && s[i] < 0x80) i++;
    return i;
}

ASYNCRT_API int asy_utf8_valid(const void *bytes, size_t len) {
    const uint8_t *s = (const uint8_t *)bytes;
    size_t i = 0;
    if (!s) return len == 0;
    for (;;) {
        i += asy__ascii_prefix(s + i, len - i);
        if (i >= len) return 1;
        if (asy__utf8_next(s, len, &i) < 0) return 0;
    }
}

ASYNCRT_API int asy_buf_is_utf8(const asy_buf_t *b) { return b ? asy_utf8_valid(b->data, b->len) : 0; }

/* UTF-16 unit at s[2k], little-endian. */
ASY__INTERNAL uint32_t asy__u16le(const uint8_t *s) { return (uint32_t)s[0] | ((uint32_t)s[1] << 8); }

/* The code point of the UTF-16LE text at s[*i] (n even), U+FFFD for a lone
 * surrogate. */
ASY__INTERNAL uint32_t asy__utf16_next(const uint8_t *s, size_t n, size_t *i) {
    uint32_t u = asy__u16le(s + *i);
    *i += 2;
    if (u < 0xd800 || u > 0xdfff) return u;
    if (u <= 0xdbff && *i < n) {
        uint32_t l = asy__u16le(s + *i);
        if (l >= 0xdc00 && l <= 0xdfff) {
            *i += 2;
            return 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
        }
    }
    return 0xfffd;
}

ASY__INTERNAL size_t asy__text_encoded_len(asy_encoding_t enc, const uint8_t *src, size_t n) {
    size_t i = 0, out = 0;
    switch (enc) {
        case ASY_ENC_UTF8:
            while (i < n) {
                size_t run = asy__ascii_prefix(src + i, n - i), at;
                int32_t cp;
                i += run;
                out += run;
                if (i >= n) break;
                at = i;
                cp = asy__utf8_next(src, n, &i);
                out += cp < 0 ? 3 : i - at;
            }
            return out;
        case ASY_ENC_LATIN1:
            for (; i < n; i++) out += src[i] < 0x80 ? 1 : 2;
            return out;
        case ASY_ENC_UTF16LE:
            n &= ~(size_t)1;
            while (i < n) out += asy__utf8_len(asy__utf16_next(src, n, &i));
            return out;
        default: /* ascii */
            return n;
    }
}

ASY__INTERNAL size_t asy__text_encode(asy_encoding_t enc, const uint8_t *src, size_t n,
                                      char *dst) {
    uint8_t *d = (uint8_t *)dst;
    size_t i = 0, o = 0;
    switch (enc) {
        case ASY_ENC_UTF8:
            while (i < n) {
                size_t run = asy__ascii_prefix(src + i, n - i), at;
                int32_t cp;
                if (run) memcpy(d + o, src + i, run);
                i += run;
                o += run;
                if (i >= n) break;
                at = i;
                cp = asy__utf8_next(src, n, &i);
                if (cp < 0) {
                    o += asy__utf8_put(d + o, 0xfffd);
                } else {
                    memcpy(d + o, src + at, i - at);
                    o += i - at;
                }
            }
            return o;
        case ASY_ENC_LATIN1:
            for (; i < n; i++) o += asy__utf8_put(d + o, src[i]);
            return o;
        case ASY_ENC_UTF16LE:
            n &= ~(size_t)1;
            while (i < n) o += asy__utf8_put(d + o, asy__utf16_next(src, n, &i));
            return o;
        default: /* ascii: Node clears the high bit */
            for (; i < n; i++) d[i] = (uint8_t)(src[i] & 0x7f);
            return n;
    }
}

/* The bytes of code point cp in enc; returns their count.  Code points the
 * encoding cannot hold are ASY_EINVAL when strict; lenient keeps what Node
 * keeps: the low byte of each UTF-16 unit. */
ASY__INTERNAL int asy__text_unit(asy_encoding_t enc, uint32_t cp, int lenient, uint8_t *u) {
    if (enc == ASY_ENC_UTF16LE) {
        if (cp < 0x10000) {
            u[0] = (uint8_t)cp;
            u[1] = (uint8_t)(cp >> 8);
            return 2;
        }
        cp -= 0x10000;
        u[0] = (uint8_t)(0xd800 + (cp >> 10));
        u[1] = (uint8_t)((0xd800 + (cp >> 10)) >> 8);
        u[2] = (uint8_t)(0xdc00 + (cp & 0x3ff));
        u[3] = (uint8_t)((0xdc00 + (cp & 0x3ff)) >> 8);
        return 4;
    }
    /* latin1 and ascii */
    if (cp <= (enc == ASY_ENC_ASCII ? 0x7fu : 0xffu)) {
        u[0] = (uint8_t)cp;
        return 1;
    }
    if (!lenient) return ASY_EINVAL;
    if (cp < 0x10000) {
        u[0] = (uint8_t)cp;
        return 1;
    }
    cp -= 0x10000;
    u[0] = (uint8_t)(0xd800 + (cp >> 10));
    u[1] = (uint8_t)(0xdc00 + (cp & 0x3ff));
    return 2;
}

ASY__INTERNAL int asy__text_decode(asy_encoding_t enc, const char *src, size_t n, uint8_t *dst,
                                   size_t cap, unsigned flags, size_t *written) {
    const uint8_t *s = (const uint8_t *)src;
    int lenient = (flags & ASY_BUF_LENIENT) != 0;
    size_t i = 0, o = 0;
    *written = 0;
    if (enc == ASY_ENC_UTF8 && asy_utf8_valid(s, n)) {
        /* Well-formed text is copied as is, cut at a character boundary. */
        if (dst) {
            size_t k = n;
            if (k > cap) {
                k = cap;
                while (k > 0 && (s[k] & 0xc0) == 0x80) k--;
            }
            if (k) memcpy(dst, s, k);
            *written = k;
        } else {
            *written = n;
        }
        return 0;
    }
    if (enc == ASY_ENC_UTF8 && !lenient) return ASY_EINVAL;
    while (i < n) {
        uint8_t unit[4];
        int k;
        size_t at = i;
        int32_t cp = asy__utf8_next(s, n, &i);
        int bad = cp < 0;
        if (bad) {
            if (!lenient) {
                *written = o;
                return ASY_EINVAL;
            }
            cp = 0xfffd;
        }
        if (enc == ASY_ENC_UTF8) {
            if (bad) {
                k = (int)asy__utf8_put(unit, 0xfffd);
            } else {
                k = (int)(i - at);
                memcpy(unit, s + at, i - at);
            }
        } else {
            k = asy__text_unit(enc, (uint32_t)cp, lenient, unit);
            if (k < 0) {
                *written = o;
                return k;
            }
        }
        if (dst) {
            if ((size_t)k > cap - o) break;
            memcpy(dst + o, unit, (size_t)k);
        }
        o += (size_t)k;
    }
    *written = o;
    return 0;
}
