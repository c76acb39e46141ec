/* data: URLs, the Fetch standard's "data: URL processor": the MIME type
 * before the first ',', the body after it percent-decoded, then
 * forgiving-base64 decoded when the type ends in ";base64". */
#include "parser.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../url/url.h"
#if ASYNCRT_OS_POSIX

#include <string.h>

ASY__INTERNAL int asy__du_hex(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

ASY__INTERNAL int asy__du_b64(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Forgiving-base64 decode of d[0..*n) in place. */
ASY__INTERNAL int asy__du_base64(unsigned char *d, size_t *n) {
    size_t i, k = 0, o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (i = 0; i < *n; i++) /* drop ASCII whitespace */
        if (!strchr(" \t\n\f\r", d[i]) || d[i] == 0) d[k++] = d[i];
    if (k % 4 == 0 && k >= 1 && d[k - 1] == '=') {
        k--;
        if (k >= 1 && d[k - 1] == '=') k--;
    }
    if (k % 4 == 1) return ASY_EBAD_DATA_URL;
    for (i = 0; i < k; i++) {
        int v = asy__du_b64(d[i]);
        if (v < 0) return ASY_EBAD_DATA_URL;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            d[o++] = (unsigned char)((acc >> bits) & 0xFF);
        }
    }
    *n = o;
    return 0;
}

/* href is a parsed data: URL; body and *mime (allocated) out. */
ASY__INTERNAL int asy__data_url_decode(const asy_url_t *u, asy_buf_t *body, char **mime) {
    const char *s = u->href + 5, *end = u->href + (u->has_frag ? u->frag_start : u->href_len);
    const char *comma = (const char *)memchr(s, ',', (size_t)(end - s));
    const char *ms, *me;
    size_t n = 0, i, ml;
    int b64 = 0, r;
    unsigned char *d;
    if (!comma) return ASY_EBAD_DATA_URL;
    ms = s;
    me = comma;
    while (ms < me && (*ms == ' ' || *ms == '\t' || *ms == '\n' || *ms == '\r' || *ms == '\f')) ms++;
    while (me > ms && (me[-1] == ' ' || me[-1] == '\t' || me[-1] == '\n' || me[-1] == '\r' ||
                       me[-1] == '\f'))
        me--;
    /* ";base64" at the end (spaces allowed before "base64") */
    if (me - ms >= 6 && asy_http_name_eq(me - 6, 6, "base64")) {
        const char *q = me - 6;
        while (q > ms && q[-1] == ' ') q--;
        if (q > ms && q[-1] == ';') {
            b64 = 1;
            me = q - 1;
        }
    }
    if ((r = asy_buf_alloc_unsafe(body, (size_t)(end - comma))) != 0) return r;
    d = body->data;
    for (i = (size_t)(comma - s) + 1; s + i < end; i++) {
        const char *p = s + i;
        if (*p == '%' && end - p >= 3 && asy__du_hex(p[1]) >= 0 && asy__du_hex(p[2]) >= 0) {
            d[n++] = (unsigned char)(asy__du_hex(p[1]) * 16 + asy__du_hex(p[2]));
            i += 2;
        } else {
            d[n++] = (unsigned char)*p;
        }
    }
    if (b64 && (r = asy__du_base64(d, &n)) != 0) {
        asy_buf_release(body);
        return r;
    }
    body->len = n;
    ml = (size_t)(me - ms);
    if (ml == 0) {
        *mime = asy__strdup("text/plain;charset=US-ASCII");
    } else {
        int semi = ms[0] == ';';
        *mime = (char *)asy__malloc(ml + (semi ? 10 : 0) + 1);
        if (*mime) {
            size_t o = 0;
            if (semi) {
                memcpy(*mime, "text/plain", 10);
                o = 10;
            }
            memcpy(*mime + o, ms, ml);
            (*mime)[o + ml] = 0;
        }
    }
    if (!*mime) {
        asy_buf_release(body);
        return ASY_ENOMEM;
    }
    return 0;
}

#endif /* ASYNCRT_OS_POSIX */
