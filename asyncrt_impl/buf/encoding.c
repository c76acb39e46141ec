/* Strings <-> buffers: the public face of the encoders and decoders. */
#include "buf.internal.h"

ASY__INTERNAL int asy__enc_ok(asy_encoding_t enc) {
    return (int)enc >= (int)ASY_ENC_UTF8 && (int)enc <= (int)ASY_ENC_UTF16LE;
}

ASY__INTERNAL int asy__name_is(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char c = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (c != *b) return 0;
    }
    return *a == *b;
}

ASYNCRT_API int asy_encoding_from_name(const char *name) {
    static const struct {
        const char *name;
        asy_encoding_t enc;
    } names[] = {{"utf8", ASY_ENC_UTF8},        {"utf-8", ASY_ENC_UTF8},
                 {"hex", ASY_ENC_HEX},          {"base64", ASY_ENC_BASE64},
                 {"base64url", ASY_ENC_BASE64URL}, {"latin1", ASY_ENC_LATIN1},
                 {"binary", ASY_ENC_LATIN1},    {"ascii", ASY_ENC_ASCII},
                 {"utf16le", ASY_ENC_UTF16LE},  {"utf-16le", ASY_ENC_UTF16LE},
                 {"ucs2", ASY_ENC_UTF16LE},     {"ucs-2", ASY_ENC_UTF16LE}};
    size_t i;
    if (!name) return ASY_EINVAL;
    for (i = 0; i < ASY_ARRAY_SIZE(names); i++)
        if (asy__name_is(name, names[i].name)) return (int)names[i].enc;
    return ASY_EINVAL;
}

ASYNCRT_API const char *asy_encoding_name(asy_encoding_t enc) {
    static const char *const names[] = {"utf8",  "hex",   "base64", "base64url",
                                        "latin1", "ascii", "utf16le"};
    return asy__enc_ok(enc) ? names[(int)enc] : NULL;
}

/* ---- buffer -> string ---------------------------------------------------- */

ASYNCRT_API ptrdiff_t asy_buf_string_length(const asy_buf_t *b, asy_encoding_t enc) {
    size_t n;
    if (!b || !asy__enc_ok(enc)) return ASY_EINVAL;
    n = b->len;
    /* PTRDIFF_MAX bounds every object, so a longer string cannot exist */
    switch (enc) {
        case ASY_ENC_HEX:
            return n > (size_t)PTRDIFF_MAX / 2 ? (ptrdiff_t)ASY_ENOMEM : (ptrdiff_t)(2 * n);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            if (n / 3 > (size_t)PTRDIFF_MAX / 4 - 1) return ASY_ENOMEM;
            return (ptrdiff_t)asy__base64_encoded_len(n, enc == ASY_ENC_BASE64URL);
        default: {
            size_t len = asy__text_encoded_len(enc, b->data, n);
            return len > (size_t)PTRDIFF_MAX ? (ptrdiff_t)ASY_ENOMEM : (ptrdiff_t)len;
        }
    }
}

ASY__INTERNAL size_t asy__encode(const asy_buf_t *b, asy_encoding_t enc, char *dst) {
    switch (enc) {
        case ASY_ENC_HEX:
            return asy__hex_encode(b->data, b->len, dst);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            return asy__base64_encode(b->data, b->len, dst, enc == ASY_ENC_BASE64URL);
        default:
            return asy__text_encode(enc, b->data, b->len, dst);
    }
}

ASYNCRT_API int asy_buf_to_string(const asy_buf_t *b, asy_encoding_t enc, char **out,
                                  size_t *out_len) {
    ptrdiff_t len;
    char *s;
    if (out) *out = NULL;
    if (out_len) *out_len = 0;
    if (!out) return ASY_EINVAL;
    len = asy_buf_string_length(b, enc);
    if (len < 0) return (int)len;
    s = (char *)asy__malloc((size_t)len + 1);
    if (!s) return ASY_ENOMEM;
    if (len) asy__encode(b, enc, s);
    s[len] = '\0';
    *out = s;
    if (out_len) *out_len = (size_t)len;
    return 0;
}

ASYNCRT_API ptrdiff_t asy_buf_encode_into(const asy_buf_t *b, asy_encoding_t enc, char *dst,
                                          size_t cap) {
    ptrdiff_t len = asy_buf_string_length(b, enc);
    if (len < 0) return len;
    if ((size_t)len > cap) return ASY_ERANGE;
    if (len && !dst) return ASY_EINVAL;
    if (len) asy__encode(b, enc, dst);
    return len;
}

/* ---- string -> buffer ---------------------------------------------------- */

ASY__INTERNAL int asy__decode(asy_encoding_t enc, const char *src, size_t n, uint8_t *dst,
                              size_t cap, unsigned flags, size_t *written) {
    switch (enc) {
        case ASY_ENC_HEX:
            return asy__hex_decode(src, n, dst, cap, flags, written);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            return asy__base64_decode(src, n, dst, cap, flags, enc == ASY_ENC_BASE64URL, written);
        default:
            return asy__text_decode(enc, src, n, dst, cap, flags, written);
    }
}

ASYNCRT_API ptrdiff_t asy_buf_byte_length(const char *str, size_t len, asy_encoding_t enc,
                                          unsigned flags) {
    size_t n;
    int r;
    if ((!str && len) || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (len == 0) return 0;
    switch (enc) {
        case ASY_ENC_HEX:
            return asy__hex_decoded_len(str, len, flags);
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            return asy__base64_decoded_len(str, len, flags, enc == ASY_ENC_BASE64URL);
        default:
            r = asy__text_decode(enc, str, len, NULL, 0, flags, &n);
            if (r < 0) return r;
            return n > (size_t)PTRDIFF_MAX ? (ptrdiff_t)ASY_ENOMEM : (ptrdiff_t)n;
    }
}

ASYNCRT_API int asy_buf_from_stringn(asy_buf_t *out, const char *str, size_t len,
                                     asy_encoding_t enc, unsigned flags) {
    size_t cap, written;
    ptrdiff_t exact;
    int r;
    if (!out) return ASY_EINVAL;
    asy__buf_clear(out);
    if ((!str && len) || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (len == 0) return 0;
    switch (enc) {
        case ASY_ENC_HEX:
            cap = len / 2;
            break;
        case ASY_ENC_BASE64:
        case ASY_ENC_BASE64URL:
            /* an upper bound: exact for valid strict input */
            cap = len / 4 * 3 + (len % 4 > 1 ? len % 4 - 1 : 0);
            break;
        default:
            if (enc == ASY_ENC_UTF8 && asy_utf8_valid(str, len)) {
                cap = len;
                break;
            }
            exact = asy_buf_byte_length(str, len, enc, flags);
            if (exact < 0) return (int)exact;
            cap = (size_t)exact;
            break;
    }
    r = asy__buf_make(out, cap, cap, 0);
    if (r < 0) return r;
    r = asy__decode(enc, str, len, out->data, cap, flags, &written);
    if (r < 0) {
        asy_buf_release(out);
        return r;
    }
    out->len = written;
    if (out->store) out->store->used = written;
    asy__buf_shrink(out);
    return 0;
}

ASYNCRT_API int asy_buf_from_string(asy_buf_t *out, const char *str, asy_encoding_t enc) {
    if (!out) return ASY_EINVAL;
    if (!str) {
        asy__buf_clear(out);
        return ASY_EINVAL;
    }
    return asy_buf_from_stringn(out, str, strlen(str), enc, 0);
}

ASYNCRT_API ptrdiff_t asy_buf_write_string(asy_buf_t *b, size_t offset, const char *str,
                                           size_t len, asy_encoding_t enc, unsigned flags) {
    size_t written;
    int r;
    if (!b || (!str && len) || !asy__enc_ok(enc)) return ASY_EINVAL;
    if (offset > b->len) return ASY_ERANGE;
    if (len == 0 || offset == b->len) return 0;
    if (!(flags & ASY_BUF_LENIENT)) {
        ptrdiff_t check = asy_buf_byte_length(str, len, enc, flags);
        if (check < 0) return check;
    }
    r = asy__decode(enc, str, len, b->data + offset, b->len - offset, flags, &written);
    return r < 0 ? r : (ptrdiff_t)written;
}
