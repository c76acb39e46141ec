/* Host parsing and serialization: domains (ASCII only: see ASY_EURL_IDNA),
 * IPv4 with the standard's hex/octal parts, IPv6 with compression and an
 * embedded IPv4 tail, and the opaque hosts of non-special URLs. */
#include "encode.internal.h"
#include "../base/errors.h"

/* The standard's IPv4 number parser.  0: ok (*out set, saturating at
 * 2^32 so an overlong number still fails the range check), -1: failure. */
ASY__INTERNAL int asy__url_ipv4_number(const char *s, size_t n, uint64_t *out) {
    unsigned radix = 10;
    uint64_t v = 0;
    size_t i;
    if (n == 0) return -1;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        radix = 16;
        s += 2;
        n -= 2;
    } else if (n >= 2 && s[0] == '0') {
        radix = 8;
        s++;
        n--;
    }
    for (i = 0; i < n; i++) {
        int d = asy__url_hexval((unsigned char)s[i]);
        if (d < 0 || (unsigned)d >= radix) return -1;
        v = v * radix + (unsigned)d;
        if (v > 0xffffffffull) v = 0x100000000ull;
    }
    *out = v;
    return 0;
}

/* The "ends in a number" checker. */
ASY__INTERNAL int asy__url_ends_in_number(const char *s, size_t n) {
    size_t start, i;
    uint64_t v;
    if (n && s[n - 1] == '.') {
        if (n == 1) return 0;
        n--;
    }
    start = n;
    while (start > 0 && s[start - 1] != '.') start--;
    if (start == n) return 0;
    for (i = start; i < n; i++)
        if (s[i] < '0' || s[i] > '9') break;
    if (i == n) return 1;
    return asy__url_ipv4_number(s + start, n - start, &v) == 0;
}

/* The IPv4 parser: 0 and *addr, or -1. */
ASY__INTERNAL int asy__url_ipv4_parse(const char *s, size_t n, uint32_t *addr) {
    uint64_t parts[4], v;
    size_t count = 0, i = 0, start;
    if (n && s[n - 1] == '.') n--; /* one trailing dot is allowed */
    for (;;) {
        start = i;
        while (i < n && s[i] != '.') i++;
        if (count == 4) return -1;
        if (asy__url_ipv4_number(s + start, i - start, &parts[count]) != 0) return -1;
        count++;
        if (i == n) break;
        i++;
    }
    for (i = 0; i + 1 < count; i++)
        if (parts[i] > 255) return -1;
    if (parts[count - 1] >= (1ull << (8 * (5 - count)))) return -1;
    v = parts[count - 1];
    for (i = 0; i + 1 < count; i++) v += parts[i] << (8 * (3 - i));
    *addr = (uint32_t)v;
    return 0;
}

ASY__INTERNAL void asy__url_put_ipv4(asy__ubuf *b, uint32_t a) {
    char tmp[16];
    int n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", (unsigned)(a >> 24), (unsigned)((a >> 16) & 255),
                     (unsigned)((a >> 8) & 255), (unsigned)(a & 255));
    asy__ub_putn(b, tmp, (size_t)n);
}

/* The IPv6 parser over s[0..n) (no brackets): 0 and the 8 pieces, or -1. */
ASY__INTERNAL int asy__url_ipv6_parse(const char *s, size_t n, uint16_t addr[8]) {
    size_t p = 0;
    int piece = 0, compress = -1, i;
#define ASY__C6(k) ((k) < n ? (unsigned char)s[k] : 0)
    for (i = 0; i < 8; i++) addr[i] = 0;
    if (ASY__C6(p) == ':') {
        if (ASY__C6(p + 1) != ':') return -1;
        p += 2;
        compress = ++piece;
    }
    while (p < n) {
        unsigned value = 0, length = 0;
        if (piece == 8) return -1;
        if (s[p] == ':') {
            if (compress >= 0) return -1;
            p++;
            compress = ++piece;
            continue;
        }
        while (length < 4 && p < n && asy__url_hexval((unsigned char)s[p]) >= 0) {
            value = value * 16 + (unsigned)asy__url_hexval((unsigned char)s[p]);
            p++;
            length++;
        }
        if (ASY__C6(p) == '.') {
            int seen = 0;
            if (length == 0) return -1;
            p -= length;
            if (piece > 6) return -1;
            while (p < n) {
                int v4 = -1;
                if (seen > 0) {
                    if (s[p] == '.' && seen < 4)
                        p++;
                    else
                        return -1;
                }
                if (ASY__C6(p) < '0' || ASY__C6(p) > '9') return -1;
                while (ASY__C6(p) >= '0' && ASY__C6(p) <= '9') {
                    int d = s[p] - '0';
                    if (v4 < 0)
                        v4 = d;
                    else if (v4 == 0)
                        return -1;
                    else
                        v4 = v4 * 10 + d;
                    if (v4 > 255) return -1;
                    p++;
                }
                addr[piece] = (uint16_t)(addr[piece] * 0x100 + v4);
                seen++;
                if (seen == 2 || seen == 4) piece++;
            }
            if (seen != 4) return -1;
            break;
        } else if (ASY__C6(p) == ':') {
            p++;
            if (p == n) return -1;
        } else if (p < n) {
            return -1;
        }
        addr[piece++] = (uint16_t)value;
    }
#undef ASY__C6
    if (compress >= 0) {
        int swaps = piece - compress;
        piece = 7;
        while (piece != 0 && swaps > 0) {
            uint16_t t = addr[piece];
            addr[piece] = addr[compress + swaps - 1];
            addr[compress + swaps - 1] = t;
            piece--;
            swaps--;
        }
    } else if (piece != 8) {
        return -1;
    }
    return 0;
}

/* "[a:b::c]": the first longest run of two or more zero pieces becomes "::". */
ASY__INTERNAL void asy__url_put_ipv6(asy__ubuf *b, const uint16_t a[8]) {
    int best = -1, best_len = 1, i, ignore0 = 0;
    char tmp[8];
    for (i = 0; i < 8;) {
        int j = i;
        while (j < 8 && a[j] == 0) j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    asy__ub_putc(b, '[');
    for (i = 0; i < 8; i++) {
        int n;
        if (ignore0 && a[i] == 0) continue;
        ignore0 = 0;
        if (i == best) {
            asy__ub_putn(b, i == 0 ? "::" : ":", i == 0 ? 2 : 1);
            ignore0 = 1;
            continue;
        }
        n = snprintf(tmp, sizeof(tmp), "%x", (unsigned)a[i]);
        asy__ub_putn(b, tmp, (size_t)n);
        if (i != 7) asy__ub_putc(b, ':');
    }
    asy__ub_putc(b, ']');
}

/* 1 when s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
ASY__INTERNAL int asy__url_utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], need, cp, k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + need >= n) return 0;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* Parses in[0..n) as the host of a URL (special or not) and appends its
 * serialization to b.  Returns an asy_url_host_type_t, or a negative
 * error (ASY_EINVALID_URL, ASY_EURL_IDNA, ASY_ENOMEM). */
ASY__INTERNAL int asy__url_parse_host(asy__ubuf *b, const char *in, size_t n, int special) {
    size_t start, i, label;
    uint16_t v6[8];
    uint32_t v4;
    int high = 0;
    if (n && in[0] == '[') {
        if (in[n - 1] != ']') return ASY_EINVALID_URL;
        if (asy__url_ipv6_parse(in + 1, n - 2, v6) != 0) return ASY_EINVALID_URL;
        asy__url_put_ipv6(b, v6);
        return b->err ? b->err : (int)ASY_URL_HOST_IPV6;
    }
    if (!special) {
        for (i = 0; i < n; i++)
            if (asy__url_chr_tab[(unsigned char)in[i]] & ASY__UC_FORBIDDEN_HOST) return ASY_EINVALID_URL;
        asy__ub_encode(b, in, n, ASY_URL_ENCODE_C0);
        if (b->err) return b->err;
        return n ? (int)ASY_URL_HOST_OPAQUE : (int)ASY_URL_HOST_EMPTY;
    }
    /* domain: percent-decode into b, then the ASCII case of domain to ASCII */
    start = b->len;
    if (memchr(in, '%', n))
        asy__ub_decode(b, in, n);
    else
        asy__ub_putn(b, in, n);
    if (b->err) return b->err;
    for (i = start; i < b->len; i++) {
        unsigned char c = (unsigned char)b->p[i];
        if (c >= 0x80) high = 1;
        else if (c >= 'A' && c <= 'Z') b->p[i] = (char)(c + 32);
    }
    if (high) {
        int ok = asy__url_utf8_valid((const unsigned char *)b->p + start, b->len - start);
        b->len = start;
        /* invalid UTF-8 decodes to U+FFFD, which IDNA rejects */
        return ok ? ASY_EURL_IDNA : ASY_EINVALID_URL;
    }
    if (b->len == start) return ASY_EINVALID_URL;
    for (label = start; label < b->len;) {
        size_t end = label;
        while (end < b->len && b->p[end] != '.') end++;
        if (end - label >= 4 && memcmp(b->p + label, "xn--", 4) == 0) {
            b->len = start;
            return ASY_EURL_IDNA;
        }
        label = end + 1;
    }
    for (i = start; i < b->len; i++)
        if (asy__url_chr_tab[(unsigned char)b->p[i]] & ASY__UC_FORBIDDEN_DOMAIN) {
            b->len = start;
            return ASY_EINVALID_URL;
        }
    if (asy__url_ends_in_number(b->p + start, b->len - start)) {
        int r = asy__url_ipv4_parse(b->p + start, b->len - start, &v4);
        b->len = start;
        if (r != 0) return ASY_EINVALID_URL;
        asy__url_put_ipv4(b, v4);
        return b->err ? b->err : (int)ASY_URL_HOST_IPV4;
    }
    return (int)ASY_URL_HOST_DOMAIN;
}
