/* JSON internals: the arena behind a document, number conversions. */
#pragma once
#include "json.h"
#include "../base/sys.internal.h"

/* Arena chunks: the first is small (most documents are), each next one
 * doubles up to 1 MiB; a request larger than a chunk gets a chunk of its
 * own.  Allocations are 8-byte aligned. */
struct asy__json_chunk {
    asy__json_chunk *next;
    size_t size; /* bytes after this header */
    double align_;
};

ASY__INTERNAL void *asy__json_alloc_slow(asy_json_doc_t *doc, size_t n);

ASY__INTERNAL void *asy__json_alloc(asy_json_doc_t *doc, size_t n) {
    char *p;
    n = (n + 7u) & ~(size_t)7u;
    if (ASY__LIKELY((size_t)(doc->end_ - doc->cur_) >= n && doc->cur_)) {
        p = doc->cur_;
        doc->cur_ += n;
        return p;
    }
    return asy__json_alloc_slow(doc, n);
}

/* Number text (JSON grammar already checked: -?int frac? exp?) to the
 * double JSON.parse gives. */
ASY__INTERNAL double asy__json_strtod(const char *s, size_t len);

/* 1e0..1e22: exactly representable, the base of the exact fast paths. */
static const double asy__json_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                           1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Writes UTF-8 (or WTF-8 for a lone surrogate) of code point cp; returns
 * the byte count. */
ASY__INTERNAL size_t asy__json_put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid.
 * wtf8 admits the encoded surrogates ED A0..BF xx. */
ASY__INTERNAL size_t asy__json_utf8_len(const unsigned char *p, size_t n, int wtf8) {
    unsigned c = p[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (n >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;         /* overlong */
        if (c == 0xED && p[1] >= 0xA0 && !wtf8) return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0; /* overlong */
        if (c == 0xF4 && p[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}
