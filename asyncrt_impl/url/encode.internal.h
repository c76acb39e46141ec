/* The URL layer's byte tables, its scratch buffer and percent-encoding. */
#pragma once
#include "url.h"
#include "../base/sys.internal.h"

/* asy__url_enc_tab[c] has the bit of every asy_url_encode_set_t that
 * encodes byte c (generated from the standard's definitions). */
ASY__INTERNAL const unsigned char asy__url_enc_tab[256] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    254, 128, 254, 252, 192, 192, 192, 136, 128, 128,   0, 192, 192,   0,   0, 224,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0, 224, 224, 254, 224, 254, 240,
    224,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0, 224, 224, 224, 224,   0,
    242,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0, 240, 224, 240, 128, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};
ASY__INTERNAL const unsigned char asy__url_chr_tab[256] = {
      3,   2,   2,   2,   2,   2,   2,   2,   2,   3,   3,   2,   2,   3,   2,   2,
      2,   2,   2,   2,   2,   2,   2,   2,   2,   2,   2,   2,   2,   2,   2,   2,
      3,   0,   0,   3,   0,   2,   0,   0,   0,   0,   0,   8,   0,   8,   8,   3,
     12,  12,  12,  12,  12,  12,  12,  12,  12,  12,   3,   0,   3,   0,   3,   3,
      3,  28,  28,  28,  28,  28,  28,  24,  24,  24,  24,  24,  24,  24,  24,  24,
     24,  24,  24,  24,  24,  24,  24,  24,  24,  24,  24,   3,   3,   3,   3,   0,
      0,  28,  28,  28,  28,  28,  28,  24,  24,  24,  24,  24,  24,  24,  24,  24,
     24,  24,  24,  24,  24,  24,  24,  24,  24,  24,  24,   0,   3,   0,   0,   2,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
};
/* asy__url_chr_tab bits: */
#define ASY__UC_FORBIDDEN_HOST 1   /* forbidden host code point */
#define ASY__UC_FORBIDDEN_DOMAIN 2 /* forbidden domain code point */
#define ASY__UC_HEX 4
#define ASY__UC_SCHEME 8           /* alphanumeric, + - . */
#define ASY__UC_ALPHA 16

#define ASY__URL_MAX_LEN 0x7fffffffu

ASY__INTERNAL int asy__url_hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

ASY__INTERNAL int asy__url_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* ---- scratch buffer ---------------------------------------------------- */

/* Parsing writes into a buffer that starts on the caller's stack and moves
 * to the heap only for long URLs.  A failed growth is sticky (err), so the
 * parser writes without checks and looks once at the end; lengths never
 * advance past the memory held. */
typedef struct {
    char *p;
    size_t len, cap;
    int heap;
    int err;
} asy__ubuf;

ASY__INTERNAL void asy__ub_init(asy__ubuf *b, char *stack, size_t cap) {
    b->p = stack;
    b->len = 0;
    b->cap = cap;
    b->heap = 0;
    b->err = 0;
}

ASY__INTERNAL void asy__ub_free(asy__ubuf *b) {
    if (b->heap) asy__free(b->p);
    b->heap = 0;
    b->p = NULL;
    b->cap = b->len = 0;
}

ASY__INTERNAL int asy__ub_grow(asy__ubuf *b, size_t extra) {
    size_t need, ncap;
    char *np;
    if (b->err) return b->err;
    if (extra > ASY__URL_MAX_LEN || b->len + extra > ASY__URL_MAX_LEN) return b->err = ASY_EINVALID_URL;
    need = b->len + extra;
    if (need <= b->cap) return 0;
    ncap = b->cap ? b->cap * 2 : 256;
    while (ncap < need) ncap *= 2;
    if (b->heap) {
        np = (char *)asy__realloc(b->p, ncap);
    } else {
        np = (char *)asy__malloc(ncap);
        if (np && b->len) memcpy(np, b->p, b->len);
    }
    if (!np) return b->err = ASY_ENOMEM;
    b->p = np;
    b->cap = ncap;
    b->heap = 1;
    return 0;
}

#define ASY__UB_ROOM(b, n) ((b)->cap - (b)->len >= (size_t)(n) || asy__ub_grow((b), (n)) == 0)

ASY__INTERNAL void asy__ub_putc(asy__ubuf *b, int c) {
    if (ASY__UB_ROOM(b, 1)) b->p[b->len++] = (char)c;
}

ASY__INTERNAL void asy__ub_putn(asy__ubuf *b, const char *s, size_t n) {
    if (n && ASY__UB_ROOM(b, n)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
}

static const char asy__url_hex_upper[] = "0123456789ABCDEF";

/* Appends s[0..n) percent-encoding the bytes in `set` (an encode-set bit).
 * Runs of bytes that need nothing are copied in one go. */
ASY__INTERNAL void asy__ub_encode(asy__ubuf *b, const char *s, size_t n, unsigned set) {
    size_t i = 0, run;
    while (i < n) {
        run = i;
        while (run < n && !(asy__url_enc_tab[(unsigned char)s[run]] & set)) run++;
        asy__ub_putn(b, s + i, run - i);
        if (run == n) break;
        if (ASY__UB_ROOM(b, 3)) {
            unsigned char c = (unsigned char)s[run];
            b->p[b->len] = '%';
            b->p[b->len + 1] = asy__url_hex_upper[c >> 4];
            b->p[b->len + 2] = asy__url_hex_upper[c & 15];
            b->len += 3;
        }
        i = run + 1;
    }
}

/* Appends the percent-decoding of s[0..n). */
ASY__INTERNAL void asy__ub_decode(asy__ubuf *b, const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n &&
            (hi = asy__url_hexval((unsigned char)s[i + 1])) >= 0 &&
            (lo = asy__url_hexval((unsigned char)s[i + 2])) >= 0) {
            asy__ub_putc(b, hi * 16 + lo);
            i += 2;
        } else {
            asy__ub_putc(b, (unsigned char)s[i]);
        }
    }
}

/* Hands the buffer's bytes to *out as a NUL-terminated heap string. */
ASY__INTERNAL int asy__ub_finish(asy__ubuf *b, char **out, size_t *out_len) {
    char *s;
    if (b->err) {
        int err = b->err;
        asy__ub_free(b);
        return err;
    }
    s = (char *)asy__malloc(b->len + 1);
    if (!s) {
        asy__ub_free(b);
        return ASY_ENOMEM;
    }
    if (b->len) memcpy(s, b->p, b->len);
    s[b->len] = '\0';
    if (out_len) *out_len = b->len;
    *out = s;
    asy__ub_free(b);
    return 0;
}

/* Appends the form-urlencoded serialization of s[0..n) (space is '+'). */
ASY__INTERNAL void asy__ub_form_encode(asy__ubuf *b, const char *s, size_t n) {
    size_t i = 0, j;
    while (i < n) {
        for (j = i; j < n && s[j] != ' '; j++) {
        }
        asy__ub_encode(b, s + i, j - i, ASY_URL_ENCODE_FORM);
        if (j == n) break;
        asy__ub_putc(b, '+');
        i = j + 1;
    }
}

ASYNCRT_API int asy_url_percent_encode(char **out, const char *s, size_t len, asy_url_encode_set_t set) {
    asy__ubuf b;
    char local[256];
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!s && len) return ASY_EINVAL;
    asy__ub_init(&b, local, sizeof(local));
    if (set == ASY_URL_ENCODE_FORM)
        asy__ub_form_encode(&b, s, len);
    else
        asy__ub_encode(&b, s, len, (unsigned)set);
    return asy__ub_finish(&b, out, NULL);
}

ASYNCRT_API int asy_url_percent_decode(char **out, size_t *out_len, const char *s, size_t len) {
    asy__ubuf b;
    char local[256];
    if (!out) return ASY_EINVAL;
    *out = NULL;
    if (!s && len) return ASY_EINVAL;
    asy__ub_init(&b, local, sizeof(local));
    asy__ub_decode(&b, s, len);
    return asy__ub_finish(&b, out, out_len);
}
